"""The profile's figure builders: what they draw is the data they are given, own facility marked."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from statusrapport import config, figures, fmt


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def _placement() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "navn": ["Bo A", "Bo $B$", "Bo C"],
            "fravaersprocent": [0.041, 0.055, 0.08],
            "eget": [False, True, False],
        }
    )


def test_placement_highlights_the_own_facility_only() -> None:
    fig = figures.profil_placering(_placement(), "fravaersprocent", title="Sygefravær 2025")
    ax = fig.axes[0]
    bars = ax.patches
    assert [b.get_width() for b in bars] == pytest.approx([0.041, 0.055, 0.08])
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert colours[1] == figures.PRIMARY.lower()
    assert colours[0] == colours[2] != colours[1]
    labels = ax.get_yticklabels()
    assert [t.get_fontweight() for t in labels] == ["normal", "bold", "normal"]
    assert labels[1].get_text() == r"Bo \$B\$"  # a name cannot start mathtext
    written = [t.get_text() for t in ax.texts]
    assert written == [fmt.pct(0.055)]  # only the own value is written at its bar
    fig.savefig(io.BytesIO(), format="png")  # draws without error


def test_target_history_small_multiples_draw_values_and_targets() -> None:
    years = [2021, 2022, 2023]
    frame = pd.DataFrame(
        {
            "aar": years,
            "tilsyn": [3.6, 3.9, 4.0],
            "paabud": [1.0, 0.0, 0.0],
            "trivsel": [5.8, np.nan, 6.0],  # measured every other year
            "lederevaluering_maalgruppe": [np.nan, 6.1, np.nan],
            "belaegning": [93.0, 95.0, 96.0],
            "budget": [0.2, -1.5, 0.4],
            "takster": [-2.0, -3.0, 1.0],
        }
    )
    fig = figures.profil_maalhistorik(frame)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 7
    by_title = {ax.get_title(loc="left"): ax for ax in visible}
    tilsyn = by_title["Tilsynsscore (1–5)"]
    line = tilsyn.lines[0]
    assert list(line.get_ydata()) == pytest.approx([3.6, 3.9, 4.0])
    assert [ln.get_ydata()[0] for ln in tilsyn.lines[1:]] == [config.TARGETS.tilsyn_min]
    trivsel = by_title["Trivsel (1–7)"].lines[0]
    assert list(trivsel.get_xdata()) == [2021, 2023]  # the gap year joined, not drawn as 0
    budget = by_title["Budgetafvigelse (%)"]
    edges = sorted(ln.get_ydata()[0] for ln in budget.lines[1:])
    assert edges == [-config.TARGETS.budget_max_abs, config.TARGETS.budget_max_abs]
    fig.savefig(io.BytesIO(), format="png")


def test_history_labels_each_line_and_leaves_hidden_years_out() -> None:
    historik = pd.DataFrame(
        {
            "aar": [2023, 2024, 2025],
            "fravaer_tilbud": [0.05, np.nan, 0.06],
            "fravaer_center": [0.061, 0.062, 0.06],
            "omsaetning_tilbud": [0.2, 0.25, 0.3],
            "omsaetning_center": [0.22, 0.23, 0.24],
        }
    )
    fig = figures.profil_historik(historik)
    top, bottom = fig.axes
    assert np.isnan(top.lines[0].get_ydata()[1])
    assert [t.get_text() for t in top.texts] == ["Tilbuddet", "Hele centret"]
    assert list(bottom.get_xticks()) == [2023, 2024, 2025]


def test_theme_bars_are_the_facilitys_scores_with_the_target_line() -> None:
    temaer = pd.DataFrame(
        {
            "Tema": ["Sundhed og trivsel", "Kompetencer"],
            "Tilbuddet": [3.5, 4.2],
            "Målgruppen": [3.9, 4.0],
            "Hele centret": [3.8, 4.1],
        }
    )
    fig = figures.profil_temaer(temaer, config.TARGETS.tilsyn_min)
    ax = fig.axes[0]
    assert [b.get_width() for b in ax.patches] == pytest.approx([3.5, 4.2])
    assert ax.lines[0].get_xdata()[0] == config.TARGETS.tilsyn_min


def _colours(fig: plt.Figure) -> set[str]:
    found: set[str] = set()
    for ax in fig.axes:
        found |= {to_hex(p.get_facecolor()) for p in ax.patches}
        found |= {to_hex(line.get_color()) for line in ax.lines}
        for collection in ax.collections:
            found |= {to_hex(c) for c in collection.get_facecolors()}
    return found


def test_profile_charts_are_phone_width_and_keep_vermillion_for_not_met() -> None:
    """The site's colour system (vermillion only means "target not met") and phone width."""
    temaer = pd.DataFrame(
        {"Tema": ["Kompetencer"], "Tilbuddet": [3.5], "Målgruppen": [3.9], "Hele centret": [4.0]}
    )
    historik = pd.DataFrame(
        {
            "aar": [2024, 2025],
            **{
                f"{k}_{s}": [0.1, 0.2]
                for k in ("fravaer", "omsaetning")
                for s in ("tilbud", "center")
            },
        }
    )
    history = pd.DataFrame(
        {
            "aar": [2024, 2025],
            **{
                k: [1.0, 2.0]
                for k in (
                    "tilsyn",
                    "paabud",
                    "trivsel",
                    "lederevaluering_maalgruppe",
                    "belaegning",
                    "budget",
                    "takster",
                )
            },
        }
    )
    charts = [
        figures.profil_temaer(temaer, config.TARGETS.tilsyn_min),
        figures.profil_historik(historik),
        figures.profil_maalhistorik(history),
        figures.profil_placering(_placement(), "fravaersprocent", title="t"),
    ]
    vermillion = figures.IKKE_OPFYLDT_FARVE.lower()
    for fig in charts:
        assert fig.get_figwidth() == figures.TELEFON_BREDDE
        assert vermillion not in _colours(fig)
