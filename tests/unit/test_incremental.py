"""Incremental rendering: which pages a run renders, and the shared menu and footer."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from statusrapport.site import incremental

CONFIG = {
    "project": {
        "type": "website",
        "render": ["index.qmd", "metode.qmd", "reports/**/index.qmd", "reports/**/*.ipynb"],
    },
    "website": {
        "navbar": {
            "left": [
                {"text": "Forside", "href": "index.qmd"},
                {
                    "text": "Årsrapporter",
                    "menu": [{"text": "2025", "href": "reports/2025/index.qmd"}],
                },
            ]
        },
        "sidebar": [
            {"id": "aar-2025", "contents": ["reports/2025/index.qmd", "reports/2025/tilsyn.ipynb"]}
        ],
        "page-footer": {"left": "KK", "center": "Data: 2025 · Opdateret 1. december 2026"},
    },
    "format": {"html": {"theme": ["cosmo", "theme.scss"]}},
}


def _project(root: Path) -> Path:
    (root / "reports" / "2025").mkdir(parents=True)
    (root / "_quarto.yml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True))
    (root / "theme.scss").write_text("/*-- scss:defaults --*/\n")
    (root / "_variables.yml").write_text("run_date: 1. december 2026\n")
    (root / "_forside.md").write_text("Nyeste år: 2025\n")
    (root / "index.qmd").write_text("{{< include _forside.md >}}\n{{< var run_date >}}\n")
    (root / "metode.qmd").write_text("# Metode\n")
    (root / "reports" / "2025" / "index.qmd").write_text("# 2025\n")
    (root / "reports" / "2025" / "tilsyn.ipynb").write_text('{"cells": []}')
    return root


def _after_render(root: Path, plan: incremental.RenderPlan) -> dict:
    site = root / "_site"
    site.mkdir(exist_ok=True)
    incremental.write_manifest(site, plan)
    return incremental.read_manifest(site)


def test_first_render_is_full_then_nothing_then_only_what_changed(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = incremental.plan_render(root, {}, "1.11.0")
    assert first.full and "reports/2025/tilsyn.ipynb" in first.files
    previous = _after_render(root, first)

    assert incremental.plan_render(root, previous, "1.11.0").files == []

    (root / "reports" / "2025" / "tilsyn.ipynb").write_text('{"cells": [1]}')
    one = incremental.plan_render(root, previous, "1.11.0")
    assert not one.full and one.files == ["index.qmd", "reports/2025/tilsyn.ipynb"]

    (root / "_forside.md").write_text("Nyeste år: 2026\n")  # an include changed
    assert "index.qmd" in incremental.plan_render(root, previous, "1.11.0").files


def test_variables_theme_quarto_version_and_removed_pages(tmp_path: Path) -> None:
    root = _project(tmp_path)
    previous = _after_render(root, incremental.plan_render(root, {}, "1.11.0"))
    (root / "_variables.yml").write_text("run_date: 2. december 2026\n")
    assert incremental.plan_render(root, previous, "1.11.0").files == ["index.qmd"]
    assert incremental.plan_render(root, previous, "1.12.0").full
    (root / "theme.scss").write_text("/*-- scss:defaults --*/\n$primary: red;\n")
    assert incremental.plan_render(root, previous, "1.11.0").full

    root2 = _project(tmp_path / "b")
    previous = _after_render(root2, incremental.plan_render(root2, {}, "1.11.0"))
    (root2 / "reports" / "2025" / "tilsyn.ipynb").unlink()
    plan = incremental.plan_render(root2, previous, "1.11.0")
    assert plan.removed == ["reports/2025/tilsyn.ipynb"]


def test_a_new_year_renders_its_pages_not_the_archive(tmp_path: Path) -> None:
    """The year menu and a new sidebar are not a full render; the old year's pages stay."""
    root = _project(tmp_path)
    previous = _after_render(root, incremental.plan_render(root, {}, "1.11.0"))
    (root / "reports" / "2026").mkdir()
    (root / "reports" / "2026" / "index.qmd").write_text("# 2026\n")
    cfg = json.loads(json.dumps(CONFIG))
    cfg["website"]["navbar"]["left"][1]["menu"].insert(
        0, {"text": "2026", "href": "reports/2026/index.qmd"}
    )
    cfg["website"]["sidebar"].append({"id": "aar-2026", "contents": ["reports/2026/index.qmd"]})
    cfg["website"]["page-footer"]["center"] = "Data: 2025–2026 · Opdateret 1. januar 2027"
    (root / "_quarto.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True))
    plan = incremental.plan_render(root, previous, "1.11.0")
    assert not plan.full
    assert plan.files == ["index.qmd", "reports/2026/index.qmd"]


PAGE = """<html><body><nav>
<ul class="dropdown-menu" aria-labelledby="nav-menu-rsrapporter">
<li><a class="dropdown-item" href="{p}aarsrapporter.html">Alle år</a></li>
{items}</ul></nav>
<main>{main}</main>
<div class="nav-footer-center">
<p>{footer}</p>
</div><a href="https://example.org/">ekstern</a></body></html>"""


def _page(prefix: str, years: list[int], footer: str, main: str) -> str:
    items = "".join(
        f'<li><a class="dropdown-item" href="{prefix}reports/{y}/index.html">{y}</a></li>\n'
        for y in years
    )
    return PAGE.format(p=prefix, items=items, footer=footer, main=main)


def test_patch_chrome_gives_unrendered_pages_the_new_menu_and_footer(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    (site / "reports" / "2025").mkdir(parents=True)
    (site / "index.html").write_text(_page("./", [2026, 2025], "Data: 2025–2026", "forside"))
    old = site / "reports" / "2025" / "tilsyn.html"
    old.write_text(_page("../../", [2025], "Data: 2025", "tilsyn 2025"))
    rendered = site / "reports" / "2025" / "index.html"
    rendered.write_text("rendered this run")
    assert incremental.patch_chrome(site, {"reports/2025/index.html"}) == 1
    assert old.read_text() == _page("../../", [2026, 2025], "Data: 2025–2026", "tilsyn 2025")
    assert rendered.read_text() == "rendered this run"
    # a second patch changes nothing
    assert incremental.patch_chrome(site, {"reports/2025/index.html"}) == 0


def test_sync_resources_and_removed_pages_leave_search(tmp_path: Path) -> None:
    build, site = tmp_path / "build", tmp_path / "_site"
    (build / "reports" / "2025" / "tabeller").mkdir(parents=True)
    (build / "reports" / "2025" / "tabeller" / "a.csv").write_text("x\n1\n")
    (build / "reports" / "2025" / ".pdf-kilder.sha256").write_text("h")
    (site / "reports" / "2025" / "tilbud").mkdir(parents=True)
    assert incremental.sync_resources(build, site) == 1
    assert incremental.sync_resources(build, site) == 0
    assert not (site / "reports" / "2025" / ".pdf-kilder.sha256").exists()
    closed = site / "reports" / "2025" / "tilbud" / "T9.html"
    closed.write_text("x")
    entries = [{"href": "reports/2025/tilbud/T9.html#x"}, {"href": "index.html"}]
    (site / "search.json").write_text(json.dumps(entries))
    incremental.remove_pages(site, ["reports/2025/tilbud/T9.ipynb"])
    assert not closed.exists()
    assert json.loads((site / "search.json").read_text()) == [{"href": "index.html"}]


def test_render_units_one_call_per_page_or_per_mostly_changed_folder() -> None:
    pages = [
        "index.qmd",
        "metode.qmd",
        "reports/2024/index.qmd",
        "reports/2024/tilsyn.ipynb",
        "reports/2025/index.qmd",
        "reports/2025/tilsyn.ipynb",
        "reports/2025/resume.ipynb",
        "reports/2025/tilbud/index.qmd",
        "reports/2025/tilbud/A.ipynb",
        "reports/2025/tilbud/B.ipynb",
    ]
    # one facility: its page alone (never a whole folder, never several pages in one call)
    one = ["index.qmd", "reports/2025/tilbud/A.ipynb"]
    assert incremental.render_units(one, pages) == one
    # a year re-run: its folder once, whatever its unchanged year index does
    year = ["index.qmd", "metode.qmd"] + [
        p for p in pages if p.startswith("reports/2025/") and p != "reports/2025/index.qmd"
    ]
    assert incremental.render_units(year, pages) == ["reports/2025", "index.qmd", "metode.qmd"]
