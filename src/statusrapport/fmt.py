"""Danish number formatting for everything a reader sees (3,8 · 6,2 % · 1.200)."""

from __future__ import annotations

import math

NBSP = "\u00a0"

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
MISSING = "–"


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def tal(value: float | int | None, decimals: int = 1) -> str:
    """A number in Danish style: decimal comma, dot as thousands separator; '–' if missing."""
    if _is_missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def heltal(value: float | int | None) -> str:
    """A whole number with Danish thousands separator (1.200)."""
    return tal(value, 0)


def pct(value: float | None, decimals: int = 1, *, fraction: bool = True) -> str:
    """A percentage, '6,2 %'. ``value`` is a fraction (0.062) unless ``fraction=False``."""
    if value is None or _is_missing(value):
        return MISSING
    number = value * 100 if fraction else value
    return f"{tal(number, decimals)}{NBSP}%"


def point(value: float | None, decimals: int = 1) -> str:
    """A change in percentage points with sign, '+0,4 procentpoint'."""
    if value is None or _is_missing(value):
        return MISSING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{tal(abs(value), decimals)}{NBSP}procentpoint"


def signed(value: float | None, decimals: int = 1) -> str:
    """A signed change, '+0,3' or '−0,2' (typographic minus)."""
    if value is None or _is_missing(value):
        return MISSING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{tal(abs(value), decimals)}"


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
