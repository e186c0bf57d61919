"""Exit codes and the errors that map to them, so every failure ends in a clear message."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The command line's stable exit codes (documented in the README)."""

    OK = 0
    INVALID_DATA = 1
    USAGE = 2
    NOTEBOOK_FAILED = 3
    RENDER_FAILED = 4
    LOCKED = 5
    DISCLOSURE = 6  # the disclosure audit found a hidden figure that published ones reveal
    # 7–15 are reserved for environment faults (disk full, permissions, file systems, clock)
    INTERNAL = 70  # a bug in statusrapport itself (EX_SOFTWARE)


class StatusrapportError(Exception):
    """An expected failure: the CLI prints ``str(error)`` (no traceback) and exits with its code."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(StatusrapportError):
    exit_code = ExitCode.USAGE


class DataError(StatusrapportError):
    """Input data is missing or breaks the data contract."""

    exit_code = ExitCode.INVALID_DATA


class NotebookError(StatusrapportError):
    exit_code = ExitCode.NOTEBOOK_FAILED


class RenderError(StatusrapportError):
    exit_code = ExitCode.RENDER_FAILED


class LockedError(StatusrapportError):
    exit_code = ExitCode.LOCKED


class DisclosureError(StatusrapportError):
    """The attacker's audit recovered a suppressed figure from what would be published."""

    exit_code = ExitCode.DISCLOSURE
