"""The steps of a run, in order: check → validate → stage → execute → audit → (intruder test
∥ render) → publish.

Each step takes the :class:`~statusrapport.pipeline.years.YearRun` it works on and the run log;
a step that must end the run logs its Danish message and raises
:class:`~statusrapport.pipeline.runlog.RunEnded` with the exit code.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from statusrapport import config, datafolder, lifecycle, paths, planer, preflight, publish
from statusrapport.errors import (
    DisclosureError,
    DiskFullError,
    ExitCode,
    RenderError,
    mentions_disk_full,
)
from statusrapport.execution import TaskResult, disk_full
from statusrapport.pipeline import changes, keys
from statusrapport.pipeline.runlog import RUN_LOG, Log, RunEnded, RunRecord
from statusrapport.pipeline.years import YearRun
from statusrapport.pool import WarmPool


def check_environment(run: YearRun) -> None:
    """Pre-flight: writable targets, free space for staging and the new versions."""
    options = run.options
    targets = [options.reports_dir, options.staging_root]
    if options.render:
        targets.append(options.site_dir.parent)
    preflight.check_writable(*targets)
    published = [run.published_year] + ([options.site_dir] if options.render else [])
    preflight.check_free_space(preflight.estimate_bytes(options.reports_dir, published), *targets)


@contextlib.contextmanager
def staging(staging_root: Path) -> Iterator[Path]:
    """The run's private build folder next to ``reports/`` (same file system), always removed."""
    build = staging_root / f"run-{os.getpid()}-{int(time.time())}"
    build.mkdir(parents=True)
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)


def validate(run: YearRun, log: Log) -> None:
    """Validate the inputs (skipped when exactly these inputs and rules were validated)."""
    lifecycle.pause_point("validate")
    if (
        run.manifest.get("validation") == run.validation_key
        and (run.published_year / "datakvalitet.json").exists()
    ):
        log.info("Inputdata er uændrede og allerede valideret.")
        return
    log.info(f"Validerer inputdata i {run.options.data_dir} …")
    from statusrapport import validation

    report = validation.validate(run.options.data_dir, year=run.year, inputs=run.inputs)
    if not report.ok:
        log.error(
            "inputdata er ugyldige – intet er kørt eller publiceret.\n" + report.summary_text()
        )
        raise RunEnded(ExitCode.INVALID_DATA, write_log=False)
    for warning in report.warnings:
        log.warn(str(warning))
    run.quality = report


def stage(run: YearRun, log: Log) -> None:
    """The published reports of every year in staging, the quality report and key figures."""
    build, build_year = run.build, run.build_year
    reports_dir = run.options.reports_dir
    (build / "reports").mkdir(exist_ok=True)  # a backfill stages year after year
    if reports_dir.exists():
        for child in sorted(reports_dir.iterdir()):
            target = build / "reports" / child.name
            if child.is_dir() and child.name.isdigit() and not target.exists():
                publish.copy_tree(child, target)
    build_year.mkdir(parents=True, exist_ok=True)
    expected = {t.output for t in run.tasks}
    for stale in build_year.rglob("*.ipynb"):
        if str(stale.relative_to(build)) not in expected:
            stale.unlink()  # e.g. a facility that closed
    if run.quality is not None:
        run.quality.write_json(build_year / "datakvalitet.json")
    # Key figures as data, before the notebooks: the resumé page shows exactly these.
    if run.changed or not (build_year / "noegletal.json").exists():
        from statusrapport import keyfigures
        from statusrapport.data import load

        log.info("Beregner nøgletal …")
        keyfigures.write(
            keyfigures.compute(load(run.options.data_dir, run.inputs), run.year), build_year
        )


def execute(run: YearRun, pool: WarmPool | None, record: RunRecord, log: Log) -> None:
    """Run the changed notebooks; any failure ends the run with exit 3 (kept in failed/)."""
    record.skipped = len(run.tasks) - len(run.changed)
    if record.skipped:
        log.info(f"{record.skipped} notebooks er uændrede og springes over.")
    if pool is None or not run.changed:
        return
    lifecycle.pause_point("execute")
    tasks = run.changed
    record.reasons = list(run.reasons)
    why = (" – " + "; ".join(run.reasons)) if run.reasons else ""
    log.info(f"Kører {len(tasks)} notebooks med {pool.workers} parallelle kerner{why} …")
    log.start_progress(len(tasks), run.reasons[0] if run.reasons else "")
    started = time.perf_counter()
    done = 0

    def on_result(result: TaskResult) -> None:
        nonlocal done
        done += 1
        log.progress(done, len(tasks), result, started, run.page_reasons.get(result.output, ""))
        if disk_full(result):  # stop at once: every further notebook would fail the same way
            log.stop_progress()
            raise DiskFullError(
                f"Disken blev fuld, mens notebooks kørte ({result.output}: {result.error}). "
                "Intet er publiceret, og mellemfilerne er fjernet. Frigør plads, og kør igen."
            )

    results = pool.run(tasks, run.options.timeout, on_result)
    log.stop_progress()
    record.execute_seconds = round(time.perf_counter() - started, 1)
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
    kept = keep_failed(run.build, run.options.reports_dir, run.year, failed)
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


def keep_failed(build: Path, reports_dir: Path, year: int, failed: list[TaskResult]) -> Path:
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


def audit_build(run: YearRun, log: Log) -> None:
    """Play the attacker on what would be published (issue 9); a leak ends the run, exit 6."""
    from statusrapport.disclosure import audit

    try:
        audit.check(run.build, mixed_inputs=mixed_inputs(run))
    except DisclosureError as error:
        log.error(str(error))
        raise RunEnded(ExitCode.DISCLOSURE) from None


def intruder_test(runs: list[YearRun], log: Log) -> None:
    """Issue 19: recompute what each executed year publishes on alternative inputs (hidden
    units moved within the protection range); any difference ends the run, exit 6."""
    from statusrapport.data import load
    from statusrapport.disclosure import intruder

    for r in runs:
        if not r.changed:
            continue
        data = load(r.options.data_dir, r.inputs)
        try:
            result = intruder.check(data, r.year)
        except DisclosureError as error:
            log.error(str(error))
            raise RunEnded(ExitCode.DISCLOSURE) from None
        log.info(result.log_line(r.year))


class Alongside:
    """A step run in a thread while the main thread does another (the intruder test – pandas
    on one core – while Quarto and Typst render on the other). :meth:`wait` hands its outcome
    back: its exception is raised in the main thread, as if the step had run there.

    A daemon thread, so a run stopped by a signal does not wait for it."""

    def __init__(self, step: Callable[[], None], name: str) -> None:
        self.error: BaseException | None = None

        def work() -> None:
            try:
                step()
            except BaseException as error:  # raised again by wait()
                self.error = error

        self._thread = threading.Thread(target=work, name=name, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()
        if self.error is not None:
            raise self.error


def check_and_render(runs: list[YearRun], main: YearRun, record: RunRecord, log: Log) -> None:
    """The intruder test and the render at the same time; both finish before anything is
    published. When both fail, the intruder test's exit 6 wins (as when it ran first)."""
    intruder = Alongside(lambda: intruder_test(runs, log), "statusrapport-intruder")
    try:
        render_site(main, record, log)
    except Exception:
        intruder.wait()  # a disclosure failure takes precedence over a render failure
        raise
    intruder.wait()


def mixed_inputs(run: YearRun) -> str | None:
    """Why the pages about to be published may come from different inputs (``None``: they do
    not): pages kept as published although what they read has changed since (``--only``)."""
    old = run.manifest.get("komponenter") or {}
    changed = {t.output for t in run.changed}
    stale = [
        t.output
        for t in run.tasks
        if t.output not in changed
        and t.output in old
        and old[t.output].get("input") != run.components.get(t.output, {}).get("input")
    ]
    if not stale:
        return None
    return (
        f"{len(stale)} sider er beholdt, som de blev publiceret, men inputdata er ændret siden "
        f"(fx {stale[0].split('/', 2)[-1]}); den side, der kørte nu, er bygget på de nye data"
    )


def render_site(run: YearRun, record: RunRecord, log: Log) -> None:
    """Render the site from every year's executed notebooks (in staging)."""
    build, options = run.build, run.options
    if (options.reports_dir / RUN_LOG).exists():
        shutil.copy2(options.reports_dir / RUN_LOG, build / "reports" / RUN_LOG)
    if not options.render:
        return
    lifecycle.pause_point("render")
    from statusrapport import site

    years = sorted(int(p.name) for p in (build / "reports").iterdir() if p.name.isdigit())
    first_year = min(run.available_years) if run.available_years else None
    run_info = {
        "data_period": f"{first_year}–{run.year}" if first_year else str(run.year),
        "run_date": date.today().isoformat(),
        "input_hash": run.input_hash,
        "data_years": list(run.available_years),  # the year list says which are published
    }
    try:
        result = site.build(
            build,
            years=years,
            demo=config.is_demo(options.data_dir),
            run_info=run_info,
            quiet=log.quiet,
            # the published site: Quarto renders only what changed since it was rendered
            previous_site=options.site_dir if options.site_dir.is_dir() else None,
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
    record.render_calls = list(result.quarto_calls) if result.engine == "quarto" else None


def write_manifest(run: YearRun) -> None:
    """The keys this year is published with (compared by the next run)."""
    keys.write_manifest(
        run.build_year,
        {
            "tasks": {t.output: t.key for t in run.tasks},
            "validation": run.validation_key,
            "site": run.site_hash if run.options.render else run.manifest.get("site"),
            "input_hash": run.input_hash,
            "profiles": {
                "basis": keys.profile_basis(run.input_hash, run.code_hash, run.year),
                "pages": run.pages,
            },
            # one data folder per published site (datafolder.py), and why pages run again
            # (changes.py): the folder, its files, the plans and each page's key components
            datafolder.DATA_DIR_KEY: str(run.options.data_dir),
            datafolder.FILES_KEY: run.files,
            "planer": {p.id: p.fingerprint() for p in planer.PLANER},
            "komponenter": run.components,
            changes.AVERAGES_KEY: run.averages,
        },
    )


def years_text(runs: list[YearRun]) -> str:
    years = [r.year for r in runs]
    return str(years[0]) if len(years) == 1 else f"{min(years)}–{max(years)}"


def publish_run(
    run: YearRun, record: RunRecord, log: Log, others: list[YearRun] | None = None
) -> None:
    """Write the manifests, then publish the site and the years' reports (the manifests last).

    ``others`` are the further years of a backfill: published in the same step as ``run``.
    """
    # The disclosure audit of what is about to be published belongs here, before any flip.
    options = run.options
    years = [*(others or []), run]
    for r in years:
        write_manifest(r)
    record.staging_bytes = preflight.tree_bytes(run.build)
    # Site first, reports last: the reports' manifest says the site is current only once it is.
    pairs = [(run.build / "_site", options.site_dir)] if options.render else []
    pairs += [(r.build_year, r.published_year) for r in years]
    lifecycle.pause_point("publish")
    publish.publish(pairs, run.build)
    record.published = True
    for r in years:
        failed_dir = options.reports_dir / "failed" / str(r.year)
        if failed_dir.exists():
            shutil.rmtree(failed_dir)  # the failures were fixed
    where = str(run.published_year) if len(years) == 1 else f"{options.reports_dir}/<år>"
    log.info(f"Færdig: rapporterne for {years_text(years)} ligger i {where}.")
    log.info(final_line(run))


def final_line(run: YearRun) -> str:
    """The run's last line: where the site and the committee annex are (or why there is none)."""
    from statusrapport.site.sources import committee_pdf_name

    options = run.options
    annex = run.published_year / committee_pdf_name(run.year)
    if not options.render:
        return "Sitet og udvalgsbilaget er ikke bygget denne gang (--no-render)."
    site = f"Sitet: {options.site_dir / 'index.html'}"
    if annex.exists():
        return f"{site} · bilaget til udvalget: {annex}"
    return f"{site} · intet udvalgsbilag (PDF'erne laves kun, når Quarto er installeret)"
