"""The facility comparison table: one row per facility with the year's key numbers.

The numbers come from the year's ``noegletal.json`` (written by the pipeline from the same
analysis functions the notebooks use), so the table never disagrees with the profiles. A value
that disclosure control suppressed is shown as "udeladt", a value with no data as "–".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from statusrapport import config, fmt
from statusrapport.site.discover import YearReport
from statusrapport.site.templating import render

SUPPRESSED = "udeladt"

#: (key in noegletal.json, column heading, formatter) for the numeric columns, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("tilsyn.gns_score_pr_tilbud", "Tilsynsscore"),
    ("fravaer.procent_pr_tilbud", "Sygefravær"),
    ("personaleomsaetning.procent_pr_tilbud", "Personaleomsætning"),
    ("maal.opfyldt_pr_tilbud", "Mål opfyldt"),
)


@dataclass(frozen=True)
class Cell:
    """One shown value and the number the table sorts on (None sorts last)."""

    text: str
    sort: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Row:
    name: str
    href: str
    maalgruppe: str
    cells: tuple[Cell, ...]


def _number(values: Mapping[str, Any], tilbud_id: str, show: Any) -> Cell:
    if tilbud_id not in values:
        return Cell(fmt.MISSING, None)
    value = values[tilbud_id]
    if value is None:
        return Cell(SUPPRESSED, None, suppressed=True)
    return Cell(show(value), float(value))


def _targets(values: Mapping[str, Any], tilbud_id: str) -> Cell:
    """'5 af 6': targets met of those with data (targets without data are not counted)."""
    statuses = values.get(tilbud_id)
    if not isinstance(statuses, Mapping):
        return Cell(fmt.MISSING, None)
    with_data = [s for s in statuses.values() if s != "ingen data"]
    if not with_data:
        return Cell(fmt.MISSING, None)
    met = sum(1 for s in with_data if s == "opfyldt")
    return Cell(f"{met} af {len(with_data)}", met / len(with_data))


def rows(report: YearReport, figures: Mapping[str, Any], *, prefix: str) -> list[Row]:
    """The table rows, by facility name; ``prefix`` is the path from the page to the profiles."""
    score = figures.get("tilsyn.gns_score_pr_tilbud") or {}
    absence = figures.get("fravaer.procent_pr_tilbud") or {}
    turnover = figures.get("personaleomsaetning.procent_pr_tilbud") or {}
    targets = figures.get("maal.opfyldt_pr_tilbud") or {}
    out = []
    for facility in report.facilities:
        key = facility.tilbud_id
        out.append(
            Row(
                name=facility.title,
                href=f"{prefix}{facility.path.stem}.html",
                maalgruppe=facility.maalgruppe,
                cells=(
                    _number(score, key, lambda v: fmt.tal(v, 2)),
                    _number(absence, key, fmt.pct),
                    _number(turnover, key, fmt.pct),
                    _targets(targets, key),
                ),
            )
        )
    return out


def table_html(report: YearReport, figures: Mapping[str, Any], *, prefix: str) -> str:
    """The accessible, sortable and filterable comparison table (HTML, autoescaped)."""
    table_rows = rows(report, figures, prefix=prefix)
    return render(
        "facilities.html.j2",
        year=report.year,
        rows=table_rows,
        headings=[heading for _, heading in COLUMNS],
        groups=sorted({f.maalgruppe for f in report.facilities if f.maalgruppe}),
        count=fmt.antal(len(table_rows), "botilbud", "botilbud"),
        any_suppressed=any(c.suppressed for r in table_rows for c in r.cells),
        min_persons=config.MIN_PERSONS,
        suppressed=SUPPRESSED,
    )
