"""Danish number formatting: what a reader sees must be 3,8 and 6,2 % and 1.200."""

import math

import pytest

from statusrapport import fmt


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (3.84, 1, "3,8"),
        (3.85, 2, "3,85"),
        (1200, 0, "1.200"),
        (1234567.891, 2, "1.234.567,89"),
        (-0.25, 1, "\u22120,2"),
        (-0.04, 1, "0,0"),
        (2586.0, 1, "2.586,0"),
        (0, 1, "0,0"),
        (None, 1, "–"),
        (math.nan, 1, "–"),
    ],
)
def test_tal(value, decimals, expected):
    assert fmt.tal(value, decimals) == expected


def test_pct_from_fraction_and_from_percent():
    assert fmt.pct(0.062) == "6,2\u00a0%"
    assert fmt.pct(94.0, 0, fraction=False) == "94\u00a0%"
    assert fmt.pct(None) == "–"


def test_signed_and_point_use_typographic_minus():
    assert fmt.signed(0.3) == "+0,3"
    assert fmt.signed(-0.25, 2) == "−0,25"
    assert fmt.signed(0.0) == "±0,0"
    assert fmt.point(-0.004 * 100) == "−0,4\u00a0procentpoint"
    assert fmt.signed(-0.04) == "±0,0"  # never "−0,0"
    assert fmt.pct(-0.004) == "−0,4\u00a0%"


def test_interval_and_months_in_danish():
    assert fmt.interval(-0.52, 0.41) == "−0,5 til +0,4"
    assert fmt.interval(None, 0.4) == "–"
    import pandas as pd

    assert fmt.maaned(pd.Timestamp(2024, 1, 1)) == "januar 2024"
    assert fmt.maaned("2025-12", kort=True) == "dec 2025"
    assert fmt.periode(pd.Timestamp(2024, 1, 1), pd.Period("2025-12")) == (
        "januar 2024–december 2025"
    )


def test_table_default_uses_one_rule_for_all_floats():
    import numpy as np

    assert fmt.auto(2586.0) == "2.586,0"
    assert fmt.auto(2572.1) == "2.572,1"
    assert fmt.auto(-0.01) == "0,0"
    assert fmt.auto(np.int64(1200)) == "1.200"
    assert fmt.auto(float("nan")) == "–"
    assert fmt.auto(True) == "ja"


def test_antal_and_opremsning():
    assert fmt.antal(1, "tilbud", "tilbud") == "1 tilbud"
    assert fmt.antal(3, "anbefaling", "anbefalinger") == "3 anbefalinger"
    assert fmt.opremsning(["A"]) == "A"
    assert fmt.opremsning(["A", "B", "C"]) == "A, B og C"
    assert fmt.opremsning([]) == ""


def test_axis_ticks_never_round_onto_a_neighbouring_value():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from statusrapport import figures

    fig, ax = plt.subplots()
    figures.danish_axis(ax, "y", decimals=1)
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(3.75, 0) == "3,75"
    assert formatter(3.8, 0) == "3,8"
    assert formatter(4.0, 0) == "4,0"
    figures.danish_axis(ax, "x", decimals=0, percent=True)
    assert ax.xaxis.get_major_formatter()(0.125, 0) == "12,5\u00a0%"
    assert ax.xaxis.get_major_formatter()(0.06, 0) == "6\u00a0%"
    plt.close(fig)


def test_html_table_is_accessible_and_scrolls_on_a_phone():
    import pandas as pd

    from statusrapport import report

    markup = report.html_table(
        pd.DataFrame({"Tilbud": ["A"], "Score": [3.76]}),
        caption="Score pr. tilbud",
        formats={"Score": lambda v: f"{v:.2f}".replace(".", ",")},
    )
    assert markup.startswith(
        '<div class="table-responsive" role="region" tabindex="0" aria-label="Score pr. tilbud">'
    )
    assert "<caption>Score pr. tilbud</caption>" in markup
    assert '<th scope="col">Tilbud</th>' in markup
    assert '<td data-label="Score" style="text-align:right">3,76</td>' in markup


def test_html_table_cells_name_their_column_for_the_phone_cards():
    """On a phone each row is a card of 'column: value' lines (styles.css, table.stabel): every
    cell must carry its column's name, escaped like any data-derived text."""
    import pandas as pd
    from bs4 import BeautifulSoup

    from statusrapport import report

    frame = pd.DataFrame({"Tilbud": ["A", "B"], 'Score "x" <1>': [3.1, 4.2]})
    soup = BeautifulSoup(report.html_table(frame, caption="C"), "html.parser")
    table = soup.find("table")
    assert "stabel" in table["class"]
    labels = [[td["data-label"] for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    assert labels == [["Tilbud", 'Score "x" <1>']] * 2
    assert 'data-label="Score &quot;x&quot; &lt;1&gt;"' in str(report.html_table(frame))


def test_status_cells_get_symbol_and_word_never_colour_alone():
    import pandas as pd
    from bs4 import BeautifulSoup

    from statusrapport import figures, report
    from statusrapport.analysis import maalopfyldelse as maal

    assert set(figures.STATUS_TEGN) == set(maal.STATUSSER)
    frame = pd.DataFrame({"Tilbud": ["A", "B", "C", "D"], "Tilsyn": list(maal.STATUSSER)})
    soup = BeautifulSoup(report.html_table(frame, statuses=True), "html.parser")
    spans = soup.select("td span.status")
    assert [s.get_text(" ", strip=True) for s in spans] == [
        "✓ opfyldt",
        "✗ ikke opfyldt",
        "? kan ikke afgøres",
        "– ingen data",
    ]
    assert [s["class"][1] for s in spans] == [
        "status-opfyldt",
        "status-ikke-opfyldt",
        "status-kan-ikke-afgoeres",
        "status-ingen-data",
    ]
    assert all(s.select_one(".status-tegn")["aria-hidden"] == "true" for s in spans)
    # Without the flag, or for other text, the cell is plain escaped text.
    plain = BeautifulSoup(report.html_table(frame), "html.parser")
    assert not plain.select("span.status")
    assert report.status_text("ikke opfyldt") == "✗ ikke opfyldt"
    assert report.status_text("anden tekst") == "anden tekst"


def test_only_not_met_uses_vermillion():
    """One colour means 'not met' and nothing else (issue 20)."""
    from statusrapport import figures

    vermillion = figures.IKKE_OPFYLDT_FARVE.lower()
    uses = {
        "ACCENT": figures.ACCENT,
        "PRIMARY": figures.PRIMARY,
        "MUTED": figures.MUTED,
        **{f"STATUS_FARVER[{k}]": v for k, v in figures.STATUS_FARVER.items()},
        **{f"MAALGRUPPE_FARVER[{k}]": v for k, v in figures.MAALGRUPPE_FARVER.items()},
        **{f"MAAL_FARVER[{k}]": v for k, v in figures.MAAL_FARVER.items() if k != "ikke opfyldt"},
    }
    assert {k for k, v in uses.items() if v.lower() == vermillion} == set()
    assert figures.STATUS_TEGN["ikke opfyldt"][1] == figures.IKKE_OPFYLDT_FARVE
