"""``statusrapport run``: validate → execute notebooks → key figures → render → publish.

Made for schedulers: one run at a time (lock, exit 5), nothing published unless every step
succeeded (staging + atomic swap), a notebook is executed again only when something it depends
on changed (content hashes), and each run leaves one JSON line in ``reports/runs.jsonl``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from statusrapport import __version__, config, publish
from statusrapport.errors import DataError, ExitCode, NotebookError, RenderError
from statusrapport.execution import (
    Task,
    TaskResult,
    _worker_init,
    execute_task,
    warm_up_done,
)

MANIFEST = ".manifest.json"
RUN_LOG = "runs.jsonl"
SITE_SOURCES = ("_quarto.yml", "*.qmd", "_*.md", "*.css", "*.scss", "_*.yml", "assets/**/*")


# --- small helpers --------------------------------------------------------------------------


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x1f")
    return digest.hexdigest()


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_fingerprint() -> str:
    """The package's code and the validation suites: a change in either re-executes reports."""
    package_dir = Path(__file__).resolve().parent
    files = list(package_dir.rglob("*.py"))
    suites = list(config.EXPECTATIONS_DIR.glob("*.json"))
    return _sha(
        __version__, _hash_files(files, package_dir), _hash_files(suites, config.PROJECT_ROOT)
    )


def site_fingerprint() -> str:
    root = config.PROJECT_ROOT
    files = [p for pattern in SITE_SOURCES for p in root.glob(pattern)]
    return _sha(_hash_files(files, root), str(bool(shutil.which("quarto"))))


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_year(data_dir: Path) -> int:
    """The newest year with staff data (personale.csv, else fravaer.csv) – read without pandas."""
    years: set[int] = set()
    personale = data_dir / "personale.csv"
    if personale.exists():
        years |= {int(row["aar"]) for row in _read_rows(personale) if row.get("aar", "").isdigit()}
    if not years and (data_dir / "fravaer.csv").exists():
        years |= {int(row["maaned"][:4]) for row in _read_rows(data_dir / "fravaer.csv")}
    if not years:
        raise DataError(f"Fandt ingen år i {data_dir / 'personale.csv'}")
    return max(years)


@dataclass(frozen=True)
class Facility:
    tilbud_id: str
    navn: str
    maalgruppe: str


def active_facilities(data_dir: Path, year: int) -> list[Facility]:
    """Facilities open at some point in ``year``: each gets a profile page."""
    first, last = f"{year}-01-01", f"{year}-12-31"
    facilities = []
    for row in _read_rows(data_dir / "tilbud.csv"):
        opened, closed = row.get("aktiv_fra") or "", row.get("aktiv_til") or ""
        if (not opened or opened <= last) and (not closed or closed >= first):
            facilities.append(Facility(row["tilbud_id"], row["navn"], row["maalgruppe"]))
    return sorted(facilities, key=lambda f: f.tilbud_id)


def plan(data_dir: Path, year: int, facilities: list[Facility]) -> list[Task]:
    """Every notebook of the year's report with its parameters and page front matter."""
    common = {"year": year, "data_dir": str(data_dir)}
    tasks = [
        Task(
            source=config.NOTEBOOKS_DIR / f"{stem}.ipynb",
            output=f"reports/{year}/{stem}.ipynb",
            parameters=dict(common),
            front_matter={"title": f"{title} {year}"},
        )
        for stem, title in config.REPORT_PAGES
    ]
    profile = config.NOTEBOOKS_DIR / f"{config.PROFILE_NOTEBOOK}.ipynb"
    for facility in facilities:
        tasks.append(
            Task(
                source=profile,
                output=f"reports/{year}/tilbud/{facility.tilbud_id}.ipynb",
                parameters={**common, "tilbud_id": facility.tilbud_id},
                front_matter={
                    "title": facility.navn,
                    "subtitle": f"Tilbudsprofil {year} · {facility.maalgruppe}",
                    "tilbud_id": facility.tilbud_id,
                    "maalgruppe": facility.maalgruppe,
                    "categories": [facility.maalgruppe],
                    "aar": year,
                },
            )
        )
    return tasks


def assign_keys(tasks: list[Task], input_hash: str, code_hash: str) -> None:
    """A task's key changes when its notebook, parameters, inputs or the package change."""
    source_hashes: dict[Path, str] = {}
    missing = sorted({str(t.source) for t in tasks if not t.source.exists()})
    if missing:
        raise NotebookError(
            "Disse notebooks mangler i notebooks/: "
            + ", ".join(missing)
            + ". Gendan dem fra git, eller fjern siden fra REPORT_PAGES i config.py."
        )
    for task in tasks:
        if task.source not in source_hashes:
            source_hashes[task.source] = _sha(task.source.read_bytes())
        task.key = _sha(
            source_hashes[task.source],
            json.dumps(task.parameters, sort_keys=True),
            json.dumps(task.front_matter, sort_keys=True, ensure_ascii=False),
            input_hash,
            code_hash,
        )


# --- output ---------------------------------------------------------------------------------


class Log:
    """Progress for people (a bar on a terminal) and plain lines for cron and log files."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty() and not quiet
        self.bar: Any = None

    def info(self, message: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(message)
        else:
            print(message, flush=True)

    def warn(self, message: str) -> None:
        print(f"Advarsel: {message}", file=sys.stderr, flush=True)

    def error(self, message: str) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        print(f"statusrapport: {message}", file=sys.stderr, flush=True)

    def start_progress(self, total: int) -> None:
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", desc="Kører notebooks", leave=True)

    def progress(self, done: int, total: int, result: TaskResult, started: float) -> None:
        name = result.output.split("/", 2)[-1]
        status = "OK" if result.ok else "FEJL"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{name} {status}")
            self.bar.update(1)
            return
        if not self.quiet:
            elapsed = time.perf_counter() - started
            left = elapsed / done * (total - done) if done else 0.0
            print(
                f"[{done}/{total}] {name} {status} ({result.seconds:.1f} s; "
                f"ca. {left:.0f} s tilbage)",
                flush=True,
            )

    def stop_progress(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@dataclass
class RunRecord:
    """One line of ``reports/runs.jsonl``."""

    start: str
    year: int | None = None
    input_hash: str | None = None
    code_hash: str | None = None
    run: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    render: str | None = None
    published: bool = False
    end: str | None = None
    seconds: float | None = None
    exit_code: int | None = None

    def to_json(self) -> str:
        data = dict(self.__dict__)
        data["run"] = len(self.run)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# --- the run ----------------------------------------------------------------------------------


def start_pool(build: Path, data_dir: Path, jobs: int, n_tasks: int) -> ProcessPoolExecutor:
    """Worker processes with warm kernels, started now so they warm up while we validate."""
    workers = max(1, min(jobs, n_tasks))
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(str(build), str(data_dir)),
    )
    for _ in range(workers):
        pool.submit(warm_up_done)
    pool._statusrapport_workers = workers  # type: ignore[attr-defined]
    return pool


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop warming workers at once (bad input): their kernels exit with their parent."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)


def _execute(
    tasks: list[Task], build: Path, pool: ProcessPoolExecutor, timeout: int, log: Log
) -> list[TaskResult]:
    """Run tasks on the pool's workers, each with one warm kernel."""
    if not tasks:
        return []
    workers = getattr(pool, "_statusrapport_workers", 1)
    log.info(f"Kører {len(tasks)} notebooks med {workers} parallelle kerner …")
    log.start_progress(len(tasks))
    started = time.perf_counter()
    results: list[TaskResult] = []
    with pool:
        futures = {pool.submit(execute_task, task, str(build), timeout): task for task in tasks}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                result = future.result()
            except Exception as error:  # a worker process died (e.g. out of memory)
                result = TaskResult(
                    output=futures[future].output,
                    ok=False,
                    seconds=0.0,
                    error=f"arbejdsprocessen stoppede uventet ({type(error).__name__})",
                )
            results.append(result)
            log.progress(done, len(tasks), result, started)
    log.stop_progress()
    return sorted(results, key=lambda r: r.output)


def _append_run_log(reports_dir: Path, record: RunRecord) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / RUN_LOG).open("a", encoding="utf-8") as handle:
        handle.write(record.to_json() + "\n")


def _keep_failed(build: Path, reports_dir: Path, year: int, failed: list[TaskResult]) -> Path:
    """Copy failed executed notebooks (with the failing cell) to ``reports/failed/<year>/``."""
    target_root = reports_dir / "failed" / str(year)
    for result in failed:
        source = build / result.output
        if source.exists():
            target = target_root / Path(result.output).relative_to(f"reports/{year}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return target_root


def run(
    *,
    data_dir: Path,
    year: int | None,
    jobs: int,
    force: bool,
    quiet: bool,
    timeout: int,
    render: bool,
    reports_dir: Path,
    site_dir: Path,
) -> int:
    """The whole pipeline; returns the exit code (see :class:`statusrapport.errors.ExitCode`)."""
    data_dir, reports_dir, site_dir = data_dir.resolve(), reports_dir.resolve(), site_dir.resolve()
    staging_root = reports_dir.parent / ".build"
    log = Log(quiet)
    with publish.run_lock(staging_root / "run.lock"):
        restored = publish.recover(staging_root)
        if restored:
            log.warn("en afbrudt publicering blev rullet tilbage: " + ", ".join(restored))
        publish.clean_staging(staging_root, keep=None)
        return _run_locked(
            data_dir=data_dir,
            year=year,
            jobs=jobs,
            force=force,
            timeout=timeout,
            render=render,
            reports_dir=reports_dir,
            site_dir=site_dir,
            staging_root=staging_root,
            log=log,
        )


def _run_locked(
    *,
    data_dir: Path,
    year: int | None,
    jobs: int,
    force: bool,
    timeout: int,
    render: bool,
    reports_dir: Path,
    site_dir: Path,
    staging_root: Path,
    log: Log,
) -> int:
    from statusrapport.data import input_fingerprint

    t0 = time.perf_counter()
    record = RunRecord(start=_now())

    def finish(code: int, *, write_log: bool = True) -> int:
        record.end, record.exit_code = _now(), int(code)
        record.seconds = round(time.perf_counter() - t0, 2)
        if write_log:
            _append_run_log(reports_dir, record)
        return int(code)

    missing = [f"{key}.csv" for key in config.FILES if not (data_dir / f"{key}.csv").exists()]
    quick_ok = not missing
    try:
        if quick_ok:
            year = year or latest_year(data_dir)
            facilities = active_facilities(data_dir, year)
    except (KeyError, ValueError, OSError, UnicodeDecodeError, DataError):
        quick_ok = False  # let validation explain what is wrong with the files

    if not quick_ok:
        return _validate_only_failure(data_dir, year, log)

    assert year is not None
    record.year = year
    input_hash = input_fingerprint(data_dir)
    code_hash = code_fingerprint()
    record.input_hash, record.code_hash = input_hash, code_hash
    tasks = plan(data_dir, year, facilities)
    assign_keys(tasks, input_hash, code_hash)

    published_year = reports_dir / str(year)
    manifest_path = published_year / MANIFEST
    manifest: dict[str, Any] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    old_keys: dict[str, str] = {} if force else manifest.get("tasks", {})
    changed = [
        t
        for t in tasks
        if force
        or old_keys.get(t.output) != t.key
        or not (published_year / Path(t.output).relative_to(f"reports/{year}")).exists()
    ]
    site_hash = _sha(site_fingerprint(), *(t.key for t in tasks), str(render))
    site_current = manifest.get("site") == site_hash and (site_dir.exists() or not render)
    validation_key = _sha(input_hash, code_hash, str(year))

    if not changed and site_current and manifest.get("validation") == validation_key:
        record.skipped = len(tasks)
        log.info(
            f"Intet er ændret siden sidste kørsel for {year}: {len(tasks)} notebooks sprunget over."
        )
        return finish(ExitCode.OK)

    # 1. Validate (skipped only when inputs and rules are exactly those already validated),
    #    while the worker kernels start and import the stack in the background.
    build = staging_root / f"run-{os.getpid()}-{int(time.time())}"
    build_year = build / "reports" / str(year)
    build.mkdir(parents=True)
    pool = start_pool(build, data_dir, jobs, len(changed)) if changed else None
    if (
        manifest.get("validation") == validation_key
        and (published_year / "datakvalitet.json").exists()
    ):
        log.info("Inputdata er uændrede og allerede valideret.")
        quality_json = None
    else:
        log.info(f"Validerer inputdata i {data_dir} …")
        from statusrapport import validation

        report = validation.validate(data_dir, year=year)
        if not report.ok:
            if pool is not None:
                stop_pool(pool)
            shutil.rmtree(build, ignore_errors=True)
            log.error(
                "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
            )
            return int(ExitCode.INVALID_DATA)
        for warning in report.warnings:
            log.warn(str(warning))
        quality_json = report

    # 2. Stage: the published reports of every year, then the new year's outputs on top.
    (build / "reports").mkdir()
    if reports_dir.exists():
        for child in sorted(reports_dir.iterdir()):
            if child.is_dir() and child.name.isdigit():
                publish.copy_tree(child, build / "reports" / child.name)
    build_year.mkdir(parents=True, exist_ok=True)
    expected = {t.output for t in tasks}
    for stale in build_year.rglob("*.ipynb"):
        if str(stale.relative_to(build)) not in expected:
            stale.unlink()  # e.g. a facility that closed
    if quality_json is not None:
        quality_json.write_json(build_year / "datakvalitet.json")

    # 3. Key figures as data, before the notebooks: the resumé page shows exactly these.
    if changed or not (build_year / "noegletal.json").exists():
        from statusrapport import keyfigures
        from statusrapport.data import load

        log.info("Beregner nøgletal …")
        keyfigures.write(keyfigures.compute(load(data_dir), year), build_year)

    # 4. Execute what changed.
    record.skipped = len(tasks) - len(changed)
    if record.skipped:
        log.info(f"{record.skipped} notebooks er uændrede og springes over.")
    results = _execute(changed, build, pool, timeout, log) if pool is not None else []
    record.run = [r.output for r in results]
    failed = [r for r in results if not r.ok]
    if failed:
        record.failed = [
            {"notebook": r.output, "cell": r.cell, "error": r.error, "timeout": r.timed_out}
            for r in failed
        ]
        kept = _keep_failed(build, reports_dir, year, failed)
        lines = [
            f"  {r.output}" + (f", celle {r.cell}" if r.cell is not None else "") + f": {r.error}"
            for r in failed
        ]
        log.error(
            f"{len(failed)} notebook(s) fejlede – intet er publiceret; "
            f"de sidst publicerede rapporter er urørte.\n"
            + "\n".join(lines)
            + f"\nDe fejlede notebooks (med den fejlende celle) ligger i {kept}"
        )
        shutil.rmtree(build, ignore_errors=True)
        return finish(ExitCode.NOTEBOOK_FAILED)

    # 5. Render the site from every year's executed notebooks.
    years = sorted(int(p.name) for p in (build / "reports").iterdir() if p.name.isdigit())
    run_log_copy = build / "reports" / RUN_LOG
    if (reports_dir / RUN_LOG).exists():
        shutil.copy2(reports_dir / RUN_LOG, run_log_copy)
    if render:
        from statusrapport import site

        first_year = _first_data_year(data_dir)
        run_info = {
            "data_period": f"{first_year}–{year}" if first_year else str(year),
            "run_date": date.today().isoformat(),
            "input_hash": input_hash,
        }
        try:
            result = site.build(
                build,
                years=years,
                demo=config.is_demo(data_dir),
                run_info=run_info,
                quiet=log.quiet,
            )
        except RenderError as error:
            log.error(f"rendering fejlede – intet er publiceret: {error}")
            shutil.rmtree(build, ignore_errors=True)
            return finish(ExitCode.RENDER_FAILED)
        record.render = result.engine

    # 6. Manifest, then publish everything at once.
    new_manifest = {
        "tasks": {t.output: t.key for t in tasks},
        "validation": validation_key,
        "site": site_hash if render else manifest.get("site"),
        "input_hash": input_hash,
    }
    (build_year / MANIFEST).write_text(json.dumps(new_manifest, indent=2, sort_keys=True) + "\n")
    pairs = [(build_year, reports_dir / str(year))]
    if render:
        pairs.append((build / "_site", site_dir))
    publish.publish(pairs, build)
    record.published = True
    shutil.rmtree(build, ignore_errors=True)
    failed_dir = reports_dir / "failed" / str(year)
    if failed_dir.exists():
        shutil.rmtree(failed_dir)  # the failures were fixed
    log.info(
        f"Færdig: rapporterne for {year} ligger i {reports_dir / str(year)}"
        + (f", sitet i {site_dir}" if render else "")
        + "."
    )
    return finish(ExitCode.OK)


def _first_data_year(data_dir: Path) -> int | None:
    try:
        years = [int(r["aar"]) for r in _read_rows(data_dir / "personale.csv")]
    except (OSError, KeyError, ValueError):
        return None
    return min(years) if years else None


def _validate_only_failure(data_dir: Path, year: int | None, log: Log) -> int:
    """Inputs too broken to plan a run: validation explains why (exit 1)."""
    from statusrapport import validation

    report = validation.validate(data_dir, year=year)
    if report.ok:  # pragma: no cover - validation should have found what broke planning
        log.error(f"kunne ikke læse inputdata i {data_dir}")
    else:
        log.error(
            "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
        )
    return int(ExitCode.INVALID_DATA)
