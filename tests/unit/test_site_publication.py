"""The publication settings on the site and in the annex, and the honest list of years."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "a11y"))

import fake_tree

from statusrapport import settings, site
from statusrapport.site import pdf, sources
from tests.unit.test_settings import COMPLETE

ROOT = Path(__file__).resolve().parents[2]


def build_folder(tmp_path: Path) -> tuple[Path, list[site.YearReport]]:
    build_dir = fake_tree.make_tree(tmp_path / "build")
    site.copy_sources(ROOT, build_dir)
    return build_dir, site.discover(build_dir, fake_tree.YEARS, [])


def complete(tmp_path: Path, text: str = COMPLETE) -> settings.Publication:
    path = tmp_path / "publicering.toml"
    path.write_text(text, encoding="utf-8")
    return settings.load(path)


def test_the_site_gets_contact_was_link_and_address_from_the_settings(tmp_path: Path) -> None:
    build_dir, reports = build_folder(tmp_path)
    publication = complete(tmp_path)
    sources.write_variables(build_dir, reports, fake_tree.RUN_INFO, publication)
    variables = yaml.safe_load((build_dir / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["kontakt"]["email"] == "tilgaengelighed@sof.kk.dk"
    assert variables["was_link"] == "https://www.was.digst.dk/statusrapport-kk-dk"
    assert variables["site_adresse"] == "https://statusrapport.kk.dk/"
    cfg = sources.write_quarto_config(
        build_dir, reports, demo=False, run_info=fake_tree.RUN_INFO, publication=publication
    )
    assert cfg["website"]["site-url"] == "https://statusrapport.kk.dk/"


def test_demo_placeholders_are_labelled_and_never_a_site_url(tmp_path: Path) -> None:
    build_dir, reports = build_folder(tmp_path)
    publication = settings.load(ROOT / settings.FILE_NAME)  # the committed placeholders
    sources.write_variables(build_dir, reports, fake_tree.RUN_INFO, publication)
    variables = yaml.safe_load((build_dir / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["kontakt"]["email"].startswith("[pladsholder: tilgaengelighed.kontakt_email")
    cfg = sources.write_quarto_config(
        build_dir, reports, demo=True, run_info=fake_tree.RUN_INFO, publication=publication
    )
    assert "site-url" not in cfg["website"]


def test_the_accessibility_statement_takes_contact_and_was_link_from_variables() -> None:
    page = (ROOT / "tilgaengelighed.qmd").read_text(encoding="utf-8")
    assert "indsættes før offentliggørelse" not in page
    committed = (ROOT / "_variables.yml").read_text(encoding="utf-8")
    assert "indsættes før offentliggørelse" not in committed
    for name in ("kontakt.email", "kontakt.enhed", "was_link", "site_adresse", "organisation"):
        assert f"{{{{< var {name} >}}}}" in page
    variables = yaml.safe_load(committed)
    assert set(settings.site_variables(settings.load(ROOT / settings.FILE_NAME))) <= set(
        variables
    )  # `quarto preview` in the repository finds every variable the build writes


def test_the_annex_first_page_shows_the_meeting_from_the_settings(tmp_path: Path) -> None:
    build_dir, reports = build_folder(tmp_path)
    newest = next(r for r in reports if r.year == 2025)
    nb = pdf.committee_notebook(
        build_dir, newest, demo=True, run_info={}, publication=complete(tmp_path)
    )
    first = nb.cells[1].source  # right after the title block, before the resumé
    assert "Til Socialudvalget" in first
    assert "Mødedato: 28\\.01\\.2026" in first
    assert "Dagsordenspunkt: 7" in first
    assert "Sagsnr.: 2025\\-0123456" in first
    assert "Bilag 2:" in first
    assert "Hele rapporten: https\\:\\/\\/statusrapport\\.kk\\.dk" in first


def test_the_year_pdfs_are_typeset_again_when_the_meeting_changes(tmp_path: Path) -> None:
    build_dir, reports = build_folder(tmp_path)
    newest = next(r for r in reports if r.year == 2025)
    before = complete(tmp_path)
    after = complete(tmp_path, COMPLETE.replace("dagsordenspunkt = 7", "dagsordenspunkt = 8"))
    hashes = [
        pdf.pdf_sources_hash(build_dir, newest, demo=True, extra=settings.fingerprint(p, 2025))
        for p in (before, before, after)
    ]
    assert hashes[0] == hashes[1] != hashes[2]


def test_the_year_list_and_front_page_say_which_years_are_published(tmp_path: Path) -> None:
    build_dir, reports = build_folder(tmp_path)
    newest_only = [r for r in reports if r.year == 2025]
    run_info = {**fake_tree.RUN_INFO, "data_years": list(range(2019, 2026))}
    sources.write_generated_pages(build_dir, newest_only, pdfs=[], run_info=run_info)
    for name in ("_aarsrapporter-liste.md", "_forside-aktuelt.md"):
        text = (build_dir / name).read_text(encoding="utf-8")
        assert "Udgivne årsrapporter: 2025 (data for 2019–2025)." in text, name
        assert "Rapporterne for 2019–2024 er ikke bygget" in text, name
        assert "`statusrapport run --years 2019-2025`" in text, name


def test_a_complete_archive_needs_no_build_hint() -> None:
    class Report:
        def __init__(self, year: int) -> None:
            self.year = year

    reports = [Report(y) for y in (2025, 2024)]
    note = sources.published_years_note(reports, [2024, 2025])  # type: ignore[arg-type]
    assert note == "Udgivne årsrapporter: 2024–2025 (data for 2024–2025)."
    one_missing = sources.published_years_note(reports[:1], [2024, 2025])  # type: ignore[arg-type]
    assert one_missing.endswith(
        "Rapporten for 2024 er ikke bygget; den, der driver sitet, bygger den med "
        "`statusrapport run --years 2024-2025`."
    )
    assert sources.data_years({"data_period": "2019–2025"}) == list(range(2019, 2026))
    assert sources.data_years({"data_years": [2025, 2023]}) == [2023, 2025]
