"""Issue 9 end to end: ``statusrapport run`` on planted small facilities publishes, and what it
published passes the attacker's audit (which also ran inside the run, before publishing)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from disclosure_fixtures import PLANTED, plant
from helpers import cli_command

from statusrapport import demo
from statusrapport.disclosure import audit

pytestmark = pytest.mark.slow

YEAR = 2025


def test_run_on_planted_data_exits_0_and_passes_the_audit(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    demo.write_demo_data(raw, n_facilities=8, years=(YEAR - 2, YEAR))
    plant(raw, YEAR)
    cmd = cli_command(raw, tmp_path, "--no-render", "--quiet")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr
    result = audit.audit(tmp_path)
    assert result.ok, result.summary()
    assert result.checked >= len(PLANTED)
    year_dir = tmp_path / "reports" / str(YEAR)
    figures = json.loads((year_dir / "noegletal.json").read_text(encoding="utf-8"))
    assert all(figures["personaleomsaetning.procent_pr_tilbud"][t] is None for t in PLANTED)
    # No leader evaluation per named facility anywhere in the downloads.
    scoreboard = pd.read_csv(year_dir / "tabeller" / "maalopfyldelse-pr-tilbud.csv")
    assert not any("Lederevaluering" in c for c in scoreboard.columns)
    values = pd.read_csv(year_dir / "tabeller" / "maalopfyldelse-tal.csv")
    assert "Lederevaluering" not in values.columns
    # Rates in the downloads carry the page's precision (0.1 percentage point), no more.
    funnel = pd.read_csv(year_dir / "tabeller" / "fig-tragt-personaleomsaetning.csv")
    rates = funnel["Personaleomsætning"].dropna()
    assert ((rates * 1000).round(6) % 1 == 0).all()


def test_a_leak_in_the_staged_build_stops_the_run_with_exit_6(tmp_path: Path, monkeypatch) -> None:
    """The pipeline runs the real audit on the staged build: a complementary facility's figures
    slipped into a download (as the old pages did) stop the run before anything is published."""
    from statusrapport import data, disclosure, pipeline
    from statusrapport.analysis import personaleomsaetning as personale

    raw = tmp_path / "raw"
    demo.write_demo_data(raw, n_facilities=8, years=(YEAR - 2, YEAR))
    plant(raw, YEAR)
    ds = data.parse(raw)
    protection = disclosure.turnover(ds, YEAR)
    partner = sorted(protection.facilities - protection.primary)[0]
    row = personale.rows(ds, YEAR).set_index("tilbud_id").loc[partner]
    real_check = audit.check

    def leaky_check(build: Path, mixed_inputs: str | None = None):
        path = build / "reports" / str(YEAR) / "tabeller" / "fig-tragt-personaleomsaetning.csv"
        table = pd.read_csv(path)
        leak = {
            "Tilbud": row["navn"],
            "Målgruppe": row["maalgruppe"],
            "Gns. antal ansatte": row["gns_ansatte"],
            "Fratrådte": row["fratraadte"],
            "Personaleomsætning": row["omsaetning"],
        }
        pd.concat([table, pd.DataFrame([leak])]).to_csv(path, index=False)
        assert mixed_inputs is None  # every page of this first run is built from one data set
        return real_check(build, mixed_inputs=mixed_inputs)

    monkeypatch.setattr(audit, "check", leaky_check)
    code = pipeline.run(
        data_dir=raw,
        year=YEAR,
        jobs=2,
        force=False,
        quiet=True,
        timeout=900,
        render=False,
        reports_dir=tmp_path / "reports",
        site_dir=tmp_path / "_site",
    )
    assert code == 6
    assert not (tmp_path / "reports" / str(YEAR)).exists()  # nothing published
    last = json.loads((tmp_path / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["exit_code"] == 6 and last["published"] is False


def test_an_undeclared_table_in_a_page_notebook_stops_the_run_with_exit_6(tmp_path: Path) -> None:
    """Issue 19 route 6, as a real process: an analyst adds ``report.table(...)`` of the planted
    facility with 4 staff and 1 leaver to the turnover page; the table is not declared in the
    page registry, so the run stops with exit 6 naming notebook and table, nothing published."""
    import shutil

    import nbformat

    from statusrapport import config

    raw = tmp_path / "raw"
    demo.write_demo_data(raw, n_facilities=8, years=(YEAR - 2, YEAR))
    plant(raw, YEAR)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    page = notebooks / "personaleomsaetning.ipynb"
    nb = nbformat.read(page, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "lille = personale.rows(data, year).query(\"tilbud_id == 'LILLE'\")\n"
            'report.table(personale.labelled(lille, ["navn", "gns_ansatte", "fratraadte"]), '
            'name="ekstra-tabel")'
        )
    )
    nbformat.write(nb, page)
    cmd = cli_command(raw, tmp_path, "--no-render", "--quiet")
    env = {**os.environ, "STATUSRAPPORT_NOTEBOOKS": str(notebooks)}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1500, env=env)
    assert done.returncode == 6, done.stderr[-3000:]
    assert "personaleomsaetning.ipynb" in done.stderr and "ekstra-tabel" in done.stderr
    assert "ikke erklæret" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports" / str(YEAR)).exists()  # nothing published
