"""The worker pool's processes are born deaf to Ctrl-C (SIGINT blocked), so a Ctrl-C on the
terminal cannot make a worker that is still importing print a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
    pool.log = None  # no kernel log: the resource tracker keeps this stderr
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


@pytest.mark.slow
def test_a_pool_stopped_at_once_takes_its_kernels_with_it_before_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run removes staging right after the pool closes: no kernel may still be booting in it
    (its ipykernel_launcher traceback once reached the terminal). Output went to the log."""
    import time

    from statusrapport import lifecycle
    from statusrapport.pool import WarmPool

    run_id = lifecycle.new_run_id()
    monkeypatch.setenv(lifecycle.RUN_ID_ENV, run_id)
    build = tmp_path / ".build" / "run-1"
    build.mkdir(parents=True)
    pool = WarmPool(build, tmp_path, jobs=1, n_tasks=1)
    deadline = time.monotonic() + 120
    kernels: list[int] = []
    while not kernels and time.monotonic() < deadline:  # the worker has started its kernel
        kernels = [
            pid
            for pid in lifecycle.processes_with(lifecycle.RUN_ID_ENV, run_id)
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        time.sleep(0.1)
    assert kernels, "the worker never started a kernel"
    pool.close()
    assert [p for p in lifecycle.processes_with(lifecycle.RUN_ID_ENV, run_id) if p in kernels] == []
    assert (tmp_path / "logs" / "kerner.log").read_text(encoding="utf-8").startswith("=== ")
