"""Takster: the centre's rates per day against comparable private providers (issue 15).

The framework paper's seventh target: "en udvikling af taksterne, så de i gennemsnit ligger
under sammenlignelige tilbud hos private aktører". The centre's average is **weighted by
places** (a 40-place facility counts four times a 10-place one), because the target is about
what the centre's places cost. The private average it is held against is weighted by the same
places: for every target group and paragraph (§ 107/§ 108) the private providers' average counts
as many times as the centre has places there, so a centre with many cheap socialpsykiatri places
is not flattered against a private market full of expensive autism places (like with like).

Only places with a comparison figure enter a comparison; places without one (no private
provider for that group and paragraph that year) are counted and reported, never guessed. A
target group or facility with no comparable places is "ingen data". Rates are not person
counts: there is nothing to suppress (rates and places are public on Tilbudsportalen).

**Like for like (issue 21).** Private rates include VAT, municipal rates do not, so the private
average is divided by 1 + :data:`MOMS_FORSKEL` before anything is compared: ``privat`` is the
private average *without* VAT, ``privat_med_moms`` the figure as published. The difference is
relative (centre / private − 1). It decides the target only when it lies outside the
comparability margin :data:`SAMMENLIGNINGSMARGIN` around the target; inside it the verdict is
"kan ikke afgøres".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, fmt
from statusrapport.data import Dataset

CENTER = "Hele centret"
OPFYLDT, IKKE_OPFYLDT, INGEN_DATA = "opfyldt", "ikke opfyldt", "ingen data"
KAN_IKKE_AFGOERES = "kan ikke afgøres"
#: Setting: how much higher private rates are *because of VAT alone*, as a fraction. Source:
#: private providers' rates on Tilbudsportalen include VAT and municipal rates do not
#: (bekendtgørelse nr. 61 af 19. januar 2023 om Tilbudsportalen, § 10: the reported rate), and
#: the method page (metode.qmd, "Takster i forhold til private tilbud") states that this alone
#: makes private rates on average about 6 % higher; the municipality gets the VAT back through
#: momsudligningsordningen. Private averages are divided by 1 + this before any comparison.
MOMS_FORSKEL = 0.06
#: Setting: the comparability margin, a relative difference (fraction). The VAT share above is
#: an average ("ca. 6 %"): a provider's hidden VAT depends on how much of its costs carry VAT
#: (wages carry none), so the adjustment itself is uncertain by about ± 2 % of the rate, and
#: the same rate can cover different things (food, activities, buildings; see the caveats on the
#: page). A VAT-adjusted difference within ± this of the target is "kan ikke afgøres".
SAMMENLIGNINGSMARGIN = 0.02

#: The honest note on what "comparable" can and cannot mean (shown on the page, Markdown).
SAMMENLIGNELIGHED = (
    "**Hvad »sammenlignelige« kan og ikke kan betyde.** Sammenligningen holder centrets takster "
    "op mod private tilbud med samme målgruppe og samme paragraf (§ 107 eller § 108) i samme år, "
    "som kilden (fx Tilbudsportalen) har udvalgt dem. Det er det tætteste, offentlige tal "
    "kommer på »sammenlignelige tilbud«, men det kan ikke betyde samme borgere eller samme "
    "ydelse:\n\n"
    "- Taksten følger borgernes støttebehov. To tilbud til samme målgruppe kan have meget "
    "forskellige borgere (fx nattevagt, to-mands-betjening, sundhedsfagligt personale), og en "
    "målgruppe er en grov inddeling.\n"
    "- Private takster er med moms, kommunale uden. Momsudligningsordningen udligner forskellen "
    "for kommunen, men private takster er af den grund alene i gennemsnit ca. "
    f"{fmt.heltal(MOMS_FORSKEL * 100)}{fmt.NBSP}% højere (relativt). Derfor er de private "
    "takster i sammenligningen regnet om til takster uden moms (divideret med "
    f"{fmt.tal(1 + MOMS_FORSKEL, 2)}), og forskellen er relativ: centrets takst i procent af "
    "de privates, minus 100. Ligger forskellen inden for "
    f"±{fmt.heltal(SAMMENLIGNINGSMARGIN * 100)}{fmt.NBSP}%, kan det ikke afgøres, om centret er "
    "billigere: så lidt kan momsomregningen og forskelle i, hvad taksten dækker, alene flytte.\n"
    "- Hvad taksten dækker (kost, aktiviteter, administration, bygninger), kan variere mellem "
    "tilbud, og en takst er en pris for det planlagte antal pladser, ikke de faktiske udgifter.\n"
    "- Det private gennemsnit er et simpelt gennemsnit over tilbuddene, som kilden opgør det; "
    "centrets er vægtet med pladser. Bygger det private tal på få tilbud, er det usikkert.\n"
    "- En lav takst er ikke i sig selv et godt resultat: den skal læses sammen med kvaliteten "
    "(tilsynsscoren) og de øvrige mål."
)


def _comparison_rows(data: Dataset, year: int) -> pd.DataFrame:
    """Rates of the facilities active in ``year``, one row per facility and paragraph, with the
    private average for the same year, target group and paragraph (NaN when there is none)."""
    active = set(data.active_facilities(year)["tilbud_id"].astype(str))
    rates = data.takster.loc[data.takster["aar"] == year].copy()
    rates = rates.loc[rates["tilbud_id"].astype(str).isin(active)]
    rates["maalgruppe"] = rates["maalgruppe"].astype(str)
    private = data.takster_private.loc[data.takster_private["aar"] == year]
    private = private[["maalgruppe", "paragraf", "gns_takst_kr_pr_doegn", "antal_tilbud"]].copy()
    # Like for like: the private average without VAT (the municipal rate has none).
    private["privat"] = private["gns_takst_kr_pr_doegn"] / (1.0 + MOMS_FORSKEL)
    merged = rates.merge(
        private.astype({"maalgruppe": "str"}),
        on=["maalgruppe", "paragraf"],
        how="left",
        validate="m:1",
    )
    merged["pladser"] = merged["pladser"].astype("float64")
    return merged.rename(
        columns={"takst_kr_pr_doegn": "takst", "gns_takst_kr_pr_doegn": "privat_med_moms"}
    )


def _weighted(frame: pd.DataFrame, column: str) -> float:
    """Σ(value × places) / Σ places, NaN for no rows."""
    weight = frame["pladser"].sum()
    return float((frame[column] * frame["pladser"]).sum() / weight) if weight > 0 else np.nan


def status(difference: float | None) -> str:
    """The verdict on a VAT-adjusted relative difference (fraction: −0.03 = 3 % below).

    Met when it is below the target (``config.TARGETS.takster_under_pct`` below the private
    average) by more than the margin, not met when above it by more than the margin, otherwise
    "kan ikke afgøres"; no difference is "ingen data".
    """
    if difference is None or pd.isna(difference):
        return INGEN_DATA
    target = -config.TARGETS.takster_under_pct / 100
    if difference < target - SAMMENLIGNINGSMARGIN:
        return OPFYLDT
    if difference > target + SAMMENLIGNINGSMARGIN:
        return IKKE_OPFYLDT
    return KAN_IKKE_AFGOERES


def _summarise(rows: pd.DataFrame) -> dict[str, Any]:
    """The comparison for a set of facility-paragraph rows (a facility, a group, the centre)."""
    compared = rows.dropna(subset=["privat"])
    mine = _weighted(compared, "takst")
    private = _weighted(compared, "privat")
    private_vat = _weighted(compared, "privat_med_moms")
    difference = mine / private - 1 if compared["pladser"].sum() > 0 else np.nan
    cells = compared.drop_duplicates(["maalgruppe", "paragraf"])
    return {
        "pladser": int(rows["pladser"].sum()),
        "pladser_sammenlignet": int(compared["pladser"].sum()),
        "takst": _weighted(rows, "takst"),
        "takst_sammenlignet": mine,
        "privat": private,
        "privat_med_moms": private_vat,
        "forskel": difference,
        "antal_private": int(cells["antal_tilbud"].sum()) if len(cells) else 0,
        "status": status(difference),
    }


def facility_table(data: Dataset, year: int) -> pd.DataFrame:
    """Per active facility with a rate in ``year``: its place-weighted rate against the private
    average for the same target group and paragraphs (weighted by its own places).

    Columns: tilbud_id, Tilbud, maalgruppe, pladser, pladser_sammenlignet, takst,
    takst_sammenlignet, privat (without VAT), privat_med_moms, forskel (relative, VAT-adjusted;
    fraction: −0.03 = 3 % below), antal_private, status.
    """
    rows = _comparison_rows(data, year)
    out = []
    for tilbud_id, own in rows.groupby("tilbud_id", sort=True):
        out.append(
            {
                "tilbud_id": str(tilbud_id),
                "Tilbud": str(own["navn"].iloc[0]),
                "maalgruppe": str(own["maalgruppe"].iloc[0]),
                **_summarise(own),
            }
        )
    columns = ["tilbud_id", "Tilbud", "maalgruppe", *_summarise(rows.iloc[:0]).keys()]
    return pd.DataFrame(out, columns=columns)


def facility_difference(data: Dataset, year: int) -> pd.Series:
    """tilbud_id → the facility's rate relative to the private average without VAT, in per cent
    (−3.2 = 3,2 % below); facilities without comparable places are absent (no data)."""
    table = facility_table(data, year).dropna(subset=["forskel"])
    return pd.Series(
        (table["forskel"] * 100).to_numpy(dtype="float64"), index=table["tilbud_id"].astype(str)
    )


def summary(data: Dataset, year: int) -> pd.DataFrame:
    """Per target group with rates (contract order) and for the centre (last row, "Hele
    centret"): place-weighted rates against the private average for the same places.

    Columns: maalgruppe, pladser, pladser_sammenlignet, takst (all places), takst_sammenlignet
    (the places with a comparison), privat (without VAT), privat_med_moms, forskel (relative,
    VAT-adjusted fraction), antal_private, status.
    """
    rows = _comparison_rows(data, year)
    out = []
    for group in config.MAALGRUPPER:
        own = rows.loc[rows["maalgruppe"] == group]
        if len(own):
            out.append({"maalgruppe": group, **_summarise(own)})
    out.append({"maalgruppe": CENTER, **_summarise(rows)})
    return pd.DataFrame(out)


def history(data: Dataset, through: int) -> pd.DataFrame:
    """:func:`summary` for every year with data up to ``through``, with a column ``aar``."""
    years = [y for y in data.years if y <= through]
    frames = [summary(data, y).assign(aar=y) for y in years]
    if not frames:
        return pd.DataFrame(columns=["aar", *summary(data, through).columns])
    out = pd.concat(frames, ignore_index=True)
    return out[["aar", *[c for c in out.columns if c != "aar"]]]


#: Danish column names for the page's tables (the CSV download keeps the numbers). Short, so
#: the nine columns fit a laptop's text column; the caption says kr. per day, weighted with the
#: centre's places, and that the difference is relative and without VAT on both sides.
COLUMN_NAMES: dict[str, str] = {
    "maalgruppe": "Målgruppe",
    "pladser": "Pladser med takst",
    "pladser_sammenlignet": "Heraf sammenlignet",
    "takst_sammenlignet": "Centrets takst",
    "privat_med_moms": "Private, med moms",
    "privat": "Private, uden moms",
    "forskel": "Forskel (relativt)",
    "antal_private": "Private tilbud (antal)",
    "status": "Status",
}


def kr(value: float | None) -> str:
    """'2.345 kr.' (whole kroner), or the missing-value mark."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    return f"{fmt.heltal(value)}{fmt.NBSP}kr."


def difference_text(fraction: float | None) -> str:
    """'−3,2 %' for a rate 3,2 % below the private average; the missing mark without data.

    A relative difference: where it stands alone in prose, use :func:`verdict_text`, which says
    "relativt"; in tables the column name says it.
    """
    if fraction is None or pd.isna(fraction):
        return fmt.MISSING
    return f"{fmt.signed(fraction * 100, 1)}{fmt.NBSP}%"


def verdict_text(centre: pd.Series | dict[str, Any], year: int) -> str:
    """The page's bold sentence on the centre: rates on the same VAT basis and the verdict.

    ``centre`` is the last row of :func:`summary`.
    """
    if centre["status"] == INGEN_DATA:
        return f"Der er ikke takster med et sammenligningsgrundlag for {year}."
    difference = float(centre["forskel"])
    side = "under" if difference < 0 else "over"
    verdict = (
        f"det kan ikke afgøres, om målet er opfyldt, fordi forskellen ligger inden for "
        f"sammenlignelighedsmarginen på ±{fmt.heltal(SAMMENLIGNINGSMARGIN * 100)}{fmt.NBSP}%"
        if centre["status"] == KAN_IKKE_AFGOERES
        else f"målet er {centre['status']}"
    )
    return (
        f"**I {year} var centrets gennemsnitlige døgntakst {kr(centre['takst_sammenlignet'])} "
        f"mod {kr(centre['privat'])} uden moms hos sammenlignelige private tilbud "
        f"({kr(centre['privat_med_moms'])} med moms). Centret ligger relativt "
        f"{fmt.pct(abs(difference))} {side} de private takster uden moms: {verdict}.**"
    )


#: How the page shows each numeric column of :data:`COLUMN_NAMES`.
FORMATS: dict[str, Any] = {
    COLUMN_NAMES["pladser"]: fmt.heltal,
    COLUMN_NAMES["pladser_sammenlignet"]: fmt.heltal,
    COLUMN_NAMES["takst_sammenlignet"]: kr,
    COLUMN_NAMES["privat_med_moms"]: kr,
    COLUMN_NAMES["privat"]: kr,
    COLUMN_NAMES["forskel"]: difference_text,
    COLUMN_NAMES["antal_private"]: fmt.heltal,
}


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """The rate target as data: the centre and each target group (kr. rounded as shown)."""
    table = summary(data, year)
    centre = table.iloc[-1]
    groups = table.iloc[:-1]

    def number(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    return {
        "takster.center_takst_kr": number(centre["takst_sammenlignet"]),
        "takster.private_takst_kr": number(centre["privat"]),
        "takster.private_takst_med_moms_kr": number(centre["privat_med_moms"]),
        "takster.center_forskel_procent": number(centre["forskel"]),
        "takster.vurdering": str(centre["status"]),
        "takster.maal_opfyldt": (
            None
            if centre["status"] in (INGEN_DATA, KAN_IKKE_AFGOERES)
            else centre["status"] == OPFYLDT
        ),
        "takster.pladser_uden_sammenligning": int(
            centre["pladser"] - centre["pladser_sammenlignet"]
        ),
        "takster.takst_kr_pr_maalgruppe": {
            str(g): number(v)
            for g, v in zip(groups["maalgruppe"], groups["takst_sammenlignet"], strict=True)
        },
        "takster.private_takst_kr_pr_maalgruppe": {
            str(g): number(v) for g, v in zip(groups["maalgruppe"], groups["privat"], strict=True)
        },
        "takster.forskel_procent_pr_maalgruppe": {
            str(g): number(v) for g, v in zip(groups["maalgruppe"], groups["forskel"], strict=True)
        },
    }
