"""End-to-end runs of ``statusrapport run`` as a scheduler would call it (real processes).

Small demo data (5 facilities, 2023–2025) keeps each cold run to a few seconds of notebook work.
Each test gets its own project-like folder: data, reports, site and staging under tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from helpers import describe, run_axe

from statusrapport import config, demo, planer

pytestmark = pytest.mark.slow

YEAR = 2025
PAGE_STEMS = {stem for stem, _ in config.REPORT_PAGES}
#: Follow-up pages under opfoelgning/ (a plan with its own year page has that one only).
N_PLAN_PAGES = len([p for p in planer.PLANER if p.id not in PAGE_STEMS])


def snapshot(*folders: Path) -> dict[str, str]:
    """Content hash of every file below ``folders``: 'byte-identical' made checkable."""
    digest = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def start(work: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Run the CLI on ``work``: its own reports and site, the data in ``work/raw`` if present
    there (a test that corrupts data), else the shared small data set at its fixed path (the
    data folder is a notebook parameter, so a moved folder would rightly re-execute all)."""
    data = work / "raw" if (work / "raw").exists() else SMALL_DATA[0]
    cmd = [
        sys.executable, "-m", "statusrapport", "run",
        "--data", str(data),
        "--reports", str(work / "reports"),
        "--site", str(work / "_site"),
        "--jobs", "2",
        # a test's own copy of the data is another folder than the published site's
        *(["--ny-data"] if SMALL_DATA[:1] != [data] else []),
        *args,
    ]  # fmt: skip
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, so a test can kill the whole run
    )


def run(work: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = start(work, *args, env=env)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


SMALL_DATA: list[Path] = []


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "data"
    demo.write_demo_data(folder, n_facilities=5, years=(2023, YEAR))
    SMALL_DATA[:] = [folder]
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, small_data: Path) -> Path:
    """A work folder after one successful run (reused read-only by several tests)."""
    work = tmp_path_factory.mktemp("published")
    result = run(work)
    assert result.returncode == 0, result.stderr
    return work


@pytest.fixture
def work(published: Path, tmp_path: Path) -> Path:
    """A private copy of the published state."""
    target = tmp_path / "work"
    shutil.copytree(published, target, symlinks=True)
    return target


def test_first_run_publishes_reports_key_figures_and_site(published: Path) -> None:
    year_dir = published / "reports" / str(YEAR)
    for stem, _title in config.REPORT_PAGES:
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


def test_no_change_rerun_skips_every_notebook(work: Path) -> None:
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    started = time.perf_counter()
    result = run(work)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert "Intet er ændret" in result.stdout
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == before
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["run"] == 0 and last["skipped"] == 5 + len(config.REPORT_PAGES) + N_PLAN_PAGES
    assert elapsed < 60  # generous: a sanity bound, the real figure comes from `make bench`


def test_backfill_adds_an_earlier_year_and_keeps_published_history(work: Path) -> None:
    """``--years`` builds the missing year in one run and publishes once; the newest year
    (unchanged) stays byte-identical; the backfilled year is then history, kept as it is."""
    newest = snapshot(work / "reports" / str(YEAR))
    result = run(work, "--years", f"{YEAR - 1}-{YEAR}")
    assert result.returncode == 0, result.stderr
    assert snapshot(work / "reports" / str(YEAR)) == newest
    earlier = work / "reports" / str(YEAR - 1)
    for stem, _title in config.REPORT_PAGES:
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
    assert last["run"] == len(config.REPORT_PAGES) + len(
        list(earlier.glob("tilbud/*.ipynb"))
    ) + len(list(earlier.glob("opfoelgning/*.ipynb")))

    history = snapshot(earlier)
    again = run(work, "--year", str(YEAR - 1))
    assert again.returncode == 0, again.stderr
    assert "historik" in again.stdout and "--force --year" in again.stdout
    assert snapshot(earlier) == history


def test_outputs_are_deterministic(work: Path) -> None:
    """Forcing a full re-run gives byte-identical notebooks and key figures."""
    year_dir = work / "reports" / str(YEAR)
    before = snapshot(year_dir)
    result = run(work, "--force", "--no-render")
    assert result.returncode == 0, result.stderr
    after = snapshot(year_dir)
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert changed == []


def test_only_re_executes_one_page_and_leaves_the_rest(work: Path) -> None:
    """`--only tilbudsprofil --tilbud ID`: one notebook executed (validated first), the rest
    untouched; the page comes out byte-identical, since nothing it depends on changed."""
    year_dir = work / "reports" / str(YEAR)
    profile = sorted((year_dir / "tilbud").glob("*.ipynb"))[0]
    before = snapshot(year_dir)
    result = run(work, "--only", "tilbudsprofil", "--tilbud", profile.stem, "--no-render")
    assert result.returncode == 0, result.stderr
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    planned = len(list(year_dir.rglob("*.ipynb")))  # pages, profiles and plan pages
    assert planned == len(config.REPORT_PAGES) + 5 + len(list(year_dir.glob("opfoelgning/*.ipynb")))
    assert last["run"] == 1 and last["skipped"] == planned - 1
    assert last["published"] is True
    assert snapshot(year_dir) == before


def test_one_facility_corrected_re_executes_its_page_and_the_year_pages_only(
    work: Path, tmp_path: Path
) -> None:
    """A correction of one facility's occupancy: the year pages and that facility's profile are
    executed again, the other profiles (whose content is unchanged) are not; and the result is
    byte-identical to a clean run on the corrected data (incremental = from scratch)."""
    data = SMALL_DATA[0]
    original = (data / "noegletal.csv").read_bytes()
    year_dir = work / "reports" / str(YEAR)
    before = snapshot(year_dir / "tilbud")
    lines = original.decode().splitlines()
    header = lines[0].split(",")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if cells[header.index("aar")] == str(YEAR) and "belaegning" in line:
            value = float(cells[header.index("vaerdi")])
            cells[header.index("vaerdi")] = f"{value - 0.1:.1f}"
            lines[i], changed = ",".join(cells), cells[header.index("tilbud_id")]
            break
    try:
        (data / "noegletal.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = run(work, "--no-render")
        assert result.returncode == 0, result.stderr
        after = snapshot(year_dir / "tilbud")
        notebooks = [k for k in before if k.endswith(".ipynb")]
        rerun = sorted(Path(k).stem for k in notebooks if before[k] != after[k])
        assert changed in rerun and len(rerun) < 5, rerun  # 5 facilities
        last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
        # the follow-up plans' own pages read only their own files: not run again
        assert last["run"] == len(config.REPORT_PAGES) + len(rerun)
        assert any("noegletal.csv er ændret" in r for r in last["reasons"]), last["reasons"]

        clean = tmp_path / "clean"
        fresh = run(clean, "--no-render")
        assert fresh.returncode == 0, fresh.stderr
    finally:
        (data / "noegletal.csv").write_bytes(original)
    ours = {Path(k).relative_to(year_dir): v for k, v in snapshot(year_dir).items()}
    theirs = {
        Path(k).relative_to(clean / "reports" / str(YEAR)): v
        for k, v in snapshot(clean / "reports" / str(YEAR)).items()
    }
    published = [p for p in theirs if p.name != ".manifest.json"]
    assert published and all(ours.get(p) == theirs[p] for p in published), [
        str(p) for p in published if ours.get(p) != theirs[p]
    ]


def test_second_concurrent_run_is_refused_with_exit_5(work: Path) -> None:
    first = start(work, "--force")
    lock = work / ".build" / "run.lock"
    deadline = time.time() + 60
    # The lock file stays between runs; the holder writes its PID once it holds the OS lock.
    while time.time() < deadline and (
        not lock.exists() or lock.read_text().strip() != str(first.pid)
    ):
        time.sleep(0.1)
    assert lock.read_text().strip() == str(first.pid)
    second = run(work)
    first.communicate(timeout=600)
    assert second.returncode == 5
    assert "anden kørsel" in second.stderr and str(first.pid) in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0


def test_killed_run_leaves_published_outputs_untouched_and_next_run_succeeds(work: Path) -> None:
    published = snapshot(work / "reports" / str(YEAR), work / "_site")
    proc = start(work, "--force")
    deadline = time.time() + 120
    staged: list[Path] = []
    while time.time() < deadline and not staged:
        staged = list((work / ".build").glob("run-*/reports/*/tilbud/*.ipynb"))
        time.sleep(0.05)
    assert staged, "the run never reached notebook execution"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == published
    result = run(work)
    assert result.returncode == 0, result.stderr


def test_failing_notebook_exits_3_names_it_and_keeps_previous_outputs(
    work: Path, tmp_path: Path
) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / "tilsyn.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(nb, notebooks / "tilsyn.ipynb")
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    result = run(work, env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
    assert result.returncode == 3
    assert "tilsyn.ipynb" in result.stderr
    assert f"celle {len(nb.cells)}" in result.stderr
    assert "planted failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work / "reports" / str(YEAR), work / "_site") == before
    kept = work / "reports" / "failed" / str(YEAR) / "tilsyn.ipynb"
    assert kept.exists()
    assert "planted failure" in kept.read_text()


def test_invalid_data_exits_1_and_touches_nothing(work: Path, small_data: Path) -> None:
    before = snapshot(work / "reports", work / "_site")
    shutil.copytree(small_data, work / "raw")
    path = work / "raw" / "tilsyn.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",7.5"  # a score outside 1–5
    path.write_text("\n".join(lines) + "\n")
    result = run(work)
    assert result.returncode == 1
    assert "tilsyn.csv" in result.stderr and "score" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work / "reports", work / "_site") == before


def test_hanging_notebook_is_stopped_by_the_timeout_and_counted_as_failed(
    work: Path, tmp_path: Path
) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / "bostedsundersoegelse.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(nb, notebooks / "bostedsundersoegelse.ipynb")
    before = snapshot(work / "reports" / str(YEAR), work / "_site")
    started = time.perf_counter()
    result = run(work, "--timeout", "20", env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
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
    assert summary["pages"] >= 5 + len(config.REPORT_PAGES)
    problems = describe(summary)
    assert problems == "", problems
