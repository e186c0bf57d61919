"""All formatting a reader sees: numbers, percentages, changes, months and dates, in Danish.

One rule for every number: decimal comma, dot as thousands separator, typographic minus "−"
(U+2212), and no negative zero (−0,04 shown with one decimal is "0,0", not "−0,0"). Months and
dates are written with Danish month names ("januar 2025"), never ISO ("2025-01"), and never depend
on the machine's locale.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

NBSP = "\u00a0"
MINUS = "\u2212"

#: Danish month names, so labels never depend on the machine's locale.
MAANEDER: tuple[str, ...] = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
#: Short month names for axis ticks and compact tables.
MAANEDER_KORT: tuple[str, ...] = tuple(m[:3] for m in MAANEDER)
MISSING = "–"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _rounded(value: float, decimals: int) -> float:
    """Round as printed, turning a rounded −0 into +0 (so no "−0,0" ever appears)."""
    number = round(float(value), decimals)
    return 0.0 if number == 0 else number


def tal(value: float | int | None, decimals: int = 1) -> str:
    """A number in Danish style: '3,8', '1.234,5', '−0,4'; '–' if missing."""
    if _is_missing(value):
        return MISSING
    assert value is not None
    number = _rounded(value, decimals)
    text = f"{abs(number):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{MINUS}{text}" if number < 0 else text


def heltal(value: float | int | None) -> str:
    """A whole number with Danish thousands separator (1.200)."""
    return tal(value, 0)


def pct(value: float | None, decimals: int = 1, *, fraction: bool = True) -> str:
    """A percentage, '6,2 %'. ``value`` is a fraction (0.062) unless ``fraction=False``."""
    if _is_missing(value):
        return MISSING
    assert value is not None
    number = value * 100 if fraction else value
    return f"{tal(number, decimals)}{NBSP}%"


def signed(value: float | None, decimals: int = 1) -> str:
    """A signed change, '+0,3', '−0,2' or '±0,0' (sign decided after rounding)."""
    if _is_missing(value):
        return MISSING
    assert value is not None
    number = _rounded(value, decimals)
    sign = "+" if number > 0 else (MINUS if number < 0 else "±")
    return f"{sign}{tal(abs(number), decimals)}"


def point(value: float | None, decimals: int = 1) -> str:
    """A change in percentage points with sign, '+0,4 procentpoint'."""
    if _is_missing(value):
        return MISSING
    return f"{signed(value, decimals)}{NBSP}procentpoint"


def interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval of changes, '−0,5 til +0,4' ('–' if either end is missing)."""
    if _is_missing(low) or _is_missing(high):
        return MISSING
    return f"{signed(low, decimals)} til {signed(high, decimals)}"


def auto(value: object) -> str:
    """The table default: one rule for all floats (one decimal, also ≥ 1.000), ints whole."""
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return heltal(value)
    if isinstance(value, float):
        return tal(value, 1)
    if isinstance(value, dt.datetime | dt.date):
        return dato(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return auto(value.item())  # type: ignore[attr-defined]
    return str(value)


def _month_year(value: Any) -> tuple[int, int]:
    """(year, month) from a Timestamp/date/Period or a 'YYYY-MM' string."""
    if isinstance(value, str):
        year, month = value[:7].split("-")
        return int(year), int(month)
    return int(value.year), int(value.month)


def maaned(value: Any, *, kort: bool = False) -> str:
    """'januar 2025' (or 'jan 2025' with ``kort``) from a date, Period or 'YYYY-MM'."""
    year, month = _month_year(value)
    names = MAANEDER_KORT if kort else MAANEDER
    return f"{names[month - 1]} {year}"


def periode(start: Any, slut: Any) -> str:
    """'januar 2024–december 2025': a span of months in words."""
    return f"{maaned(start)}–{maaned(slut)}"


def dato(value: dt.date | dt.datetime) -> str:
    """'3. marts 2025': a date in words."""
    return f"{value.day}. {MAANEDER[value.month - 1]} {value.year}"


def antal(n: int, singular: str, plural: str) -> str:
    """'1 tilbud', '3 anbefalinger' – count with the right noun form."""
    return f"{heltal(n)} {singular if n == 1 else plural}"


def opremsning(items: list[str], conjunction: str = "og") -> str:
    """'A, B og C' – a Danish list in running text."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
