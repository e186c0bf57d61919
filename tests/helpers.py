"""Small builders shared by the analysis tests."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
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


# --- the command line and published state, shared by the e2e layer (tests/e2e/conftest.py) ---


def cli_command(data: Path, work: Path, *args: str, jobs: int = 2) -> list[str]:
    """``statusrapport run`` on ``data`` with reports, site and staging inside ``work``."""
    import sys

    return [
        sys.executable, "-m", "statusrapport", "run",
        "--data", str(data),
        "--reports", str(work / "reports"),
        "--site", str(work / "_site"),
        "--jobs", str(jobs),
        *args,
    ]  # fmt: skip


def snapshot(*folders: Path, relative: bool = False) -> dict[str, str]:
    """Content hash of every file below ``folders``: 'byte-identical' made checkable.

    Keys are the files' paths, or with ``relative`` their paths inside their folder (to
    compare two workspaces)."""
    import hashlib

    digest = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    key = str(path.relative_to(folder)) if relative else str(path)
                    digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


@dataclass(frozen=True)
class Cli:
    """``statusrapport run`` as a scheduler starts it, on ``data`` unless the workspace has its
    own (a test that corrupts data copies it to ``work/raw``). The data folder is a notebook
    parameter, so every copy of a workspace uses the same folder (a moved one re-executes)."""

    data: Path

    def command(self, work: Path, *args: str) -> list[str]:
        data = work / "raw" if (work / "raw").exists() else self.data
        # a test's own copy of the data is another folder than the published site's
        moved = ["--ny-data"] if data != self.data and "--ny-data" not in args else []
        return cli_command(data, work, *moved, *args)

    def start(self, work: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(work, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # like a cron job: its own process group, killable whole
        )

    def run(
        self, work: Path, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        proc = self.start(work, *args, env=env)
        out, err = proc.communicate(timeout=1500)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
