"""The target scoreboard on a hand-made three-facility year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from statusrapport import config, data, fmt
from statusrapport.analysis import maalopfyldelse as maal

YEAR = 2024


def _dataset(folder: Path) -> data.Dataset:
    """A meets every target; B misses some; C lacks data for several.

    A: tilsyn 3.9, no orders, trivsel 5.8, leder 6.2, belægning 96, budget +0.4
    B: tilsyn 3.7, one order, no trivsel row, leder 6.0 (exactly), belægning 94.0, budget −1.2
    C: no inspection, no orders, trivsel 5.4, no leder row, belægning 93.9, budget +1.0 (exactly)
    Rates (§ 108, private autisme average 2.500 kr.): A 2.000 kr. (below), B 3.000 kr., C none.
    """
    folder.mkdir(parents=True, exist_ok=True)
    frames = {key: pd.DataFrame(columns=list(cols)) for key, cols in config.FILES.items()}
    frames["tilbud"] = pd.DataFrame(
        [
            (tid, navn, "CLB", "autisme", "§ 108", 20, "2019-01-01", None)
            for tid, navn in (("A", "Alfa"), ("B", "Beta"), ("C", "Gamma"))
        ],
        columns=list(config.FILES["tilbud"]),
    )
    frames["tilsyn"] = pd.DataFrame(
        [("A", f"{YEAR}-05-01", t, 3.9) for t in config.TEMAER]
        + [("B", f"{YEAR}-06-01", t, 3.7) for t in config.TEMAER],
        columns=list(config.FILES["tilsyn"])[:4],  # the optional rapport_link left out
    )
    frames["paabud"] = pd.DataFrame(
        [
            ("B", f"{YEAR}-03-01", "Arbejdstilsynet", "påbud", "Påbud"),
            ("C", f"{YEAR - 1}-03-01", "Brandmyndigheden", "påbud", "Sidste år tæller ikke"),
        ],
        columns=list(config.FILES["paabud"]),
    )
    values = {
        "A": {
            "trivsel": 5.8,
            "lederevaluering": 6.2,
            "belaegningsprocent": 96,
            "budgetafvigelse_pct": 0.4,
        },
        "B": {"lederevaluering": 6.0, "belaegningsprocent": 94.0, "budgetafvigelse_pct": -1.2},
        "C": {"trivsel": 5.4, "belaegningsprocent": 93.9, "budgetafvigelse_pct": 1.0},
    }
    frames["noegletal"] = pd.DataFrame(
        [(tid, YEAR, ind, v) for tid, row in values.items() for ind, v in row.items()],
        columns=list(config.FILES["noegletal"]),
    )
    frames["takster"] = pd.DataFrame(
        [("A", YEAR, "§ 108", 2000.0, 20), ("B", YEAR, "§ 108", 3000.0, 20)],
        columns=list(config.FILES["takster"]),
    )
    frames["takster_private"] = pd.DataFrame(
        [(YEAR, "autisme", "§ 108", 2500.0, 6, "Tilbudsportalen")],
        columns=list(config.FILES["takster_private"]),
    )
    for key, frame in frames.items():
        frame.to_csv(folder / f"{key}.csv", index=False)
    return data.parse(folder)


@pytest.fixture
def ds(tmp_path: Path) -> data.Dataset:
    return _dataset(tmp_path / "data")


def test_status_matrix_cells(ds: data.Dataset) -> None:
    m = maal.status_matrix(ds, YEAR).set_index("tilbud_id")
    assert (m.loc["A", list(maal.TARGET_KEYS)] == "opfyldt").all()
    assert m.loc["B", "tilsyn"] == "ikke opfyldt"
    assert m.loc["B", "paabud"] == "ikke opfyldt"
    assert m.loc["B", "trivsel"] == "ingen data"  # missing row, survey not answered
    assert m.loc["B", "lederevaluering"] == "opfyldt"  # exactly 6 meets "mindst 6"
    assert m.loc["B", "belaegning"] == "opfyldt"  # exactly 94
    assert m.loc["B", "budget"] == "ikke opfyldt"  # −1.2 is outside ±1
    assert m.loc["C", "tilsyn"] == "ingen data"
    assert m.loc["C", "paabud"] == "opfyldt"  # last year's order does not count
    assert m.loc["C", "trivsel"] == "ikke opfyldt"
    assert m.loc["C", "lederevaluering"] == "ingen data"
    assert m.loc["C", "belaegning"] == "ikke opfyldt"
    assert m.loc["C", "budget"] == "opfyldt"  # exactly +1
    assert m.loc["B", "takster"] == "ikke opfyldt"
    assert m.loc["C", "takster"] == "ingen data"
    # Counts are over the per-facility targets only (leader evaluation is never per facility).
    assert (m.loc["A", "antal_opfyldt"], m.loc["A", "antal_med_data"]) == (6, 6)
    assert (m.loc["B", "antal_opfyldt"], m.loc["B", "antal_med_data"]) == (1, 5)
    assert (m.loc["C", "antal_opfyldt"], m.loc["C", "antal_med_data"]) == (2, 4)


def test_values_behind_the_cells(ds: data.Dataset) -> None:
    v = maal.values(ds, YEAR).set_index("tilbud_id")
    assert v.loc["A", "tilsyn"] == pytest.approx(3.9)
    assert v.loc["B", "paabud"] == 1
    assert v.loc["B", "budget"] == pytest.approx(-1.2)
    assert pd.isna(v.loc["B", "trivsel"])


def test_totals_share_among_facilities_with_data(ds: data.Dataset) -> None:
    t = maal.totals(ds, YEAR).set_index("maal")
    assert list(t.index) == list(maal.TARGET_KEYS)
    assert t.loc["tilsyn", "Andel opfyldt"] == pytest.approx(1 / 2)  # C has no data
    assert t.loc["tilsyn", "Ingen data"] == 1
    assert t.loc["tilsyn", "Opfyldt af"] == "1 af 2"
    assert t.loc["paabud", "Andel opfyldt"] == pytest.approx(2 / 3)
    assert t.loc["budget", "Andel opfyldt"] == pytest.approx(2 / 3)
    assert t.loc["trivsel", "Opfyldt af"] == "1 af 2"
    kf = maal.key_figures(ds, YEAR)
    assert kf["maal.andel_opfyldt_pr_maal"]["lederevaluering"] == pytest.approx(1.0)
    assert kf["maal.antal_tilbud_alle_maal_opfyldt"] == 1  # only A
    assert kf["maal.antal_tilbud"] == 3
    assert kf["maal.opfyldt_pr_tilbud"]["C"]["tilsyn"] == "ingen data"
    assert kf["maal.opfyldt_pr_tilbud"]["B"]["budget"] == "ikke opfyldt"
    assert all("lederevaluering" not in v for v in kf["maal.opfyldt_pr_tilbud"].values())


def test_share_is_none_when_no_facility_has_data(ds: data.Dataset) -> None:
    ds.noegletal = ds.noegletal[ds.noegletal["indikator"] != "trivsel"]
    kf = maal.key_figures(ds, YEAR)
    assert kf["maal.andel_opfyldt_pr_maal"]["trivsel"] is None


def test_scoreboard_is_text_with_labels(ds: data.Dataset) -> None:
    board = maal.scoreboard(ds, YEAR)
    labels = [maal.TARGET_LABELS[k] for k in maal.FACILITY_KEYS]
    assert list(board.columns) == ["Tilbud", *labels, "Opfyldte mål"]
    assert maal.TARGET_LABELS["lederevaluering"] not in board.columns
    assert list(board["Tilbud"]) == ["Alfa", "Beta", "Gamma"]
    assert list(board["Opfyldte mål"]) == ["6 af 6", "1 af 5", "2 af 4"]
    cells = board[labels].to_numpy().ravel()
    assert set(cells) <= set(maal.STATUSSER)


def test_labels_format_thresholds_from_config() -> None:
    assert maal.TARGET_LABELS["tilsyn"] == "Tilsynsscore mindst 3,8"
    assert maal.TARGET_LABELS["lederevaluering"] == "Lederevaluering mindst 6"
    assert maal.TARGET_LABELS["belaegning"] == f"Belægning mindst 94{fmt.NBSP}%"
    assert maal.TARGET_LABELS["budget"] == f"Budgetafvigelse højst ±1{fmt.NBSP}%"
    assert maal.TARGET_LABELS["paabud"] == "Ingen påbud eller sanktioner"
    assert set(maal.TARGET_LABELS) == set(maal.TARGET_KEYS) == set(maal.TARGET_DESCRIPTIONS)
    assert set(maal.VALUE_LABELS) == set(maal.TARGET_KEYS)


def test_thresholds_come_from_config(ds: data.Dataset, monkeypatch) -> None:
    monkeypatch.setattr(config, "TARGETS", config.Targets(budget_max_abs=1.5, belaegning_min=95))
    m = maal.status_matrix(ds, YEAR).set_index("tilbud_id")
    assert m.loc["B", "budget"] == "opfyldt"
    assert m.loc["B", "belaegning"] == "ikke opfyldt"
    assert maal.assess("budget", -1.2) == "opfyldt"
    assert maal.assess("trivsel", None) == "ingen data"


def test_leader_evaluation_is_published_for_groups_and_centre_only(ds: data.Dataset) -> None:
    assert "lederevaluering" not in maal.public_values(ds, YEAR).columns
    # Two managers evaluated (A 6.2, B 6.0) in one group: fewer than MIN_LEDERE → hidden,
    # and the centre (the same two managers) is hidden as well.
    leaders = maal.leader_by_group(ds, YEAR).set_index("maalgruppe")
    assert leaders.loc["autisme", "antal_tilbud"] == 2
    assert leaders["undertrykt"].all()
    assert leaders["lederevaluering"].isna().all()
    kf = maal.key_figures(ds, YEAR)
    assert kf["maal.lederevaluering_pr_maalgruppe"] == {"autisme": None}
    assert kf["maal.lederevaluering_center"] is None


def test_leader_groups_complementary_and_rounded(tmp_path: Path) -> None:
    """Groups of 3, 3 and 1 evaluated managers: the lone one and one more are hidden."""
    _dataset(tmp_path / "data")
    folder = tmp_path / "data"
    groups = ["hjerneskade"] * 3 + ["synshandicap"]
    with (folder / "tilbud.csv").open("a", encoding="utf-8") as handle:
        for i, group in enumerate(groups):
            handle.write(f"X{i},X{i},CLB,{group},§ 108,20,2019-01-01,\n")
    with (folder / "noegletal.csv").open("a", encoding="utf-8") as handle:
        for i, value in enumerate([5.04, 6.0, 6.5, 4.0]):
            handle.write(f"X{i},{YEAR},lederevaluering,{value}\n")
        handle.write(f"C,{YEAR},lederevaluering,6.6\n")  # autisme: A, B, C = 3 managers
    ds2 = data.parse(folder)
    leaders = maal.leader_by_group(ds2, YEAR).set_index("maalgruppe")
    assert leaders.loc["synshandicap", "undertrykt"]  # one manager
    # Exactly one hidden group would be recoverable from the centre mean: a second one goes.
    assert int(leaders["undertrykt"].sum()) == 2
    assert not leaders.loc["Hele centret", "undertrykt"]
    shown = leaders.loc[~leaders["undertrykt"], "lederevaluering"]
    assert ((shown * 10).round(9) % 1 == 0).all()  # rounded to the one decimal shown
