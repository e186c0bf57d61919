"""Danish a reader can trust: the visible text of every reader page through hunspell-da.

The reader pages of the full demo site (``full_demo_run``, real Quarto) – front page, year page,
resumé, theme pages, plan pages, facility list and every profile – are stripped to the text a
reader sees (``<main>`` without scripts, styles and the collapsed "Sådan er det beregnet"
boxes, which name models and literature on purpose) and spell-checked with
Debian's ``hunspell -d da_DK``, together with the project's own word list
(``tests/site/ordliste-da.txt``: real domain words such as "strakspåbud") and the facility
names of the data (proper nouns from ``tilbud.csv``). At most five distinct unknown words may
remain (issue 20 found 62, most of them file names shown as link text). The method and
data-quality pages name files, columns and references on purpose and are not reader pages.
Link texts are words: no link on a reader page reads like a file name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

WORD_LIST = Path(__file__).with_name("ordliste-da.txt")
MAX_UNKNOWN = 5
#: A file's or a setting's name: words joined by dots.
DOTTED = re.compile(r"[\w-]+(\.[\w-]+)+")
#: Not reader pages: they name input files, columns and literature on purpose.
TECHNICAL_PAGES = ("metode.html", "datakvalitet.html")
#: A link text that is a file name or a slug: "fig-tragt-sygefravaer", "noegletal.csv".
FILE_NAME = re.compile(r"^[\w.-]*(\.(csv|json|pdf|ipynb|html|qmd)|[a-z0-9]+-[a-z0-9-]+)$")


def hunspell_or_skip() -> str:
    found = shutil.which("hunspell")
    if found is None:
        pytest.skip("hunspell mangler – installér hunspell og hunspell-da (Debian)")
    listed = subprocess.run([found, "-D"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if "da_DK" not in listed.stdout + listed.stderr:
        pytest.skip("den danske ordbog mangler – installér hunspell-da")
    return found


def reader_pages(site: Path, year: int) -> list[Path]:
    pages = [site / "index.html", site / "tilbud.html", site / "aarsrapporter.html"]
    pages.append(site / "tilgaengelighed.html")
    folder = site / "reports" / str(year)
    pages += sorted(p for p in folder.glob("*.html") if p.name not in TECHNICAL_PAGES)
    pages += sorted((folder / "tilbud").glob("*.html"))
    pages += sorted((folder / "opfoelgning").glob("*.html"))
    return [p for p in pages if p.exists()]


def visible_text(page: Path) -> tuple[str, list[str]]:
    """The text of the page's main content and its link texts, as a reader sees them."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup.body
    assert main is not None, page
    # code (a command such as `--years 2019-2025`, a setting's name in a demo placeholder) is
    # not Danish text
    for tag in main.find_all(
        ["script", "style", "svg", "noscript", "template", "details", "code", "kbd"]
    ):
        tag.decompose()
    # The collapsed "Sådan er det beregnet" boxes (details, or a collapsed callout in print)
    # name models and literature on purpose.
    for box in main.select(".callout-collapse, .callout.callout-titled:has(.callout-collapse)"):
        box.decompose()
    links = [a.get_text(" ", strip=True) for a in main.find_all("a") if a.get_text(strip=True)]
    return main.get_text(" "), links


def own_words(data_dir: Path) -> set[str]:
    """The word list plus every word of the facility names in the data (proper nouns)."""
    words = {
        line.strip()
        for line in WORD_LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    names = pd.read_csv(data_dir / "tilbud.csv", dtype=str)["navn"].dropna()
    words |= {w for name in names for w in re.findall(r"\w+", name)}
    return words


def unknown_words(hunspell: str, text: str, allowed: set[str]) -> list[str]:
    done = subprocess.run(
        [hunspell, "-d", "da_DK", "-l"], input=text, capture_output=True, text=True, check=True
    )
    words = (w.strip(".,:;()»«\"'") for w in done.stdout.split())  # "fravaer." → "fravaer"
    # a dotted name ("publicering.toml", "site.adresse" in a demo site's labelled placeholder)
    # names a file or a setting, not a word; a file name as a *link text* is caught below
    return [w for w in words if w not in allowed and w.strip("-–") and not DOTTED.fullmatch(w)]


@pytest.fixture(scope="module")
def pages(full_demo_run: dict) -> list[Path]:
    if full_demo_run["engine"] != "quarto":
        pytest.skip("sitet er ikke bygget med Quarto")
    found = reader_pages(full_demo_run["site"], full_demo_run["year"])
    assert len(found) > 40
    return found


def test_reader_pages_have_at_most_five_unknown_danish_words(
    pages: list[Path], demo_dir: Path
) -> None:
    hunspell = hunspell_or_skip()
    allowed = own_words(demo_dir)
    where: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        text, _ = visible_text(page)
        for word in unknown_words(hunspell, text, allowed):
            where[word].add(page.name)
    report = "\n".join(f"{w}: {', '.join(sorted(p)[:4])}" for w, p in sorted(where.items()))
    assert len(where) <= MAX_UNKNOWN, f"{len(where)} ukendte ord:\n{report}"


def test_link_texts_are_words_not_file_names(pages: list[Path]) -> None:
    bad = {
        (page.name, text)
        for page in pages
        for text in visible_text(page)[1]
        if FILE_NAME.match(text) or re.search(r"\(\S+\.(csv|json|pdf)\)", text)
    }
    assert not bad, sorted(bad)[:20]


def test_the_check_finds_what_it_claims_to(tmp_path: Path) -> None:
    """An unknown word and a file-name link are caught; a Danish sentence passes."""
    hunspell = hunspell_or_skip()
    page = tmp_path / "side.html"
    page.write_text(
        '<html lang="da"><body><main><p>Sygefraværet er faldet i år.</p>'
        '<p>Tal for temar og fravaer.</p><a href="x.csv">fig-tragt-sygefravaer</a>'
        '<a href="y.csv">Hent tallene som regneark (CSV): Sygefravær pr. tilbud</a>'
        "</main></body></html>",
        encoding="utf-8",
    )
    text, links = visible_text(page)
    assert set(unknown_words(hunspell, text, set())) >= {"temar", "fravaer"}
    assert "fig" not in unknown_words(hunspell, "Sygefraværet er faldet i år.", set())
    assert [t for t in links if FILE_NAME.match(t)] == ["fig-tragt-sygefravaer"]
