"""One data folder per published site (issue 24): a run without --data uses the folder the site
was built from; another folder is refused, naming both, unless --ny-data; never exit 6."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statusrapport import cli, config, datafolder
from statusrapport.errors import UsageError


def _publish(reports: Path, year: int, data_dir: Path, files: dict[str, str] | None = None):
    folder = reports / str(year)
    folder.mkdir(parents=True)
    manifest = {"tasks": {}, "data_dir": str(data_dir), "input_files": files or {"a.csv": "1"}}
    (folder / ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_nothing_published_uses_data_raw(tmp_path: Path) -> None:
    assert datafolder.published(tmp_path / "reports") is None
    assert datafolder.choose(tmp_path / "reports", None) == config.RAW_DIR
    assert datafolder.choose(tmp_path / "reports", tmp_path) == tmp_path


def test_without_data_the_sites_folder_is_used(tmp_path: Path) -> None:
    site_data = tmp_path / "sikker"
    site_data.mkdir()
    _publish(tmp_path / "reports", 2024, tmp_path / "gammel")
    _publish(tmp_path / "reports", 2025, site_data, {"personale.csv": "x"})
    found = datafolder.published(tmp_path / "reports")
    assert found == datafolder.Published(site_data, 2025, {"personale.csv": "x"})
    assert datafolder.choose(tmp_path / "reports", None) == site_data
    assert datafolder.choose(tmp_path / "reports", site_data / ".." / "sikker") == (
        site_data / ".." / "sikker"
    )


def test_another_folder_is_refused_naming_both_unless_new_data(tmp_path: Path) -> None:
    site_data, other = tmp_path / "sikker", tmp_path / "data" / "raw"
    site_data.mkdir()
    other.mkdir(parents=True)
    _publish(tmp_path / "reports", 2025, site_data)
    with pytest.raises(UsageError) as error:
        datafolder.choose(tmp_path / "reports", other)
    message = str(error.value)
    assert f"Sitet er bygget fra {site_data}; du bruger {other}" in message
    assert "--ny-data" in message and "ret koden" not in message
    assert datafolder.choose(tmp_path / "reports", other, new_data=True) == other


def test_a_vanished_site_folder_asks_for_the_new_one(tmp_path: Path) -> None:
    _publish(tmp_path / "reports", 2025, tmp_path / "findes-ikke")
    with pytest.raises(UsageError, match=r"ikke findes længere.*--ny-data"):
        datafolder.choose(tmp_path / "reports", None)


def test_cli_only_after_a_build_from_another_folder_refuses_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: site from a folder outside the project, then `run --only` with the
    demo folder – refused before any work with both folders named (not exit 6)."""
    monkeypatch.delenv("STATUSRAPPORT_DATA", raising=False)
    site_data, demo = tmp_path / "sikker", tmp_path / "raw"
    site_data.mkdir()
    demo.mkdir()
    reports = tmp_path / "reports"
    _publish(reports, 2025, site_data)
    argv = ["run", "--data", str(demo), "--only", "sygefravaer", "--reports", str(reports)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"Sitet er bygget fra {site_data}; du bruger {demo}" in err
    assert "Traceback" not in err


def test_cli_datamappe_prints_the_sites_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATUSRAPPORT_DATA", raising=False)
    site_data = tmp_path / "sikker"
    site_data.mkdir()
    _publish(tmp_path / "reports", 2025, site_data)
    assert cli.main(["datamappe", "--reports", str(tmp_path / "reports")]) == 0
    assert capsys.readouterr().out.strip() == str(site_data)


def test_file_hashes_and_changed_files(demo_dir: Path) -> None:
    hashes = datafolder.file_hashes(demo_dir)
    assert set(hashes) == {f"{name}.csv" for name in config.FILES}
    assert datafolder.MISSING not in hashes.values()
    moved = dict(hashes, **{"personale.csv": "andet"})
    del moved["tilsyn.csv"]
    assert datafolder.changed_files(hashes, moved) == ["personale.csv", "tilsyn.csv"]
