"""A bad comments file (issue 20) stops the run as every input error does: exit 1, a Danish
message naming file, column, rule and line with the likely subject, no traceback, nothing
published."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import Cli, snapshot


def test_an_unknown_subject_in_the_comments_exits_1_and_publishes_nothing(
    cli: Cli, small_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(small_data, work / "raw")
    (work / "raw" / "kommentarer.csv").write_text(
        "aar,emne,kommentar\n2025,tilsyn,Vi følger op.\n2025,lederevalueing,Stavefejl.\n",
        encoding="utf-8",
    )
    result = cli.run(work)
    assert result.returncode == 1, result.stderr
    message = result.stderr
    assert "kommentarer.csv" in message and "emne" in message
    assert "mente du lederevaluering?" in message and "3" in message
    assert "Traceback" not in message
    assert snapshot(work / "_site") == {}
