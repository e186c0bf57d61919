"""Turn the executed notebooks into the website: Quarto when it is installed, else a preview.

The pipeline executes every notebook into a temporary Quarto project (the *build folder*) and
calls :func:`build`. Everything that depends on the data is generated here, never committed:
the page per year, the facility listings, the footer with data period and run date, the year
menu and the demo banner. The committed sources (``_quarto.yml``, the ``.qmd`` pages, styles)
are copied in first, so a run never edits the repository.

Without Quarto on ``PATH`` the same build folder is turned into a plain HTML preview with
nbconvert, so a machine without Quarto still gets a readable, accessible site and is told how
to get the full one.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import nbformat
import yaml

from statusrapport import config, fmt
from statusrapport.errors import RenderError

Engine = Literal["quarto", "nbconvert"]

#: Oldest Quarto whose website options (announcement, page-footer, listings) this site uses.
MIN_QUARTO: tuple[int, int] = (1, 9)

QUARTO_MISSING = (
    "Quarto blev ikke fundet – skrev en HTML-forhåndsvisning med nbconvert i _site/. "
    "Installér Quarto (≥ 1.9) for det fulde website: conda env create -f environment.yml, "
    "eller se https://quarto.org/docs/get-started/"
)

SITE_TITLE = "Statusrapport for botilbud"
ORGANISATION = "Københavns Kommune · Socialforvaltningen"

#: Committed files and folders copied from the project root into the build folder.
SOURCE_GLOBS: tuple[str, ...] = ("_quarto.yml", "_*.yml", "_*.md", "*.qmd", "*.scss", "*.css")
SOURCE_DIRS: tuple[str, ...] = ("assets",)

#: Static pages of the site (stem → navigation text), in menu order.
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("index", "Forside"),
    ("aarsrapporter", "Årsrapporter"),
    ("tilbud", "Tilbud"),
    ("metode", "Metode og definitioner"),
    ("tilgaengelighed", "Tilgængelighed"),
)

#: Cells papermill and the templates tag that a reader must never see.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})

#: Downloads copied next to the pages in the preview (Quarto copies them via ``resources``).
DOWNLOAD_SUFFIXES = frozenset({".csv", ".json", ".pdf"})

DEMO_TEXT = (
    "Tallene er dannet af en generator til afprøvning af rapporten og beskriver ikke virkelige "
    "botilbud, medarbejdere eller borgere."
)

_MONTHS = fmt.MAANEDER

_NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"


@dataclass
class RenderResult:
    """What :func:`build` did: the engine used, where the site is, and what the user should know."""

    engine: Engine
    site_dir: Path
    pdfs: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    """One executed report notebook of a year, e.g. ``reports/2025/tilsyn.ipynb``."""

    stem: str
    title: str
    path: Path  # relative to the build folder


@dataclass(frozen=True)
class Facility:
    """One executed facility profile, with the fields its front matter carries."""

    tilbud_id: str
    title: str
    subtitle: str
    maalgruppe: str
    path: Path  # relative to the build folder


@dataclass(frozen=True)
class YearReport:
    """Everything stored for one year in the build folder."""

    year: int
    pages: tuple[Page, ...]
    facilities: tuple[Facility, ...]

    @property
    def folder(self) -> Path:
        return Path("reports") / str(self.year)


# --- Entry point ----------------------------------------------------------------------------


def build(
    build_dir: Path,
    *,
    years: list[int],
    demo: bool,
    run_info: Mapping[str, Any],
    quiet: bool = False,
    engine: Literal["auto", "quarto", "nbconvert"] = "auto",
) -> RenderResult:
    """Generate the data-dependent pages in ``build_dir`` and render it into ``build_dir/_site``.

    ``engine="auto"`` uses Quarto when ``quarto`` (≥ 1.9) is on ``PATH`` and the nbconvert
    preview otherwise; tests force ``"nbconvert"``. Raises :class:`RenderError` when rendering
    fails; a failing PDF only adds a message, because the website matters more than the PDF.
    """
    build_dir = Path(build_dir).resolve()
    messages: list[str] = []
    copy_sources(config.PROJECT_ROOT, build_dir)
    reports = discover(build_dir, years, messages)
    for report in reports:
        add_categories(build_dir, report)
    variables = write_variables(build_dir, reports, run_info)

    quarto = None if engine == "nbconvert" else find_quarto(messages)
    if quarto is None and engine == "quarto":
        raise RenderError("Quarto (≥ 1.9) blev ikke fundet, men blev krævet (engine='quarto').")

    pdfs: list[Path] = []
    if quarto:
        pdfs = build_pdfs(
            quarto, build_dir, reports, demo=demo, run_info=run_info, messages=messages
        )
    write_generated_pages(build_dir, reports, pdfs=pdfs)
    write_run_log_include(build_dir)
    write_quarto_config(build_dir, reports, demo=demo, run_info=run_info)

    if quarto:
        render_quarto(quarto, build_dir, quiet=quiet)
        _rebase_embedded_links(build_dir / "_site" / "index.html", reports)
        used: Engine = "quarto"
        site_pdfs = [build_dir / "_site" / pdf.relative_to(build_dir) for pdf in pdfs]
    else:
        messages.insert(0, QUARTO_MISSING)
        render_preview(build_dir, reports, demo=demo, variables=variables, messages=messages)
        used = "nbconvert"
        site_pdfs = []

    site_dir = build_dir / "_site"
    if not (site_dir / "index.html").exists():
        raise RenderError(f"Websitet blev ikke skrevet: {site_dir / 'index.html'} mangler.")
    if not quiet:
        engine_text = "Quarto" if used == "quarto" else "nbconvert (forhåndsvisning)"
        print(f"Websitet er bygget med {engine_text}.")
        for message in messages:
            print(message)
    return RenderResult(engine=used, site_dir=site_dir, pdfs=site_pdfs, messages=messages)


# --- Sources and discovery ------------------------------------------------------------------


def copy_sources(root: Path, build_dir: Path) -> list[Path]:
    """Copy the committed site sources into the build folder, never ``notebooks/``.

    A file that is already in the build folder wins: the pipeline may have written a generated
    include (such as ``_noegletal.md``) there before calling :func:`build`.
    """
    copied: list[Path] = []
    build_dir.mkdir(parents=True, exist_ok=True)
    for pattern in SOURCE_GLOBS:
        for source in sorted(root.glob(pattern)):
            target = build_dir / source.name
            if source.is_file() and not target.exists():
                shutil.copy2(source, target)
                copied.append(target)
    for folder in SOURCE_DIRS:
        source = root / folder
        if source.is_dir():
            shutil.copytree(source, build_dir / folder, dirs_exist_ok=True)
            copied.append(build_dir / folder)
    return copied


def front_matter(notebook: Path) -> dict[str, Any]:
    """The YAML front matter of an executed notebook's first raw cell (empty if none)."""
    nb = nbformat.read(notebook, as_version=4)
    return _front_matter_of(nb)


def _front_matter_of(nb: nbformat.NotebookNode) -> dict[str, Any]:
    if not nb.cells or nb.cells[0].cell_type != "raw":
        return {}
    match = re.match(r"\s*---\s*\n(.*?)\n---", nb.cells[0].source, flags=re.DOTALL)
    if not match:
        return {}
    loaded = yaml.safe_load(match.group(1))
    return loaded if isinstance(loaded, dict) else {}


def discover(build_dir: Path, years: Iterable[int], messages: list[str]) -> list[YearReport]:
    """The stored reports per year, newest first, in the menu order of ``config.REPORT_PAGES``."""
    reports: list[YearReport] = []
    for year in sorted(set(years), reverse=True):
        folder = build_dir / "reports" / str(year)
        if not folder.is_dir():
            messages.append(f"Advarsel: der er ingen rapport for {year} i {folder}.")
            continue
        pages = []
        for stem, default_title in config.REPORT_PAGES:
            path = folder / f"{stem}.ipynb"
            if path.exists():
                title = str(front_matter(path).get("title") or f"{default_title} {year}")
                pages.append(Page(stem, title, path.relative_to(build_dir)))
        facilities = []
        for path in sorted((folder / "tilbud").glob("*.ipynb")):
            meta = front_matter(path)
            facilities.append(
                Facility(
                    tilbud_id=str(meta.get("tilbud_id") or path.stem),
                    title=str(meta.get("title") or path.stem),
                    subtitle=str(meta.get("subtitle") or ""),
                    maalgruppe=str(meta.get("maalgruppe") or ""),
                    path=path.relative_to(build_dir),
                )
            )
        facilities.sort(key=lambda f: f.title.casefold())
        reports.append(YearReport(year, tuple(pages), tuple(facilities)))
    return reports


def add_categories(build_dir: Path, report: YearReport) -> None:
    """Give each profile ``categories: [<målgruppe>]`` so Quarto's listing can filter on it."""
    for facility in report.facilities:
        if not facility.maalgruppe:
            continue
        path = build_dir / facility.path
        nb = nbformat.read(path, as_version=4)
        meta = _front_matter_of(nb)
        if not meta or "categories" in meta:
            continue
        meta["categories"] = [facility.maalgruppe]
        nb.cells[0].source = "---\n" + _dump_yaml(meta) + "---"
        nbformat.write(nb, path)


# --- Generated sources (Quarto flavour; the preview reads the same files) -------------------


def danish_date(iso: str | None) -> str:
    """'2026-11-22' → '22. november 2026' (the text is unchanged if it is not an ISO date)."""
    if not iso:
        return "ukendt dato"
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def footer_text(run_info: Mapping[str, Any]) -> str:
    """The footer line every page shows: data period and run date."""
    period = run_info.get("data_period") or "ukendt periode"
    return f"Data: {period} · Opdateret {danish_date(run_info.get('run_date'))}"


def write_variables(
    build_dir: Path, reports: list[YearReport], run_info: Mapping[str, Any]
) -> dict[str, Any]:
    """Write ``_variables.yml`` (for ``{{< var … >}}``) with the run's values and the targets."""
    path = build_dir / "_variables.yml"
    variables: dict[str, Any] = {}
    if path.exists():
        variables = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    targets = config.TARGETS
    variables.update(
        {
            "data_period": str(run_info.get("data_period") or "ukendt periode"),
            "run_date": danish_date(run_info.get("run_date")),
            "newest_year": str(reports[0].year) if reports else "",
            "input_hash": str(run_info.get("input_hash") or "")[:12],
            "min_personer": str(config.MIN_PERSONS),
            "langtid_dage": str(config.LANGTID_DAGE),
            "maal": {
                "tilsyn_min": fmt.tal(targets.tilsyn_min),
                "paabud_max": fmt.heltal(targets.paabud_max),
                "trivsel_min": fmt.tal(targets.trivsel_min),
                "lederevaluering_min": fmt.tal(targets.lederevaluering_min),
                "belaegning_min": fmt.tal(targets.belaegning_min),
                "budget_max_abs": fmt.tal(targets.budget_max_abs),
            },
        }
    )
    path.write_text(_dump_yaml(variables), encoding="utf-8")
    return variables


def pdf_name(year: int) -> str:
    return f"statusrapport-{year}.pdf"


def _scoreboard_label(build_dir: Path, report: YearReport) -> str | None:
    """The label of the resumé's target scoreboard cell, if the notebook labels one."""
    resume = next((p for p in report.pages if p.stem == "resume"), None)
    if resume is None:
        return None
    nb = nbformat.read(build_dir / resume.path, as_version=4)
    for cell in nb.cells:
        label = cell_options(cell).get("label") if cell.cell_type == "code" else None
        if label and any(word in str(label) for word in ("scoreboard", "maal")):
            return str(label)
    return None


def _page_list(report: YearReport, prefix: str) -> list[str]:
    return [f"{i}. [{p.title}]({prefix}{p.stem}.ipynb)" for i, p in enumerate(report.pages, 1)]


def write_generated_pages(build_dir: Path, reports: list[YearReport], *, pdfs: list[Path]) -> None:
    """Write the year pages, facility listings and the includes of the committed pages."""
    pdf_set = {p.relative_to(build_dir) for p in pdfs}
    for report in reports:
        _write_year_index(
            build_dir, report, has_pdf=report.folder / pdf_name(report.year) in pdf_set
        )
        _write_facility_listing(
            build_dir / report.folder / "tilbud" / "index.qmd", report, "*.ipynb"
        )
    _write_front_page_include(build_dir, reports, pdf_set)
    _write_years_include(build_dir, reports, pdf_set)
    if reports:
        newest = reports[0]
        others = [r for r in reports[1:] if r.facilities]
        extra = ""
        if others:
            links = ", ".join(f"[{r.year}]({r.folder}/tilbud/index.qmd)" for r in others)
            extra = f"Tilbudsprofiler for tidligere år: {links}.\n"
        _write_facility_listing(
            build_dir / "tilbud.qmd",
            newest,
            f"{newest.folder}/tilbud/*.ipynb",
            title="Tilbud",
            extra=extra,
        )


RUN_LOG_ROWS = 15


def _run_time(iso: str | None) -> str:
    """'22.11.2026 kl. 02:30' from an ISO timestamp (empty when missing)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%d.%m.%Y kl. %H:%M")


def run_log_markdown(lines: list[str], rows: int = RUN_LOG_ROWS) -> str:
    """The newest runs of ``reports/runs.jsonl`` as a Markdown table (newest first)."""
    runs = []
    for line in lines:
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a killed run is skipped, not fatal
    if not runs:
        return "Der er endnu ikke registreret nogen kørsler.\n"
    results = {0: "offentliggjort", 3: "fejl i en notebook", 4: "fejl i renderingen"}
    table = [
        "| Start | År | Kørt | Uændrede | Fejlede | Varighed | Resultat |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in reversed(runs[-rows:]):
        code = run.get("exit_code")
        result = results.get(code, f"afsluttet med kode {code}")
        if code == 0 and not run.get("published"):
            result = "intet ændret"
        seconds = run.get("seconds")
        table.append(
            f"| {_run_time(run.get('start'))} | {run.get('year') or ''} | {run.get('run', 0)} "
            f"| {run.get('skipped', 0)} | {len(run.get('failed') or [])} "
            f"| {'' if seconds is None else f'{seconds:.0f} s'} | {result} |"
        )
    return "\n".join(table) + "\n"


def write_run_log_include(build_dir: Path) -> Path:
    """``_koersler.md`` for the method page, from the run log the pipeline copied in."""
    log = build_dir / "reports" / "runs.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    path = build_dir / "_koersler.md"
    path.write_text(run_log_markdown(lines), encoding="utf-8")
    return path


def _write_year_index(build_dir: Path, report: YearReport, *, has_pdf: bool) -> None:
    folder = build_dir / report.folder
    lines = [
        "---",
        f'title: "Statusrapport {report.year}"',
        "toc: false",
        "---",
        "",
        f"Rapporten for {report.year} har disse sider:",
        "",
        *_page_list(report, ""),
        "",
    ]
    if has_pdf:
        lines += [
            "## Til dagsordenen",
            "",
            f"[Hent hele rapporten for {report.year} som PDF]({pdf_name(report.year)})",
            "",
        ]
    if report.facilities:
        lines += [
            "## Tilbud",
            "",
            f"[Tilbudsprofiler for {report.year}](tilbud/index.qmd) – "
            f"{fmt.antal(len(report.facilities), 'tilbud', 'tilbud')}.",
            "",
        ]
    downloads = [
        f"- [{label}]({name})"
        for name, label in (
            ("noegletal.csv", "Nøgletal (CSV)"),
            ("noegletal.json", "Nøgletal (JSON)"),
            ("datakvalitet.json", "Datakvalitet (JSON)"),
        )
        if (folder / name).exists()
    ]
    tables = sorted((folder / "tabeller").glob("*.csv"))
    downloads += [f"- [{t.name}](tabeller/{t.name})" for t in tables]
    if downloads:
        lines += ["## Tal til download", "", *downloads, ""]
    (folder / "index.qmd").write_text("\n".join(lines), encoding="utf-8")


def _write_facility_listing(
    path: Path, report: YearReport, contents: str, *, title: str | None = None, extra: str = ""
) -> None:
    """A Quarto table listing of the profiles: sortable columns, text filter, målgruppe filter."""
    listing = {
        "title": title or f"Tilbud {report.year}",
        "toc": False,
        "listing": {
            "id": "tilbud-liste",
            "contents": contents,
            "type": "table",
            "fields": ["title", "maalgruppe", "subtitle"],
            "field-display-names": {
                "title": "Tilbud",
                "maalgruppe": "Målgruppe",
                "subtitle": "Beskrivelse",
            },
            "sort": "title",
            "sort-ui": ["title", "maalgruppe"],
            "filter-ui": True,
            "categories": "numbered",
            "table-striped": True,
            "page-size": 100,
        },
    }
    body = (
        f"Profiler for {fmt.antal(len(report.facilities), 'botilbud', 'botilbud')} i "
        f"{report.year}. Klik på en kolonneoverskrift for at sortere, skriv i søgefeltet for at "
        "filtrere, eller vælg en målgruppe i listen over kategorier.\n\n"
        f"{extra}\n::: {{#tilbud-liste}}\n:::\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{_dump_yaml(listing)}---\n\n{body}", encoding="utf-8")


def _write_front_page_include(build_dir: Path, reports: list[YearReport], pdfs: set[Path]) -> None:
    path = build_dir / "_forside-aktuelt.md"
    if not reports:
        path.write_text("Der er endnu ingen årsrapporter.\n", encoding="utf-8")
        return
    newest = reports[0]
    prefix = f"{newest.folder}/"
    lines = [f"## Statusrapport {newest.year}", "", *_page_list(newest, prefix), ""]
    if newest.folder / pdf_name(newest.year) in pdfs:
        lines += [f"[Hele rapporten som PDF til dagsordenen]({prefix}{pdf_name(newest.year)})", ""]
    label = _scoreboard_label(build_dir, newest)
    resume = f"{prefix}resume.ipynb"
    if label:
        lines += [
            f"### Målopfyldelse {newest.year}",
            "",
            f"{{{{< embed {resume}#{label} >}}}}",
            "",
        ]
    if any(p.stem == "resume" for p in newest.pages):
        lines += [f"Læs [resuméet for {newest.year}]({resume}) med de vigtigste resultater.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_years_include(build_dir: Path, reports: list[YearReport], pdfs: set[Path]) -> None:
    lines: list[str] = []
    for report in reports:
        prefix = f"{report.folder}/"
        lines += [f"## [Statusrapport {report.year}]({prefix}index.qmd)", ""]
        lines += [f"- [{p.title}]({prefix}{p.stem}.ipynb)" for p in report.pages]
        if report.facilities:
            lines.append(f"- [Tilbudsprofiler {report.year}]({prefix}tilbud/index.qmd)")
        if report.folder / pdf_name(report.year) in pdfs:
            lines.append(f"- [Hele rapporten som PDF]({prefix}{pdf_name(report.year)})")
        lines.append("")
    text = "\n".join(lines) if lines else "Der er endnu ingen årsrapporter.\n"
    (build_dir / "_aarsrapporter-liste.md").write_text(text, encoding="utf-8")


def write_quarto_config(
    build_dir: Path, reports: list[YearReport], *, demo: bool, run_info: Mapping[str, Any]
) -> dict[str, Any]:
    """Add the year menu, one sidebar per year, the footer and (demo) the banner to the config."""
    path = build_dir / "_quarto.yml"
    cfg: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    website = cfg.setdefault("website", {})
    navbar = website.setdefault("navbar", {})
    for item in navbar.get("left", []):
        if isinstance(item, dict) and item.get("text") == "Årsrapporter" and reports:
            item.pop("href", None)
            item["menu"] = [{"text": "Alle år", "href": "aarsrapporter.qmd"}] + [
                {"text": f"Statusrapport {r.year}", "href": f"{r.folder}/index.qmd"}
                for r in reports
            ]
    sidebars = []
    for report in reports:
        contents: list[Any] = [f"{report.folder}/index.qmd"]
        contents += [str(p.path) for p in report.pages]
        if report.facilities:
            contents.append({"text": "Tilbud", "href": f"{report.folder}/tilbud/index.qmd"})
        sidebars.append(
            {
                "id": f"aar-{report.year}",
                "title": f"Statusrapport {report.year}",
                "style": "docked",
                "contents": contents,
            }
        )
    if sidebars:
        website["sidebar"] = sidebars
    footer = website.setdefault("page-footer", {})
    footer["left"] = ORGANISATION
    footer["center"] = footer_text(run_info)
    if demo:
        website["announcement"] = {
            "content": f"**{config.DEMO_LABEL}.** {DEMO_TEXT}",
            "type": "warning",
            "icon": "exclamation-triangle",
            "dismissable": False,
            "position": "below-navbar",
        }
    else:
        website.pop("announcement", None)
    path.write_text(_dump_yaml(cfg), encoding="utf-8")
    return cfg


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- Quarto ---------------------------------------------------------------------------------


def find_quarto(messages: list[str]) -> str | None:
    """Path of a usable ``quarto`` (≥ 1.9), or None (with a message when it is too old)."""
    exe = shutil.which("quarto")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        messages.append(f"Quarto i {exe} svarede ikke på 'quarto --version'.")
        return None
    match = re.search(r"(\d+)\.(\d+)", out)
    if not match or (int(match.group(1)), int(match.group(2))) < MIN_QUARTO:
        messages.append(
            f"Quarto {out.strip() or '?'} er for gammel; websitet kræver Quarto ≥ "
            f"{MIN_QUARTO[0]}.{MIN_QUARTO[1]}."
        )
        return None
    return exe


def _quarto_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def render_quarto(quarto: str, build_dir: Path, *, quiet: bool) -> None:
    """``quarto render`` of the whole build folder into ``_site``."""
    command = [quarto, "render", str(build_dir)] + (["--quiet"] if quiet else [])
    try:
        done = subprocess.run(
            command, cwd=build_dir, capture_output=True, text=True, env=_quarto_env(), timeout=3600
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"Quarto kunne ikke startes: {error}") from error
    if done.returncode != 0:
        raise RenderError(
            f"Quarto kunne ikke bygge websitet (exitkode {done.returncode}):\n"
            f"{_tail(done.stderr or done.stdout)}"
        )


def _rebase_embedded_links(index_html: Path, reports: list[YearReport]) -> None:
    """The front page embeds a resumé cell; its ``tabeller/`` links are relative to the resumé."""
    if not reports or not index_html.exists():
        return
    text = index_html.read_text(encoding="utf-8")
    fixed = text.replace('href="tabeller/', f'href="{reports[0].folder}/tabeller/')
    if fixed != text:
        index_html.write_text(fixed, encoding="utf-8")


def combined_notebook(
    build_dir: Path, report: YearReport, *, demo: bool, run_info: Mapping[str, Any]
) -> nbformat.NotebookNode:
    """One notebook with all of a year's pages in menu order: the source of the annual PDF."""
    meta = {
        "title": f"{SITE_TITLE} {report.year}",
        "subtitle": f"{ORGANISATION.replace(' · ', ', ')} – til Socialudvalget",
        "date": danish_date(run_info.get("run_date")),
        "lang": "da",
        "format": {
            "typst": {
                "toc": True,
                "toc-title": "Indhold",
                "papersize": "a4",
                "section-numbering": "1.1",
            }
        },
        "execute": {"enabled": False, "echo": False, "warning": False},
    }
    cells = [nbformat.v4.new_raw_cell("---\n" + _dump_yaml(meta) + "---")]
    if demo:
        cells.append(
            nbformat.v4.new_markdown_cell(
                f"::: {{.callout-warning}}\n**{config.DEMO_LABEL}.** {DEMO_TEXT}\n:::"
            )
        )
    first = None
    for page in report.pages:
        nb = nbformat.read(build_dir / page.path, as_version=4)
        first = first or nb
        cells.append(nbformat.v4.new_markdown_cell(f"# {page.title}"))
        for cell in nb.cells[1:] if _front_matter_of(nb) else nb.cells:
            if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            cells.append(cell)
    combined = nbformat.v4.new_notebook(cells=cells)
    if first is not None:
        combined.metadata = first.metadata
    for i, cell in enumerate(combined.cells):
        cell["id"] = f"cell-{i}"
    return combined


def build_pdfs(
    quarto: str,
    build_dir: Path,
    reports: list[YearReport],
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    messages: list[str],
) -> list[Path]:
    """One Typst PDF per year for the committee's agenda; a failure is reported, not fatal.

    Each PDF is rendered in its own temporary folder outside the website project, so the
    website's navigation and render list do not apply; the result is stored as
    ``reports/<year>/statusrapport-<year>.pdf`` and published through ``resources``.
    """
    made: list[Path] = []
    for report in reports:
        if not report.pages:
            continue
        target = build_dir / report.folder / pdf_name(report.year)
        with tempfile.TemporaryDirectory(prefix="statusrapport-pdf-") as tmp:
            source = Path(tmp) / f"statusrapport-{report.year}.ipynb"
            nbformat.write(
                combined_notebook(build_dir, report, demo=demo, run_info=run_info), source
            )
            try:
                done = subprocess.run(
                    [quarto, "render", source.name, "--to", "typst", "--quiet"],
                    cwd=tmp,
                    capture_output=True,
                    text=True,
                    env=_quarto_env(),
                    timeout=1800,
                )
                error = None if done.returncode == 0 else _tail(done.stderr or done.stdout, 5)
            except (OSError, subprocess.SubprocessError) as exc:
                error = str(exc)
            produced = source.with_suffix(".pdf")
            if error is None and produced.exists():
                shutil.copy2(produced, target)
                made.append(target)
            else:
                messages.append(
                    f"PDF for {report.year} kunne ikke dannes med Typst – websitet bygges "
                    f"alligevel. Quarto svarede: {error or 'ingen PDF-fil'}"
                )
    return made


# --- The nbconvert preview ------------------------------------------------------------------


def cell_options(cell: Mapping[str, Any]) -> dict[str, Any]:
    """Quarto's ``#| key: value`` options at the top of a code cell, parsed as YAML."""
    lines = []
    for line in str(cell.get("source", "")).splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    if not lines:
        return {}
    try:
        parsed = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _make_exporter() -> Any:
    """An HTML exporter that shows outputs only, as Quarto does with ``echo: false``."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from traitlets.config import Config

    class PreviewPreprocessor(Preprocessor):  # type: ignore[misc]
        """Hide parameter cells and stderr; give figures alt text and a caption like Quarto."""

        def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
            kept = []
            figure = 0
            for cell in nb.cells:
                if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                    continue
                if cell.cell_type == "raw":
                    continue
                if cell.cell_type == "code":
                    options = cell_options(cell)
                    cell.outputs = [
                        o
                        for o in cell.outputs
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                    ]
                    figure = _label_figures(cell, options, figure)
                kept.append(cell)
            nb.cells = kept
            return nb, resources

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_raw = True
    exporter = HTMLExporter(config=c, template_name="basic")
    exporter.register_preprocessor(PreviewPreprocessor(), enabled=True)
    return exporter


def _label_figures(cell: Any, options: Mapping[str, Any], figure: int) -> int:
    """Copy ``fig-alt`` (else ``fig-cap``) into each image's metadata and add a caption."""
    alt = options.get("fig-alt") or options.get("fig-cap")
    caption = options.get("fig-cap")
    outputs = []
    for output in cell.outputs:
        outputs.append(output)
        mimes = [m for m in output.get("data", {}) if m.startswith("image/")]
        if not mimes:
            continue
        if alt:
            for mime in mimes:
                output.setdefault("metadata", {}).setdefault(mime, {})["alt"] = str(alt)
        if caption:
            figure += 1
            outputs.append(
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": (
                            f'<p class="figurtekst"><strong>Figur {figure}:</strong> '
                            f"{html.escape(str(caption))}</p>"
                        )
                    },
                )
            )
    cell.outputs = outputs
    return figure


def _clean_body(body: str, *, fallback_alt: str, source: str, messages: list[str]) -> str:
    """Post-process exported HTML: scrollable tables, no empty anchors, alt on every image."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    labels: set[str] = set()
    for number, table in enumerate(soup.find_all("table"), 1):
        if table.parent and "tabel-scroll" in (table.parent.get("class") or []):
            continue
        caption = table.find("caption") or table.find_previous(["h2", "h3", "h4"])
        label = caption.get_text(" ", strip=True) if caption else "Tabel"
        if label in labels:  # every region needs its own name (axe: landmark-unique)
            label = f"{label} (tabel {number})"
        labels.add(label)
        wrapper = soup.new_tag(
            "div",
            attrs={"class": "tabel-scroll", "tabindex": "0", "role": "region", "aria-label": label},
        )
        table.wrap(wrapper)
    missing = 0
    for img in soup.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if not alt or alt == _NBCONVERT_DEFAULT_ALT:
            img["alt"] = fallback_alt
            missing += 1
    if missing:
        messages.append(
            f"Advarsel: {missing} figur(er) i {source} mangler '#| fig-alt' og fik en nødtekst."
        )
    return str(soup)


def rebase_links(markup: str, folder: Path | str) -> str:
    """Make relative links in HTML from ``folder`` work from the site root (embedded cells)."""
    prefix = str(folder).rstrip("/") + "/"
    return re.sub(
        r'(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"',
        lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"',
        markup,
    )


def _link_qmd_to_html(markup: str) -> str:
    """Links to ``.qmd``/``.ipynb`` pages point at their ``.html`` in the preview."""
    return re.sub(
        r'href="(?![a-z]+:)([^"#]*?)\.(?:qmd|ipynb)(#[^"]*)?"',
        lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"',
        markup,
    )


PREVIEW_CSS = """
:root { --blaa: #004f8c; --tekst: #1a1a1a; --graa: #595959; --lys: #f2f2f2; }
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 106.25%; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--tekst); background: #fff; line-height: 1.6; }
a { color: var(--blaa); text-decoration: underline; }
a:focus-visible, button:focus-visible, select:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid #b35900; outline-offset: 2px; }
.skip-link { position: absolute; left: 0.5rem; top: -4rem; background: #fff; color: var(--blaa);
  padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; }
.site-header { background: var(--blaa); color: #fff; }
.site-header nav { max-width: 60rem; margin: 0 auto; padding: 0.5rem 1rem; }
.site-title { color: #fff; font-weight: 700; font-size: 1.15rem; text-decoration: none;
  display: inline-block; padding: 0.4rem 0; }
.site-header ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 0.1rem 1rem; }
.site-header li a { color: #fff; display: inline-block; padding: 0.45rem 0; min-height: 44px;
  line-height: 1.9; }
.site-header li a[aria-current="page"] { font-weight: 700; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.45rem; margin-top: 2rem; }
h3 { font-size: 1.2rem; }
.undertitel { color: var(--graa); font-size: 1.1rem; margin-top: -0.5rem; }
.callout { border-left: 5px solid var(--blaa); background: var(--lys); padding: 0.5rem 1rem;
  margin: 1rem 0; }
.site-banner, .callout.demo-banner, .demo-banner { border-left: 6px solid #8a5a00;
  background: #fff4d6;
  color: var(--tekst); padding: 0.75rem 1rem; margin: 0 0 1.25rem; }
.site-banner p, .demo-banner p { margin: 0; }
img { max-width: 100%; height: auto; }
.figurtekst { color: var(--tekst); font-size: 0.95rem; margin-top: 0.25rem; }
.tabel-scroll { overflow-x: auto; max-width: 100%; margin: 1rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; min-width: 50%; }
.table-responsive { overflow-x: auto; max-width: 100%; }
.table-responsive:focus-visible { outline: 3px solid #004f8c; outline-offset: 2px; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border-bottom: 1px solid #c8c8c8; padding: 0.35rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--tekst); }
tbody tr:nth-child(even) { background: #f7f7f7; }
table.sortable th button { all: inherit; cursor: pointer; text-decoration: underline dotted; }
table.sortable th[aria-sort="ascending"] button::after { content: " ▲"; }
table.sortable th[aria-sort="descending"] button::after { content: " ▼"; }
.download-link a::before { content: "⬇ "; }
.filter { margin: 1rem 0; }
.filter label { display: block; font-weight: 600; }
.filter select { font-size: 1rem; padding: 0.4rem; min-height: 44px; max-width: 100%; }
.site-footer { background: var(--lys); color: #333; margin-top: 3rem; }
.site-footer div { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.site-footer p { margin: 0.25rem 0; }
.preview-note { font-size: 0.9rem; }
pre, code { white-space: pre-wrap; }
@media (max-width: 576px) { h1 { font-size: 1.6rem; } main { padding: 0.75rem; } }
"""


def _page(
    *,
    title: str,
    body: str,
    depth: int,
    demo: bool,
    footer: str,
    script: str,
    current: str | None = None,
    subtitle: str | None = None,
) -> str:
    """A complete accessible preview page: Danish, titled, skip link, landmarks, mobile CSS."""
    rel = "../" * depth
    nav = "".join(
        f'<li><a href="{rel}{stem}.html"'
        + (' aria-current="page"' if stem == current else "")
        + f">{html.escape(text)}</a></li>"
        for stem, text in NAVIGATION
    )
    banner = (
        f'<div class="site-banner" role="note"><p><strong>{html.escape(config.DEMO_LABEL)}.'
        f"</strong> {html.escape(DEMO_TEXT)}</p></div>"
        if demo and "demo-banner" not in body
        else ""
    )
    sub = f'<p class="undertitel">{html.escape(subtitle)}</p>' if subtitle else ""
    page_title = title if title == SITE_TITLE else f"{title} – {SITE_TITLE}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(page_title)}</title>\n"
        f'<link rel="stylesheet" href="{rel}assets/preview.css">\n'
        "</head>\n<body>\n"
        '<a class="skip-link" href="#indhold">Spring til indhold</a>\n'
        f'<header class="site-header"><nav aria-label="Hovedmenu">'
        f'<a class="site-title" href="{rel}index.html">{html.escape(SITE_TITLE)}</a>'
        f"<ul>{nav}</ul></nav></header>\n"
        f'<main id="indhold" tabindex="-1">\n{banner}<h1>{html.escape(title)}</h1>{sub}\n'
        f"{body}\n</main>\n"
        f'<footer class="site-footer"><div>{footer}</div></footer>\n'
        f"{script}\n</body>\n</html>\n"
    )


def _preview_footer(run_info_text: str, variables: Mapping[str, Any], depth: int) -> str:
    rel = "../" * depth
    hash_text = variables.get("input_hash")
    data_version = f" · Dataversion {html.escape(str(hash_text))}" if hash_text else ""
    return (
        f"<p>{html.escape(run_info_text)}{data_version}</p>"
        f"<p>{html.escape(ORGANISATION)} · "
        f'<a href="{rel}tilgaengelighed.html">Tilgængelighedserklæring</a></p>'
        '<p class="preview-note">Forhåndsvisning lavet uden Quarto. Det fulde website '
        "bygges med Quarto ≥ 1.9.</p>"
    )


def markdown_to_html(
    text: str,
    *,
    base: Path,
    variables: Mapping[str, Any],
    embeds: dict[str, str] | None = None,
) -> tuple[dict[str, Any], str]:
    """Convert a ``.qmd`` page to HTML for the preview (front matter, includes, vars, divs).

    Handles the Quarto syntax these pages use and nothing more: ``{{< include >}}``,
    ``{{< var >}}``, ``{{< embed >}}`` (via ``embeds``: shortcode target → HTML) and ``:::``
    divs. Everything else is CommonMark with tables, rendered by mistune (an nbconvert
    dependency).
    """
    import mistune

    meta: dict[str, Any] = {}
    match = re.match(r"\s*---\s*\n(.*?)\n---\s*\n", text, flags=re.DOTALL)
    if match:
        meta = yaml.safe_load(match.group(1)) or {}
        text = text[match.end() :]

    text = resolve_includes(text, base)

    def var(m: re.Match[str]) -> str:
        value: Any = variables
        for key in m.group(1).split("."):
            value = value.get(key, "") if isinstance(value, Mapping) else ""
        return str(value)

    text = re.sub(r"\{\{<\s*var\s+([\w.\-]+)\s*>\}\}", var, text)
    placeholders: dict[str, str] = {}

    def embed(m: re.Match[str]) -> str:
        token = f"STATUSRAPPORTEMBED{len(placeholders)}"
        placeholders[token] = (embeds or {}).get(m.group(1), "")
        return f"\n\n{token}\n\n"

    text = re.sub(r"\{\{<\s*embed\s+(\S+)\s*>\}\}", embed, text)

    def div(m: re.Match[str]) -> str:
        classes = " ".join(c.lstrip(".") for c in re.findall(r"\.[\w-]+", m.group(1) or ""))
        ids = re.findall(r"#([\w-]+)", m.group(1) or "")
        id_attr = f' id="{ids[0]}"' if ids else ""
        kind = classes.split("-", 1)[0] if classes.startswith("callout") else ""
        return f'\n<div class="{classes} {kind}"{id_attr}>\n\n'

    text = re.sub(r"^:::+\s*(\{[^}]*\}|[\w-]+)\s*$", div, text, flags=re.MULTILINE)
    text = re.sub(r"^:::+\s*$", "\n</div>\n", text, flags=re.MULTILINE)
    renderer = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    markup = str(renderer(text))
    for token, replacement in placeholders.items():
        markup = markup.replace(f"<p>{token}</p>", replacement).replace(token, replacement)
    return meta, _link_qmd_to_html(markup)


def resolve_includes(text: str, base: Path, depth: int = 0) -> str:
    """Replace ``{{< include file >}}`` by the file's text (relative to ``base``, recursively)."""

    def include(m: re.Match[str]) -> str:
        path = base / m.group(1)
        if depth > 5 or not path.exists():
            return ""
        return resolve_includes(path.read_text(encoding="utf-8"), path.parent, depth + 1)

    return re.sub(r"\{\{<\s*include\s+(\S+)\s*>\}\}", include, text)


def _export_cells(exporter: Any, notebook: Path, label: str | None = None) -> str:
    """The exported body of a notebook, or of the one cell with ``#| label: <label>``."""
    nb = nbformat.read(notebook, as_version=4)
    if label is not None:
        nb.cells = [
            c for c in nb.cells if c.cell_type == "code" and cell_options(c).get("label") == label
        ]
    body, _ = exporter.from_notebook_node(nb)
    return str(body)


def render_preview(
    build_dir: Path,
    reports: list[YearReport],
    *,
    demo: bool,
    variables: Mapping[str, Any],
    messages: list[str],
) -> Path:
    """Write the nbconvert preview of the whole site into ``build_dir/_site``."""
    site = build_dir / "_site"
    if site.exists():
        shutil.rmtree(site)
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "preview.css").write_text(PREVIEW_CSS.lstrip(), encoding="utf-8")
    script_path = build_dir / "assets" / "tabeller.html"
    script = script_path.read_text(encoding="utf-8") if script_path.exists() else ""
    footer_line = f"Data: {variables.get('data_period')} · Opdateret {variables.get('run_date')}"
    exporter = _make_exporter()

    def write(relative: str, title: str, body: str, **kwargs: Any) -> None:
        depth = relative.count("/")
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        page = _page(
            title=title,
            body=body,
            depth=depth,
            demo=demo,
            footer=_preview_footer(footer_line, variables, depth),
            script=script,
            **kwargs,
        )
        target.write_text(page, encoding="utf-8")

    def notebook_page(path: Path, title: str, subtitle: str | None = None) -> None:
        body = _export_cells(exporter, build_dir / path)
        body = _clean_body(
            body, fallback_alt=f"Figur på siden {title}", source=str(path), messages=messages
        )
        write(str(path.with_suffix(".html")), title, body, subtitle=subtitle)

    for report in reports:
        for page in report.pages:
            notebook_page(page.path, page.title)
        for facility in report.facilities:
            notebook_page(facility.path, facility.title, facility.subtitle or None)
        write(
            f"{report.folder}/index.html",
            f"Statusrapport {report.year}",
            _year_body(build_dir, report),
        )
        if report.facilities:
            write(
                f"{report.folder}/tilbud/index.html",
                f"Tilbud {report.year}",
                _facility_table(report, prefix=""),
            )
    for path in sorted((build_dir / "reports").rglob("*")):
        if path.is_file() and path.suffix in DOWNLOAD_SUFFIXES:
            target = site / path.relative_to(build_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)

    embeds = {}
    if reports:
        newest = reports[0]
        label = _scoreboard_label(build_dir, newest)
        if label:
            resume = build_dir / newest.folder / "resume.ipynb"
            body = _export_cells(exporter, resume, label)
            body = _clean_body(
                body, fallback_alt="Målopfyldelse", source=str(resume), messages=messages
            )
            embeds[f"{newest.folder}/resume.ipynb#{label}"] = rebase_links(body, newest.folder)
    for stem, nav_text in NAVIGATION:
        if stem == "tilbud":
            continue
        source = build_dir / f"{stem}.qmd"
        if not source.exists():
            continue
        meta, body = markdown_to_html(
            source.read_text(encoding="utf-8"), base=build_dir, variables=variables, embeds=embeds
        )
        write(
            f"{stem}.html",
            str(meta.get("title") or nav_text),
            _clean_body(body, fallback_alt=nav_text, source=source.name, messages=messages),
            current=stem,
            subtitle=meta.get("subtitle"),
        )
    if reports and reports[0].facilities:
        newest = reports[0]
        others = [r for r in reports[1:] if r.facilities]
        extra = ""
        if others:
            links = ", ".join(
                f'<a href="{r.folder}/tilbud/index.html">{r.year}</a>' for r in others
            )
            extra = f"<p>Tilbudsprofiler for tidligere år: {links}.</p>"
        body = _facility_table(newest, prefix=f"{newest.folder}/tilbud/") + extra
    else:
        body = "<p>Der er ingen tilbudsprofiler i denne udgave af rapporten.</p>"
    write("tilbud.html", "Tilbud", body, current="tilbud")
    return site


def _year_body(build_dir: Path, report: YearReport) -> str:
    """The preview's page for one year: its pages in order, facilities and downloads."""
    _, body = markdown_to_html(
        (build_dir / report.folder / "index.qmd").read_text(encoding="utf-8"),
        base=build_dir / report.folder,
        variables={},
    )
    return body


def _facility_table(report: YearReport, *, prefix: str) -> str:
    """A sortable table of facilities with a filter on target group (works without JS too)."""
    groups = sorted({f.maalgruppe for f in report.facilities if f.maalgruppe})
    table_id = f"tilbud-{report.year}"
    options = "".join(f'<option value="{html.escape(g)}">{html.escape(g)}</option>' for g in groups)
    rows = "".join(
        "<tr>"
        f'<td><a href="{prefix}{html.escape(f.path.stem)}.html">{html.escape(f.title)}</a></td>'
        f"<td>{html.escape(f.maalgruppe)}</td><td>{html.escape(f.subtitle)}</td>"
        "</tr>"
        for f in report.facilities
    )
    return (
        f"<p>Profiler for {fmt.antal(len(report.facilities), 'botilbud', 'botilbud')} i "
        f"{report.year}. Klik på en kolonneoverskrift for at sortere.</p>"
        f'<div class="filter"><label for="{table_id}-filter">Vis målgruppe</label>'
        f'<select id="{table_id}-filter" data-filter-table="{table_id}" data-filter-column="1" '
        f'data-filter-status="{table_id}-status"><option value="">Alle målgrupper</option>'
        f"{options}</select></div>"
        f'<p id="{table_id}-status" role="status" aria-live="polite"></p>'
        f'<div class="tabel-scroll" tabindex="0" role="region" aria-label="Tilbud {report.year}">'
        f'<table id="{table_id}" class="statusrapport-tabel sortable">'
        f"<caption>Botilbud {report.year}</caption>"
        '<thead><tr><th scope="col">Tilbud</th><th scope="col">Målgruppe</th>'
        f'<th scope="col">Beskrivelse</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )
