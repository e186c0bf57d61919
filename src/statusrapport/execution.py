"""Execute report notebooks with papermill on a pool of warm kernels.

Most of a papermill run is overhead, not analysis: ~0.7 s kernel start and ~2.4 s importing
pandas/seaborn/statsmodels for every notebook (STACK.md). Each worker process here starts one
kernel and keeps it; between notebooks the kernel's namespace is reset (``%reset -f``) and
its working folder set, so imported modules and the parsed input data stay warm while no
variables leak from one notebook to the next. A kernel that timed out or died is replaced.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from statusrapport import paths
from statusrapport.errors import mentions_disk_full

KERNEL_NAME = "python3"

#: The run's log file for what workers and kernels print (relative to the folder that holds
#: ``reports/``): only the run itself speaks to the terminal.
KERNEL_LOG = Path("logs") / "kerner.log"

#: papermill/nbclient metadata that changes on every run; removed so outputs are reproducible.
_VOLATILE_CELL_KEYS = ("execution",)
_VOLATILE_PAPERMILL_KEYS = ("start_time", "end_time", "duration", "exception", "status")


@dataclass
class Task:
    """One notebook to execute: source, output (relative to the build folder), parameters."""

    source: Path
    output: str
    parameters: dict[str, Any]
    front_matter: dict[str, Any]
    key: str = ""


@dataclass
class TaskResult:
    output: str
    ok: bool
    seconds: float
    error: str | None = None
    cell: int | None = None
    timed_out: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def front_matter_cell(front_matter: dict[str, Any]) -> nbformat.NotebookNode:
    """A raw cell with YAML front matter: Quarto takes the page title from it (STACK.md)."""
    lines = ["---"]
    for key, value in front_matter.items():
        if isinstance(value, list):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return nbformat.v4.new_raw_cell("\n".join(lines))


def prepare_source(task: Task) -> nbformat.NotebookNode:
    """The template with the page's front matter as first cell (sources carry no title)."""
    nb = nbformat.read(task.source, as_version=4)
    cell = front_matter_cell(task.front_matter)
    cell.id = "front-matter"  # fixed, so equal inputs give byte-identical notebooks
    nb.cells.insert(0, cell)
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def scrub(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run-specific metadata (timestamps, durations) so equal inputs give equal files."""
    papermill_meta = nb.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        papermill_meta.pop(key, None)
    for key in ("input_path", "output_path"):
        papermill_meta.pop(key, None)
    count = 0
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            # A warm kernel keeps counting across notebooks; number each notebook from 1.
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        cell_meta = cell.metadata.get("papermill")
        if isinstance(cell_meta, dict):
            for key in _VOLATILE_PAPERMILL_KEYS:
                cell_meta.pop(key, None)
            if not cell_meta:
                cell.metadata.pop("papermill")
    return nb


class WarmKernel:
    """One long-lived kernel, reset between notebooks."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = build_dir
        self.km: Any = None
        self.start()

    def start(self) -> None:
        from jupyter_core.utils import run_sync

        env = dict(os.environ)
        env["STATUSRAPPORT_BUILD"] = str(self.build_dir)
        env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env["PYTHONWARNINGS"] = "ignore"
        self.km = kernel_manager_class()(kernel_name=KERNEL_NAME)
        run_sync(self.km.start_kernel)(env=env, cwd=str(self.build_dir))

    def _client(self) -> Any:
        """A blocking client on the same kernel, for our own short commands between notebooks.

        Made by the manager, so it has the kernel's CurveZMQ keys and asks the manager (not the
        heartbeat) whether the kernel lives.
        """
        client = self.km.blocking_client()
        client.start_channels()
        return client

    def reset(self, workdir: Path) -> None:
        """Clear user variables, close figures and move to the notebook's output folder."""
        client = self._client()
        try:
            client.wait_for_ready(timeout=60)
            code = (
                "%reset -f\n"
                "import os as _os, matplotlib.pyplot as _plt\n"
                f"_os.chdir({str(workdir)!r})\n"
                "_plt.close('all')\n"
                "del _os, _plt\n"
            )
            reply = client.execute_interactive(code, timeout=60, store_history=False)
            if reply["content"]["status"] != "ok":
                raise RuntimeError("kernel reset failed")
        finally:
            client.stop_channels()

    def run(self, code: str, timeout: int = 300) -> bool:
        """Execute ``code`` silently in the kernel (warm-up); False if it failed."""
        client = self._client()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(
                code, timeout=timeout, store_history=False, output_hook=lambda _msg: None
            )
            return reply["content"]["status"] == "ok"
        except Exception:  # warm-up is an optimisation; the notebook will import what it needs
            return False
        finally:
            client.stop_channels()

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(self.km is not None and run_sync(self.km.is_alive)())
        except Exception:
            return False

    def stop(self) -> None:
        """Stop the kernel now; the next notebook starts a fresh one (:meth:`ensure`).

        A failed notebook's kernel is not replaced at once: the failure may end the run (a full
        disk), and a kernel booting while the run removes its staging folder only fails.
        """
        self.shutdown()
        self.km = None

    def ensure(self) -> None:
        """Start a kernel if :meth:`stop` left none."""
        if self.km is None:
            self.start()

    def shutdown(self) -> None:
        if self.km is not None and self.km.has_kernel:
            from jupyter_core.utils import run_sync

            with contextlib.suppress(Exception):  # a dying kernel must not stop the run
                run_sync(self.km.shutdown_kernel)(now=True)


_KERNEL: WarmKernel | None = None
_LOG: Path | None = None  # this worker's log file (the run's KERNEL_LOG), if it could be opened


def kernel_log(build: Path) -> Path:
    """The run's log for workers and kernels: ``logs/kerner.log`` next to ``reports/``.

    ``build`` is the run's staging folder ``.build/run-…``, which also sits next to ``reports/``.
    """
    return Path(build).resolve().parent.parent / KERNEL_LOG


def _redirect_output(log: Path | None) -> Path | None:
    """Point this worker's stdout and stderr at ``log`` (else /dev/null); return the log used.

    Every kernel the worker starts – warm or papermill's own – inherits them, so a kernel that
    prints a traceback (e.g. one still booting when the run stops and removes staging) writes it
    into the run's log, never onto the user's terminal. A log that cannot be opened (disk full,
    no write access) is not a reason to fail the run: the output is then discarded.
    """
    fd = None
    if log is not None:
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            fd, log = None, None
    if fd is None:
        fd = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.dup2(fd, 1)  # dup2'd descriptors are inheritable: kernels write here too
    os.dup2(fd, 2)
    os.close(fd)
    return log


@functools.cache
def kernel_manager_class() -> type:
    """The kernel manager for every kernel of a run: warm kernels and papermill's own.

    ipykernel ≥ 7 warns on stderr ("Kernel is running over TCP without encryption") for every
    kernel whose manager gives it no CurveZMQ keys. Asking the manager to provision them
    ('auto': when the kernelspec declares support, as ipykernel's does) encrypts the local
    traffic and silences the warning at its source. It is an *async* manager: with a blocking
    one nbclient's output poll blocks the event loop and the per-cell timeout never fires.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    encryption = "auto" if zmq.has("curve") else "disabled"

    class RunKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport_encryption", encryption)
            super().__init__(**kwargs)

    return RunKernelManager


#: papermill engine that saves the notebook as far as it got when execution stops without a
#: cell error (dead kernel, timeout); papermill itself writes the output only on success or
#: on an error inside a cell, so the failed copy and its failing cell would be lost.
ENGINE = "statusrapport"
_DIED_NOTE = "Kernen døde under denne celle (dræbt eller løbet tør for hukommelse)."


@functools.cache
def _engine() -> str:
    from papermill.engines import NBClientEngine, papermill_engines

    class KeepPartialEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            partial = kwargs.pop("partial_output", None)
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException as error:
                if partial:
                    with contextlib.suppress(Exception):  # the original error matters more
                        _write_partial(nb_man.nb, Path(partial), error)
                raise

    papermill_engines.register(ENGINE, KeepPartialEngine)
    return ENGINE


def _write_partial(nb: nbformat.NotebookNode, output: Path, error: BaseException) -> None:
    """Write ``nb`` as papermill left it mid-run; the last started cell gets a note why."""
    index = _last_started(nb)
    if index is not None:
        timed_out = type(error).__name__ == "CellTimeoutError"
        note = "Cellen svarede ikke inden for tidsgrænsen (timeout)." if timed_out else _DIED_NOTE
        nb.cells[index].setdefault("outputs", []).append(
            nbformat.v4.new_output("stream", name="stderr", text=note + "\n")
        )
    nbformat.write(nb, output)


def _last_started(nb: nbformat.NotebookNode) -> int | None:
    """Index of the last code cell papermill started (cells it never reached stay 'pending')."""
    started = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and cell.metadata.get("papermill", {}).get("status") not in (None, "pending")
    ]
    return started[-1] if started else None


#: Imported in every new kernel before the first notebook: the slow part of a cold start.
WARM_UP = (
    "import matplotlib.pyplot, seaborn, statsmodels.api, statsmodels.formula.api\n"
    "import statusrapport.report, statusrapport.keyfigures\n"
    "import statusrapport.analysis.tilbudsprofil, statusrapport.analysis.resume\n"
)


def _worker_init(
    build_dir: str,
    data_dir: str | None = None,
    parent: int | None = None,
    log: str | None = None,
) -> None:
    """Process-pool initializer: start this worker's kernel and import the stack in it.

    The pipeline starts the pool before validation, so this warm-up overlaps with it. The
    worker dies with the run (parent-death signal; its kernel notices its parent is gone), and
    ignores Ctrl-C, which the run handles by stopping the workers itself. What the worker and
    its kernels print goes to ``log`` (:func:`_redirect_output`).
    """
    global _KERNEL, _LOG
    import atexit
    import logging
    import signal

    from statusrapport.lifecycle import set_parent_death_signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        set_parent_death_signal(signal.SIGKILL, expected_parent=parent)
    if parent is not None or log is not None:  # a pool worker, not the caller's own process
        _LOG = _redirect_output(Path(log) if log else None)
    # papermill/nbclient log to stderr; the pipeline reports failures itself, in Danish.
    for name in ("papermill", "traitlets", "nbclient"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if data_dir:  # notebooks get data_dir="" when it is outside the project (paths.portable)
        os.environ["STATUSRAPPORT_DATA"] = data_dir
    _KERNEL = WarmKernel(Path(build_dir))
    atexit.register(_KERNEL.shutdown)
    code = WARM_UP
    if data_dir:
        code += f"import statusrapport.data as _d; _d.load({data_dir!r}); del _d\n"
    _KERNEL.run(code)


def warm_up_done() -> bool:
    """A no-op task: submitting one per worker makes the pool start its workers now."""
    return _KERNEL is not None


def _error_summary(error: BaseException) -> tuple[str, int | None]:
    """A one-line description and the failing cell's number (1 = first cell of the template).

    The executed copy has two extra cells in front (front matter, injected parameters), so the
    number is counted in the source notebook the analyst edits.
    """
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    index = getattr(error, "cell_index", None)
    cell = None if index is None else max(1, int(index) - 1)
    text = f"{ename}: {evalue}".strip().splitlines()[0][:300] if (ename or evalue) else ename
    source = (getattr(error, "source", "") or "").strip().splitlines()
    if source:
        text += f" (i cellen, der begynder: {source[0][:80]!r})"
    return text, cell


def _kernel_died(error: BaseException) -> bool:
    """Did the kernel process die (killed, out of memory) rather than a cell fail?"""
    if type(error).__name__ == "DeadKernelError" or "kernel died" in str(error).lower():
        return True
    return _KERNEL is not None and not _KERNEL.alive()


def _failing_cell_of_dead_kernel(output: Path) -> int | None:
    """The cell that was running when the kernel died (or timed out): the last one started.

    The executed copy is the one :class:`KeepPartialEngine` saved as the kernel died: cells
    papermill never reached are still 'pending' there. Numbered as in :func:`_error_summary`.
    """
    if not output.exists():
        return None
    index = _last_started(nbformat.read(output, as_version=4))
    return None if index is None else max(1, index - 1)


def execute_task(task: Task, build_dir: str, timeout: int) -> TaskResult:
    """Run one notebook on this worker's warm kernel (called inside a worker process).

    A kernel that dies (killed, out of memory) is replaced and the notebook run once more.
    """
    global _KERNEL
    if _KERNEL is None:
        _worker_init(build_dir)
    assert _KERNEL is not None
    started = time.perf_counter()
    try:  # an id such as ../../x must not make the run write outside the build folder
        output = paths.inside(build_dir, task.output)
    except paths.OutsideError as error:
        return TaskResult(output=task.output, ok=False, seconds=0.0, error=str(error))
    try:
        _KERNEL.ensure()  # the kernel stopped after the previous notebook failed
        result = _execute_once(task, output, timeout, started)
        if result.extra.get("kernel_died"):
            # The retry runs on a fresh kernel of its own (papermill starts and stops it): a
            # warm kernel restarted after a death was seen to fail its first kernel_info
            # handshake.
            os.environ["STATUSRAPPORT_BUILD"] = str(build_dir)
            retry = _execute_once(task, output, timeout, started, own_kernel=True)
            retry.extra["retried"] = True
            if not retry.ok and retry.extra.get("kernel_died"):
                retry.error = f"kernen døde to gange (også ved genforsøget): {retry.error}"
            return retry
    except OSError as error:  # the machine, e.g. a full disk: a result, not a dead worker
        return TaskResult(
            output=task.output,
            ok=False,
            seconds=time.perf_counter() - started,
            error=f"{type(error).__name__}: {error}",
            extra=_os_error(error),
        )
    return result


def _execute_once(
    task: Task, output: Path, timeout: int, started: float, *, own_kernel: bool = False
) -> TaskResult:
    import papermill as pm

    assert _KERNEL is not None
    output.parent.mkdir(parents=True, exist_ok=True)
    source_copy = output.with_name(f".{output.stem}.src.ipynb")
    output.unlink(missing_ok=True)
    try:
        nbformat.write(prepare_source(task), source_copy)
        if not own_kernel:
            _KERNEL.reset(output.parent)
        pm.execute_notebook(
            str(source_copy),
            str(output),
            parameters=task.parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            km=None if own_kernel else _KERNEL.km,
            cwd=str(output.parent) if own_kernel else None,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            request_save_on_cell_execute=False,
            engine_name=_engine(),
            partial_output=str(output),
            kernel_manager_class=kernel_manager_class(),  # for papermill's own kernel
        )
    except BaseException as error:  # every failure becomes a TaskResult
        timed_out = "timed out" in str(error).lower() or type(error).__name__ == "CellTimeoutError"
        died = not timed_out and _kernel_died(error)
        text, cell = _error_summary(error)
        if timed_out:
            text = f"stoppet efter {timeout} s uden svar fra en celle (timeout)"
        if (timed_out or died) and cell is None:
            cell = _failing_cell_of_dead_kernel(output)
        if died:
            text = "kernen døde under kørslen (dræbt eller løbet tør for hukommelse)"
        if (died or timed_out) and _LOG is not None:
            text += f"; kernens egen udskrift står i {_LOG}"
        if not own_kernel:  # papermill stopped its own kernel; the warm one may be stuck
            _KERNEL.stop()  # it may hold half-built state; the next notebook gets a fresh one
        try:
            if output.exists():
                nbformat.write(scrub(nbformat.read(output, as_version=4)), output)
        except OSError as write_error:  # e.g. the disk filled up: that is the failure to report
            error, text = write_error, f"{type(write_error).__name__}: {write_error}"
        except Exception:  # half written (the write itself failed): nothing worth keeping
            output.unlink(missing_ok=True)
        return TaskResult(
            output=task.output,
            ok=False,
            seconds=time.perf_counter() - started,
            error=text,
            cell=cell,
            timed_out=timed_out,
            extra={"kernel_died": died, **_os_error(error)},
        )
    finally:
        with contextlib.suppress(OSError):
            source_copy.unlink(missing_ok=True)
    try:
        nbformat.write(scrub(nbformat.read(output, as_version=4)), output)
    except OSError as error:  # e.g. the disk filled up while the result was written
        return TaskResult(
            output=task.output,
            ok=False,
            seconds=time.perf_counter() - started,
            error=f"{type(error).__name__}: {error}",
            extra=_os_error(error),
        )
    return TaskResult(output=task.output, ok=True, seconds=time.perf_counter() - started)


def _os_error(error: BaseException) -> dict[str, Any]:
    """The errno of a failure of the machine (the run maps ENOSPC to exit 7), else nothing.

    Also an OSError raised inside a cell (e.g. savefig on a full disk) counts, by its text.
    """
    if isinstance(error, OSError) and error.errno is not None:
        return {"errno": error.errno}
    if mentions_disk_full(str(error)):
        return {"errno": errno.ENOSPC}
    return {}


def disk_full(result: TaskResult) -> bool:
    """Did this notebook fail because the disk (or the user's quota) was full?"""
    return result.extra.get("errno") in (errno.ENOSPC, errno.EDQUOT)
