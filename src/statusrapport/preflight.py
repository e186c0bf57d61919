"""Checks before any work: is the machine fit for this run? Each fault its own message and code.

A run used to find a full disk, a read-only ``reports/`` or an unreadable input file only after
every notebook had run, and then reported an "internal error". These checks take milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from statusrapport import config
from statusrapport.errors import (
    ClockError,
    DiskFullError,
    InputUnreadableError,
    NotWritableError,
)

MIN_FREE_BYTES = 20 * 1024 * 1024  # never start with less than this free
SAFETY_FACTOR = 1.5  # the estimate comes from the last run; the next one may be a bit larger
#: Test hook (bytes): pretend the last run needed this much, to test the estimate on a tmpfs.
ESTIMATE_ENV = "STATUSRAPPORT_TEST_SPACE_ESTIMATE"


def check_inputs_readable(data_dir: Path) -> None:
    """Permission denied on an input file is the machine's fault, not the data's: say so."""
    from statusrapport.validation.reading import input_path

    for key in config.FILES:
        path = input_path(data_dir, key)
        if not path.is_file():
            continue  # missing, a folder or a FIFO: a data error the reader names (never opened)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
        except PermissionError as error:
            raise InputUnreadableError(
                f"Inputfilen {path} må ikke læses af brugeren, der kører statusrapport "
                f"({error.strerror}). Giv læseadgang (fx chmod o+r eller ret ejeren), og kør igen."
            ) from None


#: Share of the staff data's rows dated after today above which the clock, not the data, is
#: wrong: a clock set back a year puts about a seventh of the rows in the future, a typo one row.
CLOCK_SHARE = 0.01


def future_rows(tables: Mapping[str, Any], today: date) -> tuple[int, int, str | None, str | None]:
    """Rows of ``fravaer.csv``/``personale.csv`` dated after ``today``'s month: (future, all,
    the newest month ``ÅÅÅÅ-MM`` and its file), from the one reader's typed tables."""
    this_month = today.year * 100 + today.month
    future = total = 0
    newest: tuple[int, str] | None = None
    for key, column, to_month in (
        ("fravaer", "maaned", lambda v: v),
        ("personale", "aar", lambda v: v * 100 + 1),
    ):
        table = tables.get(key)
        if table is None or column not in table.frame:
            continue
        months = to_month(pd.to_numeric(table.frame[column], errors="coerce").dropna())
        total += len(months)
        future += int((months > this_month).sum())
        if len(months) and (newest is None or int(months.max()) > newest[0]):
            newest = (int(months.max()), f"{key}.csv")
    if newest is None:
        return future, total, None, None
    return future, total, f"{newest[0] // 100:04d}-{newest[0] % 100:02d}", newest[1]


def check_clock(tables: Mapping[str, Any], today: date | None = None) -> None:
    """A clock earlier than the data would make validation call every new row a typo.

    A few future rows are typos (validation names them, exit 1); when more than
    :data:`CLOCK_SHARE` of the staff rows lie after today, the machine's clock is wrong (exit 10).
    """
    today = today or date.today()
    future, total, newest, source = future_rows(tables, today)
    if total and future / total > CLOCK_SHARE:
        raise ClockError(
            f"Maskinens ur viser {today.isoformat()}, men {future} af {total} rækker i "
            f"fravaer.csv/personale.csv ligger efter den dato ({source} går til {newest}). "
            "Uret er nok stillet forkert: ret dato og tid på maskinen (fx med timedatectl eller "
            "NTP), og kør igen."
        )


def _writable(folder: Path) -> OSError | None:
    """None if a file can be created in ``folder`` (it is created if missing), else the error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".skrivetest-"):
            pass
    except OSError as error:
        return error
    return None


def check_writable(*folders: Path) -> None:
    """``reports/``, the site's folder and staging must accept new files."""
    for folder in folders:
        error = _writable(folder)
        if error is None:
            continue
        if error.errno == 28:  # ENOSPC: cannot even create an empty file
            raise DiskFullError(
                f"Disken med {folder} er fuld. Intet er kørt. Frigør plads, og kør igen."
            )
        raise NotWritableError(
            f"Mappen {folder} kan ikke skrives ({error.strerror}). Intet er kørt. Giv brugeren, "
            "der kører statusrapport, skriveadgang (eller montér disken skrivbar), og kør igen."
        )


def tree_bytes(*folders: Path) -> int:
    total = 0
    for folder in folders:
        if folder.exists():
            for path in folder.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    total += path.stat().st_size
    return total


def last_run_bytes(reports_dir: Path) -> int | None:
    """What the last published run staged, from ``reports/runs.jsonl``."""
    override = os.environ.get(ESTIMATE_ENV)
    if override:
        return int(override)
    log = reports_dir / "runs.jsonl"
    if not log.exists():
        return None
    for line in reversed(log.read_text(encoding="utf-8").splitlines()):
        try:
            value = json.loads(line).get("staging_bytes")
        except ValueError:
            continue
        if value:
            return int(value)
    return None


def check_free_space(needed: int, *folders: Path) -> None:
    """Each folder's file system needs ``needed`` bytes (the run stages there or publishes)."""
    seen: set[int] = set()
    for folder in folders:
        existing = folder
        while not existing.exists():
            existing = existing.parent
        device = existing.stat().st_dev
        if device in seen:
            continue
        seen.add(device)
        free = shutil.disk_usage(existing).free
        if free < max(needed, MIN_FREE_BYTES):
            raise DiskFullError(
                f"For lidt fri plads ved {existing}: {free / 1e6:.0f} MB fri, men kørslen skal "
                f"bruge ca. {max(needed, MIN_FREE_BYTES) / 1e6:.0f} MB (anslået ud fra sidste "
                "kørsel). Intet er kørt. Frigør plads, og kør igen."
            )


def estimate_bytes(reports_dir: Path, published: list[Path]) -> int:
    """Space this run needs: the last run's staging size, else twice what is published now."""
    last = last_run_bytes(reports_dir)
    base = last if last is not None else 2 * tree_bytes(*published)
    return int(base * SAFETY_FACTOR)


def same_file_system(a: Path, b: Path) -> bool:
    def device(path: Path) -> int:
        while not path.exists():
            path = path.parent
        return path.stat().st_dev

    return device(a) == device(b)
