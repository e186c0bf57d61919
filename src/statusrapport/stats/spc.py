"""Run charts (Anhøj's rules) and Shewhart/Laney control charts, as qicharts2."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from statusrapport.stats._common import (
    ArrayLike,
    Kind,
    _as_float_array,
    _null_variance,
)

#: d2 for moving ranges of two points: sigma = mean(|MR|) / d2 (Montgomery; used by Laney 2002).
D2 = 1.128


@dataclass(frozen=True)
class AnhoejResult:
    """Anhøj's runs and crossings rules for non-random variation (Anhøj & Olesen 2014)."""

    centre: float
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    crossings_signal: bool
    signal: bool  # either rule


def anhoej_rules(values: ArrayLike, *, centre: float | None = None) -> AnhoejResult:
    """Apply Anhøj's rules exactly as qicharts2's ``runs.analysis``.

    NaNs are dropped and points on the centre line are excluded (they neither break nor add to
    a run). n_useful = remaining points; longest run max = round(log2(n_useful)) + 3 (Schilling
    2012); crossings min = qbinom(0.05, n_useful − 1, 0.5) (Chen 2010). The centre is the
    median of the non-missing values unless given. With no useful points there is no signal
    and the limits are None.
    """
    arr = _as_float_array(values, "values")
    arr = arr[~np.isnan(arr)]
    cl = float(np.median(arr)) if centre is None else float(centre)
    if centre is None and len(arr) == 0:
        cl = float("nan")
    sides = np.sign(arr - cl)
    sides = sides[sides != 0]
    n_useful = len(sides)
    if n_useful == 0:
        return AnhoejResult(cl, len(arr), 0, None, None, None, None, False, False, False)
    change = np.flatnonzero(np.diff(sides) != 0)
    bounds = np.concatenate(([-1], change, [n_useful - 1]))
    run_lengths = np.diff(bounds)
    longest = int(run_lengths.max())
    crossings = len(run_lengths) - 1
    longest_max = round(math.log2(n_useful)) + 3
    crossings_min = int(sps.binom.ppf(0.05, max(n_useful - 1, 0), 0.5))
    return AnhoejResult(
        centre=cl,
        n_obs=len(arr),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=longest > longest_max,
        crossings_signal=crossings < crossings_min,
        signal=longest > longest_max or crossings < crossings_min,
    )


@dataclass(frozen=True)
class ControlChart:
    """A control chart: one row per point (value, centre, limits, signal) and how it was made."""

    table: pd.DataFrame
    sigma_z: float  # Laney's factor (1.0 for a plain chart): > 1 widens, < 1 narrows the limits
    laney: bool
    anhoej: AnhoejResult  # Anhøj's rules around the centre line


def _control_chart(
    num: ArrayLike, den: ArrayLike, *, kind: Kind, laney: bool, sigmas: float
) -> ControlChart:
    index = num.index if isinstance(num, pd.Series) else None
    n = _as_float_array(num, "numerators")
    d = _as_float_array(den, "denominators")
    if n.shape != d.shape:
        raise ValueError("Tællere og nævnere skal have samme længde.")
    names = [str(i) for i in (index if index is not None else range(1, len(n) + 1))]
    ok = ~(np.isnan(n) | np.isnan(d))
    for i in np.flatnonzero(ok):
        if d[i] <= 0:
            raise ValueError(f"Nævneren er {d[i]:g} (skal være > 0) for punkt {names[i]!r}.")
        if kind == "proportion" and n[i] > d[i]:
            raise ValueError(f"Tælleren er større end nævneren for punkt {names[i]!r}.")
    if not ok.any():
        raise ValueError("Ingen punkter med både tæller og nævner.")
    centre = float(n[ok].sum() / d[ok].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(ok, n / d, np.nan)
        sigma = np.sqrt(_null_variance(centre, np.where(ok, d, np.nan), kind))
        sigma_z = 1.0
        if laney:
            z = (value - centre) / sigma  # NaN for a missing month
            # As qicharts2's qic.pp: abs(diff(z_i)) over the whole series, then mean(na.rm):
            # a range next to a missing month is NaN and dropped, never bridged across the gap.
            mr = np.abs(np.diff(z))
            mr = mr[np.isfinite(mr)]
            sigma_z = float(mr.mean() / D2) if len(mr) else 1.0
    lcl = np.maximum(centre - sigmas * sigma * sigma_z, 0.0)
    ucl = centre + sigmas * sigma * sigma_z
    if kind == "proportion":
        ucl = np.minimum(ucl, 1.0)
    signal = ok & ((value > ucl) | (value < lcl))
    out = pd.DataFrame(
        {
            "numerator": n,
            "denominator": d,
            "value": value,
            "centre": centre,
            "sigma": sigma * sigma_z,
            "lcl": lcl,
            "ucl": ucl,
            "signal": signal,
        },
        index=index,
    )
    return ControlChart(
        table=out, sigma_z=sigma_z, laney=laney, anhoej=anhoej_rules(value, centre=centre)
    )


def p_chart(
    numerators: ArrayLike, denominators: ArrayLike, *, laney: bool = False, sigmas: float = 3.0
) -> ControlChart:
    """Shewhart P chart (qicharts2 ``chart = "p"``), optionally Laney's P′ chart.

    Centre p̄ = Σnum/Σden; sigma_i = sqrt(p̄(1−p̄)/n_i); limits p̄ ± 3·sigma_i clipped to [0, 1].
    ``laney=True`` multiplies sigma_i by sigma_z = mean(|MR of z_i|)/1.128 (Laney 2002), because
    with large denominators (working days) binomial limits are far too narrow for absence, which
    is overdispersed. σz < 1 narrows the limits (less variation than binomial). Moving ranges
    are those of consecutive points only: the two ranges next to a missing month are dropped,
    as qicharts2 (``qic.pp``: ``mean(abs(diff(z_i)), na.rm = TRUE)``). ``.anhoej`` holds
    Anhøj's rules around the centre line. Missing points (NaN) stay in the output without
    limits and never signal.
    """
    return _control_chart(numerators, denominators, kind="proportion", laney=laney, sigmas=sigmas)


@functools.lru_cache(maxsize=64)
def chance_signal_rate(n: int, *, n_sim: int = 20_000, seed: int = 14) -> float:
    """Probability that Anhøj's rules signal in a run chart of ``n`` points of pure noise.

    Simulated (seeded, so pages are stable) with independent normal points and exactly the
    limits of :func:`anhoej_rules` (vectorised over the simulated charts), so a page can say how
    many of its charts would signal by chance alone: about ``rate × number of charts``.
    """
    if n < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    sims = rng.standard_normal((n_sim, n))
    sides = np.sign(sims - np.median(sims, axis=1, keepdims=True))
    # Continuous data: only the middle point of an odd n sits on the median; drop it.
    sides = sides[sides != 0].reshape(n_sim, -1)
    n_useful = sides.shape[1]
    changes = sides[:, 1:] != sides[:, :-1]
    crossings = changes.sum(axis=1)
    longest = np.ones(n_sim, dtype=int)
    current = np.ones(n_sim, dtype=int)
    for j in range(changes.shape[1]):
        current = np.where(changes[:, j], 1, current + 1)
        longest = np.maximum(longest, current)
    longest_max = round(math.log2(n_useful)) + 3
    crossings_min = int(sps.binom.ppf(0.05, max(n_useful - 1, 0), 0.5))
    signal = (longest > longest_max) | (crossings < crossings_min)
    return float(signal.mean())
