"""Year-over-year change of a ratio-of-sums rate with a cluster-bootstrap interval.

Why a cluster bootstrap over facilities (Davison & Hinkley 1997, ch. 3.8; Field & Welsh 2007):
a centre rate is Σ numerator / Σ denominator over facilities, the same facilities are measured in
both years, and facilities differ far more than binomial or Poisson noise allows (sick days come
in long spells, leavers in waves). Resampling whole facilities, with both years of a facility
kept together, carries the overdispersion and the pairing into the interval without a model. The
interval is the percentile interval of the resampled differences; the seed is fixed, so a page
shows the same interval every time it is built.

With few facilities the bootstrap distribution has only a handful of distinct values and its
percentile interval is too narrow, so no interval is computed below ``MIN_CLUSTERS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statusrapport.stats._common import ArrayLike, _as_float_array

#: Fewer facilities than this give no bootstrap interval (too few distinct resamples).
MIN_CLUSTERS = 5
#: Number of resamples: Monte Carlo error of a 2.5 % quantile is small next to the interval.
N_RESAMPLES = 2000
#: Fixed seed so every build of a page prints the same interval.
SEED = 20_251


@dataclass(frozen=True)
class Change:
    """A rate in two years, the change in percentage points and its interval (None: no CI)."""

    before: float
    after: float
    change_pp: float
    ci_low_pp: float | None
    ci_high_pp: float | None
    n_clusters: int
    n_resamples: int
    level: float

    @property
    def has_ci(self) -> bool:
        return self.ci_low_pp is not None and self.ci_high_pp is not None

    @property
    def excludes_zero(self) -> bool:
        """True when the interval lies wholly above or below 0: only then is it a rise/fall."""
        if not self.has_ci:
            return False
        assert self.ci_low_pp is not None and self.ci_high_pp is not None
        return self.ci_low_pp > 0 or self.ci_high_pp < 0


def _ratio(num: np.ndarray, den: np.ndarray) -> float:
    total = float(den.sum())
    return float(num.sum()) / total if total > 0 else float("nan")


def bootstrap_change(
    num_before: ArrayLike,
    den_before: ArrayLike,
    num_after: ArrayLike,
    den_after: ArrayLike,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
    level: float = 0.95,
    min_clusters: int = MIN_CLUSTERS,
) -> Change:
    """Change Σnum/Σden (after − before, in percentage points) with a paired cluster bootstrap.

    The four arrays hold one entry per cluster (facility), aligned: a facility missing in one
    year has 0 in both of that year's arrays. Each resample draws clusters with replacement
    (``rng.integers(0, n, (B, n))``) and recomputes both years' rates from the same draw;
    resamples where a year's denominator sums to 0 are dropped.
    """
    nb, db = _as_float_array(num_before, "num_before"), _as_float_array(den_before, "den_before")
    na, da = _as_float_array(num_after, "num_after"), _as_float_array(den_after, "den_after")
    if not (nb.shape == db.shape == na.shape == da.shape):
        raise ValueError("Tællere og nævnere for de to år skal have samme længde.")
    if not 0 < level < 1:
        raise ValueError(f"Niveauet skal ligge mellem 0 og 1, fik {level}.")
    arrays = np.vstack([nb, db, na, da])
    if not np.all(np.isfinite(arrays)) or np.any(arrays < 0):
        raise ValueError("Tællere og nævnere skal være tal ≥ 0 (0 for et år uden data).")
    before, after = _ratio(nb, db), _ratio(na, da)
    change = (after - before) * 100
    n = len(nb)
    low = high = None
    if n >= min_clusters and np.isfinite(change):
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=(n_resamples, n))
        sb, sdb, sa, sda = nb[idx].sum(1), db[idx].sum(1), na[idx].sum(1), da[idx].sum(1)
        ok = (sdb > 0) & (sda > 0)
        diffs = (sa[ok] / sda[ok] - sb[ok] / sdb[ok]) * 100
        alpha = 1.0 - level
        low, high = (float(q) for q in np.quantile(diffs, [alpha / 2, 1 - alpha / 2]))
    return Change(
        before=before,
        after=after,
        change_pp=change,
        ci_low_pp=low,
        ci_high_pp=high,
        n_clusters=n,
        n_resamples=n_resamples,
        level=level,
    )
