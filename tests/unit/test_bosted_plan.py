"""The 2008 bostedsundersøgelse is one configured plan (issue 22: one follow-up model): its page
and its ``bostedsundersoegelse.*`` key figures come from the plan model, on a hand-made plan
with known moves (the tests of the retired ``analysis/bosted.py``, kept)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from statusrapport import config, data, pages, planer
from statusrapport.analysis import opfoelgning

BOSTED = planer.BY_ID["bostedsundersoegelse"]
S = BOSTED.trin  # lowest first
UNDER, DELV_PLAN, PLAN, DELV_IMOE, IMOE = S


def _raw() -> pd.DataFrame:
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
    return pd.DataFrame(rows, columns=list(config.FILES["bostedsundersoegelse"]))


def _frame(raw: pd.DataFrame | None = None) -> pd.DataFrame:
    return opfoelgning.normalise(BOSTED, _raw() if raw is None else raw)


def test_the_bostedsundersoegelse_is_a_configured_plan_with_one_page() -> None:
    assert BOSTED.startaar == 2008 and BOSTED.punkt_navn == ("anbefaling", "anbefalinger")
    assert pages.plan_page(BOSTED.id) == "bostedsundersoegelse.ipynb"  # the year page
    assert pages.plan_page("handicappolitik") == "opfoelgning/handicappolitik.ipynb"


def test_stage_counts_first_and_current_year() -> None:
    counts = opfoelgning.stage_counts(BOSTED, _frame(), 2024).set_index("Status")
    assert list(counts.columns) == ["2008", "2024"]
    assert counts["2008"].to_dict() == {UNDER: 1, DELV_PLAN: 1, PLAN: 1, DELV_IMOE: 0, IMOE: 1}
    assert counts["2024"].to_dict() == {UNDER: 0, DELV_PLAN: 1, PLAN: 1, DELV_IMOE: 0, IMOE: 2}


def test_progress_counts_up_down_and_setbacks() -> None:
    f = opfoelgning.follow_up(BOSTED, _frame(), 2024)
    assert (f.first_year, f.year, f.n, f.n_themes) == (2008, 2024, 4, 2)
    assert (f.n_up, f.n_down, f.n_unchanged, f.n_top) == (2, 1, 1, 2)
    assert f.share_top == pytest.approx(0.5)
    table = f.table.set_index("punkt_id")
    assert table.loc["R2", "Udvikling"] == "rykket tilbage"
    assert table.loc["R1", "Første status"] == f"{UNDER} (2008)"
    assert list(f.setbacks["punkt_id"]) == ["R2"]
    setback = f.setbacks.iloc[0]
    assert (setback["År"], setback["Fra"], setback["Til"]) == (2024, DELV_IMOE, DELV_PLAN)
    assert setback["Begrundelse"] == "Sat i bero efter budgetforhandlingerne"


def test_setback_in_the_past_is_counted_even_if_recovered() -> None:
    raw = _raw()
    later = raw[raw["aar"] == 2024].copy()
    later["aar"] = 2025
    later.loc[later["anbefaling_id"] == "R2", "status"] = IMOE
    later["kommentar"] = None
    frame = _frame(pd.concat([raw, later], ignore_index=True))
    f = opfoelgning.follow_up(BOSTED, frame, 2025)
    assert f.n_down == 0 and f.n_up == 3
    assert list(f.setbacks["punkt_id"]) == ["R2"]
    assert opfoelgning.follow_up(BOSTED, frame, 2023).setbacks.empty


def test_key_figures_keep_their_names_and_meaning(tmp_path: Path) -> None:
    for key, cols in config.FILES.items():
        pd.DataFrame(columns=list(cols)).to_csv(tmp_path / f"{key}.csv", index=False)
    _raw().to_csv(tmp_path / "bostedsundersoegelse.csv", index=False)
    kf = opfoelgning.key_figures(data.parse(tmp_path), 2024)
    assert kf["bostedsundersoegelse.antal_pr_status"] == {
        UNDER: 0,
        DELV_PLAN: 1,
        PLAN: 1,
        DELV_IMOE: 0,
        IMOE: 2,
    }
    assert kf["bostedsundersoegelse.antal_anbefalinger"] == 4
    assert kf["bostedsundersoegelse.antal_rykket_op_siden_2008"] == 2
    assert kf["bostedsundersoegelse.antal_tilbageskridt"] == 1
    assert kf["bostedsundersoegelse.andel_imoedekommet"] == pytest.approx(0.5)
    assert kf["bostedsundersoegelse.statusaar"] == 2024
    assert kf["opfoelgning.pr_plan"]["bostedsundersoegelse"]["rykket_op"] == 2
    before = opfoelgning.key_figures(data.parse(tmp_path), 2007)
    assert before["bostedsundersoegelse.statusaar"] is None
    assert before["bostedsundersoegelse.antal_anbefalinger"] == 0
