"""Shared input checks and small helpers for the stats modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats as sps

Kind = Literal["proportion", "rate"]
ArrayLike: TypeAlias = Sequence[float] | np.ndarray | pd.Series


def _as_float_array(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} skal være en endimensionel række tal.")
    return arr


def _unit_names(labels: ArrayLike | None, n: int) -> list[str]:
    if labels is None:
        return [f"nr. {i + 1}" for i in range(n)]
    names = [str(x) for x in labels]
    if len(names) != n:
        raise ValueError("labels skal have samme længde som tællere og nævnere.")
    return names


def _check_counts(
    numerators: np.ndarray, denominators: np.ndarray, kind: Kind, names: list[str]
) -> None:
    """Reject inputs that make a rate meaningless, naming the unit so the data can be fixed."""
    if numerators.shape != denominators.shape:
        raise ValueError("Tællere og nævnere skal have samme længde.")
    for i, name in enumerate(names):
        num, den = numerators[i], denominators[i]
        if not (np.isfinite(num) and np.isfinite(den)):
            raise ValueError(f"Manglende tæller eller nævner for enhed {name!r}.")
        if den <= 0:
            raise ValueError(f"Nævneren er {den:g} (skal være > 0) for enhed {name!r}.")
        if num < 0:
            raise ValueError(f"Tælleren er negativ ({num:g}) for enhed {name!r}.")
        if kind == "proportion" and num > den:
            raise ValueError(
                f"Tælleren ({num:g}) er større end nævneren ({den:g}) for enhed {name!r}; "
                "en andel kan ikke overstige 1."
            )


def _null_variance(target: float, sizes: np.ndarray, kind: Kind) -> np.ndarray:
    """Within-unit sampling variance under the null: binomial or Poisson, on the raw scale."""
    if kind == "proportion":
        return target * (1.0 - target) / sizes
    if kind == "rate":
        return target / sizes
    raise ValueError(f"Ukendt kind {kind!r}; brug 'proportion' eller 'rate'.")


def _z_for_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"Niveauet skal ligge mellem 0 og 1, fik {level}.")
    return float(sps.norm.ppf(1.0 - (1.0 - level) / 2.0))


def _level_suffix(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998', 0.9 -> '90': the column-name suffix for a limit."""
    return f"{level * 100:.10g}".replace(".", "")
