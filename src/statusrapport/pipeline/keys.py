"""Keys and manifest: a notebook is executed again only when something it depends on changed.

A task's key is a hash of its notebook, parameters, front matter, inputs and the package's code;
the published year's ``.manifest.json`` keeps the keys it was built with. A run compares the two.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statusrapport import __version__, config, pages, planer, settings
from statusrapport.errors import NotebookError
from statusrapport.execution import Task
from statusrapport.hashing import sha
from statusrapport.kalender import ActiveFacility

if TYPE_CHECKING:
    from statusrapport.validation.reading import InputFolder

MANIFEST = ".manifest.json"
SITE_SOURCES = ("_quarto.yml", "*.qmd", "_*.md", "*.css", "*.scss", "_*.yml", "assets/**/*")

#: The package's own folder (this module sits in ``statusrapport/pipeline/``).
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_fingerprint() -> str:
    """The package's code and the validation suites: a change in either re-executes reports."""
    files = list(PACKAGE_DIR.rglob("*.py"))
    suites = list(config.EXPECTATIONS_DIR.glob("*.json"))
    return sha(
        __version__, _hash_files(files, PACKAGE_DIR), _hash_files(suites, config.PROJECT_ROOT)
    )


def site_fingerprint() -> str:
    """The site's own sources (Quarto project, pages, styles) and whether Quarto renders it."""
    root = config.PROJECT_ROOT
    files = [p for pattern in SITE_SOURCES for p in root.glob(pattern)]
    publication = settings.settings_path()  # publicering.toml: shown on pages and the annex
    shown = publication.read_bytes() if publication.is_file() else b""
    return sha(_hash_files(files, root), str(bool(shutil.which("quarto"))), shown)


#: Dataset fields (:class:`statusrapport.data.Dataset`) → the input files they are parsed from
#: (``config.FILES`` names). Frames with facility columns are joined with ``tilbud``. ``years``
#: (the years with data) is part of every year page's key by itself (:func:`page_inputs_hash`),
#: ``demo`` too; ``data_dir`` is a parameter.
FIELD_INPUTS: dict[str, tuple[str, ...]] = {
    "tilbud": ("tilbud",),
    "tilsyn": ("tilsyn", "tilbud"),
    "paabud": ("paabud", "tilbud"),
    "fravaer": ("fravaer", "tilbud"),
    "personale": ("personale", "tilbud"),
    "bostedsundersoegelse": ("bostedsundersoegelse",),
    "noegletal": ("noegletal", "tilbud"),
    "takster": ("takster", "tilbud"),
    "takster_private": ("takster_private",),
    "planer": tuple(p.fil for p in planer.PLANER),
    "kommentarer": ("kommentarer",),
    "years": (),
    "demo": (),
    "data_dir": (),
}


def declared_inputs(page: str) -> tuple[str, ...]:
    """The input files ``page`` reads, as the page registry (``pages.py``) declares them.

    Checked by ``tests/notebooks/test_declared_inputs.py``, which executes each page while
    recording what it touches. A page that shows the key figures (``noegletal.json``) or the
    validation (``datakvalitet.json``) declares every input."""
    try:
        return pages.declared_inputs(page)
    except KeyError:  # an undeclared page depends on everything
        return tuple(dict.fromkeys([*config.FILES, *(p.fil for p in planer.PLANER)]))


def assign_keys(
    tasks: list[Task],
    input_hash: str,
    code_hash: str,
    pages: dict[str, str] | None = None,
    bases: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """A task's key changes when its notebook, parameters, inputs or the package change.

    ``pages`` (tilbud_id → :meth:`Profilside.fingerprint`) keys a facility's profile on what it
    shows instead of on every input: another facility's correction that leaves this page as it
    was does not re-execute it. ``bases`` (output → hash of the inputs the page reads,
    :func:`statusrapport.pipeline.changes.input_bases`) keys a follow-up plan's page on its
    own file and entry, and the other pages on every input but the plans'. Returns each task's
    key components (what the next run compares to say why a page runs again).
    """
    components: dict[str, dict[str, str]] = {}
    source_hashes: dict[Path, str] = {}
    missing = sorted({str(t.source) for t in tasks if not t.source.exists()})
    if missing:
        raise NotebookError(
            "Disse notebooks mangler i notebooks/: "
            + ", ".join(missing)
            + ". Gendan dem fra git, eller fjern siden fra sidekataloget i pages.py."
        )
    for task in tasks:
        if task.source not in source_hashes:
            source_hashes[task.source] = sha(task.source.read_bytes())
        facility = task.parameters.get("tilbud_id")
        shown = (pages or {}).get(facility) if isinstance(facility, str) else None
        parameters = sha(
            json.dumps(task.parameters, sort_keys=True),
            json.dumps(task.front_matter, sort_keys=True, ensure_ascii=False),
        )
        basis = f"side:{shown}" if shown else (bases or {}).get(task.output, input_hash)
        task.key = sha(source_hashes[task.source], parameters, basis, code_hash)
        components[task.output] = {
            "notebook": source_hashes[task.source],
            "parametre": parameters,
            "input": basis,
            "kode": code_hash,
        }
    return components


def profile_basis(input_hash: str, code_hash: str, year: int) -> str:
    """What the stored profile fingerprints were computed from (reused while it is unchanged)."""
    return sha(input_hash, code_hash, str(year))


def profile_fingerprints(
    data_dir: Path,
    year: int,
    basis: str,
    manifest: dict[str, Any],
    facilities: list[ActiveFacility],
    inputs: InputFolder,
) -> dict[str, str]:
    """What each facility's profile page would show, fingerprinted (``profil.Profilside``).

    Reused from the published manifest when inputs and code are unchanged (a run with nothing
    changed computes nothing). Empty when the pages cannot be computed – the data is then
    invalid, which validation reports, or the profile notebooks fail with their own message.
    """
    stored = manifest.get("profiles") or {}
    if stored.get("basis") == basis and isinstance(stored.get("pages"), dict):
        return dict(stored["pages"])
    from statusrapport import data
    from statusrapport.analysis import tilbudsprofil as profil

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # parsed once per process (data.load): a backfill's years share the dataset and
            # its cached disclosure passes
            dataset = data.load(data_dir, inputs)
            return {
                f.tilbud_id: profil.page(dataset, year, f.tilbud_id).fingerprint()
                for f in facilities
            }
    except Exception:  # invalid data: every profile is keyed on the inputs
        return {}


def archive_years(
    reports_dir: Path,
    year: int,
    facilities: list[ActiveFacility],
    run_years: dict[int, set[str]],
) -> dict[str, list[int]]:
    """Per facility, the earlier years its profile links to (``tilbudsprofil.earlier_years``):
    published years that hold its profile, and earlier years built in this run in which it is
    active. Part of the profile's key, so a backfill that adds a year re-runs the newer profiles
    (their links change) while the data and code stay the same."""
    published = {
        int(folder.name)
        for folder in (reports_dir.iterdir() if reports_dir.is_dir() else [])
        if folder.name.isdigit() and int(folder.name) < year
    }
    result = {}
    for f in facilities:
        years = {
            y
            for y in published
            if (reports_dir / str(y) / "tilbud" / f"{f.tilbud_id}.ipynb").is_file()
        }
        years |= {y for y, active in run_years.items() if y < year and f.tilbud_id in active}
        result[f.tilbud_id] = sorted(years)
    return result


def with_archive_years(pages: dict[str, str], years: dict[str, list[int]]) -> dict[str, str]:
    """The profile fingerprints with the earlier years each profile links to folded in."""
    return {
        tilbud_id: sha(shown, ",".join(str(y) for y in years.get(tilbud_id, [])))
        for tilbud_id, shown in pages.items()
    }


def read_manifest(published_year: Path) -> dict[str, Any]:
    """The manifest the year was published with (empty when it was never published)."""
    path = published_year / MANIFEST
    if path.exists():
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    return {}


def write_manifest(build_year: Path, manifest: dict[str, Any]) -> None:
    (build_year / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
