"""``make bench``: where the time goes, measured side by side and reported as ratios.

1. Validation at national scale (``bench_validation.py``: ~10 million absence rows).
2. Pipeline speed on the demo data (6 theme pages + datakvalitet + 36 profiles):
   - baseline: what an analyst would write – a sequential loop calling the ``papermill`` CLI
     once per notebook (a new process and a new kernel each time);
   - cold: ``statusrapport run --force`` (validation, warm-kernel pool, key figures);
   - warm: the same run again with nothing changed (everything skipped).
3. Scaling: the cold run for 36, 100 and 400 generated facilities.
4. The multi-year archive with real Quarto (``bench_archive.py``): cold archive, one year re-run,
   one facility changed, nothing changed, against the papermill + ``quarto render`` baseline, for
   1, 3 and 7 years and 36 and 100 facilities (``--archive-years``, ``--archive-facilities``).

Results are printed and written to ``benchmarks/results/latest.json``. Use ``--skip-baseline``
or ``--skip-scaling`` to shorten a run while working.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from statusrapport import config, demo, pipeline
from statusrapport.pipeline.tasks import active_facilities, latest_year, year_tasks

ROOT = Path(__file__).resolve().parents[1]


def _pipeline(data: Path, work: Path, *, force: bool, jobs: int) -> float:
    started = time.perf_counter()
    code = pipeline.run(
        data_dir=data,
        year=None,
        jobs=jobs,
        force=force,
        quiet=True,
        timeout=600,
        render=False,
        reports_dir=work / "reports",
        site_dir=work / "_site",
    )
    if code != 0:
        raise SystemExit(f"pipeline exit {code}")
    return time.perf_counter() - started


def _cli_rerun(data: Path, work: Path) -> float:
    """A no-change rerun as a scheduler starts it: a new process, Python start-up included."""
    cmd = [sys.executable, "-m", "statusrapport", "run", "--quiet", "--no-render"]
    cmd += ["--data", str(data), "--reports", str(work / "reports"), "--site", str(work / "_site")]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - started


def baseline(data: Path, work: Path) -> tuple[float, int]:
    """Sequential papermill CLI calls, one per notebook, as a shell loop would do."""
    year = latest_year(data)
    tasks = year_tasks(data, year, active_facilities(data, year))
    papermill = str(Path(sys.executable).with_name("papermill"))
    started = time.perf_counter()
    for task in tasks:
        out = work / "baseline" / task.output
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [papermill, str(task.source), str(out), "-k", "python3", "--cwd", str(out.parent)]
        for key, value in task.parameters.items():
            cmd += ["-p", key, str(value)]
        # data_dir is empty for a folder outside the project: the kernel reads STATUSRAPPORT_DATA
        env = {**os.environ, "STATUSRAPPORT_DATA": str(Path(data).resolve())}
        subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - started, len(tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-archive", action="store_true")
    parser.add_argument("--archive-years", default="1,3,7", help="fx 1,3,7")
    parser.add_argument("--archive-facilities", default="36,100", help="fx 36,100")
    parser.add_argument("--archive-sample", type=int, default=8, help="papermill-stikprøve")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    results: dict[str, object] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "jobs": args.jobs,
    }

    if not args.skip_validation:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import bench_validation

        print("== Validering i national skala")
        results["validation"] = bench_validation.run()
        bench_validation.print_result(results["validation"])

    if not args.skip_archive:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import bench_archive

        print("== Arkiv med flere år (ægte Quarto)", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-arkiv-") as tmp:
            results["archive"] = bench_archive.run(
                Path(tmp),
                tuple(int(x) for x in args.archive_years.split(",")),
                tuple(int(x) for x in args.archive_facilities.split(",")),
                args.archive_sample,
            )

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if args.skip_pipeline:
            _write_results(results)
            return
        data = work / "raw"
        demo.write_demo_data(data)
        n_tasks = len(config.REPORT_PAGES) + len(active_facilities(data, latest_year(data)))
        print(f"== Pipeline på demodata ({n_tasks} notebooks, {args.jobs} kerner)")
        cold = _pipeline(data, work / "run", force=True, jobs=args.jobs)
        print(f"kold kørsel (alt køres):           {cold:7.1f} s")
        warm = _cli_rerun(data, work / "run")
        print(f"varm kørsel (intet ændret, CLI):   {warm:7.1f} s")
        results["pipeline"] = {"notebooks": n_tasks, "cold_s": cold, "warm_s": warm}
        if not args.skip_baseline:
            base, n = baseline(data, work)
            print(
                f"baseline (papermill-CLI i løkke):  {base:7.1f} s  ({base / n:.1f} s pr. notebook)"
            )
            print(f"kold i forhold til baseline:       {base / cold:7.1f} × hurtigere")
            print(f"varm i forhold til baseline:       {base / warm:7.1f} × hurtigere")
            results["pipeline"].update(  # type: ignore[union-attr]
                {"baseline_s": base, "speedup_cold": base / cold, "speedup_warm": base / warm}
            )

        if not args.skip_scaling:
            print("== Skalering: kold kørsel efter antal tilbud")
            scaling = []
            for n_facilities in (36, 100, 400):
                folder = work / f"raw-{n_facilities}"
                demo.write_demo_data(folder, n_facilities=n_facilities)
                seconds = _pipeline(
                    folder, work / f"scale-{n_facilities}", force=True, jobs=args.jobs
                )
                per = seconds / (n_facilities + len(config.REPORT_PAGES))
                print(f"{n_facilities:4d} tilbud: {seconds:7.1f} s ({per:.2f} s pr. notebook)")
                scaling.append({"facilities": n_facilities, "seconds": seconds})
                shutil.rmtree(folder)
            results["scaling"] = scaling

    _write_results(results)


def _write_results(results: dict[str, object]) -> None:
    out = ROOT / "benchmarks" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Resultater skrevet til {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
