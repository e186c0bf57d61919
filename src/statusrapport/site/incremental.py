"""Incremental rendering: Quarto renders only the pages whose sources changed since the site
that is published now, and keeps the rest of ``_site``.

Each render target gets a fingerprint of everything its HTML depends on: its own bytes, the
files it includes or embeds, ``_variables.yml`` when it uses ``{{< var >}}``, and the sidebar
that lists it. The rest of ``_quarto.yml`` (theme, formats, navbar apart from the year menu,
the demo banner), the styles and ``assets/`` form the *site fingerprint*: when it changes, or
a page disappears, or there is no previous render, the whole site is rendered again.

Two things every page shows change with the archive rather than with the page: the year menu
in the navbar and the footer line (data period, run date). After a partial render they are
copied from the freshly rendered front page into the pages that were not rendered, so every
page shows the same menu (verified against a full render in the tests).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from statusrapport.hashing import sha as _sha

#: Written into ``_site`` after every render: the fingerprints the next run compares with.
MANIFEST = ".statusrapport-render.json"
FORMAT = 1
#: The navbar entry whose dropdown lists the years (see ``sources.write_quarto_config``).
YEAR_MENU_TEXT = "Årsrapporter"
#: Downloads that live next to the pages (``project.resources`` in ``_quarto.yml``).
RESOURCE_SUFFIXES = (".csv", ".json", ".pdf")

_INCLUDE = re.compile(r"\{\{<\s*include\s+(\S+)\s*>\}\}")
_EMBED = re.compile(r"\{\{<\s*embed\s+([^#\s>]+)")
_VAR = re.compile(r"\{\{<\s*var\s+([^\s>]+)")


@dataclass
class RenderPlan:
    """What to render: everything (``full``) or ``files``, and why (for the run's messages)."""

    full: bool
    files: list[str]
    reason: str
    site_hash: str
    pages: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def _config(build_dir: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((build_dir / "_quarto.yml").read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def targets(build_dir: Path, cfg: dict[str, Any]) -> list[str]:
    """The render targets of ``project.render`` (globs; ``!x/`` excludes), relative paths."""
    patterns = [str(p) for p in (cfg.get("project", {}) or {}).get("render", [])]
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:].rstrip("/") for p in patterns if p.startswith("!")]
    found: set[str] = set()
    for pattern in include:
        for path in build_dir.glob(pattern):
            rel = path.relative_to(build_dir).as_posix()
            if path.is_file() and not any(
                rel == ex or rel.startswith(ex + "/") or fnmatch.fnmatch(rel, ex) for ex in exclude
            ):
                found.add(rel)
    return sorted(found)


def _without_archive_parts(cfg: dict[str, Any]) -> dict[str, Any]:
    """The config minus what changes with the archive: year menu, sidebars, footer line."""
    stripped = copy.deepcopy(cfg)
    website = stripped.get("website", {}) or {}
    website.pop("sidebar", None)
    footer = website.get("page-footer")
    if isinstance(footer, dict):
        footer.pop("center", None)
    for item in (website.get("navbar", {}) or {}).get("left", []) or []:
        if isinstance(item, dict) and item.get("text") == YEAR_MENU_TEXT:
            item.pop("menu", None)
            item.pop("href", None)
    return stripped


def site_fingerprint(build_dir: Path, cfg: dict[str, Any], quarto_version: str) -> str:
    """Everything that can change every page: a change here means a full render."""
    files = [build_dir / name for name in ("theme.scss", "styles.css")]
    files += sorted(p for p in (build_dir / "assets").rglob("*") if p.is_file())
    parts: list[bytes | str] = [
        str(FORMAT),
        quarto_version,
        json.dumps(_without_archive_parts(cfg), sort_keys=True, ensure_ascii=False),
    ]
    for path in files:
        if path.is_file():
            parts += [path.relative_to(build_dir).as_posix(), path.read_bytes()]
    return _sha(*parts)


def _sidebar_of(cfg: dict[str, Any]) -> dict[str, str]:
    """For each page listed in a sidebar, the fingerprint of that sidebar."""
    found: dict[str, str] = {}
    sidebars = (cfg.get("website", {}) or {}).get("sidebar", []) or []
    if isinstance(sidebars, dict):
        sidebars = [sidebars]
    for sidebar in sidebars:
        text = json.dumps(sidebar, sort_keys=True, ensure_ascii=False)
        for entry in sidebar.get("contents", []) or []:
            href = entry.get("href") if isinstance(entry, dict) else entry
            if href:
                found[str(href)] = _sha(text)
    return found


def page_fingerprints(build_dir: Path, pages: list[str], cfg: dict[str, Any]) -> dict[str, str]:
    """Per page: its bytes, its includes and embedded notebooks, the variables it shows, its
    sidebar."""
    variables = build_dir / "_variables.yml"
    loaded = yaml.safe_load(variables.read_text(encoding="utf-8")) if variables.exists() else {}
    values = loaded if isinstance(loaded, dict) else {}
    sidebar = _sidebar_of(cfg)
    result = {}
    for page in pages:
        path = build_dir / page
        data = path.read_bytes()
        parts: list[bytes | str] = [page, data, sidebar.get(page, "")]
        text = data.decode("utf-8", errors="replace")
        shown_text = [text]
        for name in _INCLUDE.findall(text) + _EMBED.findall(text):
            dep = (path.parent / name).resolve()
            dep_bytes = dep.read_bytes() if dep.is_file() else b"<mangler>"
            parts += [name, dep_bytes]
            if name in _INCLUDE.findall(text):  # an include's variables are the page's
                shown_text.append(dep_bytes.decode("utf-8", errors="replace"))
        names = sorted({n for t in shown_text for n in _VAR.findall(t)})
        if names:  # the values it shows, not the whole file (the run's input hash changes)
            shown = {name: _variable(values, name) for name in names}
            parts.append(json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str))
        result[page] = _sha(*parts)
    return result


def _variable(values: dict[str, Any], name: str) -> Any:
    """``{{< var a.b >}}``'s value in ``_variables.yml`` (None when it is missing)."""
    found: Any = values
    for key in name.split("."):
        if not isinstance(found, dict) or key not in found:
            return None
        found = found[key]
    return found


def read_manifest(site_dir: Path | None) -> dict[str, Any]:
    if site_dir is None:
        return {}
    path = site_dir / MANIFEST
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) and loaded.get("format") == FORMAT else {}


def plan_render(build_dir: Path, previous: dict[str, Any], quarto_version: str) -> RenderPlan:
    """Compare the build folder's sources with the previous render's manifest."""
    cfg = _config(build_dir)
    pages = targets(build_dir, cfg)
    site_hash = site_fingerprint(build_dir, cfg, quarto_version)
    fingerprints = page_fingerprints(build_dir, pages, cfg)
    old_pages: dict[str, str] = previous.get("pages", {}) if previous else {}
    removed = sorted(set(old_pages) - set(fingerprints))
    if not previous:
        reason = "intet tidligere site"
    elif previous.get("site") != site_hash:
        reason = "sitets opsætning, tema eller navigation er ændret"
    else:
        reason = ""
    if reason:
        return RenderPlan(True, pages, reason, site_hash, fingerprints, removed)
    changed = [p for p in pages if old_pages.get(p) != fingerprints[p]]
    if changed and "index.qmd" in fingerprints and "index.qmd" not in changed:
        changed.insert(0, "index.qmd")  # the front page carries the menu and footer to copy
    return RenderPlan(False, changed, "", site_hash, fingerprints, removed)


#: What one ``quarto render`` costs before its first page (start-up, and the project scan that
#: re-reads every notebook's metadata: Quarto keeps no index for notebooks) and what each page
#: adds (Pandoc with Quarto's Lua filters), in seconds. Measured 2026-12-04 on the project's
#: 2-core machine, quiet (load ≈ 2), Quarto 1.11, one demo year (docs/performance.md): a single
#: page 2,1–2,4 s, the folder of 37 profiles 22,5 s, the full render of 54 pages 37,3 s. Only
#: their ratio matters to the choice below.
CALL_SECONDS = 2.0
PAGE_SECONDS = 0.6
#: The whole project as a render unit: a full render (``quarto render`` of the project).
WHOLE_SITE = "."


@dataclass(frozen=True)
class RenderChoice:
    """The cheapest way to render the changed pages: the units (one ``quarto render`` each)
    and the estimated seconds. ``units == [WHOLE_SITE]`` is a full render."""

    units: list[str]
    seconds: float

    @property
    def full(self) -> bool:
        return self.units == [WHOLE_SITE]


def _folder_of(page: str) -> str:
    parent = Path(page).parent.as_posix()
    return "" if parent == "." else parent


def render_units(files: list[str], pages: list[str]) -> RenderChoice:
    """What to hand ``quarto render``, one unit per call, chosen by cost.

    ``quarto render`` takes one input: a page, or a folder (every page under it, changed or
    not; an unchanged page renders to the same HTML). Each call pays :data:`CALL_SECONDS`,
    each page rendered :data:`PAGE_SECONDS`. For every folder, bottom-up, the cheaper of
    rendering the folder in one call and rendering its changed pages and sub-folders
    separately is kept; at the top, "the folder" is the whole site, a full render. So one
    changed profile is one call, 19 of 36 profiles one call for their folder, and a correction
    that touches pages all over a one-year site a full render.
    """
    changed = list(dict.fromkeys(files))
    below: dict[str, int] = {}  # folder -> pages under it (recursively)
    children: dict[str, set[str]] = {}
    for page in set(pages) | set(files):
        folder = _folder_of(page)
        while True:
            below[folder] = below.get(folder, 0) + 1
            if folder == "":
                break
            parent = _folder_of(folder)
            children.setdefault(parent, set()).add(folder)
            folder = parent
    direct: dict[str, list[str]] = {}
    for page in changed:
        direct.setdefault(_folder_of(page), []).append(page)
    has_change = {""} if changed else set()
    for page in changed:
        folder = _folder_of(page)
        while folder not in has_change:
            has_change.add(folder)
            folder = _folder_of(folder)

    def best(folder: str) -> tuple[float, list[str]]:
        sub = [best(c) for c in sorted(children.get(folder, set())) if c in has_change]
        singles = direct.get(folder, [])
        split_units = [u for _, units in sub for u in units] + singles
        split = sum(c for c, _ in sub) + len(singles) * (CALL_SECONDS + PAGE_SECONDS)
        whole = CALL_SECONDS + PAGE_SECONDS * below.get(folder, 0)
        if whole < split:
            return whole, [folder or WHOLE_SITE]
        return split, split_units

    if not changed:
        return RenderChoice([], 0.0)
    seconds, units = best("")
    # folders first (shallowest first), then single pages in the order given (front page first)
    chosen = set(units)
    folders = sorted((u for u in units if u not in set(changed)), key=lambda d: (d.count("/"), d))
    return RenderChoice(folders + [f for f in changed if f in chosen], round(seconds, 1))


def write_manifest(site_dir: Path, plan: RenderPlan) -> None:
    data = {"format": FORMAT, "site": plan.site_hash, "pages": plan.pages}
    if not site_dir.is_dir():
        return  # nothing was rendered; build() reports the missing site
    (site_dir / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def output_of(page: str) -> str:
    """``reports/2025/tilsyn.ipynb`` → ``reports/2025/tilsyn.html``."""
    return str(Path(page).with_suffix(".html").as_posix())


def remove_pages(site_dir: Path, pages: list[str]) -> None:
    """Pages no longer in the archive (e.g. a facility that closed) leave the site."""
    for page in pages:
        target = site_dir / output_of(page)
        target.unlink(missing_ok=True)
    if pages:
        _drop_from_search(site_dir, {output_of(p) for p in pages})


def _drop_from_search(site_dir: Path, outputs: set[str]) -> None:
    path = site_dir / "search.json"
    if not path.exists():
        return
    entries = json.loads(path.read_text(encoding="utf-8"))
    kept = [e for e in entries if str(e.get("href", "")).split("#")[0] not in outputs]
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")


def sync_resources(build_dir: Path, site_dir: Path) -> int:
    """Downloads (CSV, JSON, PDF) under ``reports/`` that are new or changed; returns count."""
    copied = 0
    for source in sorted((build_dir / "reports").rglob("*")):
        if not source.is_file() or source.suffix not in RESOURCE_SUFFIXES:
            continue
        if source.name.startswith("."):
            continue
        target = site_dir / source.relative_to(build_dir)
        if target.exists() and target.read_bytes() == source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
    return copied


# --- the shared chrome: year menu and footer ---------------------------------------------

_MENU = re.compile(
    r'(<ul class="dropdown-menu[^"]*" aria-labelledby="nav-menu-[^"]*">)(.*?)(</ul>)', re.DOTALL
)
_FOOTER = re.compile(r'(<div class="nav-footer-center">)(.*?)(</div>)', re.DOTALL)
_HREF = re.compile(r'href="(?!https?:|mailto:|#|/)(?:\./)?([^"]*)"')


def _rebase(block: str, depth: int) -> str:
    """Links written for the front page (site root), made relative to a page ``depth`` deep."""
    prefix = "../" * depth if depth else "./"
    return _HREF.sub(lambda m: f'href="{prefix}{m.group(1)}"', block)


def _replace_inner(pattern: re.Pattern[str], text: str, inner: str) -> str:
    match = pattern.search(text)
    if match is None:
        return text
    return text[: match.start(2)] + inner + text[match.end(2) :]


def patch_chrome(site_dir: Path, rendered: set[str]) -> int:
    """Give pages not rendered this time the front page's year menu and footer line."""
    index = site_dir / "index.html"
    if not index.exists():
        return 0
    front = index.read_text(encoding="utf-8")
    menu, footer = _MENU.search(front), _FOOTER.search(front)
    patched = 0
    for page in sorted(site_dir.rglob("*.html")):
        rel = page.relative_to(site_dir).as_posix()
        if rel in rendered or rel == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        depth = len(Path(rel).parts) - 1
        new = text
        if menu:
            new = _replace_inner(_MENU, new, _rebase(menu.group(2), depth))
        if footer:
            new = _replace_inner(_FOOTER, new, _rebase(footer.group(2), depth))
        if new != text:
            tmp = page.with_name(page.name + f".{os.getpid()}.tmp")
            tmp.write_text(new, encoding="utf-8")
            os.replace(tmp, page)
            patched += 1
    return patched
