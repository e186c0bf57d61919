"""What the reader sees of 'Det vigtigste' and the explanation boxes (report.budskaber, .boks)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from statusrapport import report
from statusrapport.analysis import resume


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    captured: list[tuple[str, str]] = []
    monkeypatch.setattr(
        report, "_display_html", lambda markup, *, markdown: captured.append((markup, markdown))
    )
    return captured


MESSAGES = [
    resume.Budskab(
        key="budget",
        status="ikke opfyldt",
        titel="Budgetafvigelse højst ±1 %",
        tekst="28 af 36 tilbud når målet.",
        tilbud=("Bo & Co", "<b>Kastanjen</b>"),
        tilbud_tekst="Tilbud, der ikke når målet",
        kommentar="Økonomien gennemgås med *lederne* i marts.",
    ),
    resume.Budskab(key="fravaer", status="faldet", titel="Sygefravær er faldet", tekst="6,1 %."),
]


def test_messages_show_symbol_word_facilities_and_comment_or_that_none_was_given(shown):
    report.budskaber(MESSAGES)
    ((markup, markdown),) = shown
    soup = BeautifulSoup(markup, "html.parser")
    cards = soup.select("ol.vigtigste > li.budskab")
    assert len(cards) == 2
    first, second = cards
    assert first.h3.get_text() == "Budgetafvigelse højst ±1 %"
    assert first.select_one(".status").get_text(" ", strip=True) == "✗ ikke opfyldt"
    assert "Bo & Co og <b>Kastanjen</b>" in first.get_text()  # names as text, never markup
    assert first.find("b") is None
    assert "Det gør forvaltningen: Økonomien gennemgås" in first.get_text(" ", strip=True)
    assert second.select_one(".status").get_text(" ", strip=True) == "▼ faldet"
    assert resume.INGEN_KOMMENTAR in second.get_text()
    lines = markdown.splitlines()
    assert lines[0].startswith("1. **✗ Budgetafvigelse") and "&lt;b&gt;Kastanjen" in lines[0]
    assert "\\*lederne\\*" in lines[0]  # the comment is data: Markdown made inert
    assert (
        lines[1].startswith("2. **▼ Sygefravær er faldet**") and resume.INGEN_KOMMENTAR in lines[1]
    )


def test_box_is_open_or_collapsed_and_keeps_long_text(shown):
    text = "Et langt afsnit. " * 40
    report.boks("Sådan læser du usikkerheden", text)
    report.boks("Sådan er det beregnet", text, collapsed=True)
    (open_markup, open_md), (closed_markup, _) = shown
    soup = BeautifulSoup(open_markup, "html.parser")
    assert soup.aside["aria-label"] == "Sådan læser du usikkerheden"
    assert soup.aside.get_text().count("Et langt afsnit.") == 40  # not cut at 200 characters
    assert open_md.startswith("**Sådan læser du usikkerheden.** Et langt afsnit")
    closed = BeautifulSoup(closed_markup, "html.parser")
    assert closed.details is not None and not closed.details.has_attr("open")
    assert closed.summary.get_text() == "Sådan er det beregnet"


def _totals(shares: list[float]) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "Mål": [f"Mål {i}" for i in range(len(shares))],
            "Andel opfyldt": shares,
            "Opfyldt af": [
                "ingen" if s != s else f"{round(s * 10)} af 10"  # NaN: no data
                for s in shares
            ],
        }
    )


def test_target_bars_title_states_the_weakest_target_and_labels_sit_on_the_bars():
    import matplotlib.pyplot as plt

    from statusrapport import figures

    figures.setup()
    totals = _totals([0.9, 0.5, float("nan"), 1.0])
    title = figures.weakest_target_title(totals, 2025)
    assert title == "Færrest når målet »Mål 1«:\n5 af 10 tilbud"
    fig = figures.target_bars(totals, title=title)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "Mål 1" in texts and "5 af 10 (50\u00a0%)" in texts and "ingen data" in texts
    assert ax.get_legend() is None and not ax.get_yticklabels()  # labels on the bars instead
    assert fig.get_figwidth() == figures.TELEFON_BREDDE
    assert ax.get_title(loc="left").startswith("Færrest når målet")
    plt.close(fig)
    assert figures.weakest_target_title(_totals([1.0, 1.0]), 2025) == (
        "Alle tilbud med data når alle mål i 2025"
    )


def test_annex_scoreboard_is_one_compact_table_with_a_symbol_per_status(tmp_path):
    from statusrapport.analysis import maalopfyldelse as maal
    from statusrapport.site import pdf

    labels = [maal.TARGET_LABELS[k] for k in maal.FACILITY_KEYS]
    rows = [
        [
            'Bo "A" & #B',
            "opfyldt",
            "ikke opfyldt",
            "ingen data",
            *["opfyldt"] * (len(labels) - 3),
            "3 af 5",
        ],
        ["Kastanjen", *["opfyldt"] * len(labels), "6 af 6"],
    ]
    import csv

    path = tmp_path / "maalopfyldelse-pr-tilbud.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Tilbud", *labels, "Opfyldte mål"], *rows])
    typst = pdf.scoreboard_typst(path, 2025)
    assert typst is not None and typst.startswith("```{=typst}") and typst.endswith("```")
    assert "table.header(" in typst and typst.count("✓") >= len(labels) + 1
    assert '[#"✗"]' in typst and '[#"–"]' in typst
    assert '[#"Bo \\"A\\" & #B"]' in typst  # a name is a Typst string, never markup
    assert (
        "✓ opfyldt, ✗ ikke opfyldt, ? kan ikke afgøres, – ingen data" in typst
    )  # the symbols explained
    assert pdf.scoreboard_typst(tmp_path / "findes-ikke.csv", 2025) is None
    # The web table's short column names are read the same way.
    short = [pdf.KORTE_MAAL[k] for k in maal.FACILITY_KEYS]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Tilbud", *short, "Opfyldte mål"], *rows])
    again = pdf.scoreboard_typst(path, 2025)
    assert again is not None and "Tilsyn: Tilsynsscore mindst 3,8" in again


def test_annex_page_one_has_the_meeting_fields_from_one_function_and_a_compact_summary(tmp_path):
    from statusrapport import settings
    from statusrapport.site import pdf

    header = pdf.memo_header(2025, settings.load(tmp_path / "ingen.toml"))
    for field in ("KØBENHAVNS KOMMUNE", "Til ", "NOTAT", "Mødedato:", "Dagsordenspunkt:"):
        assert field in header
    # without a settings file every required field is a labelled placeholder, from _moede only
    # (committee, meeting date, agenda item, case number, the site's address)
    assert header.count("pladsholder") == 5 and "Dokumentnr." not in header
    path = tmp_path / "maalopfyldelse-resume.csv"
    import pandas as pd

    pd.DataFrame(
        {
            "Mål": ["Tilsynsscore mindst 3,8"],
            "Opfyldt": [33],
            "Ikke opfyldt": [3],
            "Ingen data": [0],
        }
    ).to_csv(path, index=False)
    text = pdf.summary_markdown(path, 2025)
    assert text is not None and "33 af 36" in text and text.startswith("**Målopfyldelse 2025**")


@pytest.mark.parametrize(
    ("stem", "label"),
    [
        ("fig-tragt-sygefravaer", "Tragt sygefravær"),
        ("maalopfyldelse-pr-tilbud", "Målopfyldelse pr. tilbud"),
        ("aendringer-resume", "Ændringer resumé"),
        ("fig-status-foer-nu", "Status før nu"),
        ("paabud-liste", "Påbud liste"),
    ],
)
def test_download_links_on_the_year_page_are_words(stem: str, label: str) -> None:
    from statusrapport.site.sources import table_label

    assert table_label(stem) == label


def test_methods_go_in_a_collapsed_box(shown):
    report.beregning("- **Tragtdiagram** (Spiegelhalter 2005) <b>x</b>")
    ((markup, markdown),) = shown
    soup = BeautifulSoup(markup, "html.parser")
    assert soup.details is not None and not soup.details.has_attr("open")
    assert soup.summary.get_text() == "Sådan er det beregnet"
    assert soup.select_one("li strong").get_text() == "Tragtdiagram" and soup.find("b") is None
    assert markdown.startswith('::: {.callout-note collapse="true"}\n## Sådan er det beregnet\n')
    assert "Spiegelhalter 2005" in markdown and markdown.rstrip().endswith(":::")


def test_front_page_opens_with_the_resumes_messages(tmp_path):
    """The front page embeds 'Det vigtigste' first when the resumé labels that cell."""
    import sys
    from pathlib import Path

    import nbformat

    sys.path.insert(0, str(Path(__file__).parents[1] / "a11y"))
    import fake_tree

    from statusrapport import site
    from statusrapport.site import sources

    build = fake_tree.make_tree(tmp_path / "build")
    path = build / "reports" / "2025" / "resume.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("#| label: vigtigste-resume\nreport.budskaber(b)"))
    nbformat.write(nb, path)
    reports = site.discover(build, list(fake_tree.YEARS), [])
    sources.write_generated_pages(build, reports, pdfs=[])
    front = (build / "_forside-aktuelt.md").read_text(encoding="utf-8")
    assert front.startswith(
        "## Det vigtigste i 2025\n\n{{< embed reports/2025/resume.ipynb#vigtigste-resume >}}"
    )
    assert front.index("Det vigtigste") < front.index("## Statusrapport 2025")
