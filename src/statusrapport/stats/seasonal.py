"""Seasonal pattern of a monthly series (STL, Cleveland et al. 1990)."""

from __future__ import annotations

import pandas as pd


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
