"""The one disclosure pass per measure and year that every page, table and key figure uses.

Turnover (personaleomsætning) and sickness absence (sygefravær) are published per facility, per
target group and for the centre, in several years at once. :func:`turnover` and :func:`absence`
decide once per year which facilities and groups are hidden (:mod:`.protect`); the analysis
modules, the profile pages and the key figures all ask these functions, so a facility hidden to
protect another is hidden on its own page and in its history too.
"""

from __future__ import annotations

import pandas as pd

from statusrapport import config, rates
from statusrapport.data import Dataset
from statusrapport.disclosure.protect import EMPTY, Protection, Quantity, protect


def turnover_quantities() -> tuple[Quantity, ...]:
    """Leavers and average staff: an attacker must stay ≥ MIN_PERSONS persons unsure of both."""
    k = float(config.MIN_PERSONS)
    return (Quantity("fratraadte", k, integer=True), Quantity("gns_ansatte", k))


def absence_quantities() -> tuple[Quantity, ...]:
    """Sick days and possible working days, with ranges of MIN_PERSONS persons' days.

    Possible days: a working year for each of MIN_PERSONS persons; sick days: a working month
    for each of them (about 95 days), so no one's absence can be narrowed to a few days.
    """
    k = float(config.MIN_PERSONS)
    year = float(config.ARBEJDSDAGE_PR_AAR)
    return (
        Quantity("sygefravaer_dagsvaerk", k * year / 12),
        Quantity("mulige_dagsvaerk", k * year),
    )


def turnover_small(frame: pd.DataFrame) -> pd.Series:
    """Primary rule: 1–4 leavers (zero concerns nobody) or fewer than MIN_PERSONS staff."""
    k = config.MIN_PERSONS
    leavers = pd.to_numeric(frame["fratraadte"]).fillna(0)
    staff = pd.to_numeric(frame["gns_ansatte"]).fillna(0)
    return ((leavers > 0) & (leavers < k)) | (staff < k)


def absence_small(frame: pd.DataFrame) -> pd.Series:
    """Primary rule: fewer than MIN_PERSONS full-time staff.

    Facilities are judged by their average FTE over their own months (the rule the pages state);
    group and centre sums, which carry only day counts, by possible days below a working year
    for each of MIN_PERSONS persons.
    """
    k = config.MIN_PERSONS
    if "fuldtidsstillinger" in frame:
        return pd.to_numeric(frame["fuldtidsstillinger"]).fillna(0) < k
    return pd.to_numeric(frame["mulige_dagsvaerk"]).fillna(0) < k * config.ARBEJDSDAGE_PR_AAR


def turnover(data: Dataset, year: int) -> Protection:
    """Hidden facilities and target groups for turnover in ``year`` (computed once per run)."""

    def compute() -> Protection:
        frame = rates.turnover_rows(data, year)
        if frame.empty:
            return EMPTY
        frame = frame.assign(maalgruppe=frame["maalgruppe"].astype(str))
        return protect(frame, quantities=turnover_quantities(), small=turnover_small)

    return data.cached(("disclosure.turnover", year), compute)


def absence(data: Dataset, year: int) -> Protection:
    """Hidden facilities and target groups for sickness absence in ``year``."""

    def compute() -> Protection:
        rows = rates.absence_rows(data, year)
        if rows.empty:
            return EMPTY
        frame = rates.absence_summary(rows, ["tilbud_id"])
        groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
        frame["maalgruppe"] = frame["tilbud_id"].map(groups).fillna("ukendt")
        return protect(frame, quantities=absence_quantities(), small=absence_small)

    return data.cached(("disclosure.absence", year), compute)
