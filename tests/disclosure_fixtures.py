"""Planted small facilities, and the artefacts the pages publish about them (old and new logic).

``plant`` turns a small demo folder into the cases issue 9 names: a facility alone in its
target group, two small facilities in one group, one with 4 staff and 1 leaver, and one that
closes mid-year. ``write_artefacts`` writes what the turnover/absence pages, the profile pages
and noegletal.json publish, either with today's disclosure pass (``old=False``) or with the
logic before issue 9 (``old=True``: primary suppression on facility pages only, complementary
only within the facility table, group counts and profile history left visible at full
precision), so a test can show that the audit catches the old behaviour.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from statusrapport import disclosure, execution, keyfigures, pages, report
from statusrapport.analysis import personaleomsaetning as personale
from statusrapport.analysis import sygefravaer as fravaer
from statusrapport.data import Dataset

#: tilbud_id → (target group, average staff, leavers, FTE, closes mid-year)
PLANTED: dict[str, tuple[str, float, int, float, bool]] = {
    "ALENE": ("synshandicap", 4.0, 1, 3.5, False),  # alone in its target group
    "PAR1": ("hjerneskade", 3.0, 1, 2.8, False),  # two small ones in one group
    "PAR2": ("hjerneskade", 4.0, 2, 3.6, False),
    "LILLE": ("autisme", 4.0, 1, 3.9, False),  # 4 staff, 1 leaver (issue 9's example)
    "LUKKER": ("socialpsykiatri", 4.5, 2, 4.2, True),  # closes 30 June
}


def plant(folder: Path, year: int) -> None:
    """Add the planted facilities to a demo folder (no other synshandicap facility)."""
    tilbud = pd.read_csv(folder / "tilbud.csv", dtype=str, keep_default_na=False)
    others = ["socialpsykiatri", "autisme", "hjerneskade", "multiple funktionsnedsættelser"]
    mask = tilbud["maalgruppe"] == "synshandicap"
    tilbud.loc[mask, "maalgruppe"] = [others[i % len(others)] for i in range(int(mask.sum()))]
    personale_rows = pd.read_csv(folder / "personale.csv")
    fravaer_rows = pd.read_csv(folder / "fravaer.csv")
    new_tilbud, new_staff, new_absence = [], [], []
    for i, (tid, (group, staff, leavers, fte, closes)) in enumerate(PLANTED.items()):
        new_tilbud.append(
            {
                "tilbud_id": tid,
                "navn": f"Planteret {tid.capitalize()}",
                "center": "Center for Længerevarende Boformer",
                "maalgruppe": group,
                "paragraf": "§ 108",
                "pladser": "4",
                "aktiv_fra": f"{year - 2}-01-01",
                "aktiv_til": f"{year}-06-30" if closes else "",
            }
        )
        for y in range(year - 2, year + 1):
            new_staff.append(
                {
                    "tilbud_id": tid,
                    "aar": y,
                    "gns_ansatte": staff,
                    "fratraadte": leavers,
                    "nyansatte": leavers,
                }
            )
            months = 6 if closes and y == year else 12
            for m in range(1, months + 1):
                possible = round(fte * 19.0, 1)
                sick = round(possible * (0.04 + 0.01 * i), 2)
                new_absence.append(
                    {
                        "tilbud_id": tid,
                        "maaned": f"{y}-{m:02d}",
                        "faggruppe": "pædagogisk personale",
                        "fuldtidsstillinger": fte,
                        "mulige_dagsvaerk": possible,
                        "sygefravaer_dagsvaerk": sick,
                        "langtidssygefravaer_dagsvaerk": round(sick / 3, 2),
                    }
                )
    pd.concat([tilbud, pd.DataFrame(new_tilbud)]).to_csv(folder / "tilbud.csv", index=False)
    pd.concat([personale_rows, pd.DataFrame(new_staff)]).to_csv(
        folder / "personale.csv", index=False
    )
    pd.concat([fravaer_rows, pd.DataFrame(new_absence)]).to_csv(folder / "fravaer.csv", index=False)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Work in ``folder`` as a pipeline kernel would (report.table writes tabeller/ relative to
    it, not to the interactive folder), output silenced."""
    folder.mkdir(parents=True, exist_ok=True)
    before = os.getcwd()
    build = os.environ.get("STATUSRAPPORT_BUILD")
    os.chdir(folder)
    os.environ["STATUSRAPPORT_BUILD"] = str(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        os.chdir(before)
        if build is None:
            os.environ.pop("STATUSRAPPORT_BUILD", None)
        else:
            os.environ["STATUSRAPPORT_BUILD"] = build


def _front_matter(folder: Path, data: Dataset, year: int) -> None:
    import nbformat

    (folder / "tilbud").mkdir(parents=True, exist_ok=True)
    for row in data.active_facilities(year).itertuples():
        nb = nbformat.v4.new_notebook()
        nb.cells.append(
            execution.front_matter_cell(
                {"title": row.navn, "tilbud_id": row.tilbud_id, "maalgruppe": str(row.maalgruppe)}
            )
        )
        nbformat.write(nb, folder / "tilbud" / f"{row.tilbud_id}.ipynb")


def write_artefacts(data: Dataset, year: int, root: Path, *, old: bool = False) -> Path:
    """The turnover/absence artefacts of ``year`` under ``root/reports/<year>``; returns root."""
    folder = root / "reports" / str(year)
    _front_matter(folder, data, year)
    if old:
        _old(data, year, folder)
    else:
        _new(data, year, folder)
    return root


def _new(data: Dataset, year: int, folder: Path) -> None:
    """What today's pages publish: every table the page registry declares with a source, as
    :func:`statusrapport.pages.published` recomputes it (declared columns and precision)."""
    figures = {**personale.key_figures(data, year), **fravaer.key_figures(data, year)}
    keyfigures.write(figures, folder)
    with _inside(folder):
        for page in (pages.PERSONALEOMSAETNING, pages.SYGEFRAVAER):
            for table in page.tables:
                if table.source is not None:
                    report.table(pages.published(table, data, year), name=table.id)
    for tid in data.active_facilities(year)["tilbud_id"]:
        with _inside(folder / "tilbud"):
            for table in pages.PROFILE.tables:
                if table.source is not None:
                    name = table.id.replace("{tilbud}", str(tid))
                    report.table(pages.published(table, data, year, str(tid)), name=name)


def _old_suppress(frame: pd.DataFrame, group_by: list[str] | None) -> pd.DataFrame:
    """The suppression before issue 9: rate only, complementary within one table."""
    return disclosure.suppress(
        frame,
        columns=["omsaetning"],
        numerators=["fratraadte"],
        denominators=["gns_ansatte"],
        group_by=group_by,
    )


def _old(data: Dataset, year: int, folder: Path) -> None:
    """What the pages published before issue 9 (turnover), at full precision."""
    tables = folder / "tabeller"
    tables.mkdir(parents=True, exist_ok=True)
    rows = personale.rows(data, year)
    rows["maalgruppe"] = rows["maalgruppe"].astype(str)
    facilities = _old_suppress(rows, ["maalgruppe"])
    groups = personale.summarise(rows, ["maalgruppe"]).assign(_alle=1)
    groups = _old_suppress(groups, ["_alle"])
    centre = personale.summarise(rows).iloc[0]

    def none(v: float) -> float | None:
        return None if pd.isna(v) else float(v)

    figures = {
        "personaleomsaetning.procent_samlet": float(centre["omsaetning"]),
        "personaleomsaetning.antal_fratraadte": int(centre["fratraadte"]),
        "personaleomsaetning.gns_ansatte": float(centre["gns_ansatte"]),
        "personaleomsaetning.procent_pr_tilbud": {
            r.tilbud_id: none(r.omsaetning) for r in facilities.itertuples()
        },
        "personaleomsaetning.procent_pr_maalgruppe": {
            r.maalgruppe: none(r.omsaetning) for r in groups.itertuples()
        },
    }
    (folder / "noegletal.json").write_text(json.dumps(figures), encoding="utf-8")
    shown = facilities.loc[~facilities[disclosure.FLAG]]
    personale.labelled(
        shown, ["navn", "maalgruppe", "gns_ansatte", "fratraadte", "omsaetning"]
    ).to_csv(tables / "fig-tragt-personaleomsaetning.csv", index=False)
    personale.labelled(groups, ["maalgruppe", "gns_ansatte", "fratraadte", "omsaetning"]).to_csv(
        tables / "fig-personaleomsaetning-pr-maalgruppe.csv", index=False
    )
    # Profile history: only the primary rule, full precision.
    (folder / "tilbud" / "tabeller").mkdir(parents=True, exist_ok=True)
    for r in rows.itertuples():
        small = (0 < r.fratraadte < 5) or r.gns_ansatte < 5
        pd.DataFrame(
            {
                "År": [year],
                "Personaleomsætning, tilbuddet": [np.nan if small else r.omsaetning],
                "Personaleomsætning, hele centret": [float(centre["omsaetning"])],
            }
        ).to_csv(
            folder / "tilbud" / "tabeller" / f"historik-{report.slug(r.tilbud_id)}.csv",
            index=False,
        )
