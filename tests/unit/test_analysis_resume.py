"""The resumé's sentences are generated from key figures: check them word for word."""

import pandas as pd
import pytest

from statusrapport.analysis import maalopfyldelse as maal
from statusrapport.analysis import resume

FIGURES = {
    "aar": 2025,
    "tilsyn.andel_tilbud_over_maal": 2 / 3,
    "tilsyn.gns_score_pr_tilbud": {"A": 4.2, "B": 3.76, "C": 3.8, "D": None},
    "tilsyn.antal_tilbud_ingen_tilsyn": 1,
    "tilsyn.temaer_sammenlignet": 7,
    "tilsyn.antal_paabud": 3,
    "tilsyn.paabud_pr_myndighed": {
        "Arbejdstilsynet": 1,
        "Brandmyndigheden": 2,
        "Socialtilsynet": 0,
    },
    "fravaer.procent_samlet": 0.0612,
    "fravaer.procent_forrige_aar": 0.0640,
    "fravaer.aendring_procentpoint": -0.28,
    "fravaer.aendring_procentpoint_ci": [-0.5, -0.1],
    "fravaer.dage_pr_fuldtid": 13.84,
    "fravaer.andel_langtid": 0.414,
    "fravaer.tilbud_over_998_graense": ["C"],
    "personaleomsaetning.procent_samlet": 0.2110,
    "personaleomsaetning.procent_forrige_aar": 0.2111,
    "personaleomsaetning.aendring_procentpoint": -0.01,
    "personaleomsaetning.aendring_procentpoint_ci": [-2.5, 2.4],
    "bostedsundersoegelse.antal_anbefalinger": 25,
    "bostedsundersoegelse.antal_pr_status": {"imødekommet": 20, "planlagt": 5},
    "bostedsundersoegelse.statusaar": 2025,
    "bostedsundersoegelse.antal_rykket_op_siden_2008": 24,
    "bostedsundersoegelse.antal_tilbageskridt": 0,
    "maal.antal_tilbud_alle_maal_opfyldt": 11,
    "maal.antal_tilbud": 36,
}
NAMES = {"A": "Alfa", "B": "Bravo", "C": "Charlie", "D": "Delta"}


def texts() -> dict[str, str]:
    return {f.area: f.text for f in resume.findings(FIGURES, NAMES)}


def test_quality_counts_facilities_with_a_score_and_names_those_below():
    text = texts()["tilsyn"]
    assert text.startswith("2 af 3 tilbud med et tilsyn")
    assert "Under målet: Bravo." in text  # 3.76 is below 3.8; exactly 3.8 meets it
    assert "1 tilbud har ikke haft tilsyn" in text
    assert "5 temaer" not in text  # 7 themes compared: no reform sentence


def test_absence_sentence_says_the_change_in_words_without_the_interval():
    assert texts()["fravaer"] == (
        "Sygefraværet var 6,1\u00a0% af de mulige arbejdsdage i 2025 (13,8 dage pr. "
        "fuldtidsstilling), faldet fra 6,4\u00a0% i 2024. 41\u00a0% af "
        "fraværet var langtidsfravær (perioder over 28 dage). Højere end forventet ud fra "
        "størrelsen (over 99,8 %-grænsen): Charlie."
    )


def test_a_wide_interval_around_zero_cannot_be_decided_not_on_level():
    text = texts()["personale"]
    assert "Om det er steget eller faldet fra 21,1\u00a0% i 2024, kan ikke afgøres" in text
    assert "på niveau" not in text and "sikkerhedsinterval" not in text


def test_without_an_interval_no_direction_is_claimed():
    figures = {**FIGURES, "personaleomsaetning.aendring_procentpoint_ci": None}
    text = {f.area: f.text for f in resume.findings(figures, NAMES)}["personale"]
    assert "kan ikke afgøres" in text
    assert text.endswith("Om det er steget eller faldet fra 21,1\u00a0% i 2024, kan ikke afgøres.")


@pytest.mark.parametrize(
    ("before", "ci", "word"),
    [
        (0.061, [0.1, 0.9], "steget"),  # whole interval above 0
        (0.061, [-0.9, -0.01], "faldet"),
        (0.061, [-0.525, 0.355], "uændret"),  # within ±0,61 points (10 % of 6,1 %)
        (0.061, [-0.62, 0.355], "kan ikke afgøres"),  # just outside the margin
        (0.243, [-9.7, 19.6], "kan ikke afgøres"),  # issue 20's profile: not "på niveau"
        (0.061, None, "kan ikke afgøres"),
        (None, [0.1, 0.9], None),
    ],
)
def test_change_verdict_by_hand(before, ci, word):
    assert resume.change_verdict(before, ci) == word


def test_change_table_holds_the_intervals_the_text_leaves_out():
    rows = resume.changes(FIGURES)
    assert [r["Nøgletal"] for r in rows] == ["Sygefravær", "Personaleomsætning"]
    assert rows[0]["95 %-interval"] == "−0,5 til −0,1" and rows[0]["Vurdering"] == "faldet"
    assert rows[1]["Vurdering"] == "kan ikke afgøres"


def test_orders_by_authority_largest_first_and_zero_left_out():
    assert texts()["paabud"] == (
        "Der blev givet 3 påbud eller sanktioner i 2025 (målet er ingen): "
        "2 fra Brandmyndigheden og 1 fra Arbejdstilsynet."
    )


def test_missing_areas_are_left_out_not_guessed():
    figures = {"aar": 2025, "tilsyn.antal_paabud": 0}
    found = resume.findings(figures, {})
    assert [f.area for f in found] == ["paabud"]
    assert found[0].text == "Ingen tilbud fik påbud eller sanktioner i 2025."


STATUSES = {
    "A": {"tilsyn": "opfyldt", "paabud": "ikke opfyldt", "budget": "ikke opfyldt"},
    "B": {"tilsyn": "opfyldt", "paabud": "opfyldt", "budget": "ikke opfyldt"},
    "C": {"tilsyn": "opfyldt", "paabud": "opfyldt", "budget": "ingen data"},
    "D": {"tilsyn": "opfyldt", "paabud": "opfyldt", "budget": "opfyldt"},
}


def test_messages_rank_the_least_met_target_first_and_name_its_facilities():
    figures = {**FIGURES, "maal.opfyldt_pr_tilbud": STATUSES}
    messages = resume.vigtigste(figures, NAMES)
    # budget: 1 of 3 met; orders: 3 of 4; absence fell clearly; inspection met by all
    assert [m.key for m in messages] == ["budget", "paabud", "fravaer", "alle_maal"]
    budget = messages[0]
    assert budget.status == "ikke opfyldt" and budget.tilbud == ("Alfa", "Bravo")
    assert budget.tekst == "1 af 3 tilbud når målet."
    assert messages[2].status == "faldet" and messages[2].tilbud == ()
    assert messages[3].status == "opfyldt" and "Tilsynsscore mindst 3,8" in messages[3].tekst
    assert all(m.kommentar is None for m in messages)


def test_messages_are_at_most_five_and_carry_the_administrations_comment():
    counts = {k: (1, 4) for k in maal.TARGET_KEYS}
    before = {k: (2, 4) for k in maal.TARGET_KEYS}
    messages = resume.vigtigste(
        FIGURES, NAMES, counts=counts, counts_before=before, kommentarer={"tilsyn": "Vi følger op."}
    )
    assert len(messages) == resume.MAX_BUDSKABER
    assert [m.key for m in messages] == list(maal.TARGET_KEYS[:5])  # ties: the paper's order
    assert messages[0].kommentar == "Vi følger op."
    assert "Det er en mindre andel end i 2024 (2 af 4)." in messages[0].tekst


def test_leader_evaluation_names_target_groups_never_facilities():
    figures = {
        **FIGURES,
        "maal.opfyldt_pr_tilbud": STATUSES,
        "maal.lederevaluering_pr_maalgruppe": {"autisme": 5.9, "hjerneskade": 6.0},
    }
    messages = resume.vigtigste(figures, NAMES, counts={"lederevaluering": (18, 35)})
    leader = next(m for m in messages if m.key == "lederevaluering")
    assert leader.tilbud == ()
    assert "Under målet i målgruppen autisme." in leader.tekst


def test_target_counts_from_totals():
    totals = pd.DataFrame(
        {"maal": ["tilsyn", "budget"], "Opfyldt": [33, 28], "Ikke opfyldt": [3, 8]}
    )
    assert resume.target_counts(totals) == {"tilsyn": (33, 36), "budget": (28, 36)}
