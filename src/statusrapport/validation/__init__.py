"""Validate the input folder against the data contract before anything is computed.

Three layers, each catching what the next cannot see:

1. :mod:`.reading` – the files themselves (missing, empty, encoding, delimiter, header, broken
   lines) and the type of every value, in Python, with the CSV line number of every problem;
2. :mod:`.gx_runner` – the committed Great Expectations suites in ``expectations/`` (required
   values, ranges, categories, keys, relations between columns);
3. :mod:`.rules` – rules across files (unknown tilbud_id, status going backwards, implausible
   leavers) and the coverage of the report year (warnings only).

``validate`` never raises for bad data: everything becomes a :class:`Finding` in the
:class:`ValidationReport`, and errors stop the run while warnings are shown in the report.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from statusrapport import config
from statusrapport.validation.report import (
    Finding,
    ValidationReport,
    file_overview,
    plain_summary,
    warnings_markdown,
)

__all__ = [
    "QUALITY_FILE",
    "Finding",
    "ValidationReport",
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
    """Values the suites refer to as ``{"$PARAMETER": …}``: config is their one source."""
    first = config.FOERSTE_AAR
    return {
        "foerste_aar": first,
        "dette_aar": today.year,
        "foerste_dato": first * 10000 + 101,
        "i_dag": today.year * 10000 + today.month * 100 + today.day,
        "foerste_maaned": first * 100 + 1,
        "denne_maaned": today.year * 100 + today.month,
        "maalgrupper": list(config.MAALGRUPPER),
        "temaer": list(config.TEMAER),
        "statusser": list(config.STATUSSER),
        "myndigheder": list(config.MYNDIGHEDER),
        "paabud_typer": list(config.PAABUD_TYPER),
        "faggrupper": list(config.FAGGRUPPER),
        "indikatorer": list(config.INDIKATORER),
        "ja_nej": ["ja", "nej"],
        "bostedsundersoegelse_aar": [2008, *range(first, today.year + 1)],
    }


def _latest_year(tables: dict[str, Any], today: datetime.date) -> int | None:
    """The latest plausible year in fravaer/personale (values in the future are typing errors)."""
    years = []
    if "fravaer" in tables:
        months = tables["fravaer"].frame["maaned"]
        months = months[(months >= config.FOERSTE_AAR * 100) & (months <= today.year * 100 + 12)]
        years.append(months.max() // 100)
    if "personale" in tables:
        aar = tables["personale"].frame["aar"]
        years.append(aar[(aar >= config.FOERSTE_AAR) & (aar <= today.year)].max())
    years = [int(y) for y in years if y == y]  # drop NaN
    return max(years) if years else None


def validate(
    data_dir: Path,
    *,
    year: int | None = None,
    today: datetime.date | None = None,
    expectations_dir: Path | None = None,
) -> ValidationReport:
    """Check every contract file in ``data_dir``; never raises for bad data.

    ``year`` defaults to the latest year in fravaer/personale; ``today`` (default: today's date)
    decides what counts as "in the future".
    """
    from statusrapport.validation.reading import read_table

    data_dir = Path(data_dir)
    today = today or datetime.date.today()
    suites = Path(expectations_dir) if expectations_dir else config.EXPECTATIONS_DIR
    checks: list[Finding] = []
    tables = {}
    for name in config.FILES:
        try:
            table, findings = read_table(data_dir / f"{name}.csv", name)
        except Exception as error:
            table, findings = (
                None,
                [
                    Finding(
                        f"{name}.csv",
                        None,
                        "laesning",
                        f"intern fejl ved læsning af filen ({type(error).__name__}: {error})",
                        "fejl",
                        False,
                    )
                ],
            )
        checks += findings
        if table is not None:
            tables[name] = table

    known = {f"{name}.csv" for name in config.FILES}
    for path in sorted(data_dir.glob("*.csv")) + sorted(data_dir.glob("*.CSV")):
        if path.name not in known:
            checks.append(
                Finding(
                    path.name,
                    None,
                    "ukendt_fil",
                    "filen er ikke en del af datakontrakten og bliver ikke brugt",
                    "advarsel",
                    False,
                    hint="Fjern filen, eller tjek om den er en af kontraktens filer med et "
                    "forkert navn (" + ", ".join(sorted(known)) + ").",
                )
            )

    latest = _latest_year(tables, today)
    if year is None:
        year = latest if latest is not None else today.year
    elif not (config.FOERSTE_AAR <= year <= today.year):
        checks.append(
            Finding(
                "(rapportår)",
                None,
                "rapportaar",
                f"rapportåret {year} skal ligge mellem {config.FOERSTE_AAR} og {today.year}",
                "fejl",
                False,
                hint="Vælg et andet år med --year.",
            )
        )

    if tables:
        from statusrapport.validation.gx_runner import run_suites
        from statusrapport.validation.rules import run_rules

        checks += run_suites(tables, suites, expectation_parameters(today))
        checks += run_rules(tables, year, today)
    return ValidationReport(year=year, checks=checks)


def load_quality(data_dir: str | Path | None = "", year: int | None = None) -> ValidationReport:
    """The validation behind this run: ``datakvalitet.json`` in the working directory (written
    by the pipeline), else a fresh validation of ``data_dir`` (default: the data folder)."""
    path = Path(QUALITY_FILE)
    if path.is_file():
        return ValidationReport.from_json(path)
    return validate(Path(data_dir) if data_dir else config.RAW_DIR, year=year)
