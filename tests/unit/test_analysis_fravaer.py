"""Sickness absence: hand-computed rates on small frames, disclosure control, notebook smoke test.

The small dataset (2 facilities × 4 staff groups × 12 months, 2024 and 2025):

| facility | group | FTE | possible/month | sick/month | long/month |
| A (socialpsykiatri) | pædagogisk personale | 10 | 200 | 10 | 4 |
| A | ledelse | 3 | 60 | 6 | 0 |
| B (autisme) | pædagogisk personale | 20 | 400 | 40 (2024: 30) | 20 |
| B | social- og sundhedspersonale | 5 | 100 | 2 | 0 |
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import write_contract

from statusrapport import data, fmt, stats
from statusrapport.analysis import common
from statusrapport.analysis import sygefravaer as fravaer
from statusrapport.stats.change import Change

PAED, SOSU, LED = "pædagogisk personale", "social- og sundhedspersonale", "ledelse"


def write_dataset(
    folder: Path,
    tilbud: list[dict[str, object]],
    fravaer_rows: list[dict[str, object]],
    personale_rows: list[dict[str, object]] | None = None,
) -> data.Dataset:
    """Write a minimal contract folder (other files header-only) and parse it."""
    return write_contract(
        folder, {"tilbud": tilbud, "fravaer": fravaer_rows, "personale": personale_rows or []}
    )


def facility(tilbud_id: str, navn: str, maalgruppe: str) -> dict[str, object]:
    return {
        "tilbud_id": tilbud_id,
        "navn": navn,
        "center": "Center for Længerevarende Boformer",
        "maalgruppe": maalgruppe,
        "paragraf": "§ 108",
        "pladser": 20,
        "aktiv_fra": "2019-01-01",
        "aktiv_til": "",
    }


def month_rows(
    tilbud_id: str,
    group: str,
    fte: float,
    possible: float,
    sick: float,
    long: float,
    months: list[str],
) -> list[dict[str, object]]:
    return [
        {
            "tilbud_id": tilbud_id,
            "maaned": m,
            "faggruppe": group,
            "fuldtidsstillinger": fte,
            "mulige_dagsvaerk": possible,
            "sygefravaer_dagsvaerk": sick,
            "langtidssygefravaer_dagsvaerk": long,
        }
        for m in months
    ]


def months_of(year: int, n: int = 12) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, n + 1)]


@pytest.fixture
def small(tmp_path: Path) -> data.Dataset:
    rows: list[dict[str, object]] = []
    for year in (2024, 2025):
        ms = months_of(year)
        rows += month_rows("A", PAED, 10, 200, 10, 4, ms)
        rows += month_rows("A", LED, 3, 60, 6, 0, ms)
        rows += month_rows("B", PAED, 20, 400, 40 if year == 2025 else 30, 20, ms)
        rows += month_rows("B", SOSU, 5, 100, 2, 0, ms)
    tilbud = [facility("A", "Alfa", "socialpsykiatri"), facility("B", "Beta", "autisme")]
    return write_dataset(tmp_path / "small", tilbud, rows)


def test_rate_is_sum_over_sum_not_mean_of_rates(small: data.Dataset) -> None:
    row = fravaer.total(small, 2025)
    assert row["fravaersprocent"] == pytest.approx(58 / 760)  # 696 / 9120
    facility_rates = fravaer.summarise(fravaer.rows(small, 2025), ["tilbud_id"])
    mean_of_rates = facility_rates["fravaersprocent"].mean()  # (16/260 + 42/500) / 2
    assert mean_of_rates == pytest.approx((16 / 260 + 42 / 500) / 2)
    assert row["fravaersprocent"] != pytest.approx(mean_of_rates)


def test_days_per_fte_uses_average_monthly_fte(small: data.Dataset) -> None:
    row = fravaer.total(small, 2025)
    assert row["fuldtidsstillinger"] == pytest.approx(38)
    assert row["maaneder"] == 12
    assert row["dage_pr_fuldtid"] == pytest.approx(696 / 38)
    by_fac = fravaer.summarise(fravaer.rows(small, 2025), ["tilbud_id"]).set_index("tilbud_id")
    assert by_fac.loc["A", "dage_pr_fuldtid"] == pytest.approx(16 * 12 / 13)


def test_long_and_short_term_split(small: data.Dataset) -> None:
    row = fravaer.total(small, 2025)
    assert row["langtidssygefravaer_dagsvaerk"] == pytest.approx(24 * 12)
    assert row["korttidssygefravaer_dagsvaerk"] == pytest.approx(34 * 12)
    assert row["andel_langtid"] == pytest.approx(24 / 58)
    assert row["langtid_procent"] + row["korttid_procent"] == pytest.approx(58 / 760)


def test_key_figures_change_in_percentage_points(small: data.Dataset) -> None:
    kf = fravaer.key_figures(small, 2025)
    assert kf["fravaer.procent_samlet"] == pytest.approx(58 / 760)
    assert kf["fravaer.procent_forrige_aar"] == pytest.approx(48 / 760)
    # Published at the declared precision, 0,1 percentage point (issue 19).
    assert kf["fravaer.aendring_procentpoint"] == round(10 / 760 * 100, 1)
    assert kf["fravaer.dage_pr_fuldtid"] == pytest.approx(696 / 38)
    assert kf["fravaer.andel_langtid"] == pytest.approx(24 / 58)
    assert kf["fravaer.maaneder_med_data"] == 12
    assert kf["fravaer.procent_pr_maalgruppe"] == pytest.approx(
        {"socialpsykiatri": 16 / 260, "autisme": 42 / 500}
    )
    json.dumps(kf)  # key figures must be JSON-serialisable as they are


def test_first_year_has_no_change(small: data.Dataset) -> None:
    kf = fravaer.key_figures(small, 2024)
    assert kf["fravaer.procent_forrige_aar"] is None
    assert kf["fravaer.aendring_procentpoint"] is None


def test_small_staff_group_is_suppressed_with_its_complement(small: data.Dataset) -> None:
    cells = fravaer.by_facility_and_staff_group(small, 2025).set_index(["tilbud_id", "faggruppe"])
    # ledelse at A has 3 FTE < 5: hidden; A's only other group is hidden too, since A's total
    # is published and the ledelse figure could otherwise be derived by subtraction.
    assert pd.isna(cells.loc[("A", LED), "fravaersprocent"])
    assert pd.isna(cells.loc[("A", PAED), "fravaersprocent"])
    assert cells.loc[("B", SOSU), "fravaersprocent"] == pytest.approx(0.02)  # 5 FTE is enough
    assert cells.loc[("B", PAED), "fravaersprocent"] == pytest.approx(0.10)
    wide, n_hidden = fravaer.staff_group_table(small, 2025)
    assert n_hidden == 2
    assert list(wide["Tilbud"]) == ["Alfa", "Beta"]


def test_centre_staff_groups_suppressed_in_key_figures(small: data.Dataset) -> None:
    kf = fravaer.key_figures(small, 2025)["fravaer.procent_pr_faggruppe"]
    assert kf[LED] is None  # 3 FTE in the whole centre
    assert kf[SOSU] is None  # complementary: the smallest other group
    assert kf[PAED] == pytest.approx(50 / 600)


def test_monthly_and_by_group_change(small: data.Dataset) -> None:
    months = fravaer.monthly(small, 2025)
    assert set(months["aar"]) == {2024, 2025}
    assert len(months) == 24
    jan = months.set_index(["aar", "maaned_nr"]).loc[(2025, 1)]
    assert jan["fravaersprocent"] == pytest.approx(58 / 760)
    assert jan["maanedsnavn"] == "jan"
    groups = fravaer.by_group(small, 2025, "maalgruppe").set_index("maalgruppe")
    assert groups.loc["autisme", "aendring_procentpoint"] == pytest.approx((42 - 32) / 500 * 100)
    assert groups.loc["socialpsykiatri", "aendring_procentpoint"] == pytest.approx(0)


def test_partial_year_reports_months(tmp_path: Path) -> None:
    rows = month_rows("A", PAED, 10, 200, 10, 0, months_of(2025, 6))
    ds = write_dataset(tmp_path / "partial", [facility("A", "Alfa", "autisme")], rows)
    kf = fravaer.key_figures(ds, 2025)
    assert kf["fravaer.maaneder_med_data"] == 6
    assert kf["fravaer.dage_pr_fuldtid"] == pytest.approx(60 / 10)  # six months, not annual


def test_facility_with_too_few_fte_is_none(tmp_path: Path) -> None:
    rows = month_rows("A", PAED, 30, 600, 30, 0, months_of(2025))
    rows += month_rows("B", PAED, 4, 80, 4, 0, months_of(2025))
    tilbud = [facility("A", "Alfa", "autisme"), facility("B", "Beta", "autisme")]
    ds = write_dataset(tmp_path / "tiny", tilbud, rows)
    per_facility = fravaer.key_figures(ds, 2025)["fravaer.procent_pr_tilbud"]
    assert per_facility["B"] is None
    assert per_facility["A"] is None  # complementary within the target group


@pytest.fixture
def many(tmp_path: Path) -> data.Dataset:
    """Ten ordinary facilities, one with very high absence, one with a level shift."""
    rows: list[dict[str, object]] = []
    tilbud = []
    months = months_of(2024) + months_of(2025)
    for i in range(12):
        tid = f"T{i:02d}"
        tilbud.append(facility(tid, f"Tilbud {i:02d}", "socialpsykiatri"))
        for j, m in enumerate(months):
            if tid == "T10":
                sick = 60.0  # 30 %
            elif tid == "T11":
                sick = 8.0 if j < 12 else 16.0  # 4 % then 8 %: a shift in the run chart
            else:
                sick = 10.0 + (j % 2)  # 5 % / 5.5 % alternating: no signal
            rows += month_rows(tid, PAED, 10, 200, sick, 0, [m])
    return write_dataset(tmp_path / "many", tilbud, rows)


def test_funnel_flags_the_outlier(many: data.Dataset) -> None:
    result = fravaer.funnel(many, 2025)
    assert "T10" in fravaer.above_limit(result)
    assert list(fravaer.outside_limits(result)["tilbud_id"]).count("T10") == 1
    assert result.n_hidden == 0
    assert {"nedre_998", "oevre_998", "placering"} <= set(result.table.columns)
    assert result.forklaring


def test_run_chart_signal(many: data.Dataset) -> None:
    charts = fravaer.run_charts(many, 2025)
    points, summary = charts.points, charts.summary
    flagged = set(summary.loc[summary["signal"], "tilbud_id"])
    assert charts.n_charts == len(summary)
    # Chance alone: the per-chart false-signal rate times the number of charts.
    # (T10 is flat: all its points sit on the median, so its chart cannot signal at all.)
    useful = [
        stats.anhoej_rules(g["saesonjusteret"].to_numpy()).n_useful
        for _, g in points.groupby("tilbud_id")
    ]
    expected = sum(stats.chance_signal_rate(n) for n in useful)
    assert charts.expected_chance_signals == pytest.approx(expected)
    assert 0 < expected < 0.1 * charts.n_charts
    assert "T11" in flagged
    assert "T00" not in flagged
    assert len(points.loc[points["tilbud_id"] == "T00"]) == 24
    assert fravaer.key_figures(many, 2025)["fravaer.tilbud_med_signal"] == sorted(flagged)


def test_run_charts_remove_the_centre_season_before_the_rules(tmp_path: Path) -> None:
    """A facility that only follows the centre's winter peak does not signal once the season
    is removed; a raw-rate chart of the same series does."""
    tilbud = [facility(f"T{i}", f"Tilbud {i}", "autisme") for i in range(6)]
    rows = []
    rng = np.random.default_rng(4)
    for i in range(6):
        for y in (2022, 2023, 2024, 2025):
            for m in range(1, 13):
                winter = 30.0 if m in (1, 2, 3, 10, 11, 12) else 0.0
                noise = float(rng.integers(0, 10))
                rows += month_rows(
                    f"T{i}", PAED, 10, 1000, 50.0 + winter + noise, 0, [f"{y}-{m:02d}"]
                )
    ds = write_dataset(tmp_path / "season", tilbud, rows)
    charts = fravaer.run_charts(ds, 2025)
    assert charts.seasonally_adjusted
    by_facility = charts.points.groupby("tilbud_id")
    raw = [stats.anhoej_rules(g["fravaersprocent"].to_numpy()).signal for _, g in by_facility]
    assert any(raw)
    assert not charts.summary["signal"].any()


def test_chance_signal_rate_equals_looping_the_rules_over_the_same_noise() -> None:
    for n in (12, 23, 24):
        sims = np.random.default_rng(14).standard_normal((2000, n))
        looped = np.mean([stats.anhoej_rules(row).signal for row in sims])
        assert stats.chance_signal_rate(n, n_sim=2000) == pytest.approx(looped)


def test_centre_p_chart_is_laney(many: data.Dataset) -> None:
    result = fravaer.centre_p_chart(many, 2025)
    chart = result.table
    assert len(chart) == 24
    assert result.laney is True
    assert chart["centre"].iloc[0] == pytest.approx(
        chart["numerator"].sum() / chart["denominator"].sum()
    )


def test_seasonal_needs_two_years(many: data.Dataset, small: data.Dataset) -> None:
    profile = fravaer.seasonal(many, 2025)
    assert profile is not None
    assert list(profile.table["maaned_nr"]) == list(range(1, 13))
    assert profile.maaneder == 24 and profile.hoejeste_maaned in fmt.MAANEDER
    assert fravaer.seasonal(many, 2024) is None  # only 12 months up to 2024


def test_funnel_explanation_counts_units_outside_unadjusted_limits() -> None:
    from statusrapport import stats

    frame = pd.DataFrame(
        {
            "tilbud_id": [f"T{i}" for i in range(10)],
            "syg": [200.0 + 100 * i for i in range(10)],  # 2 % … 11 % of 10,000 days
            "mulige": [10_000.0] * 10,
        }
    )
    result = stats.funnel_table(frame, "syg", "mulige", label="tilbud_id", kind="proportion")
    assert result.adjusted
    # "Uden tillægget" means the exact binomial 99.8 % limits (the unadjusted funnel).
    exact = stats.funnel_limits(result.target, frame["mulige"], kind="proportion")
    rate = frame["syg"] / frame["mulige"]
    expected = int(((rate > exact["upper_998"]) | (rate < exact["lower_998"])).sum())
    assert expected > 0
    text = common.funnel_explanation(result)
    assert f"Uden tillægget ville {expected} af 10 tilbud" in text
    # Between-facility spread dwarfs binomial noise here: the text must not claim a funnel.
    assert "næsten lige brede" in text and "bredest for de små" not in text


def test_funnel_counts_in_key_figures_match_the_table(demo_dir: Path) -> None:
    dataset = data.load(demo_dir)
    tragt = fravaer.funnel(dataset, 2025)
    kf = fravaer.key_figures(dataset, 2025)
    assert kf["fravaer.antal_tilbud_over_998_graense"] == tragt.counts["over_998"]
    assert kf["fravaer.antal_tilbud_under_95_graense"] == tragt.counts["under_95"]
    assert tragt.counts["over_95"] >= tragt.counts["over_998"]
    low, high = kf["fravaer.aendring_procentpoint_ci"]
    assert low <= kf["fravaer.aendring_procentpoint"] <= high


def _change(change: float, low: float | None, high: float | None, n: int = 30) -> Change:
    return Change(0.06, 0.06 + change / 100, change, low, high, n, 2000, 0.95)


@pytest.mark.parametrize(
    ("change", "word"),
    [
        (_change(0.3, 0.1, 0.5), "steget"),
        (_change(-0.3, -0.5, -0.1), "faldet"),
        (_change(-0.1, -0.5, 0.3), "uændret"),  # inside ±0,6 point (10 % of 6 %)
        (_change(-3.0, -5.0, 0.2), "kan ikke afgøres"),
        (_change(-10.2, None, None, n=3), "kan ikke afgøres"),
        (None, common.UKENDT),
    ],
)
def test_verdict_follows_the_interval_not_the_size(change: Change | None, word: str) -> None:
    assert common.verdict(change) == word


def test_verdict_is_the_resumes_word_for_the_same_interval() -> None:
    """One vocabulary: a page's table and the resumé say the same word for the same change."""
    from statusrapport.analysis import resume

    rng = np.random.default_rng(11)
    for _ in range(200):
        low, high = sorted(rng.normal(0, 1, 2))
        change = _change((low + high) / 2, low, high)
        assert common.verdict(change) == resume.change_verdict(0.06, [low, high])
        assert common.verdict(change) in common.VERDICTS


def test_wording_never_calls_a_change_whose_interval_contains_zero_a_rise_or_fall() -> None:
    rng = np.random.default_rng(5)
    risky = (" er steget fra", " er faldet fra", "stigning", "fald ")
    for _ in range(300):
        low, high = sorted(rng.normal(0, 2, 2))
        centre = rng.uniform(low, high)
        text = common.change_sentence("Sygefraværet", _change(centre, low, high), 2025)
        if low <= 0 <= high:
            assert not any(w in text for w in risky), text
            assert ("er uændret" in text) != ("kan ikke afgøres" in text), text
        else:
            assert (" er steget fra " if low > 0 else " er faldet fra ") in text
        assert "interval" not in text and "procentpoint" not in text  # intervals go in tables


def test_change_sentence_says_the_word_and_the_two_levels() -> None:
    level = common.change_sentence("Sygefraværet", _change(-0.07, -0.52, 0.41), 2025)
    assert level == "Sygefraværet er uændret: 5,9\u00a0% i 2025 mod 6,0\u00a0% i 2024."
    sure = common.change_sentence("Sygefraværet", _change(0.4, 0.1, 0.8), 2025)
    assert sure == "Sygefraværet er steget fra 6,0\u00a0% i 2024 til 6,4\u00a0% i 2025."
    wide = common.change_sentence("Sygefraværet", _change(-0.2, -0.9, 0.5), 2025)
    assert wide == (
        "Om sygefraværet er steget eller faldet fra 6,0\u00a0% i 2024 til 5,8\u00a0% i 2025, "
        "kan ikke afgøres."
    )
    few = common.change_sentence("Omsætningen", _change(-10.2, None, None, n=3), 2025)
    assert " er steget fra" not in few and " er faldet fra" not in few and "3 tilbud" in few
    assert "kan ikke afgøres" in few


@pytest.mark.parametrize(("sigma_z", "word"), [(1.4, "gjort bredere"), (0.9, "gjort smallere")])
def test_p_chart_text_says_widened_or_narrowed_as_sigma_z_says(sigma_z: float, word: str) -> None:
    chart = stats.p_chart([10.0, 12, 9], [100.0, 100, 100], laney=True)
    text = fravaer.p_chart_text(stats.ControlChart(chart.table, sigma_z, chart.laney, chart.anhoej))
    assert f"Grænserne er {word}" in text
    other = "gjort smallere" if word == "gjort bredere" else "gjort bredere"
    assert other not in text and "Laney" not in text  # the method's name is on the method page


def test_centre_p_chart_leaves_a_month_without_data_as_a_gap(demo_dir: Path) -> None:
    dataset = data.load(demo_dir)
    full = fravaer.centre_p_chart(dataset, 2025)
    gone = dataset.fravaer.loc[dataset.fravaer["maaned"].astype(str) != "2022-06"]
    holed = fravaer.centre_p_chart(dataclasses.replace(dataset, fravaer=gone), 2025)
    assert len(holed.table) == len(full.table)
    row = holed.table.loc[holed.table["dato"] == pd.Timestamp("2022-06-01")]
    assert len(row) == 1 and np.isnan(row["value"].iloc[0])
    assert holed.sigma_z != pytest.approx(full.sigma_z)
