"""Follow-up of any plan: where each item stands, progress since the plan's start, setbacks.

One model for every plan in :data:`statusrapport.planer.PLANER` (the 2008 bostedsundersøgelse,
the handicap policy's action plan, …). :func:`~statusrapport.planer.normalise` (kept next to
the plan definitions, below both ``data`` and this module) turns a plan's input file into the
common frame (columns :data:`COLUMNS`); everything else works on that frame and the
:class:`~statusrapport.planer.Plan`.

Definitions (stated on the pages):

* *Status year*: the latest year ≤ the report year with status rows (a plan is not followed up
  every year); the page says so when it differs from the report year.
* *Baseline*: an item's first status (normally the plan's own status in its start year).
* *Rykket op* / *rykket tilbage*: stage in the status year higher / lower than the baseline.
* *Tilbageskridt*: a stage lower than the item's previous status, at any point up to the status
  year, listed with its reason (the status text).
* *Uden status*: an item of the plan with no row in the status year, or a row without a stage
  (plans with stages) or without a text (plans without stages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from statusrapport import fmt, planer
from statusrapport.planer import KOLONNER, Plan, normalise

if TYPE_CHECKING:
    from statusrapport.data import Dataset

#: The common frame: the plan's id, then the contract's columns, then the item's order.
COLUMNS: tuple[str, ...] = ("plan", *KOLONNER)
UDEN_STATUS = "uden status"

__all__ = [
    "COLUMNS",
    "UDEN_STATUS",
    "FollowUp",
    "fictive_note",
    "follow_up",
    "follow_up_or_none",
    "key_figures",
    "legacy_key_figures",
    "normalise",
    "overview",
    "stage_counts",
    "status_year",
    "year_note",
]


def status_year(frame: pd.DataFrame, year: int) -> int:
    """The latest status year ≤ ``year`` (ValueError when the plan has none yet)."""
    years = frame.loc[frame["aar"] <= year, "aar"]
    if years.empty:
        raise ValueError(f"Der er ingen statusopgørelse i {year} eller tidligere.")
    return int(years.max())


def year_note(frame: pd.DataFrame, year: int) -> str:
    """A Danish sentence when the page shows an earlier status year than the report year."""
    if frame.empty or (frame["aar"] > year).all():
        return f"Planen har endnu ingen statusopgørelse i {year} eller tidligere."
    used = status_year(frame, year)
    if used == year:
        return ""
    return (
        f"Der er ingen statusopgørelse for {year}. Siden viser den seneste opgørelse, "
        f"som er fra {used}."
    )


def _has_status(plan: Plan, rows: pd.DataFrame) -> pd.Series:
    """Rows that give the item a status: a stage (plans with stages) or a text (without)."""
    return rows["status"] != "" if plan.trin else rows["statustekst"] != ""


@dataclass(frozen=True)
class FollowUp:
    """A plan's follow-up in one status year (see the module docstring for the definitions).

    ``n_up``, ``n_down``, ``n_unchanged`` and ``n_top`` are ``None`` for a plan without stages:
    progress between status texts cannot be counted.
    """

    plan: Plan
    first_year: int
    year: int
    #: Every item in plan order: Tema, punkt_id, Punkt, Første status (år), Status <år>,
    #: Udvikling, Statustekst.
    table: pd.DataFrame
    n: int
    n_themes: int
    n_with_status: int
    n_up: int | None
    n_down: int | None
    n_unchanged: int | None
    n_top: int | None
    #: Every step back up to the status year: Tema, punkt_id, Punkt, År, Fra, Til, Begrundelse.
    setbacks: pd.DataFrame = field(repr=False)
    #: Items without a status in the status year, with their latest earlier status.
    without_status: pd.DataFrame = field(repr=False)
    #: Items per theme (rows, plan order) and stage (columns, lowest first, then uden status).
    by_theme: pd.DataFrame = field(repr=False)

    @property
    def n_without(self) -> int:
        return self.n - self.n_with_status

    @property
    def share_top(self) -> float | None:
        """Share of all items at the top stage in the status year (``None`` without stages)."""
        if self.n_top is None or not self.n:
            return None
        return self.n_top / self.n


def _capital(values: pd.Series | list[str]) -> list[str]:
    """Theme names start with a capital letter in tables ('visitation' → 'Visitation')."""
    return [v[:1].upper() + v[1:] for v in map(str, values)]


def _themes(frame: pd.DataFrame) -> list[str]:
    """Themes in the plan's order (by their first item)."""
    return list(frame.sort_values(["_orden", "aar"])["tema"].drop_duplicates())


def follow_up(plan: Plan, frame: pd.DataFrame, year: int) -> FollowUp:
    """The follow-up of ``plan`` for report year ``year`` (uses the latest status year ≤ it)."""
    used = status_year(frame, year)
    upto = frame[frame["aar"] <= used].sort_values(["_orden", "aar"], kind="stable")
    stages = {s: i for i, s in enumerate(plan.trin)}
    unknown = sorted(set(upto.loc[upto["status"] != "", "status"]) - set(stages)) if stages else []
    if unknown:
        raise ValueError(f"Ukendt status i planen {plan.id}: {', '.join(unknown)}")

    # The latest row of every item (its texts) and its row in the status year, if any.
    items = upto.groupby("punkt_id", sort=False).tail(1).set_index("punkt_id")
    items = items.sort_values("_orden")
    ids = list(items.index)
    now = upto[upto["aar"] == used].set_index("punkt_id").reindex(ids)
    now_ok = now["status"].notna() & _has_status(plan, now[["status", "statustekst"]].fillna(""))

    rated = upto[_has_status(plan, upto)]
    first = rated.groupby("punkt_id", sort=False).head(1).set_index("punkt_id").reindex(ids)

    table = pd.DataFrame(
        {
            "Tema": _capital(items["tema"]),
            "punkt_id": ids,
            "Punkt": items["punkt"].to_numpy(),
        }
    )
    first_label = [
        f"{s} ({int(y)})" if isinstance(s, str) and s else ""
        for s, y in zip(first["status"], first["aar"], strict=True)
    ]
    current = [s if ok else UDEN_STATUS for s, ok in zip(now["status"], now_ok, strict=True)]
    n_up = n_down = n_unchanged = n_top = None
    if plan.trin:
        table["Første status"] = first_label
        table[f"Status {used}"] = current
        level_now = now["status"].map(stages).where(now_ok)
        level_first = first["status"].map(stages)
        change = (level_now - level_first).to_numpy()
        table["Udvikling"] = [
            UDEN_STATUS
            if pd.isna(c)
            else "rykket op"
            if c > 0
            else "rykket tilbage"
            if c < 0
            else "uændret"
            for c in change
        ]
        n_up = int((change > 0).sum())
        n_down = int((change < 0).sum())
        n_unchanged = int((change == 0).sum())
        n_top = int((level_now == len(plan.trin) - 1).sum())
    table["Statustekst"] = [
        t if ok else "" for t, ok in zip(now["statustekst"].fillna(""), now_ok, strict=True)
    ]

    # Setbacks: a stage lower than the item's previous stage.
    setbacks = pd.DataFrame(
        columns=["Tema", "punkt_id", "Punkt", "År", "Fra", "Til", "Begrundelse"]
    )
    if plan.trin:
        steps = rated.assign(_trin=rated["status"].map(stages))
        steps = steps.assign(
            _forrige=steps.groupby("punkt_id", sort=False)["_trin"].shift(),
            _fra=steps.groupby("punkt_id", sort=False)["status"].shift(),
        )
        back = steps[steps["_forrige"].notna() & (steps["_trin"] < steps["_forrige"])]
        setbacks = pd.DataFrame(
            {
                "Tema": _capital(back["tema"]),
                "punkt_id": back["punkt_id"].to_numpy(),
                "Punkt": back["punkt"].to_numpy(),
                "År": back["aar"].astype("int64").to_numpy(),
                "Fra": back["_fra"].to_numpy(),
                "Til": back["status"].to_numpy(),
                "Begrundelse": [t or "(ingen begrundelse angivet)" for t in back["statustekst"]],
            }
        )

    # Items without a status in the status year, with what was known before.
    missing_ids = [i for i, ok in zip(ids, now_ok, strict=True) if not ok]
    last = rated.groupby("punkt_id", sort=False).tail(1).set_index("punkt_id").reindex(missing_ids)
    without = pd.DataFrame(
        {
            "Tema": _capital(items.loc[missing_ids, "tema"]),
            "punkt_id": missing_ids,
            "Punkt": items.loc[missing_ids, "punkt"].to_numpy(),
            "Seneste status": [
                (f"{s} ({int(y)})" if plan.trin else f"statustekst fra {int(y)}")
                if isinstance(s, str)
                else "ingen"
                for s, y in zip(last["status"], last["aar"], strict=True)
            ],
        }
    )

    columns = [*plan.trin, UDEN_STATUS] if plan.trin else ["med status", UDEN_STATUS]
    labels = (
        pd.Series(current, index=table.index)
        if plan.trin
        else pd.Series(["med status" if ok else UDEN_STATUS for ok in now_ok], index=table.index)
    )
    counts = pd.crosstab(table["Tema"], labels).reindex(
        index=_capital(_themes(upto)), columns=columns, fill_value=0
    )
    counts = counts.fillna(0).astype("int64")
    counts["I alt"] = counts.sum(axis=1)
    by_theme = counts.reset_index(names="Tema").rename_axis(columns=None)

    return FollowUp(
        plan=plan,
        first_year=int(upto["aar"].min()),
        year=used,
        table=table,
        n=len(table),
        n_themes=int(table["Tema"].nunique()),
        n_with_status=int(now_ok.sum()),
        n_up=n_up,
        n_down=n_down,
        n_unchanged=n_unchanged,
        n_top=n_top,
        setbacks=setbacks.reset_index(drop=True),
        without_status=without.reset_index(drop=True),
        by_theme=by_theme,
    )


def follow_up_or_none(plan: Plan, frame: pd.DataFrame, year: int) -> FollowUp | None:
    """:func:`follow_up`, or ``None`` when the plan has no status up to ``year`` yet (a plan
    started after the report year, or an empty file): the page says so instead of failing."""
    if frame.empty or (frame["aar"] > year).all():
        return None
    return follow_up(plan, frame, year)


def fictive_note(frame: pd.DataFrame, year: int) -> str:
    """A Danish sentence when status rows up to the status year are marked fictive."""
    if frame.empty or (frame["aar"] > year).all():
        return ""
    used = status_year(frame, year)
    rows = frame[frame["aar"] <= used]
    fictive = sorted(int(y) for y in rows.loc[rows["fiktiv"], "aar"].unique())
    if not fictive:
        return ""
    real = sorted(int(y) for y in rows.loc[~rows["fiktiv"], "aar"].unique())
    span = str(fictive[0]) if len(fictive) == 1 else f"{fictive[0]}–{fictive[-1]}"
    real_text = (
        f" Kun statusserne fra {fmt.opremsning([str(y) for y in real])} er reelle." if real else ""
    )
    return (
        f"**Bemærk:** Statusserne for {span} er fiktive og dannet til afprøvning af rapporten."
        + real_text
    )


def overview(plans: Mapping[Plan, pd.DataFrame], year: int) -> pd.DataFrame:
    """One row per plan: size, status year, progress since the start, setbacks, gaps.

    A plan with no status up to ``year`` gets a row saying so; counts that a plan without
    stages cannot have are empty (``None``).
    """
    rows = []
    for plan, frame in plans.items():
        try:
            f = follow_up(plan, frame, year)
        except ValueError:
            rows.append(
                {
                    "plan_id": plan.id,
                    "Plan": plan.titel,
                    "Startår": plan.startaar,
                    "Statusår": None,
                    "Punkter": int(frame["punkt_id"].nunique()),
                    "Øverste trin": None,
                    "Rykket op": None,
                    "Rykket tilbage": None,
                    "Tilbageskridt": None,
                    "Uden status": None,
                }
            )
            continue
        rows.append(
            {
                "plan_id": plan.id,
                "Plan": plan.titel,
                "Startår": plan.startaar,
                "Statusår": f.year,
                "Punkter": f.n,
                "Øverste trin": f.n_top,
                "Rykket op": f.n_up,
                "Rykket tilbage": f.n_down,
                "Tilbageskridt": len(f.setbacks) if plan.trin else None,
                "Uden status": f.n_without,
            }
        )
    out = pd.DataFrame(rows)
    for column in ("Statusår", "Øverste trin", "Rykket op", "Rykket tilbage", "Tilbageskridt"):
        out[column] = out[column].astype("Int64")
    out["Uden status"] = out["Uden status"].astype("Int64")
    return out


def key_figures(data: Dataset, year: int) -> dict[str, Any]:
    """Per plan (by id): items, status year, moved up/back since the start, setbacks, without
    status and at the top stage (``None`` where the plan has no stages or no status yet)."""
    table = overview({p: data.planer[p.id] for p in planer.PLANER if p.id in data.planer}, year)
    names = {
        "Punkter": "punkter",
        "Statusår": "statusaar",
        "Øverste trin": "oeverste_trin",
        "Rykket op": "rykket_op",
        "Rykket tilbage": "rykket_tilbage",
        "Tilbageskridt": "tilbageskridt",
        "Uden status": "uden_status",
    }
    per_plan = {
        str(row["plan_id"]): {
            key: None if pd.isna(row[column]) else int(row[column]) for column, key in names.items()
        }
        for _, row in table.iterrows()
    }
    figures: dict[str, Any] = {"opfoelgning.pr_plan": per_plan}
    for plan_id, prefix in LEGACY_KEYS.items():
        if plan_id in planer.BY_ID and plan_id in data.planer:
            figures.update(
                legacy_key_figures(planer.BY_ID[plan_id], data.planer[plan_id], year, prefix)
            )
    return figures


#: Plans whose headline numbers keep the names they had before the one follow-up model
#: (``bostedsundersoegelse.*``, read by the resumé and the committee PDF; reports/README.md).
LEGACY_KEYS: dict[str, str] = {"bostedsundersoegelse": "bostedsundersoegelse"}


def stage_counts(plan: Plan, frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Items per stage (rows, lowest first) in the plan's first status year and in the status
    year for ``year`` (columns named by the years); an item without a status counts in neither.
    Empty for a plan without stages."""
    f = follow_up(plan, frame, year)
    if not plan.trin:
        return pd.DataFrame(columns=["Status"])
    first = frame[(frame["aar"] == f.first_year) & frame["status"].isin(plan.trin)]
    now = f.table[f"Status {f.year}"]
    columns = {str(f.first_year): first["status"].value_counts(), str(f.year): now.value_counts()}
    out = pd.DataFrame({"Status": list(plan.trin)})
    for name, counts in columns.items():
        out[name] = [int(counts.get(s, 0)) for s in plan.trin]
    return out


def legacy_key_figures(plan: Plan, frame: pd.DataFrame, year: int, prefix: str) -> dict[str, Any]:
    """The plan's headline numbers under their old names (same definitions as before):
    ``antal_pr_status`` (items per stage in the status year), ``antal_anbefalinger`` (items),
    ``antal_rykket_op_siden_2008`` (stage now above the item's first stage), ``antal_tilbageskridt``
    (steps back up to the status year), ``andel_imoedekommet`` (share at the top stage),
    ``statusaar``."""
    f = follow_up_or_none(plan, frame, year)
    if f is None:
        return {
            f"{prefix}.antal_pr_status": {s: 0 for s in plan.trin},
            f"{prefix}.antal_anbefalinger": 0,
            f"{prefix}.antal_rykket_op_siden_2008": None,
            f"{prefix}.antal_tilbageskridt": None,
            f"{prefix}.andel_imoedekommet": None,
            f"{prefix}.statusaar": None,
        }
    now = f.table[f"Status {f.year}"] if plan.trin else pd.Series(dtype="object")
    return {
        f"{prefix}.antal_pr_status": {s: int((now == s).sum()) for s in plan.trin},
        f"{prefix}.antal_anbefalinger": f.n,
        f"{prefix}.antal_rykket_op_siden_2008": f.n_up,
        f"{prefix}.antal_tilbageskridt": len(f.setbacks),
        f"{prefix}.andel_imoedekommet": f.share_top if f.n else None,
        f"{prefix}.statusaar": f.year,
    }
