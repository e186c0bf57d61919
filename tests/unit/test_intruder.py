"""The intruder test and the routes of issue 19, on planted small facilities.

Planted (tests/disclosure_fixtures.py): a facility alone in its target group, two small ones in
one group, one with 4 staff and 1 leaver, one closing mid-year – small in 2023, 2024 and 2025.
Each route test takes the alternatives the intruder test makes (hidden units' values moved
within the protection range, shown cells and totals unchanged) and checks that the one number
of that route is published the same: before the fix each of them differed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from disclosure_fixtures import plant, write_artefacts

from statusrapport import data, demo, keyfigures, pages
from statusrapport.analysis import personaleomsaetning as personale
from statusrapport.disclosure import audit, intruder
from statusrapport.errors import DisclosureError, ExitCode

YEAR = 2025


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> data.Dataset:
    folder = tmp_path_factory.mktemp("intruder") / "raw"
    demo.write_demo_data(folder, n_facilities=10, years=(YEAR - 2, YEAR))
    plant(folder, YEAR)
    return data.parse(folder)


@pytest.fixture(scope="module")
def turnover_alternatives(planted: data.Dataset) -> list[intruder.Alternative]:
    alts = [
        a for a in intruder.alternatives(planted, YEAR, (pages.TURNOVER,), (YEAR,)) if a is not None
    ]
    assert alts, "the planted hidden facilities must give alternatives"
    return alts


def test_alternatives_keep_every_shown_cell_and_total(
    planted: data.Dataset, turnover_alternatives: list[intruder.Alternative]
) -> None:
    truth = personale.by_target_group(planted, YEAR)
    for alt in turnover_alternatives:
        assert alt.data.personale["fratraadte"].sum() == planted.personale["fratraadte"].sum()
        shown = personale.by_facility(alt.data, YEAR).dropna(subset=["omsaetning"])
        before = personale.by_facility(planted, YEAR).dropna(subset=["omsaetning"])
        pd.testing.assert_frame_equal(shown, before)
        cols = ["maalgruppe", "fratraadte", "gns_ansatte", "omsaetning"]
        pd.testing.assert_frame_equal(personale.by_target_group(alt.data, YEAR)[cols], truth[cols])
        assert alt.data.personale.ne(planted.personale).any().any()  # something did move


def _between_years(planted: data.Dataset, measure: str) -> list[intruder.Alternative]:
    return [a for a in intruder._between_years(planted, YEAR, measure) if a is not None]


@pytest.mark.parametrize("measure", [pages.TURNOVER, pages.ABSENCE])
def test_between_years_alternatives_keep_every_years_totals_and_the_two_year_sums(
    planted: data.Dataset, measure: str
) -> None:
    """Facilities hidden in both years exchange amounts between the years in opposite
    directions: every year's totals per group (and month, staff group) and each facility's
    two-year total stay, the suppression pattern too; the years' own values move."""
    alts = _between_years(planted, measure)
    assert alts, "the planted data has facilities hidden in consecutive years"
    frame_name, columns = (
        ("personale", ["fratraadte", "gns_ansatte"])
        if measure == pages.TURNOVER
        else ("fravaer", ["sygefravaer_dagsvaerk", "mulige_dagsvaerk"])
    )
    before = getattr(planted, frame_name)
    for alt in alts:
        after = getattr(alt.data, frame_name)
        by = ["aar", "maalgruppe"] + (["maaned", "faggruppe"] if measure == pages.ABSENCE else [])
        for col in columns:
            pd.testing.assert_series_equal(
                after.groupby(by, observed=True)[col].sum(),
                before.groupby(by, observed=True)[col].sum(),
                check_exact=False,
                rtol=1e-9,
            )
            two_years = [YEAR - 1, YEAR]
            sums = [
                f.loc[f["aar"].isin(two_years)].groupby("tilbud_id")[col].sum().astype(float)
                for f in (after, before)
            ]
            pd.testing.assert_series_equal(*sums, check_exact=False, rtol=1e-9)
        moved = after[columns].astype(float).ne(before[columns].astype(float)).any(axis=1)
        assert set(after.loc[moved, "aar"]) == {YEAR - 1, YEAR}
        assert set(after.loc[moved, "tilbud_id"]) == set(alt.moved)
        for y in (YEAR - 1, YEAR):
            assert intruder._protection(alt.data, measure, y) == intruder._protection(
                planted, measure, y
            )


def test_between_years_alternatives_catch_a_number_built_from_a_hidden_year(
    planted: data.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A published number that used a hidden facility's value of one year (here the facility
    table computed as if nothing were hidden) differs between the rectangle's alternatives."""
    alts = _between_years(planted, pages.TURNOVER)
    truth = personale.rows(planted, YEAR)
    assert any(
        not personale.rows(a.data, YEAR)
        .set_index("tilbud_id")
        .loc[list(a.moved), "fratraadte"]
        .equals(truth.set_index("tilbud_id").loc[list(a.moved), "fratraadte"])
        for a in alts
    )

    def everything(data: data.Dataset, year: int) -> pd.DataFrame:
        return personale.rows(data, year).assign(undertrykt=False)

    monkeypatch.setattr(personale, "by_facility", everything)
    monkeypatch.setattr(intruder, "alternatives", lambda *a, **k: iter(alts))
    with pytest.raises(DisclosureError) as caught:
        intruder.check(planted, YEAR, measures=(pages.TURNOVER,))
    assert "flyttet mellem årene" in str(caught.value)


def test_route_1_change_interval_leaves_hidden_facilities_out(
    planted: data.Dataset, turnover_alternatives: list[intruder.Alternative]
) -> None:
    truth = personale.centre_change(planted, YEAR)
    assert truth is not None
    for alt in turnover_alternatives:
        other = personale.centre_change(alt.data, YEAR)
        assert other is not None
        assert (other.ci_low_pp, other.ci_high_pp) == (truth.ci_low_pp, truth.ci_high_pp)
    # … and at the declared precision of 0,1 percentage point
    assert truth.ci_low_pp is None or truth.ci_low_pp == round(truth.ci_low_pp, 1)


def test_route_2_3_5_funnel_counts_limits_and_curve_from_shown_facilities(
    planted: data.Dataset, turnover_alternatives: list[intruder.Alternative]
) -> None:
    truth = personale.funnel(planted, YEAR)
    for alt in turnover_alternatives:
        other = personale.funnel(alt.data, YEAR)
        assert other.counts == truth.counts  # route 2
        pd.testing.assert_frame_equal(other.table, truth.table)  # route 3: the limits
        assert other.target == truth.target
        assert other.curve["size"].min() == truth.curve["size"].min()  # route 5: curve start
        pd.testing.assert_frame_equal(other.curve, truth.curve)


def test_route_4_slope_and_model_without_hidden_points(
    planted: data.Dataset, turnover_alternatives: list[intruder.Alternative]
) -> None:
    truth = personale.association(planted, YEAR)
    model = personale.model(planted, YEAR).table
    for alt in turnover_alternatives:
        other = personale.association(alt.data, YEAR)
        assert (other is None) == (truth is None)
        if truth is not None and other is not None:
            assert other.result.slope == truth.result.slope
            assert (other.result.ci_low, other.result.ci_high) == (
                truth.result.ci_low,
                truth.result.ci_high,
            )
        pd.testing.assert_frame_equal(personale.model(alt.data, YEAR).table, model)


def test_key_figures_publish_intervals_and_slopes_to_one_decimal(planted: data.Dataset) -> None:
    figures = keyfigures._clean(keyfigures.compute(planted, YEAR))
    for name in (
        "personaleomsaetning.aendring_procentpoint_ci",
        "fravaer.aendring_procentpoint_ci",
        "personaleomsaetning.sammenhaeng_fravaer_haeldning",
        "personaleomsaetning.sammenhaeng_fravaer_haeldning_ci",
    ):
        value = figures[name]
        for v in value if isinstance(value, list) else [value]:
            assert v is None or v == round(v, 1), name


@pytest.mark.slow
def test_intruder_finds_nothing_on_planted_small_facilities(planted: data.Dataset) -> None:
    result = intruder.run(planted, YEAR)
    assert result.ok, result.findings[:5]
    assert result.alternatives >= 4
    assert "Indtrængertest 2025" in result.log_line(YEAR)


def test_intruder_stops_a_publication_that_uses_hidden_facilities(
    planted: data.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generic test catches a derived number computed over hidden units (here the funnel
    from every facility, as before issue 19) without knowing which number it is."""

    def everything(data: data.Dataset, year: int) -> pd.DataFrame:
        return personale.rows(data, year).assign(undertrykt=False)

    monkeypatch.setattr(personale, "by_facility", everything)
    with pytest.raises(DisclosureError) as caught:
        intruder.check(planted, YEAR, measures=(pages.TURNOVER,), years=(YEAR,), limit=1)
    assert caught.value.exit_code == ExitCode.DISCLOSURE
    assert "siden personaleomsaetning" in str(caught.value)


# --- route 6: tables nobody declared -------------------------------------------------------


def _record(notebook: Path, table_id: str) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("report.table(...)"))
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/plain": "4.0, 1"},
            metadata={"statusrapport": {"tabel": table_id}},
        )
    ]
    nbformat.write(nb, notebook)


def test_route_6_an_undeclared_table_stops_the_run(planted: data.Dataset, tmp_path: Path) -> None:
    root = write_artefacts(planted, YEAR, tmp_path)
    folder = root / "reports" / str(YEAR)
    assert audit.undeclared(root) == []
    # A planted table of a facility with 4 staff and 1 leaver, in a page notebook and its CSV.
    _record(folder / "personaleomsaetning.ipynb", "lille-tilbud")
    (folder / "tabeller" / "lille-tilbud.csv").write_text(
        "Tilbud,Gns. antal ansatte,Fratrådte\nPlanteret Lille,4.0,1\n", encoding="utf-8"
    )
    problems = audit.undeclared(root)
    assert any("personaleomsaetning.ipynb" in p and "lille-tilbud" in p for p in problems)
    assert any("tabeller/lille-tilbud.csv" in p for p in problems)
    with pytest.raises(DisclosureError) as caught:
        audit.check(root)
    assert caught.value.exit_code == ExitCode.DISCLOSURE
    assert "ikke erklæret" in str(caught.value) and "lille-tilbud" in str(caught.value)


def test_route_6_a_declared_table_on_the_wrong_page_or_with_a_new_column(
    planted: data.Dataset, tmp_path: Path
) -> None:
    root = write_artefacts(planted, YEAR, tmp_path)
    folder = root / "reports" / str(YEAR)
    _record(folder / "tilsyn.ipynb", "fig-tragt-personaleomsaetning")  # not a tilsyn table
    path = folder / "tabeller" / "fig-personaleomsaetning-pr-aar.csv"
    frame = pd.read_csv(path)
    frame["Fratrådte, heraf ledere"] = 1
    frame.to_csv(path, index=False)
    tilsyn = folder / "tabeller" / "fig-udvikling.csv"
    tilsyn.write_text("År,Gennemsnit,Fratrådte\n2025,3.9,1\n", encoding="utf-8")
    problems = "\n".join(audit.undeclared(root))
    assert "tilsyn.ipynb viser tabellen 'fig-tragt-personaleomsaetning'" in problems
    assert "Fratrådte, heraf ledere" in problems
    assert "fig-udvikling.csv har tal om personer" in problems


def test_report_table_records_its_id(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from statusrapport import report

    shown: list[dict] = []
    monkeypatch.setattr(
        report, "_display", lambda obj, raw=False, metadata=None: shown.append(metadata or {})
    )
    monkeypatch.chdir(tmp_path)
    report.table(pd.DataFrame({"a": [1]}), name="Min Tabel", download=False)
    assert shown == [{"statusrapport": {"tabel": "min-tabel"}}]
    assert json.dumps(shown)  # JSON-safe: it is stored in the notebook


@pytest.mark.slow
def test_intruder_finds_nothing_on_the_whole_demo_archive(demo_dir: Path) -> None:
    """Every year of the demo archive (2019–2025), as ``run --years all`` publishes it."""
    ds = data.parse(demo_dir)
    for year in ds.years:
        result = intruder.run(ds, year)
        assert result.ok, result.findings[:5]
