"""Socialtilsynet's quality scores (Kvalitetsmodellen) and orders from statutory inspections.

Definitions used on the Tilsyn page and in the key figures:

* An *inspection* is one facility on one ``tilsynsdato``; its *average* is the plain mean of its
  theme scores as published, every theme weighted equally.
* A facility's *current score* in a year is the average of its latest inspection dated in that
  year or the year before (inspection is risk-based, so not every facility is visited every
  year). Active facilities with no inspection in those two years are listed as "ingen tilsyn",
  never dropped silently.
* The 2025 reform (L 200, 2024-25) repealed two of the seven themes. A 7-theme average is not
  comparable with a 5-theme average, so when any inspection up to the report year scores only
  the five remaining themes, every average on the page, for every year, is taken over those same
  five themes (:func:`comparison_themes`), and :func:`reform_note` says so in Danish.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from statusrapport import config, fmt, stats
from statusrapport.data import Dataset

#: Status text for an active facility without an inspection in the two-year window.
INGEN_TILSYN = "ingen tilsyn"
OVER_MAAL = "opfyldt"
UNDER_MAAL = "ikke opfyldt"
#: How many calendar years back (including the report year) an inspection still counts.
WINDOW_YEARS = 2
#: Tolerance so that an average of exactly 3.8 is not lost to floating-point rounding.
_EPS = 1e-9

__all__ = [
    "INGEN_TILSYN",
    "TargetSummary",
    "change_since_previous",
    "change_summary",
    "change_threshold",
    "comparison_themes",
    "distribution",
    "inspections",
    "key_figures",
    "latest_scores",
    "meets_target",
    "paabud_by_authority",
    "paabud_by_year",
    "paabud_list",
    "paabud_summary",
    "reform_note",
    "reform_year",
    "target_summary",
    "theme_means",
    "trend",
    "trend_sentence",
    "yearly_means",
]


# --- Themes and the reform ------------------------------------------------------------------


def _theme_sets(tilsyn: pd.DataFrame) -> pd.DataFrame:
    """One row per inspection with its year and the set of themes it scored."""
    frame = tilsyn.dropna(subset=["score"])
    grouped = frame.groupby(["tilbud_id", "tilsynsdato"], observed=True)["tema"]
    sets = grouped.agg(lambda s: frozenset(str(t) for t in s)).rename("temaer").reset_index()
    sets["aar"] = sets["tilsynsdato"].dt.year.astype("int64")
    return sets


def reform_year(tilsyn: pd.DataFrame, year: int) -> int | None:
    """First year up to ``year`` with an inspection scoring only the post-reform themes.

    Read from the data rather than from a fixed date, because inspections before and after the
    reform coexist in the reform year and the real change-over date varies by inspectorate.
    """
    sets = _theme_sets(tilsyn)
    sets = sets[sets["aar"] <= year]
    after = frozenset(config.TEMAER_EFTER_REFORM)
    reformed = sets[sets["temaer"].map(lambda s: bool(s) and s <= after)]
    return int(reformed["aar"].min()) if len(reformed) else None


def comparison_themes(tilsyn: pd.DataFrame, year: int) -> tuple[str, ...]:
    """The themes every average is computed over: 5 after the reform is seen in the data, else 7."""
    if reform_year(tilsyn, year) is not None:
        return config.TEMAER_EFTER_REFORM
    return config.TEMAER


def reform_note(tilsyn: pd.DataFrame, year: int) -> str:
    """A Danish sentence explaining the like-with-like comparison; empty before the reform."""
    first = reform_year(tilsyn, year)
    if first is None:
        return ""
    n = len(config.TEMAER_EFTER_REFORM)
    ophaevet = fmt.opremsning([f"»{t}«" for t in config.TEMAER_OPHAEVET])
    return (
        f"Fra {first} vurderer Socialtilsynet {n} temaer i stedet for {len(config.TEMAER)}; "
        f"temaerne {ophaevet} er udgået. For at sammenligne ens med ens er alle gennemsnit på "
        f"siden – også for tidligere år – beregnet over de samme {n} temaer."
    )


# --- Inspections and current scores ---------------------------------------------------------


def inspections(tilsyn: pd.DataFrame, themes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per inspection: tilbud_id, tilsynsdato, aar, gennemsnit, antal_temaer.

    ``themes`` restricts the average to those themes (the comparison basis); inspections with
    none of them are dropped.
    """
    frame = tilsyn.dropna(subset=["score"])
    if themes is not None:
        frame = frame[frame["tema"].astype(str).isin(themes)]
    out = (
        frame.groupby(["tilbud_id", "tilsynsdato"], observed=True)
        .agg(gennemsnit=("score", "mean"), antal_temaer=("score", "size"))
        .reset_index()
        .sort_values(["tilbud_id", "tilsynsdato"], ignore_index=True)
    )
    out["aar"] = out["tilsynsdato"].dt.year.astype("int64")
    return out


def meets_target(average: float) -> bool:
    """True when a facility average reaches the target (≥ ``config.TARGETS.tilsyn_min``)."""
    return bool(average >= config.TARGETS.tilsyn_min - _EPS)


def _latest_in_window(insp: pd.DataFrame, year: int) -> pd.DataFrame:
    window = insp[(insp["aar"] <= year) & (insp["aar"] > year - WINDOW_YEARS)]
    return window.sort_values("tilsynsdato").groupby("tilbud_id").tail(1)


def latest_scores(data: Dataset, year: int, themes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every active facility with its current score and whether it meets the target.

    Columns: tilbud_id, Tilbud, Målgruppe, Tilsynsdato, Antal temaer, Gennemsnit, Status
    (``opfyldt`` / ``ikke opfyldt`` / ``ingen tilsyn``). Sorted by name, not by score: the page
    shows whether each facility meets the target, it does not rank them.
    """
    themes = comparison_themes(data.tilsyn, year) if themes is None else themes
    latest = _latest_in_window(inspections(data.tilsyn, themes), year)
    active = data.active_facilities(year)[["tilbud_id", "navn", "maalgruppe"]]
    out = active.merge(latest, on="tilbud_id", how="left", validate="1:1")
    met = [bool(pd.notna(v) and meets_target(v)) for v in out["gennemsnit"]]
    status = np.where(out["gennemsnit"].isna(), INGEN_TILSYN, np.where(met, OVER_MAAL, UNDER_MAAL))
    result = pd.DataFrame(
        {
            "tilbud_id": out["tilbud_id"],
            "Tilbud": out["navn"],
            "Målgruppe": out["maalgruppe"].astype(str),
            "Tilsynsdato": out["tilsynsdato"],
            "Antal temaer": out["antal_temaer"].astype("Int64"),
            "Gennemsnit": out["gennemsnit"].astype("float64"),
            "Status": status,
        }
    )
    return result.sort_values("Tilbud", ignore_index=True)


@dataclass(frozen=True)
class TargetSummary:
    """What the key sentence says: how many facilities meet the target, and which do not."""

    n_met: int
    n_scored: int
    n_active: int
    mean: float
    below: pd.DataFrame  # Tilbud, Gennemsnit, lowest first
    no_inspection: list[str]  # names of active facilities without an inspection
    n_from_previous_year: int  # current score from an inspection the year before

    @property
    def share(self) -> float:
        """Share of facilities with a score that meet the target (NaN without scores)."""
        return self.n_met / self.n_scored if self.n_scored else float("nan")


def target_summary(scores: pd.DataFrame, year: int) -> TargetSummary:
    """Counts and names behind "X af Y tilbud når målet" (``scores`` from latest_scores)."""
    scored = scores.dropna(subset=["Gennemsnit"])
    below = scored[scored["Status"] == UNDER_MAAL].sort_values("Gennemsnit")
    return TargetSummary(
        n_met=int((scored["Status"] == OVER_MAAL).sum()),
        n_scored=len(scored),
        n_active=len(scores),
        mean=float(scored["Gennemsnit"].mean()) if len(scored) else float("nan"),
        below=below[["Tilbud", "Gennemsnit"]].reset_index(drop=True),
        no_inspection=list(scores.loc[scores["Status"] == INGEN_TILSYN, "Tilbud"]),
        n_from_previous_year=int((scored["Tilsynsdato"].dt.year < year).sum()),
    )


def theme_means(data: Dataset, year: int) -> pd.DataFrame:
    """Mean score per theme over the facilities' current inspections (comparison themes only).

    Columns: Tema, Gennemsnit, Antal tilbud; themes in the law's order.
    """
    themes = comparison_themes(data.tilsyn, year)
    latest = _latest_in_window(inspections(data.tilsyn, themes), year)
    active = set(data.active_facilities(year)["tilbud_id"])
    keys = latest[latest["tilbud_id"].isin(active)][["tilbud_id", "tilsynsdato"]]
    rows = data.tilsyn.merge(keys, on=["tilbud_id", "tilsynsdato"], how="inner")
    rows = rows[rows["tema"].astype(str).isin(themes)].dropna(subset=["score"])
    grouped = rows.groupby(rows["tema"].astype(str))["score"].agg(["mean", "size"])
    out = pd.DataFrame({"Tema": list(themes)})
    out["Gennemsnit"] = out["Tema"].map(grouped["mean"]).astype("float64")
    out["Antal tilbud"] = out["Tema"].map(grouped["size"]).fillna(0).astype("int64")
    return out


def distribution(scores: pd.DataFrame, width: float = 0.2) -> pd.DataFrame:
    """How many facilities fall in each score interval [a; b) (from :func:`latest_scores`).

    Intervals are left-closed so that the target 3.8 starts an interval: everything from the
    target line and up counts as meeting it. Starts at the lowest interval with a facility
    (at most at the target) and ends at 5.
    """
    values = scores["Gennemsnit"].dropna().to_numpy(float)
    target = config.TARGETS.tilsyn_min
    low = min(target, float(values.min())) if len(values) else target
    start = math.floor(round((low - 1.0) / width, 9)) * width + 1.0
    n_bins = round((5.0 - start) / width)
    edges = [round(start + i * width, 6) for i in range(n_bins + 1)]
    rows = []
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        last = i == n_bins - 1  # 5.0 belongs to the top interval
        inside = (values >= a - _EPS) & ((values <= b + _EPS) if last else (values < b - _EPS))
        rows.append(
            {
                "Interval": f"{fmt.tal(a, 1)}–{fmt.tal(b, 1)}",
                "Fra": a,
                "Til": b,
                "Antal tilbud": int(inside.sum()),
            }
        )
    return pd.DataFrame(rows)


def change_since_previous(data: Dataset, year: int) -> pd.DataFrame:
    """Each facility's current score against its previous inspection, on the comparison themes.

    Columns: tilbud_id, Tilbud, Forrige tilsyn, Forrige gennemsnit, Seneste tilsyn, Seneste
    gennemsnit, Ændring. Facilities with only one inspection have no row.
    """
    themes = comparison_themes(data.tilsyn, year)
    insp = inspections(data.tilsyn, themes)
    insp = insp[insp["aar"] <= year]
    latest = _latest_in_window(insp, year)
    rows = []
    for row in latest.itertuples(index=False):
        same = insp["tilbud_id"] == row.tilbud_id
        earlier = insp[same & (insp["tilsynsdato"] < row.tilsynsdato)]
        if earlier.empty:
            continue
        prev = earlier.iloc[-1]
        rows.append(
            {
                "tilbud_id": row.tilbud_id,
                "Forrige tilsyn": prev["tilsynsdato"],
                "Forrige gennemsnit": float(prev["gennemsnit"]),
                "Seneste tilsyn": row.tilsynsdato,
                "Seneste gennemsnit": float(row.gennemsnit),
                "Ændring": float(row.gennemsnit - prev["gennemsnit"]),
            }
        )
    columns = [
        "tilbud_id",
        "Tilbud",
        "Forrige tilsyn",
        "Forrige gennemsnit",
        "Seneste tilsyn",
        "Seneste gennemsnit",
        "Ændring",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    active = data.active_facilities(year)[["tilbud_id", "navn"]]
    out = out.merge(active, on="tilbud_id", how="inner").rename(columns={"navn": "Tilbud"})
    return out[columns].sort_values("Tilbud", ignore_index=True)


def change_summary(
    change: pd.DataFrame, decimals: int = 2, threshold: float | None = None
) -> dict[str, int]:
    """How many facilities rose, fell or stayed level since their previous inspection.

    With ``threshold`` (:func:`change_threshold`) a change counts as a rise or fall only when it
    is larger than two inspections of an unchanged facility can differ by; the rest are "på
    niveau" (key "uændret"). Without it, a change that rounds to 0 at the shown precision counts
    as unchanged, so the sentence agrees with the table.
    """
    rounded = change["Ændring"].round(decimals)
    limit = 0.0 if threshold is None else float(threshold)
    return {
        "steget": int((rounded > limit).sum()),
        "faldet": int((rounded < -limit).sum()),
        "uændret": int((rounded.abs() <= limit).sum()),
        "i alt": len(change),
    }


def change_threshold(band: NearTarget | None) -> float | None:
    """How far two inspections of an unchanged facility can differ (95 %): √2 · z · SD.

    Two inspections' averages each vary around the facility's level with the SD of one
    inspection (:func:`near_target_band`), independently, so their difference has SD √2·SD and
    the band's half-width z·SD becomes √2·z·SD. None without a trend model.
    """
    if band is None:
        return None
    return float(np.sqrt(2.0) * band.half_width)


def yearly_means(data: Dataset, year: int) -> pd.DataFrame:
    """For each year up to ``year``: mean current score, facilities scored and share at target.

    Uses :func:`latest_scores` for every year, on the report year's comparison themes, so the
    last point equals the page's headline figure and all years compare like with like.
    Columns: År, Gennemsnit, Antal tilbud med tilsyn, Antal opfyldt, Andel opfyldt.
    """
    themes = comparison_themes(data.tilsyn, year)
    first = int(data.tilsyn["aar"].min()) if len(data.tilsyn) else year
    rows = []
    for y in range(first, year + 1):
        scores = latest_scores(data, y, themes)["Gennemsnit"].dropna()
        n = len(scores)
        n_met = int(sum(meets_target(v) for v in scores.dropna()))
        rows.append(
            {
                "År": y,
                "Gennemsnit": float(scores.mean()) if n else float("nan"),
                "Antal tilbud med tilsyn": n,
                "Antal opfyldt": n_met,
                "Andel opfyldt": n_met / n if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _trend_rows(data: Dataset, year: int) -> pd.DataFrame:
    """Theme scores of each facility's latest inspection per calendar year, comparison themes."""
    themes = comparison_themes(data.tilsyn, year)
    insp = inspections(data.tilsyn, themes)
    insp = insp[insp["aar"] <= year]
    keys = insp.sort_values("tilsynsdato").groupby(["tilbud_id", "aar"]).tail(1)
    rows = data.tilsyn.merge(keys[["tilbud_id", "tilsynsdato"]], on=["tilbud_id", "tilsynsdato"])
    rows = rows[rows["tema"].astype(str).isin(themes)].dropna(subset=["score"]).copy()
    rows["tema"] = rows["tema"].astype(str)
    rows["tilsyn"] = rows["tilbud_id"].astype(str) + "/" + rows["aar"].astype(str)
    return rows[["tilbud_id", "tilsyn", "aar", "tema", "score"]]


def trend(data: Dataset, year: int) -> stats.TrendResult | None:
    """Average yearly change in theme scores (``stats.score_trend``), or None with one year.

    One inspection per facility and year (the latest) so that facilities visited twice do not
    weigh double; only the comparison themes, so the reform does not show up as a change. The
    model has a random level per facility and per inspection: the theme scores of one
    inspection are not independent pieces of evidence.
    """
    rows = _trend_rows(data, year)
    if rows["aar"].nunique() < 2:
        return None
    return stats.score_trend(
        rows, score="score", year="aar", theme="tema", group="tilbud_id", inspection="tilsyn"
    )


@dataclass(frozen=True)
class NearTarget:
    """The band around the target that one inspection cannot tell apart from it."""

    low: float
    high: float
    half_width: float
    sd_inspection: float  # SD of one inspection's average around the facility's true level
    n_themes: int


def near_target_band(data: Dataset, year: int, level: float = 0.95) -> NearTarget | None:
    """Target ± z·SD of one inspection's average, from the trend model's variance components.

    An inspection's average over k themes varies around the facility's level with variance
    σ²_tilsyn + σ²_rest/k (inspection component and residual of the mixed model in
    :func:`trend`; with the OLS fallback only σ²_rest/k). A facility whose average lies in the
    band is "tæt på målet": one inspection cannot say on which side of the target it really is.
    None when there is no trend model (one year of inspections).
    """
    result = trend(data, year)
    if result is None:
        return None
    fit = result.result
    vcomp = np.atleast_1d(getattr(fit, "vcomp", np.array([])))
    var_inspection = float(vcomp[0]) if vcomp.size else 0.0
    k = len(comparison_themes(data.tilsyn, year))
    sd = float(np.sqrt(var_inspection + float(fit.scale) / max(k, 1)))
    half = float(norm.ppf(1 - (1 - level) / 2)) * sd
    target = config.TARGETS.tilsyn_min
    return NearTarget(target - half, target + half, half, sd, k)


def near_target_sentence(band: NearTarget | None, scores: pd.DataFrame) -> str:
    """How many facilities below (and above) the target are within one inspection's noise."""
    if band is None:
        return ""
    scored = scores["Gennemsnit"].dropna()
    below = int(((scored < config.TARGETS.tilsyn_min - _EPS) & (scored >= band.low)).sum())
    above = int(((scored >= config.TARGETS.tilsyn_min - _EPS) & (scored <= band.high)).sum())
    return (
        "Én tilsynsvurdering er usikker: det samme tilbud kunne ved et andet tilsyn have fået "
        f"et gennemsnit, der lå op til ±{fmt.tal(band.half_width, 2)} point fra det, det fik "
        "(95 %, beregnet ud fra variationen mellem tilsyn i modellen nedenfor). Et gennemsnit "
        f"mellem {fmt.tal(band.low, 2)} og {fmt.tal(band.high, 2)} er derfor **tæt på målet**: "
        "ét tilsyn kan ikke afgøre, om tilbuddet reelt ligger over eller under. "
        f"Det gælder {fmt.antal(below, 'tilbud', 'tilbud')} under målet og "
        f"{fmt.antal(above, 'tilbud', 'tilbud')} over målet."
    )


def _minus(value: float, decimals: int = 2) -> str:
    """A number with a typographic minus for negatives (−0,02)."""
    text = fmt.tal(value, decimals)
    return "−" + text[1:] if text.startswith("-") else text


def trend_sentence(result: stats.TrendResult | None, decimals: int | None = None) -> str:
    """The model's yearly change in words, with its 95 % interval.

    "steget"/"faldet" only when the interval excludes 0 (the rule for every change on the
    site); otherwise the score is "på niveau" and the estimate is given as a signed number.
    Two decimals unless the interval is narrower than 0.02, where two decimals would make its
    ends look equal to the estimate; then three.
    """
    if result is None:
        return "Der er kun tilsyn fra ét år, så der kan ikke beregnes en udvikling over tid."
    if decimals is None:
        decimals = 2 if result.ci_high - result.ci_low >= 0.02 else 3
    low, high = _minus(result.ci_low, decimals), _minus(result.ci_high, decimals)
    interval = f"95{fmt.NBSP}%-sikkerhedsinterval {low} til {high}"
    if result.ci_low > 0 or result.ci_high < 0:
        verb = "steget" if result.ci_low > 0 else "faldet"
        size = fmt.tal(abs(result.slope), decimals)
        return f"Scoren er i gennemsnit {verb} {size} point om året ({interval})."
    return (
        "Scoren har i gennemsnit været på niveau fra år til år: ændringen er "
        f"{fmt.signed(result.slope, decimals)} point om året ({interval}). Intervallet rummer "
        "0, så der er ikke tegn på en udvikling ud over tilfældig variation."
    )


#: Reader words for why the mixed model could not be used (codes from ``stats.score_trend``).
_FALLBACK_WORDS: dict[str, str] = {
    "few_facilities": "der er for få tilbud",
    "estimation_error": "den kunne ikke estimeres",
    "not_converged": "estimationen konvergerede ikke",
    "boundary": "modellen er singulær eller på randen af parameterrummet",
    "zero_facility_variance": "variationen mellem tilbud er estimeret til 0",
    "no_standard_error": "standardfejlen kunne ikke beregnes",
}


def trend_method(result: stats.TrendResult) -> str:
    """Short name of the model behind the trend (tables, notebook diagnostics)."""
    if result.model == "mixedlm":
        level = " og pr. tilsyn" if result.inspection_level else ""
        return f"Lineær blandet model (REML), tilfældigt niveau pr. tilbud{level}"
    return "Almindelig regression med klyngerobuste standardfejl pr. tilbud"


def trend_explanation(result: stats.TrendResult) -> str:
    """One or two Danish sentences on how the yearly change was estimated, for the page."""
    theme = " og justering for tema" if result.theme_adjusted else ""
    if result.model == "mixedlm":
        level = " og pr. tilsyn" if result.inspection_level else ""
        return (
            "Udviklingen pr. år er estimeret med en lineær blandet model med tilfældigt niveau "
            f"pr. tilbud{level}{theme}."
        )
    why = _FALLBACK_WORDS.get(result.fallback_reason or "", "den kunne ikke bruges")
    return (
        f"Den blandede model kunne ikke bruges ({why}), så udviklingen pr. år er i stedet "
        f"estimeret med almindelig regression med klyngerobuste standardfejl pr. tilbud{theme}."
    )


def trend_diagnostics(result: stats.TrendResult | None) -> pd.DataFrame:
    """Model checks for the analyst (a notebook cell hidden from readers)."""
    if result is None:
        return pd.DataFrame({"diagnostik": [], "vaerdi": []})
    fit = result.result
    rows: list[tuple[str, object]] = [
        ("model", trend_method(result)),
        ("blandet model brugt og konvergeret", result.converged),
        ("grund til reserve", result.fallback_reason or "–"),
        ("observationer (temascorer)", result.n_obs),
        ("tilbud (klynger)", result.n_groups),
    ]
    if result.model == "mixedlm":
        var_facility = float(np.asarray(fit.cov_re)[0, 0])
        vcomp = np.atleast_1d(getattr(fit, "vcomp", np.array([])))
        var_inspection = float(vcomp[0]) if vcomp.size else 0.0
        total = var_facility + var_inspection + float(fit.scale)
        rows += [
            ("varians mellem tilbud", var_facility),
            ("varians mellem tilsyn i samme tilbud", var_inspection),
            ("restvarians (temaer i samme tilsyn)", float(fit.scale)),
            ("ICC, tilbud", var_facility / total),
            ("ICC, tilsyn (tilbud + tilsyn)", (var_facility + var_inspection) / total),
        ]
    return pd.DataFrame({"diagnostik": [r[0] for r in rows], "vaerdi": [r[1] for r in rows]})


# --- Orders and sanctions -------------------------------------------------------------------


def _paabud_year(data: Dataset, year: int) -> pd.DataFrame:
    return data.paabud[data.paabud["aar"] == year]


def paabud_by_authority(data: Dataset, year: int) -> pd.DataFrame:
    """Orders and sanctions in ``year`` by authority (rows) and type (columns), with totals.

    Every authority and type of the data contract is shown, zeros included, so an empty row
    reads as "none" rather than "not reported".
    """
    frame = _paabud_year(data, year)
    authorities = list(config.MYNDIGHEDER) + sorted(
        set(frame["myndighed"]) - set(config.MYNDIGHEDER)
    )
    types = list(config.PAABUD_TYPER) + sorted(set(frame["type"]) - set(config.PAABUD_TYPER))
    counts = pd.crosstab(frame["myndighed"], frame["type"]).reindex(
        index=authorities, columns=types, fill_value=0
    )
    counts = counts.fillna(0).astype("int64")
    counts["I alt"] = counts.sum(axis=1)
    out = counts.reset_index(names="Myndighed")
    out.columns = [str(c).capitalize() if c in types else str(c) for c in out.columns]
    total = out.drop(columns="Myndighed").sum()
    total_row = pd.DataFrame([{"Myndighed": "I alt", **total.to_dict()}])
    return pd.concat([out, total_row], ignore_index=True)


def paabud_list(data: Dataset, year: int) -> pd.DataFrame:
    """Every order or sanction in ``year``: Dato, Tilbud, Myndighed, Type, Beskrivelse."""
    frame = _paabud_year(data, year).sort_values(["dato", "navn"])
    return pd.DataFrame(
        {
            "Dato": frame["dato"],
            "Tilbud": frame["navn"],
            "Myndighed": frame["myndighed"],
            "Type": frame["type"],
            "Beskrivelse": frame["beskrivelse"],
        }
    ).reset_index(drop=True)


def paabud_summary(data: Dataset, year: int) -> dict[str, int]:
    """Orders and sanctions in ``year`` and how many facilities received at least one."""
    frame = _paabud_year(data, year)
    return {"antal": len(frame), "antal_tilbud": int(frame["tilbud_id"].nunique())}


def paabud_by_year(data: Dataset, year: int) -> pd.DataFrame:
    """Orders and sanctions per year and authority up to ``year`` (zeros included), with total."""
    frame = data.paabud[data.paabud["aar"] <= year]
    first_candidates = [int(frame["aar"].min())] if len(frame) else []
    if len(data.tilsyn):
        first_candidates.append(int(data.tilsyn["aar"].min()))
    first = min(first_candidates, default=year)
    years = list(range(first, year + 1))
    authorities = list(config.MYNDIGHEDER) + sorted(
        set(frame["myndighed"]) - set(config.MYNDIGHEDER)
    )
    counts = pd.crosstab(frame["aar"], frame["myndighed"]).reindex(
        index=years, columns=authorities, fill_value=0
    )
    counts = counts.fillna(0).astype("int64")
    counts["I alt"] = counts.sum(axis=1)
    return counts.reset_index(names="År").rename_axis(columns=None)


# --- Key figures ------------------------------------------------------------------------------


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """The Tilsyn page's headline numbers (definitions in the module docstring)."""
    scores = latest_scores(data, year)
    with_score = scores.dropna(subset=["Gennemsnit"])
    n = len(with_score)
    n_met = int((with_score["Status"] == OVER_MAAL).sum())
    themes = theme_means(data, year)
    result = trend(data, year)
    by_authority = paabud_by_authority(data, year)
    by_authority = by_authority[by_authority["Myndighed"] != "I alt"]
    return {
        "tilsyn.andel_tilbud_over_maal": n_met / n if n else None,
        "tilsyn.antal_tilbud_under_maal": int((with_score["Status"] == UNDER_MAAL).sum()),
        "tilsyn.antal_tilbud_ingen_tilsyn": int((scores["Status"] == INGEN_TILSYN).sum()),
        "tilsyn.gns_score": float(with_score["Gennemsnit"].mean()) if n else None,
        "tilsyn.gns_score_pr_tema": {
            r.Tema: (None if pd.isna(r.Gennemsnit) else float(r.Gennemsnit))
            for r in themes.itertuples(index=False)
        },
        "tilsyn.gns_score_pr_tilbud": {
            r.tilbud_id: (None if pd.isna(r.Gennemsnit) else float(r.Gennemsnit))
            for r in scores.itertuples(index=False)
        },
        "tilsyn.temaer_sammenlignet": len(comparison_themes(data.tilsyn, year)),
        "tilsyn.trend_pr_aar": None if result is None else result.slope,
        "tilsyn.trend_ci": None if result is None else [result.ci_low, result.ci_high],
        "tilsyn.antal_paabud": len(_paabud_year(data, year)),
        "tilsyn.paabud_pr_myndighed": dict(
            zip(by_authority["Myndighed"], by_authority["I alt"].astype(int), strict=True)
        ),
    }
