"""The one place for paths and targets (the data contract itself is in ``contract.py``).

Notebooks and modules import from here instead of writing paths such as ``../data``; a scheduled
run or a test moves the whole project by setting ``STATUSRAPPORT_ROOT`` (and optionally
``STATUSRAPPORT_DATA`` for the input folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from statusrapport.contract import (
    FAGGRUPPER,
    FOERSTE_AAR,
    INDIKATORER,
    MAALGRUPPER,
    MYNDIGHEDER,
    PAABUD_TYPER,
    STATUSSER,
    TEMAER,
    column_names,
)
from statusrapport.root import find_root

__all__ = [
    "FAGGRUPPER",
    "FOERSTE_AAR",
    "INDIKATORER",
    "MAALGRUPPER",
    "MYNDIGHEDER",
    "PAABUD_TYPER",
    "STATUSSER",
    "TEMAER",
]


def _find_root() -> Path:
    """The project root: the env override, else the nearest folder above with ``_quarto.yml``."""
    return find_root()


PROJECT_ROOT: Path = _find_root()
DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = Path(os.environ.get("STATUSRAPPORT_DATA", DATA_DIR / "raw")).resolve()
NOTEBOOKS_DIR: Path = Path(os.environ.get("STATUSRAPPORT_NOTEBOOKS", PROJECT_ROOT / "notebooks"))
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
EXPECTATIONS_DIR: Path = PROJECT_ROOT / "expectations"
SITE_DIR: Path = PROJECT_ROOT / "_site"

#: Marker file the demo generator writes next to the CSVs; its presence labels every page
#: built from the folder as fictive data.
DEMO_MARKER = "FIKTIVE_DATA.json"
DEMO_LABEL = "Fiktive data – ikke til beslutningsbrug"

# --- The data contract lives in contract.py; the names below are kept for the notebooks -----

#: File name (without ``.csv``) → its columns, in contract order.
FILES: dict[str, tuple[str, ...]] = column_names()

#: Themes repealed by L 200 (2024-25); inspections after the reform score the other five.
TEMAER_OPHAEVET: tuple[str, ...] = ("Uddannelse og beskæftigelse", "Selvstændighed og relationer")
TEMAER_EFTER_REFORM: tuple[str, ...] = tuple(t for t in TEMAER if t not in TEMAER_OPHAEVET)
#: Date from which the demo data scores five themes (assumption; real data decides by itself).
REFORM_DATO = date(2025, 7, 1)


@dataclass(frozen=True)
class Targets:
    """Effektmål from the CLB framework paper (rammepapir, June 2025)."""

    tilsyn_min: float = 3.8  # average theme score per facility, of 5
    paabud_max: int = 0  # orders or sanctions from statutory inspections
    trivsel_min: float = 5.5  # wellbeing survey, of 7
    lederevaluering_min: float = 6.0  # leader evaluation, of 7
    belaegning_min: float = 94.0  # occupancy, per cent
    budget_max_abs: float = 1.0  # budget deviation, +/- per cent
    #: rates: the place-weighted rate per day strictly below the comparable private average
    #: by more than this many per cent (0: any amount below; issue 15)
    takster_under_pct: float = 0.0


TARGETS = Targets()

#: Disclosure control: no published figure may concern fewer persons than this.
MIN_PERSONS: int = int(os.environ.get("STATUSRAPPORT_MIN_PERSONS", "5"))

#: Long-term absence: sickness periods longer than this many calendar days (stated on the site).
LANGTID_DAGE: int = 28

#: Working days in a year for a full-time employee (37 hours/week), used for days per FTE.
ARBEJDSDAGE_PR_AAR: int = 227


def is_demo(data_dir: Path | str | None = None) -> bool:
    """True when the input folder was written by the demo generator."""
    folder = Path(data_dir) if data_dir else RAW_DIR
    return (folder / DEMO_MARKER).exists()


# --- The report's pages are declared in pages.py (the page registry) ----------------------

#: Executed once per active facility into reports/<year>/tilbud/<tilbud_id>.ipynb.
PROFILE_NOTEBOOK = "tilbudsprofil"

# --- Follow-up plans (one entry each in planer.toml): overview page and one page per plan ------

#: Executed once per plan in ``planer.PLANER`` into reports/<year>/opfoelgning/<plan_id>.ipynb
#: – except a plan that has its own year page (the bostedsundersøgelse: one page, not two).
PLAN_NOTEBOOK = "opfoelgningsplan"
