"""The facility profile: one facility against its target group and the whole centre.

A politician reading about one botilbud wants to know how it compares with facilities serving
the same target group and with the centre as a whole. Group and centre figures are pooled
(Σ/Σ for rates), the quality score is the mean of facility averages. Figures on fewer than
``config.MIN_PERSONS`` persons are suppressed as everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from statusrapport import config, contract, disclosure, escaping, fmt, kommentarer, paths
from statusrapport.analysis import common, takster, tilsyn
from statusrapport.analysis import maalopfyldelse as maal
from statusrapport.analysis import personaleomsaetning as personale
from statusrapport.analysis import sygefravaer as fravaer
from statusrapport.data import Dataset
from statusrapport.hashing import sha
from statusrapport.stats.change import Change

TILBUD, GRUPPE, CENTER = "Tilbuddet", "Målgruppen", "Hele centret"

_VALUE_NAMES: dict[str, str] = {
    "paabud": "Påbud og sanktioner (antal i året)",
    "trivsel": "Trivselsmåling (1–7)",
    "lederevaluering": "Lederevaluering (1–7)",
    "belaegning": "Belægningsprocent",
    "budget": "Budgetafvigelse i procent",
    "takst_kr": "Døgntakst (kr., vægtet med pladser)",
    "takster": "Døgntakst ift. sammenlignelige private tilbud (%)",
}


@dataclass(frozen=True)
class Facility:
    tilbud_id: str
    navn: str
    maalgruppe: str
    pladser: int | None


def facility(data: Dataset, tilbud_id: str) -> Facility:
    match = data.tilbud.loc[data.tilbud["tilbud_id"] == tilbud_id]
    if match.empty:
        raise KeyError(f"Ukendt tilbud_id: {tilbud_id}")
    row = match.iloc[0]
    places = row["pladser"]
    return Facility(
        tilbud_id=tilbud_id,
        navn=str(row["navn"]),
        maalgruppe=str(row["maalgruppe"]),
        pladser=None if pd.isna(places) else int(places),
    )


def _absence_row(row: pd.Series) -> tuple[float, float, float]:
    return (
        float(row["fravaersprocent"]),
        float(row["dage_pr_fuldtid"]),
        float(row["fuldtidsstillinger"]),
    )


def _absence(frame: pd.DataFrame) -> tuple[float, float, float]:
    """(rate, days per FTE, FTE) for the rows given; NaN when there are none."""
    if frame.empty:
        return np.nan, np.nan, 0.0
    return _absence_row(fravaer.summarise(frame).iloc[0])


def _turnover_row(row: pd.Series) -> tuple[float, float, float]:
    return float(row["omsaetning"]), float(row["fratraadte"]), float(row["gns_ansatte"])


def _turnover(frame: pd.DataFrame) -> tuple[float, float, float]:
    """(rate, leavers, average staff) for the rows given; NaN when there are none."""
    if frame.empty:
        return np.nan, 0.0, 0.0
    return _turnover_row(personale.summarise(frame).iloc[0])


def _lookup(
    data: Dataset,
    key: tuple[Any, ...],
    frame: pd.DataFrame,
    column: str,
    value: str,
    measure: str,
) -> tuple[float, float, float]:
    """The absence or turnover (``measure``) of the rows where ``column == value``: one
    ``summarise`` by ``column`` per year, cached on the dataset, that every profile looks up
    (the same sums as summarising each part alone; none → as for no rows)."""
    summarise, row, alone = {
        "fravaer": (fravaer.summarise, _absence_row, _absence),
        "personale": (personale.summarise, _turnover_row, _turnover),
    }[measure]

    def every() -> dict[str, tuple[float, float, float]]:
        if frame.empty:
            return {}
        table = summarise(frame.assign(_del=frame[column].astype(str)), ["_del"])
        return {str(r["_del"]): row(r) for _, r in table.iterrows()}

    found: dict[str, tuple[float, float, float]] = data.cached(key, every)
    return found[value] if value in found else alone(frame.iloc[0:0])


def _small(count: float, population: float) -> bool:
    """True when a figure would concern fewer than MIN_PERSONS persons."""
    k = config.MIN_PERSONS
    return bool((0 < count < k) or population < k)


def comparison(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """One row per key figure: the facility, its target group, the centre, target and status.

    Columns: noegle, Nøgletal, Tilbuddet, Målgruppen, Hele centret, Mål, Status, undertrykt.
    Rates are fractions (0–1); scores are on their own scale. ``Status`` is the facility's
    status against the framework paper's target ('–' where there is no target).
    """
    me = facility(data, tilbud_id)
    rows: list[dict[str, Any]] = []

    scores = data.cached(("profil.scores", year), lambda: tilsyn.latest_scores(data, year))
    mine = scores.loc[scores["tilbud_id"] == tilbud_id, "Gennemsnit"]
    group_scores = scores.loc[scores["Målgruppe"] == me.maalgruppe, "Gennemsnit"]
    rows.append(
        {
            "noegle": "tilsyn",
            "Nøgletal": "Tilsynsscore (gennemsnit af temaer, 1–5)",
            TILBUD: float(mine.iloc[0]) if len(mine) else np.nan,
            GRUPPE: float(group_scores.mean()),
            CENTER: float(scores["Gennemsnit"].mean()),
        }
    )

    absence = data.cached(("profil.fravaer", year), lambda: fravaer.rows(data, year))
    f_rate, f_days, f_fte = _lookup(
        data, ("profil.fravaer.tilbud", year), absence, "tilbud_id", tilbud_id, "fravaer"
    )
    g_rate, g_days, _ = _lookup(
        data, ("profil.fravaer.gruppe", year), absence, "maalgruppe", me.maalgruppe, "fravaer"
    )
    c_rate, c_days, _ = data.cached(("profil.fravaer.center", year), lambda: _absence(absence))
    # The year's disclosure pass: hidden when small, or to protect another facility or group.
    protection = disclosure.absence(data, year)
    hidden = protection.hidden(tilbud_id) or f_fte < config.MIN_PERSONS
    if protection.group_hidden(me.maalgruppe):
        g_rate = g_days = np.nan
    rows.append(
        {
            "noegle": "sygefravaer",
            "Nøgletal": "Sygefravær (andel af mulige arbejdsdage)",
            TILBUD: np.nan if hidden else f_rate,
            GRUPPE: g_rate,
            CENTER: c_rate,
            "undertrykt": hidden,
        }
    )
    rows.append(
        {
            "noegle": "sygefravaer_dage",
            "Nøgletal": "Sygefraværsdage pr. fuldtidsstilling",
            TILBUD: np.nan if hidden else f_days,
            GRUPPE: g_days,
            CENTER: c_days,
            "undertrykt": hidden,
        }
    )

    staff = data.cached(("profil.personale", year), lambda: personale.rows(data, year))
    t_rate, t_leavers, t_staff = _lookup(
        data, ("profil.personale.tilbud", year), staff, "tilbud_id", tilbud_id, "personale"
    )
    g_t, _, _ = _lookup(
        data, ("profil.personale.gruppe", year), staff, "maalgruppe", me.maalgruppe, "personale"
    )
    c_t, _, _ = data.cached(("profil.personale.center", year), lambda: _turnover(staff))
    protection = disclosure.turnover(data, year)
    hidden = protection.hidden(tilbud_id) or _small(t_leavers, t_staff)
    if protection.group_hidden(me.maalgruppe):
        g_t = np.nan
    rows.append(
        {
            "noegle": "personaleomsaetning",
            "Nøgletal": "Personaleomsætning (fratrådte / gennemsnitligt antal ansatte)",
            TILBUD: np.nan if hidden else t_rate,
            GRUPPE: g_t,
            CENTER: c_t,
            "undertrykt": hidden,
        }
    )

    values = data.cached(("profil.maal", year), lambda: maal.values(data, year))
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    in_group = values["tilbud_id"].map(groups) == me.maalgruppe
    mine_values = values.loc[values["tilbud_id"] == tilbud_id]
    leaders = data.cached(("profil.ledere", year), lambda: maal.leader_by_group(data, year))
    for key in ("paabud", "trivsel", "lederevaluering", "belaegning", "budget"):
        if key in maal.GROUP_ONLY:  # never per named facility: see maal.GROUP_ONLY
            by_group = leaders.set_index("maalgruppe")["lederevaluering"]
            rows.append(
                {
                    "noegle": key,
                    "Nøgletal": _VALUE_NAMES[key],
                    TILBUD: np.nan,
                    GRUPPE: float(by_group.get(me.maalgruppe, np.nan)),
                    CENTER: float(leaders["lederevaluering"].iloc[-1]),
                }
            )
            continue
        rows.append(
            {
                "noegle": key,
                "Nøgletal": _VALUE_NAMES[key],
                TILBUD: float(mine_values[key].iloc[0]) if len(mine_values) else np.nan,
                GRUPPE: float(values.loc[in_group, key].mean()),
                CENTER: float(values[key].mean()),
            }
        )

    rows += _rate_rows(data, year, me)

    out = pd.DataFrame(rows)
    out["undertrykt"] = out["undertrykt"].fillna(False).astype(bool)
    out["Mål"] = [maal.TARGET_LABELS.get(key, "–") for key in out["noegle"]]
    out["Status"] = [
        maal.assess(key, value) if key in maal.TARGET_LABELS else "–"
        for key, value in zip(out["noegle"], out[TILBUD], strict=True)
    ]
    out.loc[out["undertrykt"], "Status"] = "udeladt"
    out.loc[out["noegle"].isin(maal.GROUP_ONLY), "Status"] = maal.KUN_GRUPPE
    return out


def _rate_rows(data: Dataset, year: int, me: Facility) -> list[dict[str, Any]]:
    """The seventh target: the rate in kr. and against the private average, for the facility,
    its target group and the centre, all weighted by places (see analysis.takster)."""
    own, groups = data.cached(
        ("profil.takster", year),
        lambda: (
            takster.facility_table(data, year).set_index("tilbud_id"),
            takster.summary(data, year).set_index("maalgruppe"),
        ),
    )

    def pick(frame: pd.DataFrame, key: str, column: str) -> float:
        return float(frame.at[key, column]) if key in frame.index else np.nan

    return [
        {
            "noegle": "takst_kr",
            "Nøgletal": _VALUE_NAMES["takst_kr"],
            TILBUD: pick(own, me.tilbud_id, "takst"),
            GRUPPE: pick(groups, me.maalgruppe, "takst"),
            CENTER: pick(groups, takster.CENTER, "takst"),
        },
        {
            "noegle": "takster",
            "Nøgletal": _VALUE_NAMES["takster"],
            TILBUD: pick(own, me.tilbud_id, "forskel") * 100,
            GRUPPE: pick(groups, me.maalgruppe, "forskel") * 100,
            CENTER: pick(groups, takster.CENTER, "forskel") * 100,
        },
    ]


_PERCENT_KEYS = {"sygefravaer", "personaleomsaetning"}


def format_value(key: str, value: float) -> str:
    """Danish display of one comparison value (per cent for rates, decimals for scores)."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    if key in _PERCENT_KEYS:
        return fmt.pct(value)
    if key in ("belaegning", "budget"):
        return fmt.pct(value, fraction=False)
    if key == "takst_kr":
        return takster.kr(value)
    if key == "takster":
        return takster.difference_text(value / 100)
    if key == "paabud":
        return fmt.tal(value, 0) if float(value).is_integer() else fmt.tal(value, 1)
    if key == "tilsyn":  # two decimals: 3,76 must not read as the target 3,8
        return fmt.tal(value, 2)
    return fmt.tal(value, 1)


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison as text for the page (the CSV download keeps the numbers)."""
    out = frame[["Nøgletal"]].copy()
    for column in (TILBUD, GRUPPE, CENTER):
        out[column] = [
            format_value(k, v) for k, v in zip(frame["noegle"], frame[column], strict=True)
        ]
    out["Mål"] = frame["Mål"]
    out["Status"] = frame["Status"]
    return out


def theme_scores(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """Theme scores of the facility's latest inspection (within 2 years) against group and centre.

    Columns: Tema, Tilbuddet, Målgruppen, Hele centret. Group and centre are means over the
    facilities' latest inspections that scored the theme. Empty when the facility has no
    inspection in the window.
    """
    me = facility(data, tilbud_id)
    latest = data.cached(("profil.temaer", year), lambda: _latest_theme_scores(data, year))
    if latest is None:
        return pd.DataFrame(columns=["Tema", TILBUD, GRUPPE, CENTER])
    per_facility, by_facility, centre_mean = latest
    if tilbud_id not in by_facility:
        return pd.DataFrame(columns=["Tema", TILBUD, GRUPPE, CENTER])
    mine = by_facility[tilbud_id]
    group_mean = data.cached(
        ("profil.temaer.gruppe", year, me.maalgruppe),
        lambda: (
            per_facility.loc[per_facility["maalgruppe"] == me.maalgruppe]
            .groupby("tema")["score"]
            .mean()
        ),
    )
    themes = [t for t in config.TEMAER if t in mine.index]
    return pd.DataFrame(
        {
            "Tema": themes,
            TILBUD: [float(mine[t]) for t in themes],
            GRUPPE: [float(group_mean.get(t, np.nan)) for t in themes],
            CENTER: [float(centre_mean.get(t, np.nan)) for t in themes],
        }
    )


def _latest_theme_scores(
    data: Dataset, year: int
) -> tuple[pd.DataFrame, dict[str, pd.Series], pd.Series] | None:
    """Scores per active facility and theme at its latest inspection in the window, the same
    by facility, and the centre's mean per theme (None: no inspections)."""
    frame = data.tilsyn.loc[
        (data.tilsyn["aar"] <= year) & (data.tilsyn["aar"] > year - tilsyn.WINDOW_YEARS)
    ]
    active = set(data.active_facilities(year)["tilbud_id"])
    frame = frame.loc[frame["tilbud_id"].isin(active)]
    if frame.empty:
        return None
    latest_date = frame.groupby("tilbud_id")["tilsynsdato"].transform("max")
    latest = frame.loc[frame["tilsynsdato"] == latest_date].copy()
    latest["tema"] = latest["tema"].astype(str)
    latest["maalgruppe"] = latest["maalgruppe"].astype(str)
    # Several inspections on the same latest day are averaged per theme.
    per_facility = latest.groupby(["tilbud_id", "maalgruppe", "tema"], observed=True)[
        "score"
    ].mean()
    per_facility = per_facility.reset_index()
    by_facility = {
        str(tid): part.set_index("tema")["score"]
        for tid, part in per_facility.groupby(per_facility["tilbud_id"].astype(str))
    }
    return per_facility, by_facility, per_facility.groupby("tema")["score"].mean()


def _history_tables(data: Dataset, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Absence and turnover per facility-year and per year for the centre, up to ``year``."""
    absence = fravaer.rows(data, through=year)
    staff = personale.rows(data, through=year)
    per_facility = fravaer.summarise(absence, ["tilbud_id", "aar"]).merge(
        personale.summarise(staff, ["tilbud_id", "aar"]), on=["tilbud_id", "aar"], how="outer"
    )
    per_year = fravaer.summarise(absence, ["aar"]).merge(
        personale.summarise(staff, ["aar"]), on="aar", how="outer", suffixes=("", "_p")
    )
    return per_facility, per_year


def history(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """Absence and turnover per year up to ``year``: the facility against the centre.

    Columns: aar, fravaer_tilbud, fravaer_center, omsaetning_tilbud, omsaetning_center.
    A facility value concerning fewer than MIN_PERSONS persons is left out (NaN).
    """
    found = data.cached(
        ("profil.historik", year, tilbud_id), lambda: _history(data, year, tilbud_id)
    )
    return found.copy()


def _history(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    per_facility, per_year = data.cached(
        ("profil.historik", year), lambda: _history_tables(data, year)
    )
    mine = per_facility.loc[per_facility["tilbud_id"].astype(str) == tilbud_id].set_index("aar")
    out = []
    for row in per_year.itertuples(index=False):
        y = int(row.aar)
        f_rate = t_rate = np.nan
        if y in mine.index:
            # The same disclosure pass as that year's pages: a facility hidden to protect
            # another is hidden in its own history too.
            own = mine.loc[y]
            fte = own["fuldtidsstillinger"]
            if (
                pd.notna(fte)
                and fte >= config.MIN_PERSONS
                and not disclosure.absence(data, y).hidden(tilbud_id)
            ):
                f_rate = float(own["fravaersprocent"])
            leavers, staff = own["fratraadte"], own["gns_ansatte"]
            if (
                pd.notna(staff)
                and not _small(float(leavers), float(staff))
                and not disclosure.turnover(data, y).hidden(tilbud_id)
            ):
                t_rate = float(own["omsaetning"])
        out.append(
            {
                "aar": y,
                "fravaer_tilbud": f_rate,
                "fravaer_center": float(row.fravaersprocent),
                "omsaetning_tilbud": t_rate,
                "omsaetning_center": float(row.omsaetning),
            }
        )
    return pd.DataFrame(out)


@dataclass(frozen=True)
class FacilityChange:
    """The facility's change in one rate from last year; ``change`` is None when not shown."""

    noegle: str  # "sygefravaer" or "personaleomsaetning", as in :func:`comparison`
    subject: str  # the sentence's subject, e.g. "Tilbuddets sygefravær"
    change: Change | None
    hidden: bool  # True: a year's figure is suppressed, so the change is not shown either


#: (key, history column, sentence subject, numerator, denominator, row reader)
_CHANGE_MEASURES = (
    (
        "sygefravaer",
        "fravaer_tilbud",
        "Tilbuddets sygefravær",
        "sygefravaer_dagsvaerk",
        "mulige_dagsvaerk",
        fravaer.rows,
    ),
    (
        "personaleomsaetning",
        "omsaetning_tilbud",
        "Tilbuddets personaleomsætning",
        "fratraadte",
        "gns_ansatte",
        personale.rows,
    ),
)


def changes(data: Dataset, year: int, tilbud_id: str) -> list[FacilityChange]:
    """The facility's change in absence and turnover from ``year − 1``, with 95 % intervals.

    Quasi-Poisson intervals with the dispersion estimated across the published facilities
    (``common.facility_changes``; formula on the method page). A facility whose figure is
    suppressed in either year (the same disclosure pass as :func:`history`) shows no change:
    the change and its interval would reveal the hidden figure. A facility without data in
    one of the years has no entry. Long-term absence per facility is not published anywhere
    on the site (it could point to one person's long illness), so it gets no change here.
    """
    shown = history(data, year, tilbud_id).set_index("aar")
    out = []
    for key, column, subject, numerator, denominator, reader in _CHANGE_MEASURES:

        def compute(
            reader: Callable[..., pd.DataFrame] = reader,
            numerator: str = numerator,
            denominator: str = denominator,
            key: str = key,
        ) -> dict[str, Change]:
            measure = disclosure.absence if key == "sygefravaer" else disclosure.turnover
            hidden = {f for y in (year - 1, year) for f in measure(data, y).facilities}
            return common.facility_changes(
                reader(data, through=year), year, numerator, denominator, leave_out=hidden
            )

        all_changes = data.cached(("profil.aendringer", key, year), compute)
        change = all_changes.get(tilbud_id)
        if change is None:
            measure = disclosure.absence if key == "sygefravaer" else disclosure.turnover
            if any(measure(data, y).hidden(tilbud_id) for y in (year - 1, year)):
                out.append(FacilityChange(key, subject, None, True))  # hidden: no change shown
            continue
        visible = all(y in shown.index and pd.notna(shown.loc[y, column]) for y in (year - 1, year))
        out.append(FacilityChange(key, subject, change if visible else None, not visible))
    return out


def change_sentences(items: list[FacilityChange], year: int) -> list[str]:
    """One sentence per rate: 'steg'/'faldt' only when the interval excludes 0, with it."""
    sentences = []
    for item in items:
        if item.hidden or item.change is None:
            what = item.subject[len("Tilbuddets ") :]
            sentences.append(
                f"Ændringen i tilbuddets {what} fra {year - 1} vises ikke, fordi tallet for et af "
                "årene er udeladt af hensyn til diskretionen."
            )
        else:
            sentences.append(common.change_sentence(item.subject, item.change, year))
    return sentences


def orders(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """The facility's orders and sanctions in ``year`` (Dato, Myndighed, Type, Beskrivelse)."""
    frame = data.paabud.loc[(data.paabud["tilbud_id"] == tilbud_id) & (data.paabud["aar"] == year)]
    return (
        frame.sort_values("dato")[["dato", "myndighed", "type", "beskrivelse"]]
        .rename(
            columns={
                "dato": "Dato",
                "myndighed": "Myndighed",
                "type": "Type",
                "beskrivelse": "Beskrivelse",
            }
        )
        .reset_index(drop=True)
    )


def summary_sentence(frame: pd.DataFrame, me: Facility, year: int) -> str:
    """'X opfylder N af M mål med data i 2025.' from the comparison's Status column."""
    statuses = frame.loc[frame["Status"].isin(maal.STATUSSER), "Status"]
    with_data = statuses[statuses != maal.INGEN_DATA]
    met = int((with_data == maal.OPFYLDT).sum())
    missing = int((statuses == maal.INGEN_DATA).sum())
    name = escaping.markdown(me.navn)  # data text in a Markdown sentence
    text = f"{name} opfylder {met} af {len(with_data)} mål, der er data for, i {year}."
    if missing:
        text += f" For {fmt.antal(missing, 'mål', 'mål')} er der ingen data i år."
    return text


#: Decimals the page shows (and draws): theme scores 2 (3,76 must not read as 3,8), rates as
#: fractions 3 (fmt.pct's 0,1 percentage point).
_THEME_DECIMALS, _RATE_DECIMALS = 2, 3


@dataclass(frozen=True)
class Profilside:
    """Everything a facility's page shows, at the precision it shows it.

    The profile notebook draws its text, tables and figures from this and nothing else, so
    :meth:`fingerprint` decides whether the page would come out differently: the pipeline keys
    a profile on it and re-executes only profiles whose content changed, not all of them when
    another facility's data moves a centre average by less than the page shows.
    """

    aar: int
    tilbud: Facility
    sammenligning: pd.DataFrame  # comparison(); shown through display(), Status and undertrykt
    temaer: pd.DataFrame  # theme_scores(), rounded as shown
    historik: pd.DataFrame  # history(), rounded as shown
    aendringer: list[str]  # change_sentences()
    paabud: pd.DataFrame  # orders_two_years(): this year and the year before
    demo: bool
    maal: pd.DataFrame = field(default_factory=pd.DataFrame)  # targets()
    tilsyn: tuple[Tilsynsbesoeg, ...] = ()  # inspection_visits()
    maalhistorik: pd.DataFrame = field(default_factory=pd.DataFrame)  # target_history()
    placeringer: tuple[Placering, ...] = ()  # placement() for absence and turnover
    aendringstabel: pd.DataFrame = field(default_factory=pd.DataFrame)  # change_table()
    tidligere: tuple[int, ...] = ()  # earlier_years(): years with this facility's page
    kommentar: str | None = None  # the administration's comment (kommentarer.csv), raw text

    @property
    def undertrykte(self) -> int:
        """How many of the comparison's figures are left out (the page's suppression note)."""
        return int(self.sammenligning["undertrykt"].sum())

    def fingerprint(self) -> str:
        """SHA-256 of what the page shows: equal fingerprints give the same page."""
        shown = display(self.sammenligning)
        parts = {
            "aar": self.aar,
            "tilbud": [self.tilbud.tilbud_id, self.tilbud.navn, self.tilbud.maalgruppe],
            "pladser": self.tilbud.pladser,
            "sammenligning": shown.to_dict(orient="split"),
            "undertrykt": self.sammenligning["undertrykt"].tolist(),
            "temaer": self.temaer.to_dict(orient="split"),
            "historik": self.historik.to_dict(orient="split"),
            "aendringer": self.aendringer,
            "paabud": self.paabud.astype(str).to_dict(orient="split"),
            "demo": self.demo,
            "maal": self.maal.astype(str).to_dict(orient="split"),
            "tilsyn": [
                [str(v.dato), v.antal_temaer, round(v.gennemsnit, 2), v.rapport_link]
                for v in self.tilsyn
            ],
            "maalhistorik": target_history_display(self.maalhistorik).to_dict(orient="split")
            if len(self.maalhistorik)
            else [],
            "placeringer": [
                [p.noegle, p.kreds, p.tabel.astype(str).to_dict(orient="split")]
                for p in self.placeringer
            ],
            "aendringstabel": self.aendringstabel.astype(str).to_dict(orient="split"),
            "tidligere": list(self.tidligere),
            "kommentar": self.kommentar,
        }
        return sha(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str))


def page(data: Dataset, year: int, tilbud_id: str, *, reports: Path | None = None) -> Profilside:
    """The facility's page for ``year`` (what the profile notebook shows); ``reports`` is the
    archive of earlier years (default: ``reports/`` in the run's build folder)."""
    themes = theme_scores(data, year, tilbud_id)
    numeric = [c for c in (TILBUD, GRUPPE, CENTER) if c in themes]
    themes[numeric] = themes[numeric].astype(float).round(_THEME_DECIMALS)
    past = history(data, year, tilbud_id)
    rates = [c for c in past if c != "aar"]
    past[rates] = past[rates].astype(float).round(_RATE_DECIMALS)
    compared = comparison(data, year, tilbud_id)
    moves = changes(data, year, tilbud_id)
    archive = paths.build_root() / "reports" if reports is None else reports
    return Profilside(
        aar=year,
        tilbud=facility(data, tilbud_id),
        sammenligning=compared,
        temaer=themes,
        historik=past,
        aendringer=change_sentences(moves, year),
        paabud=orders_two_years(data, year, tilbud_id),
        demo=bool(data.demo),
        maal=targets(compared),
        tilsyn=tuple(inspection_visits(data, year, tilbud_id)),
        maalhistorik=target_history(data, year, tilbud_id),
        placeringer=tuple(
            placement(data, year, tilbud_id, key) for key in ("sygefravaer", "personaleomsaetning")
        ),
        aendringstabel=change_table(moves, year),
        kommentar=kommentarer.for_tilbud(data, year, tilbud_id),
        tidligere=tuple(
            earlier_years(
                tilbud_id,
                year,
                archive,
                lambda y: tilbud_id in set(data.active_facilities(y)["tilbud_id"].astype(str)),
            )
        ),
    )


# --- What a facility manager comes for (issue 20) ------------------------------------------------

#: How a target's distance is written: (unit, decimals as the value is shown).
_DISTANCE_UNITS: dict[str, tuple[str, int]] = {
    "tilsyn": ("point", 2),  # two decimals as shown: 3,76 is 0,04 point under, not "0,0"
    "trivsel": ("point", 1),
    "lederevaluering": ("point", 1),
    "belaegning": ("procentpoint", 1),
    "budget": ("procentpoint", 1),
    "takster": ("procent", 1),
}
PAA_MAALET = "på målet"
INDEN_FOR_MAALET = "inden for målet"


def _target_value(key: str) -> float:
    """The threshold of a target in the unit of its value (``config.TARGETS``, never here)."""
    t = config.TARGETS
    return {
        "tilsyn": t.tilsyn_min,
        "paabud": float(t.paabud_max),
        "trivsel": t.trivsel_min,
        "lederevaluering": t.lederevaluering_min,
        "belaegning": t.belaegning_min,
        "budget": t.budget_max_abs,
        "takster": -t.takster_under_pct,
    }[key]


def distance(key: str, value: float | None) -> str:
    """The distance from the target in the target's own unit, in words.

    Minimum targets (tilsyn, trivsel, lederevaluering, belaegning): d = v − mål, written
    "0,4 point under målet" / "… over målet" / "på målet" after rounding to the shown precision.
    Budget (|v| ≤ mål): d = |v| − mål, "… procentpoint uden for målet" or "inden for målet".
    Orders (v ≤ mål): the orders above the target. Rates (per cent relative to the private
    average, target below −``takster_under_pct``): d = v − mål in per cent.
    """
    if value is None or pd.isna(value):
        return fmt.MISSING
    v, goal = float(value), _target_value(key)
    if key == "paabud":
        over = round(v - goal)
        if over <= 0:
            return INDEN_FOR_MAALET
        return f"{fmt.antal(over, 'påbud eller sanktion', 'påbud eller sanktioner')} over målet"
    unit, decimals = _DISTANCE_UNITS[key]
    if key == "budget":
        d = round(abs(round(v, decimals)) - goal, decimals)
        if d <= 0:
            return INDEN_FOR_MAALET
        return f"{fmt.tal(d, decimals)} {unit} uden for målet"
    d = round(round(v, decimals) - goal, decimals)
    if d == 0:
        return PAA_MAALET
    side = "over" if d > 0 else "under"
    return f"{fmt.tal(abs(d), decimals)} {unit} {side} målet"


def targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Every target of the framework paper with the facility's value, the target, the distance
    to it and the status, from :func:`comparison` (the same values and statuses, not recomputed).

    Columns: noegle, Mål, Værdi, Målet, Afstand til målet, Status. The leader evaluation is the
    evaluation of one named manager, so its row shows the target group's mean only
    (``maal.GROUP_ONLY``) and no status for the facility.
    """
    by_key = frame.set_index("noegle")
    rows = []
    for key in maal.TARGET_KEYS:
        row = by_key.loc[key]
        if key in maal.GROUP_ONLY:
            group = row[GRUPPE]
            rows.append(
                {
                    "noegle": key,
                    "Mål": maal.VALUE_LABELS[key],
                    "Værdi": fmt.MISSING,
                    "Målet": maal.TARGET_LABELS[key],
                    "Afstand til målet": (
                        f"målgruppens gennemsnit: {format_value(key, group)}"
                        if pd.notna(group)
                        else fmt.MISSING
                    ),
                    "Status": maal.KUN_GRUPPE,
                }
            )
            continue
        value = row[TILBUD]
        rows.append(
            {
                "noegle": key,
                "Mål": maal.VALUE_LABELS[key],
                "Værdi": format_value(key, value),
                "Målet": maal.TARGET_LABELS[key],
                "Afstand til målet": distance(key, value),
                "Status": str(row["Status"]),
            }
        )
    return pd.DataFrame(rows)


def _safe_url(url: str) -> str:
    """A validated https address made inert in a Markdown link: every character Markdown or a
    Quarto shortcode could read (``( ) [ ] { } < >`` and spaces) percent-encoded."""
    return quote(url, safe=":/?#&=%+-._~@!$,;*'")


@dataclass(frozen=True)
class Tilsynsbesoeg:
    """One inspection visit of the facility: its date, themes scored, mean, report link."""

    dato: pd.Timestamp
    antal_temaer: int
    gennemsnit: float
    rapport_link: str | None


def inspection_visits(data: Dataset, year: int, tilbud_id: str) -> list[Tilsynsbesoeg]:
    """The facility's inspection visits in ``year − 1`` and ``year``, newest first.

    The mean is over the themes scored at that visit (the facility's score on the Tilsyn page is
    its latest visit's). ``rapport_link`` is the optional ``tilsyn.csv`` column (None: empty).
    """
    frame = data.tilsyn.loc[
        (data.tilsyn["tilbud_id"] == tilbud_id)
        & (data.tilsyn["aar"] <= year)
        & (data.tilsyn["aar"] > year - tilsyn.WINDOW_YEARS)
    ]
    out = []
    for day, part in frame.groupby("tilsynsdato", sort=True):
        links = part["rapport_link"].dropna().astype(str) if "rapport_link" in part else []
        links = [u for u in links if u.strip()]
        out.append(
            Tilsynsbesoeg(
                dato=pd.Timestamp(day),
                antal_temaer=int(part["tema"].nunique()),
                gennemsnit=float(part["score"].mean()),
                rapport_link=links[0] if links else None,
            )
        )
    return sorted(out, key=lambda v: v.dato, reverse=True)


#: Where Socialtilsynet's reports are found when the data carries no link.
TILBUDSPORTALEN = "https://tilbudsportalen.dk"


def inspection_lines(visits: list[Tilsynsbesoeg]) -> list[str]:
    """One Markdown line per visit: date, themes, mean and the report link – or, without a link
    in the data, that it is not there and where reports are found (never an invented link)."""
    lines = []
    for visit in visits:
        text = (
            f"Tilsyn {fmt.dato(visit.dato)}: {fmt.antal(visit.antal_temaer, 'tema', 'temaer')}, "
            f"gennemsnit {fmt.tal(visit.gennemsnit, 2)}."
        )
        if visit.rapport_link:
            text += (
                f" [Socialtilsynets rapport fra {fmt.dato(visit.dato)}]"
                f"({_safe_url(visit.rapport_link)})"
            )
        lines.append(text)
    return lines


def orders_two_years(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """The facility's orders and sanctions in ``year`` and ``year − 1``, newest first.

    Columns: Dato (Danish date), Myndighed, Type, Beskrivelse (data text, escaped by the table).
    """
    frame = data.paabud.loc[
        (data.paabud["tilbud_id"] == tilbud_id) & data.paabud["aar"].isin([year - 1, year])
    ]
    frame = frame.sort_values("dato", ascending=False)
    return pd.DataFrame(
        {
            "Dato": [fmt.dato(pd.Timestamp(d)) for d in frame["dato"]],
            "Myndighed": frame["myndighed"].astype(str).tolist(),
            "Type": frame["type"].astype(str).tolist(),
            "Beskrivelse": frame["beskrivelse"].astype(str).tolist(),
        }
    )


def _orders_count(n: int) -> str:
    return (
        "ingen påbud eller sanktioner"
        if n == 0
        else fmt.antal(n, "påbud eller sanktion", "påbud eller sanktioner")
    )


def orders_sentence(data: Dataset, year: int, tilbud_id: str, navn: str) -> str:
    """'X fik ingen påbud eller sanktioner i 2025 og 1 påbud eller sanktion i 2024. Målet er
    ingen.' – the rows of :func:`orders_two_years` counted by year (``navn`` escaped already)."""
    mine = data.paabud.loc[data.paabud["tilbud_id"] == tilbud_id, "aar"]
    now, before = int((mine == year).sum()), int((mine == year - 1).sum())
    return (
        f"{navn} fik {_orders_count(now)} i {year} og {_orders_count(before)} i {year - 1}. "
        "Målet er ingen."
    )


#: The per-facility targets in the history, and the leader evaluation for the target group.
HISTORY_KEYS: tuple[str, ...] = maal.FACILITY_KEYS
LEDER_GRUPPE = "lederevaluering_maalgruppe"


def target_history(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """Every target's value per year from the first year of data to ``year``.

    Columns: aar, one per :data:`HISTORY_KEYS` (the facility's value as the year's Målopfyldelse
    page publishes it, ``maal.values``; NaN when the facility was not active or had no data)
    and :data:`LEDER_GRUPPE` (the target group's leader evaluation, ``maal.leader_by_group``:
    NaN where the group is hidden). Only values the year pages publish: nothing new is revealed.
    """
    first = min((y for y in data.years if y <= year), default=year)
    me = facility(data, tilbud_id)
    rows = []
    for y in range(max(first, contract.FOERSTE_AAR), year + 1):
        values: pd.DataFrame = data.cached(("profil.maal", y), partial(maal.values, data, y))
        mine = values.loc[values["tilbud_id"] == tilbud_id]
        leaders: pd.DataFrame = data.cached(
            ("profil.ledere", y), partial(maal.leader_by_group, data, y)
        )
        group = leaders.set_index("maalgruppe")["lederevaluering"]
        row: dict[str, Any] = {"aar": y}
        for key in HISTORY_KEYS:
            row[key] = float(mine[key].iloc[0]) if len(mine) else np.nan
        row[LEDER_GRUPPE] = float(group.get(me.maalgruppe, np.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def target_history_display(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`target_history` as the page shows it: År, then one column per target (Danish)."""
    out = pd.DataFrame({"År": frame["aar"].astype(int).astype(str)})
    for key in HISTORY_KEYS:
        out[maal.VALUE_LABELS[key]] = [format_value(key, v) for v in frame[key]]
    out["Lederevaluering, målgruppen"] = [
        format_value("lederevaluering", v) for v in frame[LEDER_GRUPPE]
    ]
    return out


#: A comparison among the target group needs at least this many shown facilities, else the
#: whole centre is shown (one or two bars say nothing about where the facility stands).
MIN_SAMMENLIGNING = 4


@dataclass(frozen=True)
class Placering:
    """The facility among the facilities of its target group (or the centre) in one rate."""

    noegle: str  # "sygefravaer" or "personaleomsaetning"
    tabel: pd.DataFrame  # navn, <rate column>, eget (bool); as the year page publishes them
    kreds: str  # "målgruppen" or "hele centret": whom the facility is compared with
    eget_vist: bool  # False: the facility's own figure is not published (disclosure)


def placement(data: Dataset, year: int, tilbud_id: str, noegle: str) -> Placering:
    """The shown facilities' absence (``sygefravaer``) or turnover (``personaleomsaetning``)
    exactly as the year page's funnel table publishes them (rate rounded to 0,1 percentage
    point), the facility marked. Hidden facilities are not in the funnel table, so none is
    drawn here either; sorted by rate, lowest first."""
    me = facility(data, tilbud_id)
    column = "fravaersprocent" if noegle == "sygefravaer" else "omsaetning"
    source = fravaer.funnel if noegle == "sygefravaer" else personale.funnel
    # Not cached on the dataset: the funnel is cheap, and it must follow the year page's
    # disclosure exactly (a cached copy would outlive a change in how the page is computed).
    table = source(data, year).table
    shown = table.loc[:, ["tilbud_id", "navn", "maalgruppe", column]].copy()
    shown[column] = shown[column].astype(float).round(_RATE_DECIMALS)
    in_group = shown.loc[shown["maalgruppe"].astype(str) == me.maalgruppe]
    kreds = "målgruppen"
    if len(in_group) < MIN_SAMMENLIGNING:
        in_group, kreds = shown, "hele centret"
    out = in_group.assign(eget=in_group["tilbud_id"].astype(str) == tilbud_id)
    out = out.sort_values([column, "navn"], kind="stable", ignore_index=True)
    return Placering(
        noegle=noegle,
        tabel=out[["navn", column, "eget"]],
        kreds=kreds,
        eget_vist=bool(out["eget"].any()),
    )


#: (rate column, Danish name, noun) of each placement.
_PLACEMENT_NAMES: dict[str, tuple[str, str]] = {
    "sygefravaer": ("fravaersprocent", "Sygefravær"),
    "personaleomsaetning": ("omsaetning", "Personaleomsætning"),
}


def placement_title(item: Placering, navn: str, year: int) -> str:
    """A title that states what the figure shows: the facility's value among how many."""
    column, name = _PLACEMENT_NAMES[item.noegle]
    among = f"{fmt.antal(len(item.tabel), 'vist tilbud', 'viste tilbud')} i {item.kreds}"
    if not item.eget_vist:
        return f"{name} {year}: {among} (tilbuddets eget tal er udeladt)"
    own = float(item.tabel.loc[item.tabel["eget"], column].iloc[0])
    return f"{name} {year}: {navn} ({fmt.pct(own)}) blandt {among}"


def placement_display(item: Placering) -> pd.DataFrame:
    """The figure's data as published: Tilbud, the rate, Eget tilbud (ja/nej)."""
    column, name = _PLACEMENT_NAMES[item.noegle]
    return pd.DataFrame(
        {
            "Tilbud": item.tabel["navn"].astype(str).tolist(),
            name: item.tabel[column].astype(float).tolist(),
            "Eget tilbud": ["ja" if o else "nej" for o in item.tabel["eget"]],
        }
    )


def earlier_years(
    tilbud_id: str,
    year: int,
    reports: Path,
    active: Callable[[int], bool] = lambda _y: False,
) -> list[int]:
    """Earlier years of the archive (``reports/<år>/``) with this facility's profile.

    A year counts when its folder holds the facility's profile – published history, which never
    changes (docs/architecture.md, the archive) – or, for a year built in the same run (its
    folder and key figures are staged before any notebook runs), when the facility is
    ``active`` that year and so gets a profile: the links do not depend on which notebook of a
    multi-year run happens to finish first.
    """
    if not reports.is_dir():
        return []
    found = []
    for folder in reports.iterdir():
        if not (folder.name.isdigit() and int(folder.name) < year):
            continue
        y = int(folder.name)
        published = (folder / "tilbud" / f"{tilbud_id}.ipynb").is_file()
        staged = (folder / "noegletal.json").is_file() and active(y)
        if published or staged:
            found.append(y)
    return sorted(found, reverse=True)


def earlier_links(tilbud_id: str, years: list[int]) -> str:
    """'Tilbuddets side i tidligere år: [2024](…), [2023](…).' – link texts are the years."""
    if not years:
        return "Der er ingen sider for tilbuddet fra tidligere år i arkivet."
    links = ", ".join(f"[{y}](../../{y}/tilbud/{tilbud_id}.html)" for y in years)
    return f"Tilbuddets side i tidligere år: {links}."


def change_table(items: list[FacilityChange], year: int) -> pd.DataFrame:
    """The change of each rate from ``year − 1`` with its 95 % interval and the plain verdict.

    Columns: Nøgletal, Sidste år, I år (fractions), Ændring (procentpoint), 95 %-sikker-
    hedsinterval (procentpoint), Vurdering (``common.verdict``). A hidden change is a row of
    missing marks with the verdict "udeladt".
    """
    names = {"sygefravaer": "Sygefravær", "personaleomsaetning": "Personaleomsætning"}
    rows = []
    for item in items:
        change = None if item.hidden else item.change
        rows.append(
            {
                "Nøgletal": names[item.noegle],
                "Sidste år": np.nan if change is None else round(change.before, _RATE_DECIMALS),
                "I år": np.nan if change is None else round(change.after, _RATE_DECIMALS),
                "Ændring (procentpoint)": np.nan if change is None else round(change.change_pp, 1),
                "95 %-sikkerhedsinterval (procentpoint)": (
                    fmt.interval(change.ci_low_pp, change.ci_high_pp)
                    if change is not None and change.has_ci
                    else fmt.MISSING
                ),
                "Vurdering": "udeladt" if change is None else common.verdict(change),
            }
        )
    return pd.DataFrame(rows)
