"""Faults met while executing and publishing: a dead kernel's copy, a full disk, quiet kernels."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest

from statusrapport import execution, publish
from statusrapport.errors import mentions_disk_full
from statusrapport.execution import TaskResult


def _notebook(statuses: list[str]) -> nbformat.NotebookNode:
    """Front matter, injected parameters, then template cells with papermill's statuses."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("---"), nbformat.v4.new_code_cell("year = 1")]
    nb.cells[1].metadata["papermill"] = {"status": "completed"}
    for number, status in enumerate(statuses, start=1):
        cell = nbformat.v4.new_code_cell(f"x = {number}")
        cell.metadata["papermill"] = {"status": status}
        nb.cells.append(cell)
    return nb


def test_the_engine_saves_the_notebook_as_far_as_a_dead_kernel_got(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """papermill writes nothing when the kernel dies; our engine keeps the copy and the cell."""
    from nbclient.exceptions import DeadKernelError
    from papermill.engines import NBClientEngine, papermill_engines

    def dies_in_cell_2(cls: type, nb_man: Any, kernel_name: str, **kwargs: Any) -> None:
        assert "partial_output" not in kwargs  # ours, not passed on to nbclient
        nb_man.nb = _notebook(["completed", "completed", "pending", "pending"])
        raise DeadKernelError("Kernel died")

    monkeypatch.setattr(NBClientEngine, "execute_managed_notebook", classmethod(dies_in_cell_2))
    engine = papermill_engines.get_engine(execution._engine())
    output = tmp_path / "out.ipynb"

    class Manager:
        nb = _notebook([])

    with pytest.raises(DeadKernelError):
        engine.execute_managed_notebook(Manager(), "python3", partial_output=str(output))
    kept = nbformat.read(output, as_version=4)
    assert kept.cells[3].outputs[0]["text"].startswith("Kernen døde under denne celle")
    assert not kept.cells[4].outputs
    assert execution._failing_cell_of_dead_kernel(output) == 2  # numbered as in the template


def test_disk_full_is_recognised_from_errno_and_from_other_programs_messages() -> None:
    assert execution._os_error(OSError(errno.ENOSPC, "No space left on device")) == {"errno": 28}
    assert execution._os_error(OSError(errno.EACCES, "Permission denied")) == {"errno": 13}
    cell_error = RuntimeError("OSError: [Errno 28] No space left on device: 'figur.png'")
    assert execution._os_error(cell_error) == {"errno": errno.ENOSPC}
    assert execution._os_error(ValueError("forkert værdi")) == {}
    full = TaskResult(output="x", ok=False, seconds=0.0, extra={"errno": errno.EDQUOT})
    assert execution.disk_full(full)
    assert not execution.disk_full(TaskResult(output="x", ok=False, seconds=0.0))
    assert mentions_disk_full("ERROR: No space left on device (os error 28)")
    assert not mentions_disk_full("ERROR: pandoc failed")


def test_kernels_get_curve_keys_so_ipykernel_does_not_warn_about_plain_tcp() -> None:
    import zmq

    if not zmq.has("curve"):
        pytest.skip("pyzmq uden CurveZMQ")
    manager = execution.kernel_manager_class()(kernel_name=execution.KERNEL_NAME)
    assert manager.transport_encryption == "auto"


def test_a_half_copied_version_on_a_full_disk_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing across file systems copies; a copy that fills the disk leaves nothing."""
    new = tmp_path / "staging" / "2025"
    new.mkdir(parents=True)
    (new / "a.txt").write_text("a")
    real_copytree = shutil.copytree

    def fills_up(source: Path, target: Path, **kwargs: Any) -> None:
        real_copytree(source, target, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(publish.os, "rename", _exdev_for(new))
    monkeypatch.setattr(publish.shutil, "copytree", fills_up)
    target = tmp_path / "reports" / "2025"
    with pytest.raises(OSError, match="No space"):
        publish.place(new, target, "run-1")
    assert list(publish.versions_dir(target).iterdir()) == []


def _exdev_for(source: Path) -> Any:
    import os

    real_rename = os.rename

    def rename(a: Any, b: Any) -> None:
        if Path(a) == source:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(a, b)

    return rename


def test_a_failed_placing_removes_the_versions_placed_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = tmp_path / ".build" / "run-1"
    site, year = staging / "_site", staging / "2025"
    for folder in (site, year):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("ny")
    real_place = publish.place

    def place(new: Path, target: Path, run_name: str) -> Path:
        if new == year:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_place(new, target, run_name)

    monkeypatch.setattr(publish, "place", place)
    site_target, year_target = tmp_path / "_site", tmp_path / "reports" / "2025"
    with pytest.raises(OSError):
        publish.publish([(site, site_target), (year, year_target)], staging)
    assert not site_target.exists() and not site_target.is_symlink()
    assert list(publish.versions_dir(site_target).iterdir()) == []


#: A worker as the pool starts it: output redirected to the run's log, then a kernel whose
#: working folder is removed while it boots (as when a run stops and removes staging).
_BOOTING_KERNEL_LOSES_ITS_FOLDER = """
import shutil, sys, time
from pathlib import Path
from statusrapport import execution
log = execution._redirect_output(Path(sys.argv[1]))
folder = Path(sys.argv[2])
kernel = execution.WarmKernel(folder)
shutil.rmtree(folder)
deadline = time.monotonic() + 60
while kernel.alive() and time.monotonic() < deadline:
    time.sleep(0.2)
kernel.shutdown()
"""


@pytest.mark.slow
def test_a_kernel_that_fails_as_it_boots_writes_to_the_run_log_not_the_terminal(
    tmp_path: Path,
) -> None:
    """The race behind issue 23: ipykernel_launcher's traceback went to the user's terminal."""
    import subprocess
    import sys

    log, folder = tmp_path / "logs" / "kerner.log", tmp_path / "staging"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _BOOTING_KERNEL_LOSES_ITS_FOLDER, str(log), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert done.stdout == "" and done.stderr == ""
    text = log.read_text(encoding="utf-8")
    assert "ipykernel_launcher.py" in text and "FileNotFoundError" in text


def test_a_log_that_cannot_be_opened_discards_the_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    blocked = tmp_path / "fil"
    blocked.write_text("ikke en mappe")
    script = (
        "import sys\nfrom pathlib import Path\nfrom statusrapport import execution\n"
        "used = execution._redirect_output(Path(sys.argv[1]))\n"
        "print('til ingen', file=sys.stderr)\n"
        "raise SystemExit(0 if used is None else 1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(blocked / "logs" / "kerner.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""


def test_the_run_log_sits_next_to_reports(tmp_path: Path) -> None:
    build = tmp_path / ".build" / "run-1-2"
    assert execution.kernel_log(build) == tmp_path.resolve() / "logs" / "kerner.log"
