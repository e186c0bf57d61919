"""Year-over-year change of a rate with a 95 % interval: for a pooled rate, and for one facility.

Pooled rates (the centre, a target or staff group): cluster bootstrap, below. One facility:
quasi-Poisson Wald interval, see :func:`facility_change`.

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

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps

from statusrapport.stats._common import ArrayLike, _as_float_array

#: Fewer facilities than this give no bootstrap interval (too few distinct resamples).
MIN_CLUSTERS = 5
#: Number of resamples: Monte Carlo error of a 2.5 % quantile is small next to the interval.
N_RESAMPLES = 2000
#: Fixed seed so every build of a page prints the same interval.
SEED = 20_251


@dataclass(frozen=True)
class Change:
    """A rate in two years, the change in percentage points and its interval (None: no CI).

    ``n_clusters`` is the number of facilities behind the interval: resampled (bootstrap) or
    used to estimate the dispersion (quasi-Poisson, one facility's change).
    """

    before: float
    after: float
    change_pp: float
    ci_low_pp: float | None
    ci_high_pp: float | None
    n_clusters: int
    n_resamples: int
    level: float
    method: Literal["cluster_bootstrap", "quasi_poisson"] = "cluster_bootstrap"

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


# --- One facility's change: quasi-Poisson interval with dispersion from all facilities ----------


@dataclass(frozen=True)
class Dispersion:
    """Extra-Poisson variation of facilities' year-to-year changes (Pearson χ²/df)."""

    phi: float  # used in intervals: max(1, raw); never narrower than Poisson
    raw: float  # Pearson χ² / (K − 1)
    df: int
    n_facilities: int


def change_dispersion(
    num_before: ArrayLike,
    den_before: ArrayLike,
    num_after: ArrayLike,
    den_after: ArrayLike,
    *,
    min_clusters: int = MIN_CLUSTERS,
) -> Dispersion | None:
    """Dispersion φ of the quasi-Poisson model log E[y_it] = log n_it + α_i + β_t (two years).

    One entry per facility, aligned. The facility effects α_i absorb lasting differences in
    level, the year effect β_t the centre's common change, so φ = Pearson χ²/(K − 1) measures
    how much more one facility's rate moves between the years than Poisson noise allows
    (Wedderburn 1974; McCullagh & Nelder 1989, §4.5). Only facilities with a positive
    denominator in both years and at least one event enter (one with no events in either year
    has an infinite −α_i and no information on φ). None with fewer than ``min_clusters``.
    """
    nb, db = _as_float_array(num_before, "num_before"), _as_float_array(den_before, "den_before")
    na, da = _as_float_array(num_after, "num_after"), _as_float_array(den_after, "den_after")
    if not (nb.shape == db.shape == na.shape == da.shape):
        raise ValueError("Tællere og nævnere for de to år skal have samme længde.")
    arrays = np.vstack([nb, db, na, da])
    if not np.all(np.isfinite(arrays)) or np.any(arrays < 0):
        raise ValueError("Tællere og nævnere skal være tal ≥ 0 (0 for et år uden data).")
    keep = (db > 0) & (da > 0) & (nb + na > 0)
    k = int(keep.sum())
    if k < max(min_clusters, 2):
        return None
    y = np.concatenate([nb[keep], na[keep]])
    exposure = np.concatenate([db[keep], da[keep]])
    facility = np.tile(np.eye(k), (2, 1))
    after = np.concatenate([np.zeros(k), np.ones(k)])[:, None]
    design = np.hstack([facility, after])
    with warnings.catch_warnings():
        # Only the variance function of the Poisson family is used (quasi-likelihood), and a
        # fit that does not converge gives no φ (so no interval) rather than a page warning.
        warnings.simplefilter("ignore")
        fit = sm.GLM(y, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit()
    if not getattr(fit, "converged", True):
        return None
    mu = np.asarray(fit.fittedvalues, dtype=float)
    raw = float(np.sum((y - mu) ** 2 / mu) / (k - 1))
    return Dispersion(phi=max(1.0, raw), raw=raw, df=k - 1, n_facilities=k)


def facility_change(
    num_before: float,
    den_before: float,
    num_after: float,
    den_after: float,
    dispersion: Dispersion | None,
    *,
    level: float = 0.95,
) -> Change:
    """One facility's change r₁ − r₀ (percentage points) with a quasi-Poisson Wald interval.

    Why not the bootstrap: one facility is one cluster, there is nothing to resample. Its two
    counts are modelled as quasi-Poisson, Var(y_t) = φ·μ_t, with φ from all facilities
    (:func:`change_dispersion`), because one facility's two years cannot estimate their own
    overdispersion. With r_t = y_t/n_t the maximum quasi-likelihood estimate of the difference
    is r₁ − r₀ and

        Var(r₁ − r₀) = φ · (r₀/n₀ + r₁/n₁),   CI = (r₁ − r₀) ± z₁₋α/₂ · √Var

    (the Wald interval of a quasi-Poisson GLM with identity link fitted to the facility's two
    rows with the scale fixed at φ; McCullagh & Nelder 1989, ch. 9; for the absence rate,
    days out of possible days, the Poisson variance r/n differs from the binomial r(1−r)/n
    by the factor 1 − r ≈ 0.94, which φ absorbs). A year with no events would contribute no
    variance at all, so its count is taken as ½ in the variance only (the usual zero-cell
    correction). No interval without a dispersion estimate (too few facilities) or when both
    years have no events (the change is then exactly 0).
    """
    values = np.array([num_before, den_before, num_after, den_after], dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("Tællere og nævnere skal være tal ≥ 0.")
    if den_before <= 0 or den_after <= 0:
        raise ValueError("Nævneren skal være > 0 i begge år for at beregne tilbuddets ændring.")
    z = float(sps.norm.ppf(1.0 - (1.0 - level) / 2.0)) if 0 < level < 1 else float("nan")
    if not np.isfinite(z):
        raise ValueError(f"Niveauet skal ligge mellem 0 og 1, fik {level}.")
    before, after = num_before / den_before, num_after / den_after
    change = (after - before) * 100
    low = high = None
    if dispersion is not None and num_before + num_after > 0:
        y0, y1 = max(num_before, 0.5), max(num_after, 0.5)
        se = float(np.sqrt(dispersion.phi * (y0 / den_before**2 + y1 / den_after**2))) * 100
        low, high = change - z * se, change + z * se
    return Change(
        before=before,
        after=after,
        change_pp=change,
        ci_low_pp=low,
        ci_high_pp=high,
        n_clusters=dispersion.n_facilities if dispersion is not None else 0,
        n_resamples=0,
        level=level,
        method="quasi_poisson",
    )
