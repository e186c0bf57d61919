"""Disclosure control: nothing published about fewer than MIN_PERSONS persons."""

import pandas as pd

from statusrapport import config, disclosure


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tilbud": ["A", "B", "C", "D", "E"],
            "center": ["x", "x", "x", "y", "y"],
            "fratraadte": [3, 0, 12, 6, 7],
            "gns_ansatte": [40.0, 4.0, 60.0, 30.0, 35.0],
            "procent": [0.075, 0.0, 0.2, 0.2, 0.2],
        }
    )


def test_primary_suppression_of_small_numerators_and_denominators():
    out = disclosure.suppress(
        frame(), columns=["procent"], numerators=["fratraadte"], denominators=["gns_ansatte"]
    )
    # A: 3 leavers (1–4) → hidden; B: 0 leavers but only 4 staff → hidden; C–E shown.
    assert out["undertrykt"].tolist() == [True, True, False, False, False]
    assert out["procent"].isna().tolist() == [True, True, False, False, False]
    assert disclosure.n_suppressed(out) == 2
    assert frame()["procent"].notna().all()  # the input is not modified


def test_zero_count_is_not_disclosive_when_population_is_large():
    data = pd.DataFrame({"n": [0, 5], "pop": [50, 50], "v": [0.0, 0.1]})
    out = disclosure.suppress(data, columns=["v"], numerators=["n"], denominators=["pop"])
    assert out["undertrykt"].tolist() == [False, False]


def test_complementary_suppression_in_groups_with_a_single_hidden_cell():
    data = frame()
    data.loc[3, "fratraadte"] = 2  # D becomes the only hidden cell of centre y
    out = disclosure.suppress(
        data,
        columns=["procent"],
        numerators=["fratraadte"],
        denominators=["gns_ansatte"],
        group_by=["center"],
    )
    # Centre x already has two hidden cells (A, B); centre y loses E as well.
    assert out["undertrykt"].tolist() == [True, True, False, True, True]


def test_threshold_is_configurable():
    out = disclosure.suppress(
        frame(), columns=["procent"], numerators=["fratraadte"], min_persons=8
    )
    assert out["undertrykt"].tolist() == [True, False, False, True, True]
    assert config.MIN_PERSONS == 5
