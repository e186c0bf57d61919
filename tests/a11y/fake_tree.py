"""A tiny build folder that looks like the pipeline's output, for the site and a11y tests.

It has what matters to the site: executed notebooks with a front-matter raw cell, a tagged
``parameters`` cell and papermill's ``injected-parameters`` cell, Markdown, HTML-table and PNG
outputs (with ``#| fig-alt``), CSV downloads, two facility profiles and a run log.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output, new_raw_cell

SECRET = "/hemmelig/sti/til/data"
YEARS = (2024, 2025)
RUN_INFO = {"data_period": "2019–2025", "run_date": "2026-11-22", "input_hash": "abc123def4567890"}
FIG_ALT = "Søjlediagram over den gennemsnitlige tilsynsscore for hvert af de fem temaer"
FIG_CAP = "Gennemsnitlig score pr. tema"
FACILITIES = (
    ("T01", "Bostedet Ved Søerne", "socialpsykiatri"),
    ("T02", "Autismecenter Nord", "autisme"),
)


def png(width: int = 120, height: int = 60) -> str:
    """A small valid PNG (blue bars on white) as base64, without needing matplotlib."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            bar = (x // 20) % 2 == 0 and y > height - 10 - (x // 20) * 8
            row += bytes((0, 79, 140) if bar else (255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    raw += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    return base64.b64encode(raw).decode()


def _table(name: str, caption: str) -> str:
    return (
        '<table class="table table-sm table-striped statusrapport-tabel">'
        f"<caption>{caption}</caption>"
        '<thead><tr><th scope="col">Tema</th><th scope="col" style="text-align:right">Score</th>'
        "</tr></thead><tbody><tr><td>Sundhed og trivsel</td>"
        '<td style="text-align:right">3,9</td></tr><tr><td>Kompetencer</td>'
        '<td style="text-align:right">4,1</td></tr></tbody></table>'
        f'<p class="download-link"><a href="tabeller/{name}.csv" download>'
        f"Hent tallene som CSV-fil ({name}.csv)</a></p>"
    )


def _notebook(front: str, year: int, *, demo: bool, label: str, extra: list | None = None):
    cells = [
        new_raw_cell(front),
        new_code_cell(
            "year: int = 2025  # rapportår\ndata_dir: str = ''",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            f"# Parameters\nyear = {year}\ndata_dir = {SECRET!r}\n",
            metadata={"tags": ["injected-parameters"]},
        ),
    ]
    setup_outputs = [
        new_output("stream", name="stderr", text="UserWarning: støj fra et bibliotek\n"),
    ]
    if demo:
        setup_outputs.append(
            new_output(
                "display_data",
                data={
                    "text/html": '<div class="callout callout-warning demo-banner" role="note">'
                    "<p><strong>Fiktive data – ikke til beslutningsbrug.</strong></p></div>"
                },
            )
        )
    cells.append(
        new_code_cell(
            "import statusrapport\ndata = report.setup(data_dir, year)", outputs=setup_outputs
        )
    )
    cells.append(
        new_code_cell(
            "report.md(f'…')",
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "text/markdown": "## Hovedresultater\n\nGennemsnittet er **3,9** af 5.",
                        "text/plain": "<IPython.core.display.Markdown object>",
                    },
                )
            ],
        )
    )
    cells.append(
        new_code_cell(
            f'#| label: fig-{label}\n#| fig-cap: "{FIG_CAP}"\n#| fig-alt: "{FIG_ALT}"\nplt.show()',
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": png(), "text/plain": "<Figure size 640x480 with 1 Axes>"},
                )
            ],
        )
    )
    cells.append(
        new_code_cell(
            f"report.table(frame, name='{label}')",
            outputs=[
                new_output(
                    "display_data",
                    data={"text/html": _table(label, "Score pr. tema"), "text/plain": "<HTML>"},
                )
            ],
        )
    )
    cells += extra or []
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["papermill"] = {"parameters": {"year": year, "data_dir": SECRET}}
    return nb


def key_figures(year: int) -> dict:
    """A ``noegletal.json``: T02's turnover suppressed (None), T02 has no inspection score."""
    return {
        "aar": year,
        "fiktive_data": True,
        "tilsyn.gns_score": 4.05,
        "fravaer.procent_samlet": 0.0568,
        "tilsyn.gns_score_pr_tilbud": {"T01": 4.18},
        "fravaer.procent_pr_tilbud": {"T01": 0.0552, "T02": 0.1234},
        "personaleomsaetning.procent_pr_tilbud": {"T01": 0.1334, "T02": None},
        "maal.antal_tilbud": 2,
        "maal.antal_tilbud_alle_maal_opfyldt": 1,
        "maal.opfyldt_pr_tilbud": {
            "T01": {"tilsyn": "opfyldt", "budget": "ikke opfyldt", "trivsel": "opfyldt"},
            "T02": {"tilsyn": "ingen data", "budget": "opfyldt", "trivsel": "opfyldt"},
        },
    }


def make_tree(build_dir: Path, *, demo: bool = True) -> Path:
    """Write the fake reports for ``YEARS`` into ``build_dir`` and return it."""
    for year in YEARS:
        folder = build_dir / "reports" / str(year)
        (folder / "tabeller").mkdir(parents=True, exist_ok=True)
        stems = ("resume", "tilsyn", "sygefravaer") if year == max(YEARS) else ("resume",)
        titles = {"resume": "Resumé", "tilsyn": "Tilsyn og kvalitet", "sygefravaer": "Sygefravær"}
        for stem in stems:
            extra = []
            if stem == "resume":
                extra.append(
                    new_code_cell(
                        "#| label: tbl-maalopfyldelse\nreport.table(maal, name='maal')",
                        outputs=[
                            new_output(
                                "display_data",
                                data={"text/html": _table(f"maal-{stem}", "Målopfyldelse")},
                            )
                        ],
                    )
                )
                (folder / "tabeller" / f"maal-{stem}.csv").write_text("tema,score\nA,1\n")
            front = f'---\ntitle: "{titles[stem]} {year}"\n---'
            nb = _notebook(front, year, demo=demo, label=f"{stem}-score", extra=extra)
            nbformat.write(nb, folder / f"{stem}.ipynb")
            (folder / "tabeller" / f"{stem}-score.csv").write_text("tema,score\nA,3.9\n")
        (folder / "noegletal.json").write_text(json.dumps(key_figures(year)), encoding="utf-8")
        (folder / "noegletal.csv").write_text("indikator,vaerdi\ntilsyn,3.9\n", encoding="utf-8")
        if year == max(YEARS):
            profiles = folder / "tilbud"
            (profiles / "tabeller").mkdir(parents=True, exist_ok=True)
            for tilbud_id, name, group in FACILITIES:
                front = (
                    f'---\ntitle: "{name}"\nsubtitle: "Tilbudsprofil {year}"\n'
                    f'maalgruppe: "{group}"\ntilbud_id: "{tilbud_id}"\naar: {year}\n---'
                )
                nb = _notebook(front, year, demo=demo, label=f"{tilbud_id.lower()}-score")
                nbformat.write(nb, profiles / f"{tilbud_id}.ipynb")
                (profiles / "tabeller" / f"{tilbud_id.lower()}-score.csv").write_text("a\n1\n")
    runs = build_dir / "reports" / "runs.jsonl"
    runs.write_text(json.dumps({"exit_code": 0}) + "\n", encoding="utf-8")
    return build_dir


def build_site(build_dir: Path, *, demo: bool = True, engine: str = "nbconvert", **extra: Any):
    """``site.build`` of a fake tree for ``YEARS`` (quiet; ``extra``: e.g. ``previous_site``)."""
    from statusrapport import site

    return site.build(
        build_dir,
        years=list(YEARS),
        demo=demo,
        run_info=RUN_INFO,
        quiet=True,
        engine=engine,
        **extra,
    )
