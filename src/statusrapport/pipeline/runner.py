"""``run``: one run from the lock to the run record, the steps in order."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from pathlib import Path

from statusrapport import lifecycle, lock, paths, preflight, publish, settings
from statusrapport.errors import ExitCode, StatusrapportError, from_os_error
from statusrapport.pipeline import steps
from statusrapport.pipeline.only import Only
from statusrapport.pipeline.runlog import Log, RunEnded, RunRecord, append_run_log, now
from statusrapport.pipeline.years import RunOptions, YearRun, YearSpan, year_runs
from statusrapport.pool import WarmPool
from statusrapport.watchdog import Watchdog


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
    options = RunOptions(
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
    record = RunRecord(start=now())
    t0 = time.perf_counter()
    run_id = lifecycle.new_run_id()
    code: ExitCode = ExitCode.OK
    write_log = True
    with contextlib.ExitStack() as stack:
        stack.enter_context(lock.run_lock(options.staging_root / "run.lock", wait=3.0))
        stack.callback(lifecycle.kill_run_processes, run_id)  # e.g. Quarto's helpers, kernels
        stack.enter_context(Watchdog(run_id, options.staging_root))
        restored = publish.recover(options.staging_root)
        if restored:
            log.warn("en afbrudt publicering blev rullet tilbage: " + ", ".join(restored))
        publish.clean_staging(options.staging_root)
        try:
            code = _run_steps(options, year, record, log, stack, years)
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
                record.end, record.exit_code = now(), record.exit_code or int(code)
                record.seconds = round(time.perf_counter() - t0, 2)
                with contextlib.suppress(OSError):
                    append_run_log(options.reports_dir, record)
    return int(code)


def _run_steps(
    options: RunOptions,
    year: int | None,
    record: RunRecord,
    log: Log,
    stack: contextlib.ExitStack,
    years: YearSpan | None = None,
) -> ExitCode:
    """year runs → check → (validate ∥ warm kernels) → stage → execute → audit →
    (intruder test ∥ render) → publish.

    A backfill (``years``) prepares every year, then shares one staging folder, one pool of warm
    kernels, one render and one publication between them.
    """
    # real data: a placeholder or missing publication setting stops the run before any work
    settings.check_for_run(options.data_dir)
    preflight.check_inputs_readable(options.data_dir)
    runs = year_runs(options, year, years, log)
    if runs and options.render:  # each year's annex needs its meeting (publicering.toml)
        settings.check_for_run(options.data_dir, [r.year for r in runs])
    if not runs:  # only published history was asked for, and it is kept as it is
        return ExitCode.OK
    main = runs[-1]
    record.year, record.input_hash, record.code_hash = (
        main.year,
        main.input_hash,
        main.code_hash,
    )
    record.years = [r.year for r in runs] if years is not None else None
    record.forced = options.force
    record.corrections = [r.year for r in runs if r.history]
    if all(r.up_to_date for r in runs):
        record.skipped = sum(len(r.tasks) for r in runs)
        log.info(
            f"Intet er ændret siden sidste kørsel for {steps.years_text(runs)}: "
            f"{record.skipped} notebooks sprunget over."
        )
        return ExitCode.OK
    for r in runs:
        steps.check_environment(r)
    build = stack.enter_context(steps.staging(options.staging_root))
    for r in runs:
        r.build = build
    n_changed = sum(len(r.changed) for r in runs)
    pool = (
        stack.enter_context(WarmPool(build, options.data_dir, options.jobs, n_changed))
        if n_changed
        else None
    )
    for r in runs:
        steps.validate(r, log)
    for r in runs:
        steps.stage(r, log)
    steps.execute(_combined(runs), pool, record, log)
    if pool is not None:
        pool.close(graceful=True)  # all work done: kernels shut down cleanly before rendering
    steps.audit_build(main, log)
    steps.check_and_render(runs, main, record, log)  # intruder test ∥ render, then publish
    steps.publish_run(main, record, log, others=runs[:-1])
    return ExitCode.OK


def _combined(runs: list[YearRun]) -> YearRun:
    """One year run for executing every year's notebooks on the same warm kernels."""
    if len(runs) == 1:
        return runs[0]
    return dataclasses.replace(
        runs[-1],
        tasks=[t for r in runs for t in r.tasks],
        changed=[t for r in runs for t in r.changed],
        reasons=[line for r in runs for line in r.reasons],
        page_reasons={k: v for r in runs for k, v in r.page_reasons.items()},
    )
