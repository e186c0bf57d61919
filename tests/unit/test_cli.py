"""The command line's contract: subcommands, exit codes, messages without tracebacks."""

import subprocess
import sys

import pytest

from statusrapport import cli


def test_help_lists_subcommands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo-data", "validate", "run"):
        assert command in out


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--jobs", "0"],
        ["run", "--jobs", "many"],
        ["demo-data", "--years", "2025-2019"],
        ["validate", "--year", "last"],
        ["no-such-command"],
        [],
    ],
)
def test_bad_arguments_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "run"])
def test_missing_data_folder_exits_1_with_a_clear_message(command, tmp_path, capsys):
    missing = tmp_path / "ingen-data"
    assert cli.main([command, "--data", str(missing)]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err
    assert "demo-data" in err
    assert "Traceback" not in err


def test_demo_data_refuses_to_overwrite_without_force(demo_copy, capsys):
    assert cli.main(["demo-data", "--out", str(demo_copy)]) == 2
    assert "--force" in capsys.readouterr().err


def test_demo_data_writes_contract_files(tmp_path):
    out = tmp_path / "raw"
    assert (
        cli.main(["demo-data", "--out", str(out), "--facilities", "4", "--years", "2024-2025"]) == 0
    )
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(
        f"{key}.csv" for key in cli.config.FILES
    )


def test_module_entry_point_runs_as_a_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "statusrapport", "validate", "--data", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
