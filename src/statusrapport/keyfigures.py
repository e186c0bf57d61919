"""Key figures as data: the headline numbers of a year under stable names.

Each analysis module contributes ``key_figures(data, year) -> dict`` with names prefixed by its
area (``tilsyn.``, ``fravaer.``, ``personaleomsaetning.``, ``bostedsundersoegelse.``,
``opfoelgning.``, ``maal.``, ``takster.``). The pipeline writes them to
``reports/<year>/noegletal.json`` and ``.csv``; the pages show the same numbers because they
call the same functions. Names and definitions are documented in ``reports/README.md``.
"""

from __future__ import annotations

import csv
import importlib
import json
import math
from pathlib import Path
from typing import Any

from statusrapport import escaping
from statusrapport.data import Dataset
from statusrapport.disclosure.rounding import precision_for_key

MODULES: tuple[str, ...] = (
    "tilsyn",
    "fravaer",
    "personale",
    "opfoelgning",  # also the bostedsundersøgelse's bostedsundersoegelse.* (one plan model)
    "maal",
    "takster",
)


def compute(data: Dataset, year: int) -> dict[str, Any]:
    """All key figures for ``year``, plus what they were computed from."""
    figures: dict[str, Any] = {"aar": year, "fiktive_data": data.demo}
    for name in MODULES:
        module = importlib.import_module(f"statusrapport.analysis.{name}")
        figures.update(module.key_figures(data, year))
    return figures


def _clean(value: Any, decimals: int | None = None) -> Any:
    """JSON-safe and deterministic: NaN → None, keys sorted, floats rounded to the precision
    the pages show (disclosure: a published figure must not say more than the page, so a rate
    is 0.455, not 0.454545…); top-level names decide the decimals for everything below them."""
    if isinstance(value, dict):
        return {
            str(k): _clean(v, precision_for_key(str(k)) if decimals is None else decimals)
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        }
    if isinstance(value, list | tuple):
        return [_clean(v, decimals) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6 if decimals is None else decimals)
    return value


def flatten(figures: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Rows of (noegle, del, vaerdi): nested dicts become one row per part."""
    rows: list[tuple[str, str, Any]] = []

    def walk(name: str, part: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(name, f"{part}/{key}" if part else str(key), inner)
        else:
            rows.append((name, part, value))

    for name, value in _clean(figures).items():
        walk(name, "", value)
    return rows


def write(figures: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """Write ``noegletal.json`` and ``noegletal.csv`` into ``folder`` (byte-stable)."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "noegletal.json"
    json_path.write_text(
        json.dumps(_clean(figures), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    csv_path = folder / "noegletal.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["noegle", "del", "vaerdi"])
        for name, part, value in flatten(figures):
            cells = [name, part, "" if value is None else value]
            writer.writerow([escaping.csv_cell(c) for c in cells])  # keys can carry data text
    return json_path, csv_path


def load_or_compute(data: Dataset, year: int, folder: Path | str = ".") -> dict[str, Any]:
    """The key figures the pipeline wrote next to the notebook, or computed now if absent.

    Notebooks run with the output folder as working directory, so the resumé reads exactly
    the ``noegletal.json`` that is published beside it.
    """
    path = Path(folder) / "noegletal.json"
    if path.exists():
        figures = json.loads(path.read_text(encoding="utf-8"))
        if figures.get("aar") == year:
            return figures
    return _clean(compute(data, year))
