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

from statusrapport import fmt
from statusrapport.disclosure.lp import System, rounding
from statusrapport.disclosure.measures import absence_quantities, turnover_quantities
from statusrapport.disclosure.rounding import precision_for_key
from statusrapport.errors import DisclosureError

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
RATES = {
    "omsaetning": (TURNOVER, N_T, D_T),
    "fravaersprocent": (ABSENCE, N_A, D_A),
    "dage_pr_fuldtid": (ABSENCE, N_A, FTE),
}
CENTRE = "_centret"
#: Full-precision numbers are taken as known to ±1e-6: exact enough for an attacker to use
#: whole-number reasoning (5/11 → 5 of 11), loose enough for the solver's tolerances.
MIN_HALF = 1e-6


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

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        lines = [f"- {f.message(self.names)}" for f in self.findings[:20]]
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

    def table(self, year: int, path: Path, rel: str) -> None:
        rows = _rows(path)
        name = path.stem
        if not rows:
            return
        if name == "fig-tragt-personaleomsaetning" or name == "fig-tragt-sygefravaer":
            for row in rows:
                key = self.ids_by_name.get(row.get("Tilbud", ""))
                if key is None:
                    continue
                if name.endswith("personaleomsaetning"):
                    self.count(TURNOVER, year, "tilbud", key, N_T, row.get("Fratrådte"), rel)
                    self.count(
                        TURNOVER, year, "tilbud", key, D_T, row.get("Gns. antal ansatte"), rel
                    )
                    self.rate("omsaetning", year, "tilbud", key, row.get("Personaleomsætning"), rel)
                else:
                    self.count(ABSENCE, year, "tilbud", key, N_A, row.get("Sygefraværsdage"), rel)
                    self.count(ABSENCE, year, "tilbud", key, D_A, row.get("Mulige dagsværk"), rel)
                    self.rate("fravaersprocent", year, "tilbud", key, row.get("Sygefravær"), rel)
        elif name == "fig-sammenhaeng-fravaer-omsaetning":
            for row in rows:
                key = self.ids_by_name.get(row.get("Tilbud", ""))
                if key is not None:
                    self.rate("omsaetning", year, "tilbud", key, row.get("Personaleomsætning"), rel)
                    self.rate("fravaersprocent", year, "tilbud", key, row.get("Sygefravær"), rel)
        elif name == "fig-personaleomsaetning-pr-maalgruppe":
            for row in rows:
                g = row.get("Målgruppe", "")
                self.count(TURNOVER, year, "maalgruppe", g, N_T, row.get("Fratrådte"), rel)
                self.count(TURNOVER, year, "maalgruppe", g, D_T, row.get("Gns. antal ansatte"), rel)
                self.rate("omsaetning", year, "maalgruppe", g, row.get("Personaleomsætning"), rel)
                self.rate(
                    "omsaetning",
                    year - 1,
                    "maalgruppe",
                    g,
                    row.get("Personaleomsætning året før"),
                    rel,
                )
        elif name == "fig-personaleomsaetning-pr-aar":
            for row in rows:
                y = int(float(row["År"]))
                self.count(TURNOVER, y, "center", CENTRE, N_T, row.get("Fratrådte"), rel)
                self.count(TURNOVER, y, "center", CENTRE, D_T, row.get("Gns. antal ansatte"), rel)
                self.rate("omsaetning", y, "center", CENTRE, row.get("Personaleomsætning"), rel)
        elif name == "fig-sygefravaer-pr-maalgruppe":
            for row in rows:
                g = row.get("Målgruppe", "")
                self.count(
                    ABSENCE, year, "maalgruppe", g, FTE, row.get("Fuldtidsstillinger (gns.)"), rel
                )
                self.rate("fravaersprocent", year, "maalgruppe", g, row.get("Sygefravær"), rel)
                self.rate(
                    "dage_pr_fuldtid",
                    year,
                    "maalgruppe",
                    g,
                    row.get("Dage pr. fuldtidsstilling"),
                    rel,
                )
                self.rate(
                    "fravaersprocent",
                    year - 1,
                    "maalgruppe",
                    g,
                    row.get("Sygefravær året før"),
                    rel,
                )
        elif name == "fig-sygefravaer-pr-aar":
            for row in rows:
                y = int(float(row["År"]))
                self.count(
                    ABSENCE, y, "center", CENTRE, FTE, row.get("Fuldtidsstillinger (gns.)"), rel
                )
                self.rate("fravaersprocent", y, "center", CENTRE, row.get("Sygefravær"), rel)
                self.rate(
                    "dage_pr_fuldtid",
                    y,
                    "center",
                    CENTRE,
                    row.get("Dage pr. fuldtidsstilling"),
                    rel,
                )
        elif name == "fig-sygefravaer-pr-maaned":
            self._months(rows, rel)
        elif name.startswith("historik-"):
            key = self.ids_by_slug.get(name.removeprefix("historik-"))
            for row in rows:
                y = int(float(row["År"]))
                for rate, label in (
                    ("fravaersprocent", "Sygefravær"),
                    ("omsaetning", "Personaleomsætning"),
                ):
                    if key is not None:
                        self.rate(rate, y, "tilbud", key, row.get(f"{label}, tilbuddet"), rel)
                    self.rate(rate, y, "center", CENTRE, row.get(f"{label}, hele centret"), rel)
        elif name.startswith("noegletal-"):
            key = self.ids_by_slug.get(name.removeprefix("noegletal-"))
            self._profile(year, key, rows, rel)

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
        for path in sorted(folder.glob("tabeller/*.csv")) + sorted(
            folder.glob("tilbud/tabeller/*.csv")
        ):
            reader.table(year, path, f"{year}/{path.relative_to(folder)}")
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
    return AuditResult(findings=findings, checked=checked, names=reader.names)


def check(build: Path, mixed_inputs: str | None = None) -> AuditResult:
    """Run :func:`audit`; raise :class:`DisclosureError` (exit 6) with a Danish message.

    ``mixed_inputs`` (from the pipeline) says that the pages come from different inputs: then
    the message points there – tables from two data sets do not add up – not at the code.
    """
    result = audit(build)
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


def _slug(text: str) -> str:
    from statusrapport.report import slug

    return slug(text)


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
