"""Data-derived text is inert wherever it lands (the payload corpus of issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusrapport import escaping

PAYLOADS = (
    "Valmue<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "</div><h1 style='font-size:99px'>Overtaget</h1>",
    "<img src=x onerror=alert(1)>",
    "{{< include /etc/passwd >}}",
    "{{< env HOME >}}",
    '=HYPERLINK("http://x")',
    "**fed** _kursiv_ `kode` # overskrift",
    "linje\nnæste\x00nul",
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_has_no_live_syntax(payload: str) -> None:
    out = escaping.markdown(payload)
    assert "<" not in out and ">" not in out
    assert "{{" not in out
    assert "](" not in out
    assert "\n" not in out and "\x00" not in out
    # every Markdown-active character is escaped
    for char in "*_`[]#":
        assert f"{char}" not in out.replace(f"\\{char}", "")


def test_markdown_keeps_danish_text_readable() -> None:
    assert escaping.markdown("Bostedet Æblehaven") == "Bostedet Æblehaven"
    assert escaping.markdown("Bo-centret") == "Bo\\-centret"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_has_no_live_markup(payload: str) -> None:
    out = escaping.html(payload)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert "{" not in out


def test_long_values_are_cut() -> None:
    assert len(escaping.markdown("x" * 10_000)) == escaping.MAX_LENGTH


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45 1234", "'+45 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Kastanjen", "Kastanjen"),
        (-2.5, -2.5),
        (3, 3),
        (None, None),
    ],
)
def test_csv_cells_cannot_start_a_formula(value: object, expected: object) -> None:
    assert escaping.csv_cell(value) == expected


# --- Tables and CSV downloads (report.py) ---------------------------------------------------


def _table_cells(markup: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("h1") is None
    for tag in soup.find_all(True):
        assert not any(attr.startswith("on") for attr in tag.attrs), tag
    return [td.get_text() for td in soup.find_all("td")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_table_cells_and_caption_are_inert(payload: str) -> None:
    import pandas as pd

    from statusrapport import report

    frame = pd.DataFrame({"Tilbud": [payload], "Antal": [3]})
    markup = report.html_table(frame, caption=f"Tabel for {payload}")
    cells = _table_cells(markup)
    assert cells[0] == escaping._clean(payload)  # shown literally, as text
    assert "{{" not in markup  # no shortcode Quarto could expand


def test_html_table_of_normal_names_is_unchanged() -> None:
    import pandas as pd

    from statusrapport import report

    frame = pd.DataFrame({"Tilbud": ["Bostedet Kastanjen", "Bo & Co"], "Antal": [3, 4]})
    markup = report.html_table(frame, caption="Nøgletal")
    assert '<td data-label="Tilbud">Bostedet Kastanjen</td>' in markup
    assert '<td data-label="Tilbud">Bo &amp; Co</td>' in markup
    assert "<caption>Nøgletal</caption>" in markup


def test_csv_download_neutralises_formulas_and_keeps_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from statusrapport import report

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STATUSRAPPORT_BUILD", raising=False)
    monkeypatch.setenv("STATUSRAPPORT_INTERAKTIV", str(tmp_path / "interaktiv"))
    monkeypatch.setattr(report, "_display_html", lambda markup, **_: None)
    frame = pd.DataFrame(
        {
            "Tilbud": ['=HYPERLINK("http://x")', "+45", "-2", "@SUM(A1)", "\tx", "Kastanjen"],
            "Ændring": [-2.5, -1.0, 0.0, 1.5, 2.0, 3.5],
            "Antal": [-2, 0, 1, 2, 3, 4],
            "Dato": pd.to_datetime(["2025-01-31"] * 6),
        }
    )
    report.table(frame, name="Formler", caption="Formler")
    back = pd.read_csv(tmp_path / "interaktiv" / "tabeller" / "formler.csv")
    assert back["Tilbud"].tolist()[:5] == [
        '\'=HYPERLINK("http://x")',
        "'+45",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
    ]
    assert back["Tilbud"].iloc[5] == "Kastanjen"
    assert back["Ændring"].tolist() == [-2.5, -1.0, 0.0, 1.5, 2.0, 3.5]
    assert back["Antal"].tolist() == [-2, 0, 1, 2, 3, 4]
    assert pd.api.types.is_integer_dtype(back["Antal"])
    assert back["Dato"].iloc[0] == "2025-01-31"


def test_table_refuses_to_write_outside_the_build_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from statusrapport import paths, report

    build = tmp_path / "build"
    (build / "reports").mkdir(parents=True)
    (build / "reports" / "tabeller").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.setenv("STATUSRAPPORT_BUILD", str(build))
    monkeypatch.chdir(build / "reports")
    monkeypatch.setattr(report, "_display_html", lambda markup, **_: None)
    with pytest.raises(paths.OutsideError):
        report.table(pd.DataFrame({"a": [1]}), name="x")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("payload", [*PAYLOADS[:-1], "Bo-centret & Co. (nord)", "a\\b &lt; c"])
def test_unmarkdown_gives_back_the_original_text(payload: str) -> None:
    assert escaping.unmarkdown(escaping.markdown(payload)) == payload


def test_figure_text_cannot_start_mathtext() -> None:
    assert escaping.figure_text("Pris $5 og $x^2$") == r"Pris \$5 og \$x^2\$"
    assert escaping.figure_text("Kastanjen") == "Kastanjen"
    assert "\x00" not in escaping.figure_text("a\x00b")


@pytest.mark.parametrize(
    "payload",
    [
        *PAYLOADS[:-1],
        "Tjørn {{< include /etc/passwd >}} {{< env HOME >}}",
        "{{{< env HOME >}}}",
        "åben {{< env HOME",
        "Bostedet Kastanjen",
    ],
)
def test_metadata_round_trips_for_the_preview(payload: str) -> None:
    assert escaping.from_metadata(escaping.metadata(payload)) == payload


def test_metadata_gives_shortcodes_quartos_extra_brace() -> None:
    out = escaping.metadata("Tjørn {{< env HOME >}}")
    assert out.replace("\\", "") == "Tjørn {{{&lt; env HOME &gt;}}}"
    assert escaping.metadata("Bostedet Kastanjen") == "Bostedet Kastanjen"


def test_data_quality_warnings_show_data_as_inert_markdown() -> None:
    from statusrapport.validation.report import Check, ValidationReport, warnings_markdown

    finding = Check(
        "<img src=x onerror=alert(1)>.csv",
        None,
        "ukendt_fil",
        "filen er ikke en del af datakontrakten",
        "advarsel",
        False,
        n_bad=2,
        examples=[(None, "CLB<img src=x onerror=alert(1)>"), (3, "{{< env HOME >}}")],
        hint="Fjern filen.",
    )
    text = warnings_markdown(ValidationReport(year=2025, checks=[finding]))
    assert "<" not in text and "{{" not in text
    assert escaping.unmarkdown(escaping.markdown("CLB<img src=x onerror=alert(1)>")) in (
        escaping.unmarkdown(text)
    )
    assert text.startswith("- **")  # the list item and bold file name still work


def test_resume_names_are_escaped_for_markdown() -> None:
    from statusrapport.analysis import resume

    names = resume._names(["A", "B"], {"A": "Valmue<script>x</script>", "B": "Bostedet Kastanjen"})
    assert names == ["Bostedet Kastanjen", escaping.markdown("Valmue<script>x</script>")]
