"""The data contract, the one calendar and the one reader: every input that used to pass
`validate` and then break `run` (issue 14) is now an exit-1 finding from both, naming the file,
the column, the rule and the line, with a bounded message."""

from __future__ import annotations

import csv
import datetime
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from statusrapport import cli, config, contract, kalender
from statusrapport.validation import expectation_parameters, validate
from statusrapport.validation.reading import read_folder, read_table

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(scope="session", autouse=True)
def _gx_imported() -> None:
    from statusrapport.validation.gx_runner import quiet

    with quiet():
        import great_expectations  # noqa: F401


# --- the contract is the one source -----------------------------------------------------------


def test_readme_is_generated_from_the_contract() -> None:
    """data/raw/README.md is current: regenerate with `python -m statusrapport.contract`."""
    committed = (ROOT / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    assert committed == contract.readme(), (
        "data/raw/README.md er forældet: kør "
        "`.venv/bin/python -m statusrapport.contract > data/raw/README.md`"
    )


def test_config_files_come_from_the_contract() -> None:
    assert {f.name: f.column_names for f in contract.FILES} == config.FILES
    assert config.MAALGRUPPER is contract.MAALGRUPPER


def _suites() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "expectations").glob("*.json"))
    }


def test_suites_match_the_contract() -> None:
    """Every suite belongs to a contract file and names only its columns; required columns
    have a not-null rule, categories use the contract's vocabulary, numeric bounds agree."""
    suites = _suites()
    assert set(suites) == {f.suite_name for f in contract.FILES}
    params = expectation_parameters(TODAY)
    for spec in contract.FILES:
        names = set(spec.column_names)
        not_null = set()
        for exp in suites[spec.suite_name]["expectations"]:
            kwargs = exp["kwargs"]
            used = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
            used += kwargs.get("column_list", [])
            assert set(used) <= names, (spec.name, exp["type"], used)
            for value in kwargs.values():
                if isinstance(value, dict) and "$PARAMETER" in value:
                    assert value["$PARAMETER"] in params, value
            if exp["type"] == "expect_column_values_to_not_be_null":
                not_null.add(kwargs["column"])
            if exp["type"] == "expect_column_values_to_be_in_set":
                column = spec.column(kwargs["column"])
                if column.allowed:
                    assert kwargs["value_set"] == {"$PARAMETER": column.allowed}
            if (
                exp["type"] == "expect_column_values_to_be_between"
                and "row_condition" not in kwargs
            ):
                column = spec.column(kwargs["column"])
                low = kwargs.get("min_value")
                if not isinstance(low, dict):
                    assert low == column.minimum, (spec.name, column.name)
                    assert bool(kwargs.get("strict_min")) == column.strict_minimum
                high = kwargs.get("max_value")
                if not isinstance(high, dict):
                    assert high == column.maximum, (spec.name, column.name)
        required = {c.name for c in spec.columns if c.required}
        assert not_null == required, spec.name
        if spec.key and len(spec.key) > 1:
            compound = [
                e["kwargs"]["column_list"]
                for e in suites[spec.suite_name]["expectations"]
                if e["type"] == "expect_compound_columns_to_be_unique"
            ]
            assert list(spec.key) in compound, spec.name


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("CLB01", True),
        ("a", True),
        ("A_b-9", True),
        ("x" * 32, True),
        ("x" * 33, False),
        ("../../x", False),
        ("CLB02/../../x2", False),
        ("-CLB", False),
        ("CLB\x0001", False),
        ("<img src=x onerror=alert(1)>", False),
        ("CLBø", False),
        ("", False),
    ],
)
def test_id_pattern(value: str, ok: bool) -> None:
    assert bool(contract.ID_RE.match(value)) is ok


# --- the calendar ---------------------------------------------------------------------------


def test_years_with_data_are_staff_years_in_the_period() -> None:
    years = kalender.years_with_data([2024, 2025, 2025], [2023, 2099, 1990, None], TODAY)
    assert years == [2023, 2024, 2025]
    assert kalender.report_year(None, years) == 2025
    assert kalender.report_year(2024, years) == 2024
    assert kalender.report_year(None, []) is None


def test_year_problem() -> None:
    assert kalender.year_problem(2024, [2024, 2025], TODAY) is None
    assert "ingen data" in (kalender.year_problem(2026, [2024, 2025], TODAY) or "")
    assert "skal ligge mellem" in (kalender.year_problem(0, [2024], TODAY) or "")


def test_active_mask_same_for_numbers_and_dates() -> None:
    numbers = pd.DataFrame(
        {
            "aktiv_fra": [20190101, 20250601, 20260101, None],
            "aktiv_til": [None, None, None, 2024_12_31],
        }
    )
    dates = numbers.apply(
        lambda c: pd.to_datetime(c.astype("Int64").astype("str"), format="%Y%m%d", errors="coerce")
    )
    expected = [True, True, False, False]
    assert (
        kalender.active_mask(numbers["aktiv_fra"], numbers["aktiv_til"], 2025).tolist() == expected
    )
    assert kalender.active_mask(dates["aktiv_fra"], dates["aktiv_til"], 2025).tolist() == expected


def test_dataset_and_validation_agree_on_years(demo_dir: Path) -> None:
    from statusrapport import data, validation

    dataset = data.parse(demo_dir)
    inputs = read_folder(demo_dir)
    assert dataset.years == validation.available_years(inputs.tables, datetime.date.today())
    facilities = kalender.active_facilities(inputs.tables["tilbud"].frame, dataset.latest_year)
    assert [f.tilbud_id for f in facilities] == sorted(
        dataset.active_facilities(dataset.latest_year)["tilbud_id"]
    )


# --- the reader: inputs that used to pass validate and break run ----------------------------


def _set_cell(folder: Path, name: str, row: int, column: str, value: str) -> int:
    """Set one cell of data row ``row`` (0-based); returns its CSV line number."""
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row + 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return row + 2


def _validate(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    from statusrapport import validation

    original = validation.validate
    try:
        validation.validate = lambda d, **kw: original(d, **{"today": TODAY, **kw})  # type: ignore[assignment]
        code = cli.main(["validate", "--data", str(folder), *extra])
    finally:
        validation.validate = original  # type: ignore[assignment]
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _run(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    code = cli.main(
        ["run", "--data", str(folder), "--reports", str(tmp_path / "reports"),
         "--site", str(tmp_path / "_site"), "--no-render", "--quiet", "--jobs", "1", *extra]
    )  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out + captured.err


#: Each issue-14 case goes through `validate` in `make test-fast`; through `run` (which also
#: starts the warm kernels, seconds each) only in `make test`.
COMMANDS = [pytest.param("validate"), pytest.param("run", marks=pytest.mark.slow)]


def _command(
    command: str,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> tuple[int, str]:
    if command == "run":
        return _run(folder, tmp_path, capsys, *extra)
    return _validate(folder, capsys, *extra)


def _error_lines(output: str) -> list[str]:
    return [ln for ln in output.splitlines() if ln.strip().startswith("✗")]


BAD_IDS = [
    pytest.param("x" * 300, id="300-tegn"),
    pytest.param("CLB\x0001", id="NUL"),
    pytest.param("../../x", id="sti-op"),
    pytest.param("CLB02/../../x2", id="sti-i-id"),
    pytest.param("<img src=x onerror=alert(1)>", id="html"),
]


@pytest.mark.parametrize("value", BAD_IDS)
def test_bad_id_is_a_finding_with_line(demo_copy: Path, value: str) -> None:
    line = _set_cell(demo_copy, "tilbud", 3, "tilbud_id", value)
    _, findings = read_table(demo_copy / "tilbud.csv", "tilbud")
    bad = [f for f in findings if f.is_error]
    assert [f.rule for f in bad] == ["id_format"]
    assert bad[0].column == "tilbud_id" and bad[0].examples[0][0] == line
    assert "\x00" not in bad[0].text() and "<img" not in bad[0].text().replace('"<img', "")


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_id_exit_1_from_validate_and_run(
    command: str, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_cell(demo_copy, "fravaer", 10, "tilbud_id", "CLB\x00" + "x" * 300)
    code, output = _command(command, demo_copy, tmp_path, capsys)
    assert code == 1, output
    assert "\x00" not in output and "Traceback" not in output
    lines = _error_lines(output)
    assert any(
        "fravaer.csv" in ln and "kolonne tilbud_id" in ln and "linje 12" in ln for ln in lines
    )
    assert len(output) < 20_000


def test_ten_megabyte_name(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set_cell(demo_copy, "tilbud", 0, "navn", "N" * 10_000_000)
    code, output = _validate(demo_copy, capsys)
    assert code == 1
    lines = _error_lines(output)
    assert any("tilbud.csv" in ln and "kolonne navn" in ln and "linje 2" in ln for ln in lines), (
        output
    )
    assert len(output) < 20_000


def test_quoted_comment_of_160_kb_and_blank_line_is_accepted(demo_copy: Path) -> None:
    line = _set_cell(demo_copy, "bostedsundersoegelse", 5, "kommentar", "lang, " * 27_000)
    path = demo_copy / "bostedsundersoegelse.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a blank line
    table, findings = read_table(path, "bostedsundersoegelse")
    assert table is not None
    assert not [f for f in findings if f.is_error], [str(f) for f in findings if f.is_error]
    assert line in table.frame["linje"].tolist()


def test_field_beyond_the_limit_is_named(tmp_path: Path) -> None:
    path = tmp_path / "paabud.csv"
    long = "x" * (contract.LONG_TEXT_MAX + 5000)
    path.write_text(
        "tilbud_id,dato,myndighed,type,beskrivelse\n\n"
        f'CLB01,2024-01-02,Arbejdstilsynet,påbud,"{long}"\n',
        encoding="utf-8",
    )
    _, findings = read_table(path, "paabud")
    bad = {f.rule: f for f in findings if f.is_error}
    assert "feltlaengde" in bad and "anfoerselstegn" not in bad
    assert bad["feltlaengde"].examples[0][0] == 3


def test_two_hundred_thousand_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "personale.csv"
    extra = [f"x{i}" for i in range(200_000)]
    header = ",".join(["tilbud_id", "aar", "gns_ansatte", "fratraadte", "nyansatte", *extra])
    row = ",".join(["CLB01", "2024", "10.0", "1", "1", *(["0"] * len(extra))])
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    table, findings = read_table(path, "personale")
    assert table is None
    bad = [f for f in findings if f.is_error]
    assert [f.rule for f in bad] == ["kolonner"]
    assert "200005 kolonner" in bad[0].text()
    assert len(bad[0].text()) < 1000


@pytest.mark.parametrize("command", COMMANDS)
def test_fifo_is_a_finding_not_a_hang(
    command: str, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_copy / "personale.csv").unlink()
    os.mkfifo(demo_copy / "personale.csv")
    code, output = _command(command, demo_copy, tmp_path, capsys)
    assert code == 1, output
    assert any("personale.csv" in ln and "FIFO" in ln for ln in _error_lines(output)), output


def test_directory_named_like_a_file(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo_copy / "tilbud.csv").unlink()
    (demo_copy / "tilbud.csv").mkdir()
    code, output = _validate(demo_copy, capsys)
    assert code == 1
    assert any("tilbud.csv" in ln and "mappe" in ln for ln in _error_lines(output)), output
    assert "mangler" not in " ".join(ln for ln in _error_lines(output) if "tilbud.csv ·" in ln)


def test_symlink_out_of_the_folder_is_refused_without_echo(demo_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "hemmelig.csv"
    secret.write_text("tilbud_id,navn\nHEMMELIGT-INDHOLD,x;y\n", encoding="utf-8")
    (demo_copy / "paabud.csv").unlink()
    (demo_copy / "paabud.csv").symlink_to(secret)
    inputs = read_folder(demo_copy)
    bad = [f for f in inputs.findings if f.is_error]
    assert [(f.file, f.rule) for f in bad] == [("paabud.csv", "fil_findes")]
    assert "uden for datamappen" in bad[0].description
    assert "HEMMELIGT" not in json.dumps([f.to_dict() for f in inputs.findings])


def test_symlink_inside_the_folder_is_read(demo_copy: Path) -> None:
    shutil.move(demo_copy / "paabud.csv", demo_copy / "kilde.txt")
    (demo_copy / "paabud.csv").symlink_to("kilde.txt")
    inputs = read_folder(demo_copy)
    assert not inputs.read_errors
    assert "paabud" in inputs.tables


# --- the report year: validate and run agree ------------------------------------------------


def test_year_zero_is_a_usage_error(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--data", str(demo_dir), "--year", "0"]) == 2
    assert cli.main(["run", "--data", str(demo_dir), "--year", "0"]) == 2
    assert "rapportår" in capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_year_without_data_exit_1_in_both(
    command: str, demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _command(command, demo_dir, tmp_path, capsys, "--year", "2026")
    assert code == 1, output
    assert any("ingen data for rapportåret 2026" in ln for ln in _error_lines(output)), output
    assert not (tmp_path / "reports" / "2026").exists()


def test_validation_checks_the_year_the_run_plans(demo_copy: Path) -> None:
    """A stray future year in personale.csv does not move the report year (nor planning's)."""
    from statusrapport.pipeline.tasks import latest_year

    _set_cell(demo_copy, "personale", 0, "aar", "2031")
    report = validate(demo_copy, today=TODAY)
    assert report.year == 2025
    assert latest_year(demo_copy) == 2025
    assert any(f.file == "personale.csv" and f.column == "aar" for f in report.errors)


def test_a_tilsyn_file_without_the_optional_report_link_is_valid(
    demo_copy: Path,
) -> None:
    """rapport_link came later: a tilsyn.csv made before it (no such column) still validates,
    and the column is read as empty; every other column stays required in the header."""
    from statusrapport import data, validation

    assert contract.absent_ok("tilsyn") == frozenset({"rapport_link"})
    assert all(not contract.absent_ok(f.name) for f in contract.FILES if f.name != "tilsyn")
    path = demo_copy / "tilsyn.csv"
    pd.read_csv(path, dtype=str).drop(columns="rapport_link").to_csv(path, index=False)
    assert validation.validate(demo_copy, year=2025).ok
    assert data.parse(demo_copy).tilsyn["rapport_link"].isna().all()
    pd.read_csv(path, dtype=str).drop(columns="score").to_csv(path, index=False)
    report = validation.validate(demo_copy, year=2025)
    assert not report.ok and "mangler: score" in report.summary_text()
