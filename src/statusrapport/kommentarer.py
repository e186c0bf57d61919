"""The administration's own words (issue 20): comments per year and subject from the optional
``kommentarer.csv``, read by the one reader into ``Dataset.kommentarer``.

A subject (``emne``) is a target or rate key (:data:`statusrapport.contract.KOMMENTAR_EMNER`), a
follow-up plan's id or a facility's ``tilbud_id``; validation has checked that it is one of them,
that the year has data and that there is at most one comment per year and subject. The text is an
analyst's free text: the functions returning it raw say so, and the ones returning Markdown escape
it (:mod:`statusrapport.escaping`). Without a comment the page says :data:`INGEN_KOMMENTAR`.
"""

from __future__ import annotations

from statusrapport import contract, escaping
from statusrapport.analysis import maalopfyldelse as maal
from statusrapport.data import Dataset

#: What a page says where the administration has given no comment.
INGEN_KOMMENTAR = "Forvaltningen har ikke givet en kommentar."


def for_year(data: Dataset, year: int) -> dict[str, str]:
    """Every comment of ``year`` by subject (raw text: escape where shown)."""
    rows = data.kommentarer.loc[data.kommentarer["aar"] == year]
    return dict(zip(rows["emne"].astype(str), rows["kommentar"].astype(str), strict=True))


def for_subject(data: Dataset, year: int, emne: str) -> str | None:
    """The comment on one subject in ``year`` (raw text), or None when none was given."""
    return for_year(data, year).get(emne)


def for_tilbud(data: Dataset, year: int, tilbud_id: str) -> str | None:
    """The comment on one facility in ``year`` (raw text), or None: for the facility's profile.

    Show it escaped, e.g. ``escaping.markdown(text)``, or :data:`INGEN_KOMMENTAR` without one.
    """
    return for_subject(data, year, str(tilbud_id))


def for_tilbud_markdown(data: Dataset, year: int, tilbud_id: str) -> str:
    """'*Det gør forvaltningen:* …' for a facility's page, escaped; or that none was given."""
    text = for_tilbud(data, year, tilbud_id)
    if text is None:
        return f"*{INGEN_KOMMENTAR}*"
    return f"*Det gør forvaltningen:* {escaping.markdown(text)}"


def targets_markdown(data: Dataset, year: int) -> str:
    """The comments on the framework paper's targets as a Markdown list, in the paper's order,
    escaped; a target without a comment says so. Empty when no target has a comment at all."""
    comments = for_year(data, year)
    if not any(key in comments for key in maal.TARGET_KEYS):
        return ""
    lines = []
    for key in maal.TARGET_KEYS:
        label = escaping.markdown(maal.TARGET_LABELS[key])
        text = comments.get(key)
        shown = escaping.markdown(text) if text is not None else f"*{INGEN_KOMMENTAR}*"
        lines.append(f"- **{label}:** {shown}")
    return "\n".join(lines)


def subjects() -> dict[str, str]:
    """The subjects a comment can be about besides plans and facilities, with their names."""
    return dict(contract.KOMMENTAR_EMNER)


__all__ = [
    "INGEN_KOMMENTAR",
    "for_subject",
    "for_tilbud",
    "for_tilbud_markdown",
    "for_year",
    "subjects",
    "targets_markdown",
]
