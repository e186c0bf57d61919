"""Follow-up of the bostedsundersøgelse on a hand-made plan with known moves."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from statusrapport import config, data
from statusrapport.analysis import bosted

S = config.STATUSSER  # lowest first
UNDER, DELV_PLAN, PLAN, DELV_IMOE, IMOE = S


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows as the loader types them: ordered status, empty comments as ''."""
    frame = pd.DataFrame(rows, columns=list(config.FILES["bostedsundersoegelse"]))
    frame["aar"] = frame["aar"].astype("int64")
    frame["status"] = pd.Categorical(frame["status"], categories=list(S), ordered=True)
    frame["kommentar"] = frame["kommentar"].fillna("")
    return frame


def _plan() -> pd.DataFrame:
    """Four recommendations in two areas, status 2008 (real), 2023 and 2024 (fictive).

    R1 under overvejelse → planlagt → imødekommet (up 4, reaches the top)
    R2 planlagt → delvist imødekommet → delvist planlagt (up then back: net down 1)
    R3 imødekommet throughout (unchanged)
    R4 delvist planlagt → delvist planlagt → planlagt (up 1)
    """
    history = {
        ("R1", "visitation", "Ensartet visitation"): (UNDER, PLAN, IMOE),
        ("R2", "visitation", "Handleplaner"): (PLAN, DELV_IMOE, DELV_PLAN),
        ("R3", "dagtilbud", "Flere dagtilbud"): (IMOE, IMOE, IMOE),
        ("R4", "dagtilbud", "Aktiv hverdag"): (DELV_PLAN, DELV_PLAN, PLAN),
    }
    rows = []
    for (rid, area, text), statuses in history.items():
        for year, status in zip((2008, 2023, 2024), statuses, strict=True):
            comment = (
                "Sat i bero efter budgetforhandlingerne" if (rid, year) == ("R2", 2024) else None
            )
            rows.append((rid, area, text, year, status, comment, "nej" if year == 2008 else "ja"))
    return _frame(rows)


def test_status_year_falls_back_to_latest_earlier_year() -> None:
    plan = _plan()
    assert bosted.status_year(plan, 2024) == 2024
    assert bosted.status_year(plan, 2025) == 2024
    assert bosted.year_note(plan, 2024) == ""
    assert "ingen statusopgørelse for 2025" in bosted.year_note(plan, 2025)
    assert "fra 2024" in bosted.year_note(plan, 2025)
    with pytest.raises(ValueError):
        bosted.status_year(plan, 2007)


def test_status_by_area_keeps_plan_order_and_all_statuses() -> None:
    table = bosted.status_by_area(_plan(), 2024).set_index("Område")
    assert list(table.index) == ["Visitation", "Dagtilbud"]  # plan order, not alphabetical
    assert list(table.columns) == [*S, "I alt"]
    assert table.loc["Visitation", IMOE] == 1
    assert table.loc["Visitation", DELV_PLAN] == 1
    assert table.loc["Dagtilbud", PLAN] == 1
    assert table.loc["Dagtilbud", UNDER] == 0
    assert table["I alt"].sum() == 4


def test_status_counts_first_and_current_year() -> None:
    counts = bosted.status_counts(_plan(), 2024).set_index("Status")
    assert list(counts.columns) == ["2008", "2024"]
    assert counts["2008"].to_dict() == {UNDER: 1, DELV_PLAN: 1, PLAN: 1, DELV_IMOE: 0, IMOE: 1}
    assert counts["2024"].to_dict() == {UNDER: 0, DELV_PLAN: 1, PLAN: 1, DELV_IMOE: 0, IMOE: 2}


def test_progress_counts_up_down_and_setbacks() -> None:
    prog = bosted.progress(_plan(), 2024)
    assert (prog.first_year, prog.year, prog.n) == (2008, 2024, 4)
    assert prog.n_up == 2  # R1, R4
    assert prog.n_down == 1  # R2 net below its 2008 status
    assert prog.n_unchanged == 1  # R3
    assert prog.n_met == 2
    assert prog.n_reached_met == 1  # R1 only; R3 was met already in 2008
    assert prog.share_met == pytest.approx(0.5)
    assert prog.n_areas == 2
    table = prog.table.set_index("anbefaling_id")
    assert table.loc["R1", "Ændring (trin)"] == 4
    assert table.loc["R2", "Udvikling"] == "rykket tilbage"
    assert len(prog.setbacks) == 1
    setback = prog.setbacks.iloc[0]
    assert (setback["anbefaling_id"], setback["År"]) == ("R2", 2024)
    assert (setback["Fra status"], setback["Til status"]) == (DELV_IMOE, DELV_PLAN)
    assert setback["Kommentar"] == "Sat i bero efter budgetforhandlingerne"


def test_setback_in_the_past_is_counted_even_if_recovered() -> None:
    """A move down between two earlier years stays a setback when the year is later."""
    plan = _plan()
    extra = _frame(
        [
            (rid, area, text, 2025, IMOE if rid == "R2" else status, None, "ja")
            for rid, area, text, status in plan[plan["aar"] == 2024][
                ["anbefaling_id", "omraade", "anbefaling", "status"]
            ].itertuples(index=False)
        ]
    )
    plan = pd.concat([plan, extra], ignore_index=True)
    prog = bosted.progress(plan, 2025)
    assert prog.n_down == 0 and prog.n_up == 3
    assert list(prog.setbacks["anbefaling_id"]) == ["R2"]
    # …but a report for 2023 does not see the later setback
    assert bosted.progress(plan, 2023).setbacks.empty


def test_not_met_lists_everything_below_the_top() -> None:
    table = bosted.not_met(_plan(), 2024)
    assert list(table["anbefaling_id"]) == ["R2", "R4"]  # lowest status first
    assert list(table["Status"]) == [DELV_PLAN, PLAN]
    assert list(table["Område"]) == ["Visitation", "Dagtilbud"]
    assert bosted.areas(_plan()) == ["visitation", "dagtilbud"]


def test_overview_has_first_and_current_status_with_comment() -> None:
    table = bosted.overview(_plan(), 2024).set_index("anbefaling_id")
    assert table.loc["R1", "Første status"] == UNDER
    assert table.loc["R1", "Nuværende status"] == IMOE
    assert table.loc["R2", "Kommentar"].startswith("Sat i bero")


def test_fictive_note_names_the_fictive_years() -> None:
    note = bosted.fictive_note(_plan(), 2024)
    assert "2023–2024 er fiktive" in note and "2008" in note
    real = _plan().assign(fiktiv="nej")
    assert bosted.fictive_note(real, 2024) == ""


def test_other_plans_fit_the_same_model() -> None:
    """The 2019 handicap action plan: four themes, one status year, another status scale."""
    scale = ("ikke påbegyndt", "i gang", "gennemført")
    rows = [
        ("H1", "Bolig", "Flere boliger", 2019, "i gang", "", "nej"),
        ("H2", "Beskæftigelse", "Flere i job", 2019, "gennemført", "", "nej"),
        ("H3", "Tilgængelighed", "Adgang til byen", 2019, "ikke påbegyndt", "", "nej"),
        ("H4", "Sundhed", "Bedre sundhed", 2019, "i gang", "", "nej"),
    ]
    plan = pd.DataFrame(rows, columns=list(config.FILES["bostedsundersoegelse"]))
    table = bosted.status_by_area(plan, 2019, scale)
    assert list(table.columns) == ["Område", *scale, "I alt"]
    assert len(table) == 4
    prog = bosted.progress(plan, 2019, scale)
    assert (prog.n, prog.n_up, prog.n_met) == (4, 0, 1)
    assert list(bosted.not_met(plan, 2019, scale)["anbefaling_id"]) == ["H3", "H1", "H4"]


def test_unknown_status_is_rejected() -> None:
    plan = _plan()
    plan["status"] = plan["status"].astype(str)
    plan.loc[0, "status"] = "halvt færdig"
    with pytest.raises(ValueError, match="Ukendt status"):
        bosted.progress(plan, 2024)


def test_key_figures_from_parsed_csv(tmp_path: Path) -> None:
    for key, cols in config.FILES.items():
        pd.DataFrame(columns=list(cols)).to_csv(tmp_path / f"{key}.csv", index=False)
    raw = _plan()
    raw["kommentar"] = raw["kommentar"].replace("", None)
    raw.to_csv(tmp_path / "bostedsundersoegelse.csv", index=False)
    ds = data.parse(tmp_path)
    kf = bosted.key_figures(ds, 2024)
    assert kf["bostedsundersoegelse.antal_pr_status"] == {
        UNDER: 0,
        DELV_PLAN: 1,
        PLAN: 1,
        DELV_IMOE: 0,
        IMOE: 2,
    }
    assert kf["bostedsundersoegelse.antal_anbefalinger"] == 4
    assert kf["bostedsundersoegelse.antal_rykket_op_siden_2008"] == 2
    assert kf["bostedsundersoegelse.andel_imoedekommet"] == pytest.approx(0.5)
    assert kf["bostedsundersoegelse.statusaar"] == 2024
