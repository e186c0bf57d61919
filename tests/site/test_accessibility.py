"""Accessibility of the built site: axe-core in headless Chromium over every HTML page.

Fails on any serious or critical axe violation, on a broken internal link and on an image
without alt text (WCAG 2.1 AA, as promised in the site's tilgængelighedserklæring). Runs over
the nbconvert preview of a small fake reports tree (Quarto's pages are checked in
test_site_quarto.py); set ``STATUSRAPPORT_A11Y_SITE`` to a built ``_site`` (the real pipeline
output) to check that instead. Needs ``node``/``npm`` and the system Chromium
(``apt-get install chromium``); the npm packages are installed with ``npm ci`` when missing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "a11y"))

import fake_tree
from helpers import describe, run_axe

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    override = os.environ.get("STATUSRAPPORT_A11Y_SITE")
    if override:
        return Path(override).resolve()
    build_dir = fake_tree.make_tree(tmp_path_factory.mktemp("a11y") / "build", demo=True)
    return fake_tree.build_site(build_dir).site_dir


def test_every_page_passes_axe_links_and_alt_text(node_ready: str, built_site: Path) -> None:
    summary = run_axe(node_ready, built_site)
    assert summary["pages"] == len(list(built_site.rglob("*.html")))
    assert summary["passed"], describe(summary)
    assert summary["counts"]["serious"] == 0 and summary["counts"]["critical"] == 0


def test_runner_reports_a_broken_page(node_ready: str, tmp_path: Path) -> None:
    """The runner must catch what it claims to: missing alt, a broken link, poor contrast."""
    (tmp_path / "side.html").write_text(
        '<!DOCTYPE html><html lang="da"><head><title>Fejl</title></head><body><main>'
        '<h1>Fejl</h1><img src="x.png"><a href="findes-ikke.html">Link</a>'
        '<p style="color:#bbb;background:#fff">Svag kontrast</p></main></body></html>',
        encoding="utf-8",
    )
    summary = run_axe(node_ready, tmp_path)
    assert not summary["passed"]
    ids = {v["id"] for v in summary["violations"]}
    assert {"image-alt", "color-contrast"} <= ids
    assert summary["brokenLinks"] and summary["imagesWithoutAlt"]
