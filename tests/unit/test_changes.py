"""Pages keyed on what they read, and the reasons a run gives for running pages again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from statusrapport import config, datafolder, kalender, planer
from statusrapport.errors import DisclosureError
from statusrapport.execution import Task
from statusrapport.pipeline import changes, keys
from statusrapport.pipeline.tasks import year_tasks
from statusrapport.validation.reading import read_folder

YEAR = 2025
NEW = planer.Plan(
    "trivsel", "Trivselsplanen", "opfoelgning_trivsel", 2021, ("ikke startet", "gennemført")
)


@pytest.fixture(scope="module")
def facilities(demo_dir: Path) -> list[kalender.ActiveFacility]:
    return kalender.active_facilities(read_folder(demo_dir).tables["tilbud"].frame, YEAR)


def _bases(demo_dir: Path, facilities, files: dict[str, str]) -> dict[str, str]:
    tasks = year_tasks(demo_dir, YEAR, facilities)
    return changes.input_bases(tasks, files, "alle-inputs:" + str(sorted(files.items())), True)


def test_a_plans_page_reads_its_own_file_and_the_others_do_not_read_it(
    demo_dir: Path, facilities
) -> None:
    files = datafolder.file_hashes(demo_dir)
    before = _bases(demo_dir, facilities, files)
    handicap = f"reports/{YEAR}/opfoelgning/handicappolitik.ipynb"
    # a correction of personale.csv: the year pages that declare it (pages.py), not the plan's
    after = _bases(demo_dir, facilities, {**files, "personale.csv": "rettet"})
    moved = {k for k in before if before[k] != after[k]}
    assert handicap not in moved and f"reports/{YEAR}/personaleomsaetning.ipynb" in moved
    assert f"reports/{YEAR}/tilsyn.ipynb" not in moved
    # a correction of the plan's file: its page and the pages that show every plan or input
    after = _bases(demo_dir, facilities, {**files, "opfoelgning_handicappolitik.csv": "rettet"})
    assert {k for k in before if before[k] != after[k]} == {
        handicap,
        f"reports/{YEAR}/opfoelgning.ipynb",
        f"reports/{YEAR}/datakvalitet.ipynb",
        f"reports/{YEAR}/resume.ipynb",
        f"reports/{YEAR}/bostedsundersoegelse.ipynb",  # reads the plans through one field
    }


def test_adding_a_plan_runs_only_its_page_and_the_pages_showing_every_plan(
    demo_dir: Path, facilities, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = datafolder.file_hashes(demo_dir)
    before = _bases(demo_dir, facilities, files)
    monkeypatch.setattr(planer, "PLANER", (*planer.PLANER, NEW))
    after = _bases(demo_dir, facilities, {**files, "opfoelgning_trivsel.csv": "ny"})
    new_page = f"reports/{YEAR}/opfoelgning/trivsel.ipynb"
    assert new_page in after and new_page not in before
    moved = {k for k in before if before[k] != after[k]}
    assert moved == {
        f"reports/{YEAR}/opfoelgning.ipynb",
        f"reports/{YEAR}/datakvalitet.ipynb",
        f"reports/{YEAR}/resume.ipynb",
        f"reports/{YEAR}/bostedsundersoegelse.ipynb",  # reads the plans through one field
    }


def _task(output: str, **parameters: object) -> Task:
    return Task(
        source=config.NOTEBOOKS_DIR / "sygefravaer.ipynb",
        output=output,
        parameters={"year": YEAR, **parameters},
        front_matter={"maalgruppe": "Udviklingshæmning"} if "tilbud_id" in parameters else {},
    )


def test_reasons_name_the_file_and_the_shown_average_that_moved() -> None:
    year_page = dataclasses.replace(
        _task(f"reports/{YEAR}/personaleomsaetning.ipynb"),
        source=config.NOTEBOOKS_DIR / "personaleomsaetning.ipynb",
    )
    profiles = [_task(f"reports/{YEAR}/tilbud/CLB0{i}.ipynb", tilbud_id=f"CLB0{i}") for i in (1, 2)]
    tasks = [year_page, *profiles]
    old_files = {"personale.csv": "a", "tilsyn.csv": "b"}
    files = {"personale.csv": "rettet", "tilsyn.csv": "b"}
    old_components = keys.assign_keys(tasks, "gammel", "kode", {"CLB01": "x", "CLB02": "y"})
    new_components = keys.assign_keys(tasks, "ny", "kode", {"CLB01": "x2", "CLB02": "y2"})
    averages = {changes.CENTRE: {"Personaleomsætning": "21,1 %", "Sygefravær": "6,3 %"}}
    moved = {changes.CENTRE: {"Personaleomsætning": "20,9 %", "Sygefravær": "6,3 %"}}
    manifest = {
        "tasks": {t.output: "gammel" for t in tasks},
        "komponenter": old_components,
        "input_files": old_files,
        changes.AVERAGES_KEY: averages,
    }
    summary, per_page = changes.reasons(tasks, new_components, manifest, files, moved)
    assert summary == [
        "det viste gennemsnit for hele centret er ændret "
        "(Personaleomsætning 21,1 % → 20,9 %): 2 sider",
        "personale.csv er ændret: 1 side",
    ]
    assert per_page[year_page.output] == "personale.csv er ændret"
    # the profile's own figures, when no shown average moved
    summary, _ = changes.reasons(profiles[:1], new_components, manifest, files, averages)
    assert summary == ["tilbuddets egne tal er ændret: 1 side"]


def test_reasons_for_code_notebook_and_first_run() -> None:
    task = _task(f"reports/{YEAR}/sygefravaer.ipynb")
    old = keys.assign_keys([task], "i", "kode-1")
    manifest = {"tasks": {task.output: "k"}, "komponenter": old, "input_files": {}}
    new = keys.assign_keys([task], "i", "kode-2")
    assert changes.reasons([task], new, manifest, {}, {})[0] == [
        "koden eller valideringsreglerne er ændret: 1 side"
    ]
    other = dataclasses.replace(task, source=config.NOTEBOOKS_DIR / "tilsyn.ipynb")
    new = keys.assign_keys([other], "i", "kode-1")
    assert changes.reasons([other], new, manifest, {}, {})[0] == [
        "notebooken tilsyn.ipynb er ændret: 1 side"
    ]
    assert changes.reasons([task], new, {}, {}, {})[0] == ["året er ikke publiceret før: 1 side"]


def test_pages_kept_on_old_inputs_are_named_as_the_cause_of_a_disclosure_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--only after a data change keeps the other pages as published: the build mixes two data
    sets, and the disclosure message must say so (not "ret koden")."""
    from statusrapport.disclosure import audit
    from statusrapport.pipeline import steps
    from statusrapport.pipeline.years import RunOptions, YearRun

    pages = [_task(f"reports/{YEAR}/{stem}.ipynb") for stem in ("sygefravaer", "tilsyn")]
    old = keys.assign_keys(pages, "gamle-data", "kode")
    new = keys.assign_keys(pages, "nye-data", "kode")
    options = RunOptions(tmp_path, tmp_path, tmp_path, tmp_path, 1, False, 60, False)
    run = YearRun(options, YEAR, tasks=pages, changed=pages[:1], components=new)
    run.manifest = {"komponenter": old}
    mixed = steps.mixed_inputs(run)
    assert mixed and mixed.startswith("1 sider er beholdt") and "tilsyn.ipynb" in mixed
    run.changed = pages
    assert steps.mixed_inputs(run) is None

    class Leak:
        ok = False
        undeclared: tuple[str, ...] = ()

        def summary(self) -> str:
            return "  2025 · tabel x · celle y"

    monkeypatch.setattr(audit, "audit", lambda build: Leak())
    with pytest.raises(DisclosureError) as error:
        audit.check(tmp_path, mixed_inputs=mixed)
    assert "ikke er bygget fra de samme inputdata" in str(error.value)
    assert "ret statusrapport.disclosure" not in str(error.value)
    with pytest.raises(DisclosureError) as error:
        audit.check(tmp_path)
    assert "ret statusrapport.disclosure" in str(error.value)
