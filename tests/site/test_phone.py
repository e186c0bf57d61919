"""A site a politician can read on a phone: no key page puts content off screen (issue 20).

The key pages of the full demo site (``full_demo_run``, real Quarto) – the front page, the year
page, the resumé, the target scoreboard, both facility lists and every facility profile – are
opened in headless Chromium at 390 px (a phone) and 1280 px (a laptop). A page passes when the
document does not scroll sideways and no visible element lies outside the viewport, not even
inside a box that scrolls sideways (``tests/a11y/run-overflow.mjs``). Before this check the
scoreboard had 648 table cells off screen at 390 px.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import CHROMIUM

pytestmark = pytest.mark.slow

RUNNER = Path(__file__).resolve().parents[1] / "a11y" / "run-overflow.mjs"
WIDTHS = (390, 1280)


def overflow(node: str, pages: list[Path], width: int) -> dict:
    done = subprocess.run(
        [node, str(RUNNER), "--width", str(width), *map(str, pages)],
        cwd=RUNNER.parents[2],
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    if done.returncode == 2 or not done.stdout.strip():
        pytest.fail(f"telefontesten kunne ikke køre:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def describe(summary: dict) -> str:
    return "\n".join(
        f"{summary['viewport']['width']} px: {p['page']}: dokumentbredde {p['scrollWidth']}, "
        f"{p['offscreen']} elementer uden for skærmen, fx {p['examples'][:3]}"
        for p in summary["pages"]
        if p["offscreen"] or p["scrollWidth"] > p["clientWidth"]
    )


def key_pages(site: Path, year: int) -> list[Path]:
    """Front page, facility lists, year page, resumé, scoreboard and every profile."""
    fixed = [
        site / "index.html",
        site / "tilbud.html",
        site / "reports" / str(year) / "index.html",
        site / "reports" / str(year) / "resume.html",
        site / "reports" / str(year) / "maalopfyldelse.html",
        site / "reports" / str(year) / "tilbud" / "index.html",
    ]
    profiles = sorted((site / "reports" / str(year) / "tilbud").glob("[!i]*.html"))
    return [*fixed, *profiles]


@pytest.fixture(scope="module")
def site_pages(full_demo_run: dict) -> list[Path]:
    if full_demo_run["engine"] != "quarto" and not shutil.which("quarto"):
        pytest.skip("sitet er ikke bygget med Quarto (quarto mangler på PATH)")
    pages = key_pages(full_demo_run["site"], full_demo_run["year"])
    missing = [p for p in pages if not p.exists()]
    assert not missing, missing
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_no_key_page_puts_content_off_screen(
    node_ready: str, site_pages: list[Path], width: int
) -> None:
    summary = overflow(node_ready, site_pages, width)
    assert len(summary["pages"]) == len(site_pages)
    assert summary["passed"], describe(summary)


def test_runner_finds_a_table_that_scrolls_sideways(node_ready: str, tmp_path: Path) -> None:
    """The check must catch what it claims to: cells in a sideways box, a too-wide page."""
    cells = "".join(f"<td>celle {i} med en lang tekst</td>" for i in range(4))
    (tmp_path / "bred.html").write_text(
        '<!DOCTYPE html><html lang="da"><head><meta name="viewport" '
        'content="width=device-width"><title>Bred</title></head><body><main>'
        '<div style="overflow-x:auto"><table style="white-space:nowrap">'
        f"<tr>{cells}</tr></table></div>"
        '<div style="width:600px">for bred</div>'
        '<div style="overflow:hidden;width:100px"><span style="display:inline-block;'
        'width:900px">skjult med vilje</span></div></main></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "smal.html").write_text(
        '<!DOCTYPE html><html lang="da"><head><meta name="viewport" '
        'content="width=device-width"><title>Smal</title></head><body><main>'
        "<p>Kort tekst.</p></main></body></html>",
        encoding="utf-8",
    )
    summary = overflow(node_ready, [tmp_path / "bred.html", tmp_path / "smal.html"], 390)
    wide, narrow = summary["pages"]
    assert not summary["passed"]
    assert wide["scrollWidth"] > wide["clientWidth"]
    tags = {e["tag"] for e in wide["examples"]}
    assert {"td", "div"} <= tags, wide["examples"]  # cells in the sideways box, the wide block
    assert not any(e["text"] == "skjult med vilje" for e in wide["examples"])
    assert narrow["offscreen"] == 0 and narrow["scrollWidth"] <= narrow["clientWidth"]
