"""Funnel plots: control limits by unit size, never narrower than the exact limits.

Limits (Spiegelhalter 2005, Stat Med 24:1185–1202, and 2005 QSHC 14:347–351):

- without overdispersion the limits are the *exact* binomial (proportions) or Poisson (rates)
  quantiles around the target, with Spiegelhalter's interpolation between the discrete
  quantiles: r_p = the p-quantile of the count, α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),
  limit = (r_p − α) / n. No normal approximation: at 23 staff and 18 % turnover the exact 99.8 %
  upper limit is far above the normal one. (FunnelPlotR draws normal-approximation limits on
  the transformed scale for proportions and ratios of counts, and for standardised ratios exact
  χ² *confidence* limits around an observed count equal to E (Garwood), which sit above these
  *prediction* limits of the count given the target. We differ on purpose: facilities of 5–30
  staff are far from normal, and a funnel asks where a count may fall given the target.)
- overdispersion is estimated as FunnelPlotR does (Spiegelhalter 2005, section 6): on the
  variance-stabilising scale (arcsine-square-root for proportions, square root for rates)
  z-scores are winsorised at 10 % in each tail, φ = mean(z_w²), and
  τ² = (nφ − (n − 1)) / (Σw − Σw²/Σw), w = 1/s² (``tau_func``: 0 when nφ < n − 1). As
  FunnelPlotR's ``funnel_plot`` (R/funnel_plot.R: ``phi <= 1`` → ``draw_adjusted <- FALSE``),
  the limits are widened only when φ > 1; with φ ≤ 1 they stay unadjusted, even if nφ > n − 1
  gives τ² > 0.
- widened limits are the back-transformed θ ± z_p·sqrt(s² + τ²) (FunnelPlotR's additive
  random-effects limits), **but never narrower than the exact limits**: on each side the wider
  of the exact and the additive limit is used. Where we differ from FunnelPlotR: for small
  units and small τ² the normal approximation's lower limit lies above the exact one (18 %
  turnover, 10 staff: exact 95 % lower limit 0, additive 0.013), which would call a facility
  with no leavers – 17 % likely by chance – "under 95 %-grænsen". An adjustment for *extra*
  variation must not make a limit narrower than chance alone allows.

Placement compares each unit's rate with its limits, so the table always agrees with the drawn
funnel. Results are dataclasses; sentences for readers are written in ``analysis``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from statusrapport.stats._common import (
    ArrayLike,
    Kind,
    _as_float_array,
    _check_counts,
    _level_suffix,
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
LEVELS: tuple[float, float] = (0.95, 0.998)


def _transform(rate: np.ndarray, kind: Kind) -> np.ndarray:
    """Variance-stabilising scale: arcsine-square-root (proportion) or square root (rate)."""
    if kind == "proportion":
        return np.arcsin(np.sqrt(np.clip(rate, 0.0, 1.0)))
    if kind == "rate":
        return np.sqrt(np.maximum(rate, 0.0))
    raise ValueError(f"Ukendt kind {kind!r}; brug 'proportion' eller 'rate'.")


def _back(value: np.ndarray, kind: Kind) -> np.ndarray:
    if kind == "proportion":
        return np.sin(np.clip(value, 0.0, np.pi / 2)) ** 2
    return np.maximum(value, 0.0) ** 2


def _s2(sizes: np.ndarray) -> np.ndarray:
    """Sampling variance on the transformed scale: 1/(4n) for both transforms."""
    return 1.0 / (4.0 * sizes)


@dataclass(frozen=True)
class Overdispersion:
    """FunnelPlotR's overdispersion estimate on the transformed scale."""

    target: float  # on the rate scale
    z: np.ndarray  # unadjusted z on the transformed scale
    z_winsorised: np.ndarray
    phi: float
    tau2: float  # on the transformed scale, FunnelPlotR's tau_func: > 0 when nφ > n − 1
    n: int
    kind: Kind
    winsorise: float
    s2: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)

    @property
    def adjusted(self) -> bool:
        """Limits are widened only when φ > 1 and τ² > 0 (FunnelPlotR's ``phi <= 1`` rule)."""
        return self.phi > 1.0 and self.tau2 > 0

    @property
    def tau2_used(self) -> float:
        """τ² the limits are widened by: τ² when :attr:`adjusted`, otherwise 0."""
        return self.tau2 if self.adjusted else 0.0


def overdispersion(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    kind: Kind = "proportion",
    target: float | None = None,
    winsorise: float = 0.10,
    labels: ArrayLike | None = None,
) -> Overdispersion:
    """φ and τ² as FunnelPlotR (DerSimonian & Laird 1986 moment estimator).

    y_i = g(rate_i), θ = g(target), s_i² = 1/(4 n_i), z_i = (y_i − θ)/s_i; z winsorised at the
    ``winsorise`` and ``1 − winsorise`` quantiles (numpy's linear = R type 7); φ = mean(z_w²);
    τ² = max(0, (nφ − (n−1)) / (Σw − Σw²/Σw)), w = 1/s². Fewer than 3 units: τ² = 0.
    Whether the limits use τ² is :attr:`Overdispersion.adjusted` (φ > 1 as well).
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
    s2 = _s2(den)
    z = (_transform(num / den, kind) - _transform(np.array([theta]), kind)[0]) / np.sqrt(s2)
    lo, hi = np.quantile(z, [winsorise, 1.0 - winsorise])
    z_w = np.clip(z, lo, hi)
    phi = float(np.mean(z_w**2))
    w = 1.0 / s2
    denom = w.sum() - (w**2).sum() / w.sum()
    excess = n * phi - (n - 1)
    tau2 = float(excess / denom) if n >= 3 and excess > 0 and denom > 0 else 0.0
    return Overdispersion(theta, z, z_w, phi, tau2, n, kind, winsorise, s2)


def _exact_limit(target: float, size: np.ndarray, p: float, kind: Kind) -> np.ndarray:
    """Spiegelhalter's interpolated exact quantile (r_p − α)/n of Bin(n, θ) or Poisson(nθ)."""
    if kind == "proportion":
        n = np.maximum(np.round(size), 1.0)
        dist = sps.binom(n, target)
    else:
        n = size
        dist = sps.poisson(n * target)
    r = dist.ppf(p)
    f_r, f_below = dist.cdf(r), dist.cdf(r - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(f_r > f_below, (f_r - p) / (f_r - f_below), 0.0)
    limit = np.maximum(r - alpha, 0.0) / n
    return np.minimum(limit, 1.0) if kind == "proportion" else limit


def funnel_limits(
    target: float,
    sizes: ArrayLike,
    *,
    kind: Kind,
    tau2: float = 0.0,
    levels: Sequence[float] = LEVELS,
) -> pd.DataFrame:
    """Two-sided limits at each size: exact when τ² = 0; otherwise on each side the wider of the
    exact and the additive random-effects limit (never narrower than the exact limits)."""
    size = _as_float_array(sizes, "sizes")
    if np.any(size <= 0):
        raise ValueError("Alle størrelser skal være > 0.")
    out = pd.DataFrame({"size": size})
    theta_t = float(_transform(np.array([target]), kind)[0])
    for level in levels:
        zp = _z_for_level(level)
        tail = (1.0 - level) / 2.0
        lower = _exact_limit(target, size, tail, kind)
        upper = _exact_limit(target, size, 1.0 - tail, kind)
        if tau2 > 0:
            sd = np.sqrt(_s2(size) + tau2)
            add_lower, add_upper = _back(theta_t - zp * sd, kind), _back(theta_t + zp * sd, kind)
            if kind == "rate":  # a negative lower bound on the root scale means 0
                add_lower = np.where(theta_t - zp * sd < 0, 0.0, add_lower)
            lower, upper = np.minimum(lower, add_lower), np.maximum(upper, add_upper)
        suffix = _level_suffix(level)
        out[f"lower_{suffix}"] = lower
        out[f"upper_{suffix}"] = upper
    out["target"] = target
    return out


def _placering(rate: np.ndarray, limits: pd.DataFrame) -> list[str]:
    out = []
    for i, value in enumerate(rate):
        if value > limits["upper_998"].iloc[i]:
            out.append(PLACERINGER[0])
        elif value > limits["upper_95"].iloc[i]:
            out.append(PLACERINGER[1])
        elif value < limits["lower_998"].iloc[i]:
            out.append(PLACERINGER[4])
        elif value < limits["lower_95"].iloc[i]:
            out.append(PLACERINGER[3])
        else:
            out.append(PLACERINGER[2])
    return out


@dataclass(frozen=True)
class FunnelResult:
    """One row per unit (rate, limits at its size, placement) and how the limits were made."""

    table: pd.DataFrame
    overdispersion: Overdispersion
    target: float
    tau2: float  # τ² the limits use (0 when not adjusted)
    kind: Kind
    sizes: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)

    @property
    def adjusted(self) -> bool:
        """True when τ² widened the limits (φ > 1 and nφ > n − 1, as FunnelPlotR)."""
        return self.tau2 > 0

    def n_outside_exact(self, level: float = 0.998) -> int:
        """Units outside the exact (unadjusted) limits at ``level``: how many would be flagged
        without the overdispersion adjustment."""
        exact = funnel_limits(self.target, self.sizes, kind=self.kind, levels=(level,))
        suffix = _level_suffix(level)
        rate = self.table["rate"].to_numpy(float)
        low, high = exact[f"lower_{suffix}"].to_numpy(), exact[f"upper_{suffix}"].to_numpy()
        return int(np.sum((rate < low) | (rate > high)))

    def curve(
        self, max_size: float, *, min_size: float | None = None, n_points: int = 200
    ) -> pd.DataFrame:
        """Limits on a log-spaced grid of sizes, for drawing the funnel."""
        return funnel_curve(
            self.target,
            max_size,
            kind=self.kind,
            tau2=self.tau2,
            min_size=min_size,
            n_points=n_points,
        )

    def counts(self) -> dict[str, int]:
        """Units above/below the 95 % and 99.8 % limits (a unit above 99.8 % is also above 95 %)."""
        t = self.table
        return {
            "over_95": int((t["rate"] > t["upper_95"]).sum()),
            "under_95": int((t["rate"] < t["lower_95"]).sum()),
            "over_998": int((t["rate"] > t["upper_998"]).sum()),
            "under_998": int((t["rate"] < t["lower_998"]).sum()),
        }


def funnel_curve(
    target: float,
    max_size: float,
    *,
    kind: Kind,
    tau2: float = 0.0,
    levels: Sequence[float] = LEVELS,
    n_points: int = 200,
    min_size: float | None = None,
) -> pd.DataFrame:
    """Limits on a grid of sizes for drawing the funnel (log-spaced: the curve bends near 0)."""
    if max_size <= 0:
        raise ValueError("max_size skal være > 0.")
    lo = min_size if min_size is not None else max_size / 100.0
    grid = np.geomspace(lo, max_size, n_points)
    return funnel_limits(target, grid, kind=kind, levels=levels, tau2=tau2)


def funnel_table(
    df: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    label: str,
    kind: Kind,
    target: float | None = None,
    winsorise: float = 0.10,
) -> FunnelResult:
    """Rates, limits at each unit's size and a Danish placement (see the module docstring).

    ``z`` is on the transformed scale, including τ² when the limits are widened, and
    ``z_unadjusted`` without it. Placement uses the limits (exact, or the wider of exact and
    additive), not ``z``.
    """
    od = overdispersion(
        df[numerator],
        df[denominator],
        kind=kind,
        target=target,
        winsorise=winsorise,
        labels=df[label],
    )
    rate = df[numerator].to_numpy(float) / df[denominator].to_numpy(float)
    tau2 = od.tau2_used
    limits = funnel_limits(od.target, df[denominator], kind=kind, tau2=tau2)
    theta_t = float(_transform(np.array([od.target]), kind)[0])
    z = (_transform(rate, kind) - theta_t) / np.sqrt(od.s2 + tau2)
    out = pd.DataFrame(
        {
            label: df[label].to_numpy(),
            numerator: df[numerator].to_numpy(),
            denominator: df[denominator].to_numpy(),
            "rate": rate,
            "z": z,
            "z_unadjusted": od.z,
        },
        index=df.index,
    )
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        out[col] = limits[col].to_numpy()
    out["placering"] = _placering(rate, limits)
    return FunnelResult(
        table=out,
        overdispersion=od,
        target=od.target,
        tau2=tau2,
        kind=kind,
        sizes=df[denominator].to_numpy(float),
    )
