"""The measure sums: absence and turnover rows and their Σ/Σ rates, below analysis and disclosure.

Both the pages (:mod:`statusrapport.analysis.sygefravaer`,
:mod:`~statusrapport.analysis.personaleomsaetning`) and the disclosure pass
(:mod:`statusrapport.disclosure.measures`) sum the same rows the same way; the sums live here
so that neither needs the other (no import cycle).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from statusrapport.data import Dataset

#: Summed day counts; every absence rate is derived from these sums.
DAYS: tuple[str, ...] = (
    "mulige_dagsvaerk",
    "sygefravaer_dagsvaerk",
    "langtidssygefravaer_dagsvaerk",
    "korttidssygefravaer_dagsvaerk",
)


def _years(frame: pd.DataFrame, year: int | None, through: int | None) -> pd.DataFrame:
    """A copy of the rows of ``year``, or of every year up to ``through``."""
    if year is not None:
        frame = frame.loc[frame["aar"] == year]
    if through is not None:
        frame = frame.loc[frame["aar"] <= through]
    return frame.copy()


def absence_rows(
    data: Dataset, year: int | None = None, *, through: int | None = None
) -> pd.DataFrame:
    """Absence rows of one ``year`` (or all years up to ``through``), with the short-term days."""
    frame = _years(data.fravaer, year, through)
    frame["korttidssygefravaer_dagsvaerk"] = (
        frame["sygefravaer_dagsvaerk"] - frame["langtidssygefravaer_dagsvaerk"]
    )
    return frame


def absence_summary(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Σ/Σ rates and days per FTE for each group in ``by`` (one row for no ``by``).

    FTE is an average over the months the group has data: summed across the group's rows
    within each month, then averaged over months. So days per FTE is an annual figure only when
    ``maaneder`` is 12; a facility that opened in July gets the days of six months over its
    average staffing in those months, and the page must say so.
    """
    keys = list(by)
    work = frame.assign(_alle=1)
    group_keys = keys or ["_alle"]
    monthly = work.groupby([*group_keys, "maaned"], observed=True, sort=True)[
        "fuldtidsstillinger"
    ].sum()
    fte = monthly.groupby(level=list(range(len(group_keys))), observed=True).agg(["mean", "size"])
    fte.columns = ["fuldtidsstillinger", "maaneder"]
    sums = work.groupby(group_keys, observed=True, sort=True)[list(DAYS)].sum()
    out = sums.join(fte)
    with np.errstate(divide="ignore", invalid="ignore"):
        possible = out["mulige_dagsvaerk"].where(out["mulige_dagsvaerk"] > 0)
        out["fravaersprocent"] = out["sygefravaer_dagsvaerk"] / possible
        out["langtid_procent"] = out["langtidssygefravaer_dagsvaerk"] / possible
        out["korttid_procent"] = out["korttidssygefravaer_dagsvaerk"] / possible
        sick = out["sygefravaer_dagsvaerk"].where(out["sygefravaer_dagsvaerk"] > 0)
        out["andel_langtid"] = out["langtidssygefravaer_dagsvaerk"] / sick
        staff = out["fuldtidsstillinger"].where(out["fuldtidsstillinger"] > 0)
        out["dage_pr_fuldtid"] = out["sygefravaer_dagsvaerk"] / staff
    out["maaneder"] = out["maaneder"].astype("int64")
    out = out.reset_index()
    if not keys:
        out = out.drop(columns="_alle")
    return out


def turnover_rows(
    data: Dataset, year: int | None = None, *, through: int | None = None
) -> pd.DataFrame:
    """Facility-years of ``year`` (or all years up to ``through``) with the turnover rate."""
    frame = _years(data.personale, year, through)
    for column in ("fratraadte", "nyansatte"):
        frame[column] = frame[column].astype("float64")
    staff = frame["gns_ansatte"].where(frame["gns_ansatte"] > 0)
    frame["omsaetning"] = frame["fratraadte"] / staff
    return frame.reset_index(drop=True)
