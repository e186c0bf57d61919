"""Inputs as analysts have them: Danish Excel CSV and ``.xlsx``, turned into the contract's form.

Danish Excel saves "CSV (semikolonsepareret)" with ``;`` between columns, decimal comma,
thousands dot, day-first dates and Windows-1252 (or UTF-8 with BOM). Such a file is read as it
is: the contract's column types say which columns hold numbers, dates and months, and only those
are rewritten to the contract's form (``1.234,5`` → ``1234.5``, ``31-03-2025`` → ``2025-03-31``)
before the ordinary type checks see them. What cannot be decided from the file itself (a number
``1.234`` in a file that shows no decimal sign: 1,234 or 1234?) is rejected with the lines.

An ``.xlsx`` file is read with openpyxl (defusedxml guards its XML) after the zip container has
been checked against size and compression limits; typed cells become the contract's text
(numbers in shortest form, dates as ``ÅÅÅÅ-MM-DD``), so the same data gives the same numbers
whichever of the three formats it came in. :mod:`.reading` calls both; nothing else should.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from statusrapport import escaping
from statusrapport.contract import Kind

#: Limits for an ``.xlsx`` file (a zip of XML): bigger is refused before it is parsed.
XLSX_MAX_BYTES = 100 * 1024 * 1024
XLSX_MAX_UNPACKED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200  # unpacked/packed per member; XML compresses ~10–30×, a zip bomb 1000×
XLSX_MAX_MEMBERS = 10_000
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit

_MAX_EXAMPLES = 20

# --- Danish numbers, dates and months --------------------------------------------------------

_INT = r"-?\d+"
_GROUPED = r"-?\d{1,3}(?:\.\d{3})+"  # 1.234 or 12.345.678: thousands dots only
_COMMA = r"-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+"  # 12,5 or 1.234,5
_POINT = r"-?\d+\.\d+"  # 12.5 (a _GROUPED value also matches; it is told apart below)
_TIME = r"(?: 0{1,2}:00(?::00)?)?"  # Excel may add a midnight time to a date
_DK_DATE = rf"(\d{{1,2}})[-./](\d{{1,2}})[-./](\d{{4}}){_TIME}"
_ISO_DATE_TIME = rf"(\d{{4}}-\d{{2}}-\d{{2}}){_TIME}"
_DK_MONTH = r"(\d{1,2})[-./](\d{4})"
_MONTH_AS_DATE = rf"0?1[-./](\d{{1,2}})[-./](\d{{4}}){_TIME}"
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_NAMED_MONTH = r"([a-zæøå]{3})[a-zæøå]*\.?[- ](\d{2}|\d{4})"


@dataclass
class Normalised:
    """What :func:`normalise_danish` found: the format for the notice, and a fatal finding."""

    notes: list[str] = field(default_factory=list)
    #: (rule, description, examples, hint, n_bad, column): the file cannot be read unambiguously.
    problem: tuple[str, str, list[tuple[int | None, str]], str, int, str | None] | None = None


def _examples(
    frame: pd.DataFrame, mask: pd.Series, column: str, line: str
) -> list[tuple[int | None, str]]:
    rows = frame.loc[mask.to_numpy(dtype=bool), [line, column]].head(_MAX_EXAMPLES)
    return [
        (int(ln), f'{column}: "{escaping.plain(v, max_length=40)}"')
        for ln, v in zip(rows[line], rows[column], strict=True)
    ]


def normalise_danish(frame: pd.DataFrame, kinds: dict[str, Kind], line: str) -> Normalised:
    """Rewrite a Danish Excel file's numbers, dates and months in place to the contract's form.

    The decimal sign is decided once for the whole file (Excel writes a file with one locale):
    any ``12,5`` means decimal comma and thousands dot; any ``12.5`` means decimal point (then
    nothing is rewritten); both in one file, or only ``1.234`` in a decimal column, is ambiguous.
    """
    result = Normalised()
    numeric = [c for c, k in kinds.items() if k in ("heltal", "decimal") and c in frame]
    comma: dict[str, pd.Series] = {}
    point: dict[str, pd.Series] = {}
    grouped: dict[str, pd.Series] = {}
    for column in numeric:
        text = frame[column].astype("string").str.strip()
        grouped[column] = text.str.fullmatch(_GROUPED).fillna(False).astype(bool)
        comma[column] = text.str.fullmatch(_COMMA).fillna(False).astype(bool)
        point[column] = (
            text.str.fullmatch(_POINT).fillna(False).astype(bool) & ~grouped[column]
        ).astype(bool)
    n_comma = sum(int(m.sum()) for m in comma.values())
    n_point = sum(int(m.sum()) for m in point.values())
    if n_comma and n_point:
        examples: list[tuple[int | None, str]] = []
        for masks, label in ((comma, "decimalkomma"), (point, "decimalpunktum")):
            for column, mask in masks.items():
                if mask.any():
                    shown = _examples(frame, mask, column, line)[:5]
                    examples += [(ln, f"{v} ({label})") for ln, v in shown]
        result.problem = (
            "decimaltegn",
            "tallene har både decimalkomma (12,5) og decimalpunktum (12.5), så det er uklart, "
            "om punktum er decimaltegn eller tusindtalsseparator",
            examples,
            "Skriv alle tal med samme decimaltegn: gem filen igen fra Excel uden at rette tallene "
            "i hånden, eller ret de viste linjer.",
            n_comma + n_point,
            None,
        )
        return result
    if n_point:
        result.notes.append("decimalpunktum")
    else:
        for column in numeric:
            if kinds[column] == "decimal" and not n_comma and grouped[column].any():
                n_bad = int(grouped[column].sum())
                result.problem = (
                    "decimaltegn",
                    "tal som 1.234 kan både være 1,234 og 1234: filen har intet tal med "
                    "decimalkomma, der viser, hvad punktum betyder",
                    _examples(frame, grouped[column], column, line),
                    "Skriv tallet uden tusindtalsseparator (1234) eller med decimalkomma "
                    "(1.234,0), og gem filen igen.",
                    n_bad,
                    column,
                )
                return result
            rewrite = (comma[column] | grouped[column]).to_numpy(dtype=bool)
            if rewrite.any():
                keep_written(frame, column)
                text = frame.loc[rewrite, column].astype(str).str.strip()
                frame.loc[rewrite, column] = text.str.replace(".", "", regex=False).str.replace(
                    ",", ".", regex=False
                )
        n_grouped = sum(int(m.sum()) for m in grouped.values())
        if n_comma:
            result.notes.append("decimalkomma")
        if n_grouped:
            result.notes.append("tusindtalspunktum")
    dates = months = 0
    for column, kind in kinds.items():
        if column not in frame:
            continue
        if kind == "dato":
            dates += _rewrite(frame, column, _dates)
        elif kind == "maaned":
            months += _rewrite(frame, column, _months)
    if dates:
        result.notes.append("datoer som DD-MM-ÅÅÅÅ")
    if months:
        result.notes.append("måneder som MM-ÅÅÅÅ eller mån-ÅÅ")
    return result


#: Suffix of the column that keeps a rewritten column's values as written in the file, so a
#: message quotes ``31-02-2025`` and not the ``2025-02-31`` it was rewritten to.
WRITTEN_SUFFIX = "__skrevet"


def keep_written(frame: pd.DataFrame, column: str) -> None:
    """Keep ``column`` as written (once, before the first rewrite) for the messages."""
    if column + WRITTEN_SUFFIX not in frame:
        frame[column + WRITTEN_SUFFIX] = frame[column].copy()


def _rewrite(frame: pd.DataFrame, column: str, parse: Callable[[pd.Series], pd.Series]) -> int:
    """Replace the values ``parse`` understands; the rest stay as written (type checks judge)."""
    text = frame[column].astype("string").str.strip()
    new = parse(text)
    changed = (new.notna() & (new != text)).fillna(False).to_numpy(dtype=bool)
    if changed.any():
        keep_written(frame, column)
        frame.loc[changed, column] = new[changed].astype(str).to_numpy()
    return int(changed.sum())


def _dates(text: pd.Series) -> pd.Series:
    """Day-first Danish dates (31-03-2025, 31.3.2025, 31/03/2025) and ISO with a midnight time."""
    out = pd.Series(pd.NA, index=text.index, dtype="string")
    parts = text.str.extract(f"^{_DK_DATE}$")
    # only a day 1–31 and a month 1–12 are rewritten: 03/18/2025 (an American date) stays as
    # written, so the type check quotes what is in the file and says what it looks like
    hit = (
        parts[0].notna()
        & parts[0].astype("Int64").between(1, 31).fillna(False)
        & parts[1].astype("Int64").between(1, 12).fillna(False)
    ).astype(bool)
    out[hit] = parts[2][hit] + "-" + parts[1][hit].str.zfill(2) + "-" + parts[0][hit].str.zfill(2)
    iso = text.str.extract(f"^{_ISO_DATE_TIME}$")[0]
    out = out.fillna(iso)
    return out


def _months(text: pd.Series) -> pd.Series:
    """Months as Danish Excel writes them: 03-2025, 01-03-2025 (a date on the 1st), mar-25."""
    out = pd.Series(pd.NA, index=text.index, dtype="string")
    parts = text.str.extract(f"^{_DK_MONTH}$")
    hit = parts[0].notna() & parts[0].astype("Int64").between(1, 12).fillna(False)
    out[hit] = parts[1][hit] + "-" + parts[0][hit].str.zfill(2)
    parts = text.str.extract(f"^{_MONTH_AS_DATE}$")
    hit = (
        parts[0].notna() & parts[0].astype("Int64").between(1, 12).fillna(False) & out.isna()
    ).astype(bool)
    out[hit] = parts[1][hit] + "-" + parts[0][hit].str.zfill(2)
    parts = text.str.lower().str.extract(f"^{_NAMED_MONTH}$")
    number = parts[0].map({name: f"{i:02d}" for i, name in enumerate(MONTH_NAMES, start=1)})
    hit = number.notna() & out.isna()
    year = parts[1].where(parts[1].str.len() == 4, "20" + parts[1])
    out[hit] = year[hit] + "-" + number[hit].astype("string")
    return out


# --- .xlsx ----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The cells of one worksheet as text rows, each with its Excel row number."""

    header: list[str]
    rows: list[list[str | None]]
    lines: list[int]
    sheet: str
    n_sheets: int


def _container_problem(raw: bytes) -> str | None:
    """Why the zip container must not be unpacked (size, zip bomb), or ``None``."""
    if len(raw) > XLSX_MAX_BYTES:
        return f"filen er {len(raw) // (1024 * 1024)} MB; en .xlsx-fil må højst fylde " + (
            f"{XLSX_MAX_BYTES // (1024 * 1024)} MB"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "filen er ikke en gyldig .xlsx-fil (måske en gammel .xls eller en omdøbt CSV-fil)"
    if len(members) > XLSX_MAX_MEMBERS:
        return f"filen har {len(members)} dele; en regnearksfil har højst {XLSX_MAX_MEMBERS}"
    unpacked = sum(m.file_size for m in members)
    if unpacked > XLSX_MAX_UNPACKED:
        return "filen fylder over 1 GB udpakket – den er for stor eller beskadiget"
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > XLSX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            return "filen er pakket mistænkeligt hårdt (en 'zip-bombe'?) og åbnes ikke"
    if "xl/workbook.xml" not in {m.filename for m in members}:
        return "filen er ikke en Excel-projektmappe (.xlsx); gem den som 'Excel-projektmappe'"
    return None


def _cell_text(value: object, kind: Kind | None) -> str | None:
    """A cell as the contract's text: numbers shortest, dates ÅÅÅÅ-MM-DD, months ÅÅÅÅ-MM."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime.datetime | datetime.date):
        if kind == "maaned":
            return value.strftime("%Y-%m")
        if kind == "aar":
            return value.strftime("%Y")
        if isinstance(value, datetime.datetime) and (
            kind != "dato" and value.time() != datetime.time()
        ):
            return value.isoformat(sep=" ")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not np.isfinite(value):
            return str(value)
        return np.format_float_positional(value, trim="-")
    text = str(value)
    return text if text != "" else None


def read_xlsx(
    raw: bytes, name: str, kinds: dict[str, Kind], max_columns: int, field_limit: int
) -> tuple[Sheet | None, str | None]:
    """The sheet named ``name`` (else the first) as text rows, or why it cannot be read (Danish).

    Reading stops at ``max_columns`` columns and :data:`XLSX_MAX_ROWS` rows; a cell longer than
    ``field_limit`` characters is refused like an over-long CSV field.
    """
    problem = _container_problem(raw)
    if problem:
        return None, problem
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        return None, "filen kan ikke åbnes som regneark (" + escaping.plain(
            f"{type(error).__name__}: {error}", max_length=120
        ) + ")"
    try:
        sheets = book.worksheets
        if not sheets:
            return None, "projektmappen har ingen ark"
        by_name = {s.title.strip().lower(): s for s in sheets}
        sheet = by_name.get(name.lower(), sheets[0])
        header: list[str] | None = None
        kind_of: list[Kind | None] = []
        rows: list[list[str | None]] = []
        lines: list[int] = []
        for number, cells in enumerate(
            sheet.iter_rows(max_col=max_columns + 1, values_only=True), start=1
        ):
            if number > XLSX_MAX_ROWS:
                return None, f"arket har over {XLSX_MAX_ROWS:,} rækker".replace(",", ".")
            if header is None:
                values = ["" if v is None else str(v).strip() for v in cells]
                while values and values[-1] == "":
                    values.pop()
                if not values:
                    continue  # blank rows above the header
                header = values
                kind_of = [kinds.get(h) for h in header]
                continue
            texts = [_cell_text(v, k) for v, k in zip(cells, kind_of, strict=False)]
            extra = [v for v in cells[len(header) :] if v not in (None, "")]
            if all(t is None for t in texts) and not extra:
                continue  # a blank row
            if extra:
                return None, (
                    f"række {number} har værdier til højre for overskriftens sidste kolonne"
                )
            texts += [None] * (len(header) - len(texts))
            for text in texts:
                if text is not None and len(text) > field_limit:
                    return (
                        None,
                        f"en celle i række {number} er længere end {field_limit:,} tegn".replace(
                            ",", "."
                        ),
                    )
            rows.append(texts)
            lines.append(number)
        if header is None:
            return None, "arket er tomt"
        return Sheet(header, rows, lines, sheet.title, len(sheets)), None
    finally:
        book.close()
