"""The website build without Quarto: committed config, generated Quarto sources, the PDFs'
notebooks, the facility comparison and the nbconvert preview. Real Quarto: test_site_quarto.py.

The Quarto branch is also exercised with a stand-in ``quarto`` script that records what it was
asked to do (fast, and it checks the failure paths that real Quarto rarely takes).
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "a11y"))

import fake_tree

from statusrapport import config, report, site
from statusrapport.errors import RenderError
from statusrapport.site import facilities, pdf, sources, templating

ROOT = Path(__file__).resolve().parents[2]


def build_preview(tmp_path: Path, *, demo: bool = True) -> site.RenderResult:
    build_dir = fake_tree.make_tree(tmp_path / "build", demo=demo)
    return fake_tree.build_site(build_dir, demo=demo)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> site.RenderResult:
    return build_preview(tmp_path_factory.mktemp("demo"), demo=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder with the Quarto sources written (what ``build`` does before rendering)."""
    build_dir = fake_tree.make_tree(tmp_path_factory.mktemp("sources") / "build")
    site.copy_sources(ROOT, build_dir)
    reports = site.discover(build_dir, fake_tree.YEARS, [])
    sources.write_variables(build_dir, reports, fake_tree.RUN_INFO)
    pdfs = [
        build_dir / "reports/2025" / site.pdf_name(2025),
        build_dir / "reports/2025" / site.committee_pdf_name(2025),
    ]
    sources.write_generated_pages(build_dir, reports, pdfs=pdfs)
    sources.write_quarto_config(build_dir, reports, demo=True, run_info=fake_tree.RUN_INFO)
    return build_dir


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


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


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
    assert "reports/**/*.pdf" in cfg["project"]["resources"]
    texts = [item["text"] for item in cfg["website"]["navbar"]["left"]]
    assert texts == [
        "Forside",
        "Årsrapporter",
        "Tilbud",
        "Metode og definitioner",
        "Tilgængelighed",
    ]


def test_committed_pages_have_titles_and_metode_includes_key_figures() -> None:
    for page in ("index.qmd", "aarsrapporter.qmd", "tilbud.qmd", "metode.qmd"):
        assert front(ROOT / page).get("title"), page
    metode = (ROOT / "metode.qmd").read_text(encoding="utf-8")
    assert "{{< include _noegletal.md >}}" in metode
    for term in ("L 200", "FLIS", "Spiegelhalter", "Anhøj", "fratrådte", "Fiktive data"):
        assert term in metode


def test_templates_ship_with_the_package_and_autoescape() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"site/templates/*"' in pyproject
    env = templating.environment()
    assert env.autoescape("x.html.j2") is True
    out = templating.render("figure_caption.html.j2", number=1, caption="<b>{{< var x >}}</b>")
    assert "<b>" not in out and "{{<" not in out and "&lt;b&gt;" in out


# --- Generated Quarto sources ---------------------------------------------------------------


def test_generated_config_has_years_footer_and_banner(generated: Path) -> None:
    cfg = yaml.safe_load((generated / "_quarto.yml").read_text(encoding="utf-8"))
    website = cfg["website"]
    assert website["announcement"]["content"].startswith(f"**{config.DEMO_LABEL}.**")
    assert "2019–2025" in website["page-footer"]["center"]
    menu = next(i for i in website["navbar"]["left"] if i["text"] == "Årsrapporter")["menu"]
    assert [m["href"] for m in menu] == [
        "aarsrapporter.qmd",
        "reports/2025/index.qmd",
        "reports/2024/index.qmd",
    ]
    assert [s["title"] for s in website["sidebar"]] == ["Statusrapport 2025", "Statusrapport 2024"]
    variables = yaml.safe_load((generated / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["data_period"] == "2019–2025"
    assert variables["maal"]["tilsyn_min"] == "3,8"


def test_year_page_links_both_pdfs_pages_in_order_and_downloads(generated: Path) -> None:
    text = (generated / "reports/2025/index.qmd").read_text(encoding="utf-8")
    assert f"({site.committee_pdf_name(2025)})" in text
    assert f"({site.pdf_name(2025)})" in text
    order = [text.index(f"({stem}.ipynb)") for stem in ("resume", "tilsyn", "sygefravaer")]
    assert order == sorted(order)
    assert "(noegletal.csv)" in text and "(tilbud/index.qmd)" in text
    assert site.pdf_name(2024) not in (generated / "reports/2024/index.qmd").read_text()
    front_page = (generated / "_forside-aktuelt.md").read_text(encoding="utf-8")
    assert "{{< embed reports/2025/resume.ipynb#tbl-maalopfyldelse >}}" in front_page
    assert f"reports/2025/{site.committee_pdf_name(2025)}" in front_page


def test_no_generated_page_is_a_listing_without_a_safe_date_format(generated: Path) -> None:
    """With ``lang: da`` Quarto's default listing date breaks the page (kit README)."""
    for page in generated.rglob("*.qmd"):
        meta = front(page) or {}
        listing = meta.get("listing")
        for item in listing if isinstance(listing, list) else [listing] if listing else []:
            assert item.get("date-format") == sources.LISTING_DATE_FORMAT, page


def test_facility_pages_are_comparison_tables(generated: Path) -> None:
    newest = (generated / "tilbud.qmd").read_text(encoding="utf-8")
    assert front(generated / "tilbud.qmd")["title"] == "Tilbud"
    assert "```{=html}" in newest and "listing" not in newest
    assert 'href="reports/2025/tilbud/T01.html"' in newest
    assert "[2024]" not in newest  # 2024 has no profiles
    year_page = (generated / "reports/2025/tilbud/index.qmd").read_text(encoding="utf-8")
    assert 'href="T01.html"' in year_page
    assert "Tilbudsprofil 2025" not in newest  # no repeated description column


def test_comparison_rows_format_suppress_and_count_targets() -> None:
    reports = [
        site.YearReport(
            2025,
            (),
            tuple(
                site.ProfilePage(i, name, "", group, Path(f"reports/2025/tilbud/{i}.ipynb"))
                for i, name, group in fake_tree.FACILITIES
            ),
        )
    ]
    rows = {r.name: r for r in facilities.rows(reports[0], fake_tree.key_figures(2025), prefix="")}
    first, second = rows["Bostedet Ved Søerne"], rows["Autismecenter Nord"]
    assert [c.text for c in first.cells] == ["4,18", "5,5\u00a0%", "13,3\u00a0%", "2 af 3"]
    assert [c.text for c in second.cells] == ["–", "12,3\u00a0%", "udeladt", "2 af 2"]
    assert second.cells[2].suppressed and second.cells[2].sort is None
    assert first.cells[3].sort == pytest.approx(2 / 3)
    markup = facilities.table_html(reports[0], fake_tree.key_figures(2025), prefix="x/")
    assert markup.count('<td class="tal') == 8
    assert markup.count('<th scope="col" class="tal">') == 4
    assert 'data-sort="4.18"' in markup
    assert "udeladt</em>: tallet vises ikke" in markup
    assert '<option value="autisme">' in markup


def test_comparison_table_escapes_facility_names() -> None:
    hostile = site.ProfilePage(
        "X1", "<script>alert(1)</script>{{< include /etc/passwd >}}", "", "a&b", Path("x/X1.ipynb")
    )
    markup = facilities.table_html(site.YearReport(2025, (), (hostile,)), {}, prefix="")
    assert "<script>" not in markup and "{{<" not in markup
    assert "&lt;script&gt;" in markup and "a&amp;b" in markup


# --- The PDFs' notebooks --------------------------------------------------------------------


def _no_duplicate_ids(nb: nbformat.NotebookNode) -> None:
    ids = [c["id"] for c in nb.cells]
    assert len(ids) == len(set(ids))


def test_full_pdf_notebook_has_every_page_unique_ids_and_no_warning(generated: Path) -> None:
    reports = site.discover(generated, [2025], [])
    with _no_warnings():
        nb = site.combined_notebook(generated, reports[0], demo=True, run_info=fake_tree.RUN_INFO)
        nbformat.validate(nb)
    _no_duplicate_ids(nb)
    meta = site.front_matter_of(nb)
    assert meta["format"]["typst"]["papersize"] == "a4"
    assert meta["execute"]["enabled"] is False
    headings = [c.source for c in nb.cells if c.source.startswith("# ")]
    assert headings == ["# Resumé 2025", "# Tilsyn og kvalitet 2025", "# Sygefravær 2025"]
    tags = [t for c in nb.cells for t in c.get("metadata", {}).get("tags", [])]
    assert "injected-parameters" not in tags
    assert config.DEMO_LABEL in nb.cells[1].source
    assert not any("demo-banner" in str(c.get("outputs", "")) for c in nb.cells)
    header = meta["format"]["typst"]["include-in-header"][0]["text"]
    assert config.DEMO_LABEL in header and "counter(page)" in header


def test_committee_notebook_picks_resume_figure_and_table_per_theme(generated: Path) -> None:
    reports = site.discover(generated, [2025], [])
    with _no_warnings():
        nb = site.committee_notebook(generated, reports[0], demo=False, run_info={})
    _no_duplicate_ids(nb)
    headings = [c.source.splitlines()[0] for c in nb.cells if re.match(r"#+ ", c.source)]
    assert headings == [
        "# Resumé",  # the fake resumé has no ranked messages: its text stands in
        "# Nøgletal og temaer 2025",
        "## Tilsyn og kvalitet",
        "## Sygefravær",
        "# Læs mere",
    ]
    assert "KØBENHAVNS KOMMUNE" in nb.cells[1].source and "Mødedato:" in nb.cells[1].source
    theme = [c for c in nb.cells if c.source.startswith("#| label: fig-tilsyn")]
    assert len(theme) == 1
    assert "http" not in nb.cells[-1].source and "siden" not in nb.cells[-1].source.lower()
    numbers = next(c.source for c in nb.cells if c.source.startswith("| Nøgletal"))
    assert "4\\,05" in numbers and "5\\,7" in numbers  # from noegletal.json, not typed in
    header = site.front_matter_of(nb)["format"]["typst"]["include-in-header"][0]["text"]
    assert config.DEMO_LABEL not in header


class _no_warnings:
    """Fail on any Python warning (nbformat's DuplicateCellId among them)."""

    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc: object) -> None:
        self._catch.__exit__(*exc)


def test_key_numbers_table_skips_missing_values() -> None:
    text = pdf.key_numbers_markdown({"aar": 2025, "tilsyn.gns_score": 3.9})
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows == ["| Nøgletal | Værdi |", "| Gennemsnitlig tilsynsscore \\(1–5\\) | 3\\,90 |"]
    assert pdf.key_numbers_markdown({}) == ""


# --- Notebook outputs: every HTML output has a Markdown alternative for the PDF -------------


def test_report_outputs_carry_markdown_for_typst(monkeypatch) -> None:
    import pandas as pd

    shown: list[dict] = []
    monkeypatch.setattr(report, "_display", lambda obj, raw=False, metadata=None: shown.append(obj))
    report.banner()
    frame = pd.DataFrame({"Tilbud": ["A|B"], "Score": ["4,18"], "Antal": [3]})
    report.table(frame, name="x", caption="Score", download=False)
    assert all({"text/html", "text/markdown"} <= set(b) for b in shown)
    assert shown[0]["text/markdown"].startswith("::: {.callout-warning}")
    table_md = shown[1]["text/markdown"]
    assert re.search(r"^\|:-{6,}\|-{4,}:\|-{5,}:\|$", table_md, re.M), table_md
    assert "A\\|B" in table_md and ": Score" in table_md
    assert 'style="text-align:right">4,18' in shown[1]["text/html"]


# --- The preview ----------------------------------------------------------------------------


def test_preview_is_labelled_and_has_a_page_per_notebook(demo_site) -> None:
    site_dir = demo_site.site_dir
    build_dir = site_dir.parent
    assert demo_site.engine == "nbconvert"
    notebooks = sorted((build_dir / "reports").rglob("*.ipynb"))
    assert len(notebooks) == 6
    for notebook in notebooks:
        assert (site_dir / notebook.relative_to(build_dir).with_suffix(".html")).exists()
    for page in html_pages(site_dir):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="da">' in text, page
        assert "forhåndsvisning" in text.lower(), page
        assert 'href="#indhold"' in text and 'id="indhold"' in text, page
        assert "{{<" not in text and ":::" not in text, page
    # the committed .qmd pages are Quarto's, not imitated
    assert not (site_dir / "metode.html").exists()


def test_preview_hides_code_parameters_and_stderr(demo_site) -> None:
    for page in html_pages(demo_site.site_dir):
        text = page.read_text(encoding="utf-8")
        assert fake_tree.SECRET not in text, page
        assert "import statusrapport" not in text, page
        assert "UserWarning" not in text, page
        assert "In&nbsp;[" not in text and "In [" not in text, page


def test_preview_figures_get_alt_text_and_caption(demo_site) -> None:
    text = (demo_site.site_dir / "reports/2025/tilsyn.html").read_text(encoding="utf-8")
    assert f'alt="{fake_tree.FIG_ALT}"' in text
    assert f"Figur 1:</strong> {fake_tree.FIG_CAP}" in text
    for page in html_pages(demo_site.site_dir):
        assert not re.search(r"<img(?![^>]*\balt=)", page.read_text(encoding="utf-8")), page


def test_preview_links_and_downloads_resolve(demo_site) -> None:
    site_dir = demo_site.site_dir
    csv_links = 0
    for page in html_pages(site_dir):
        for link in internal_links(page):
            target = (page.parent / unquote(urlsplit(link).path)).resolve()
            assert target.exists(), f"{page.relative_to(site_dir)} → {link}"
            csv_links += link.endswith(".csv")
    assert csv_links >= 6


def test_preview_index_lists_years_newest_first_and_the_comparison(demo_site) -> None:
    text = (demo_site.site_dir / "index.html").read_text(encoding="utf-8")
    assert text.index("Statusrapport 2025") < text.index("Statusrapport 2024")
    assert 'href="reports/2025/tilsyn.html"' in text
    assert 'href="reports/2025/tilbud/index.html"' in text
    table = (demo_site.site_dir / "reports/2025/tilbud/index.html").read_text(encoding="utf-8")
    assert 'href="T01.html"' in table and "udeladt" in table


def test_preview_without_demo_has_no_banner(tmp_path: Path) -> None:
    result = build_preview(tmp_path, demo=False)
    for page in html_pages(result.site_dir):
        text = page.read_text(encoding="utf-8")
        assert "site-banner" not in text and "demo-banner" not in text, page


def test_preview_prints_how_to_get_quarto(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(site.ENGINE_ENV, raising=False)
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(build_dir, years=[2025], demo=True, run_info=fake_tree.RUN_INFO)
    out = capsys.readouterr().out
    assert result.engine == "nbconvert"
    assert "conda env create -f environment.yml" in out
    assert site.QUARTO_MISSING in result.messages


def test_engine_env_can_demand_quarto(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv(site.ENGINE_ENV, "quarto")
    build_dir = fake_tree.make_tree(tmp_path / "build")
    with pytest.raises(RenderError, match="Quarto"):
        site.build(build_dir, years=[2025], demo=True, run_info=fake_tree.RUN_INFO, quiet=True)
    monkeypatch.setenv(site.ENGINE_ENV, "latex")
    with pytest.raises(RenderError, match="ugyldig"):
        site.build(build_dir, years=[2025], demo=True, run_info=fake_tree.RUN_INFO, quiet=True)


# --- The Quarto branch, with a stand-in quarto --------------------------------------------


def fake_quarto(folder: Path, *, version: str = "1.9.38", fail_site: bool = False) -> Path:
    """A ``quarto`` that writes a minimal site, warns once, and fails at Typst."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo {version}; exit 0; fi\n'
        f'echo "$@" >> "{folder}/calls.log"\n'
        'if [ "$3" = "--to" ]; then echo "typst: compile error" >&2; exit 1; fi\n'
        + ('echo "ERROR: render failed" >&2; exit 1\n' if fail_site else "")
        + 'echo "\x1b[33mWARN: Unable to resolve link target: x.qmd\x1b[39m" >&2\n'
        + 'echo "WARN: typst-gather analyze failed; staging all packages as fallback" >&2\n'
        + 'mkdir -p "$2/_site" && echo "<html lang=da></html>" > "$2/_site/index.html"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_quarto_branch_renders_site_passes_warnings_and_reports_failed_pdf(
    tmp_path: Path, monkeypatch
) -> None:
    bin_dir = fake_quarto(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv(site.ENGINE_ENV, raising=False)
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(
        build_dir, years=[2024, 2025], demo=True, run_info=fake_tree.RUN_INFO, quiet=True
    )
    assert result.engine == "quarto"
    assert result.pdfs == []
    assert any(f"{site.committee_pdf_name(2025)} kunne ikke dannes" in m for m in result.messages)
    assert "Quarto: WARN: Unable to resolve link target: x.qmd" in result.messages
    assert not any("typst-gather" in m for m in result.messages)
    calls = (bin_dir / "calls.log").read_text(encoding="utf-8")
    assert f"render {build_dir}" in calls
    assert "--to typst" in calls


def test_old_quarto_falls_back_to_preview(tmp_path: Path, monkeypatch) -> None:
    bin_dir = fake_quarto(tmp_path / "bin", version="1.4.550")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv(site.ENGINE_ENV, raising=False)
    build_dir = fake_tree.make_tree(tmp_path / "build")
    result = site.build(
        build_dir, years=[2025], demo=False, run_info=fake_tree.RUN_INFO, quiet=True
    )
    assert result.engine == "nbconvert"
    assert any("for gammel" in m for m in result.messages)


def test_failing_quarto_raises_render_error(tmp_path: Path, monkeypatch) -> None:
    bin_dir = fake_quarto(tmp_path / "bin", fail_site=True)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv(site.ENGINE_ENV, raising=False)
    build_dir = fake_tree.make_tree(tmp_path / "build")
    with pytest.raises(RenderError, match="render failed"):
        site.build(build_dir, years=[2025], demo=False, run_info=fake_tree.RUN_INFO, quiet=True)


def test_cell_options_and_danish_date() -> None:
    cell = {"source": '#| label: fig-x\n#| fig-alt: "Et diagram"\nplt.show()'}
    assert site.cell_options(cell) == {"label": "fig-x", "fig-alt": "Et diagram"}
    assert site.cell_options({"source": "x = 1"}) == {}
    assert site.danish_date("2026-01-05") == "5. januar 2026"


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
