"""Disclosure control: no published figure may concern fewer than ``config.MIN_PERSONS`` persons.

The site is public. A rate for 3 leavers in a small facility, or absence for a staff group of
2 leaders, could point to individuals; such cells are suppressed (set missing) and flagged so
that the page can say so. Where a total is also shown, one suppressed cell in a group could be
recovered by subtraction, so a second cell is suppressed as well (complementary suppression).

The package (issue 9):

- :mod:`.measures` — :func:`turnover` and :func:`absence`: the one disclosure pass per measure
  and year over facility → target group → centre, used by every page, history and key figure;
- :mod:`.protect` — primary and complementary suppression that survives differencing;
- :mod:`.lp` — the attacker's arithmetic (feasible intervals by linear programming);
- :mod:`.audit` — reads only the published artefacts of a staged build and stops the run
  (exit 6) if a hidden figure can be narrowed below its protection range;
- :mod:`.rounding` — published numbers carry the precision the page shows, no more.

:func:`suppress` below is the simple one-table rule, still used for staff groups
(faggrupper), where only rates without counts are published.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from statusrapport import config

FLAG = "undertrykt"


def suppress(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    numerators: Sequence[str] = (),
    denominators: Sequence[str] = (),
    min_persons: int | None = None,
    group_by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return a copy where ``columns`` are missing in rows that concern too few persons.

    A row is primary-suppressed when a person count in ``numerators`` is between 1 and
    ``min_persons − 1`` (zero concerns nobody), or a population in ``denominators`` is below
    ``min_persons``. With ``group_by``, a group with exactly one suppressed row also loses its
    smallest other row, so the hidden value cannot be derived from a published total.
    The ``undertrykt`` column marks every suppressed row.
    """
    k = config.MIN_PERSONS if min_persons is None else min_persons
    out = frame.copy()
    flag = pd.Series(False, index=out.index)
    for column in numerators:
        values = pd.to_numeric(out[column])
        flag |= (values > 0) & (values < k)
    for column in denominators:
        values = pd.to_numeric(out[column])
        flag |= values < k
    flag = flag.fillna(True).astype(bool)  # an unknown count is treated as small
    if group_by:
        size_col = denominators[0] if denominators else (numerators[0] if numerators else None)
        for _, group in out.groupby(list(group_by), sort=False, observed=True):
            hidden = flag.loc[group.index]
            if hidden.sum() == 1 and len(group) > 1:
                visible = group.loc[~hidden]
                if size_col is not None:
                    candidate = pd.to_numeric(visible[size_col]).idxmin()
                else:
                    candidate = visible.index[0]
                flag.loc[candidate] = True
    for column in columns:
        out[column] = out[column].astype("float64").where(~flag)
    out[FLAG] = flag
    return out


def n_suppressed(frame: pd.DataFrame) -> int:
    """Number of suppressed rows in a frame returned by :func:`suppress`."""
    return int(frame[FLAG].sum()) if FLAG in frame else 0


# The one disclosure pass per measure-year (imported last: measures uses FLAG-free modules only).
from statusrapport.disclosure.measures import absence, turnover  # noqa: E402

__all__ = ["FLAG", "absence", "n_suppressed", "suppress", "turnover"]
