"""The watchdog: a process outside the run that cleans up when the run is SIGKILLed.

It waits on a pipe only the run holds (EOF when the run ends, however it ends). A run that ended
without saying "done" died: the watchdog kills whatever still carries the run's id
(``STATUSRAPPORT_RUN_ID``, e.g. Quarto's deno), rolls back a half-done publication and removes
the dead run's staging. It sits above :mod:`statusrapport.lifecycle` and
:mod:`statusrapport.publish`, which need nothing from it (no import cycle).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from statusrapport import lifecycle, publish
from statusrapport.errors import LockedError
from statusrapport.lock import run_lock

#: Seconds the watchdog waits for the lock after killing the run's processes.
LOCK_WAIT = 5.0


class Watchdog:
    """A process outside the run's process group that cleans up if the run is SIGKILLed."""

    def __init__(self, run_id: str, staging_root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "statusrapport.watchdog", run_id, str(staging_root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # survives a kill of the run's process group
            close_fds=True,
            # without the run's id, so the run's own sweep does not kill its watchdog
            env={k: v for k, v in os.environ.items() if k != lifecycle.RUN_ID_ENV},
        )

    def close(self) -> None:
        """The run ends normally: tell the watchdog, so it only sweeps leftovers and exits."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.write(b"done\n")
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _watch(run_id: str, staging_root: Path) -> None:
    """Wait for the run to end; if it ended without 'done', kill its processes and clean up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the run, which tells us
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    message = sys.stdin.buffer.read()  # EOF when the run ends, however it ends
    lifecycle.kill_run_processes(run_id)
    if b"done" in message:
        return
    # The run's processes were just SIGKILLed; one that was still dying may hold the lock for a
    # moment (a forked worker shares the run's lock), so wait a little for it. If a new run
    # took the lock meanwhile, it recovers and cleans up itself.
    with (
        contextlib.suppress(LockedError, OSError),
        run_lock(staging_root / "run.lock", wait=LOCK_WAIT),
    ):
        publish.recover(staging_root)
        publish.clean_staging(staging_root)


if __name__ == "__main__":  # pragma: no cover - runs as the watchdog process
    _watch(sys.argv[1], Path(sys.argv[2]))
