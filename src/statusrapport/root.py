"""The project root, found without importing anything else from the package.

:mod:`statusrapport.config` and :mod:`statusrapport.planer` (read by the contract before the
config exists) both need it; one function, so they cannot disagree.
"""

from __future__ import annotations

import os
from pathlib import Path


def find_root() -> Path:
    """The project root: ``STATUSRAPPORT_ROOT``, else the nearest folder above the current one
    (then above the package) with ``_quarto.yml`` and ``pyproject.toml``, else the current one."""
    override = os.environ.get("STATUSRAPPORT_ROOT")
    if override:
        return Path(override).resolve()
    for parent in [Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]:
        if (parent / "_quarto.yml").exists() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd().resolve()
