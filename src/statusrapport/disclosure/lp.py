"""The attacker's arithmetic: linear relations between published numbers, and feasible intervals.

Everything a reader can read off the site is a linear fact about unknown counts: a published
count is an interval (its rounding), a published total is a sum, and a published rate r of
count n over denominator d, rounded to ±δ, says (r − δ)·d ≤ n ≤ (r + δ)·d — linear in (n, d).
For a hidden cell, the smallest and largest value the unknown can take under all those facts
(two linear programmes, ``scipy.optimize.milp``) is what an attacker can learn about it. Counts
of persons are integers, which an attacker may use as well (that is how 5/11 gives away 5 of 11).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

Key = Hashable

#: Numerical slack so that exact published values (no rounding) never make a system infeasible.
EPS = 1e-6


@dataclass
class System:
    """Unknowns (each ≥ 0), with bounds, linear equalities/inequalities and integrality."""

    index: dict[Key, int] = field(default_factory=dict)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[dict[int, float]] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    def var(self, key: Key, *, integer: bool = False) -> int:
        """The unknown called ``key`` (created ≥ 0 on first use)."""
        if key not in self.index:
            self.index[key] = len(self.lower)
            self.lower.append(0.0)
            self.upper.append(math.inf)
            self.integer.append(integer)
        elif integer:
            self.integer[self.index[key]] = True
        return self.index[key]

    def bound(self, key: Key, lo: float, hi: float) -> None:
        """``lo ≤ key ≤ hi`` (a published value and its rounding)."""
        i = self.var(key)
        self.lower[i] = max(self.lower[i], lo - EPS)
        self.upper[i] = min(self.upper[i], hi + EPS)

    def between(self, terms: Mapping[Key, float], lo: float, hi: float) -> None:
        """``lo ≤ Σ coefficient · key ≤ hi``."""
        row: dict[int, float] = {}
        for key, coefficient in terms.items():
            i = self.var(key)
            row[i] = row.get(i, 0.0) + coefficient
        self.rows.append(row)
        self.row_lo.append(lo - EPS)
        self.row_hi.append(hi + EPS)

    def total(self, total: Key, parts: list[Key]) -> None:
        """``total = Σ parts`` (a published sum over a group)."""
        terms = _minus(parts)
        terms[total] = terms.get(total, 0.0) + 1.0
        self.between(terms, 0.0, 0.0)

    def ratio(self, numerator: Key, denominator: Key, lo: float, hi: float) -> None:
        """``lo ≤ numerator / denominator ≤ hi`` as two linear rows (denominator ≥ 0)."""
        self.between({numerator: 1.0, denominator: -lo}, 0.0, math.inf)
        self.between({numerator: 1.0, denominator: -hi}, -math.inf, 0.0)

    def interval(self, key: Key) -> tuple[float, float] | None:
        """The smallest and largest feasible value of ``key`` (None: the facts contradict)."""
        i = self.var(key)
        n = len(self.lower)
        bounds = Bounds(np.array(self.lower), np.array(self.upper))
        integrality = np.array(self.integer, dtype=int)
        constraints = []
        if self.rows:
            matrix = np.zeros((len(self.rows), n))
            for r, row in enumerate(self.rows):
                for j, coefficient in row.items():
                    matrix[r, j] = coefficient
            constraints.append(LinearConstraint(matrix, self.row_lo, self.row_hi))
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[i] = sign
            result = milp(c, integrality=integrality, bounds=bounds, constraints=constraints)
            if result.status == 2:  # infeasible
                return None
            if result.status == 3 or result.x is None:  # unbounded
                ends.append(-math.inf if sign > 0 else math.inf)
            else:
                ends.append(float(result.x[i]))
        return ends[0], ends[1]


def _minus(parts: list[Key]) -> dict[Key, float]:
    out: dict[Key, float] = {}
    for part in parts:
        out[part] = out.get(part, 0.0) - 1.0
    return out


def rounding(text: str) -> float:
    """Half a unit of the last decimal shown: '0.455' → 0.0005, '12.0' → 0.05, '12' → 0.5."""
    text = text.strip().replace(",", ".")
    if "e" in text.lower():
        return 0.0  # scientific notation is full precision
    if "." not in text:
        return 0.5
    decimals = len(text.split(".", 1)[1])
    return 0.5 * 10.0 ** (-decimals)
