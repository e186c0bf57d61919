"""The e2e layer's shared pieces: the small data, a published workspace, a private copy of it,
and the command-line runner bound to the data (``helpers.Cli``; no data paths in module
globals).

A module that needs other data overrides ``small_data`` (pytest picks the module's fixture);
the chain small data → published → work follows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import Cli

from statusrapport import demo

YEAR = 2025


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small demo data (5 facilities, 2023–2025): a cold run is a few seconds of notebooks."""
    folder = tmp_path_factory.mktemp("small") / "data"
    demo.write_demo_data(folder, n_facilities=5, years=(2023, YEAR))
    return folder


@pytest.fixture(scope="module")
def cli(small_data: Path) -> Cli:
    return Cli(small_data)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, cli: Cli) -> Path:
    """A workspace after one successful run (read-only: tests work on a copy, ``work``)."""
    work = tmp_path_factory.mktemp("published") / "work"
    work.mkdir()
    result = cli.run(work)
    assert result.returncode == 0, result.stderr
    # the warm kernels' output goes to the run's log: they must have nothing to say there
    # either (no TCP warning), and nothing of theirs reaches the terminal
    log = work / "logs" / "kerner.log"
    quiet = result.stderr + (log.read_text(encoding="utf-8") if log.exists() else "")
    assert "[IPKernelApp]" not in quiet and "without encryption" not in quiet
    assert "Traceback" not in quiet
    return work


@pytest.fixture
def work(published: Path, tmp_path: Path) -> Path:
    """A private copy of the published workspace."""
    target = tmp_path / "work"
    shutil.copytree(published, target, symlinks=True)
    return target
