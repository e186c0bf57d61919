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
    # 7–15: faults of the machine, not of the data or the code (pre-flight checks, or met mid-run)
    DISK_FULL = 7  # too little free space (estimated before the run, or the disk filled up)
    NOT_WRITABLE = 8  # reports/ or the site folder cannot be written (permissions, read-only)
    INPUT_UNREADABLE = 9  # an input file exists but may not be read (permissions)
    CLOCK = 10  # the machine's clock is earlier than the newest data
    ENVIRONMENT = 11  # another operating-system fault (I/O error, too many open files, …)
    INTERNAL = 70  # a bug in statusrapport itself (EX_SOFTWARE)
    STOPPED_SIGINT = 130  # stopped by Ctrl-C (SIGINT); nothing published
    STOPPED_SIGTERM = 143  # stopped by SIGTERM (systemd, cron time-out); nothing published


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


class EnvironmentFault(StatusrapportError):
    """The machine, not the data or the code: disk, permissions, file systems, clock."""

    exit_code = ExitCode.ENVIRONMENT


class DiskFullError(EnvironmentFault):
    exit_code = ExitCode.DISK_FULL


class NotWritableError(EnvironmentFault):
    exit_code = ExitCode.NOT_WRITABLE


class InputUnreadableError(EnvironmentFault):
    exit_code = ExitCode.INPUT_UNREADABLE


class ClockError(EnvironmentFault):
    exit_code = ExitCode.CLOCK


def from_os_error(error: OSError, doing: str) -> EnvironmentFault:
    """An OSError met while ``doing`` something, as a Danish message and its own exit code."""
    import errno

    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            f"Disken er fuld{where} under {doing}. Intet er publiceret, og mellemfilerne er "
            "fjernet. Frigør plads (fx gamle filer i reports/ eller logs/), og kør igen."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NotWritableError(
            f"Ingen skriveadgang{where} under {doing} ({error.strerror}). Intet er publiceret. "
            "Giv brugeren, der kører statusrapport, skriveadgang til mappen, og kør igen."
        )
    return EnvironmentFault(
        f"Fejl i styresystemet{where} under {doing}: {error.strerror}. Intet er publiceret. "
        "Tjek disken og mapperne, og kør igen."
    )


#: How a full disk reads in the messages of other programs (Python, Quarto's deno, Pandoc).
_DISK_FULL_TEXTS = ("no space left on device", "os error 28", "errno 28", "disk quota exceeded")


def mentions_disk_full(text: str) -> bool:
    """Does another program's error message say the disk (or quota) was full?"""
    lowered = text.lower()
    return any(needle in lowered for needle in _DISK_FULL_TEXTS)
