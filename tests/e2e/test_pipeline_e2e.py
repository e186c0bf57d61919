"""End-to-end runs of ``statusrapport run`` as a scheduler would call it (real processes).

Small demo data (5 facilities, 2023–2025) keeps each cold run to a few seconds of notebook work.
Each test gets its own project-like folder: data, reports, site and staging under tmp_path. The
data, the published workspace, its copies and the runner come from ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers import describe, run_axe, snapshot

from statusrapport import config, planer
from statusrapport import pages as registry
from statusrapport.pipeline import keys

pytestmark = pytest.mark.slow

YEAR = 2025
PAGE_STEMS = {stem for stem, _ in registry.titles()}
#: Follow-up pages under opfoelgning/ (a plan with its own year page has that one only).
N_PLAN_PAGES = len([p for p in planer.PLANER if p.id not in PAGE_STEMS])


def test_first_run_publishes_reports_key_figures_and_site(published: Path) -> None:
    year_dir = published / "reports" / str(YEAR)
    for stem, _title in registry.titles():
        nb = nbformat.read(year_dir / f"{stem}.ipynb", as_version=4)
        assert nb.cells[0].cell_type == "raw" and "title:" in nb.cells[0].source
    assert len(list((year_dir / "tilbud").glob("*.ipynb"))) == 5
    plans = sorted(p.stem for p in (year_dir / "opfoelgning").glob("*.ipynb"))
    assert plans == sorted(p.id for p in planer.PLANER if p.id not in PAGE_STEMS)
    # the bostedsundersøgelse has one page: its year page (one follow-up model)
    assert (year_dir / "bostedsundersoegelse.ipynb").exists()
    figures = json.loads((year_dir / "noegletal.json").read_text())
    assert figures["aar"] == YEAR and figures["fiktive_data"] is True
    assert (published / "_site" / "index.html").exists()
    log = [
        json.loads(line) for line in (published / "reports" / "runs.jsonl").read_text().splitlines()
    ]
    assert log[-1]["exit_code"] == 0 and log[-1]["published"] is True
    assert not (published / ".build").exists() or not any(
        p.name.startswith("run-") for p in (published / ".build").iterdir()
    )


def test_no_change_rerun_skips_every_notebook(cli, work: Path) -> None:
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    started = time.perf_counter()
    result = cli.run(work)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert "Intet er ændret" in result.stdout
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == before
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["run"] == 0 and last["skipped"] == 5 + len(registry.titles()) + N_PLAN_PAGES
    assert elapsed < 60  # generous: a sanity bound, the real figure comes from `make bench`


def test_backfill_adds_an_earlier_year_and_keeps_published_history(cli, work: Path) -> None:
    """``--years`` builds the missing year in one run and publishes once; the newest year's
    pages stay byte-identical, except its profiles, which now link to the facility's page of
    the added year (and its manifest); the backfilled year is then history, kept as it is."""
    newest = snapshot(work / "reports" / str(YEAR))
    result = cli.run(work, "--years", f"{YEAR - 1}-{YEAR}")
    assert result.returncode == 0, result.stderr
    after = snapshot(work / "reports" / str(YEAR))
    changed = {Path(k) for k in newest if newest[k] != after.get(k)}
    profiles = {k for k in changed if k.parent.name == "tilbud"}
    assert profiles and changed - profiles == {work / "reports" / str(YEAR) / ".manifest.json"}
    for profile in profiles:
        link = f"../../{YEAR - 1}/tilbud/{profile.stem}.html"
        assert link in profile.read_text(encoding="utf-8"), profile.name
    earlier = work / "reports" / str(YEAR - 1)
    for stem, _title in registry.titles():
        assert (earlier / f"{stem}.ipynb").exists()
    assert json.loads((earlier / "noegletal.json").read_text())["aar"] == YEAR - 1
    index = (work / "_site" / "index.html").read_text(encoding="utf-8")
    assert f"{YEAR - 1}" in index and f"{YEAR}" in index
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["years"] == [YEAR - 1, YEAR] and last["published"] is True
    # Published a second time: the links were replaced, not published into (no link chains).
    for link in (work / "_site", work / "reports" / str(YEAR - 1), work / "reports" / str(YEAR)):
        version = link.parent / os.readlink(link)
        assert version.parent.name == f".{link.name}.versions", os.readlink(link)
        assert version.is_dir() and not version.is_symlink()
        assert not any(p.is_symlink() for p in version.parent.iterdir())
    # the added year's pages, and the newest year's profiles that now link to it
    assert last["run"] == len(registry.titles()) + len(list(earlier.glob("tilbud/*.ipynb"))) + len(
        list(earlier.glob("opfoelgning/*.ipynb"))
    ) + len(profiles)

    history = snapshot(earlier)
    again = cli.run(work, "--year", str(YEAR - 1))
    assert again.returncode == 0, again.stderr
    assert "historik" in again.stdout and "--force --year" in again.stdout
    assert snapshot(earlier) == history


def test_outputs_are_deterministic(cli, work: Path) -> None:
    """Forcing a full re-run gives byte-identical notebooks and key figures."""
    year_dir = work / "reports" / str(YEAR)
    before = snapshot(year_dir)
    result = cli.run(work, "--force", "--no-render")
    assert result.returncode == 0, result.stderr
    after = snapshot(year_dir)
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert changed == []


def test_only_re_executes_one_page_and_leaves_the_rest(cli, work: Path) -> None:
    """`--only tilbudsprofil --tilbud ID`: one notebook executed (validated first), the rest
    untouched; the page comes out byte-identical, since nothing it depends on changed."""
    year_dir = work / "reports" / str(YEAR)
    profile = sorted((year_dir / "tilbud").glob("*.ipynb"))[0]
    before = snapshot(year_dir)
    result = cli.run(work, "--only", "tilbudsprofil", "--tilbud", profile.stem, "--no-render")
    assert result.returncode == 0, result.stderr
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    planned = len(list(year_dir.rglob("*.ipynb")))  # pages, profiles and plan pages
    assert planned == len(registry.titles()) + 5 + len(list(year_dir.glob("opfoelgning/*.ipynb")))
    assert last["run"] == 1 and last["skipped"] == planned - 1
    assert last["published"] is True
    assert snapshot(year_dir) == before


def _correct(text: str, file: str) -> tuple[str, str]:
    """One facility's value in ``YEAR`` corrected: occupancy (noegletal) or sick days
    (fravaer); the corrected text and the facility's id."""
    lines = text.splitlines()
    header = lines[0].split(",")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if file == "noegletal" and cells[1] == str(YEAR) and "belaegning" in line:
            column, step = header.index("vaerdi"), -0.1
        elif file == "fravaer" and cells[1] == f"{YEAR}-03":
            column, step = header.index("sygefravaer_dagsvaerk"), 30.0
        else:
            continue
        cells[column] = f"{float(cells[column]) + step:.2f}"
        lines[i] = ",".join(cells)
        return "\n".join(lines) + "\n", cells[0]
    raise AssertionError(f"no value to correct in {file}.csv")


def _year_pages_reading(file: str) -> int:
    """How many of the year's pages (plan pages included) declare ``file`` as an input."""
    stems = [stem for stem, _ in registry.titles()]
    stems += [config.PLAN_NOTEBOOK] * N_PLAN_PAGES
    return sum(file in keys.declared_inputs(stem) for stem in stems)


@pytest.mark.parametrize("file", ["noegletal", "fravaer"])
def test_one_facility_corrected_re_executes_the_pages_that_read_it(
    small_data: Path, cli, work: Path, tmp_path: Path, file: str
) -> None:
    """A correction of one facility's occupancy or sick days: the year pages that declare the
    file and the profiles whose content changed are executed again, nothing else (a sick-day
    correction leaves the inspection and follow-up pages); and the result is byte-identical to
    a clean run on the corrected data (incremental = from scratch, so the declarations hold)."""
    data = small_data
    original = (data / f"{file}.csv").read_bytes()
    year_dir = work / "reports" / str(YEAR)
    before = snapshot(year_dir / "tilbud")
    corrected, changed = _correct(original.decode(), file)
    try:
        (data / f"{file}.csv").write_text(corrected, encoding="utf-8")
        result = cli.run(work, "--no-render")
        assert result.returncode == 0, result.stderr
        after = snapshot(year_dir / "tilbud")
        notebooks = [k for k in before if k.endswith(".ipynb")]
        rerun = sorted(Path(k).stem for k in notebooks if before[k] != after[k])
        assert changed in rerun and len(rerun) <= 5, rerun  # 5 facilities
        last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
        year_pages = _year_pages_reading(file)
        assert 0 < year_pages < len(registry.titles()) + len(planer.PLANER)
        assert last["run"] == year_pages + len(rerun)
        assert any(f"{file}.csv er ændret" in r for r in last["reasons"]), last["reasons"]

        clean = tmp_path / "clean"
        fresh = cli.run(clean, "--no-render")
        assert fresh.returncode == 0, fresh.stderr
    finally:
        (data / f"{file}.csv").write_bytes(original)
    ours = {Path(k).relative_to(year_dir): v for k, v in snapshot(year_dir).items()}
    theirs = {
        Path(k).relative_to(clean / "reports" / str(YEAR)): v
        for k, v in snapshot(clean / "reports" / str(YEAR)).items()
    }
    published = [p for p in theirs if p.name != ".manifest.json"]
    assert published and all(ours.get(p) == theirs[p] for p in published), [
        str(p) for p in published if ours.get(p) != theirs[p]
    ]


def test_second_concurrent_run_is_refused_with_exit_5(cli, work: Path) -> None:
    first = cli.start(work, "--force")
    lock = work / ".build" / "run.lock"
    deadline = time.time() + 60
    # The lock file stays between runs; the holder writes its PID once it holds the OS lock.
    while time.time() < deadline and (
        not lock.exists() or lock.read_text().strip() != str(first.pid)
    ):
        time.sleep(0.1)
    assert lock.read_text().strip() == str(first.pid)
    second = cli.run(work)
    first.communicate(timeout=600)
    assert second.returncode == 5
    assert "anden kørsel" in second.stderr and str(first.pid) in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0


def test_killed_run_leaves_published_outputs_untouched_and_next_run_succeeds(
    cli, work: Path
) -> None:
    published = snapshot(work / "reports" / str(YEAR), work / "_site")
    proc = cli.start(work, "--force")
    deadline = time.time() + 120
    staged: list[Path] = []
    while time.time() < deadline and not staged:
        staged = list((work / ".build").glob("run-*/reports/*/tilbud/*.ipynb"))
        time.sleep(0.05)
    assert staged, "the run never reached notebook execution"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == published
    result = cli.run(work)
    assert result.returncode == 0, result.stderr


def test_failing_notebook_exits_3_names_it_and_keeps_previous_outputs(
    cli, work: Path, tmp_path: Path
) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / "tilsyn.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(nb, notebooks / "tilsyn.ipynb")
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    result = cli.run(work, env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
    assert result.returncode == 3
    assert "tilsyn.ipynb" in result.stderr
    assert f"celle {len(nb.cells)}" in result.stderr
    assert "planted failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == before
    kept = work / "reports" / "failed" / str(YEAR) / "tilsyn.ipynb"
    assert kept.exists()
    assert "planted failure" in kept.read_text()


def test_invalid_data_exits_1_and_touches_nothing(cli, work: Path, small_data: Path) -> None:
    before = snapshot(work / "reports", work / "_site")
    shutil.copytree(small_data, work / "raw")
    path = work / "raw" / "tilsyn.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, "score"] = "7.5"  # a score outside 1–5, on line 4
    frame.to_csv(path, index=False)
    result = cli.run(work)
    assert result.returncode == 1
    assert "tilsyn.csv" in result.stderr and "score" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work / "reports", work / "_site") == before


def test_hanging_notebook_is_stopped_by_the_timeout_and_counted_as_failed(
    cli, work: Path, tmp_path: Path
) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / "bostedsundersoegelse.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(nb, notebooks / "bostedsundersoegelse.ipynb")
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    started = time.perf_counter()
    result = cli.run(work, "--timeout", "20", env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
    assert time.perf_counter() - started < 300
    assert result.returncode == 3
    assert "bostedsundersoegelse.ipynb" in result.stderr and "timeout" in result.stderr
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == before
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["failed"][0]["timeout"] is True


def test_site_built_by_the_pipeline_passes_axe_links_and_alt_text(
    published: Path, node_ready: str
) -> None:
    """WCAG 2.1 AA on the real output (the preview here, Quarto's site where installed)."""
    summary = run_axe(node_ready, published / "_site")
    assert summary["pages"] >= 5 + len(registry.titles())
    problems = describe(summary)
    assert problems == "", problems
