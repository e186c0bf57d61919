"""Published numbers carry no more precision than the page shows.

A CSV download with a rate of 0.45454545… gives away 5/11 where the page says 45,5 %. Each
float column is rounded to the fewest decimals that still format exactly as on the page, so the
download and the page say the same and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

MAX_DECIMALS = 10


def _decimals(values: np.ndarray, formatter: Callable[[object], str]) -> int:
    """The fewest decimals d such that formatting round(v, d) gives the page's text for all v."""
    try:
        shown = [formatter(float(v)) for v in values]
    except (TypeError, ValueError):
        return MAX_DECIMALS
    for d in range(MAX_DECIMALS):
        try:
            if all(formatter(float(round(v, d))) == s for v, s in zip(values, shown, strict=True)):
                return d
        except (TypeError, ValueError):
            return MAX_DECIMALS
    return MAX_DECIMALS


def shown_precision(
    frame: pd.DataFrame,
    formats: Mapping[str, Callable[[object], str]],
    default: Callable[[object], str],
) -> pd.DataFrame:
    """A copy of ``frame`` with every float column rounded to the precision its formatter shows."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        values = out[column].dropna().to_numpy(dtype=float)
        if values.size == 0:
            continue
        d = _decimals(values, formats.get(column, default))
        out[column] = out[column].round(d)
        if d == 0:  # written as '243', not '243.0', so a reader sees the precision
            out[column] = out[column].astype("Int64")
    return out


def precision_for_key(name: str) -> int:
    """Decimals of a key figure as the pages show it (noegletal.json/.csv)."""
    if "aendring_procentpoint" in name or "haeldning" in name:
        return 1  # '+0,4 procentpoint', its interval (0,1 pp, issue 19), the slope '0,3'
    if "dage_pr_fuldtid" in name or name.startswith("maal.lederevaluering"):
        return 1  # '14,2 dage', '6,1'
    if name.startswith("takster.") and "_kr" in name:
        return 0  # '2.345 kr.'
    if name.endswith(".gns_ansatte"):
        return 0  # 'i gennemsnit 2.431 ansatte'
    if "procent" in name or "andel" in name:
        return 3  # fractions shown as '6,2 %'
    return 6
