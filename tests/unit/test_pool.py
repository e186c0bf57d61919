"""The worker pool's processes are born deaf to Ctrl-C (SIGINT blocked), so a Ctrl-C on the
terminal cannot make a worker that is still importing print a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A fresh interpreter: multiprocessing's resource tracker is not running yet, which is the case
# that once let the tracker unblock SIGINT before the workers were spawned.
SCRIPT = textwrap.dedent(
    """
    import multiprocessing, signal, time
    from concurrent.futures import ProcessPoolExecutor
    from statusrapport.pool import WarmPool

    class Bare(WarmPool):
        def _spawn(self):
            executor = ProcessPoolExecutor(
                max_workers=2, mp_context=multiprocessing.get_context("spawn")
            )
            for _ in range(2):
                executor.submit(time.sleep, 0)
            return executor

    pool = Bare.__new__(Bare)
    executor = pool._start()
    masks = []
    for process in executor._processes.values():
        status = open(f"/proc/{process.pid}/status").read()
        line = next(l for l in status.splitlines() if l.startswith("SigBlk:"))
        masks.append(int(line.split()[1], 16))
    executor.shutdown()
    here = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    print(all(mask & (1 << (signal.SIGINT - 1)) for mask in masks), signal.SIGINT in here)
    """
)


def test_workers_are_spawned_with_sigint_blocked_and_the_run_keeps_its_mask() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["True", "False"], result.stderr
