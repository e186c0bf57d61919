"""The intruder test: would the publication look different if a hidden figure were different?

The audit (:mod:`.audit`) proves that sums and rates of the published tables cannot narrow a
hidden count. Derived numbers (limits, intervals, model results, figure geometry, counts of
facilities outside limits) are not sums, so a second, generic test runs before anything is
published: for each hidden cell, make *alternative inputs* in which the hidden units' values
move within the protection range while every shown cell and every audited total stays the same,
recompute everything the page registry (:mod:`statusrapport.pages`) says the run publishes with
the same package functions the notebooks call, and compare at the published precision. If an
alternative publishes anything different, the publication tells the true value from that
alternative – the run stops (exit 6) naming year, page and table.

How the alternatives are chosen (also on the method page): for a measure and a year, pairs of
hidden facilities that an attacker cannot tell apart from the published sums – two hidden
facilities of the same target group (the group total is unchanged), or hidden facilities of two
hidden target groups (the centre total is unchanged) – exchange a protection range's worth
(5 leavers, 5 staff; 5 × 227 possible working days, 5 × 227 / 12 sick days, spread over the
months both have and within each staff group, so monthly and staff-group totals stay too) or as
much as the giving facility has. An alternative that would change which cells are hidden is not
one the attacker must consider and is left out. Each year's hidden cells and the year before's
(the change intervals use both) are moved; every hidden facility is in at least one pair. Across
the two years, facilities of one group hidden in both exchange the same amounts between the
years in opposite directions (a "rectangle": every year's totals and each facility's two-year
total stay the same), so a number built from both years cannot single out one year's value.

What is recomputed: the key figures and declared tables of every page whose declared inputs
contain the moved input, and the profile tables of the facilities in the groups concerned (a
profile shows its facility, its group and the centre; the others' do not move by construction).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from statusrapport import config, keyfigures, pages
from statusrapport.data import Dataset
from statusrapport.disclosure.measures import absence, turnover
from statusrapport.disclosure.protect import Protection
from statusrapport.errors import DisclosureError

#: Input dataset moved for each measure (contract names, as the registry's ``inputs``).
INPUT: dict[str, str] = {pages.TURNOVER: "personale", pages.ABSENCE: "fravaer"}
MEASURE_TEXT: dict[str, str] = {pages.TURNOVER: "personaleomsætning", pages.ABSENCE: "sygefravær"}


@dataclass(frozen=True)
class Alternative:
    """Inputs that differ from the real ones only in hidden cells."""

    measure: str
    year: int
    groups: tuple[str, ...]
    moved: tuple[str, str]
    description: str
    data: Dataset


@dataclass
class IntruderResult:
    findings: list[str] = field(default_factory=list)
    alternatives: int = 0
    left_out: int = 0  # alternatives that would change the suppression pattern
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time (the machine may be shared)
    unchecked: list[str] = field(default_factory=list)  # declared tables without a source

    @property
    def ok(self) -> bool:
        return not self.findings

    def log_line(self, year: int) -> str:
        return (
            f"Indtrængertest {year}: {self.alternatives} alternative datasæt genberegnet "
            f"({self.left_out} udeladt, fordi de ville skjule andre tal), "
            f"{'ingen forskelle' if self.ok else f'{len(self.findings)} forskelle'} "
            f"({self.seconds:.1f} s, heraf {self.cpu_seconds:.1f} s CPU)"
        )


# --- Alternatives ---------------------------------------------------------------------------


def _protection(data: Dataset, measure: str, year: int) -> Protection:
    return turnover(data, year) if measure == pages.TURNOVER else absence(data, year)


def _pairs(data: Dataset, protection: Protection, year: int) -> list[tuple[str, str, str, str]]:
    """(giver, taker, group of giver, group of taker): hidden facilities the sums do not tell
    apart. Within a group as a chain (every hidden facility in a pair), and across hidden groups."""
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    hidden = sorted(f for f in protection.facilities if f in groups.index)
    by_group: dict[str, list[str]] = {}
    for f in hidden:
        by_group.setdefault(str(groups[f]), []).append(f)
    pairs = []
    for g, ids in sorted(by_group.items()):
        pairs += [(a, b, g, g) for a, b in itertools.pairwise(ids)]
    hidden_groups = [g for g in sorted(by_group) if g in protection.groups]
    for g1, g2 in itertools.pairwise(hidden_groups):
        pairs.append((by_group[g1][0], by_group[g2][0], g1, g2))
    return pairs


def _move_turnover(
    data: Dataset, year: int, a: str, b: str, column: str, share: float = 1.0
) -> Dataset | None:
    frame = data.personale.copy()
    rows = frame["aar"] == year
    ia = frame.index[rows & (frame["tilbud_id"] == a)]
    ib = frame.index[rows & (frame["tilbud_id"] == b)]
    if len(ia) != 1 or len(ib) != 1:
        return None
    k = float(config.MIN_PERSONS)
    have = float(frame.loc[ia[0], column])
    if column == "gns_ansatte":
        have = max(have - 0.5, 0.0)  # a facility keeps some staff
    delta = min(k, have) * share
    if column == "fratraadte":
        delta = float(max(math.floor(delta), 1.0) if have >= 1 else 0.0)
    if delta <= 0:
        return None
    if column == "fratraadte":
        frame[column] = frame[column].astype("Int64")
        frame.loc[ia[0], column] = int(frame.loc[ia[0], column]) - int(delta)
        frame.loc[ib[0], column] = int(frame.loc[ib[0], column]) + int(delta)
    else:
        frame.loc[ia[0], column] = float(frame.loc[ia[0], column]) - delta
        frame.loc[ib[0], column] = float(frame.loc[ib[0], column]) + delta
    return _replace(data, personale=frame)


def _move_absence(
    data: Dataset, year: int, a: str, b: str, column: str, share: float = 1.0
) -> Dataset | None:
    frame = data.fravaer.copy()
    rows = frame["aar"] == year
    keys = ["maaned", "faggruppe"]

    def side(tilbud_id: str) -> pd.DataFrame:
        part = frame.loc[rows & (frame["tilbud_id"] == tilbud_id)].reset_index()
        return part.assign(faggruppe=part["faggruppe"].astype(str))

    both = side(a).merge(side(b), on=keys, suffixes=("_a", "_b"))
    if both.empty:
        return None
    width = float(config.MIN_PERSONS * config.ARBEJDSDAGE_PR_AAR)
    if column == "sygefravaer_dagsvaerk":
        width /= 12  # absence_quantities(): a working month for each of MIN_PERSONS persons
        room = both["sygefravaer_dagsvaerk_a"] - both["langtidssygefravaer_dagsvaerk_a"]
    else:
        room = both["mulige_dagsvaerk_a"] - both["sygefravaer_dagsvaerk_a"]
    delta = room.clip(lower=0).clip(upper=width / len(both)) * share
    if float(delta.sum()) <= 0:
        return None
    frame.loc[both["index_a"].to_numpy(), column] -= delta.to_numpy()
    frame.loc[both["index_b"].to_numpy(), column] += delta.to_numpy()
    return _replace(data, fravaer=frame)


def _between_years_pairs(
    data: Dataset, p0: Protection, p1: Protection
) -> list[tuple[str, str, str]]:
    """(a, b, group): facilities of one target group hidden in both years – a chain, so every
    such facility is in a pair."""
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    both = sorted(f for f in set(p0.facilities) & set(p1.facilities) if f in groups.index)
    by_group: dict[str, list[str]] = {}
    for f in both:
        by_group.setdefault(str(groups[f]), []).append(f)
    return [(a, b, g) for g, ids in sorted(by_group.items()) for a, b in itertools.pairwise(ids)]


def _move_turnover_years(
    data: Dataset, y0: int, y1: int, a: str, b: str, column: str, share: float = 1.0
) -> Dataset | None:
    """A rectangle across two years: ``a`` moves δ from ``y0`` to ``y1``, ``b`` from ``y1`` to
    ``y0`` – every year's group and centre totals and each facility's total over the two years
    stay the same."""
    frame = data.personale.copy()

    def row(f: str, y: int) -> Any:
        found = frame.index[(frame["aar"] == y) & (frame["tilbud_id"] == f)]
        return found[0] if len(found) == 1 else None

    a0, a1, b0, b1 = row(a, y0), row(a, y1), row(b, y0), row(b, y1)
    if a0 is None or a1 is None or b0 is None or b1 is None:
        return None
    room = min(float(frame.loc[a0, column]), float(frame.loc[b1, column]))
    if column == "gns_ansatte":
        room = max(room - 0.5, 0.0)  # a facility keeps some staff
    delta = min(float(config.MIN_PERSONS), room) * share
    if column == "fratraadte":
        delta = float(math.floor(delta))
    if delta <= 0:
        return None
    if column == "fratraadte":
        frame[column] = frame[column].astype("Int64")
        step: Any = int(delta)
    else:
        step = delta
    for index, sign in ((a0, -1), (a1, 1), (b0, 1), (b1, -1)):
        frame.loc[index, column] = frame.loc[index, column] + sign * step
    return _replace(data, personale=frame)


def _move_absence_years(
    data: Dataset, y0: int, y1: int, a: str, b: str, column: str, share: float = 1.0
) -> Dataset | None:
    """The rectangle of :func:`_move_turnover_years` for absence, month by month of the year and
    within each staff group (every month's and staff group's totals stay the same too)."""
    frame = data.fravaer.copy()
    keys = ["maaned_nr", "faggruppe"]

    def side(f: str, y: int, tag: str) -> pd.DataFrame:
        part = frame.loc[(frame["aar"] == y) & (frame["tilbud_id"] == f)].reset_index()
        part = part.assign(faggruppe=part["faggruppe"].astype(str))
        return part[["index", *keys, "sygefravaer_dagsvaerk", "langtidssygefravaer_dagsvaerk",
                     "mulige_dagsvaerk"]].add_suffix(tag).rename(
            columns={f"{k}{tag}": k for k in keys}
        )  # fmt: skip

    both = side(a, y0, "_a0")
    for f, y, tag in ((a, y1, "_a1"), (b, y0, "_b0"), (b, y1, "_b1")):
        both = both.merge(side(f, y, tag), on=keys)
    if both.empty:
        return None
    width = float(config.MIN_PERSONS * config.ARBEJDSDAGE_PR_AAR)
    givers = ("_a0", "_b1")
    if column == "sygefravaer_dagsvaerk":
        width /= 12  # a working month for each of MIN_PERSONS persons
        room = pd.concat(
            [both[f"sygefravaer_dagsvaerk{t}"] - both[f"langtidssygefravaer_dagsvaerk{t}"]
             for t in givers], axis=1,
        ).min(axis=1)  # fmt: skip
    else:
        room = pd.concat(
            [both[f"mulige_dagsvaerk{t}"] - both[f"sygefravaer_dagsvaerk{t}"] for t in givers],
            axis=1,
        ).min(axis=1)
    delta = room.clip(lower=0).clip(upper=width / len(both)) * share
    if float(delta.sum()) <= 0:
        return None
    for tag, sign in (("_a0", -1), ("_a1", 1), ("_b0", 1), ("_b1", -1)):
        frame.loc[both[f"index{tag}"].to_numpy(), column] += sign * delta.to_numpy()
    return _replace(data, fravaer=frame)


#: Dataset cache keys of the yearly disclosure passes (statusrapport.disclosure.measures): a
#: year's pass reads that year's rows only.
_PASSES = ("disclosure.turnover", "disclosure.absence")


def _replace(data: Dataset, **frames: pd.DataFrame) -> Dataset:
    """``data`` with ``frames`` replaced and an empty cache, except the disclosure passes of
    the years not moved (each reads its own year only; the moved years are recomputed and
    must come out the same, see :func:`alternatives`)."""
    return dataclasses.replace(data, **frames, _memo={})


def _seed(alt: Dataset, data: Dataset) -> None:
    """Share the (checked identical) disclosure passes of every year with the alternative."""
    for key, value in data._memo.items():
        if key[0] in _PASSES and key not in alt._memo:
            alt._memo[key] = value


#: Shares of the protection range tried, largest first.
SHARES = (1.0, 0.5, 0.2)

COLUMNS: dict[str, tuple[str, str]] = {
    pages.TURNOVER: ("fratraadte", "gns_ansatte"),
    pages.ABSENCE: ("sygefravaer_dagsvaerk", "mulige_dagsvaerk"),
}


def alternatives(
    data: Dataset,
    year: int,
    measures: tuple[str, ...] = (pages.TURNOVER, pages.ABSENCE),
    years: tuple[int, ...] | None = None,
) -> Iterator[Alternative | None]:
    """Every alternative for the hidden cells of ``year`` and the year before (None: one left
    out because it would change which cells are hidden)."""
    for measure in measures:
        for y in years or (year - 1, year):
            if y not in data.years:
                continue
            protection = _protection(data, measure, y)
            for a, b, ga, gb in _pairs(data, protection, y):
                for column in COLUMNS[measure]:
                    move = _move_turnover if measure == pages.TURNOVER else _move_absence
                    alt = None
                    for share in SHARES:  # the whole range, or less if it would unhide a cell
                        alt = move(data, y, a, b, column, share)
                        if alt is None or _protection(alt, measure, y) == protection:
                            break
                        alt = None
                        yield None
                    if alt is None:
                        continue
                    for other in (pages.TURNOVER, pages.ABSENCE):
                        for yy in data.years:
                            _protection(data, other, yy)  # computed once, shared below
                    _seed(alt, data)
                    yield Alternative(
                        measure,
                        y,
                        tuple(sorted({ga, gb})),
                        (a, b),
                        f"{MEASURE_TEXT[measure]} {y}: {column} flyttet fra {a} til {b}",
                        alt,
                    )
        yield from _between_years(data, year, measure)


def _between_years(data: Dataset, year: int, measure: str) -> Iterator[Alternative | None]:
    """Alternatives across the year before and ``year`` (the change intervals and the
    histories use both): facilities hidden in both years exchange a protection range's worth
    between the years in opposite directions (see :func:`_move_turnover_years`)."""
    y0, y1 = year - 1, year
    if y0 not in data.years or y1 not in data.years:
        return
    p0, p1 = _protection(data, measure, y0), _protection(data, measure, y1)
    move = _move_turnover_years if measure == pages.TURNOVER else _move_absence_years
    for a, b, g in _between_years_pairs(data, p0, p1):
        for column in COLUMNS[measure]:
            alt = None
            for share in SHARES:
                alt = move(data, y0, y1, a, b, column, share)
                if alt is None or (
                    _protection(alt, measure, y0) == p0 and _protection(alt, measure, y1) == p1
                ):
                    break
                alt = None
                yield None
            if alt is None:
                continue
            _seed(alt, data)
            yield Alternative(
                measure,
                y1,
                (g,),
                (a, b),
                f"{MEASURE_TEXT[measure]} {y0}–{y1}: {column} flyttet mellem årene "
                f"({a} fra {y0} til {y1}, {b} fra {y1} til {y0})",
                alt,
            )


# --- What the run publishes -------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return [
            tuple(None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v for v in r)
            for r in value.astype(object).itertuples(index=False)
        ] + [tuple(value.columns)]
    return value


def publication(
    data: Dataset, year: int, measure: str, units: tuple[str, ...]
) -> dict[tuple[str, str], Any]:
    """(page, item) → what is published, at the published precision, for every page whose
    declared inputs contain ``measure``'s input: key figures, declared tables and figure data,
    and the profile tables of ``units``."""
    needed = INPUT[measure]
    out: dict[tuple[str, str], Any] = {}
    for page in pages.PAGES:
        if needed not in pages.declared_inputs(page.id):
            continue
        for fn in page.key_figures:
            for key, value in keyfigures._clean(fn(data, year)).items():
                out[(page.id, f"noegletal.json: {key}")] = value
        if page is pages.PLAN:
            continue
        for table in (*page.tables, *page.figures):
            if table.source is None:
                continue
            if page is pages.PROFILE:
                for unit in units:
                    name = table.id.replace("{tilbud}", unit)
                    out[(page.id, name)] = _canonical(pages.published(table, data, year, unit))
            else:
                out[(page.id, table.id)] = _canonical(pages.published(table, data, year))
    return out


def unchecked() -> list[str]:
    """Declared tables with persons' data that the intruder test cannot recompute (no source)."""
    return [
        f"{page.id}/{table.id}"
        for page in pages.PAGES
        for table in (*page.tables, *page.figures)
        if table.measure is not None and table.source is None
    ]


def run(
    data: Dataset,
    year: int,
    *,
    measures: tuple[str, ...] = (pages.TURNOVER, pages.ABSENCE),
    years: tuple[int, ...] | None = None,
    limit: int | None = None,
) -> IntruderResult:
    """Every alternative of ``year`` recomputed and compared with the real publication.

    Profiles: those of the two facilities moved and of one other facility in each group
    concerned (a profile shows its facility, its group and the centre: the group's column is
    the same on every profile of the group, and the others' own figures did not move).
    ``limit``: stop after that many alternatives (tests).
    """
    started, cpu = time.perf_counter(), time.process_time()
    result = IntruderResult(unchecked=unchecked())
    groups = data.tilbud.set_index("tilbud_id")["maalgruppe"].astype(str)
    active = sorted(set(data.active_facilities(year)["tilbud_id"].astype(str)))
    truth: dict[tuple[str, tuple[str, ...]], dict[tuple[str, str], Any]] = {}
    for alt in alternatives(data, year, measures, years):
        if alt is None:
            result.left_out += 1
            continue
        moved = set(alt.moved)
        for g in alt.groups:
            others = [f for f in active if groups.get(f) == g and f not in moved]
            moved.update(others[:1])
        units = tuple(sorted(f for f in moved if f in active))
        key = (alt.measure, units)
        if key not in truth:
            truth[key] = publication(data, year, alt.measure, units)
        other = publication(alt.data, year, alt.measure, units)
        result.alternatives += 1
        for item, value in truth[key].items():
            if other.get(item) != value:
                page, name = item
                result.findings.append(
                    f"{year}, siden {page}, {name}: ændres, når {alt.description}"
                )
        if limit is not None and result.alternatives >= limit:
            break
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu
    return result


def check(data: Dataset, year: int, **options: Any) -> IntruderResult:
    """Run :func:`run`; raise :class:`DisclosureError` (exit 6) naming year, page and table."""
    result = run(data, year, **options)
    if not result.ok:
        shown = "\n".join(f"- {f}" for f in result.findings[:20])
        more = f"\n- … og {len(result.findings) - 20} til" if len(result.findings) > 20 else ""
        raise DisclosureError(
            "indtrængertesten stoppede kørslen – intet er publiceret. Et skjult tal kan skelnes "
            "fra et andet inden for beskyttelsesintervallet, fordi det publicerede ændres, når "
            "skjulte tilbuds tal flyttes, mens alle viste tal og totaler er de samme:\n"
            + shown
            + more
            + "\nDet er en fejl i en beregning, der bruger skjulte tilbud: beregn tallet af de "
            "viste tilbud alene, eller publicér det ikke (se metodesiden)."
        )
    return result
