"""One look for every figure: colour-blind-safe palette, Danish number axes, target lines."""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Protocol

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from statusrapport import config, disclosure, escaping, fmt

#: Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (only on dark or with outline)
    "#000000",  # black
)
# One colour system for the whole site (issue 20): blue is "the data shown", black the
# comparison (a group, an average, a model line), bluish green "target met" and vermillion
# "target not met" – vermillion means nothing else anywhere, in figures, tables or the PDF.
PRIMARY = OKABE_ITO[0]
OPFYLDT_FARVE = OKABE_ITO[2]
IKKE_OPFYLDT_FARVE = OKABE_ITO[5]
#: Comparison marks (group average, model line): black, 21:1 on white, never mistaken for status.
ACCENT = "#000000"
MUTED = "#767676"  # grey with 4.5:1 contrast on white
TARGET_COLOUR = "#000000"

MAALGRUPPE_FARVER: dict[str, str] = dict(zip(config.MAALGRUPPER, OKABE_ITO[:5], strict=True))
#: Follow-up statuses from lowest to highest stage: orange to dark blue, readable in greyscale
#: (no vermillion: that colour means "target not met" only).
STATUS_FARVER: dict[str, str] = dict(
    zip(config.STATUSSER, ("#E69F00", "#F5CD79", "#9ecae1", "#4292c6", "#08519c"), strict=True)
)
#: Colours behind which black text reads (bar labels).
LYSE_FARVER: frozenset[str] = frozenset({"#E69F00", "#F5CD79", "#9ecae1", OPFYLDT_FARVE})
#: Target scoreboard colours with a text label always shown next to them (never colour alone).
MAAL_FARVER: dict[str, str] = {
    "opfyldt": OPFYLDT_FARVE,
    "ikke opfyldt": IKKE_OPFYLDT_FARVE,
    "kan ikke afgøres": "#56B4E9",  # Okabe–Ito sky blue: neither met nor not met
    "ingen data": MUTED,
}
#: Short names of the per-facility targets (``maal.FACILITY_KEYS``) for narrow tables – the
#: scoreboard on the web and in the annex – where the full targets are listed beside them.
MAAL_KORT: dict[str, str] = {
    "tilsyn": "Tilsyn",
    "paabud": "Ingen påbud",
    "trivsel": "Trivsel",
    "belaegning": "Belægning",
    "budget": "Budget",
    "takster": "Takst",
}
#: A target status's symbol and colour, the same on every page, table and in the PDF; the word
#: is always written next to it (WCAG 1.4.1: never colour alone). Black on each colour ≥ 4.5:1.
STATUS_TEGN: dict[str, tuple[str, str]] = {
    "opfyldt": ("✓", MAAL_FARVER["opfyldt"]),
    "ikke opfyldt": ("✗", MAAL_FARVER["ikke opfyldt"]),
    "kan ikke afgøres": ("?", MAAL_FARVER["kan ikke afgøres"]),
    "ingen data": ("–", "#BBBBBB"),
}


def setup() -> None:
    """Apply the house style; call once per notebook (``report.setup`` does it)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=list(OKABE_ITO))
    plt.rcParams.update(
        {
            # Phone width (issue 20): a chart is shown ~350 px wide on a phone.
            "figure.figsize": (TELEFON_BREDDE, 4.2),
            "figure.dpi": 96,
            "savefig.dpi": 144,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "svg.hashsalt": "statusrapport",  # deterministic SVG ids
            "path.simplify": True,
        }
    )


def _tick_decimals(value: float, decimals: int) -> int:
    """Enough decimals that a tick label never rounds onto another value (3,75 ≠ '3,8')."""
    for extra in range(4):
        if abs(value - round(value, decimals + extra)) < 1e-9:
            return decimals + extra
    return decimals + 3


def danish_axis(ax: Axes, axis: str = "y", *, decimals: int = 1, percent: bool = False) -> None:
    """Tick labels with decimal comma (and '%' for fractions shown as per cent)."""

    def formatter(value: float, _pos: int) -> str:
        if percent:
            return fmt.pct(value, _tick_decimals(value * 100, decimals))
        return fmt.tal(value, _tick_decimals(value, decimals))

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(formatter))


#: A white box behind line labels, so data drawn behind them never makes them unreadable.
_LABEL_BOX = {
    "boxstyle": "round,pad=0.15",
    "facecolor": "white",
    "edgecolor": "none",
    "alpha": 0.85,
}


def target_line(
    ax: Axes, value: float, label: str, *, axis: str = "y", percent: bool = False
) -> None:
    """A dashed target line with its label in the plot (not only in the legend)."""
    text = f"{label} ({fmt.pct(value, 0) if percent else fmt.tal(value, 1)})"
    if axis == "y":
        ax.axhline(value, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, zorder=1)
        ax.annotate(
            text,
            xy=(1, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=9,
            bbox=_LABEL_BOX,
        )
    else:
        ax.axvline(value, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, zorder=1)
        ax.annotate(
            text,
            xy=(value, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=9,
            bbox=_LABEL_BOX,
        )


def trin_farver(trin: Sequence[str], uden: str = "uden status") -> dict[str, str]:
    """Colours for a plan's stages, lowest first (the bostedsundersøgelse's orange→dark blue
    scale, thinned to the number of stages), and grey for items without a status."""
    scale = list(STATUS_FARVER.values())
    n = len(trin)
    picks = (
        [scale[round(i * (len(scale) - 1) / (n - 1))] for i in range(n)] if n > 1 else scale[-1:]
    )
    return {**dict(zip(trin, picks[:n], strict=True)), uden: MUTED}


def plan_status_bars(by_theme: pd.DataFrame, colours: dict[str, str], unit: str) -> Figure:
    """Stacked horizontal bars: items per theme (rows, plan order) by status (colours' order),
    the count written in every segment. ``by_theme`` is ``FollowUp.by_theme``."""
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.42 * len(by_theme) + 1.8))
    y = list(range(len(by_theme)))[::-1]
    left = [0] * len(by_theme)
    for status, colour in colours.items():
        if status not in by_theme:
            continue
        counts = by_theme[status].astype(int).tolist()
        bars = ax.barh(y, counts, left=left, color=colour, label=status, height=0.7)
        light = colour in LYSE_FARVER  # black text reads better on these
        ax.bar_label(
            bars,
            labels=[fmt.heltal(c) if c else "" for c in counts],
            label_type="center",
            color="black" if light else "white",
            fontsize=9,
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(y, by_theme["Tema"])
    ax.set_xlabel(f"Antal {unit}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    danish_axis(ax, "x", decimals=0)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(-0.05, 1.0), ncol=3, fontsize=9)
    return fig


#: Figure width in inches for charts read on a phone: at 390 px the chart is shown ~350 px
#: wide, so a 6,4-inch figure (614 px at 96 dpi) keeps 11-point labels at about 8–9 px;
#: an 8-inch one shrank them to ~4 px (issue 20).
TELEFON_BREDDE = 6.4
#: Font size of the labels on phone-width charts (points).
TELEFON_SKRIFT = 12


def target_bars(totals: pd.DataFrame, *, title: str) -> Figure:
    """Share of facilities meeting each target, as horizontal bars with the count written at
    each bar ("31 af 35") and the target's name above its bar (no legend, no tick labels to
    squeeze at phone width). ``totals`` is ``maal.totals``; ``title`` states the finding.

    Bars are bluish green (met) on a light grey full bar, so the unmet rest is visible too;
    a target without data says so instead of a bar.
    """
    n = len(totals)
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.78 * n + 1.0))
    y = list(range(n))[::-1]
    shares = totals["Andel opfyldt"].astype("float64")
    ax.barh(y, [1.0] * n, color="#eeeeee", height=0.42)
    ax.barh(y, shares.fillna(0), color=MAAL_FARVER["opfyldt"], height=0.42)
    for yi, name, share, count in zip(y, totals["Mål"], shares, totals["Opfyldt af"], strict=True):
        ax.text(0, yi + 0.28, name, va="bottom", ha="left", fontsize=TELEFON_SKRIFT)
        label = "ingen data" if pd.isna(share) else f"{count} ({fmt.pct(share, 0)})"
        ax.text(1.0, yi + 0.28, label, va="bottom", ha="right", fontsize=TELEFON_SKRIFT)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.4, n - 0.2)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    # A phone-width chart: the title wraps at its line breaks and at 48 characters, never clips.
    wrapped = "\n".join(textwrap.fill(line, width=48) for line in title.split("\n"))
    ax.set_title(wrapped, loc="left", fontsize=TELEFON_SKRIFT + 1, pad=12)
    fig.tight_layout()
    return fig


def weakest_target_title(totals: pd.DataFrame, year: int) -> str:
    """A title that states the finding: the target the fewest facilities meet, with its count."""
    shown = totals.dropna(subset=["Andel opfyldt"])
    if shown.empty:
        return f"Ingen mål kan opgøres for {year}"
    weakest = shown.sort_values("Andel opfyldt", kind="stable").iloc[0]
    if weakest["Andel opfyldt"] >= 1:
        return f"Alle tilbud med data når alle mål i {year}"
    return f"Færrest når målet »{weakest['Mål']}«:\n{weakest['Opfyldt af']} tilbud"


# --- The report pages' charts (issue 22) ------------------------------------------------------
# One builder per chart type, taking the rows the page publishes and returning the Figure, so a
# notebook cell is its Quarto options, one call and ``plt.show()``. Rows flagged by disclosure
# control (``disclosure.FLAG``) are never drawn: a figure shows what the tables publish.

#: Space between two labels at the end of lines, as a share of the y axis' height.
_LABEL_GAP = 0.075


def _shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The published rows: those not flagged by disclosure control."""
    if disclosure.FLAG in frame:
        return frame.loc[~frame[disclosure.FLAG].astype(bool)].reset_index(drop=True)
    return frame.reset_index(drop=True)


def _number(value: float, *, percent: bool, decimals: int) -> str:
    return fmt.pct(value, decimals) if percent else fmt.tal(value, decimals)


def _title(ax: Axes, title: str | None) -> None:
    """A title that states the finding, wrapped at phone width (never clipped)."""
    if title:
        wrapped = "\n".join(textwrap.fill(line, width=48) for line in title.split("\n"))
        ax.set_title(wrapped, loc="left", fontsize=TELEFON_SKRIFT + 1, pad=12)


def _spread(values: Sequence[float], heights: Sequence[float]) -> list[float]:
    """Label centres as near ``values`` as possible without overlap (labels of ``heights``;
    two neighbours at least half their heights' sum apart): labels that would collide form a
    group placed around the mean of their values, and groups that then collide merge."""

    def offsets(members: list[int]) -> list[float]:
        out = [0.0]
        for before, after in itertools.pairwise(members):
            out.append(out[-1] + (heights[before] + heights[after]) / 2)
        return out

    groups: list[tuple[list[int], float]] = []  # members bottom-up, centre of the lowest
    for i in sorted(range(len(values)), key=lambda k: values[k]):
        groups.append(([i], values[i]))
        while len(groups) > 1:
            (below, start_below), (above, start_above) = groups[-2], groups[-1]
            top_below = start_below + offsets(below)[-1]
            if start_above >= top_below + (heights[below[-1]] + heights[above[0]]) / 2:
                break
            members = below + above
            steps = offsets(members)
            start = sum(values[m] - o for m, o in zip(members, steps, strict=True)) / len(members)
            groups[-2:] = [(members, start)]
    placed = [0.0] * len(values)
    for members, start in groups:
        for m, o in zip(members, offsets(members), strict=True):
            placed[m] = start + o
    return placed


def _contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of ``colour`` against white."""
    channels = to_rgb(colour)
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def text_colour(colour: str) -> str:
    """The line's colour for its label when it reads on white (≥ 4,5:1), else black: the
    label's place at the line's end ties it to the line."""
    return colour if _contrast_on_white(colour) >= 4.5 else "black"


#: Characters per line of a label at the end of a line (phone width leaves about that much).
_END_LABEL_WIDTH = 16


def _end_labels(ax: Axes, ends: Sequence[tuple[float, float, str, str]]) -> None:
    """Labels right of the ends of lines (x, y, text, colour) instead of a legend, pushed
    apart where lines end close to each other and wrapped to a narrow margin. Call after the
    y limits are final."""
    if not ends:
        return
    low, high = ax.get_ylim()
    wrapped = [
        textwrap.fill(text, width=_END_LABEL_WIDTH, break_long_words=False)
        for _, _, text, _ in ends
    ]
    heights = [_LABEL_GAP * (w.count("\n") + 1) * (high - low) for w in wrapped]
    ys = _spread([y for _, y, _, _ in ends], heights)
    for (x, _y, _text, colour), text, y_label in zip(ends, wrapped, ys, strict=True):
        ax.annotate(
            text,
            xy=(x, y_label),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=10,
            color=text_colour(colour),
            annotation_clip=False,
        )


def _month_axis(ax: Axes) -> None:
    """Short Danish month names ('jan 2025') on a date axis."""
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _p: fmt.maaned(mdates.num2date(v), kort=True))
    )
    ax.tick_params(axis="x", labelrotation=45, labelsize=9)


def _plain_axes(ax: Axes, *, xlabel: str = "", ylabel: str = "") -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


#: Colours for series without a meaning of their own (authorities, parts of a whole): the
#: Okabe–Ito colours without vermillion (that means "not met") and yellow (unreadable on white).
SERIE_FARVER: tuple[str, ...] = (
    OKABE_ITO[0],
    OKABE_ITO[1],
    OKABE_ITO[2],
    OKABE_ITO[3],
    OKABE_ITO[4],
    OKABE_ITO[7],
    MUTED,
)


def year_bars(
    frame: pd.DataFrame,
    value: str,
    *,
    ylabel: str,
    percent: bool = False,
    decimals: int = 1,
    reference: tuple[float, str] | None = None,
    title: str | None = None,
) -> Figure:
    """One bar per year (column ``aar``) with its value written on it in Danish format;
    ``reference`` is a dashed comparison line (value, label) labelled in the plot."""
    fig, ax = plt.subplots()
    values = frame[value].astype("float64")
    bars = ax.bar(frame["aar"].astype(int).astype(str), values.fillna(0), color=PRIMARY)
    ax.bar_label(
        bars,
        labels=[
            "" if pd.isna(v) else _number(v, percent=percent, decimals=decimals) for v in values
        ],
        fontsize=9,
        padding=2,
        bbox=_LABEL_BOX,
    )
    ax.margins(y=0.15)
    if reference is not None:
        ax.axhline(reference[0], color=TARGET_COLOUR, linestyle="--", linewidth=1.2, zorder=1)
        text = f"{reference[1]}: {_number(reference[0], percent=percent, decimals=decimals)}"
        _end_labels(ax, [(len(frame) - 0.5, reference[0], text, TARGET_COLOUR)])
    danish_axis(ax, percent=percent, decimals=0)
    ax.grid(axis="x", visible=False)
    _plain_axes(ax, xlabel="År", ylabel=ylabel)
    _title(ax, title)
    fig.tight_layout()
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    x: str,
    parts: Mapping[str, str] | Sequence[str],
    *,
    ylabel: str,
    colours: Sequence[str] = SERIE_FARVER,
    percent: bool = False,
    decimals: int = 0,
    xlabel: str = "År",
    title: str | None = None,
) -> Figure:
    """Stacked bars, one per row of ``frame`` (``x`` on the axis), one segment per column of
    ``parts`` (column → label, or columns named by themselves; bottom first). The labels stand
    beside the last bar's segments; when a part is empty in the last bar, a legend above the
    plot names them instead."""
    if not isinstance(parts, Mapping):
        parts = {str(c): str(c) for c in parts}
    fig, ax = plt.subplots()
    positions = list(range(len(frame)))
    bottom = [0.0] * len(frame)
    ends: list[tuple[float, float, str, str]] = []
    for (column, label), colour in zip(parts.items(), colours, strict=False):
        heights = frame[column].astype("float64").fillna(0).tolist()
        ax.bar(positions, heights, bottom=bottom, color=colour, label=label, width=0.7)
        if positions and heights[-1] > 0:
            ends.append((positions[-1] + 0.35, bottom[-1] + heights[-1] / 2, label, "black"))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(positions, [str(v) for v in frame[x]])
    ax.set_ylim(0, max([*bottom, 0.0]) * 1.08 or 1)
    if not percent:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    danish_axis(ax, percent=percent, decimals=decimals)
    ax.grid(axis="x", visible=False)
    _plain_axes(ax, xlabel=xlabel, ylabel=ylabel)
    if len(ends) == len(parts):
        _end_labels(ax, ends)
    elif parts:
        ax.legend(loc="lower left", bbox_to_anchor=(-0.02, 1.0), ncols=2, fontsize=9)
    _title(ax, title if len(ends) == len(parts) else None)
    fig.tight_layout()
    return fig


def horizontal_bars(
    frame: pd.DataFrame,
    label: str,
    value: str,
    *,
    xlabel: str,
    previous: str | None = None,
    year: int | None = None,
    start: float = 0.0,
    xmax: float | None = None,
    target: float | None = None,
    percent: bool = False,
    decimals: int = 1,
    title: str | None = None,
) -> Figure:
    """Horizontal bars, one per row (top to bottom as in ``frame``), the value written at the
    end of each bar; ``previous`` draws last year's level as a black tick, named once by its
    year (no legend); ``target`` a dashed target line. A row hidden by disclosure control keeps
    its name and says "udeladt" where its bar would be."""
    n = len(frame)
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.55 * n + 1.6))
    y = list(range(n))[::-1]
    hidden = (
        frame[disclosure.FLAG].astype(bool).tolist() if disclosure.FLAG in frame else [False] * n
    )
    values = [
        math.nan if h else float(v)
        for h, v in zip(hidden, frame[value].astype("float64"), strict=True)
    ]
    before = frame[previous].astype("float64").tolist() if previous is not None else [math.nan] * n
    highest = max([v for v in [*values, *before] if not math.isnan(v)] + [start])
    right = xmax if xmax is not None else start + (highest - start) * 1.25 or 1.0
    ax.barh(
        y,
        [0.0 if math.isnan(v) else v - start for v in values],
        left=start,
        color=PRIMARY,
        height=0.6,
    )
    pad = 0.01 * (right - start)
    for yi, v, b, h in zip(y, values, before, hidden, strict=True):
        if math.isnan(v):
            end = b if not math.isnan(b) else start
            text = "udeladt" if h else "ingen tal"
            ax.text(end + pad, yi, text, va="center", ha="left", fontsize=9, color=MUTED)
        elif v - start >= 0.18 * (right - start) and not (b - start < 0.16 * (right - start)):
            # Inside the bar at its start: never next to (or read as) last year's tick.
            text = _number(v, percent=percent, decimals=decimals)
            ax.text(start + pad, yi, text, va="center", ha="left", fontsize=9, color="white")
        else:
            end = max(v, b) if not math.isnan(b) else v
            text = _number(v, percent=percent, decimals=decimals)
            ax.text(end + pad, yi, text, va="center", ha="left", fontsize=9, color="black")
    shown_before = [(yi, b) for yi, b in zip(y, before, strict=True) if not math.isnan(b)]
    if shown_before:
        ax.scatter(
            [b for _, b in shown_before],
            [yi for yi, _ in shown_before],
            marker="|",
            s=400,
            color="black",
            zorder=3,
        )
        if year is not None:
            top_y, top_b = shown_before[0]
            ax.annotate(
                str(year - 1),
                xy=(top_b, top_y + 0.3),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
            )
    ax.set_yticks(y, [escaping.figure_text(v) for v in frame[label]])
    ax.set_xlim(start, right)
    ax.set_ylim(-0.6, n - 0.4 + (0.5 if target is not None or shown_before else 0))
    if target is not None:
        target_line(ax, target, "Mål", axis="x", percent=percent)
    danish_axis(ax, "x", percent=percent, decimals=0 if percent else 1)
    ax.grid(axis="y", visible=False)
    _plain_axes(ax, xlabel=xlabel)
    _title(ax, title)
    fig.tight_layout()
    return fig


def labelled_lines(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    xlabel: str,
    ylabel: str,
    group: str | None = None,
    highlight: object = None,
    colours: Mapping[object, str] | None = None,
    percent: bool = False,
    decimals: int = 1,
    xticks: Sequence[tuple[float, str]] | None = None,
    ylim: tuple[float | None, float | None] = (0, None),
    ystep: float | None = None,
    target: tuple[float, str] | None = None,
    zero_label: str | None = None,
    title: str | None = None,
) -> Figure:
    """Lines over time, one per ``group`` (in ``frame``'s order), each named at its end
    instead of in a legend. ``highlight`` (the report year, the centre) is drawn thick and on
    top; the others thin in their ``colours`` or dashed grey. ``target`` draws a labelled
    target line, ``zero_label`` a labelled zero line (a comparison level)."""
    fig, ax = plt.subplots()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=False))
    groups.sort(key=lambda item: item[0] == highlight)  # the highlighted line last, on top
    ends: list[tuple[float, float, str, str]] = []
    for name, rows in groups:
        rows = rows.dropna(subset=[y])
        main = group is None or name == highlight
        colour = (colours or {}).get(name, PRIMARY if main else MUTED)
        ax.plot(
            rows[x],
            rows[y],
            marker="o",
            markersize=5 if main else 4,
            linewidth=2.6 if main else 1.4,
            linestyle="-" if main or colours else "--",
            color=colour,
            zorder=3 if main else 2,
        )
        if group is not None and len(rows):
            last = (float(rows[x].iloc[-1]), float(rows[y].iloc[-1]))
            ends.append((*last, escaping.figure_text(name), colour))
    if xticks is not None:
        ax.set_xticks([t for t, _ in xticks], [s for _, s in xticks])
    else:
        ax.set_xticks(sorted(frame[x].dropna().unique()))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(round(v))))
    ax.set_ylim(*ylim)
    if ystep is not None:
        ax.yaxis.set_major_locator(MultipleLocator(ystep))
    if zero_label is not None:
        ax.axhline(0, color="black", linewidth=1)
        right = max((e[0] for e in ends), default=float(frame[x].max()))
        ends.append((right, 0.0, zero_label, "black"))
    if target is not None:
        target_line(ax, target[0], target[1], percent=percent)
    danish_axis(ax, percent=percent, decimals=decimals)
    _plain_axes(ax, xlabel=xlabel, ylabel=ylabel)
    _end_labels(ax, ends)
    _title(ax, title)
    fig.tight_layout()
    return fig


class FunnelData(Protocol):
    """What a funnel plot draws (``analysis.common.Funnel``): the shown facilities with their
    limits, the limit curves and the centre line."""

    table: pd.DataFrame
    curve: pd.DataFrame
    target: float


def funnel_title(n_outside: int) -> str:
    """The funnel plot's finding: how many facilities lie outside the 99,8 % limits."""
    if n_outside == 0:
        return "Ingen tilbud ligger uden for 99,8 %-grænserne"
    return f"{fmt.antal(n_outside, 'tilbud ligger', 'tilbud ligger')} uden for 99,8 %-grænserne"


def funnel_plot(
    funnel: FunnelData,
    named: pd.DataFrame,
    *,
    size: str,
    rate: str,
    xlabel: str,
    ylabel: str,
    decimals: int = 1,
) -> Figure:
    """Funnel plot (Spiegelhalter 2005): each shown facility's ``rate`` against its ``size``,
    the centre line and the 95 % and 99,8 % limits labelled at their ends; the facilities in
    ``named`` (outside the 99,8 % limits) named at their points. The title counts them."""
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 5))
    table = _shown_rows(funnel.table)
    curve = funnel.curve
    ends: list[tuple[float, float, str, str]] = []
    for level, style, text in (("95", "--", "95 %"), ("998", ":", "99,8 %")):
        if curve.empty:
            break
        ax.plot(curve["size"], curve[f"upper_{level}"], color=MUTED, linestyle=style)
        ax.plot(curve["size"], curve[f"lower_{level}"], color=MUTED, linestyle=style)
        last = curve.iloc[-1]
        ends.append((float(last["size"]), float(last[f"upper_{level}"]), text, MUTED))
    if not math.isnan(funnel.target):
        ax.axhline(funnel.target, color="black", linewidth=1)
        right = float(curve["size"].iloc[-1]) if len(curve) else float(table[size].max())
        centre = f"Centret i alt {fmt.pct(funnel.target, decimals)}"
        ends.append((right, funnel.target, centre, "black"))
    ax.scatter(table[size], table[rate], color=PRIMARY, zorder=3)
    for row in _shown_rows(named).itertuples():
        ax.annotate(
            escaping.figure_text(row.navn),
            (getattr(row, size), getattr(row, rate)),
            xytext=(5, 5),
            textcoords="offset points",
            fontsize=9,
        )
    danish_axis(ax, percent=True, decimals=0)
    danish_axis(ax, "x", decimals=0)
    ax.set_ylim(bottom=0)
    _plain_axes(ax, xlabel=xlabel, ylabel=ylabel)
    _end_labels(ax, ends)
    _title(ax, funnel_title(len(named)))
    fig.tight_layout()
    return fig


def control_chart_title(n_outside: int) -> str:
    """The control chart's finding: how many months lie outside the control limits."""
    if n_outside == 0:
        return "Ingen måneder uden for kontrolgrænserne"
    return f"{fmt.antal(n_outside, 'måned', 'måneder')} uden for kontrolgrænserne"


def control_chart(table: pd.DataFrame, *, ylabel: str) -> Figure:
    """A control chart (P′, Laney 2002) of monthly values (``dato``, ``value``) with its
    centre line and limits (``centre``, ``lcl``, ``ucl``) labelled at their ends; months with
    ``signal`` (outside the limits) marked by a triangle. The title counts them."""
    fig, ax = plt.subplots()
    ax.plot(table["dato"], table["value"], marker="o", markersize=3, color=PRIMARY, zorder=3)
    ax.plot(table["dato"], table["centre"], color="black", linewidth=1)
    ax.plot(table["dato"], table["ucl"], color=MUTED, linestyle="--")
    ax.plot(table["dato"], table["lcl"], color=MUTED, linestyle="--")
    outside = table.loc[table["signal"].astype(bool)]
    if len(outside):
        ax.scatter(outside["dato"], outside["value"], marker="^", s=60, color=ACCENT, zorder=4)
    ax.set_ylim(bottom=0)
    danish_axis(ax, percent=True)
    _month_axis(ax)
    _plain_axes(ax, ylabel=ylabel)
    if len(table):
        last = table.iloc[-1]
        x = float(mdates.date2num(pd.Timestamp(last["dato"])))
        _end_labels(
            ax,
            [
                (x, float(last["ucl"]), "Øvre grænse", MUTED),
                (x, float(last["centre"]), "Gennemsnit", "black"),
                (x, float(last["lcl"]), "Nedre grænse", MUTED),
            ],
        )
    _title(ax, control_chart_title(len(outside)))
    fig.tight_layout()
    return fig


def run_charts(points: pd.DataFrame, charts: pd.DataFrame, *, ylabel: str) -> Figure:
    """Small run charts, two a row, one per row of ``charts`` (``tilbud_id``, ``navn``,
    ``median``): the facility's monthly ``saesonjusteret`` values from ``points`` and its
    median as a dashed line; one y axis from 0 for all, so levels compare."""
    charts = _shown_rows(charts)
    n = max(len(charts), 1)
    columns = min(n, 2)
    rows = -(-n // columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(TELEFON_BREDDE, 2.6 * rows + 0.4),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for ax, chart in zip(axes.flat, charts.itertuples(), strict=False):
        series = points.loc[points["tilbud_id"] == chart.tilbud_id]
        ax.plot(series["dato"], series["saesonjusteret"], marker="o", markersize=3, color=PRIMARY)
        ax.axhline(float(chart.median), color=MUTED, linestyle="--", linewidth=1)
        ax.set_title(escaping.figure_text(chart.navn), fontsize=10, loc="left")
        ax.set_ylim(bottom=0)
        danish_axis(ax, percent=True, decimals=0)
        ax.yaxis.set_major_locator(MultipleLocator(0.02))
        _month_axis(ax)
        ax.tick_params(axis="x", labelsize=8)
    for ax in list(axes.flat)[len(charts) :]:
        ax.set_visible(False)
    fig.supylabel(ylabel, fontsize=11)
    fig.tight_layout()
    return fig


def season_title(table: pd.DataFrame) -> str:
    """The seasonal pattern's finding: the months with the highest and lowest swing."""
    values = table.set_index("maanedsnavn")["saesonudsving_procentpoint"]
    full = dict(zip(fmt.MAANEDER_KORT, fmt.MAANEDER, strict=True))  # 'jan' → 'januar'
    high, low = (full.get(str(m), str(m)) for m in (values.idxmax(), values.idxmin()))
    return f"Typisk højest i {high} og lavest i {low}"


def season_bars(table: pd.DataFrame, *, ylabel: str) -> Figure:
    """The typical seasonal swing per month (``maanedsnavn``, ``saesonudsving_procentpoint``)
    as bars above (blue) and below (sky blue) zero; the title names the extremes."""
    fig, ax = plt.subplots()
    values = table["saesonudsving_procentpoint"].astype("float64")
    colours = [PRIMARY if v > 0 else OKABE_ITO[4] for v in values]
    ax.bar(table["maanedsnavn"], values, color=colours)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_locator(MultipleLocator(0.5))
    danish_axis(ax)
    ax.grid(axis="x", visible=False)
    _plain_axes(ax, xlabel="Måned", ylabel=ylabel)
    _title(ax, season_title(table))
    fig.tight_layout()
    return fig


def score_title(scores: pd.DataFrame, below: str) -> str:
    """The inspection scores' finding: how many facilities with a score meet the target."""
    shown = scores.dropna(subset=["Gennemsnit"])
    met = int((shown["Status"] != below).sum())
    return f"{fmt.heltal(met)} af {fmt.heltal(len(shown))} tilbud når målet"


def score_dots(
    scores: pd.DataFrame,
    *,
    target: float,
    above: str,
    below: str,
    band: tuple[float, float] | None = None,
    groups: Sequence[str] = config.MAALGRUPPER,
) -> Figure:
    """One dot per facility's average score (``Gennemsnit``) in a row per target group
    (``Målgruppe``, in ``groups`` order), blue when ``Status`` is ``above`` and vermillion
    (target not met) when ``below``; the facilities below the target named, the target line
    and the band of what is near the target (``band``) drawn. The title counts who meets it."""
    shown = scores.dropna(subset=["Gennemsnit"]).reset_index(drop=True)
    order = [g for g in groups if g in set(shown["Målgruppe"])]
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.7 * len(order) + 2.2))
    sns.swarmplot(
        data=shown,
        x="Gennemsnit",
        y="Målgruppe",
        order=order,
        hue="Status",
        hue_order=[above, below],
        palette={above: PRIMARY, below: IKKE_OPFYLDT_FARVE},
        size=7,
        ax=ax,
        legend=False,
    )
    target_line(ax, target, "Mål", axis="x")
    if band is not None:
        ax.axvspan(band[0], band[1], color=MUTED, alpha=0.15, zorder=0, lw=0)
    per_group: dict[str, int] = {}
    for row in shown.loc[shown["Status"] == below].itertuples():
        group = str(row.Målgruppe)
        offsets = ax.collections[order.index(group)].get_offsets()
        dots = [(float(p[0]), float(p[1])) for p in np.asarray(offsets)]
        score = float(row.Gennemsnit)  # type: ignore[arg-type]
        x, y = min(dots, key=lambda p: abs(p[0] - score))
        k = per_group[group] = per_group.get(group, -1) + 1
        ax.annotate(
            escaping.figure_text(row.Tilbud),
            xy=(x, y),
            # Below the target is left of the line: names further left, never over the line.
            xytext=(-10, (-1) ** k * (10 + 10 * (k // 2))),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=9,
            arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.8},
        )
    low = min([float(shown["Gennemsnit"].min()), target] if len(shown) else [target])
    ax.set_xlim(low - 0.4, 5.0)
    ax.xaxis.set_major_locator(MultipleLocator(0.2))
    ax.set_yticks(range(len(order)), [g.capitalize() for g in order])
    danish_axis(ax, "x")
    _plain_axes(ax, xlabel="Gennemsnitlig score (1–5)")
    _title(ax, score_title(shown, below))
    fig.tight_layout()
    return fig


def score_histogram(distribution: pd.DataFrame, *, target: float) -> Figure:
    """Facilities per score interval (``Fra``, ``Til``, ``Antal tilbud``): bars from the
    target up blue, below it vermillion, the count on each bar, the target line labelled."""
    fig, ax = plt.subplots()
    starts = distribution["Fra"].astype("float64")
    width = float(distribution["Til"].iloc[0] - distribution["Fra"].iloc[0]) if len(starts) else 0.2
    colours = [PRIMARY if a >= target - 1e-9 else IKKE_OPFYLDT_FARVE for a in starts]
    counts = distribution["Antal tilbud"].astype(int)
    bars = ax.bar(starts, counts, width=width * 0.92, align="edge", color=colours)
    ax.bar_label(bars, labels=[fmt.heltal(c) if c else "" for c in counts], fontsize=9, padding=2)
    ax.margins(y=0.15)
    target_line(ax, target, "Mål", axis="x")
    ax.xaxis.set_major_locator(MultipleLocator(0.2))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    danish_axis(ax, "x")
    danish_axis(ax, "y", decimals=0)
    ax.grid(axis="x", visible=False)
    _plain_axes(ax, xlabel="Gennemsnitlig score (1–5)", ylabel="Antal tilbud")
    fig.tight_layout()
    return fig


def before_after_title(counts: pd.DataFrame) -> str:
    """The follow-up's finding: the highest stage's count at the first and latest status."""
    first, last = _two_years(counts)
    top = counts.iloc[-1]
    return (
        f"{str(top['Status']).capitalize()}: {fmt.heltal(top[first])} i {first}, "
        f"{fmt.heltal(top[last])} i {last}"
    )


def _two_years(counts: pd.DataFrame) -> tuple[str, str]:
    years = [c for c in counts.columns if c != "Status"]
    return years[0], years[-1]


def grouped_bars(counts: pd.DataFrame, *, ylabel: str) -> Figure:
    """Items per stage (``Status``, lowest first) at the first and latest status (the other
    two columns): grey then blue bars side by side, the count on each, the year written under
    the first pair instead of a legend. The title gives the highest stage's two counts."""
    first, last = _two_years(counts)
    fig, ax = plt.subplots()
    x = list(range(len(counts)))
    width = 0.4
    for i, (column, colour) in enumerate(((first, MUTED), (last, PRIMARY))):
        places = [p + (i - 0.5) * width for p in x]
        bars = ax.bar(places, counts[column].astype(int), width=width, color=colour)
        ax.bar_label(bars, labels=[fmt.heltal(v) for v in counts[column]], fontsize=9)
        if x:
            ax.annotate(
                str(column),
                xy=(places[0], 0),
                xytext=(0, -3),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                color=colour if colour != MUTED else "#555555",
            )
    ax.set_xticks(x, [str(s).replace(" ", "\n", 1) for s in counts["Status"]])
    ax.tick_params(axis="x", pad=14)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.12)
    danish_axis(ax, "y", decimals=0)
    ax.grid(axis="x", visible=False)
    _plain_axes(ax, ylabel=ylabel)
    _title(ax, before_after_title(counts))
    fig.tight_layout()
    return fig


def association_plot(
    points: pd.DataFrame,
    band: pd.DataFrame,
    *,
    x: str,
    y: str,
    xlabel: str,
    ylabel: str,
) -> Figure:
    """A scatter of the shown facilities (``x`` against ``y``) with the fitted line
    (``band``: ``x``, ``mean``, ``ci_low``, ``ci_high``) and its 95 % band, the line named at
    its end (no legend)."""
    fig, ax = plt.subplots()
    shown = _shown_rows(points)
    ax.scatter(shown[x], shown[y], color=PRIMARY, zorder=3)
    ax.fill_between(band["x"], band["ci_low"], band["ci_high"], color=OKABE_ITO[4], alpha=0.3, lw=0)
    ax.plot(band["x"], band["mean"], color=ACCENT)
    danish_axis(ax, "x", percent=True, decimals=0)
    danish_axis(ax, percent=True, decimals=0)
    _plain_axes(ax, xlabel=xlabel, ylabel=ylabel)
    if len(band):
        last = band.iloc[-1]
        _end_labels(
            ax, [(float(last["x"]), float(last["mean"]), "Gennemsnitlig\nsammenhæng", ACCENT)]
        )
    fig.tight_layout()
    return fig


def score_trend(yearly: pd.DataFrame, *, target: float) -> Figure:
    """The average inspection score per year (``År``, ``Gennemsnit``) on the 1–5 scale from
    just below the target (or the lowest year) to 5, with the labelled target line."""
    low = min(3.0, float(yearly["Gennemsnit"].min()) - 0.2) if len(yearly) else 3.0
    return labelled_lines(
        yearly,
        "År",
        "Gennemsnit",
        xlabel="År",
        ylabel="Gennemsnitlig score (1–5)",
        ylim=(low, 5.0),
        ystep=0.2,
        target=(target, "Mål"),
    )


# --- The facility profile (tilbudsprofil) --------------------------------------------------------
# The profile notebook's figures: each builder takes the frame the page also shows as a table.


def profil_temaer(temaer: pd.DataFrame, target: float) -> Figure:
    """Theme scores at the latest inspection: the facility as bars, its target group as dots and
    the centre as diamonds, the target as a dashed line. ``temaer`` is ``profil.theme_scores``."""
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.6 * len(temaer) + 1.5))
    y = list(range(len(temaer)))
    ax.barh(y, temaer["Tilbuddet"], color=PRIMARY, label="Tilbuddet", height=0.6)
    ax.scatter(temaer["Målgruppen"], y, color=ACCENT, zorder=3, label="Målgruppen", s=40)
    ax.scatter(
        temaer["Hele centret"], y, color=MUTED, marker="D", zorder=3, label="Hele centret", s=30
    )
    ax.set_yticks(y, [textwrap.fill(str(t), 22) for t in temaer["Tema"]])
    ax.invert_yaxis()
    ax.set_xlim(1, 5)
    ax.set_xlabel("Score (1–5)")
    target_line(ax, target, "Mål", axis="x")
    danish_axis(ax, "x", decimals=1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


def profil_historik(historik: pd.DataFrame) -> Figure:
    """Absence (top) and turnover (bottom) per year: the facility as a solid line with points,
    the centre dashed; each line labelled at its end (no legend to look up). ``historik`` is
    ``profil.history``; a hidden year is a gap in the facility's line."""
    fig, axes = plt.subplots(2, 1, figsize=(TELEFON_BREDDE, 6.4), sharex=True)
    for ax, column, title in (
        (axes[0], "fravaer", "Sygefravær"),
        (axes[1], "omsaetning", "Personaleomsætning"),
    ):
        for suffix, label, style in (
            ("tilbud", "Tilbuddet", {"marker": "o", "color": PRIMARY}),
            ("center", "Hele centret", {"linestyle": "--", "color": MUTED}),
        ):
            series = historik[f"{column}_{suffix}"].astype(float)
            ax.plot(historik["aar"], series, label=label, **style)  # type: ignore[arg-type]
            last = series.last_valid_index()
            if last is not None:
                ax.annotate(
                    label,
                    (float(historik["aar"].loc[last]), float(series.loc[last])),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=10,
                    color=style["color"],
                    bbox=_LABEL_BOX,
                )
        ax.set_title(title, loc="left")
        ax.set_ylim(bottom=0)
        danish_axis(ax, "y", decimals=0, percent=True)
        years = historik["aar"].astype(int)
        if len(years):
            step = max(1, (len(years) + 5) // 6)  # at most about six year labels
            ax.set_xticks(list(years)[::step])
            # room at the right for the line labels, no empty year ticks
            ax.set_xlim(years.min() - 0.3, years.max() + 0.2 + 0.16 * max(len(years), 3))
    axes[1].set_xlabel("År")
    fig.tight_layout()
    return fig


def _target_panels() -> list[tuple[str, str, float | None]]:
    """The history's panels: (column of ``profil.target_history``, title, target line; None
    for the budget, whose target is a ±band)."""
    t = config.TARGETS
    return [
        ("tilsyn", "Tilsynsscore (1–5)", t.tilsyn_min),
        ("paabud", "Påbud og sanktioner", float(t.paabud_max)),
        ("trivsel", "Trivsel (1–7)", t.trivsel_min),
        ("lederevaluering_maalgruppe", "Lederevaluering, målgruppen", t.lederevaluering_min),
        ("belaegning", "Belægning (%)", t.belaegning_min),
        ("budget", "Budgetafvigelse (%)", None),
        ("takster", "Takst ift. private (%)", -t.takster_under_pct),
    ]


def profil_maalhistorik(frame: pd.DataFrame) -> Figure:
    """Small multiples: every target's value per year, one panel each, with its target as a
    dashed line (the budget's ±band as two). ``frame`` is ``profil.target_history``; a year
    without a value (no survey, no data) is simply not drawn."""
    panels = _target_panels()
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(TELEFON_BREDDE, 2.0 * rows + 0.6), sharex=True)
    flat = list(axes.flat)
    years = frame["aar"].astype(int)
    for ax, (column, title, target) in zip(flat, panels, strict=False):
        values = frame[column].astype(float)
        measured = values.notna()  # a survey held every other year: join the measured years
        ax.plot(years[measured], values[measured], marker="o", color=PRIMARY, markersize=4)
        if column == "budget":
            band = config.TARGETS.budget_max_abs
            for edge in (-band, band):
                ax.axhline(edge, color=TARGET_COLOUR, linestyle="--", linewidth=1)
        elif target is not None:
            ax.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1)
        ax.set_title(title, loc="left", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        decimals = 2 if column == "tilsyn" else (0 if column == "paabud" else 1)
        danish_axis(ax, "y", decimals=decimals)
        if column == "paabud":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0)
    for ax in flat[len(panels) :]:
        ax.set_visible(False)
        # the panel above a hidden one is the bottom of its column: it carries the years
        flat[flat.index(ax) - 2].xaxis.set_tick_params(labelbottom=True)
    fig.text(0.99, 0.01, "Stiplet linje: målet", ha="right", va="bottom", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def profil_placering(tabel: pd.DataFrame, column: str, *, title: str) -> Figure:
    """The facility among the shown facilities of its target group (or the centre): one bar
    each, lowest first, the facility's own bar in the primary colour with its name and value
    written at it, the others grey. ``tabel`` is ``profil.placement(...).tabel``."""
    n = len(tabel)
    fig, ax = plt.subplots(figsize=(TELEFON_BREDDE, 0.34 * n + 1.4))
    y = list(range(n))
    own = tabel["eget"].astype(bool).tolist()
    values = tabel[column].astype(float).tolist()
    ax.barh(y, values, color=[PRIMARY if o else "#c8c8c8" for o in own], height=0.7)
    names = [escaping.figure_text(v) for v in tabel["navn"]]
    ax.set_yticks(y, names)
    for tick, o in zip(ax.get_yticklabels(), own, strict=True):
        if o:
            tick.set_fontweight("bold")
            tick.set_color(PRIMARY)
        else:
            tick.set_color("#444444")
    for yi, value, o in zip(y, values, own, strict=True):
        if o:
            ax.annotate(
                fmt.pct(value),
                (value, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=10,
                fontweight="bold",
                color=PRIMARY,
            )
    ax.invert_yaxis()
    ax.set_xlim(0, max(values, default=0.0) * 1.2 or 1.0)
    danish_axis(ax, "x", decimals=0, percent=True)
    ax.grid(axis="y", visible=False)
    ax.set_title(textwrap.fill(title, width=52), loc="left", fontsize=TELEFON_SKRIFT)
    fig.tight_layout()
    return fig
