"""Small builders shared by the analysis tests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from statusrapport import config, data


def write_contract(folder: Path, rows: dict[str, list[dict[str, object]]]) -> data.Dataset:
    """Write a minimal contract folder (files without rows are header-only) and parse it."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, columns in config.FILES.items():
        frame = pd.DataFrame(rows.get(key) or []).reindex(columns=list(columns))
        frame.to_csv(folder / f"{key}.csv", index=False)
    return data.parse(folder)


# --- axe-core in headless Chromium (tests/a11y/run-axe.mjs), shared by the site and e2e layers ---

AXE_RUNNER = Path(__file__).resolve().parent / "a11y" / "run-axe.mjs"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def run_axe(node: str, folder: Path) -> dict:
    done = subprocess.run(
        [node, str(AXE_RUNNER), str(folder)],
        cwd=AXE_RUNNER.parents[2],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "CHROMIUM_PATH": CHROMIUM},
    )
    if done.returncode == 2 or not done.stdout.strip():
        pytest.fail(f"axe-testen kunne ikke køre:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def describe(summary: dict) -> str:
    lines = [
        f"{v['impact']}: {v['id']} på {v['page']} ({v['help']}) {v['targets']}"
        for v in summary["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    lines += [
        f"brudt link: {b['page']} → {b['link']} ({b['reason']})" for b in summary["brokenLinks"]
    ]
    lines += [f"billede uden alt: {i['page']} ({i['src']})" for i in summary["imagesWithoutAlt"]]
    return "\n".join(lines)


def broken_links(site_dir: Path) -> list[str]:
    """Internal ``href``/``src`` of every HTML page under ``site_dir`` that resolve to nothing."""
    import re
    from urllib.parse import unquote, urlsplit

    broken = []
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//", "mailto:")) or not parts.path:
                continue
            if not (page.parent / unquote(parts.path)).resolve().exists():
                broken.append(f"{page.relative_to(site_dir)} → {link}")
    return broken
