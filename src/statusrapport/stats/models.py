"""Regression models: turnover, inspection-score trend, straight-line association."""

from __future__ import annotations

import math
import re
import warnings
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
