"""The result of a validation: findings an analyst can act on, and a stable JSON form.

Every check produces a :class:`Check`, also the ones that passed, so the Datakvalitet page can
show what was checked and not only what failed. The JSON form has no timestamps and is sorted, so
validating the same data twice writes byte-identical files (the pipeline caches on them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from statusrapport import contract, escaping, fmt

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["fejl", "advarsel"]

#: A passed check that says in which format a file was read (Danish Excel CSV, .xlsx): shown
#: with the summary, so an analyst sees that the file was understood, and how.
FORMAT_RULE = "format"

#: Order of the input files in every listing (the data contract's order), unknown files last.
_FILE_ORDER = tuple(spec.file for spec in contract.FILES)


@dataclass(frozen=True)
class Check:
    """One check of one rule on one file (and column): passed or not, with examples.

    ``examples`` holds ``(csv_line_number, value_as_text)``; the header is line 1. The line is
    ``None`` where a finding concerns something missing (e.g. a month without absence data).
    """

    file: str
    column: str | None
    rule: str
    description: str
    severity: Severity = "fejl"
    passed: bool = True
    n_bad: int = 0
    examples: Sequence[tuple[int | None, str]] = field(default_factory=list)
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return not self.passed and self.severity == "fejl"

    @property
    def is_warning(self) -> bool:
        return not self.passed and self.severity == "advarsel"

    def text(self, max_examples: int = 5) -> str:
        """One line for a terminal or a log: file · column · rule · count · examples."""
        parts = [self.file]
        if self.column:
            parts.append(f"kolonne {self.column}")
        parts.append(self.description)
        if self.n_bad:
            per_facility = self.examples and all(line is None for line, _ in self.examples)
            unit = ("tilbud", "tilbud") if per_facility else ("række", "rækker")
            parts.append(f"{self.n_bad} {unit[0] if self.n_bad == 1 else unit[1]}")
        if self.examples:
            shown = [_example(line, value) for line, value in self.examples[:max_examples]]
            more = " …" if self.n_bad > len(shown) or len(self.examples) > len(shown) else ""
            parts.append(", ".join(shown) + more)
        return " · ".join(parts)

    def __str__(self) -> str:
        return self.text()

    def sort_key(self) -> tuple[int, str, str, str]:
        order = _FILE_ORDER.index(self.file) if self.file in _FILE_ORDER else len(_FILE_ORDER)
        return (order, self.file, self.column or "", self.rule)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["examples"] = [[line, value] for line, value in self.examples]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Check:
        values = dict(data)
        values["examples"] = [(line, value) for line, value in values.get("examples", [])]
        return cls(**values)


def _example(line: int | None, value: str) -> str:
    """One example for a terminal line: control characters visible, length bounded."""
    value = escaping.plain(value, max_length=80)
    if line is None:
        return value
    return f"linje {line} ({value})" if value != "" else f"linje {line}"


@dataclass
class ValidationReport:
    """All findings of one validation; ``ok`` when no finding is an error."""

    year: int | None
    checks: list[Check] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.checks = sorted(self.checks, key=Check.sort_key)

    @property
    def errors(self) -> list[Check]:
        return [f for f in self.checks if f.is_error]

    @property
    def warnings(self) -> list[Check]:
        return [f for f in self.checks if f.is_warning]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_text(self, max_examples: int = 5) -> str:
        """A Danish summary for the terminal: every error and warning with examples and a fix."""
        n_files = len({f.file for f in self.checks})
        year = f"rapportår {self.year}" if self.year else "ukendt rapportår"
        lines = [
            f"Validering af inputdata ({year}): "
            f"{fmt.antal(len(self.checks), 'kontrol', 'kontroller')} af "
            f"{fmt.antal(n_files, 'fil', 'filer')}, {fmt.antal(len(self.errors), 'fejl', 'fejl')}, "
            f"{fmt.antal(len(self.warnings), 'advarsel', 'advarsler')}."
        ]
        if self.errors:
            lines += ["", "FEJL – skal rettes, før rapporten kan bygges:"]
            lines += _block(self.errors, max_examples)
        if self.warnings:
            lines += ["", "ADVARSLER – rapporten bygges, men viser hullerne:"]
            lines += _block(self.warnings, max_examples)
        notices = [f for f in self.checks if f.rule == FORMAT_RULE and f.passed]
        if notices:
            lines += ["", "BEMÆRK – filer, der ikke er UTF-8-CSV med komma, læses sådan:"]
            lines += [f"  i {f.file}: {f.description}" for f in notices]
        lines.append("")
        if self.ok:
            lines.append("Resultat: inputdata overholder datakontrakten.")
        else:
            lines.append(
                "Resultat: inputdata er IKKE godkendt. Ret filerne og kør "
                "'statusrapport validate' igen."
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "aar": self.year,
            "ok": self.ok,
            "antal_fejl": len(self.errors),
            "antal_advarsler": len(self.warnings),
            "kontroller": [f.to_dict() for f in self.checks],
        }

    def write_json(self, path: Path | str) -> Path:
        """Write the report as sorted, timestamp-free JSON (byte-identical for the same data)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        return cls(year=data.get("aar"), checks=[Check.from_dict(c) for c in data["kontroller"]])

    @classmethod
    def from_json(cls, path: Path | str) -> ValidationReport:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def quality_table(self) -> pd.DataFrame:
        """Every check as a Danish table for the Datakvalitet page (one row per check)."""
        import pandas as pd

        rows = [
            {
                "Fil": f.file,
                "Kolonne": f.column or "(hele filen)",
                "Regel": f.description,
                "Resultat": "Bestået"
                if f.passed
                else ("Fejl" if f.severity == "fejl" else "Advarsel"),
                "Rækker med afvigelser": int(f.n_bad),
            }
            for f in self.checks
        ]
        columns = ["Fil", "Kolonne", "Regel", "Resultat", "Rækker med afvigelser"]
        return pd.DataFrame(rows, columns=columns)


def file_overview(report: ValidationReport) -> pd.DataFrame:
    """Per input file: how many checks, how many passed, warned and failed (Danish columns)."""
    import pandas as pd

    table = report.quality_table()
    if table.empty:
        return pd.DataFrame(columns=["Fil", "Kontroller", "Bestået", "Advarsler", "Fejl"])
    counts = pd.crosstab(table["Fil"], table["Resultat"])
    for column in ("Bestået", "Advarsel", "Fejl"):
        if column not in counts:
            counts[column] = 0
    order = list(dict.fromkeys(table["Fil"]))
    counts = counts.loc[order]
    return pd.DataFrame(
        {
            "Fil": order,
            "Kontroller": counts.sum(axis=1).astype(int).to_numpy(),
            "Bestået": counts["Bestået"].astype(int).to_numpy(),
            "Advarsler": counts["Advarsel"].astype(int).to_numpy(),
            "Fejl": counts["Fejl"].astype(int).to_numpy(),
        }
    )


def plain_summary(report: ValidationReport) -> str:
    """A few Danish sentences for a non-technical reader: what was checked and what was found."""
    n = len(report.checks)
    n_passed = sum(f.passed for f in report.checks)
    files = len({f.file for f in report.checks})
    text = (
        "Inden tallene blev beregnet, blev inputdata kontrolleret med "
        f"{fmt.antal(n, 'kontrol', 'kontroller')} fordelt på {fmt.antal(files, 'fil', 'filer')}: "
        "at filerne kan læses, at alle påkrævede felter er udfyldt, at tal og "
        "datoer ligger inden for det mulige, at kategorier som målgruppe og faggruppe er stavet "
        "som aftalt, at der ikke er dobbelte rækker, og at alle tilbud har data for hele året. "
        + (
            f"{fmt.heltal(n_passed)} af de {fmt.heltal(n)} kontroller blev bestået."
            if n != 1
            else f"Kontrollen blev {'bestået' if n_passed else 'ikke bestået'}."
        )
    )
    if report.errors:
        failed = fmt.antal(len(report.errors), "kontrol", "kontroller")
        text += f" {failed} fandt fejl, som skal rettes."
    if report.warnings:
        text += (
            f" {fmt.antal(len(report.warnings), 'kontrol', 'kontroller')} gav en advarsel: "
            "rapporten er lavet, men de nævnte huller betyder, at nogle tal bygger på færre data "
            "end forventet."
        )
    else:
        text += " Ingen kontroller gav advarsler."
    return text


def warnings_markdown(
    report: ValidationReport, max_examples: int = 10, names: Mapping[str, str] | None = None
) -> str:
    """The warnings as a Danish bullet list (file, what is missing, examples, what to do).

    Per-facility examples ("CLB32 mangler lederevaluering") name the facility by its name with
    the id in parentheses when ``names`` (tilbud_id → navn) knows it: "Bostedet Kastanjen
    (CLB32) mangler lederevaluering".
    """
    if not report.warnings:
        return "Der er ingen advarsler: alle aktive tilbud har de forventede data for året."
    lines = []
    md = partial(escaping.markdown, max_length=1000)  # names/examples/texts can carry data
    for w in report.warnings:
        per_facility = bool(w.examples) and all(ln is None for ln, _ in w.examples)
        examples = list(w.examples[:max_examples])
        more = w.n_bad > len(examples) or len(w.examples) > len(examples)
        unit = "tilbud" if per_facility else ("række" if w.n_bad == 1 else "rækker")
        count = f" ({w.n_bad} {unit})" if w.n_bad else ""
        line = f"- **{md(w.file)}**: {md(w.description)}{count}."
        if examples:
            intro = "Det gælder blandt andre" if more else "Det gælder"
            if per_facility:
                items = [_facility_example(v, names or {}, md) for _, v in examples]
                line += f" {intro}: {'; '.join(items)}."
            else:
                items = [md(v) if ln is None else _line_example(ln, md(v)) for ln, v in examples]
                line += f" {intro} {fmt.opremsning(items)}."
        if w.hint:
            line += f" {md(w.hint)}"
            if not w.hint.rstrip().endswith((".", "!", "?")):
                line += "."
        lines.append(line)
    return "\n".join(lines)


def _line_example(line: int, value: str) -> str:
    return f"linje {line} ({value})" if value != "" else f"linje {line}"


def _facility_example(value: str, names: Mapping[str, str], md: Callable[[str], str]) -> str:
    """'CLB32 mangler januar, marts' → 'Bostedet X (CLB32) mangler januar og marts'.

    The examples of the coverage rules are "<tilbud_id> <what>"; an unknown id stays as is.
    """
    tid, _, rest = value.partition(" ")
    name = names.get(tid)
    who = f"{md(name)} ({md(tid)})" if name else md(tid)
    if rest.startswith("uden tilsyn "):
        rest = "har ikke haft tilsyn i " + rest[len("uden tilsyn ") :]
    elif rest.startswith("mangler ") and ", " in rest:
        rest = "mangler " + fmt.opremsning(rest[len("mangler ") :].split(", "))
    return f"{who} {md(rest)}" if rest else who


def _block(findings: list[Check], max_examples: int) -> list[str]:
    lines = []
    for finding in findings:
        mark = "✗" if finding.severity == "fejl" else "!"
        lines.append(f"  {mark} {finding.text(max_examples)}")
        if finding.hint:
            lines.append(f"    Sådan retter du det: {finding.hint}")
    return lines
