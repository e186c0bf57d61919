"""Jinja2 with autoescaping: every HTML the site code writes comes from ``templates/``."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from statusrapport import escaping


def _finalize(value: Any) -> Any:
    """Data-derived values go through :func:`escaping.html` (which also escapes ``{ }``, so no
    Quarto shortcode survives in a raw HTML block); markup the code built is left alone."""
    if isinstance(value, Markup) or value is None:
        return value
    return Markup(escaping.html(value))


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("statusrapport.site", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``."""
    return environment().get_template(name).render(**context)
