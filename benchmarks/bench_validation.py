"""Benchmark: validate a national-size absence file (about 10 million rows).

Copenhagen's 36 facilities give some 15,000 absence rows; a national data set (every facility in
the country, every staff group, every month since 2019) is about 10 million. This writes such a
folder with the demo generator (about 25,000 fictive facilities, 2019–2025), validates it, and
reports rows per second for each phase, so a slow rule shows up before a real data set does.

Run as a script (``python benchmarks/bench_validation.py [rows]``) or call :func:`run` (for
``make bench``); the target is a total under 60 seconds on a 2-core machine.
"""

from __future__ import annotations

import datetime
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, demo

YEARS = (2019, 2025)
SEED = 2025
#: Absence rows per facility over 2019–2025 (12 months × 5 staff groups × 7 years, fewer for
#: facilities that open late), measured on the demo generator.
ROWS_PER_FACILITY = 400
TODAY = datetime.date(2026, 1, 15)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write fast with pyarrow; it quotes every text value, as many national exports do."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    pcsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path)


def write_national(folder: Path, rows_target: int) -> dict[str, int]:
    """A folder with a national-size fravaer.csv and tilbud.csv; other files from the demo.

    The small files (inspections, staff, …) come from the 36-facility demo with their ids written
    in the national id format, so every key resolves; the other facilities then lack inspections
    and staff rows, which exercises the coverage warnings at full size.
    """
    n = max(36, int(np.ceil(rows_target / ROWS_PER_FACILITY)))
    fravaer = demo.generate_fravaer(n, YEARS, SEED)
    tilbud = demo.generate_tilbud(n, YEARS, SEED)
    width = len(str(tilbud["tilbud_id"].iloc[0])) - 3  # "CLB" + digits
    small = demo.generate(seed=SEED, years=YEARS, n_facilities=36)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in config.FILES:
        if name == "fravaer":
            frame = fravaer
        elif name == "tilbud":
            frame = tilbud
        else:
            frame = small[name].copy()
            if "tilbud_id" in frame:
                frame["tilbud_id"] = "CLB" + frame["tilbud_id"].str[3:].str.zfill(width)
        _write_csv(frame[list(config.FILES[name])], folder / f"{name}.csv")
        counts[name] = len(frame)
    return counts


def run(rows_target: int = 10_000_000, *, keep: Path | None = None) -> dict[str, Any]:
    """Write the national folder, validate it phase by phase and end to end; return timings."""
    from statusrapport import validation
    from statusrapport.validation.gx_runner import quiet, run_suites
    from statusrapport.validation.reading import read_table
    from statusrapport.validation.rules import run_rules

    folder = keep or Path(tempfile.mkdtemp(prefix="bench-validation-"))
    try:
        t0 = time.perf_counter()
        counts = write_national(folder, rows_target)
        generate_s = time.perf_counter() - t0
        rows = sum(counts.values())
        size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6

        t0 = time.perf_counter()
        with quiet():
            import great_expectations  # noqa: F401
        import_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        tables = {}
        for name in config.FILES:
            table, _ = read_table(folder / f"{name}.csv", name)
            if table is not None:
                tables[name] = table
        read_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        gx_findings = run_suites(tables, config.EXPECTATIONS_DIR,
                                 validation.expectation_parameters(TODAY))  # fmt: skip
        gx_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        rule_findings = run_rules(tables, YEARS[1], TODAY)
        rules_s = time.perf_counter() - t0
        del tables

        t0 = time.perf_counter()
        report = validation.validate(folder, year=YEARS[1], today=TODAY)
        total_s = time.perf_counter() - t0
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    def rate(seconds: float) -> int:
        return int(rows / seconds) if seconds > 0 else 0

    return {
        "rows": rows,
        "rows_fravaer": counts["fravaer"],
        "csv_mb": round(size_mb, 1),
        "generate_s": round(generate_s, 2),
        "gx_import_s": round(import_s, 2),
        "read_structure_s": round(read_s, 2),
        "gx_expectations_s": round(gx_s, 2),
        "custom_rules_s": round(rules_s, 2),
        "validate_total_s": round(total_s, 2),
        "rows_per_s": {
            "read_structure": rate(read_s),
            "gx_expectations": rate(gx_s),
            "custom_rules": rate(rules_s),
            "total": rate(total_s),
        },
        "gx_expectations": len(gx_findings),
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "clean_phase_errors": sum(f.is_error for f in gx_findings + rule_findings),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    rows_target = int(args[0]) if args else 10_000_000
    result = run(rows_target)
    print_result(result)
    print(json.dumps(result, indent=2))
    return 0 if result["validate_total_s"] < 60 else 1


def print_result(result: dict[str, Any]) -> None:
    """The timings as a short Danish table (also used by ``make bench``)."""
    r = result["rows_per_s"]
    print(f"Validering af {result['rows']:,} rækker ({result['csv_mb']} MB CSV):")
    phases = [
        ("CSV-læsning + struktur", "read_structure_s", "read_structure"),
        ("GX-forventninger", "gx_expectations_s", "gx_expectations"),
        ("Egne regler", "custom_rules_s", "custom_rules"),
        ("I alt (validate)", "validate_total_s", "total"),
    ]
    for label, seconds, speed in phases:
        print(f"  {label + ':':24} {result[seconds]:6.1f} s  {r[speed]:>12,} rækker/s")
    print(f"  (GX-import {result['gx_import_s']} s, datagenerering {result['generate_s']} s)")


if __name__ == "__main__":
    raise SystemExit(main())
