"""The statistics behind the report pages: funnel plots, run and control charts, and models.

Why these methods: the 36 facilities differ a lot in size, so raw league tables would mostly rank
noise. Funnel plots (Spiegelhalter 2005) compare each unit with limits that depend on its size;
run charts with Anhøj's rules (Anhøj & Olesen 2014) and Shewhart P/U charts (as in the R package
qicharts2) show change over time; statsmodels models estimate trends with honest uncertainty.

Everything here is a pure computation returning dataclasses or DataFrames; plotting lives in
the notebooks. Sentences meant for readers (``forklaring``, ``placering``) are in Danish.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.tools.sm_exceptions import ConvergenceWarning

Kind = Literal["proportion", "rate"]
ArrayLike = Sequence[float] | np.ndarray | pd.Series

#: Placement of a unit in a funnel plot, from highest to lowest (Danish, shown to readers).
PLACERINGER: tuple[str, ...] = (
    "over 99,8 %-grænsen",
    "over 95 %-grænsen",
    "inden for grænserne",
    "under 95 %-grænsen",
    "under 99,8 %-grænsen",
)

#: d2 for moving ranges of two points: sigma = mean(|MR|) / d2 (Montgomery; used by Laney 2002).
D2 = 1.128

__all__ = [
    "PLACERINGER",
    "AnhoejResult",
    "AssociationResult",
    "GlmResult",
    "Overdispersion",
    "TrendResult",
    "anhoej_rules",
    "association",
    "funnel_curve",
    "funnel_limits",
    "funnel_table",
    "overdispersion",
    "p_chart",
    "poisson_rate_ci",
    "rate_ci_wilson",
    "score_trend",
    "seasonal_amplitude",
    "seasonal_by_month",
    "seasonal_profile",
    "turnover_glm",
    "u_chart",
]


# --- Shared helpers ---------------------------------------------------------------------------


def _as_float_array(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} skal være en endimensionel række tal.")
    return arr


def _unit_names(labels: ArrayLike | None, n: int) -> list[str]:
    if labels is None:
        return [f"nr. {i + 1}" for i in range(n)]
    names = [str(x) for x in labels]
    if len(names) != n:
        raise ValueError("labels skal have samme længde som tællere og nævnere.")
    return names


def _check_counts(
    numerators: np.ndarray, denominators: np.ndarray, kind: Kind, names: list[str]
) -> None:
    """Reject inputs that make a rate meaningless, naming the unit so the data can be fixed."""
    if numerators.shape != denominators.shape:
        raise ValueError("Tællere og nævnere skal have samme længde.")
    for i, name in enumerate(names):
        num, den = numerators[i], denominators[i]
        if not (np.isfinite(num) and np.isfinite(den)):
            raise ValueError(f"Manglende tæller eller nævner for enhed {name!r}.")
        if den <= 0:
            raise ValueError(f"Nævneren er {den:g} (skal være > 0) for enhed {name!r}.")
        if num < 0:
            raise ValueError(f"Tælleren er negativ ({num:g}) for enhed {name!r}.")
        if kind == "proportion" and num > den:
            raise ValueError(
                f"Tælleren ({num:g}) er større end nævneren ({den:g}) for enhed {name!r}; "
                "en andel kan ikke overstige 1."
            )


def _null_variance(target: float, sizes: np.ndarray, kind: Kind) -> np.ndarray:
    """Within-unit sampling variance under the null: binomial or Poisson, on the raw scale."""
    if kind == "proportion":
        return target * (1.0 - target) / sizes
    if kind == "rate":
        return target / sizes
    raise ValueError(f"Ukendt kind {kind!r}; brug 'proportion' eller 'rate'.")


def _z_for_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"Niveauet skal ligge mellem 0 og 1, fik {level}.")
    return float(sps.norm.ppf(1.0 - (1.0 - level) / 2.0))


def _level_suffix(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998', 0.9 -> '90': the column-name suffix for a limit."""
    return f"{level * 100:.10g}".replace(".", "")


# --- 1. Funnel plots ----------------------------------------------------------------------------


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


# --- 2. Run charts and control charts -----------------------------------------------------------


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


def _control_chart(
    num: ArrayLike, den: ArrayLike, *, kind: Kind, laney: bool, sigmas: float
) -> pd.DataFrame:
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
            z = (value - centre) / sigma
            mr = np.abs(np.diff(z[ok]))
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
    out.attrs["sigma_z"] = sigma_z
    out.attrs["laney"] = laney
    out.attrs["anhoej"] = anhoej_rules(value, centre=centre)
    return out


def p_chart(
    numerators: ArrayLike, denominators: ArrayLike, *, laney: bool = False, sigmas: float = 3.0
) -> pd.DataFrame:
    """Shewhart P chart (qicharts2 ``chart = "p"``), optionally Laney's P′ chart.

    Centre p̄ = Σnum/Σden; sigma_i = sqrt(p̄(1−p̄)/n_i); limits p̄ ± 3·sigma_i clipped to [0, 1].
    ``laney=True`` multiplies sigma_i by sigma_z = mean(|MR of z_i|)/1.128 (Laney 2002), because
    with large denominators (working days) binomial limits are far too narrow for absence, which
    is overdispersed. ``.attrs["anhoej"]`` holds Anhøj's rules around the centre line.
    Missing points (NaN) stay in the output without limits and never signal.
    """
    return _control_chart(numerators, denominators, kind="proportion", laney=laney, sigmas=sigmas)


def u_chart(
    counts: ArrayLike, exposures: ArrayLike, *, laney: bool = False, sigmas: float = 3.0
) -> pd.DataFrame:
    """Shewhart U chart (qicharts2 ``chart = "u"``) for counts per exposure, optionally U′.

    Centre ū = Σcount/Σexposure; sigma_i = sqrt(ū/n_i); lcl clipped at 0. ``laney=True`` as in
    :func:`p_chart`.
    """
    return _control_chart(counts, exposures, kind="rate", laney=laney, sigmas=sigmas)


# --- 3. Models ----------------------------------------------------------------------------------

#: Danish names for model terms shown in tables.
_TERM_NAMES: dict[str, str] = {
    "maalgruppe": "Målgruppe",
    "tema": "Tema",
    "center": "Center",
    "faggruppe": "Faggruppe",
    "aar_c": "Ændring pr. år",
    "aar": "År",
}


def _danish_label(term: str, references: dict[str, str]) -> str:
    if term == "Intercept":
        return "Niveau i referencegruppen i første år"
    match = re.fullmatch(r"C\((\w+)[^)]*\)\[T\.(.+)\]", term)
    if match:
        var, level = match.groups()
        name = _TERM_NAMES.get(var, var)
        ref = references.get(var)
        return f"{name}: {level}" + (f" (sammenlignet med {ref})" if ref else "")
    return _TERM_NAMES.get(term, term)


def _plain_categories(df: pd.DataFrame, rhs: str) -> pd.DataFrame:
    """Turn pandas Categoricals used in C(var) terms into plain text.

    patsy takes the reference level of a Categorical from its category order (and builds
    all-zero columns for unused categories), while the labels here name the first *sorted*
    level. Plain text makes both agree: the reference is the alphabetically first level.
    """
    out = df
    for var in re.findall(r"C\((\w+)", rhs):
        if var in out and isinstance(out[var].dtype, pd.CategoricalDtype):
            if out is df:
                out = df.copy()
            out[var] = out[var].astype(str).where(out[var].notna())
    return out


def _references(df: pd.DataFrame, rhs: str) -> dict[str, str]:
    """Reference level of each C(var) term: the first sorted level, as patsy/formulaic use."""
    refs = {}
    for var in re.findall(r"C\((\w+)", rhs):
        if var in df:
            levels = sorted(df[var].dropna().unique())
            if levels:
                refs[var] = str(levels[0])
    return refs


def _centre_year(df: pd.DataFrame, year: str) -> tuple[pd.DataFrame, float]:
    """aar_c = year − first year, so the intercept is the first year's level (stated in tables)."""
    if year not in df:
        raise ValueError(f"Kolonnen {year!r} mangler.")
    ref = float(df[year].min())
    out = df.copy()
    out["aar_c"] = out[year].astype(float) - ref
    return out, ref


@dataclass(frozen=True)
class GlmResult:
    """A turnover model: quasi-Poisson rate ratios (or quasi-binomial odds ratios)."""

    result: Any
    table: pd.DataFrame
    dispersion: float
    family: str
    formula: str
    n_obs: int
    year_reference: float
    ratio_column: str
    forklaring: str


def turnover_glm(
    df: pd.DataFrame,
    *,
    leavers: str = "fratraadte",
    exposure: str = "gns_ansatte",
    formula_rhs: str = "C(maalgruppe) + aar_c",
    year: str = "aar",
    family: Literal["poisson", "binomial"] = "poisson",
    level: float = 0.95,
) -> GlmResult:
    """Model turnover with a GLM because small facilities make raw rates noisy.

    poisson (default): log E[leavers] = log(exposure) + Xβ, fitted with scale="X2"
    (quasi-Poisson: standard errors multiplied by sqrt(Pearson χ²/df), McCullagh & Nelder 1989)
    since turnover varies more between facilities than Poisson allows. exp(β) are rate ratios.
    binomial: leavers as successes out of round(exposure) trials (leavers clipped to the
    trials), fitted as proportions with var_weights = trials and scale="X2" (quasi-binomial);
    exp(β) are odds ratios. The year is centred on the first year (aar_c = aar − first year).
    """
    missing = [c for c in (leavers, exposure) if c not in df]
    if missing:
        raise ValueError(f"Kolonne(r) mangler: {', '.join(missing)}.")
    data, ref = _centre_year(df, year) if "aar_c" in formula_rhs else (df.copy(), float("nan"))
    data = _plain_categories(data.dropna(subset=[leavers, exposure]), formula_rhs)
    bad = data[data[exposure] <= 0]
    if len(bad):
        who = bad["tilbud_id"].iloc[0] if "tilbud_id" in bad else bad.index[0]
        raise ValueError(f"{exposure} er {bad[exposure].iloc[0]:g} (skal være > 0) for {who!r}.")

    if family == "poisson":
        formula = f"{leavers} ~ {formula_rhs}"
        model = smf.glm(
            formula,
            data=data,
            family=sm.families.Poisson(),
            offset=np.log(data[exposure].to_numpy(float)),
        )
        ratio_column = "rate_ratio"
    elif family == "binomial":
        trials = np.round(data[exposure].to_numpy(float))
        if np.any(trials < 1):
            raise ValueError(f"{exposure} afrundes til 0 forsøg for mindst én række.")
        data["_andel"] = np.minimum(data[leavers].to_numpy(float), trials) / trials
        formula = f"_andel ~ {formula_rhs}"
        model = smf.glm(formula, data=data, family=sm.families.Binomial(), var_weights=trials)
        ratio_column = "odds_ratio"
    else:
        raise ValueError(f"Ukendt family {family!r}; brug 'poisson' eller 'binomial'.")
    res = model.fit(scale="X2")

    ci = res.conf_int(alpha=1.0 - level)
    refs = _references(data, formula_rhs)
    table = pd.DataFrame(
        {
            "term": res.params.index,
            "label": [_danish_label(t, refs) for t in res.params.index],
            ratio_column: np.exp(res.params.to_numpy()),
            "ci_low": np.exp(ci.iloc[:, 0].to_numpy()),
            "ci_high": np.exp(ci.iloc[:, 1].to_numpy()),
            "p_value": res.pvalues.to_numpy(),
        }
    )
    dispersion = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else float("nan")
    navn = "kvasi-Poisson" if family == "poisson" else "kvasi-binomial"
    forklaring = (
        f"Personaleomsætningen er modelleret med en {navn}-regression (spredningsfaktor "
        f"{dispersion:.2f}); år er målt fra {ref:.0f}."
        if not math.isnan(ref)
        else f"Personaleomsætningen er modelleret med en {navn}-regression "
        f"(spredningsfaktor {dispersion:.2f})."
    )
    return GlmResult(
        result=res,
        table=table,
        dispersion=dispersion,
        family=family,
        formula=formula,
        n_obs=int(res.nobs),
        year_reference=ref,
        ratio_column=ratio_column,
        forklaring=forklaring,
    )


@dataclass(frozen=True)
class TrendResult:
    """Yearly change in inspection scores, with the model that produced it."""

    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    n_groups: int
    n_obs: int
    converged: bool
    method: str
    forklaring: str
    year_reference: float
    result: Any = field(repr=False)


def score_trend(
    df: pd.DataFrame,
    *,
    score: str = "score",
    year: str = "aar",
    theme: str | None = "tema",
    group: str = "tilbud_id",
    level: float = 0.95,
) -> TrendResult:
    """Average yearly change in scores, within facilities, adjusted for theme.

    A linear mixed model ``score ~ aar_c + C(tema)`` with a random intercept per facility
    (statsmodels MixedLM, REML; Laird & Ware 1982) because repeated scores of one facility are
    correlated. If the fit does not converge, is singular (facility variance ≈ 0) or warns of
    a boundary/non-positive-definite Hessian, it falls back to OLS with cluster-robust standard
    errors by facility (t with G − 1 df), which is valid under the same correlation, and says so.
    The theme term is dropped when there is only one theme. aar_c = year − first year.
    """
    cols = [score, year, group] + ([theme] if theme else [])
    missing = [c for c in cols if c not in df]
    if missing:
        raise ValueError(f"Kolonne(r) mangler: {', '.join(missing)}.")
    data, ref = _centre_year(df[cols].dropna(), year)
    if data["aar_c"].nunique() < 2:
        raise ValueError("Der skal være mindst to forskellige år for at beregne en udvikling.")
    rhs = "aar_c"
    if theme and data[theme].nunique() > 1:
        rhs += f" + C({theme})"
    formula = f"{score} ~ {rhs}"
    n_groups = int(data[group].nunique())
    alpha = 1.0 - level

    res = None
    reason = ""
    if n_groups >= 3:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = smf.mixedlm(formula, data, groups=data[group]).fit(reml=True)
            except (np.linalg.LinAlgError, ValueError) as err:
                reason = f"fejl ved estimation ({err})"
        if res is not None:
            convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
            group_var = float(np.asarray(res.cov_re)[0, 0])
            if not res.converged:
                reason = "modellen konvergerede ikke"
            elif convergence:
                reason = "modellen er singulær eller på randen af parameterrummet"
            elif group_var <= 1e-8 * max(float(res.scale), 1e-12):
                reason = "variansen mellem tilbud er estimeret til 0 (singulær model)"
            elif not np.isfinite(res.bse.get("aar_c", np.nan)):
                reason = "standardfejlen kunne ikke beregnes"
    else:
        reason = f"kun {n_groups} tilbud"

    if res is not None and not reason:
        ci = res.conf_int(alpha=alpha).loc["aar_c"]
        return TrendResult(
            slope=float(res.params["aar_c"]),
            ci_low=float(ci.iloc[0]),
            ci_high=float(ci.iloc[1]),
            p_value=float(res.pvalues["aar_c"]),
            n_groups=n_groups,
            n_obs=int(res.nobs),
            converged=True,
            method="MixedLM (REML), tilfældigt niveau pr. tilbud",
            forklaring=(
                "Udviklingen pr. år er estimeret med en lineær blandet model med tilfældigt "
                f"niveau pr. tilbud{' og justering for tema' if 'C(' in rhs else ''}."
            ),
            year_reference=ref,
            result=res,
        )

    codes = pd.factorize(data[group])[0]
    ols = smf.ols(formula, data).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    ci = ols.conf_int(alpha=alpha).loc["aar_c"]
    return TrendResult(
        slope=float(ols.params["aar_c"]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        p_value=float(ols.pvalues["aar_c"]),
        n_groups=n_groups,
        n_obs=int(ols.nobs),
        converged=False,
        method="OLS med klyngerobuste standardfejl pr. tilbud (reserve for MixedLM)",
        forklaring=(
            f"Den blandede model kunne ikke bruges ({reason}), så udviklingen pr. år er i "
            "stedet estimeret med almindelig regression med klyngerobuste standardfejl pr. tilbud."
        ),
        year_reference=ref,
        result=ols,
    )


def _monthly_series(monthly: pd.Series) -> pd.Series:
    """A gap-free monthly series with a month-start DatetimeIndex, or a clear ValueError."""
    if not isinstance(monthly, pd.Series):
        raise ValueError("seasonal_profile kræver en pandas Series indekseret med måneder.")
    idx = monthly.index
    if isinstance(idx, pd.PeriodIndex):
        periods = idx.asfreq("M")
    else:
        try:
            periods = pd.DatetimeIndex(idx).to_period("M")
        except (TypeError, ValueError) as err:
            raise ValueError("Indekset skal være måneder (Timestamp eller Period).") from err
    s = pd.Series(monthly.to_numpy(float), index=periods).sort_index()
    if s.index.has_duplicates:
        raise ValueError("Samme måned optræder flere gange; summér pr. måned først.")
    s = s.dropna()
    if len(s) < 24:
        raise ValueError(
            f"Sæsonprofil kræver mindst 24 måneder med data (to hele år); der er {len(s)}."
        )
    full = pd.period_range(s.index.min(), s.index.max(), freq="M")
    if len(full) != len(s):
        gaps = [str(p) for p in full.difference(s.index)[:5]]
        raise ValueError(f"Der mangler måneder i serien: {', '.join(gaps)}.")
    s.index = full.to_timestamp(how="start")
    return s


def seasonal_profile(monthly: pd.Series) -> pd.DataFrame:
    """Split a monthly series into trend, season and remainder with STL (Cleveland et al. 1990).

    statsmodels STL with period 12 and robust=True, so a single extreme month (an epidemic)
    goes to the remainder instead of bending the seasonal pattern. Needs ≥ 24 gap-free months.
    """
    from statsmodels.tsa.seasonal import STL

    s = _monthly_series(monthly)
    fit = STL(s, period=12, robust=True).fit()
    return pd.DataFrame(
        {
            "observed": s,
            "trend": fit.trend,
            "seasonal": fit.seasonal,
            "resid": fit.resid,
        },
        index=s.index,
    )


def seasonal_by_month(profile: pd.DataFrame | pd.Series) -> pd.Series:
    """Average seasonal component per calendar month (1-12), for a 12-point season chart."""
    if isinstance(profile, pd.Series):
        profile = seasonal_profile(profile)
    seasonal = profile["seasonal"]
    return seasonal.groupby(seasonal.index.month).mean().rename_axis("maaned")


def seasonal_amplitude(profile: pd.DataFrame | pd.Series) -> float:
    """Max − min of the average seasonal component: the size of the yearly swing."""
    by_month = seasonal_by_month(profile)
    return float(by_month.max() - by_month.min())


@dataclass(frozen=True)
class AssociationResult:
    """Straight-line association y ~ x (OLS) with Pearson's r."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    p_value: float
    r: float
    r2: float
    n: int
    level: float
    result: Any = field(repr=False)

    def prediction(self, grid: ArrayLike) -> pd.DataFrame:
        """Fitted mean and its confidence band at ``grid`` (OLS get_prediction, for plots)."""
        x = _as_float_array(grid, "grid")
        frame = self.result.get_prediction(pd.DataFrame({"x": x})).summary_frame(
            alpha=1.0 - self.level
        )
        return pd.DataFrame(
            {
                "x": x,
                "mean": frame["mean"].to_numpy(),
                "ci_low": frame["mean_ci_lower"].to_numpy(),
                "ci_high": frame["mean_ci_upper"].to_numpy(),
            }
        )


def association(x: ArrayLike, y: ArrayLike, *, level: float = 0.95) -> AssociationResult:
    """OLS of y on x (statsmodels) and Pearson's r, dropping pairs with a missing value."""
    xa = _as_float_array(x, "x")
    ya = _as_float_array(y, "y")
    if xa.shape != ya.shape:
        raise ValueError("x og y skal have samme længde.")
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    if len(xa) < 3:
        raise ValueError(f"Der skal være mindst 3 par uden manglende værdier; der er {len(xa)}.")
    if np.ptp(xa) == 0:
        raise ValueError("x har samme værdi for alle punkter; der kan ikke beregnes en hældning.")
    res = smf.ols("y ~ x", pd.DataFrame({"x": xa, "y": ya})).fit()
    ci = res.conf_int(alpha=1.0 - level).loc["x"]
    r = float(np.corrcoef(xa, ya)[0, 1]) if np.ptp(ya) > 0 else float("nan")
    return AssociationResult(
        slope=float(res.params["x"]),
        intercept=float(res.params["Intercept"]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        p_value=float(res.pvalues["x"]),
        r=r,
        r2=float(res.rsquared),
        n=len(xa),
        level=level,
        result=res,
    )


# --- 4. Small helpers ---------------------------------------------------------------------------


def rate_ci_wilson(
    k: float | ArrayLike, n: float | ArrayLike, level: float = 0.95
) -> tuple[Any, Any]:
    """Wilson score interval for a proportion (Wilson 1927; Brown, Cai & DasGupta 2001).

    Chosen over the Wald interval because it behaves well for small n and for k = 0 or k = n,
    which small facilities produce. Scalars in, floats out; arrays in, arrays out.
    """
    k_arr, n_arr = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    if np.any(n_arr <= 0) or np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("Kræver 0 ≤ k ≤ n og n > 0.")
    z = _z_for_level(level)
    p = k_arr / n_arr
    centre = (p + z**2 / (2 * n_arr)) / (1 + z**2 / n_arr)
    half = z / (1 + z**2 / n_arr) * np.sqrt(p * (1 - p) / n_arr + z**2 / (4 * n_arr**2))
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def poisson_rate_ci(
    count: float | ArrayLike, exposure: float | ArrayLike, level: float = 0.95
) -> tuple[Any, Any]:
    """Exact (Garwood 1936) interval for a Poisson rate count/exposure via χ² quantiles.

    lower = χ²(α/2; 2k)/2 / exposure (0 when k = 0), upper = χ²(1−α/2; 2k+2)/2 / exposure.
    Exact, hence slightly conservative, which is the safe side for small counts.
    """
    k = np.asarray(count, dtype=float)
    e = np.asarray(exposure, dtype=float)
    if np.any(e <= 0) or np.any(k < 0):
        raise ValueError("Kræver count ≥ 0 og exposure > 0.")
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, sps.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0) / e
    high = sps.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2 / e
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high
