"""Målopfyldelse: every effect target of the framework paper, per facility and for the centre.

The targets (rammepapir for CLB, June 2025, "Effektmål") and their thresholds come from
``config.TARGETS``; this module never writes a threshold itself. Each facility-year cell is
``opfyldt``, ``ikke opfyldt`` or ``ingen data`` (no value, e.g. the survey was not held that
year), because a missing survey is not a failed target.

For the centre, the honest summary is a count, "31 af 35 tilbud", with the share taken among
facilities that have data: an average of the facilities' values would hide the ones below target.
The inspection score is each facility's current score exactly as on the Tilsyn page
(:func:`statusrapport.analysis.tilsyn.latest_scores`); orders count every order or sanction from
any statutory inspection in the year, so a facility with no rows has none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, fmt
from statusrapport.analysis import takster, tilsyn
from statusrapport.data import Dataset

OPFYLDT = "opfyldt"
IKKE_OPFYLDT = "ikke opfyldt"
INGEN_DATA = "ingen data"
#: The rate target only: the VAT-adjusted difference lies inside the comparability margin.
KAN_IKKE_AFGOERES = takster.KAN_IKKE_AFGOERES
STATUSSER: tuple[str, ...] = (OPFYLDT, IKKE_OPFYLDT, KAN_IKKE_AFGOERES, INGEN_DATA)

#: Target keys in the framework paper's order.
TARGET_KEYS: tuple[str, ...] = (
    "tilsyn",
    "paabud",
    "trivsel",
    "lederevaluering",
    "belaegning",
    "budget",
    "takster",
)
#: Leader evaluation is in effect the evaluation of one named manager, so it is published for
#: target groups and the centre only, never per facility (not even as "opfyldt"): see
#: :func:`leader_by_group` and the method page.
GROUP_ONLY: tuple[str, ...] = ("lederevaluering",)
#: Targets shown per named facility (scoreboard, values table, profile status, key figures).
FACILITY_KEYS: tuple[str, ...] = tuple(k for k in TARGET_KEYS if k not in GROUP_ONLY)
#: A group's leader evaluation is shown when it averages at least this many facilities' leaders.
MIN_LEDERE = 3
#: Status text on a facility's profile for a target shown only for groups and the centre.
KUN_GRUPPE = "vises kun for målgruppe og center"
#: The noegletal indicator behind each survey/finance target.
INDICATOR: dict[str, str] = {
    "trivsel": "trivsel",
    "lederevaluering": "lederevaluering",
    "belaegning": "belaegningsprocent",
    "budget": "budgetafvigelse_pct",
}
_EPS = 1e-9


def _threshold(value: float) -> str:
    """'6' for a whole number, '3,8' otherwise (Danish)."""
    return fmt.heltal(value) if float(value).is_integer() else fmt.tal(value, 1)


def _labels() -> dict[str, str]:
    t = config.TARGETS
    paabud = (
        "Ingen påbud eller sanktioner"
        if t.paabud_max == 0
        else f"Højst {fmt.antal(t.paabud_max, 'påbud', 'påbud')} eller sanktioner"
    )
    return {
        "tilsyn": f"Tilsynsscore mindst {_threshold(t.tilsyn_min)}",
        "paabud": paabud,
        "trivsel": f"Trivsel mindst {_threshold(t.trivsel_min)}",
        "lederevaluering": f"Lederevaluering mindst {_threshold(t.lederevaluering_min)}",
        "belaegning": f"Belægning mindst {_threshold(t.belaegning_min)}{fmt.NBSP}%",
        "budget": f"Budgetafvigelse højst ±{_threshold(t.budget_max_abs)}{fmt.NBSP}%",
        "takster": "Takst under sammenlignelige private tilbud",
    }


#: Danish label with the threshold for each target, used as column headers everywhere.
TARGET_LABELS: dict[str, str] = _labels()

#: Column names for the numbers behind the targets (the values, not the statuses).
VALUE_LABELS: dict[str, str] = {
    "tilsyn": "Tilsynsscore",
    "paabud": "Påbud og sanktioner",
    "trivsel": "Trivsel",
    "lederevaluering": "Lederevaluering",
    "belaegning": "Belægning (%)",
    "budget": "Budgetafvigelse (%)",
    "takster": "Takst ift. private (%)",
}

#: One-line explanation of each target for the page's method note.
TARGET_DESCRIPTIONS: dict[str, str] = {
    "tilsyn": "gennemsnitlig score i Socialtilsynets seneste tilsyn (skala 1–5)",
    "paabud": "påbud og sanktioner fra lovbestemte tilsyn i året",
    "trivsel": "Socialforvaltningens trivselsmåling (skala 1–7)",
    "lederevaluering": "Socialforvaltningens lederevaluering (skala 1–7)",
    "belaegning": "belægningsprocent i året",
    "budget": "afvigelse fra budgettet i procent, over eller under",
    "takster": "døgntaksten (vægtet med pladser pr. paragraf) i forhold til gennemsnittet for "
    "private tilbud med samme målgruppe og paragraf (§ 107/§ 108), begge uden moms, relativt i "
    "procent; under 0 er billigere, og inden for ±2 % kan det ikke afgøres. Tilbud efter "
    "§ 105/§ 85 har ingen døgntakst",
}

_CHECKS: dict[str, Callable[[float], bool]] = {
    "tilsyn": lambda v: v >= config.TARGETS.tilsyn_min - _EPS,
    "paabud": lambda v: v <= config.TARGETS.paabud_max,
    "trivsel": lambda v: v >= config.TARGETS.trivsel_min - _EPS,
    "lederevaluering": lambda v: v >= config.TARGETS.lederevaluering_min - _EPS,
    "belaegning": lambda v: v >= config.TARGETS.belaegning_min - _EPS,
    "budget": lambda v: abs(v) <= config.TARGETS.budget_max_abs + _EPS,
}


def assess(key: str, value: float | None) -> str:
    """'opfyldt', 'ikke opfyldt' or 'ingen data' for one target value; for the rates also
    'kan ikke afgøres' (inside the comparability margin, see analysis.takster)."""
    if value is None or pd.isna(value):
        return INGEN_DATA
    if key == "takster":  # per cent, VAT-adjusted: the verdict is takster's, margin included
        return takster.status(float(value) / 100)
    return OPFYLDT if _CHECKS[key](float(value)) else IKKE_OPFYLDT


def values(data: Dataset, year: int) -> pd.DataFrame:
    """The number behind each target for every active facility (NaN = no data).

    Columns: tilbud_id, Tilbud, then one column per target key.
    """
    active = data.active_facilities(year)[["tilbud_id", "navn"]].rename(columns={"navn": "Tilbud"})
    out = active.copy()
    scores = tilsyn.latest_scores(data, year).set_index("tilbud_id")["Gennemsnit"]
    out["tilsyn"] = out["tilbud_id"].map(scores).astype("float64")
    orders = data.paabud.loc[data.paabud["aar"] == year, "tilbud_id"].value_counts()
    out["paabud"] = out["tilbud_id"].map(orders).fillna(0).astype("int64")
    rows = data.noegletal[data.noegletal["aar"] == year].dropna(subset=["vaerdi"])
    wide = rows.pivot_table(index="tilbud_id", columns="indikator", values="vaerdi", aggfunc="last")
    for key, indicator in INDICATOR.items():
        column = wide[indicator] if indicator in wide else pd.Series(dtype="float64")
        out[key] = out["tilbud_id"].map(column).astype("float64")
    out["takster"] = out["tilbud_id"].map(takster.facility_difference(data, year)).astype("float64")
    return out.sort_values("Tilbud", ignore_index=True)


def public_values(data: Dataset, year: int) -> pd.DataFrame:
    """:func:`values` without the targets that are never published per facility."""
    return values(data, year).drop(columns=list(GROUP_ONLY))


def status_matrix(data: Dataset, year: int) -> pd.DataFrame:
    """Status text per facility (rows) and target key (columns), plus counts per facility.

    Extra columns: ``antal_opfyldt`` and ``antal_med_data`` (targets with a value), counted over
    :data:`FACILITY_KEYS` only: a count that included the leader evaluation would give away its
    status next to the other, published statuses. The ``lederevaluering`` column is internal
    (it feeds the centre's totals) and must not be published per facility.
    """
    vals = values(data, year)
    out = vals[["tilbud_id", "Tilbud"]].copy()
    for key in TARGET_KEYS:
        out[key] = [assess(key, v) for v in vals[key]]
    status = out[list(FACILITY_KEYS)]
    out["antal_opfyldt"] = (status == OPFYLDT).sum(axis=1).astype("int64")
    # Targets with a verdict: "kan ikke afgøres" is neither met nor missed.
    out["antal_med_data"] = status.isin([OPFYLDT, IKKE_OPFYLDT]).sum(axis=1).astype("int64")
    return out


def scoreboard(data: Dataset, year: int) -> pd.DataFrame:
    """The table for the page: Tilbud, one column per target label, 'Opfyldte mål' ('4 af 5').

    Text in every cell, so the table reads without colour; 'af' counts targets with data.
    """
    matrix = status_matrix(data, year)
    out = matrix[["Tilbud"]].copy()
    for key in FACILITY_KEYS:
        out[TARGET_LABELS[key]] = matrix[key]
    pairs = zip(matrix["antal_opfyldt"], matrix["antal_med_data"], strict=True)
    out["Opfyldte mål"] = [f"{a} af {b}" for a, b in pairs]
    return out


def totals(data: Dataset, year: int) -> pd.DataFrame:
    """Per target: facilities meeting it, not meeting it, without data, and the share met.

    ``Andel opfyldt`` = opfyldt / (opfyldt + ikke opfyldt): facilities without data are left out
    of the denominator (NaN when no facility has data). ``Opfyldt af`` says it as "31 af 35".
    """
    matrix = status_matrix(data, year)
    rows = []
    for key in TARGET_KEYS:
        counts = matrix[key].value_counts()
        met, not_met = int(counts.get(OPFYLDT, 0)), int(counts.get(IKKE_OPFYLDT, 0))
        with_data = met + not_met
        rows.append(
            {
                "maal": key,
                "Mål": TARGET_LABELS[key],
                "Opfyldt": met,
                "Ikke opfyldt": not_met,
                "Kan ikke afgøres": int(counts.get(KAN_IKKE_AFGOERES, 0)),
                "Ingen data": int(counts.get(INGEN_DATA, 0)),
                "Andel opfyldt": met / with_data if with_data else float("nan"),
                "Opfyldt af": f"{met} af {with_data}",
            }
        )
    return pd.DataFrame(rows)


def n_all_met(data: Dataset, year: int) -> tuple[int, int]:
    """(facilities meeting every per-facility target they have data for, active facilities).

    Over :data:`FACILITY_KEYS`: with the leader evaluation counted, this number next to the
    per-facility statuses could reveal a named manager's result.
    """
    matrix = status_matrix(data, year)
    all_met = (matrix["antal_med_data"] > 0) & (matrix["antal_opfyldt"] == matrix["antal_med_data"])
    return int(all_met.sum()), len(matrix)


def leader_by_group(data: Dataset, year: int) -> pd.DataFrame:
    """Mean leader evaluation per target group and for the centre, rounded as shown (1 decimal).

    Columns: maalgruppe, antal_tilbud (facilities with an evaluation), lederevaluering,
    undertrykt; the last row is the centre (``maalgruppe`` = "Hele centret"). A group averaging
    fewer than :data:`MIN_LEDERE` managers is hidden; if that leaves exactly one group hidden,
    the group with fewest evaluated facilities is hidden as well, since the centre's mean and the
    other groups' means would otherwise give it back. The centre is hidden below MIN_LEDERE.
    """
    vals = values(data, year)[["tilbud_id", "lederevaluering"]].dropna()
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    vals = vals.assign(maalgruppe=vals["tilbud_id"].map(groups))
    out = (
        vals.groupby("maalgruppe", sort=True)["lederevaluering"]
        .agg(["size", "mean"])
        .rename(columns={"size": "antal_tilbud", "mean": "lederevaluering"})
        .reset_index()
    )
    hidden = out["antal_tilbud"] < MIN_LEDERE
    if int(hidden.sum()) == 1 and len(out) > 1:
        shown = out.loc[~hidden].sort_values(["antal_tilbud", "maalgruppe"])
        hidden.loc[shown.index[0]] = True
    out["undertrykt"] = hidden
    centre = pd.DataFrame(
        {
            "maalgruppe": ["Hele centret"],
            "antal_tilbud": [len(vals)],
            "lederevaluering": [vals["lederevaluering"].mean() if len(vals) else np.nan],
            "undertrykt": [len(vals) < MIN_LEDERE],
        }
    )
    out = pd.concat([out, centre], ignore_index=True)
    out["lederevaluering"] = out["lederevaluering"].where(~out["undertrykt"]).round(1)
    out["antal_tilbud"] = out["antal_tilbud"].astype("int64")
    return out


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """The target scoreboard as data (per facility, per target, and facilities meeting all).

    Per facility only :data:`FACILITY_KEYS`; the leader evaluation per target group and centre.
    """
    matrix = status_matrix(data, year)
    per_target = totals(data, year)
    n_met, n_total = n_all_met(data, year)
    leaders = leader_by_group(data, year)
    return {
        "maal.opfyldt_pr_tilbud": {
            row["tilbud_id"]: {key: row[key] for key in FACILITY_KEYS}
            for _, row in matrix.iterrows()
        },
        "maal.lederevaluering_pr_maalgruppe": {
            str(g): (None if pd.isna(v) else float(v))
            for g, v in zip(
                leaders["maalgruppe"][:-1], leaders["lederevaluering"][:-1], strict=True
            )
        },
        "maal.lederevaluering_center": (
            None
            if pd.isna(leaders["lederevaluering"].iloc[-1])
            else float(leaders["lederevaluering"].iloc[-1])
        ),
        "maal.andel_opfyldt_pr_maal": {
            key: (None if pd.isna(share) else float(share))
            for key, share in zip(per_target["maal"], per_target["Andel opfyldt"], strict=True)
        },
        "maal.antal_tilbud_alle_maal_opfyldt": n_met,
        "maal.antal_tilbud": n_total,
    }
