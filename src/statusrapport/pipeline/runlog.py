"""The run log: Danish progress lines for people and cron, and the run record (``runs.jsonl``).

Messages go through the standard :mod:`logging` module (logger ``statusrapport.run``), so a
scheduler or a test can add its own handler (a log file, say). The console handler keeps the
lines as they always were: progress and results on stdout, ``Advarsel: …`` and
``statusrapport: …`` on stderr, a progress bar instead of progress lines on a terminal.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from statusrapport.errors import ExitCode
from statusrapport.execution import TaskResult

RUN_LOG = "runs.jsonl"

LOGGER = logging.getLogger("statusrapport.run")


class _Console(logging.Handler):
    """Writes a run's records as the Danish lines people and cron read (see :class:`Log`)."""

    def emit(self, record: logging.LogRecord) -> None:
        log: Log | None = getattr(record, "run_log", None)
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            print(f"statusrapport: {message}", file=sys.stderr, flush=True)
        elif record.levelno >= logging.WARNING:
            print(f"Advarsel: {message}", file=sys.stderr, flush=True)
        elif log is not None and log.bar is not None:
            log.bar.write(message)
        else:
            print(message, flush=True)  # stdout, resolved now (pytest and cron redirect it)


def _console() -> None:
    """The console handler, once per process; records stay in this logger (no duplicates)."""
    if not any(isinstance(h, _Console) for h in LOGGER.handlers):
        LOGGER.addHandler(_Console())
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


class Log:
    """Progress for people (a bar on a terminal) and plain lines for cron and log files."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty() and not quiet
        self.bar: Any = None
        _console()

    def _log(self, level: int, message: str) -> None:
        LOGGER.log(level, "%s", message, extra={"run_log": self})

    def info(self, message: str) -> None:
        if not self.quiet:
            self._log(logging.INFO, message)

    def warn(self, message: str) -> None:
        self._log(logging.WARNING, message)

    def error(self, message: str) -> None:
        self.stop_progress()
        self._log(logging.ERROR, message)

    def start_progress(self, total: int, why: str = "") -> None:
        """``why``: the main reason the pages run again (shown on the progress bar)."""
        if self.tty:
            from tqdm import tqdm

            desc = "Kører notebooks" + (f" ({why})" if why else "")
            self.bar = tqdm(total=total, unit="notebook", desc=desc, leave=True)

    def progress(
        self, done: int, total: int, result: TaskResult, started: float, why: str = ""
    ) -> None:
        """One line per finished page; ``why`` names the change that made this page run."""
        name = result.output.split("/", 2)[-1]
        status = "OK" if result.ok else "FEJL"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{name} {status}")
            self.bar.update(1)
            return
        if not self.quiet:
            elapsed = time.perf_counter() - started
            left = elapsed / done * (total - done) if done else 0.0
            self._log(
                logging.INFO,
                f"[{done}/{total}] {name} {status} ({result.seconds:.1f} s; "
                f"ca. {left:.0f} s tilbage)" + (f" – {why}" if why else ""),
            )

    def stop_progress(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@dataclass
class RunRecord:
    """One line of ``reports/runs.jsonl``."""

    start: str
    year: int | None = None
    years: list[int] | None = None  # a backfill (--years): every year this run prepared
    forced: bool = False
    corrections: list[int] = field(default_factory=list)  # published years re-run by --force
    input_hash: str | None = None
    code_hash: str | None = None
    run: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    #: Why pages ran again ("personale.csv er ændret: 12 sider"), most pages first.
    reasons: list[str] = field(default_factory=list)
    execute_seconds: float | None = None  # the notebooks on the warm kernels
    render: str | None = None
    rendered: int | None = None  # pages Quarto rendered (None: the whole site or no Quarto)
    render_seconds: dict[str, float] | None = None
    render_calls: list[str] | None = None  # what each ``quarto render`` got ("." the whole site)
    published: bool = False
    staging_bytes: int | None = None
    end: str | None = None
    seconds: float | None = None
    exit_code: int | None = None

    def to_json(self) -> str:
        data = dict(self.__dict__)
        data["run"] = len(self.run)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def append_run_log(reports_dir: Path, record: RunRecord) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / RUN_LOG).open("a", encoding="utf-8") as handle:
        handle.write(record.to_json() + "\n")


class RunEnded(Exception):
    """A step ends the run early with an exit code (its message already logged)."""

    def __init__(self, code: ExitCode, *, write_log: bool = True) -> None:
        super().__init__(int(code))
        self.code, self.write_log = code, write_log
