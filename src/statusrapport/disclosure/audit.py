"""The attacker's audit: can a hidden figure be worked out from what the site publishes?

Reads ONLY published artefacts of a staged build (``reports/<år>/``: the CSV downloads in
``tabeller/``, the profile pages' tables, ``noegletal.json`` and the profile pages' front
matter), never the input data. From them it sets up, per measure and year, the relations a
reader can use (:mod:`.lp`):

- every published count, within its rounding (half a unit of the last decimal written);
- every published rate as (r − δ)·denominator ≤ count ≤ (r + δ)·denominator;
- sums: facilities → target group → centre (membership from noegletal.json and the pages);
- the centre's monthly day counts add up to its year;
- leavers are whole numbers.

A cell is *hidden* where noegletal.json publishes it as missing (null). For each hidden cell and
each protected count, the smallest and largest feasible value are computed (MILP). The rule
(documented on the method page): the interval must be at least the protection range of that
count (:func:`statusrapport.disclosure.measures.turnover_quantities` /
:func:`~statusrapport.disclosure.measures.absence_quantities`), unless it is exactly 0 (a count
of nobody). Otherwise the run stops before publishing with exit 6 (:class:`DisclosureError`).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statusrapport import fmt, pages, report
from statusrapport.disclosure.lp import System, rounding
from statusrapport.disclosure.measures import absence_quantities, turnover_quantities
from statusrapport.disclosure.rounding import precision_for_key
from statusrapport.errors import DisclosureError
from statusrapport.pages import Page, Table

TURNOVER, ABSENCE = "personaleomsaetning", "fravaer"
MEASURE_NAMES = {TURNOVER: "personaleomsætning", ABSENCE: "sygefravær"}
#: Quantity names in the audit (the data contract's column names).
N_T, D_T = "fratraadte", "gns_ansatte"
N_A, D_A, FTE = "sygefravaer_dagsvaerk", "mulige_dagsvaerk", "fuldtidsstillinger"
SUMMED = {TURNOVER: (N_T, D_T), ABSENCE: (N_A, D_A)}
QUANTITY_NAMES = {
    N_T: "fratrådte",
    D_T: "gennemsnitligt antal ansatte",
    N_A: "sygefraværsdage",
    D_A: "mulige dagsværk",
}
#: Which measure a published count belongs to (contract column → measure).
MEASURE_OF = {N_T: TURNOVER, D_T: TURNOVER, N_A: ABSENCE, D_A: ABSENCE, FTE: ABSENCE}
RATES = {
    "omsaetning": (TURNOVER, N_T, D_T),
    "fravaersprocent": (ABSENCE, N_A, D_A),
    "dage_pr_fuldtid": (ABSENCE, N_A, FTE),
}
CENTRE = "_centret"
#: Full-precision numbers are taken as known to ±1e-6: exact enough for an attacker to use
#: whole-number reasoning (5/11 → 5 of 11), loose enough for the solver's tolerances.
MIN_HALF = 1e-6
TABLES = report.TABLES_DIR


@dataclass(frozen=True)
class Finding:
    """A hidden count an attacker can narrow too far."""

    measure: str
    year: int
    level: str  # "tilbud" | "maalgruppe"
    cell: str
    quantity: str
    low: float
    high: float
    required: float
    sources: tuple[str, ...]

    def message(self, names: dict[str, str]) -> str:
        where = (
            f"tilbud {self.cell} ({names[self.cell]})"
            if self.cell in names
            else f"{'tilbud' if self.level == 'tilbud' else 'målgruppen'} {self.cell}"
        )
        if math.isnan(self.low):
            return (
                f"{MEASURE_NAMES[self.measure]} {self.year}, {where}: de publicerede tal er "
                "indbyrdes modstridende, så det kan ikke godtgøres, at det skjulte tal for "
                f"{QUANTITY_NAMES[self.quantity]} er beskyttet ({_sources(self.sources)})"
            )
        return (
            f"{MEASURE_NAMES[self.measure]} {self.year}, {where}: det skjulte tal for "
            f"{QUANTITY_NAMES[self.quantity]} kan regnes ud til mellem {fmt.tal(self.low, 1)} og "
            f"{fmt.tal(self.high, 1)} (spænd {fmt.tal(self.high - self.low, 1)}, kræver mindst "
            f"{fmt.tal(self.required, 1)}) ud fra tabellerne {_sources(self.sources)}"
        )


@dataclass
class _Facts:
    """Everything read for one measure and year."""

    system: System = field(default_factory=System)
    sources: set[str] = field(default_factory=set)
    members: dict[str, str] | None = None  # facility → group, from noegletal.json
    hidden: set[tuple[str, str]] = field(default_factory=set)  # (level, key)
    groups_listed: set[str] = field(default_factory=set)


@dataclass
class AuditResult:
    findings: list[Finding]
    checked: int  # hidden cells examined
    names: dict[str, str]
    undeclared: list[str] = field(default_factory=list)  # tables the registry does not declare

    @property
    def ok(self) -> bool:
        return not self.findings and not self.undeclared

    def summary(self) -> str:
        lines = [f"- {u}" for u in self.undeclared[:20]]
        lines += [f"- {f.message(self.names)}" for f in self.findings[:20]]
        if len(self.findings) > 20:
            lines.append(f"- … og {len(self.findings) - 20} til")
        return "\n".join(lines)


class _Reader:
    def __init__(self) -> None:
        self.facts: dict[tuple[str, int], _Facts] = defaultdict(_Facts)
        self.names: dict[str, str] = {}  # tilbud_id → navn
        self.ids_by_name: dict[str, str] = {}
        self.group_of: dict[str, str] = {}
        self.ids_by_slug: dict[str, str] = {}

    # --- facts --------------------------------------------------------------------------------

    def _f(self, measure: str, year: int, source: str) -> _Facts:
        facts = self.facts[(measure, year)]
        facts.sources.add(source)
        return facts

    def count(
        self,
        measure: str,
        year: int,
        level: str,
        key: str,
        q: str,
        text: str | None,
        src: str,
        *,
        half: float | None = None,
    ):
        value = _number(text)
        if value is None:
            return
        facts = self._f(measure, year, src)
        if half is None:
            half = 0.0 if q == N_T and float(value).is_integer() else rounding(str(text))
        if not (q == N_T and half == 0.0):
            half = max(half, MIN_HALF)
        facts.system.var((level, key, q), integer=q == N_T)
        facts.system.bound((level, key, q), value - half, value + half)

    def rate(
        self,
        rate: str,
        year: int,
        level: str,
        key: str,
        text: Any,
        src: str,
        *,
        pct: bool = False,
        half: float | None = None,
    ):
        value = _number(text, percent=pct)
        if value is None:
            return
        measure, num, den = RATES[rate]
        if half is None:
            half = rounding(_digits(text)) / (100 if pct else 1)
        half = max(half, MIN_HALF)
        facts = self._f(measure, year, src)
        facts.system.var((level, key, num), integer=num == N_T)
        facts.system.ratio((level, key, num), (level, key, den), value - half, value + half)

    # --- artefacts ----------------------------------------------------------------------------

    def registry(self, year_dir: Path) -> None:
        for path in sorted((year_dir / "tilbud").glob("*.ipynb")):
            meta = _front_matter(path)
            tilbud_id = str(meta.get("tilbud_id") or path.stem)
            self.names[tilbud_id] = str(meta.get("title", tilbud_id))
            self.ids_by_name[self.names[tilbud_id]] = tilbud_id
            if meta.get("maalgruppe"):
                self.group_of[tilbud_id] = str(meta["maalgruppe"])
            self.ids_by_slug[_slug(tilbud_id)] = tilbud_id

    def key_figures(self, year: int, path: Path) -> None:
        figures = json.loads(path.read_text(encoding="utf-8"))
        src = f"{year}/noegletal.json"
        for measure, prefix in ((TURNOVER, "personaleomsaetning"), (ABSENCE, "fravaer")):
            rate = "omsaetning" if measure == TURNOVER else "fravaersprocent"
            for y, name in ((year, "procent_samlet"), (year - 1, "procent_forrige_aar")):
                key = f"{prefix}.{name}"
                self.rate(rate, y, "center", CENTRE, _json(figures.get(key)), src, half=_half(key))
            per_facility = figures.get(f"{prefix}.procent_pr_tilbud") or {}
            facts = self._f(measure, year, src)
            facts.members = {str(k): self.group_of.get(str(k), "?") for k in per_facility} | (
                facts.members or {}
            )
            for key, value in per_facility.items():
                if value is None:
                    facts.hidden.add(("tilbud", str(key)))
                else:
                    half = _half(f"{prefix}.procent_pr_tilbud")
                    self.rate(rate, year, "tilbud", str(key), _json(value), src, half=half)
            for key, value in (figures.get(f"{prefix}.procent_pr_maalgruppe") or {}).items():
                facts.groups_listed.add(str(key))
                if value is None:
                    facts.hidden.add(("maalgruppe", str(key)))
                else:
                    half = _half(f"{prefix}.procent_pr_maalgruppe")
                    self.rate(rate, year, "maalgruppe", str(key), _json(value), src, half=half)
        for name, q in (("antal_fratraadte", N_T), ("gns_ansatte", D_T)):
            key = f"personaleomsaetning.{name}"
            text = _json(figures.get(key))
            self.count(TURNOVER, year, "center", CENTRE, q, text, src, half=_half(key))
        key = "fravaer.dage_pr_fuldtid"
        text = _json(figures.get(key))
        self.rate("dage_pr_fuldtid", year, "center", CENTRE, text, src, half=_half(key))

    def table(self, year: int, path: Path, rel: str, decl: Table) -> None:
        """The facts a published table gives away, read by its declaration in the registry."""
        rows = _rows(path)
        if not rows or decl.measure is None:
            return
        level = decl.level
        if level == "maaned":
            self._months(rows, rel)
            return
        if level == "historik":
            self._history(decl.id, path.stem, rows, rel)
            return
        if level == "profil":
            key = self.ids_by_slug.get(_unit_slug(decl.id, path.stem))
            self._profile(year, key, rows, rel)
            return
        if level not in ("tilbud", "maalgruppe", "center"):
            return  # rates only (staff groups, months of a facility): the intruder test covers
        for row in rows:
            y, key = year, None
            if level == "tilbud":
                key = self.ids_by_name.get(row.get("Tilbud", ""))
            elif level == "maalgruppe":
                key = row.get("Målgruppe", "")
            else:
                key, y = CENTRE, int(float(row["År"]))
            if key is None:
                continue
            for header, text in row.items():
                col = decl.column(header)
                if col is None:
                    continue
                if col.role == "antal" and col.quantity in MEASURE_OF:
                    q = col.quantity
                    self.count(MEASURE_OF[q], y + col.offset, level, key, q, text, rel)
                elif col.role == "rate" and col.rate in RATES:
                    self.rate(col.rate, y + col.offset, level, key, text, rel, pct=col.percent)

    def _history(self, template: str, stem: str, rows: list[dict[str, str]], rel: str) -> None:
        key = self.ids_by_slug.get(_unit_slug(template, stem))
        for row in rows:
            y = int(float(row["År"]))
            for rate, label in (
                ("fravaersprocent", "Sygefravær"),
                ("omsaetning", "Personaleomsætning"),
            ):
                if key is not None:
                    self.rate(rate, y, "tilbud", key, row.get(f"{label}, tilbuddet"), rel)
                self.rate(rate, y, "center", CENTRE, row.get(f"{label}, hele centret"), rel)

    def _months(self, rows: list[dict[str, str]], rel: str) -> None:
        by_year: dict[int, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            by_year[int(float(row["År"]))].append(row)
        for y, months in by_year.items():
            if len(months) != 12:
                continue
            for q, label in ((N_A, "Sygefraværsdage"), (D_A, "Mulige dagsværk")):
                texts = [m.get(label) for m in months]
                values = [_number(t) for t in texts]
                if any(v is None for v in values):
                    continue
                half = sum(rounding(str(t)) for t in texts)
                total = sum(v for v in values if v is not None)
                facts = self._f(ABSENCE, y, rel)
                facts.system.bound(("center", CENTRE, q), total - half, total + half)

    def _profile(self, year: int, key: str | None, rows: list[dict[str, str]], rel: str) -> None:
        group = self.group_of.get(key or "")
        for row in rows:
            label = row.get("Nøgletal", "")
            rate = (
                "fravaersprocent"
                if label.startswith("Sygefravær (")
                else "dage_pr_fuldtid"
                if label.startswith("Sygefraværsdage pr.")
                else "omsaetning"
                if label.startswith("Personaleomsætning")
                else None
            )
            if rate is None:
                continue
            pct = rate != "dage_pr_fuldtid"
            if key is not None:
                self.rate(rate, year, "tilbud", key, row.get("Tilbuddet"), rel, pct=pct)
            if group is not None:
                self.rate(rate, year, "maalgruppe", group, row.get("Målgruppen"), rel, pct=pct)
            self.rate(rate, year, "center", CENTRE, row.get("Hele centret"), rel, pct=pct)


def _page_of(folder: Path, year_dir: Path) -> tuple[Page, ...]:
    """The pages whose notebooks publish into ``folder`` (a year folder or one below it)."""
    if folder == year_dir / "tilbud":
        return (pages.PROFILE,)
    if folder == year_dir / "opfoelgning":
        return (pages.PLAN,)
    return pages.YEAR_PAGES


def recorded_tables(notebook: Path) -> list[str]:
    """The table ids :func:`statusrapport.report.table` recorded in an executed notebook."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    ids: list[str] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            record = (output.get("metadata") or {}).get(report.RECORD_KEY) or {}
            if isinstance(record, dict) and record.get("tabel"):
                ids.append(str(record["tabel"]))
    return ids


def undeclared(build: Path) -> list[str]:
    """Tables published in ``build`` that the page registry does not declare (Danish lines).

    Checked both ways: every id a notebook recorded must be declared for that notebook's page,
    and every CSV download must be declared for a page that publishes into its folder; a table
    with persons' data must declare every column, and a table without may not carry a column
    that a measure table declares as a count or rate.
    """
    problems: list[str] = []
    reports = build / "reports" if (build / "reports").is_dir() else build
    sensitive = pages.sensitive_headers()
    for year_dir in sorted(p for p in reports.iterdir() if p.is_dir() and p.name.isdigit()):
        for folder in (year_dir, year_dir / "tilbud", year_dir / "opfoelgning"):
            candidates = _page_of(folder, year_dir)
            for notebook in sorted(folder.glob("*.ipynb")):
                page = candidates[0] if len(candidates) == 1 else pages.BY_ID.get(notebook.stem)
                rel = notebook.relative_to(reports)
                for table_id in recorded_tables(notebook):
                    if page is None or page.table(table_id) is None:
                        problems.append(
                            f"notebooken {rel} viser tabellen '{table_id}', som ikke er erklæret "
                            f"for siden i sidekataloget (pages.py)"
                        )
            for path in sorted(folder.glob(f"{TABLES}/*.csv")):
                rel = path.relative_to(reports)
                decl = _declaration(candidates, path.stem)
                if decl is None:
                    problems.append(
                        f"tabellen {rel} er ikke erklæret for nogen side i sidekataloget (pages.py)"
                    )
                    continue
                header = _header(path)
                if decl.measure is None:
                    bad = [h for h in header if h in sensitive]
                    what = "tal om personer, som tabellen ikke er erklæret til at vise"
                else:
                    bad = [h for h in header if decl.column(h) is None]
                    what = "kolonner, der ikke er erklæret for tabellen"
                if bad:
                    problems.append(f"tabellen {rel} har {what}: {', '.join(bad)}")
    return problems


def _declaration(candidates: tuple[Page, ...], table_id: str) -> Table | None:
    for page in candidates:
        decl = page.table(table_id)
        if decl is not None:
            return decl
    return None


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def read(build: Path) -> _Reader:
    """Every fact the published artefacts of ``build`` (a staged project folder) give away."""
    reader = _Reader()
    reports = build / "reports" if (build / "reports").is_dir() else build
    years = sorted(int(p.name) for p in reports.iterdir() if p.is_dir() and p.name.isdigit())
    for year in years:
        reader.registry(reports / str(year))
    for year in years:
        folder = reports / str(year)
        if (folder / "noegletal.json").exists():
            reader.key_figures(year, folder / "noegletal.json")
        for sub in (folder, folder / "tilbud", folder / "opfoelgning"):
            candidates = _page_of(sub, folder)
            for path in sorted(sub.glob(f"{TABLES}/*.csv")):
                decl = _declaration(candidates, path.stem)
                if decl is not None:  # undeclared tables stop the run in undeclared()
                    reader.table(year, path, f"{year}/{path.relative_to(folder)}", decl)
    return reader


def audit(build: Path) -> AuditResult:
    """Every hidden cell's feasible interval from the published artefacts of ``build``."""
    reader = read(build)
    findings: list[Finding] = []
    checked = 0
    widths = {q.column: q.width for q in (*turnover_quantities(), *absence_quantities())}
    for (measure, year), facts in sorted(reader.facts.items()):
        if not facts.hidden:
            continue
        members = facts.members or {}
        groups: dict[str, list[str]] = defaultdict(list)
        for tilbud_id in members:
            groups[reader.group_of.get(tilbud_id, "?")].append(tilbud_id)
        for q in SUMMED[measure]:
            for g, ids in groups.items():
                facts.system.total(("maalgruppe", g, q), [("tilbud", f, q) for f in ids])
            if groups:
                facts.system.total(("center", CENTRE, q), [("maalgruppe", g, q) for g in groups])
            for f in members:
                facts.system.var(("tilbud", f, q), integer=q == N_T)
        for level, key in sorted(facts.hidden):
            checked += 1
            for q in SUMMED[measure]:
                interval = facts.system.interval((level, key, q))
                if interval is None:
                    findings.append(
                        Finding(
                            measure,
                            year,
                            level,
                            key,
                            q,
                            math.nan,
                            math.nan,
                            widths[q],
                            tuple(sorted(facts.sources)),
                        )
                    )
                    continue
                low, high = interval
                if high <= 1e-6 or high - low >= widths[q] - 1e-6:
                    continue
                findings.append(
                    Finding(
                        measure,
                        year,
                        level,
                        key,
                        q,
                        low,
                        high,
                        widths[q],
                        tuple(sorted(facts.sources)),
                    )
                )
    return AuditResult(
        findings=findings, checked=checked, names=reader.names, undeclared=undeclared(build)
    )


def check(build: Path, mixed_inputs: str | None = None) -> AuditResult:
    """Run :func:`audit`; raise :class:`DisclosureError` (exit 6) with a Danish message.

    ``mixed_inputs`` (from the pipeline) says that the pages come from different inputs: then
    the message points there – tables from two data sets do not add up – not at the code.
    """
    result = audit(build)
    if result.undeclared:
        raise DisclosureError(
            "diskretionskontrollen stoppede kørslen – intet er publiceret. En side viser en "
            "tabel, som sidekataloget ikke erklærer (kun erklærede tabeller kontrolleres, så en "
            "ny tabel kan vise tal om for få personer):\n"
            + result.summary()
            + "\nErklær tabellen og hvad hver kolonne viser for siden i "
            "src/statusrapport/pages.py, eller fjern den fra notebooken."
        )
    if not result.ok:
        if mixed_inputs:
            cause = (
                "\nÅrsagen er sandsynligvis, at siderne ikke er bygget fra de samme inputdata: "
                + mixed_inputs
                + ". Tal fra to datasæt passer ikke sammen, og så kan et skjult tal regnes ud. "
                "Kør hele året på de samme data (statusrapport run uden --only), så bygges "
                "alle sider igen."
            )
        else:
            cause = (
                "\nSiderne er bygget fra de samme inputdata, så det er en fejl i "
                "undertrykkelsen: ret statusrapport.disclosure, eller skjul tabellen, der "
                "afslører tallet. Ligger tabellen i et år, der blev publiceret med en ældre "
                "version, så kør det år igen med den nye (statusrapport run --year <år> --force)."
            )
        raise DisclosureError(
            "diskretionskontrollen stoppede kørslen – intet er publiceret. Ud fra de filer, der "
            "skulle publiceres, kan et skjult tal regnes ud (det skal ligge i et spænd på mindst "
            "beskyttelsesintervallet, se metodesiden):\n" + result.summary() + cause
        )
    return result


# --- parsing ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[−-]?\d[\d.]*(?:,\d+)?|[−-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _digits(text: Any) -> str:
    """The number as written, with a decimal point ('45,5 %' → '45.5')."""
    value = str(text).strip().replace("\u00a0", " ").removesuffix("%").strip()
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    return value.replace("−", "-")


def _number(text: Any, *, percent: bool = False) -> float | None:
    """A published number, or None for missing ('', 'nan', '–', 'udeladt')."""
    if text is None:
        return None
    raw = _digits(text)
    try:
        value = float(raw)
    except ValueError:
        return None
    if math.isnan(value):
        return None
    return value / 100 if percent else value


def _sources(sources: tuple[str, ...]) -> str:
    """File names, with one entry per kind of profile table ('2025/tilbud/tabeller/historik-*')."""
    out: dict[str, int] = {}
    for source in sources:
        key = re.sub(
            r"/tilbud/tabeller/(historik|noegletal)-[^/]*\.csv$",
            r"/tilbud/tabeller/\1-*.csv",
            source,
        )
        out[key] = out.get(key, 0) + 1
    return ", ".join(k if n == 1 else f"{k} ({n} filer)" for k, n in sorted(out.items()))


def _half(name: str) -> float:
    """Half a unit of the decimals noegletal.json rounds ``name`` to."""
    return 0.5 * 10.0 ** (-precision_for_key(name))


def _json(value: Any) -> str | None:
    return None if value is None else repr(float(value))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _unit_slug(template: str, stem: str) -> str:
    """The facility part of a per-facility table id ('historik-{tilbud}', 'historik-clb01')."""
    return stem.removeprefix(template.split("{", 1)[0])


def _slug(text: str) -> str:
    return report.slug(text)


def _front_matter(path: Path) -> dict[str, Any]:
    """``key: json`` lines of the notebook's first raw cell (execution.front_matter_cell)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    for cell in nb.get("cells", [])[:1]:
        if cell.get("cell_type") != "raw":
            continue
        source = "".join(cell.get("source", []))
        out: dict[str, Any] = {}
        for line in source.splitlines():
            if ":" not in line or line.strip() == "---":
                continue
            key, _, value = line.partition(":")
            try:
                out[key.strip()] = json.loads(value.strip())
            except ValueError:
                out[key.strip()] = value.strip()
        return out
    return {}
