"""What a wrong value looks like: the likely cause and fix, for the validation messages.

An analyst reads "tilbud_id skal findes i tilbud.csv" on seven lines and still has to find the
typo; "mente du CLB07?" points at it. Two helpers, used by the reader and the cross-file rules:

* :func:`nearest_id` – the known id a typed id was probably meant to be: first after undoing the
  usual look-alike confusions (letter O ↔ digit 0, I/l ↔ 1, case), else the closest by
  :class:`difflib.SequenceMatcher` ratio (≥ 0,75, unique best).
* :func:`date_look` – what an unreadable date or month looks like ("måned 18 – amerikansk
  datoformat?"), with the value rewritten the way it was probably meant.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable

#: Characters typed for each other: letter O and digit 0, letters I/l and digit 1.
_LOOK_ALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "i": "1", "l": "1", "L": "1"})
_MIN_RATIO = 0.75

_SEP_DATE = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?: 0{1,2}:00(?::00)?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{1,2})[-./](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _canonical(value: str) -> str:
    return value.strip().translate(_LOOK_ALIKE).upper()


def nearest_id(value: str, known: Iterable[str]) -> str | None:
    """The known id ``value`` was most likely meant to be, or ``None`` when none is close.

    ``nearest_id("CLBO7", {"CLB07", "CLB08"}) == "CLB07"`` (letter O for digit 0). Ties between
    equally close ids give ``None``: a guess that may be wrong is worse than none.
    """
    candidates = sorted({k for k in known if k and k != value})
    if not candidates or not value:
        return None
    canonical = _canonical(value)
    same = [k for k in candidates if _canonical(k) == canonical]
    if len(same) == 1:
        return same[0]
    if same:
        return None
    scored = sorted(
        ((difflib.SequenceMatcher(None, canonical, _canonical(k)).ratio(), k) for k in candidates),
        reverse=True,
    )
    best_ratio, best = scored[0]
    if best_ratio < _MIN_RATIO or (len(scored) > 1 and scored[1][0] == best_ratio):
        return None
    return best


def date_look(value: str, kind: str = "dato") -> str | None:
    """What an unreadable date (``kind="dato"``) or month (``"maaned"``) looks like, in Danish.

    ``date_look("03/18/2025") == "måned 18 – amerikansk datoformat? mente du
    18-03-2025?"``. ``None`` when the value does not look like a date at all.
    """
    text = value.strip()
    if kind == "maaned":
        for pattern, month_group in ((_MONTH, 1), (_ISO_MONTH, 2)):
            match = pattern.match(text)
            if match and not 1 <= int(match.group(month_group)) <= 12:
                return f"måned {int(match.group(month_group))} findes ikke"
        found = date_look(text, "dato")
        return found
    match = _SEP_DATE.match(text)
    if match:
        first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if _exists(int(year), second, first):
            return None  # a valid day-first date: a format question, not a wrong value
        if second > 12 and 1 <= first <= 12 and second <= 31:
            return (
                f"måned {second} – amerikansk datoformat? mente du {second:02d}-{first:02d}-{year}?"
            )
        if second > 12:
            return f"måned {second} findes ikke"
        if first > 31 or first == 0:
            return f"dag {first} findes ikke"
        return f"{first}. i måned {second} findes ikke i kalenderen"
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if _exists(int(year), month, day):
            return None
        if month > 12 and 1 <= day <= 12:
            return f"måned {month} – dag og måned byttet om? mente du {year}-{day:02d}-{month:02d}?"
        if month > 12 or month == 0:
            return f"måned {month} findes ikke"
        return f"dag {day} findes ikke i måned {month}"
    return None
