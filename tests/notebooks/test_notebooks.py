"""The pages run: the resumé and profile on small data, every page on the full demo; an
interactive run writes nothing git sees.

The notebooks' conventions (cheap, no kernel) are in tests/unit/test_notebook_conventions.py
(``make check-notebooks``, part of ``make test-fast``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from statusrapport import config, demo
from statusrapport import pages as registry


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nb") / "raw"
    demo.write_demo_data(folder, n_facilities=6, years=(2023, 2025))
    return folder


@pytest.fixture(autouse=True)
def _interactive_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook run by hand writes its tables to the ignored folder ``interaktiv/``; here
    to the test's own folder (the kernel inherits the environment)."""
    monkeypatch.setenv("STATUSRAPPORT_INTERAKTIV", str(tmp_path / "interaktiv"))
    monkeypatch.delenv("STATUSRAPPORT_BUILD", raising=False)


def _run(source: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    out = out_dir / f"{source}.ipynb"
    pm.execute_notebook(
        str(config.NOTEBOOKS_DIR / f"{source}.ipynb"),
        str(out),
        parameters=parameters,
        cwd=str(out_dir),
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def _warnings(nb: nbformat.NotebookNode) -> list[str]:
    """Everything a page wrote to stderr (where Python warnings go) or as an error."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" or output.get("name") == "stderr":
                found.append(str(output.get("text", output.get("evalue", ""))))
    return found


def _texts(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text"))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("stem", [stem for stem, _ in registry.titles()])
def test_page_runs_on_full_demo_data_without_warnings(stem: str, full_demo_run: dict):
    """Every page as the pipeline executed it on the full demo data (36 facilities): no error,
    no warning in the page, the demo label shown, and its tables written as CSV downloads."""
    folder: Path = full_demo_run["reports"]
    nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
    text = _texts(nb)
    assert "Traceback" not in text and "Warning" not in text
    assert _warnings(nb) == []
    assert "Fiktive data" in text
    downloads = re.findall(r'href="tabeller/([^"]+\.csv)" download', text)
    assert downloads, f"{stem}: no CSV download"
    for name in downloads:
        assert (folder / "tabeller" / name).is_file(), name
    if stem == "personaleomsaetning":
        # Model diagnostics are in the executed notebook, in a cell hidden from readers.
        hidden = [c for c in nb.cells if c.cell_type == "code" and "#| include: false" in c.source]
        assert len(hidden) == 1
        shown = "".join(str(o.get("data", {})) for o in hidden[0].outputs)
        assert "ICC" in shown and "spredningsfaktor" in shown
    if stem == "tilsyn":
        # The trend model's diagnostics too: model, variance components and ICC, hidden.
        hidden = [c for c in nb.cells if c.cell_type == "code" and "#| include: false" in c.source]
        assert len(hidden) == 1
        shown = "".join(str(o.get("data", {})) for o in hidden[0].outputs)
        assert "ICC" in shown and "varians mellem tilsyn" in shown


@pytest.mark.slow
def test_every_profile_runs_on_full_demo_data_without_warnings(full_demo_run: dict):
    """One profile per active facility, each without error or warning and with its figures."""
    profiles = sorted((full_demo_run["reports"] / "tilbud").glob("*.ipynb"))
    assert len(profiles) >= 30
    for path in profiles:
        nb = nbformat.read(path, as_version=4)
        text = _texts(nb)
        assert "Traceback" not in text and "Warning" not in text, path.name
        assert _warnings(nb) == [], path.name
        assert "Fiktive data" in text, path.name


@pytest.mark.slow
def test_resume_runs_and_says_fictive(small_demo: Path, tmp_path: Path):
    nb = _run("resume", tmp_path, year=2025, data_dir=str(small_demo))
    text = _texts(nb)
    assert "Fiktive data" in text
    assert "Traceback" not in text and "Warning" not in text
    assert _warnings(nb) == []
    assert "tilbud opfylder alle de mål" in text
    assert (tmp_path / "interaktiv" / "tabeller" / "maalopfyldelse-resume.csv").exists()
    # "Det vigtigste": at most five ranked messages, each with the administration's comment
    # or the sentence that none was given; the demo's kommentarer.csv gives both (issue 20).
    cards = text.count('<li class="budskab">')
    comments = text.count('<p class="budskab-kommentar">')
    assert 1 <= cards <= 5 and comments == cards
    assert "Det gør forvaltningen:</strong> Fiktiv demokommentar" in text
    assert "<em>Forvaltningen har ikke givet en kommentar.</em>" in text


@pytest.mark.slow
def test_profile_runs_for_a_facility(small_demo: Path, tmp_path: Path):
    nb = _run("tilbudsprofil", tmp_path, year=2025, data_dir=str(small_demo), tilbud_id="CLB02")
    text = _texts(nb)
    assert "Traceback" not in text and "Warning" not in text
    assert _warnings(nb) == []
    assert "Hele centret" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    assert (tmp_path / "interaktiv" / "tabeller" / "noegletal-clb02.csv").exists()
    # The facility's change from last year is worded by its interval, with the interval.
    assert "Ændring fra 2024 til 2025" in text and "sikkerhedsinterval" in text


@pytest.mark.slow
def test_plan_page_runs_for_the_action_plan(full_demo_run: dict):
    """The follow-up page of one plan as the pipeline executed it on the full demo (the
    bostedsundersøgelse goes through the same model, see tests/unit/test_analysis_opfoelgning.py):
    progress, setbacks with their reason, items without a status, the fictive years named."""
    folder: Path = full_demo_run["reports"]
    nb = nbformat.read(folder / "opfoelgning" / "handicappolitik.ipynb", as_version=4)
    text = _texts(nb)
    assert "Traceback" not in text and "Warning" not in text
    assert _warnings(nb) == []
    assert "Fiktive data" in text and "Kun statusserne fra 2019 er reelle" in text
    assert "Siden 2019 er" in text and "har ingen status i 2025" in text
    assert "rykket tilbage undervejs" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1
    tables = {p.name for p in folder.rglob("tabeller/*.csv")}
    assert {"handicappolitik-tilbageskridt.csv", "handicappolitik-uden-status.csv"} <= tables


def _git_status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.slow
def test_interactive_run_writes_nothing_git_sees(
    small_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As ``make lab`` runs a notebook (kernel in notebooks/, data from STATUSRAPPORT_DATA, no
    pipeline): its tables go to the ignored ``interaktiv/`` folder, and ``git status`` is what
    it was before (issue 24: ``notebooks/tabeller/*.csv`` appeared in the working tree)."""
    root = config.PROJECT_ROOT
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    monkeypatch.delenv("STATUSRAPPORT_INTERAKTIV")
    monkeypatch.setenv("STATUSRAPPORT_ROOT", str(root))
    monkeypatch.setenv("STATUSRAPPORT_DATA", str(small_demo))
    target = root / "interaktiv" / "tabeller" / "maalopfyldelse-resume.csv"
    existed = target.exists()
    before = _git_status(root)
    try:
        pm.execute_notebook(
            str(config.NOTEBOOKS_DIR / "resume.ipynb"),
            str(tmp_path / "resume.ipynb"),
            parameters={"year": 2025},
            cwd=str(config.NOTEBOOKS_DIR),
            kernel_name="python3",
            progress_bar=False,
        )
        assert target.is_file()
        assert not (config.NOTEBOOKS_DIR / "tabeller").exists()
        assert _git_status(root) == before
    finally:
        if not existed:
            target.unlink(missing_ok=True)
