"""Output paths that cannot leave the build folder, and input paths that do not name the machine.

Ids from the input files (``tilbud_id``) become file names of notebooks and CSV downloads. An id
such as ``../../elsewhere/x`` must never make a run write outside the folder it builds in, even
before validation rejects it, so every writer asks :func:`inside` first. :func:`portable` keeps
absolute machine paths (``/srv/…``) out of the executed notebooks that are published.
"""

from __future__ import annotations

import os
from pathlib import Path


class OutsideError(ValueError):
    """An output path that would resolve outside the folder it must stay in."""


def inside(base: str | Path, path: str | Path) -> Path:
    """``path`` (relative to ``base``, or absolute) resolved, if it lies inside ``base``.

    Both are resolved first, so ``..`` parts and symlinks (also a symlinked parent folder) are
    followed before the check; a path that ends outside ``base`` raises :class:`OutsideError`.
    ``base`` itself is not a valid output path.
    """
    if "\x00" in str(path):  # a NUL byte cannot be in a file name; refuse it like ../
        raise OutsideError(
            f"Stien {str(path)[:200]!r} indeholder et NUL-tegn. Ret id'et i inputdata."
        )
    root = Path(base).resolve()
    target = (root / path).resolve()
    if target == root or not target.is_relative_to(root):
        raise OutsideError(
            f"Stien {str(path)[:200]!r} ligger uden for mappen {root}; "
            "der skrives kun filer inde i byggemappen. Ret id'et i inputdata."
        )
    return target


def published_path(path: str | Path) -> Path:
    """``path`` made absolute without following its last part: a published folder (the site)
    is a symbolic link to its current version, and the next run must replace the link, not
    publish into the version it points to."""
    path = Path(path).absolute()
    return path.parent.resolve() / path.name


def is_inside(base: str | Path, path: str | Path) -> bool:
    """True when :func:`inside` would accept ``path``."""
    try:
        inside(base, path)
    except OutsideError:
        return False
    return True


def portable(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` (POSIX form) when it lies inside it, else ``""``.

    Used for the ``data_dir`` notebook parameter: the executed notebook is published, so it
    must not carry the machine's folder layout; an empty value means "the run's data folder"
    (the kernel gets it from ``STATUSRAPPORT_DATA``).
    """
    resolved, base = Path(path).resolve(), Path(root).resolve()
    if resolved.is_relative_to(base) and resolved != base:
        return resolved.relative_to(base).as_posix()
    return ""


def build_root() -> Path:
    """The folder a notebook may write into: the run's build folder (``STATUSRAPPORT_BUILD``,
    set for the pipeline's kernels), else the current folder (an analyst's own session)."""
    return Path(os.environ.get("STATUSRAPPORT_BUILD") or os.getcwd())


def output(path: str | Path) -> Path:
    """``path`` (relative to the current folder) checked to stay inside :func:`build_root`."""
    return inside(build_root(), Path.cwd() / path)


#: Where an interactive session (JupyterLab, papermill by hand) writes its tables: a folder
#: of the project that git ignores, never next to the notebook (issue 24: ``notebooks/tabeller``
#: with real data was one ``git add -A`` away from a commit). ``make clean`` removes it.
INTERACTIVE_DIR = "interaktiv"


def in_pipeline() -> bool:
    """True in a kernel the pipeline started (it sets ``STATUSRAPPORT_BUILD``)."""
    return bool(os.environ.get("STATUSRAPPORT_BUILD"))


def interactive_root(project_root: str | Path) -> Path:
    """The ignored folder for an interactive session's outputs (``STATUSRAPPORT_INTERAKTIV``
    overrides it; default ``<project>/interaktiv``)."""
    override = os.environ.get("STATUSRAPPORT_INTERAKTIV")
    return Path(override) if override else Path(project_root) / INTERACTIVE_DIR


def table_output(name: str, folder: str, project_root: str | Path) -> Path:
    """Where a page's table CSV ``name`` goes: ``<folder>/<name>`` beside the executed notebook
    in a pipeline run; ``interaktiv/<folder>/<name>`` in the project in an interactive one."""
    if in_pipeline():
        return output(Path(folder) / name)
    root = interactive_root(project_root)
    return inside(root, Path(folder) / name)
