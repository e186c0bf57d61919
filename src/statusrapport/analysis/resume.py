"""The resumé's key findings: plain Danish sentences generated from the year's key figures.

The sentences are built from the same key figures that are published in ``noegletal.json``,
so the resumé can never say something the data do not. Each finding is one short paragraph a
committee member can read aloud; numbers are in Danish format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from statusrapport import config, escaping, fmt
from statusrapport.analysis import tilsyn


@dataclass(frozen=True)
class Headline:
    """One headline: a short title and a sentence or two."""

    area: str
    title: str
    text: str

    def markdown(self) -> str:
        return f"**{self.title}.** {self.text}"


def _names(ids: list[str], names: Mapping[str, str]) -> list[str]:
    """Facility names for Markdown text, sorted; data text, so escaped (issue 9)."""
    return [escaping.markdown(n) for n in sorted(names.get(i, i) for i in ids)]


def _change_words(figures: Mapping[str, Any], area: str, year: int) -> str:
    """The change from last year, worded by its 95 % interval (empty without an earlier year).

    'en stigning' / 'et fald' only when the interval excludes 0; otherwise 'på niveau med sidste
    år'. The interval is always shown (issue 10).
    """
    before = figures.get(f"{area}.procent_forrige_aar")
    change = figures.get(f"{area}.aendring_procentpoint")
    ci = figures.get(f"{area}.aendring_procentpoint_ci")
    if before is None or change is None:
        return ""
    then = f"{fmt.pct(before)} i {year - 1}"
    if not ci:
        return f" ({then}; for få tilbud til at vurdere ændringen)"
    low, high = float(ci[0]), float(ci[1])
    interval = f"95{fmt.NBSP}%-sikkerhedsinterval fra {fmt.interval(low, high)} procentpoint"
    if low > 0 or high < 0:
        word = "en stigning" if low > 0 else "et fald"
        return f", {word} på {fmt.tal(abs(change), 1)} procentpoint fra {then} ({interval})"
    return f", på niveau med sidste år ({then}; ændring {fmt.signed(change)}, {interval})"


def quality(figures: Mapping[str, Any], names: Mapping[str, str]) -> Headline | None:
    share = figures.get("tilsyn.andel_tilbud_over_maal")
    per_facility: dict[str, float | None] = figures.get("tilsyn.gns_score_pr_tilbud") or {}
    scored = {k: v for k, v in per_facility.items() if v is not None}
    if share is None or not scored:
        return None
    target = config.TARGETS.tilsyn_min
    below = [k for k, v in scored.items() if not tilsyn.meets_target(v)]
    met = len(scored) - len(below)
    text = (
        f"{met} af {len(scored)} tilbud med et tilsyn inden for de seneste to år når målet om en "
        f"gennemsnitlig score på mindst {fmt.tal(target, 1)} ud af 5"
    )
    if below:
        text += f". Under målet: {fmt.opremsning(_names(below, names))}."
    else:
        text += "."
    missing = figures.get("tilsyn.antal_tilbud_ingen_tilsyn") or 0
    if missing:
        text += (
            f" {fmt.antal(int(missing), 'tilbud har', 'tilbud har')} ikke haft tilsyn i perioden."
        )
    themes = figures.get("tilsyn.temaer_sammenlignet")
    if themes == len(config.TEMAER_EFTER_REFORM):
        text += (
            " Efter reformen af socialtilsynet i 2025 vurderes 5 temaer; sammenligninger mellem år "
            "bruger derfor de samme 5 temaer."
        )
    return Headline("tilsyn", "Kvalitet", text)


def orders(figures: Mapping[str, Any], year: int) -> Headline | None:
    count = figures.get("tilsyn.antal_paabud")
    if count is None:
        return None
    count = int(count)
    if count == 0:
        return Headline("paabud", "Påbud", f"Ingen tilbud fik påbud eller sanktioner i {year}.")
    by_authority: dict[str, int] = figures.get("tilsyn.paabud_pr_myndighed") or {}
    parts = [
        f"{fmt.heltal(n)} fra {escaping.markdown(authority)}"
        for authority, n in sorted(by_authority.items(), key=lambda kv: (-kv[1], kv[0]))
        if n
    ]
    text = (
        f"Der blev givet {fmt.antal(count, 'påbud eller sanktion', 'påbud eller sanktioner')} "
        f"i {year} (målet er ingen)"
    )
    text += f": {fmt.opremsning(parts)}." if parts else "."
    return Headline("paabud", "Påbud", text)


def absence(figures: Mapping[str, Any], names: Mapping[str, str], year: int) -> Headline | None:
    rate = figures.get("fravaer.procent_samlet")
    if rate is None:
        return None
    days = figures.get("fravaer.dage_pr_fuldtid")
    text = f"Sygefraværet var {fmt.pct(rate)} af de mulige arbejdsdage i {year}"
    if days is not None:
        text += f" ({fmt.tal(days, 1)} dage pr. fuldtidsstilling)"
    text += _change_words(figures, "fravaer", year) + "."
    long_share = figures.get("fravaer.andel_langtid")
    if long_share is not None:
        text += (
            f" {fmt.pct(long_share, 0)} af fraværet var langtidsfravær "
            f"(perioder over {config.LANGTID_DAGE} dage)."
        )
    high = figures.get("fravaer.tilbud_over_998_graense") or []
    if high:
        text += (
            f" Højere end forventet ud fra størrelsen (over 99,8 %-grænsen): "
            f"{fmt.opremsning(_names(list(high), names))}."
        )
    return Headline("fravaer", "Sygefravær", text)


def turnover(figures: Mapping[str, Any], year: int) -> Headline | None:
    rate = figures.get("personaleomsaetning.procent_samlet")
    if rate is None:
        return None
    text = (
        f"Personaleomsætningen var {fmt.pct(rate)} i {year} (fratrådte i forhold til det "
        "gennemsnitlige antal ansatte)"
    )
    text += _change_words(figures, "personaleomsaetning", year)
    return Headline("personale", "Personaleomsætning", text + ".")


def follow_up(figures: Mapping[str, Any]) -> Headline | None:
    total = figures.get("bostedsundersoegelse.antal_anbefalinger")
    counts: dict[str, int] = figures.get("bostedsundersoegelse.antal_pr_status") or {}
    if not total:
        return None
    met = int(counts.get("imødekommet", 0))
    status_year = figures.get("bostedsundersoegelse.statusaar")
    text = (
        f"Af de {fmt.heltal(total)} anbefalinger fra bostedsundersøgelsen i 2008 er "
        f"{met} imødekommet"
    )
    text += f" (status {status_year})." if status_year else "."
    moved = figures.get("bostedsundersoegelse.antal_rykket_op_siden_2008")
    if moved is not None:
        n = fmt.antal(int(moved), "anbefaling", "anbefalinger")
        text += f" {n} er rykket mindst ét trin op siden 2008."
    back = figures.get("bostedsundersoegelse.antal_tilbageskridt") or 0
    if back:
        n = fmt.antal(int(back), "anbefaling", "anbefalinger")
        text += f" {n} er gået tilbage undervejs (se begrundelsen på siden om opfølgningen)."
    return Headline("bosted", "Bostedsundersøgelsen", text)


def targets(figures: Mapping[str, Any]) -> Headline | None:
    all_met = figures.get("maal.antal_tilbud_alle_maal_opfyldt")
    total = figures.get("maal.antal_tilbud")
    if all_met is None or not total:
        return None
    text = f"{all_met} af {total} tilbud opfylder alle de mål i rammepapiret, som der er data for."
    return Headline("maal", "Målopfyldelse", text)


def rates(figures: Mapping[str, Any], year: int) -> Headline | None:
    """The seventh target: the centre's place-weighted rate against comparable private ones."""
    centre = figures.get("takster.center_takst_kr")
    private = figures.get("takster.private_takst_kr")
    difference = figures.get("takster.center_forskel_procent")
    if centre is None or private is None or difference is None:
        return None
    # Like for like (issue 21): ``private`` and ``difference`` are without VAT on both sides.
    word = "under" if difference < 0 else "over" if difference > 0 else "på niveau med"
    amount = f"relativt {fmt.pct(abs(difference))} " if difference else ""
    text = (
        f"Centrets gennemsnitlige døgntakst i {year}, vægtet med pladser, var "
        f"{fmt.heltal(centre)}{fmt.NBSP}kr., {amount}{word} gennemsnittet for sammenlignelige "
        f"private tilbud med samme målgruppe og paragraf, regnet uden moms som de kommunale "
        f"takster ({fmt.heltal(private)}{fmt.NBSP}kr.). "
    )
    verdict = figures.get("takster.vurdering")
    if verdict == "kan ikke afgøres":
        text += (
            "Forskellen ligger inden for sammenlignelighedsmarginen, så om målet er opfyldt, "
            "kan ikke afgøres (momsomregningen og forskelle i, hvad taksten dækker, kan alene "
            "flytte så meget)."
        )
    else:
        met = figures.get("takster.maal_opfyldt")
        text += "Målet er opfyldt." if met else "Målet er ikke opfyldt."
    text += " Se forbeholdene på siden Målopfyldelse."
    return Headline("takster", "Takster", text)


def findings(figures: Mapping[str, Any], names: Mapping[str, str]) -> list[Headline]:
    """The year's headlines in reading order; areas without data are left out, not guessed."""
    year = int(figures["aar"])
    candidates = [
        targets(figures),
        quality(figures, names),
        orders(figures, year),
        absence(figures, names, year),
        turnover(figures, year),
        follow_up(figures),
        rates(figures, year),
    ]
    return [f for f in candidates if f is not None]
