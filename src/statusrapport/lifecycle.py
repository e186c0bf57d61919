"""A run's processes live and die with it: signals, parent-death signals and a watchdog.

* SIGTERM (systemd, cron time-outs) and SIGINT (Ctrl-C) become :class:`RunStopped` in the main
  process; the pipeline's ``ExitStack`` then stops workers and kernels, removes staging and
  releases the lock, and the CLI prints one Danish line and exits 143/130.
* Worker processes and kernels ask Linux to kill them when their parent dies
  (``PR_SET_PDEATHSIG``), so a SIGKILLed run cannot leave them behind.
* Every process a run starts inherits ``STATUSRAPPORT_RUN_ID``; the watchdog
  (:mod:`statusrapport.watchdog`, above both this module and ``publish``) kills whatever still
  carries the id of a run that died without saying goodbye, then removes its staging.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

RUN_ID_ENV = "STATUSRAPPORT_RUN_ID"
#: Test hook: the name of a point (see :func:`pause_point`) at which the run waits to be killed.
PAUSE_ENV = "STATUSRAPPORT_TEST_PAUSE"
PAUSE_FILE_ENV = "STATUSRAPPORT_TEST_PAUSE_FILE"

_PR_SET_PDEATHSIG = 1
_SIGNAL_NAMES = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "SIGINT"}


class RunStopped(BaseException):
    """SIGTERM/SIGINT arrived. A BaseException, so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> str:
        name = _SIGNAL_NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")
        return (
            f"Kørslen blev stoppet ({name}) – intet blev offentliggjort; "
            "de sidst publicerede rapporter og sitet er urørte."
        )


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn the first SIGTERM/SIGINT into :class:`RunStopped`; ignore repeats during clean-up."""
    stopping = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return  # clean-up is under way; a second Ctrl-C must not interrupt it
        stopping = True
        raise RunStopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def set_parent_death_signal(sig: int = signal.SIGKILL, expected_parent: int | None = None) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(128 + int(sig))  # the parent died before we asked


def new_run_id() -> str:
    """Mark this run: every process started from now on inherits the id."""
    run_id = uuid.uuid4().hex
    os.environ[RUN_ID_ENV] = run_id
    return run_id


def processes_with(marker: str, value: str) -> list[int]:
    """PIDs of live processes (not zombies) whose start environment has ``marker=value``."""
    needle = f"{marker}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_run_processes(run_id: str, *, grace: float = 0.0) -> None:
    """SIGKILL every process of the run except this one (repeated: a dying parent may fork)."""
    me = os.getpid()
    deadline = time.monotonic() + max(grace, 2.0)
    while True:
        pids = [pid for pid in processes_with(RUN_ID_ENV, run_id) if pid != me]
        if not pids or time.monotonic() > deadline:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def pause_point(name: str) -> None:
    """Test hook: at the point named in STATUSRAPPORT_TEST_PAUSE, announce it and wait.

    Lets end-to-end tests send a signal at an exact step (e.g. between the publish renames),
    or change the machine there (e.g. fill the disk) and let the run go on by deleting the file.
    """
    if os.environ.get(PAUSE_ENV) != name:
        return
    marker = os.environ.get(PAUSE_FILE_ENV)
    deadline = time.monotonic() + 120
    if not marker:
        time.sleep(120)
        return
    Path(marker).write_text(f"{name} {os.getpid()}\n")
    while Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
