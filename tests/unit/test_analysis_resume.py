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


def test_absence_sentence_with_change_in_points():
    assert texts()["fravaer"] == (
        "Sygefraværet var 6,1\u00a0% af de mulige arbejdsdage i 2025 (13,8 dage pr. "
        "fuldtidsstilling), et fald på 0,3 procentpoint fra 6,4\u00a0% i 2024 (95\u00a0%-sikker"
        "hedsinterval fra −0,5 til −0,1 procentpoint). 41\u00a0% af "
        "fraværet var langtidsfravær (perioder over 28 dage). Højere end forventet ud fra "
        "størrelsen (over 99,8 %-grænsen): Charlie."
    )


def test_a_change_whose_interval_contains_zero_is_on_level_not_a_rise_or_fall():
    text = texts()["personale"]
    assert "på niveau med sidste år (21,1\u00a0% i 2024; ændring ±0,0" in text
    assert "fra −2,5 til +2,4 procentpoint" in text
    assert "stigning" not in text and "fald" not in text


def test_without_an_interval_no_direction_is_claimed():
    figures = {**FIGURES, "personaleomsaetning.aendring_procentpoint_ci": None}
    text = {f.area: f.text for f in resume.findings(figures, NAMES)}["personale"]
    assert "for få tilbud til at vurdere ændringen" in text
    assert "stigning" not in text and "fald" not in text


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
