"""Publication settings (publicering.toml): validated once; real data never with placeholders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from statusrapport import cli, config, settings
from statusrapport.errors import ExitCode
from statusrapport.settings import SettingsError

COMPLETE = """
[site]
adresse = "https://statusrapport.kk.dk"
organisation = "Københavns Kommune, Socialforvaltningen"
udvalg = "Socialudvalget"

[tilgaengelighed]
kontakt_enhed = "Socialforvaltningen, Københavns Kommune"
kontakt_email = "tilgaengelighed@sof.kk.dk"
was_link = "https://www.was.digst.dk/statusrapport-kk-dk"

[moeder.2025]
moededato = 2026-01-28
dagsordenspunkt = 7
sagsnummer = "2025-0123456"
bilagsnummer = 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "publicering.toml"
    path.write_text(text, encoding="utf-8")
    return path


def real_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def demo_data(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / config.DEMO_MARKER).write_text("{}")
    return folder


def test_a_complete_file_is_read_with_types(tmp_path: Path) -> None:
    publication = settings.load(write(tmp_path, COMPLETE))
    assert publication.get("site.adresse") == "https://statusrapport.kk.dk/"  # one final /
    meeting = publication.meeting(2025)
    assert meeting.moededato == date(2026, 1, 28)
    assert (meeting.dagsordenspunkt, meeting.sagsnummer, meeting.bilagsnummer) == (
        7,
        "2025-0123456",
        2,
    )
    assert publication.problems([2025]) == []
    assert settings.check_for_run(real_data(tmp_path), [2025], write(tmp_path, COMPLETE))


def test_the_committed_file_is_valid_and_all_placeholders_are_labelled() -> None:
    """The repository's publicering.toml loads; its blanks are placeholders, not values."""
    publication = settings.load(config.PROJECT_ROOT / settings.FILE_NAME)
    assert "tilgaengelighed.kontakt_email" in publication.placeholders
    assert publication.text("tilgaengelighed.kontakt_email") == (
        "[pladsholder: tilgaengelighed.kontakt_email udfyldes i publicering.toml]"
    )
    assert publication.text("site.udvalg") == "Socialudvalget"


def test_real_data_with_a_placeholder_contact_is_refused_naming_file_and_setting(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        COMPLETE.replace('"tilgaengelighed@sof.kk.dk"', '"UDFYLD: funktionspostkassen"'),
    )
    with pytest.raises(SettingsError) as caught:
        settings.check_for_run(real_data(tmp_path), [2025], path)
    message = str(caught.value)
    assert str(path) in message
    assert "[tilgaengelighed] kontakt_email er stadig en pladsholder" in message
    assert "Intet er kørt eller publiceret" in message
    assert caught.value.exit_code == ExitCode.INVALID_DATA
    assert "[site] adresse" not in message  # only what is wrong is named


def test_real_data_needs_the_meeting_of_each_year_it_builds(tmp_path: Path) -> None:
    path = write(tmp_path, COMPLETE)
    with pytest.raises(SettingsError, match=r"\[moeder\.2024\] moededato mangler"):
        settings.check_for_run(real_data(tmp_path), [2024, 2025], path)


def test_real_data_without_a_settings_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="findes ikke") as caught:
        settings.check_for_run(real_data(tmp_path), [2025], tmp_path / "mangler.toml")
    assert "[site] adresse mangler" in str(caught.value)


def test_demo_data_accepts_placeholders_and_shows_them_labelled(tmp_path: Path) -> None:
    path = write(tmp_path, COMPLETE.replace('"2025-0123456"', '"UDFYLD"'))
    publication = settings.check_for_run(demo_data(tmp_path), [2025, 2024], path)
    from statusrapport.site import pdf

    rows = pdf._moede(2025, publication)
    assert rows["sagsnr"] == "[pladsholder: moeder.2025.sagsnummer udfyldes i publicering.toml]"
    assert rows["moededato"] == "28.01.2026" and rows["punkt"] == "7"
    assert rows["adresse"] == "https://statusrapport.kk.dk/"
    assert str(pdf._moede(2024, publication)["moededato"]).startswith("[pladsholder")
    header = pdf.memo_header(2025, publication)
    assert "Mødedato: 28\\.01\\.2026" in header and "Dagsordenspunkt: 7" in header
    assert settings.site_variables(publication)["kontakt"]["email"] == "tilgaengelighed@sof.kk.dk"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("kontakt_email", "kontakt_mail"), "ukendt indstilling tilgaengelighed.kontakt_mail"),
        (('"https://statusrapport.kk.dk"', '"statusrapport.kk.dk"'), "https://"),
        (('"tilgaengelighed@sof.kk.dk"', '"sof.kk.dk"'), "en e-mailadresse"),
        (("2026-01-28", '"28-01-2026"'), "en dato som 2026-01-28"),
        (("dagsordenspunkt = 7", "dagsordenspunkt = -1"), "et positivt heltal"),
        (("[moeder.2025]", "[moeder.sidste]"), "er ikke et rapportår"),
        (("[site]", "[site"), "kan ikke læses som TOML"),
    ],
)
def test_a_malformed_file_is_an_error_even_with_demo_data(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    path = write(tmp_path, COMPLETE.replace(*change))
    with pytest.raises(SettingsError, match=words.replace("[", r"\[").replace(".", r"\.")):
        settings.check_for_run(demo_data(tmp_path), [2025], path)


def test_the_cli_refuses_real_data_with_placeholders_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 1, one Danish message naming the file and the setting, no traceback, no files."""
    monkeypatch.setenv(settings.FILE_ENV, str(config.PROJECT_ROOT / settings.FILE_NAME))
    data = real_data(tmp_path)
    reports, site = tmp_path / "reports", tmp_path / "_site"
    code = cli.main(["run", "--data", str(data), "--reports", str(reports), "--site", str(site)])
    err = capsys.readouterr().err
    assert code == ExitCode.INVALID_DATA, err
    assert "publicering.toml" in err and "kontakt_email er stadig en pladsholder" in err
    assert "Traceback" not in err
    assert not reports.exists() and not site.exists()
