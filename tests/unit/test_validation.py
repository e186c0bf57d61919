"""Validation of the input folder: every way a file can be wrong ends in exit 1 and a message
that names the file and the column, never a traceback; clean demo data passes.

The demo data are written once per session (``demo_dir`` in conftest.py); each test copies
them and breaks one thing.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from statusrapport import cli, config, contract
from statusrapport.validation import Check, ValidationReport, validate
from statusrapport.validation.reading import read_table

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(scope="session", autouse=True)
def _gx_imported() -> None:
    """Import Great Expectations once per session (it takes seconds)."""
    from statusrapport.validation.gx_runner import quiet

    with quiet():
        import great_expectations  # noqa: F401


@pytest.fixture
def data(demo_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(demo_dir, folder)
    return folder


# --- helpers to corrupt a file ---------------------------------------------------------------


def lines_of(folder: Path, name: str) -> list[str]:
    return (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def write_lines(folder: Path, name: str, lines: list[str]) -> None:
    (folder / f"{name}.csv").write_text("".join(lines), encoding="utf-8")


def set_value(name: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell (line numbers as in the file: header = 1; no multi-line records)."""

    def corrupt(folder: Path) -> None:
        path = folder / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[line - 1][rows[0].index(column)] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    return corrupt


def edit_text(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = folder / f"{name}.csv"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return corrupt


def duplicate_line(name: str, line: int) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        lines = lines_of(folder, name)
        write_lines(folder, name, [*lines, lines[line - 1]])

    return corrupt


def excel_danish(name: str) -> Callable[[Path], None]:
    """What Danish Excel writes with 'CSV (semikolonsepareret)': ';', decimal comma, cp1252."""

    def corrupt(folder: Path) -> None:
        path = folder / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        out = []
        for line in text.splitlines():
            cells = [
                c.replace(".", ",") if c.replace(".", "").isdigit() else c for c in line.split(",")
            ]
            out.append(";".join(cells))
        path.write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))

    return corrupt


def excel_danish_mixed(name: str) -> Callable[[Path], None]:
    """Danish Excel's file with one number typed with a decimal point: ambiguous, rejected."""

    def corrupt(folder: Path) -> None:
        excel_danish(name)(folder)
        path = folder / f"{name}.csv"
        lines = path.read_bytes().split(b"\r\n")
        lines[1] = re.sub(rb"(\d),(\d)", rb"\1.\2", lines[1], count=1)
        path.write_bytes(b"\r\n".join(lines))

    return corrupt


def undecodable(name: str) -> Callable[[Path], None]:
    """A byte that is neither UTF-8 nor Windows-1252 (0x81 is undefined in both)."""

    def corrupt(folder: Path) -> None:
        path = folder / f"{name}.csv"
        path.write_bytes(path.read_bytes().replace(b"Center", b"Cent\x81r", 1))

    return corrupt


def remove_file(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / f"{name}.csv").unlink()


def empty_file(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / f"{name}.csv").write_bytes(b"")


def header_only(name: str) -> Callable[[Path], None]:
    return lambda folder: write_lines(folder, name, lines_of(folder, name)[:1])


def truncate_last_line(name: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        lines = lines_of(folder, name)
        last = lines[-1].rstrip("\n")
        lines[-1] = last[: last.index(",", last.index(",") + 1)]  # keep two fields, no newline
        write_lines(folder, name, lines)

    return corrupt


def delete_column(name: str, column: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        lines = lines_of(folder, name)
        index = lines[0].rstrip("\n").split(",").index(column)
        out = []
        for line in lines:
            cells = line.rstrip("\n").split(",")
            del cells[index]
            out.append(",".join(cells) + "\n")
        write_lines(folder, name, out)

    return corrupt


def add_column(name: str, column: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        lines = lines_of(folder, name)
        out = [lines[0].rstrip("\n") + f",{column}\n"] + [
            ln.rstrip("\n") + ",x\n" for ln in lines[1:]
        ]
        write_lines(folder, name, out)

    return corrupt


def find_line(folder: Path, name: str, predicate: Callable[[dict[str, str]], bool]) -> int:
    lines = lines_of(folder, name)
    header = lines[0].rstrip("\n").split(",")
    for number, line in enumerate(lines[1:], start=2):
        cells = line.rstrip("\n").split(",")
        if len(cells) == len(header) and predicate(dict(zip(header, cells, strict=True))):
            return number
    raise AssertionError("no line matches")


def status_backwards(folder: Path) -> None:
    """Move a recommendation from 'imødekommet' back to 'under overvejelse' without a comment."""

    path = folder / "bostedsundersoegelse.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    i_aar, i_status, i_komm = (header.index(c) for c in ("aar", "status", "kommentar"))
    for row in rows[1:]:
        if row[i_aar] == "2025":
            row[i_status], row[i_komm] = "under overvejelse", ""
            break
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def remove_march(folder: Path) -> None:
    lines = lines_of(folder, "fravaer")
    keep = [lines[0]] + [ln for ln in lines[1:] if not ln.startswith("CLB03,2025-03,")]
    write_lines(folder, "fravaer", keep)


def unknown_facility(name: str) -> Callable[[Path], None]:
    return set_value(name, 2, "tilbud_id", "CLB99")


# (id, corruption, file that must be named, column that must be named or None)
CORRUPTIONS: list[tuple[str, Callable[[Path], None], str, str | None]] = [
    ("fil mangler", remove_file("tilsyn"), "tilsyn.csv", None),
    ("tom fil", empty_file("personale"), "personale.csv", None),
    ("kun overskrift", header_only("noegletal"), "noegletal.csv", None),
    ("lodret streg", edit_text("tilsyn", lambda t: t.replace(",", "|")), "tilsyn.csv", None),
    ("tabulator", edit_text("personale", lambda t: t.replace(",", "\t")), "personale.csv", None),
    ("dansk excel blandede decimaltegn", excel_danish_mixed("fravaer"), "fravaer.csv", None),
    ("hverken utf-8 eller windows-1252", undecodable("tilbud"), "tilbud.csv", None),
    ("afkortet sidste linje", truncate_last_line("fravaer"), "fravaer.csv", None),
    (
        "uafsluttet citat",
        edit_text("paabud", lambda t: t.replace("\nCLB01,", '\nCLB01,"', 1)),
        "paabud.csv",
        None,
    ),
    (
        "gentaget overskrift",
        edit_text("personale", lambda t: t + t.splitlines(True)[0]),
        "personale.csv",
        None,
    ),
    (
        "forkert antal felter",
        edit_text("noegletal", lambda t: t.replace(",94.2\n", ",94.2,1\n", 1)),
        "noegletal.csv",
        None,
    ),
    ("manglende kolonne", delete_column("personale", "nyansatte"), "personale.csv", None),
    ("ekstra kolonne", add_column("tilsyn", "bemaerkning"), "tilsyn.csv", None),
    ("score over 5", set_value("tilsyn", 5, "score", "45"), "tilsyn.csv", "score"),
    ("score under 1", set_value("tilsyn", 7, "score", "0.5"), "tilsyn.csv", "score"),
    (
        "rapportlink uden https",
        set_value("tilsyn", 4, "rapport_link", "http://tilbudsportalen.dk/rapport/1"),
        "tilsyn.csv",
        "rapport_link",
    ),
    (
        "rapportlink for langt",
        set_value("tilsyn", 4, "rapport_link", "https://tilbudsportalen.dk/" + "a" * 500),
        "tilsyn.csv",
        "rapport_link",
    ),
    (
        "tekst som tal",
        set_value("personale", 3, "fratraadte", "mange"),
        "personale.csv",
        "fratraadte",
    ),
    ("decimalkomma", set_value("tilbud", 2, "pladser", "3,5"), "tilbud.csv", None),
    ("negativt antal", set_value("personale", 4, "nyansatte", "-3"), "personale.csv", "nyansatte"),
    (
        "syg over mulige",
        set_value("fravaer", 17, "sygefravaer_dagsvaerk", "99999"),
        "fravaer.csv",
        "sygefravaer_dagsvaerk",
    ),
    (
        "langtid over syg",
        set_value("fravaer", 30, "langtidssygefravaer_dagsvaerk", "5000"),
        "fravaer.csv",
        "langtidssygefravaer_dagsvaerk",
    ),
    (
        "fuldtid nul",
        set_value("fravaer", 40, "fuldtidsstillinger", "0"),
        "fravaer.csv",
        "fuldtidsstillinger",
    ),
    (
        "urimeligt mange fratrådte",
        set_value("personale", 5, "fratraadte", "900"),
        "personale.csv",
        "fratraadte",
    ),
    ("måned før perioden", set_value("fravaer", 8, "maaned", "2015-03"), "fravaer.csv", "maaned"),
    ("måned i fremtiden", set_value("fravaer", 9, "maaned", "2031-01"), "fravaer.csv", "maaned"),
    (
        "forkert månedsformat",
        set_value("fravaer", 10, "maaned", "03-2024"),
        "fravaer.csv",
        "maaned",
    ),
    ("dato i fremtiden", set_value("paabud", 2, "dato", "2030-01-01"), "paabud.csv", "dato"),
    (
        "dansk datoformat",
        set_value("tilsyn", 4, "tilsynsdato", "11-07-2019"),
        "tilsyn.csv",
        "tilsynsdato",
    ),
    (
        "umulig dato",
        set_value("tilsyn", 6, "tilsynsdato", "2021-02-30"),
        "tilsyn.csv",
        "tilsynsdato",
    ),
    ("år i fremtiden", set_value("noegletal", 3, "aar", "2040"), "noegletal.csv", "aar"),
    ("tom påkrævet", set_value("personale", 2, "gns_ansatte", ""), "personale.csv", "gns_ansatte"),
    (
        "ukendt målgruppe",
        set_value("tilbud", 3, "maalgruppe", "demens"),
        "tilbud.csv",
        "maalgruppe",
    ),
    ("ukendt tema", set_value("tilsyn", 2, "tema", "Økonomi"), "tilsyn.csv", "tema"),
    (
        "ukendt faggruppe",
        set_value("fravaer", 2, "faggruppe", "pædagoger"),
        "fravaer.csv",
        "faggruppe",
    ),
    (
        "ukendt myndighed",
        set_value("paabud", 2, "myndighed", "Politiet"),
        "paabud.csv",
        "myndighed",
    ),
    ("ukendt påbudstype", set_value("paabud", 3, "type", "bøde"), "paabud.csv", "type"),
    (
        "ukendt indikator",
        set_value("noegletal", 2, "indikator", "sygefravaer"),
        "noegletal.csv",
        "indikator",
    ),
    (
        "ukendt status",
        edit_text("bostedsundersoegelse", lambda t: t.replace(",imødekommet,", ",klaret,", 1)),
        "bostedsundersoegelse.csv",
        "status",
    ),
    (
        "fiktiv ikke ja/nej",
        edit_text("bostedsundersoegelse", lambda t: t.replace(",nej\n", ",måske\n", 1)),
        "bostedsundersoegelse.csv",
        "fiktiv",
    ),
    (
        "bostedsundersøgelse 2012",
        edit_text("bostedsundersoegelse", lambda t: t.replace(",2019,", ",2012,", 1)),
        "bostedsundersoegelse.csv",
        "aar",
    ),
    (
        "dobbelt fravær",
        duplicate_line("fravaer", 20),
        "fravaer.csv",
        "tilbud_id, maaned, faggruppe",
    ),
    ("dobbelt personale", duplicate_line("personale", 2), "personale.csv", "tilbud_id, aar"),
    (
        "dobbelt nøgletal",
        duplicate_line("noegletal", 2),
        "noegletal.csv",
        "tilbud_id, aar, indikator",
    ),
    ("dobbelt tilsyn", duplicate_line("tilsyn", 2), "tilsyn.csv", "tilbud_id, tilsynsdato, tema"),
    ("dobbelt tilbud", duplicate_line("tilbud", 2), "tilbud.csv", "tilbud_id"),
    ("ukendt tilbud i fravær", unknown_facility("fravaer"), "fravaer.csv", "tilbud_id"),
    ("ukendt tilbud i tilsyn", unknown_facility("tilsyn"), "tilsyn.csv", "tilbud_id"),
    ("ukendt tilbud i påbud", unknown_facility("paabud"), "paabud.csv", "tilbud_id"),
    ("status tilbage uden kommentar", status_backwards, "bostedsundersoegelse.csv", "kommentar"),
    ("trivsel over 7", set_value("noegletal", 4, "vaerdi", "55"), "noegletal.csv", "vaerdi"),
    (
        "lukket før åbnet",
        set_value("tilbud", 2, "aktiv_til", "2010-01-01"),
        "tilbud.csv",
        "aktiv_til",
    ),
]


def run_cli(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = cli.main(["validate", "--data", str(folder), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI validates against today's date; fix it so 'in the future' is stable."""
    import statusrapport.validation as validation

    original = validation.validate

    def fixed(data_dir: Path, *, year: int | None = None, today=None, **kwargs):
        return original(data_dir, year=year, today=today or TODAY, **kwargs)

    monkeypatch.setattr(validation, "validate", fixed)


def test_clean_demo_data_pass(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(demo_dir, capsys)
    assert code == 0, out + err
    assert "0 fejl" in out
    assert "Traceback" not in out + err


def _assert_named(code: int, out: str, err: str, file: str, column: str | None) -> None:
    assert code == 1, out + err
    assert "Traceback" not in out + err
    error_lines = [ln for ln in err.splitlines() if ln.strip().startswith("✗")]
    assert any(file in ln for ln in error_lines), err
    if column is not None:
        assert any(file in ln and f"kolonne {column} ·" in ln for ln in error_lines), err
    assert "intern fejl" not in err, err


#: Corruptions that only Great Expectations catches cost a suite run each (1–3 s); `make test`
#: sends all of them through `validate`, `make test-fast` one per suite (those not listed here).
GX_ONLY_SLOW = {
    "score under 1",
    "rapportlink uden https",
    "negativt antal",
    "langtid over syg",
    "fuldtid nul",
    "måned før perioden",
    "måned i fremtiden",
    "år i fremtiden",
    "tom påkrævet",
    "ukendt tema",
    "ukendt faggruppe",
    "ukendt myndighed",
    "fiktiv ikke ja/nej",
    "bostedsundersøgelse 2012",
    "dobbelt fravær",
    "dobbelt nøgletal",
    "dobbelt tilsyn",
    "dobbelt tilbud",
    "trivsel over 7",
    "lukket før åbnet",
    "ukendt tilbud i tilsyn",
    "ukendt tilbud i påbud",
}


@pytest.mark.parametrize(
    ("corrupt", "file", "column"),
    [
        pytest.param(c, f, col, id=i, marks=pytest.mark.slow if i in GX_ONLY_SLOW else ())
        for i, c, f, col in CORRUPTIONS
    ],
)
def test_corruption_fails_with_clear_message(
    data: Path,
    capsys: pytest.CaptureFixture[str],
    corrupt: Callable[[Path], None],
    file: str,
    column: str | None,
) -> None:
    """Each corruption through `statusrapport validate`: exit 1 naming file and column."""
    corrupt(data)
    code, out, err = run_cli(data, capsys)
    _assert_named(code, out, err, file, column)


#: Every corruption goes through `validate` above, the pipeline's own first step; a few, one or
#: more per layer of the checks (the reader, a GX suite, a rule across files), also go through
#: `statusrapport run` in `make test` (a run starts warm kernels: seconds each, no unit test).
THROUGH_RUN: set[str] = {
    "fil mangler",
    "afkortet sidste linje",
    "dansk excel blandede decimaltegn",
    "score over 5",
    "måned i fremtiden",
    "ukendt tilbud i fravær",
    "status tilbage uden kommentar",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("corrupt", "file", "column"),
    [pytest.param(c, f, col, id=i) for i, c, f, col in CORRUPTIONS if i in THROUGH_RUN],
)
def test_corruption_stops_the_run(
    data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    corrupt: Callable[[Path], None],
    file: str,
    column: str | None,
) -> None:
    """Each corruption through `statusrapport run`: exit 1, a clear message, nothing touched."""
    reports, site = tmp_path / "published" / "reports", tmp_path / "published" / "_site"
    for path, text in {
        reports / "2024" / "resume.ipynb": "{}",
        reports / "runs.jsonl": '{"exit_code": 0}\n',
        site / "index.html": "<html lang='da'></html>",
    }.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # staging (.build/: the run's lock file and build folders) and the run's own log (logs/:
    # the kernels' output) are not part of what is published
    kept = {".build", "logs"}
    before = {p: p.read_bytes() for p in sorted(tmp_path.joinpath("published").rglob("*"))
              if p.is_file() and not kept & set(p.parts)}  # fmt: skip
    corrupt(data)
    code = cli.main(
        ["run", "--data", str(data), "--reports", str(reports), "--site", str(site), "--quiet",
         "--jobs", "1"]
    )  # fmt: skip
    captured = capsys.readouterr()
    after = {p: p.read_bytes() for p in sorted(tmp_path.joinpath("published").rglob("*"))
             if p.is_file() and not kept & set(p.parts)}  # fmt: skip
    assert after == before, "the published reports or site changed"
    assert not list(tmp_path.joinpath("published", ".build").glob("run-*")), "staging left behind"
    _assert_named(code, captured.out, captured.err, file, column)


def test_at_least_thirty_corruptions() -> None:
    assert len(CORRUPTIONS) >= 30
    assert {i for i, *_ in CORRUPTIONS} >= GX_ONLY_SLOW | THROUGH_RUN


def test_message_names_lines_and_values(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_value("fravaer", 17, "sygefravaer_dagsvaerk", "99999")(data)
    _, _, err = run_cli(data, capsys)
    line = next(ln for ln in err.splitlines() if "sygefravaer_dagsvaerk" in ln and "✗" in ln)
    assert "sygefravær må ikke overstige mulige dagsværk · 1 række · linje 17 (99999 > " in line


def test_danish_excel_is_read_with_a_notice(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What Danish Excel writes is read as it is; the summary names the file and the format."""
    excel_danish("fravaer")(data)
    code, out, err = run_cli(data, capsys)
    assert code == 0, out + err
    notice = next(ln for ln in out.splitlines() if "i fravaer.csv:" in ln)
    assert "semikolon som skilletegn" in notice and "decimalkomma" in notice
    assert "Windows-1252" in notice


def test_category_message_lists_valid_values(data: Path) -> None:
    set_value("tilbud", 3, "maalgruppe", "demens")(data)
    report = validate(data, today=TODAY)
    finding = next(f for f in report.errors if f.column == "maalgruppe")
    assert all(m in finding.description for m in config.MAALGRUPPER)
    assert finding.examples == [(3, '"demens"')]


def test_warning_does_not_fail_the_run(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remove_march(data)
    report = validate(data, year=2025, today=TODAY)
    assert report.ok
    gap = next(w for w in report.warnings if w.rule == "daekning_maaneder")
    assert gap.file == "fravaer.csv"
    assert any("CLB03 mangler marts" in text for _, text in gap.examples)
    code, out, _ = run_cli(data, capsys)
    assert code == 0
    assert "CLB03 mangler marts" in out


def test_report_json_is_stable(data: Path, tmp_path: Path) -> None:
    set_value("tilsyn", 5, "score", "45")(data)
    first = validate(data, today=TODAY).write_json(tmp_path / "a.json")
    second = validate(data, today=TODAY).write_json(tmp_path / "b.json")
    assert first.read_bytes() == second.read_bytes()
    again = ValidationReport.from_json(first)
    assert again.write_json(tmp_path / "c.json").read_bytes() == first.read_bytes()
    assert not again.ok and again.year == 2025


def test_quality_table(demo_dir: Path) -> None:
    table = validate(demo_dir, today=TODAY).quality_table()
    assert list(table.columns) == ["Fil", "Kolonne", "Regel", "Resultat", "Rækker med afvigelser"]
    assert set(table["Resultat"]) <= {"Bestået", "Advarsel", "Fejl"}
    assert set(table["Fil"]) >= {f"{name}.csv" for name in config.FILES}
    assert (table["Resultat"] == "Bestået").sum() > 100


def test_year_defaults_to_latest(demo_dir: Path) -> None:
    assert validate(demo_dir, today=TODAY).year == 2025
    assert validate(demo_dir, year=2023, today=TODAY).year == 2023


def test_unknown_csv_is_a_warning(data: Path) -> None:
    (data / "gammel_eksport.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = validate(data, today=TODAY)
    assert report.ok
    assert any(w.file == "gammel_eksport.csv" for w in report.warnings)


def test_summary_for_file_level_error() -> None:
    finding = Check("fravaer.csv", None, "tegnsaet", "filen er ikke gemt som UTF-8", "fejl",
                      False, 1, [(3, "Fødevarestyrelsen")], "Gem som UTF-8")  # fmt: skip
    text = ValidationReport(year=2025, checks=[finding]).summary_text()
    assert (
        "fravaer.csv · filen er ikke gemt som UTF-8 · 1 række · linje 3 (Fødevarestyrelsen)" in text
    )
    assert "Sådan retter du det: Gem som UTF-8" in text


# --- the structural reader on its own ---------------------------------------------------------

HEADER = "tilbud_id,aar,gns_ansatte,fratraadte,nyansatte\n"
ROWS = "CLB01,2024,10.5,2,3\nCLB02,2024,20,4,1\n"


def _read(tmp_path: Path, content: bytes) -> tuple[object, list[Check]]:
    path = tmp_path / "personale.csv"
    path.write_bytes(content)
    return read_table(path, "personale")


def _failed(findings: list[Check]) -> dict[str, Check]:
    return {f.rule: f for f in findings if not f.passed}


def test_reader_clean(tmp_path: Path) -> None:
    table, findings = _read(tmp_path, (HEADER + ROWS).encode())
    assert table is not None and not _failed(findings)
    assert table.frame["linje"].tolist() == [2, 3]
    assert table.frame["gns_ansatte"].tolist() == [10.5, 20.0]


@pytest.mark.parametrize("delimiter", ["\t", "|"])
def test_reader_detects_delimiter(tmp_path: Path, delimiter: str) -> None:
    table, findings = _read(tmp_path, (HEADER + ROWS).replace(",", delimiter).encode())
    assert table is None
    assert "skilletegn" in _failed(findings)


def test_reader_rejects_unknown_encoding(tmp_path: Path) -> None:
    content = (HEADER + ROWS + "CLB03,2024,5,1,1\n").encode() + b"\x81,2024,1,1,1\n"
    table, findings = _read(tmp_path, content)
    error = _failed(findings)["tegnsaet"]
    assert table is None and error.examples[0][0] == 5
    assert "hverken" in error.description
    assert "CSV UTF-8 (kommasepareret) (*.csv)" in (error.hint or "")


def test_reader_accepts_bom_and_says_so(tmp_path: Path) -> None:
    table, findings = _read(tmp_path, b"\xef\xbb\xbf" + (HEADER + ROWS).encode())
    assert table is not None and not _failed(findings)
    assert any(f.rule == "bom" and f.passed for f in findings)


def test_reader_crlf_and_blank_lines(tmp_path: Path) -> None:
    content = (HEADER + "\n" + ROWS).replace("\n", "\r\n").encode()
    table, findings = _read(tmp_path, content)
    assert table is not None and not _failed(findings)
    assert table.frame["linje"].tolist() == [3, 4]


def test_reader_truncated_last_line(tmp_path: Path) -> None:
    table, findings = _read(tmp_path, (HEADER + ROWS + "CLB03,2024").encode())
    error = _failed(findings)["afkortet_sidste_linje"]
    assert error.examples == [(4, "2 af 5 felter")]
    assert table is not None and len(table.frame) == 2


def test_reader_unterminated_quote(tmp_path: Path) -> None:
    _, findings = _read(tmp_path, (HEADER + 'CLB01,"2024,1,2,3\n' + ROWS).encode())
    assert _failed(findings)["anfoerselstegn"].examples[0][0] == 2


def test_reader_duplicate_header(tmp_path: Path) -> None:
    table, findings = _read(tmp_path, (HEADER + ROWS + HEADER + ROWS).encode())
    error = _failed(findings)["overskrift_gentaget"]
    assert error.examples == [(4, "overskrift")]
    assert table is not None and table.frame["linje"].tolist() == [2, 3, 5, 6]


def test_reader_wrong_field_count_keeps_line_numbers(tmp_path: Path) -> None:
    content = (HEADER + "CLB01,2024,1,2\n" + ROWS + 'CLB09,2024,"1",2,3\n').encode()
    table, findings = _read(tmp_path, content)
    assert _failed(findings)["antal_felter"].examples == [(2, "4 felter")]
    assert table is not None and table.frame["linje"].tolist() == [3, 4, 5]


def test_reader_header_only_and_empty(tmp_path: Path) -> None:
    assert "har_data" in _failed(_read(tmp_path, HEADER.encode())[1])
    assert "ikke_tom" in _failed(_read(tmp_path, b"")[1])


def test_reader_names_missing_and_extra_columns(tmp_path: Path) -> None:
    content = b"tilbud_id,aar,gns_ansatte,fratraadte,nye\nCLB01,2024,1,1,1\n"
    error = _failed(_read(tmp_path, content)[1])["kolonner"]
    assert (1, "mangler: nyansatte") in error.examples
    assert (1, "ukendte: nye") in error.examples


def test_suites_are_readable_and_explained() -> None:
    for spec in contract.FILES:
        path = config.EXPECTATIONS_DIR / f"{spec.suite_name}.json"
        suite = json.loads(path.read_text(encoding="utf-8"))
        assert suite["name"] == spec.suite_name
        for expectation in suite["expectations"]:
            assert expectation["notes"], expectation
            assert {"regel", "beskrivelse", "alvorlighed"} <= set(expectation["meta"])


def test_reader_quoted_values_keep_line_numbers(tmp_path: Path) -> None:
    content = (
        b'"tilbud_id","aar","gns_ansatte","fratraadte","nyansatte"\n'
        b'"CLB01","2024","10.5","2","3"\n"CLB02","2024","20","4","1"\n'
    )
    table, findings = _read(tmp_path, content)
    assert table is not None and not _failed(findings)
    assert table.frame["linje"].tolist() == [2, 3]


def test_reader_value_spanning_lines(tmp_path: Path) -> None:
    path = tmp_path / "paabud.csv"
    path.write_text(
        "tilbud_id,dato,myndighed,type,beskrivelse\n"
        'CLB01,2024-01-02,Arbejdstilsynet,påbud,"to\nlinjer"\n'
        "CLB02,2024-13-02,Arbejdstilsynet,påbud,kort\n",
        encoding="utf-8",
    )
    table, findings = read_table(path, "paabud")
    assert table is not None
    assert table.frame["linje"].tolist() == [2, 4]
    assert _failed(findings)["type_dato"].examples == [
        (4, '"2024-13-02" (måned 13 – dag og måned byttet om? mente du 2024-02-13?)')
    ]


@pytest.mark.slow
def test_run_with_invalid_data_changes_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`statusrapport run` stops at validation: nothing under reports/ or the site changes."""
    pytest.importorskip("statusrapport.pipeline")
    reports, site = tmp_path / "reports", tmp_path / "_site"
    (reports / "2024").mkdir(parents=True)
    (reports / "2024" / "resume.ipynb").write_text("{}", encoding="utf-8")
    (site / "index.html").parent.mkdir(parents=True)
    (site / "index.html").write_text("<html></html>", encoding="utf-8")

    def snapshot() -> dict[str, bytes]:
        return {
            str(p.relative_to(tmp_path)): p.read_bytes()
            for root in (reports, site)
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    set_value("fravaer", 17, "sygefravaer_dagsvaerk", "99999")(data)
    code = cli.main(
        ["run", "--data", str(data), "--reports", str(reports), "--site", str(site),
         "--no-render", "--jobs", "1"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "fravaer.csv" in err and "Traceback" not in err
    assert snapshot() == before


def test_facility_opened_mid_year_owes_only_its_open_months(data: Path) -> None:
    import pandas as pd

    tilbud = pd.read_csv(data / "tilbud.csv", dtype=str, keep_default_na=False)
    tid = tilbud.loc[0, "tilbud_id"]
    tilbud.loc[0, "aktiv_fra"] = "2025-06-01"
    tilbud.to_csv(data / "tilbud.csv", index=False, lineterminator="\n")
    fravaer = pd.read_csv(data / "fravaer.csv", dtype=str, keep_default_na=False)
    early = (fravaer["tilbud_id"] == tid) & fravaer["maaned"].between("2025-01", "2025-05")
    fravaer.loc[~early].to_csv(data / "fravaer.csv", index=False, lineterminator="\n")
    report = validate(data, year=2025, today=TODAY)
    months = [w for w in report.warnings if w.rule == "daekning_maaneder"]
    assert not any(tid in str(w) for w in months), months
    # …but a gap inside its open months is still reported.
    fravaer = fravaer.loc[~early]
    july = (fravaer["tilbud_id"] == tid) & (fravaer["maaned"] == "2025-07")
    fravaer.loc[~july].to_csv(data / "fravaer.csv", index=False, lineterminator="\n")
    report = validate(data, year=2025, today=TODAY)
    months = [w for w in report.warnings if w.rule == "daekning_maaneder"]
    assert any(f"{tid} mangler juli" in str(w) for w in months), months


def test_warnings_name_facilities_by_name_in_proper_danish() -> None:
    from statusrapport.validation.report import plain_summary, warnings_markdown

    per_facility = Check(
        "noegletal.csv",
        "indikator",
        "daekning_indikatorer",
        "alle aktive tilbud skal have alle nøgletal for 2025",
        "advarsel",
        False,
        n_bad=2,
        examples=[(None, "CLB32 mangler lederevaluering"), (None, "CLB07 mangler trivsel, budget")],
        hint="Tilføj de manglende nøgletal.",
    )
    visits = Check(
        "tilsyn.csv", "tilsynsdato", "daekning_tilsyn", "alle aktive tilbud skal have et tilsyn",
        "advarsel", False, n_bad=1, examples=[(None, "CLB99 uden tilsyn 2024–2025")],
    )  # fmt: skip
    lines_ = Check(
        "fravaer.csv", "maaned", "x", "ukendt måned", "advarsel", False, n_bad=3,
        examples=[(4, "13"), (9, "0")],
    )  # fmt: skip
    report = ValidationReport(year=2025, checks=[per_facility, visits, lines_])
    names = {"CLB32": "Bostedet Kastanjen", "CLB07": "Hjemmet Åbo"}
    from statusrapport import escaping

    text = escaping.unmarkdown(warnings_markdown(report, names=names))
    assert (
        "Det gælder: Bostedet Kastanjen (CLB32) mangler lederevaluering; "
        "Hjemmet Åbo (CLB07) mangler trivsel og budget. Tilføj de manglende nøgletal." in text
    )
    assert "CLB99 har ikke haft tilsyn i 2024–2025." in text  # unknown id: the id alone
    assert "(3 rækker). Det gælder blandt andre linje 4 (13) og linje 9 (0)." in text
    assert "Det gælder CLB" not in text
    one = ValidationReport(year=2025, checks=[visits])
    assert "med 1 kontrol fordelt på 1 fil:" in plain_summary(one)
    assert "1 kontrol gav en advarsel" in plain_summary(one)
    assert "1 kontrol af 1 fil, 0 fejl, 1 advarsel." in one.summary_text()
