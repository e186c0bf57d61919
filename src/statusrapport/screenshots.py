"""Screenshots of the site at phone and desktop width: ``python -m statusrapport.screenshots``.

Politicians read the report on a phone before a meeting, so a change to the site is checked by
looking at it at 390 × 844 as well as 1366 × 900. The site is served from ``_site`` on a
loopback port (so links and scripts behave as on a web server) and photographed with the
system's headless Chromium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from statusrapport import config

VIEWPORTS: dict[str, tuple[int, int]] = {"telefon": (390, 844), "desktop": (1366, 900)}
CHROMIUM_MISSING = "Chromium blev ikke fundet – installér chromium: apt-get install chromium"
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """The system Chromium (Debian's ``chromium`` package), if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log in the terminal."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def pages_to_shoot(site: Path) -> dict[str, str]:
    """The front page, the facility comparison, the newest year's page, the resumé and one
    facility profile (the newest year's first), as site paths; pages the site lacks are left out."""
    pages = {"forside": "index.html"}
    years = sorted((p.name for p in (site / "reports").glob("[0-9]*") if p.is_dir()), reverse=True)
    candidates = {"tilbudsliste": "tilbud.html"}
    if years:
        candidates["aar"] = f"reports/{years[0]}/index.html"
        candidates["resume"] = f"reports/{years[0]}/resume.html"
    pages.update({name: path for name, path in candidates.items() if (site / path).exists()})
    profiles = sorted(p for p in site.glob("reports/*/tilbud/*.html") if p.name != "index.html")
    if profiles:
        newest = max(p.parent.parent.name for p in profiles)
        first = next(p for p in profiles if p.parent.parent.name == newest)
        pages["tilbud"] = first.relative_to(site).as_posix()
    return pages


def screenshot(chromium: str, url: str, target: Path, size: tuple[int, int]) -> None:
    """One screenshot of ``url`` at ``size`` with a fresh browser profile."""
    with tempfile.TemporaryDirectory(prefix="statusrapport-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={target}",
            url,
        ]
        subprocess.run(command, capture_output=True, timeout=120, check=True)
    if not target.exists():
        raise RuntimeError(f"Chromium skrev ikke {target}")


def take(site: Path, out: Path, chromium: str) -> list[Path]:
    """Screenshots of :func:`pages_to_shoot` at every viewport into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with serve(site) as base:
        for name, path in pages_to_shoot(site).items():
            for label, size in VIEWPORTS.items():
                target = out / f"{name}-{label}.png"
                screenshot(chromium, f"{base}/{path}", target, size)
                made.append(target)
    return made


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m statusrapport.screenshots",
        description="Skærmbilleder af det byggede website på telefon- og computerbredde.",
    )
    parser.add_argument("--site", type=Path, default=config.SITE_DIR, help="mappen med websitet")
    parser.add_argument(
        "--out",
        type=Path,
        default=config.PROJECT_ROOT / "screenshots",
        help="hvor billederne skrives",
    )
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print(CHROMIUM_MISSING, file=sys.stderr)
        return 2
    if not (args.site / "index.html").exists():
        print(
            f"Der er intet website i {args.site} – byg det først med `make report`.",
            file=sys.stderr,
        )
        return 2
    try:
        made = take(args.site, args.out, chromium)
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        print(f"Skærmbillederne kunne ikke tages: {error}", file=sys.stderr)
        return 1
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
