"""Each year page reads only the inputs it declares (``pipeline.keys.declared_inputs``).

A year page's key covers only its declared inputs, so a correction of one input re-executes
only the pages that read it. That is safe only while the declaration is true: here every year
notebook is executed, as the pipeline executes it, on small demo data while recording what it
touches – every :class:`~statusrapport.data.Dataset` field it reads, and every input file read
outside the dataset (the fallback validation of the data-quality page, say). No
``noegletal.json`` or ``datakvalitet.json`` lies beside the notebooks, so a page that shows the
key figures or the validation computes them itself, and what they read is recorded too.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from statusrapport import config, demo, pages, planer
from statusrapport.pipeline import keys

pytestmark = pytest.mark.slow

#: Installed in the kernel before the page's own cells: records Dataset fields and file reads.
RECORDER = """
import dataclasses as _dc, inspect as _inspect, json as _json
from pathlib import Path as _Path
import statusrapport.data as _data
import statusrapport.validation.reading as _reading

_seen = set()
_fields = {f.name for f in _dc.fields(_data.Dataset) if not f.name.startswith("_")}
_get = _data.Dataset.__getattribute__


def _recording_get(self, name):
    if name in _fields:
        _seen.add("felt:" + name)
    return _get(self, name)


_data.Dataset.__getattribute__ = _recording_get
_read_bytes = _reading.read_bytes
_loading = {"load", "parse", "input_fingerprint", "_frames"}


def _recording_read_bytes(path, root=None):
    # reads by data.load parse every file once per process; what the page uses is the fields
    if not any(f.function in _loading and f.filename == _data.__file__ for f in _inspect.stack()):
        _seen.add("fil:" + _Path(path).stem)
    return _read_bytes(path, root)


_reading.read_bytes = _recording_read_bytes
"""

DUMP = "_Path({record!r}).write_text(_json.dumps(sorted(_seen)))"


def _year_pages() -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = [(stem, {}) for stem, _ in pages.titles()]
    found += [(config.PLAN_NOTEBOOK, {"plan_id": p.id}) for p in planer.PLANER]
    return found


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs") / "raw"
    demo.write_demo_data(folder, n_facilities=6, years=(2023, 2025))
    return folder


def recorded_inputs(notebook: Path, extra: dict[str, str], data: Path, work: Path) -> set[str]:
    """The input files a notebook read, executed with the recorder installed."""
    nb = nbformat.read(notebook, as_version=4)
    record = work / "record.json"
    nb.cells.insert(0, nbformat.v4.new_code_cell(RECORDER))
    nb.cells.append(nbformat.v4.new_code_cell(DUMP.format(record=str(record))))
    source = work / f"{notebook.stem}-kilde.ipynb"
    nbformat.write(nb, source)
    pm.execute_notebook(
        str(source),
        str(work / notebook.name),
        parameters={"year": 2025, "data_dir": str(data), **extra},
        cwd=str(work),
        kernel_name="python3",
        progress_bar=False,
    )
    seen = json.loads(record.read_text(encoding="utf-8"))
    files: set[str] = set()
    for item in seen:
        kind, _, name = item.partition(":")
        files |= set(keys.FIELD_INPUTS[name]) if kind == "felt" else {name}
    return files


@pytest.mark.parametrize(
    ("page", "extra"), _year_pages(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_year_page_reads_only_the_inputs_it_declares(
    page: str, extra: dict[str, str], small_demo: Path, tmp_path: Path
) -> None:
    read = recorded_inputs(config.NOTEBOOKS_DIR / f"{page}.ipynb", extra, small_demo, tmp_path)
    assert read, f"{page}: the recorder saw nothing (is it installed?)"
    undeclared = read - set(keys.declared_inputs(page))
    assert not undeclared, (
        f"{page} læser {sorted(undeclared)}, som siden ikke har erklæret "
        "(inputs i statusrapport/pages.py)"
    )


def test_the_recorder_sees_a_read_that_is_not_declared(small_demo: Path, tmp_path: Path) -> None:
    """The check itself can fail: a page that reads absence shows up as reading fravaer."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    nb.cells = [
        nbformat.v4.new_code_cell(
            'year: int = 2025  # rapportår\ndata_dir: str = ""  # inputmappe',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(
            "from statusrapport import report\n"
            "from statusrapport.analysis import sygefravaer as fravaer\n"
            "data = report.setup(data_dir, year)\nfravaer.total(data, year)"
        ),
    ]
    nbformat.write(nb, tmp_path / "proeve.ipynb")
    read = recorded_inputs(tmp_path / "proeve.ipynb", {}, small_demo, tmp_path)
    assert {"fravaer", "tilbud"} <= read
    assert "tilsyn" not in read
