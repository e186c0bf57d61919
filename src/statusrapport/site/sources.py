"""Write the data-dependent Quarto sources into the build folder.

The committed sources (``_quarto.yml``, the ``.qmd`` pages, styles) are copied in first; here
the pages per year, the facility comparison pages, the includes of the committed pages, the
year menu, the footer and the demo banner are added. Data-derived text goes through
:mod:`statusrapport.escaping` (Markdown) or the autoescaping templates (HTML).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from statusrapport import config, escaping, fmt, settings
from statusrapport.site import facilities
from statusrapport.site.discover import YearReport, key_figures, messages_label, scoreboard_label

SITE_TITLE = "Statusrapport for botilbud"
ORGANISATION = "Københavns Kommune · Socialforvaltningen"
DEMO_TEXT = (
    "Tallene er dannet af en generator til afprøvning af rapporten og beskriver ikke virkelige "
    "botilbud, medarbejdere eller borgere."
)

#: The site's one demo banner: short enough for one or two lines at 390 px.
DEMO_KORT = "Tallene beskriver ikke virkelige botilbud."

#: A listing date format Pandoc cannot read as an ordered list (``15. feb. 2026`` would be one
#: with ``lang: da``; see the Quarto kit README). Every listing the site writes uses it.
LISTING_DATE_FORMAT = "D MMMM YYYY"

RUN_LOG_ROWS = 15


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def danish_date(iso: str | None) -> str:
    """'2026-11-22' → '22. november 2026' (the text is unchanged if it is not an ISO date)."""
    if not iso:
        return "ukendt dato"
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day}. {fmt.MAANEDER[day.month - 1]} {day.year}"


def footer_text(run_info: Mapping[str, Any]) -> str:
    """The footer line every page shows: data period and run date."""
    period = run_info.get("data_period") or "ukendt periode"
    return f"Data: {period} · Opdateret {danish_date(run_info.get('run_date'))}"


def pdf_name(year: int) -> str:
    """The full report as one PDF (every page of the year)."""
    return f"statusrapport-{year}.pdf"


def committee_pdf_name(year: int) -> str:
    """The short committee PDF ("bilag til dagsordenen")."""
    return f"statusrapport-{year}-bilag.pdf"


def write_variables(
    build_dir: Path,
    reports: list[YearReport],
    run_info: Mapping[str, Any],
    publication: settings.Publication | None = None,
) -> dict[str, Any]:
    """Write ``_variables.yml`` (for ``{{< var … >}}``): the run's values, the targets and the
    publication settings (organisation, committee, accessibility contact, WAS-tool link)."""
    path = build_dir / "_variables.yml"
    variables: dict[str, Any] = {}
    if path.exists():
        variables = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    publication = publication if publication is not None else settings.load()
    variables.update(settings.site_variables(publication))
    targets = config.TARGETS
    variables.update(
        {
            "data_period": str(run_info.get("data_period") or "ukendt periode"),
            "run_date": danish_date(run_info.get("run_date")),
            "newest_year": str(reports[0].year) if reports else "",
            "input_hash": str(run_info.get("input_hash") or "")[:12],
            "min_personer": str(config.MIN_PERSONS),
            "langtid_dage": str(config.LANGTID_DAGE),
            "maal": {
                "tilsyn_min": fmt.tal(targets.tilsyn_min),
                "paabud_max": fmt.heltal(targets.paabud_max),
                "trivsel_min": fmt.tal(targets.trivsel_min),
                "lederevaluering_min": fmt.tal(targets.lederevaluering_min),
                "belaegning_min": fmt.tal(targets.belaegning_min),
                "budget_max_abs": fmt.tal(targets.budget_max_abs),
            },
        }
    )
    path.write_text(dump_yaml(variables), encoding="utf-8")
    return variables


def _page_list(report: YearReport, prefix: str) -> list[str]:
    return [
        f"{i}. [{escaping.markdown(p.title)}]({prefix}{p.stem}.ipynb)"
        for i, p in enumerate(report.pages, 1)
    ]


def write_generated_pages(
    build_dir: Path,
    reports: list[YearReport],
    *,
    pdfs: list[Path],
    run_info: Mapping[str, Any] | None = None,
) -> None:
    """Write the year pages, facility pages and the includes of the committed pages."""
    made = {p.relative_to(build_dir) for p in pdfs}
    note = published_years_note(reports, data_years(run_info or {}))
    for report in reports:
        _write_year_index(build_dir, report, made)
        if report.facilities:
            _write_facility_page(
                build_dir / report.folder / "tilbud" / "index.qmd",
                report,
                key_figures(build_dir, report),
                prefix="",
            )
    _write_front_page_include(build_dir, reports, made, note)
    _write_years_include(build_dir, reports, made, note)
    if reports and reports[0].facilities:
        newest = reports[0]
        others = [r for r in reports[1:] if r.facilities]
        extra = ""
        if others:
            links = ", ".join(f"[{r.year}]({r.folder}/tilbud/index.qmd)" for r in others)
            extra = f"Tilbudsprofiler for tidligere år: {links}.\n"
        _write_facility_page(
            build_dir / "tilbud.qmd",
            newest,
            key_figures(build_dir, newest),
            prefix=f"{newest.folder}/tilbud/",
            title="Tilbud",
            extra=extra,
        )


def _pdf_links(report: YearReport, made: set[Path], prefix: str) -> list[str]:
    links = []
    if report.folder / committee_pdf_name(report.year) in made:
        links.append(
            f"[Bilag til dagsordenen {report.year} (kort PDF)]"
            f"({prefix}{committee_pdf_name(report.year)})"
        )
    if report.folder / pdf_name(report.year) in made:
        links.append(f"[Hele rapporten for {report.year} (PDF)]({prefix}{pdf_name(report.year)})")
    return links


#: ASCII spellings in table file names and the Danish letters they stand for (report.slug).
_DANSK = (("aa", "å"), ("ae", "æ"), ("oe", "ø"))
#: Whole words a slug shortens: "pr" is "pr.", "resume" is "resumé".
_ORD = {"pr": "pr.", "resume": "resumé"}


def table_label(stem: str) -> str:
    """Words for a table's file name, as link text: 'fig-tragt-sygefravaer' → 'Tragt
    sygefravær' (a file name is no link text, issue 20). Undoes :func:`report.slug`'s
    æ/ø/å spelling; "fig-" (the figure's own table) is dropped."""
    words = stem.removeprefix("fig-").split("-")
    out = []
    for word in words:
        for ascii_, letter in _DANSK:
            word = word.replace(ascii_, letter)
        out.append(_ORD.get(word, word))
    text = " ".join(w for w in out if w)
    return text[:1].upper() + text[1:]


def _write_year_index(build_dir: Path, report: YearReport, made: set[Path]) -> None:
    folder = build_dir / report.folder
    lines = [
        "---",
        f'title: "Statusrapport {report.year}"',
        "toc: false",
        "---",
        "",
        f"Rapporten for {report.year} har disse sider:",
        "",
        *_page_list(report, ""),
        "",
    ]
    pdf_links = _pdf_links(report, made, "")
    if pdf_links:
        lines += ["## Til dagsordenen", "", *[f"- {link}" for link in pdf_links], ""]
    if report.facilities:
        lines += [
            "## Tilbud",
            "",
            f"[Sammenlign tilbuddene {report.year}](tilbud/index.qmd) – "
            f"{fmt.antal(len(report.facilities), 'tilbud', 'tilbud')} med hver sin profil.",
            "",
        ]
    downloads = [
        f"- [{label}]({name})"
        for name, label in (
            ("noegletal.csv", "Nøgletal (CSV)"),
            ("noegletal.json", "Nøgletal (JSON)"),
            ("datakvalitet.json", "Datakvalitet (JSON)"),
        )
        if (folder / name).exists()
    ]
    tables = sorted((folder / "tabeller").glob("*.csv"))
    downloads += [
        f"- [{escaping.markdown(table_label(t.stem))} (CSV)](tabeller/{t.name})" for t in tables
    ]
    if downloads:
        lines += ["## Tal til download", "", *downloads, ""]
    (folder / "index.qmd").write_text("\n".join(lines), encoding="utf-8")


def _write_facility_page(
    path: Path,
    report: YearReport,
    figures: Mapping[str, Any],
    *,
    prefix: str,
    title: str | None = None,
    extra: str = "",
) -> None:
    """A page with the comparison table as a raw HTML block (sorted and filtered by
    ``assets/tabeller.html``; without JavaScript it is a plain, complete table)."""
    # html-table-processing: none – Quarto would otherwise read the table into Pandoc and
    # re-emit it (numbered caption, centred cells, sort buttons' headers lost).
    meta = {
        "title": title or f"Tilbud {report.year}",
        "toc": False,
        "html-table-processing": "none",
    }
    table = facilities.table_html(report, figures, prefix=prefix)
    body = f"```{{=html}}\n{table}```\n\n{extra}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{dump_yaml(meta)}---\n\n{body}", encoding="utf-8")


def data_years(run_info: Mapping[str, Any]) -> list[int]:
    """The years the input data cover (``run_info["data_years"]``, else its data period)."""
    years = [y for y in run_info.get("data_years") or [] if isinstance(y, int)]
    if years:
        return sorted(years)
    found = [int(y) for y in re.findall(r"\d{4}", str(run_info.get("data_period") or ""))]
    return list(range(min(found), max(found) + 1)) if found else []


def _year_range(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def published_years_note(reports: list[YearReport], covered: list[int]) -> str:
    """Which years have a report, and – when the data cover more – how the rest are built.

    ``make report`` builds the newest year only; a newcomer must not read "2019–2025" on the
    front page and think every year is there.
    """
    published = sorted(r.year for r in reports)
    if not published:
        return ""
    text = f"Udgivne årsrapporter: {_year_range(published)}" + (
        f" (data for {_year_range(covered)})." if covered else "."
    )
    missing = [y for y in covered if y not in published]
    if missing:
        every = f"{covered[0]}-{covered[-1]}" if len(covered) > 1 else str(covered[0])
        command = f"statusrapport run --years {every}"
        noun, pronoun = ("Rapporten", "den") if len(missing) == 1 else ("Rapporterne", "dem")
        text += (
            f" {noun} for {_year_range(missing)} er ikke bygget; den, der driver sitet, "
            f"bygger {pronoun} med `{command}`."
        )
    return text


def _write_front_page_include(
    build_dir: Path, reports: list[YearReport], made: set[Path], note: str = ""
) -> None:
    path = build_dir / "_forside-aktuelt.md"
    if not reports:
        path.write_text("Der er endnu ingen årsrapporter.\n", encoding="utf-8")
        return
    newest = reports[0]
    prefix = f"{newest.folder}/"
    resume = f"{prefix}resume.ipynb"
    lines = []
    messages = messages_label(build_dir, newest)
    if messages:  # first on the front page: what a committee member reads in two minutes
        lines += [
            f"## Det vigtigste i {newest.year}",
            "",
            f"{{{{< embed {resume}#{messages} >}}}}",
            "",
        ]
    lines += [f"## Statusrapport {newest.year}", "", *_page_list(newest, prefix), ""]
    if note:
        lines += [note, ""]
    lines += [f"{link}  " for link in _pdf_links(newest, made, prefix)] + [""]
    label = scoreboard_label(build_dir, newest)
    if label:
        lines += [
            f"### Målopfyldelse {newest.year}",
            "",
            f"{{{{< embed {resume}#{label} >}}}}",
            "",
        ]
    if any(p.stem == "resume" for p in newest.pages):
        lines += [f"Læs [resuméet for {newest.year}]({resume}) med de vigtigste resultater.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_years_include(
    build_dir: Path, reports: list[YearReport], made: set[Path], note: str = ""
) -> None:
    lines: list[str] = [note, ""] if note else []
    for report in reports:
        prefix = f"{report.folder}/"
        lines += [f"## [Statusrapport {report.year}]({prefix}index.qmd)", ""]
        lines += [f"- [{escaping.markdown(p.title)}]({prefix}{p.stem}.ipynb)" for p in report.pages]
        if report.facilities:
            lines.append(f"- [Tilbud {report.year}: sammenligning]({prefix}tilbud/index.qmd)")
        lines += [f"- {link}" for link in _pdf_links(report, made, prefix)]
        lines.append("")
    text = "\n".join(lines) if lines else "Der er endnu ingen årsrapporter.\n"
    (build_dir / "_aarsrapporter-liste.md").write_text(text, encoding="utf-8")


def write_quarto_config(
    build_dir: Path,
    reports: list[YearReport],
    *,
    demo: bool,
    run_info: Mapping[str, Any],
    publication: settings.Publication | None = None,
) -> dict[str, Any]:
    """Add the year menu, one sidebar per year, the footer and (demo) the banner to the config."""
    path = build_dir / "_quarto.yml"
    cfg: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    website = cfg.setdefault("website", {})
    navbar = website.setdefault("navbar", {})
    for item in navbar.get("left", []):
        if isinstance(item, dict) and item.get("text") == "Årsrapporter" and reports:
            item.pop("href", None)
            item["menu"] = [{"text": "Alle år", "href": "aarsrapporter.qmd"}] + [
                {"text": f"Statusrapport {r.year}", "href": f"{r.folder}/index.qmd"}
                for r in reports
            ]
    sidebars = []
    for report in reports:
        contents: list[Any] = [f"{report.folder}/index.qmd"]
        contents += [str(p.path) for p in report.pages]
        if report.plans:  # one page per follow-up plan, after the overview page
            contents.append(
                {"section": "Opfølgning pr. plan", "contents": [str(p.path) for p in report.plans]}
            )
        if report.facilities:
            contents.append({"text": "Tilbud", "href": f"{report.folder}/tilbud/index.qmd"})
        sidebars.append(
            {
                "id": f"aar-{report.year}",
                "title": f"Statusrapport {report.year}",
                "style": "docked",
                "contents": contents,
            }
        )
    if sidebars:
        website["sidebar"] = sidebars
    publication = publication if publication is not None else settings.load()
    address = publication.get("site.adresse")
    if address:  # the published address (sitemap, canonical links); never a placeholder
        website["site-url"] = address
    footer = website.setdefault("page-footer", {})
    footer["left"] = ORGANISATION
    footer["center"] = footer_text(run_info)
    if demo:
        website["announcement"] = {
            # One line on a phone (issue 20): the full explanation is on the method page.
            "content": f"**{config.DEMO_LABEL}.** {DEMO_KORT}",
            "type": "warning",
            "icon": "exclamation-triangle",
            "dismissable": False,
            "position": "below-navbar",
        }
    else:
        website.pop("announcement", None)
    path.write_text(dump_yaml(cfg), encoding="utf-8")
    return cfg


def _run_time(iso: str | None) -> str:
    """'22.11.2026 kl. 02:30' from an ISO timestamp (empty when missing)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%d.%m.%Y kl. %H:%M")


def _run_years(run: Mapping[str, Any]) -> str:
    """'2025', or '2019–2025' for a backfill of several years."""
    years = [y for y in run.get("years") or [] if isinstance(y, int)]
    if len(years) > 1:
        return f"{min(years)}–{max(years)}"
    return str(run.get("year") or "")


def run_log_markdown(lines: list[str], rows: int = RUN_LOG_ROWS) -> str:
    """The newest runs of ``reports/runs.jsonl`` as a Markdown table (newest first)."""
    runs = []
    for line in lines:
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a killed run is skipped, not fatal
    if not runs:
        return "Der er endnu ikke registreret nogen kørsler.\n"
    results = {0: "offentliggjort", 3: "fejl i en notebook", 4: "fejl i renderingen"}
    table = [
        "| Start | År | Kørt | Uændrede | Fejlede | Varighed | Resultat |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in reversed(runs[-rows:]):
        code = run.get("exit_code")
        result = results.get(code, f"afsluttet med kode {code}")
        if code == 0 and not run.get("published"):
            result = "intet ændret"
        if code == 0 and run.get("corrections"):
            result = "rettelse af " + ", ".join(str(y) for y in run["corrections"])
        seconds = run.get("seconds")
        table.append(
            f"| {_run_time(run.get('start'))} | {_run_years(run)} | {run.get('run', 0)} "
            f"| {run.get('skipped', 0)} | {len(run.get('failed') or [])} "
            f"| {'' if seconds is None else f'{seconds:.0f} s'} | {result} |"
        )
    return "\n".join(table) + "\n"


def write_run_log_include(build_dir: Path) -> Path:
    """``_koersler.md`` for the archive page (Årsrapporter), from the run log copied in."""
    log = build_dir / "reports" / "runs.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    path = build_dir / "_koersler.md"
    path.write_text(run_log_markdown(lines), encoding="utf-8")
    return path
