"""The administration's comments (issue 20): the optional kommentarer.csv in the one contract,
its validation (one test per rule, naming file, column, rule and lines), the one accessor, the
resumé's messages with and without comments, and the incremental key of the pages that show them.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from statusrapport import contract, data, demo, escaping, kommentarer
from statusrapport.analysis import maalopfyldelse as maal
from statusrapport.analysis import resume
from statusrapport.validation import validate
from statusrapport.validation.report import Check

TODAY = datetime.date(2026, 6, 15)
HEADER = "aar,emne,kommentar\n"


@pytest.fixture(scope="module", autouse=True)
def _gx_imported() -> None:
    from statusrapport.validation.gx_runner import quiet

    with quiet():
        import great_expectations  # noqa: F401


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kommentarer") / "raw"
    demo.write_demo_data(folder, n_facilities=4, years=(2024, 2025))
    return folder


@pytest.fixture
def copy(small: Path, tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(small, target)
    return target


def _comment_checks(folder: Path) -> list[Check]:
    report = validate(folder, today=TODAY)
    return [c for c in report.checks if c.file == "kommentarer.csv"]


def _failed(folder: Path) -> list[Check]:
    return [c for c in _comment_checks(folder) if not c.passed]


# --- the contract ---------------------------------------------------------------------------


def test_the_subjects_are_the_analyses_keys() -> None:
    """The validation cannot import the analyses; this keeps its list equal to theirs."""
    expected = [*maal.TARGET_KEYS, *resume.CHANGE_AREAS, "alle_maal"]
    assert list(contract.KOMMENTAR_EMNER) == expected
    assert kommentarer.subjects() == contract.KOMMENTAR_EMNER


def test_only_the_comments_are_optional() -> None:
    assert [f.name for f in contract.FILES if f.optional] == ["kommentarer"]
    spec = contract.BY_NAME["kommentarer"]
    assert spec.key == ("aar", "emne") and spec.column("kommentar").limit == 800


# --- optional: missing or header only is fine ------------------------------------------------


def test_a_missing_comments_file_is_fine_and_the_pages_say_no_comment(copy: Path) -> None:
    (copy / "kommentarer.csv").unlink()
    checks = _comment_checks(copy)
    assert checks and all(c.passed for c in checks)
    assert "valgfri" in checks[0].description
    assert validate(copy, today=TODAY).ok
    dataset = data.parse(copy)
    assert dataset.kommentarer.empty
    assert kommentarer.for_year(dataset, 2025) == {}
    assert kommentarer.for_tilbud_markdown(dataset, 2025, "CLB1") == (
        f"*{kommentarer.INGEN_KOMMENTAR}*"
    )
    assert kommentarer.targets_markdown(dataset, 2025) == ""


def test_a_comments_file_with_only_its_header_is_fine(copy: Path) -> None:
    (copy / "kommentarer.csv").write_text(HEADER, encoding="utf-8")
    assert not _failed(copy)
    assert data.parse(copy).kommentarer.empty


# --- one test per rule -----------------------------------------------------------------------


def _write(folder: Path, *rows: str) -> None:
    (folder / "kommentarer.csv").write_text(HEADER + "".join(r + "\n" for r in rows), "utf-8")


def _one_failure(folder: Path, rule: str) -> Check:
    failed = _failed(folder)
    assert [c.rule for c in failed] == [rule], [c.text() for c in failed]
    return failed[0]


def test_an_unknown_subject_is_named_with_the_likely_one(copy: Path) -> None:
    _write(
        copy,
        "2025,tilsyn,Vi følger op.",
        "2025,lederevalueing,Stavefejl i emnet.",
        "2025,CLBO1,Bogstavet O for et nul.",
    )
    found = _one_failure(copy, "kendt_emne")
    assert found.column == "emne" and found.n_bad == 2
    assert [line for line, _ in found.examples] == [3, 4]
    text = found.text()
    assert "mente du lederevaluering?" in text and "mente du CLB01?" in text
    assert "kommentarer.csv" in text and found.is_error


def test_a_plan_and_a_facility_are_known_subjects(copy: Path) -> None:
    _write(copy, "2025,handicappolitik,Om planen.", "2025,CLB02,Om tilbuddet.")
    assert not _failed(copy)


def test_a_year_without_data_is_an_error(copy: Path) -> None:
    _write(copy, "2025,tilsyn,I år.", "2023,tilsyn,Før dataene begynder.")
    found = _one_failure(copy, "aar_med_data")
    assert found.column == "aar" and found.examples == [(3, "2023")]
    assert "2024–2025" in found.description


def test_a_year_outside_the_period_is_an_error(copy: Path) -> None:
    _write(copy, "2031,tilsyn,I fremtiden.")
    rules = {c.rule for c in _failed(copy)}
    assert "periode" in rules  # the suite: from 2019 to this year


def test_two_comments_on_the_same_subject_and_year_are_an_error(copy: Path) -> None:
    _write(copy, "2025,tilsyn,Første.", "2025,fravaer,Andet emne.", "2025,tilsyn,Anden gang.")
    found = _one_failure(copy, "unik_noegle")
    assert {line for line, _ in found.examples} >= {4}


def test_an_empty_comment_is_an_error(copy: Path) -> None:
    _write(copy, "2025,tilsyn,")
    found = _one_failure(copy, "paakraevet")
    assert found.column == "kommentar" and [line for line, _ in found.examples] == [2]


def test_a_comment_of_blanks_only_is_an_error(copy: Path) -> None:
    _write(copy, '2025,tilsyn,"   "')
    found = _one_failure(copy, "kommentar_tekst")
    assert found.column == "kommentar" and found.examples == [(2, "tilsyn")]


def test_a_too_long_comment_is_an_error(copy: Path) -> None:
    _write(copy, "2025,tilsyn," + "a" * 801, "2025,fravaer," + "b" * 800)
    found = _one_failure(copy, "laengde")
    assert found.column == "kommentar" and found.examples == [(2, "801 tegn")]


# --- the accessor and the pages ----------------------------------------------------------------


def test_comments_are_read_once_and_escaped_where_shown(copy: Path) -> None:
    _write(
        copy, '2025,tilsyn,"<script>x</script> *vigtigt* [link](javascript:x)"', "2025,CLB01,Ok."
    )
    dataset = data.parse(copy)
    raw = kommentarer.for_subject(dataset, 2025, "tilsyn")
    assert raw == "<script>x</script> *vigtigt* [link](javascript:x)"
    assert kommentarer.for_tilbud(dataset, 2025, "CLB01") == "Ok."
    assert kommentarer.for_tilbud(dataset, 2024, "CLB01") is None
    board = kommentarer.targets_markdown(dataset, 2025)
    assert escaping.markdown(raw) in board and "<script>" not in board
    lines = board.splitlines()
    assert len(lines) == len(maal.TARGET_KEYS)  # every target: its comment or "none given"
    assert sum(kommentarer.INGEN_KOMMENTAR in line for line in lines) == len(lines) - 1


FIGURES = {
    "aar": 2025,
    "fravaer.procent_samlet": 0.061,
    "fravaer.procent_forrige_aar": 0.075,
    "fravaer.aendring_procentpoint_ci": [-2.0, -0.5],
    "maal.opfyldt_pr_tilbud": {
        "A": {"tilsyn": maal.IKKE_OPFYLDT, "budget": maal.OPFYLDT},
        "B": {"tilsyn": maal.OPFYLDT, "budget": maal.OPFYLDT},
    },
}


def test_the_resume_messages_without_comments_say_none_was_given() -> None:
    messages = resume.vigtigste(FIGURES, {"A": "Alfa", "B": "Bravo"})
    assert [m.key for m in messages] == ["tilsyn", "fravaer", "alle_maal"]
    assert all(m.kommentar is None for m in messages)


def test_the_resume_messages_carry_the_comments_of_the_year(copy: Path) -> None:
    _write(copy, "2025,tilsyn,Vi følger op.", "2024,fravaer,Sidste års ord.", "2025,CLB01,Tilbud.")
    comments = kommentarer.for_year(data.parse(copy), 2025)
    messages = resume.vigtigste(FIGURES, {"A": "Alfa", "B": "Bravo"}, kommentarer=comments)
    by_key = {m.key: m.kommentar for m in messages}
    assert by_key == {"tilsyn": "Vi følger op.", "fravaer": None, "alle_maal": None}


def test_the_demo_comments_leave_a_message_without_comment(small: Path) -> None:
    """The demo site shows both: a comment, and the text for a message without one."""
    dataset = data.parse(small)
    comments = kommentarer.for_year(dataset, 2025)
    assert comments and all(text.startswith("Fiktiv") for text in comments.values())
    assert set(contract.KOMMENTAR_EMNER) - set(comments)  # some subject has no comment
    assert kommentarer.for_year(dataset, 2024) == {}


def test_the_annex_first_page_carries_the_comment_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The annex takes the resumé's "Det vigtigste" cell for print: its Markdown holds the
    comment, escaped, and the text for a message without one."""
    import nbformat

    from statusrapport import report
    from statusrapport.site import pdf

    shown: list[dict[str, str]] = []
    monkeypatch.setattr(report, "_display", lambda data, **_: shown.append(data))
    messages = resume.vigtigste(
        FIGURES, {"A": "Alfa", "B": "Bravo"}, kommentarer={"tilsyn": "Vi *retter* <b>det</b>."}
    )
    report.budskaber(messages)
    [data_] = shown
    cell = nbformat.v4.new_code_cell("report.budskaber(budskaber)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data_)]
    printed = pdf._without_web_words(cell).outputs[0]["data"]["text/markdown"]
    assert "Det gør forvaltningen:* " + escaping.markdown("Vi *retter* <b>det</b>.") in printed
    assert "<b>" not in printed and kommentarer.INGEN_KOMMENTAR in printed
    assert "&lt;b&gt;" in data_["text/html"] and "<b>det" not in data_["text/html"]


def test_the_profile_shows_its_facilitys_comment_and_is_keyed_on_it(copy: Path) -> None:
    """The facility's page carries the comment on it (raw in the page object, escaped by the
    notebook), and a changed comment changes the page's fingerprint, so the profile re-runs."""
    from statusrapport.analysis import tilbudsprofil as profil

    _write(copy, "2025,CLB01,Ny leder fra marts.")
    first = profil.page(data.parse(copy), 2025, "CLB01", reports=copy / "ingen")
    other = profil.page(data.parse(copy), 2025, "CLB02", reports=copy / "ingen")
    assert first.kommentar == "Ny leder fra marts." and other.kommentar is None
    _write(copy, "2025,CLB01,Ny leder fra april.")
    second = profil.page(data.parse(copy), 2025, "CLB01", reports=copy / "ingen")
    assert second.kommentar == "Ny leder fra april."
    assert first.fingerprint() != second.fingerprint()
