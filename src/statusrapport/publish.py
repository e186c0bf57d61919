"""Publish all or nothing, in steps that readers never see half-done.

``reports/<year>`` and the site folder are symbolic links to complete, immutable versions kept
next to them (``reports/.2025.versions/<run>``, ``._site.versions/<run>``). Publishing

1. places each new tree in its versions folder (a rename on the same file system; a copy
   to a ``.partial`` folder and a rename when staging sits on another file system) – invisible;
2. writes a journal of the links' previous targets, then flips each link with ``os.replace`` on
   a new symlink – atomic, so a reader sees the old or the new tree, never a missing folder;
3. removes the journal, and versions older than the previous one.

A run stopped (SIGTERM/SIGINT) between two flips flips the done ones back; a run killed there
leaves its journal, and the next run (or the watchdog) rolls it back with :func:`recover`.
A plain folder from before this scheme is exchanged for a link atomically (``renameat2``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
from pathlib import Path

from statusrapport.lifecycle import pause_point

JOURNAL = "publish-journal.json"
LEGACY = "legacy"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def versions_dir(target: Path) -> Path:
    """Where the versions of ``target`` live: next to it, so on its file system."""
    return target.parent / f".{target.name}.versions"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            return False
        raise OSError(code, os.strerror(code), str(a))
    return True


def place(new: Path, target: Path, run_name: str) -> Path:
    """Move a finished tree into ``target``'s versions folder, not yet visible to readers."""
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    final = versions / run_name
    try:
        os.rename(new, final)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        partial = versions / f"{run_name}.partial"  # another file system: copy, then rename
        shutil.rmtree(partial, ignore_errors=True)
        try:
            shutil.copytree(new, partial, symlinks=True)
            os.rename(partial, final)
        except BaseException:  # e.g. that disk is full: leave no half copy taking its space
            shutil.rmtree(partial, ignore_errors=True)
            raise
    return final


def current(target: Path) -> str | None:
    """The link text ``target`` points to now, or None (missing, or a plain folder)."""
    return os.readlink(target) if target.is_symlink() else None


def flip(target: Path, version: Path | str) -> None:
    """Point ``target`` at ``version`` in one atomic step."""
    link = version if isinstance(version, str) else os.path.relpath(version, target.parent)
    tmp = target.parent / f".{target.name}.link-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(link, tmp)
    if target.is_dir() and not target.is_symlink():
        # A plain folder (first run with this scheme): swap in the link, then keep the folder
        # as the 'legacy' version so a rollback can point back at it.
        legacy = versions_dir(target) / LEGACY
        shutil.rmtree(legacy, ignore_errors=True)
        versions_dir(target).mkdir(parents=True, exist_ok=True)
        if _exchange(tmp, target):
            os.rename(tmp, legacy)
        else:  # pragma: no cover - kernels without renameat2: a tiny window, repaired by recover
            os.rename(target, legacy)
            os.replace(tmp, target)
    else:
        os.replace(tmp, target)
    _fsync_dir(target.parent)


def _previous_link(target: Path) -> str | None:
    if target.is_symlink():
        return os.readlink(target)
    if target.is_dir():
        return os.path.relpath(versions_dir(target) / LEGACY, target.parent)
    return None


def publish(pairs: list[tuple[Path, Path]], staging: Path) -> None:
    """Publish every (new tree, target) pair; the order of ``pairs`` is the order of flips."""
    run_name = staging.name
    placed: list[tuple[Path, Path]] = []
    try:
        for new, target in pairs:
            placed.append((place(new, target, run_name), target))
    except BaseException:  # nothing is visible yet: remove the versions placed so far
        for version, _target in placed:
            shutil.rmtree(version, ignore_errors=True)
        raise
    entries = [
        {"target": str(target), "previous": _previous_link(target)} for _new, target in placed
    ]
    journal = staging / JOURNAL
    journal.write_text(json.dumps(entries, indent=2))
    _fsync_dir(staging)
    done: list[dict[str, str | None]] = []
    try:
        for (version, target), entry in zip(placed, entries, strict=True):
            flip(target, version)
            done.append(entry)
            pause_point(f"publish-after-{target.name}")
    except BaseException:
        for entry in reversed(done):
            _undo(entry)
        journal.unlink(missing_ok=True)
        raise
    journal.unlink()
    for (_version, target), entry in zip(placed, entries, strict=True):
        prune(target, entry["previous"])


def _undo(entry: dict[str, str | None]) -> None:
    target, previous = Path(str(entry["target"])), entry["previous"]
    if previous is None:  # nothing was published there before
        if target.is_symlink():
            target.unlink()
    else:
        flip(target, previous)


def prune(target: Path, previous: str | None = None) -> None:
    """Remove old versions: keep the current one and ``previous`` (readers may still be in it)."""
    versions = versions_dir(target)
    if not versions.is_dir():
        return
    keep = {(target.parent / link).resolve() for link in (current(target), previous) if link}
    for child in versions.iterdir():
        if child.resolve() not in keep:
            shutil.rmtree(child, ignore_errors=True)


def recover(staging_root: Path) -> list[str]:
    """Roll back a publication a killed run left half-done; return the targets restored."""
    restored: list[str] = []
    if not staging_root.exists():
        return restored
    for journal in sorted(staging_root.glob(f"*/{JOURNAL}")):
        try:
            entries = json.loads(journal.read_text())
        except (OSError, ValueError):
            entries = []
        for entry in reversed(entries):
            target = Path(entry["target"])
            flipped = current(target) != entry["previous"] and (
                entry["previous"] is not None or target.is_symlink()
            )
            if flipped or (entry["previous"] is not None and not target.exists()):
                _undo(entry)
                restored.append(str(target))
        journal.unlink(missing_ok=True)
    return restored


def clean_staging(staging_root: Path, keep: Path | None = None) -> None:
    """Remove staging folders of earlier (finished or killed) runs; the lock file stays."""
    if not staging_root.exists():
        return
    for child in staging_root.iterdir():
        if child.is_dir() and child != keep:
            shutil.rmtree(child, ignore_errors=True)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a published tree into staging (real copies: staging files are rewritten in place)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
