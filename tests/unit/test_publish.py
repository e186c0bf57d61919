"""Publishing: complete versions behind symbolic links, flipped atomically, rolled back whole."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest

from statusrapport import publish


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _read(path: Path) -> str:
    return path.read_text()


def test_publish_makes_targets_links_to_complete_versions(tmp_path: Path) -> None:
    staging = tmp_path / ".build" / "run-1"
    _tree(staging / "new-a", {"x.txt": "new a"})
    _tree(staging / "new-b", {"y.txt": "new b"})
    publish.publish(
        [(staging / "new-a", tmp_path / "a"), (staging / "new-b", tmp_path / "b")], staging
    )
    assert (tmp_path / "a").is_symlink() and _read(tmp_path / "a" / "x.txt") == "new a"
    assert _read(tmp_path / "b" / "y.txt") == "new b"
    assert not os.path.isabs(os.readlink(tmp_path / "a"))  # copies of the folder stay valid
    assert not (staging / publish.JOURNAL).exists()


def test_a_plain_folder_from_before_is_replaced_and_kept_as_previous(tmp_path: Path) -> None:
    _tree(tmp_path / "site", {"index.html": "old"})
    staging = tmp_path / ".build" / "run-2"
    _tree(staging / "new", {"index.html": "new"})
    publish.publish([(staging / "new", tmp_path / "site")], staging)
    assert _read(tmp_path / "site" / "index.html") == "new"
    legacy = publish.versions_dir(tmp_path / "site") / publish.LEGACY
    assert _read(legacy / "index.html") == "old"  # readers still in it are not cut off


def test_old_versions_are_pruned_keeping_current_and_previous(tmp_path: Path) -> None:
    target = tmp_path / "site"
    for run in range(4):
        staging = tmp_path / ".build" / f"run-{run}"
        _tree(staging / "new", {"index.html": f"v{run}"})
        publish.publish([(staging / "new", target)], staging)
    kept = sorted(p.name for p in publish.versions_dir(target).iterdir())
    assert kept == ["run-2", "run-3"]
    assert _read(target / "index.html") == "v3"


def test_an_interruption_between_flips_rolls_back_the_done_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM/SIGINT arrive as an exception; the site flipped first is flipped back."""
    for name in ("site", "reports"):
        staging = tmp_path / ".build" / "run-0"
        _tree(staging / name, {"f.txt": f"old {name}"})
        publish.publish([(staging / name, tmp_path / name)], staging)
    staging = tmp_path / ".build" / "run-1"
    _tree(staging / "site", {"f.txt": "new site"})
    _tree(staging / "reports", {"f.txt": "new reports"})

    def stop_at(name: str) -> None:
        if name == "publish-after-site":
            raise KeyboardInterrupt

    monkeypatch.setattr(publish, "pause_point", stop_at)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(
            [(staging / "site", tmp_path / "site"), (staging / "reports", tmp_path / "reports")],
            staging,
        )
    assert _read(tmp_path / "site" / "f.txt") == "old site"
    assert _read(tmp_path / "reports" / "f.txt") == "old reports"
    assert not (staging / publish.JOURNAL).exists()


def test_recover_rolls_back_what_a_killed_run_flipped(tmp_path: Path) -> None:
    """Simulate SIGKILL after the first of two flips: the journal names the previous links."""
    root = tmp_path / ".build"
    staging = root / "run-0"
    _tree(staging / "site", {"index.html": "old site"})
    publish.publish([(staging / "site", tmp_path / "site")], staging)
    previous = os.readlink(tmp_path / "site")
    run = root / "run-1"
    _tree(run / "new", {"index.html": "new site"})
    version = publish.place(run / "new", tmp_path / "site", run.name)
    entries = [
        {"target": str(tmp_path / "site"), "previous": previous},
        {"target": str(tmp_path / "reports"), "previous": None},
    ]
    (run / publish.JOURNAL).write_text(json.dumps(entries))
    publish.flip(tmp_path / "site", version)  # first flip done, then killed
    assert publish.recover(root) == [str(tmp_path / "site")]
    assert _read(tmp_path / "site" / "index.html") == "old site"
    assert not (run / publish.JOURNAL).exists()


def test_target_on_another_file_system_is_copied_then_flipped(tmp_path: Path) -> None:
    """Staging on disk, the site on a tmpfs: no EXDEV, and replacing it works every time."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("ingen mappe på et andet filsystem (/dev/shm)")
    other = shm / f"statusrapport-test-{uuid.uuid4().hex}"
    other.mkdir()
    try:
        for run in range(3):
            staging = tmp_path / ".build" / f"run-{run}"
            _tree(staging / "new", {"index.html": f"v{run}"})
            publish.publish([(staging / "new", other / "_site")], staging)
            assert _read(other / "_site" / "index.html") == f"v{run}"
            assert not list(publish.versions_dir(other / "_site").glob("*.partial"))
    finally:
        shutil.rmtree(other, ignore_errors=True)
