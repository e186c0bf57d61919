"""``statusrapport deploy --to DIR``: the published site as plain files on the web server.

``_site`` is a symbolic link to a version folder (that is what makes publishing atomic), so
``cp -r _site …`` copies a link. Deploying copies what the link points to, following links, into
a folder next to ``DIR`` and swaps it in with one atomic exchange (``renameat2``): a web server
serving ``DIR`` sees the previous copy or the new one, never a half-copied folder, and the
previous copy is kept until the swap has succeeded. Safe to repeat; a killed deploy leaves only
a hidden ``.DIR.deploy-*`` folder, which the next deploy removes.

It holds the run lock while it copies, so it refuses (exit 5) while a run is publishing. A
target written as ``host:path`` (or ``--rsync``) is synchronised with rsync instead:
``--delay-updates`` puts the changed files in place at the end and ``--delete-after`` removes
what is gone only then.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from statusrapport import lock, publish
from statusrapport.errors import (
    DiskFullError,
    EnvironmentFault,
    UsageError,
    mentions_disk_full,
)

#: Written into every deployed copy: what was deployed and when. A non-empty folder without it
#: was not made by ``deploy`` and is never replaced.
MARKER = ".statusrapport-deploy.json"
#: ``host:path`` or ``user@host:path`` (a local path has no colon before its first slash).
_REMOTE = re.compile(r"^(?:[^@/:\s]+@)?[^/:\s]+:")


@dataclass(frozen=True)
class Deployed:
    """What a deploy did: where from and to, how many files, and how."""

    source: Path
    target: str
    files: int
    method: str  # "kopi" (atomic swap) or "rsync"


def is_remote(target: str) -> bool:
    """``host:path`` is an rsync target; ``./a:b`` or ``/srv/www`` are local paths."""
    return bool(_REMOTE.match(target))


def published_site(site: Path) -> Path:
    """The version folder the published site link points to (or a plain site folder)."""
    resolved = site.resolve()
    if not (resolved / "index.html").is_file():
        raise UsageError(
            f"Der er intet publiceret site i {site} (ingen index.html). Byg det først med "
            "statusrapport run (eller make report), og kør så deploy igen."
        )
    return resolved


def _leftovers(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.deploy-*"))


def _check_target(target: Path, site: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(
            f"{target} er {'et symbolsk link' if target.is_symlink() else 'en fil'}; deploy "
            "skriver en mappe med almindelige filer. Vælg en mappe (eller et nyt navn)."
        )
    resolved = target.resolve()
    if resolved == site or site in resolved.parents:
        raise UsageError(f"{target} ligger i selve det publicerede site; vælg en anden mappe.")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"{target} indeholder filer, som ikke kommer fra statusrapport deploy, og bliver "
            "ikke erstattet. Vælg en tom eller ny mappe (fx /var/www/statusrapport)."
        )


def _copy_plain(source: Path, destination: Path) -> int:
    """Copy ``source`` with every link followed; return the number of files."""
    shutil.copytree(source, destination, symlinks=False)
    files = 0
    for path in destination.rglob("*"):
        if path.is_symlink():  # pragma: no cover - copytree(symlinks=False) copies targets
            raise UsageError(f"{path} er et symbolsk link i kopien; deploy er stoppet.")
        files += path.is_file()
    return files


def _marker(source: Path, method: str) -> str:
    return json.dumps(
        {
            "version": source.name,
            "deployed": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "method": method,
        },
        ensure_ascii=False,
    )


def deploy_local(source: Path, target: Path) -> int:
    """Copy next to ``target``, then exchange atomically; the old copy is removed after."""
    target = Path(os.path.abspath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in _leftovers(target):  # a killed deploy's copy (we hold the lock)
        shutil.rmtree(leftover, ignore_errors=True)
    new = target.parent / f".{target.name}.deploy-{os.getpid()}"
    try:
        files = _copy_plain(source, new)
        (new / MARKER).write_text(_marker(source, "kopi") + "\n", encoding="utf-8")
        publish._fsync_dir(new)
        if not target.exists():
            os.rename(new, target)
        elif publish._exchange(new, target):  # new ↔ old in one step; `new` now holds the old
            shutil.rmtree(new, ignore_errors=True)
        else:  # pragma: no cover - file systems without renameat2: a moment without DIR
            old = target.parent / f".{target.name}.deploy-old-{os.getpid()}"
            os.rename(target, old)
            os.rename(new, target)
            shutil.rmtree(old, ignore_errors=True)
        publish._fsync_dir(target.parent)
    except BaseException:  # nothing swapped in: the previous copy is untouched
        shutil.rmtree(new, ignore_errors=True)
        raise
    return files


def deploy_rsync(source: Path, target: str) -> int:
    """Synchronise with rsync (links followed, changed files placed at the end)."""
    rsync = shutil.which("rsync")
    if rsync is None:
        raise UsageError(
            f"rsync er ikke installeret, så {target} kan ikke bruges som mål. Installér rsync "
            "(fx apt-get install rsync), eller deploy til en lokal mappe."
        )
    with tempfile.TemporaryDirectory(prefix="statusrapport-deploy-") as folder:
        marker_dir = Path(folder)
        (marker_dir / MARKER).write_text(_marker(source, "rsync") + "\n", encoding="utf-8")
        destination = target.rstrip("/") + "/"
        command = [
            rsync,
            "--recursive",
            "--copy-links",  # plain files: the site's links are followed
            "--times",
            "--checksum",
            "--delete-after",
            "--delay-updates",
            f"{source}/",
            f"{marker_dir}/",
            destination,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        if mentions_disk_full(tail):
            raise DiskFullError(f"Disken på {target} blev fuld under rsync: {tail}")
        raise EnvironmentFault(
            f"rsync til {target} fejlede (kode {done.returncode}): {tail}. Tjek adressen, "
            "adgangen (ssh-nøgle) og pladsen på serveren, og kør deploy igen."
        )
    return sum(1 for p in source.rglob("*") if p.is_file()) + 1


def deploy(site: Path, target: str, *, lock_path: Path, rsync: bool = False) -> Deployed:
    """Deploy the published ``site`` to ``target`` while holding the run lock (else exit 5)."""
    with lock.run_lock(lock_path):
        source = published_site(site)
        if rsync or is_remote(target):
            files = deploy_rsync(source, target)
            return Deployed(source, target, files, "rsync")
        local = Path(target)
        _check_target(local, source)
        files = deploy_local(source, local)
        return Deployed(source, str(Path(os.path.abspath(local))), files, "kopi")
