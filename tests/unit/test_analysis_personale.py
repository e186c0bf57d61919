"""Staff turnover: hand-computed rates on small frames, disclosure control, model, smoke test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_contract

from statusrapport import data, fmt
from statusrapport.analysis import personale


def write_dataset(
    folder: Path,
    tilbud: list[dict[str, object]],
    personale_rows: list[dict[str, object]],
    fravaer_rows: list[dict[str, object]] | None = None,
) -> data.Dataset:
    """Write a minimal contract folder (other files header-only) and parse it."""
    return write_contract(
        folder, {"tilbud": tilbud, "personale": personale_rows, "fravaer": fravaer_rows or []}
    )


def facility(tilbud_id: str, maalgruppe: str) -> dict[str, object]:
    return {
        "tilbud_id": tilbud_id,
        "navn": f"Tilbud {tilbud_id}",
        "center": "Center for Længerevarende Boformer",
        "maalgruppe": maalgruppe,
        "paragraf": "§ 108",
        "pladser": 20,
        "aktiv_fra": "2019-01-01",
        "aktiv_til": "",
    }


def staff(tilbud_id: str, aar: int, gns: float, leavers: int) -> dict[str, object]:
    return {
        "tilbud_id": tilbud_id,
        "aar": aar,
        "gns_ansatte": gns,
        "fratraadte": leavers,
        "nyansatte": leavers,
    }


@pytest.fixture
def small(tmp_path: Path) -> data.Dataset:
    """A (socialpsykiatri) 50 staff; B (autisme) 20 staff with 3 leavers; C (autisme) 30 staff."""
    tilbud = [facility("A", "socialpsykiatri"), facility("B", "autisme"), facility("C", "autisme")]
    rows = [
        staff("A", 2024, 50, 5),
        staff("B", 2024, 20, 6),
        staff("C", 2024, 30, 9),
        staff("A", 2025, 50, 10),
        staff("B", 2025, 20, 3),
        staff("C", 2025, 30, 9),
    ]
    return write_dataset(tmp_path / "small", tilbud, rows)


def test_total_is_sum_over_sum(small: data.Dataset) -> None:
    kf = personale.key_figures(small, 2025)
    assert kf["personaleomsaetning.procent_samlet"] == pytest.approx(22 / 100)
    assert kf["personaleomsaetning.procent_samlet"] != pytest.approx(
        (10 / 50 + 3 / 20 + 9 / 30) / 3
    )
    assert kf["personaleomsaetning.procent_forrige_aar"] == pytest.approx(20 / 100)
    assert kf["personaleomsaetning.antal_fratraadte"] == 22
    assert kf["personaleomsaetning.gns_ansatte"] == pytest.approx(100)
    assert kf["personaleomsaetning.procent_pr_maalgruppe"] == pytest.approx(
        {"socialpsykiatri": 10 / 50, "autisme": 12 / 50}
    )
    json.dumps(kf)


def test_facility_with_three_leavers_is_suppressed(small: data.Dataset) -> None:
    kf = personale.key_figures(small, 2025)["personaleomsaetning.procent_pr_tilbud"]
    assert kf["B"] is None  # 3 leavers
    assert kf["C"] is None  # complementary: the autisme total is published
    assert kf["A"] == pytest.approx(0.2)  # alone in its target group, 10 leavers
    facilities = personale.by_facility(small, 2025)
    assert int(facilities["undertrykt"].sum()) == 2


def test_zero_leavers_is_shown_but_tiny_staff_is_not(tmp_path: Path) -> None:
    tilbud = [facility("A", "autisme"), facility("B", "hjerneskade"), facility("C", "hjerneskade")]
    rows = [staff("A", 2025, 40, 0), staff("B", 2025, 4, 0), staff("C", 2025, 40, 8)]
    ds = write_dataset(tmp_path / "zero", tilbud, rows)
    kf = personale.key_figures(ds, 2025)["personaleomsaetning.procent_pr_tilbud"]
    assert kf["A"] == 0.0  # zero leavers concerns nobody
    assert kf["B"] is None  # fewer than 5 staff
    assert kf["C"] is None  # complementary within hjerneskade


def test_by_target_group_change(small: data.Dataset) -> None:
    groups = personale.by_target_group(small, 2025).set_index("maalgruppe")
    assert groups.loc["autisme", "omsaetning"] == pytest.approx(12 / 50)
    assert groups.loc["autisme", "omsaetning_forrige"] == pytest.approx(15 / 50)
    assert groups.loc["autisme", "aendring_procentpoint"] == pytest.approx(-6.0)
    assert groups.loc["socialpsykiatri", "aendring_procentpoint"] == pytest.approx(10.0)


def test_model_compares_each_group_with_the_rest_of_the_centre(tmp_path: Path) -> None:
    # Socialpsykiatri has exactly twice the turnover of autisme in both years, so against the
    # rest of the centre the rate ratios are 2 and 0.5, and 1 per year.
    tilbud = [
        facility("S1", "socialpsykiatri"),
        facility("S2", "socialpsykiatri"),
        facility("A1", "autisme"),
        facility("A2", "autisme"),
    ]
    rows = []
    for year in (2024, 2025):
        rows += [
            staff("S1", year, 50, 19),
            staff("S2", year, 50, 21),
            staff("A1", year, 50, 9),
            staff("A2", year, 50, 11),
        ]
    ds = write_dataset(tmp_path / "glm", tilbud, rows)
    result = personale.model(ds, 2025)
    table = result.table.set_index("label")
    label = "Målgruppe: socialpsykiatri (sammenlignet med resten af centret)"
    assert table.loc[label, "forhold"] == pytest.approx(2.0, rel=1e-6)
    other = "Målgruppe: autisme (sammenlignet med resten af centret)"
    assert table.loc[other, "forhold"] == pytest.approx(0.5, rel=1e-6)
    assert table.loc["Ændring pr. år", "forhold"] == pytest.approx(1.0, abs=1e-6)
    text = dict(zip(["autisme", "socialpsykiatri"], result.saetninger[:2], strict=True))
    assert text["socialpsykiatri"].startswith(
        "Tilbud for socialpsykiatri har en personaleomsætning, der er 2,0 gange så høj som "
        "resten af centret"
    )
    # Two facilities per group: no claim about chance either way.
    for sentence in result.saetninger[:2]:
        assert "Med kun 2 tilbud i målgruppen kan det ikke vurderes" in sentence
        assert "større, end tilfældig variation" not in sentence
    assert (result.first_year, result.last_year) == (2024, 2025)


def test_association_slope(tmp_path: Path) -> None:
    # Turnover = 0.10 + 2 × absence rate exactly, so the slope is 2 (points per point).
    tilbud = [facility(f"T{i}", "autisme") for i in range(4)]
    absence = [0.04, 0.05, 0.06, 0.08]
    staff_rows, absence_rows = [], []
    for i, rate in enumerate(absence):
        staff_rows.append(staff(f"T{i}", 2025, 100, round((0.10 + 2 * rate) * 100)))
        for m in range(1, 13):
            absence_rows.append(
                {
                    "tilbud_id": f"T{i}",
                    "maaned": f"2025-{m:02d}",
                    "faggruppe": "pædagogisk personale",
                    "fuldtidsstillinger": 50,
                    "mulige_dagsvaerk": 1000,
                    "sygefravaer_dagsvaerk": rate * 1000,
                    "langtidssygefravaer_dagsvaerk": 0,
                }
            )
    ds = write_dataset(tmp_path / "assoc", tilbud, staff_rows, absence_rows)
    kf = personale.key_figures(ds, 2025)
    assert kf["personaleomsaetning.sammenhaeng_fravaer_haeldning"] == pytest.approx(2.0)
    low, high = kf["personaleomsaetning.sammenhaeng_fravaer_haeldning_ci"]
    assert low <= 2.0 + 1e-9 and high >= 2.0 - 1e-9
    result = personale.association(ds, 2025)
    assert result is not None
    assert len(result.band) == 100
    # Four facilities: the text makes no claim that the association exceeds chance.
    text = personale.association_text(result)
    assert "Med kun 4 tilbud kan det ikke vurderes" in text
    assert "større, end tilfældig variation" not in text


def test_funnel_uses_rate_kind_and_hides_suppressed(small: data.Dataset) -> None:
    result = personale.funnel(small, 2025)
    assert set(result.table["tilbud_id"]) == {"A"}  # B and C are hidden
    assert result.n_hidden == 2
    assert result.target == pytest.approx(22 / 100)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statusrapport.demo import write_demo_data

    folder = tmp_path_factory.mktemp("demo")
    write_demo_data(folder, seed=2025, years=(2019, 2025), n_facilities=36)
    return folder


def test_scatter_hides_the_same_facilities_as_the_tables(tmp_path: Path) -> None:
    # T0 has 3 leavers (hidden); one more autisme facility is hidden so that T0 cannot be
    # derived from the published target-group total. The scatter must hide both.
    tilbud = [facility(f"T{i}", "autisme") for i in range(4)]
    staff_rows = [staff("T0", 2025, 40, 3)] + [
        staff(f"T{i}", 2025, 40 + i, 8 + i) for i in (1, 2, 3)
    ]
    absence_rows = [
        {
            "tilbud_id": f"T{i}",
            "maaned": "2025-01",
            "faggruppe": "pædagogisk personale",
            "fuldtidsstillinger": 30,
            "mulige_dagsvaerk": 600,
            "sygefravaer_dagsvaerk": 30 + 5 * i,
            "langtidssygefravaer_dagsvaerk": 0,
        }
        for i in range(4)
    ]
    ds = write_dataset(tmp_path / "scatter", tilbud, staff_rows, absence_rows)
    points = personale.with_absence(ds, 2025).set_index("tilbud_id")
    assert bool(points.loc["T0", "undertrykt"])
    assert int(points["undertrykt"].sum()) == 2
    assert set(points.index[points["undertrykt"]]) == set(
        personale.by_facility(ds, 2025).query("undertrykt")["tilbud_id"]
    )
    assert personale.association(ds, 2025) is not None  # all four still enter the line


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (1.10, f"relativt 10{fmt.NBSP}% højere end resten af centret"),
        (0.85, f"relativt 15{fmt.NBSP}% lavere end resten af centret"),
        (2.1, "2,1 gange så høj som resten af centret"),
        (1.002, "på niveau med resten af centret"),
    ],
)
def test_ratio_words_say_relative_not_percentage_points(ratio: float, expected: str) -> None:
    assert personale._ratio_words(ratio, "resten af centret") == expected
