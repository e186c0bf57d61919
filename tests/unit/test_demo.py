"""The demo data must be deterministic, follow the contract and look like the public figures.

Each calibration test states the public figure (DOMAIN.md) it protects, so a change to the
generator that drifts away from realism fails here rather than on the published site.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from statusrapport import config, contract, demo

YEARS = (2019, 2025)


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.generate()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo") / "raw"  # does not exist yet: must be created
    return out, demo.write_demo_data(out)


@pytest.fixture(scope="module")
def fravaer(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    f = frames["fravaer"].copy()
    f["aar"] = f["maaned"].str[:4].astype(int)
    f["md"] = f["maaned"].str[5:].astype(int)
    return f


def _rate(df: pd.DataFrame, by: str | list[str]) -> pd.Series:
    sums = df.groupby(by)[["sygefravaer_dagsvaerk", "mulige_dagsvaerk"]].sum()
    return sums["sygefravaer_dagsvaerk"] / sums["mulige_dagsvaerk"]


# --- Files, determinism, contract ------------------------------------------------------------


def test_writes_seven_csvs_and_marker(written: tuple[Path, list[Path]]) -> None:
    out, paths = written
    expected = [out / f"{key}.csv" for key in config.FILES] + [out / config.DEMO_MARKER]
    assert paths == expected
    assert all(p.is_file() for p in paths)


def test_marker_file(written: tuple[Path, list[Path]]) -> None:
    out, _ = written
    text = (out / config.DEMO_MARKER).read_text(encoding="utf-8")
    marker = json.loads(text)
    assert marker == {
        "fiktive_data": True,
        "seed": 2025,
        "years": [2019, 2025],
        "n_facilities": 36,
        "generator": "statusrapport.demo",
        "note": "Fiktive data – ikke til beslutningsbrug",
    }
    assert list(marker) == sorted(marker)  # sorted keys: stable bytes
    assert config.is_demo(out)


def test_same_seed_gives_identical_bytes(written: tuple[Path, list[Path]], tmp_path: Path) -> None:
    _, first = written
    second = demo.write_demo_data(tmp_path)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_other_seed_gives_other_data(frames: dict[str, pd.DataFrame]) -> None:
    other = demo.generate(seed=7)
    for key in ("tilbud", "tilsyn", "fravaer", "personale", "noegletal"):
        assert not frames[key].equals(other[key]), key


def test_generate_uses_generate_fravaer(frames: dict[str, pd.DataFrame]) -> None:
    alone = demo.generate_fravaer(36, YEARS, 2025)
    pd.testing.assert_frame_equal(frames["fravaer"], alone)


@pytest.mark.parametrize("key", [spec.name for spec in contract.FILES])
def test_csv_format_and_columns(written: tuple[Path, list[Path]], key: str) -> None:
    out, _ = written
    raw = (out / f"{key}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "only \\n line endings"
    raw.decode("utf-8")  # valid UTF-8
    header = raw.split(b"\n", 1)[0].decode("utf-8")
    columns = contract.BY_NAME[key].column_names
    assert tuple(header.split(",")) == columns
    df = pd.read_csv(out / f"{key}.csv")
    assert len(df) > 0
    assert tuple(df.columns) == columns


def test_frames_have_contract_columns(frames: dict[str, pd.DataFrame]) -> None:
    assert list(frames) == [spec.name for spec in contract.FILES]
    for key, df in frames.items():
        assert tuple(df.columns) == contract.BY_NAME[key].column_names, key


def test_frames_keep_the_contracts_ids_and_lengths(frames: dict[str, pd.DataFrame]) -> None:
    """Demo ids match the id pattern, texts are within their limits, categories are allowed."""
    for spec in contract.FILES:
        frame = frames[spec.name]
        for column in spec.columns:
            values = frame[column.name].dropna()
            if column.kind == "id":
                assert values.astype(str).str.fullmatch(contract.ID_PATTERN[1:-1]).all()
            if column.kind in ("id", "tekst") and len(values):
                assert values.astype(str).str.len().max() <= column.limit, column.name
            if column.allowed:
                assert set(values) <= set(contract.VOCABULARIES[column.allowed]), column.name


def test_demo_invents_no_report_links(frames: dict[str, pd.DataFrame]) -> None:
    """The optional rapport_link stays empty: demo data never carries a made-up address."""
    assert frames["tilsyn"]["rapport_link"].isna().all()


def test_dates_inside_period(frames: dict[str, pd.DataFrame]) -> None:
    last = f"{YEARS[1]}-12-31"
    first = f"{YEARS[0]}-01-01"
    for key, col in (("tilsyn", "tilsynsdato"), ("paabud", "dato"), ("tilbud", "aktiv_fra")):
        dates = frames[key][col]
        assert dates.between(first, last).all(), key
    months = frames["fravaer"]["maaned"]
    assert months.min() == f"{YEARS[0]}-01" and months.max() == f"{YEARS[1]}-12"
    for key in ("personale", "noegletal"):
        assert frames[key]["aar"].between(*YEARS).all(), key
    bu_years = set(frames["bostedsundersoegelse"]["aar"])
    assert bu_years == {2008, *range(YEARS[0], YEARS[1] + 1)}


def test_vocabularies(frames: dict[str, pd.DataFrame]) -> None:
    assert set(frames["tilbud"]["maalgruppe"]) <= set(config.MAALGRUPPER)
    assert set(frames["tilsyn"]["tema"]) <= set(config.TEMAER)
    assert set(frames["paabud"]["myndighed"]) <= set(config.MYNDIGHEDER)
    assert set(frames["paabud"]["type"]) <= set(config.PAABUD_TYPER)
    assert set(frames["fravaer"]["faggruppe"]) <= set(config.FAGGRUPPER)
    assert set(frames["noegletal"]["indikator"]) == set(config.INDIKATORER)
    assert set(frames["bostedsundersoegelse"]["status"]) <= set(config.STATUSSER)


# --- Facilities and staff --------------------------------------------------------------------


def test_facilities(frames: dict[str, pd.DataFrame]) -> None:
    tilbud = frames["tilbud"]
    assert tilbud["tilbud_id"].tolist() == [f"CLB{i:02d}" for i in range(1, 37)]
    assert tilbud["navn"].is_unique
    counts = tilbud["maalgruppe"].value_counts()
    assert set(counts.index) == set(config.MAALGRUPPER)
    assert counts.idxmax() == "socialpsykiatri"
    assert 1100 <= tilbud["pladser"].sum() <= 1300
    assert tilbud["pladser"].between(8, 80).all()
    assert tilbud["aktiv_til"].isna().all()
    assert (tilbud["paragraf"] == "§ 108").mean() > 0.5


def test_newcomer_has_no_earlier_data(frames: dict[str, pd.DataFrame]) -> None:
    tilbud = frames["tilbud"]
    new = tilbud.loc[tilbud["aktiv_fra"] == "2021-03-01", "tilbud_id"]
    assert len(new) == 1
    tid = new.iat[0]
    assert (tilbud["aktiv_fra"] == f"{YEARS[0]}-01-01").sum() == 35
    f = frames["fravaer"]
    assert f.loc[f["tilbud_id"] == tid, "maaned"].min() == "2021-03"
    for key, col in (("tilsyn", "tilsynsdato"), ("paabud", "dato")):
        d = frames[key]
        assert (d.loc[d["tilbud_id"] == tid, col] >= "2021-03-01").all()
    for key in ("personale", "noegletal"):
        d = frames[key]
        assert d.loc[d["tilbud_id"] == tid, "aar"].min() == 2021


def test_headcount_and_fte_totals(frames: dict[str, pd.DataFrame], fravaer: pd.DataFrame) -> None:
    personale = frames["personale"]
    last = personale[personale["aar"] == YEARS[1]]
    assert 2300 <= last["gns_ansatte"].sum() <= 2700
    fte = fravaer[fravaer["aar"] == YEARS[1]].groupby("maaned")["fuldtidsstillinger"].sum()
    assert 1950 <= fte.mean() <= 2350
    ledelse = fravaer.loc[fravaer["faggruppe"] == "ledelse", "fuldtidsstillinger"]
    assert ledelse.between(0.5, 3.5).all()


def test_turnover_per_year(frames: dict[str, pd.DataFrame]) -> None:
    sums = frames["personale"].groupby("aar")[["fratraadte", "gns_ansatte"]].sum()
    turnover = sums["fratraadte"] / sums["gns_ansatte"]
    assert turnover.between(0.15, 0.30).all(), turnover.round(3).to_dict()
    per_facility = frames["personale"].query("aar == 2024")
    facility_rates = per_facility["fratraadte"] / per_facility["gns_ansatte"]
    assert facility_rates.std() > 0.03  # facility variation, not one common rate


# --- Sickness absence --------------------------------------------------------------------


def test_absence_rate_per_year(fravaer: pd.DataFrame) -> None:
    # KK: ~12 days/FTE (5.3 %) before COVID, 14.5 days (6.4 %) in 2023.
    rate = _rate(fravaer, "aar")
    assert set(rate.index) == set(range(YEARS[0], YEARS[1] + 1))
    assert rate.between(0.05, 0.07).all(), rate.round(4).to_dict()


def test_absence_by_staff_group(fravaer: pd.DataFrame) -> None:
    rate = _rate(fravaer, "faggruppe")
    assert rate["social- og sundhedspersonale"] > rate["pædagogisk personale"] > rate["ledelse"]
    assert rate.idxmin() == "ledelse"


def test_absence_row_invariants(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["fravaer"]
    assert (f["fuldtidsstillinger"] > 0).all()
    assert (f["langtidssygefravaer_dagsvaerk"] >= 0).all()
    assert (f["langtidssygefravaer_dagsvaerk"] <= f["sygefravaer_dagsvaerk"]).all()
    assert (f["sygefravaer_dagsvaerk"] <= f["mulige_dagsvaerk"]).all()
    for col in ("fuldtidsstillinger", "mulige_dagsvaerk", "sygefravaer_dagsvaerk"):
        assert np.allclose(f[col], f[col].round(2)), col
    # About 227 possible days per FTE a year.
    f = f.assign(aar=f["maaned"].str[:4])
    per_year = f.groupby(["aar"])["mulige_dagsvaerk"].sum() / (
        f.groupby(["aar"])["fuldtidsstillinger"].sum() / 12
    )
    assert per_year.between(220, 234).all()


def test_long_term_share(fravaer: pd.DataFrame) -> None:
    sums = fravaer.groupby("aar")[["langtidssygefravaer_dagsvaerk", "sygefravaer_dagsvaerk"]].sum()
    share = sums["langtidssygefravaer_dagsvaerk"] / sums["sygefravaer_dagsvaerk"]
    assert share.between(0.35, 0.50).all(), share.round(3).to_dict()


def test_absence_seasonality(fravaer: pd.DataFrame) -> None:
    by_year_month = _rate(fravaer, ["aar", "md"]).unstack()
    winter = by_year_month[[1, 2]].mean(axis=1)
    july = by_year_month[7]
    assert winter.mean() > july.mean() * 1.15


def test_absence_overdispersion(fravaer: pd.DataFrame) -> None:
    # Spread of facility rates far beyond what a binomial (independent days) model allows.
    year = fravaer[fravaer["aar"] == 2024]
    sums = year.groupby("tilbud_id")[["sygefravaer_dagsvaerk", "mulige_dagsvaerk"]].sum()
    rates = sums["sygefravaer_dagsvaerk"] / sums["mulige_dagsvaerk"]
    p = sums["sygefravaer_dagsvaerk"].sum() / sums["mulige_dagsvaerk"].sum()
    binomial_var = (p * (1 - p) / sums["mulige_dagsvaerk"]).mean()
    assert rates.var() > 50 * binomial_var  # default data: ~135; without facility effects: ~20
    assert rates.max() > 1.5 * p  # right skew: some facilities much higher


def test_complete_months_and_groups(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["fravaer"]
    assert not f.duplicated(["tilbud_id", "maaned", "faggruppe"]).any()
    groups = f.groupby(["tilbud_id", "maaned"])["faggruppe"].nunique()
    assert groups.groupby("tilbud_id").nunique().eq(1).all()  # same groups every month


def test_generate_fravaer_large(tmp_path: Path) -> None:
    years, n = (2000, 2025), 400
    f = demo.generate_fravaer(n, years, 11)
    tilbud = demo.generate_tilbud(n, years, 11)
    assert tilbud["tilbud_id"].iat[0] == "CLB001"
    start = pd.PeriodIndex(tilbud["aktiv_fra"], freq="M")
    months_active = (pd.Period(f"{years[1]}-12", freq="M") - start).map(lambda d: d.n) + 1
    n_groups = np.where(tilbud["pladser"] >= demo.MIN_PLADSER_SUNDHED, 5, 4)
    assert len(f) == int((np.asarray(months_active) * n_groups).sum())
    assert f["tilbud_id"].nunique() == n
    assert f["maaned"].nunique() == 12 * (years[1] - years[0] + 1)


# --- Inspections and orders -------------------------------------------------------------


def test_scores_and_low_facilities(frames: dict[str, pd.DataFrame]) -> None:
    tilsyn = frames["tilsyn"]
    assert tilsyn["score"].between(1, 5).all()
    assert np.allclose(tilsyn["score"], tilsyn["score"].round(1))
    assert tilsyn["score"].mean() >= 4.0  # national picture: theme averages of at least 4
    last = tilsyn[tilsyn["tilsynsdato"].str[:4] == str(YEARS[1])]
    per_facility = last.groupby("tilbud_id")["score"].mean()
    assert 3 <= (per_facility < config.TARGETS.tilsyn_min).sum() <= 6


def test_at_least_one_inspection_a_year(frames: dict[str, pd.DataFrame]) -> None:
    tilsyn = frames["tilsyn"].assign(aar=lambda d: d["tilsynsdato"].str[:4].astype(int))
    visits = tilsyn.groupby(["tilbud_id", "aar"])["tilsynsdato"].nunique()
    assert (visits >= 1).all()
    assert (visits >= 2).any()  # risk-based extra visits
    expected = frames["personale"].groupby(["tilbud_id", "aar"]).size()
    assert set(visits.index) == set(expected.index)


def test_themes_before_and_after_reform(frames: dict[str, pd.DataFrame]) -> None:
    tilsyn = frames["tilsyn"]
    reform = config.REFORM_DATO.isoformat()
    themes = tilsyn.groupby(["tilbud_id", "tilsynsdato"])["tema"].agg(frozenset)
    dates = themes.index.get_level_values("tilsynsdato")
    before, after = themes[dates < reform], themes[dates >= reform]
    assert len(before) > 0 and len(after) > 0
    assert (before == frozenset(config.TEMAER)).all()
    assert (after == frozenset(config.TEMAER_EFTER_REFORM)).all()
    assert len(config.TEMAER) == 7 and len(config.TEMAER_EFTER_REFORM) == 5


def test_orders_are_few(frames: dict[str, pd.DataFrame]) -> None:
    paabud = frames["paabud"]
    per_year = paabud.groupby(paabud["dato"].str[:4]).size()
    assert per_year.between(3, 8).all(), per_year.to_dict()
    assert paabud.groupby(paabud["dato"].str[:4])["tilbud_id"].nunique().max() < 36 / 2
    assert paabud["beskrivelse"].str.len().gt(10).all()


# --- Key figures ------------------------------------------------------------------------


def test_key_figures(frames: dict[str, pd.DataFrame]) -> None:
    n = frames["noegletal"]
    by = {k: g for k, g in n.groupby("indikator")}
    assert set(by["trivsel"]["aar"]) == {2019, 2021, 2023, 2025}
    assert set(by["lederevaluering"]["aar"]) == {2020, 2022, 2024, 2025}
    assert set(by["belaegningsprocent"]["aar"]) == set(range(2019, 2026))
    assert by["trivsel"]["vaerdi"].between(1, 7).all()
    assert by["lederevaluering"]["vaerdi"].between(1, 7).all()
    assert 5.2 <= by["trivsel"]["vaerdi"].mean() <= 6.2
    assert 5.5 <= by["lederevaluering"]["vaerdi"].mean() <= 6.5
    belaegning = by["belaegningsprocent"]["vaerdi"]
    assert belaegning.le(100).all() and (belaegning >= 94).mean() > 0.8
    assert (belaegning < 94).any()
    budget = by["budgetafvigelse_pct"]["vaerdi"]
    assert (budget.abs() <= 1).mean() > 0.6 and budget.abs().max() <= 3.5
    assert not n.duplicated(["tilbud_id", "aar", "indikator"]).any()


def test_some_key_figures_missing(frames: dict[str, pd.DataFrame]) -> None:
    n = frames["noegletal"]
    counts = n.groupby(["aar", "indikator"])["tilbud_id"].nunique()
    active = frames["personale"].groupby("aar")["tilbud_id"].nunique()
    missing = sum(active[aar] - c for (aar, _), c in counts.items())
    assert 1 <= missing <= 0.03 * len(n)


# --- Bostedsundersøgelse ------------------------------------------------------------------

STATUS_2008 = {
    "B01": "imødekommet",
    "B02": "delvist imødekommet",
    "B04": "under overvejelse",
    "B05": "delvist planlagt",
    "B07": "under overvejelse",
    "B09": "planlagt",
    "B16": "delvist planlagt",
    "B19": "delvist imødekommet",
    "B25": "under overvejelse",
}


def test_recommendations_and_areas() -> None:
    assert len(demo.ANBEFALINGER) == 25
    assert [a.anbefaling_id for a in demo.ANBEFALINGER] == [f"B{i:02d}" for i in range(1, 26)]
    areas = list(dict.fromkeys(a.omraade for a in demo.ANBEFALINGER))
    assert len(areas) == 14
    assert areas[0] == "fysiske rammer" and areas[-1] == "ekstern kommunikation"
    sections = list(dict.fromkeys(a.afsnit for a in demo.ANBEFALINGER))
    assert sections == [f"1.{i}" for i in range(1, 15)]


@pytest.mark.parametrize(("anbefaling_id", "status"), sorted(STATUS_2008.items()))
def test_status_2008(frames: dict[str, pd.DataFrame], anbefaling_id: str, status: str) -> None:
    bu = frames["bostedsundersoegelse"]
    row = bu[(bu["anbefaling_id"] == anbefaling_id) & (bu["aar"] == 2008)]
    assert len(row) == 1
    assert row["status"].iat[0] == status
    assert row["fiktiv"].iat[0] == "nej"
    assert isinstance(row["kommentar"].iat[0], str) and row["kommentar"].iat[0]


def test_status_2008_counts(frames: dict[str, pd.DataFrame]) -> None:
    bu = frames["bostedsundersoegelse"]
    counts = bu[bu["aar"] == 2008]["status"].value_counts().to_dict()
    assert counts == {
        "imødekommet": 1,
        "delvist imødekommet": 7,
        "planlagt": 10,
        "delvist planlagt": 2,
        "under overvejelse": 5,
    }


def test_follow_up_rows(frames: dict[str, pd.DataFrame]) -> None:
    bu = frames["bostedsundersoegelse"]
    assert len(bu) == 25 * (1 + YEARS[1] - YEARS[0] + 1)
    assert not bu.duplicated(["anbefaling_id", "aar"]).any()
    assert (bu.loc[bu["aar"] > 2008, "fiktiv"] == "ja").all()
    final = bu.loc[bu["aar"] == YEARS[1], "status"]
    assert (final == "imødekommet").sum() > len(final) / 2
    assert (final != "imødekommet").any()


def test_setbacks_are_explained(frames: dict[str, pd.DataFrame]) -> None:
    bu = frames["bostedsundersoegelse"].sort_values(["anbefaling_id", "aar"])
    stage = bu["status"].map(config.STATUSSER.index)
    previous = stage.groupby(bu["anbefaling_id"]).shift()
    back = bu[stage < previous]
    assert 1 <= len(back) <= 2
    assert back["kommentar"].notna().all() and back["kommentar"].str.len().gt(10).all()


# --- Scaling -----------------------------------------------------------------------------


def test_other_sizes_and_years() -> None:
    d = demo.generate(seed=3, years=(2022, 2024), n_facilities=120)
    assert d["tilbud"]["tilbud_id"].iat[-1] == "CLB120"
    assert d["tilbud"]["tilbud_id"].is_unique and d["tilbud"]["navn"].is_unique
    assert d["fravaer"]["maaned"].min() == "2022-01"
    assert set(d["bostedsundersoegelse"]["aar"]) == {2008, 2022, 2023, 2024}


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        demo.generate(n_facilities=0)
    with pytest.raises(ValueError):
        demo.generate(years=(2025, 2019))
    with pytest.raises(ValueError):
        demo.generate(seed=-1)


def test_large_demo_has_unique_inspection_keys():
    """At 400 facilities two visits could fall on one day; keys must stay unique."""
    frames = demo.generate(n_facilities=400, years=(2019, 2025))
    keys = frames["tilsyn"][["tilbud_id", "tilsynsdato", "tema"]]
    assert not keys.duplicated().any()
