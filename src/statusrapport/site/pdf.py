"""The two PDFs per year, typeset with Typst by Quarto from the executed notebooks.

- The committee PDF (``statusrapport-<år>-bilag.pdf``, "bilag til dagsordenen"): the resumé
  with the key numbers and the target scoreboard, then one key figure and one table per theme,
  the follow-up status of the residents' survey, and where to read more.
- The full report (``statusrapport-<år>.pdf``): every page of the year in menu order.

Both are notebooks assembled from the executed outputs (so every number comes from the data)
and rendered outside the website project. Every page carries a running header; for demo data
it is the "Fiktive data" warning.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import nbformat

from statusrapport import config, escaping, figures, fmt, settings
from statusrapport.site.discover import (
    YearReport,
    cell_options,
    front_matter_of,
    is_hidden,
    key_figures,
)
from statusrapport.site.quarto import quarto_env, quarto_warnings, tail
from statusrapport.site.sources import (
    DEMO_TEXT,
    ORGANISATION,
    SITE_TITLE,
    committee_pdf_name,
    dump_yaml,
    pdf_name,
)

#: The theme pages of the committee PDF, with the heading they get there.
COMMITTEE_THEMES: tuple[tuple[str, str], ...] = (
    ("tilsyn", "Tilsyn og kvalitet"),
    ("sygefravaer", "Sygefravær"),
    ("personaleomsaetning", "Personaleomsætning"),
    ("bostedsundersoegelse", "Opfølgning på bostedsundersøgelsen"),
)


def _typst_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def page_setup(*, year: int, demo: bool, title: str) -> str:
    """Typst rules for every page: running header (the demo warning), page x af y, tables."""
    if demo:
        header = (
            'align(center, block(fill: rgb("#fff4d6"), stroke: (left: 3pt + rgb("#8a5a00")), '
            f'inset: 5pt, width: 100%, text(size: 9pt, weight: "bold")['
            f"{_typst_string(config.DEMO_LABEL)}: tallene beskriver ikke virkelige botilbud]))"
        )
    else:
        header = f'align(right, text(size: 9pt, fill: rgb("#595959"))[{_typst_string(title)}])'
    return "\n".join(
        [
            "#set page(",
            f"  header: {header},",
            '  footer: context align(center, text(size: 9pt)[Side #counter(page).display("1")'
            " af #counter(page).final().first()]),",
            ")",
            "#show table: set text(size: 9pt, hyphenate: false)",
            "#show figure.where(kind: table): set block(breakable: true)",
            # A row is never split over two pages; a heading never ends a page (issue 20).
            "#set table.cell(breakable: false)",
            "#show heading: set block(sticky: true)",
            '#set text(lang: "da")',
        ]
    )


def _front(
    title: str, subtitle: str, *, year: int, demo: bool, run_info: Mapping[str, Any], toc: bool
) -> nbformat.NotebookNode:
    meta = {
        "title": title,
        "subtitle": subtitle,
        # Quarto formats an ISO date in Danish ("29. november 2026"); a Danish text would be
        # printed as given only if Pandoc did not read "29." as the start of a list.
        "date": str(run_info.get("run_date") or date.today().isoformat())[:10],
        "date-format": "D. MMMM YYYY",
        "lang": "da",
        "format": {
            "typst": {
                "toc": toc,
                "toc-title": "Indhold",
                "papersize": "a4",
                "margin": {"x": "2cm", "y": "2.2cm"},
                "fig-width": 6.5,
                "include-in-header": [{"text": page_setup(year=year, demo=demo, title=title)}],
            }
        },
        "execute": {"enabled": False, "echo": False, "warning": False},
    }
    return nbformat.v4.new_raw_cell("---\n" + dump_yaml(meta) + "---")


def _demo_cell() -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(
        f"::: {{.callout-warning}}\n**{config.DEMO_LABEL}.** {DEMO_TEXT}\n:::"
    )


def _body_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells a reader sees: no front matter, no parameter cells, no demo banner (the PDF
    has its own, once, and the header on every page)."""
    cells = nb.cells[1:] if front_matter_of(nb) else list(nb.cells)
    return [c for c in cells if not is_hidden(c) and not _is_banner(c)]


def _is_banner(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and any(
        "demo-banner" in str(o.get("data", {}).get("text/html", ""))
        for o in cell.get("outputs", [])
    )


def _notebook(cells: list[nbformat.NotebookNode], like: nbformat.NotebookNode | None) -> Any:
    """A notebook of ``cells`` with fresh, unique ids (combined pages repeat ``cell-1`` …)."""
    copies = []
    for i, cell in enumerate(cells):
        copy = nbformat.from_dict(dict(cell))
        copy["id"] = f"c{i:04d}"
        copies.append(copy)
    nb = nbformat.v4.new_notebook()
    nb.cells = copies  # assigned after creation: new_notebook(cells=…) validates the originals
    if like is not None:
        nb.metadata = like.metadata
    return nb


def _opening(
    report: YearReport, subtitle: str, *, demo: bool, run_info: Mapping[str, Any], toc: bool
) -> list[nbformat.NotebookNode]:
    """The front matter cell of a year's PDF, followed by the demo warning for demo data."""
    front = _front(
        f"{SITE_TITLE} {report.year}",
        subtitle,
        year=report.year,
        demo=demo,
        run_info=run_info,
        toc=toc,
    )
    return [front, _demo_cell()] if demo else [front]


def combined_notebook(
    build_dir: Path, report: YearReport, *, demo: bool, run_info: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """One notebook with all of a year's pages in menu order: the source of the full PDF."""
    cells = _opening(
        report,
        f"{ORGANISATION.replace(' · ', ', ')} – til Socialudvalget",
        demo=demo,
        run_info=run_info,
        toc=True,
    )
    first = None
    for page in report.pages:
        nb = nbformat.read(build_dir / page.path, as_version=4)
        first = first or nb
        cells.append(nbformat.v4.new_markdown_cell(f"# {escaping.markdown(page.title)}"))
        cells += _body_cells(nb)
    return _notebook(cells, first)


def _outputs(cell: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return list(cell.get("outputs", [])) if cell.cell_type == "code" else []


def _has_figure(cell: nbformat.NotebookNode) -> bool:
    return any("image/png" in o.get("data", {}) for o in _outputs(cell))


def _has_table(cell: nbformat.NotebookNode) -> bool:
    return any(
        "<table" in str(o.get("data", {}).get("text/html", ""))
        or re.search(r"^\|.*\|\s*$", str(o.get("data", {}).get("text/markdown", "")), re.M)
        for o in _outputs(cell)
    )


def _is_text(cell: nbformat.NotebookNode) -> bool:
    outputs = _outputs(cell)
    return bool(outputs) and all(
        set(o.get("data", {})) <= {"text/markdown", "text/plain"} for o in outputs
    )


def key_figure_and_table(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The page's opening text, its first captioned figure and its first table."""
    cells = [c for c in _body_cells(nb) if c.cell_type == "code"]
    picked: list[nbformat.NotebookNode] = []
    intro = next((c for c in cells if _is_text(c)), None)
    figure = next((c for c in cells if _has_figure(c) and cell_options(c).get("fig-cap")), None)
    figure = figure or next((c for c in cells if _has_figure(c)), None)
    table = next((c for c in cells if _has_table(c)), None)
    for cell in (intro, figure, table):
        if cell is not None and cell not in picked:
            picked.append(cell)
    return picked


def _resume_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The resumé without its "Læs mere" section (web links; the PDF has its own)."""
    kept = []
    for cell in _body_cells(nb):
        if cell.cell_type == "markdown" and cell.source.strip().lower().startswith("## læs mere"):
            break
        kept.append(cell)
    return kept


def key_numbers_markdown(figures: Mapping[str, Any]) -> str:
    """The year's headline numbers from ``noegletal.json`` as a small captioned table."""
    rows: list[tuple[str, str]] = []

    def add(label: str, key: str, show: Any) -> None:
        value = figures.get(key)
        if value is not None:
            rows.append((label, show(value)))

    add("Gennemsnitlig tilsynsscore (1–5)", "tilsyn.gns_score", lambda v: fmt.tal(v, 2))
    add("Påbud og sanktioner", "tilsyn.antal_paabud", fmt.heltal)
    add("Sygefravær", "fravaer.procent_samlet", fmt.pct)
    add("Sygedage pr. fuldtidsstilling", "fravaer.dage_pr_fuldtid", fmt.tal)
    add("Personaleomsætning", "personaleomsaetning.procent_samlet", fmt.pct)
    add(
        "Anbefalinger fra bostedsundersøgelsen imødekommet",
        "bostedsundersoegelse.andel_imoedekommet",
        lambda v: fmt.pct(v, 0),
    )
    if figures.get("takster.center_forskel_procent") is not None:
        difference = float(figures["takster.center_forskel_procent"])
        rows.append(
            (
                "Døgntakst ift. sammenlignelige private tilbud (vægtet med pladser)",
                f"{fmt.signed(difference * 100, 1)}{fmt.NBSP}%",
            )
        )
    if figures.get("maal.antal_tilbud"):
        rows.append(
            (
                "Tilbud, der opfylder alle mål",
                f"{fmt.heltal(figures.get('maal.antal_tilbud_alle_maal_opfyldt') or 0)} af "
                f"{fmt.heltal(figures['maal.antal_tilbud'])}",
            )
        )
    if not rows:
        return ""
    lines = ["| Nøgletal | Værdi |", "|:---|---:|"]
    lines += [f"| {escaping.markdown(a)} | {escaping.markdown(b)} |" for a, b in rows]
    year = figures.get("aar", "")
    return "\n".join(lines) + f"\n\n: Årets nøgletal {year} {{#tbl-noegletal}}\n"


def _moede(year: int, publication: settings.Publication | None = None) -> dict[str, str | None]:
    """The meeting the annex belongs to: committee, meeting date, agenda item, case and
    document number, annex number and the site's address, for the memo header on page 1.

    The one place these come from: ``publicering.toml`` (:mod:`statusrapport.settings`). A
    required setting not yet filled in reads as a labelled placeholder (a demo site; real data
    with a placeholder is refused before the run); the annex and document numbers are optional
    (``None``: the line is left out).
    """
    pub = publication or settings.load()
    meeting = pub.meeting(year)
    prefix = f"moeder.{year}"

    def required(value: object, dotted: str) -> str:
        return settings.placeholder_text(dotted) if value is None else str(value)

    return {
        "udvalg": pub.text("site.udvalg"),
        "moededato": required(
            settings.danish_meeting_date(meeting.moededato), f"{prefix}.moededato"
        ),
        "punkt": required(meeting.dagsordenspunkt, f"{prefix}.dagsordenspunkt"),
        "sagsnr": required(meeting.sagsnummer, f"{prefix}.sagsnummer"),
        "bilag": None if meeting.bilagsnummer is None else str(meeting.bilagsnummer),
        "dokumentnr": meeting.dokumentnummer,
        "adresse": pub.text("site.adresse"),
    }


def memo_header(year: int, publication: settings.Publication | None = None) -> str:
    """Page 1's memo header of a Copenhagen agenda annex (../shared/design/annex.md)."""
    m = _moede(year, publication)

    def md(key: str) -> str:
        return escaping.markdown(m[key] or "")

    annex = f" {md('bilag')}" if m["bilag"] else ""
    lines = [
        "**KØBENHAVNS KOMMUNE**  ",
        "Socialforvaltningen",
        "",
        f"Til {md('udvalg')}",
        "",
        f"**NOTAT** · Bilag{annex}: {escaping.markdown(SITE_TITLE)} {year}",
        "",
        f"Mødedato: {md('moededato')}  ",
        f"Dagsordenspunkt: {md('punkt')}  ",
        f"Sagsnr.: {md('sagsnr')}" + ("  " if m["dokumentnr"] else ""),
    ]
    if m["dokumentnr"]:
        lines.append(f"Dokumentnr.: {md('dokumentnr')}")
    # a printed annex has no links that only work on screen: the site's address, written out
    lines += ["", f"Hele rapporten: {md('adresse')}"]
    return "\n".join(lines)


def _page_break() -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell("```{=typst}\n#pagebreak(weak: true)\n```")


def _cell_with(nb: nbformat.NotebookNode | None, marker: str) -> nbformat.NotebookNode | None:
    """The first visible code cell whose output holds ``marker`` (a CSS class, a CSV name)."""
    if nb is None:
        return None
    for cell in _body_cells(nb):
        if any(marker in str(o.get("data", {})) for o in _outputs(cell)):
            return cell
    return None


def _without_web_words(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a table cell for print: only its Markdown table (no download link, no HTML,
    no text around it that speaks of the web page); the messages' list passes as it is."""
    copy = nbformat.from_dict(dict(cell))
    outputs = []
    for output in _outputs(cell):
        data = output.get("data", {})
        if "text/markdown" in data and re.search(r"^\|.*\|\s*$", str(data["text/markdown"]), re.M):
            outputs.append(
                nbformat.v4.new_output(
                    "display_data", data={"text/markdown": data["text/markdown"]}
                )
            )
    copy["outputs"] = outputs or [
        nbformat.v4.new_output("display_data", data={"text/markdown": d["text/markdown"]})
        for d in (o.get("data", {}) for o in _outputs(cell))
        if "text/markdown" in d
    ]
    return copy


def _messages_only(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The messages' list of the resumé's cell for print (its Markdown form), nothing else."""
    copy = nbformat.from_dict(dict(cell))
    copy["outputs"] = [
        nbformat.v4.new_output("display_data", data={"text/markdown": d["text/markdown"]})
        for d in (o.get("data", {}) for o in _outputs(cell))
        if "text/markdown" in d and 'class="vigtigste"' in str(d.get("text/html", ""))
    ] or _without_web_words(cell)["outputs"]
    return copy


#: Short column names for the per-facility scoreboard in print (the full targets are listed
#: under the table): the same as on the web.
KORTE_MAAL: dict[str, str] = figures.MAAL_KORT
#: Print symbols for a target status, explained in the table's caption (never colour alone).
TRYK_TEGN: dict[str, str] = {
    "opfyldt": "✓",
    "ikke opfyldt": "✗",
    "kan ikke afgøres": "?",
    "ingen data": "–",
}


def scoreboard_typst(csv_path: Path, year: int) -> str | None:
    """The per-facility scoreboard as one compact Typst table that fits one A4 page: a row per
    facility, a symbol per target (explained in the caption), rows never split, the header
    repeated if it ever runs over. Read from the scoreboard's published CSV (what the site
    shows). None when the CSV is missing or has other columns."""
    import pandas as pd

    from statusrapport.analysis import maalopfyldelse as maal

    if not csv_path.is_file():
        return None
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    by_label = {maal.TARGET_LABELS[k]: k for k in maal.FACILITY_KEYS}
    by_label |= {KORTE_MAAL[k]: k for k in maal.FACILITY_KEYS}  # the web table's short names
    targets = [c for c in frame.columns if c in by_label]
    if "Tilbud" not in frame.columns or not targets:
        return None
    last = "Opfyldte mål" if "Opfyldte mål" in frame.columns else None

    def cell(text: str, bold: bool = False) -> str:
        body = f'#"{_typst_string(text)}"'
        return f"[*{body}*]" if bold else f"[{body}]"

    header = [cell("Tilbud", True), *(cell(KORTE_MAAL[by_label[t]], True) for t in targets)]
    if last:
        header.append(cell("Opfyldt", True))
    rows = []
    for _, row in frame.iterrows():
        cells = [cell(row["Tilbud"])]
        cells += [cell(TRYK_TEGN.get(row[t], row[t])) for t in targets]
        if last:
            cells.append(cell(row[last]))
        rows.append(", ".join(cells))
    legend = "; ".join(
        f"{KORTE_MAAL[by_label[t]]}: {maal.TARGET_LABELS[by_label[t]]}" for t in targets
    )
    caption = (
        f"Målopfyldelse pr. tilbud {year}. ✓ opfyldt, ✗ ikke opfyldt, ? kan ikke afgøres, "
        "– ingen data. "
        f"Målene: {legend}."
    )
    columns = ", ".join(["auto"] + ["1fr"] * len(targets) + (["auto"] if last else []))
    align = ", ".join(["left"] + ["center"] * len(targets) + (["right"] if last else []))
    return (
        "```{=typst}\n"
        f'#figure(kind: table, caption: [#"{_typst_string(caption)}"],\n'
        "  text(size: 8pt, table(\n"
        f"    columns: ({columns}), align: ({align}),\n"
        "    inset: (x: 3pt, y: 2.2pt), stroke: 0.4pt + luma(190),\n"
        f"    table.header({', '.join(header)}),\n"
        + "".join(f"    {r},\n" for r in rows)
        + "  )))\n```"
    )


def summary_markdown(csv_path: Path, year: int) -> str | None:
    """Page 1's target summary in two lines: every target with how many facilities meet it
    (from the resumé's published CSV), so the first page holds messages and summary."""
    import pandas as pd

    if not csv_path.is_file():
        return None
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    if not {"Mål", "Opfyldt", "Ikke opfyldt"} <= set(frame.columns):
        return None
    parts = []
    for _, row in frame.iterrows():
        met, not_met = int(row["Opfyldt"]), int(row["Ikke opfyldt"])
        parts.append(f"{escaping.markdown(row['Mål'])}: {met} af {met + not_met}")
    return f"**Målopfyldelse {year}** (tilbud med data, der når målet): " + " · ".join(parts) + "."


def _first_figure(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    cells = [c for c in _body_cells(nb) if c.cell_type == "code"]
    figure = next((c for c in cells if _has_figure(c) and cell_options(c).get("fig-cap")), None)
    return figure or next((c for c in cells if _has_figure(c)), None)


def committee_notebook(
    build_dir: Path,
    report: YearReport,
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    publication: settings.Publication | None = None,
) -> nbformat.NotebookNode:
    """The committee annex (at most 6 A4 pages), as a Copenhagen agenda annex:

    1. memo header (committee, meeting, case number: :func:`_moede`), "Det vigtigste i <år>"
       (the resumé's ranked messages) and the target summary;
    2. the per-facility scoreboard on one page;
    3. the year's key numbers and one figure per theme;
    4. the follow-up of every plan in one table, and where to read more (the site's address).
    """
    year = report.year
    # The demo warning is the running header of every page; no callout on page 1 (room).
    cells = _opening(
        report,
        f"Bilag til {_moede(year, publication)['udvalg']}s dagsorden",
        demo=demo,
        run_info=run_info,
        toc=False,
    )[:1]
    cells.append(nbformat.v4.new_markdown_cell(memo_header(year, publication)))
    cells.append(_figure_box())
    pages = {p.stem: p for p in report.pages}

    def read(stem: str) -> nbformat.NotebookNode | None:
        return nbformat.read(build_dir / pages[stem].path, as_version=4) if stem in pages else None

    resume, follow_up = read("resume"), read("opfoelgning")
    first = resume
    messages = _cell_with(resume, 'class="vigtigste"')
    summary = _cell_with(resume, "maalopfyldelse-resume.csv")
    # Page 1: the target summary under the memo header, then the ranked messages (without the
    # web page's sentence on how they are ranked: the numbers say it, and page 1 has no room).
    compact = (
        summary_markdown(
            (build_dir / pages["resume"].path).parent / "tabeller" / "maalopfyldelse-resume.csv",
            year,
        )
        if "resume" in pages
        else None
    )
    if compact is not None:
        cells.append(nbformat.v4.new_markdown_cell(compact))
    elif summary is not None:
        cells.append(_without_web_words(summary))
    if messages is not None:
        cells.append(nbformat.v4.new_markdown_cell(f"# Det vigtigste i {year}"))
        cells.append(_messages_only(messages))
    elif resume is not None:
        cells.append(nbformat.v4.new_markdown_cell("# Resumé"))
        cells += [c for c in _resume_cells(resume) if c is not summary]
    board = None
    if "maalopfyldelse" in pages:
        folder = (build_dir / pages["maalopfyldelse"].path).parent
        board = scoreboard_typst(folder / "tabeller" / "maalopfyldelse-pr-tilbud.csv", year)
    if board is not None:
        cells.append(_page_break())
        cells.append(nbformat.v4.new_markdown_cell(f"# Målopfyldelse pr. tilbud {year}"))
        cells.append(nbformat.v4.new_raw_cell(board))
    cells.append(_page_break())
    cells.append(nbformat.v4.new_markdown_cell(f"# Nøgletal og temaer {year}"))
    numbers = key_numbers_markdown(key_figures(build_dir, report))
    if numbers:
        cells.append(nbformat.v4.new_markdown_cell(numbers))
    for stem, heading in COMMITTEE_THEMES:
        nb = read(stem)
        if nb is None or stem == "bostedsundersoegelse":
            continue
        first = first or nb
        figure = _first_figure(nb)
        intro = next((c for c in _body_cells(nb) if c.cell_type == "code" and _is_text(c)), None)
        picked = [c for c in (intro, figure) if c is not None]
        if picked:
            cells.append(nbformat.v4.new_markdown_cell(f"## {heading}"))
            cells += picked
    plans = _cell_with(follow_up, "<table") if follow_up is not None else None
    if plans is not None:
        cells.append(nbformat.v4.new_markdown_cell(f"# Opfølgning på planer {year}"))
        cells.append(_without_web_words(plans))
    cells.append(nbformat.v4.new_markdown_cell(_read_more(report)))
    return _notebook(cells, first)


#: The annex's figures sit in a box of the text width and this height, scaled to fit (the
#: site's charts are drawn for a phone's width, so on A4 they would run a page tall each).
ANNEX_FIGURE_HEIGHT = "6.5cm"


def _figure_box() -> nbformat.NotebookNode:
    """Typst rules for the annex's body: figures in a fixed box, paragraphs kept whole."""
    return nbformat.v4.new_raw_cell(
        "```{=typst}\n"
        f'#set image(width: 100%, height: {ANNEX_FIGURE_HEIGHT}, fit: "contain")\n'
        # a paragraph is never split over two pages: no two lines alone on a last page
        "#show par: it => block(breakable: false, it)\n"
        "```"
    )


def _read_more(report: YearReport) -> str:
    """Where to read more, for paper: the site's address written out, no links or web words."""
    address = escaping.markdown(_moede(report.year)["adresse"])
    pages = ", ".join(escaping.markdown(p.title) for p in report.pages)
    return (
        "# Læs mere\n\n"
        f"Hele rapporten for {report.year} findes på {address} og som PDF-filen "
        f"{pdf_name(report.year)}: {pages}. Her er også en side for hvert botilbud med "
        "tilbuddets mål, tilsyn og udvikling, en sammenligning af tilbuddene og alle tal bag "
        "figurer og tabeller. Afsnittet *Metode og definitioner* forklarer, hvordan hvert tal "
        "er regnet ud."
    )


def build_pdfs(
    quarto: str,
    build_dir: Path,
    reports: Iterable[YearReport],
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    messages: list[str],
    publication: settings.Publication | None = None,
) -> list[Path]:
    """The committee PDF and the full PDF for each year; a failure is reported, not fatal.

    Both notebooks of a year are rendered by one ``quarto render`` in a temporary folder outside
    the website project (so its navigation and render list do not apply) and stored in
    ``reports/<year>/``, from where the site publishes them.
    """
    made: list[Path] = []
    publication = publication or settings.load()
    for report in reports:
        if not report.pages:
            continue
        stamp = build_dir / report.folder / PDF_STAMP
        sources_hash = pdf_sources_hash(
            build_dir, report, demo=demo, extra=settings.fingerprint(publication, report.year)
        )
        existing = [
            build_dir / report.folder / n
            for n in (committee_pdf_name(report.year), pdf_name(report.year))
        ]
        if (
            all(p.exists() for p in existing)
            and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == sources_hash
        ):
            made += existing  # the year's pages are unchanged: its PDFs are kept as they are
            continue
        stamp.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="statusrapport-pdf-") as tmp:
            sources = {
                committee_pdf_name(report.year): committee_notebook(
                    build_dir, report, demo=demo, run_info=run_info, publication=publication
                ),
                pdf_name(report.year): combined_notebook(
                    build_dir, report, demo=demo, run_info=run_info
                ),
            }
            for name, nb in sources.items():
                nbformat.write(nb, Path(tmp) / Path(name).with_suffix(".ipynb"))
            for name in sources:
                source = Path(name).with_suffix(".ipynb")
                error = _render_typst(quarto, Path(tmp), source, messages)
                produced = Path(tmp) / source.with_suffix(".pdf")
                if error is None and produced.exists():
                    target = build_dir / report.folder / name
                    shutil.copy2(produced, target)
                    made.append(target)
                else:
                    messages.append(
                        f"PDF-filen {name} kunne ikke dannes med Typst – websitet bygges "
                        f"alligevel. Quarto svarede: {error or 'ingen PDF-fil'}"
                    )
        if all(p.exists() for p in existing):
            stamp.write_text(sources_hash + "\n", encoding="utf-8")
    return made


#: Next to a year's PDFs: the fingerprint of what they were typeset from.
PDF_STAMP = ".pdf-kilder.sha256"


def pdf_sources_hash(build_dir: Path, report: YearReport, *, demo: bool, extra: str = "") -> str:
    """The year's pages, key figures, the demo flag, this module and ``extra`` (the year's
    publication settings): what the PDFs show.

    The run date printed on the title page is left out on purpose: a year whose pages did not
    change keeps the PDFs it was published with.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(b"demo" if demo else b"real")
    digest.update(extra.encode())
    paths = [build_dir / p.path for p in report.pages]
    paths.append(build_dir / report.folder / "noegletal.json")
    for path in paths:
        digest.update(str(path.relative_to(build_dir)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<mangler>")
    return digest.hexdigest()


def _render_typst(quarto: str, folder: Path, source: Path, messages: list[str]) -> str | None:
    try:
        done = subprocess.run(
            [quarto, "render", source.name, "--to", "typst"],
            cwd=folder,
            capture_output=True,
            text=True,
            env=quarto_env(),
            timeout=1800,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    messages.extend(f"{source.with_suffix('.pdf')}: {w}" for w in quarto_warnings(done.stderr))
    return None if done.returncode == 0 else tail(done.stderr or done.stdout, 5)
