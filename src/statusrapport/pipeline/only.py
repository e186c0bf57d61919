"""``statusrapport run --only <side> [--tilbud ID]``: re-execute one page while editing it."""

from __future__ import annotations

from dataclasses import dataclass

from statusrapport import config, escaping
from statusrapport.errors import UsageError
from statusrapport.execution import Task


@dataclass(frozen=True)
class Only:
    """The page to re-execute: a notebook stem, and for profiles optionally one facility."""

    page: str
    tilbud: str | None = None


def pages() -> list[str]:
    """The pages ``--only`` accepts: the year's pages and the facility profile."""
    return [stem for stem, _title in config.REPORT_PAGES] + [config.PROFILE_NOTEBOOK]


def check_only(page: str | None, tilbud: str | None) -> Only | None:
    """``--only``/``--tilbud`` as given on the command line, checked before any work is done."""
    if page is None and tilbud is None:
        return None
    page = page or config.PROFILE_NOTEBOOK
    if page not in pages():
        raise UsageError(
            f"--only {escaping.plain(page, max_length=40)}: ukendt side. Vælg en af: "
            + ", ".join(pages())
            + "."
        )
    if tilbud is not None and page != config.PROFILE_NOTEBOOK:
        raise UsageError(
            f"--tilbud gælder kun tilbudsprofilen: brug --only {config.PROFILE_NOTEBOOK} "
            f"--tilbud {escaping.plain(tilbud, max_length=40)} (eller udelad --only)."
        )
    return Only(page, tilbud)


def select_only(tasks: list[Task], only: Only, old_keys: dict[str, str]) -> list[Task]:
    """The year's tasks of ``only``, to be executed whatever their keys say.

    Every other task keeps the key it was published with, so a page that is out of date but
    not re-executed now stays out of date in the manifest and the next full run executes it.
    """
    source = config.NOTEBOOKS_DIR / f"{only.page}.ipynb"
    chosen = [
        t
        for t in tasks
        if t.source == source
        and (only.tilbud is None or t.parameters.get("tilbud_id") == only.tilbud)
    ]
    if not chosen and only.tilbud is None:
        raise UsageError(f"--only {only.page}: siden er ikke planlagt for rapportåret.")
    if not chosen:
        active = sorted(
            str(t.parameters["tilbud_id"]) for t in tasks if "tilbud_id" in t.parameters
        )
        raise UsageError(
            f"--tilbud {escaping.plain(only.tilbud or '', max_length=40)}: tilbuddet er ikke "
            "aktivt i rapportåret (aktive: "
            + ", ".join(active[:10])
            + (" …" if len(active) > 10 else "")
            + ")."
        )
    for task in tasks:
        if task not in chosen:
            task.key = old_keys.get(task.output, "")
    return chosen
