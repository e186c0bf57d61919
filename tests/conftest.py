"""Shared fixtures: one demo data folder per test session (deterministic, ~1 s to write)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from statusrapport import demo, site

# Tests that are not about the site render the quick nbconvert preview even where Quarto is
# installed (a real Quarto render takes minutes). tests/test_site_quarto.py sets "quarto".
os.environ.setdefault("STATUSRAPPORT_ENGINE", "nbconvert")


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo data (36 facilities, 2019–2025). Treat as read-only."""
    folder = tmp_path_factory.mktemp("demo") / "raw"
    demo.write_demo_data(folder, years=(FULL_FIRST_YEAR, FULL_YEAR))
    return folder


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo data that a test may corrupt."""
    target = tmp_path / "raw"
    shutil.copytree(demo_dir, target)
    return target


ROOT = Path(__file__).resolve().parents[1]
FULL_FIRST_YEAR, FULL_YEAR = 2019, 2025  # the demo generator's default years


@pytest.fixture(scope="session")
def full_demo_run(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``statusrapport run`` on the full demo data (36 facilities, 2019–2025), once per session,
    as a real process: with real Quarto where it is installed (CI requires it; the site tests
    check), else the preview. The notebook tests read its executed pages, the site tests its
    site and PDFs – the full demo is executed and rendered once, not once per layer."""
    work = tmp_path_factory.mktemp("full-demo")
    engine = "quarto" if shutil.which("quarto") else "nbconvert"
    command = [sys.executable, "-m", "statusrapport", "run", "--data", str(demo_dir)]
    command += ["--reports", str(work / "reports"), "--site", str(work / "_site"), "--jobs", "2"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, site.ENGINE_ENV: engine},
        timeout=1800,
    )
    log = done.stdout + "\n" + done.stderr
    (work / "run.log").write_text(log, encoding="utf-8")  # kept for a failing test's reader
    if done.returncode != 0:
        pytest.fail(f"kørslen på de fulde demodata fejlede ({done.returncode}):\n{log[-4000:]}")
    return {
        "engine": engine,
        "site": work / "_site",
        "reports": work / "reports" / str(FULL_YEAR),
        "log": log,
        "year": FULL_YEAR,
        "first_year": FULL_FIRST_YEAR,
    }


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def node_ready() -> str:
    """``node`` with axe-core and puppeteer-core installed (``npm ci`` if needed), or skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm mangler – installér nodejs og npm for tilgængelighedstesten")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} mangler – installér chromium: apt-get install chromium")
    # Two pytest-xdist workers may both need it: one installs, the other waits (an OS lock
    # outside the project, so the project folder gains no file).
    with open(Path(tempfile.gettempdir()) / "statusrapport-npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (ROOT / "node_modules" / "axe-core").exists():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
            )
            if done.returncode != 0:
                pytest.fail(f"npm ci fejlede:\n{done.stderr[-2000:]}")
    return node


#: Test layers by folder: unit tests run in ``make test-fast``; the other layers are slow.
LAYERS: dict[str, bool] = {"unit": False, "notebooks": True, "e2e": True, "site": True}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its layer (its folder); notebook, end-to-end and site tests as slow.

    ``make test`` runs the slow layers with ``pytest -n 2 --dist loadfile``: a file's tests stay
    on one worker, so its module fixtures (a published workspace, a run) are built once.
    """
    tests_dir = Path(__file__).parent
    for item in items:
        relative = Path(item.path).relative_to(tests_dir)
        layer = relative.parts[0] if len(relative.parts) > 1 else "unit"
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
            if LAYERS[layer]:
                item.add_marker(pytest.mark.slow)
