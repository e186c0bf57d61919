"""Find what the pipeline executed: the year folders, their report pages and facility profiles."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from statusrapport import escaping, planer
from statusrapport import pages as registry

#: Committed files and folders copied from the project root into the build folder.
SOURCE_GLOBS: tuple[str, ...] = ("_quarto.yml", "_*.yml", "_*.md", "*.qmd", "*.scss", "*.css")
SOURCE_DIRS: tuple[str, ...] = ("assets",)

#: Cells papermill and the templates tag that a reader must never see.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})


@dataclass(frozen=True)
class Page:
    """One executed report notebook of a year, e.g. ``reports/2025/tilsyn.ipynb``."""

    stem: str
    title: str
    path: Path  # relative to the build folder


@dataclass(frozen=True)
class ProfilePage:
    """One executed facility profile, with the fields its front matter carries."""

    tilbud_id: str
    title: str
    subtitle: str
    maalgruppe: str
    path: Path  # relative to the build folder


@dataclass(frozen=True)
class YearReport:
    """Everything stored for one year in the build folder."""

    year: int
    pages: tuple[Page, ...]
    facilities: tuple[ProfilePage, ...]
    #: One follow-up page per plan (``opfoelgning/<plan_id>.ipynb``), in ``planer.PLANER`` order.
    plans: tuple[Page, ...] = ()

    @property
    def folder(self) -> Path:
        return Path("reports") / str(self.year)


def copy_sources(root: Path, build_dir: Path) -> list[Path]:
    """Copy the committed site sources into the build folder, never ``notebooks/``.

    A file that is already in the build folder wins: the pipeline may have written a generated
    include (such as ``_noegletal.md``) there before calling ``build``.
    """
    copied: list[Path] = []
    build_dir.mkdir(parents=True, exist_ok=True)
    for pattern in SOURCE_GLOBS:
        for source in sorted(root.glob(pattern)):
            target = build_dir / source.name
            if source.is_file() and not target.exists():
                shutil.copy2(source, target)
                copied.append(target)
    for folder in SOURCE_DIRS:
        source = root / folder
        if source.is_dir():
            shutil.copytree(source, build_dir / folder, dirs_exist_ok=True)
            copied.append(build_dir / folder)
    return copied


def front_matter(notebook: Path) -> dict[str, Any]:
    """The YAML front matter of an executed notebook's first raw cell (empty if none)."""
    nb = nbformat.read(notebook, as_version=4)
    return front_matter_of(nb)


def front_matter_of(nb: nbformat.NotebookNode) -> dict[str, Any]:
    if not nb.cells or nb.cells[0].cell_type != "raw":
        return {}
    match = re.match(r"\s*---\s*\n(.*?)\n---", nb.cells[0].source, flags=re.DOTALL)
    if not match:
        return {}
    loaded = yaml.safe_load(match.group(1))
    return loaded if isinstance(loaded, dict) else {}


def discover(build_dir: Path, years: Iterable[int], messages: list[str]) -> list[YearReport]:
    """The stored reports per year, newest first, in the menu order of the page registry."""
    reports: list[YearReport] = []
    for year in sorted(set(years), reverse=True):
        folder = build_dir / "reports" / str(year)
        if not folder.is_dir():
            messages.append(f"Advarsel: der er ingen rapport for {year} i {folder}.")
            continue
        pages = []
        for stem, default_title in registry.titles():
            path = folder / f"{stem}.ipynb"
            if path.exists():
                title = str(front_matter(path).get("title") or f"{default_title} {year}")
                pages.append(Page(stem, title, path.relative_to(build_dir)))
        facilities = []
        for path in sorted((folder / "tilbud").glob("*.ipynb")):
            meta = front_matter(path)
            facilities.append(
                ProfilePage(
                    tilbud_id=str(meta.get("tilbud_id") or path.stem),
                    # the title is escaped for Quarto in front matter; the site shows the name
                    title=escaping.from_metadata(str(meta.get("title") or path.stem)),
                    subtitle=str(meta.get("subtitle") or ""),
                    maalgruppe=str(meta.get("maalgruppe") or ""),
                    path=path.relative_to(build_dir),
                )
            )
        facilities.sort(key=lambda f: f.title.casefold())
        plans = []
        for plan in planer.PLANER:
            path = folder / "opfoelgning" / f"{plan.id}.ipynb"
            if path.exists():
                title = str(front_matter(path).get("title") or f"{plan.titel} {year}")
                plans.append(Page(plan.id, title, path.relative_to(build_dir)))
        reports.append(YearReport(year, tuple(pages), tuple(facilities), tuple(plans)))
    return reports


def key_figures(build_dir: Path, report: YearReport) -> dict[str, Any]:
    """The year's ``noegletal.json`` (written by the pipeline), or empty when it is missing."""
    path = build_dir / report.folder / "noegletal.json"
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def cell_options(cell: Mapping[str, Any]) -> dict[str, Any]:
    """Quarto's ``#| key: value`` options at the top of a code cell, parsed as YAML."""
    lines = []
    for line in str(cell.get("source", "")).splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].strip())
    if not lines:
        return {}
    try:
        parsed = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def is_hidden(cell: Mapping[str, Any]) -> bool:
    """Parameter cells (the template's and papermill's) are never shown."""
    return bool(HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])))


def _resume_label(build_dir: Path, report: YearReport, wanted: Callable[[str], bool]) -> str | None:
    """The label of the first code cell of the year's resumé whose label ``wanted`` accepts."""
    resume = next((p for p in report.pages if p.stem == "resume"), None)
    if resume is None:
        return None
    nb = nbformat.read(build_dir / resume.path, as_version=4)
    for cell in nb.cells:
        label = cell_options(cell).get("label") if cell.cell_type == "code" else None
        if label and wanted(str(label)):
            return str(label)
    return None


def messages_label(build_dir: Path, report: YearReport) -> str | None:
    """The label of the resumé's "Det vigtigste" cell (for the front page), if it has one."""
    return _resume_label(build_dir, report, lambda label: label.startswith("vigtigste"))


def scoreboard_label(build_dir: Path, report: YearReport) -> str | None:
    """The label of the resumé's target scoreboard cell, if the notebook labels one."""
    return _resume_label(
        build_dir, report, lambda label: any(w in label for w in ("scoreboard", "maal"))
    )
