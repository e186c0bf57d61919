"""``statusrapport run``: validate → execute notebooks → key figures → render → publish.

Made for schedulers: one run at a time (lock, exit 5), nothing published unless every step
succeeded (staging + atomic swap), a notebook is executed again only when something it depends
on changed (content hashes), and each run leaves one JSON line in ``reports/runs.jsonl``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from statusrapport import (
    __version__,
    config,
    escaping,
    kalender,
    lifecycle,
    lock,
    paths,
    planer,
    preflight,
    publish,
)
from statusrapport.errors import (
    DataError,
    DisclosureError,
    DiskFullError,
    ExitCode,
    NotebookError,
    RenderError,
    StatusrapportError,
    UsageError,
    from_os_error,
    mentions_disk_full,
)
from statusrapport.execution import Task, TaskResult, disk_full
from statusrapport.hashing import sha as _sha
from statusrapport.kalender import ActiveFacility
from statusrapport.pool import WarmPool

if TYPE_CHECKING:
    from statusrapport.validation.reading import InputFolder

MANIFEST = ".manifest.json"
RUN_LOG = "runs.jsonl"
SITE_SOURCES = ("_quarto.yml", "*.qmd", "_*.md", "*.css", "*.scss", "_*.yml", "assets/**/*")

#: ``--years``: an inclusive range of report years, or every year the data covers.
YearSpan = tuple[int, int] | Literal["all"]


# --- small helpers --------------------------------------------------------------------------


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


def latest_year(data_dir: Path) -> int:
    """The report year by the one calendar (latest year with data); for benchmarks and tools."""
    from statusrapport import validation
    from statusrapport.validation.reading import read_folder

    inputs = read_folder(data_dir)
    year = kalender.report_year(None, validation.available_years(inputs.tables, date.today()))
    if year is None:
        raise DataError(f"Fandt ingen år med data i fravaer.csv eller personale.csv i {data_dir}")
    return year


def active_facilities(data_dir: Path, year: int) -> list[ActiveFacility]:
    """Facilities open at some point in ``year`` (the one calendar): each gets a profile page."""
    from statusrapport.validation.reading import read_folder

    tables = read_folder(data_dir).tables
    if "tilbud" not in tables:
        raise DataError(f"tilbud.csv i {data_dir} kan ikke læses; kør statusrapport validate")
    return kalender.active_facilities(tables["tilbud"].frame, year)


def plan(data_dir: Path, year: int, facilities: list[ActiveFacility]) -> list[Task]:
    """Every notebook of the year's report with its parameters and page front matter."""
    common = {"year": year, "data_dir": paths.portable(data_dir, config.PROJECT_ROOT)}
    tasks = [
        Task(
            source=config.NOTEBOOKS_DIR / f"{stem}.ipynb",
            output=f"reports/{year}/{stem}.ipynb",
            parameters=dict(common),
            front_matter={"title": f"{title} {year}"},
        )
        for stem, title in config.REPORT_PAGES
    ]
    # One follow-up page per plan (planer.PLANER), linked from the overview page "opfoelgning".
    for item in planer.PLANER:
        tasks.append(
            Task(
                source=config.NOTEBOOKS_DIR / f"{config.PLAN_NOTEBOOK}.ipynb",
                output=f"reports/{year}/opfoelgning/{item.id}.ipynb",
                parameters={**common, "plan_id": item.id},
                front_matter={
                    "title": f"Opfølgning {year}: {escaping.metadata(item.titel)}",
                    "aar": year,
                },
            )
        )
    profile = config.NOTEBOOKS_DIR / f"{config.PROFILE_NOTEBOOK}.ipynb"
    for facility in facilities:
        tasks.append(
            Task(
                source=profile,
                output=f"reports/{year}/tilbud/{facility.tilbud_id}.ipynb",
                parameters={**common, "tilbud_id": facility.tilbud_id},
                front_matter={
                    "title": escaping.metadata(facility.navn),  # Quarto reads it as Markdown
                    "subtitle": f"Tilbudsprofil {year} · {facility.maalgruppe}",
                    "tilbud_id": facility.tilbud_id,
                    "maalgruppe": facility.maalgruppe,
                    "categories": [facility.maalgruppe],
                    "aar": year,
                },
            )
        )
    return tasks


def assign_keys(
    tasks: list[Task], input_hash: str, code_hash: str, pages: dict[str, str] | None = None
) -> None:
    """A task's key changes when its notebook, parameters, inputs or the package change.

    ``pages`` (tilbud_id → :meth:`Profilside.fingerprint`) keys a facility's profile on what it
    shows instead of on every input: another facility's correction that leaves this page as it
    was does not re-execute it.
    """
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
        facility = task.parameters.get("tilbud_id")
        shown = (pages or {}).get(facility) if isinstance(facility, str) else None
        task.key = _sha(
            source_hashes[task.source],
            json.dumps(task.parameters, sort_keys=True),
            json.dumps(task.front_matter, sort_keys=True, ensure_ascii=False),
            f"side:{shown}" if shown else input_hash,
            code_hash,
        )


def profile_fingerprints(
    plan_: RunPlan, facilities: list[ActiveFacility], inputs: InputFolder
) -> dict[str, str]:
    """What each facility's profile page would show, fingerprinted (``profil.Profilside``).

    Reused from the published manifest when inputs and code are unchanged (a run with nothing
    changed computes nothing). Empty when the pages cannot be computed – the data is then
    invalid, which validation reports, or the profile notebooks fail with their own message.
    """
    import warnings

    basis = _sha(plan_.input_hash, plan_.code_hash, str(plan_.year))
    stored = plan_.manifest.get("profiles") or {}
    if stored.get("basis") == basis and isinstance(stored.get("pages"), dict):
        return dict(stored["pages"])
    from statusrapport import data
    from statusrapport.analysis import profil

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # parsed once per process (data.load): a backfill's years share the dataset and
            # its cached disclosure passes
            dataset = data.load(plan_.data_dir, inputs)
            return {
                f.tilbud_id: profil.page(dataset, plan_.year, f.tilbud_id).fingerprint()
                for f in facilities
            }
    except Exception:  # invalid data: every profile is keyed on the inputs
        return {}


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
    years: list[int] | None = None  # a backfill (--years): every year this run planned
    forced: bool = False
    corrections: list[int] = field(default_factory=list)  # published years re-run by --force
    input_hash: str | None = None
    code_hash: str | None = None
    run: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    render: str | None = None
    rendered: int | None = None  # pages Quarto rendered (None: the whole site or no Quarto)
    render_seconds: dict[str, float] | None = None
    published: bool = False
    staging_bytes: int | None = None
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


@dataclass
class RunPlan:
    """Everything the steps of one run share: paths, options, tasks and what changed."""

    data_dir: Path
    reports_dir: Path
    site_dir: Path
    staging_root: Path
    jobs: int
    force: bool
    timeout: int
    render: bool
    year: int = 0
    tasks: list[Task] = field(default_factory=list)
    changed: list[Task] = field(default_factory=list)
    input_hash: str = ""
    code_hash: str = ""
    validation_key: str = ""
    site_hash: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)
    build: Path = Path()
    quality: Any = None  # the validation report to publish, None when validation was skipped
    inputs: InputFolder | None = None  # the input folder, read once by the one reader
    available_years: list[int] = field(default_factory=list)
    only: Only | None = None  # --only/--tilbud: re-execute just this page
    history: bool = False  # an earlier year already published: frozen unless --force
    pages: dict[str, str] = field(default_factory=dict)  # tilbud_id → profile fingerprint

    @property
    def published_year(self) -> Path:
        return self.reports_dir / str(self.year)

    @property
    def build_year(self) -> Path:
        return self.build / "reports" / str(self.year)

    @property
    def up_to_date(self) -> bool:
        site_current = self.manifest.get("site") == self.site_hash and (
            self.site_dir.exists() or not self.render
        )
        return (
            not self.changed
            and site_current
            and self.manifest.get("validation") == self.validation_key
        )


class RunEnded(Exception):
    """A step ends the run early with an exit code (its message already logged)."""

    def __init__(self, code: ExitCode, *, write_log: bool = True) -> None:
        super().__init__(int(code))
        self.code, self.write_log = code, write_log


def _append_run_log(reports_dir: Path, record: RunRecord) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / RUN_LOG).open("a", encoding="utf-8") as handle:
        handle.write(record.to_json() + "\n")


def _keep_failed(build: Path, reports_dir: Path, year: int, failed: list[TaskResult]) -> Path:
    """Copy failed executed notebooks (with the failing cell) to ``reports/failed/<year>/``.

    In a backfill a failure may belong to another year than ``year``: each notebook goes to
    the folder of its own year; the returned folder is ``failed/`` itself then.
    """
    target_root = reports_dir / "failed" / str(year)
    years = {Path(r.output).parts[1] for r in failed if len(Path(r.output).parts) > 2}
    for result in failed:
        source = build / result.output
        relative = Path(result.output).relative_to("reports")
        target = reports_dir / "failed" / relative
        if (
            source.exists()
            and paths.is_inside(build, source)
            and paths.is_inside(reports_dir / "failed", target)
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return target_root if years <= {str(year)} else reports_dir / "failed"


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
    only: Only | None = None,
    years: YearSpan | None = None,
) -> int:
    """The whole pipeline; returns the exit code (see :class:`statusrapport.errors.ExitCode`).

    One ``ExitStack`` owns what must not outlive the run – lock, watchdog, staging folder and
    worker pool – so every way out (success, failure, SIGTERM/SIGINT) releases all of it.
    """
    reports_dir = reports_dir.resolve()
    plan_ = RunPlan(
        data_dir=data_dir.resolve(),
        reports_dir=reports_dir,
        site_dir=paths.published_path(site_dir),
        staging_root=reports_dir.parent / ".build",
        jobs=jobs,
        force=force,
        timeout=timeout,
        render=render,
        only=only,
    )
    log = Log(quiet)
    record = RunRecord(start=_now())
    t0 = time.perf_counter()
    run_id = lifecycle.new_run_id()
    code: ExitCode = ExitCode.OK
    write_log = True
    with contextlib.ExitStack() as stack:
        stack.enter_context(lock.run_lock(plan_.staging_root / "run.lock", wait=3.0))
        stack.callback(lifecycle.kill_run_processes, run_id)  # e.g. Quarto's helpers, kernels
        stack.enter_context(lifecycle.Watchdog(run_id, plan_.staging_root))
        restored = publish.recover(plan_.staging_root)
        if restored:
            log.warn("en afbrudt publicering blev rullet tilbage: " + ", ".join(restored))
        publish.clean_staging(plan_.staging_root)
        try:
            code = _run_steps(plan_, year, record, log, stack, years)
        except RunEnded as end:
            code, write_log = end.code, end.write_log
        except OSError as error:  # the machine failed mid-run (e.g. the disk filled up)
            fault = from_os_error(error, "kørslen")
            record.exit_code = int(fault.exit_code)
            raise fault from None
        except StatusrapportError as error:
            record.exit_code = int(error.exit_code)
            raise
        except lifecycle.RunStopped as stop:
            record.exit_code = stop.exit_code
            log.stop_progress()
            raise
        finally:
            if write_log and record.year is not None:
                record.end, record.exit_code = _now(), record.exit_code or int(code)
                record.seconds = round(time.perf_counter() - t0, 2)
                with contextlib.suppress(OSError):
                    _append_run_log(plan_.reports_dir, record)
    return int(code)


def _run_steps(
    plan_: RunPlan,
    year: int | None,
    record: RunRecord,
    log: Log,
    stack: contextlib.ExitStack,
    years: YearSpan | None = None,
) -> ExitCode:
    """plan → check → (validate ∥ warm kernels) → stage → execute → render → publish.

    A backfill (``years``) plans every year, then shares one staging folder, one pool of warm
    kernels, one render and one publication between them.
    """
    preflight.check_inputs_readable(plan_.data_dir)
    plans = make_plans(plan_, year, years, log)
    if not plans:  # only published history was asked for, and it is kept as it is
        return ExitCode.OK
    main = plans[-1]
    record.year, record.input_hash, record.code_hash = (
        main.year,
        main.input_hash,
        main.code_hash,
    )
    record.years = [p.year for p in plans] if years is not None else None
    record.forced = plan_.force
    record.corrections = [p.year for p in plans if p.history]
    if all(p.up_to_date for p in plans):
        record.skipped = sum(len(p.tasks) for p in plans)
        log.info(
            f"Intet er ændret siden sidste kørsel for {_years_text(plans)}: "
            f"{record.skipped} notebooks sprunget over."
        )
        return ExitCode.OK
    for p in plans:
        check_environment(p)
    main.build = stack.enter_context(staging(main))
    for p in plans:
        p.build = main.build
    n_changed = sum(len(p.changed) for p in plans)
    pool = (
        stack.enter_context(WarmPool(main.build, main.data_dir, main.jobs, n_changed))
        if n_changed
        else None
    )
    for p in plans:
        validate(p, log)
    for p in plans:
        stage(p, log)
    execute(_combined(plans), pool, record, log)
    if pool is not None:
        pool.close(graceful=True)  # all work done: kernels shut down cleanly before rendering
    audit_build(main, log)
    render_site(main, record, log)
    publish_run(main, record, log, others=plans[:-1])
    return ExitCode.OK


def _years_text(plans: list[RunPlan]) -> str:
    years = [p.year for p in plans]
    return str(years[0]) if len(years) == 1 else f"{min(years)}–{max(years)}"


def _combined(plans: list[RunPlan]) -> RunPlan:
    """One plan for executing every year's notebooks on the same warm kernels."""
    if len(plans) == 1:
        return plans[0]
    return dataclasses.replace(
        plans[-1],
        tasks=[t for p in plans for t in p.tasks],
        changed=[t for p in plans for t in p.changed],
    )


def requested_years(span: YearSpan, available: list[int]) -> list[int]:
    """The years of ``--years``: every year with data (``all``), or a range that has data."""
    if span == "all":
        return sorted(available)
    first, last = span
    wanted = list(range(first, last + 1))
    missing = [y for y in wanted if y not in available]
    if missing:
        shown = ", ".join(str(y) for y in available) if available else "ingen"
        raise UsageError(
            f"--years {first}-{last}: der er ingen data for "
            + ", ".join(str(y) for y in missing)
            + f" i fravaer.csv eller personale.csv (år med data: {shown}). "
            "Vælg et interval inden for årene med data, eller brug --years all."
        )
    return wanted


def make_plans(base: RunPlan, year: int | None, years: YearSpan | None, log: Log) -> list[RunPlan]:
    """One plan per year to build, oldest first; published earlier years are left out.

    An earlier year that is already published is history: adding a later year, new data or
    new code never re-executes it. ``--force`` re-runs it deliberately (a correction, recorded
    in ``runs.jsonl``).
    """
    from statusrapport.validation.reading import read_folder

    if years is None:
        make_plan(base, year, log)
        chosen = [base]
    else:
        inputs = read_folder(base.data_dir)
        from statusrapport import validation

        available = sorted(validation.available_years(inputs.tables, date.today()))
        chosen = []
        for y in requested_years(years, available):
            p = dataclasses.replace(base)
            hashes = (chosen[0].input_hash, chosen[0].code_hash) if chosen else None
            make_plan(p, y, log, inputs=inputs, hashes=hashes)
            chosen.append(p)
    kept = [p for p in chosen if p.force or not p.history]
    frozen = [p.year for p in chosen if p not in kept]
    if frozen:
        shown = ", ".join(str(y) for y in frozen)
        log.info(
            f"Rapporten for {shown} er allerede publiceret og ændres ikke (historik). "
            f"En rettelse køres bevidst med --force --year ÅR."
        )
    return kept


def make_plan(
    plan_: RunPlan,
    year: int | None,
    log: Log,
    inputs: InputFolder | None = None,
    hashes: tuple[str, str] | None = None,
) -> None:
    """Year, facilities, tasks and their keys; which tasks changed since the published run."""
    from statusrapport import validation
    from statusrapport.data import input_fingerprint
    from statusrapport.validation.reading import read_folder

    data_dir = plan_.data_dir
    # Read the input folder once (the one reader); planning and validation share it.
    inputs = inputs if inputs is not None else read_folder(data_dir)
    preflight.check_clock(inputs.tables)
    available = sorted(validation.available_years(inputs.tables, date.today()))
    requested = year
    year = kalender.report_year(requested, available)
    if (
        inputs.read_errors
        or year is None
        or kalender.year_problem(year, available) is not None
        or "tilbud" not in inputs.tables
    ):
        # let validation explain what is wrong with the files
        raise RunEnded(
            ExitCode(_validate_only_failure(data_dir, requested, log, inputs)), write_log=False
        )
    facilities = kalender.active_facilities(inputs.tables["tilbud"].frame, year)
    plan_.inputs, plan_.available_years = inputs, available
    plan_.year = year
    # a backfill hashes the inputs and the code once for all its years
    plan_.input_hash, plan_.code_hash = hashes or (input_fingerprint(data_dir), code_fingerprint())
    plan_.tasks = plan(data_dir, year, facilities)
    manifest_path = plan_.published_year / MANIFEST
    if manifest_path.exists():
        plan_.manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    plan_.history = is_history(year, available, plan_.manifest, plan_.published_year)
    if plan_.force or not plan_.history:  # published history is left out: no keys needed
        plan_.pages = profile_fingerprints(plan_, facilities, inputs)
    assign_keys(plan_.tasks, plan_.input_hash, plan_.code_hash, plan_.pages)
    old_keys: dict[str, str] = {} if plan_.force else plan_.manifest.get("tasks", {})
    plan_.changed = [
        t
        for t in plan_.tasks
        if plan_.force
        or old_keys.get(t.output) != t.key
        or not (plan_.published_year / Path(t.output).relative_to(f"reports/{year}")).exists()
    ]
    if plan_.only is not None:
        plan_.changed = select_only(plan_.tasks, plan_.only, old_keys)
    plan_.site_hash = _sha(site_fingerprint(), *(t.key for t in plan_.tasks), str(plan_.render))
    plan_.validation_key = _sha(plan_.input_hash, plan_.code_hash, str(year))


def is_history(
    year: int, available: list[int], manifest: dict[str, Any], published_year: Path
) -> bool:
    """An earlier year than the newest with data, completely published (manifest and every
    notebook it lists): its reports are history and are not re-executed without ``--force``."""
    if not available or year >= max(available) or not manifest.get("tasks"):
        return False
    return all(
        (published_year / Path(output).relative_to(f"reports/{year}")).exists()
        for output in manifest["tasks"]
    )


def check_environment(plan_: RunPlan) -> None:
    """Pre-flight: writable targets, free space for staging and the new versions."""
    targets = [plan_.reports_dir, plan_.staging_root]
    if plan_.render:
        targets.append(plan_.site_dir.parent)
    preflight.check_writable(*targets)
    published = [plan_.published_year] + ([plan_.site_dir] if plan_.render else [])
    preflight.check_free_space(preflight.estimate_bytes(plan_.reports_dir, published), *targets)


@contextlib.contextmanager
def staging(plan_: RunPlan) -> Iterator[Path]:
    """The run's private build folder next to ``reports/`` (same file system), always removed."""
    build = plan_.staging_root / f"run-{os.getpid()}-{int(time.time())}"
    build.mkdir(parents=True)
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)


def validate(plan_: RunPlan, log: Log) -> None:
    """Validate the inputs (skipped when exactly these inputs and rules were validated)."""
    lifecycle.pause_point("validate")
    if (
        plan_.manifest.get("validation") == plan_.validation_key
        and (plan_.published_year / "datakvalitet.json").exists()
    ):
        log.info("Inputdata er uændrede og allerede valideret.")
        return
    log.info(f"Validerer inputdata i {plan_.data_dir} …")
    from statusrapport import validation

    report = validation.validate(plan_.data_dir, year=plan_.year, inputs=plan_.inputs)
    if not report.ok:
        log.error(
            "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
        )
        raise RunEnded(ExitCode.INVALID_DATA, write_log=False)
    for warning in report.warnings:
        log.warn(str(warning))
    plan_.quality = report


def stage(plan_: RunPlan, log: Log) -> None:
    """The published reports of every year in staging, the quality report and key figures."""
    build, build_year = plan_.build, plan_.build_year
    (build / "reports").mkdir(exist_ok=True)  # a backfill stages year after year
    if plan_.reports_dir.exists():
        for child in sorted(plan_.reports_dir.iterdir()):
            target = build / "reports" / child.name
            if child.is_dir() and child.name.isdigit() and not target.exists():
                publish.copy_tree(child, target)
    build_year.mkdir(parents=True, exist_ok=True)
    expected = {t.output for t in plan_.tasks}
    for stale in build_year.rglob("*.ipynb"):
        if str(stale.relative_to(build)) not in expected:
            stale.unlink()  # e.g. a facility that closed
    if plan_.quality is not None:
        plan_.quality.write_json(build_year / "datakvalitet.json")
    # Key figures as data, before the notebooks: the resumé page shows exactly these.
    if plan_.changed or not (build_year / "noegletal.json").exists():
        from statusrapport import keyfigures
        from statusrapport.data import load

        log.info("Beregner nøgletal …")
        keyfigures.write(
            keyfigures.compute(load(plan_.data_dir, plan_.inputs), plan_.year), build_year
        )


def execute(plan_: RunPlan, pool: WarmPool | None, record: RunRecord, log: Log) -> None:
    """Run the changed notebooks; any failure ends the run with exit 3 (kept in failed/)."""
    record.skipped = len(plan_.tasks) - len(plan_.changed)
    if record.skipped:
        log.info(f"{record.skipped} notebooks er uændrede og springes over.")
    if pool is None or not plan_.changed:
        return
    lifecycle.pause_point("execute")
    tasks = plan_.changed
    log.info(f"Kører {len(tasks)} notebooks med {pool.workers} parallelle kerner …")
    log.start_progress(len(tasks))
    started = time.perf_counter()
    done = 0

    def on_result(result: TaskResult) -> None:
        nonlocal done
        done += 1
        log.progress(done, len(tasks), result, started)
        if disk_full(result):  # stop at once: every further notebook would fail the same way
            log.stop_progress()
            raise DiskFullError(
                f"Disken blev fuld, mens notebooks kørte ({result.output}: {result.error}). "
                "Intet er publiceret, og mellemfilerne er fjernet. Frigør plads, og kør igen."
            )

    results = pool.run(tasks, plan_.timeout, on_result)
    log.stop_progress()
    record.run = [r.output for r in results]
    record.retried = [r.output for r in results if r.extra.get("retried")]
    for output in record.retried:
        log.warn(f"{output}: kernen døde og blev genstartet; notebooken blev kørt igen.")
    failed = [r for r in results if not r.ok]
    if not failed:
        return
    record.failed = [
        {"notebook": r.output, "cell": r.cell, "error": r.error, "timeout": r.timed_out}
        for r in failed
    ]
    kept = _keep_failed(plan_.build, plan_.reports_dir, plan_.year, failed)
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
    raise RunEnded(ExitCode.NOTEBOOK_FAILED)


def audit_build(plan_: RunPlan, log: Log) -> None:
    """Play the attacker on what would be published (issue 9); a leak ends the run, exit 6."""
    from statusrapport.disclosure import audit

    try:
        audit.check(plan_.build)
    except DisclosureError as error:
        log.error(str(error))
        raise RunEnded(ExitCode.DISCLOSURE) from None


def render_site(plan_: RunPlan, record: RunRecord, log: Log) -> None:
    """Render the site from every year's executed notebooks (in staging)."""
    build = plan_.build
    if (plan_.reports_dir / RUN_LOG).exists():
        shutil.copy2(plan_.reports_dir / RUN_LOG, build / "reports" / RUN_LOG)
    if not plan_.render:
        return
    lifecycle.pause_point("render")
    from statusrapport import site

    years = sorted(int(p.name) for p in (build / "reports").iterdir() if p.name.isdigit())
    first_year = min(plan_.available_years) if plan_.available_years else None
    run_info = {
        "data_period": f"{first_year}–{plan_.year}" if first_year else str(plan_.year),
        "run_date": date.today().isoformat(),
        "input_hash": plan_.input_hash,
    }
    try:
        result = site.build(
            build,
            years=years,
            demo=config.is_demo(plan_.data_dir),
            run_info=run_info,
            quiet=log.quiet,
            # the published site: Quarto renders only what changed since it was rendered
            previous_site=plan_.site_dir if plan_.site_dir.is_dir() else None,
        )
    except RenderError as error:
        if mentions_disk_full(str(error)):  # Quarto (deno) hit a full disk: the machine's fault
            raise DiskFullError(
                "Disken blev fuld under rendering af sitet. Intet er publiceret, og "
                "mellemfilerne er fjernet. Frigør plads, og kør igen."
            ) from None
        log.error(f"rendering fejlede – intet er publiceret: {error}")
        raise RunEnded(ExitCode.RENDER_FAILED) from None
    record.render = result.engine
    record.rendered = None if result.rendered is None else len(result.rendered)
    record.render_seconds = {k: round(v, 1) for k, v in result.seconds.items()} or None


def _write_manifest(plan_: RunPlan) -> None:
    new_manifest = {
        "tasks": {t.output: t.key for t in plan_.tasks},
        "validation": plan_.validation_key,
        "site": plan_.site_hash if plan_.render else plan_.manifest.get("site"),
        "input_hash": plan_.input_hash,
        "profiles": {
            "basis": _sha(plan_.input_hash, plan_.code_hash, str(plan_.year)),
            "pages": plan_.pages,
        },
    }
    (plan_.build_year / MANIFEST).write_text(
        json.dumps(new_manifest, indent=2, sort_keys=True) + "\n"
    )


def publish_run(
    plan_: RunPlan, record: RunRecord, log: Log, others: list[RunPlan] | None = None
) -> None:
    """Write the manifests, then publish the site and the years' reports (the manifests last).

    ``others`` are the further years of a backfill: published in the same step as ``plan_``.
    """
    # The disclosure audit of what is about to be published belongs here, before any flip.
    years = [*(others or []), plan_]
    for p in years:
        _write_manifest(p)
    record.staging_bytes = preflight.tree_bytes(plan_.build)
    # Site first, reports last: the reports' manifest says the site is current only once it is.
    pairs = [(plan_.build / "_site", plan_.site_dir)] if plan_.render else []
    pairs += [(p.build_year, p.published_year) for p in years]
    lifecycle.pause_point("publish")
    publish.publish(pairs, plan_.build)
    record.published = True
    for p in years:
        failed_dir = p.reports_dir / "failed" / str(p.year)
        if failed_dir.exists():
            shutil.rmtree(failed_dir)  # the failures were fixed
    where = str(plan_.published_year) if len(years) == 1 else f"{plan_.reports_dir}/<år>"
    log.info(
        f"Færdig: rapporterne for {_years_text(years)} ligger i {where}"
        + (f", sitet i {plan_.site_dir}" if plan_.render else "")
        + "."
    )


def _validate_only_failure(
    data_dir: Path, year: int | None, log: Log, inputs: InputFolder | None = None
) -> int:
    """Inputs too broken to plan a run: validation explains why (exit 1)."""
    from statusrapport import validation

    report = validation.validate(data_dir, year=year, inputs=inputs)
    if report.ok:  # pragma: no cover - validation should have found what broke planning
        log.error(f"kunne ikke læse inputdata i {data_dir}")
    else:
        log.error(
            "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
        )
    return int(ExitCode.INVALID_DATA)


# --- one page: statusrapport run --only <side> [--tilbud ID] ------------------------------------


@dataclass(frozen=True)
class Only:
    """The page to re-execute: a notebook stem, and for profiles optionally one facility."""

    page: str
    tilbud: str | None = None


def pages() -> list[str]:
    """The pages ``--only`` accepts: the year's pages and the facility profile."""
    return [stem for stem, _title in config.REPORT_PAGES] + [config.PROFILE_NOTEBOOK]


def check_only(page: str | None, tilbud: str | None) -> Only | None:
    """``--only``/``--tilbud`` as given on the command line, checked before any work is done."""
    if page is None and tilbud is None:
        return None
    page = page or config.PROFILE_NOTEBOOK
    if page not in pages():
        raise UsageError(
            f"--only {escaping.plain(page, max_length=40)}: ukendt side. Vælg en af: "
            + ", ".join(pages())
            + "."
        )
    if tilbud is not None and page != config.PROFILE_NOTEBOOK:
        raise UsageError(
            f"--tilbud gælder kun tilbudsprofilen: brug --only {config.PROFILE_NOTEBOOK} "
            f"--tilbud {escaping.plain(tilbud, max_length=40)} (eller udelad --only)."
        )
    return Only(page, tilbud)


def select_only(tasks: list[Task], only: Only, old_keys: dict[str, str]) -> list[Task]:
    """The planned tasks of ``only``, to be executed whatever their keys say.

    Every other task keeps the key it was published with, so a page that is out of date but
    not re-executed now stays out of date in the manifest and the next full run executes it.
    """
    source = config.NOTEBOOKS_DIR / f"{only.page}.ipynb"
    chosen = [
        t
        for t in tasks
        if t.source == source
        and (only.tilbud is None or t.parameters.get("tilbud_id") == only.tilbud)
    ]
    if not chosen and only.tilbud is None:
        raise UsageError(f"--only {only.page}: siden er ikke planlagt for rapportåret.")
    if not chosen:
        active = sorted(
            str(t.parameters["tilbud_id"]) for t in tasks if "tilbud_id" in t.parameters
        )
        raise UsageError(
            f"--tilbud {escaping.plain(only.tilbud or '', max_length=40)}: tilbuddet er ikke "
            "aktivt i rapportåret (aktive: "
            + ", ".join(active[:10])
            + (" …" if len(active) > 10 else "")
            + ")."
        )
    for task in tasks:
        if task not in chosen:
            task.key = old_keys.get(task.output, "")
    return chosen
