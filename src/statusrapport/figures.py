"""One look for every figure: colour-blind-safe palette, Danish number axes, target lines."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from statusrapport import config, escaping, fmt

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
