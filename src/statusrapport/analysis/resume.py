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
from statusrapport import kommentarer as comment_input
from statusrapport.analysis import common, tilsyn
from statusrapport.analysis import maalopfyldelse as maal

# The words for a change are the one vocabulary of :mod:`statusrapport.analysis.common`.
STEGET = common.STEGET
FALDET = common.FALDET
UAENDRET = common.UAENDRET
KAN_IKKE_AFGOERES = common.KAN_IKKE_AFGOERES
UAENDRET_ANDEL = common.UAENDRET_ANDEL
change_verdict = common.change_verdict


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
    """The change from last year in plain words (empty without an earlier year).

    The interval itself goes to the table of changes (:func:`changes`), not into the sentence.
    """
    before = figures.get(f"{area}.procent_forrige_aar")
    if before is None or figures.get(f"{area}.aendring_procentpoint") is None:
        return ""
    verdict = change_verdict(before, figures.get(f"{area}.aendring_procentpoint_ci"))
    then = f"{fmt.pct(before)} i {year - 1}"
    if verdict in (STEGET, FALDET):
        return f", {verdict} fra {then}"
    if verdict == UAENDRET:
        return f", uændret fra {then}"
    return f". Om det er steget eller faldet fra {then}, kan ikke afgøres"


#: The rates whose change from last year the resumé judges, with their reader names.
CHANGE_AREAS: dict[str, str] = {
    "fravaer": "Sygefravær",
    "personaleomsaetning": "Personaleomsætning",
}


def changes(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per rate: this year, last year, the change in points, its 95 % interval and
    the word the text uses – the numbers behind the words, for the table under the text."""
    rows = []
    for area, label in CHANGE_AREAS.items():
        now = figures.get(f"{area}.procent_samlet")
        before = figures.get(f"{area}.procent_forrige_aar")
        if now is None or before is None:
            continue
        ci = figures.get(f"{area}.aendring_procentpoint_ci")
        rows.append(
            {
                "Nøgletal": label,
                "I år": fmt.pct(now),
                "Sidste år": fmt.pct(before),
                "Ændring (procentpoint)": fmt.signed(figures.get(f"{area}.aendring_procentpoint")),
                "95 %-interval": fmt.interval(ci[0], ci[1]) if ci else "ikke beregnet",
                "Vurdering": change_verdict(before, ci),
            }
        )
    return rows


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


# --- "Det vigtigste i <år>": at most five messages, ranked ----------------------------------

#: Most messages on the resumé and the annex's first page (issue 20).
MAX_BUDSKABER = 5
#: What the page says when the administration has given no comment for a message.
INGEN_KOMMENTAR = comment_input.INGEN_KOMMENTAR
#: How the messages are ranked, in words for the page (the rule :func:`vigtigste` applies).
RANGORDEN = (
    "Først de mål, som den største andel af tilbuddene ikke når; derefter tydelige ændringer i "
    "sygefravær og personaleomsætning; til sidst de mål, alle tilbud når."
)


@dataclass(frozen=True)
class Budskab:
    """One message: a status, what it is about, the finding and the change in words, the
    facilities concerned by name (raw text: the renderer escapes) and the administration's
    comment (None: no comment given). ``key`` is the target or area the comment is keyed by."""

    key: str
    status: str
    titel: str
    tekst: str
    tilbud: tuple[str, ...] = ()
    tilbud_tekst: str = "Tilbud, det drejer sig om"
    kommentar: str | None = None
    vaegt: float = 0.0


def _target_counts(statuses: Mapping[str, Mapping[str, str]], key: str) -> tuple[list[str], int]:
    """(facilities not meeting ``key``, facilities with data) from the key figures' statuses."""
    below = [t for t, s in statuses.items() if s.get(key) == maal.IKKE_OPFYLDT]
    with_data = sum(1 for s in statuses.values() if s.get(key) in (maal.OPFYLDT, maal.IKKE_OPFYLDT))
    return below, with_data


def _count_change(now: tuple[int, int], before: tuple[int, int] | None, year: int) -> str:
    """'Sidste år: 20 af 35 (flere nu).' – the change in the count of facilities meeting it."""
    if before is None or not before[1]:
        return ""
    share_now = now[0] / now[1] if now[1] else 0.0
    share_before = before[0] / before[1]
    word = (
        "en større andel end"
        if share_now > share_before + 1e-9
        else "en mindre andel end"
        if share_now < share_before - 1e-9
        else "samme andel som"
    )
    return f" Det er {word} i {year - 1} ({before[0]} af {before[1]})."


def vigtigste(
    figures: Mapping[str, Any],
    names: Mapping[str, str],
    *,
    counts: Mapping[str, tuple[int, int]] | None = None,
    counts_before: Mapping[str, tuple[int, int]] | None = None,
    kommentarer: Mapping[str, str] | None = None,
) -> list[Budskab]:
    """The year's at most :data:`MAX_BUDSKABER` messages, most important first (:data:`RANGORDEN`).

    ``counts``/``counts_before`` give per target (met, facilities with data) this year and last
    (``maal.totals``); without them the counts come from the key figures' per-facility statuses
    (leader evaluation has none: it is shown for target groups only, so it never names a
    facility). ``kommentarer`` maps a target or area key to the administration's comment.
    """
    year = int(figures["aar"])
    comments = dict(kommentarer or {})
    statuses: Mapping[str, Mapping[str, str]] = figures.get("maal.opfyldt_pr_tilbud") or {}
    messages: list[Budskab] = []
    all_met: list[str] = []
    for key in maal.TARGET_KEYS:
        if key in maal.GROUP_ONLY:
            below_ids: list[str] = []
            below_groups = sorted(
                g
                for g, v in (figures.get("maal.lederevaluering_pr_maalgruppe") or {}).items()
                if v is not None and maal.assess(key, v) == maal.IKKE_OPFYLDT
            )
        else:
            below_ids, _ = _target_counts(statuses, key)
            below_groups = []
        if counts and key in counts:
            met, with_data = counts[key]
        elif key not in maal.GROUP_ONLY and statuses:
            below, with_data = _target_counts(statuses, key)
            met = with_data - len(below)
        else:
            continue
        if not with_data:
            continue
        label = maal.TARGET_LABELS[key]
        if met == with_data:
            all_met.append(label)
            continue
        text = f"{met} af {with_data} tilbud når målet."
        text += _count_change((met, with_data), (counts_before or {}).get(key), year)
        if below_groups:
            text += (
                " Målet følges for målgrupper, ikke for det enkelte tilbud. Under målet i "
                + ("målgruppen " if len(below_groups) == 1 else "målgrupperne ")
                + fmt.opremsning(below_groups)
                + "."
            )
        met_share = met / with_data
        messages.append(
            Budskab(
                key=key,
                status=maal.IKKE_OPFYLDT,
                titel=label,
                tekst=text,
                tilbud=tuple(sorted(names.get(i, i) for i in below_ids)),
                tilbud_tekst="Tilbud, der ikke når målet",
                kommentar=comments.get(key),
                vaegt=2.0 + (1.0 - met_share),
            )
        )
    for area, label in CHANGE_AREAS.items():
        before = figures.get(f"{area}.procent_forrige_aar")
        now = figures.get(f"{area}.procent_samlet")
        verdict = change_verdict(before, figures.get(f"{area}.aendring_procentpoint_ci"))
        if now is None or verdict not in (STEGET, FALDET):
            continue
        flagged = figures.get(f"{area}.tilbud_med_signal") or []
        messages.append(
            Budskab(
                key=area,
                status=verdict,
                titel=f"{label} er {verdict}",
                tekst=f"{label} var {fmt.pct(now)} i {year} mod {fmt.pct(before)} i {year - 1}.",
                tilbud=tuple(sorted(names.get(i, i) for i in flagged)),
                tilbud_tekst="Tilbud med et tydeligt skift i egne tal",
                kommentar=comments.get(area),
                vaegt=1.0,
            )
        )
    if all_met:
        messages.append(
            Budskab(
                key="alle_maal",
                status=maal.OPFYLDT,
                titel="Mål, som alle tilbud når",
                tekst=f"Alle tilbud med data når {fmt.opremsning(all_met)}.",
                kommentar=comments.get("alle_maal"),
                vaegt=0.0,
            )
        )
    ranked = sorted(messages, key=lambda m: -m.vaegt)  # stable: the framework paper's order
    return ranked[:MAX_BUDSKABER]


def target_counts(totals: Any) -> dict[str, tuple[int, int]]:
    """Per target key (met, facilities with data) from ``maal.totals``' frame."""
    return {
        str(row["maal"]): (int(row["Opfyldt"]), int(row["Opfyldt"]) + int(row["Ikke opfyldt"]))
        for _, row in totals.iterrows()
    }


#: The short box next to the table of changes: how to read the words and the intervals.
USIKKERHED_TEKST = (
    "Tallene for et år svinger, også når intet har ændret sig. Derfor skriver vi kun "
    "»steget« eller »faldet«, når hele 95 %-sikkerhedsintervallet for ændringen ligger på "
    "samme side af 0. Ligger hele intervallet tæt på 0 (inden for en tiendedel af sidste års "
    "niveau), skriver vi »uændret«. Ellers kan data ikke vise, om tallet er steget eller "
    "faldet, og vi skriver »kan ikke afgøres«. Intervallet står i tabellen: jo bredere det er, "
    "jo mere usikkert er tallet. Metodesiden forklarer beregningen."
)
