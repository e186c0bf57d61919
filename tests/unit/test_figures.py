"""The page charts' builders (issue 22): each figure has the artists a reader needs – bars,
lines, points, target lines, the highlighted element, labels in Danish format at the lines'
ends instead of legends – for small hand-made inputs. No image snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from statusrapport import disclosure, figures, fmt

VERMILLION = figures.IKKE_OPFYLDT_FARVE.lower()


@pytest.fixture(autouse=True)
def _house_style() -> Iterator[None]:
    matplotlib.use("Agg")
    figures.setup()
    yield
    plt.close("all")


def _texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure's axes (annotations, bar labels, titles), a wrapped
    label on one line."""
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(loc) for loc in ("left", "center") if ax.get_title(loc)]
    return [" ".join(text.split()) for text in out]


def _bars(fig: Figure) -> list[Rectangle]:
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


def _colours(fig: Figure) -> set[str]:
    """Every face and line colour used by the figure's artists (for the colour system)."""
    found: set[str] = set()
    for ax in fig.axes:
        for patch in ax.patches:
            found.add(to_hex(patch.get_facecolor()))
        for line in ax.lines:
            found.add(to_hex(line.get_color()))
        for collection in ax.collections:
            found |= {to_hex(c) for c in collection.get_facecolors()}
    return found


def _hline_at(fig: Figure, y: float) -> bool:
    return any(
        len(set(line.get_ydata())) == 1 and float(line.get_ydata()[0]) == pytest.approx(y)
        for line in fig.axes[0].lines
    )


def _vline_at(fig: Figure, x: float) -> bool:
    return any(
        len(set(line.get_xdata())) == 1 and float(line.get_xdata()[0]) == pytest.approx(x)
        for line in fig.axes[0].lines
    )


# --- Label placement -----------------------------------------------------------------------------


def test_end_labels_are_pushed_apart_only_where_they_collide() -> None:
    placed = figures._spread([0.0, 0.01, 5.0, 10.0], [1.0, 1.0, 1.0, 1.0])
    assert placed[1] - placed[0] == pytest.approx(1.0)
    assert (placed[0] + placed[1]) / 2 == pytest.approx(0.005)  # centred on their values
    assert placed[2:] == [5.0, 10.0]  # far from the others: where the line ends
    taller = figures._spread([0.0, 0.1], [2.0, 1.0])
    assert taller[1] - taller[0] == pytest.approx(1.5)


def test_label_text_is_the_lines_colour_only_where_it_reads_on_white() -> None:
    assert figures.text_colour(figures.PRIMARY) == figures.PRIMARY  # 5,1:1
    assert figures.text_colour(figures.MUTED) == figures.MUTED  # 4,5:1
    assert figures.text_colour("#56B4E9") == "black"  # sky blue, 2,2:1
    assert figures.text_colour("#E69F00") == "black"  # orange


# --- Bars ----------------------------------------------------------------------------------------


def test_year_bars_write_each_value_and_label_the_reference_line() -> None:
    frame = pd.DataFrame({"aar": [2023, 2024, 2025], "dage": [12.6, 13.74, np.nan]})
    fig = figures.year_bars(frame, "dage", ylabel="Dage", reference=(14.5, "Kommunen 2023"))
    assert len(_bars(fig)) == 3
    texts = _texts(fig)
    assert {"12,6", "13,7"} <= set(texts)
    assert "Kommunen 2023: 14,5" in texts
    assert _hline_at(fig, 14.5)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2023", "2024", "2025"]
    assert fig.get_size_inches()[0] == figures.TELEFON_BREDDE


def test_year_bars_in_per_cent() -> None:
    frame = pd.DataFrame({"aar": [2024, 2025], "omsaetning": [0.185, 0.2]})
    fig = figures.year_bars(frame, "omsaetning", ylabel="Omsætning", percent=True)
    assert {"18,5 %", "20,0 %"} <= set(_texts(fig))
    formatter = fig.axes[0].yaxis.get_major_formatter()
    assert formatter(0.1, 0) == f"10{fmt.NBSP}%"  # Danish: a (non-breaking) space before %


def test_stacked_bars_name_the_parts_beside_the_last_bar() -> None:
    frame = pd.DataFrame({"aar": [2024, 2025], "kort": [0.03, 0.035], "lang": [0.025, 0.026]})
    fig = figures.stacked_bars(
        frame, "aar", {"kort": "Korttid", "lang": "Langtid"}, ylabel="Fravær", percent=True
    )
    bars = _bars(fig)
    assert len(bars) == 4
    assert bars[3].get_y() == pytest.approx(0.035)  # the long part stands on the short one
    assert {"Korttid", "Langtid"} <= set(_texts(fig))
    assert fig.axes[0].get_legend() is None


def test_stacked_bars_fall_back_to_a_legend_when_a_part_is_empty_in_the_last_bar() -> None:
    frame = pd.DataFrame({"År": [2024, 2025], "A": [1, 0], "B": [2, 3]})
    fig = figures.stacked_bars(frame, "År", ["A", "B"], ylabel="Antal")
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["A", "B"]
    assert VERMILLION not in _colours(fig)


def test_horizontal_bars_with_last_years_tick_and_a_hidden_row() -> None:
    frame = pd.DataFrame(
        {
            "gruppe": ["autisme", "hjerneskade", "synshandicap"],
            "pct": [0.054, np.nan, 0.07],
            "forrige": [0.05, 0.06, np.nan],
            disclosure.FLAG: [False, True, False],
        }
    )
    fig = figures.horizontal_bars(
        frame, "gruppe", "pct", previous="forrige", year=2025, percent=True, xlabel="Fravær"
    )
    ax = fig.axes[0]
    bars = _bars(fig)
    assert len(bars) == 3
    widths = {round(b.get_y() + b.get_height() / 2): b.get_width() for b in bars}
    assert widths[2] == pytest.approx(0.054)  # the first row at the top
    assert widths[1] == 0  # hidden: no bar
    texts = _texts(fig)
    assert {"5,4 %", "7,0 %", "udeladt", "2024"} <= set(texts)
    inside = next(t for t in ax.texts if t.get_text() == f"5,4{fmt.NBSP}%")
    assert inside.get_color() == "white" and inside.get_position()[0] < 0.01  # at the bar's start

    ticks = ax.collections[0].get_offsets()
    assert sorted(float(x) for x, _ in ticks) == pytest.approx([0.05, 0.06])  # published values
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "autisme",
        "hjerneskade",
        "synshandicap",
    ]
    assert ax.get_legend() is None


def test_horizontal_bars_on_a_scale_from_one_with_a_target() -> None:
    frame = pd.DataFrame({"Tema": ["Kompetencer", "Fysiske rammer"], "Gennemsnit": [4.42, 3.7]})
    fig = figures.horizontal_bars(
        frame, "Tema", "Gennemsnit", start=1, xmax=5.3, target=3.8, decimals=2, xlabel="Score"
    )
    ax = fig.axes[0]
    assert ax.get_xlim() == (1.0, 5.3)
    assert [b.get_x() for b in _bars(fig)] == [1.0, 1.0]
    assert {"4,42", "3,70", "Mål (3,8)"} <= set(_texts(fig))
    assert _vline_at(fig, 3.8)


def test_score_histogram_colours_bars_below_the_target_vermillion() -> None:
    frame = pd.DataFrame(
        {"Fra": [3.4, 3.6, 3.8, 4.0], "Til": [3.6, 3.8, 4.0, 4.2], "Antal tilbud": [1, 0, 4, 2]}
    )
    fig = figures.score_histogram(frame, target=3.8)
    colours = [to_hex(b.get_facecolor()) for b in _bars(fig)]
    assert colours == [VERMILLION, VERMILLION, figures.PRIMARY.lower(), figures.PRIMARY.lower()]
    assert {"1", "4", "2", "Mål (3,8)"} <= set(_texts(fig))
    assert "0" not in _texts(fig)  # an empty interval has no label
    assert _vline_at(fig, 3.8)


def test_grouped_bars_first_and_latest_status_with_the_finding_as_title() -> None:
    counts = pd.DataFrame({"Status": ["planlagt", "imødekommet"], "2008": [10, 1], "2025": [3, 20]})
    fig = figures.grouped_bars(counts, ylabel="Antal")
    bars = _bars(fig)
    assert [int(b.get_height()) for b in bars] == [10, 1, 3, 20]
    assert fig.axes[0].get_title(loc="left") == "Imødekommet: 1 i 2008, 20 i 2025"
    assert {"2008", "2025", "20"} <= set(_texts(fig))
    assert fig.axes[0].get_legend() is None


def test_season_bars_title_names_the_extremes() -> None:
    table = pd.DataFrame(
        {"maanedsnavn": ["jan", "feb", "jul"], "saesonudsving_procentpoint": [0.8, 0.2, -0.9]}
    )
    fig = figures.season_bars(table, ylabel="Udsving")
    assert len(_bars(fig)) == 3
    assert fig.axes[0].get_title(loc="left") == "Typisk højest i januar og lavest i juli"
    assert to_hex(_bars(fig)[2].get_facecolor()) != to_hex(_bars(fig)[0].get_facecolor())
    assert _hline_at(fig, 0)


# --- Lines ---------------------------------------------------------------------------------------


def test_labelled_lines_highlight_the_year_and_name_lines_at_their_ends() -> None:
    frame = pd.DataFrame(
        {
            "aar": [2024] * 3 + [2025] * 2,
            "maaned": [1, 2, 3, 1, 2],
            "pct": [0.07, 0.065, 0.06, 0.072, 0.068],
        }
    )
    fig = figures.labelled_lines(
        frame,
        "maaned",
        "pct",
        group="aar",
        highlight=2025,
        percent=True,
        xticks=[(1, "jan"), (2, "feb"), (3, "mar")],
        xlabel="Måned",
        ylabel="Fravær",
    )
    ax = fig.axes[0]
    lines = [line for line in ax.lines if len(line.get_xdata()) > 1]
    assert len(lines) == 2
    assert list(lines[-1].get_ydata()) == [0.072, 0.068]  # the report year drawn last, on top
    assert lines[-1].get_linewidth() > lines[0].get_linewidth()
    assert to_hex(lines[-1].get_color()) == figures.PRIMARY.lower()
    ends = {t.get_text(): t for t in ax.texts}
    assert set(ends) == {"2024", "2025"}
    assert ends["2025"].xy[0] == 2 and ends["2024"].xy[0] == 3  # each at its own last point
    assert ax.get_legend() is None
    assert ax.get_ylim()[0] == 0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["jan", "feb", "mar"]
    assert ax.yaxis.get_major_formatter()(0.065, 0) == f"6,5{fmt.NBSP}%"


def test_labelled_lines_zero_line_is_named_with_the_lines() -> None:
    frame = pd.DataFrame(
        {
            "aar": [2024, 2025, 2024, 2025],
            "gruppe": ["autisme", "autisme", "Hele centret", "Hele centret"],
            "forskel": [0.07, -0.01, 0.05, 0.04],
        }
    )
    fig = figures.labelled_lines(
        frame,
        "aar",
        "forskel",
        group="gruppe",
        highlight="Hele centret",
        colours={"autisme": "#E69F00", "Hele centret": "black"},
        percent=True,
        ylim=(None, None),
        zero_label="Private tilbud",
        xlabel="År",
        ylabel="Forskel",
    )
    ax = fig.axes[0]
    assert {"autisme", "Hele centret", "Private tilbud"} == set(_texts(fig))
    assert _hline_at(fig, 0)
    label = next(t for t in ax.texts if t.get_text() == "autisme")
    assert label.get_color() == "black"  # orange text would not read on white
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024", "2025"]


def test_score_trend_on_the_score_scale_with_the_target() -> None:
    yearly = pd.DataFrame({"År": [2023, 2024, 2025], "Gennemsnit": [4.1, 4.2, 4.3]})
    fig = figures.score_trend(yearly, target=3.8)
    ax = fig.axes[0]
    assert ax.get_ylim() == (3.0, 5.0)
    assert _hline_at(fig, 3.8) and "Mål (3,8)" in _texts(fig)
    assert ax.texts[-1].get_text() == "Mål (3,8)"  # one line: no end label, no legend
    low = figures.score_trend(yearly.assign(Gennemsnit=[2.9, 3.0, 3.1]), target=3.8)
    assert low.axes[0].get_ylim()[0] == pytest.approx(2.7)


# --- Funnel plot, control chart, run charts ------------------------------------------------------


class _Funnel:
    def __init__(self, table: pd.DataFrame, curve: pd.DataFrame, target: float) -> None:
        self.table, self.curve, self.target = table, curve, target


def _funnel() -> _Funnel:
    table = pd.DataFrame(
        {
            "navn": ["Ahorn", "Birk", "Ceder"],
            "mulige_dagsvaerk": [5000.0, 10000.0, 20000.0],
            "fravaersprocent": [0.05, 0.12, 0.06],
            "nedre_998": [0.02, 0.03, 0.04],
            "oevre_998": [0.10, 0.09, 0.08],
            disclosure.FLAG: [False, False, False],
        }
    )
    sizes = np.array([4000.0, 21000.0])
    curve = pd.DataFrame(
        {
            "size": sizes,
            "lower_95": [0.03, 0.045],
            "upper_95": [0.09, 0.075],
            "lower_998": [0.02, 0.04],
            "upper_998": [0.10, 0.08],
        }
    )
    return _Funnel(table, curve, 0.061)


def test_funnel_plot_names_the_facilities_outside_and_labels_the_limits() -> None:
    funnel = _funnel()
    named = funnel.table.iloc[[1]]
    fig = figures.funnel_plot(
        funnel, named, size="mulige_dagsvaerk", rate="fravaersprocent", xlabel="x", ylabel="y"
    )
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 3
    texts = _texts(fig)
    assert {"Birk", "95 %", "99,8 %", "Centret i alt 6,1 %"} <= set(texts)
    assert "Ahorn" not in texts
    assert ax.get_title(loc="left") == "1 tilbud ligger uden for 99,8 %-grænserne"
    assert len([line for line in ax.lines if len(line.get_xdata()) == 2]) >= 4  # four limits
    assert _hline_at(fig, 0.061)
    assert ax.get_ylim()[0] == 0
    assert ax.get_legend() is None
    assert ax.xaxis.get_major_formatter()(20000, 0) == "20.000"


def test_funnel_plot_draws_no_flagged_row() -> None:
    funnel = _funnel()
    funnel.table.loc[2, disclosure.FLAG] = True
    fig = figures.funnel_plot(
        funnel,
        funnel.table.iloc[[]],
        size="mulige_dagsvaerk",
        rate="fravaersprocent",
        xlabel="x",
        ylabel="y",
    )
    points = fig.axes[0].collections[0].get_offsets()
    assert sorted(float(x) for x, _ in points) == [5000.0, 10000.0]
    assert fig.axes[0].get_title(loc="left") == "Ingen tilbud ligger uden for 99,8 %-grænserne"


def test_control_chart_marks_the_months_outside_and_counts_them_in_the_title() -> None:
    dates = pd.date_range("2024-01-01", periods=6, freq="MS")
    table = pd.DataFrame(
        {
            "dato": dates,
            "value": [0.06, 0.065, 0.09, 0.058, 0.03, 0.061],
            "centre": [0.061] * 6,
            "lcl": [0.04] * 6,
            "ucl": [0.08] * 6,
            "signal": [False, False, True, False, True, False],
        }
    )
    fig = figures.control_chart(table, ylabel="Fravær")
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 2  # the two triangles
    assert ax.get_title(loc="left") == "2 måneder uden for kontrolgrænserne"
    assert {"Øvre grænse", "Gennemsnit", "Nedre grænse"} <= set(_texts(fig))
    assert ax.get_legend() is None
    assert ax.xaxis.get_major_formatter()(float(matplotlib.dates.date2num(dates[0])), 0) == (
        "jan 2024"
    )


def test_run_charts_one_panel_per_shown_facility() -> None:
    dates = pd.date_range("2024-01-01", periods=4, freq="MS")
    points = pd.DataFrame(
        {
            "tilbud_id": ["A"] * 4 + ["B"] * 4 + ["C"] * 4,
            "dato": list(dates) * 3,
            "saesonjusteret": [0.05, 0.06, 0.07, 0.08] * 3,
        }
    )
    charts = pd.DataFrame(
        {
            "tilbud_id": ["A", "B", "C"],
            "navn": ["Ahorn", "Birk", "Ceder"],
            "median": [0.065, 0.06, 0.05],
            disclosure.FLAG: [False, True, False],
        }
    )
    fig = figures.run_charts(points, charts, ylabel="Fravær")
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in shown] == ["Ahorn", "Ceder"]
    assert all(len(ax.lines[0].get_xdata()) == 4 for ax in shown)
    assert _hline_at(fig, 0.065)
    assert shown[0].get_ylim()[0] == 0


# --- Points --------------------------------------------------------------------------------------


def test_score_dots_name_the_facilities_below_the_target() -> None:
    scores = pd.DataFrame(
        {
            "Tilbud": ["Ahorn", "Birk", "Ceder", "Dun"],
            "Målgruppe": ["autisme", "autisme", "hjerneskade", "hjerneskade"],
            "Gennemsnit": [4.2, 3.5, 4.0, np.nan],
            "Status": ["opfyldt", "ikke opfyldt", "opfyldt", "intet tilsyn"],
        }
    )
    fig = figures.score_dots(
        scores, target=3.8, above="opfyldt", below="ikke opfyldt", band=(3.6, 4.0)
    )
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "2 af 3 tilbud når målet"
    texts = _texts(fig)
    assert "Birk" in texts and "Ahorn" not in texts
    points = [to_hex(c) for coll in ax.collections for c in coll.get_facecolors()]
    assert points.count(VERMILLION) == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Autisme", "Hjerneskade"]
    assert _vline_at(fig, 3.8)
    assert any(p.get_x() == pytest.approx(3.6) for p in ax.patches)  # the band near the target
    assert ax.get_legend() is None


def test_association_plot_draws_shown_facilities_and_names_the_line() -> None:
    points = pd.DataFrame(
        {
            "fravaersprocent": [0.03, 0.05, 0.10],
            "omsaetning": [0.20, 0.22, 0.30],
            disclosure.FLAG: [False, False, True],
        }
    )
    band = pd.DataFrame(
        {"x": [0.02, 0.11], "mean": [0.19, 0.25], "ci_low": [0.15, 0.2], "ci_high": [0.24, 0.3]}
    )
    fig = figures.association_plot(
        points, band, x="fravaersprocent", y="omsaetning", xlabel="x", ylabel="y"
    )
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 2
    assert any(
        isinstance(line, Line2D) and list(line.get_ydata()) == [0.19, 0.25] for line in ax.lines
    )
    assert any("Gennemsnitlig" in t for t in _texts(fig))
    assert ax.get_legend() is None


def _samples() -> dict[str, Callable[[], Figure]]:
    """One small figure from every builder."""
    dates = pd.date_range("2024-01-01", periods=3, freq="MS")
    years = pd.DataFrame({"aar": [2024, 2025], "v": [1.0, 2.0], "w": [0.5, 0.2]})
    return {
        "year_bars": lambda: figures.year_bars(years, "v", ylabel="y", reference=(1.5, "Ref")),
        "stacked_bars": lambda: figures.stacked_bars(
            pd.DataFrame({"aar": [2025], **{f"p{i}": [1] for i in range(7)}}),
            "aar",
            [f"p{i}" for i in range(7)],
            ylabel="y",
        ),
        "horizontal_bars": lambda: figures.horizontal_bars(
            years.assign(navn=["a", "b"]), "navn", "v", previous="w", year=2025, xlabel="x"
        ),
        "labelled_lines": lambda: figures.labelled_lines(
            years, "aar", "v", xlabel="x", ylabel="y", target=(1.5, "Mål")
        ),
        "funnel_plot": lambda: figures.funnel_plot(
            _funnel(),
            _funnel().table.iloc[[1]],
            size="mulige_dagsvaerk",
            rate="fravaersprocent",
            xlabel="x",
            ylabel="y",
        ),
        "control_chart": lambda: figures.control_chart(
            pd.DataFrame(
                {
                    "dato": dates,
                    "value": [0.05, 0.09, 0.06],
                    "centre": [0.06] * 3,
                    "lcl": [0.04] * 3,
                    "ucl": [0.08] * 3,
                    "signal": [False, True, False],
                }
            ),
            ylabel="y",
        ),
        "run_charts": lambda: figures.run_charts(
            pd.DataFrame({"tilbud_id": ["A"] * 3, "dato": dates, "saesonjusteret": [0.1] * 3}),
            pd.DataFrame({"tilbud_id": ["A"], "navn": ["Ahorn"], "median": [0.1]}),
            ylabel="y",
        ),
        "season_bars": lambda: figures.season_bars(
            pd.DataFrame({"maanedsnavn": ["jan", "jul"], "saesonudsving_procentpoint": [1, -1]}),
            ylabel="y",
        ),
        "score_trend": lambda: figures.score_trend(
            pd.DataFrame({"År": [2024, 2025], "Gennemsnit": [4.0, 4.1]}), target=3.8
        ),
        "grouped_bars": lambda: figures.grouped_bars(
            pd.DataFrame({"Status": ["a", "b"], "2008": [1, 2], "2025": [0, 3]}), ylabel="y"
        ),
        "association_plot": lambda: figures.association_plot(
            pd.DataFrame({"a": [0.1, 0.2], "b": [0.2, 0.3]}),
            pd.DataFrame(
                {"x": [0.1, 0.2], "mean": [0.2, 0.3], "ci_low": [0.1] * 2, "ci_high": [0.4] * 2}
            ),
            x="a",
            y="b",
            xlabel="x",
            ylabel="y",
        ),
    }


@pytest.mark.parametrize("name", list(_samples()))
def test_every_chart_is_phone_width_and_keeps_vermillion_for_not_met(name: str) -> None:
    """The colour system: vermillion is kept for "target not met" (issue 20), so no chart
    without a target status uses it; every chart is drawn at phone width."""
    fig = _samples()[name]()
    assert VERMILLION not in _colours(fig)
    assert fig.get_figwidth() == figures.TELEFON_BREDDE
