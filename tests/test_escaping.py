"""Data-derived text is inert wherever it lands (the payload corpus of issue 9)."""

from __future__ import annotations

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
