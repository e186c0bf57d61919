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
