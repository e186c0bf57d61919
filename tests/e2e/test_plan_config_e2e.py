"""A follow-up plan added through configuration only, from outside the package (issue 24):
an entry in a plan file and its CSV; ``demo-data``, ``validate`` and ``run`` (real processes)
and the follow-up unit tests pass, and adding it runs only its page, the plans' overview and
the data-quality page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from statusrapport import config

pytestmark = pytest.mark.slow

YEAR = 2025
ENTRY = """
[[plan]]
id = "trivsel"
titel = "Trivselsplanen (2021)"
fil = "opfoelgning_trivsel"
startaar = 2021
trin = ["ikke startet", "i gang", "gennemført"]
temaer = ["Fællesskab", "Sundhed", "Medarbejdere"]
punkt_navn = ["tiltag", "tiltag"]
note = "En fiktiv plan, tilføjet af en test gennem planer.toml alene."
"""


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "statusrapport", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **env},
        cwd=config.PROJECT_ROOT,
    )


def test_a_plan_added_by_configuration_only(tmp_path: Path) -> None:
    plans = tmp_path / "planer.toml"
    plans.write_text(
        (config.PROJECT_ROOT / "planer.toml").read_text(encoding="utf-8") + ENTRY,
        encoding="utf-8",
    )
    with_plan = {"STATUSRAPPORT_PLANER": str(plans)}
    without = {"STATUSRAPPORT_PLANER": str(config.PROJECT_ROOT / "planer.toml")}
    data, reports, site = tmp_path / "data", tmp_path / "reports", tmp_path / "_site"
    where = ["--reports", str(reports)]
    run_args = ["run", "--data", str(data), *where, "--site", str(site), "--jobs", "2"]

    made = _cli("demo-data", "--out", str(data), "--facilities", "5", "--years", "2023-2025",
                env=with_plan)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (data / "opfoelgning_trivsel.csv").is_file()

    # the site as it was before the plan: the extra file is only a warning
    first = _cli(*run_args, "--no-render", env=without)
    assert first.returncode == 0, first.stderr

    checked = _cli("validate", "--data", str(data), *where, env=with_plan)
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert f"af {len(config.FILES) + 1} filer" in checked.stdout  # the plan's file is checked

    second = _cli(*run_args, "--no-render", env=with_plan)
    assert second.returncode == 0, second.stderr
    year_dir = reports / str(YEAR)
    page = nbformat.read(year_dir / "opfoelgning" / "trivsel.ipynb", as_version=4)
    text = json.dumps([c.get("outputs", []) for c in page.cells], ensure_ascii=False)
    assert "Trivselsplanen" in text and "Traceback" not in text
    overview = (year_dir / "opfoelgning.ipynb").read_text(encoding="utf-8")
    assert "opfoelgning/trivsel.ipynb" in overview
    last = json.loads((reports / "runs.jsonl").read_text().splitlines()[-1])
    # trivsel, and the pages the registry declares as reading every plan (the overview, the
    # bostedsundersøgelse's page) or every input (data quality; the resumé, whose key figures
    # count every plan's items)
    assert last["run"] == 5, last
    assert any("opfoelgning_trivsel.csv" in r or "ny side" in r for r in last["reasons"]), last
    assert "Kører 5 notebooks" in second.stdout, second.stdout

    units = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/unit/test_analysis_opfoelgning.py", "tests/unit/test_planer.py",
         "tests/unit/test_demo.py", "tests/unit/test_notebook_conventions.py"],
        capture_output=True, text=True, timeout=900, cwd=config.PROJECT_ROOT,
        env={**os.environ, **with_plan},
    )  # fmt: skip
    assert units.returncode == 0, units.stdout[-3000:]
