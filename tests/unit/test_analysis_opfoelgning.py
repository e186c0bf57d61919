"""The follow-up model on both plans: the 2008 bostedsundersøgelse and the 2019 action plan."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from statusrapport import config, contract, demo, demo_handicapplan, planer
from statusrapport.analysis import opfoelgning
from statusrapport.validation.reading import read_table
from statusrapport.validation.rules import plan_statuses

BOSTED = planer.BY_ID["bostedsundersoegelse"]
HANDICAP = planer.BY_ID["handicappolitik"]
N_ITEMS = len(demo_handicapplan.INDSATSER)
SEED_THEMES = [
    "Det gode liv",
    "Deltagelse",
    "Dagtilbud, skole, uddannelse og beskæftigelse",
    "Netværk",
]


def _plan(**changes: object) -> planer.Plan:
    """A small plan with the action plan's stages (``trin=()`` for one with texts only)."""
    values: dict[str, object] = {
        "id": "testplan",
        "titel": "Testplan",
        "fil": "opfoelgning_test",
        "startaar": 2019,
        "trin": planer.INDSATS_TRIN,
    }
    values.update(changes)
    return planer.Plan(**values)  # type: ignore[arg-type]


def _frame(plan: planer.Plan, rows: list[tuple[str, str, int, str, str]]) -> pd.DataFrame:
    """Rows of (tema, punkt_id, aar, status, statustekst) as the common frame."""
    raw = pd.DataFrame(
        [
            {
                "tema": t,
                "punkt_id": i,
                "punkt": f"Punkt {i}",
                "formaal": "",
                "aar": y,
                "status": s,
                "statustekst": x,
                "fiktiv": "nej" if y == plan.startaar else "ja",
            }
            for t, i, y, s, x in rows
        ]
    )
    return opfoelgning.normalise(plan, raw)


@pytest.fixture(scope="module")
def handicap() -> pd.DataFrame:
    return opfoelgning.normalise(HANDICAP, demo._handicapplan((2019, 2025), 2025))


@pytest.fixture(scope="module")
def bosted_raw() -> pd.DataFrame:
    return demo._bostedsundersoegelse((2019, 2025), 2025)


# --- the action plan: themes, items and 2019 statuses from the seed ---------------------------


def test_action_plan_2019_is_the_seed_and_later_years_are_fictive(handicap: pd.DataFrame) -> None:
    first = handicap[handicap["aar"] == 2019]
    assert list(dict.fromkeys(first["tema"])) == SEED_THEMES
    assert len(first) == len(demo_handicapplan.INDSATSER) == first["punkt_id"].nunique()
    assert not first["fiktiv"].any()
    assert handicap.loc[handicap["aar"] > 2019, "fiktiv"].all()
    g06 = first.set_index("punkt_id").loc["G06"]
    assert "ikke prioriteret til budgetforliget 2019" in g06["statustekst"]
    assert g06["status"] == "ikke igangsat"


def test_action_plan_follow_up_2025(handicap: pd.DataFrame) -> None:
    f = opfoelgning.follow_up(HANDICAP, handicap, 2025)
    assert (f.first_year, f.year, f.n, f.n_themes) == (2019, 2025, N_ITEMS, 4)
    assert f.n_up + f.n_down + f.n_unchanged == f.n_with_status
    # the demo leaves an item or two out in the latest year
    assert f.n_without == len(f.without_status) >= 1
    assert set(f.without_status["punkt_id"]) <= set(f.table["punkt_id"])
    assert list(f.by_theme["Tema"]) == SEED_THEMES
    assert f.by_theme["I alt"].sum() == f.n
    assert list(f.by_theme.columns[1:-1]) == [*planer.INDSATS_TRIN, opfoelgning.UDEN_STATUS]
    assert len(f.setbacks) >= 1
    assert f.setbacks["Begrundelse"].str.startswith("Fiktiv status").all()
    assert opfoelgning.fictive_note(handicap, 2025).endswith("Kun statusserne fra 2019 er reelle.")


def test_action_plan_in_its_start_year_has_no_change(handicap: pd.DataFrame) -> None:
    f = opfoelgning.follow_up(HANDICAP, handicap, 2019)
    no_stage = [i.punkt_id for i in demo_handicapplan.INDSATSER if not i.status_2019]
    assert no_stage == ["G15"]  # the status 2019 names only who reported it
    assert (f.n_up, f.n_down, f.n_unchanged) == (0, 0, N_ITEMS - 1)
    assert list(f.without_status["punkt_id"]) == no_stage
    assert list(f.without_status["Seneste status"]) == ["ingen"]
    assert f.setbacks.empty
    assert opfoelgning.fictive_note(handicap, 2019) == ""


# --- definitions, on small hand-made plans -------------------------------------------------------


def test_setback_is_listed_with_its_reason_and_net_change_counts() -> None:
    plan = _plan()
    frame = _frame(
        plan,
        [
            ("A", "P1", 2019, "planlagt", "start"),
            ("A", "P1", 2020, "i gang", ""),
            ("A", "P1", 2021, "planlagt", "Sat i bero"),
            ("B", "P2", 2019, "i gang", ""),
            ("B", "P2", 2021, "i drift eller afsluttet", "færdig"),
        ],
    )
    f = opfoelgning.follow_up(plan, frame, 2021)
    assert (f.n_up, f.n_down, f.n_unchanged, f.n_top) == (1, 0, 1, 1)
    assert f.setbacks[["punkt_id", "År", "Fra", "Til", "Begrundelse"]].values.tolist() == [
        ["P1", 2021, "i gang", "planlagt", "Sat i bero"]
    ]
    assert list(f.table["Udvikling"]) == ["uændret", "rykket op"]
    assert list(f.table["Første status"]) == ["planlagt (2019)", "i gang (2019)"]


def test_items_without_status_in_the_status_year() -> None:
    plan = _plan()
    frame = _frame(
        plan,
        [
            ("A", "P1", 2019, "planlagt", ""),
            ("A", "P1", 2022, "i gang", ""),
            ("A", "P2", 2019, "i gang", ""),  # no row in 2022
            ("B", "P3", 2019, "", ""),
            ("B", "P3", 2022, "", "tekst uden trin"),  # a row without a stage
        ],
    )
    f = opfoelgning.follow_up(plan, frame, 2022)
    assert f.n_with_status == 1 and f.n_without == 2
    assert f.without_status[["punkt_id", "Seneste status"]].values.tolist() == [
        ["P2", "i gang (2019)"],
        ["P3", "ingen"],
    ]
    assert list(f.table["Status 2022"]) == ["i gang", "uden status", "uden status"]
    assert (f.n_up, f.n_down, f.n_unchanged) == (1, 0, 0)


def test_status_year_falls_back_to_the_latest_earlier_one() -> None:
    plan = _plan()
    frame = _frame(plan, [("A", "P1", 2019, "planlagt", ""), ("A", "P1", 2021, "i gang", "")])
    assert opfoelgning.follow_up(plan, frame, 2023).year == 2021
    assert "som er fra 2021" in opfoelgning.year_note(frame, 2023)
    assert opfoelgning.year_note(frame, 2021) == ""
    with pytest.raises(ValueError, match="ingen statusopgørelse i 2018"):
        opfoelgning.follow_up(plan, frame, 2018)


def test_plan_without_stages_counts_only_items_with_a_status_text() -> None:
    plan = _plan(trin=())
    frame = _frame(
        plan,
        [("A", "P1", 2019, "", "i gang"), ("A", "P2", 2019, "", ""), ("A", "P1", 2020, "", "")],
    )
    f = opfoelgning.follow_up(plan, frame, 2020)
    assert (f.n_up, f.n_down, f.n_top, f.share_top) == (None, None, None, None)
    assert f.n_without == 2 and f.setbacks.empty
    assert list(f.by_theme.columns) == ["Tema", "med status", "uden status", "I alt"]
    assert f.without_status["Seneste status"].tolist() == ["statustekst fra 2019", "ingen"]


def test_unknown_stage_is_an_error_naming_the_plan() -> None:
    plan = _plan()
    frame = _frame(plan, [("A", "P1", 2019, "færdig", "")])
    with pytest.raises(ValueError, match="testplan: færdig"):
        opfoelgning.follow_up(plan, frame, 2019)


def test_overview_has_one_row_per_plan(handicap: pd.DataFrame, bosted_raw: pd.DataFrame) -> None:
    late = _plan(startaar=2030)
    frames = {
        BOSTED: opfoelgning.normalise(BOSTED, bosted_raw),
        HANDICAP: handicap,
        late: _frame(late, [("A", "P1", 2030, "planlagt", "")]),
    }
    table = opfoelgning.overview(frames, 2025)
    assert list(table["plan_id"]) == ["bostedsundersoegelse", "handicappolitik", "testplan"]
    row = table.set_index("plan_id").loc["handicappolitik"]
    f = opfoelgning.follow_up(HANDICAP, handicap, 2025)
    assert (row["Punkter"], row["Statusår"], row["Uden status"]) == (N_ITEMS, 2025, f.n_without)
    assert pd.isna(table.set_index("plan_id").loc["testplan", "Statusår"])


# --- the contract and the per-plan validation rule ------------------------------------------


def test_every_plan_has_a_contract_file_and_the_registry_is_consistent() -> None:
    assert len({p.id for p in planer.PLANER}) == len(planer.PLANER)
    for plan in planer.PLANER:
        spec = contract.BY_NAME[plan.fil]
        if plan.egen_kontrakt:
            assert spec.column_names == planer.KOLONNER and spec.suite_name == "opfoelgning"
        else:
            assert {plan.fil_kolonne(c) for c in planer.KOLONNER} - {None} <= set(spec.column_names)
    assert contract.STATUSSER == BOSTED.trin == config.STATUSSER


def test_rule_rejects_unknown_stage_early_year_and_unexplained_setback(tmp_path: Path) -> None:
    path = tmp_path / f"{HANDICAP.fil}.csv"
    rows = [
        ("A", "P1", "x", "", 2019, "i gang", "", "nej"),
        ("A", "P1", "x", "", 2020, "planlagt", "", "ja"),  # back without a reason
        ("A", "P2", "x", "", 2018, "i gang", "", "ja"),  # before the plan's start
        ("A", "P2", "x", "", 2020, "færdig", "", "ja"),  # not a stage of the plan
    ]
    pd.DataFrame(rows, columns=list(planer.KOLONNER)).to_csv(path, index=False)
    table, findings = read_table(path, HANDICAP.fil, tmp_path)
    assert table is not None and not [f for f in findings if f.is_error]
    checks = {c.rule: c for c in plan_statuses({HANDICAP.fil: table}, 2020, datetime.date.today())}
    assert not checks["planens_trin"].passed and checks["planens_trin"].examples == [
        (5, '"færdig"')
    ]
    assert not checks["efter_planens_start"].passed and checks["efter_planens_start"].n_bad == 1
    back = checks["tilbagegang_forklaret"]
    assert not back.passed and back.examples == [(3, "P1 2020: i gang → planlagt")]


def test_rule_passes_the_demo_plan(tmp_path: Path) -> None:
    path = tmp_path / f"{HANDICAP.fil}.csv"
    demo._handicapplan((2019, 2025), 2025).to_csv(path, index=False)
    table, _ = read_table(path, HANDICAP.fil, tmp_path)
    assert table is not None
    checks = plan_statuses({HANDICAP.fil: table}, 2025, datetime.date.today())
    assert len(checks) == 3 and all(c.passed for c in checks)


def test_key_figures_per_plan(handicap: pd.DataFrame, bosted_raw: pd.DataFrame) -> None:
    data = SimpleNamespace(
        planer={BOSTED.id: opfoelgning.normalise(BOSTED, bosted_raw), HANDICAP.id: handicap}
    )
    figures = opfoelgning.key_figures(data, 2025)["opfoelgning.pr_plan"]  # type: ignore[arg-type]
    assert list(figures) == ["bostedsundersoegelse", "handicappolitik"]
    f = opfoelgning.follow_up(HANDICAP, handicap, 2025)
    assert figures["handicappolitik"] == {
        "punkter": N_ITEMS,
        "statusaar": 2025,
        "oeverste_trin": f.n_top,
        "rykket_op": f.n_up,
        "rykket_tilbage": f.n_down,
        "tilbageskridt": len(f.setbacks),
        "uden_status": f.n_without,
    }
    early = opfoelgning.key_figures(data, 2010)["opfoelgning.pr_plan"]  # type: ignore[arg-type]
    assert early["handicappolitik"]["statusaar"] is None
    assert early["bostedsundersoegelse"]["statusaar"] == 2008


def test_a_missing_plan_file_says_how_to_add_it_or_drop_the_plan(tmp_path: Path) -> None:
    from statusrapport.validation import _plan_hint
    from statusrapport.validation.reading import read_folder

    tmp_path.mkdir(exist_ok=True)
    missing = [
        _plan_hint(c)
        for c in read_folder(tmp_path).findings
        if c.file == f"{HANDICAP.fil}.csv" and c.rule == "fil_findes"
    ]
    assert len(missing) == 1 and not missing[0].passed
    assert "planer.toml" in missing[0].hint and "'handicappolitik'" in missing[0].hint


def test_plan_without_any_status_yet_gives_none_and_says_so() -> None:
    plan = _plan(startaar=2030)
    frame = _frame(plan, [("A", "P1", 2030, "planlagt", "")])
    assert opfoelgning.follow_up_or_none(plan, frame, 2025) is None
    assert opfoelgning.year_note(frame, 2025) == (
        "Planen har endnu ingen statusopgørelse i 2025 eller tidligere."
    )
    assert opfoelgning.fictive_note(frame, 2025) == ""
    assert opfoelgning.follow_up_or_none(plan, frame, 2030) is not None
