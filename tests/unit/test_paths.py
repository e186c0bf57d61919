"""The output-path guard: nothing is written outside the build folder (issue 9, section 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from statusrapport import paths


def test_relative_path_inside_is_resolved(tmp_path: Path) -> None:
    assert (
        paths.inside(tmp_path, "reports/2025/x.ipynb")
        == tmp_path.resolve() / "reports/2025/x.ipynb"
    )


def test_dotdot_that_stays_inside_is_allowed(tmp_path: Path) -> None:
    assert paths.inside(tmp_path, "a/../b.csv") == tmp_path.resolve() / "b.csv"


@pytest.mark.parametrize(
    "bad",
    [
        "../x.ipynb",
        "reports/2025/tilbud/../../../../elsewhere/x.ipynb",
        "reports/2025/tilbud/CLB02/../../../../../x2.ipynb",
        ".",
        "",
        "reports/CLB\x0001.ipynb",
    ],
)
def test_paths_leaving_the_base_are_refused(tmp_path: Path, bad: str) -> None:
    base = tmp_path / "build"
    base.mkdir()
    with pytest.raises(paths.OutsideError, match=r"uden for mappen|NUL-tegn"):
        paths.inside(base, bad)


def test_absolute_path_outside_is_refused(tmp_path: Path) -> None:
    base = tmp_path / "build"
    base.mkdir()
    with pytest.raises(paths.OutsideError):
        paths.inside(base, tmp_path / "elsewhere" / "x.csv")
    with pytest.raises(paths.OutsideError):
        paths.inside(base, "/etc/passwd")
    assert paths.inside(base, base / "ok.csv") == base.resolve() / "ok.csv"


def test_symlink_out_of_the_base_is_refused(tmp_path: Path) -> None:
    base, outside = tmp_path / "build", tmp_path / "outside"
    base.mkdir()
    outside.mkdir()
    (base / "tabeller").symlink_to(outside, target_is_directory=True)
    (base / "fil.csv").symlink_to(outside / "fil.csv")
    with pytest.raises(paths.OutsideError):
        paths.inside(base, "tabeller/x.csv")
    with pytest.raises(paths.OutsideError):
        paths.inside(base, "fil.csv")


def test_symlinked_base_is_followed_consistently(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert paths.inside(link, "x.csv") == real.resolve() / "x.csv"


def test_output_uses_the_build_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "build"
    (build / "reports" / "2025").mkdir(parents=True)
    monkeypatch.setenv("STATUSRAPPORT_BUILD", str(build))
    monkeypatch.chdir(build / "reports" / "2025")
    assert paths.output("tabeller/a.csv") == build.resolve() / "reports/2025/tabeller/a.csv"
    with pytest.raises(paths.OutsideError):
        paths.output("../../../x.csv")
    monkeypatch.delenv("STATUSRAPPORT_BUILD")
    assert paths.build_root() == Path(os.getcwd())


def test_portable_is_relative_inside_the_project_and_empty_outside(tmp_path: Path) -> None:
    project = tmp_path / "projekt"
    (project / "data" / "raw").mkdir(parents=True)
    assert paths.portable(project / "data" / "raw", project) == "data/raw"
    assert paths.portable(tmp_path / "andet", project) == ""
    assert paths.portable(project, project) == ""
