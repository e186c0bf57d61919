"""The follow-up plans (opfølgning): one line per plan, one CSV per plan.

A plan is a set of items (anbefalinger, indsatser) grouped in themes, each with a status per
year. The model and the pages (:mod:`statusrapport.analysis.opfoelgning`, the notebooks
``opfoelgning`` and ``opfoelgningsplan``) are the same for every plan; what differs is written
here. **Adding a plan = one line in** :data:`PLANER` **and its CSV in the data folder**, with the
columns of :data:`KOLONNER` (the contract, the validation and the pages follow from this line).

This module imports nothing from the package, so the contract can build the plans' files from it,
and the reader (:mod:`statusrapport.data`) turns each plan's file into the common frame with
:func:`normalise` without importing the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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

    @property
    def egen_kontrakt(self) -> bool:
        """True when the file has the common columns (:data:`KOLONNER`)."""
        return not self.kolonner

    def fil_kolonne(self, column: str) -> str | None:
        """The file's column for a plan column (``None`` when the file does not have it)."""
        if not self.kolonner:
            return column
        return dict(self.kolonner).get(column)


#: Every plan followed on the site, in menu order. One line per plan.
PLANER: tuple[Plan, ...] = (
    Plan(
        "bostedsundersoegelse",
        "Bostedsundersøgelsens anbefalinger (2008)",
        "bostedsundersoegelse",
        2008,
        BOSTED_TRIN,
        ("anbefaling", "anbefalinger"),
        "område",
        "Planen til Socialudvalget fra 2008 svarer på bostedsundersøgelsens anbefalinger i 14 "
        "områder; statustrinene er planens egne.",
        # bostedsundersoegelse.csv keeps its own column names (it predates the common contract)
        (
            ("tema", "omraade"),
            ("punkt_id", "anbefaling_id"),
            ("punkt", "anbefaling"),
            ("aar", "aar"),
            ("status", "status"),
            ("statustekst", "kommentar"),
            ("fiktiv", "fiktiv"),
        ),
    ),
    Plan(
        "handicappolitik",
        "Handicappolitikkens indsatsplan (2019)",
        "opfoelgning_handicappolitik",
        2019,
        INDSATS_TRIN,
        note="Socialforvaltningens indsatsplan for handicappolitikken har fire temaer; hver "
        "indsats har et formål og en statustekst (status 2019). Planen har ingen statustrin: "
        "trinet for 2019 er projektets læsning af statusteksten.",
    ),
)

BY_ID: dict[str, Plan] = {p.id: p for p in PLANER}


def _text(values: pd.Series) -> pd.Series:
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
            out[column] = _text(raw[source].astype("object"))
    out["fiktiv"] = out["fiktiv"].str.lower() == "ja"
    out = out.reset_index(drop=True)
    out["_orden"] = out.groupby("punkt_id", sort=False).ngroup()
    return out
