"""Staff turnover (personaleomsætning): rates, funnel plot, a model by target group and year.

Definition (stated on the page, as DOMAIN.md asks): turnover = leavers in the year
(``fratraadte``, people who left the facility; internal moves are not in the data) divided by the
average headcount over the year (``gns_ansatte``, persons, not FTE). Totals are Σ leavers / Σ
average staff, so a large facility weighs by its size.

Turnover is treated as a *rate* (events per person-year of employment), not a proportion: a post
can turn over more than once a year, so leavers can exceed the average headcount, which a
binomial proportion forbids. Funnel limits are therefore Poisson-based and then widened for the
between-facility overdispersion.

Disclosure control: a facility's rate built on 1–4 leavers, or on fewer than 5 staff, could point
to individuals, so it is hidden (``config.MIN_PERSONS``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, disclosure, fmt, rates, stats
from statusrapport.analysis import common
from statusrapport.analysis import sygefravaer as fravaer
from statusrapport.data import Dataset
from statusrapport.stats.change import Change

#: Public reference levels (DOMAIN.md; measured more broadly than here, so only indicative).
REFERENCE_KOMMUNALT_ANSATTE = (0.195, 0.213)  # all municipal staff, 2012–2016
REFERENCE_KOMMUNALT_AAR = "2012–2016"
REFERENCE_DAGINSTITUTIONER = 0.263  # municipal daycare institutions, average 2017–2021
REFERENCE_MAAL_EKSEMPEL = 0.15  # an example of a municipal target ("under 15 %")

#: Danish column headers for tables shown to readers (and in the CSV downloads).
LABELS: dict[str, str] = common.LABELS | {
    "gns_ansatte": "Gns. antal ansatte",
    "fratraadte": "Fratrådte",
    "nyansatte": "Nyansatte",
    "antal_tilbud": "Antal tilbud",
    "omsaetning": "Personaleomsætning",
    "omsaetning_forrige": "Personaleomsætning året før",
    "fravaersprocent": "Sygefravær",
    "label": "Sammenligning",
    "forhold": "Forhold (rate ratio)",
    "ki_nedre": "Nedre grænse (95 %)",
    "ki_oevre": "Øvre grænse (95 %)",
    "tolkning": "Betydning",
}


def labelled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of ``frame`` in that order, with Danish headers (for report.table)."""
    return frame.loc[:, list(columns)].rename(columns=LABELS)


# --- Rates ------------------------------------------------------------------------------------


#: The rows live below analysis and disclosure (:mod:`statusrapport.rates`).
rows = rates.turnover_rows


def summarise(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Σ leavers / Σ average staff per group in ``by`` (one row for no ``by``)."""
    keys = list(by) or ["_alle"]
    work = frame.assign(_alle=1)
    out = work.groupby(keys, observed=True, sort=True)[
        ["gns_ansatte", "fratraadte", "nyansatte"]
    ].sum()
    out["antal_tilbud"] = work.groupby(keys, observed=True, sort=True).size()
    staff = out["gns_ansatte"].where(out["gns_ansatte"] > 0)
    out["omsaetning"] = out["fratraadte"] / staff
    out = out.reset_index()
    return out.drop(columns="_alle") if not by else out


def _suppress(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Hide the rate and the counts of ``hidden`` rows (the disclosure pass decides which)."""
    out = frame.copy()
    hidden = hidden.fillna(True).astype(bool)
    for column in ("omsaetning", "fratraadte", "gns_ansatte", "nyansatte"):
        if column in out:
            out[column] = out[column].astype("float64").where(~hidden)
    out[disclosure.FLAG] = hidden
    return out


def total(data: Dataset, year: int) -> pd.Series:
    """The centre's turnover in ``year`` as one row (NaN rate when the year has no data)."""
    frame = rows(data, year)
    if frame.empty:
        return pd.Series(
            {"gns_ansatte": 0.0, "fratraadte": 0.0, "nyansatte": 0.0, "antal_tilbud": 0}
            | {"omsaetning": np.nan}
        )
    return summarise(frame).iloc[0]


def by_year(data: Dataset, through: int) -> pd.DataFrame:
    """The centre's turnover per year up to ``through``."""
    return summarise(rows(data, through=through), ["aar"])


def by_target_group(data: Dataset, year: int) -> pd.DataFrame:
    """Turnover per target group: this year, the year before and the change in points.

    The groups add up to the published total, so suppression is complementary across them.
    """

    def one_year(y: int) -> pd.DataFrame:
        out = summarise(rows(data, y), ["maalgruppe"])
        if out.empty:
            return out
        protection = disclosure.turnover(data, y)
        return _suppress(out, out["maalgruppe"].map(protection.group_hidden))

    now = one_year(year)
    before = one_year(year - 1)
    if before.empty:
        now["omsaetning_forrige"] = np.nan
    else:
        prev = before.set_index("maalgruppe")["omsaetning"]
        now["omsaetning_forrige"] = now["maalgruppe"].map(prev).astype("float64")
    now["aendring_procentpoint"] = (now["omsaetning"] - now["omsaetning_forrige"]) * 100
    if now.empty:
        return common.change_columns(now, [], shown="aendring_procentpoint")
    both = rows(data, through=year)
    both["maalgruppe"] = both["maalgruppe"].astype(str)
    groups = now["maalgruppe"].astype(str)
    hidden = hidden_facilities(data, year)
    changes = [change(both.loc[both["maalgruppe"] == g], year, leave_out=hidden) for g in groups]
    return common.change_columns(now, changes, shown="aendring_procentpoint")


def change(frame: pd.DataFrame, year: int, *, leave_out: Collection[str] = ()) -> Change | None:
    """Change in Σ leavers / Σ staff from ``year − 1`` to ``year``; the interval from the
    facilities not in ``leave_out`` (:func:`hidden_facilities`, see common.year_change)."""
    return common.year_change(frame, year, "fratraadte", "gns_ansatte", leave_out=leave_out)


def hidden_facilities(data: Dataset, year: int) -> frozenset[str]:
    """Facilities whose turnover is hidden in ``year`` or the year before (no interval uses
    them)."""
    return frozenset(
        f
        for y in (year - 1, year)
        if y in data.years
        for f in disclosure.turnover(data, y).facilities
    )


def centre_change(data: Dataset, year: int) -> Change | None:
    """The centre's change from last year, as the page and noegletal.json publish it."""
    return change(rows(data, through=year), year, leave_out=hidden_facilities(data, year))


def by_facility(data: Dataset, year: int) -> pd.DataFrame:
    """One row per facility in ``year``; the rate is hidden where the disclosure pass says so.

    Hidden: rates from 1–4 leavers or < 5 staff, and the facilities hidden to protect them
    (disclosure.turnover). The counts are kept here because the funnel's centre line and
    limits use every facility; only shown rows are ever published.
    """
    out = rows(data, year)
    out["maalgruppe"] = out["maalgruppe"].astype(str)
    protection = disclosure.turnover(data, year)
    out["omsaetning"] = out["omsaetning"].where(~out["tilbud_id"].map(protection.hidden))
    out[disclosure.FLAG] = out["tilbud_id"].map(protection.hidden).astype(bool)
    return out.sort_values("navn", kind="stable").reset_index(drop=True)


# --- Funnel plot ------------------------------------------------------------------------------


Funnel = common.Funnel


def funnel(data: Dataset, year: int) -> Funnel:
    """Funnel plot of turnover (kind="rate": exact Poisson limits, widened by FunnelPlotR's
    additive rule when facilities vary more than Poisson noise).

    Every facility enters the estimate of the centre line and of the overdispersion; facilities
    hidden by disclosure control are not drawn or named (their point would reveal the count).
    """
    return common.funnel(
        by_facility(data, year),
        "fratraadte",
        "gns_ansatte",
        kind="rate",
        rate_column="omsaetning",
        extra=["navn", "maalgruppe"],
        min_size=float(config.MIN_PERSONS),
    )


def outside_limits(result: Funnel) -> pd.DataFrame:
    """Shown facilities outside the 99.8 % limits: the only ones named in the figure."""
    return common.outside(result, "omsaetning")


# --- Model: target group and year -------------------------------------------------------------


def _ratio_words(ratio: float, comparison: str = "") -> str:
    """1.23 → 'relativt 23 % højere end X', 0.85 → 'relativt 15 % lavere end X', 2.1 → '2,1
    gange så høj som X'. "relativt": a ratio of rates, not percentage points (issue 21)."""
    change = ratio - 1
    if abs(change) < 0.005:
        return f"på niveau med {comparison}" if comparison else "uændret"
    if ratio >= 1.5:
        return f"{fmt.tal(ratio, 1)} gange så høj som {comparison}".strip()
    words = f"relativt {fmt.pct(abs(change), 0)} {'højere' if change > 0 else 'lavere'}"
    return f"{words} end {comparison}" if comparison else words


@dataclass(frozen=True)
class Model:
    """The turnover model (GEE by facility) with a reader-facing table and sentences."""

    fit: stats.TurnoverModel
    table: pd.DataFrame  # label, forhold, ki_nedre, ki_oevre, tolkning
    saetninger: list[str]
    first_year: int
    last_year: int


def _interval(low: float, high: float) -> str:
    return f"95{fmt.NBSP}%-sikkerhedsinterval {fmt.tal(low, 2)}–{fmt.tal(high, 2)}"


def model(data: Dataset, year: int) -> Model:
    """Each target group's turnover against the rest of the centre, and the change per year.

    Poisson GEE with facility clusters (``stats.turnover_gee``) on every published
    facility-year up to ``year``: a facility-year hidden by disclosure control is left out, or
    its count would move the ratios and their intervals (issue 19). Significance words only
    where the Holm-adjusted p-value is below 0.05 and the group has at least
    ``common.MIN_TILBUD_PAASTAND`` facilities; otherwise the page says the difference may be
    chance, or that there are too few facilities to judge.
    """
    frame = rows(data, through=year)
    hidden = pd.Series(
        [
            disclosure.turnover(data, int(y)).hidden(f)
            for f, y in zip(frame["tilbud_id"], frame["aar"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
    frame = frame.loc[(frame["gns_ansatte"] > 0) & ~hidden].copy()
    fit = stats.turnover_gee(frame)
    labels, ratios, lows, highs, words, sentences = [], [], [], [], [], []
    k = len(fit.groups)
    for g in fit.groups:
        comparison = _ratio_words(g.ratio, "resten af centret")
        text = (
            f"Tilbud for {g.group} har en personaleomsætning, der er {comparison} "
            f"(forhold {fmt.tal(g.ratio, 2)}, {_interval(g.ci_low, g.ci_high)})."
        )
        if g.n_facilities < common.MIN_TILBUD_PAASTAND:
            text += (
                f" Med kun {fmt.antal(g.n_facilities, 'tilbud', 'tilbud')} i målgruppen kan det "
                "ikke vurderes, om forskellen er større end tilfældig variation."
            )
        elif g.p_holm < 0.05:
            text += (
                " Forskellen er større, end tilfældig variation kan forklare, også når der "
                f"tages højde for, at {k} målgrupper sammenlignes."
            )
        else:
            text += " Forskellen kan skyldes tilfældig variation."
        sentences.append(text)
        labels.append(f"Målgruppe: {g.group} (sammenlignet med resten af centret)")
        ratios.append(g.ratio)
        lows.append(g.ci_low)
        highs.append(g.ci_high)
        words.append(comparison)
    if fit.year_ratio is not None:
        r, lo, hi = fit.year_ratio, fit.year_ci_low or 0.0, fit.year_ci_high or 0.0
        text = (
            f"Når der tages højde for målgruppe, er personaleomsætningen {_ratio_words(r)} "
            f"for hvert år, der går (forhold {fmt.tal(r, 2)}, {_interval(lo, hi)})."
        )
        sure = (lo > 1 or hi < 1) and fit.n_facilities >= common.MIN_TILBUD_PAASTAND
        text += (
            " Udviklingen er større, end tilfældig variation kan forklare."
            if sure
            else " Udviklingen kan skyldes tilfældig variation."
        )
        sentences.append(text)
        labels.append("Ændring pr. år")
        ratios.append(r)
        lows.append(lo)
        highs.append(hi)
        words.append(f"{_ratio_words(r)} pr. år")
    shown = pd.DataFrame(
        {"label": labels, "forhold": ratios, "ki_nedre": lows, "ki_oevre": highs, "tolkning": words}
    )
    years = frame["aar"]
    return Model(
        fit=fit,
        table=shown,
        saetninger=sentences,
        first_year=int(years.min()),
        last_year=int(years.max()),
    )


# --- Association with sickness absence --------------------------------------------------------


def with_absence(data: Dataset, year: int) -> pd.DataFrame:
    """One row per facility in ``year``: turnover and sickness absence rate side by side.

    One year only: pooling several years would count each facility several times and make the
    confidence band look narrower than the data justify. ``undertrykt`` marks facilities whose
    point must not be drawn: the same facilities as in :func:`by_facility` (including the
    complementary ones, or the hidden one could be derived from the target-group total), plus
    any whose absence rate is hidden. Rates here are unsuppressed, for the regression line.
    """
    turnover = rows(data, year)
    hidden = by_facility(data, year).set_index("tilbud_id")[disclosure.FLAG]
    absence = fravaer.by_facility(data, year).set_index("tilbud_id")
    raw_absence = fravaer.summarise(fravaer.rows(data, year), ["tilbud_id"]).set_index("tilbud_id")
    out = turnover.loc[turnover["tilbud_id"].isin(raw_absence.index)].copy()
    out["fravaersprocent"] = out["tilbud_id"].map(raw_absence["fravaersprocent"])
    out[disclosure.FLAG] = out["tilbud_id"].map(hidden).fillna(True).astype(bool) | out[
        "tilbud_id"
    ].map(absence[disclosure.FLAG]).fillna(True).astype(bool)
    return out.sort_values("navn", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Association:
    """Straight-line association of turnover (y) with absence (x) across facilities."""

    points: pd.DataFrame  # all facilities (plot only rows where undertrykt is False)
    band: pd.DataFrame  # x, mean, ci_low, ci_high on a grid, for the line and band
    result: stats.AssociationResult


def association(data: Dataset, year: int) -> Association | None:
    """stats.association of turnover on absence rate (both fractions, so the slope is points per
    point). None with fewer than 3 facilities. Only the facilities drawn as points enter the
    line: a hidden facility would move the slope, its interval and the band (issue 19).
    """
    points = with_absence(data, year)
    points = points.loc[~points[disclosure.FLAG]].dropna(subset=["omsaetning", "fravaersprocent"])
    if len(points) < 3 or points["fravaersprocent"].nunique() < 2:
        return None
    result = stats.association(points["fravaersprocent"], points["omsaetning"])
    grid = np.linspace(points["fravaersprocent"].min(), points["fravaersprocent"].max(), 100)
    return Association(points=points, band=result.prediction(grid), result=result)


def association_text(assoc: Association) -> str:
    """The association in words, with its uncertainty and 'sammenhæng, ikke årsag'."""
    r = assoc.result
    size = fmt.tal(abs(r.slope), 1)
    way = "højere" if r.slope > 0 else "lavere"
    interval = (
        f"95{fmt.NBSP}%-sikkerhedsinterval fra {fmt.signed(r.ci_low, 1)} "
        f"til {fmt.signed(r.ci_high, 1)} procentpoint"
    )
    certain = r.ci_low > 0 or r.ci_high < 0
    if r.n < common.MIN_TILBUD_PAASTAND:
        verdict = (
            f"Med kun {fmt.antal(r.n, 'tilbud', 'tilbud')} kan det ikke vurderes, om "
            "sammenhængen er større end tilfældig variation."
        )
    elif certain:
        verdict = "Sammenhængen er større, end tilfældig variation kan forklare."
    else:
        verdict = "Sammenhængen er så usikker, at den kan skyldes tilfældig variation."
    return (
        f"Tilbud med 1 procentpoint højere sygefravær har i gennemsnit {size} procentpoint "
        f"{way} personaleomsætning ({interval}; {fmt.antal(r.n, 'tilbud', 'tilbud')}). "
        f"{verdict} Det er en sammenhæng, ikke en årsag: fravær og omsætning kan begge "
        "hænge sammen med fx arbejdsmiljø, ledelse eller målgruppens behov."
    )


# --- Key figures ------------------------------------------------------------------------------


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """Headline turnover numbers for ``year`` (fractions 0–1)."""
    now = total(data, year)
    before = total(data, year - 1)
    figures: dict[str, Any] = {
        "personaleomsaetning.procent_samlet": common.none_if_nan(now["omsaetning"]),
        "personaleomsaetning.procent_forrige_aar": common.none_if_nan(before["omsaetning"]),
        "personaleomsaetning.aendring_procentpoint": None,
        "personaleomsaetning.aendring_procentpoint_ci": None,
        "personaleomsaetning.antal_fratraadte": int(now["fratraadte"]),
        "personaleomsaetning.gns_ansatte": float(now["gns_ansatte"]),
        "personaleomsaetning.procent_pr_maalgruppe": {},
        "personaleomsaetning.procent_pr_tilbud": {},
        "personaleomsaetning.sammenhaeng_fravaer_haeldning": None,
        "personaleomsaetning.sammenhaeng_fravaer_haeldning_ci": None,
        "personaleomsaetning.antal_tilbud_over_95_graense": None,
        "personaleomsaetning.antal_tilbud_under_95_graense": None,
        "personaleomsaetning.antal_tilbud_over_998_graense": None,
        "personaleomsaetning.antal_tilbud_under_998_graense": None,
    }
    rate = figures["personaleomsaetning.procent_samlet"]
    prev = figures["personaleomsaetning.procent_forrige_aar"]
    if rate is None:
        return figures
    centre = centre_change(data, year)
    if prev is not None and centre is not None:
        figures["personaleomsaetning.aendring_procentpoint"] = centre.change_pp
        figures["personaleomsaetning.aendring_procentpoint_ci"] = common.ci_list(centre)
    groups = by_target_group(data, year)
    figures["personaleomsaetning.procent_pr_maalgruppe"] = {
        str(k): common.none_if_nan(v)
        for k, v in zip(groups["maalgruppe"], groups["omsaetning"], strict=True)
    }
    facilities = by_facility(data, year)
    figures["personaleomsaetning.procent_pr_tilbud"] = {
        str(k): common.none_if_nan(v)
        for k, v in zip(facilities["tilbud_id"], facilities["omsaetning"], strict=True)
    }
    figures.update(common.funnel_key_figures("personaleomsaetning", funnel(data, year)))
    assoc = association(data, year)
    if assoc is not None:
        figures["personaleomsaetning.sammenhaeng_fravaer_haeldning"] = assoc.result.slope
        figures["personaleomsaetning.sammenhaeng_fravaer_haeldning_ci"] = [
            assoc.result.ci_low,
            assoc.result.ci_high,
        ]
    return figures
