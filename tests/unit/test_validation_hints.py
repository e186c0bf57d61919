"""Messages that point at the cause: the value as written in the file, what it looks like, and
the id it was probably meant to be (issue 24: ``03/18/2025`` was quoted as ``2025-18-03``, and
``CLBO7`` on seven lines came without "mente du CLB07?")."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from statusrapport.validation import hints, rules
from statusrapport.validation.reading import read_folder, read_table

TILSYN_DK = "tilbud_id;tilsynsdato;tema;score\r\n"


@pytest.mark.parametrize(
    ("value", "known", "expected"),
    [
        ("CLBO7", {"CLB07", "CLB08", "CLB01"}, "CLB07"),  # letter O for digit 0
        ("CLB0I", {"CLB01", "CLB07"}, "CLB01"),  # letter I for digit 1
        ("clb07", {"CLB07", "CLB08"}, "CLB07"),  # case
        ("CLB7", {"CLB07", "XYZ12"}, "CLB07"),  # a dropped zero: closest by ratio
        ("CLB99", {"CLB07", "CLB08"}, None),  # equally far from both: no guess
        ("HELT-ANDET", {"CLB07", "CLB08"}, None),
        ("CLB07", {"CLB07"}, None),  # known ids are not "corrected"
    ],
)
def test_nearest_id(value: str, known: set[str], expected: str | None) -> None:
    assert hints.nearest_id(value, known) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (
            "03/18/2025",
            "dato",
            "måned 18 – amerikansk datoformat? mente du 18-03-2025?",
        ),
        (
            "2025-18-03",
            "dato",
            "måned 18 – dag og måned byttet om? mente du 2025-03-18?",
        ),
        ("30-02-2025", "dato", "30. i måned 2 findes ikke i kalenderen"),
        ("2025-02-30", "dato", "dag 30 findes ikke i måned 2"),
        ("31-03-2025", "dato", None),  # a valid Danish date: a format question only
        ("18-2025", "maaned", "måned 18 findes ikke"),
        ("hej", "dato", None),
    ],
)
def test_date_look(value: str, kind: str, expected: str | None) -> None:
    assert hints.date_look(value, kind) == expected


def test_american_date_is_quoted_as_written_with_what_it_looks_like(tmp_path: Path) -> None:
    content = TILSYN_DK + "CLB01;31-03-2025;Sundhed;4\r\nCLB01;03/18/2025;Sundhed;4\r\n"
    path = tmp_path / "tilsyn.csv"
    path.write_text(content, encoding="utf-8")
    _, findings = read_table(path, "tilsyn")
    error = next(f for f in findings if f.rule == "type_dato")
    assert not error.passed and error.column == "tilsynsdato"
    assert error.examples == [
        (3, '"03/18/2025" (måned 18 – amerikansk datoformat? mente du 18-03-2025?)')
    ]
    assert "2025-18-03" not in error.text()
    assert "amerikansk" in (error.hint or "")
    assert "formatér kolonnen i Excel som ÅÅÅÅ-MM-DD" not in (error.hint or "")


def test_impossible_danish_date_is_quoted_as_written(tmp_path: Path) -> None:
    """30-02-2025 is rewritten to 2025-02-30 for the type check; the message shows 30-02-2025."""
    path = tmp_path / "tilsyn.csv"
    path.write_text(TILSYN_DK + "CLB01;30-02-2025;Sundhed;4\r\n", encoding="utf-8")
    table, findings = read_table(path, "tilsyn")
    error = next(f for f in findings if f.rule == "type_dato")
    assert error.examples == [(2, '"30-02-2025" (30. i måned 2 findes ikke i kalenderen)')]
    assert table is not None and table.text_at("tilsynsdato", [2]) == ["30-02-2025"]


def test_unknown_facility_suggests_the_nearest_known_id(demo_dir: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "raw"
    shutil.copytree(demo_dir, folder)
    lines = (folder / "fravaer.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    typo = [i for i, ln in enumerate(lines) if ln.startswith("CLB07,")][:7]
    assert len(typo) == 7
    for i in typo:
        lines[i] = "CLBO7" + lines[i][len("CLB07") :]
    (folder / "fravaer.csv").write_text("".join(lines), encoding="utf-8")
    tables = read_folder(folder).tables
    check = next(
        c
        for c in rules.known_facilities(tables, 2025, datetime.date(2026, 6, 15))
        if c.file == "fravaer.csv"
    )
    assert not check.passed and check.n_bad == 7
    assert [ln for ln, _ in check.examples] == [i + 1 for i in typo]
    assert check.examples[0][1] == '"CLBO7" (mente du CLB07?)'
    assert "CLBO7 → CLB07" in (check.hint or "")
