"""Source notebooks follow the house conventions – checked without a kernel, in seconds
(``make check-notebooks``, also part of ``make test-fast``).

Thin notebooks: a typed, commented ``parameters`` cell papermill understands, committed without
outputs, no relative data paths, and no file written by the notebook itself (tables go through
``report.table``, which writes beside the executed page in a run and to the ignored
``interaktiv/`` folder otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from statusrapport import config, pages

SOURCES = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
PARAM_LINE = re.compile(r"^(\w+): (int|str|float|bool) = .+  # \S.*$")
#: Calls that write a file from a notebook's own code (outputs belong to the package).
WRITES = re.compile(r"\.(to_csv|to_excel|to_parquet|to_json|savefig|write_text|write_bytes)\(")


def test_every_page_has_a_source_notebook():
    expected = {f"{stem}.ipynb" for stem, _ in pages.titles()}
    expected.add(f"{config.PROFILE_NOTEBOOK}.ipynb")
    expected.add(f"{config.PLAN_NOTEBOOK}.ipynb")
    assert expected <= {p.name for p in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_source_is_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None
        assert "execution" not in cell.metadata


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_first_code_cell_is_a_typed_commented_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    lines = [line for line in first.source.splitlines() if line.strip()]
    assert lines, f"{path.name}: empty parameters cell"
    for line in lines:
        assert PARAM_LINE.match(line), f"{path.name}: '{line}' is not 'name: type = value  # text'"
    names = {line.split(":")[0] for line in lines}
    assert {"year", "data_dir"} <= names
    # papermill must understand every parameter (a '=' in the comment breaks its parser)
    assert set(pm.inspect_notebook(str(path))) == names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_relative_data_paths_in_notebooks(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "../data" not in text and "data/raw/" not in text.replace("(tom: data/raw)", "")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_notebook_writes_no_file_itself(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            found = WRITES.search(cell.source)
            assert not found, (
                f"{path.name}: '{found.group(0)}' skriver en fil fra notebooken; brug "
                "report.table (den skriver ved siden af siden i en kørsel og i interaktiv/ ellers)"
            )
