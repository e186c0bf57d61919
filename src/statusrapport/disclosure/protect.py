"""Which cells to hide: primary suppression, then complementary suppression that survives sums.

A year's figures form a hierarchy: facilities → target groups → the centre, and every level is
published somewhere (funnel tables, group tables, noegletal.json, profile pages). A cell is
*primary* when it concerns fewer than ``config.MIN_PERSONS`` persons. Hiding it is not enough:
the group total minus the visible facilities gives it back. So cells are added to the hidden set,
cheapest first, until every hidden cell is *protected*: an attacker who knows every visible
count, every published total and that counts are ≥ 0 (and integers, where they are) cannot
narrow any hidden count to an interval shorter than its protection range (``Quantity.width``).
A hidden count the attacker can only pin to exactly 0 is allowed: it concerns nobody, which is
why a 0 may be shown in the first place.

The same hidden set is used by every page and file that shows the year (facility pages,
history series, group tables, key figures), so no page gives away what another hides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from statusrapport.disclosure.lp import System

CENTRE = "_centret"
_TOL = 1e-6


@dataclass(frozen=True)
class Quantity:
    """A count summed over the hierarchy, and how wide the attacker's interval must stay."""

    column: str
    width: float
    integer: bool = False


@dataclass(frozen=True)
class Protection:
    """The hidden cells of one measure in one year."""

    facilities: frozenset[str]
    groups: frozenset[str]
    primary: frozenset[str]
    centre: bool = False

    def hidden(self, tilbud_id: object) -> bool:
        return str(tilbud_id) in self.facilities

    def group_hidden(self, group: object) -> bool:
        return str(group) in self.groups


EMPTY = Protection(frozenset(), frozenset(), frozenset())

Cell = tuple[str, str]  # ("tilbud", id) | ("gruppe", name)


class _Model:
    """Facility values, their groups and the sums an attacker sees."""

    def __init__(
        self, frame: pd.DataFrame, quantities: Sequence[Quantity], id_col: str, group_col: str
    ) -> None:
        self.ids = [str(v) for v in frame[id_col]]
        self.group_of = dict(zip(self.ids, (str(g) for g in frame[group_col]), strict=True))
        self.groups = sorted(set(self.group_of.values()))
        self.members = {g: [f for f in self.ids if self.group_of[f] == g] for g in self.groups}
        self.quantities = list(quantities)
        self.value: dict[tuple[str, str, str], float] = {}
        for q in quantities:
            column = pd.to_numeric(frame[q.column]).fillna(0.0).astype(float).tolist()
            for f, v in zip(self.ids, column, strict=True):
                self.value[("tilbud", f, q.column)] = v
            for g in self.groups:
                self.value[("gruppe", g, q.column)] = sum(
                    self.value[("tilbud", f, q.column)] for f in self.members[g]
                )

    def width(self, cell: Cell, q: Quantity, hidden_f: set[str], hidden_g: set[str]) -> float:
        """Width of the attacker's interval for ``cell``'s ``q`` (0 when pinned; inf if free)."""
        system = System()
        centre = ("center", CENTRE)
        system.bound(centre, *([self._centre(q)] * 2))
        for g in self.groups:
            key = ("gruppe", g)
            if g not in hidden_g:
                system.bound(key, *([self.value[("gruppe", g, q.column)]] * 2))
            for f in self.members[g]:
                system.var(("tilbud", f), integer=q.integer)
                if f not in hidden_f:
                    system.bound(("tilbud", f), *([self.value[("tilbud", f, q.column)]] * 2))
            system.total(key, [("tilbud", f) for f in self.members[g]])
        system.total(centre, [("gruppe", g) for g in self.groups])
        interval = system.interval(cell)
        if interval is None:  # cannot happen with true values; treat as pinned to be safe
            return 0.0
        lo, hi = interval
        if hi <= _TOL:
            return float("inf")  # pinned to 0: concerns nobody
        return hi - lo

    def _centre(self, q: Quantity) -> float:
        return sum(self.value[("gruppe", g, q.column)] for g in self.groups)

    def size(self, cell: Cell, column: str) -> float:
        return self.value[(cell[0], cell[1], column)]


def protect(
    frame: pd.DataFrame,
    *,
    quantities: Sequence[Quantity],
    small: Callable[[pd.DataFrame], pd.Series],
    id_col: str = "tilbud_id",
    group_col: str = "maalgruppe",
) -> Protection:
    """The hidden facilities and groups for one measure-year (one row per facility in ``frame``).

    ``small`` marks primary rows of a frame with the ``quantities`` columns; it is applied to
    facilities, to the group sums and to the centre. Complementary cells are chosen greedily:
    for the first unprotected cell, the cheapest addition (fewest staff hidden) that protects it,
    else the one that widens it most; when nothing helps, every facility and group is hidden.
    """
    if frame.empty:
        return EMPTY
    model = _Model(frame, quantities, id_col, group_col)
    size_col = quantities[-1].column
    primary_f = {f for f, p in zip(model.ids, small(frame).tolist(), strict=True) if p}
    sums = pd.DataFrame(
        {q.column: [model.value[("gruppe", g, q.column)] for g in model.groups] for q in quantities}
    )
    primary_g = {g for g, p in zip(model.groups, small(sums).tolist(), strict=True) if p}
    centre = pd.DataFrame({q.column: [model._centre(q)] for q in quantities})
    everything = Protection(frozenset(model.ids), frozenset(model.groups), frozenset(primary_f))
    if bool(small(centre).iloc[0]):
        return Protection(everything.facilities, everything.groups, everything.primary, True)
    hidden_f, hidden_g = set(primary_f), set(primary_g)
    # Hiding more only removes facts, so the attacker's interval of a cell can only widen: a cell
    # once protected by a finite width stays protected and is not solved again. (A cell pinned to
    # 0, width inf, is not remembered: hiding more can free it to a narrow interval.)
    protected: set[tuple[Cell, str]] = set()

    def unprotected() -> tuple[Cell, Quantity, float] | None:
        cells: list[Cell] = [("gruppe", g) for g in sorted(hidden_g)]
        cells += [("tilbud", f) for f in sorted(hidden_f)]
        for cell in cells:
            for q in quantities:
                if (cell, q.column) in protected:
                    continue
                w = model.width(cell, q, hidden_f, hidden_g)
                if w < q.width - _TOL:
                    return cell, q, w
                if math.isfinite(w):
                    protected.add((cell, q.column))
        return None

    def best_facility(group: str, q: Quantity) -> str | None:
        visible = [f for f in model.members[group] if f not in hidden_f]
        if not visible:
            return None
        enough = [f for f in visible if model.size(("tilbud", f), q.column) >= q.width]
        if enough:
            return min(enough, key=lambda f: (model.size(("tilbud", f), size_col), f))
        return max(visible, key=lambda f: (model.size(("tilbud", f), q.column), f))

    def candidates(cell: Cell, q: Quantity) -> list[tuple[set[str], set[str]]]:
        out: list[tuple[set[str], set[str]]] = []
        group = model.group_of[cell[1]] if cell[0] == "tilbud" else cell[1]
        if cell[0] == "tilbud":
            out += [({f}, set()) for f in model.members[group] if f not in hidden_f]
        for other in model.groups:
            if other == group:
                continue
            extra = best_facility(other, q)
            add_g = {other} if other not in hidden_g else set()
            if cell[0] == "tilbud" and group not in hidden_g:
                add_g.add(group)
            if extra is not None:
                out.append(({extra}, add_g))
        return out

    for _ in range(4 * (len(model.ids) + len(model.groups))):
        failure = unprotected()
        if failure is None:
            return Protection(frozenset(hidden_f), frozenset(hidden_g), frozenset(primary_f))
        cell, q, before = failure
        best: tuple[tuple[int, float, float], set[str], set[str]] | None = None
        for add_f, add_g in candidates(cell, q):
            w = model.width(cell, q, hidden_f | add_f, hidden_g | add_g)
            if w <= before + _TOL:
                continue
            cost = sum(model.size(("tilbud", f), size_col) for f in add_f) + sum(
                model.size(("gruppe", g), size_col) for g in add_g
            )
            rank = (0 if w >= q.width - _TOL else 1, cost if w >= q.width else -w, cost)
            if best is None or rank < best[0]:
                best = (rank, add_f, add_g)
        if best is None:
            break
        hidden_f |= best[1]
        hidden_g |= best[2]
    return everything
