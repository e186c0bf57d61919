"""The facility profile: facility vs target group vs centre, checked against direct arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statusrapport import config, data, demo
from statusrapport.analysis import tilbudsprofil as profil


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> data.Dataset:
    folder = tmp_path_factory.mktemp("profil") / "raw"
    demo.write_demo_data(folder, n_facilities=8, years=(2023, 2025))
    return data.parse(folder)


def _raw(ds: data.Dataset, name: str) -> pd.DataFrame:
    return pd.read_csv(ds.data_dir / f"{name}.csv", dtype={"tilbud_id": str})


def test_absence_rates_are_pooled_sums_not_means_of_rates(small: data.Dataset) -> None:
    tilbud = _raw(small, "tilbud")
    target = tilbud.iloc[0]
    fravaer = _raw(small, "fravaer")
    fravaer = fravaer[fravaer["maaned"].str.startswith("2025")].merge(
        tilbud[["tilbud_id", "maalgruppe"]], on="tilbud_id"
    )
    mine = fravaer[fravaer["tilbud_id"] == target["tilbud_id"]]
    group = fravaer[fravaer["maalgruppe"] == target["maalgruppe"]]
    expected = {
        "Tilbuddet": mine["sygefravaer_dagsvaerk"].sum() / mine["mulige_dagsvaerk"].sum(),
        "Målgruppen": group["sygefravaer_dagsvaerk"].sum() / group["mulige_dagsvaerk"].sum(),
        "Hele centret": fravaer["sygefravaer_dagsvaerk"].sum() / fravaer["mulige_dagsvaerk"].sum(),
    }
    row = profil.comparison(small, 2025, target["tilbud_id"]).set_index("noegle").loc["sygefravaer"]
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, rel=1e-9)
    # Days per FTE: sick days over the average of the monthly FTE sums.
    monthly_fte = mine.groupby("maaned")["fuldtidsstillinger"].sum().mean()
    days = profil.comparison(small, 2025, target["tilbud_id"]).set_index("noegle")
    assert days.loc["sygefravaer_dage", "Tilbuddet"] == pytest.approx(
        mine["sygefravaer_dagsvaerk"].sum() / monthly_fte
    )


def test_turnover_and_targets_match_the_input_rows(small: data.Dataset) -> None:
    personale = _raw(small, "personale")
    p25 = personale[personale["aar"] == 2025]
    tilbud_id = p25.sort_values("fratraadte").iloc[-1]["tilbud_id"]  # enough leavers to show
    row = p25[p25["tilbud_id"] == tilbud_id].iloc[0]
    table = profil.comparison(small, 2025, tilbud_id).set_index("noegle")
    assert table.loc["personaleomsaetning", "Tilbuddet"] == pytest.approx(
        row["fratraadte"] / row["gns_ansatte"]
    )
    assert table.loc["personaleomsaetning", "Hele centret"] == pytest.approx(
        p25["fratraadte"].sum() / p25["gns_ansatte"].sum()
    )
    noegletal = _raw(small, "noegletal")
    belaeg = noegletal[
        (noegletal["tilbud_id"] == tilbud_id)
        & (noegletal["aar"] == 2025)
        & (noegletal["indikator"] == "belaegningsprocent")
    ]["vaerdi"]
    if len(belaeg):
        value = float(belaeg.iloc[0])
        assert table.loc["belaegning", "Tilbuddet"] == pytest.approx(value)
        expected = "opfyldt" if value >= config.TARGETS.belaegning_min else "ikke opfyldt"
        assert table.loc["belaegning", "Status"] == expected


def test_small_figures_are_suppressed(small: data.Dataset) -> None:
    """A facility with 3 leavers must not show its turnover; one with 2 FTE not its absence."""
    ds = data.parse(small.data_dir)
    tilbud_id = ds.tilbud["tilbud_id"].iloc[0]
    mask = (ds.personale["tilbud_id"] == tilbud_id) & (ds.personale["aar"] == 2025)
    ds.personale.loc[mask, "fratraadte"] = 3
    table = profil.comparison(ds, 2025, tilbud_id).set_index("noegle")
    assert np.isnan(table.loc["personaleomsaetning", "Tilbuddet"])
    assert table.loc["personaleomsaetning", "Status"] == "udeladt"
    assert not np.isnan(table.loc["personaleomsaetning", "Hele centret"])
    history = profil.history(ds, 2025, tilbud_id).set_index("aar")
    assert np.isnan(history.loc[2025, "omsaetning_tilbud"])

    ds2 = data.parse(small.data_dir)
    rows = ds2.fravaer["tilbud_id"] == tilbud_id
    ds2.fravaer.loc[rows, "fuldtidsstillinger"] = 2.0 / rows.groupby(
        ds2.fravaer["maaned"]
    ).transform("sum")
    table2 = profil.comparison(ds2, 2025, tilbud_id).set_index("noegle")
    assert np.isnan(table2.loc["sygefravaer", "Tilbuddet"])


def test_display_formats_in_danish_and_keeps_scores_apart_from_the_target(
    small: data.Dataset,
) -> None:
    frame = pd.DataFrame(
        {
            "noegle": ["tilsyn", "sygefravaer", "belaegning"],
            "Nøgletal": ["a", "b", "c"],
            "Tilbuddet": [3.76, 0.0612, 95.25],
            "Målgruppen": [4.0, np.nan, 96.0],
            "Hele centret": [4.1, 0.06, 96.5],
            "Mål": ["x", "–", "y"],
            "Status": ["ikke opfyldt", "–", "opfyldt"],
        }
    )
    shown = profil.display(frame)
    assert shown["Tilbuddet"].tolist() == ["3,76", "6,1\u00a0%", "95,2\u00a0%"]
    assert shown["Målgruppen"].tolist()[1] == "–"


def test_theme_scores_and_summary_sentence(small: data.Dataset) -> None:
    tilbud_id = small.tilbud["tilbud_id"].iloc[1]
    themes = profil.theme_scores(small, 2025, tilbud_id)
    tilsyn = _raw(small, "tilsyn")
    mine = tilsyn[
        (tilsyn["tilbud_id"] == tilbud_id)
        & tilsyn["tilsynsdato"].str[:4].astype(int).between(2024, 2025)
    ]
    latest = mine[mine["tilsynsdato"] == mine["tilsynsdato"].max()]
    expected = latest.groupby("tema")["score"].mean()
    assert dict(zip(themes["Tema"], themes["Tilbuddet"], strict=True)) == pytest.approx(
        expected.to_dict()
    )
    table = profil.comparison(small, 2025, tilbud_id)
    me = profil.facility(small, tilbud_id)
    sentence = profil.summary_sentence(table, me, 2025)
    n_met = int((table["Status"] == "opfyldt").sum())
    assert sentence.startswith(f"{me.navn} opfylder {n_met} af ")


def test_facility_changes_recompute_from_raw_rows_and_are_worded_by_the_interval(
    small: data.Dataset,
) -> None:
    personale = _raw(small, "personale")
    rates = personale.set_index(["tilbud_id", "aar"])
    seen_words = set()
    for tilbud_id in small.tilbud["tilbud_id"]:
        items = profil.changes(small, 2025, tilbud_id)
        sentences = profil.change_sentences(items, 2025)
        for item, sentence in zip(items, sentences, strict=True):
            if item.hidden:
                assert item.change is None and "%" not in sentence and "vises ikke" in sentence
                continue
            ch = item.change
            assert ch is not None and ch.method == "quasi_poisson"
            if item.noegle == "personaleomsaetning":
                before, after = (
                    rates.loc[(tilbud_id, y), "fratraadte"]
                    / rates.loc[(tilbud_id, y), "gns_ansatte"]
                    for y in (2024, 2025)
                )
                assert ch.before == pytest.approx(before) and ch.after == pytest.approx(after)
            assert ch.has_ci
            rise_or_fall = " er steget fra " in sentence or " er faldet fra " in sentence
            assert rise_or_fall == (ch.ci_low_pp > 0 or ch.ci_high_pp < 0)  # type: ignore[operator]
            assert ("kan ikke afgøres" in sentence or "er uændret" in sentence) != rise_or_fall
            assert "sikkerhedsinterval" not in sentence  # the interval is in the table
            seen_words.add(rise_or_fall)
    assert False in seen_words  # at least one change the data cannot call a rise or fall


def test_wording_never_calls_a_change_whose_interval_contains_0_a_rise() -> None:
    from statusrapport.stats.change import Change

    def item(low: float, high: float, change: float) -> profil.FacilityChange:
        ch = Change(0.2, 0.2 + change / 100, change, low, high, 30, 0, 0.95, "quasi_poisson")
        return profil.FacilityChange(
            "personaleomsaetning", "Tilbuddets personaleomsætning", ch, False
        )

    big, wide, fall = item(2.0, 14.0, 8.0), item(-1.0, 17.0, 8.0), item(-9.0, -0.5, -4.0)
    texts = [t.replace("\xa0", " ") for t in profil.change_sentences([big, wide, fall], 2025)]
    assert (
        texts[0] == "Tilbuddets personaleomsætning er steget fra 20,0 % i 2024 til 28,0 % i 2025."
    )
    assert texts[1].startswith("Om tilbuddets personaleomsætning er steget eller faldet fra 20,0")
    assert texts[1].endswith("kan ikke afgøres.")  # issue 20: a wide interval is not "på niveau"
    assert texts[2].startswith("Tilbuddets personaleomsætning er faldet fra 20,0 % i 2024")
    no_ci = Change(0.0, 0.0, 0.0, None, None, 30, 0, 0.95, "quasi_poisson")
    [text] = profil.change_sentences(
        [
            profil.FacilityChange(
                "personaleomsaetning", "Tilbuddets personaleomsætning", no_ci, False
            )
        ],
        2025,
    )
    assert " er steget fra" not in text and " er faldet fra" not in text
    assert "kan ikke afgøres" in text


def test_a_suppressed_facility_shows_no_change(small: data.Dataset) -> None:
    ds = data.parse(small.data_dir)
    tilbud_id = ds.tilbud["tilbud_id"].iloc[0]
    mask = (ds.personale["tilbud_id"] == tilbud_id) & (ds.personale["aar"] == 2024)
    ds.personale.loc[mask, "fratraadte"] = 3  # 1–4 leavers: last year's rate is hidden
    items = {i.noegle: i for i in profil.changes(ds, 2025, tilbud_id)}
    hidden = items["personaleomsaetning"]
    assert hidden.hidden and hidden.change is None
    [text] = profil.change_sentences([hidden], 2025)
    assert not any(ch.isdigit() for ch in text.replace("2024", ""))
    assert not items["sygefravaer"].hidden  # absence is not affected


# --- the page model and its fingerprint (what the pipeline keys a profile on) ---------------


def _set_value(folder, tilbud_id: str, year: int, indikator: str, value: str) -> None:
    path = folder / "noegletal.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        row = dict(zip(header, cells, strict=True))
        if (row["tilbud_id"], row["aar"], row["indikator"]) == (tilbud_id, str(year), indikator):
            cells[header.index("vaerdi")] = value
            lines[i] = ",".join(cells)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
    raise AssertionError(f"ingen {indikator} for {tilbud_id} i {year}")


def _fingerprints(folder) -> dict[str, str]:
    ds = data.parse(folder)
    ids = ds.active_facilities(2025)["tilbud_id"]
    return {tid: profil.page(ds, 2025, tid).fingerprint() for tid in ids}


def test_page_fingerprint_follows_what_the_page_shows(small: data.Dataset, tmp_path) -> None:
    """One facility's occupancy corrected by 0,1: its page changes; the centre's average moves
    by less than the page shows, so the other pages are the same. A change the centre's
    average does show changes every page that shows it."""
    import shutil

    folder = tmp_path / "raw"
    shutil.copytree(small.data_dir, folder)
    before = _fingerprints(folder)
    target = sorted(before)[0]
    occupancy = profil.comparison(small, 2025, target).set_index("noegle").loc["belaegning"]
    _set_value(folder, target, 2025, "belaegningsprocent", f"{occupancy['Tilbuddet'] + 0.1:.1f}")
    after = _fingerprints(folder)
    assert [t for t in before if before[t] != after[t]] == [target]

    _set_value(folder, target, 2025, "belaegningsprocent", "50.0")  # the centre average moves
    moved = _fingerprints(folder)
    assert all(moved[t] != before[t] for t in before)


def test_page_is_what_the_notebook_draws_at_the_precision_shown(small: data.Dataset) -> None:
    tid = sorted(small.active_facilities(2025)["tilbud_id"])[0]
    side = profil.page(small, 2025, tid)
    raw = profil.history(small, 2025, tid)
    rates = [c for c in raw if c != "aar"]
    assert np.allclose(side.historik[rates], raw[rates], atol=0.0005, equal_nan=True)
    thousandths = side.historik[rates].fillna(0).to_numpy() * 1000
    assert np.allclose(thousandths, np.round(thousandths), atol=1e-6)
    assert side.aendringer == profil.change_sentences(profil.changes(small, 2025, tid), 2025)
    assert side.undertrykte == int(profil.comparison(small, 2025, tid)["undertrykt"].sum())
    assert side.fingerprint() == profil.page(small, 2025, tid).fingerprint()  # deterministic


# --- The page a facility manager uses (issue 20) ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("tilsyn", 3.76, "0,04 point under målet"),  # 3,76 − 3,8 at the shown two decimals
        ("tilsyn", 4.5, "0,70 point over målet"),
        ("tilsyn", 3.8, "på målet"),
        ("trivsel", 5.2, "0,3 point under målet"),  # 5,2 − 5,5
        ("belaegning", 92.8, "1,2 procentpoint under målet"),  # 92,8 − 94
        ("budget", -1.4, "0,4 procentpoint uden for målet"),  # |−1,4| − 1
        ("budget", 0.7, "inden for målet"),
        ("paabud", 2, "2 påbud eller sanktioner over målet"),  # 2 − 0
        ("paabud", 0, "inden for målet"),
        ("takster", -4.3, "4,3 procent under målet"),  # −4,3 − 0
        ("takster", 1.26, "1,3 procent over målet"),
        ("tilsyn", float("nan"), "–"),
    ],
)
def test_distance_to_the_target_in_its_unit(key: str, value: float, expected: str) -> None:
    assert profil.distance(key, value).replace("\xa0", " ") == expected


def test_targets_reuse_the_comparisons_values_and_statuses(small: data.Dataset) -> None:
    from statusrapport.analysis import maalopfyldelse as maal

    tilbud_id = small.tilbud["tilbud_id"].iloc[0]
    compared = profil.comparison(small, 2025, tilbud_id)
    table = profil.targets(compared).set_index("noegle")
    assert list(table.index) == list(maal.TARGET_KEYS)
    by_key = compared.set_index("noegle")
    for key in maal.FACILITY_KEYS:
        assert table.loc[key, "Status"] == by_key.loc[key, "Status"]
        assert table.loc[key, "Værdi"] == profil.format_value(key, by_key.loc[key, "Tilbuddet"])
        assert table.loc[key, "Målet"] == maal.TARGET_LABELS[key]
    # The scoreboard's status for the facility is the same as the profile's.
    matrix = maal.status_matrix(small, 2025).set_index("tilbud_id")
    for key in maal.FACILITY_KEYS:
        assert table.loc[key, "Status"] == matrix.loc[tilbud_id, key]
    leader = table.loc["lederevaluering"]
    assert leader["Værdi"] == "–" and leader["Status"] == maal.KUN_GRUPPE


def test_inspection_visits_and_report_links(small: data.Dataset, tmp_path) -> None:
    import shutil

    folder = tmp_path / "raw"
    shutil.copytree(small.data_dir, folder)
    raw = pd.read_csv(folder / "tilsyn.csv", dtype=str)
    tilbud_id = raw["tilbud_id"].iloc[0]
    mine = raw[(raw["tilbud_id"] == tilbud_id) & raw["tilsynsdato"].str[:4].isin(["2024", "2025"])]
    newest = mine["tilsynsdato"].max()
    raw.loc[raw["tilsynsdato"].eq(newest) & raw["tilbud_id"].eq(tilbud_id), "rapport_link"] = (
        "https://tilbudsportalen.dk/rapport?id=7&x=(a)"
    )
    raw.to_csv(folder / "tilsyn.csv", index=False)
    ds = data.parse(folder)
    visits = profil.inspection_visits(ds, 2025, tilbud_id)
    assert [v.dato.strftime("%Y-%m-%d") for v in visits] == sorted(
        mine["tilsynsdato"].unique(), reverse=True
    )
    first = mine[mine["tilsynsdato"] == newest]
    assert visits[0].gennemsnit == pytest.approx(first["score"].astype(float).mean())
    assert visits[0].antal_temaer == first["tema"].nunique()
    lines = profil.inspection_lines(visits)
    # The link is inert in Markdown: parentheses percent-encoded, nothing invented elsewhere.
    assert "(https://tilbudsportalen.dk/rapport?id=7&x=%28a%29)" in lines[0]
    assert all("https://" not in line for line in lines[1:])


def test_orders_of_the_year_and_the_year_before(small: data.Dataset) -> None:
    raw = _raw(small, "paabud")
    raw = raw[raw["dato"].str[:4].isin(["2024", "2025"])]
    tilbud_id = raw["tilbud_id"].value_counts().index[0]
    mine = raw[raw["tilbud_id"] == tilbud_id].sort_values("dato", ascending=False)
    table = profil.orders_two_years(small, 2025, tilbud_id)
    assert table["Beskrivelse"].tolist() == mine["beskrivelse"].tolist()
    assert list(table.columns) == ["Dato", "Myndighed", "Type", "Beskrivelse"]
    n25 = int((mine["dato"].str[:4] == "2025").sum())
    n24 = int((mine["dato"].str[:4] == "2024").sum())
    text = profil.orders_sentence(small, 2025, tilbud_id, "X")
    assert f" {n25} " in text or (n25 == 0 and "ingen påbud eller sanktioner i 2025" in text)
    assert f" {n24} " in text or (n24 == 0 and "ingen påbud eller sanktioner i 2024" in text)


def test_target_history_is_what_each_years_target_page_publishes(small: data.Dataset) -> None:
    from statusrapport.analysis import maalopfyldelse as maal

    tilbud_id = small.tilbud["tilbud_id"].iloc[1]
    history = profil.target_history(small, 2025, tilbud_id).set_index("aar")
    assert list(history.index) == [2023, 2024, 2025]
    group = small.tilbud.set_index("tilbud_id").loc[tilbud_id, "maalgruppe"]
    for year in (2023, 2024, 2025):
        published = maal.public_values(small, year).set_index("tilbud_id").loc[tilbud_id]
        for key in profil.HISTORY_KEYS:
            assert history.loc[year, key] == pytest.approx(published[key], nan_ok=True)
        leaders = maal.leader_by_group(small, year).set_index("maalgruppe")["lederevaluering"]
        assert history.loc[year, profil.LEDER_GRUPPE] == pytest.approx(
            leaders.get(group, np.nan), nan_ok=True
        )
    shown = profil.target_history_display(history.reset_index())
    assert "Lederevaluering" not in shown.columns  # only the group's, never the facility's


def test_placement_shows_what_the_year_page_shows(small: data.Dataset) -> None:
    from statusrapport.analysis import sygefravaer as fravaer

    funnel = fravaer.funnel(small, 2025).table
    tilbud_id = str(funnel["tilbud_id"].iloc[0])
    item = profil.placement(small, 2025, tilbud_id, "sygefravaer")
    # 8 facilities in 5 groups: no group has 4 shown, so the whole centre is the comparison.
    assert item.kreds == "hele centret"
    assert len(item.tabel) == len(funnel)
    assert item.eget_vist and int(item.tabel["eget"].sum()) == 1
    own = item.tabel.loc[item.tabel["eget"], "fravaersprocent"].iloc[0]
    expected = funnel.loc[funnel["tilbud_id"].astype(str) == tilbud_id, "fravaersprocent"]
    assert own == pytest.approx(round(float(expected.iloc[0]), 3))
    assert item.tabel["fravaersprocent"].is_monotonic_increasing
    title = profil.placement_title(item, "Navn", 2025).replace("\xa0", " ")
    assert title.startswith("Sygefravær 2025: Navn (") and "i hele centret" in title


def test_earlier_years_come_from_the_archive(tmp_path) -> None:
    for year, tid in ((2023, "A1"), (2024, "B2"), (2022, "A1"), (2026, "A1")):
        folder = tmp_path / str(year) / "tilbud"
        folder.mkdir(parents=True)
        (folder / f"{tid}.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "noter").mkdir()
    years = profil.earlier_years("A1", 2025, tmp_path)
    assert years == [2023, 2022]
    text = profil.earlier_links("A1", years)
    assert "[2023](../../2023/tilbud/A1.html)" in text and "[2022](" in text
    assert "ingen" in profil.earlier_links("A1", [])
    assert profil.earlier_years("A1", 2025, tmp_path / "mangler") == []
    # A year staged in the same run (key figures written, notebooks not yet run) counts when
    # the facility is active that year, whichever notebook finishes first.
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "noegletal.json").write_text("{}", encoding="utf-8")
    assert profil.earlier_years("A1", 2025, tmp_path, lambda y: y == 2021) == [2023, 2022, 2021]
    assert profil.earlier_years("A1", 2025, tmp_path, lambda y: False) == [2023, 2022]


def test_change_table_has_the_interval_and_the_plain_verdict() -> None:
    from statusrapport.analysis import common
    from statusrapport.stats.change import Change

    ch = Change(0.2, 0.28, 8.0, -1.0, 17.0, 30, 0, 0.95, "quasi_poisson")
    items = [
        profil.FacilityChange("personaleomsaetning", "Tilbuddets personaleomsætning", ch, False),
        profil.FacilityChange("sygefravaer", "Tilbuddets sygefravær", None, True),
    ]
    table = profil.change_table(items, 2025)
    first, hidden = table.iloc[0], table.iloc[1]
    assert first["Sidste år"] == 0.2 and first["I år"] == 0.28
    assert first["Ændring (procentpoint)"] == 8.0
    assert first["95 %-sikkerhedsinterval (procentpoint)"] == "−1,0 til +17,0"
    assert first["Vurdering"] == common.verdict(ch)
    assert hidden["Vurdering"] == "udeladt" and np.isnan(hidden["I år"])


def test_page_carries_the_managers_parts_into_the_fingerprint(
    small: data.Dataset, tmp_path
) -> None:
    tilbud_id = small.tilbud["tilbud_id"].iloc[0]
    before = profil.page(small, 2025, tilbud_id, reports=tmp_path)
    assert not before.maal.empty and len(before.placeringer) == 2
    assert before.tidligere == ()
    (tmp_path / "2024" / "tilbud").mkdir(parents=True)
    (tmp_path / "2024" / "tilbud" / f"{tilbud_id}.ipynb").write_text("{}", encoding="utf-8")
    after = profil.page(small, 2025, tilbud_id, reports=tmp_path)
    assert after.tidligere == (2024,)
    assert after.fingerprint() != before.fingerprint()  # a new link is a new page
