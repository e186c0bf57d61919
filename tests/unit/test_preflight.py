"""Pre-flight checks and the mapping of operating-system errors to exit codes."""

from __future__ import annotations

import errno
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from statusrapport import preflight
from statusrapport.errors import ExitCode, from_os_error


def _csv(path: Path, header: str, *rows: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_clock_earlier_than_the_newest_month_is_refused(tmp_path: Path) -> None:
    tables = {
        "fravaer": SimpleNamespace(frame=pd.DataFrame({"maaned": [202511, 202512]})),
        "personale": SimpleNamespace(frame=pd.DataFrame({"aar": [2025]})),
    }
    preflight.check_clock(tables, today=date(2025, 12, 1))  # December data in December: fine
    with pytest.raises(preflight.ClockError) as error:
        preflight.check_clock(tables, today=date(2025, 11, 30))
    assert error.value.exit_code == ExitCode.CLOCK
    assert "2025-11-30" in str(error.value) and "fravaer.csv" in str(error.value)


def test_a_single_future_row_is_a_typo_for_validation_not_a_clock_fault() -> None:
    months = [202401 + i for i in range(12)] * 20 + [203101]  # one typo among 241 rows
    tables = {"fravaer": SimpleNamespace(frame=pd.DataFrame({"maaned": months}))}
    preflight.check_clock(tables, today=date(2025, 6, 1))
    with pytest.raises(preflight.ClockError):
        preflight.check_clock(tables, today=date(2024, 6, 1))  # half the rows lie ahead


def test_clock_check_ignores_files_it_cannot_read() -> None:
    tables = {"fravaer": SimpleNamespace(frame=pd.DataFrame({"wrong": ["x"]}))}
    preflight.check_clock(tables, today=date(2000, 1, 1))  # validation explains the file


def test_free_space_check_names_the_folder_and_the_estimate(tmp_path: Path) -> None:
    preflight.check_free_space(1, tmp_path)
    with pytest.raises(preflight.DiskFullError) as error:
        preflight.check_free_space(10**18, tmp_path / "not-yet" / "there")
    assert error.value.exit_code == ExitCode.DISK_FULL
    assert str(tmp_path) in str(error.value)


def test_estimate_comes_from_the_last_run_with_a_margin(tmp_path: Path) -> None:
    lines = [{"staging_bytes": 1000}, {"exit_code": 1}, {"staging_bytes": 2000}, {"x": 1}]
    (tmp_path / "runs.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert preflight.estimate_bytes(tmp_path, []) == int(2000 * preflight.SAFETY_FACTOR)


def test_estimate_without_a_log_is_twice_what_is_published(tmp_path: Path) -> None:
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "a.ipynb").write_bytes(b"x" * 100)
    assert preflight.estimate_bytes(tmp_path, [tmp_path / "2025"]) == int(
        200 * preflight.SAFETY_FACTOR
    )


@pytest.mark.parametrize(
    ("code", "exit_code", "words"),
    [
        (errno.ENOSPC, ExitCode.DISK_FULL, "Disken er fuld"),
        (errno.EROFS, ExitCode.NOT_WRITABLE, "Ingen skriveadgang"),
        (errno.EACCES, ExitCode.NOT_WRITABLE, "Ingen skriveadgang"),
        (errno.EIO, ExitCode.ENVIRONMENT, "Fejl i styresystemet"),
    ],
)
def test_os_errors_become_their_own_exit_codes(code: int, exit_code: int, words: str) -> None:
    fault = from_os_error(OSError(code, "besked", "/srv/x"), "publiceringen")
    assert fault.exit_code == exit_code
    assert words in str(fault) and "/srv/x" in str(fault) and "publiceringen" in str(fault)


def test_same_file_system(tmp_path: Path) -> None:
    assert preflight.same_file_system(tmp_path, tmp_path / "new" / "folder")


def test_failing_cell_of_a_dead_kernel_is_the_last_one_started(tmp_path: Path) -> None:
    import nbformat

    from statusrapport.execution import _failing_cell_of_dead_kernel

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("---"), nbformat.v4.new_code_cell("year = 1")]
    for status in ("completed", "completed", "completed", "pending"):
        cell = nbformat.v4.new_code_cell("x")
        cell.metadata["papermill"] = {"status": status}
        nb.cells.append(cell)
    nbformat.write(nb, tmp_path / "out.ipynb")
    # cells 0–1 are front matter and parameters; the third started cell of the template is 3
    assert _failing_cell_of_dead_kernel(tmp_path / "out.ipynb") == 3
    assert _failing_cell_of_dead_kernel(tmp_path / "missing.ipynb") is None
