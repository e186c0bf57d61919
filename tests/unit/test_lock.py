"""The run lock: an OS lock that real processes cannot both hold, whatever the lock file says."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from statusrapport.errors import ExitCode, LockedError
from statusrapport.lock import is_locked, run_lock

CONTENDER = """
import os, sys, time
from pathlib import Path
from statusrapport.errors import LockedError
from statusrapport.lock import run_lock
lock, go, release = (Path(p) for p in sys.argv[1:4])
while not go.exists():
    time.sleep(0.005)
try:
    with run_lock(lock):
        print("held", flush=True)
        while not release.exists():
            time.sleep(0.01)
except LockedError:
    print("refused", flush=True)
"""

N_CONTENDERS = 50


def _contend(tmp_path: Path, lock: Path) -> list[str]:
    """Start 50 processes, let them all try the lock at once; return what each one got."""
    go, release = tmp_path / "go", tmp_path / "release"
    go.unlink(missing_ok=True)
    release.unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, str(lock), str(go), str(release)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(N_CONTENDERS)
    ]
    try:
        time.sleep(1.0)  # let most of them finish importing and wait at the start line
        go.touch()
        outcomes: list[str] = []
        deadline = time.time() + 120
        # Every refused process exits by itself; the holder waits for the release file.
        finished = 0
        while time.time() < deadline and finished < N_CONTENDERS - 1:
            time.sleep(0.05)
            finished = sum(p.poll() is not None for p in procs)
        release.touch()
        for proc in procs:
            out, _ = proc.communicate(timeout=60)
            outcomes.append(out.strip())
        return outcomes
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("stale", [False, True], ids=["no-lock-file", "stale-file-live-pid"])
def test_fifty_simultaneous_attempts_give_exactly_one_holder(tmp_path: Path, stale: bool) -> None:
    lock = tmp_path / ".build" / "run.lock"
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        for _round in range(2):
            if stale:  # e.g. after a reboot: the PID in the file now belongs to someone else
                lock.parent.mkdir(parents=True, exist_ok=True)
                lock.write_text(f"{unrelated.pid}\n")
            outcomes = _contend(tmp_path, lock)
            assert outcomes.count("held") == 1, outcomes
            assert outcomes.count("refused") == N_CONTENDERS - 1, outcomes
            assert not is_locked(lock)
    finally:
        unrelated.kill()
        unrelated.wait()


def test_lock_held_by_a_live_process_refuses_with_exit_5_and_names_it(tmp_path: Path) -> None:
    lock = tmp_path / "run.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom statusrapport.lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('ok', flush=True)\n    time.sleep(60)\n",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(LockedError) as error, run_lock(lock):
            pass
        assert error.value.exit_code == ExitCode.LOCKED
        assert str(holder.pid) in str(error.value) and "anden kørsel" in str(error.value)
        holder.kill()  # SIGKILL: no clean-up code runs, the kernel releases the lock
        holder.wait()
        with run_lock(lock):
            assert lock.read_text().strip() == str(os.getpid())
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_stale_file_naming_a_live_unrelated_process_does_not_block(tmp_path: Path) -> None:
    lock = tmp_path / "run.lock"
    lock.write_text(f"{os.getppid()}\n")  # a live process that holds no lock
    with run_lock(lock):
        assert is_locked(lock)
    assert not is_locked(lock)
