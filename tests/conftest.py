"""Shared fixtures: one demo data folder per test session (deterministic, ~1 s to write)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from statusrapport import demo

# Tests that are not about the site render the quick nbconvert preview even where Quarto is
# installed (a real Quarto render takes minutes). tests/test_site_quarto.py sets "quarto".
os.environ.setdefault("STATUSRAPPORT_ENGINE", "nbconvert")


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo data (36 facilities, 2019–2025). Treat as read-only."""
    folder = tmp_path_factory.mktemp("demo") / "raw"
    demo.write_demo_data(folder)
    return folder


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo data that a test may corrupt."""
    target = tmp_path / "raw"
    shutil.copytree(demo_dir, target)
    return target


ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def node_ready() -> str:
    """``node`` with axe-core and puppeteer-core installed (``npm ci`` if needed), or skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm mangler – installér nodejs og npm for tilgængelighedstesten")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} mangler – installér chromium: apt-get install chromium")
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
    """Mark every test with its layer (its folder); notebook, end-to-end and site tests as slow."""
    tests_dir = Path(__file__).parent
    for item in items:
        relative = Path(item.path).relative_to(tests_dir)
        layer = relative.parts[0] if len(relative.parts) > 1 else "unit"
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
            if LAYERS[layer]:
                item.add_marker(pytest.mark.slow)
