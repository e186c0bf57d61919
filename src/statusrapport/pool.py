"""Worker processes with warm kernels, owned by the run and stopped with it."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import resource_tracker
from pathlib import Path

from statusrapport.execution import Task, TaskResult, _worker_init, execute_task, warm_up_done


class WarmPool:
    """A process pool whose workers each start one kernel at once (warming up while the run
    validates). A worker that dies takes the pool with it; its notebooks get one more try on a
    fresh pool. :meth:`close` stops workers without waiting for queued notebooks."""

    def __init__(self, build: Path, data_dir: Path, jobs: int, n_tasks: int) -> None:
        self.build, self.data_dir = build, data_dir
        self.workers = max(1, min(jobs, n_tasks))
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Workers are born with SIGINT blocked (the mask survives exec), so a Ctrl-C on the
        # terminal reaches only the run, never a worker still importing (no tracebacks); the
        # run stops them itself. In this process a Ctrl-C meanwhile is delivered on unblock.
        # multiprocessing's resource tracker *unblocks* SIGINT after it starts, so it is started
        # first; otherwise the first pool of a process would spawn its workers unprotected.
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
            initargs=(str(self.build), str(self.data_dir), os.getpid()),
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

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        self.close(graceful=exc_type is None)
