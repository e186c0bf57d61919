"""Incremental rendering: which pages a run renders, and the shared menu and footer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from statusrapport.site import incremental

sys.path.insert(0, str(Path(__file__).parents[1] / "a11y"))  # fake_tree: a fake build folder

CONFIG = {
    "project": {
        "type": "website",
        "render": ["index.qmd", "metode.qmd", "reports/**/index.qmd", "reports/**/*.ipynb"],
    },
    "website": {
        "navbar": {
            "left": [
                {"text": "Forside", "href": "index.qmd"},
                {
                    "text": "Årsrapporter",
                    "menu": [{"text": "2025", "href": "reports/2025/index.qmd"}],
                },
            ]
        },
        "sidebar": [
            {"id": "aar-2025", "contents": ["reports/2025/index.qmd", "reports/2025/tilsyn.ipynb"]}
        ],
        "page-footer": {"left": "KK", "center": "Data: 2025 · Opdateret 1. december 2026"},
    },
    "format": {"html": {"theme": ["cosmo", "theme.scss"]}},
}


def _project(root: Path) -> Path:
    (root / "reports" / "2025").mkdir(parents=True)
    (root / "_quarto.yml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True))
    (root / "theme.scss").write_text("/*-- scss:defaults --*/\n")
    (root / "_variables.yml").write_text("run_date: 1. december 2026\n")
    (root / "_forside.md").write_text("Nyeste år: 2025\n")
    (root / "index.qmd").write_text("{{< include _forside.md >}}\n{{< var run_date >}}\n")
    (root / "metode.qmd").write_text("# Metode\n")
    (root / "reports" / "2025" / "index.qmd").write_text("# 2025\n")
    (root / "reports" / "2025" / "tilsyn.ipynb").write_text('{"cells": []}')
    return root


def _after_render(root: Path, plan: incremental.RenderPlan) -> dict:
    site = root / "_site"
    site.mkdir(exist_ok=True)
    incremental.write_manifest(site, plan)
    return incremental.read_manifest(site)


def test_first_render_is_full_then_nothing_then_only_what_changed(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = incremental.plan_render(root, {}, "1.11.0")
    assert first.full and "reports/2025/tilsyn.ipynb" in first.files
    previous = _after_render(root, first)

    assert incremental.plan_render(root, previous, "1.11.0").files == []

    (root / "reports" / "2025" / "tilsyn.ipynb").write_text('{"cells": [1]}')
    one = incremental.plan_render(root, previous, "1.11.0")
    assert not one.full and one.files == ["index.qmd", "reports/2025/tilsyn.ipynb"]

    (root / "_forside.md").write_text("Nyeste år: 2026\n")  # an include changed
    assert "index.qmd" in incremental.plan_render(root, previous, "1.11.0").files


def test_variables_theme_quarto_version_and_removed_pages(tmp_path: Path) -> None:
    root = _project(tmp_path)
    previous = _after_render(root, incremental.plan_render(root, {}, "1.11.0"))
    (root / "_variables.yml").write_text("run_date: 2. december 2026\n")
    assert incremental.plan_render(root, previous, "1.11.0").files == ["index.qmd"]
    assert incremental.plan_render(root, previous, "1.12.0").full
    (root / "theme.scss").write_text("/*-- scss:defaults --*/\n$primary: red;\n")
    assert incremental.plan_render(root, previous, "1.11.0").full

    root2 = _project(tmp_path / "b")
    previous = _after_render(root2, incremental.plan_render(root2, {}, "1.11.0"))
    (root2 / "reports" / "2025" / "tilsyn.ipynb").unlink()
    plan = incremental.plan_render(root2, previous, "1.11.0")
    assert plan.removed == ["reports/2025/tilsyn.ipynb"]


def test_a_new_year_renders_its_pages_not_the_archive(tmp_path: Path) -> None:
    """The year menu and a new sidebar are not a full render; the old year's pages stay."""
    root = _project(tmp_path)
    previous = _after_render(root, incremental.plan_render(root, {}, "1.11.0"))
    (root / "reports" / "2026").mkdir()
    (root / "reports" / "2026" / "index.qmd").write_text("# 2026\n")
    cfg = json.loads(json.dumps(CONFIG))
    cfg["website"]["navbar"]["left"][1]["menu"].insert(
        0, {"text": "2026", "href": "reports/2026/index.qmd"}
    )
    cfg["website"]["sidebar"].append({"id": "aar-2026", "contents": ["reports/2026/index.qmd"]})
    cfg["website"]["page-footer"]["center"] = "Data: 2025–2026 · Opdateret 1. januar 2027"
    (root / "_quarto.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True))
    plan = incremental.plan_render(root, previous, "1.11.0")
    assert not plan.full
    assert plan.files == ["index.qmd", "reports/2026/index.qmd"]


PAGE = """<html><body><nav>
<ul class="dropdown-menu" aria-labelledby="nav-menu-rsrapporter">
<li><a class="dropdown-item" href="{p}aarsrapporter.html">Alle år</a></li>
{items}</ul></nav>
<main>{main}</main>
<div class="nav-footer-center">
<p>{footer}</p>
</div><a href="https://example.org/">ekstern</a></body></html>"""


def _page(prefix: str, years: list[int], footer: str, main: str) -> str:
    items = "".join(
        f'<li><a class="dropdown-item" href="{prefix}reports/{y}/index.html">{y}</a></li>\n'
        for y in years
    )
    return PAGE.format(p=prefix, items=items, footer=footer, main=main)


def test_patch_chrome_gives_unrendered_pages_the_new_menu_and_footer(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    (site / "reports" / "2025").mkdir(parents=True)
    (site / "index.html").write_text(_page("./", [2026, 2025], "Data: 2025–2026", "forside"))
    old = site / "reports" / "2025" / "tilsyn.html"
    old.write_text(_page("../../", [2025], "Data: 2025", "tilsyn 2025"))
    rendered = site / "reports" / "2025" / "index.html"
    rendered.write_text("rendered this run")
    assert incremental.patch_chrome(site, {"reports/2025/index.html"}) == 1
    assert old.read_text() == _page("../../", [2026, 2025], "Data: 2025–2026", "tilsyn 2025")
    assert rendered.read_text() == "rendered this run"
    # a second patch changes nothing
    assert incremental.patch_chrome(site, {"reports/2025/index.html"}) == 0


def test_sync_resources_and_removed_pages_leave_search(tmp_path: Path) -> None:
    build, site = tmp_path / "build", tmp_path / "_site"
    (build / "reports" / "2025" / "tabeller").mkdir(parents=True)
    (build / "reports" / "2025" / "tabeller" / "a.csv").write_text("x\n1\n")
    (build / "reports" / "2025" / ".pdf-kilder.sha256").write_text("h")
    (site / "reports" / "2025" / "tilbud").mkdir(parents=True)
    assert incremental.sync_resources(build, site) == 1
    assert incremental.sync_resources(build, site) == 0
    assert not (site / "reports" / "2025" / ".pdf-kilder.sha256").exists()
    closed = site / "reports" / "2025" / "tilbud" / "T9.html"
    closed.write_text("x")
    entries = [{"href": "reports/2025/tilbud/T9.html#x"}, {"href": "index.html"}]
    (site / "search.json").write_text(json.dumps(entries))
    incremental.remove_pages(site, ["reports/2025/tilbud/T9.ipynb"])
    assert not closed.exists()
    assert json.loads((site / "search.json").read_text()) == [{"href": "index.html"}]


def _archive(years: range, facilities: int) -> list[str]:
    """The render targets of an archive: 5 top pages, per year an index, 10 pages, a facility
    list and a profile per facility (the shape ``sources`` writes)."""
    pages = ["aarsrapporter.qmd", "index.qmd", "metode.qmd", "tilbud.qmd", "tilgaengelighed.qmd"]
    for year in years:
        pages += [f"reports/{year}/index.qmd", f"reports/{year}/tilbud/index.qmd"]
        pages += [f"reports/{year}/side{i}.ipynb" for i in range(10)]
        pages += [f"reports/{year}/tilbud/T{i:02d}.ipynb" for i in range(facilities)]
    return sorted(pages)


def test_render_units_one_facility_is_one_call_per_page() -> None:
    pages = _archive(range(2025, 2026), 36)
    one = ["index.qmd", "reports/2025/tilbud/T07.ipynb"]
    choice = incremental.render_units(one, pages)
    assert choice.units == one and not choice.full
    assert choice.seconds == 2 * (incremental.CALL_SECONDS + incremental.PAGE_SECONDS)
    assert incremental.render_units([], pages).units == []


def test_render_units_renders_a_mostly_changed_folder_in_one_call() -> None:
    """19 of 36 profiles: their folder once (unchanged profiles render to the same HTML)
    costs less than 19 calls; the front page stays a call of its own in a 7-year archive."""
    pages = _archive(range(2019, 2026), 36)
    files = ["index.qmd"] + [f"reports/2025/tilbud/T{i:02d}.ipynb" for i in range(19)]
    choice = incremental.render_units(files, pages)
    assert choice.units == ["reports/2025/tilbud", "index.qmd"]
    few = ["index.qmd"] + [f"reports/2025/tilbud/T{i:02d}.ipynb" for i in range(3)]
    assert incremental.render_units(few, pages).units == few


def test_render_units_chooses_a_full_render_when_it_is_cheaper() -> None:
    """A correction touching pages all over a one-year site (front page, method page, year
    pages, 19 profiles) is one full render; the same correction in a 7-year archive is not
    (the other years' pages would be rendered for nothing), and a year re-run there is its
    folder plus the top pages."""
    correction = [
        "index.qmd",
        "metode.qmd",
        "tilbud.qmd",
        "tilgaengelighed.qmd",
        "reports/2025/side1.ipynb",
        "reports/2025/side2.ipynb",
        "reports/2025/side3.ipynb",
        "reports/2025/tilbud/index.qmd",
        *(f"reports/2025/tilbud/T{i:02d}.ipynb" for i in range(19)),
    ]
    one_year = incremental.render_units(correction, _archive(range(2025, 2026), 36))
    assert one_year.full and one_year.units == [incremental.WHOLE_SITE]
    archive = _archive(range(2019, 2026), 36)
    in_archive = incremental.render_units(correction, archive)
    assert not in_archive.full
    assert in_archive.units[0] in ("reports/2025", "reports/2025/tilbud")  # the year's own
    assert "index.qmd" in in_archive.units and not any("2024" in u for u in in_archive.units)
    full_cost = incremental.CALL_SECONDS + incremental.PAGE_SECONDS * len(archive)
    assert in_archive.seconds < full_cost
    year = ["index.qmd", "metode.qmd"] + [p for p in archive if p.startswith("reports/2025/")]
    rerun = incremental.render_units(year, archive)
    assert rerun.units == ["reports/2025", "index.qmd", "metode.qmd"]


# --- the render's schedule: PDFs beside the HTML render, the intruder test beside both ----


def _fake_quarto(monkeypatch, pdfs_made: bool) -> dict:
    """``site.build`` with Quarto and Typst replaced by recorders (no real render)."""
    import threading

    from statusrapport import site

    seen: dict = {"renders": [], "pdf_thread": None, "links": []}

    def fake_pdfs(quarto, build_dir, reports, *, messages, **_):
        seen["pdf_thread"] = threading.current_thread().name
        if not pdfs_made:
            messages.append("PDF-filen kunne ikke dannes med Typst")
            return []
        made = site.expected_pdfs(build_dir, reports)
        for path in made:
            path.write_bytes(b"%PDF-1.7 ny")
        return made

    def fake_render(quarto, build_dir):
        year_page = (build_dir / "reports" / "2025" / "index.qmd").read_text(encoding="utf-8")
        seen["renders"].append(threading.current_thread().name)
        seen["links"].append(".pdf" in year_page)
        out = build_dir / "_site" / "reports" / "2025"
        out.mkdir(parents=True, exist_ok=True)
        (build_dir / "_site" / "index.html").write_text("<html></html>", encoding="utf-8")
        return []

    monkeypatch.setattr(site, "find_quarto", lambda messages: "quarto")
    monkeypatch.setattr(site, "quarto_version", lambda exe: "1.11.0")
    monkeypatch.setattr(site, "build_pdfs", fake_pdfs)
    monkeypatch.setattr(site, "render_site", fake_render)
    return seen


def _build(tmp_path: Path):
    import fake_tree

    return fake_tree.build_site(fake_tree.make_tree(tmp_path / "build"), engine="quarto")


def test_pdfs_are_typeset_beside_the_render_and_published_with_it(
    tmp_path: Path, monkeypatch
) -> None:
    seen = _fake_quarto(monkeypatch, pdfs_made=True)
    result = _build(tmp_path)
    assert seen["pdf_thread"] == "statusrapport-pdf"  # not the thread that ran Quarto
    assert seen["renders"] == ["MainThread"] and seen["links"] == [True]
    assert result.quarto_calls == [incremental.WHOLE_SITE]
    assert len(result.pdfs) == 4  # two years, two PDFs each
    for pdf in result.pdfs:  # finished after Quarto copied the resources: synced afterwards
        assert pdf.read_bytes() == b"%PDF-1.7 ny", pdf


def test_a_failed_pdf_renders_the_pages_again_without_its_link(tmp_path: Path, monkeypatch) -> None:
    seen = _fake_quarto(monkeypatch, pdfs_made=False)
    result = _build(tmp_path)
    assert seen["links"] == [True, False]  # linked while Typst worked; then rendered without
    assert result.pdfs == []
    assert any("Typst" in m for m in result.messages)
    year_page = (result.site_dir.parent / "reports" / "2025" / "index.qmd").read_text()
    assert ".pdf" not in year_page


def test_intruder_test_runs_beside_the_render_and_its_exit_6_wins(monkeypatch) -> None:
    import threading

    from statusrapport.errors import ExitCode
    from statusrapport.pipeline import steps
    from statusrapport.pipeline.runlog import Log, RunEnded, RunRecord

    threads: dict[str, str] = {}

    def intruder(runs, log, fail: bool = False) -> None:
        threads["intruder"] = threading.current_thread().name
        if fail:
            raise RunEnded(ExitCode.DISCLOSURE)

    def render(run, record, log, fail: bool = False) -> None:
        threads["render"] = threading.current_thread().name
        if fail:
            raise RunEnded(ExitCode.RENDER_FAILED)

    record, log = RunRecord(start="nu"), Log(quiet=True)
    monkeypatch.setattr(steps, "intruder_test", intruder)
    monkeypatch.setattr(steps, "render_site", render)
    steps.check_and_render([], None, record, log)  # type: ignore[arg-type]
    assert threads == {"intruder": "statusrapport-intruder", "render": "MainThread"}

    monkeypatch.setattr(steps, "intruder_test", lambda r, lg: intruder(r, lg, fail=True))
    for render_fails in (False, True):
        monkeypatch.setattr(steps, "render_site", lambda *a, f=render_fails: render(*a, fail=f))
        try:
            steps.check_and_render([], None, record, log)  # type: ignore[arg-type]
        except RunEnded as end:
            assert end.code == ExitCode.DISCLOSURE
        else:
            raise AssertionError("the intruder test's failure was lost")


def test_a_page_follows_the_variables_it_shows_not_the_whole_file(tmp_path: Path) -> None:
    """A new input hash in ``_variables.yml`` re-renders only the pages that show it; a
    variable used in an include counts for the page that includes it."""
    root = _project(tmp_path)
    (root / "_variables.yml").write_text("run_date: 1. december 2026\ninput_hash: aaa\n")
    (root / "metode.qmd").write_text("# Metode\n{{< var input_hash >}}\n")
    (root / "_forside.md").write_text("Nyeste år: 2025, {{< var maal.tilsyn >}}\n")
    (root / "reports" / "2025" / "index.qmd").write_text("# 2025\n{{< var run_date >}}\n")
    previous = _after_render(root, incremental.plan_render(root, {}, "1.11.0"))
    (root / "_variables.yml").write_text("run_date: 1. december 2026\ninput_hash: bbb\n")
    assert incremental.plan_render(root, previous, "1.11.0").files == ["index.qmd", "metode.qmd"]
    (root / "_variables.yml").write_text(
        "run_date: 1. december 2026\ninput_hash: aaa\nmaal:\n  tilsyn: '3,9'\n"
    )
    assert incremental.plan_render(root, previous, "1.11.0").files == ["index.qmd"]


def test_a_failed_render_waits_for_typst_before_the_build_folder_goes(
    tmp_path: Path, monkeypatch
) -> None:
    import threading

    import pytest

    from statusrapport import site
    from statusrapport.errors import RenderError

    _fake_quarto(monkeypatch, pdfs_made=True)
    release, done = threading.Event(), threading.Event()

    def slow_pdfs(*args, **kwargs):
        release.wait(timeout=60)
        done.set()
        return []

    def failing_render(quarto, build_dir):
        release.set()
        raise RenderError("Quarto kunne ikke bygge websitet")

    monkeypatch.setattr(site, "build_pdfs", slow_pdfs)
    monkeypatch.setattr(site, "render_site", failing_render)
    with pytest.raises(RenderError):
        _build(tmp_path)
    assert done.is_set()  # Typst had finished when the error left build()


def test_a_later_run_renders_by_cost_on_the_published_site(tmp_path: Path, monkeypatch) -> None:
    """With a published site: one changed page is a call for it and the front page on a copy
    of that site; pages changed all over the site are one full render (``"."``)."""
    import shutil

    import fake_tree
    import nbformat

    from statusrapport import site

    _fake_quarto(monkeypatch, pdfs_made=True)
    units: list[list[str]] = []

    def fake_files(quarto, build_dir, given):
        units.append(list(given))
        return []

    monkeypatch.setattr(site, "render_files", fake_files)
    first = _build(tmp_path / "a")
    published = tmp_path / "published"
    shutil.copytree(first.site_dir, published)

    def rebuild(folder: Path, stems: list[str]) -> site.RenderResult:
        build_dir = folder / "build"  # the first run's folder (fake_tree's cell ids are random)
        shutil.copytree(first.site_dir.parent, build_dir, ignore=shutil.ignore_patterns("_site"))
        for stem in stems:
            path = build_dir / "reports" / stem
            nb = nbformat.read(path, as_version=4)
            nb.cells.append(nbformat.v4.new_markdown_cell("Rettet."))
            nbformat.write(nb, path)
        return fake_tree.build_site(build_dir, engine="quarto", previous_site=published)

    one = rebuild(tmp_path / "b", ["2025/tilsyn.ipynb"])
    assert one.quarto_calls == ["index.qmd", "reports/2025/tilsyn.ipynb"] == units[-1]
    assert one.rendered == ["index.qmd", "reports/2025/tilsyn.ipynb"]
    every = [
        p.relative_to(tmp_path / "b" / "build" / "reports").as_posix()
        for p in sorted((tmp_path / "b" / "build" / "reports").rglob("*.ipynb"))
    ]
    folder = rebuild(tmp_path / "c", every)  # this small site: its reports folder, front page
    assert folder.quarto_calls == ["reports", "index.qmd"] == units[-1]
    monkeypatch.setattr(incremental, "CALL_SECONDS", 100.0)  # calls dear: one call is cheapest
    many = rebuild(tmp_path / "d", every)
    assert many.quarto_calls == [incremental.WHOLE_SITE] and many.rendered is None
    assert len(units) == 2  # the full render went through render_site, not render_files
