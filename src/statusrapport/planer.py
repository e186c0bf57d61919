"""The follow-up plans (opfølgning): one entry per plan in ``planer.toml``, one CSV per plan.

A plan is a set of items (anbefalinger, indsatser) grouped in themes, each with a status per
year. The model and the pages (:mod:`statusrapport.analysis.opfoelgning`, the notebooks
``opfoelgning`` and ``opfoelgningsplan``) are the same for every plan; what differs is data:
**adding a plan = one** ``[[plan]]`` **entry in** ``planer.toml`` (project root; another file
with ``STATUSRAPPORT_PLANER``) **and its CSV in the data folder**, with the columns of
:data:`KOLONNER`. No code changes, so the package's fingerprint does not move and only the
new plan's pages (and the overview) run (issue 24).

A broken ``planer.toml`` does not stop the import (the contract is built from it at import
time): :data:`LOAD_ERROR` holds the Danish message and :func:`check` raises it where a command
starts. This module imports nothing from the package but :mod:`.root` and :mod:`.errors`, so
the contract can build the plans' files from it, and the reader (:mod:`statusrapport.data`)
turns each plan's file into the common frame with :func:`normalise` without importing the
analysis.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from statusrapport.errors import UsageError
from statusrapport.root import find_root

#: The columns of a plan's CSV (the follow-up data contract), in file order.
KOLONNER: tuple[str, ...] = (
    "tema",
    "punkt_id",
    "punkt",
    "formaal",
    "aar",
    "status",
    "statustekst",
    "fiktiv",
)

#: Follow-up statuses of the bostedsundersøgelse, lowest stage first (the 2008 plan's wording).
BOSTED_TRIN: tuple[str, ...] = (
    "under overvejelse",
    "delvist planlagt",
    "planlagt",
    "delvist imødekommet",
    "imødekommet",
)

#: Stages of the handicap policy's action plan. The plan itself has only status texts; the
#: stage of 2019 is the project's reading of that text ("ikke prioriteret til budgetforliget"
#: → ikke igangsat; "afsluttet", "i fuld drift", "overgår til almindelig drift" → the top).
INDSATS_TRIN: tuple[str, ...] = ("ikke igangsat", "planlagt", "i gang", "i drift eller afsluttet")


@dataclass(frozen=True)
class Plan:
    """One follow-up plan: what the pages call it and how its statuses are read."""

    #: Key of the plan: the page's file name (``reports/<år>/opfoelgning/<id>.ipynb``).
    id: str
    #: Title on the pages, e.g. "Handicappolitikkens indsatsplan".
    titel: str
    #: The input file without ``.csv``.
    fil: str
    #: The year of the plan's own (baseline) status.
    startaar: int
    #: Status stages, lowest first; empty when the plan has status texts only.
    trin: tuple[str, ...] = ()
    #: What an item is called on the pages (singular, plural) and what a theme is called.
    punkt_navn: tuple[str, str] = ("indsats", "indsatser")
    tema_navn: str = "tema"
    #: One or two Danish sentences for the page: where the plan comes from, how stages are read.
    note: str = ""
    #: Only for a file that predates the common contract: (plan column, file column) pairs.
    kolonner: tuple[tuple[str, str], ...] = ()
    #: The plan's themes in its order; the demo generator makes fictive items in them.
    temaer: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """The entry as configured: part of the plan page's key (another plan's entry is not)."""
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def tema_flertal(self) -> str:
        """The theme word in the plural: 'område' → 'områder', 'tema' → 'temaer' (not 'temar')."""
        word = self.tema_navn
        if word.endswith("e"):
            return word + "r"
        return word + "er"

    @property
    def egen_kontrakt(self) -> bool:
        """True when the file has the common columns (:data:`KOLONNER`)."""
        return not self.kolonner

    def fil_kolonne(self, column: str) -> str | None:
        """The file's column for a plan column (``None`` when the file does not have it)."""
        if not self.kolonner:
            return column
        return dict(self.kolonner).get(column)


#: The environment variable naming another plan file than ``<project>/planer.toml``.
PLAN_FILE_ENV = "STATUSRAPPORT_PLANER"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_FIELDS = {
    "id": "tekst",
    "titel": "tekst",
    "fil": "tekst",
    "startaar": "årstal",
    "trin": "liste af tekster",
    "temaer": "liste af tekster",
    "punkt_navn": "[ental, flertal]",
    "tema_navn": "tekst",
    "note": "tekst",
    "kolonner": "tabel",
}


class PlanConfigError(UsageError):
    """``planer.toml`` cannot be used; the message names the file, the plan and the field."""


def plan_file() -> Path:
    """The plan configuration: ``STATUSRAPPORT_PLANER``, else ``planer.toml`` in the project."""
    override = os.environ.get(PLAN_FILE_ENV)
    return Path(override) if override else find_root() / "planer.toml"


def _texts(value: object, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PlanConfigError(f'{where}: feltet {field} skal være en liste af tekster, fx ["a"]')
    if len(set(value)) != len(value):
        raise PlanConfigError(f"{where}: feltet {field} har den samme tekst to gange")
    return tuple(v.strip() for v in value)


def _text(entry: dict[str, object], field: str, where: str, default: str | None = None) -> str:
    value = entry.get(field, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise PlanConfigError(f"{where}: feltet {field} skal være en tekst (i anførselstegn)")
    return value.strip()


def _plan(entry: object, number: int, path: Path) -> Plan:
    """One ``[[plan]]`` entry checked field by field (a typo in a field name is named)."""
    where = f"{path.name}, plan nr. {number}"
    if not isinstance(entry, dict):
        raise PlanConfigError(f"{where}: skal være en [[plan]]-blok")
    if isinstance(entry.get("id"), str):
        where += f' (id "{entry["id"]}")'
    for field in entry:
        if field not in _FIELDS:
            guess = difflib.get_close_matches(field, list(_FIELDS), n=1)
            raise PlanConfigError(
                f'{where}: ukendt felt "{field}"'
                + (f" – mente du {guess[0]}?" if guess else "")
                + " Felterne er: "
                + ", ".join(_FIELDS)
                + "."
            )
    missing = [f for f in ("id", "titel", "fil", "startaar") if f not in entry]
    if missing:
        raise PlanConfigError(f"{where}: mangler feltet " + ", ".join(missing))
    plan_id, fil = _text(entry, "id", where), _text(entry, "fil", where)
    for field, value in (("id", plan_id), ("fil", fil)):
        if not _ID.match(value):
            raise PlanConfigError(
                f'{where}: {field} "{value}" må kun have små bogstaver a–z, cifre, _ og - '
                "(højst 32 tegn); det bliver et filnavn"
            )
    start = entry["startaar"]
    if not isinstance(start, int) or isinstance(start, bool) or not 1990 <= start <= 2100:
        raise PlanConfigError(
            f"{where}: startaar skal være et årstal som 2019 (uden anførselstegn)"
        )
    noun = entry.get("punkt_navn", ["indsats", "indsatser"])
    if not (isinstance(noun, list) and len(noun) == 2 and all(isinstance(n, str) for n in noun)):
        raise PlanConfigError(f'{where}: punkt_navn skal være [ental, flertal], fx ["mål", "mål"]')
    columns = entry.get("kolonner", {})
    if not isinstance(columns, dict) or not all(
        k in KOLONNER and isinstance(v, str) for k, v in columns.items()
    ):
        raise PlanConfigError(
            f"{where}: kolonner skal parre planens kolonner ({', '.join(KOLONNER)}) med filens"
        )
    return Plan(
        plan_id,
        _text(entry, "titel", where),
        fil,
        start,
        _texts(entry.get("trin", []), where, "trin") if entry.get("trin") else (),
        (noun[0], noun[1]),
        _text(entry, "tema_navn", where, "tema"),
        _text(entry, "note", where, ""),
        tuple((k, columns[k]) for k in KOLONNER if k in columns),
        _texts(entry.get("temaer", []), where, "temaer") if entry.get("temaer") else (),
    )


def load(path: Path) -> tuple[Plan, ...]:
    """Every plan in ``path`` in file order; :class:`PlanConfigError` when it cannot be used."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanConfigError(
            f"Planfilen {path} findes ikke. Gendan planer.toml fra git, eller peg på en anden "
            f"fil med {PLAN_FILE_ENV}."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanConfigError(f"Planfilen {path} kan ikke læses ({error}).") from None
    except tomllib.TOMLDecodeError as error:
        raise PlanConfigError(
            f"{Path(path).name} er ikke gyldig TOML ({error}); tjek anførselstegn og [[plan]]."
        ) from None
    unknown = set(raw) - {"plan"}
    if unknown:
        raise PlanConfigError(
            f"{Path(path).name}: ukendt afsnit {', '.join(sorted(unknown))}; hver plan står i "
            "en [[plan]]-blok"
        )
    plans = tuple(_plan(e, n, Path(path)) for n, e in enumerate(raw.get("plan", []), start=1))
    for field in ("id", "fil"):
        seen: set[str] = set()
        for plan in plans:
            value = getattr(plan, field)
            if value in seen:
                raise PlanConfigError(f'{Path(path).name}: to planer har {field} "{value}"')
            seen.add(value)
    return plans


def _load_or_error() -> tuple[tuple[Plan, ...], str | None]:
    try:
        return load(plan_file()), None
    except PlanConfigError as error:
        return (), str(error)


#: Every plan followed on the site, in menu order (``planer.toml``); empty when it is broken.
PLANER, LOAD_ERROR = _load_or_error()

BY_ID: dict[str, Plan] = {p.id: p for p in PLANER}


def check() -> None:
    """Raise the plan file's problem (:class:`PlanConfigError`) where a command starts."""
    if LOAD_ERROR:
        raise PlanConfigError(LOAD_ERROR)


def _clean_text(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().replace({"nan": "", "<NA>": ""})


def normalise(plan: Plan, raw: pd.DataFrame) -> pd.DataFrame:
    """The plan's file as the common frame, rows in file order (the plan's own order).

    ``fiktiv`` becomes a bool; empty texts become ``""``; ``_orden`` is the item's first row
    in the file, so themes and items keep the plan's order rather than an alphabetical one.
    """
    out = pd.DataFrame(index=raw.index)
    out["plan"] = plan.id
    for column in KOLONNER:
        source = plan.fil_kolonne(column)
        if source is None or source not in raw:
            out[column] = ""
        elif column == "aar":
            out[column] = pd.to_numeric(raw[source]).astype("int64")
        else:
            out[column] = _clean_text(raw[source].astype("object"))
    out["fiktiv"] = out["fiktiv"].str.lower() == "ja"
    out = out.reset_index(drop=True)
    out["_orden"] = out.groupby("punkt_id", sort=False).ngroup()
    return out
