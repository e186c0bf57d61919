"""The one calendar: which years have data, which year a report is for, which facilities are active.

Validation, planning (``statusrapport run``) and the notebooks' :class:`~statusrapport.data.Dataset`
all ask here, so the year validation checks is the year the run executes, and the facilities that
get a profile page are the ones validation checked coverage for.

The rules:

- *years with data* are the years with rows in ``fravaer.csv`` (``maaned``) or ``personale.csv``
  (``aar``), from :data:`~statusrapport.contract.FOERSTE_AAR` to this year (later values are typing
  errors that validation reports);
- the *report year* is the year asked for, else the latest year with data; a year without data is
  an error;
- a facility is *active* in a year when it opened by 31 December and did not close before 1 January.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from statusrapport.contract import FOERSTE_AAR


@dataclass(frozen=True)
class ActiveFacility:
    """A facility open in the report year: it gets a profile page."""

    tilbud_id: str
    navn: str
    maalgruppe: str


def _years(values: Iterable[object]) -> set[int]:
    numbers = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    return {int(y) for y in numbers if float(y).is_integer()}


def years_with_data(
    fravaer_years: Iterable[object],
    personale_years: Iterable[object],
    today: datetime.date | None = None,
) -> list[int]:
    """Plausible years (first year of the period .. this year) with absence or staff rows."""
    today = today or datetime.date.today()
    years = _years(fravaer_years) | _years(personale_years)
    return sorted(y for y in years if FOERSTE_AAR <= y <= today.year)


def report_year(requested: int | None, available: list[int]) -> int | None:
    """The year to report on: the one asked for, else the latest with data (``None``: no data)."""
    if requested is not None:
        return requested
    return max(available) if available else None


def year_problem(year: int, available: list[int], today: datetime.date | None = None) -> str | None:
    """Why ``year`` cannot be reported on (Danish), or ``None`` when it can."""
    today = today or datetime.date.today()
    if not (FOERSTE_AAR <= year <= today.year):
        return f"rapportåret {year} skal ligge mellem {FOERSTE_AAR} og {today.year}"
    if year not in available:
        shown = ", ".join(str(y) for y in available) if available else "ingen"
        return (
            f"der er ingen data for rapportåret {year} i fravaer.csv eller personale.csv "
            f"(år med data: {shown})"
        )
    return None


def _as_date_number(values: pd.Series) -> pd.Series:
    """Dates as the number YYYYMMDD (NaN when empty), whether given as dates or numbers."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.year * 10000 + values.dt.month * 100 + values.dt.day
    return pd.to_numeric(values, errors="coerce")


def active_mask(aktiv_fra: pd.Series, aktiv_til: pd.Series, year: int) -> np.ndarray:
    """Which facilities are open at some point in ``year`` (opened by 31/12, not closed before 1/1).

    Works on the reader's numbers (YYYYMMDD) and on the dataset's dates alike.
    """
    opened, closed = _as_date_number(aktiv_fra), _as_date_number(aktiv_til)
    start, end = year * 10000 + 101, year * 10000 + 1231
    mask = (opened.isna() | (opened <= end)) & (closed.isna() | (closed >= start))
    return mask.to_numpy(dtype=bool)


def active_facilities(tilbud: pd.DataFrame, year: int) -> list[ActiveFacility]:
    """The facilities that get a profile page in ``year``, sorted by id."""
    rows = tilbud.loc[active_mask(tilbud["aktiv_fra"], tilbud["aktiv_til"], year)]
    rows = rows.loc[rows["tilbud_id"].notna()]
    facilities = [
        ActiveFacility(str(r.tilbud_id), str(r.navn), str(r.maalgruppe))
        for r in rows[["tilbud_id", "navn", "maalgruppe"]].itertuples(index=False)
    ]
    return sorted(facilities, key=lambda f: f.tilbud_id)
