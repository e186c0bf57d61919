"""What the one verdict rule (``common.change_verdict``) says at the group sizes that occur.

A seeded simulation of demo-like facilities (absence and turnover as the demo generator makes
them: log-normal facility levels and year effects, long sick spells, overdispersed leavers) in
two years with **no true change**, and with a true change of exactly the "uændret" margin
(10 % of the level). For 5, 8, 12, 20 and 36 facilities it counts how often the centre's or
group's change is called "steget", "faldet", "uændret" and "kan ikke afgøres".

The requirements: with no true change, a wrong direction at most 2,5 % each side (the interval
is 95 %; the margin below is for simulation error and the small-sample interval's known slack);
with a true change of the margin's size, "uændret" at most 2,5 % (the equivalence reading is
TOST at 2,5 % per side). Seeded: the same numbers every run, so the test cannot flake.
``python tests/unit/test_verdict_simulation.py`` prints the full table (more replicates).
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

import numpy as np
import pytest

from statusrapport.analysis import common
from statusrapport.stats.change import pooled_change

SIZES = (5, 8, 12, 20, 36)
ARBEJDSDAGE = 227.0
#: Simulation error and the CR2/t interval's slack (its simulated coverage is 94,7–97,4 %).
MARGIN = 0.015

Measure = Literal["fravaer", "personaleomsaetning"]


def _year(
    rng: np.random.Generator,
    measure: Measure,
    fte: np.ndarray,
    level: np.ndarray,
    factor: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) per facility for one year, demo-like."""
    n = len(fte)
    year_effect = np.exp(rng.normal(-0.5 * 0.12**2, 0.12, n))  # demo: σ = 0,12 per year
    if measure == "fravaer":
        possible = fte * ARBEJDSDAGE
        rate = 0.06 * level * year_effect * factor
        # long spells: whole persons off for most of a month (40 % of the days), as the demo
        cases = rng.poisson(0.4 * rate * fte * 12 / 0.6)
        long_days = (ARBEJDSDAGE / 12) * rng.gamma(np.maximum(4.0 * cases, 1e-12), 0.6 / 4.0)
        long_days = np.where(cases > 0, long_days, 0.0)
        shape = 12 * (1.5 + 0.5 * fte)
        short_days = possible * 0.6 * rate * rng.gamma(shape, 1.0 / shape)
        return np.minimum(short_days + long_days, possible), possible
    headcount = np.round(fte * 1.16, 1)
    rate = 0.22 * level * year_effect * factor
    mean = headcount * rate
    leavers = rng.poisson(rng.gamma(20.0, mean / 20.0))  # overdispersed (leavers in waves)
    return leavers.astype(float), headcount


def simulate(
    measure: Measure, size: int, reps: int, seed: int, true_factor: float = 1.0
) -> Counter[str]:
    """Verdict counts over ``reps`` groups of ``size`` facilities (true change ×``true_factor``)."""
    rng = np.random.default_rng([seed, size, 0 if measure == "fravaer" else 1])
    words: Counter[str] = Counter()
    for _ in range(reps):
        fte = np.exp(rng.normal(np.log(55.0), 0.5, size))  # ~60 full-time posts on average
        level = np.exp(rng.normal(-0.5 * 0.25**2, 0.25, size))  # facilities differ
        nb, db = _year(rng, measure, fte, level, 1.0)
        na, da = _year(rng, measure, fte, level, true_factor)
        words[common.verdict(pooled_change(nb, db, na, da))] += 1
    return words


def _shares(words: Counter[str]) -> dict[str, float]:
    total = sum(words.values())
    return {w: words[w] / total for w in common.VERDICTS}


@pytest.mark.parametrize("measure", ["fravaer", "personaleomsaetning"])
@pytest.mark.parametrize("size", SIZES)
def test_no_true_change_is_called_a_rise_or_a_fall_at_most_2_5_percent_each_side(
    measure: Measure, size: int
) -> None:
    shares = _shares(simulate(measure, size, reps=600, seed=2026))
    assert shares[common.STEGET] <= 0.025 + MARGIN, shares
    assert shares[common.FALDET] <= 0.025 + MARGIN, shares
    assert sum(shares.values()) == pytest.approx(1.0)  # every group gets one of the four words


@pytest.mark.parametrize("measure", ["fravaer", "personaleomsaetning"])
@pytest.mark.parametrize("size", SIZES)
def test_a_true_change_of_the_margin_is_rarely_called_unchanged(
    measure: Measure, size: int
) -> None:
    shares = _shares(simulate(measure, size, reps=600, seed=2027, true_factor=1.10))
    assert shares[common.UAENDRET] <= 0.025 + MARGIN, shares


def test_the_band_does_what_the_method_page_says_at_the_sizes_that_occur() -> None:
    """A stable absence rate is often 'uændret' for the whole centre (36 facilities: about 4 in
    10) and almost always 'kan ikke afgøres' for a small target group (5 facilities); turnover,
    which varies far more, is 'kan ikke afgøres' even for the centre – the data cannot rule out
    a change of a tenth, so the page does not call it unchanged."""
    centre = _shares(simulate("fravaer", 36, reps=600, seed=2028))
    small = _shares(simulate("fravaer", 5, reps=600, seed=2028))
    turnover = _shares(simulate("personaleomsaetning", 36, reps=600, seed=2028))
    assert centre[common.UAENDRET] >= 0.30
    assert small[common.KAN_IKKE_AFGOERES] >= 0.85
    assert turnover[common.UAENDRET] <= 0.05


if __name__ == "__main__":  # pragma: no cover - the table for the method page and the report
    for factor in (1.0, 1.10):
        print(f"Sand ændring ×{factor}")
        for m in ("fravaer", "personaleomsaetning"):
            for g in SIZES:
                s = _shares(simulate(m, g, reps=4000, seed=1, true_factor=factor))  # type: ignore[arg-type]
                print(m, g, "  ".join(f"{w}: {100 * v:.1f} %" for w, v in s.items()))
