"""What the absence and turnover pages share: year-over-year changes with their interval and the
words for them, key-figure helpers and the column labels common to both.

One vocabulary for a change (issues 10 and 20), used by every page and the resumé:
:func:`change_verdict` gives "steget", "faldet", "uændret" or "kan ikke afgøres" from the 95 %
interval of the change; the sentences say the word and the two levels, never the interval (the
interval goes in the tables and the "Sådan læser du usikkerheden" box).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import disclosure, fmt, stats
from statusrapport.stats.change import (
    MIN_CLUSTERS,
    Change,
    change_dispersion,
    facility_change,
    pooled_change,
)
from statusrapport.stats.funnel import FunnelResult, Kind

#: Column headers shared by the absence and turnover tables (each module adds its own).
LABELS: dict[str, str] = {
    "aar": "År",
    "tilbud_id": "Tilbud-id",
    "navn": "Tilbud",
    "maalgruppe": "Målgruppe",
    "aendring_procentpoint": "Ændring (procentpoint)",
    "aendring_ki": "95 %-sikkerhedsinterval (procentpoint)",
    "aendring_vurdering": "Vurdering",
    "placering": "Placering i tragtdiagram",
    "nedre_95": "Nedre 95 %-grænse",
    "oevre_95": "Øvre 95 %-grænse",
    "nedre_998": "Nedre 99,8 %-grænse",
    "oevre_998": "Øvre 99,8 %-grænse",
    disclosure.FLAG: "Udeladt (diskretion)",
}

#: No claim that a difference or association exceeds chance from fewer facilities than this.
MIN_TILBUD_PAASTAND = 10

# --- Change in plain Danish: the one verdict vocabulary (issue 20) ---------------------------

STEGET = "steget"
FALDET = "faldet"
UAENDRET = "uændret"
KAN_IKKE_AFGOERES = "kan ikke afgøres"
#: The reader's words for a change, in the order the method page explains them.
VERDICTS: tuple[str, ...] = (STEGET, FALDET, UAENDRET, KAN_IKKE_AFGOERES)
#: Not a verdict: there is no change to judge (no earlier year, or the figure is hidden).
UKENDT = "ukendt"
#: A change counts as "uændret" when its whole 95 % interval lies within ± this share of last
#: year's level: 6,1 % sygefravær → ±0,61 procentpoint, 24 % personaleomsætning → ±2,4 point.
#: Why 10 % and what it does at the group sizes that occur: :func:`change_verdict`.
UAENDRET_ANDEL = 0.10


def change_verdict(before: float | None, ci: Sequence[float] | None) -> str | None:
    """The reader's word for a year-on-year change of a rate, from its 95 % interval.

    ``before`` is last year's rate (a fraction, 0.061), ``ci`` the interval of the change in
    percentage points. With L, U the interval and m = ``UAENDRET_ANDEL`` × 100 × before:

    - L > 0: "steget"; U < 0: "faldet" (the interval excludes no change: a two-sided test at
      5 %, so a true zero change is called a rise or a fall at most 2,5 % of the time each);
    - −m ≤ L and U ≤ m: "uændret" – every change the data allow is small. This is the
      equivalence reading of the interval (two one-sided tests, Schuirmann 1987; Walker &
      Nowacki 2011, J Gen Intern Med 26:192–196): a 95 % interval inside ±m is TOST at
      α = 2,5 % per side, so a true change of size m or more is called "uændret" at most
      2,5 % of the time;
    - otherwise, or without an interval: "kan ikke afgøres" (the data cannot tell).

    Why m = 10 % of last year's level (a judgement, stated on the method page): the margin must
    be a change too small to act on, yet wider than the published precision. 10 % relative is
    ±0,6 point of 6 % absence (about 1,4 days per full-time post of 227 working days) and ±2,4
    points of 24 % turnover – half the differences the public figures treat as real (Danish
    municipalities range 9,0–13,7 absence days per full-time post; Københavns Kommune rose
    from about 12 to 14,5 days with COVID, +20 %) and well above the rounding of the published
    0,1 point (1,6 % of 6 %). One share for both rates keeps one rule for the reader.

    What it does, by the seeded simulation in ``tests/unit/test_verdict_simulation.py``
    (demo-like facilities, 4 000 groups per size, CR2/t interval of ``stats.change``). With no
    true change: a wrong direction 2,3–3,4 % per side at 5–36 facilities (the interval's own
    slack at few facilities; the band does not touch it); absence "uændret" 0,5 % at 5, 10,5 %
    at 20 and 43 % at 36 facilities, the rest "kan ikke afgøres"; turnover (leavers come in
    waves) never "uændret". With a true change of +10 %: "uændret" at most about 4 %. Other bands
    at 36 facilities: 5 % makes "uændret" impossible (0,1 %); 15 % and 20 % call a true 10 %
    rise "uændret" 19 % and 29 % of the time – too often to say "uændret" in a report.

    None when there is no earlier year to compare with.
    """
    if before is None or not np.isfinite(float(before)):
        return None
    if not ci or ci[0] is None or ci[1] is None:
        return KAN_IKKE_AFGOERES
    low, high = float(ci[0]), float(ci[1])
    if low > 0:
        return STEGET
    if high < 0:
        return FALDET
    margin = UAENDRET_ANDEL * 100 * float(before)
    if -margin <= low and high <= margin:
        return UAENDRET
    return KAN_IKKE_AFGOERES


def none_if_nan(value: Any) -> float | None:
    """A plain float for ``noegletal.json``, or None for a missing value."""
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def ci_list(change: Change | None) -> list[float] | None:
    """[low, high] of a change's interval for ``noegletal.json`` (None without interval)."""
    if change is None or not change.has_ci:
        return None
    return [float(change.ci_low_pp or 0.0), float(change.ci_high_pp or 0.0)]


#: Declared precision of a published change and its interval: 0,1 percentage point (issue 19).
CHANGE_DECIMALS = 1


def year_change(
    frame: pd.DataFrame,
    year: int,
    numerator: str,
    denominator: str,
    *,
    cluster: str = "tilbud_id",
    year_column: str = "aar",
    leave_out: Collection[str] = (),
) -> Change | None:
    """Change of Σnumerator/Σdenominator from ``year − 1`` to ``year``, cluster-robust by facility.

    ``frame`` holds rows of both years (any finer rows are summed per facility and year). None
    when either year has no denominator.

    Disclosure (issue 19): the point estimate is a difference of the published totals
    (Σ/Σ of every facility); the interval's width comes from the facilities that are published
    in both years only (``leave_out``: hidden in either year), centred on that estimate –
    ``[Δ + (L′ − Δ′), Δ + (U′ − Δ′)]`` where Δ′, L′, U′ are estimate and limits over the
    published facilities. Hidden facilities thus never enter a resampling or variance, and with
    too few published facilities there is no interval. Estimate and limits are rounded to the
    published 0,1 percentage point.
    """
    wide = _wide(frame, year, numerator, denominator, cluster, year_column)
    if wide.empty or wide[(denominator, year - 1)].sum() <= 0:
        return None
    if wide[(denominator, year)].sum() <= 0:
        return None
    nb, db, na, da = _four(wide, year, numerator, denominator)
    before, after = float(nb.sum() / db.sum()), float(na.sum() / da.sum())
    point = (after - before) * 100
    hidden = set(map(str, leave_out))
    published = wide.loc[[str(i) not in hidden for i in wide.index]]
    part: Change | None = None
    if (
        not published.empty
        and min(published[(denominator, year - 1)].sum(), published[(denominator, year)].sum()) > 0
    ):
        part = pooled_change(*_four(published, year, numerator, denominator))
    low = high = None
    if part is not None and part.has_ci:
        low = round(point + float(part.ci_low_pp or 0.0) - part.change_pp, CHANGE_DECIMALS)
        high = round(point + float(part.ci_high_pp or 0.0) - part.change_pp, CHANGE_DECIMALS)
    if part is None:
        return Change(before, after, round(point, CHANGE_DECIMALS), None, None, 0, 0, 0.95)
    return dataclasses.replace(
        part,
        before=before,
        after=after,
        change_pp=round(point, CHANGE_DECIMALS),
        ci_low_pp=low,
        ci_high_pp=high,
    )


def _wide(
    frame: pd.DataFrame, year: int, numerator: str, denominator: str, cluster: str, year_column: str
) -> pd.DataFrame:
    """Per facility: numerator and denominator sums of ``year − 1`` and ``year`` (0 if absent)."""
    work = frame.loc[frame[year_column].isin([year - 1, year])]
    sums = work.groupby([cluster, year_column], observed=True)[[numerator, denominator]].sum()
    wide = sums.unstack(year_column, fill_value=0.0)
    for column in (numerator, denominator):
        for y in (year - 1, year):
            if (column, y) not in wide.columns:
                wide[(column, y)] = 0.0
    return wide


def _four(
    wide: pd.DataFrame, year: int, numerator: str, denominator: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        wide[(numerator, year - 1)].to_numpy(float),
        wide[(denominator, year - 1)].to_numpy(float),
        wide[(numerator, year)].to_numpy(float),
        wide[(denominator, year)].to_numpy(float),
    )


def facility_changes(
    frame: pd.DataFrame,
    year: int,
    numerator: str,
    denominator: str,
    *,
    cluster: str = "tilbud_id",
    year_column: str = "aar",
    leave_out: Collection[str] = (),
) -> dict[str, Change]:
    """Each facility's change from ``year − 1`` to ``year`` with a quasi-Poisson interval.

    The dispersion comes from the published facilities in ``frame`` with data in both years
    (``stats.change_dispersion``; ``leave_out``: facilities hidden in either year, which get
    no entry and do not enter the dispersion, issue 19); facilities missing a denominator in
    either year get no entry.
    """
    wide = _wide(frame, year, numerator, denominator, cluster, year_column)
    hidden = set(map(str, leave_out))
    wide = wide.loc[[str(i) not in hidden for i in wide.index]]
    if wide.empty:
        return {}
    nb, db, na, da = _four(wide, year, numerator, denominator)
    dispersion = change_dispersion(nb, db, na, da)
    out: dict[str, Change] = {}
    for i, key in enumerate(wide.index.astype(str)):
        if db[i] > 0 and da[i] > 0:
            out[key] = facility_change(nb[i], db[i], na[i], da[i], dispersion)
    return out


def verdict(change: Change | None) -> str:
    """:func:`change_verdict` of a computed change (:data:`UKENDT` when there is none)."""
    if change is None or not np.isfinite(change.change_pp):
        return UKENDT
    ci = [change.ci_low_pp, change.ci_high_pp] if change.has_ci else None
    return change_verdict(change.before, ci) or UKENDT  # type: ignore[arg-type]


def interval_text(change: Change) -> str:
    """'95 %-sikkerhedsinterval fra −0,5 til +0,4 procentpoint' (empty without interval)."""
    if not change.has_ci:
        return ""
    return (
        f"95{fmt.NBSP}%-sikkerhedsinterval fra {fmt.signed(change.ci_low_pp)} "
        f"til {fmt.signed(change.ci_high_pp)} procentpoint"
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def change_sentence(subject: str, change: Change | None, year: int) -> str:
    """One sentence on the change from last year in the reader's words, without the interval.

    'Sygefraværet er steget fra 6,1 % i 2024 til 6,5 % i 2025.' · 'Sygefraværet er uændret:
    6,0 % i 2025 mod 6,1 % i 2024.' · 'Om sygefraværet er steget eller faldet fra 6,1 % i
    2024 til 6,0 % i 2025, kan ikke afgøres.' The interval is in the page's table; the word
    comes from :func:`verdict` only, never from the size of the rounded change.
    """
    if change is None or not np.isfinite(change.change_pp):
        return ""
    word = verdict(change)
    before = f"{fmt.pct(change.before)} i {year - 1}"
    after = f"{fmt.pct(change.after)} i {year}"
    if word in (STEGET, FALDET):
        return f"{subject} er {word} fra {before} til {after}."
    if word == UAENDRET:
        return f"{subject} er {UAENDRET}: {after} mod {before}."
    text = (
        f"Om {_lower_first(subject)} er steget eller faldet fra {before} til {after}, "
        "kan ikke afgøres"
    )
    if not change.has_ci:
        reason = (
            "der er for få hændelser eller tilbud til at beregne usikkerheden"
            if change.method == "quasi_poisson"
            else f"det bygger på kun {fmt.antal(change.n_clusters, 'tilbud', 'tilbud')}"
        )
        return f"{text}: {reason}."
    return f"{text}."


def change_columns(
    frame: pd.DataFrame,
    changes: Sequence[Change | None],
    *,
    shown: str,
) -> pd.DataFrame:
    """Add aendring_ki_nedre/oevre, aendring_ki (text) and aendring_vurdering to a group table.

    ``changes`` are aligned with the rows; rows whose ``shown`` change is hidden (NaN, e.g. by
    disclosure control) get no interval either.
    """
    out = frame.copy()
    lows, highs, texts, words = [], [], [], []
    for visible, change in zip(out[shown].notna(), changes, strict=True):
        if not visible or change is None:
            lows.append(np.nan)
            highs.append(np.nan)
            texts.append(fmt.MISSING)
            words.append(UKENDT)
            continue
        lows.append(np.nan if change.ci_low_pp is None else change.ci_low_pp)
        highs.append(np.nan if change.ci_high_pp is None else change.ci_high_pp)
        texts.append(
            fmt.interval(change.ci_low_pp, change.ci_high_pp) if change.has_ci else fmt.MISSING
        )
        words.append(verdict(change))
    out["aendring_ki_nedre"] = lows
    out["aendring_ki_oevre"] = highs
    out["aendring_ki"] = texts
    out["aendring_vurdering"] = words
    return out


# --- Funnel plots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """A page's funnel plot: shown facilities with limits, the curve to draw and the words."""

    table: pd.DataFrame  # one row per shown facility
    curve: pd.DataFrame  # limits on a grid of sizes, for drawing
    target: float
    adjusted: bool  # limits widened for overdispersion (τ² > 0)
    forklaring: str
    n_hidden: int
    counts: dict[str, int]  # shown facilities above/below the 95 % and 99.8 % limits


def funnel_explanation(result: FunnelResult) -> str:
    """Plain-Danish sentences on how the limits were made (no Greek letters for readers)."""
    od = result.overdispersion
    if od.n < 3:
        return "Der er for få tilbud til at vurdere spredningen, så grænserne er ikke justeret."
    if not result.adjusted:
        return (
            "Tilbuddene spreder sig ikke mere, end tilfældig variation kan forklare, så "
            "grænserne viser tilfældig variation alene (eksakte grænser) og er bredest for "
            "de små tilbud."
        )
    typical = float(np.median(od.s2))  # sampling variance of a typical facility
    share = result.tau2 / (typical + result.tau2)
    shape = (
        "Forskellen mellem tilbuddene er langt større end den tilfældige variation, så "
        "grænserne er næsten lige brede for små og store tilbud."
        if share > 0.8
        else "Grænserne er stadig bredest for de små tilbud."
    )
    n_out = result.n_outside_exact(0.998)  # the exact limits the page calls "uden tillægget"
    return (
        "Tilbuddene spreder sig mere, end tilfældig variation kan forklare. Grænserne er derfor "
        "gjort bredere med et tillæg for den ekstra forskel mellem tilbud (metoden står i "
        f"»Sådan er det beregnet«). {shape} Uden tillægget ville "
        f"{n_out} af {od.n} tilbud ligge uden for 99,8 %-grænserne."
    )


def funnel(
    facilities: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    kind: Kind,
    rate_column: str,
    extra: Sequence[str],
    min_size: float | None = None,
) -> Funnel:
    """Funnel of the published facilities' rates.

    Disclosure (issue 19): only facilities that are shown (not ``disclosure.FLAG``) enter the
    centre line, the overdispersion (τ²), the limits, the counts outside the limits and the
    curve's extent – a hidden facility's count could otherwise be read off any of them.
    """
    n_hidden = int(facilities.loc[facilities[denominator] > 0, disclosure.FLAG].sum())
    usable = facilities.loc[
        (facilities[denominator] > 0) & ~facilities[disclosure.FLAG].astype(bool)
    ].reset_index(drop=True)
    if usable.empty:  # nothing published: no centre line, no limits, no curve
        columns = ["tilbud_id", numerator, denominator, rate_column, "nedre_95", "oevre_95"]
        columns += ["nedre_998", "oevre_998", "placering", *extra, disclosure.FLAG]
        return Funnel(
            table=pd.DataFrame(columns=columns),
            curve=pd.DataFrame(
                columns=["size", "lower_95", "upper_95", "lower_998", "upper_998"], dtype=float
            ),
            target=float("nan"),
            adjusted=False,
            forklaring="Der er ingen viste tilbud, så der er ingen grænser at vise.",
            n_hidden=n_hidden,
            counts={"over_95": 0, "under_95": 0, "over_998": 0, "under_998": 0},
        )
    result = stats.funnel_table(usable, numerator, denominator, label="tilbud_id", kind=kind)
    table = pd.concat([result.table, usable[[*extra, disclosure.FLAG]]], axis=1)
    table = table.rename(
        columns={
            "rate": rate_column,
            "lower_95": "nedre_95",
            "upper_95": "oevre_95",
            "lower_998": "nedre_998",
            "upper_998": "oevre_998",
        }
    )
    sizes = usable[denominator]
    low = float(sizes.min()) * 0.8
    curve = result.curve(
        float(sizes.max()) * 1.05, min_size=max(low, min_size) if min_size else low
    )
    shown = table.sort_values("navn", kind="stable").reset_index(drop=True)
    return Funnel(
        table=shown,
        curve=curve,
        target=result.target,
        adjusted=result.adjusted,
        forklaring=funnel_explanation(result),
        n_hidden=n_hidden,
        counts=result.counts(),
    )


def outside(result: Funnel, rate_column: str, level: str = "998") -> pd.DataFrame:
    """Shown facilities outside the ``level`` limits (above or below): the ones to name."""
    t = result.table
    mask = (t[rate_column] > t[f"oevre_{level}"]) | (t[rate_column] < t[f"nedre_{level}"])
    return t.loc[mask].reset_index(drop=True)


def funnel_key_figures(prefix: str, result: Funnel) -> dict[str, int]:
    """``<prefix>.tilbud_over_95_graense`` … counts for ``noegletal.json``."""
    return {
        f"{prefix}.antal_tilbud_over_95_graense": result.counts["over_95"],
        f"{prefix}.antal_tilbud_under_95_graense": result.counts["under_95"],
        f"{prefix}.antal_tilbud_over_998_graense": result.counts["over_998"],
        f"{prefix}.antal_tilbud_under_998_graense": result.counts["under_998"],
    }


__all__ = [
    "FALDET",
    "KAN_IKKE_AFGOERES",
    "LABELS",
    "MIN_CLUSTERS",
    "MIN_TILBUD_PAASTAND",
    "STEGET",
    "UAENDRET",
    "UAENDRET_ANDEL",
    "UKENDT",
    "VERDICTS",
    "Funnel",
    "change_columns",
    "change_sentence",
    "change_verdict",
    "ci_list",
    "facility_changes",
    "funnel",
    "funnel_explanation",
    "funnel_key_figures",
    "interval_text",
    "none_if_nan",
    "outside",
    "verdict",
    "year_change",
]
