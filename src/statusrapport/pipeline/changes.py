"""What each page reads, and why a page runs again (issue 24).

Two things, both from the year's manifest:

* :func:`input_bases` – the inputs a page's key depends on. A follow-up plan's page reads its
  own file and its entry in ``planer.toml``; a year page reads the inputs the page registry
  (``pages.py``) declares for it – the plans' overview every plan, the data-quality page and the
  resumé every input (so adding a plan runs only its page and the pages that show every plan
  or every input; an absence correction leaves the inspection page alone).
* :func:`reasons` – for the pages that run again, the change that made them run, in words the
  analyst recognises ("personale.csv er ændret: 12 sider"; "det viste gennemsnit for hele
  centret er ændret (Personaleomsætning 21,1 % → 20,9 %): 35 sider"). The run log and the
  progress line print them; ``runs.jsonl`` keeps them.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from statusrapport import pages, planer
from statusrapport.execution import Task
from statusrapport.hashing import sha
from statusrapport.kalender import ActiveFacility

#: The manifest key of the centre and target-group averages the profiles showed.
AVERAGES_KEY = "gennemsnit"
CENTRE = "Hele centret"
GROUP = "Målgruppen"


def _own_files(plan: planer.Plan, files: dict[str, str]) -> list[str]:
    """The input file names of a plan with its own page (``<fil>.csv`` or ``.xlsx``)."""
    return [name for name in files if Path(name).stem == plan.fil]


def separate_plans() -> list[planer.Plan]:
    """Plans with the common contract and a page of their own under ``opfoelgning/``."""
    return [
        p
        for p in planer.PLANER
        if p.egen_kontrakt and pages.plan_page(p.id).startswith("opfoelgning/")
    ]


def input_bases(
    tasks: list[Task],
    files: dict[str, str],
    input_hash: str,
    demo: bool,
    years: list[int] | None = None,
) -> dict[str, str]:
    """Output → hash of the inputs that page reads (see the module docstring).

    A follow-up plan's own page: its file and its entry in ``planer.toml``. A year page: the
    input files the page registry declares for it (``pages.py``, via
    :func:`keys.declared_inputs`), the entries of the plans among them, and the years with data
    (every page checks its year against them). Anything else (a profile without a shown-content
    fingerprint): every input but the separate plans' files."""
    from statusrapport.pipeline import keys

    separate = separate_plans()
    plan_files = {name for p in separate for name in _own_files(p, files)}
    # a profile without a shown-content fingerprint: every input but the separate plans' files
    core = sha(
        str(demo),
        *(f"{name}:{files[name]}" for name in sorted(files) if name not in plan_files),
        *(p.fingerprint() for p in planer.PLANER if p not in separate),
    )
    per_plan = {
        p.id: sha(
            str(demo), *(f"{n}:{files[n]}" for n in sorted(_own_files(p, files))), p.fingerprint()
        )
        for p in separate
    }
    shown_years = json.dumps(sorted(years or []))
    declared_cache: dict[str, str] = {}

    def declared(stem: str) -> str:
        if stem not in declared_cache:
            names = set(keys.declared_inputs(stem))
            declared_cache[stem] = sha(
                str(demo),
                shown_years,
                *(f"{n}:{files[n]}" for n in sorted(files) if Path(n).stem in names),
                *(p.fingerprint() for p in planer.PLANER if p.fil in names),
            )
        return declared_cache[stem]

    bases: dict[str, str] = {}
    for task in tasks:
        plan_id = task.parameters.get("plan_id")
        if isinstance(plan_id, str) and plan_id in per_plan:
            bases[task.output] = per_plan[plan_id]
        elif Path(task.output).parent.name.isdigit():  # a year page: reports/<year>/<page>
            bases[task.output] = declared(task.source.stem)
        else:
            bases[task.output] = core
    return bases


def _short(label: str) -> str:
    """'Personaleomsætning (fratrådte / …)' → 'Personaleomsætning'."""
    return label.split(" (")[0].strip()


def shown_averages(
    data_dir: Path, year: int, facilities: list[ActiveFacility], inputs: Any
) -> dict[str, dict[str, str]]:
    """The centre's and each target group's figures as the profile pages show them
    (``{"Hele centret": {nøgletal: tekst}, "Målgruppen <gruppe>": {…}}``); empty when the pages
    cannot be computed (invalid data: validation says why)."""
    from statusrapport import data
    from statusrapport.analysis import tilbudsprofil as profil

    out: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = data.load(data_dir, inputs)
            for facility in facilities:
                if facility.maalgruppe in seen:
                    continue
                seen.add(facility.maalgruppe)
                shown = profil.display(profil.page(dataset, year, facility.tilbud_id).sammenligning)
                labels = [_short(str(v)) for v in shown["Nøgletal"]]
                out.setdefault(CENTRE, dict(zip(labels, map(str, shown[CENTRE]), strict=True)))
                out[f"{GROUP} {facility.maalgruppe}"] = dict(
                    zip(labels, map(str, shown[GROUP]), strict=True)
                )
    except Exception:  # invalid data: the reasons fall back to "tilbuddets tal"
        return {}
    return out


def _moved(before: dict[str, str], now: dict[str, str], shown: int = 3) -> list[str]:
    """The figures that moved, ``old → new``; the first ``shown`` and how many more."""
    moved = [f"{k} {before[k]} → {now[k]}" for k in now if k in before and before[k] != now[k]]
    if len(moved) > shown:
        return [*moved[:shown], f"og {len(moved) - shown} til"]
    return moved


def reasons(
    changed: list[Task],
    components: dict[str, dict[str, str]],
    manifest: dict[str, Any],
    files: dict[str, str],
    averages: dict[str, dict[str, str]],
) -> tuple[list[str], dict[str, str]]:
    """Why the ``changed`` pages run again: one Danish line per cause with its page count, most
    pages first, and each page's cause (output → cause) for the progress lines."""
    old_components: dict[str, dict[str, str]] = manifest.get("komponenter") or {}
    old_files: dict[str, str] = manifest.get("input_files") or {}
    old_plans: dict[str, str] = manifest.get("planer") or {}
    old_averages: dict[str, dict[str, str]] = manifest.get(AVERAGES_KEY) or {}
    moved_files = sorted(n for n in set(old_files) | set(files) if old_files.get(n) != files.get(n))
    moved_plans = sorted(
        p.id for p in planer.PLANER if old_plans and old_plans.get(p.id) != p.fingerprint()
    )
    separate = {p.id: p for p in separate_plans()}
    per_page: dict[str, str] = {}
    for task in changed:
        new, old = components.get(task.output, {}), old_components.get(task.output)
        per_page[task.output] = _reason(
            task, new, old, manifest, moved_files, moved_plans, separate, averages, old_averages
        )
    counts = Counter(per_page.values())
    summary = [
        f"{reason}: {n} {'side' if n == 1 else 'sider'}"
        for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return summary, per_page


def _reason(
    task: Task,
    new: dict[str, str],
    old: dict[str, str] | None,
    manifest: dict[str, Any],
    moved_files: list[str],
    moved_plans: list[str],
    separate: dict[str, planer.Plan],
    averages: dict[str, dict[str, str]],
    old_averages: dict[str, dict[str, str]],
) -> str:
    if not manifest.get("tasks"):
        return "året er ikke publiceret før"
    if old is None:
        return "ny side"
    if old.get("kode") != new.get("kode"):
        return "koden eller valideringsreglerne er ændret"
    if old.get("notebook") != new.get("notebook"):
        return f"notebooken {task.source.name} er ændret"
    if old.get("parametre") != new.get("parametre"):
        return "sidens parametre eller titel er ændret"
    if old.get("input") == new.get("input"):
        return "siden manglede eller blev kørt alene med --only"
    if new.get("input", "").startswith("side:"):  # a profile: what it shows moved
        group = f"{GROUP} {task.front_matter.get('maalgruppe', '')}"
        centre = _moved(old_averages.get(CENTRE, {}), averages.get(CENTRE, {}))
        if centre:
            return "det viste gennemsnit for hele centret er ændret (" + "; ".join(centre) + ")"
        in_group = _moved(old_averages.get(group, {}), averages.get(group, {}))
        if in_group:
            return (
                f"det viste gennemsnit for {group.lower()} er ændret (" + "; ".join(in_group) + ")"
            )
        return "tilbuddets egne tal er ændret"
    plan_id = task.parameters.get("plan_id")
    if isinstance(plan_id, str) and plan_id in separate:
        own = [n for n in moved_files if Path(n).stem == separate[plan_id].fil]
        if plan_id in moved_plans:
            return f"planen {plan_id} er ændret i planer.toml"
        return (", ".join(own) or "planens fil") + " er ændret"
    shown = moved_files
    if Path(task.output).parent.name.isdigit():  # a year page: the files it declares
        from statusrapport.pipeline import keys

        names = set(keys.declared_inputs(task.source.stem))
        shown = [n for n in moved_files if Path(n).stem in names]
    if shown:
        return ", ".join(shown) + (" er ændret" if len(shown) == 1 else " er ændrede")
    if moved_plans:
        return "planer.toml er ændret (" + ", ".join(moved_plans) + ")"
    return "inputdata er ændrede"
