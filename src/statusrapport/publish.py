"""Safety for scheduled runs: one run at a time, and publish all or nothing.

A run builds everything in a staging folder. Only when every step succeeded are the new
``reports/<year>`` and the new site swapped into place with ``os.rename`` (atomic on one file
system). The swap writes a journal first; a run killed between two renames is rolled back by
the next run, so readers never see half of a publication.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from statusrapport.errors import LockedError

JOURNAL = "publish-journal.json"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def run_lock(lock_path: Path) -> Iterator[Path]:
    """Hold an exclusive lock file with our PID; a stale lock (dead PID) is taken over."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(2):
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(lock_path.read_text().strip() or "0")
            except (OSError, ValueError):
                holder = 0
            if holder and _pid_alive(holder) and holder != os.getpid():
                raise LockedError(
                    f"En anden kørsel (proces {holder}) er i gang. Vent til den er færdig. "
                    f"Hvis den ikke findes, så slet låsefilen {lock_path}."
                ) from None
            lock_path.unlink(missing_ok=True)  # stale: the run that held it was killed
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        break
    else:  # pragma: no cover - only on a race with another run taking over the same stale lock
        raise LockedError(f"Kunne ikke tage låsen {lock_path}; prøv igen.")
    try:
        yield lock_path
    finally:
        try:
            if lock_path.read_text().strip() == str(os.getpid()):
                lock_path.unlink()
        except OSError:
            pass


def _replace_dir(new: Path, target: Path, backup: Path) -> None:
    """Move ``target`` aside to ``backup`` and ``new`` into its place."""
    if target.exists():
        os.rename(target, backup)
    try:
        os.rename(new, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        shutil.copytree(new, target)  # other file system: not atomic, but complete
        shutil.rmtree(new)


def publish(pairs: list[tuple[Path, Path]], staging: Path) -> None:
    """Swap every (new, target) pair into place; roll back all if any rename fails."""
    journal = staging / JOURNAL
    entries = [
        {"new": str(new), "target": str(target), "backup": str(staging / f"old-{i}")}
        for i, (new, target) in enumerate(pairs)
    ]
    journal.write_text(json.dumps(entries, indent=2))
    done: list[dict[str, str]] = []
    try:
        for entry in entries:
            Path(entry["target"]).parent.mkdir(parents=True, exist_ok=True)
            _replace_dir(Path(entry["new"]), Path(entry["target"]), Path(entry["backup"]))
            done.append(entry)
    except BaseException:
        for entry in reversed(done):
            _undo(entry)
        journal.unlink(missing_ok=True)
        raise
    journal.unlink()
    for entry in entries:
        backup = Path(entry["backup"])
        if backup.exists():
            shutil.rmtree(backup, ignore_errors=True)


def _undo(entry: dict[str, str]) -> None:
    target, backup = Path(entry["target"]), Path(entry["backup"])
    if backup.exists():
        if target.exists():
            shutil.rmtree(target)
        os.rename(backup, target)


def recover(staging_root: Path) -> list[str]:
    """Roll back any publication a killed run left half-done; return what was restored."""
    restored: list[str] = []
    if not staging_root.exists():
        return restored
    for journal in sorted(staging_root.glob(f"*/{JOURNAL}")):
        try:
            entries = json.loads(journal.read_text())
        except (OSError, ValueError):
            entries = []
        for entry in reversed(entries):
            if Path(entry["backup"]).exists():
                _undo(entry)
                restored.append(entry["target"])
        journal.unlink(missing_ok=True)
    return restored


def clean_staging(staging_root: Path, keep: Path | None = None) -> None:
    """Remove staging folders of earlier (finished or killed) runs."""
    if not staging_root.exists():
        return
    for child in staging_root.iterdir():
        if child.is_dir() and child != keep:
            shutil.rmtree(child, ignore_errors=True)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a published tree into staging (real copies: staging files are rewritten in place)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
