"""``statusrapport run --only <side> [--tilbud ID]``: a filter on the year's tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusrapport import cli, config
from statusrapport.errors import UsageError
from statusrapport.execution import Task
from statusrapport.pipeline import only


def _tasks() -> list[Task]:
    tasks = [
        Task(config.NOTEBOOKS_DIR / f"{stem}.ipynb", f"reports/2025/{stem}.ipynb", {}, {}, key=stem)
        for stem, _title in config.REPORT_PAGES
    ]
    profile = config.NOTEBOOKS_DIR / f"{config.PROFILE_NOTEBOOK}.ipynb"
    tasks += [
        Task(profile, f"reports/2025/tilbud/{i}.ipynb", {"tilbud_id": i}, {}, key=f"ny-{i}")
        for i in ("CLB01", "CLB02")
    ]
    return tasks


def test_only_one_page_is_executed_and_the_rest_keep_their_published_keys() -> None:
    tasks = _tasks()
    old = {t.output: f"gammel-{t.output}" for t in tasks}
    chosen = only.select_only(tasks, only.Only("sygefravaer"), old)
    assert [t.output for t in chosen] == ["reports/2025/sygefravaer.ipynb"]
    assert chosen[0].key == "sygefravaer"  # its new key: published as current
    others = [t for t in tasks if t not in chosen]
    assert all(t.key == old[t.output] for t in others)  # stale stays stale for the next run


def test_only_one_facility_profile() -> None:
    tasks = _tasks()
    chosen = only.select_only(tasks, only.Only("tilbudsprofil", "CLB02"), {})
    assert [t.output for t in chosen] == ["reports/2025/tilbud/CLB02.ipynb"]
    every = only.select_only(_tasks(), only.Only("tilbudsprofil"), {})
    assert len(every) == 2


def test_unknown_facility_names_the_active_ones() -> None:
    with pytest.raises(UsageError, match=r"CLB09.*aktive: CLB01, CLB02"):
        only.select_only(_tasks(), only.Only("tilbudsprofil", "CLB09"), {})


def test_check_only() -> None:
    assert only.check_only(None, None) is None
    assert only.check_only(None, "CLB01") == only.Only("tilbudsprofil", "CLB01")
    with pytest.raises(UsageError, match=r"ukendt side.*sygefravaer"):
        only.check_only("sygefravær", None)
    with pytest.raises(UsageError, match="--tilbud gælder kun tilbudsprofilen"):
        only.check_only("tilsyn", "CLB01")


def test_cli_refuses_an_unknown_page_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["run", "--data", str(tmp_path), "--only", "forside"])
    assert code == 2
    err = capsys.readouterr().err
    assert "ukendt side" in err and "Traceback" not in err
