"""Run Quarto: find a usable ``quarto``, render the website, and pass its warnings on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from statusrapport.errors import RenderError

#: Oldest Quarto whose website options (announcement, page-footer) this site uses.
MIN_QUARTO: tuple[int, int] = (1, 9)

#: Quarto warnings that say nothing about our site. The offline kit's Typst shim prints the
#: first on every Typst render (see its README); it is harmless.
HARMLESS_WARNINGS: tuple[str, ...] = ("typst-gather analyze failed",)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


_VERSIONS: dict[str, str] = {}


def quarto_version(exe: str) -> str:
    """``quarto --version`` (remembered): part of the incremental render's site fingerprint."""
    if exe not in _VERSIONS:
        try:
            _VERSIONS[exe] = subprocess.run(
                [exe, "--version"], capture_output=True, text=True, timeout=60, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            _VERSIONS[exe] = "?"
    return _VERSIONS[exe]


def find_quarto(messages: list[str]) -> str | None:
    """Path of a usable ``quarto`` (≥ 1.9), or None (with a message when it is too old)."""
    exe = shutil.which("quarto")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        messages.append(f"Quarto i {exe} svarede ikke på 'quarto --version'.")
        return None
    _VERSIONS[exe] = out.strip()
    match = re.search(r"(\d+)\.(\d+)", out)
    if not match or (int(match.group(1)), int(match.group(2))) < MIN_QUARTO:
        messages.append(
            f"Quarto {out.strip() or '?'} er for gammel; websitet kræver Quarto ≥ "
            f"{MIN_QUARTO[0]}.{MIN_QUARTO[1]}."
        )
        return None
    return exe


def quarto_env() -> dict[str, str]:
    """Quarto reads notebooks with this project's Python (nbformat, PyYAML are installed)."""
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(_ANSI.sub("", text).strip().splitlines()[-lines:])


def quarto_warnings(log: str) -> list[str]:
    """The ``WARN``/``WARNING`` lines of a Quarto (or Pandoc) log, minus the harmless ones."""
    found = []
    for line in _ANSI.sub("", log).splitlines():
        text = line.strip()
        if re.match(r"^(\[?WARN(ING)?\]?\b|\(W\))", text) and not any(
            h in text for h in HARMLESS_WARNINGS
        ):
            found.append(text)
    return found


def render_site(quarto: str, build_dir: Path) -> list[str]:
    """``quarto render`` of the whole build folder into ``_site``; returns Quarto's warnings."""
    return _run_render([quarto, "render", str(build_dir)], build_dir)


def render_files(quarto: str, build_dir: Path, units: list[str]) -> list[str]:
    """``quarto render <page or folder>`` for each unit: only these pages of the project; the
    rest of ``_site`` stays (Quarto updates the search index for them, keeps the others)."""
    warnings: list[str] = []
    for unit in units:
        warnings += _run_render([quarto, "render", unit], build_dir)
    return warnings


def _run_render(command: list[str], build_dir: Path) -> list[str]:
    try:
        done = subprocess.run(
            command, cwd=build_dir, capture_output=True, text=True, env=quarto_env(), timeout=3600
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RenderError(f"Quarto kunne ikke startes: {error}") from error
    if done.returncode != 0:
        raise RenderError(
            f"Quarto kunne ikke bygge websitet (exitkode {done.returncode}):\n"
            f"{tail(done.stderr or done.stdout)}"
        )
    return quarto_warnings(done.stderr + "\n" + done.stdout)


def rebase_embedded_links(index_html: Path, folder: Path) -> None:
    """The front page embeds a resumé cell; its ``tabeller/`` links are relative to the resumé."""
    if not index_html.exists():
        return
    text = index_html.read_text(encoding="utf-8")
    fixed = text.replace('href="tabeller/', f'href="{folder.as_posix()}/tabeller/')
    if fixed != text:
        index_html.write_text(fixed, encoding="utf-8")
