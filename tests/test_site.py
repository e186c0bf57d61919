"""The website build: committed Quarto config, generated pages, and the nbconvert preview.

Real Quarto is not needed: the preview is built from a small fake reports tree, and the Quarto
branch is exercised with a stand-in ``quarto`` script that records what it was asked to do.
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "a11y"))

import fake_tree

from statusrapport import config, site
from statusrapport.errors import RenderError

ROOT = Path(__file__).resolve().parents[1]


def build_preview(tmp_path: Path, *, demo: bool = True) -> site.RenderResult:
    build_dir = fake_tree.make_tree(tmp_path / "build", demo=demo)
    return site.build(
        build_dir,
        years=list(fake_tree.YEARS),
        demo=demo,
        run_info=fake_tree.RUN_INFO,
        quiet=True,
        engine="nbconvert",
    )


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> site.RenderResult:
    return build_preview(tmp_path_factory.mktemp("demo"), demo=True)


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def internal_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', text)
    return [
        link
        for link in links
        if not urlsplit(link).scheme and not link.startswith("#") and not link.startswith("//")
    ]


# --- The committed Quarto configuration -----------------------------------------------------


def test_quarto_config_never_executes_and_keeps_notebook_sources_out() -> None:
    cfg = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert cfg["project"]["type"] == "website"
    assert cfg["project"]["output-dir"] == "_site"
    assert cfg["execute"]["enabled"] is False
    assert cfg["execute"]["echo"] is False
    assert cfg["lang"] == "da"
    render = cfg["project"]["render"]
    assert "reports/**/*.ipynb" in render
    assert "!notebooks/" in render
    assert not [r for r in render if r.lstrip("/").startswith("notebooks")]
    for page in ("index.qmd", "metode.qmd", "tilgaengelighed.qmd", "tilbud.qmd"):
        assert page in render
        assert (ROOT / page).exists()
    assert cfg["website"]["navbar"]["search"] is True
    texts = [item["text"] for item in cfg["website"]["navbar"]["left"]]
    assert texts == [
        "Forside",
        "Årsrapporter",
        "Tilbud",
        "Metode og definitioner",
        "Tilgængelighed",
    ]


def test_committed_pages_have_titles_and_metode_includes_key_figures() -> None:
    for page in (
        "index.qmd",
        "aarsrapporter.qmd",
        "tilbud.qmd",
        "metode.qmd",
        "tilgaengelighed.qmd",
    ):
        meta, _ = site.markdown_to_html(
            (ROOT / page).read_text(encoding="utf-8"), base=ROOT, variables={}
        )
        assert meta.get("title"), page
    metode = (ROOT / "metode.qmd").read_text(encoding="utf-8")
    assert "{{< include _noegletal.md >}}" in metode
    assert (ROOT / "_noegletal.md").exists()
    for term in ("L 200", "FLIS", "Spiegelhalter", "Anhøj", "fratrådte", "Fiktive data"):
        assert term in metode


# --- The preview ----------------------------------------------------------------------------


def test_preview_has_a_danish_page_for_every_executed_notebook(demo_site) -> None:
    site_dir = demo_site.site_dir
    build_dir = site_dir.parent
    assert demo_site.engine == "nbconvert"
    assert (site_dir / "index.html").exists()
    notebooks = sorted((build_dir / "reports").rglob("*.ipynb"))
    assert len(notebooks) == 6
    for notebook in notebooks:
        page = site_dir / notebook.relative_to(build_dir).with_suffix(".html")
        assert page.exists(), page
    for page in html_pages(site_dir):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="da">' in text, page
        assert re.search(r"<title>[^<]+</title>", text), page
        assert 'href="#indhold"' in text and 'id="indhold"' in text, page
        assert 'name="viewport"' in text, page


def test_preview_hides_code_parameters_and_stderr(demo_site) -> None:
    for page in html_pages(demo_site.site_dir):
        text = page.read_text(encoding="utf-8")
        assert fake_tree.SECRET not in text, page
        assert "Parameters" not in text, page
        assert "import statusrapport" not in text, page
        assert "report.setup" not in text, page
        assert "UserWarning" not in text, page
        assert "In&nbsp;[" not in text and "In [" not in text, page


def test_preview_figures_get_alt_text_and_caption(demo_site) -> None:
    text = (demo_site.site_dir / "reports/2025/tilsyn.html").read_text(encoding="utf-8")
    assert f'alt="{fake_tree.FIG_ALT}"' in text
    assert f"Figur 1:</strong> {fake_tree.FIG_CAP}" in text
    for page in html_pages(demo_site.site_dir):
        for alt in re.findall(r"<img[^>]*?alt=\"([^\"]*)\"", page.read_text(encoding="utf-8")):
            assert alt.strip()
        assert not re.search(r"<img(?![^>]*\balt=)", page.read_text(encoding="utf-8")), page


def test_preview_links_and_csv_downloads_resolve(demo_site) -> None:
    site_dir = demo_site.site_dir
    csv_links = 0
    for page in html_pages(site_dir):
        for link in internal_links(page):
            path = unquote(urlsplit(link).path)
            target = (page.parent / path).resolve()
            assert target.exists(), f"{page.relative_to(site_dir)} → {link}"
            csv_links += link.endswith(".csv")
    assert csv_links >= 6
    assert (site_dir / "reports/2025/tilbud/tabeller/t01-score.csv").exists()


def test_preview_footer_banner_and_navigation(demo_site) -> None:
    for page in html_pages(demo_site.site_dir):
        text = page.read_text(encoding="utf-8")
        assert "Data: 2019–2025" in text, page
        assert "22. november 2026" in text, page
        assert config.DEMO_LABEL in text, page
        assert "Tilgængelighedserklæring" in text, page


def test_preview_without_demo_has_no_banner(tmp_path: Path) -> None:
    result = build_preview(tmp_path, demo=False)
    for page in html_pages(result.site_dir):
        text = page.read_text(encoding="utf-8")
        assert "site-banner" not in text and "demo-banner" not in text, page
    cfg = yaml.safe_load((result.site_dir.parent / "_quarto.yml").read_text(encoding="utf-8"))
    assert "announcement" not in cfg["website"]


def test_preview_front_page_shows_newest_year_and_scoreboard(demo_site) -> None:
    text = (demo_site.site_dir / "index.html").read_text(encoding="utf-8")
    assert "Statusrapport 2025" in text
    assert 'href="reports/2025/tilsyn.html"' in text
    assert "<caption>Målopfyldelse</caption>" in text
    assert 'href="reports/2025/tabeller/maal-resume.csv"' in text
    years = (demo_site.site_dir / "aarsrapporter.html").read_text(encoding="utf-8")
    assert years.index("Statusrapport 2025") < years.index("Statusrapport 2024")


def test_preview_year_page_lists_pages_in_menu_order(demo_site) -> None:
    text = (demo_site.site_dir / "reports/2025/index.html").read_text(encoding="utf-8")
    order = [text.index(f'href="{stem}.html"') for stem in ("resume", "tilsyn", "sygefravaer")]
    assert order == sorted(order)
    assert 'href="noegletal.csv"' in text
    assert 'href="tilbud/index.html"' in text


def test_preview_facility_listing_filters_on_target_group(demo_site) -> None:
    text = (demo_site.site_dir / "tilbud.html").read_text(encoding="utf-8")
    for _, name, group in fake_tree.FACILITIES:
        assert name in text
        assert f'<option value="{group}">' in text
    assert "sortable" in text
    assert 'href="reports/2025/tilbud/T01.html"' in text


def test_preview_prints_how_to_get_quarto(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(build_dir, years=[2025], demo=True, run_info=fake_tree.RUN_INFO)
    out = capsys.readouterr().out
    assert result.engine == "nbconvert"
    assert "Quarto blev ikke fundet" in out
    assert "conda env create -f environment.yml" in out
    assert site.QUARTO_MISSING in result.messages


# --- Generated Quarto sources ---------------------------------------------------------------


def test_generated_quarto_config_has_years_footer_and_banner(demo_site) -> None:
    build_dir = demo_site.site_dir.parent
    cfg = yaml.safe_load((build_dir / "_quarto.yml").read_text(encoding="utf-8"))
    website = cfg["website"]
    assert website["announcement"]["content"].startswith(f"**{config.DEMO_LABEL}.**")
    assert website["announcement"]["position"] == "below-navbar"
    assert "2019–2025" in website["page-footer"]["center"]
    menu = next(i for i in website["navbar"]["left"] if i["text"] == "Årsrapporter")["menu"]
    assert [m["href"] for m in menu] == [
        "aarsrapporter.qmd",
        "reports/2025/index.qmd",
        "reports/2024/index.qmd",
    ]
    assert [s["title"] for s in website["sidebar"]] == ["Statusrapport 2025", "Statusrapport 2024"]
    assert cfg["execute"]["enabled"] is False
    variables = yaml.safe_load((build_dir / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["data_period"] == "2019–2025"
    assert variables["maal"]["tilsyn_min"] == "3,8"


def test_generated_listing_and_profile_categories(demo_site) -> None:
    build_dir = demo_site.site_dir.parent
    text = (build_dir / "tilbud.qmd").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["listing"]["type"] == "table"
    assert meta["listing"]["contents"] == "reports/2025/tilbud/*.ipynb"
    assert "maalgruppe" in meta["listing"]["fields"]
    assert site.front_matter(build_dir / "reports/2025/tilbud/T02.ipynb")["categories"] == [
        "autisme"
    ]
    assert "{{< embed reports/2025/resume.ipynb#tbl-maalopfyldelse >}}" in (
        build_dir / "_forside-aktuelt.md"
    ).read_text(encoding="utf-8")


def test_sources_are_copied_but_never_notebooks(demo_site) -> None:
    build_dir = demo_site.site_dir.parent
    for name in ("_quarto.yml", "index.qmd", "metode.qmd", "_noegletal.md", "theme.scss"):
        assert (build_dir / name).exists(), name
    assert not (build_dir / "notebooks").exists()


def test_combined_notebook_for_the_pdf(demo_site) -> None:
    build_dir = demo_site.site_dir.parent
    reports = site.discover(build_dir, [2025], [])
    nb = site.combined_notebook(build_dir, reports[0], demo=True, run_info=fake_tree.RUN_INFO)
    meta = site._front_matter_of(nb)
    assert meta["format"]["typst"]["papersize"] == "a4"
    assert meta["execute"]["enabled"] is False
    headings = [c.source for c in nb.cells if c.source.startswith("# ")]
    assert headings == ["# Resumé 2025", "# Tilsyn og kvalitet 2025", "# Sygefravær 2025"]
    tags = [t for c in nb.cells for t in c.get("metadata", {}).get("tags", [])]
    assert "injected-parameters" not in tags
    assert config.DEMO_LABEL in nb.cells[1].source


# --- The Quarto branch, with a stand-in quarto --------------------------------------------


def fake_quarto(folder: Path, *, version: str = "1.9.38", fail_site: bool = False) -> Path:
    """A ``quarto`` that writes a minimal site and fails at Typst (no real toolchain here)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo {version}; exit 0; fi\n'
        f'echo "$@" >> "{folder}/calls.log"\n'
        'if [ "$3" = "--to" ]; then echo "typst: compile error" >&2; exit 1; fi\n'
        + ('echo "ERROR: render failed" >&2; exit 1\n' if fail_site else "")
        + 'mkdir -p "$2/_site" && echo "<html lang=da></html>" > "$2/_site/index.html"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_quarto_branch_renders_site_and_reports_failed_pdf(tmp_path: Path, monkeypatch) -> None:
    bin_dir = fake_quarto(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(
        build_dir, years=[2024, 2025], demo=True, run_info=fake_tree.RUN_INFO, quiet=True
    )
    assert result.engine == "quarto"
    assert result.pdfs == []
    assert any("PDF for 2025 kunne ikke dannes" in m for m in result.messages)
    calls = (bin_dir / "calls.log").read_text(encoding="utf-8")
    assert f"render {build_dir}" in calls
    assert "--to typst" in calls


def test_old_quarto_falls_back_to_preview(tmp_path: Path, monkeypatch) -> None:
    bin_dir = fake_quarto(tmp_path / "bin", version="1.4.550")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(
        build_dir, years=[2025], demo=False, run_info=fake_tree.RUN_INFO, quiet=True
    )
    assert result.engine == "nbconvert"
    assert any("for gammel" in m for m in result.messages)


def test_failing_quarto_raises_render_error(tmp_path: Path, monkeypatch) -> None:
    bin_dir = fake_quarto(tmp_path / "bin", fail_site=True)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    build_dir = fake_tree.make_tree(tmp_path / "build")
    with pytest.raises(RenderError, match="render failed"):
        site.build(build_dir, years=[2025], demo=False, run_info=fake_tree.RUN_INFO, quiet=True)


def test_cell_options_and_danish_date() -> None:
    cell = {"source": '#| label: fig-x\n#| fig-alt: "Et diagram"\nplt.show()'}
    assert site.cell_options(cell) == {"label": "fig-x", "fig-alt": "Et diagram"}
    assert site.cell_options({"source": "x = 1"}) == {}
    assert site.danish_date("2026-01-05") == "5. januar 2026"
    assert site.rebase_links('<a href="tabeller/a.csv">', "reports/2025") == (
        '<a href="reports/2025/tabeller/a.csv">'
    )
    assert site.rebase_links('<a href="https://x.dk/a">', "r") == '<a href="https://x.dk/a">'


def test_run_log_table_newest_first_and_tolerates_a_cut_line():
    lines = [
        '{"start": "2026-11-20T02:30:00+00:00", "year": 2025, "run": 43, "skipped": 0,'
        ' "failed": [], "seconds": 51.2, "exit_code": 0, "published": true}',
        '{"start": "2026-11-21T02:30:00+00:00", "year": 2025, "run": 1, "skipped": 42,'
        ' "failed": [{"notebook": "x"}], "seconds": 9.0, "exit_code": 3, "published": false}',
        '{"start": "2026-11-22T02:30:00+00:00", "year": 2025, "run": 0, "skipped": 43,'
        ' "failed": [], "seconds": 1.9, "exit_code": 0, "published": false}',
        '{"start": "2026-11-23T02:3',
    ]
    text = site.run_log_markdown(lines)
    rows = [r for r in text.splitlines() if r.startswith("| 2")]
    assert rows[0].startswith("| 22.11.2026 kl. 02:30 | 2025 | 0 | 43 | 0 | 2 s | intet ændret |")
    assert rows[1].endswith("| fejl i en notebook |") and "| 1 | 42 | 1 |" in rows[1]
    assert rows[2].endswith("| offentliggjort |")
    assert site.run_log_markdown([]) == "Der er endnu ikke registreret nogen kørsler.\n"
