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
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from statusrapport import config, settings
from statusrapport.errors import RenderError
from statusrapport.site import incremental
from statusrapport.site.discover import (
    Page,
    ProfilePage,
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
from statusrapport.site.quarto import (
    find_quarto,
    quarto_version,
    rebase_embedded_links,
    render_files,
    render_site,
)
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
    "Page",
    "ProfilePage",
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
    rendered: list[str] | None = None  # pages Quarto rendered; None: the whole site
    seconds: dict[str, float] = field(default_factory=dict)  # where the render's time went
    #: What each ``quarto render`` was given (``"."``: the whole site), in order.
    quarto_calls: list[str] = field(default_factory=list)


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
    previous_site: Path | None = None,
) -> RenderResult:
    """Generate the data-dependent pages in ``build_dir`` and render it into ``build_dir/_site``.

    ``engine="auto"`` uses Quarto when ``quarto`` (≥ 1.9) is on ``PATH`` and the nbconvert
    preview otherwise (``STATUSRAPPORT_ENGINE`` can force either). Raises :class:`RenderError`
    when rendering fails; a failing PDF only adds a message, because the website matters more.
    Quarto's warnings are passed on as messages.

    With ``previous_site`` (the published site) Quarto renders only what changed since that
    render (see :mod:`.incremental`); PDFs are typeset again only for years whose pages changed.
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

    rendered: list[str] | None = None
    seconds: dict[str, float] = {}
    calls: list[str] = []
    if quarto:
        publication = settings.load()  # checked before the run for real data
        write_variables(build_dir, reports, run_info, publication)
        # The PDFs read only the executed notebooks, the key figures and the settings, never
        # what Quarto writes: Typst typesets them on the second core while the site renders.
        typesetting = _PdfJob(
            quarto, build_dir, reports, demo=demo, run_info=run_info, publication=publication
        )
        expected = expected_pdfs(build_dir, reports)
        write_generated_pages(build_dir, reports, pdfs=expected, run_info=run_info)
        write_run_log_include(build_dir)
        write_quarto_config(
            build_dir, reports, demo=demo, run_info=run_info, publication=publication
        )
        clock = time.perf_counter()
        try:
            rendered = _render_quarto(quarto, build_dir, previous_site, messages, calls)
        except Exception:
            typesetting.wait()  # Typst must not write into a build folder being removed
            raise
        seconds["quarto"] = time.perf_counter() - clock
        pdfs = typesetting.result(messages)
        seconds["pdf"] = typesetting.seconds
        if sorted(pdfs) != sorted(expected):
            # a PDF failed (rare): the pages must not link it; render again without the link
            write_generated_pages(build_dir, reports, pdfs=pdfs, run_info=run_info)
            clock = time.perf_counter()
            rendered = _render_quarto(quarto, build_dir, previous_site, messages, calls)
            seconds["quarto"] += time.perf_counter() - clock
        incremental.sync_resources(build_dir, build_dir / "_site")  # PDFs finished meanwhile
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
    return RenderResult(
        engine=used,
        site_dir=site_dir,
        pdfs=site_pdfs,
        messages=messages,
        rendered=rendered,
        seconds=seconds,
        quarto_calls=calls,
    )


class _PdfJob:
    """:func:`build_pdfs` in a thread (its work is Typst in a subprocess, so the GIL is free).

    A daemon thread: a run stopped by a signal does not wait for Typst (the run's clean-up
    ends Quarto's processes)."""

    def __init__(
        self,
        quarto: str,
        build_dir: Path,
        reports: list[YearReport],
        *,
        demo: bool,
        run_info: Mapping[str, Any],
        publication: settings.Publication,
    ) -> None:
        self.messages: list[str] = []
        self.pdfs: list[Path] = []
        self.error: BaseException | None = None
        self.seconds = 0.0

        def work() -> None:
            clock = time.perf_counter()
            try:
                self.pdfs = build_pdfs(
                    quarto,
                    build_dir,
                    reports,
                    demo=demo,
                    run_info=run_info,
                    messages=self.messages,
                    publication=publication,
                )
            except BaseException as error:  # handed to the main thread by result()
                self.error = error
            finally:
                self.seconds = time.perf_counter() - clock

        self._thread = threading.Thread(target=work, name="statusrapport-pdf", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self, messages: list[str]) -> list[Path]:
        """Wait for the PDFs; their messages join ``messages``; an error is raised here."""
        self.wait()
        messages += self.messages
        if self.error is not None:
            raise self.error
        return self.pdfs


def expected_pdfs(build_dir: Path, reports: list[YearReport]) -> list[Path]:
    """The PDFs :func:`build_pdfs` makes or keeps when Typst succeeds: both for every year
    with pages. The pages link these while Typst is still at work (checked afterwards)."""
    return [
        build_dir / report.folder / name
        for report in reports
        if report.pages
        for name in (committee_pdf_name(report.year), pdf_name(report.year))
    ]


def _render_quarto(
    quarto: str,
    build_dir: Path,
    previous_site: Path | None,
    messages: list[str],
    calls: list[str],
) -> list[str] | None:
    """The cheapest correct render: the changed pages (and folders) on a copy of the previous
    site, or a full render when there is no usable previous site or when the cost model of
    :func:`incremental.render_units` finds it cheaper; returns the pages rendered (None: all).
    ``calls`` gets what each ``quarto render`` was given."""
    previous = incremental.read_manifest(previous_site)
    plan = incremental.plan_render(build_dir, previous, quarto_version(quarto))
    site_dir = build_dir / "_site"
    choice = None if plan.full else incremental.render_units(plan.files, list(plan.pages))
    if choice is None or choice.full:
        shutil.rmtree(site_dir, ignore_errors=True)
        calls.append(incremental.WHOLE_SITE)
        messages += [f"Quarto: {w}" for w in render_site(quarto, build_dir)]
        incremental.write_manifest(site_dir, plan)
        return None
    assert previous_site is not None  # a manifest was read from it
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.copytree(previous_site, site_dir, symlinks=True)  # real copies: Quarto rewrites
    incremental.remove_pages(site_dir, plan.removed)
    if choice.units:
        calls += choice.units
        messages += [f"Quarto: {w}" for w in render_files(quarto, build_dir, choice.units)]
    incremental.patch_chrome(site_dir, {incremental.output_of(f) for f in plan.files})
    incremental.sync_resources(build_dir, site_dir)
    incremental.write_manifest(site_dir, plan)
    return plan.files


# Kept importable under their old names for callers outside this package.
_front_matter_of = front_matter_of
_scoreboard_label = scoreboard_label
