"""``statusrapport deploy``: the published site as plain files, swapped in whole, repeatable."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from statusrapport import cli, deploy, lock, publish
from statusrapport.errors import ExitCode
from tests.helpers import broken_links


def publish_site(root: Path, pages: dict[str, str]) -> Path:
    """A site published as the pipeline does: ``_site`` a link to a version folder."""
    staging = root / ".build" / f"run-{len(list(root.glob('._site.versions/*')))}"
    new = staging / "_site"
    for name, text in pages.items():
        (new / name).parent.mkdir(parents=True, exist_ok=True)
        (new / name).write_text(text, encoding="utf-8")
    publish.publish([(new, root / "_site")], staging)
    shutil.rmtree(staging)
    return root / "_site"


FIRST = {
    "index.html": '<a href="reports/2025/index.html">2025</a> <img src="assets/logo.png">',
    "reports/2025/index.html": '<a href="../../index.html">forside</a> '
    '<a href="statusrapport-2025.pdf">PDF</a> <a href="tilbud/">tilbud</a>',
    "reports/2025/statusrapport-2025.pdf": "%PDF-1.7",
    "reports/2025/tilbud/index.html": '<a href="../index.html#top">år</a>',
    "reports/2025/gammel.html": "<p>siden forsvinder i næste version</p>",
    "assets/logo.png": "png",
}


def run_deploy(root: Path, target: str, *extra: str) -> int:
    return cli.main(
        ["deploy", "--to", target, "--site", str(root / "_site"),
         "--reports", str(root / "reports"), *extra]
    )  # fmt: skip


def symlinks(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_symlink()]


def test_deploy_twice_leaves_plain_files_whose_links_resolve_and_the_second_replaces_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "projekt"
    site = publish_site(root, FIRST)
    assert site.is_symlink()
    target = tmp_path / "www" / "statusrapport"
    assert run_deploy(root, str(target)) == ExitCode.OK
    assert (target / "reports/2025/gammel.html").is_file()
    second = {k: v for k, v in FIRST.items() if k != "reports/2025/gammel.html"}
    second["index.html"] = FIRST["index.html"].replace("2025</a>", "2025 (ny)</a>")
    publish_site(root, second)
    assert run_deploy(root, str(target)) == ExitCode.OK
    assert "Kopierede 6 filer" in capsys.readouterr().out  # 5 pages and files + the marker
    assert not target.is_symlink() and symlinks(target) == []
    assert broken_links(target) == []
    assert "(ny)" in (target / "index.html").read_text(encoding="utf-8")
    assert not (target / "reports/2025/gammel.html").exists()
    assert (target / "reports/2025/statusrapport-2025.pdf").read_text() == "%PDF-1.7"
    assert (target / deploy.MARKER).is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["statusrapport"]  # no leftovers


def test_deploy_is_refused_while_a_run_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "projekt"
    publish_site(root, FIRST)
    with lock.run_lock(root / ".build" / "run.lock"):
        code = run_deploy(root, str(tmp_path / "www"))
    assert code == ExitCode.LOCKED
    assert "En anden kørsel" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_a_copy_that_fails_keeps_the_previous_copy_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "projekt"
    publish_site(root, FIRST)
    target = tmp_path / "www"
    assert run_deploy(root, str(target)) == ExitCode.OK
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    publish_site(root, {**FIRST, "index.html": "<p>ny</p>"})
    real_copy = deploy._copy_plain

    def fills_up(source: Path, destination: Path) -> int:
        real_copy(source, destination)  # the whole copy made, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(destination))

    monkeypatch.setattr(deploy, "_copy_plain", fills_up)
    assert run_deploy(root, str(target)) == ExitCode.DISK_FULL
    assert "Disken er fuld" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projekt", "www"]


def test_a_killed_deploys_copy_is_removed_by_the_next(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    publish_site(root, FIRST)
    left = tmp_path / ".www.deploy-99999"
    (left / "halv").mkdir(parents=True)
    assert run_deploy(root, str(tmp_path / "www")) == ExitCode.OK
    assert not left.exists()


@pytest.mark.parametrize("kind", ["foreign", "symlink", "file", "inside"])
def test_deploy_refuses_a_target_it_must_not_replace(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "projekt"
    site = publish_site(root, FIRST)
    target = tmp_path / "www"
    if kind == "foreign":
        target.mkdir()
        (target / "andet.html").write_text("en anden hjemmeside")
    elif kind == "symlink":
        (tmp_path / "et-sted").mkdir()
        target.symlink_to(tmp_path / "et-sted")
    elif kind == "file":
        target.write_text("fil")
    else:
        target = site.resolve() / "kopi"
    assert run_deploy(root, str(target)) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert str(target) in err and "Traceback" not in err
    if kind == "foreign":
        assert (target / "andet.html").read_text() == "en anden hjemmeside"


def test_nothing_published_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_deploy(tmp_path, str(tmp_path / "www")) == ExitCode.USAGE
    assert "Der er intet publiceret site" in capsys.readouterr().err


def test_remote_targets_are_told_from_local_paths() -> None:
    assert deploy.is_remote("web01:/var/www/statusrapport")
    assert deploy.is_remote("deploy@web01.kk.dk:statusrapport/")
    assert not deploy.is_remote("/var/www/statusrapport")
    assert not deploy.is_remote("./a:b")
    assert not deploy.is_remote("www")


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync er ikke installeret")
def test_rsync_to_a_local_path_twice_mirrors_the_site_as_plain_files(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    publish_site(root, FIRST)
    target = tmp_path / "share"
    assert run_deploy(root, str(target), "--rsync") == ExitCode.OK
    publish_site(root, {k: v for k, v in FIRST.items() if k != "reports/2025/gammel.html"})
    assert run_deploy(root, str(target), "--rsync") == ExitCode.OK
    assert symlinks(target) == [] and broken_links(target) == []
    assert not (target / "reports/2025/gammel.html").exists()
    assert (target / deploy.MARKER).is_file() and (target / "assets/logo.png").is_file()
    assert not [p for p in target.rglob("*") if p.name.startswith(".~tmp~")]


def test_rsync_missing_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "projekt"
    publish_site(root, FIRST)
    monkeypatch.setattr(deploy.shutil, "which", lambda _name: None)
    assert run_deploy(root, "web01:/var/www") == ExitCode.USAGE
    assert "rsync er ikke installeret" in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["projekt"]
