"""What a report notebook shows: the demo banner, Danish text, accessible tables with CSV downloads.

Notebooks stay thin: they call :func:`setup`, the analysis functions, and these helpers. The
HTML written here renders the same in Quarto and in the nbconvert preview, so it uses plain
semantic HTML (``<table>`` with ``<caption>`` and ``<th scope>``), not Quarto-only syntax.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from statusrapport import config, figures, fmt
from statusrapport.data import Dataset, load

#: Folder (relative to the executed notebook) where tables are written as CSV downloads.
TABLES_DIR = "tabeller"

Formatter = Callable[[object], str]


def _display(obj: object) -> None:
    from IPython.display import display

    display(obj)


def setup(data_dir: str | Path | None = "", year: int | None = None) -> Dataset:
    """Load the data, apply the figure style, silence library warnings and show the demo banner."""
    warnings.filterwarnings("ignore")  # library chatter must never reach a published page
    pd.set_option("display.max_columns", 50)
    figures.setup()
    data = load(data_dir or None)
    if year is not None and year not in data.years:
        raise ValueError(f"Året {year} findes ikke i data (år: {data.years})")
    if data.demo:
        banner()
    return data


def banner() -> None:
    """The demo-data warning, first on every page built from fictive data."""
    _display_html(
        '<div class="callout callout-style-default callout-warning demo-banner" role="note">'
        f"<p><strong>{html.escape(config.DEMO_LABEL)}.</strong> "
        "Tallene på denne side er dannet af en generator til afprøvning af rapporten. "
        "De beskriver ikke virkelige botilbud, medarbejdere eller borgere.</p></div>"
    )


def _display_html(markup: str) -> None:
    from IPython.display import HTML

    _display(HTML(markup))


def md(text: str) -> None:
    """Show Danish running text (Markdown) as normal page text."""
    from IPython.display import Markdown

    _display(Markdown(text))


def slug(text: str) -> str:
    """A file-safe name: 'Sygefravær pr. måned' → 'sygefravaer-pr-maaned'."""
    text = text.lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e")):
        text = text.replace(danish, ascii_)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _default_formatter(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return fmt.MISSING
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return fmt.heltal(value)
    if isinstance(value, float):
        return fmt.heltal(value) if value.is_integer() and abs(value) >= 1000 else fmt.tal(value, 1)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y")
    return str(value)


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
    sortable: bool = False,
) -> str:
    """A semantic HTML table: caption, column headers with scope, Danish number format."""
    formats = dict(formats or {})
    classes = "table table-sm table-striped statusrapport-tabel" + (" sortable" if sortable else "")
    parts = [f'<table class="{classes}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        style = ' style="text-align:right"' if numeric else ""
        parts.append(f'<th scope="col"{style}>{html.escape(str(column))}</th>')
    parts.append("</tr></thead><tbody>")
    for row in frame.itertuples(index=False):
        parts.append("<tr>")
        for column, value in zip(frame.columns, row, strict=True):
            formatter = formats.get(column, _default_formatter)
            numeric = pd.api.types.is_numeric_dtype(frame[column])
            style = ' style="text-align:right"' if numeric else ""
            parts.append(f"<td{style}>{html.escape(formatter(value))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    # A wide table scrolls inside its own region on a phone instead of widening the page;
    # the region is focusable so keyboard users can scroll it too (WCAG 2.1.1).
    label = html.escape(caption or "Tabel", quote=True)
    return (
        f'<div class="table-responsive" role="region" tabindex="0" aria-label="{label}">'
        + "".join(parts)
        + "</div>"
    )


def table(
    frame: pd.DataFrame,
    *,
    name: str,
    caption: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
    sortable: bool | None = None,
    download: bool = True,
) -> None:
    """Show ``frame`` as an accessible HTML table and write it as ``tabeller/<name>.csv``.

    The CSV keeps full precision with a decimal point (machine-readable); the page shows Danish
    formatting. Tables longer than 15 rows are marked sortable.
    """
    frame = frame.reset_index(drop=True)
    markup = html_table(
        frame,
        caption=caption,
        formats=formats,
        sortable=len(frame) > 15 if sortable is None else sortable,
    )
    if download:
        path = Path(TABLES_DIR) / f"{slug(name)}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, lineterminator="\n")
        markup += (
            f'<p class="download-link"><a href="{TABLES_DIR}/{path.name}" download>'
            f"Hent tallene som CSV-fil ({html.escape(path.name)})</a></p>"
        )
    _display_html(markup)


def suppression_note(n_suppressed: int) -> None:
    """Tell the reader that figures were hidden by disclosure control (only when any were)."""
    if n_suppressed:
        md(
            f"*{fmt.antal(n_suppressed, 'tal er', 'tal er')} udeladt (vist som {fmt.MISSING}) af "
            f"hensyn til diskretion: tal, der vedrører færre end {config.MIN_PERSONS} personer, "
            "vises ikke, og hvor en sum vises, udelades også et andet tal, så det skjulte tal "
            "ikke kan regnes ud.*"
        )
