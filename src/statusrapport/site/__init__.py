"""Turn the executed notebooks into the website: Quarto when it is installed, else a preview.

The pipeline executes every notebook into a temporary Quarto project (the *build folder*) and
calls :func:`build`. Everything that depends on the data is generated there, never committed:

- :mod:`.discover` finds the executed notebooks of each year;
- :mod:`.sources` writes the Quarto sources (year pages, facility comparison, menu, footer);
- :mod:`.pdf` assembles the committee PDF and the full PDF and has Typst typeset them;
- :mod:`.quarto` runs Quarto and passes on its warnings;
- :mod:`.preview` is the nbconvert preview for machines without Quarto.

HTML the code writes comes from the autoescaping Jinja2 templates in ``templates/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from statusrapport import config
from statusrapport.errors import RenderError
from statusrapport.site.discover import (
    Facility,
    Page,
    YearReport,
    cell_options,
    copy_sources,
    discover,
    front_matter,
    front_matter_of,
    scoreboard_label,
)
from statusrapport.site.pdf import build_pdfs, combined_notebook, committee_notebook
from statusrapport.site.preview import render_preview
from statusrapport.site.quarto import find_quarto, rebase_embedded_links, render_site
from statusrapport.site.sources import (
    DEMO_TEXT,
    ORGANISATION,
    SITE_TITLE,
    committee_pdf_name,
    danish_date,
    pdf_name,
    run_log_markdown,
    write_generated_pages,
    write_quarto_config,
    write_run_log_include,
    write_variables,
)

__all__ = [
    "DEMO_TEXT",
    "ENGINE_ENV",
    "ORGANISATION",
    "QUARTO_MISSING",
    "SITE_TITLE",
    "Facility",
    "Page",
    "RenderResult",
    "YearReport",
    "build",
    "cell_options",
    "combined_notebook",
    "committee_notebook",
    "committee_pdf_name",
    "danish_date",
    "discover",
    "front_matter",
    "front_matter_of",
    "pdf_name",
    "run_log_markdown",
]

Engine = Literal["quarto", "nbconvert"]

#: Overrides ``engine="auto"`` (``quarto`` or ``nbconvert``): tests that are not about the site
#: use the quick preview even where Quarto is installed; ``quarto`` makes a missing Quarto fatal.
ENGINE_ENV = "STATUSRAPPORT_ENGINE"

QUARTO_MISSING = (
    "Quarto blev ikke fundet – skrev en HTML-forhåndsvisning med nbconvert i _site/. "
    "Installér Quarto (≥ 1.9) for det fulde website: conda env create -f environment.yml, "
    "eller se https://quarto.org/docs/get-started/"
)


@dataclass
class RenderResult:
    """What :func:`build` did: the engine used, where the site is, and what the user should know."""

    engine: Engine
    site_dir: Path
    pdfs: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _engine(requested: str) -> str:
    if requested != "auto":
        return requested
    chosen = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    if chosen not in ("auto", "quarto", "nbconvert"):
        raise RenderError(
            f"{ENGINE_ENV}={chosen!r} er ugyldig; brug 'quarto' eller 'nbconvert' (eller ingen)."
        )
    return chosen


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
    preview otherwise (``STATUSRAPPORT_ENGINE`` can force either). Raises :class:`RenderError`
    when rendering fails; a failing PDF only adds a message, because the website matters more.
    Quarto's warnings are passed on as messages.
    """
    build_dir = Path(build_dir).resolve()
    messages: list[str] = []
    wanted = _engine(engine)
    copy_sources(config.PROJECT_ROOT, build_dir)
    reports = discover(build_dir, years, messages)

    quarto = None if wanted == "nbconvert" else find_quarto(messages)
    if quarto is None and wanted == "quarto":
        raise RenderError(
            "Quarto (≥ 1.9) blev ikke fundet, men blev krævet. Installér Quarto: "
            "conda env create -f environment.yml, eller se https://quarto.org/docs/get-started/"
        )

    if quarto:
        write_variables(build_dir, reports, run_info)
        pdfs = build_pdfs(
            quarto, build_dir, reports, demo=demo, run_info=run_info, messages=messages
        )
        write_generated_pages(build_dir, reports, pdfs=pdfs)
        write_run_log_include(build_dir)
        write_quarto_config(build_dir, reports, demo=demo, run_info=run_info)
        messages += [f"Quarto: {w}" for w in render_site(quarto, build_dir)]
        if reports:
            rebase_embedded_links(build_dir / "_site" / "index.html", reports[0].folder)
        used: Engine = "quarto"
        site_pdfs = [build_dir / "_site" / pdf.relative_to(build_dir) for pdf in pdfs]
    else:
        messages.insert(0, QUARTO_MISSING)
        render_preview(build_dir, reports, demo=demo, run_info=run_info, messages=messages)
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


# Kept importable under their old names for callers outside this package.
_front_matter_of = front_matter_of
_scoreboard_label = scoreboard_label
