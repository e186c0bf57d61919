"""One data folder per published site, and what changed in it since the site was built.

Issue 24: after the site had been built from a folder outside the project, ``run --only`` as
the README wrote it silently used ``data/raw`` (the demo data), mixed pages from two data sets
and stopped at the disclosure audit (exit 6) with "fix the code". Now every publication records
its data folder and the hash of every input file (in the year's manifest, written with the
reports), and:

* ``run``, ``run --only``, ``validate`` and ``make lab`` without ``--data`` use that folder;
* ``--data`` naming another folder is refused ("sitet er bygget fra X; du bruger Y") unless
  ``--ny-data`` says the site is to be built from the new folder from now on;
* :func:`changed_files` names the input files that differ from the published ones, so a run can
  say why pages run again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from statusrapport import config
from statusrapport.errors import UsageError

#: The year manifest's keys for the data folder and its files' hashes.
DATA_DIR_KEY = "data_dir"
FILES_KEY = "input_files"
MANIFEST = ".manifest.json"
#: The command-line flag that lets a run build the site from another data folder.
NEW_DATA_FLAG = "--ny-data"
MISSING = "<mangler>"


@dataclass(frozen=True)
class Published:
    """The data folder the published site was built from, and its files' hashes then."""

    data_dir: Path
    year: int
    files: dict[str, str] = field(default_factory=dict)


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every contract file in ``folder`` by file name (``<mangler>`` when absent)."""
    from statusrapport.validation.reading import input_path, read_bytes

    out: dict[str, str] = {}
    for name in config.FILES:
        path = input_path(folder, name)
        content, _problem = read_bytes(path, folder)
        out[path.name] = hashlib.sha256(content).hexdigest() if content is not None else MISSING
    return out


_HASHES: dict[tuple[Path, str], dict[str, str]] = {}


def file_hashes_cached(folder: Path, input_hash: str) -> dict[str, str]:
    """:func:`file_hashes`, once per folder and content (``input_hash`` covers every file):
    a backfill's years share them."""
    key = (Path(folder).resolve(), input_hash)
    if key not in _HASHES:
        _HASHES.clear()
        _HASHES[key] = file_hashes(folder)
    return dict(_HASHES[key])


def published(reports_dir: Path) -> Published | None:
    """What the newest published year was built from (``None``: nothing published yet, or
    published before the data folder was recorded)."""
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return None
    years = sorted(
        (int(p.name) for p in reports_dir.iterdir() if p.name.isdigit() and p.is_dir()),
        reverse=True,
    )
    for year in years:
        path = reports_dir / str(year) / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        folder = manifest.get(DATA_DIR_KEY)
        if isinstance(folder, str) and folder:
            files = manifest.get(FILES_KEY) or {}
            return Published(Path(folder), year, {str(k): str(v) for k, v in files.items()})
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def choose(reports_dir: Path, requested: Path | None, new_data: bool = False) -> Path:
    """The data folder of a run or a validation.

    ``requested`` is ``--data`` (or ``STATUSRAPPORT_DATA``), ``None`` when neither was given:
    then the folder the published site was built from, else ``data/raw``. A requested folder
    other than the site's is refused without ``new_data`` (``--ny-data``): a page built from
    other data than the rest of the site would not add up.
    """
    site = published(reports_dir)
    if requested is None:
        if site is None:
            return config.RAW_DIR
        if not site.data_dir.is_dir():
            raise UsageError(
                f"Sitet er bygget fra {site.data_dir}, som ikke findes længere. Angiv den nye "
                f"datamappe med --data MAPPE {NEW_DATA_FLAG} (hele sitet bygges så fra den)."
            )
        return site.data_dir
    if site is None or new_data or _same(site.data_dir, requested):
        return requested
    raise UsageError(
        f"Sitet er bygget fra {site.data_dir}; du bruger {requested}. Sider fra to datasæt "
        "passer ikke sammen (og diskretionskontrollen ville stoppe kørslen). Udelad --data for "
        f"at bruge {site.data_dir}, eller tilføj {NEW_DATA_FLAG} for at bygge sitet fra "
        f"{requested} fra nu af."
    )


def requested_folder(data: Path | None) -> Path | None:
    """``--data`` if given, else ``STATUSRAPPORT_DATA`` if set (both count as asking)."""
    if data is not None:
        return data
    env = os.environ.get("STATUSRAPPORT_DATA")
    return Path(env) if env else None


def changed_files(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """The input files whose content differs from the published run's (sorted; new files
    and removed files included)."""
    return sorted(name for name in set(before) | set(now) if before.get(name) != now.get(name))
