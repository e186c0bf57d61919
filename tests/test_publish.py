"""The run lock and the all-or-nothing publication."""

import json
import os
import subprocess
import sys

import pytest

from statusrapport import publish
from statusrapport.errors import ExitCode, LockedError


def test_second_lock_is_refused_while_the_holder_lives(tmp_path):
    lock = tmp_path / "run.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock.write_text(f"{holder.pid}\n")
        with pytest.raises(LockedError) as error, publish.run_lock(lock):
            pass
        assert error.value.exit_code == ExitCode.LOCKED
        assert str(holder.pid) in str(error.value)
    finally:
        holder.kill()
        holder.wait()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    lock = tmp_path / "run.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(f"{dead.pid}\n")
    with publish.run_lock(lock):
        assert lock.read_text().strip() == str(os.getpid())
    assert not lock.exists()


def _tree(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_publish_swaps_all_pairs(tmp_path):
    staging = tmp_path / "staging"
    _tree(staging / "new-a", {"x.txt": "new a"})
    _tree(staging / "new-b", {"y.txt": "new b"})
    _tree(tmp_path / "a", {"x.txt": "old a"})
    publish.publish(
        [(staging / "new-a", tmp_path / "a"), (staging / "new-b", tmp_path / "b")], staging
    )
    assert (tmp_path / "a" / "x.txt").read_text() == "new a"
    assert (tmp_path / "b" / "y.txt").read_text() == "new b"
    assert not (staging / publish.JOURNAL).exists()


def test_recover_rolls_back_a_half_done_publication(tmp_path):
    """Simulate a run killed between the two renames of the first pair."""
    root = tmp_path / ".build"
    run = root / "run-1"
    _tree(run / "new", {"x.txt": "new"})
    _tree(tmp_path / "site", {"index.html": "old site"})
    entries = [
        {"new": str(run / "new"), "target": str(tmp_path / "site"), "backup": str(run / "old-0")}
    ]
    (run / publish.JOURNAL).write_text(json.dumps(entries))
    os.rename(tmp_path / "site", run / "old-0")  # first rename done, then killed
    restored = publish.recover(root)
    assert restored == [str(tmp_path / "site")]
    assert (tmp_path / "site" / "index.html").read_text() == "old site"
    assert not (run / publish.JOURNAL).exists()
