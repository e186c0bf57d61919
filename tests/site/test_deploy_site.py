"""``statusrapport deploy`` of the full demo site (real Quarto where installed), as a real process:
twice in a row, plain files only, every internal link resolving, the second replacing the first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from statusrapport import deploy
from tests.helpers import broken_links


def test_deploy_twice_gives_plain_files_whose_internal_links_all_resolve(
    full_demo_run: dict, tmp_path: Path
) -> None:
    site = full_demo_run["site"]
    assert site.is_symlink()  # what `cp -r _site` gets wrong
    target = tmp_path / "www" / "statusrapport"
    command = [
        sys.executable, "-m", "statusrapport", "deploy", "--to", str(target),
        "--site", str(site), "--reports", str(site.parent / "reports"),
    ]  # fmt: skip
    for attempt in range(2):
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        if attempt == 0:
            (target / "fra-foerste-kopi.txt").write_text("forsvinder ved næste deploy")
    assert not (target / "fra-foerste-kopi.txt").exists()  # the second replaced the first
    assert [p for p in target.rglob("*") if p.is_symlink()] == []
    assert broken_links(target) == []
    assert (target / "index.html").is_file() and (target / deploy.MARKER).is_file()
    if full_demo_run["engine"] == "quarto":  # the PDFs are there as files (find finds them)
        found = subprocess.run(
            ["find", str(target), "-name", "*.pdf"], capture_output=True, text=True
        ).stdout.split()
        assert any(name.endswith("-bilag.pdf") for name in found), found
    assert os.listdir(target.parent) == ["statusrapport"]  # no copy left next to it
