"""Real data and the publication settings, as real processes: refused before any work when a
setting is a placeholder or missing; published when the settings are complete."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from statusrapport import config, demo, settings
from tests.unit.test_settings import COMPLETE

pytestmark = pytest.mark.slow

YEAR = 2025


@pytest.fixture(scope="module")
def real_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small demo data without the demo marker: to the pipeline, real data."""
    folder = tmp_path_factory.mktemp("realdata") / "data"
    demo.write_demo_data(folder, n_facilities=3, years=(2024, YEAR))
    (folder / config.DEMO_MARKER).unlink()
    return folder


def run(work: Path, data: Path, settings_file: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "statusrapport", "run", "--data", str(data),
        "--reports", str(work / "reports"), "--site", str(work / "_site"), "--jobs", "2", *args,
    ]  # fmt: skip
    env = {**os.environ, settings.FILE_ENV: str(settings_file)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)


def state(work: Path) -> dict[str, str]:
    return {
        str(p.relative_to(work)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(work.rglob("*"))
        if p.is_file() and ".build" not in p.parts and "logs" not in p.parts
    }


def test_real_data_with_the_committed_placeholders_is_refused_before_any_work(
    real_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    done = run(work, real_data, config.PROJECT_ROOT / settings.FILE_NAME)
    assert done.returncode == 1, done.stderr
    assert "publicering.toml" in done.stderr
    assert "[tilgaengelighed] kontakt_email er stadig en pladsholder" in done.stderr
    assert "Intet er kørt eller publiceret" in done.stderr and "Traceback" not in done.stderr
    assert "Validerer" not in done.stdout and "Kører" not in done.stdout  # no work was done
    assert not (work / "reports").exists() and not (work / "_site").exists()


def test_complete_settings_publish_and_a_missing_meeting_is_refused_keeping_the_site(
    real_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    complete = tmp_path / "publicering.toml"
    complete.write_text(COMPLETE, encoding="utf-8")
    done = run(work, real_data, complete)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (work / "_site" / "index.html").exists()
    before = state(work)
    without_meeting = tmp_path / "uden-moede.toml"
    without_meeting.write_text(COMPLETE.split("[moeder.2025]")[0], encoding="utf-8")
    done = run(work, real_data, without_meeting)
    assert done.returncode == 1, done.stderr
    assert "[moeder.2025] moededato mangler" in done.stderr, done.stderr
    assert "Kører" not in done.stdout
    assert state(work) == before
