"""Task keys: a year page is keyed on the inputs it declares, a profile on what it shows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from statusrapport import config, data, datafolder, demo, pages
from statusrapport.pipeline import changes, keys
from statusrapport.pipeline.tasks import active_facilities, year_tasks


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys") / "raw"
    demo.write_demo_data(folder, n_facilities=3, years=(2024, 2025))
    return folder


def _keys(folder: Path) -> dict[str, str]:
    year = 2025
    tasks = year_tasks(folder, year, active_facilities(folder, year))
    files = datafolder.file_hashes(folder)
    bases = changes.input_bases(tasks, files, "alle-input", True, [2024, 2025])
    keys.assign_keys(tasks, "alle-input", "kode", None, bases)
    return {t.output: t.key for t in tasks}


def test_an_absence_correction_changes_only_the_pages_that_declare_absence(small: Path) -> None:
    before = _keys(small)
    path = small / "fravaer.csv"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + "\n", encoding="utf-8")  # any change of the bytes
        after = _keys(small)
    finally:
        path.write_text(original, encoding="utf-8")
    changed = {Path(o).stem for o in before if before[o] != after[o] and "/tilbud/" not in o}
    expected = {s for s, _ in pages.titles() if "fravaer" in keys.declared_inputs(s)}
    assert changed == expected
    assert {"sygefravaer", "resume", "datakvalitet"} <= changed and "tilsyn" not in changed


def test_a_new_comment_reruns_only_the_pages_that_declare_the_comments(small: Path) -> None:
    before = _keys(small)
    path = small / "kommentarer.csv"
    original = path.read_text(encoding="utf-8")
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("2025,trivsel,En ny kommentar.\n")
        after = _keys(small)
    finally:
        path.write_text(original, encoding="utf-8")
    changed = {Path(o).stem for o in before if before[o] != after[o] and "/tilbud/" not in o}
    expected = {s for s, _ in pages.titles() if "kommentarer" in keys.declared_inputs(s)}
    assert changed == expected


def test_the_years_with_data_and_the_demo_flag_are_part_of_every_year_page_key(
    small: Path,
) -> None:
    tasks = [t for t in year_tasks(small, 2025, []) if t.source.stem == "tilsyn"]
    files = {f"{name}.csv": "x" for name in config.FILES}

    def basis(files: dict[str, str], years: list[int], demo: bool) -> str:
        return changes.input_bases(tasks, files, "alle", demo, years)[tasks[0].output]

    base = basis(files, [2024, 2025], True)
    assert basis(files, [2023, 2024, 2025], True) != base
    assert basis(files, [2024, 2025], False) != base
    assert basis({**files, "fravaer.csv": "y"}, [2024, 2025], True) == base
    assert basis({**files, "tilsyn.csv": "y"}, [2024, 2025], True) != base


def test_every_dataset_field_maps_to_the_files_it_is_parsed_from(small: Path) -> None:
    """A frame joined with tilbud (it carries the facility's name) depends on tilbud.csv too."""
    dataset = data.parse(small)
    fields = {f.name for f in dataclasses.fields(data.Dataset) if not f.name.startswith("_")}
    assert fields == set(keys.FIELD_INPUTS)
    for name in fields:
        value = getattr(dataset, name)
        if name == "tilbud" or not hasattr(value, "columns"):
            continue
        joined = {"navn", "maalgruppe", "center"} <= set(value.columns)
        assert ("tilbud" in keys.FIELD_INPUTS[name]) == joined, name
        assert name in keys.FIELD_INPUTS[name]


def test_a_page_without_a_declaration_depends_on_every_input() -> None:
    assert keys.declared_inputs("ny_side") == tuple(config.FILES)
    for page in pages.BY_ID:
        assert set(keys.declared_inputs(page)) <= set(config.FILES)


def test_profile_key_follows_the_earlier_years_its_page_links_to(tmp_path: Path) -> None:
    """A backfill that adds an earlier year changes the newer profiles' links (to that year),
    so it must change their keys though data and code are the same; a stored fingerprint is
    folded once, never again (an unchanged run keeps its keys)."""
    from statusrapport.kalender import ActiveFacility

    reports = tmp_path / "reports"
    (reports / "2023" / "tilbud").mkdir(parents=True)
    (reports / "2023" / "tilbud" / "A.ipynb").write_text("{}")
    (reports / "2024").mkdir()  # published without a profile of A or B: no link
    (reports / "2026" / "tilbud").mkdir(parents=True)  # later years are never linked
    (reports / "2026" / "tilbud" / "A.ipynb").write_text("{}")
    facilities = [ActiveFacility("A", "Alfa", "autisme"), ActiveFacility("B", "Beta", "autisme")]

    alone = keys.archive_years(reports, 2025, facilities, {})
    assert alone == {"A": [2023], "B": []}
    backfill = keys.archive_years(reports, 2025, facilities, {2022: {"B"}, 2024: {"A", "B"}})
    assert backfill == {"A": [2023, 2024], "B": [2022, 2024]}

    shown = {"A": "fa", "B": "fb"}
    first = keys.with_archive_years(shown, alone)
    assert first == keys.with_archive_years(shown, alone)  # the same run, the same keys
    assert first != keys.with_archive_years(shown, backfill)
    assert shown == {"A": "fa", "B": "fb"}  # the stored fingerprints are left as they are
