"""The preview for machines without Quarto: nbconvert HTML of each executed notebook + an index.

It is what it says: every page is labelled "forhåndsvisning", there is no imitation of
Quarto's includes, variables, embeds or divs, and the committed ``.qmd`` pages are not shown.
It is still accessible (Danish, titled, skip link, landmarks, alt text, focusable table regions)
and links every notebook page, the facility comparison and the CSV downloads.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import nbformat
from markupsafe import Markup

from statusrapport import config
from statusrapport.site import facilities
from statusrapport.site.discover import YearReport, cell_options, is_hidden, key_figures
from statusrapport.site.sources import DEMO_TEXT, ORGANISATION, SITE_TITLE, footer_text
from statusrapport.site.templating import render

#: Downloads copied next to the pages (Quarto copies them via ``resources``).
DOWNLOAD_SUFFIXES = frozenset({".csv", ".json", ".pdf"})

_NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"


def render_preview(
    build_dir: Path,
    reports: list[YearReport],
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    messages: list[str],
) -> Path:
    """Write the nbconvert preview into ``build_dir/_site``."""
    site = build_dir / "_site"
    if site.exists():
        shutil.rmtree(site)
    (site / "assets").mkdir(parents=True)
    css = files("statusrapport.site").joinpath("templates/preview.css").read_text("utf-8")
    (site / "assets" / "preview.css").write_text(css, encoding="utf-8")
    script_path = build_dir / "assets" / "tabeller.html"
    script = script_path.read_text(encoding="utf-8") if script_path.exists() else ""
    exporter = _make_exporter()

    def write(relative: Path, title: str, body: str, subtitle: str | None = None) -> None:
        depth = len(relative.parts) - 1
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        page = render(
            "preview_page.html.j2",
            title=title,
            subtitle=subtitle,
            body=Markup(body),
            script=Markup(script),
            root="../" * depth,
            demo=demo,
            demo_label=config.DEMO_LABEL,
            demo_text=DEMO_TEXT,
            site_title=SITE_TITLE,
            organisation=ORGANISATION,
            footer=footer_text(run_info),
        )
        target.write_text(page, encoding="utf-8")

    index_years = []
    for report in reports:
        pages = []
        for page in report.pages:
            _notebook_page(exporter, build_dir, page.path, page.title, write, messages)
            pages.append(
                {"href": f"{page.path.with_suffix('.html').as_posix()}", "title": page.title}
            )
        for plan in report.plans:  # linked from the overview page, not listed in the index
            _notebook_page(exporter, build_dir, plan.path, plan.title, write, messages)
        for facility in report.facilities:
            _notebook_page(
                exporter, build_dir, facility.path, facility.title, write, messages,
                subtitle=facility.subtitle or None,
            )  # fmt: skip
        facilities_href = None
        if report.facilities:
            relative = report.folder / "tilbud" / "index.html"
            table = facilities.table_html(report, key_figures(build_dir, report), prefix="")
            write(relative, f"Tilbud {report.year}", table)
            facilities_href = relative.as_posix()
        downloads = [
            {"href": p.relative_to(build_dir).as_posix(), "label": p.name}
            for p in sorted((build_dir / report.folder).glob("*"))
            if p.is_file() and p.suffix in DOWNLOAD_SUFFIXES
        ]
        index_years.append(
            {
                "year": report.year,
                "pages": pages,
                "facilities_href": facilities_href,
                "downloads": downloads,
            }
        )
    for path in sorted((build_dir / "reports").rglob("*")):
        if path.is_file() and path.suffix in DOWNLOAD_SUFFIXES:
            target = site / path.relative_to(build_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    write(Path("index.html"), SITE_TITLE, render("preview_index.html.j2", years=index_years))
    return site


def _notebook_page(
    exporter: Any,
    build_dir: Path,
    path: Path,
    title: str,
    write: Any,
    messages: list[str],
    subtitle: str | None = None,
) -> None:
    body, _ = exporter.from_notebook_node(nbformat.read(build_dir / path, as_version=4))
    body, missing = _clean_body(str(body), fallback_alt=f"Figur på siden {title}")
    write(path.with_suffix(".html"), title, body, subtitle=subtitle)
    if missing:
        messages.append(
            f"Advarsel: {missing} figur(er) i {path} mangler '#| fig-alt' og fik en nødtekst."
        )


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
                if is_hidden(cell) or cell.cell_type == "raw":
                    continue
                if cell.cell_type == "code":
                    cell.outputs = [
                        o
                        for o in cell.outputs
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                    ]
                    figure = _label_figures(cell, cell_options(cell), figure)
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
            markup = render("figure_caption.html.j2", number=figure, caption=str(caption))
            outputs.append(nbformat.v4.new_output("display_data", data={"text/html": markup}))
    cell.outputs = outputs
    return figure


def _clean_body(body: str, *, fallback_alt: str) -> tuple[str, int]:
    """Scrollable, named table regions; no empty anchors; alt text on every image."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    for link in soup.find_all("a", href=True):  # links between pages: as Quarto rewrites them
        href = str(link["href"])
        if href.endswith(".ipynb") and "://" not in href:
            link["href"] = href[: -len(".ipynb")] + ".html"
    labels: set[str] = set()
    for number, table in enumerate(soup.find_all("table"), 1):
        parent_classes: list[str] = list(table.parent.get("class") or []) if table.parent else []
        if {"tabel-scroll", "table-responsive"} & set(parent_classes):
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
        alt = str(img.get("alt") or "").strip()
        if not alt or alt == _NBCONVERT_DEFAULT_ALT:
            img["alt"] = fallback_alt
            missing += 1
    return str(soup), missing
