"""Tilsyn analyses on tiny hand-made datasets with hand-computed answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from statusrapport import config, data, fmt, stats
from statusrapport.analysis import tilsyn

T = config.TEMAER  # seven themes, law order
REPEALED = set(config.TEMAER_OPHAEVET)


def _write_dataset(
    folder: Path,
    *,
    tilbud: list[tuple[str, str, str, str | None]],
    tilsyn_rows: list[tuple[str, str, str, float]],
    paabud_rows: list[tuple[str, str, str, str, str]] = (),
    noegletal_rows: list[tuple[str, int, str, float]] = (),
) -> data.Dataset:
    """Write the contract CSVs (unused ones empty) and parse them like the pipeline does."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {key: pd.DataFrame(columns=list(cols)) for key, cols in config.FILES.items()}
    frames["tilbud"] = pd.DataFrame(
        [(tid, navn, "CLB", "autisme", "§ 108", 20, fra, til) for tid, navn, fra, til in tilbud],
        columns=list(config.FILES["tilbud"]),
    )
    # the optional rapport_link column left out, as a file made before it was added
    frames["tilsyn"] = pd.DataFrame(tilsyn_rows, columns=list(config.FILES["tilsyn"])[:4])
    frames["paabud"] = pd.DataFrame(list(paabud_rows), columns=list(config.FILES["paabud"]))
    frames["noegletal"] = pd.DataFrame(
        list(noegletal_rows), columns=list(config.FILES["noegletal"])
    )
    for key, frame in frames.items():
        frame.to_csv(folder / f"{key}.csv", index=False)
    return data.parse(folder)


def _inspection(tid: str, date: str, scores: list[float], themes=T) -> list[tuple]:
    return [(tid, date, theme, score) for theme, score in zip(themes, scores, strict=True)]


# B's 2024 scores per theme: 7-theme mean 26/7 ≈ 3.714, 5-theme mean 19/5 = 3.8.
B_2024 = [3.0, 4.0, 4.0, 4.0, 3.0, 4.0, 4.0]


def _three_facilities(folder: Path, *, with_2025: bool = False) -> data.Dataset:
    """A, B, C active; E closed in 2022; D (only with 2025) never inspected."""
    rows = (
        _inspection("A", "2023-05-01", [3.5] * 7)
        + _inspection("A", "2024-03-01", [4.0] * 7)
        + _inspection("A", "2024-09-01", [3.9] * 7)
        + _inspection("B", "2023-06-01", [4.2] * 7)
        + _inspection("B", "2024-06-01", B_2024)
        + _inspection("C", "2023-04-01", [3.8] * 7)
        + _inspection("C", "2024-04-01", [3.8] * 7)
        + _inspection("E", "2021-04-01", [2.0] * 7)
    )
    tilbud = [
        ("A", "Alfa", "2019-01-01", None),
        ("B", "Beta", "2019-01-01", None),
        ("C", "Gamma", "2019-01-01", None),
        ("E", "Epsilon", "2019-01-01", "2022-06-30"),
    ]
    if with_2025:
        tilbud.append(("D", "Delta", "2019-01-01", None))
        reformed = config.TEMAER_EFTER_REFORM
        b_2025 = [1.0 if t in REPEALED else 4.0 for t in T]  # 7 themes: 22/7; 5 themes: 4.0
        rows += _inspection("A", "2025-08-01", [4.5] * 5, reformed)
        rows += _inspection("B", "2025-02-01", b_2025)
    paabud = [
        ("A", "2024-02-01", "Arbejdstilsynet", "påbud", "Påbud om alenearbejde"),
        ("A", "2024-05-01", "Brandmyndigheden", "strakspåbud", "Flugtveje"),
        ("B", "2023-03-01", "Socialtilsynet", "sanktion", "Stop for optag"),
    ]
    return _write_dataset(folder, tilbud=tilbud, tilsyn_rows=rows, paabud_rows=paabud)


@pytest.fixture
def ds(tmp_path: Path) -> data.Dataset:
    return _three_facilities(tmp_path / "data")


@pytest.fixture
def ds_reform(tmp_path: Path) -> data.Dataset:
    return _three_facilities(tmp_path / "data", with_2025=True)


def test_inspection_average_is_mean_of_theme_scores(ds: data.Dataset) -> None:
    insp = tilsyn.inspections(ds.tilsyn)
    b = insp[(insp["tilbud_id"] == "B") & (insp["aar"] == 2024)]
    assert b["gennemsnit"].iloc[0] == pytest.approx(26 / 7)
    assert b["antal_temaer"].iloc[0] == 7


def test_latest_inspection_in_year_and_share_at_target(ds: data.Dataset) -> None:
    scores = tilsyn.latest_scores(ds, 2024).set_index("tilbud_id")
    assert list(scores.index) == ["A", "B", "C"]  # closed E is not active in 2024
    assert scores.loc["A", "Gennemsnit"] == pytest.approx(3.9)  # September, not March
    assert scores.loc["A", "Tilsynsdato"] == pd.Timestamp("2024-09-01")
    assert scores.loc["C", "Status"] == "opfyldt"  # exactly 3.8 meets "mindst 3,8"
    assert scores.loc["B", "Status"] == "ikke opfyldt"
    kf = tilsyn.key_figures(ds, 2024)
    assert kf["tilsyn.andel_tilbud_over_maal"] == pytest.approx(2 / 3)
    assert kf["tilsyn.antal_tilbud_under_maal"] == 1
    assert kf["tilsyn.gns_score"] == pytest.approx((3.9 + 26 / 7 + 3.8) / 3)
    assert kf["tilsyn.gns_score_pr_tilbud"]["B"] == pytest.approx(26 / 7)
    assert kf["tilsyn.temaer_sammenlignet"] == 7


def test_target_threshold_comes_from_config(ds: data.Dataset, monkeypatch) -> None:
    monkeypatch.setattr(config, "TARGETS", config.Targets(tilsyn_min=3.85))
    scores = tilsyn.latest_scores(ds, 2024).set_index("tilbud_id")
    assert scores.loc["C", "Status"] == "ikke opfyldt"
    assert tilsyn.meets_target(3.9) and not tilsyn.meets_target(3.8)


def test_theme_means_over_latest_inspections(ds: data.Dataset) -> None:
    themes = tilsyn.theme_means(ds, 2024).set_index("Tema")
    assert list(themes.index) == list(T)
    assert themes.loc[T[0], "Gennemsnit"] == pytest.approx((3.9 + 3.0 + 3.8) / 3)
    assert themes.loc[T[1], "Gennemsnit"] == pytest.approx((3.9 + 4.0 + 3.8) / 3)
    assert (themes["Antal tilbud"] == 3).all()


def test_change_since_previous_inspection(ds: data.Dataset) -> None:
    change = tilsyn.change_since_previous(ds, 2024).set_index("tilbud_id")
    assert change.loc["A", "Ændring"] == pytest.approx(-0.1)  # previous is March, same year
    assert change.loc["B", "Ændring"] == pytest.approx(26 / 7 - 4.2)
    assert change.loc["C", "Ændring"] == pytest.approx(0.0)
    assert change.loc["B", "Tilbud"] == "Beta"


def test_distribution_counts_every_scored_facility(ds: data.Dataset) -> None:
    dist = tilsyn.distribution(tilsyn.latest_scores(ds, 2024))
    assert dist["Antal tilbud"].sum() == 3
    row = dist.set_index("Interval").loc["3,8–4,0"]
    assert row["Antal tilbud"] == 2  # 3.8 and 3.9: the interval starts at the target
    assert dist["Til"].iloc[-1] == 5.0


def test_no_reform_without_five_theme_inspections(ds: data.Dataset) -> None:
    assert tilsyn.reform_year(ds.tilsyn, 2024) is None
    assert tilsyn.comparison_themes(ds.tilsyn, 2024) == config.TEMAER
    assert tilsyn.reform_note(ds.tilsyn, 2024) == ""


def test_reform_detected_and_all_years_on_five_themes(ds_reform: data.Dataset) -> None:
    assert tilsyn.reform_year(ds_reform.tilsyn, 2025) == 2025
    assert tilsyn.reform_year(ds_reform.tilsyn, 2024) is None  # a 2024 report is unaffected
    assert tilsyn.comparison_themes(ds_reform.tilsyn, 2025) == config.TEMAER_EFTER_REFORM
    note = tilsyn.reform_note(ds_reform.tilsyn, 2025)
    assert note.startswith("Fra 2025 vurderer Socialtilsynet 5 temaer")
    assert "samme 5 temaer" in note

    scores = tilsyn.latest_scores(ds_reform, 2025).set_index("tilbud_id")
    assert scores.loc["B", "Gennemsnit"] == pytest.approx(4.0)  # not the 7-theme 22/7
    assert scores.loc["B", "Antal temaer"] == 5
    assert scores.loc["C", "Gennemsnit"] == pytest.approx(3.8)  # 2024 still counts in 2025
    assert scores.loc["D", "Status"] == tilsyn.INGEN_TILSYN
    assert math.isnan(scores.loc["D", "Gennemsnit"])

    yearly = tilsyn.yearly_means(ds_reform, 2025).set_index("År")
    # 2024 on the 5 themes: A 3.9, B 19/5 = 3.8, C 3.8
    assert yearly.loc[2024, "Gennemsnit"] == pytest.approx((3.9 + 3.8 + 3.8) / 3)
    assert yearly.loc[2024, "Antal opfyldt"] == 3
    assert yearly.loc[2025, "Gennemsnit"] == pytest.approx((4.5 + 4.0 + 3.8) / 3)

    kf = tilsyn.key_figures(ds_reform, 2025)
    assert kf["tilsyn.temaer_sammenlignet"] == 5
    assert kf["tilsyn.antal_tilbud_ingen_tilsyn"] == 1
    assert kf["tilsyn.andel_tilbud_over_maal"] == pytest.approx(1.0)  # D has no score
    assert kf["tilsyn.gns_score_pr_tilbud"]["D"] is None
    assert set(kf["tilsyn.gns_score_pr_tema"]) == set(config.TEMAER_EFTER_REFORM)


def test_change_since_previous_across_the_reform(ds_reform: data.Dataset) -> None:
    change = tilsyn.change_since_previous(ds_reform, 2025).set_index("tilbud_id")
    assert change.loc["B", "Ændring"] == pytest.approx(4.0 - 3.8)  # both on 5 themes


def test_trend_none_with_one_year_and_positive_for_rising_scores(tmp_path: Path) -> None:
    one = _write_dataset(
        tmp_path / "one",
        tilbud=[("A", "Alfa", "2019-01-01", None)],
        tilsyn_rows=_inspection("A", "2024-01-01", [4.0] * 7),
    )
    assert tilsyn.trend(one, 2024) is None
    assert "ét år" in tilsyn.trend_sentence(None)

    rng = np.random.default_rng(1)
    rows = []
    for i, tid in enumerate("ABCDE"):
        for year in (2021, 2022, 2023, 2024):
            level = 3.5 + 0.1 * i + 0.1 * (year - 2021)
            noise = rng.normal(0, 0.05, size=7)
            rows += _inspection(tid, f"{year}-05-0{i + 1}", [level + n for n in noise])
    rising = _write_dataset(
        tmp_path / "rising",
        tilbud=[(t, f"Tilbud {t}", "2019-01-01", None) for t in "ABCDE"],
        tilsyn_rows=rows,
    )
    result = tilsyn.trend(rising, 2024)
    assert result is not None
    assert result.slope == pytest.approx(0.1, abs=0.02)
    assert result.ci_low < result.slope < result.ci_high
    assert result.n_groups == 5
    diag = tilsyn.trend_diagnostics(result).set_index("diagnostik")["vaerdi"]
    assert diag["tilbud (klynger)"] == 5 and diag["model"] == tilsyn.trend_method(result)
    if result.model == "mixedlm":
        fit = result.result
        total = float(fit.cov_re.iloc[0, 0]) + float(np.sum(fit.vcomp)) + float(fit.scale)
        assert diag["ICC, tilbud"] == pytest.approx(float(fit.cov_re.iloc[0, 0]) / total)
    else:
        assert diag["grund til reserve"] == result.fallback_reason


def _trend(slope: float, low: float, high: float, **kw: object) -> stats.TrendResult:
    values: dict[str, object] = {
        "p_value": 0.01,
        "n_groups": 36,
        "n_obs": 900,
        "converged": True,
        "model": "mixedlm",
        "inspection_level": True,
        "theme_adjusted": True,
        "year_reference": 2019,
        "result": None,
    }
    values.update(kw)
    return stats.TrendResult(slope, low, high, **values)  # type: ignore[arg-type]


def test_trend_sentence_in_danish() -> None:
    assert tilsyn.trend_sentence(_trend(0.05, 0.02, 0.08)) == (
        "Scoren er i gennemsnit steget 0,05 point om året "
        f"(95{fmt.NBSP}%-sikkerhedsinterval 0,02 til 0,08)."
    )
    assert tilsyn.trend_sentence(_trend(-0.05, -0.08, -0.02)).startswith(
        "Scoren er i gennemsnit faldet 0,05 point om året"
    )
    narrow = _trend(0.036, 0.028, 0.044)
    assert "0,036 point" in tilsyn.trend_sentence(narrow)


@pytest.mark.parametrize(
    ("slope", "low", "high"), [(-0.03, -0.07, 0.01), (0.04, -0.001, 0.08), (0.0, -0.02, 0.02)]
)
def test_trend_whose_interval_contains_0_is_never_called_a_rise_or_fall(
    slope: float, low: float, high: float
) -> None:
    text = tilsyn.trend_sentence(_trend(slope, low, high))
    assert "steget" not in text and "faldet" not in text
    assert text.startswith("Scoren har i gennemsnit været på niveau fra år til år")
    assert "rummer 0" in text
    assert not any(f"-{d}" in text for d in "0123456789")  # typographic minus only


def test_trend_words_live_in_analysis_not_in_the_stats_result() -> None:
    mixed = _trend(0.05, 0.02, 0.08)
    assert "tilfældigt niveau pr. tilbud og pr. tilsyn og justering for tema" in (
        tilsyn.trend_explanation(mixed)
    )
    fallback = _trend(
        0.05,
        0.02,
        0.08,
        converged=False,
        model="cluster_ols",
        inspection_level=False,
        fallback_reason="zero_facility_variance",
    )
    text = tilsyn.trend_explanation(fallback)
    assert "variationen mellem tilbud er estimeret til 0" in text and "klyngerobuste" in text
    assert tilsyn.trend_method(fallback).startswith("Almindelig regression")
    assert not any(isinstance(v, str) and " " in v for v in vars(fallback).values())


def test_orders_by_authority_list_and_year(ds: data.Dataset) -> None:
    table = tilsyn.paabud_by_authority(ds, 2024).set_index("Myndighed")
    assert list(table.index[:-1]) == list(config.MYNDIGHEDER)  # all authorities, zeros shown
    assert table.loc["Arbejdstilsynet", "Påbud"] == 1
    assert table.loc["Brandmyndigheden", "Strakspåbud"] == 1
    assert table.loc["Socialtilsynet", "I alt"] == 0
    assert table.loc["I alt", "I alt"] == 2

    listing = tilsyn.paabud_list(ds, 2024)
    assert list(listing["Tilbud"]) == ["Alfa", "Alfa"]
    assert list(listing["Myndighed"]) == ["Arbejdstilsynet", "Brandmyndigheden"]

    by_year = tilsyn.paabud_by_year(ds, 2024).set_index("År")
    assert by_year.loc[2023, "Socialtilsynet"] == 1
    assert by_year.loc[2024, "I alt"] == 2
    assert by_year.loc[2022, "I alt"] == 0  # a year without orders is a zero, not a gap

    kf = tilsyn.key_figures(ds, 2024)
    assert kf["tilsyn.antal_paabud"] == 2
    assert kf["tilsyn.paabud_pr_myndighed"]["Arbejdstilsynet"] == 1
    assert kf["tilsyn.paabud_pr_myndighed"]["Socialtilsynet"] == 0
    assert set(kf["tilsyn.paabud_pr_myndighed"]) == set(config.MYNDIGHEDER)


def test_target_summary_and_change_summary(ds_reform: data.Dataset) -> None:
    summary = tilsyn.target_summary(tilsyn.latest_scores(ds_reform, 2025), 2025)
    assert (summary.n_met, summary.n_scored, summary.n_active) == (3, 3, 4)
    assert summary.no_inspection == ["Delta"]
    assert summary.n_from_previous_year == 1  # Gamma's score is from 2024
    assert summary.below.empty
    summary_2024 = tilsyn.target_summary(tilsyn.latest_scores(ds_reform, 2024), 2024)
    assert list(summary_2024.below["Tilbud"]) == ["Beta"]

    change = tilsyn.change_since_previous(ds_reform, 2025)
    counts = tilsyn.change_summary(change)
    assert counts == {"steget": 2, "faldet": 0, "uændret": 1, "i alt": 3}  # A, B up; C level


def test_change_since_previous_is_a_rise_only_beyond_two_inspections_noise() -> None:
    change = pd.DataFrame({"Ændring": [0.30, 0.10, -0.05, -0.41, 0.0]})
    band = tilsyn.NearTarget(low=3.6, high=4.0, half_width=0.2, sd_inspection=0.102, n_themes=5)
    limit = tilsyn.change_threshold(band)
    assert limit == pytest.approx(math.sqrt(2) * 0.2)  # difference of two inspections: √2·z·SD
    counts = tilsyn.change_summary(change, threshold=limit)
    assert counts == {"steget": 1, "faldet": 1, "uændret": 3, "i alt": 5}
    assert tilsyn.change_threshold(None) is None


def test_paabud_summary(ds: data.Dataset) -> None:
    assert tilsyn.paabud_summary(ds, 2024) == {"antal": 2, "antal_tilbud": 1}
    assert tilsyn.paabud_summary(ds, 2022) == {"antal": 0, "antal_tilbud": 0}
    summary = tilsyn.target_summary(tilsyn.latest_scores(ds, 2024), 2024)
    assert summary.share == pytest.approx(2 / 3)


def test_near_target_band_is_one_inspections_uncertainty(demo_dir: Path) -> None:
    ds = data.load(demo_dir)
    band = tilsyn.near_target_band(ds, 2025)
    assert band is not None
    fit = tilsyn.trend(ds, 2025).result
    k = len(tilsyn.comparison_themes(ds.tilsyn, 2025))
    sd = math.sqrt(float(fit.vcomp[0]) + float(fit.scale) / k)
    assert band.sd_inspection == pytest.approx(sd)
    assert band.half_width == pytest.approx(1.959964 * sd, rel=1e-5)
    assert band.low < config.TARGETS.tilsyn_min < band.high
    text = tilsyn.near_target_sentence(band, tilsyn.latest_scores(ds, 2025))
    assert "tæt på målet" in text and "under målet" in text
