"""Follow-up on the 2008 bostedsundersøgelse: where each recommendation stands, and progress.

The model is a generic follow-up plan, not tied to the 14 areas of 2008: one row per
recommendation (``anbefaling_id``) per status year, grouped by an area column, with a status from
an ordered scale (``config.STATUSSER``, lowest stage first). The handicap policy's action plan
(four themes, status 2019) fits the same frame, so the functions take the frame and column names
rather than a :class:`~statusrapport.data.Dataset`.

Definitions:

* *Status year*: the latest year ≤ the report year with status rows (a plan is not necessarily
  followed up every year); :func:`year_note` says so when it differs from the report year.
* *Baseline*: a recommendation's first status (normally the 2008 plan itself).
* *Rykket op* / *rykket tilbage*: current status higher / lower than the baseline (net change).
* *Tilbageskridt undervejs*: a status lower than the one in the preceding status year at some
  point up to the status year; these are listed with the comment explaining them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from statusrapport import config, fmt
from statusrapport.data import Dataset

ID = "anbefaling_id"
TEXT = "anbefaling"
AREA = "omraade"
STATUS = "status"
YEAR = "aar"

__all__ = [
    "Progress",
    "areas",
    "current_status",
    "fictive_note",
    "key_figures",
    "not_met",
    "overview",
    "progress",
    "status_by_area",
    "status_counts",
    "status_year",
    "year_note",
]


def _ordered(frame: pd.DataFrame, statuses: tuple[str, ...]) -> pd.DataFrame:
    """A copy with the status as an ordered categorical on ``statuses`` (lowest first)."""
    out = frame.copy()
    unknown = set(out[STATUS].dropna().astype(str)) - set(statuses)
    if unknown:
        raise ValueError(f"Ukendt status: {', '.join(sorted(unknown))}")
    out[STATUS] = pd.Categorical(out[STATUS].astype(str), categories=list(statuses), ordered=True)
    return out


def status_year(frame: pd.DataFrame, year: int) -> int:
    """The latest status year ≤ ``year`` (ValueError when the plan has none yet)."""
    years = frame.loc[frame[YEAR] <= year, YEAR]
    if years.empty:
        raise ValueError(f"Der er ingen statusopgørelse i {year} eller tidligere.")
    return int(years.max())


def year_note(frame: pd.DataFrame, year: int) -> str:
    """A Danish sentence when the page shows an earlier status year than the report year."""
    used = status_year(frame, year)
    if used == year:
        return ""
    return (
        f"Der er ingen statusopgørelse for {year}. Siden viser den seneste opgørelse, "
        f"som er fra {used}."
    )


def areas(frame: pd.DataFrame) -> list[str]:
    """Areas in the plan's own order (by first recommendation id), not alphabetically."""
    return list(frame.sort_values([ID, YEAR])[AREA].drop_duplicates())


def _capital(values: pd.Series) -> pd.Series:
    """Area names start with a capital letter in tables ('visitation' → 'Visitation')."""
    values = values.astype(str)
    return values.str[:1].str.upper() + values.str[1:]


def current_status(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> pd.DataFrame:
    """The rows of the status year (one per recommendation), statuses ordered."""
    used = status_year(frame, year)
    rows = _ordered(frame[frame[YEAR] == used], statuses)
    return rows.sort_values(ID, ignore_index=True)


def status_by_area(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> pd.DataFrame:
    """Recommendations per area (rows, plan order) and status (columns, lowest first), I alt."""
    rows = current_status(frame, year, statuses)
    counts = pd.crosstab(rows[AREA], rows[STATUS], dropna=False).reindex(
        index=areas(rows), columns=list(statuses), fill_value=0
    )
    counts = counts.fillna(0).astype("int64")
    counts["I alt"] = counts.sum(axis=1)
    out = counts.reset_index(names="Område").rename_axis(columns=None)
    out["Område"] = _capital(out["Område"])
    return out


def status_counts(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> pd.DataFrame:
    """Count per status in the first status year and in the status year (all statuses shown).

    Columns: Status, then one column per year named by the year (as text).
    """
    used = status_year(frame, year)
    first = int(frame[YEAR].min())
    out = pd.DataFrame({"Status": list(statuses)})
    for y in dict.fromkeys([first, used]):
        rows = _ordered(frame[frame[YEAR] == y], statuses)
        counts = rows[STATUS].value_counts().reindex(list(statuses), fill_value=0)
        out[str(y)] = counts.to_numpy().astype("int64")
    return out


@dataclass(frozen=True)
class Progress:
    """Progress since the baseline, per recommendation and summed (see module docstring)."""

    first_year: int
    year: int
    table: pd.DataFrame
    n: int
    n_areas: int
    n_up: int
    n_down: int
    n_unchanged: int
    n_met: int
    n_reached_met: int
    setbacks: pd.DataFrame = field(repr=False)

    @property
    def share_met(self) -> float:
        """Share of recommendations at the top of the scale now (NaN for an empty plan)."""
        return self.n_met / self.n if self.n else float("nan")


def progress(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> Progress:
    """Baseline against current status for every recommendation, and the setbacks on the way."""
    used = status_year(frame, year)
    rows = _ordered(frame[frame[YEAR] <= used], statuses).sort_values([ID, YEAR])
    rows["_niveau"] = rows[STATUS].cat.codes
    first = rows.groupby(ID).head(1).set_index(ID)
    current = rows[rows[YEAR] == used].set_index(ID)
    top = statuses[-1]

    table = pd.DataFrame(
        {
            "anbefaling_id": current.index,
            "Område": _capital(current[AREA]).to_numpy(),
            "Anbefaling": current[TEXT].to_numpy(),
            "Første statusår": first.loc[current.index, YEAR].astype("int64").to_numpy(),
            "Første status": first.loc[current.index, STATUS].astype(str).to_numpy(),
            "Nuværende status": current[STATUS].astype(str).to_numpy(),
        }
    )
    change = current["_niveau"].to_numpy() - first.loc[current.index, "_niveau"].to_numpy()
    table["Ændring (trin)"] = change.astype("int64")
    table["Udvikling"] = [
        "rykket op" if c > 0 else "rykket tilbage" if c < 0 else "uændret" for c in change
    ]

    rows["_forrige"] = rows.groupby(ID)["_niveau"].shift()
    back = rows[rows["_forrige"].notna() & (rows["_niveau"] < rows["_forrige"])]
    previous_status = [statuses[int(i)] for i in back["_forrige"]]
    setbacks = pd.DataFrame(
        {
            "anbefaling_id": back[ID].to_numpy(),
            "Område": _capital(back[AREA]).to_numpy(),
            "Anbefaling": back[TEXT].to_numpy(),
            "År": back[YEAR].astype("int64").to_numpy(),
            "Fra status": previous_status,
            "Til status": back[STATUS].astype(str).to_numpy(),
            "Kommentar": back["kommentar"].fillna("").to_numpy() if "kommentar" in back else "",
        }
    )
    met_now = table["Nuværende status"] == top
    return Progress(
        first_year=int(rows[YEAR].min()),
        year=used,
        table=table,
        n=len(table),
        n_areas=int(table["Område"].nunique()),
        n_up=int((change > 0).sum()),
        n_down=int((change < 0).sum()),
        n_unchanged=int((change == 0).sum()),
        n_met=int(met_now.sum()),
        n_reached_met=int((met_now & (table["Første status"] != top)).sum()),
        setbacks=setbacks.reset_index(drop=True),
    )


def overview(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> pd.DataFrame:
    """All recommendations with first and current status and the latest comment, plan order."""
    prog = progress(frame, year, statuses)
    current = current_status(frame, year, statuses).set_index(ID)
    table = prog.table.copy()
    table["Kommentar"] = current.loc[table["anbefaling_id"], "kommentar"].fillna("").to_numpy()
    return table


def not_met(
    frame: pd.DataFrame, year: int, statuses: tuple[str, ...] = config.STATUSSER
) -> pd.DataFrame:
    """Recommendations not yet met in full (status below the top of the scale), lowest first."""
    rows = current_status(frame, year, statuses)
    rows = rows[rows[STATUS] != statuses[-1]].sort_values([STATUS, ID])
    return pd.DataFrame(
        {
            "anbefaling_id": rows[ID],
            "Område": _capital(rows[AREA]),
            "Anbefaling": rows[TEXT],
            "Status": rows[STATUS].astype(str),
            "Kommentar": rows["kommentar"].fillna("") if "kommentar" in rows else "",
        }
    ).reset_index(drop=True)


def fictive_note(frame: pd.DataFrame, year: int) -> str:
    """A Danish sentence when status rows up to the status year are marked fictive."""
    used = status_year(frame, year)
    if "fiktiv" not in frame:
        return ""
    rows = frame[frame[YEAR] <= used]
    fictive = rows[rows["fiktiv"].astype(str).str.lower() == "ja"]
    if fictive.empty:
        return ""
    years = sorted(int(y) for y in fictive[YEAR].unique())
    real = sorted(int(y) for y in rows.loc[~rows.index.isin(fictive.index), YEAR].unique())
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    real_years = fmt.opremsning([str(y) for y in real])
    real_text = f" Kun statusserne fra {real_years} er reelle." if real else ""
    return (
        f"**Bemærk:** Statusserne for {span} er fiktive og dannet til afprøvning af rapporten."
        + real_text
    )


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """The follow-up page's headline numbers for the status year used for ``year``."""
    frame = data.bostedsundersoegelse
    try:
        counts = status_counts(frame, year)
    except ValueError:
        return {
            "bostedsundersoegelse.antal_pr_status": {s: 0 for s in config.STATUSSER},
            "bostedsundersoegelse.antal_anbefalinger": 0,
            "bostedsundersoegelse.antal_rykket_op_siden_2008": None,
            "bostedsundersoegelse.antal_tilbageskridt": None,
            "bostedsundersoegelse.andel_imoedekommet": None,
            "bostedsundersoegelse.statusaar": None,
        }
    used = status_year(frame, year)
    prog = progress(frame, year)
    return {
        "bostedsundersoegelse.antal_pr_status": {
            s: int(n) for s, n in zip(counts["Status"], counts[str(used)], strict=True)
        },
        "bostedsundersoegelse.antal_anbefalinger": prog.n,
        "bostedsundersoegelse.antal_rykket_op_siden_2008": prog.n_up,
        "bostedsundersoegelse.antal_tilbageskridt": len(prog.setbacks),
        "bostedsundersoegelse.andel_imoedekommet": prog.share_met if prog.n else None,
        "bostedsundersoegelse.statusaar": used,
    }
