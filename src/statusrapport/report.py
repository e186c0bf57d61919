"""What a report notebook shows: the demo banner, Danish text, accessible tables with CSV downloads.

Notebooks stay thin: they call :func:`setup`, the analysis functions, and these helpers. The
HTML written here renders the same in Quarto and in the nbconvert preview, so it uses plain
semantic HTML (``<table>`` with ``<caption>`` and ``<th scope>``), not Quarto-only syntax.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from statusrapport import config, escaping, figures, fmt, paths
from statusrapport.data import Dataset, load
from statusrapport.disclosure.rounding import shown_precision

if TYPE_CHECKING:
    from statusrapport.analysis.resume import Budskab

#: Folder (relative to the executed notebook) where tables are written as CSV downloads.
TABLES_DIR = "tabeller"

#: Longest table cell shown (comments run longer than names; a hostile 10 MB cell is cut).
MAX_CELL_LENGTH = 2000

Formatter = Callable[[object], str]


def _display(obj: object, *, raw: bool = False, metadata: dict | None = None) -> None:
    from IPython.display import display

    if metadata:
        display(obj, raw=raw, metadata=metadata)
    else:
        display(obj, raw=raw)


def setup(data_dir: str | Path | None = "", year: int | None = None) -> Dataset:
    """Load the data, apply the figure style and show the demo banner.

    Warnings are not silenced: a warning means a number on the page may be wrong, so it must be
    fixed where it arises (the notebook smoke tests fail on any warning a page raises).
    """
    pd.set_option("display.max_columns", 50)
    figures.setup()
    data = load(data_dir or None)
    if year is not None and year not in data.years:
        raise ValueError(f"Året {year} findes ikke i data (år: {data.years})")
    if data.demo:
        banner()
    return data


BANNER_TEXT = (
    "Tallene på denne side er dannet af en generator til afprøvning af rapporten. "
    "De beskriver ikke virkelige botilbud, medarbejdere eller borgere."
)


def banner() -> None:
    """The demo-data warning, first on every page built from fictive data."""
    _display_html(
        '<div class="callout callout-style-default callout-warning demo-banner" role="note">'
        f"<p><strong>{html.escape(config.DEMO_LABEL)}.</strong> {BANNER_TEXT}</p></div>",
        markdown=f"::: {{.callout-warning}}\n**{config.DEMO_LABEL}.** {BANNER_TEXT}\n:::\n",
    )


def _display_html(markup: str, *, markdown: str, metadata: dict | None = None) -> None:
    """Show HTML on the website and ``markdown`` everywhere else (Typst/PDF, Markdown).

    Quarto picks ``text/html`` for HTML pages and ``text/markdown`` for Typst; an HTML-only
    output would print as ``<IPython.core.display.HTML object>`` in the PDF.
    """
    _display(
        {"text/html": markup, "text/markdown": markdown, "text/plain": markdown},
        raw=True,
        metadata=metadata,
    )


#: Output metadata key under which :func:`table` records the id of each table it shows; the
#: disclosure audit checks every recorded id against the page registry (pages.py).
RECORD_KEY = "statusrapport"


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
    """The table default lives in fmt (one formatting rule for the whole site)."""
    return fmt.auto(value)


#: A cell that reads as a number on the page: 3,8 · −1,2 · 6,2 % · 1.200 · 12 kr. (or missing).
_NUMBER_TEXT = re.compile(r"^[−+-]?\d[\d.]*(,\d+)?(\s?(%|kr\.?|pp|dage))?$")


def is_number_column(frame: pd.DataFrame, column: object) -> bool:
    """True for numeric columns and for text columns whose every value reads as a number.

    Such columns are right-aligned on every page and in the PDF (pre-formatted Danish numbers
    are text, so the dtype alone would leave them left- or centre-aligned).
    """
    series = frame[column]
    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    texts = []
    for value in series:
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            continue
        text = str(value).replace(fmt.NBSP, " ").strip()
        if text not in ("", fmt.MISSING):
            texts.append(text)
    return bool(texts) and all(_NUMBER_TEXT.match(t) for t in texts)


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
    sortable: bool = False,
    statuses: bool = False,
) -> str:
    """A semantic HTML table: caption, column headers with scope, Danish number format.

    Every cell carries its column's name (``data-label``), so on a phone the stylesheet shows
    each row as a card of "column: value" lines instead of a table that scrolls sideways
    (issue 20). With ``statuses`` a target status ("opfyldt", "ikke opfyldt", "ingen data") is
    shown with its symbol and colour next to the word (:func:`status_html`), never colour alone.
    """
    formats = dict(formats or {})
    classes = "table table-sm table-striped statusrapport-tabel stabel" + (
        " sortable" if sortable else ""
    )
    parts = [f'<table class="{classes}">']
    if caption:
        parts.append(f"<caption>{escaping.html(caption)}</caption>")
    parts.append("<thead><tr>")
    numbers = {column: is_number_column(frame, column) for column in frame.columns}
    for column in frame.columns:
        numeric = numbers[column]
        style = ' style="text-align:right"' if numeric else ""
        parts.append(f'<th scope="col"{style}>{escaping.html(column)}</th>')
    parts.append("</tr></thead><tbody>")
    labels = {column: escaping.html(column) for column in frame.columns}
    for row in frame.itertuples(index=False):
        parts.append("<tr>")
        for column, value in zip(frame.columns, row, strict=True):
            formatter = formats.get(column, _default_formatter)
            numeric = numbers[column]
            style = ' style="text-align:right"' if numeric else ""
            text = formatter(value)
            if statuses and text in figures.STATUS_TEGN:
                cell = status_html(text)
            else:
                cell = escaping.html(text, max_length=MAX_CELL_LENGTH)
            parts.append(f'<td data-label="{labels[column]}"{style}>{cell}</td>')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    # A wide table scrolls inside its own region on a phone instead of widening the page;
    # the region is focusable so keyboard users can scroll it too (WCAG 2.1.1).
    label = escaping.html(caption or "Tabel")
    return (
        f'<div class="table-responsive" role="region" tabindex="0" aria-label="{label}">'
        + "".join(parts)
        + "</div>"
    )


def status_html(status: str) -> str:
    """A target status as symbol + word: the symbol sits on the status colour (Okabe–Ito, the
    same as in the figures); the word carries the meaning for screen readers and in greyscale."""
    symbol, _colour = figures.STATUS_TEGN[status]
    css = slug(status)
    return (
        f'<span class="status status-{css}"><span class="status-tegn" aria-hidden="true">'
        f"{symbol}</span> {html.escape(status)}</span>"
    )


def _long_html(text: str) -> str:
    """Our own running text, or an analyst's comment: escaped, bounded like a table cell."""
    return escaping.html(text, max_length=MAX_CELL_LENGTH)


def _long_markdown(text: str) -> str:
    return escaping.markdown(text, max_length=MAX_CELL_LENGTH)


def boks(title: str, text: str, *, collapsed: bool = False) -> None:
    """A short box beside the text ("Sådan læser du usikkerheden"); ``collapsed`` makes it a
    closed ``<details>`` ("Sådan er det beregnet") for the few who want the method."""
    body = "".join(f"<p>{_long_html(p)}</p>" for p in text.split("\n\n"))
    if collapsed:
        markup = f'<details class="boks"><summary>{escaping.html(title)}</summary>{body}</details>'
    else:
        markup = (
            f'<aside class="boks" aria-label="{escaping.html(title)}">'
            f'<p class="boks-titel"><strong>{escaping.html(title)}</strong></p>{body}</aside>'
        )
    _display_html(markup, markdown=f"**{escaping.markdown(title)}.** {_long_markdown(text)}\n")


def beregning(text: str) -> None:
    """Methods, model names and references (Markdown) in a collapsed "Sådan er det beregnet"
    box: there for the analyst, out of the committee member's way (issue 20)."""
    import mistune

    body = mistune.create_markdown(escape=True)(text)
    _display_html(
        f'<details class="boks beregning"><summary>{BEREGNING_TITEL}</summary>{body}</details>',
        markdown=f'::: {{.callout-note collapse="true"}}\n## {BEREGNING_TITEL}\n\n{text}\n:::\n',
    )


BEREGNING_TITEL = "Sådan er det beregnet"


#: Symbols for a change (no colour: only "ikke opfyldt" has a colour of its own).
AENDRING_TEGN: dict[str, str] = {"steget": "▲", "faldet": "▼"}


def _symbol(status: str) -> str:
    return figures.STATUS_TEGN.get(status, (AENDRING_TEGN.get(status, ""), ""))[0]


def budskaber(messages: Sequence[Budskab], *, heading_level: int = 3) -> None:
    """'Det vigtigste': numbered cards, each with status symbol and word, the finding, the
    facilities by name and the administration's comment (or that none was given)."""
    from statusrapport.analysis.resume import INGEN_KOMMENTAR

    h = f"h{heading_level}"
    cards: list[str] = []
    items: list[str] = []
    for message in messages:
        symbol = _symbol(message.status)
        badge = (
            f'<span class="status status-{slug(message.status)}"><span class="status-tegn" '
            f'aria-hidden="true">{symbol}</span> {html.escape(message.status)}</span>'
        )
        parts = [
            f'<li class="budskab"><{h}>{escaping.html(message.titel)}</{h}>',
            f"<p>{badge}: {_long_html(message.tekst)}</p>",
        ]
        md_parts = [
            f"**{symbol} {escaping.markdown(message.titel)}** ({message.status}). ",
            _long_markdown(message.tekst),
        ]
        if message.tilbud:
            names = fmt.opremsning([escaping.html(n) for n in message.tilbud])
            parts.append(f"<p><strong>{escaping.html(message.tilbud_tekst)}:</strong> {names}</p>")
            md_names = fmt.opremsning([escaping.markdown(n) for n in message.tilbud])
            md_parts.append(f" {escaping.markdown(message.tilbud_tekst)}: {md_names}.")
        if message.kommentar:
            comment = f"<strong>Det gør forvaltningen:</strong> {_long_html(message.kommentar)}"
            md_parts.append(f" *Det gør forvaltningen:* {_long_markdown(message.kommentar)}")
        else:
            comment = f"<em>{INGEN_KOMMENTAR}</em>"
            md_parts.append(f" *{INGEN_KOMMENTAR}*")
        parts.append(f'<p class="budskab-kommentar">{comment}</p></li>')
        cards.append("".join(parts))
        items.append(f"{len(items) + 1}. " + "".join(md_parts))
    _display_html(
        '<ol class="vigtigste">' + "".join(cards) + "</ol>",
        markdown="\n".join(items) + "\n",
    )


def status_text(status: str) -> str:
    """A target status as plain text with its symbol, for Markdown and the PDF: '✗ ikke opfyldt'."""
    symbol, _colour = figures.STATUS_TEGN.get(status, ("", ""))
    return f"{symbol} {status}" if symbol else status


def table(
    frame: pd.DataFrame,
    *,
    name: str,
    caption: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
    sortable: bool | None = None,
    download: bool = True,
    statuses: bool = False,
) -> None:
    """Show ``frame`` as an accessible HTML table and write it as ``tabeller/<name>.csv``.

    The CSV has a decimal point (machine-readable) and the precision the page shows (a rate
    shown as 45,5 % is 0.455 in the file); the page shows Danish formatting. Tables longer
    than 15 rows are marked sortable. The table's id (``slug(name)``) is recorded in the
    output's metadata: a table the page registry does not declare for the page stops the run
    (disclosure audit, exit 6), with or without a download.
    """
    frame = frame.reset_index(drop=True)
    markup = html_table(
        frame,
        caption=caption,
        formats=formats,
        sortable=len(frame) > 15 if sortable is None else sortable,
        statuses=statuses,
    )
    if download:
        path = paths.table_output(f"{slug(name)}.csv", TABLES_DIR, config.PROJECT_ROOT)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Rounded to the precision the page shows: the download must not say more (issue 9).
        shown = shown_precision(frame, formats or {}, _default_formatter)
        csv_frame(shown).to_csv(path, index=False, lineterminator="\n")
        if paths.in_pipeline():
            # The link text says what is fetched in words; a file name is no link text (issue 20).
            what = f": {escaping.html(caption)}" if caption else ""
            markup += (
                f'<p class="download-link"><a href="{TABLES_DIR}/{path.name}" download>'
                f"Hent tallene som regneark (CSV){what}</a></p>"
            )
        else:  # an interactive session: say where the file went (an ignored folder)
            markup += (
                f'<p class="download-link">Tallene er gemt i {html.escape(str(path))} '
                "(interaktiv kørsel; mappen er udeladt fra git).</p>"
            )
    if statuses:
        given = dict(formats or {})
        formats = {c: _with_status_symbol(given.get(c)) for c in frame.columns}
    _display_html(
        markup,
        markdown=markdown_table(frame, caption=caption, formats=formats),
        metadata={RECORD_KEY: {"tabel": slug(name)}},
    )


def _with_status_symbol(formatter: Formatter | None) -> Formatter:
    """``formatter`` followed by :func:`status_text` (the PDF's status cells get the symbol)."""
    base = formatter or _default_formatter

    def show(value: object) -> str:
        return status_text(base(value))

    return show


def markdown_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    formats: Mapping[str, Formatter] | None = None,
) -> str:
    """The same table as a Pandoc pipe table (for the PDF): numbers right-aligned, captioned.

    Cells go through :func:`escaping.markdown`, so a facility name cannot become Markdown.
    """
    formats = dict(formats or {})
    numeric = [is_number_column(frame, c) for c in frame.columns]
    header = [escaping.markdown(c) for c in frame.columns]
    body = [
        [
            escaping.markdown(formats.get(column, _default_formatter)(value))
            for column, value in zip(frame.columns, row, strict=True)
        ]
        for row in frame.itertuples(index=False)
    ]
    # Pandoc sizes the columns of a wide pipe table by the dashes under each header, so the
    # dashes follow the longest text in the column (long comments get room, numbers little).
    widths = [
        min(max([len(header[i]), *(len(r[i]) for r in body)]), 60) for i in range(len(header))
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|"
        + "|".join(
            ("-" * max(w, 3) + ":") if n else (":" + "-" * max(w, 3))
            for w, n in zip(widths, numeric, strict=True)
        )
        + "|",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    text = "\n".join(lines) + "\n"
    if caption:
        text += f"\n: {escaping.markdown(caption)}\n"
    return text


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a CSV download: text cells that a spreadsheet would run as a formula are
    neutralised (:func:`escaping.csv_cell`); numeric and date columns are left as they are."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escaping.csv_cell, na_action="ignore")
    out.columns = [escaping.csv_cell(str(c)) for c in out.columns]
    return out


def page_class(css_class: str) -> None:
    """An empty, hidden element that names the page type, so styles.css can scope rules to it
    (``body:has(.profilside)``: the profile's print style) without touching other pages."""
    _display_html(f'<div class="{escaping.html(css_class)}" hidden></div>', markdown="")


def suppression_note(n_suppressed: int) -> None:
    """Tell the reader that figures were hidden by disclosure control (only when any were)."""
    if n_suppressed:
        md(
            f"*{fmt.antal(n_suppressed, 'tal er', 'tal er')} udeladt (vist som {fmt.MISSING}) af "
            f"hensyn til diskretion: tal, der vedrører færre end {config.MIN_PERSONS} personer, "
            "vises ikke, og hvor en sum vises, udelades også et andet tal, så det skjulte tal "
            "ikke kan regnes ud.*"
        )
