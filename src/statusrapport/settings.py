"""Publication settings: one validated file, ``publicering.toml`` at the project root.

What the data cannot say but a published report needs: the site's own address, the
organisation and committee, the accessibility contact and the statement on
Digitaliseringsstyrelsen's WAS-tool, and per report year the committee meeting (date, agenda
item, case number) printed on the annex's first page.

A value that starts with ``UDFYLD`` is a placeholder. With demo data placeholders are fine and
are shown as visibly labelled placeholders. With real data (no demo marker, see
:func:`statusrapport.config.is_demo`) :func:`check_for_run` stops the run before any work –
exit 1, a Danish message naming the file and every setting to fill in – so nothing is published
with a placeholder. A file that cannot be read as the contract below is an error either way.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from statusrapport import config
from statusrapport.errors import DataError

FILE_NAME = "publicering.toml"
#: Another settings file (tests, a second installation): ``STATUSRAPPORT_PUBLICERING=/sti``.
FILE_ENV = "STATUSRAPPORT_PUBLICERING"
#: A value that starts with this (any case) is a placeholder, not a setting.
PLACEHOLDER = "UDFYLD"

_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class SettingsError(DataError):
    """The publication settings are missing, placeholders or malformed (exit 1)."""


@dataclass(frozen=True)
class Setting:
    """One key of the file: its table, type and whether a real-data run needs it."""

    table: str
    key: str
    kind: str  # "text", "url", "email", "date", "number"
    required: bool = True
    what: str = ""  # Danish: what to fill in

    @property
    def name(self) -> str:
        return f"[{self.table}] {self.key}"


#: The file's contract: every setting outside the per-year meeting tables.
SETTINGS: tuple[Setting, ...] = (
    Setting("site", "adresse", "url", what="sitets offentlige adresse (https://…)"),
    Setting("site", "organisation", "text", what="organisationen, der udgiver rapporten"),
    Setting("site", "udvalg", "text", what="det politiske udvalg, rapporten går til"),
    Setting("tilgaengelighed", "kontakt_enhed", "text", what="enheden, der svarer på henvendelser"),
    Setting("tilgaengelighed", "kontakt_email", "email", what="funktionspostkassens e-mailadresse"),
    Setting(
        "tilgaengelighed",
        "was_link",
        "url",
        what="linket til erklæringen i Digitaliseringsstyrelsens WAS-tool",
    ),
)
#: The keys of each ``[moeder.<år>]`` table: the meeting that receives that year's report.
MEETING: tuple[Setting, ...] = (
    Setting("moeder.<år>", "moededato", "date", what="udvalgsmødets dato (fx 2026-01-28)"),
    Setting("moeder.<år>", "dagsordenspunkt", "number", what="punktets nummer på dagsordenen"),
    Setting("moeder.<år>", "sagsnummer", "text", what="sagsnummeret (fx 2025-0123456)"),
    Setting("moeder.<år>", "bilagsnummer", "number", required=False, what="bilagets nummer"),
    Setting("moeder.<år>", "dokumentnummer", "text", required=False, what="dokumentnummeret"),
)


@dataclass(frozen=True)
class Meeting:
    """The committee meeting that receives one year's report (None: not given, or placeholder)."""

    year: int
    moededato: date | None = None
    dagsordenspunkt: int | None = None
    sagsnummer: str | None = None
    bilagsnummer: int | None = None
    dokumentnummer: str | None = None


@dataclass(frozen=True)
class Publication:
    """The validated settings. Values are None where the file has a placeholder or nothing."""

    path: Path
    values: Mapping[str, Any]  # "site.adresse" → value (None: placeholder or missing)
    meetings: Mapping[int, Meeting] = field(default_factory=dict)
    placeholders: frozenset[str] = frozenset()  # "site.adresse", "moeder.2025.sagsnummer", …

    def get(self, dotted: str) -> Any:
        return self.values.get(dotted)

    def text(self, dotted: str) -> str:
        """The value to show, or a visibly labelled placeholder (demo data only gets this far)."""
        value = self.values.get(dotted)
        if value is None:
            return placeholder_text(dotted)
        return str(value)

    def meeting(self, year: int) -> Meeting:
        return self.meetings.get(year) or Meeting(year)

    def problems(self, years: Iterable[int] = ()) -> list[str]:
        """What a real-data run must not publish: required settings missing or placeholders."""
        found = []
        for setting in SETTINGS:
            dotted = f"{setting.table}.{setting.key}"
            if setting.required and self.values.get(dotted) is None:
                found.append(_missing(setting.name, setting.what, dotted in self.placeholders))
        for year in sorted(set(years)):
            meeting = self.meetings.get(year)
            for setting in MEETING:
                if not setting.required:
                    continue
                dotted = f"moeder.{year}.{setting.key}"
                if meeting is None or getattr(meeting, setting.key) is None:
                    name = f"[moeder.{year}] {setting.key}"
                    found.append(_missing(name, setting.what, dotted in self.placeholders))
        return found


def placeholder_text(dotted: str) -> str:
    """How a placeholder reads on a demo site: labelled, never mistaken for a setting."""
    return f"[pladsholder: {dotted} udfyldes i {FILE_NAME}]"


def _missing(name: str, what: str, placeholder: bool) -> str:
    state = "er stadig en pladsholder" if placeholder else "mangler"
    return f"{name} {state}: {what}"


def settings_path() -> Path:
    """The settings file: ``STATUSRAPPORT_PUBLICERING`` or ``publicering.toml`` in the project."""
    override = os.environ.get(FILE_ENV)
    return Path(override) if override else config.PROJECT_ROOT / FILE_NAME


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith(PLACEHOLDER)


def _convert(setting: Setting, name: str, value: Any, path: Path) -> Any:
    """The value as its type, or a SettingsError naming the file and the setting."""

    def wrong(expected: str) -> SettingsError:
        return SettingsError(
            f"{path}: indstillingen {name} skal være {expected}, men er {value!r}. "
            "Ret filen, og kør igen. Intet er kørt eller publiceret."
        )

    if setting.kind == "date":
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise wrong("en dato som 2026-01-28")
    if setting.kind == "number":
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
            return int(value)
        raise wrong("et positivt heltal")
    if not isinstance(value, str) or not value.strip():
        raise wrong("en tekst")
    text = value.strip()
    if setting.kind == "url" and not _URL.match(text):
        raise wrong("en adresse, der begynder med https://")
    if setting.kind == "email" and not _EMAIL.match(text):
        raise wrong("en e-mailadresse")
    return text


def _unknown(path: Path, where: str, keys: Iterable[str], known: Iterable[str]) -> None:
    extra = sorted(set(keys) - set(known))
    if extra:
        raise SettingsError(
            f"{path}: ukendt indstilling {', '.join(f'{where}{k}' for k in extra)} "
            f"(kendte: {', '.join(sorted(known))}). Ret stavningen, og kør igen."
        )


def load(path: Path | None = None) -> Publication:
    """Read and validate the settings file; a missing file is all placeholders.

    Raises :class:`SettingsError` for what is wrong whatever the data: not TOML, an unknown
    table or key (a typo would otherwise be a silently missing setting), a value of the wrong
    type. Placeholders and missing settings are left to :func:`check_for_run`.
    """
    path = Path(path) if path is not None else settings_path()
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(
                f"{path} kan ikke læses som TOML: {error}. Ret filen, og kør igen."
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(f"{path} kan ikke læses: {error}.") from None
    tables = {s.table for s in SETTINGS}
    _unknown(path, "", raw, [*tables, "moeder"])
    values: dict[str, Any] = {}
    placeholders: set[str] = set()
    for table in sorted(tables):
        section = raw.get(table, {})
        if not isinstance(section, dict):
            raise SettingsError(f"{path}: [{table}] skal være en tabel med indstillinger.")
        _unknown(path, f"{table}.", section, [s.key for s in SETTINGS if s.table == table])
    for setting in SETTINGS:
        dotted = f"{setting.table}.{setting.key}"
        value = raw.get(setting.table, {}).get(setting.key)
        if value is None or _is_placeholder(value):
            values[dotted] = None
            if value is not None:
                placeholders.add(dotted)
            continue
        values[dotted] = _convert(setting, setting.name, value, path)
    if isinstance(values.get("site.adresse"), str):
        values["site.adresse"] = values["site.adresse"].rstrip("/") + "/"
    meetings: dict[int, Meeting] = {}
    moeder = raw.get("moeder", {})
    if not isinstance(moeder, dict):
        raise SettingsError(f"{path}: [moeder] skal have én tabel pr. år, fx [moeder.2025].")
    for key, section in moeder.items():
        if not (str(key).isdigit() and len(str(key)) == 4) or not isinstance(section, dict):
            raise SettingsError(
                f"{path}: [moeder.{key}] er ikke et rapportår; skriv fx [moeder.2025]."
            )
        year = int(key)
        _unknown(path, f"moeder.{year}.", section, [s.key for s in MEETING])
        fields: dict[str, Any] = {}
        for setting in MEETING:
            value = section.get(setting.key)
            if value is None or _is_placeholder(value):
                if value is not None:
                    placeholders.add(f"moeder.{year}.{setting.key}")
                continue
            fields[setting.key] = _convert(setting, f"[moeder.{year}] {setting.key}", value, path)
        meetings[year] = Meeting(year, **fields)
    return Publication(path, values, meetings, frozenset(placeholders))


def check_for_run(
    data_dir: Path, years: Iterable[int] = (), path: Path | None = None
) -> Publication:
    """The settings for a run on ``data_dir``: with real data every required setting is filled.

    ``years``: the report years whose annex this run makes (their meeting is required).
    """
    publication = load(path)
    if config.is_demo(data_dir):
        return publication
    problems = publication.problems(years)
    if problems:
        where = "findes ikke" if not publication.path.exists() else "er ikke udfyldt"
        raise SettingsError(
            f"{publication.path} {where}: rigtige data (ingen {config.DEMO_MARKER} i "
            f"{data_dir}) publiceres ikke med pladsholdere. Udfyld:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + "\nIntet er kørt eller publiceret."
        )
    return publication


def site_variables(publication: Publication) -> dict[str, Any]:
    """The values of ``{{< var … >}}`` that come from the settings (``_variables.yml``);
    a placeholder reads as one (only demo data get this far with placeholders)."""
    email = publication.text("tilgaengelighed.kontakt_email")
    return {
        "organisation": publication.text("site.organisation"),
        "udvalg": publication.text("site.udvalg"),
        "site_adresse": publication.text("site.adresse"),
        "kontakt": {
            "enhed": publication.text("tilgaengelighed.kontakt_enhed"),
            "email": email,
        },
        "was_link": publication.text("tilgaengelighed.was_link"),
    }


def danish_meeting_date(day: date | None) -> str | None:
    """'28.01.2026', as Københavns Kommune's agendas write a meeting date."""
    return None if day is None else day.strftime("%d.%m.%Y")


def fingerprint(publication: Publication, year: int | None = None) -> str:
    """What of the settings a page or a year's PDFs show, as text for a content hash."""
    parts = [f"{k}={publication.values.get(k)}" for k in sorted(publication.values)]
    if year is not None:
        parts.append(repr(publication.meeting(year)))
    return "\n".join(parts)
