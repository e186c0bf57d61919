"""Small builders shared by the analysis tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from statusrapport import config, data


def write_contract(folder: Path, rows: dict[str, list[dict[str, object]]]) -> data.Dataset:
    """Write a minimal contract folder (files without rows are header-only) and parse it."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, columns in config.FILES.items():
        frame = pd.DataFrame(rows.get(key) or []).reindex(columns=list(columns))
        frame.to_csv(folder / f"{key}.csv", index=False)
    return data.parse(folder)
