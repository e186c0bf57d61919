"""The resumé's sentences are generated from key figures: check them word for word."""

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
    "fravaer.dage_pr_fuldtid": 13.84,
    "fravaer.andel_langtid": 0.414,
    "fravaer.tilbud_over_998_graense": ["C"],
    "personaleomsaetning.procent_samlet": 0.2110,
    "personaleomsaetning.procent_forrige_aar": 0.2111,
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


def test_absence_sentence_with_change_in_points():
    assert texts()["fravaer"] == (
        "Sygefraværet var 6,1\u00a0% af de mulige arbejdsdage i 2025 (13,8 dage pr. "
        "fuldtidsstilling), et fald på 0,3 procentpoint fra 6,4\u00a0% i 2024. 41\u00a0% af "
        "fraværet var langtidsfravær (perioder over 28 dage). Højere end forventet ud fra "
        "størrelsen (over 99,8 %-grænsen): Charlie."
    )


def test_tiny_change_is_called_unchanged():
    assert "det samme som i 2024 (21,1\u00a0%)" in texts()["personale"]


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
