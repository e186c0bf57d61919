"""The site that ships is the site that is tested: the pipeline renders with real Quarto.

The full demo data (36 facilities, 2019–2025) goes through ``statusrapport run`` once per session
as a real process with ``STATUSRAPPORT_ENGINE=quarto`` (``full_demo_run`` in conftest, shared with
the notebook tests); the tests then read the log, every page, and both PDFs. Locally the module
is skipped (with the reason) when ``quarto`` is not on ``PATH``; in CI (``CI=true``) a missing
Quarto is a failure. Install the offline kit with
``bash ../shared/tools/quarto/install.sh .tools/quarto`` and put ``.tools/quarto/bin`` on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import broken_links, describe, run_axe

from statusrapport import config, site
from statusrapport import pages as registry

pytestmark = pytest.mark.slow

YEAR = 2025
REPR = re.compile(r"IPython\.core\.display|<[\w.]+ object at 0x[0-9a-f]+>")
THEMES = ("Tilsyn og kvalitet", "Sygefravær", "Personaleomsætning")
COMMITTEE_HEADINGS = (
    f"Det vigtigste i {YEAR}",
    f"Målopfyldelse pr. tilbud {YEAR}",
    f"Nøgletal og temaer {YEAR}",
    *THEMES,
    f"Opfølgning på planer {YEAR}",
    "Læs mere",
)


def quarto_or_skip() -> str:
    found = shutil.which("quarto")
    if found:
        return found
    reason = (
        "quarto findes ikke på PATH – installér kittet: bash ../shared/tools/quarto/install.sh "
        '.tools/quarto && export PATH="$PWD/.tools/quarto/bin:$PATH"'
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI kræver ægte Quarto til sitetestene: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def rendered(full_demo_run: dict) -> dict:
    """The full demo (36 facilities) run once with real Quarto (``full_demo_run`` in conftest)."""
    quarto_or_skip()
    assert full_demo_run["engine"] == "quarto"
    return full_demo_run


@pytest.fixture(scope="module")
def facilities(rendered: dict) -> int:
    """The facilities active in the report year: one executed profile each."""
    return len(list((rendered["reports"] / "tilbud").glob("*.ipynb")))


def pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


@pytest.fixture(scope="module")
def pdfs(rendered: dict) -> dict[str, Path]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext mangler – installér poppler-utils")
    folder = rendered["site"] / "reports" / str(YEAR)
    return {
        "bilag": folder / site.committee_pdf_name(YEAR),
        "fuld": folder / site.pdf_name(YEAR),
    }


def test_rendered_with_quarto_and_no_warning_in_the_log(rendered: dict) -> None:
    log = rendered["log"]
    assert "Websitet er bygget med Quarto." in log
    bad = [
        line
        for line in log.splitlines()
        if re.search(r"WARN|Warning|DuplicateCellId|Traceback|kunne ikke dannes", line)
    ]
    assert bad == []


def test_no_page_and_no_pdf_shows_an_object_repr(
    rendered: dict, pdfs: dict, facilities: int
) -> None:
    pages = sorted(rendered["site"].rglob("*.html"))
    assert facilities >= 30
    assert len(pages) >= 8 + facilities
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REPR.search(text), page
        assert "{{<" not in text, page
    for pdf in pdfs.values():
        assert not REPR.search(pdftotext(pdf)), pdf


def test_internal_links_and_images_resolve(rendered: dict) -> None:
    assert broken_links(rendered["site"]) == []


def test_axe_finds_no_serious_issue_on_any_quarto_page(rendered: dict, node_ready: str) -> None:
    summary = run_axe(node_ready, rendered["site"])
    assert summary["pages"] == len(list(rendered["site"].rglob("*.html")))
    assert summary["counts"]["serious"] == 0 and summary["counts"]["critical"] == 0, describe(
        summary
    )
    assert summary["passed"], describe(summary)


def test_year_page_links_both_pdfs_and_the_comparison(rendered: dict, pdfs: dict) -> None:
    text = (rendered["site"] / "reports" / str(YEAR) / "index.html").read_text(encoding="utf-8")
    for pdf in pdfs.values():
        assert pdf.exists(), pdf
        assert f'href="{pdf.name}"' in text
    assert re.search(r'href="[^"]*2025/tilbud/index\.html"|href="(\./)?tilbud/index\.html"', text)


def test_facility_comparison_table_is_sortable_filterable_and_right_aligned(
    rendered: dict, facilities: int
) -> None:
    text = (rendered["site"] / "tilbud.html").read_text(encoding="utf-8")
    rows = re.findall(r'<th scope="row"><a href="([^"]+)"', text)
    assert len(rows) == facilities
    for href in rows:
        assert (rendered["site"] / href).exists(), href
    assert "sortable tilbud-tabel" in text
    assert "data-filter-table" in text
    assert "Tilbudsprofil 2025 ·" not in text
    assert len(re.findall(r'<td class="tal', text)) == 4 * facilities


def test_profile_numbers_are_right_aligned(rendered: dict) -> None:
    profile = sorted((rendered["site"] / "reports" / str(YEAR) / "tilbud").glob("[!i]*.html"))[0]
    text = profile.read_text(encoding="utf-8")
    cells = re.findall(r"<td([^>]*)>\s*(\d+,\d+(?:&nbsp;|\u00a0)?%?)\s*</td>", text)
    assert cells, "no number cells found"
    assert all("text-align: right" in attrs for attrs, _ in cells), cells[:5]


def test_committee_pdf_is_short_has_the_headings_and_a_warning_on_every_page(
    pdfs: dict,
) -> None:
    pdf = pdfs["bilag"]
    pages = page_count(pdf)
    assert 2 <= pages <= 6  # an agenda annex (issue 20)
    first = pdftotext(pdf, 1)
    assert "Socialudvalget" in first and "Mødedato:" in first and "Sagsnr.:" in first
    assert f"Det vigtigste i {YEAR}" in first and f"Målopfyldelse {YEAR}" in first
    board = pdftotext(pdf, 2)  # the per-facility scoreboard on one page, a symbol per status
    assert f"Målopfyldelse pr. tilbud {YEAR}" in board and "✓" in board
    text = pdftotext(pdf)
    headings = [line.strip() for line in text.splitlines() if line.strip() in COMMITTEE_HEADINGS]
    assert headings == list(COMMITTEE_HEADINGS)  # each once, as a heading line, in this order
    assert "Bilag til Socialudvalgets dagsorden" in text
    assert re.search(r"\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|"
                     r"oktober|november|december) \d{4}", text)  # fmt: skip
    assert "Figur 1" in text and "Tabel 1" in text
    for number in range(1, pages + 1):
        page = pdftotext(pdf, number)
        assert config.DEMO_LABEL.split(" –")[0] in page, f"side {number}"
        assert f"Side {number} af {pages}" in page, f"side {number}"


def test_full_pdf_has_every_page_and_a_warning_on_every_page(pdfs: dict) -> None:
    pdf = pdfs["fuld"]
    pages = page_count(pdf)
    text = pdftotext(pdf)
    for _, title in registry.titles():
        assert title.split()[0] in text, title
    for number in range(1, pages + 1):
        assert config.DEMO_LABEL.split(" –")[0] in pdftotext(pdf, number), f"side {number}"


def _menu_and_footer(html: str) -> tuple[str, str]:
    menu = re.search(r'<ul class="dropdown-menu.*?</ul>', html, re.DOTALL)
    footer = re.search(r'<div class="nav-footer-center">.*?</div>', html, re.DOTALL)
    assert menu and footer
    return menu.group(0), footer.group(0)


def _search_pages(site_dir: Path) -> dict[str, str]:
    """Page → all the text the search index holds for it."""
    import json

    found: dict[str, str] = {}
    for entry in json.loads((site_dir / "search.json").read_text(encoding="utf-8")):
        page = str(entry["href"]).split("#")[0]
        found[page] = found.get(page, "") + " " + str(entry.get("text", ""))
    return found


def test_partial_render_renders_one_page_and_keeps_pages_search_and_menu(
    rendered: dict, tmp_path: Path
) -> None:
    """One changed facility page: Quarto renders it (and the front page) on a copy of the
    published site; every other page, the search index and the year menu stay complete."""
    import json

    import nbformat

    published = rendered["site"]
    work = published.parent
    build = tmp_path / "build"
    shutil.copytree(work / "reports" / str(YEAR), build / "reports" / str(YEAR))
    # no runs.jsonl: the fixture's run rendered before its own line was logged (as every run)
    profile = sorted((build / "reports" / str(YEAR) / "tilbud").glob("*.ipynb"))[0]
    nb = nbformat.read(profile, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Rettelsesmærke kvartsbjerg."))
    nbformat.write(nb, profile)
    manifest = json.loads((work / "reports" / str(YEAR) / ".manifest.json").read_text())
    run_info = {
        "data_period": f"{rendered['first_year']}–{YEAR}",  # as the pipeline wrote it
        "run_date": __import__("datetime").date.today().isoformat(),
        "input_hash": manifest["input_hash"],
    }
    result = site.build(
        build,
        years=[YEAR],
        demo=True,
        run_info=run_info,
        quiet=True,
        engine="quarto",
        previous_site=published,
    )
    new = result.site_dir
    changed_page = f"reports/{YEAR}/tilbud/{profile.name}"
    assert result.rendered == ["index.qmd", changed_page], result.messages
    before = {p.relative_to(published) for p in published.rglob("*.html")}
    after = {p.relative_to(new) for p in new.rglob("*.html")}
    assert after == before
    html = (new / changed_page).with_suffix(".html").read_text(encoding="utf-8")
    assert "kvartsbjerg" in html
    # an untouched page is the published one, byte for byte
    untouched = Path("reports") / str(YEAR) / "tilsyn.html"
    assert (new / untouched).read_bytes() == (published / untouched).read_bytes()
    # the search index still has every page, with the new text for the changed one
    old_search, new_search = _search_pages(published), _search_pages(new)
    assert set(new_search) == set(old_search)
    assert "kvartsbjerg" in new_search[str(Path(changed_page).with_suffix(".html"))]
    # navigation: the rendered front page and an unrendered page show the same menu and footer
    front = _menu_and_footer((new / "index.html").read_text(encoding="utf-8"))
    other = _menu_and_footer((new / "aarsrapporter.html").read_text(encoding="utf-8"))
    assert front == other
    # the year's pages did not change, so its PDFs were kept, not typeset again
    pdf = Path("reports") / str(YEAR) / site.pdf_name(YEAR)
    assert (build / pdf).stat().st_mtime_ns == (work / pdf).stat().st_mtime_ns
