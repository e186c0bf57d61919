"""Funnel plots: limits by unit size and overdispersion (Spiegelhalter 2005; FunnelPlotR)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from statusrapport.stats._common import (
    ArrayLike,
    Kind,
    _as_float_array,
    _check_counts,
    _level_suffix,
    _null_variance,
    _unit_names,
    _z_for_level,
)

#: Placement of a unit in a funnel plot, from highest to lowest (Danish, shown to readers).
PLACERINGER: tuple[str, ...] = (
    "over 99,8 %-grænsen",
    "over 95 %-grænsen",
    "inden for grænserne",
    "under 95 %-grænsen",
    "under 99,8 %-grænsen",
)


@dataclass(frozen=True)
class Overdispersion:
    """Overdispersion of unit rates around a common target (Spiegelhalter 2005, FunnelPlotR).

    Scale: everything is on the raw scale of the indicator (the proportion or the rate itself),
    as in Spiegelhalter (2005, Stat Med 24:1185-1202, sections 3 and 6), so ``tau2`` is in
    squared rate units and enters the limits as ``target ± z·sqrt(phi·s_i² + tau2)``. (FunnelPlotR
    uses the arcsine-square-root scale for proportions; for this report's denominators, thousands
    of working days or dozens of staff, the two agree closely and the raw scale is easier to
    explain and check by hand.)
    """

    target: float
    z: np.ndarray
    z_winsorised: np.ndarray
    phi: float
    tau2: float
    n: int
    df: int
    chi2_p: float
    overdispersed: bool
    kind: Kind
    winsorise: float
    scale: str = "raw"
    note: str = ""
    s2: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)


def overdispersion(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    kind: Kind = "proportion",
    target: float | None = None,
    winsorise: float = 0.10,
    labels: ArrayLike | None = None,
    alpha: float = 0.05,
) -> Overdispersion:
    """Estimate and test overdispersion as NHS-R FunnelPlotR does, on the raw scale.

    Steps (Spiegelhalter 2005; DerSimonian & Laird 1986):
    z_i = (y_i − θ)/s_i with s_i² = θ(1−θ)/n_i (proportion) or θ/n_i (rate); z is winsorised at
    the ``winsorise`` and ``1 − winsorise`` quantiles (numpy's linear quantile = R type 7, as
    FunnelPlotR); φ = (1/n)·Σ z_w²; τ² = max(0, (nφ − (n−1)) / (Σw − Σw²/Σw)) with w = 1/s²,
    and τ² = 0 when nφ ≤ n−1.

    Rule for ``overdispersed``: nφ exceeds the 95 % quantile of χ² with ``df`` degrees of
    freedom, df = n − 1 when the target is estimated from the data (the default) and n when it
    is given. ``chi2_p`` = P(χ²_df ≥ nφ). With fewer than 3 units the test is not made and
    ``overdispersed`` is False (too few units to tell spread from noise).
    """
    num = _as_float_array(numerators, "numerators")
    den = _as_float_array(denominators, "denominators")
    names = _unit_names(labels, len(num))
    _check_counts(num, den, kind, names)
    if not 0 <= winsorise < 0.5:
        raise ValueError("winsorise skal ligge i [0; 0,5).")
    n = len(num)
    if n == 0:
        raise ValueError("Ingen enheder at beregne overdispersion for.")

    theta = float(num.sum() / den.sum()) if target is None else float(target)
    y = num / den
    s2 = _null_variance(theta, den, kind)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s2 > 0, (y - theta) / np.sqrt(s2), 0.0)
    if np.any(s2 <= 0):
        # Target 0 (or 1 for proportions): no sampling variation, so no z-scores to speak of.
        z = np.zeros(n)

    lo, hi = np.quantile(z, [winsorise, 1.0 - winsorise])
    z_w = np.clip(z, lo, hi)
    phi = float(np.mean(z_w**2))

    with np.errstate(divide="ignore"):
        w = np.where(s2 > 0, 1.0 / s2, 0.0)
    denom = w.sum() - (w**2).sum() / w.sum() if w.sum() > 0 else 0.0
    excess = n * phi - (n - 1)  # τ² is 0 unless nφ exceeds its null expectation n − 1
    tau2 = max(0.0, excess / denom) if excess > 0 and denom > 0 else 0.0

    df = n - 1 if target is None else n
    if n < 3:
        chi2_p = float("nan")
        overdispersed = False
        note = (
            f"Kun {n} enhed(er): overdispersion kan ikke vurderes med færre end 3 enheder, "
            "så grænserne er ikke justeret."
        )
    else:
        chi2_p = float(sps.chi2.sf(n * phi, df))
        overdispersed = bool(n * phi > sps.chi2.ppf(1.0 - alpha, df))
        note = (
            f"Spredningen mellem enhederne er {'større' if overdispersed else 'ikke større'} "
            f"end tilfældig variation forklarer (φ = {phi:.2f}, p = {chi2_p:.3g})."
        )
    return Overdispersion(
        target=theta,
        z=z,
        z_winsorised=z_w,
        phi=phi,
        tau2=float(tau2),
        n=n,
        df=df,
        chi2_p=chi2_p,
        overdispersed=overdispersed,
        kind=kind,
        winsorise=winsorise,
        note=note,
        s2=s2,
    )


def funnel_limits(
    target: float,
    sizes: ArrayLike,
    *,
    kind: Kind,
    levels: Sequence[float] = (0.95, 0.998),
    phi: float = 1.0,
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Normal-approximation funnel limits at each size (Spiegelhalter 2005, eq. for limits).

    limit = θ ± z_p·sqrt(φ·s²(n) + τ²), s²(n) = θ(1−θ)/n or θ/n, z_p the two-sided normal
    quantile (1.960 for 95 %, 3.090 for 99.8 %). Pass φ for the multiplicative adjustment, τ²
    for the additive one (not both). Limits are clipped to [0, 1] for proportions and to ≥ 0
    for rates, since values outside are impossible.
    """
    size = _as_float_array(sizes, "sizes")
    if np.any(size <= 0):
        raise ValueError("Alle størrelser skal være > 0.")
    sd = np.sqrt(phi * _null_variance(target, size, kind) + tau2)
    out = pd.DataFrame({"size": size})
    for level in levels:
        zp = _z_for_level(level)
        lower, upper = target - zp * sd, target + zp * sd
        lower = np.maximum(lower, 0.0)
        if kind == "proportion":
            upper = np.minimum(upper, 1.0)
        suffix = _level_suffix(level)
        out[f"lower_{suffix}"] = lower
        out[f"upper_{suffix}"] = upper
    out["target"] = target
    return out


def funnel_curve(
    target: float,
    max_size: float,
    *,
    kind: Kind,
    phi: float = 1.0,
    tau2: float = 0.0,
    levels: Sequence[float] = (0.95, 0.998),
    n_points: int = 200,
    min_size: float | None = None,
) -> pd.DataFrame:
    """Limits on a grid of sizes for drawing the funnel (log-spaced: the curve bends near 0)."""
    if max_size <= 0:
        raise ValueError("max_size skal være > 0.")
    lo = min_size if min_size is not None else max_size / 100.0
    grid = np.geomspace(lo, max_size, n_points)
    return funnel_limits(target, grid, kind=kind, levels=levels, phi=phi, tau2=tau2)


def _placering(z: np.ndarray, z95: float, z998: float) -> list[str]:
    out = []
    for value in z:
        if value > z998:
            out.append(PLACERINGER[0])
        elif value > z95:
            out.append(PLACERINGER[1])
        elif value < -z998:
            out.append(PLACERINGER[4])
        elif value < -z95:
            out.append(PLACERINGER[3])
        else:
            out.append(PLACERINGER[2])
    return out


def funnel_table(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    label: str,
    kind: Kind,
    method: Literal["none", "multiplicative", "additive"] = "additive",
    target: float | None = None,
    winsorise: float = 0.10,
) -> pd.DataFrame:
    """One row per unit with its rate, adjusted z, limits at its size and a Danish placement.

    Limits are widened for overdispersion only when the χ² test finds it (see
    :func:`overdispersion`); the method actually used, the :class:`Overdispersion` object and a
    Danish sentence explaining the choice are in ``.attrs`` ("method", "overdispersion",
    "forklaring"). Placement uses the 95 % and 99.8 % limits, matching the drawn funnel.
    """
    if method not in ("none", "multiplicative", "additive"):
        raise ValueError(f"Ukendt metode {method!r}.")
    od = overdispersion(
        df[numerator],
        df[denominator],
        kind=kind,
        target=target,
        winsorise=winsorise,
        labels=df[label],
    )
    y = df[numerator].to_numpy(float) / df[denominator].to_numpy(float)
    s2 = od.s2

    used: str = method if od.overdispersed else "none"
    phi, tau2 = 1.0, 0.0
    if used == "multiplicative":
        phi = od.phi
    elif used == "additive":
        tau2 = od.tau2
    sd = np.sqrt(phi * s2 + tau2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (y - od.target) / sd, 0.0)

    limits = funnel_limits(
        od.target, df[denominator], kind=kind, levels=(0.95, 0.998), phi=phi, tau2=tau2
    )
    out = pd.DataFrame(
        {
            label: df[label].to_numpy(),
            numerator: df[numerator].to_numpy(),
            denominator: df[denominator].to_numpy(),
            "rate": y,
            "z": z,
            "z_unadjusted": od.z,
        },
        index=df.index,
    )
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        out[col] = limits[col].to_numpy()
    out["placering"] = _placering(z, _z_for_level(0.95), _z_for_level(0.998))

    navne = {"multiplicative": "multiplikativ", "additive": "additiv"}
    if od.n < 3:
        forklaring = od.note
    elif method == "none":
        forklaring = "Grænserne er ikke justeret for overdispersion (valgt metode: ingen)."
    elif used == "none":
        forklaring = (
            "Grænserne er ikke justeret, fordi spredningen mellem enhederne ikke er større "
            f"end tilfældig variation forklarer (φ = {od.phi:.2f}, p = {od.chi2_p:.3g})."
        )
    else:
        detalje = f"φ = {od.phi:.2f}" if used == "multiplicative" else f"τ² = {od.tau2:.3g}"
        forklaring = (
            f"Grænserne er udvidet med {navne[used]} justering for overdispersion ({detalje}), "
            "fordi enhederne spreder sig mere, end tilfældig variation forklarer "
            f"(p = {od.chi2_p:.3g})."
        )
    out.attrs.update(
        {
            "overdispersion": od,
            "method": used,
            "method_requested": method,
            "target": od.target,
            "phi": phi,
            "tau2": tau2,
            "forklaring": forklaring,
        }
    )
    return out
