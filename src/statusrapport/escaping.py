"""The one place that makes data-derived text safe for where it lands: Markdown, HTML, CSV.

Facility names, ids, comments and warning texts come from input files that anyone with write
access to the data folder controls. Put raw into a page they could become live HTML
(``<script>``), a ``javascript:`` link, a layout breaker, or a Quarto shortcode
(``{{< include /etc/passwd >}}``) that Quarto would expand at render time. Every string that
comes from data goes through one of these functions before it is placed in Markdown, HTML or a
CSV download; text the code writes itself does not need to.

- :func:`markdown` for running text and table cells that Pandoc/Quarto read as Markdown
  (``report.md``, generated ``.qmd``/``.md`` files, titles in front matter).
- :func:`metadata` for front-matter values Quarto reads as Markdown (page titles).
- :func:`html` for text placed inside HTML elements or attribute values.
- :func:`csv_cell` for text cells of CSV downloads (spreadsheet formula injection, OWASP).
- :func:`figure_text` for labels drawn in matplotlib figures (no mathtext from data).
- :func:`plain` for terminal and log messages (control characters made visible).
"""

from __future__ import annotations

import html as _html
import math
import re
from typing import Any

#: Characters Pandoc's Markdown gives meaning to; a backslash makes each literal
#: (Pandoc: "any ASCII punctuation character may be backslash-escaped").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^=:$@'\"/;,?%&])")

#: C0 control characters except tab and newline, DEL, and the C1 range; NUL among them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Leading characters a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Longest data string shown on a page; longer ones are cut with an ellipsis so a hostile
#: 10 MB name cannot blow up a page (validation rejects such names before this matters).
MAX_LENGTH = 300


def _clean(value: object, max_length: int | None = MAX_LENGTH) -> str:
    """``str(value)`` without control characters, shortened to ``max_length`` characters."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value))
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return text


def markdown(value: object, *, max_length: int | None = MAX_LENGTH) -> str:
    """Inert Markdown: every character Markdown (or a Quarto shortcode) could use is escaped.

    ``<`` ``>`` and ``&`` become HTML entities (Pandoc passes raw HTML through, so a backslash
    is not enough), other ASCII punctuation is backslash-escaped, and newlines become spaces so
    the value cannot start a heading, list, table row or fenced div.
    """
    text = _clean(value, max_length)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&lt;|&gt;")


def unmarkdown(text: str) -> str:
    """The text :func:`markdown` was given (without control characters): for the preview,
    which shows a Markdown-escaped front-matter title as plain text, HTML-escaped there."""
    return _MARKDOWN_ESCAPED.sub(
        lambda m: m.group(1) or ("<" if m.group(0) == "&lt;" else ">"), text
    )


#: Quarto's shortcode delimiters; in front matter Quarto shows ``{{{< x >}}}`` as ``{{< x >}}``.
_SHORTCODE_OPEN = re.compile(r"\{\{+<")
_SHORTCODE_CLOSE = re.compile(r">\}\}+")


def metadata(value: object, *, max_length: int | None = MAX_LENGTH) -> str:
    """A front-matter value Quarto reads as Markdown (a page title): :func:`markdown`, and
    every shortcode delimiter gets Quarto's extra brace.

    Backslashes are not enough there: Pandoc turns ``\\{\\{&lt;`` back into the text
    ``{{<`` and Quarto expands shortcodes in metadata text (``{{< env HOME >}}`` in a title
    showed the server's home folder; ``{{< include >}}`` stopped the render). With the extra
    brace Quarto shows the delimiters literally, so the reader sees the original text.
    """
    text = _clean(value, max_length)
    if _SHORTCODE_OPEN.search(text):
        text = _SHORTCODE_OPEN.sub(lambda m: "{" + m.group(0), text)
        text = _SHORTCODE_CLOSE.sub(lambda m: m.group(0) + "}", text)
    return markdown(text, max_length=None)


def from_metadata(text: str) -> str:
    """The text :func:`metadata` was given, for the preview (which shows titles as plain text)."""
    text = unmarkdown(text)
    if _SHORTCODE_OPEN.search(text):
        text = _SHORTCODE_OPEN.sub(lambda m: m.group(0)[1:], text)
        text = _SHORTCODE_CLOSE.sub(lambda m: m.group(0)[:-1], text)
    return text


def html(value: object, *, max_length: int | None = MAX_LENGTH) -> str:
    """Inert HTML text or attribute value (quotes escaped); braces too, so no shortcode survives."""
    text = _html.escape(_clean(value, max_length), quote=True)
    return text.replace("{", "&#123;").replace("}", "&#125;")


def figure_text(value: object, *, max_length: int | None = 80) -> str:
    """A label drawn by matplotlib: ``$`` escaped so a name cannot start mathtext (which
    would fail to draw and stop the page), control characters removed, length bounded."""
    return _clean(value, max_length).replace("$", r"\$")


def plain(value: object, *, max_length: int | None = 120) -> str:
    """A value for a one-line terminal message: control characters visible, length bounded."""
    text = _clean(value, max_length)
    return text.replace("\n", "\\n").replace("\t", "\\t")


def csv_cell(value: Any) -> Any:
    """A CSV download cell a spreadsheet cannot execute: text starting a formula gets ``'``.

    Numbers (and missing values) pass unchanged so they stay numbers; only text is touched.
    """
    if isinstance(value, str):
        text = value.replace("\x00", "")
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    return value
