"""The page registry (issue 22): one declaration per page, read by everything that needs pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from statusrapport import config, keyfigures, pages, planer
from statusrapport.analysis import maalopfyldelse as maal
from statusrapport.analysis import personaleomsaetning as personale
from statusrapport.analysis import sygefravaer as fravaer
from statusrapport.analysis import takster, tilsyn
from statusrapport.disclosure import audit, intruder

_NAME = re.compile(r"""name=(f?)"([^"]+)\"""")


def _declared_ids(notebook: Path) -> list[str]:
    """Table ids a notebook publishes, read from its ``report.table(..., name=...)`` calls."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    ids = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        for call in source.split("report.table(")[1:]:
            match = _NAME.search(call)
            assert match, f"{notebook.name}: report.table uden name="
            is_f, name = match.groups()
            if is_f:
                name = re.sub(r"\{plan\.id\}", "{plan}", name)
                name = re.sub(r"\{tilbud_id\}", "{tilbud}", name)
            ids.append(name)
    return ids


def test_every_notebook_is_a_declared_page_and_every_page_has_a_notebook() -> None:
    notebooks = {p.stem for p in Path(config.NOTEBOOKS_DIR).glob("*.ipynb")}
    assert notebooks == set(pages.BY_ID)
    assert pages.PROFILE.id == config.PROFILE_NOTEBOOK
    assert pages.PLAN.id == config.PLAN_NOTEBOOK


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda p: p.id)
def test_every_table_a_notebook_publishes_is_declared_for_its_page(page: pages.Page) -> None:
    ids = _declared_ids(Path(config.NOTEBOOKS_DIR) / page.notebook)
    example = {"{plan}": "handicappolitik", "{tilbud}": "CLB01"}
    for table_id in ids:
        concrete = re.sub(r"\{(plan|tilbud)\}", lambda m: example[m.group(0)], table_id)
        assert page.table(concrete) is not None, f"{page.id}: {table_id} er ikke erklæret"
    declared = {t.id for t in page.tables}
    assert declared <= set(ids), f"{page.id}: erklæret, men ikke vist: {declared - set(ids)}"


def test_measure_tables_declare_their_columns_and_have_a_source_or_are_named() -> None:
    for page in pages.PAGES:
        for table in (*page.tables, *page.figures):
            if table.measure is None:
                assert not table.columns
                continue
            assert table.columns, table.id
            roles = {c.role for c in table.columns}
            assert roles <= {"noegle", "antal", "rate", "afledt", "tekst"}
    # Every table with persons' data can be recomputed by the intruder test.
    assert intruder.unchecked() == []


def test_key_figures_come_from_the_pages_in_page_order() -> None:
    assert pages.key_figure_functions() == (
        tilsyn.key_figures,
        fravaer.key_figures,
        personale.key_figures,
        pages.page("opfoelgning").key_figures[0],  # bostedsundersoegelse.* too (one model)
        maal.key_figures,
        takster.key_figures,
    )
    assert "MODULES" not in vars(keyfigures)
    assert not hasattr(config, "REPORT_PAGES")


def test_inputs_are_contract_datasets() -> None:
    from statusrapport import contract

    names = {f.name for f in contract.FILES} | {p.fil for p in planer.PLANER}
    for page in pages.PAGES:
        assert set(pages.declared_inputs(page.id)) <= names, page.id
        assert set(page.inputs) <= names | {pages.ALLE_INPUT, pages.ALLE_PLANER}, page.id
    # "every input" and "every plan" follow planer.toml: a plan added there is an input of the
    # resumé and the overview without an edit here
    plans = {p.fil for p in planer.PLANER}
    assert plans <= set(pages.declared_inputs("resume"))
    assert set(pages.declared_inputs("opfoelgning")) == plans


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statusrapport import demo

    folder = tmp_path_factory.mktemp("pages") / "raw"
    demo.write_demo_data(folder, n_facilities=8, years=(2023, 2025))
    return folder


def test_published_returns_the_declared_headers(small_data: Path) -> None:
    from statusrapport import data

    ds = data.parse(small_data)
    year = max(ds.years)
    for page in (pages.PERSONALEOMSAETNING, pages.SYGEFRAVAER):
        for table in page.tables:
            if table.source is None:
                continue
            frame = pages.published(table, ds, year)
            if frame.columns.empty:
                continue  # nothing to show (e.g. no facility with a signal)
            named = [c.header for c in table.columns if c.name and c.header != "*"]
            assert [h for h in frame.columns if h in named] == named, table.id
            for col in table.columns:
                if col.decimals is not None and col.header in frame:
                    values = pd.to_numeric(frame[col.header], errors="coerce").dropna()
                    assert (values.round(col.decimals) == values).all(), (table.id, col.header)


def test_adding_a_page_is_a_notebook_and_one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Done once: a new page 'trivsel' – its notebook and one Page – is planned, listed on the
    site, and its table passes the declaration check, while another id on it would stop."""
    new = pages.Page(
        id="trivsel",
        title="Trivsel",
        module=maal,
        inputs=("tilbud", "noegletal"),
        tables=(pages.Table("trivsel-pr-maalgruppe", "trivsel pr. målgruppe"),),
    )
    monkeypatch.setattr(pages, "YEAR_PAGES", (*pages.YEAR_PAGES, new))
    monkeypatch.setattr(pages, "PAGES", (*pages.PAGES, new))
    monkeypatch.setattr(pages, "BY_ID", {**pages.BY_ID, new.id: new})
    assert pages.titles()[-1] == ("trivsel", "Trivsel")

    from statusrapport.pipeline import only

    assert "trivsel" in only.pages()
    year = tmp_path / "reports" / "2025"
    (year / "tabeller").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("report.table(...)"))
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/plain": "x"},
            metadata={"statusrapport": {"tabel": "trivsel-pr-maalgruppe"}},
        )
    ]
    nbformat.write(nb, year / "trivsel.ipynb")
    (year / "tabeller" / "trivsel-pr-maalgruppe.csv").write_text("Målgruppe,Trivsel\n")
    assert audit.undeclared(tmp_path) == []
    (year / "tabeller" / "trivsel-pr-tilbud.csv").write_text("Tilbud,Trivsel\n")
    assert audit.undeclared(tmp_path) == [
        "tabellen 2025/tabeller/trivsel-pr-tilbud.csv er ikke erklæret for nogen side i "
        "sidekataloget (pages.py)"
    ]
