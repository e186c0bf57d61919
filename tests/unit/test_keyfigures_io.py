"""Key figures are written deterministically as JSON and a flat CSV."""

import json
import math

import numpy as np

from statusrapport import keyfigures


def test_write_is_byte_stable_and_json_safe(tmp_path):
    figures = {
        "b.nested": {"CLB02": 0.25, "CLB01": math.nan},
        "a.scalar": np.float64(0.1234567891),
        "c.count": np.int64(3),
        "d.list": [1, 2],
    }
    json_path, csv_path = keyfigures.write(figures, tmp_path / "one")
    keyfigures.write(dict(reversed(list(figures.items()))), tmp_path / "two")
    assert json_path.read_bytes() == (tmp_path / "two" / "noegletal.json").read_bytes()
    data = json.loads(json_path.read_text())
    assert data["a.scalar"] == 0.123457
    assert data["b.nested"] == {"CLB01": None, "CLB02": 0.25}
    assert list(data) == sorted(data)
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "noegle,del,vaerdi"
    assert "b.nested,CLB01," in rows
    assert "b.nested,CLB02,0.25" in rows
    assert "c.count,,3" in rows


def test_every_key_figure_is_documented_on_the_site_and_in_reports_readme(demo_dir):
    """The method page and reports/README.md carry the same table, naming every key figure."""
    import re

    from statusrapport import config, data

    table = (config.PROJECT_ROOT / "_noegletal.md").read_text(encoding="utf-8")
    readme = (config.PROJECT_ROOT / "reports" / "README.md").read_text(encoding="utf-8")
    assert table in readme
    documented = set(re.findall(r"`([a-z_]+(?:\.[a-z_0-9]+)?)`", table))
    figures = keyfigures.compute(data.load(demo_dir), 2025)
    undocumented = sorted(set(figures) - documented)
    assert undocumented == []


def test_csv_keys_from_data_cannot_start_a_formula(tmp_path):
    figures = {"tilsyn.paabud_pr_myndighed": {'=HYPERLINK("x")': 2, "@SUM(A1)": 1, "Brand": -1}}
    _, csv_path = keyfigures.write(figures, tmp_path)
    rows = csv_path.read_text().splitlines()
    assert 'tilsyn.paabud_pr_myndighed,"\'=HYPERLINK(""x"")",2' in rows
    assert "tilsyn.paabud_pr_myndighed,'@SUM(A1),1" in rows
    assert "tilsyn.paabud_pr_myndighed,Brand,-1" in rows  # numbers stay numbers
