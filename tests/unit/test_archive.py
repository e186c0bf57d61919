"""The multi-year archive: which years a backfill builds, and published history kept as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statusrapport import cli, demo, site
from statusrapport.errors import UsageError
from statusrapport.pipeline import keys, runlog, steps, years


def test_years_option_parses_a_range_all_and_refuses_year_and_years_together() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["run", "--years", "2019-2025"]).years == (2019, 2025)
    assert parser.parse_args(["run", "--years", "all"]).years == "all"
    assert parser.parse_args(["run", "--years", "2024"]).years == (2024, 2024)
    assert cli.main(["run", "--years", "2025-2019"]) == 2
    assert cli.main(["run", "--year", "2025", "--years", "all"]) == 2


def test_requested_years_all_a_range_and_a_range_without_data() -> None:
    available = [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert years.requested_years("all", available) == available
    assert years.requested_years((2023, 2025), available) == [2023, 2024, 2025]
    with pytest.raises(UsageError, match=r"ingen data for 2017, 2018.*--years all"):
        years.requested_years((2017, 2020), available)


def _publish_fake(reports: Path, year: int, outputs: list[str]) -> dict:
    manifest = {"tasks": {o: "gammel-nøgle" for o in outputs}, "validation": "v"}
    for output in outputs:
        path = reports / Path(output).relative_to("reports")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    (reports / str(year) / keys.MANIFEST).write_text(json.dumps(manifest))
    return manifest


def test_an_earlier_published_year_is_history_the_newest_year_never(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    outputs = ["reports/2023/tilsyn.ipynb", "reports/2023/tilbud/T001.ipynb"]
    manifest = _publish_fake(reports, 2023, outputs)
    available = [2023, 2024, 2025]
    assert years.is_history(2023, available, manifest, reports / "2023")
    # the newest year is the live report: re-run when its inputs or the code change
    assert not years.is_history(2025, available, manifest, reports / "2023")
    # not completely published (a notebook missing): not history, the run completes it
    (reports / "2023" / "tilbud" / "T001.ipynb").unlink()
    assert not years.is_history(2023, available, manifest, reports / "2023")
    assert not years.is_history(2023, available, {}, reports / "2023")


def _options(demo_dir: Path, tmp_path: Path, force: bool) -> years.RunOptions:
    reports = tmp_path / "reports"
    return years.RunOptions(
        data_dir=demo_dir,
        reports_dir=reports,
        site_dir=tmp_path / "_site",
        staging_root=tmp_path / ".build",
        jobs=1,
        force=force,
        timeout=60,
        render=False,
    )


def test_published_history_is_left_out_unless_forced(tmp_path: Path) -> None:
    """Adding 2025 never re-executes a published 2023; ``--force --year 2023`` does."""
    demo_dir = tmp_path / "raw"
    demo.write_demo_data(demo_dir, n_facilities=4, years=(2023, 2025))
    log = runlog.Log(quiet=True)
    probe = years.prepare_year(_options(demo_dir, tmp_path, force=False), 2023, log)
    _publish_fake(probe.options.reports_dir, 2023, [t.output for t in probe.tasks])

    kept = years.year_runs(_options(demo_dir, tmp_path, False), None, (2023, 2025), log)
    assert [r.year for r in kept] == [2024, 2025]  # 2023 is carried along as published
    assert years.year_runs(_options(demo_dir, tmp_path, False), 2023, None, log) == []
    forced = years.year_runs(_options(demo_dir, tmp_path, True), 2023, None, log)
    assert [r.year for r in forced] == [2023]
    assert forced[0].history and len(forced[0].changed) == len(forced[0].tasks)


def test_run_log_shows_a_backfill_as_a_range_and_a_correction() -> None:
    record = runlog.RunRecord(start="2026-11-29T02:30:00+00:00", year=2025)
    record.years, record.corrections, record.forced = [2019, 2025], [], False
    backfill = json.loads(record.to_json())
    backfill.update(exit_code=0, published=True)
    correction = {
        "start": "2026-11-30T02:30:00+00:00",
        "year": 2023,
        "forced": True,
        "corrections": [2023],
        "exit_code": 0,
        "published": True,
    }
    text = site.run_log_markdown([json.dumps(backfill), json.dumps(correction)])
    rows = [r for r in text.splitlines() if r.startswith("| 3")]
    assert rows[0].startswith("| 30.11.2026 kl. 02:30 | 2023 |")
    assert rows[0].endswith("| rettelse af 2023 |")
    row = next(r for r in text.splitlines() if r.startswith("| 29"))
    assert "| 2019–2025 |" in row and row.endswith("| offentliggjort |")


def test_failed_notebooks_of_a_backfill_are_kept_under_their_own_year(tmp_path: Path) -> None:
    from statusrapport.execution import TaskResult

    build, reports = tmp_path / "build", tmp_path / "reports"
    outputs = ["reports/2024/tilsyn.ipynb", "reports/2025/tilbud/T1.ipynb"]
    for output in outputs:
        (build / output).parent.mkdir(parents=True, exist_ok=True)
        (build / output).write_text("{}")
    failed = [TaskResult(output=o, ok=False, seconds=1.0, error="x") for o in outputs]
    kept = steps.keep_failed(build, reports, 2025, failed)
    assert kept == reports / "failed"
    assert (reports / "failed" / "2024" / "tilsyn.ipynb").exists()
    assert (reports / "failed" / "2025" / "tilbud" / "T1.ipynb").exists()
    one = steps.keep_failed(build, reports, 2025, failed[1:])
    assert one == reports / "failed" / "2025"
