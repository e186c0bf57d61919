"""Hostile input data through ``statusrapport run`` as a real process (issue 9, sections 2–3).

Facility names, payment-order descriptions (paabud) and comments (bostedsundersoegelse) carry
a corpus of payloads: script tags, event handlers, ``javascript:`` links, layout breakers,
Quarto shortcodes and spreadsheet formulas. The site is built once with the nbconvert preview
and once with real Quarto; every page is parsed with BeautifulSoup and must show the payloads
as inert text. Bad ids (path traversal, very long, NUL byte) must stop the run without writing
anything outside the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from helpers import cli_command

from statusrapport import config, demo

pytestmark = pytest.mark.slow

YEAR = 2025
ROOT = Path(__file__).resolve().parents[2]

#: Read by an ``{{< include >}}`` / ``{{< env >}}`` payload only if Quarto expanded it.
SECRET_TEXT = "HEMMELIGT-INDHOLD-7f3a"
SECRET_ENV = "STATUSRAPPORT_PAYLOAD_HEMMELIGHED"

NORMAL_NAME = "Bostedet Kastanjen"


def facility_names(secret_file: Path) -> list[str]:
    """Six names: one normal (must render exactly as before), five hostile."""
    return [
        NORMAL_NAME,
        "Valmue<script>alert(1)</script>",
        "Hassel [klik](javascript:alert(1))",
        "Svane</div><h1 style='font-size:99px'>Overtaget</h1>",
        f"Tjørn {{{{< include {secret_file} >}}}} {{{{< env {SECRET_ENV} >}}}}",
        "Æble<img src=x onerror=alert(1)>",
    ]


def comment_payloads(secret_file: Path) -> list[str]:
    return [
        "<script>alert('kommentar')</script>",
        "<a href='javascript:alert(1)' onclick='alert(2)'>klik</a>",
        "</div><h1 style='color:red'>Overtaget</h1>",
        f"{{{{< include {secret_file} >}}}}",
        f"{{{{< env {SECRET_ENV} >}}}}",
        '=HYPERLINK("http://x","klik")',
        "@SUM(A1:A9)",
        "-2+3",
        "[x](javascript:alert(1))",
    ]


def write_payload_data(folder: Path, secret_file: Path) -> None:
    """Small demo data (6 facilities, 2023–2025) with the payloads planted in text columns."""
    demo.write_demo_data(folder, n_facilities=6, years=(2023, YEAR))

    def read(key: str) -> pd.DataFrame:
        return pd.read_csv(folder / f"{key}.csv", dtype=str, keep_default_na=False)

    def write(key: str, frame: pd.DataFrame) -> None:
        frame.to_csv(folder / f"{key}.csv", index=False, encoding="utf-8", lineterminator="\n")

    tilbud = read("tilbud")
    tilbud["navn"] = facility_names(secret_file)[: len(tilbud)]
    write("tilbud", tilbud)

    comments = comment_payloads(secret_file)
    paabud = read("paabud")
    template = paabud.iloc[0]
    planted = [
        {
            **template.to_dict(),
            "tilbud_id": tid,
            "dato": f"{YEAR}-0{i % 9 + 1}-15",
            "beskrivelse": text,
        }
        for i, (tid, text) in enumerate(
            zip(tilbud["tilbud_id"].tolist() * 2, comments, strict=False)
        )
    ]
    write("paabud", pd.concat([paabud, pd.DataFrame(planted)], ignore_index=True))

    bosted = read("bostedsundersoegelse")
    latest = bosted.index[bosted["aar"] == str(YEAR)][: len(comments)]
    bosted.loc[latest, "kommentar"] = comments[: len(latest)]
    write("bostedsundersoegelse", bosted)


def _path_without_quarto() -> str:
    return os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "quarto").exists()
    )


def _quarto_bin() -> str | None:
    local = ROOT / ".tools" / "quarto" / "bin"
    if (local / "quarto").exists():
        return str(local)
    found = shutil.which("quarto")
    return str(Path(found).parent) if found else None


def run_cli(work: Path, *, path: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """``statusrapport run`` on ``work/raw`` with reports, site and staging inside ``work``."""
    cmd = cli_command(work / "raw", work, "--year", str(YEAR))
    env = {**os.environ, "PATH": path, SECRET_ENV: SECRET_TEXT}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)


#: What the test tooling itself may add to the project folder meanwhile (another pytest-xdist
#: worker installing axe-core, caches); the run must add nothing else.
TOOLING = {"node_modules", ".pytest_cache", "__pycache__"}


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - TOOLING if folder.exists() else set()


# --- What an attacker would hope to see in the published pages --------------------------------


def assert_inert(html_file: Path) -> None:
    """No live markup from data in one published page."""
    text = html_file.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    where = str(html_file)
    for script in soup.find_all("script"):
        assert "alert(" not in script.get_text(), f"<script> from data in {where}"
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            if attr.lower().startswith("on"):
                assert "alert" not in str(value), f"{tag.name}[{attr}] from data in {where}"
            if attr.lower() in ("href", "src", "action", "formaction"):
                assert not str(value).strip().lower().startswith("javascript:"), (
                    f"javascript: link in {where}"
                )
        if tag.name == "img":
            assert tag.get("src") != "x", f"<img> from data in {where}"
        style = str(tag.get("style", "")).replace(" ", "")
        assert "99px" not in style and "color:red" not in style, f"style from data in {where}"
    for h1 in soup.find_all("h1"):
        assert h1.get_text(strip=True) != "Overtaget", f"layout breaker's <h1> is live in {where}"
    assert SECRET_TEXT not in text, f"a shortcode from data was expanded in {where}"


def page_text(html_file: Path) -> str:
    return BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser").get_text(" ")


def profile_page(site: Path, tilbud_id: str) -> Path:
    return site / "reports" / str(YEAR) / "tilbud" / f"{tilbud_id}.html"


def check_site(work: Path, secret_file: Path) -> None:
    site = work / "_site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert_inert(page)

    tilbud = pd.read_csv(work / "raw" / "tilbud.csv", dtype=str)
    names = dict(zip(tilbud["tilbud_id"], tilbud["navn"], strict=True))
    for tilbud_id, name in names.items():
        text = page_text(profile_page(site, tilbud_id))
        # the name is shown as text, character for character (shortcodes literally)
        assert name in " ".join(text.split()), f"{name!r} not shown literally on its page"
    normal = next(t for t, n in names.items() if n == NORMAL_NAME)
    soup = BeautifulSoup(profile_page(site, normal).read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h1").get_text(strip=True) == NORMAL_NAME

    tilsyn_text = " ".join(page_text(site / "reports" / str(YEAR) / "tilsyn.html").split())
    assert '=HYPERLINK("http://x","klik")' in tilsyn_text  # paabud list: description as text
    assert f"{{{{< include {secret_file} >}}}}" in tilsyn_text


def check_csv(work: Path) -> None:
    """The paabud list download: formula cells neutralised, numbers still numbers."""
    tables = work / "reports" / str(YEAR) / "tabeller"
    liste = pd.read_csv(tables / "paabud-liste.csv")
    beskrivelser = set(liste["Beskrivelse"])
    assert '\'=HYPERLINK("http://x","klik")' in beskrivelser
    assert "'@SUM(A1:A9)" in beskrivelser and "'-2+3" in beskrivelser
    for frame in map(pd.read_csv, tables.glob("*.csv")):
        for column in frame.select_dtypes(include=["str", "object"]):  # text columns
            assert not frame[column].dropna().astype(str).str.match(r"[=+\-@\t\r]").any(), column
    pr_aar = pd.read_csv(tables / "fig-paabud-pr-aar.csv")
    assert pd.api.types.is_integer_dtype(pr_aar["I alt"])


def check_no_machine_paths(work: Path) -> None:
    """Executed notebooks do not carry the machine's data folder (``data_dir = "/tmp/…"``)."""
    notebooks = list((work / "reports" / str(YEAR)).rglob("*.ipynb"))
    assert notebooks
    data_dir = str((work / "raw").resolve())
    for notebook in notebooks:
        assert data_dir not in notebook.read_text(encoding="utf-8"), notebook


@pytest.fixture
def payload_work(tmp_path: Path) -> tuple[Path, Path]:
    secret_file = tmp_path / "hemmelig.md"
    secret_file.write_text(SECRET_TEXT + "\n", encoding="utf-8")
    work = tmp_path / "work"
    write_payload_data(work / "raw", secret_file)
    return work, secret_file


def test_payloads_render_inert_in_the_preview(payload_work: tuple[Path, Path]) -> None:
    work, secret_file = payload_work
    result = run_cli(work, path=_path_without_quarto())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nbconvert" in result.stdout + result.stderr  # the preview engine was used
    check_site(work, secret_file)
    check_csv(work)
    check_no_machine_paths(work)


def test_payloads_render_inert_with_real_quarto(payload_work: tuple[Path, Path]) -> None:
    quarto = _quarto_bin()
    if quarto is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Quarto er ikke på PATH i CI; testen med rigtig Quarto skal køre der.")
        pytest.skip("Quarto findes ikke (hverken .tools/quarto/bin eller på PATH)")
    work, secret_file = payload_work
    result = run_cli(work, path=os.pathsep.join([quarto, _path_without_quarto()]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Quarto" in result.stdout + result.stderr
    check_site(work, secret_file)
    check_no_machine_paths(work)


# --- Ids that try to leave the project --------------------------------------------------------

BAD_IDS = {
    "traversal": "../../../../../../sentinel/x",
    "into-project-root": "CLB02/../../../../../x2",
    "long": "A" * 300,
    "nul": "CLB\x0007",
}


@pytest.mark.parametrize("kind", list(BAD_IDS))
def test_bad_ids_stop_the_run_and_write_nothing_outside(tmp_path: Path, kind: str) -> None:
    work = tmp_path / "work"
    raw = work / "raw"
    demo.write_demo_data(raw, n_facilities=5, years=(2023, YEAR))
    bad = BAD_IDS[kind]
    for key in config.FILES:
        path = raw / f"{key}.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("CLB01", bad), encoding="utf-8")
    root_before, tmp_before = entries(ROOT), entries(tmp_path)

    result = run_cli(work, path=_path_without_quarto())

    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # rejected by validation: the id format
    assert "tilbud.csv" in output and "tilbud_id" in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "sentinel").exists()
    assert entries(ROOT) == root_before  # nothing (x2.ipynb, tabeller/) in the project root
    assert entries(tmp_path) == tmp_before  # nothing next to the work folder
    assert entries(work) <= {"raw", "reports", ".build", "_site"}  # no x2.ipynb in work/
    assert not (work / "reports" / str(YEAR)).exists()  # nothing published
    for path in work.rglob("*"):
        assert path.resolve().is_relative_to(work.resolve()), path
