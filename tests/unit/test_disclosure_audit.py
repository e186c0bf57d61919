"""Issue 9: complementary suppression over facility → group → centre, and the attacker's audit.

Planted small facilities (tests/disclosure_fixtures.py): one alone in its target group, two in
one group, one with 4 staff and 1 leaver, one that closes mid-year. The audit reads only the
artefacts; it must catch what the pages published before issue 9 and pass what they publish now.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from disclosure_fixtures import PLANTED, plant, write_artefacts

from statusrapport import config, data, demo, disclosure
from statusrapport.analysis import personaleomsaetning as personale
from statusrapport.analysis import tilbudsprofil as profil
from statusrapport.disclosure import audit, lp
from statusrapport.disclosure.protect import Quantity, protect
from statusrapport.disclosure.rounding import shown_precision
from statusrapport.errors import DisclosureError, ExitCode
from statusrapport.fmt import pct

YEAR = 2025


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planted") / "raw"
    demo.write_demo_data(folder, n_facilities=10, years=(YEAR - 2, YEAR))
    plant(folder, YEAR)
    return folder


# --- the linear programme --------------------------------------------------------------------


def test_interval_of_a_hidden_cell_from_a_total_and_its_visible_parts():
    s = lp.System()
    s.bound("a", 7, 7)
    s.total("sum", ["a", "b", "c"])
    s.bound("sum", 10, 10)
    assert s.interval("b") == pytest.approx((0.0, 3.0))
    s.bound("c", 3, 3)
    assert s.interval("b") == pytest.approx((0.0, 0.0), abs=1e-5)


def test_a_rate_pins_whole_numbers():
    """5/11 shown in full: with a group total of 6 leavers and 15 staff, the pair is found."""
    s = lp.System()
    for q, total in (("n", 6), ("d", 15)):
        s.total(("g", q), [("A", q), ("F", q)])
        s.bound(("g", q), total, total)
        s.var(("A", q), integer=True)
        s.var(("F", q), integer=True)
    s.ratio(("F", "n"), ("F", "d"), 5 / 11 - 1e-6, 5 / 11 + 1e-6)
    s.bound(("F", "d"), 1, math.inf)  # a rate is shown, so F has staff
    assert s.interval(("A", "n")) == pytest.approx((1.0, 1.0), abs=1e-5)
    assert s.interval(("A", "d")) == pytest.approx((4.0, 4.0), abs=1e-5)


def test_rounding_is_half_a_unit_of_the_last_decimal():
    assert lp.rounding("0.455") == pytest.approx(0.0005)
    assert lp.rounding("12") == 0.5
    assert lp.rounding("12.0") == pytest.approx(0.05)


# --- complementary suppression ---------------------------------------------------------------


def _facilities(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["tilbud_id", "maalgruppe", "fratraadte", "gns_ansatte"])


QUANTITIES = (Quantity("fratraadte", 5, integer=True), Quantity("gns_ansatte", 5))


def _protect(frame: pd.DataFrame):
    from statusrapport.disclosure.measures import turnover_small

    return protect(frame, quantities=QUANTITIES, small=turnover_small)


def test_a_facility_alone_in_its_group_hides_the_group_and_a_partner_group():
    frame = _facilities(
        [
            ("ALENE", "syn", 1, 4.0),
            ("A1", "aut", 10, 50.0),
            ("A2", "aut", 8, 40.0),
            ("S1", "soc", 12, 60.0),
            ("S2", "soc", 9, 45.0),
        ]
    )
    p = _protect(frame)
    assert "ALENE" in p.primary and "ALENE" in p.facilities
    assert "syn" in p.groups  # its group total is its own figure
    assert len(p.groups) >= 2  # else the centre minus the other groups gives it back
    other = next(iter(p.groups - {"syn"}))
    assert p.facilities & set(frame.loc[frame["maalgruppe"] == other, "tilbud_id"])


def test_two_small_facilities_in_a_group_get_a_large_partner():
    frame = _facilities(
        [
            ("P1", "hjr", 1, 3.0),
            ("P2", "hjr", 2, 4.0),
            ("H1", "hjr", 0, 30.0),
            ("H2", "hjr", 7, 35.0),
            ("S1", "soc", 12, 60.0),
        ]
    )
    p = _protect(frame)
    # P1 + P2 = 3 leavers: the group total minus H1, H2 would pin them to 0–3. H2 joins.
    assert {"P1", "P2", "H2"} <= p.facilities


def test_nothing_hidden_when_nothing_is_small():
    frame = _facilities([("A", "x", 6, 20.0), ("B", "x", 0, 30.0), ("C", "y", 7, 40.0)])
    p = _protect(frame)
    assert not p.facilities and not p.groups


def test_planted_facilities_are_hidden_everywhere_they_appear(planted: Path):
    ds = data.parse(planted)
    p = disclosure.turnover(ds, YEAR)
    assert set(PLANTED) <= p.primary
    complementary = p.facilities - p.primary
    assert complementary, "the planted cases need complementary suppression"
    facilities = personale.by_facility(ds, YEAR).set_index("tilbud_id")
    assert facilities.loc[sorted(p.facilities), "omsaetning"].isna().all()
    groups = personale.by_target_group(ds, YEAR).set_index("maalgruppe")
    assert groups.loc[sorted(p.groups), ["fratraadte", "gns_ansatte"]].isna().all().all()
    funnel = personale.funnel(ds, YEAR).table
    assert not set(funnel["tilbud_id"]) & p.facilities
    for tid in sorted(complementary):
        # A facility hidden only to protect another is hidden on its own page and history too.
        row = profil.comparison(ds, YEAR, tid).set_index("noegle").loc["personaleomsaetning"]
        assert pd.isna(row[profil.TILBUD]) and row["undertrykt"]
        history = profil.history(ds, YEAR, tid).set_index("aar")
        assert pd.isna(history.loc[YEAR, "omsaetning_tilbud"])


# --- the audit on artefacts ------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_root(planted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Today's artefacts for the planted year (written once; tests copy before changing)."""
    return write_artefacts(data.parse(planted), YEAR, tmp_path_factory.mktemp("new"))


@pytest.mark.slow  # writes every turnover/absence artefact of a year
def test_audit_catches_the_old_behaviour(planted: Path, tmp_path: Path):
    ds = data.parse(planted)
    root = write_artefacts(ds, YEAR, tmp_path / "old", old=True)
    result = audit.audit(root)
    assert not result.ok
    caught = {f.cell for f in result.findings}
    # Alone in its group (the group table shows its counts), and its group.
    assert {"ALENE", "synshandicap"} <= caught
    # The two small ones in one group: group total minus the visible facility gives 3 leavers.
    assert {"PAR1", "PAR2"} <= caught
    with pytest.raises(DisclosureError) as raised:
        audit.check(root)
    assert raised.value.exit_code == ExitCode.DISCLOSURE == 6
    message = str(raised.value)
    assert "ALENE (Planteret Alene)" in message
    assert "fig-personaleomsaetning-pr-maalgruppe.csv" in message
    assert "intet er publiceret" in message


@pytest.mark.slow  # writes every turnover/absence artefact of a year
def test_audit_passes_todays_artefacts(new_root: Path):
    root = new_root
    result = audit.audit(root)
    assert result.ok, result.summary()
    # The audit did look at the planted cells (it is not passing by reading nothing).
    assert result.checked >= len(PLANTED)
    figures = json.loads((root / "reports" / str(YEAR) / "noegletal.json").read_text())
    shown = figures["personaleomsaetning.procent_pr_tilbud"]
    assert all(shown[tid] is None for tid in PLANTED)


@pytest.mark.slow  # writes every turnover/absence artefact of a year
def test_audit_catches_a_leak_planted_into_todays_artefacts(
    planted: Path, new_root: Path, tmp_path: Path
):
    """Publishing one complementary facility's rate and counts again must stop the run."""
    ds = data.parse(planted)
    root = tmp_path / "leak"
    shutil.copytree(new_root, root)
    p = disclosure.turnover(ds, YEAR)
    partner = sorted(p.facilities - p.primary)[0]
    row = personale.rows(ds, YEAR).set_index("tilbud_id").loc[partner]
    path = root / "reports" / str(YEAR) / "tabeller" / "fig-tragt-personaleomsaetning.csv"
    table = pd.read_csv(path)
    leak = {
        "Tilbud": row["navn"],
        "Målgruppe": row["maalgruppe"],
        "Gns. antal ansatte": row["gns_ansatte"],
        "Fratrådte": row["fratraadte"],
        "Personaleomsætning": row["omsaetning"],
    }
    pd.concat([table, pd.DataFrame([leak])]).to_csv(path, index=False)
    assert not audit.audit(root).ok


# --- rounding to the precision shown ---------------------------------------------------------


def test_downloads_are_rounded_to_the_precision_on_the_page():
    frame = pd.DataFrame({"rate": [5 / 11, 0.1], "staff": [243.4, 12.0], "n": [1, 2]})
    out = shown_precision(frame, {"rate": pct, "staff": lambda v: f"{v:.0f}"}, str)
    assert out["rate"].tolist() == [0.455, 0.1]
    assert out["staff"].tolist() == [243, 12]  # whole numbers written without '.0'
    assert out["n"].tolist() == [1, 2]


def test_min_persons_is_the_protection_range():
    from statusrapport.disclosure.measures import turnover_quantities

    assert {q.width for q in turnover_quantities()} == {float(config.MIN_PERSONS)}


def test_run_charts_hide_the_months_of_hidden_facilities(planted: Path):
    from statusrapport.analysis import sygefravaer as fravaer

    ds = data.parse(planted)
    hidden = disclosure.absence(ds, YEAR).facilities
    assert hidden - disclosure.absence(ds, YEAR).primary  # complementary ones exist
    points = fravaer.run_charts(ds, YEAR).points
    this_year = points.loc[(points["dato"].dt.year == YEAR) & points["tilbud_id"].isin(hidden)]
    assert len(this_year) and this_year["fravaersprocent"].isna().all()
