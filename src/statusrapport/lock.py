"""One run at a time: an OS lock (``fcntl.flock``) on an open file.

The kernel releases the lock when the holding process dies, however it dies, so there is no
PID to trust and no stale lock to delete. The lock file itself is never removed: removing it
would let a second run lock a new file while the first still holds the old one. The holder's
PID is written into the file only to name it in the message of a refused run.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from statusrapport.errors import LockedError


def _acquire(fd: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


@contextmanager
def run_lock(lock_path: Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold an exclusive lock on ``lock_path`` for the duration of the block (else exit 5).

    ``wait`` seconds of retrying cover a killed run's watchdog, which holds the lock for a
    moment while it cleans up after it.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    # O_CLOEXEC (Python's default): worker processes and kernels never inherit the lock.
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if not _acquire(fd, wait):
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "ukendt"
            raise LockedError(
                f"En anden kørsel (proces {holder}) er i gang. Vent til den er færdig; "
                f"låsen ({lock_path}) slippes af sig selv, når kørslen stopper."
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield lock_path
        finally:
            os.ftruncate(fd, 0)  # no PID of a finished run left behind to mislead anyone
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(lock_path: Path) -> bool:
    """True while some process holds the lock (for tests and the watchdog)."""
    if not lock_path.exists():
        return False
    fd = os.open(lock_path, os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
