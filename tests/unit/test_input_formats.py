"""Inputs as analysts have them: Danish Excel CSV and .xlsx, read by the one reader.

The same data as UTF-8 CSV, Danish Excel CSV and .xlsx must give byte-identical key figures;
that is tested on a small demo folder through the reader, the loader and the key-figure
computation (the GX suites see the same typed tables, so they are not run three times).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from statusrapport import config, contract, data, demo, keyfigures
from statusrapport.validation import formats
from statusrapport.validation.formats import WRITTEN_SUFFIX as WRITTEN
from statusrapport.validation.reading import (
    LINE,
    TEXT_SUFFIX,
    Check,
    input_path,
    read_folder,
    read_table,
)
from statusrapport.validation.report import FORMAT_RULE, ValidationReport

PERSONALE = "tilbud_id;aar;gns_ansatte;fratraadte;nyansatte\r\n"


def _read(tmp_path: Path, name: str, content: bytes, suffix: str = ".csv"):
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content)
    return read_table(path, name)


def _failed(findings: list[Check]) -> dict[str, Check]:
    return {f.rule: f for f in findings if not f.passed}


def _notice(findings: list[Check]) -> str:
    return next(f.description for f in findings if f.rule == FORMAT_RULE and f.passed)


# --- Danish Excel CSV -------------------------------------------------------------------------


def test_danish_excel_csv_is_read_with_a_notice(tmp_path: Path) -> None:
    rows = "CLB01;2024;1.234,5;2;3\r\nCLB02;2024;20,25;1.004;1\r\n"
    table, findings = _read(tmp_path, "personale", (PERSONALE + rows).encode("cp1252"))
    assert table is not None and not _failed(findings), _failed(findings)
    assert table.frame["gns_ansatte"].tolist() == [1234.5, 20.25]
    assert table.frame["fratraadte"].tolist() == [2.0, 1004.0]
    assert table.frame[LINE].tolist() == [2, 3]
    notice = _notice(findings)
    for part in ("semikolon", "decimalkomma", "tusindtalspunktum"):
        assert part in notice
    summary = ValidationReport(2024, findings).summary_text()
    assert "BEMÆRK" in summary and "i personale.csv: " in summary


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    content = "tilbud_id;dato;myndighed;type;beskrivelse\r\n"
    content += "CLB01;27-01-2021;Fødevarestyrelsen;påbud;Påbud om egenkontrol i køkkenet\r\n"
    table, findings = _read(tmp_path, "paabud", content.encode("cp1252"))
    assert table is not None and not _failed(findings), _failed(findings)
    assert table.frame["beskrivelse"].tolist() == ["Påbud om egenkontrol i køkkenet"]
    assert table.frame["dato"].tolist() == [20210127]
    assert "tegnsæt Windows-1252" in _notice(findings)


def test_utf8_bom_semicolon_with_decimal_point(tmp_path: Path) -> None:
    """Excel with 'system separators' off: ';' but decimal point – read as written."""
    rows = "CLB01;2024;10.5;2;3\r\nCLB02;2024;20;4;1\r\n"
    table, findings = _read(tmp_path, "personale", b"\xef\xbb\xbf" + (PERSONALE + rows).encode())
    assert table is not None and not _failed(findings)
    assert table.frame["gns_ansatte"].tolist() == [10.5, 20.0]
    assert "decimalpunktum" in _notice(findings)


def test_mixed_decimal_signs_are_ambiguous(tmp_path: Path) -> None:
    rows = "CLB01;2024;10,5;2;3\r\nCLB02;2024;20.5;4;1\r\n"
    table, findings = _read(tmp_path, "personale", (PERSONALE + rows).encode())
    error = _failed(findings)["decimaltegn"]
    assert table is None
    assert error.file == "personale.csv" and error.n_bad == 2
    assert [line for line, _ in error.examples] == [2, 3]
    assert "gns_ansatte" in error.examples[0][1]


def test_thousands_dot_alone_is_ambiguous_in_a_decimal_column(tmp_path: Path) -> None:
    rows = "CLB01;2024;1.234;2;3\r\nCLB02;2024;20;4;1\r\n"
    table, findings = _read(tmp_path, "personale", (PERSONALE + rows).encode())
    error = _failed(findings)["decimaltegn"]
    assert table is None and error.column == "gns_ansatte"
    assert error.examples == [(2, 'gns_ansatte: "1.234"')]
    assert "1234" in (error.hint or "")


def test_thousands_dot_in_an_integer_column_is_read(tmp_path: Path) -> None:
    rows = "CLB01;2024;12;1.234;3\r\n"
    table, findings = _read(tmp_path, "personale", (PERSONALE + rows).encode())
    assert table is not None and not _failed(findings)
    assert table.frame["fratraadte"].tolist() == [1234.0]


def test_danish_dates_and_months(tmp_path: Path) -> None:
    tilsyn = "tilbud_id;tilsynsdato;tema;score\r\nCLB01;31-03-2025;Sundhed;4,5\r\n"
    tilsyn += "CLB01;1.7.2025 00:00;Sundhed;4\r\n"
    table, findings = _read(tmp_path, "tilsyn", tilsyn.encode())
    assert table is not None and "type_dato" not in _failed(findings)
    assert table.frame["tilsynsdato"].tolist() == [20250331, 20250701]
    assert "DD-MM-ÅÅÅÅ" in _notice(findings)

    header = "tilbud_id;maaned;faggruppe;fuldtidsstillinger;mulige_dagsvaerk;"
    header += "sygefravaer_dagsvaerk;langtidssygefravaer_dagsvaerk\r\n"
    months = ["03-2025", "01-04-2025", "maj-25", "jun-2025", "2025-07", "32-2025"]
    rows = "".join(f"CLB01;{m};ledelse;1;20;1,5;0\r\n" for m in months)
    table, findings = _read(tmp_path, "fravaer", (header + rows).encode())
    assert table is not None
    values = table.frame["maaned"].tolist()
    assert values[:5] == [202503, 202504, 202505, 202506, 202507]
    assert _failed(findings)["type_maaned"].examples == [(7, '"32-2025" (måned 32 findes ikke)')]


def test_comma_separated_files_stay_strict(tmp_path: Path) -> None:
    """Only Danish Excel's ';' files are rewritten: a quoted 12,5 in a ',' file is an error."""
    content = 'tilbud_id,aar,gns_ansatte,fratraadte,nyansatte\nCLB01,2024,"10,5",2,3\n'
    table, findings = _read(tmp_path, "personale", content.encode())
    assert table is not None and "type_decimal" in _failed(findings)
    assert not any(f.rule == FORMAT_RULE for f in findings)


# --- .xlsx --------------------------------------------------------------------------------------


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PERSONALE_ROWS: list[list[object]] = [
    ["tilbud_id", "aar", "gns_ansatte", "fratraadte", "nyansatte"],
    ["CLB01", 2024, 10.5, 2, 3],
    [None, None, None, None, None],
    ["CLB02", 2024, 20, 4.0, 1],
]


def test_xlsx_first_sheet_with_row_numbers(tmp_path: Path) -> None:
    content = _workbook({"Ark1": PERSONALE_ROWS, "Noter": [["x"]]})
    table, findings = _read(tmp_path, "personale", content, ".xlsx")
    assert table is not None and not _failed(findings), _failed(findings)
    assert table.file == "personale.xlsx"
    assert table.frame[LINE].tolist() == [2, 4]  # the blank row 3 is skipped, numbers kept
    assert table.frame["gns_ansatte"].tolist() == [10.5, 20.0]
    assert table.frame["fratraadte" + TEXT_SUFFIX].tolist() == ["2", "4"]
    assert "»Ark1« (af 2 ark)" in _notice(findings)


def test_xlsx_named_sheet_and_dates(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["tilbud_id", "tilsynsdato", "tema", "score"],
        ["CLB01", datetime.datetime(2025, 3, 31), "Sundhed", 4.5],
    ]
    content = _workbook({"Forside": [["om filen"]], "tilsyn": rows})
    table, findings = _read(tmp_path, "tilsyn", content, ".xlsx")
    assert table is not None and not _failed(findings), _failed(findings)
    assert table.frame["tilsynsdato"].tolist() == [20250331]
    assert "»tilsyn«" in _notice(findings)


def test_xlsx_cells_right_of_the_header_are_refused(tmp_path: Path) -> None:
    rows = [*PERSONALE_ROWS, ["CLB03", 2024, 1, 1, 1, "løs værdi"]]
    table, findings = _read(tmp_path, "personale", _workbook({"Ark1": rows}), ".xlsx")
    error = _failed(findings)["regneark"]
    assert table is None and "række 5" in error.description


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    table, findings = _read(tmp_path, "personale", b"tilbud_id,aar\n", ".xlsx")
    assert table is None and "ikke en gyldig .xlsx" in _failed(findings)["regneark"].description


def test_xlsx_zip_bomb_and_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    table, findings = _read(tmp_path, "personale", buffer.getvalue(), ".xlsx")
    assert table is None and "zip-bombe" in _failed(findings)["regneark"].description

    monkeypatch.setattr(formats, "XLSX_MAX_BYTES", 1000)
    table, findings = _read(tmp_path, "personale", _workbook({"A": PERSONALE_ROWS}), ".xlsx")
    assert table is None and "højst fylde" in _failed(findings)["regneark"].description


def test_csv_and_xlsx_of_the_same_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "personale.csv").write_text(PERSONALE.replace(";", ","))
    (tmp_path / "personale.xlsx").write_bytes(_workbook({"A": PERSONALE_ROWS}))
    folder = read_folder(tmp_path)
    assert "personale" not in folder.tables
    assert any(f.rule == "en_fil" and f.is_error for f in folder.findings)
    (tmp_path / "personale.csv").unlink()
    assert input_path(tmp_path, "personale").name == "personale.xlsx"


# --- the same data in three formats -------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _as_danish_csv(source: Path, target: Path) -> None:
    """Like Danish Excel: ';', decimal comma, thousands dot, DD-MM-ÅÅÅÅ, MM-ÅÅÅÅ, cp1252."""
    target.mkdir()
    for spec in contract.FILES:
        kinds = contract.kinds(spec.name)
        rows = _rows(source / spec.file)
        out = [rows[0]]
        for row in rows[1:]:
            cells = []
            for column, value in zip(rows[0], row, strict=True):
                kind = kinds[column]
                if kind in ("decimal", "heltal") and value:
                    whole, _, decimals = value.partition(".")
                    sign = "-" if whole.startswith("-") else ""
                    grouped = f"{int(whole.lstrip('-')):,}".replace(",", ".")
                    value = sign + grouped + ("," + decimals if decimals else "")
                elif kind in ("dato", "maaned") and value:  # 31-03-2025, 03-2025
                    value = "-".join(reversed(value.split("-")))
                cells.append(value)
            out.append(cells)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(out)
        (target / spec.file).write_bytes(buffer.getvalue().encode("cp1252"))


def _as_xlsx(source: Path, target: Path) -> None:
    """Typed cells as Excel keeps them: numbers, dates, months as the 1st of the month."""
    target.mkdir()
    for spec in contract.FILES:
        kinds = contract.kinds(spec.name)
        rows = _rows(source / spec.file)
        out: list[list[object]] = [list(rows[0])]
        for row in rows[1:]:
            cells: list[object] = []
            for column, value in zip(rows[0], row, strict=True):
                kind = kinds[column]
                cell: object = value or None
                if value and kind in ("heltal", "aar"):
                    cell = int(value)
                elif value and kind == "decimal":
                    cell = float(value)
                elif value and kind == "dato":
                    cell = datetime.datetime.strptime(value, "%Y-%m-%d")
                elif value and kind == "maaned":
                    cell = datetime.datetime.strptime(value, "%Y-%m")
                cells.append(cell)
            out.append(cells)
        (target / f"{spec.name}.xlsx").write_bytes(_workbook({spec.name: out}))


@pytest.mark.slow  # every key figure three times over: `make test`, not the quick loop
def test_three_formats_give_identical_key_figures(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8"
    demo.write_demo_data(utf8, years=(2024, 2025), n_facilities=3)
    _as_danish_csv(utf8, tmp_path / "dansk")
    _as_xlsx(utf8, tmp_path / "xlsx")
    for fmt in ("dansk", "xlsx"):  # the demo marker: every format is the same fictive data
        shutil.copy(utf8 / config.DEMO_MARKER, tmp_path / fmt)
    assert re.search(rb";\d{1,3}\.\d{3},\d", (tmp_path / "dansk" / "fravaer.csv").read_bytes())

    written: dict[str, bytes] = {}
    typed: dict[str, dict[str, object]] = {}
    datasets: dict[str, data.Dataset] = {}
    for fmt in ("utf8", "dansk", "xlsx"):
        folder = tmp_path / fmt
        inputs = read_folder(folder)
        assert not inputs.read_errors, [str(f) for f in inputs.read_errors]
        typed[fmt] = {
            name: table.frame[[c for c in table.frame if not c.endswith((TEXT_SUFFIX, WRITTEN))]]
            for name, table in inputs.tables.items()
        }
        dataset = data.parse(folder, inputs)
        datasets[fmt] = dataset
        figures = keyfigures.compute(dataset, dataset.latest_year)
        json_path, csv_path = keyfigures.write(figures, tmp_path / "ud" / fmt)
        written[fmt] = json_path.read_bytes() + csv_path.read_bytes()
    assert written["dansk"] == written["utf8"]
    assert written["xlsx"] == written["utf8"]
    for fmt in ("dansk", "xlsx"):
        for name, frame in typed["utf8"].items():
            assert typed[fmt][name].equals(frame), (fmt, name)
        for spec in dataclasses.fields(data.Dataset):  # what every page computes from
            ours = getattr(datasets["utf8"], spec.name)
            if isinstance(ours, pd.DataFrame):
                assert getattr(datasets[fmt], spec.name).equals(ours), (fmt, spec.name)
        assert datasets[fmt].years == datasets["utf8"].years


def test_reading_the_same_bytes_again_gives_the_same_table_as_a_private_copy(tmp_path: Path):
    """The reader keeps what it read by content: same bytes, same table and findings, but the
    caller may change its copy; a file with new content is read again."""
    folder = tmp_path / "raw"
    demo.write_demo_data(folder, years=(2024, 2025), n_facilities=3)
    first = read_folder(folder)
    second = read_folder(folder)
    assert [str(f) for f in first.findings] == [str(f) for f in second.findings]
    mine, again = first.tables["tilbud"].frame, second.tables["tilbud"].frame
    assert mine.equals(again) and mine is not again
    mine.loc[0, "navn"] = "ændret af kalderen"
    assert read_folder(folder).tables["tilbud"].frame.loc[0, "navn"] != "ændret af kalderen"
    path = folder / "tilbud.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("pladser")] = "99"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    changed = read_folder(folder).tables["tilbud"].frame
    assert changed.loc[0, "pladser"] == 99 and again.loc[0, "pladser"] != 99
