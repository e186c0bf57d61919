"""The year's tasks: every notebook of one report year, with its parameters and front matter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from statusrapport import config, escaping, kalender, paths, planer
from statusrapport import pages as registry
from statusrapport.errors import DataError
from statusrapport.execution import Task
from statusrapport.kalender import ActiveFacility


def latest_year(data_dir: Path) -> int:
    """The report year by the one calendar (latest year with data); for benchmarks and tools."""
    from statusrapport import validation
    from statusrapport.validation.reading import read_folder

    inputs = read_folder(data_dir)
    year = kalender.report_year(None, validation.available_years(inputs.tables, date.today()))
    if year is None:
        raise DataError(f"Fandt ingen år med data i fravaer.csv eller personale.csv i {data_dir}")
    return year


def active_facilities(data_dir: Path, year: int) -> list[ActiveFacility]:
    """Facilities open at some point in ``year`` (the one calendar): each gets a profile page."""
    from statusrapport.validation.reading import read_folder

    tables = read_folder(data_dir).tables
    if "tilbud" not in tables:
        raise DataError(f"tilbud.csv i {data_dir} kan ikke læses; kør statusrapport validate")
    return kalender.active_facilities(tables["tilbud"].frame, year)


def year_tasks(data_dir: Path, year: int, facilities: list[ActiveFacility]) -> list[Task]:
    """Every notebook of the year's report with its parameters and page front matter."""
    common = {"year": year, "data_dir": paths.portable(data_dir, config.PROJECT_ROOT)}
    tasks = [
        Task(
            source=config.NOTEBOOKS_DIR / f"{stem}.ipynb",
            output=f"reports/{year}/{stem}.ipynb",
            parameters=dict(common),
            front_matter={"title": f"{title} {year}"},
        )
        for stem, title in registry.titles()
    ]
    # One follow-up page per plan (planer.toml), linked from the overview page "opfoelgning";
    # a plan with its own year page (the bostedsundersøgelse) has that page only.
    for item in planer.PLANER:
        if not registry.plan_page(item.id).startswith("opfoelgning/"):
            continue
        tasks.append(
            Task(
                source=config.NOTEBOOKS_DIR / f"{config.PLAN_NOTEBOOK}.ipynb",
                output=f"reports/{year}/opfoelgning/{item.id}.ipynb",
                parameters={**common, "plan_id": item.id},
                front_matter={
                    "title": f"Opfølgning {year}: {escaping.metadata(item.titel)}",
                    "aar": year,
                },
            )
        )
    profile = config.NOTEBOOKS_DIR / f"{config.PROFILE_NOTEBOOK}.ipynb"
    for facility in facilities:
        tasks.append(
            Task(
                source=profile,
                output=f"reports/{year}/tilbud/{facility.tilbud_id}.ipynb",
                parameters={**common, "tilbud_id": facility.tilbud_id},
                front_matter={
                    "title": escaping.metadata(facility.navn),  # Quarto reads it as Markdown
                    "subtitle": f"Tilbudsprofil {year} · {facility.maalgruppe}",
                    "tilbud_id": facility.tilbud_id,
                    "maalgruppe": facility.maalgruppe,
                    "categories": [facility.maalgruppe],
                    "aar": year,
                },
            )
        )
    return tasks
