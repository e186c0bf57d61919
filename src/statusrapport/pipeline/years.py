"""Which years a run builds and what changed in each: the options, the year runs, their keys.

:class:`RunOptions` is what the user asked for (frozen); :class:`YearRun` is what the run learns
and builds for one report year (its tasks, their keys, what changed since the published run).
A backfill (``--years``) has one year run per year, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from statusrapport import config, datafolder, kalender, planer, preflight
from statusrapport.errors import ExitCode, UsageError
from statusrapport.execution import Task
from statusrapport.hashing import sha
from statusrapport.pipeline import changes, keys
from statusrapport.pipeline.only import Only, select_only
from statusrapport.pipeline.runlog import Log, RunEnded
from statusrapport.pipeline.tasks import year_tasks

if TYPE_CHECKING:
    from statusrapport.validation.reading import InputFolder

#: ``--years``: an inclusive range of report years, or every year the data covers.
YearSpan = tuple[int, int] | Literal["all"]


@dataclass(frozen=True)
class RunOptions:
    """What the user asked for: paths and options, fixed for the whole run."""

    data_dir: Path
    reports_dir: Path
    site_dir: Path
    staging_root: Path
    jobs: int
    force: bool
    timeout: int
    render: bool
    only: Only | None = None  # --only/--tilbud: re-execute just this page


@dataclass
class YearRun:
    """One report year of the run: its tasks, their keys, what changed, where it is built."""

    options: RunOptions
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
    history: bool = False  # an earlier year already published: frozen unless --force
    pages: dict[str, str] = field(default_factory=dict)  # tilbud_id → profile fingerprint
    #: Each input file's hash (the manifest records them with the data folder).
    files: dict[str, str] = field(default_factory=dict)
    #: Each task's key components (notebook, parametre, input, kode), for the next run's reasons.
    components: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The centre's and the target groups' figures as the profiles show them.
    averages: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Why the changed pages run again: summary lines, and each page's cause.
    reasons: list[str] = field(default_factory=list)
    page_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def published_year(self) -> Path:
        return self.options.reports_dir / str(self.year)

    @property
    def build_year(self) -> Path:
        return self.build / "reports" / str(self.year)

    @property
    def up_to_date(self) -> bool:
        site_current = self.manifest.get("site") == self.site_hash and (
            self.options.site_dir.exists() or not self.options.render
        )
        return (
            not self.changed
            and site_current
            and self.manifest.get("validation") == self.validation_key
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


def year_runs(
    options: RunOptions, year: int | None, years: YearSpan | None, log: Log
) -> list[YearRun]:
    """One year run per year to build, oldest first; published earlier years are left out.

    An earlier year that is already published is history: adding a later year, new data or
    new code never re-executes it. ``--force`` re-runs it deliberately (a correction, recorded
    in ``runs.jsonl``).
    """
    from statusrapport.validation.reading import read_folder

    if years is None:
        chosen = [prepare_year(options, year, log)]
    else:
        inputs = read_folder(options.data_dir)
        from statusrapport import validation

        available = sorted(validation.available_years(inputs.tables, date.today()))
        chosen = []
        for y in requested_years(years, available):
            hashes = (chosen[0].input_hash, chosen[0].code_hash) if chosen else None
            chosen.append(
                prepare_year(
                    options,
                    y,
                    log,
                    inputs=inputs,
                    hashes=hashes,
                    run_years=[r.year for r in chosen],
                )
            )
    kept = [r for r in chosen if options.force or not r.history]
    frozen = [r.year for r in chosen if r not in kept]
    if frozen:
        shown = ", ".join(str(y) for y in frozen)
        log.info(
            f"Rapporten for {shown} er allerede publiceret og ændres ikke (historik). "
            f"En rettelse køres bevidst med --force --year ÅR."
        )
    return kept


def prepare_year(
    options: RunOptions,
    year: int | None,
    log: Log,
    inputs: InputFolder | None = None,
    hashes: tuple[str, str] | None = None,
    run_years: list[int] | None = None,
) -> YearRun:
    """Year, facilities, tasks and their keys; which tasks changed since the published run.

    ``run_years``: the earlier years this run builds (a backfill), which the profiles link to.
    """
    from statusrapport import validation
    from statusrapport.data import input_fingerprint
    from statusrapport.validation.reading import read_folder

    data_dir = options.data_dir
    # Read the input folder once (the one reader); the year runs and validation share it.
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
            ExitCode(validate_only_failure(data_dir, requested, log, inputs)), write_log=False
        )
    facilities = kalender.active_facilities(inputs.tables["tilbud"].frame, year)
    run = YearRun(options=options, year=year, inputs=inputs, available_years=available)
    # a backfill hashes the inputs and the code once for all its years
    run.input_hash, run.code_hash = hashes or (
        input_fingerprint(data_dir),
        keys.code_fingerprint(),
    )
    run.tasks = year_tasks(data_dir, year, facilities)
    run.manifest = keys.read_manifest(run.published_year)
    run.history = is_history(year, available, run.manifest, run.published_year)
    profile_keys: dict[str, str] = {}
    if options.force or not run.history:  # published history is left out: no keys needed
        basis = keys.profile_basis(run.input_hash, run.code_hash, year)
        run.pages = keys.profile_fingerprints(
            data_dir, year, basis, run.manifest, facilities, inputs
        )
        profile_keys = keys.with_archive_years(
            run.pages,
            keys.archive_years(
                options.reports_dir,
                year,
                facilities,
                {
                    y: {
                        f.tilbud_id
                        for f in kalender.active_facilities(inputs.tables["tilbud"].frame, y)
                    }
                    for y in (run_years or [])
                },
            ),
        )
    run.files = datafolder.file_hashes_cached(data_dir, run.input_hash)
    bases = changes.input_bases(
        run.tasks, run.files, run.input_hash, config.is_demo(data_dir), available
    )
    run.components = keys.assign_keys(run.tasks, run.input_hash, run.code_hash, profile_keys, bases)
    old_keys: dict[str, str] = {} if options.force else run.manifest.get("tasks", {})
    run.changed = [
        t
        for t in run.tasks
        if options.force
        or old_keys.get(t.output) != t.key
        or not (run.published_year / Path(t.output).relative_to(f"reports/{year}")).exists()
    ]
    if options.only is not None:
        run.changed = select_only(run.tasks, options.only, old_keys)
    run.site_hash = sha(keys.site_fingerprint(), *(t.key for t in run.tasks), str(options.render))
    # the plan entries are read by the validation rules (stages, start year)
    plans = sha(*(p.fingerprint() for p in planer.PLANER))
    run.validation_key = sha(run.input_hash, run.code_hash, str(year), plans)
    if options.force or not run.history:
        stored = run.manifest.get("profiles") or {}
        basis = keys.profile_basis(run.input_hash, run.code_hash, year)
        run.averages = (
            dict(run.manifest.get(changes.AVERAGES_KEY) or {})
            if stored.get("basis") == basis and run.manifest.get(changes.AVERAGES_KEY)
            else changes.shown_averages(data_dir, year, facilities, inputs)
            if run.changed
            else {}
        )
    if run.changed and options.only is None:
        run.reasons, run.page_reasons = changes.reasons(
            run.changed, run.components, run.manifest, run.files, run.averages
        )
    elif options.only is not None:
        run.reasons = [f"--only {options.only.page}: {len(run.changed)} sider"]
    return run


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


def validate_only_failure(
    data_dir: Path, year: int | None, log: Log, inputs: InputFolder | None = None
) -> int:
    """Inputs too broken to prepare a run: validation explains why (exit 1)."""
    from statusrapport import validation

    report = validation.validate(data_dir, year=year, inputs=inputs)
    if report.ok:  # pragma: no cover - validation should have found what broke the preparation
        log.error(f"kunne ikke læse inputdata i {data_dir}")
    else:
        log.error(
            "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
        )
    return int(ExitCode.INVALID_DATA)
