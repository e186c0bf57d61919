"""Regression models: turnover, inspection-score trend, straight-line association."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from statusrapport.stats._common import (
    ArrayLike,
    _as_float_array,
)


def _centre_year(df: pd.DataFrame, year: str) -> tuple[pd.DataFrame, float]:
    """aar_c = year − first year, so the intercept is the first year's level (stated in tables)."""
    if year not in df:
        raise ValueError(f"Kolonnen {year!r} mangler.")
    ref = float(df[year].min())
    out = df.copy()
    out["aar_c"] = out[year].astype(float) - ref
    return out, ref


#: Why :func:`score_trend` fell back from MixedLM to cluster-robust OLS (codes, not prose:
#: the words for readers are written in ``analysis.tilsyn``).
FallbackReason = Literal[
    "few_facilities",
    "estimation_error",
    "not_converged",
    "boundary",
    "zero_facility_variance",
    "no_standard_error",
]


@dataclass(frozen=True)
class TrendResult:
    """Yearly change in inspection scores, with the model that produced it.

    ``model`` is "mixedlm" or, when that could not be used, "cluster_ols" with
    ``fallback_reason`` saying why (``fallback_detail``: the estimation error, for analysts).
    ``converged`` is True exactly when the mixed model was used.
    """

    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    n_groups: int
    n_obs: int
    converged: bool
    model: Literal["mixedlm", "cluster_ols"]
    inspection_level: bool  # variance component per inspection (mixed model only)
    theme_adjusted: bool
    year_reference: float
    result: Any = field(repr=False)
    fallback_reason: FallbackReason | None = None
    fallback_detail: str = ""


def score_trend(
    df: pd.DataFrame,
    *,
    score: str = "score",
    year: str = "aar",
    theme: str | None = "tema",
    group: str = "tilbud_id",
    inspection: str | None = None,
    level: float = 0.95,
) -> TrendResult:
    """Average yearly change in scores, within facilities, adjusted for theme.

    A linear mixed model ``score ~ aar_c + C(tema)`` with a random intercept per facility
    (statsmodels MixedLM, REML; Laird & Ware 1982) because repeated scores of one facility are
    correlated, and, with ``inspection``, a variance component per inspection nested in the
    facility, because the theme scores of one inspection are given together by one inspector
    on one day and are not independent either. If the fit does not converge, is singular
    (facility variance ≈ 0) or warns of a boundary/non-positive-definite Hessian, it falls back
    to OLS with cluster-robust standard errors by facility (t with G − 1 df; inspections are
    nested in facilities, so this covers both correlations), and says so.
    The theme term is dropped when there is only one theme. aar_c = year − first year.
    """
    cols = [score, year, group] + ([theme] if theme else []) + ([inspection] if inspection else [])
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
    reason: FallbackReason | None = None
    detail = ""
    if n_groups >= 3:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                extra: dict[str, Any] = (
                    {"re_formula": "1", "vc_formula": {"tilsyn": f"0 + C({inspection})"}}
                    if inspection
                    else {}
                )
                res = smf.mixedlm(formula, data, groups=data[group], **extra).fit(reml=True)
            except (np.linalg.LinAlgError, ValueError) as err:
                reason, detail = "estimation_error", str(err)
        if res is not None:
            convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
            group_var = float(np.asarray(res.cov_re)[0, 0])
            if not res.converged:
                reason = "not_converged"
            elif convergence:
                reason = "boundary"
            elif group_var <= 1e-8 * max(float(res.scale), 1e-12):
                reason = "zero_facility_variance"
            elif not np.isfinite(res.bse.get("aar_c", np.nan)):
                reason = "no_standard_error"
    else:
        reason = "few_facilities"

    theme_adjusted = "C(" in rhs
    if res is not None and reason is None:
        ci = res.conf_int(alpha=alpha).loc["aar_c"]
        return TrendResult(
            slope=float(res.params["aar_c"]),
            ci_low=float(ci.iloc[0]),
            ci_high=float(ci.iloc[1]),
            p_value=float(res.pvalues["aar_c"]),
            n_groups=n_groups,
            n_obs=int(res.nobs),
            converged=True,
            model="mixedlm",
            inspection_level=bool(inspection),
            theme_adjusted=theme_adjusted,
            year_reference=ref,
            result=res,
        )

    codes = pd.factorize(data[group])[0]
    with warnings.catch_warnings():
        # With very few facilities the clustered covariance can be singular; the interval is
        # then NaN (reported as missing), not a warning on a published page.
        warnings.simplefilter("ignore", RuntimeWarning)
        ols = smf.ols(formula, data).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        ci = ols.conf_int(alpha=alpha).loc["aar_c"]
        p_value = float(ols.pvalues["aar_c"])
    return TrendResult(
        slope=float(ols.params["aar_c"]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        p_value=p_value,
        n_groups=n_groups,
        n_obs=int(ols.nobs),
        converged=False,
        model="cluster_ols",
        inspection_level=False,
        theme_adjusted=theme_adjusted,
        year_reference=ref,
        result=ols,
        fallback_reason=reason,
        fallback_detail=detail,
    )


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


# --- Turnover by target group: GEE with facility clusters ------------------------------------


@dataclass(frozen=True)
class GroupRatio:
    """One target group's rate compared with the rest of the centre (GEE, robust SE)."""

    group: str
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    p_holm: float  # Holm-adjusted over all groups compared
    n_facilities: int


@dataclass(frozen=True)
class TurnoverModel:
    """Turnover rate ratios from Poisson GEE (exchangeable working correlation by facility).

    ``groups`` compare each target group with the rest of the centre; ``year_*`` is the rate
    ratio per year, adjusted for target group. Diagnostics for the analyst: ``converged``,
    ``dispersion`` (Pearson χ²/df of the year model; > 1 means more spread than Poisson, which
    the robust standard errors allow for), ``icc`` (the exchangeable working correlation between
    years of one facility) and the number of observations and clusters.
    """

    groups: list[GroupRatio]
    year_ratio: float | None
    year_ci_low: float | None
    year_ci_high: float | None
    year_p: float | None
    converged: bool
    dispersion: float
    icc: float
    n_obs: int
    n_facilities: int
    year_reference: float
    results: list[Any] = field(default_factory=list, repr=False)

    def diagnostics(self) -> pd.DataFrame:
        """Model checks as a small table (shown in a cell hidden from readers)."""
        return pd.DataFrame(
            {
                "diagnostik": [
                    "konvergeret (alle modeller)",
                    "spredningsfaktor (Pearson χ²/df)",
                    "korrelation mellem år i samme tilbud (ICC, GEE)",
                    "observationer (tilbud-år)",
                    "tilbud (klynger)",
                ],
                "vaerdi": [
                    self.converged,
                    self.dispersion,
                    self.icc,
                    self.n_obs,
                    self.n_facilities,
                ],
            }
        )


def _gee_poisson(formula: str, data: pd.DataFrame, exposure: str, cluster: str) -> Any:
    model = smf.gee(
        formula,
        groups=cluster,
        data=data,
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
        offset=np.log(data[exposure].to_numpy(float)),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(maxiter=100)
    ok = bool(getattr(res, "converged", True)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )
    return res, ok


def _holm(p_values: Sequence[float]) -> list[float]:
    """Holm (1979) step-down adjusted p-values."""
    from statsmodels.stats.multitest import multipletests

    if not p_values:
        return []
    return [float(p) for p in multipletests(list(p_values), method="holm")[1]]


def turnover_gee(
    df: pd.DataFrame,
    *,
    leavers: str = "fratraadte",
    exposure: str = "gns_ansatte",
    group: str = "maalgruppe",
    cluster: str = "tilbud_id",
    year: str = "aar",
    level: float = 0.95,
) -> TurnoverModel:
    """Turnover by target group and year with errors clustered by facility (Liang & Zeger 1986).

    Facility-years of one facility are correlated, so a GLM that treats ~250 facility-years as
    independent overstates certainty. Poisson GEE with log(exposure) offset, exchangeable
    working correlation within facility and robust (sandwich) standard errors. Each group is
    compared with the rest of the centre in its own model ``leavers ~ I(group) [+ aar_c]``
    (no arbitrary reference group); the p-values are Holm-adjusted over the groups.
    """
    missing = [c for c in (leavers, exposure, group, cluster, year) if c not in df]
    if missing:
        raise ValueError(f"Kolonne(r) mangler: {', '.join(missing)}.")
    data = df.dropna(subset=[leavers, exposure, group]).copy()
    data = data.loc[data[exposure] > 0]
    data[group] = data[group].astype(str)
    data, ref = _centre_year(data, year)
    multi_year = data["aar_c"].nunique() > 1
    trend = " + aar_c" if multi_year else ""
    alpha = 1.0 - level
    results, converged = [], True

    year_ratio = year_low = year_high = year_p = None
    levels = sorted(data[group].unique())
    rhs = (f"C({group})" if len(levels) > 1 else "1") + trend
    res, ok = _gee_poisson(f"{leavers} ~ {rhs}", data, exposure, cluster)
    results.append(res)
    converged &= ok
    if multi_year:
        ci = res.conf_int(alpha=alpha).loc["aar_c"]
        year_ratio = float(np.exp(res.params["aar_c"]))
        year_low, year_high = float(np.exp(ci.iloc[0])), float(np.exp(ci.iloc[1]))
        year_p = float(res.pvalues["aar_c"])
    mu = res.fittedvalues.to_numpy(float)
    y = data[leavers].to_numpy(float)
    dof = max(len(y) - len(res.params), 1)
    dispersion = float(np.sum((y - mu) ** 2 / mu) / dof)
    icc = float(np.atleast_1d(res.model.cov_struct.dep_params)[0])

    raw: list[tuple[str, float, float, float, float, int]] = []
    if len(levels) > 1:
        for level_name in levels:
            data["_i"] = (data[group] == level_name).astype(float)
            fit, ok = _gee_poisson(f"{leavers} ~ _i{trend}", data, exposure, cluster)
            results.append(fit)
            converged &= ok
            ci = fit.conf_int(alpha=alpha).loc["_i"]
            n_fac = int(data.loc[data[group] == level_name, cluster].nunique())
            raw.append(
                (
                    level_name,
                    float(np.exp(fit.params["_i"])),
                    float(np.exp(ci.iloc[0])),
                    float(np.exp(ci.iloc[1])),
                    float(fit.pvalues["_i"]),
                    n_fac,
                )
            )
    adjusted = _holm([r[4] for r in raw])
    groups = [
        GroupRatio(*r[:5], p_holm=p, n_facilities=r[5]) for r, p in zip(raw, adjusted, strict=True)
    ]
    return TurnoverModel(
        groups=groups,
        year_ratio=year_ratio,
        year_ci_low=year_low,
        year_ci_high=year_high,
        year_p=year_p,
        converged=bool(converged),
        dispersion=dispersion,
        icc=icc,
        n_obs=len(data),
        n_facilities=int(data[cluster].nunique()),
        year_reference=ref,
        results=results,
    )
