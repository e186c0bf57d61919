"""The facility profile: one facility against its target group and the whole centre.

A politician reading about one botilbud wants to know how it compares with facilities serving
the same target group and with the centre as a whole. Group and centre figures are pooled
(Σ/Σ for rates), the quality score is the mean of facility averages. Figures on fewer than
``config.MIN_PERSONS`` persons are suppressed as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, fmt
from statusrapport.analysis import fravaer, maal, personale, tilsyn
from statusrapport.data import Dataset

TILBUD, GRUPPE, CENTER = "Tilbuddet", "Målgruppen", "Hele centret"


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


def _absence(frame: pd.DataFrame) -> tuple[float, float, float]:
    """(rate, days per FTE, FTE) for the rows given; NaN when there are none."""
    if frame.empty:
        return np.nan, np.nan, 0.0
    row = fravaer.summarise(frame).iloc[0]
    return (
        float(row["fravaersprocent"]),
        float(row["dage_pr_fuldtid"]),
        float(row["fuldtidsstillinger"]),
    )


def _turnover(frame: pd.DataFrame) -> tuple[float, float, float]:
    """(rate, leavers, average staff) for the rows given; NaN when there are none."""
    if frame.empty:
        return np.nan, 0.0, 0.0
    row = personale.summarise(frame).iloc[0]
    return float(row["omsaetning"]), float(row["fratraadte"]), float(row["gns_ansatte"])


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

    scores = tilsyn.latest_scores(data, year)
    mine = scores.loc[scores["tilbud_id"] == tilbud_id, "Gennemsnit"]
    group_scores = scores.loc[scores["Målgruppe"] == me.maalgruppe, "Gennemsnit"]
    rows.append(
        {
            "noegle": "tilsyn",
            "Nøgletal": "Tilsynsscore (gennemsnit af temaer)",
            TILBUD: float(mine.iloc[0]) if len(mine) else np.nan,
            GRUPPE: float(group_scores.mean()),
            CENTER: float(scores["Gennemsnit"].mean()),
        }
    )

    absence = fravaer.rows(data, year)
    f_rate, f_days, f_fte = _absence(absence.loc[absence["tilbud_id"] == tilbud_id])
    g_rate, g_days, _ = _absence(absence.loc[absence["maalgruppe"] == me.maalgruppe])
    c_rate, c_days, _ = _absence(absence)
    hidden = f_fte < config.MIN_PERSONS
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

    staff = personale.rows(data, year)
    t_rate, t_leavers, t_staff = _turnover(staff.loc[staff["tilbud_id"] == tilbud_id])
    g_t, _, _ = _turnover(staff.loc[staff["maalgruppe"] == me.maalgruppe])
    c_t, _, _ = _turnover(staff)
    hidden = _small(t_leavers, t_staff)
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

    values = maal.values(data, year)
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    in_group = values["tilbud_id"].map(groups) == me.maalgruppe
    mine_values = values.loc[values["tilbud_id"] == tilbud_id]
    for key in ("paabud", "trivsel", "lederevaluering", "belaegning", "budget"):
        rows.append(
            {
                "noegle": key,
                "Nøgletal": maal.TARGET_LABELS[key],
                TILBUD: float(mine_values[key].iloc[0]) if len(mine_values) else np.nan,
                GRUPPE: float(values.loc[in_group, key].mean()),
                CENTER: float(values[key].mean()),
            }
        )

    out = pd.DataFrame(rows)
    out["undertrykt"] = out["undertrykt"].fillna(False).astype(bool)
    out["Mål"] = [maal.TARGET_LABELS.get(key, "–") for key in out["noegle"]]
    out["Status"] = [
        maal.assess(key, value) if key in maal.TARGET_LABELS else "–"
        for key, value in zip(out["noegle"], out[TILBUD], strict=True)
    ]
    out.loc[out["undertrykt"], "Status"] = "udeladt"
    return out


_PERCENT_KEYS = {"sygefravaer", "personaleomsaetning"}


def format_value(key: str, value: float) -> str:
    """Danish display of one comparison value (per cent for rates, decimals for scores)."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    if key in _PERCENT_KEYS:
        return fmt.pct(value)
    if key in ("belaegning", "budget"):
        return fmt.pct(value, fraction=False)
    if key == "paabud":
        return fmt.tal(value, 0) if float(value).is_integer() else fmt.tal(value, 1)
    return fmt.tal(value, 1)


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison as text for the page (the CSV download keeps the numbers)."""
    out = frame[["Nøgletal"]].copy()
    for column in (TILBUD, GRUPPE, CENTER):
        out[column] = [
            format_value(k, v) for k, v in zip(frame["noegle"], frame[column], strict=True)
        ]
    out["Status i forhold til målet"] = frame["Status"]
    return out


def theme_scores(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """Theme scores of the facility's latest inspection (within 2 years) against group and centre.

    Columns: Tema, Tilbuddet, Målgruppen, Hele centret. Group and centre are means over the
    facilities' latest inspections that scored the theme. Empty when the facility has no
    inspection in the window.
    """
    me = facility(data, tilbud_id)
    frame = data.tilsyn.loc[
        (data.tilsyn["aar"] <= year) & (data.tilsyn["aar"] > year - tilsyn.WINDOW_YEARS)
    ]
    active = set(data.active_facilities(year)["tilbud_id"])
    frame = frame.loc[frame["tilbud_id"].isin(active)]
    if frame.empty:
        return pd.DataFrame(columns=["Tema", TILBUD, GRUPPE, CENTER])
    latest_date = frame.groupby("tilbud_id")["tilsynsdato"].transform("max")
    latest = frame.loc[frame["tilsynsdato"] == latest_date].copy()
    latest["tema"] = latest["tema"].astype(str)
    latest["maalgruppe"] = latest["maalgruppe"].astype(str)
    # Several inspections on the same latest day are averaged per theme.
    per_facility = latest.groupby(["tilbud_id", "maalgruppe", "tema"], observed=True)[
        "score"
    ].mean()
    per_facility = per_facility.reset_index()
    mine = per_facility.loc[per_facility["tilbud_id"] == tilbud_id].set_index("tema")["score"]
    if mine.empty:
        return pd.DataFrame(columns=["Tema", TILBUD, GRUPPE, CENTER])
    group = per_facility.loc[per_facility["maalgruppe"] == me.maalgruppe]
    group_mean = group.groupby("tema")["score"].mean()
    centre_mean = per_facility.groupby("tema")["score"].mean()
    themes = [t for t in config.TEMAER if t in mine.index]
    return pd.DataFrame(
        {
            "Tema": themes,
            TILBUD: [float(mine[t]) for t in themes],
            GRUPPE: [float(group_mean.get(t, np.nan)) for t in themes],
            CENTER: [float(centre_mean.get(t, np.nan)) for t in themes],
        }
    )


def history(data: Dataset, year: int, tilbud_id: str) -> pd.DataFrame:
    """Absence and turnover per year up to ``year``: the facility against the centre.

    Columns: aar, fravaer_tilbud, fravaer_center, omsaetning_tilbud, omsaetning_center.
    A facility value concerning fewer than MIN_PERSONS persons is left out (NaN).
    """
    absence = fravaer.rows(data, through=year)
    staff = personale.rows(data, through=year)
    out = []
    for y in sorted(set(absence["aar"]) | set(staff["aar"])):
        a_year = absence.loc[absence["aar"] == y]
        s_year = staff.loc[staff["aar"] == y]
        f_rate, _, f_fte = _absence(a_year.loc[a_year["tilbud_id"] == tilbud_id])
        c_rate, _, _ = _absence(a_year)
        t_rate, t_leavers, t_staff = _turnover(s_year.loc[s_year["tilbud_id"] == tilbud_id])
        c_t, _, _ = _turnover(s_year)
        out.append(
            {
                "aar": int(y),
                "fravaer_tilbud": np.nan if f_fte < config.MIN_PERSONS else f_rate,
                "fravaer_center": c_rate,
                "omsaetning_tilbud": np.nan if _small(t_leavers, t_staff) else t_rate,
                "omsaetning_center": c_t,
            }
        )
    return pd.DataFrame(out)


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
    text = f"{me.navn} opfylder {met} af {len(with_data)} mål, der er data for, i {year}."
    if missing:
        text += f" For {fmt.antal(missing, 'mål', 'mål')} er der ingen data i år."
    return text
