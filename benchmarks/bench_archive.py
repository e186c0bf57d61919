"""The multi-year archive with real Quarto, side by side in one run (part of ``make bench``).

Scenarios, each a real ``statusrapport run`` process with ``STATUSRAPPORT_ENGINE=quarto``:

- cold archive: ``--years FIRST-LAST`` on an empty project (every notebook, full render);
- one year re-run in the archive: ``--force --year LAST`` (its notebooks, a partial render);
- the same year built alone: ``--year LAST`` on an empty project (the comparison);
- one facility's data changed: one value of one facility in ``noegletal.csv``, then a run;
- nothing changed: a run in a new process (planning only);
- one facility's absence corrected (:func:`absence_correction`): a cold one-year run, then 30
  sick days more for one facility's staff group in one month of that year in ``fravaer.csv``,
  then a run; the ratio of the two (issue 22's target: ≤ 0,35).

Baseline (what an analyst would do without the project): the ``papermill`` CLI once per notebook
for every year, then ``quarto render`` of the whole project. Papermill is timed on a sample of
notebooks and multiplied by the number of notebooks (said in the output); the full Quarto render
is the cold build's own full render (the same ``quarto render`` of the same project).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from statusrapport import demo
from statusrapport.pipeline.tasks import active_facilities, year_tasks

QUARTO_ENV = {"STATUSRAPPORT_ENGINE": "quarto"}


def _run(data: Path, work: Path, *args: str) -> tuple[float, dict]:
    """One CLI run in a new process; seconds and the run's line in runs.jsonl."""
    cmd = [sys.executable, "-m", "statusrapport", "run", "--quiet", "--data", str(data)]
    cmd += ["--reports", str(work / "reports"), "--site", str(work / "_site"), *args]
    started = time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, **QUARTO_ENV}, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} → exit {done.returncode}\n{done.stderr[-2000:]}")
    log = work / "reports" / "runs.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return seconds, (json.loads(lines[-1]) if lines else {})


def _change_one_facility(data: Path, year: int) -> str:
    """Change one value of one facility for ``year`` in noegletal.csv (a correction)."""
    path = data / "noegletal.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col_year = header.index("aar") if "aar" in header else None
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if col_year is None or cells[col_year] == str(year):
            try:
                value = float(cells[-1])
            except ValueError:
                continue
            cells[-1] = f"{value + 0.1:.1f}"
            lines[i] = ",".join(cells)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return cells[0]
    raise SystemExit("fandt ingen talværdi at ændre i noegletal.csv")


def _correct_absence(data: Path, year: int) -> str:
    """30 sick days more in one facility's staff group in March of ``year`` (a correction)."""
    path = data / "fravaer.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = header.index("sygefravaer_dagsvaerk")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if cells[header.index("maaned")] == f"{year}-03":
            cells[column] = f"{float(cells[column]) + 30.0:.2f}"
            lines[i] = ",".join(cells)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return cells[0]
    raise SystemExit(f"fandt ingen fraværsrække for {year}-03 i fravaer.csv")


def _breakdown(seconds: float, line: dict, load: tuple[float, float]) -> dict:
    """One run of section 5: wall time, where it went (runs.jsonl) and the machine's load."""
    render = line.get("render_seconds") or {}
    calls = line.get("render_calls") or []
    return {
        "seconds": round(seconds, 1),
        "notebooks": line.get("run"),
        "execute_s": line.get("execute_seconds"),
        "quarto_s": render.get("quarto"),
        "pdf_s": render.get("pdf"),
        "quarto_calls": len(calls),
        "full_render": calls == ["."],
        "pages_rendered": line.get("rendered"),
        "load_before": round(load[0], 2),
        "load_after": round(load[1], 2),
    }


def _timed_run(data: Path, project: Path) -> dict:
    before = os.getloadavg()[0]
    seconds, line = _run(data, project)
    return _breakdown(seconds, line, (before, os.getloadavg()[0]))


def _describe(name: str, entry: dict) -> str:
    pages = "alle" if entry["pages_rendered"] is None else entry["pages_rendered"]
    return (
        f"  {name:<32} {entry['seconds']:6.0f} s  notebooks {entry['notebooks']} "
        f"({entry['execute_s']} s)  Quarto {entry['quarto_s']} s i {entry['quarto_calls']} "
        f"kald ({'fuld rendering' if entry['full_render'] else f'{pages} sider'})  "
        f"PDF {entry['pdf_s']} s (samtidig)  belastning {entry['load_before']}–"
        f"{entry['load_after']}"
    )


def absence_correction(work: Path, n_facilities: int = 36) -> dict:
    """A cold one-year run (the newest year) against one facility's absence corrected, side
    by side with their breakdown and the load average (issue 22's target: ratio ≤ 0,35)."""
    last = 2025
    data = work / f"raw-korrektion-{n_facilities}"
    demo.write_demo_data(data, n_facilities=n_facilities)
    project = work / f"korrektion-{n_facilities}"
    result: dict = {"facilities": n_facilities, "year": last, "cores": os.cpu_count()}
    result["cold"] = _timed_run(data, project)
    result["tilbud"] = _correct_absence(data, last)
    result["corrected"] = _timed_run(data, project)
    result["ratio"] = round(result["corrected"]["seconds"] / result["cold"]["seconds"], 2)
    print(
        f"ét tilbuds sygefravær rettet ({result['tilbud']}, {n_facilities} tilbud, {last}), "
        f"ægte Quarto:\n"
        + _describe("kold kørsel af året", result["cold"])
        + "\n"
        + _describe("ét tilbuds sygefravær rettet", result["corrected"])
        + f"\n  forhold {result['ratio']:.2f} (mål ≤ 0,35)",
        flush=True,
    )
    shutil.rmtree(project, ignore_errors=True)
    return result


def baseline_papermill(data: Path, work: Path, years: list[int], sample: int) -> dict:
    """Seconds per notebook with the papermill CLI (a sample), and the notebooks of all years."""
    tasks = []
    for year in years:
        tasks += year_tasks(data, year, active_facilities(data, year))
    papermill = str(Path(sys.executable).with_name("papermill"))
    chosen = tasks[:: max(1, len(tasks) // sample)][:sample]
    started = time.perf_counter()
    for task in chosen:
        out = work / "baseline" / task.output
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [papermill, str(task.source), str(out), "-k", "python3", "--cwd", str(out.parent)]
        for key, value in task.parameters.items():
            cmd += ["-p", key, str(value)]
        # data_dir is empty for a folder outside the project: the kernel reads STATUSRAPPORT_DATA
        env = {**os.environ, "STATUSRAPPORT_DATA": str(Path(data).resolve())}
        subprocess.run(cmd, check=True, capture_output=True, env=env)
    per = (time.perf_counter() - started) / len(chosen)
    return {"per_notebook_s": per, "sampled": len(chosen), "notebooks": len(tasks)}


def archive(work: Path, n_years: int, n_facilities: int, *, scenarios: bool) -> dict:
    """Cold archive of ``n_years`` years; with ``scenarios`` also the incremental runs."""
    last = 2025
    first = last - n_years + 1
    data = work / f"raw-{n_years}-{n_facilities}"
    demo.write_demo_data(data, n_facilities=n_facilities, years=(first, last))
    project = work / f"arkiv-{n_years}-{n_facilities}"
    result: dict = {"years": n_years, "facilities": n_facilities}
    result["cold_s"], line = _run(data, project, "--years", f"{first}-{last}")
    result["cold_render_s"] = line.get("render_seconds")
    result["notebooks"] = line.get("run")
    if not scenarios:
        return result
    result["year_rerun_s"], line = _run(data, project, "--force", "--year", str(last))
    result["year_rerun_pages"] = line.get("rendered")
    alone = work / f"alene-{n_years}-{n_facilities}"
    result["year_alone_s"], _ = _run(data, alone, "--year", str(last))
    changed = _change_one_facility(data, last)
    result["facility_changed_s"], line = _run(data, project)
    result["facility_changed"] = {"tilbud": changed, "run": line.get("run")}
    result["facility_changed_pages"] = line.get("rendered")
    result["nothing_changed_s"], _ = _run(data, project)
    shutil.rmtree(alone, ignore_errors=True)
    return result


def run(work: Path, years: tuple[int, ...], facilities: tuple[int, ...], sample: int) -> dict:
    """Every scenario of the largest archive, and the cold build for each size."""
    if shutil.which("quarto") is None:
        raise SystemExit("quarto findes ikke på PATH (se ../shared/tools/quarto/README.md)")
    results: dict = {"archives": []}
    biggest = max(years)
    for n_facilities in facilities:
        for n_years in years:
            scenarios = n_years == biggest and n_facilities == min(facilities)
            entry = archive(work, n_years, n_facilities, scenarios=scenarios)
            results["archives"].append(entry)
            print_entry(entry)
            if scenarios:
                data = work / f"raw-{n_years}-{n_facilities}"
                base = baseline_papermill(data, work, list(range(2025 - n_years + 1, 2026)), sample)
                render = (entry.get("cold_render_s") or {}).get("quarto", 0.0)
                base["quarto_render_s"] = render
                base["total_s"] = base["per_notebook_s"] * base["notebooks"] + render
                base["speedup_cold"] = base["total_s"] / entry["cold_s"]
                results["baseline"] = base
                print(
                    f"baseline: papermill-CLI {base['per_notebook_s']:.1f} s pr. notebook "
                    f"(målt på {base['sampled']}, ganget op til {base['notebooks']}) + fuld "
                    f"quarto render {render:.0f} s = {base['total_s']:.0f} s; kold arkivkørsel "
                    f"er {base['speedup_cold']:.1f}× hurtigere"
                )
    return results


def print_entry(entry: dict) -> None:
    line = (
        f"{entry['years']} år, {entry['facilities']} tilbud: kold {entry['cold_s']:.0f} s "
        f"({entry.get('notebooks')} notebooks; render {entry.get('cold_render_s')})"
    )
    if "year_rerun_s" in entry:
        ratio = entry["year_rerun_s"] / entry["year_alone_s"]
        line += (
            f"\n  ét år kørt igen i arkivet {entry['year_rerun_s']:.0f} s "
            f"({entry['year_rerun_pages']} sider renderet) mod samme år alene "
            f"{entry['year_alone_s']:.0f} s = {ratio:.2f}×"
            f"\n  ét tilbuds data ændret {entry['facility_changed_s']:.0f} s "
            f"({entry['facility_changed']['run']} notebooks, "
            f"{entry['facility_changed_pages']} sider)"
            f"\n  intet ændret (ny proces) {entry['nothing_changed_s']:.1f} s"
        )
    print(line, flush=True)
