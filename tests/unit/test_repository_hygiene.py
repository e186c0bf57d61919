"""Nothing data-like enters git from notebooks/ or src/, and an interactive run's tables go to
an ignored folder (issue 24)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from statusrapport import config, paths

ROOT = config.PROJECT_ROOT
DATA_FILES = [
    "notebooks/tabeller/fravaer.csv",
    "notebooks/udkast/tilbud.xlsx",
    "notebooks/x.parquet",
    "src/statusrapport/personale.csv",
    "src/statusrapport/analysis/data.parquet",
    "interaktiv/tabeller/maalopfyldelse-resume.csv",
]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_gitignore_keeps_data_files_out_of_notebooks_and_src() -> None:
    result = _git("check-ignore", "--no-index", *DATA_FILES)
    assert sorted(result.stdout.split()) == sorted(DATA_FILES)
    # the code and the notebooks themselves are not ignored
    kept = _git("check-ignore", "--no-index", "notebooks/resume.ipynb", "src/statusrapport/fmt.py")
    assert kept.stdout == ""


def test_pre_commit_refuses_data_files_in_notebooks_and_src() -> None:
    hooks = [
        hook
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for hook in repo["hooks"]
    ]
    hook = next(h for h in hooks if h["id"] == "ingen-datafiler")
    assert hook["language"] == "fail"
    pattern = re.compile(hook["files"])
    for path in [*DATA_FILES[:-1], "notebooks/TABEL.CSV"]:
        assert pattern.search(path), path
    for path in ["data/raw/fravaer.csv", "tests/fixtures/x.csv", "notebooks/resume.ipynb"]:
        assert not pattern.search(path), path


def test_table_output_outside_the_pipeline_goes_to_the_ignored_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATUSRAPPORT_BUILD", raising=False)
    monkeypatch.delenv("STATUSRAPPORT_INTERAKTIV", raising=False)
    monkeypatch.chdir(tmp_path)
    project = tmp_path / "projekt"
    assert paths.table_output("a.csv", "tabeller", project) == (
        project.resolve() / "interaktiv" / "tabeller" / "a.csv"
    )
    with pytest.raises(paths.OutsideError):
        paths.table_output("../../x.csv", "tabeller", project)
    build = tmp_path / "build" / "reports" / "2025"
    build.mkdir(parents=True)
    monkeypatch.setenv("STATUSRAPPORT_BUILD", str(tmp_path / "build"))
    monkeypatch.chdir(build)
    assert paths.table_output("a.csv", "tabeller", project) == build.resolve() / "tabeller/a.csv"
    with pytest.raises(paths.OutsideError):
        paths.table_output("../../../../x.csv", "tabeller", project)
