"""Structural checks of one input file, done in Python before Great Expectations sees any value.

GX can only judge values once a file has been read into a table. Files cut short, with a header
pasted twice or with broken lines would read into nonsense, so they are caught here with a
message that says how to fix the file. Files as analysts have them are read as they are: Danish
Excel CSV (``;``, decimal comma, thousands dot, Windows-1252 or UTF-8 with BOM) and ``.xlsx``
workbooks (:mod:`.formats`), each with a notice naming the format found. Every data row keeps
its line number (column ``linje``; the header is line 1, in a workbook the sheet's row number) so
that every later finding can point at the line an analyst must open.

Reading is fast for the common case: a file without quotes is read by pyarrow (multi-threaded)
and line numbers are row numbers. A file with quotes, blank lines or broken lines is read again
with Python's ``csv`` module, which knows the exact line of every record.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
import stat
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import contract, escaping
from statusrapport.contract import Kind
from statusrapport.validation import formats, hints
from statusrapport.validation.report import FORMAT_RULE, Check

#: The type of every contract column, from :mod:`statusrapport.contract`.
COLUMN_TYPES: dict[str, dict[str, Kind]] = {f.name: contract.kinds(f.name) for f in contract.FILES}

#: Suffix of the column that keeps a converted column's text as written (for "must not be empty").
TEXT_SUFFIX = "__tekst"
LINE = "linje"

EXCEL_HINT = (
    "Gem filen i Excel med Filer → Gem som → 'CSV UTF-8 (kommasepareret) (*.csv)' eller "
    "'CSV (semikolonsepareret) (*.csv)' – begge læses, også med decimalkomma – eller som "
    "'Excel-projektmappe (*.xlsx)'; eller eksportér filen direkte fra kildesystemet."
)

_FORMATS: dict[Kind, tuple[str, str]] = {
    "heltal": (r"^-?[0-9]+$", "skal være et helt tal"),
    "decimal": (r"^-?[0-9]+(\.[0-9]+)?$", "skal være et tal med punktum som decimaltegn (fx 12.5)"),
    "aar": (r"^[0-9]{4}$", "skal være et årstal med fire cifre (fx 2025)"),
    "maaned": (r"^[0-9]{4}-(0[1-9]|1[0-2])$", "skal være en måned på formen ÅÅÅÅ-MM (fx 2025-03)"),
    "dato": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "skal være en gyldig dato på formen ÅÅÅÅ-MM-DD (fx 2025-03-31)",
    ),
}
_BOM = b"\xef\xbb\xbf"
_MAX_EXAMPLES = 20
#: A header with more fields than the contract's columns plus this is not read any further.
_MAX_EXTRA_COLUMNS = 20
FIELD_TOO_LONG = "felt for langt"
#: Longest field the exact reader accepts (characters): the longest contract text plus margin.
FIELD_LIMIT = contract.LONG_TEXT_MAX + 1024
_HASH_LIMIT = 32 * 1024 * 1024


@dataclass
class Table:
    """One input file read and typed; ``frame`` is what GX and the custom rules check.

    Text columns stay text; numbers become float (NaN when empty or unreadable); dates become the
    number YYYYMMDD, months YYYYMM and years the year, so range checks are plain number
    comparisons. ``<col>__tekst`` keeps a converted column's text as written.
    """

    name: str
    frame: pd.DataFrame
    findings: list[Check] = field(default_factory=list)
    #: Content hash of a small file (``None`` for big ones), so unchanged files need no re-run.
    digest: str | None = None
    #: The file read (``tilbud.xlsx``); default the contract's ``<name>.csv``.
    source: str | None = None

    @property
    def file(self) -> str:
        return self.source or f"{self.name}.csv"

    def text_at(self, column: str, lines: list[int]) -> list[str]:
        """The values of ``column`` as written in the file, at the given CSV line numbers."""
        source = next(
            (c for c in (column + formats.WRITTEN_SUFFIX, column + TEXT_SUFFIX) if c in self.frame),
            column,
        )
        positions = np.searchsorted(self.frame[LINE].to_numpy(), lines)
        values = self.frame[source].to_numpy()
        return [_text(values[p]) if p < len(values) else "" for p in positions]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "tom"
    return str(value)


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "en mappe"
    if stat.S_ISFIFO(mode):
        return "en FIFO (navngivet rør)"
    if stat.S_ISSOCK(mode):
        return "en socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhedsfil"
    return "ikke en almindelig fil"


def read_bytes(path: Path, root: Path | None = None) -> tuple[bytes | None, str | None]:
    """The bytes of a regular file inside ``root`` (default: its folder), or why not (Danish).

    Never blocks: a FIFO or a directory is refused before it is read, the file is opened
    non-blocking and checked again after opening; a symbolic link may only point inside the folder.
    """
    root = (root or path.parent).resolve()
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, "filen mangler i datamappen"
    except OSError as error:
        return None, f"filen kan ikke læses ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        target = path.resolve()
        if not target.is_relative_to(root):
            return None, "filen er et symbolsk link, der peger uden for datamappen"
        try:
            info = os.stat(target)
        except OSError:
            return None, "filen er et symbolsk link, der ikke peger på en fil"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{path.name} er {_file_kind(info.st_mode)}, ikke en almindelig fil"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return None, f"filen kan ikke åbnes ({error.strerror})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the check and the open
            return None, f"{path.name} er ikke en almindelig fil"
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(), None
    except OSError as error:
        return None, f"filen kan ikke læses ({error.strerror})"
    finally:
        os.close(fd)


#: Files already read in this process, by name and content (most recent last): reading the same
#: bytes again gives the same table and findings, so ``validate`` followed by ``run``, or a
#: folder with one changed file, parses only what changed. Bounded; big files are not kept.
_READ_CACHE: OrderedDict[tuple[str, str, bytes], tuple[Table | None, list[Check]]] = OrderedDict()
_READ_CACHE_SIZE = 64


def read_table(path: Path, name: str, root: Path | None = None) -> tuple[Table | None, list[Check]]:
    """Check the structure of ``path`` and read it; ``None`` when the file cannot be used at all.

    ``root`` is the input folder (default: the file's folder); links may not point out of it.
    """
    raw, problem = read_bytes(path, root)
    if raw is None:
        hint = (
            f"Læg {path.name} i datamappen som en almindelig CSV- eller .xlsx-fil (ikke en "
            "mappe, et rør eller et link ud af mappen)."
        )
        description = problem or "filen kan ikke læses"
        return None, [Check(path.name, None, "fil_findes", description, "fejl", False, hint=hint)]
    if len(raw) >= _HASH_LIMIT:
        return _read_content(raw, path, name)
    key = (name, path.name, hashlib.blake2b(raw, digest_size=16).digest())
    if key not in _READ_CACHE:
        _READ_CACHE[key] = _read_content(raw, path, name)
        while len(_READ_CACHE) > _READ_CACHE_SIZE:
            _READ_CACHE.popitem(last=False)
    _READ_CACHE.move_to_end(key)
    table, findings = _READ_CACHE[key]
    if table is not None:  # the caller owns its copy (the frame is typed further downstream)
        table = dataclasses.replace(table, frame=table.frame.copy(), findings=list(table.findings))
    return table, list(findings)


def _read_content(raw: bytes, path: Path, name: str) -> tuple[Table | None, list[Check]]:
    """Structure and types of a file's bytes (``path`` names it and gives its format)."""
    file = path.name
    columns = list(COLUMN_TYPES[name])
    optional = name in contract.BY_NAME and contract.BY_NAME[name].optional
    findings: list[Check] = []

    def fail(rule: str, description: str, examples=None, hint=None, n_bad=0) -> None:
        findings.append(
            Check(file, None, rule, description, "fejl", False, n_bad, examples or [], hint)
        )

    def ok(rule: str, description: str) -> None:
        findings.append(Check(file, None, rule, description))

    ok("fil_findes", "filen findes i datamappen")
    data = raw
    if not data.strip():
        what = "filen er tom (0 bytes)" if not data else "filen er tom (kun blanke tegn)"
        fail("ikke_tom", what, hint="Eksportér filen igen; den blev gemt uden indhold.")
        return None, findings
    ok("ikke_tom", "filen er ikke tom")

    def finish(
        frame: pd.DataFrame, header: list[str], content: bytes, quiet_if_empty: bool = False
    ) -> Table | None:
        """What every format shares: repeated headers, data rows, the hash, the types."""
        repeated = (frame[header[0]] == header[0]).fillna(False).to_numpy(dtype=bool)
        if repeated.any():
            for column in header[1:]:
                repeated = repeated & (frame[column] == column).fillna(False).to_numpy(dtype=bool)
        if repeated.any():
            lines = frame.loc[repeated, LINE].tolist()
            fail(
                "overskrift_gentaget",
                "overskriften står igen inde i filen (to filer sat sammen?)",
                [(int(ln), "overskrift") for ln in lines[:_MAX_EXAMPLES]],
                "Slet de gentagne overskriftslinjer.",
                len(lines),
            )
            frame = frame.loc[~repeated].reset_index(drop=True)
        else:
            ok("overskrift_gentaget", "overskriften står kun i første linje")
        if frame.empty and quiet_if_empty:  # the open quote is the finding
            return None
        if frame.empty and optional:  # no rows is an answer: nothing to say this time
            ok("har_data", "filen har kun overskriften – det er tilladt (filen er valgfri)")
        elif frame.empty:
            fail(
                "har_data",
                "filen har kun overskriften og ingen datarækker",
                hint="Eksportér filen igen med data.",
            )
            return None
        else:
            ok("har_data", "filen har datarækker")
        digest = (
            hashlib.blake2b(content, digest_size=16).hexdigest()
            if len(content) < _HASH_LIMIT
            else None
        )
        for column in columns:  # a column the header may leave out is read as empty
            if column not in frame:
                frame[column] = pd.Series(None, index=frame.index, dtype="object")
        return Table(name, frame[[*columns, LINE]], digest=digest, source=file)

    if path.suffix.lower() == ".xlsx":
        sheet, problem = formats.read_xlsx(
            raw, name, COLUMN_TYPES[name], len(columns) + _MAX_EXTRA_COLUMNS, FIELD_LIMIT
        )
        if sheet is None:
            fail(
                "regneark",
                problem or "filen kan ikke læses som regneark",
                hint="Gem filen igen i Excel som 'Excel-projektmappe (*.xlsx)' med overskriften "
                f"i række 1 af første ark (eller et ark, der hedder {name}), eller gem den som "
                "CSV.",
            )
            return None, findings
        ok("regneark", "filen kan læses som Excel-projektmappe")
        which = f"arket »{escaping.plain(sheet.sheet, max_length=40)}«"
        if sheet.n_sheets > 1:
            which += f" (af {sheet.n_sheets} ark)"
        ok(
            FORMAT_RULE,
            f"filen er en Excel-projektmappe (.xlsx); {which} læses, og linjenumre er "
            "rækkenumre i arket",
        )
        if _check_header(sheet.header, columns, fail, ok, contract.absent_ok(name)):
            return None, findings
        frame = pd.DataFrame(sheet.rows, columns=sheet.header, dtype="str")
        frame[LINE] = np.asarray(sheet.lines, dtype=np.int64)
        table = finish(frame, sheet.header, raw)
        if table is not None:
            findings += _convert(table)
        return table, findings

    # --- encoding --------------------------------------------------------------------------
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        fail(
            "tegnsaet",
            "filen er gemt som UTF-16 ('Unicode-tekst'), ikke UTF-8",
            hint=EXCEL_HINT,
        )
        return None, findings
    bom = data.startswith(_BOM)
    if bom:
        data = data[len(_BOM) :]
    found: list[str] = []  # the format found, for the notice
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        try:  # Danish Excel's "CSV (semikolonsepareret)" writes the Windows code page
            text = data.decode("cp1252")
        except UnicodeDecodeError as cp_error:
            bad = min(error.start, cp_error.start)
            line_no = data.count(b"\n", 0, bad) + 1
            start = data.rfind(b"\n", 0, bad) + 1
            end = data.find(b"\n", bad)
            sample = data[start : end if end >= 0 else len(data)].decode("cp1252", "replace")
            fail(
                "tegnsaet",
                "filen er hverken gemt som UTF-8 eller som Windows-1252 (Excels danske tegnsæt)",
                [(line_no, sample.strip()[:80])],
                EXCEL_HINT,
            )
            return None, findings
        data = text.encode("utf-8")
        found.append("tegnsæt Windows-1252")
        ok("tegnsaet", "filen er gemt som Windows-1252 (Excels danske tegnsæt) – det accepteres")
    else:
        ok("tegnsaet", "filen er gemt som UTF-8")
    if bom:
        ok("bom", "filen starter med et UTF-8-BOM (som Excel skriver) – det accepteres")

    # --- header and delimiter ----------------------------------------------------------------
    first_end = data.find(b"\n")
    header_bytes = (data if first_end < 0 else data[:first_end]).rstrip(b"\r")
    header_line = header_bytes.decode("utf-8")
    delimiter = _detect_delimiter(header_line, columns)
    if delimiter not in (",", ";"):
        shown = {"\t": "tabulator", "|": "lodret streg (|)"}[delimiter]
        fail(
            "skilletegn",
            f"kolonnerne er adskilt af {shown}, ikke komma eller semikolon",
            [(1, header_line[:120])],
            EXCEL_HINT,
        )
        return None, findings
    if delimiter == ";":
        found.insert(0, "semikolon som skilletegn")
        ok("skilletegn", "kolonnerne er adskilt af semikolon (dansk Excel) – det accepteres")
    else:
        ok("skilletegn", "kolonnerne er adskilt af komma")

    try:
        header = [h.strip() for h in next(_limited_reader([header_line], delimiter))]
    except csv.Error:
        header = [h.strip() for h in header_line.split(delimiter)]
    if _check_header(header, columns, fail, ok, contract.absent_ok(name)):
        return None, findings

    # --- rows ----------------------------------------------------------------------------------
    fast = b"\n\n" not in data and b"\n\r\n" not in data
    frame = _read_fast(data, header, delimiter) if fast else None
    wrong_fields: list[tuple[int, int]] = []
    quote_error: tuple[int, str] | None = None
    if frame is None:
        frame, wrong_fields, quote_error = _read_slow(text, header, delimiter)
    del text  # free the decoded copy before typing
    separator = "semikolon" if delimiter == ";" else "komma"

    n_fields = len(header)
    last_line = data.rstrip(b"\r\n").count(b"\n") + 1
    truncated = [(ln, n) for ln, n in wrong_fields if ln == last_line and n < n_fields]
    other = [(ln, n) for ln, n in wrong_fields if (ln, n) not in truncated]
    if quote_error is not None and quote_error[1] == FIELD_TOO_LONG:
        fail(
            "feltlaengde",
            f"et felt er længere end {FIELD_LIMIT:,} tegn – resten af filen kan ikke læses".replace(
                ",", "."
            ),
            [quote_error],
            "Ret eller forkort feltet; tjek også, om et anførselstegn mangler, så resten af "
            "filen er blevet ét felt.",
        )
        ok("anfoerselstegn", 'alle anførselstegn (") er lukket')
    elif quote_error is not None:
        fail(
            "anfoerselstegn",
            'et anførselstegn (") er ikke lukket – resten af filen kan ikke læses',
            [quote_error],
            'Luk anførselstegnet på linjen, eller fjern det; tekst med komma skal stå i "…".',
        )
    else:
        ok("anfoerselstegn", 'alle anførselstegn (") er lukket')
    if truncated:
        ln, n = truncated[0]
        fail(
            "afkortet_sidste_linje",
            "sidste linje er afkortet – filen er måske ikke kopieret eller eksporteret færdig",
            [(ln, f"{n} af {n_fields} felter")],
            "Eksportér eller kopiér filen igen, og tjek at den sidste række er hel.",
            1,
        )
    else:
        ok("afkortet_sidste_linje", "sidste linje er hel")
    if other:
        fail(
            "antal_felter",
            f"hver linje skal have {n_fields} felter ligesom overskriften",
            [(ln, f"{n} felter") for ln, n in other[:_MAX_EXAMPLES]],
            f"Tjek linjerne for et {separator} for meget eller for lidt; tekst med {separator} "
            'skal stå i anførselstegn ("…").',
            len(other),
        )
    else:
        ok("antal_felter", f"alle linjer har {n_fields} felter")

    table = finish(frame, header, data, quiet_if_empty=quote_error is not None)
    if table is None:
        return None, findings
    if delimiter == ";":
        danish = formats.normalise_danish(table.frame, COLUMN_TYPES[name], LINE)
        if danish.problem is not None:
            rule, description, examples, hint, n_bad, column = danish.problem
            findings.append(
                Check(file, column, rule, description, "fejl", False, n_bad, examples, hint)
            )
            return None, findings
        found += danish.notes
    if found:  # semicolons or Windows-1252: say what was found, so nobody is surprised
        ok(FORMAT_RULE, "filen er læst som dansk Excel-CSV: " + ", ".join(found))
    findings += _convert(table)
    return table, findings


def _check_header(
    header: list[str],
    columns: list[str],
    fail: Callable[..., None],
    ok: Callable[..., None],
    absent_ok: frozenset[str] = frozenset(),
) -> bool:
    """Check the header against the contract's columns (``absent_ok``: those it may leave
    out); ``True`` when reading must stop."""
    counts = Counter(header)
    known = set(columns)
    missing = [c for c in columns if c not in counts and c not in absent_ok]
    extra = [h for h in counts if h not in known]
    doubled = sorted(h for h, n in counts.items() if n > 1)
    too_wide = len(header) > len(columns) + _MAX_EXTRA_COLUMNS
    if missing or extra or doubled:
        examples: list[tuple[int | None, str]] = []
        if missing:
            examples.append((1, "mangler: " + ", ".join(missing)))
        if extra:
            examples.append((1, "ukendte: " + _names(extra)))
        if doubled:
            examples.append((1, "to gange: " + _names(doubled)))
        fail(
            "kolonner",
            "overskriften skal have præcis kolonnerne "
            + ", ".join(columns)
            + (f" (den har {len(header)} kolonner)" if too_wide else ""),
            examples,
            "Ret overskriften (linje 1), så kolonnenavnene er præcis som i datakontrakten "
            "(data/raw/README.md); rækkefølgen er fri.",
        )
        if missing or doubled or too_wide:
            return True
    else:
        ok("kolonner", "overskriften har præcis datakontraktens kolonner")
    return False


def _names(names: list[str], shown: int = 5) -> str:
    """A few column names for a message, each shortened, with the count of the rest."""
    text = ", ".join(escaping.plain(n, max_length=40) for n in names[:shown])
    return text + (f" … (i alt {len(names)})" if len(names) > shown else "")


def _limited_reader(source: Iterable[str], delimiter: str = ",") -> Any:
    """``csv.reader`` whose field limit fits the contract's longest text (not 128 KB)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    return csv.reader(source, delimiter=delimiter, strict=True)


def _detect_delimiter(header_line: str, columns: list[str]) -> str:
    """The delimiter that splits the header into the most contract column names (',' on ties)."""
    best, best_score = ",", -1
    for candidate in (",", ";", "\t", "|"):
        names = [part.strip().strip('"') for part in header_line.split(candidate)]
        score = sum(name in columns for name in names)
        if score > best_score:
            best, best_score = candidate, score
    if best_score <= 0:  # no known names at all: judge by which separator is present
        counts = {c: header_line.count(c) for c in (",", ";", "\t", "|")}
        best = max(counts, key=lambda c: (counts[c], c == ","))
        if counts[best] == 0:
            best = ","
    return best


def _read_fast(data: bytes, header: list[str], delimiter: str = ",") -> pd.DataFrame | None:
    """Read with pyarrow when every line is one record; ``None`` otherwise.

    Rows are lines only if no line is broken and no quoted value spans lines; the row count
    against the line count tells, and the exact reader takes over when they differ.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    broken: list[object] = []

    def on_invalid(row: object) -> str:
        broken.append(row)
        return "skip"

    try:
        table = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except Exception:
        return None
    n_lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if broken or table.num_rows != n_lines - 1:
        return None  # a broken line, a quoted line break or an open quote: read exactly
    frame = table.to_pandas()
    frame[LINE] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return frame


def _read_slow(
    text: str, header: list[str], delimiter: str = ","
) -> tuple[pd.DataFrame, list[tuple[int, int]], tuple[int, str] | None]:
    """Read with the csv module, which knows each record's first line; collect broken lines."""
    reader = _limited_reader(io.StringIO(text, newline=""), delimiter)
    n_fields = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    wrong: list[tuple[int, int]] = []
    quote_error: tuple[int, str] | None = None
    next(reader)  # the header, already checked
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                quote_error = (start, FIELD_TOO_LONG)
                break
            lines_ = text.split("\n", start)
            line_text = lines_[start - 1] if start - 1 < len(lines_) else ""
            quote_error = (start, escaping.plain(line_text, max_length=80))
            break
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != n_fields:
            wrong.append((start, len(row)))
            continue
        rows.append(row)
        lines.append(start)
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    frame = frame.replace("", np.nan) if len(frame) else frame
    for column in header:
        frame[column] = frame[column].astype("str")
    frame[LINE] = np.asarray(lines, dtype=np.int64)
    return frame, wrong, quote_error


def _convert(table: Table) -> list[Check]:
    """Turn text into numbers and dates; every value that cannot be read is a finding."""
    findings = []
    frame = table.frame
    for column, kind in COLUMN_TYPES[table.name].items():
        raw = frame[column]
        if kind in ("tekst", "id"):
            frame[column + TEXT_SUFFIX] = raw
            findings += _text_checks(table, contract.BY_NAME[table.name].column(column))
            continue
        pattern, description = _FORMATS[kind]
        values, present = _parse(raw, kind, pattern)
        bad = present & np.isnan(values)
        frame[column + TEXT_SUFFIX] = raw
        frame[column] = values
        hint = None
        n_bad = int(bad.sum())
        examples: list[tuple[int | None, str]] = []
        if n_bad:
            idx = np.flatnonzero(bad)[:_MAX_EXAMPLES]
            written = frame.get(column + formats.WRITTEN_SUFFIX, raw)
            shown = [str(v) for v in written.iloc[idx].tolist()]
            examples = [
                (int(ln), _quoted(v, kind))
                for ln, v in zip(frame[LINE].to_numpy()[idx], shown, strict=True)
            ]
            hint = _type_hint(kind, shown)
        findings.append(
            Check(
                table.file,
                column,
                f"type_{kind}",
                description,
                "fejl",
                n_bad == 0,
                n_bad,
                examples,
                hint,
            )
        )
    return findings


def _text_checks(table: Table, spec: contract.Column) -> list[Check]:
    """Ids must match :data:`contract.ID_PATTERN` (they become file names and URLs); texts must
    not be longer than the contract allows (a 10 MB name would break every page)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    frame = table.frame
    text = pa.array(frame[spec.name], from_pandas=True)
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    present = text.is_valid().to_numpy(zero_copy_only=False)
    lengths = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    lines = frame[LINE].to_numpy()
    if spec.kind == "id":
        matches = pc.match_substring_regex(text, contract.ID_PATTERN)
        good = matches.fill_null(True).to_numpy(zero_copy_only=False)
        bad = present & ~good.astype(bool)
        idx = np.flatnonzero(bad)[:_MAX_EXAMPLES]
        values = frame[spec.name].to_numpy()
        examples: list[tuple[int | None, str]] = [
            (int(lines[i]), f'"{escaping.plain(values[i], max_length=40)}"') for i in idx
        ]
        n_bad = int(bad.sum())
        return [
            Check(
                table.file,
                spec.name,
                "id_format",
                "skal være 1–32 tegn: bogstaver A–Z/a–z, cifre, _ og - (første tegn et bogstav "
                "eller ciffer)",
                "fejl",
                n_bad == 0,
                n_bad,
                examples,
                "Ret id'et, så det kun består af bogstaver uden accenter, cifre, _ og -; det "
                "bruges i filnavne og adresser på sitet."
                if n_bad
                else None,
            )
        ]
    limit = spec.limit
    bad = present & (np.nan_to_num(lengths.astype("float64"), nan=0.0) > limit)
    idx = np.flatnonzero(bad)[:_MAX_EXAMPLES]
    n_bad = int(bad.sum())
    return [
        Check(
            table.file,
            spec.name,
            "laengde",
            f"må højst have {limit:,} tegn".replace(",", "."),
            "fejl",
            n_bad == 0,
            n_bad,
            [(int(lines[i]), f"{int(lengths[i]):,} tegn".replace(",", ".")) for i in idx],
            "Forkort teksten, eller tjek om et anførselstegn mangler, så flere felter er blevet "
            "til ét."
            if n_bad
            else None,
        )
    ]


def _parse(raw: pd.Series, kind: Kind, pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """Values as float (NaN where empty or unreadable) and where a value was written.

    pyarrow's vectorised regex and cast parse 10 million values in about a second; pandas'
    ``to_numeric`` on text takes ten times longer.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(raw, from_pandas=True)
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    present = text.is_valid().to_numpy(zero_copy_only=False)
    good = pc.if_else(pc.match_substring_regex(text, pattern), text, None)
    if kind in ("heltal", "decimal", "aar"):
        parsed = pc.cast(good, pa.float64())
    elif kind == "maaned":
        year = pc.cast(pc.utf8_slice_codeunits(good, 0, 4), pa.float64())
        month = pc.cast(pc.utf8_slice_codeunits(good, 5, 7), pa.float64())
        parsed = pc.add(pc.multiply(year, 100.0), month)
    else:  # dato: must also exist in the calendar (no 30 February); only small files
        dates = pd.to_datetime(pd.Series(good.to_pylist()), format="%Y-%m-%d", errors="coerce")
        numbers = dates.dt.year * 10000 + dates.dt.month * 100 + dates.dt.day
        return numbers.to_numpy(dtype="float64", na_value=np.nan), present
    values = parsed.to_numpy(zero_copy_only=False).astype("float64", copy=False)
    return values, present


def _quoted(value: str, kind: Kind) -> str:
    """A value as written in the file, in quotes, with what it looks like when that is known."""
    quoted = f'"{escaping.plain(value, max_length=40)}"'
    look = hints.date_look(value, kind) if kind in ("dato", "maaned") else None
    return f"{quoted} ({look})" if look else quoted


def _type_hint(kind: Kind, values: list[str]) -> str:
    if kind in ("decimal", "heltal") and any(re.fullmatch(r"-?[0-9.]*,[0-9]+", v) for v in values):
        return (
            "I en kommasepareret fil skal tal have punktum som decimaltegn (12.5, ikke 12,5); gem "
            "filen fra dansk Excel som 'CSV (semikolonsepareret)', så læses decimalkomma."
        )
    looks = [hints.date_look(v, kind) for v in values] if kind in ("dato", "maaned") else []
    if any(look and "amerikansk" in look for look in looks):
        return (
            "Datoen ser ud til at være skrevet som måned/dag/år (amerikansk Excel). Skriv den "
            "som dag-måned-år (18-03-2025) eller ÅÅÅÅ-MM-DD (2025-03-18) – begge læses; i Excel: "
            "sæt kolonnens område til Dansk (Danmark) og skriv datoerne igen."
        )
    if any(look and "byttet om" in look for look in looks):
        return "Dag og måned ser ud til at være byttet om; skriv datoen som ÅÅÅÅ-MM-DD."
    if any(looks):
        return "Datoen findes ikke i kalenderen (fx 30. februar eller måned 13); ret den."
    if kind in ("dato", "maaned") and any(
        re.fullmatch(r"[0-9]{1,2}[-./]([0-9]{1,2}[-./])?[0-9]{2,4}", v) for v in values
    ):
        # a valid day-first date in a comma-separated file (only Danish Excel's semicolon
        # files are read with day-first dates)
        return (
            "Datoen står i dansk format i en kommasepareret fil; gem filen fra dansk Excel som "
            "'CSV (semikolonsepareret)', så læses dansk dato, eller skriv den som ÅÅÅÅ-MM-DD."
        )
    if kind == "heltal":
        return "Skriv et helt tal uden decimaler og uden tusindtalsseparator."
    return "Ret værdien i filen, så den har det viste format."


@dataclass
class InputFolder:
    """Every contract file of one input folder, read once: validation, planning and the
    notebooks' loader all start from this, so a file is judged and parsed one way only."""

    folder: Path
    tables: dict[str, Table]
    findings: list[Check]

    @property
    def read_errors(self) -> list[Check]:
        """Errors found while reading (structure, types, ids, lengths)."""
        return [f for f in self.findings if f.is_error]


#: Input file suffixes the reader accepts, in order of preference.
SUFFIXES = (".csv", ".xlsx")


def input_path(folder: Path, name: str) -> Path:
    """The file holding contract file ``name``: ``<name>.csv``, else ``<name>.xlsx`` if present."""
    csv_path = Path(folder) / f"{name}.csv"
    xlsx_path = Path(folder) / f"{name}.xlsx"
    if not os.path.lexists(csv_path) and os.path.lexists(xlsx_path):
        return xlsx_path
    return csv_path


def read_folder(folder: Path) -> InputFolder:
    """Read every contract file in ``folder``; never raises for bad data."""
    folder = Path(folder)
    findings: list[Check] = []
    tables: dict[str, Table] = {}
    for spec in contract.FILES:
        path = input_path(folder, spec.name)
        if path.suffix == ".csv" and os.path.lexists(folder / f"{spec.name}.xlsx"):
            findings.append(
                Check(
                    spec.file,
                    None,
                    "en_fil",
                    f"både {spec.name}.csv og {spec.name}.xlsx ligger i datamappen",
                    "fejl",
                    False,
                    hint=f"Fjern den ene af de to filer, så det er klart, hvilken {spec.name} "
                    "der gælder.",
                )
            )
            continue
        if spec.optional and not os.path.lexists(path):
            findings.append(
                Check(
                    spec.file,
                    None,
                    "fil_findes",
                    "filen er valgfri og ligger ikke i datamappen (siderne skriver, at der ikke "
                    "er givet en kommentar)",
                )
            )
            continue
        try:
            table, found = read_table(path, spec.name, folder)
        except Exception as error:  # a bug in the reader: a finding, not a traceback
            table = None
            found = [
                Check(
                    path.name,
                    None,
                    "laesning",
                    "intern fejl ved læsning af filen ("
                    + escaping.plain(f"{type(error).__name__}: {error}")
                    + ")",
                    "fejl",
                    False,
                )
            ]
        findings += found
        if table is not None:
            tables[spec.name] = table
    known = {spec.name + suffix for spec in contract.FILES for suffix in SUFFIXES}
    try:
        others = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    except OSError:
        others = []
    for path in others:
        if path.name not in known:
            findings.append(
                Check(
                    escaping.plain(path.name, max_length=80),
                    None,
                    "ukendt_fil",
                    "filen er ikke en del af datakontrakten og bliver ikke brugt",
                    "advarsel",
                    False,
                    hint="Fjern filen, eller tjek om den er en af kontraktens filer med et "
                    "forkert navn (" + ", ".join(s.file for s in contract.FILES) + "; eller "
                    "som .xlsx).",
                )
            )
    return InputFolder(folder, tables, findings)
