"""Rules GX cannot express on one file: keys across files, history and coverage of the year.

Each rule returns findings and never raises: :func:`run_rules` turns a bug in a rule into the
finding "intern fejl i reglen …", so an analyst gets a message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from statusrapport import config, contract, fmt, kalender, planer
from statusrapport.validation import hints
from statusrapport.validation.reading import LINE, TEXT_SUFFIX, Table
from statusrapport.validation.report import Check

MAX_EXAMPLES = 20
#: More leavers than this many times the average headcount in a year is not plausible.
FRATRAADTE_MAX_FAKTOR = 1.5
MAANEDER = fmt.MAANEDER

Rule = Callable[[dict[str, Table], int, date], list[Check]]


def _lines_examples(
    frame: pd.DataFrame, mask: np.ndarray, text: Callable[[pd.DataFrame], pd.Series]
):
    rows = frame.loc[mask].head(MAX_EXAMPLES)
    return [(int(ln), str(v)) for ln, v in zip(rows[LINE], text(rows), strict=True)]


def _id_with_guess(value: object, guesses: dict[object, str | None]) -> str:
    guess = guesses.get(value)
    return f'"{value}"' + (f" (mente du {guess}?)" if guess else "")


def _ids_with_guesses(
    guesses: dict[object, str | None],
) -> Callable[[pd.DataFrame], pd.Series]:
    def text(rows: pd.DataFrame) -> pd.Series:
        return rows["tilbud_id"].map(lambda v: _id_with_guess(v, guesses))

    return text


def _stage_with_guess(stages: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    """A wrong stage quoted as written, with the stage it was probably meant to be."""
    import difflib

    def text(rows: pd.DataFrame) -> pd.Series:
        def one(value: object) -> str:
            guess = difflib.get_close_matches(str(value).strip().lower(), stages, n=1, cutoff=0.6)
            return f'"{value}"' + (f" (mente du {guess[0]}?)" if guess else "")

        return rows["status"].map(one)

    return text


def _unknown_id_hint(guesses: dict[object, str | None]) -> str:
    """Name the likely fixes first (an O for a 0 is the usual typo), then the general one."""
    likely = sorted((str(u), g) for u, g in guesses.items() if g)
    if not likely:
        return "Ret tilbud_id, eller tilføj tilbuddet i tilbud.csv."
    shown = ", ".join(f"{u} → {g}" for u, g in likely[:5])
    return (
        f"Ret tilbud_id ({shown}: forvekslet bogstav/ciffer eller tastefejl?), eller tilføj "
        "tilbuddet i tilbud.csv."
    )


def known_facilities(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """Every tilbud_id in the other files must exist in tilbud.csv (else it drops out silently)."""
    if "tilbud" not in tables:
        return []
    known = set(tables["tilbud"].frame["tilbud_id"].dropna().astype(str))
    findings = []
    for name in ("tilsyn", "paabud", "fravaer", "personale", "noegletal", "takster"):
        if name not in tables:
            continue
        frame = tables[name].frame
        ids = frame["tilbud_id"]
        unique = pd.unique(ids.dropna())
        unknown = {u for u in unique if u not in known}
        mask = ids.isin(unknown).to_numpy(dtype=bool) if unknown else np.zeros(len(frame), bool)
        n_bad = int(mask.sum())
        guesses = {u: hints.nearest_id(str(u), known) for u in unknown}
        findings.append(
            Check(
                tables[name].file,
                "tilbud_id",
                "kendt_tilbud",
                "tilbud_id skal findes i tilbud.csv",
                "fejl",
                n_bad == 0,
                n_bad,
                _lines_examples(frame, mask, _ids_with_guesses(guesses)),
                _unknown_id_hint(guesses) if n_bad else None,
            )
        )
    return findings


def plausible_leavers(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """More leavers than 1.5 × the average headcount is a typing error, not turnover."""
    if "personale" not in tables:
        return []
    frame = tables["personale"].frame
    limit = FRATRAADTE_MAX_FAKTOR * frame["gns_ansatte"]
    mask = (frame["fratraadte"] > limit).fillna(False).to_numpy(dtype=bool)
    n_bad = int(mask.sum())
    return [
        Check(
            "personale.csv",
            "fratraadte",
            "fratraadte_plausibel",
            f"fratrådte må ikke overstige {str(FRATRAADTE_MAX_FAKTOR).replace('.', ',')} × "
            "gennemsnitligt antal ansatte",
            "fejl",
            n_bad == 0,
            n_bad,
            _lines_examples(
                frame,
                mask,
                lambda r: (
                    r["fratraadte" + TEXT_SUFFIX].astype(str)
                    + " fratrådte, "
                    + r["gns_ansatte" + TEXT_SUFFIX].astype(str)
                    + " ansatte"
                ),
            ),
            "Tjek om fratrådte og gns_ansatte er byttet om, eller om tallet dækker flere år."
            if n_bad
            else None,
        )
    ]


def status_history(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """A recommendation may only move back to an earlier stage with a comment explaining why."""
    if "bostedsundersoegelse" not in tables:
        return []
    frame = tables["bostedsundersoegelse"].frame
    stage = frame["status"].map({s: i for i, s in enumerate(config.STATUSSER)})
    ordered = frame.assign(_trin=stage).dropna(subset=["_trin", "aar"])
    ordered = ordered.sort_values(["anbefaling_id", "aar"], kind="stable")
    previous = ordered.groupby("anbefaling_id", sort=False)["_trin"].shift()
    previous_status = ordered.groupby("anbefaling_id", sort=False)["status"].shift()
    comment = ordered["kommentar"].fillna("").astype(str).str.strip()
    back = ((ordered["_trin"] < previous) & (comment == "")).to_numpy(dtype=bool)
    bad = ordered.loc[back].assign(_fra=previous_status[back]).sort_values(LINE)
    n_bad = len(bad)
    examples = [
        (int(r[LINE]), f"{r['anbefaling_id']} {int(r['aar'])}: {r['_fra']} → {r['status']}")
        for _, r in bad.head(MAX_EXAMPLES).iterrows()
    ]
    return [
        Check(
            "bostedsundersoegelse.csv",
            "kommentar",
            "tilbagegang_forklaret",
            "en status, der går tilbage til et tidligere trin, skal forklares i kommentar",
            "fejl",
            n_bad == 0,
            n_bad,
            examples,
            "Skriv i kommentar, hvorfor anbefalingen er gået tilbage, eller ret status."
            if n_bad
            else None,
        )
    ]


def _active(tables: dict[str, Table], year: int) -> pd.DataFrame:
    """Facilities open at some point in ``year``, by the one calendar."""
    t = tables["tilbud"].frame
    mask = kalender.active_mask(t["aktiv_fra"], t["aktiv_til"], year)
    return t.loc[mask & t["tilbud_id"].notna().to_numpy(dtype=bool)]


def _coverage(
    file: str,
    column: str | None,
    rule: str,
    description: str,
    gaps: Sequence[tuple[int | None, str]],
    hint: str,
) -> Check:
    return Check(
        file,
        column,
        rule,
        description,
        "advarsel",
        not gaps,
        len(gaps),
        gaps[:MAX_EXAMPLES],
        hint if gaps else None,
    )


def coverage(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """Gaps in the report year are warnings: the report is built and shows the gap."""
    if "tilbud" not in tables:
        return []
    active = _active(tables, year)
    ids = sorted(active["tilbud_id"].astype(str))
    # Months that have begun: the current year is covered up to last month.
    months = 12 if year < today.year else max(today.month - 1, 0)
    findings = []
    if "fravaer" in tables and months:
        f = tables["fravaer"].frame
        f = f.loc[(f["maaned"] // 100 == year)]
        have = f.groupby("tilbud_id")["maaned"].agg(lambda m: set((m % 100).astype(int)))
        opened = dict(zip(active["tilbud_id"].astype(str), active["aktiv_fra"], strict=True))
        closed = dict(zip(active["tilbud_id"].astype(str), active["aktiv_til"], strict=True))
        gaps = []
        for tid in ids:
            # Only the months the facility was open: one that opened in June owes no January.
            first = (
                1
                if pd.isna(opened[tid]) or opened[tid] // 100 < year * 100
                else (int(opened[tid]) // 100 % 100)
            )
            last = (
                months
                if pd.isna(closed[tid]) or closed[tid] // 100 > year * 100 + months
                else (int(closed[tid]) // 100 % 100)
            )
            missing = sorted(set(range(first, last + 1)) - have.get(tid, set()))
            if missing:
                names = ", ".join(MAANEDER[m - 1] for m in missing)
                gaps.append((None, f"{tid} mangler {names}"))
        findings.append(
            _coverage(
                "fravaer.csv",
                "maaned",
                "daekning_maaneder",
                f"alle aktive tilbud skal have fravær for alle måneder i {year}",
                gaps,
                "Tilføj de manglende måneder; ellers vises fraværet for året som ufuldstændigt.",
            )
        )
    if "personale" in tables:
        p = tables["personale"].frame
        have_p = set(p.loc[p["aar"] == year, "tilbud_id"].astype(str))
        gaps = [(None, f"{tid} mangler {year}") for tid in ids if tid not in have_p]
        findings.append(
            _coverage(
                "personale.csv",
                "aar",
                "daekning_aar",
                f"alle aktive tilbud skal have en personalerække for {year}",
                gaps,
                "Tilføj en række for tilbuddet og året; ellers mangler tilbuddet i "
                "personaleomsætningen.",
            )
        )
    if "tilsyn" in tables:
        s = tables["tilsyn"].frame
        recent = s.loc[
            (s["tilsynsdato"] >= (year - 1) * 10000 + 101)
            & (s["tilsynsdato"] <= year * 10000 + 1231)
        ]
        have_s = set(recent["tilbud_id"].astype(str))
        gaps = [(None, f"{tid} uden tilsyn {year - 1}–{year}") for tid in ids if tid not in have_s]
        findings.append(
            _coverage(
                "tilsyn.csv",
                "tilsynsdato",
                "daekning_tilsyn",
                f"alle aktive tilbud skal have mindst ét tilsyn i {year - 1}–{year}",
                gaps,
                "Tilføj de manglende tilsyn, eller bekræft at tilbuddet ikke har haft tilsyn.",
            )
        )
    if "noegletal" in tables:
        n = tables["noegletal"].frame
        n = n.loc[n["aar"] == year]
        have_n = n.groupby("tilbud_id")["indikator"].agg(set)
        gaps = []
        for tid in ids:
            missing = [i for i in config.INDIKATORER if i not in have_n.get(tid, set())]
            if missing:
                gaps.append((None, f"{tid} mangler {', '.join(missing)}"))
        findings.append(
            _coverage(
                "noegletal.csv",
                "indikator",
                "daekning_indikatorer",
                f"alle aktive tilbud skal have alle nøgletal for {year}",
                gaps,
                "Tilføj de manglende nøgletal; ellers vises tilbuddet uden dem i målopfyldelsen.",
            )
        )
    return findings


def rate_coverage(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """Warnings for the rate target (issue 15): an active § 107/§ 108 facility without a rate in
    the report year, and a target group and paragraph with the centre's places but no private
    comparison. The report is built and shows "ingen data" for them."""
    if "tilbud" not in tables or "takster" not in tables:
        return []
    active = _active(tables, year)
    paragraf = active["paragraf"].fillna("").astype(str)
    has_rate = paragraf.str.contains("107") | paragraf.str.contains("108")
    ids = sorted(active.loc[has_rate.to_numpy(dtype=bool), "tilbud_id"].astype(str))
    rates = tables["takster"].frame
    rates = rates.loc[rates["aar"] == year]
    have = set(rates["tilbud_id"].astype(str))
    gaps: list[tuple[int | None, str]] = [
        (None, f"{tid} mangler {year}") for tid in ids if tid not in have
    ]
    findings = [
        _coverage(
            "takster.csv",
            "aar",
            "daekning_takster",
            f"alle aktive tilbud efter § 107/§ 108 skal have en takst for {year}",
            gaps,
            "Tilføj tilbuddets døgntakst for året; ellers vises takstmålet som »ingen data«.",
        )
    ]
    if "takster_private" in tables:
        groups = dict(
            zip(
                tables["tilbud"].frame["tilbud_id"].astype(str),
                tables["tilbud"].frame["maalgruppe"].astype(str),
                strict=True,
            )
        )
        needed = {
            (groups.get(str(t), ""), str(p))
            for t, p in zip(rates["tilbud_id"], rates["paragraf"], strict=True)
            if str(t) in groups
        }
        private = tables["takster_private"].frame
        private = private.loc[private["aar"] == year]
        there = set(
            zip(private["maalgruppe"].astype(str), private["paragraf"].astype(str), strict=True)
        )
        missing = sorted(needed - there)
        findings.append(
            _coverage(
                "takster_private.csv",
                "maalgruppe",
                "daekning_private_takster",
                f"hver målgruppe og paragraf med takster i {year} skal have et sammenligningstal",
                [(None, f"{g}, {p} mangler {year}") for g, p in missing],
                "Tilføj gennemsnittet for sammenlignelige private tilbud (fx fra "
                "Tilbudsportalen); ellers kan takstmålet ikke vurderes for de pladser.",
            )
        )
    return findings


def plan_statuses(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """Every follow-up plan with the common columns: statuses from the plan's own stages, no
    year before the plan's start, and a stage going back is explained in statustekst."""
    findings: list[Check] = []
    for plan in planer.PLANER:
        if not plan.egen_kontrakt or plan.fil not in tables:
            continue
        frame = tables[plan.fil].frame
        file = f"{plan.fil}.csv"
        status = frame["status"].fillna("").astype(str)
        allowed = set(plan.trin) | {""}
        bad = ~status.isin(allowed).to_numpy(dtype=bool)
        stages = fmt.opremsning([f"»{t}«" for t in plan.trin]) if plan.trin else ""
        findings.append(
            Check(
                file,
                "status",
                "planens_trin",
                f"skal være tom eller et af planens trin: {stages}"
                if plan.trin
                else "skal være tom (planen har ingen statustrin)",
                "fejl",
                not bad.any(),
                int(bad.sum()),
                _lines_examples(frame, bad, _stage_with_guess(plan.trin)),
                f"Ret stavningen, eller tilføj trinet til planen '{plan.id}' (feltet trin) i "
                "planer.toml."
                if bad.any()
                else None,
            )
        )
        early = (frame["aar"] < plan.startaar).fillna(False).to_numpy(dtype=bool)
        findings.append(
            Check(
                file,
                "aar",
                "efter_planens_start",
                f"må ikke ligge før planens startår {plan.startaar}",
                "fejl",
                not early.any(),
                int(early.sum()),
                _lines_examples(frame, early, lambda r: r["aar"].astype("Int64").astype(str)),
                f"Ret året, eller ret planens startår (id '{plan.id}') i planer.toml."
                if early.any()
                else None,
            )
        )
        if not plan.trin:
            continue
        stage = status.map({s: i for i, s in enumerate(plan.trin)})
        ordered = frame.assign(_trin=stage).dropna(subset=["_trin", "aar", "punkt_id"])
        ordered = ordered.sort_values(["punkt_id", "aar"], kind="stable")
        previous = ordered.groupby("punkt_id", sort=False)["_trin"].shift()
        previous_status = ordered.groupby("punkt_id", sort=False)["status"].shift()
        text = ordered["statustekst"].fillna("").astype(str).str.strip()
        back = ((ordered["_trin"] < previous) & (text == "")).to_numpy(dtype=bool)
        rows = ordered.loc[back].assign(_fra=previous_status[back]).sort_values(LINE)
        examples = [
            (int(r[LINE]), f"{r['punkt_id']} {int(r['aar'])}: {r['_fra']} → {r['status']}")
            for _, r in rows.head(MAX_EXAMPLES).iterrows()
        ]
        findings.append(
            Check(
                file,
                "statustekst",
                "tilbagegang_forklaret",
                "en status, der går tilbage til et lavere trin, skal begrundes i statustekst",
                "fejl",
                len(rows) == 0,
                len(rows),
                examples,
                "Skriv i statustekst, hvorfor punktet er gået tilbage, eller ret status."
                if len(rows)
                else None,
            )
        )
    return findings


def comments(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """The administration's comments (optional file): each is about something the report
    shows (a target or rate, a plan, a facility in tilbud.csv), for a year with data, and
    says something (not only blanks). Length, required values and one comment per year and
    subject are checked by the reader and the suite."""
    if "kommentarer" not in tables:
        return []
    frame = tables["kommentarer"].frame
    file = tables["kommentarer"].file
    known = set(contract.KOMMENTAR_EMNER) | {p.id for p in planer.PLANER}
    if "tilbud" in tables:
        known |= set(tables["tilbud"].frame["tilbud_id"].dropna().astype(str))
    subjects = frame["emne"]
    unknown = {str(u) for u in pd.unique(subjects.dropna()) if str(u) not in known}
    guesses: dict[object, str | None] = {u: hints.nearest_id(u, known) for u in unknown}
    bad = subjects.astype(str).isin(unknown).to_numpy(dtype=bool) & subjects.notna().to_numpy()

    def subject_text(rows: pd.DataFrame) -> pd.Series:
        return rows["emne"].map(lambda v: _id_with_guess(v, guesses))

    likely = sorted((u, g) for u, g in guesses.items() if g)
    findings = [
        Check(
            file,
            "emne",
            "kendt_emne",
            "emne skal være et mål eller nøgletal, en plans id fra planer.toml eller et "
            "tilbud_id fra tilbud.csv",
            "fejl",
            not bad.any(),
            int(bad.sum()),
            _lines_examples(frame, bad, subject_text),
            (
                "Ret emne"
                + (f" ({', '.join(f'{u} → {g}' for u, g in likely[:5])})" if likely else "")
                + ". Mål og nøgletal: "
                + ", ".join(contract.KOMMENTAR_EMNER)
                + "."
            )
            if bad.any()
            else None,
        )
    ]
    fravaer: Any = tables["fravaer"].frame["maaned"] // 100 if "fravaer" in tables else []
    personale: Any = tables["personale"].frame["aar"] if "personale" in tables else []
    years = kalender.years_with_data(fravaer, personale, today)
    if years:
        outside = (frame["aar"].notna() & ~frame["aar"].isin(years)).to_numpy(dtype=bool)
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        findings.append(
            Check(
                file,
                "aar",
                "aar_med_data",
                f"aar skal være et år med data i fravaer.csv eller personale.csv ({span})",
                "fejl",
                not outside.any(),
                int(outside.sum()),
                _lines_examples(frame, outside, lambda r: r["aar"].astype("Int64").astype(str)),
                "Ret året, så kommentaren hører til et rapportår med data."
                if outside.any()
                else None,
            )
        )
    text = frame["kommentar"]
    blank = (text.notna() & (text.astype(str).str.strip() == "")).to_numpy(dtype=bool)
    findings.append(
        Check(
            file,
            "kommentar",
            "kommentar_tekst",
            "kommentar må ikke bestå af blanke tegn alene",
            "fejl",
            not blank.any(),
            int(blank.sum()),
            _lines_examples(frame, blank, lambda r: r["emne"].astype(str)),
            "Skriv kommentaren, eller slet rækken (ingen række: siden siger, at der ikke er "
            "givet en kommentar)."
            if blank.any()
            else None,
        )
    )
    return findings


RULES: dict[str, Rule] = {
    "kendt_tilbud": known_facilities,
    "fratraadte_plausibel": plausible_leavers,
    "tilbagegang_forklaret": status_history,
    "planens_statusser": plan_statuses,
    "daekning": coverage,
    "daekning_takster": rate_coverage,
    "kommentarer": comments,
}


def run_rules(tables: dict[str, Table], year: int, today: date) -> list[Check]:
    """Run every custom rule; a rule that crashes becomes a finding, not a traceback."""
    findings: list[Check] = []
    for rule_id, rule in RULES.items():
        try:
            findings += rule(tables, year, today)
        except Exception as error:
            findings.append(
                Check(
                    "(krydskontrol)",
                    None,
                    rule_id,
                    f"intern fejl i reglen {rule_id} ({type(error).__name__}: {error})",
                    "fejl",
                    False,
                )
            )
    return findings
