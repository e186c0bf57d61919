"""Validate the input folder against the data contract before anything is computed.

Three layers, each catching what the next cannot see:

1. :mod:`.reading` – the files themselves (missing, empty, encoding, delimiter, header, broken
   lines) and the type of every value, in Python, with the CSV line number of every problem;
2. :mod:`.gx_runner` – the committed Great Expectations suites in ``expectations/`` (required
   values, ranges, categories, keys, relations between columns);
3. :mod:`.rules` – rules across files (unknown tilbud_id, status going backwards, implausible
   leavers) and the coverage of the report year (warnings only).

``validate`` never raises for bad data: everything becomes a :class:`Check` in the
:class:`ValidationReport`, and errors stop the run while warnings are shown in the report.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

from statusrapport import config, contract, kalender, planer
from statusrapport.validation.reading import InputFolder, Table, read_folder
from statusrapport.validation.report import (
    Check,
    ValidationReport,
    file_overview,
    plain_summary,
    warnings_markdown,
)

__all__ = [
    "QUALITY_FILE",
    "Check",
    "ValidationReport",
    "available_years",
    "expectation_parameters",
    "file_overview",
    "load_quality",
    "plain_summary",
    "validate",
    "warnings_markdown",
]

#: The report the pipeline writes next to the executed notebooks (read by Datakvalitet).
QUALITY_FILE = "datakvalitet.json"


def expectation_parameters(today: datetime.date) -> dict[str, Any]:
    """Values the suites refer to as ``{"$PARAMETER": …}``: the contract is their one source."""
    first = contract.FOERSTE_AAR
    return {
        "foerste_aar": first,
        "dette_aar": today.year,
        "foerste_dato": first * 10000 + 101,
        "i_dag": today.year * 10000 + today.month * 100 + today.day,
        "foerste_maaned": first * 100 + 1,
        "denne_maaned": today.year * 100 + today.month,
        **{name: list(values) for name, values in contract.VOCABULARIES.items()},
        "bostedsundersoegelse_aar": [2008, *range(first, today.year + 1)],
        "rapport_link_moenster": contract.RAPPORT_LINK_PATTERN,
    }


def _plan_hint(check: Check) -> Check:
    """A follow-up plan's missing file: say that the plan can also be taken out of planer.toml."""
    plan = next((p for p in planer.PLANER if f"{p.fil}.csv" == check.file), None)
    if plan is None or check.rule != "fil_findes" or check.passed:
        return check
    return dataclasses.replace(
        check,
        hint=f"Læg {check.file} (opfølgningen på {plan.titel}) i datamappen med kolonnerne "
        f"{', '.join(planer.KOLONNER)} – eller fjern planens [[plan]]-blok (id '{plan.id}') i "
        "planer.toml, hvis planen ikke skal følges.",
    )


def available_years(tables: dict[str, Table], today: datetime.date) -> list[int]:
    """The years with data, by the one calendar (:mod:`statusrapport.kalender`)."""
    fravaer: Any = tables["fravaer"].frame["maaned"] // 100 if "fravaer" in tables else []
    personale: Any = tables["personale"].frame["aar"] if "personale" in tables else []
    return kalender.years_with_data(fravaer, personale, today)


def validate(
    data_dir: Path,
    *,
    year: int | None = None,
    today: datetime.date | None = None,
    expectations_dir: Path | None = None,
    inputs: InputFolder | None = None,
) -> ValidationReport:
    """Check every contract file in ``data_dir``; never raises for bad data.

    ``year`` defaults to the latest year with data (:func:`statusrapport.kalender.report_year`),
    and a year without data is an error, so validation checks exactly the year the run executes;
    ``today`` (default: today's date) decides what counts as "in the future". ``inputs`` is the
    folder already read by :func:`~statusrapport.validation.reading.read_folder` (the pipeline
    reads once and hands it on).
    """
    data_dir = Path(data_dir)
    today = today or datetime.date.today()
    suites = Path(expectations_dir) if expectations_dir else config.EXPECTATIONS_DIR
    if inputs is None:
        inputs = read_folder(data_dir)
    tables = inputs.tables
    checks: list[Check] = [_plan_hint(c) for c in inputs.findings]

    available = available_years(tables, today)
    chosen = kalender.report_year(year, available)
    staff_read = "fravaer" in tables or "personale" in tables
    problem = None
    if chosen is None:
        if staff_read:
            problem = "der er ingen år med data i fravaer.csv eller personale.csv"
    elif year is not None and (staff_read or not (contract.FOERSTE_AAR <= year <= today.year)):
        problem = kalender.year_problem(year, available, today)
    if problem:
        checks.append(
            Check(
                "(rapportår)",
                None,
                "rapportaar",
                problem,
                "fejl",
                False,
                hint="Vælg et år med data med --year, eller læg data for året i fravaer.csv og "
                "personale.csv.",
            )
        )
    report_year = chosen if chosen is not None else today.year

    if tables:
        from statusrapport.validation.gx_runner import run_suites
        from statusrapport.validation.rules import run_rules

        checks += run_suites(tables, suites, expectation_parameters(today))
        checks += run_rules(tables, report_year, today)
    return ValidationReport(year=report_year, checks=checks)


def load_quality(data_dir: str | Path | None = "", year: int | None = None) -> ValidationReport:
    """The validation behind this run: ``datakvalitet.json`` in the working directory (written
    by the pipeline), else a fresh validation of ``data_dir`` (default: the data folder)."""
    path = Path(QUALITY_FILE)
    if path.is_file():
        return ValidationReport.from_json(path)
    return validate(config.PROJECT_ROOT / data_dir if data_dir else config.RAW_DIR, year=year)
