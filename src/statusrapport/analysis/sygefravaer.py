"""Sickness absence (sygefravær): rates, days per FTE, long-term share, funnel and run charts.

Definitions follow FLIS key figure 569 so the numbers can be compared with other municipalities:
the absence rate is the sum of sick days over the sum of possible working days (never an average
of facility rates, which would give a 5-person unit the same weight as a 150-person unit). Days per
full-time employee (dage pr. fuldtidsstilling) is what Danmarks Statistik and Københavns Kommune
publish, so the page can say "14,5 dage" next to the public reference.

Long-term absence is absence in sickness periods longer than ``config.LANGTID_DAGE`` calendar
days, as delivered in ``langtidssygefravaer_dagsvaerk``; short-term is the rest.

All rates are fractions (0.062 = 6,2 %); format them with ``fmt.pct``. Changes are returned in
percentage points (0.4 = 0,4 procentpoint), ready for ``fmt.point``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, disclosure, fmt, rates, stats
from statusrapport.analysis import common
from statusrapport.data import Dataset
from statusrapport.stats.change import Change

#: Summed day counts; everything else is derived from these sums.
DAYS: tuple[str, ...] = rates.DAYS
#: Derived columns that disclosure control hides for too-small groups.
RATE_COLUMNS: tuple[str, ...] = (
    "fravaersprocent",
    "langtid_procent",
    "korttid_procent",
    "andel_langtid",
    "dage_pr_fuldtid",
)

MAANEDSNAVNE: tuple[str, ...] = fmt.MAANEDER_KORT

MAANEDER_LANG: tuple[str, ...] = fmt.MAANEDER

#: Public reference levels for the page's "what is normal" sentence (DOMAIN.md: Københavns
#: Kommune's own sickness statistics; Danmarks Statistik / FLIS for municipal staff).
REFERENCE_KK_AAR = 2023
REFERENCE_KK_DAGE = 14.5
REFERENCE_KOMMUNER_DAGE = 12.0  # all municipal staff, 2014–2019

#: Danish column headers for tables shown to readers (and in the CSV downloads).
LABELS: dict[str, str] = common.LABELS | {
    "maaned": "Måned",
    "maaned_nr": "Måned nr.",
    "maanedsnavn": "Måned",
    "faggruppe": "Faggruppe",
    "maaneder": "Måneder med data",
    "fuldtidsstillinger": "Fuldtidsstillinger (gns.)",
    "mulige_dagsvaerk": "Mulige dagsværk",
    "sygefravaer_dagsvaerk": "Sygefraværsdage",
    "langtidssygefravaer_dagsvaerk": "Langtidssygefraværsdage",
    "korttidssygefravaer_dagsvaerk": "Korttidssygefraværsdage",
    "fravaersprocent": "Sygefravær",
    "fravaersprocent_forrige": "Sygefravær året før",
    "langtid_procent": "Langtidssygefravær",
    "korttid_procent": "Korttidssygefravær",
    "andel_langtid": "Langtidsfraværets andel",
    "dage_pr_fuldtid": "Dage pr. fuldtidsstilling",
    "saesonudsving_procentpoint": "Sæsonudsving (procentpoint)",
    "laengste_serie": "Længste serie",
    "laengste_serie_max": "Højst forventet serie",
    "krydsninger": "Krydsninger af medianen",
    "krydsninger_min": "Mindst forventede krydsninger",
    "signal": "Signal",
    "signaltype": "Hvilken regel",
    "median": "Median",
    "ucl": "Øvre kontrolgrænse",
    "lcl": "Nedre kontrolgrænse",
    "centerlinje": "Centerlinje",
    "uden_for_graenser": "Uden for grænserne",
}


def labelled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of ``frame`` in that order, with Danish headers (for report.table)."""
    return frame.loc[:, list(columns)].rename(columns=LABELS)


def days_as_rate(days: float) -> float:
    """Sick days per FTE as a share of a working year, to put the two measures side by side."""
    return days / config.ARBEJDSDAGE_PR_AAR


# --- Core aggregation -----------------------------------------------------------------------


#: The rows and their Σ/Σ sums live below analysis and disclosure (:mod:`statusrapport.rates`).
rows = rates.absence_rows
summarise = rates.absence_summary


def total(data: Dataset, year: int) -> pd.Series:
    """The whole centre in ``year`` as one row (empty frame → NaN rates, 0 months)."""
    frame = rows(data, year)
    if frame.empty:
        return pd.Series({c: np.nan for c in (*DAYS, *RATE_COLUMNS)} | {"maaneder": 0})
    return summarise(frame).iloc[0]


def by_year(data: Dataset, through: int) -> pd.DataFrame:
    """One row per year up to ``through``: the centre's rate, days per FTE and months covered."""
    return summarise(rows(data, through=through), ["aar"])


def monthly(data: Dataset, year: int) -> pd.DataFrame:
    """Monthly rate in ``year`` and the year before, for the 'this year vs last year' figure."""
    frame = rows(data).loc[lambda f: f["aar"].isin([year - 1, year])]
    out = summarise(frame, ["aar", "maaned_nr"])
    out["maanedsnavn"] = [MAANEDSNAVNE[m - 1] for m in out["maaned_nr"]]
    return out


def _suppress_groups(frame: pd.DataFrame, group_by: Sequence[str] | None) -> pd.DataFrame:
    """Hide rates of groups with fewer than MIN_PERSONS FTE (complementary within ``group_by``)."""
    return disclosure.suppress(
        frame,
        columns=list(RATE_COLUMNS),
        denominators=["fuldtidsstillinger"],
        group_by=list(group_by) if group_by else None,
    )


def _suppress_by(data: Dataset, year: int, column: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Target groups: the year's disclosure pass (it also protects the facilities inside);
    other groupings: primary < MIN_PERSONS FTE, complementary across the groups."""
    if column != "maalgruppe" or frame.empty:
        return _suppress_groups(frame.assign(_alle=1), ["_alle"]).drop(columns="_alle")
    return _hide(frame, frame[column].astype(str).map(disclosure.absence(data, year).group_hidden))


def _hide(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Rates and FTE of ``hidden`` rows set missing, flagged ``undertrykt``."""
    out = frame.copy()
    hidden = hidden.fillna(True).astype(bool)
    for column in (*RATE_COLUMNS, "fuldtidsstillinger"):
        if column in out:
            out[column] = out[column].astype("float64").where(~hidden)
    out[disclosure.FLAG] = hidden
    return out


def by_group(data: Dataset, year: int, column: str) -> pd.DataFrame:
    """The centre by ``column`` (maalgruppe or faggruppe): this year, last year, change.

    The groups add up to the centre total shown on the page, so one hidden group would be
    recoverable by subtraction: suppression is complementary across the groups.
    """
    now = _suppress_by(data, year, column, summarise(rows(data, year), [column]))
    before = summarise(rows(data, year - 1), [column])
    if not before.empty:
        before = _suppress_by(data, year - 1, column, before)
        prev = before.set_index(column)["fravaersprocent"]
        now["fravaersprocent_forrige"] = now[column].map(prev).astype("float64")
    else:
        now["fravaersprocent_forrige"] = np.nan
    now["aendring_procentpoint"] = (now["fravaersprocent"] - now["fravaersprocent_forrige"]) * 100
    both = rows(data, through=year)
    both = both.assign(**{column: both[column].astype(str)})
    hidden = hidden_facilities(data, year)
    changes = [
        change(both.loc[both[column] == level], year, leave_out=hidden)
        for level in now[column].astype(str)
    ]
    return common.change_columns(now, changes, shown="aendring_procentpoint")


def change(
    frame: pd.DataFrame,
    year: int,
    numerator: str = "sygefravaer_dagsvaerk",
    *,
    leave_out: Collection[str] = (),
) -> Change | None:
    """Change in the Σ/Σ rate from ``year − 1`` to ``year`` with a cluster-robust interval from
    the facilities not in ``leave_out`` (:func:`hidden_facilities`, see common.year_change).

    ``numerator`` is ``sygefravaer_dagsvaerk`` (absence) or ``langtidssygefravaer_dagsvaerk``
    (long-term absence); the denominator is always the possible working days.
    """
    return common.year_change(frame, year, numerator, "mulige_dagsvaerk", leave_out=leave_out)


def hidden_facilities(data: Dataset, year: int) -> frozenset[str]:
    """Facilities whose absence is hidden in ``year`` or the year before (no interval uses them)."""
    return frozenset(
        f
        for y in (year - 1, year)
        if y in data.years
        for f in disclosure.absence(data, y).facilities
    )


def centre_change(
    data: Dataset, year: int, numerator: str = "sygefravaer_dagsvaerk"
) -> Change | None:
    """The centre's change from last year, as the page and noegletal.json publish it."""
    return change(
        rows(data, through=year), year, numerator, leave_out=hidden_facilities(data, year)
    )


def by_facility(data: Dataset, year: int) -> pd.DataFrame:
    """One row per facility in ``year``, rates hidden where the facility has < MIN_PERSONS FTE.

    Complementary suppression is within target group, because target-group totals are shown.
    """
    frame = rows(data, year)
    out = summarise(frame, ["tilbud_id"])
    info = data.tilbud[["tilbud_id", "navn", "maalgruppe"]]
    out = out.merge(info, on="tilbud_id", how="left", validate="1:1")
    hidden = out["tilbud_id"].map(disclosure.absence(data, year).hidden).astype(bool)
    out[list(RATE_COLUMNS)] = out[list(RATE_COLUMNS)].astype("float64").where(~hidden, axis=0)
    out[disclosure.FLAG] = hidden
    return out.sort_values("navn", kind="stable").reset_index(drop=True)


def by_facility_and_staff_group(data: Dataset, year: int) -> pd.DataFrame:
    """Facility × staff group in ``year``; groups with < MIN_PERSONS FTE are hidden.

    Complementary within the facility, since the facility's total is published: with one
    group hidden, the smallest other group is hidden too.
    """
    out = summarise(rows(data, year), ["tilbud_id", "faggruppe"])
    out = out.merge(data.tilbud[["tilbud_id", "navn"]], on="tilbud_id", how="left")
    out = _suppress_groups(out, ["tilbud_id"])
    # A facility hidden by the year's disclosure pass shows none of its staff groups either.
    hidden = out["tilbud_id"].map(disclosure.absence(data, year).hidden).astype(bool)
    out = _hide(out, hidden | out[disclosure.FLAG])
    return out.sort_values(["navn", "faggruppe"], kind="stable").reset_index(drop=True)


def staff_group_table(data: Dataset, year: int) -> tuple[pd.DataFrame, int]:
    """Facility rows × staff-group columns of absence rates, and the number of hidden cells."""
    long = by_facility_and_staff_group(data, year)
    wide = long.pivot_table(
        index="navn",
        columns="faggruppe",
        values="fravaersprocent",
        observed=True,
        dropna=False,
        aggfunc="first",
    )
    wide = wide.reindex(columns=[g for g in config.FAGGRUPPER if g in set(long["faggruppe"])])
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index().rename(columns={"navn": "Tilbud"})
    return wide, disclosure.n_suppressed(long)


# --- Comparison between facilities: funnel plot --------------------------------------------


Funnel = common.Funnel


def funnel(data: Dataset, year: int) -> Funnel:
    """Funnel plot data: each facility's rate with 95 % and 99.8 % limits at its size.

    Size is possible working days, but days are not independent trials: one long sickness
    period is many consecutive days of one person, and sick days cluster in a few staff. The
    exact binomial limits around thousands of days are therefore far too narrow, and the
    limits are widened with FunnelPlotR's additive between-facility variance (τ²). All
    facilities enter the estimate; facilities hidden by disclosure control are not shown as
    points or named.
    """
    return common.funnel(
        by_facility(data, year),  # day counts are kept; only the rates are hidden
        "sygefravaer_dagsvaerk",
        "mulige_dagsvaerk",
        kind="proportion",
        rate_column="fravaersprocent",
        extra=["navn", "maalgruppe", "fuldtidsstillinger"],
    )


def above_limit(result: Funnel, level: str = "998") -> list[str]:
    """tilbud_id of shown facilities above the upper ``level`` limit ("95" or "998" = 99.8 %)."""
    t = result.table
    return sorted(t.loc[t["fravaersprocent"] > t[f"oevre_{level}"], "tilbud_id"].astype(str))


def outside_limits(result: Funnel) -> pd.DataFrame:
    """Shown facilities outside the 99.8 % limits (above or below): the ones to label."""
    return common.outside(result, "fravaersprocent")


# --- Change over time: season, run charts, P chart -----------------------------------------


def monthly_series(data: Dataset, through: int, by: Sequence[str] = ()) -> pd.DataFrame:
    """Monthly sums and rate up to the end of ``through``, with a month-start ``dato`` column."""
    out = summarise(rows(data, through=through), [*by, "maaned"])
    out["dato"] = pd.to_datetime(out["maaned"], format="%Y-%m")
    return out.sort_values([*by, "dato"]).reset_index(drop=True)


@dataclass(frozen=True)
class Season:
    """The centre's typical seasonal swing per calendar month (STL on all months)."""

    table: pd.DataFrame  # maaned_nr, maanedsnavn, saesonudsving_procentpoint
    hoejeste_maaned: str
    laveste_maaned: str
    udsving_procentpoint: float
    maaneder: int
    fra: pd.Timestamp
    til: pd.Timestamp


def seasonal(data: Dataset, year: int) -> Season | None:
    """Average seasonal swing per calendar month (percentage points), from STL on all months.

    None when there are fewer than 24 gap-free months (STL needs two whole years to tell a
    season from a trend).
    """
    series = monthly_series(data, year).set_index("dato")["fravaersprocent"]
    try:
        profile = stats.seasonal_profile(series)
    except ValueError:
        return None
    by_month = stats.seasonal_by_month(profile)
    out = pd.DataFrame(
        {
            "maaned_nr": by_month.index.astype("int64"),
            "maanedsnavn": [MAANEDSNAVNE[m - 1] for m in by_month.index],
            "saesonudsving_procentpoint": by_month.to_numpy() * 100,
        }
    )
    high, low = (
        out.loc[out["saesonudsving_procentpoint"].idxmax()],
        out.loc[out["saesonudsving_procentpoint"].idxmin()],
    )
    return Season(
        table=out,
        hoejeste_maaned=MAANEDER_LANG[int(high["maaned_nr"]) - 1],
        laveste_maaned=MAANEDER_LANG[int(low["maaned_nr"]) - 1],
        udsving_procentpoint=float(stats.seasonal_amplitude(profile)) * 100,
        maaneder=len(profile),
        fra=profile.index.min(),
        til=profile.index.max(),
    )


def run_window(year: int, months: int = 24) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The run-chart period: the ``months`` months ending in December of ``year``."""
    end = pd.Timestamp(year, 12, 1)
    return end - pd.DateOffset(months=months - 1), end


def signal_text(result: stats.AnhoejResult, line: str = "medianen") -> str:
    """Which of Anhøj's rules fired, in Danish ('ingen' when none); ``line`` names the centre."""
    rules = []
    if result.runs_signal:
        rules.append(f"usædvanligt lang serie på samme side af {line}")
    if result.crossings_signal:
        rules.append(f"for få krydsninger af {line}")
    return " og ".join(rules) if rules else "ingen"


def month_label(value: pd.Timestamp) -> str:
    """'jan 2025': Danish month labels without relying on the machine's locale."""
    return fmt.maaned(value, kort=True)


SUMMARY_COLUMNS: tuple[str, ...] = (
    "tilbud_id",
    "navn",
    "maaneder",
    "median",
    "laengste_serie",
    "laengste_serie_max",
    "krydsninger",
    "krydsninger_min",
    "signal",
    "signaltype",
)


@dataclass(frozen=True)
class RunCharts:
    """Facility run charts on seasonally adjusted monthly rates, with Anhøj's rules."""

    points: pd.DataFrame  # tilbud_id, navn, dato, maaned, fravaersprocent, saesonjusteret, median
    summary: pd.DataFrame  # one row per facility, SUMMARY_COLUMNS
    seasonally_adjusted: bool  # False with < SAESON_MIN_MAANEDER months of centre data
    n_charts: int
    expected_chance_signals: float  # charts expected to signal by chance alone


#: Months of centre data needed before run charts are seasonally adjusted: with two years
#: STL cannot tell a season from noise, and adjusting by noise would create false signals.
SAESON_MIN_MAANEDER = 36


def centre_season(data: Dataset, year: int) -> pd.Series | None:
    """The centre's seasonal component per calendar month (fraction), from STL; None with
    fewer than ``SAESON_MIN_MAANEDER`` gap-free months."""
    series = monthly_series(data, year).set_index("dato")["fravaersprocent"]
    if series.notna().sum() < SAESON_MIN_MAANEDER:
        return None
    try:
        return stats.seasonal_by_month(stats.seasonal_profile(series))
    except ValueError:
        return None


def run_charts(data: Dataset, year: int, months: int = 24) -> RunCharts:
    """Seasonally adjusted monthly rate per facility over the last ``months`` months, and
    Anhøj's rules for each.

    Absence is higher every winter, so a 24-month chart of raw rates shows long runs above and
    below the median that are only the season. Each month's rate is therefore adjusted by the
    centre's seasonal component for that calendar month (STL, all months up to ``year``) before
    the rules are applied. The centre line is the facility's own median of the adjusted rates.
    Facility-months with fewer than MIN_PERSONS FTE are left out (disclosure control).
    ``expected_chance_signals`` is the number of charts that would signal with no change at all.
    """
    start, end = run_window(year, months)
    season = centre_season(data, year)
    points = monthly_series(data, year, ["tilbud_id"])
    points = points.loc[(points["dato"] >= start) & (points["dato"] <= end)].copy()
    small = points["fuldtidsstillinger"] < config.MIN_PERSONS
    # Months of a year in which the year's disclosure pass hides the facility are hidden too.
    for y in sorted(points["dato"].dt.year.unique()):
        hidden = points["tilbud_id"].map(disclosure.absence(data, int(y)).hidden).astype(bool)
        small |= (points["dato"].dt.year == y) & hidden
    points.loc[small, "fravaersprocent"] = np.nan
    adjustment = points["dato"].dt.month.map(season).astype(float) if season is not None else 0.0
    points["saesonjusteret"] = points["fravaersprocent"] - adjustment
    names = data.tilbud.set_index("tilbud_id")["navn"]
    points["navn"] = points["tilbud_id"].map(names)
    summary_rows: list[dict[str, Any]] = []
    medians: dict[str, float] = {}
    expected = 0.0
    for tilbud_id, group in points.groupby("tilbud_id", sort=True):
        values = group["saesonjusteret"].to_numpy(float)
        if np.isnan(values).all():
            continue  # every month hidden by disclosure control: no chart for this facility
        result = stats.anhoej_rules(values)
        expected += stats.chance_signal_rate(result.n_useful)
        medians[str(tilbud_id)] = result.centre
        summary_rows.append(
            {
                "tilbud_id": tilbud_id,
                "navn": names.get(tilbud_id, tilbud_id),
                "maaneder": result.n_obs,
                "median": result.centre,
                "laengste_serie": result.longest_run,
                "laengste_serie_max": result.longest_run_max,
                "krydsninger": result.n_crossings,
                "krydsninger_min": result.n_crossings_min,
                "signal": result.signal,
                "signaltype": signal_text(result),
            }
        )
    summary = pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS)
    points["median"] = points["tilbud_id"].astype(str).map(medians)
    summary["signal"] = summary["signal"].astype(bool)
    summary = summary.sort_values("navn", kind="stable").reset_index(drop=True)
    return RunCharts(
        points=points.reset_index(drop=True),
        summary=summary,
        seasonally_adjusted=season is not None,
        n_charts=len(summary),
        expected_chance_signals=expected,
    )


def centre_p_chart(data: Dataset, year: int) -> stats.ControlChart:
    """Laney P′ chart of the centre's monthly rate over all months up to ``year``.

    Laney-adjusted because the denominators are tens of thousands of working days: plain
    binomial limits would be so narrow that almost every month 'signals' (absence is
    overdispersed). The table has the columns of stats.p_chart plus ``dato``. A month without
    data is a missing point (NaN), so no moving range bridges it (as qicharts2).
    """
    series = monthly_series(data, year).set_index("dato")
    if len(series):
        months = pd.date_range(series.index.min(), series.index.max(), freq="MS", name="dato")
        series = series.reindex(months)
    chart = stats.p_chart(
        series["sygefravaer_dagsvaerk"],
        series["mulige_dagsvaerk"],
        laney=True,
    )
    table = chart.table.rename_axis("dato").reset_index()
    return stats.ControlChart(table, chart.sigma_z, chart.laney, chart.anhoej)


def p_chart_text(chart: stats.ControlChart) -> str:
    """The sentence on how the P′ chart's limits were made: widened or narrowed as σz says
    (Laney's P′ chart; the method's name is on the method page, not in the reader's text)."""
    intro = (
        "Kontrolkortet viser centrets samlede sygefravær måned for måned for hele perioden med "
        "grænser for den variation, man må forvente af tilfældige årsager. "
    )
    if not chart.laney:
        return intro
    if chart.sigma_z > 1:
        return intro + (
            "Grænserne er gjort bredere, fordi sygefraværet varierer mere fra måned "
            "til måned, end almindelig tilfældighed kan forklare, når det måles i tusindvis af "
            "arbejdsdage. "
        )
    if chart.sigma_z < 1:
        return intro + (
            "Grænserne er gjort smallere, fordi sygefraværet varierer mindre fra "
            "måned til måned, end almindelig tilfældighed giver. "
        )
    return intro + "Grænserne er de almindelige: sygefraværet varierer som forventet. "


# --- Key figures ------------------------------------------------------------------------------


def _dict(frame: pd.DataFrame, key: str, value: str) -> dict[str, float | None]:
    return {str(k): common.none_if_nan(v) for k, v in zip(frame[key], frame[value], strict=True)}


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """Headline numbers for ``year`` (fractions 0–1; the change in percentage points)."""
    now = total(data, year)
    before = total(data, year - 1)
    rate = common.none_if_nan(now["fravaersprocent"])
    prev = common.none_if_nan(before["fravaersprocent"])
    centre = centre_change(data, year)
    long_term = centre_change(data, year, "langtidssygefravaer_dagsvaerk")
    figures: dict[str, Any] = {
        "fravaer.procent_samlet": rate,
        "fravaer.procent_forrige_aar": prev,
        "fravaer.aendring_procentpoint": None if centre is None else centre.change_pp,
        "fravaer.aendring_procentpoint_ci": common.ci_list(centre),
        "fravaer.langtid_procent": common.none_if_nan(now["langtid_procent"]),
        "fravaer.langtid_aendring_procentpoint": (
            None if long_term is None else long_term.change_pp
        ),
        "fravaer.langtid_aendring_procentpoint_ci": common.ci_list(long_term),
        "fravaer.dage_pr_fuldtid": common.none_if_nan(now["dage_pr_fuldtid"]),
        "fravaer.maaneder_med_data": int(now["maaneder"]),
        "fravaer.andel_langtid": common.none_if_nan(now["andel_langtid"]),
        "fravaer.procent_pr_maalgruppe": {},
        "fravaer.procent_pr_faggruppe": {},
        "fravaer.procent_pr_tilbud": {},
        "fravaer.tilbud_over_998_graense": [],
        "fravaer.tilbud_med_signal": [],
        "fravaer.antal_tilbud_over_95_graense": None,
        "fravaer.antal_tilbud_under_95_graense": None,
        "fravaer.antal_tilbud_over_998_graense": None,
        "fravaer.antal_tilbud_under_998_graense": None,
    }
    if rate is None:
        return figures
    figures["fravaer.procent_pr_maalgruppe"] = _dict(
        by_group(data, year, "maalgruppe"), "maalgruppe", "fravaersprocent"
    )
    figures["fravaer.procent_pr_faggruppe"] = _dict(
        by_group(data, year, "faggruppe"), "faggruppe", "fravaersprocent"
    )
    figures["fravaer.procent_pr_tilbud"] = _dict(
        by_facility(data, year), "tilbud_id", "fravaersprocent"
    )
    tragt = funnel(data, year)
    figures["fravaer.tilbud_over_998_graense"] = above_limit(tragt)
    figures.update(common.funnel_key_figures("fravaer", tragt))
    summary = run_charts(data, year).summary
    figures["fravaer.tilbud_med_signal"] = sorted(
        summary.loc[summary["signal"], "tilbud_id"].astype(str)
    )
    return figures
