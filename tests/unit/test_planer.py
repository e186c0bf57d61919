"""Plans as data (issue 24): ``planer.toml`` is read field by field, a mistake in it is a
Danish message naming the file, the plan and the field, and the demo generator makes a file for
any configured plan with themes (or says why not)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from statusrapport import config, demo, planer
from statusrapport.validation.reading import read_table
from statusrapport.validation.rules import plan_statuses

NEW = """
[[plan]]
id = "trivsel"
titel = "Trivselsplanen (2021)"
fil = "opfoelgning_trivsel"
startaar = 2021
trin = ["ikke startet", "i gang", "gennemført"]
temaer = ["Fællesskab", "Sundhed"]
punkt_navn = ["tiltag", "tiltag"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "planer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_plan_file_holds_the_two_plans() -> None:
    assert planer.LOAD_ERROR is None
    committed = planer.load(config.PROJECT_ROOT / "planer.toml")
    assert [p.id for p in committed] == ["bostedsundersoegelse", "handicappolitik"]
    bosted, handicap = committed
    assert bosted.trin == planer.BOSTED_TRIN and not bosted.egen_kontrakt
    assert bosted.fil_kolonne("punkt_id") == "anbefaling_id"
    assert handicap.trin == planer.INDSATS_TRIN and handicap.egen_kontrakt


def test_a_new_entry_is_read_with_its_defaults(tmp_path: Path) -> None:
    committed = (config.PROJECT_ROOT / "planer.toml").read_text(encoding="utf-8")
    plans = planer.load(_write(tmp_path, committed + NEW))
    new = plans[-1]
    assert (new.id, new.fil, new.startaar) == ("trivsel", "opfoelgning_trivsel", 2021)
    assert new.trin == ("ikke startet", "i gang", "gennemført")
    assert new.temaer == ("Fællesskab", "Sundhed") and new.tema_navn == "tema"
    assert new.egen_kontrakt
    # the entry's fingerprint is its own: another plan's change does not move it
    assert new.fingerprint() == planer.load(_write(tmp_path, NEW))[0].fingerprint()
    assert new.fingerprint() != plans[1].fingerprint()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("startaar = 2021", 'startaar = "2021"'), "startaar skal være et årstal"),
        (("temaer =", "temaerr ="), 'ukendt felt "temaerr" – mente du temaer?'),
        (('id = "trivsel"', 'id = "Trivsel plan"'), 'id "Trivsel plan" må kun have små'),
        (('titel = "Trivselsplanen (2021)"\n', ""), "mangler feltet titel"),
        (("trin = [", "trin = [1, "), "trin skal være en liste af tekster"),
        (("[[plan]]", "[plan"), "er ikke gyldig TOML"),
    ],
)
def test_a_mistake_names_file_plan_and_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(planer.PlanConfigError) as error:
        planer.load(_write(tmp_path, NEW.replace(*change)))
    assert message in str(error.value)
    assert "planer.toml" in str(error.value)


def test_two_plans_with_the_same_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(planer.PlanConfigError, match='to planer har fil "opfoelgning_trivsel"'):
        planer.load(_write(tmp_path, NEW + NEW.replace('id = "trivsel"', 'id = "trivsel2"')))


def test_a_missing_plan_file_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(planer.PlanConfigError, match="findes ikke"):
        planer.load(tmp_path / "planer.toml")


def test_demo_makes_a_valid_fictive_file_for_a_plan_with_themes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = planer.load(_write(tmp_path, NEW))[0]
    assert demo.plan_basis(plan) is None
    frame = demo._fictive_plan(plan, (2019, 2025), 2025)
    assert set(frame["tema"]) == {"Fællesskab", "Sundhed"}
    assert frame["aar"].min() == 2021 and frame["aar"].max() == 2025
    assert set(frame["status"]) <= set(plan.trin) and (frame["fiktiv"] == "ja").all()
    assert frame.equals(demo._fictive_plan(plan, (2019, 2025), 2025))  # deterministic
    path = tmp_path / f"{plan.fil}.csv"
    frame.to_csv(path, index=False)
    # read with the contract of a plan with the common columns (this one is not configured)
    table, findings = read_table(path, "opfoelgning_handicappolitik", tmp_path)
    assert table is not None and not [f for f in findings if f.is_error]
    monkeypatch.setattr(planer, "PLANER", (plan,))  # the rules read the configured plans
    results = plan_statuses({plan.fil: table}, 2025, datetime.date(2026, 1, 1))
    assert len(results) == 3 and all(c.passed for c in results), results


def test_demo_leaves_out_a_plan_without_themes_and_says_why(tmp_path: Path) -> None:
    plan = planer.load(_write(tmp_path, NEW.replace('temaer = ["Fællesskab", "Sundhed"]\n', "")))[0]
    reason = demo.plan_basis(plan)
    assert reason and "trivsel" in reason and "temaer" in reason and "planer.toml" in reason


@pytest.mark.parametrize(
    ("word", "plural"), [("tema", "temaer"), ("område", "områder"), ("indsats", "indsatser")]
)
def test_the_theme_word_in_the_plural(word: str, plural: str) -> None:
    plan = planer.Plan("x", "X", "opfoelgning_x", 2020, tema_navn=word)
    assert plan.tema_flertal == plural
