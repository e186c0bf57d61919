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

from statusrapport import config, escaping, fmt, settings
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
            "#show table: set text(size: 9pt)",
            "#show figure.where(kind: table): set block(breakable: true)",
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


def committee_notebook(
    build_dir: Path,
    report: YearReport,
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    publication: settings.Publication | None = None,
) -> nbformat.NotebookNode:
    """The short committee PDF's source: resumé, scoreboard, one figure and table per theme."""
    cells = _opening(
        report,
        f"Bilag til Socialudvalgets dagsorden – {ORGANISATION.replace(' · ', ', ')}",
        demo=demo,
        run_info=run_info,
        toc=False,
    )
    cells.insert(1, meeting_cell(publication or settings.load(), report.year))
    pages = {p.stem: p for p in report.pages}
    first = None
    if "resume" in pages:
        nb = nbformat.read(build_dir / pages["resume"].path, as_version=4)
        first = nb
        cells.append(nbformat.v4.new_markdown_cell("# Resumé"))
        numbers = key_numbers_markdown(key_figures(build_dir, report))
        if numbers:
            cells.append(nbformat.v4.new_markdown_cell(numbers))
        cells += _resume_cells(nb)
    for stem, heading in COMMITTEE_THEMES:
        if stem not in pages:
            continue
        nb = nbformat.read(build_dir / pages[stem].path, as_version=4)
        first = first or nb
        cells.append(nbformat.v4.new_markdown_cell(f"# {heading}"))
        cells += key_figure_and_table(nb)
    cells.append(nbformat.v4.new_markdown_cell(_read_more(report)))
    return _notebook(cells, first)


def meeting_cell(publication: settings.Publication, year: int) -> nbformat.NotebookNode:
    """The annex's first lines from ``publicering.toml``: committee, meeting date, agenda item,
    case number and the site's address (a printed annex has no links that only work on screen)."""
    lines = [
        f"| **{escaping.markdown(label)}:** {escaping.markdown(value)}"
        for label, value in settings.annex_header(publication, year)
    ]
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def _read_more(report: YearReport) -> str:
    pages = "\n".join(f"- {escaping.markdown(p.title)}" for p in report.pages)
    return (
        "# Læs mere\n\n"
        f"Bilaget viser et udvalg. Hele rapporten for {report.year} står på websitet "
        f"*{SITE_TITLE}* under Årsrapporter og som PDF-filen {pdf_name(report.year)}, med "
        "disse sider:\n\n"
        f"{pages}\n\n"
        "Websitet har også en side for hvert botilbud, en tabel, der sammenligner tilbuddene, "
        "og alle tal bag figurer og tabeller som CSV-filer. Siden *Metode og definitioner* "
        "forklarer, hvordan hvert tal er regnet ud."
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
