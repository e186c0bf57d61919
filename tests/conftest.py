"""Shared fixtures: one demo data folder per test session (deterministic, ~1 s to write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from statusrapport import demo


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
