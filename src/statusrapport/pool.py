"""Worker processes with warm kernels, owned by the run and stopped with it."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from pathlib import Path

from statusrapport.execution import (
    Task,
    TaskResult,
    _worker_init,
    execute_task,
    kernel_log,
    warm_up_done,
)
from statusrapport.lifecycle import RUN_ID_ENV, processes_with

#: Set by jupyter_client in every kernel it starts: the PID of the process that started it.
_KERNEL_PARENT_ENV = "JPY_PARENT_PID"


@contextlib.contextmanager
def _stderr_into(log: Path | None) -> Iterator[None]:
    """The resource tracker inherits this process's stderr (``sys.stderr.fileno()``) when it
    starts; pointed at the kernel log, what it prints while the run stops a pool that is still
    warming up (CPython's tracker prints a ``KeyError`` traceback when a spawned worker and the
    run both unregister the pool's queue semaphore) goes there, not to the terminal."""
    if log is None:
        yield
        return
    try:
        handle = open(log, "a", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:
        yield
        return
    saved = sys.stderr
    sys.stderr = handle
    try:
        yield
    finally:
        sys.stderr = saved
        handle.close()


class WarmPool:
    """A process pool whose workers each start one kernel at once (warming up while the run
    validates). A worker that dies takes the pool with it; its notebooks get one more try on a
    fresh pool. :meth:`close` stops workers without waiting for queued notebooks.

    What workers and kernels print goes to ``log`` (default: the run's ``logs/kerner.log``, see
    :func:`statusrapport.execution.kernel_log`), which gets one header line per pool."""

    def __init__(
        self, build: Path, data_dir: Path, jobs: int, n_tasks: int, log: Path | None = None
    ) -> None:
        self.build, self.data_dir = build, data_dir
        self.workers = max(1, min(jobs, n_tasks))
        self.log = _start_log(log or kernel_log(build))
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Workers are born with SIGINT blocked (the mask survives exec), so a Ctrl-C on the
        # terminal reaches only the run, never a worker still importing (no tracebacks); the
        # run stops them itself. In this process a Ctrl-C meanwhile is delivered on unblock.
        # multiprocessing's resource tracker *unblocks* SIGINT after it starts, so it is started
        # first; otherwise the first pool of a process would spawn its workers unprotected.
        with _stderr_into(self.log):
            resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._spawn()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def _spawn(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(
                str(self.build),
                str(self.data_dir),
                os.getpid(),
                str(self.log) if self.log else None,
            ),
        )
        for _ in range(self.workers):
            executor.submit(warm_up_done)
        return executor

    def run(
        self, tasks: list[Task], timeout: int, on_result: Callable[[TaskResult], None]
    ) -> list[TaskResult]:
        """Execute ``tasks``; every task ends as a TaskResult (a crashed worker: retried once)."""
        results, crashed = self._run_once(tasks, timeout, on_result, last_try=False)
        if crashed:
            self.close()
            self.executor = self._start()
            retried, _ = self._run_once(crashed, timeout, on_result, last_try=True)
            for result in retried:
                result.extra["retried"] = True
            results += retried
        return sorted(results, key=lambda r: r.output)

    def _run_once(
        self,
        tasks: list[Task],
        timeout: int,
        on_result: Callable[[TaskResult], None],
        *,
        last_try: bool,
    ) -> tuple[list[TaskResult], list[Task]]:
        futures: dict[Future[TaskResult], Task] = {
            self.executor.submit(execute_task, task, str(self.build), timeout): task
            for task in tasks
        }
        results: list[TaskResult] = []
        crashed: list[Task] = []
        for future in as_completed(futures):
            try:
                result = future.result()
            except (BrokenProcessPool, OSError, EOFError) as error:  # a worker process died
                if not last_try:
                    crashed.append(futures[future])
                    continue
                result = TaskResult(
                    output=futures[future].output,
                    ok=False,
                    seconds=0.0,
                    error=f"arbejdsprocessen stoppede uventet ({type(error).__name__})",
                )
            results.append(result)
            on_result(result)
        return results, crashed

    def close(self, *, graceful: bool = False) -> None:
        """Stop the workers. ``graceful`` (all work done): let them shut their kernels down;
        else at once (SIGTERM, then SIGKILL) – their kernels die with them."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        workers = {str(p.pid) for p in processes if p.pid is not None}
        if not graceful:
            for process in processes:
                if process.is_alive():
                    process.terminate()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=10 if graceful else 3)
            if process.is_alive():
                process.kill()
                process.join(timeout=3)
        # Their kernels too, before the run goes on to remove staging: a kernel left booting in
        # a removed folder fails (ipykernel_launcher: FileNotFoundError in Path.cwd()).
        kill_kernels_of(workers)

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        self.close(graceful=exc_type is None)


def _start_log(log: Path) -> Path | None:
    """Open the run's log with a header line (the previous content kept, rotated at 5 MB).

    None when it cannot be written: the workers then discard what they print.
    """
    import time

    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        if log.exists() and log.stat().st_size > 5_000_000:
            os.replace(log, log.with_name(log.name + ".1"))
        with log.open("a", encoding="utf-8") as handle:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            handle.write(f"=== {stamp} kørsel {os.getpid()}: arbejdsprocesser og kerner ===\n")
    except OSError:
        return None
    return log


def kill_kernels_of(workers: set[str], wait: float = 5.0) -> None:
    """SIGKILL the kernels the given worker processes started (this run's, by their env), and
    wait until they are gone: the caller goes on to remove the folder they run in."""
    import time

    run_id = os.environ.get(RUN_ID_ENV)
    if not workers or not run_id:
        return
    prefix = f"{_KERNEL_PARENT_ENV}=".encode()
    deadline = time.monotonic() + wait
    while True:
        kernels = []
        for pid in processes_with(RUN_ID_ENV, run_id):  # live ones only, no zombies
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if {e[len(prefix) :].decode() for e in environ if e.startswith(prefix)} & workers:
                kernels.append(pid)
        if not kernels or time.monotonic() > deadline:
            return
        for pid in kernels:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
