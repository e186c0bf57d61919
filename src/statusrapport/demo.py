"""Deterministic, fictive demo data that follows the data contract (``contract.py``).

The site, the tests and the benchmarks need data before real extracts exist, and the real data
contain personal information that must never be committed. The generator is calibrated to the
public figures listed under "Kilder" in metode.qmd so that the statistics have something
realistic to work on:
absence rates of 5-7 % with seasonality, strong between-facility overdispersion and a COVID bump;
turnover of 15-30 %; Kvalitetsmodel scores mostly 3-5 with a handful of facilities below the
3.8 target; the 2025 reform's switch from 7 to 5 themes.

Determinism: every dataset draws from its own random stream derived from ``(seed, dataset name)``,
so changing how one dataset is generated does not shift the others. Facility traits that several
datasets share (size, quality, absence level) come from the "tilbud" stream. Rows are sorted and
floats rounded before writing, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from statusrapport import config, contract, demo_handicapplan, planer

__all__ = [
    "ANBEFALINGER",
    "Anbefaling",
    "generate",
    "generate_fravaer",
    "generate_tilbud",
    "write_demo_data",
]

CENTER = "Center for Længerevarende Boformer"
GENERATOR = "statusrapport.demo"

# --- The bostedsundersøgelse follow-up plan (2008): documented fact, from seed 001 ------------


@dataclass(frozen=True)
class Anbefaling:
    """One recommendation of the bostedsundersøgelse with the 2008 plan's own status."""

    anbefaling_id: str
    afsnit: str  # section number in the 2008 plan, e.g. "1.1"
    omraade: str
    anbefaling: str
    status_2008: str
    kommentar_2008: str


ANBEFALINGER: tuple[Anbefaling, ...] = (
    Anbefaling(
        "B01",
        "1.1",
        "fysiske rammer",
        "Kortlægge de aktuelle behov for renovering",
        "imødekommet",
        "Behovet er kortlagt; op mod 1.000 boliger mangler modernisering",
    ),
    Anbefaling(
        "B02",
        "1.1",
        "fysiske rammer",
        "Søge midler til moderniseringsstrategi",
        "delvist imødekommet",
        "Ønskeforslag til budget 2009 om modernisering",
    ),
    Anbefaling(
        "B03",
        "1.1",
        "fysiske rammer",
        "Udarbejde faglig minimumsstandard for boliger",
        "planlagt",
        "Fastlægges ved projektering og i strategi for modernisering",
    ),
    Anbefaling(
        "B04",
        "1.2",
        "visitation",
        "Dialog mellem visitation og botilbud",
        "under overvejelse",
        "Forvaltningen vil overveje en dialogproces mellem visitation og bosteder",
    ),
    Anbefaling(
        "B05",
        "1.2",
        "visitation",
        "Yderligere tiltag der kan optimere matchet",
        "delvist planlagt",
        "Specialiseringsstrategi og differentieret ressourcetildeling i budget 2009",
    ),
    Anbefaling(
        "B06",
        "1.3",
        "individuelle handleplaner",
        "Klare og ensartede kommunale retningslinjer",
        "delvist imødekommet",
        "Fælles koncept for pædagogiske handleplaner fra januar 2009",
    ),
    Anbefaling(
        "B07",
        "1.3",
        "individuelle handleplaner",
        "Klæde personalet på",
        "under overvejelse",
        "Forvaltningen vil vurdere det sammen med bostedslederne",
    ),
    Anbefaling(
        "B08",
        "1.3",
        "individuelle handleplaner",
        "Ledelsesmæssig indsats for at integrere handleplansarbejdet i den daglige praksis",
        "under overvejelse",
        "Kan indgå i de kommende resultataftaler",
    ),
    Anbefaling(
        "B09",
        "1.3",
        "individuelle handleplaner",
        "Elektronisk handleplanskoncept",
        "planlagt",
        "Ønskeforslag til budget 2009 om nyt IT-system",
    ),
    Anbefaling(
        "B10",
        "1.4",
        "resultataftaler og udviklingsplaner",
        "Gøres til fast praksis på alle botilbud",
        "delvist imødekommet",
        "Resultataftaler på socialpsykiatrien; handicapområdet følger",
    ),
    Anbefaling(
        "B11",
        "1.5",
        "aktiv hverdag på botilbuddene",
        "Fokus på hvordan alle kan tilbydes aktiviteter, ledelsesmæssig indsats for konkrete "
        "aktivitetsplaner samt medarbejderindsats for at motivere beboerne og effektuere "
        "planerne",
        "planlagt",
        "Overvejet kvalitetsstandard for aktiviteter; rammer i handleplanen",
    ),
    Anbefaling(
        "B12",
        "1.6",
        "dagtilbud",
        "Kortlægge hvor mange der ikke kan tilbydes egnede dagtilbud",
        "planlagt",
        "Kortlægning inden udgangen af første kvartal 2009",
    ),
    Anbefaling(
        "B13",
        "1.6",
        "dagtilbud",
        "Fremadrettet plan for at imødekomme mangler",
        "planlagt",
        "Eventuelt budgetforslag til budget 2010 om flere dagtilbudspladser",
    ),
    Anbefaling(
        "B14",
        "1.7",
        "medicinhåndtering",
        "Systematisk analyse af, hvorvidt det vil være en fordel at udbrede dosisdispenseret "
        "medicin",
        "planlagt",
        "Forvaltningen vil gennemføre den anbefalede undersøgelse",
    ),
    Anbefaling(
        "B15",
        "1.7",
        "medicinhåndtering",
        "Sundhedsfaglige optegnelser gøres elektroniske på alle botilbud inden for en kort årrække",
        "under overvejelse",
        "Overvejes som del af IT-pakken i budget 2009",
    ),
    Anbefaling(
        "B16",
        "1.8",
        "personaleomsætning og sygefravær",
        "Ledelses- og forvaltningsmæssig fokus på fysisk og psykisk arbejdsmiljø samt "
        "arbejdsgruppe vedrørende forbedring af personalesituationen",
        "delvist planlagt",
        "Indgår i resultatkontrakter for 2009 og HR-strategien",
    ),
    Anbefaling(
        "B17",
        "1.9",
        "kompetenceudvikling",
        "Bred faglig opkvalificeringsstrategi",
        "planlagt",
        "Ønskeforslag til budget 2009 om kompetenceudvikling",
    ),
    Anbefaling(
        "B18",
        "1.10",
        "kompetenceudvikling for ledere",
        "Fleksibel ledelsesmæssig efteruddannelse",
        "planlagt",
        "Ønskeforslag til budget 2009 om ledelsesudvikling over fire år",
    ),
    Anbefaling(
        "B19",
        "1.10",
        "kompetenceudvikling for ledere",
        "Faglige netværk mellem ledere",
        "delvist imødekommet",
        "Forstandermøder og lokale ledelsesteams i de nye bocentre",
    ),
    Anbefaling(
        "B20",
        "1.11",
        "bofællesskabsområdet",
        "Sikre at medarbejderne får mulighed for faglig udvikling, ledelsesbevågenhed og "
        "medarbejdersammenhold",
        "planlagt",
        "Bofællesskaber indgår i bocenterstrukturen fra 1. januar 2009",
    ),
    Anbefaling(
        "B21",
        "1.12",
        "klare visioner og langsigtede mål",
        "Klare visioner og langsigtede mål",
        "delvist imødekommet",
        "Rammeplan for socialpsykiatrien; rammeplan for handicapområdet følger",
    ),
    Anbefaling(
        "B22",
        "1.12",
        "klare visioner og langsigtede mål",
        "Konkrete retningslinjer",
        "delvist imødekommet",
        "Kvalitetsmodel for socialpsykiatrien udbredes til hele området",
    ),
    Anbefaling(
        "B23",
        "1.12",
        "klare visioner og langsigtede mål",
        "Fælles elektroniske dokumentationssystemer og styringsværktøjer",
        "delvist imødekommet",
        "Ønskeforslag til budget 2009 om IT-system; resultataftaler",
    ),
    Anbefaling(
        "B24",
        "1.13",
        "intern kommunikation",
        "Klare linjer for ansvarsfordeling og forventninger samt arbejde på at nedbryde "
        "mentale barrierer mellem forvaltning og botilbud",
        "planlagt",
        "Ny centerstruktur og drifts- og udviklingskontor",
    ),
    Anbefaling(
        "B25",
        "1.14",
        "ekstern kommunikation",
        "Branding gennem fortælling af succeshistorier",
        "under overvejelse",
        "Forvaltningen vil overveje en plan for ekstern kommunikation",
    ),
)

# --- Calibration (public sources: see "Kilder" in metode.qmd) ----------------------------------

#: Overall absence rate per year (KK: ~12 days/FTE before COVID = 5.3 %, 14.5 in 2023 = 6.4 %).
_FRAVAER_AAR: dict[int, float] = {
    2019: 0.055,
    2020: 0.060,
    2021: 0.062,
    2022: 0.066,
    2023: 0.064,
    2024: 0.062,
    2025: 0.061,
}
#: Relative absence by staff group, FAGGRUPPER order (FLIS 2017: pæd. 13.1, SOSU 15.7, all 11.6).
_FRAVAER_FAGGRUPPE = np.array([1.00, 1.18, 0.85, 0.85, 0.42])
#: Share of absence that is long-term (> 28 days).
_LANGTID_ANDEL = 0.42
#: Extra absence in COVID waves (month -> factor); the yearly level is normalised afterwards.
_COVID_BUMP: dict[str, float] = {
    "2020-03": 1.35,
    "2020-04": 1.15,
    "2020-12": 1.15,
    "2021-01": 1.10,
    "2021-12": 1.25,
    "2022-01": 1.45,
    "2022-02": 1.30,
}
#: FTE share by staff group for each target group (ledelse handled separately), FAGGRUPPER order.
_FTE_ANDEL: dict[str, tuple[float, float, float, float]] = {
    "socialpsykiatri": (0.50, 0.28, 0.08, 0.14),
    "autisme": (0.66, 0.16, 0.05, 0.13),
    "hjerneskade": (0.34, 0.44, 0.10, 0.12),
    "synshandicap": (0.46, 0.32, 0.08, 0.14),
    "multiple funktionsnedsættelser": (0.40, 0.42, 0.07, 0.11),
}
#: FTE per place by target group (more staffing for the most dependent residents).
_FTE_PR_PLADS: dict[str, float] = {
    "socialpsykiatri": 1.45,
    "autisme": 2.4,
    "hjerneskade": 2.0,
    "synshandicap": 1.7,
    "multiple funktionsnedsættelser": 2.3,
}
_MAALGRUPPE_ANDEL = (0.42, 0.17, 0.14, 0.08, 0.19)
_PARAGRAF_ANDEL = {"§ 108": 0.75, "§ 107": 0.14, "§ 105/§ 85": 0.11}
#: Facilities below this size have no separate health staff group.
MIN_PLADSER_SUNDHED = 16
_PLADSER_PR_TILBUD = 1200 / 36
_FTE_PR_TILBUD = 2150 / 36
_ANSATTE_PR_FTE = 1.15
#: Yearly turnover level (leavers / average headcount), higher in the post-COVID labour market.
_OMSAETNING_AAR: dict[int, float] = {
    2019: 0.20,
    2020: 0.18,
    2021: 0.21,
    2022: 0.24,
    2023: 0.23,
    2024: 0.21,
    2025: 0.20,
}
_TEMA_EFFEKT: dict[str, float] = {
    "Uddannelse og beskæftigelse": -0.20,
    "Selvstændighed og relationer": 0.05,
    "Målgrupper, metoder og resultater": 0.00,
    "Sundhed og trivsel": 0.10,
    "Organisation og ledelse": -0.05,
    "Kompetencer": 0.05,
    "Fysiske rammer": -0.15,
}

_NAVN_FORLED = (
    "Lærke",
    "Birke",
    "Ege",
    "Bøge",
    "Hylde",
    "Rønne",
    "Kløver",
    "Vibe",
    "Svane",
    "Hassel",
    "Rose",
    "Lyng",
    "Spurve",
    "Tjørne",
    "Ahorn",
    "Valmue",
    "Mølle",
    "Stære",
)
_NAVN_EFTERLED = (
    "høj",
    "lund",
    "bakken",
    "gården",
    "vænget",
    "toften",
    "haven",
    "engen",
    "holm",
    "huset",
)
_NAVN_TYPE = ("Bostedet", "Botilbuddet", "Bocentret", "Bofællesskabet", "Boligerne")

#: (myndighed, type, beskrivelse, weight): invented orders of the kinds the effect target counts.
_PAABUD_SKABELONER: tuple[tuple[str, str, str, float], ...] = (
    ("Brandmyndigheden", "påbud", "Påbud om brandsikring af flugtveje", 3),
    ("Brandmyndigheden", "påbud", "Påbud om udbedring af selvlukkende branddøre", 2),
    ("Brandmyndigheden", "påbud", "Påbud om vedligeholdelse af automatisk brandalarmanlæg", 1),
    ("Arbejdstilsynet", "påbud", "Påbud om forebyggelse af vold og trusler mod ansatte", 3),
    ("Arbejdstilsynet", "påbud", "Påbud om at nedbringe psykisk belastning ved alenearbejde", 2),
    ("Arbejdstilsynet", "påbud", "Påbud om tekniske hjælpemidler ved forflytning", 2),
    ("Arbejdstilsynet", "strakspåbud", "Strakspåbud om sikring af ansatte mod vold", 1),
    ("Styrelsen for Patientsikkerhed", "påbud", "Påbud om korrekt medicinhåndtering", 2),
    ("Styrelsen for Patientsikkerhed", "påbud", "Påbud om opdaterede medicinlister", 2),
    ("Styrelsen for Patientsikkerhed", "strakspåbud", "Strakspåbud om opbevaring af medicin", 1),
    ("Socialtilsynet", "påbud", "Påbud om registrering og opfølgning på magtanvendelse", 2),
    ("Socialtilsynet", "påbud", "Påbud om kompetenceudvikling i pædagogiske metoder", 1),
    ("Socialtilsynet", "skærpet tilsyn", "Skærpet tilsyn med ledelse og organisering", 1),
    ("Socialtilsynet", "sanktion", "Midlertidigt stop for optagelse af nye beboere", 0.5),
    ("Fødevarestyrelsen", "påbud", "Påbud om egenkontrol i køkkenet", 1),
)


# --- Helpers ------------------------------------------------------------------------------------


def _rng(seed: int, name: str) -> np.random.Generator:
    """A random stream per dataset, so datasets do not shift each other when one changes."""
    if seed < 0:
        raise ValueError(f"seed skal være et ikke-negativt heltal, fik {seed}")
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def _check_args(n_facilities: int, years: tuple[int, int]) -> None:
    """Fail early with a clear message instead of producing odd or empty data."""
    if n_facilities < 1:
        raise ValueError(f"n_facilities skal være mindst 1, fik {n_facilities}")
    if years[0] > years[1]:
        raise ValueError(f"years skal være (første, sidste), fik {years}")


def _quota(n: int, shares: Sequence[float], *, min_one: bool) -> np.ndarray:
    """Integer counts that sum to n (largest remainder), so group sizes do not depend on luck."""
    raw = np.asarray(shares, dtype=float) / sum(shares) * n
    counts = np.floor(raw).astype(int)
    if min_one and n >= len(shares):
        counts = np.maximum(counts, 1)
    while counts.sum() > n:  # only possible after the min_one bump: take from the largest
        counts[np.argmax(counts)] -= 1
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while counts.sum() < n:
        counts[order[i % len(order)]] += 1
        i += 1
    return counts


def _lognormal_effect(rng: np.random.Generator, sigma: float, size: int | tuple[int, ...]):
    """Multiplicative effect with mean 1 and right skew (a few units much higher)."""
    return np.exp(sigma * rng.standard_normal(size) - sigma**2 / 2)


def _year_value(table: dict[int, float], years: np.ndarray) -> np.ndarray:
    """Look up a calibration per year; years outside the table use the nearest known year."""
    lo, hi = min(table), max(table)
    return np.array([table[int(min(max(y, lo), hi))] for y in years])


def _id_width(n_facilities: int) -> int:
    return max(2, len(str(n_facilities)))


# --- Facilities (shared traits) -------------------------------------------------------------


@dataclass(frozen=True)
class _Facilities:
    """The tilbud frame plus latent traits that several datasets share."""

    frame: pd.DataFrame
    start: np.ndarray  # first active date per facility (datetime64[D])
    quality: np.ndarray  # persistent Kvalitetsmodel level
    struggling: np.ndarray  # bool: the few facilities with low quality (risk-based inspection)
    absence_z: np.ndarray  # standard normal absence propensity
    absence_effect: np.ndarray  # multiplicative absence level, mean 1
    turnover_effect: np.ndarray  # multiplicative turnover level, weakly tied to absence
    group_fte: np.ndarray  # (n, 5) FTE per staff group, FAGGRUPPER order
    wellbeing: np.ndarray  # facility effect on trivsel / lederevaluering
    occupancy: np.ndarray  # facility occupancy level


def _facilities(n_facilities: int, years: tuple[int, int], seed: int) -> _Facilities:
    """Draw the facilities once from the "tilbud" stream; every dataset builds on them."""
    _check_args(n_facilities, years)
    rng = _rng(seed, "tilbud")
    n = n_facilities
    ids = [f"CLB{i:0{_id_width(n)}d}" for i in range(1, n + 1)]

    # Invented names: unique "forled + efterled" cores, numbered if more are needed.
    cores = [f + e for f in _NAVN_FORLED for e in _NAVN_EFTERLED]
    picks = rng.permutation(len(cores))
    types = rng.integers(0, len(_NAVN_TYPE), size=n)
    names = []
    for i in range(n):
        core = cores[picks[i % len(cores)]]
        suffix = f" {i // len(cores) + 1}" if i >= len(cores) else ""
        names.append(f"{_NAVN_TYPE[types[i]]} {core}{suffix}")

    maalgruppe = np.repeat(
        np.arange(len(config.MAALGRUPPER)), _quota(n, _MAALGRUPPE_ANDEL, min_one=True)
    )
    maalgruppe = rng.permutation(maalgruppe)
    paragraffer = list(_PARAGRAF_ANDEL)
    paragraf = np.repeat(
        np.arange(len(paragraffer)), _quota(n, list(_PARAGRAF_ANDEL.values()), min_one=False)
    )
    paragraf = rng.permutation(paragraf)

    # Sizes: skewed, 8-80 places, scaled so the total is about 1,200 per 36 facilities.
    raw = rng.lognormal(mean=0.0, sigma=0.55, size=n)
    pladser = np.clip(raw / raw.mean() * _PLADSER_PR_TILBUD, 8, 80)
    pladser = np.clip(pladser * (_PLADSER_PR_TILBUD * n / pladser.sum()), 8, 80).round()
    pladser = pladser.astype(int)

    # Opening dates: all active from the first day of the period except a few newcomers; the
    # first newcomer opens 2021-03-01 when the period covers it (so it has no earlier data).
    first, last = years
    start = np.full(n, np.datetime64(f"{first}-01-01"), dtype="datetime64[D]")
    n_new = max(1, round(n / 36)) if last > first else 0
    newcomers = rng.choice(n, size=n_new, replace=False) if n_new else np.array([], dtype=int)
    for k, idx in enumerate(newcomers):
        if k == 0 and first < 2021 <= last:
            opened = np.datetime64("2021-03-01")
        else:
            year = int(rng.integers(first + 1, last + 1))
            opened = np.datetime64(f"{year}-{int(rng.integers(1, 13)):02d}-01")
        start[idx] = opened

    # Persistent quality: most facilities good (national average >= 4), a handful struggling.
    n_struggling = max(1, round(n * 4 / 36))
    struggling = np.zeros(n, dtype=bool)
    struggling[rng.choice(n, size=n_struggling, replace=False)] = True
    quality = np.where(
        struggling,
        rng.normal(3.45, 0.12, size=n),
        rng.normal(4.25, 0.18, size=n),
    )

    absence_z = rng.standard_normal(n)
    absence_effect = np.exp(0.35 * absence_z - 0.35**2 / 2)
    rho = 0.35  # weak link: absence and turnover share causes (leadership, work environment)
    turnover_z = rho * absence_z + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    turnover_effect = np.exp(0.25 * turnover_z - 0.25**2 / 2)

    # Staffing: FTE per place by target group, then split on staff groups; ledelse 1-3 FTE.
    mg_names = np.array(config.MAALGRUPPER)[maalgruppe]
    fte_total = pladser * np.array([_FTE_PR_PLADS[m] for m in mg_names])
    fte_total *= np.exp(rng.normal(0, 0.1, size=n))
    fte_total *= _FTE_PR_TILBUD * n / fte_total.sum()
    ledelse = np.clip(0.04 * fte_total, 1.0, 3.0)
    shares = np.array([_FTE_ANDEL[m] for m in mg_names])
    shares = shares * np.exp(rng.normal(0, 0.1, size=shares.shape))
    shares[pladser < MIN_PLADSER_SUNDHED, 2] = 0.0
    shares /= shares.sum(axis=1, keepdims=True)
    group_fte = np.column_stack([shares * (fte_total - ledelse)[:, None], ledelse])

    wellbeing = -0.15 * absence_z + rng.normal(0, 0.2, size=n)
    occupancy = rng.normal(96.3, 1.4, size=n)

    frame = pd.DataFrame(
        {
            "tilbud_id": ids,
            "navn": names,
            "center": CENTER,
            "maalgruppe": mg_names,
            "paragraf": np.array(paragraffer)[paragraf],
            "pladser": pladser,
            "aktiv_fra": np.datetime_as_string(start, unit="D"),
            "aktiv_til": pd.Series([None] * n, dtype="str"),
        },
        columns=list(contract.BY_NAME["tilbud"].column_names),
    )
    return _Facilities(
        frame=frame,
        start=start,
        quality=quality,
        struggling=struggling,
        absence_z=absence_z,
        absence_effect=absence_effect,
        turnover_effect=turnover_effect,
        group_fte=group_fte,
        wellbeing=wellbeing,
        occupancy=occupancy,
    )


def generate_tilbud(n_facilities: int, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """The facility register (tilbud.csv) on its own, e.g. to check other generated frames."""
    return _facilities(n_facilities, years, seed).frame.copy()


def _fte_growth(year_values: np.ndarray, first: int) -> np.ndarray:
    """Staffing grows slowly (0.5 % a year) so FTE and headcount are not flat lines."""
    return 1.005 ** (year_values - first)


# --- Sickness absence ---------------------------------------------------------------------


def _months(years: tuple[int, int]) -> pd.DataFrame:
    """Every month of the period with possible working days per FTE (227 per year)."""
    first, last = years
    starts = np.arange(f"{first}-01", f"{last + 1}-01", dtype="datetime64[M]")
    busdays = np.busday_count(starts.astype("datetime64[D]"), (starts + 1).astype("datetime64[D]"))
    year = starts.astype("datetime64[Y]").astype(int) + 1970
    month = starts.astype(int) % 12 + 1
    per_year = pd.Series(busdays).groupby(year).transform("sum").to_numpy()
    labels = np.datetime_as_string(starts, unit="M")
    # Winter peak, summer low, plus COVID waves; each year is then normalised to its level.
    season = 1 + 0.15 * np.cos(2 * np.pi * (month - 1.5) / 12)
    season *= np.array([_COVID_BUMP.get(str(label), 1.0) for label in labels])
    weighted_mean = pd.Series(season * busdays).groupby(year).transform("sum").to_numpy() / per_year
    level = _year_value(_FRAVAER_AAR, year) * season / weighted_mean
    return pd.DataFrame(
        {
            "maaned": labels,
            "aar": year,
            "start": starts.astype("datetime64[D]"),
            "dage_pr_fte": busdays * config.ARBEJDSDAGE_PR_AAR / per_year,
            "niveau": level,
        }
    )


def _fravaer_from(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Vectorised over facility x month x staff group, so national-size files stay fast."""
    rng = _rng(seed, "fravaer")
    months = _months(years)
    n_f, n_m, n_g = len(fac.start), len(months), len(config.FAGGRUPPER)
    year_idx = (months["aar"].to_numpy() - years[0]).astype(np.int32)
    n_y = years[1] - years[0] + 1

    fac_year = _lognormal_effect(rng, 0.12, (n_f, n_y))
    fac_group = _lognormal_effect(rng, 0.15, (n_f, n_g))

    f_idx, m_idx, g_idx = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(n_f, dtype=np.int32),
            np.arange(n_m, dtype=np.int32),
            np.arange(n_g, dtype=np.int32),
            indexing="ij",
        )
    )
    active_month = (
        months["start"].to_numpy()
        >= fac.start.astype("datetime64[M]").astype("datetime64[D]")[:, None]
    )
    keep = active_month[f_idx, m_idx] & (fac.group_fte[f_idx, g_idx] > 0)
    f_idx, m_idx, g_idx = f_idx[keep], m_idx[keep], g_idx[keep]
    y_idx = year_idx[m_idx]
    n_rows = len(f_idx)

    growth = _fte_growth(np.arange(years[0], years[1] + 1), years[0])
    fte = fac.group_fte[f_idx, g_idx] * growth[y_idx] * (1 + 0.02 * rng.standard_normal(n_rows))
    fte = np.round(np.maximum(fte, 0.1), 2)
    days = months["dage_pr_fte"].to_numpy()[m_idx]
    mulige = np.round(fte * days, 2)

    rate = (
        months["niveau"].to_numpy()[m_idx]
        * _FRAVAER_FAGGRUPPE[g_idx]
        * fac.absence_effect[f_idx]
        * fac_year[f_idx, y_idx]
        * fac_group[f_idx, g_idx]
    )
    # Pin each year's expected overall rate to its calibration, whatever the sampled mix of
    # facilities and staff groups: the random effects then only move units relative to others.
    weights = np.bincount(y_idx, weights=mulige, minlength=n_y)
    realised = np.bincount(y_idx, weights=rate * mulige, minlength=n_y) / np.maximum(weights, 1e-9)
    target = _year_value(_FRAVAER_AAR, np.arange(years[0], years[1] + 1))
    rate *= (target / np.where(realised > 0, realised, target))[y_idx]
    # Long-term: whole persons off for most of a month, so small groups get zeros and spikes.
    case_days = 0.6  # mean share of a month's FTE-days lost per long-term case
    cases = rng.poisson(_LANGTID_ANDEL * rate * fte / case_days)
    langtid = days * rng.gamma(shape=4.0 * cases, scale=case_days / 4.0)
    # Short-term: many short spells, so noise shrinks with the size of the group.
    shape = 1.5 + 0.5 * fte
    kort = mulige * (1 - _LANGTID_ANDEL) * rate * rng.gamma(shape=shape, scale=1.0 / shape)
    total = np.minimum(kort + langtid, mulige)
    langtid = np.minimum(langtid, total)

    return pd.DataFrame(
        {
            "tilbud_id": _take_str(fac.frame["tilbud_id"].tolist(), f_idx),
            "maaned": _take_str(months["maaned"].tolist(), m_idx),
            "faggruppe": _take_str(list(config.FAGGRUPPER), g_idx),
            "fuldtidsstillinger": fte,
            "mulige_dagsvaerk": mulige,
            "sygefravaer_dagsvaerk": np.round(total, 2),
            "langtidssygefravaer_dagsvaerk": np.round(langtid, 2),
        }
    )


def _take_str(labels: list[str], codes: np.ndarray) -> pd.Series:
    """Plain string column from codes; via Arrow because Python strings cost seconds at 10M rows."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return pd.Series(np.array(labels, dtype=object)[codes], dtype="str")
    return pd.Series(pc.take(pa.array(labels, pa.large_string()), pa.array(codes)), dtype="str")


def generate_fravaer(n_facilities: int, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Monthly absence per facility and staff group (fravaer.csv), sorted by facility and month.

    Numpy-vectorised: 4,000 facilities over 26 years (about 6 million rows) take seconds.
    """
    return _fravaer_from(_facilities(n_facilities, years, seed), years, seed)


# --- Inspections, orders, staff, key figures ---------------------------------------------------


def _random_dates(
    rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64, size: int
) -> np.ndarray:
    """Uniform dates in [lo, hi], sorted and distinct.

    Two visits on the same day would duplicate the key facility × date × theme, so a repeated
    day moves to the next free day (no extra random draws: other datasets stay unchanged).
    """
    span = int((hi - lo).astype(int)) + 1
    dates = np.sort(lo + rng.integers(0, span, size=size).astype("timedelta64[D]"))
    for k in range(1, len(dates)):
        if dates[k] <= dates[k - 1]:
            dates[k] = dates[k - 1] + np.timedelta64(1, "D")
    return dates[dates <= hi]


def _tilsyn(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Risk-based inspections: one a year, two for struggling facilities and a few others."""
    rng = _rng(seed, "tilsyn")
    reform = np.datetime64(config.REFORM_DATO.isoformat())
    first, last = years
    span = max(1, last - first)
    # rapport_link stays empty: demo data never carries an invented address (the page says the
    # link is not in the data and where reports are found).
    rows: list[tuple[str, str, str, float, None]] = []
    for i, tilbud_id in enumerate(fac.frame["tilbud_id"]):
        for year in range(first, last + 1):
            lo = max(np.datetime64(f"{year}-01-01"), fac.start[i] + np.timedelta64(30, "D"))
            hi = np.datetime64(f"{year}-12-31")
            if lo > hi:
                continue
            n_visits = 2 if fac.struggling[i] or rng.random() < 0.1 else 1
            trend = 0.2 * (year - first) / span
            for visit in _random_dates(rng, lo, hi, n_visits):
                temaer = config.TEMAER if visit < reform else config.TEMAER_EFTER_REFORM
                visit_effect = rng.normal(0, 0.15)
                for tema in temaer:
                    score = (
                        fac.quality[i]
                        + trend
                        + visit_effect
                        + _TEMA_EFFEKT[tema]
                        + rng.normal(0, 0.25)
                    )
                    score = float(np.round(np.clip(score, 1.0, 5.0), 1))
                    rows.append((tilbud_id, str(visit), tema, score, None))
    frame = pd.DataFrame(rows, columns=list(contract.BY_NAME["tilsyn"].column_names))
    return frame.sort_values(["tilbud_id", "tilsynsdato"], kind="stable", ignore_index=True)


def _paabud(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """A few orders a year, mostly at the struggling facilities."""
    rng = _rng(seed, "paabud")
    n = len(fac.start)
    weights = np.array([w for *_, w in _PAABUD_SKABELONER])
    weights = weights / weights.sum()
    rows: list[tuple[str, str, str, str, str]] = []
    for year in range(years[0], years[1] + 1):
        count = round(int(rng.integers(3, 9)) * n / 36)
        active = fac.start <= np.datetime64(f"{year}-11-30")
        p = np.where(fac.struggling, 6.0, 1.0) * active
        if count == 0 or p.sum() == 0:
            continue
        who = rng.choice(n, size=count, p=p / p.sum())
        what = rng.choice(len(_PAABUD_SKABELONER), size=count, p=weights)
        for i, k in zip(who, what, strict=True):
            lo = max(np.datetime64(f"{year}-01-01"), fac.start[i])
            dato = _random_dates(rng, lo, np.datetime64(f"{year}-12-31"), 1)[0]
            myndighed, typ, beskrivelse, _ = _PAABUD_SKABELONER[k]
            rows.append((fac.frame["tilbud_id"].iat[i], str(dato), myndighed, typ, beskrivelse))
    frame = pd.DataFrame(rows, columns=list(contract.BY_NAME["paabud"].column_names))
    return frame.sort_values(["tilbud_id", "dato", "myndighed"], kind="stable", ignore_index=True)


def _active_months(fac: _Facilities, year: int) -> np.ndarray:
    """Months each facility was active in a year (0-12)."""
    start = fac.start.astype("datetime64[M]")
    jan = np.datetime64(f"{year}-01", "M")
    before = (start - jan).astype(int)
    return np.clip(12 - before, 0, 12)


def _personale(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Headcount from FTE; turnover around 20 %, weakly tied to the facility's absence."""
    rng = _rng(seed, "personale")
    year_values = np.arange(years[0], years[1] + 1)
    growth = _fte_growth(year_values, years[0])
    level = _year_value(_OMSAETNING_AAR, year_values)
    fte = fac.group_fte.sum(axis=1)
    rows = []
    for y, year in enumerate(year_values):
        months = _active_months(fac, int(year))
        for i, tilbud_id in enumerate(fac.frame["tilbud_id"]):
            if months[i] == 0:
                continue
            share = months[i] / 12
            gns = fte[i] * growth[y] * _ANSATTE_PR_FTE * share * (1 + rng.normal(0, 0.03))
            rate = level[y] * fac.turnover_effect[i] * np.exp(rng.normal(0, 0.15))
            fratraadte = int(rng.poisson(gns * rate))
            if months[i] < 12:  # opening year: the whole staff is new
                nyansatte = round(gns / share) + fratraadte
            else:
                nyansatte = int(rng.poisson(gns * rate * 1.01))
            rows.append((tilbud_id, int(year), round(float(gns), 1), fratraadte, nyansatte))
    frame = pd.DataFrame(rows, columns=list(contract.BY_NAME["personale"].column_names))
    return frame.sort_values(["tilbud_id", "aar"], ignore_index=True)


def _noegletal(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Key figures per facility and year; surveys only in the years they are run."""
    rng = _rng(seed, "noegletal")
    rows = []
    for year in range(years[0], years[1] + 1):
        months = _active_months(fac, year)
        for i, tilbud_id in enumerate(fac.frame["tilbud_id"]):
            if months[i] == 0:
                continue
            belaegning = min(100.0, fac.occupancy[i] + rng.normal(0, 1.0))
            budget = rng.normal(0, 0.6) if rng.random() < 0.85 else rng.normal(0, 1.8)
            values = {
                "belaegningsprocent": round(belaegning, 1),
                "budgetafvigelse_pct": round(float(np.clip(budget, -3.5, 3.5)), 2),
            }
            if year % 2 == 1:  # trivselsmåling in odd years
                trivsel = 5.75 + fac.wellbeing[i] + rng.normal(0, 0.15)
                values["trivsel"] = round(float(np.clip(trivsel, 1, 7)), 1)
            if year % 2 == 0 or year == years[1]:  # lederevaluering in even years and the last
                leder = 6.05 + fac.wellbeing[i] + rng.normal(0, 0.2)
                values["lederevaluering"] = round(float(np.clip(leder, 1, 7)), 1)
            for indikator in config.INDIKATORER:
                if indikator in values:
                    rows.append((tilbud_id, year, indikator, float(values[indikator])))
    frame = pd.DataFrame(rows, columns=list(contract.BY_NAME["noegletal"].column_names))
    # A very few values are missing entirely, so "no data" shows up in the reports.
    n_missing = max(2, round(len(frame) * 0.008))
    drop = rng.choice(len(frame), size=min(n_missing, len(frame) - 1), replace=False)
    frame = frame.drop(index=drop)
    return frame.sort_values(["tilbud_id", "aar"], kind="stable", ignore_index=True)


# --- Bostedsundersøgelse follow-up ----------------------------------------------------------

_BAGUD_KOMMENTAR = {
    "covid": "Indsatsen blev sat i bero under covid-19-nedlukningerne",
    "reform": "Organisationsændringen pr. 1. januar 2025 kræver, at indsatsen forankres på ny",
    "budget": "Projektet blev sat i bero efter budgetforhandlingerne",
}


def _bostedsundersoegelse(years: tuple[int, int], seed: int) -> pd.DataFrame:
    """The 2008 statuses (fact) plus generated yearly statuses with plausible progress."""
    rng = _rng(seed, "bostedsundersoegelse")
    report_years = list(range(years[0], years[1] + 1))
    n_rec, n_y = len(ANBEFALINGER), len(report_years)
    top = len(config.STATUSSER) - 1
    stage0 = np.array([config.STATUSSER.index(a.status_2008) for a in ANBEFALINGER])

    # Forward progress: a jump from 2008 to the first report year, then a step now and then.
    path = np.zeros((n_rec, n_y), dtype=int)
    path[:, 0] = np.minimum(stage0 + rng.choice(4, size=n_rec, p=[0.2, 0.35, 0.3, 0.15]), top)
    for t in range(1, n_y):
        path[:, t] = np.minimum(path[:, t - 1] + (rng.random(n_rec) < 0.3), top)

    # One or two setbacks, each explained in the comment.
    comments = np.full((n_rec, n_y), "", dtype=object)
    candidates = [(r, t) for r in range(n_rec) for t in range(1, n_y) if path[r, t - 1] >= 2]
    n_back = min(int(rng.integers(1, 3)), len(candidates))
    used: set[int] = set()
    for c in rng.permutation(len(candidates)):
        if len(used) == n_back:
            break
        r, t = candidates[c]
        if r in used:
            continue
        used.add(r)
        setback = path[r, t - 1] - 1
        original = path[r].copy()
        path[r, t] = setback
        for u in range(t + 1, n_y):
            path[r, u] = max(setback, original[u - 1])
        year = report_years[t]
        reason = "covid" if year in (2020, 2021) else "reform" if year == 2025 else "budget"
        comments[r, t] = _BAGUD_KOMMENTAR[reason]

    # Short notes when a recommendation is met in full for the first time.
    for r in range(n_rec):
        for t in range(n_y):
            before = path[r, t - 1] if t else stage0[r]
            if path[r, t] == top and before < top and not comments[r, t]:
                comments[r, t] = "Anbefalingen vurderes nu imødekommet"

    rows: list[tuple[object, ...]] = []
    for r, a in enumerate(ANBEFALINGER):
        rows.append(
            (a.anbefaling_id, a.omraade, a.anbefaling, 2008, a.status_2008, a.kommentar_2008, "nej")
        )
        for t, year in enumerate(report_years):
            rows.append(
                (
                    a.anbefaling_id,
                    a.omraade,
                    a.anbefaling,
                    year,
                    config.STATUSSER[path[r, t]],
                    comments[r, t] or None,
                    "ja",
                )
            )
    frame = pd.DataFrame(rows, columns=list(contract.BY_NAME["bostedsundersoegelse"].column_names))
    return frame.sort_values(["anbefaling_id", "aar"], ignore_index=True)


# --- Rates (takster) against comparable private providers (issue 15) -------------------------

#: Assumed § 108 rate per day in 2025 (kr., excl. VAT) by target group. No public source is in
#: the project's seeds; the levels are an assumption within the range published rates on
#: Tilbudsportalen usually have (about 1,500-10,000 kr. per day for §§ 107/108; a § 107 rate of
#: 53,594 kr. a month in 2024 is about 1,760 kr. per day). Fictive like everything here.
_TAKST_108_2025: dict[str, float] = {
    "socialpsykiatri": 2300.0,
    "autisme": 3900.0,
    "hjerneskade": 3400.0,
    "synshandicap": 2900.0,
    "multiple funktionsnedsættelser": 4200.0,
}
#: § 107 (temporary stays) relative to § 108 for the same target group.
_TAKST_107_FAKTOR = 0.9
#: Yearly price and wage index for the centre's rates (2025 = 1).
_TAKST_INDEKS_PR_AAR = 0.025
#: Private average relative to the centre's level in 2022, by target group (+ = private dearer);
#: private rates include VAT (about +6 %) and grow ~0.8 pp a year faster, so the centre's
#: position improves over the years; socialpsykiatri starts below the private providers.
_PRIVAT_TILLAEG: dict[str, float] = {
    "socialpsykiatri": -0.025,
    "autisme": 0.05,
    "hjerneskade": 0.035,
    "synshandicap": 0.07,
    "multiple funktionsnedsættelser": 0.04,
}
_PRIVAT_TILLAEG_PR_AAR = 0.008
#: Typical number of comparable private providers per target group (Tilbudsportalen-like).
_PRIVATE_ANTAL: dict[str, int] = {
    "socialpsykiatri": 24,
    "autisme": 14,
    "hjerneskade": 9,
    "synshandicap": 3,
    "multiple funktionsnedsættelser": 11,
}
PRIVAT_KILDE = "Fiktive tal (demodata); rigtige tal fra Tilbudsportalen"
#: Share of places under § 107 in the few § 108 facilities that also have temporary places.
_ANDEL_107 = 0.2


def _takster(fac: _Facilities, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Rates per facility, year and paragraph: the group's level × index × facility effect.

    § 105/§ 85 facilities have no rate per day and no rows; a few § 108 facilities also have
    § 107 places (one row each).
    """
    rng = _rng(seed, "takster")
    frame = fac.frame
    n = len(frame)
    effect = _lognormal_effect(rng, 0.12, n)
    is_108 = (frame["paragraf"] == "§ 108").to_numpy()
    mixed = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(is_108)
    if len(candidates):
        k = min(len(candidates), max(1, round(n * 3 / 36)))
        mixed[rng.choice(candidates, size=k, replace=False)] = True
    rows = []
    for year in range(years[0], years[1] + 1):
        index = (1 + _TAKST_INDEKS_PR_AAR) ** (year - 2025)
        months = _active_months(fac, year)
        for i, row in enumerate(frame.itertuples(index=False)):
            if months[i] == 0 or row.paragraf not in ("§ 107", "§ 108"):
                continue
            base = _TAKST_108_2025[row.maalgruppe] * index * effect[i]
            places = {row.paragraf: int(row.pladser)}
            if mixed[i]:
                p107 = max(1, round(int(row.pladser) * _ANDEL_107))
                places = {"§ 107": p107, "§ 108": int(row.pladser) - p107}
            for paragraf, count in places.items():
                factor = _TAKST_107_FAKTOR if paragraf == "§ 107" else 1.0
                rate = base * factor * np.exp(rng.normal(0, 0.02))
                rows.append((row.tilbud_id, year, paragraf, round(float(rate), 2), count))
    columns = list(contract.BY_NAME["takster"].column_names)
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["tilbud_id", "aar", "paragraf"], ignore_index=True)


def _takster_private(years: tuple[int, int], seed: int) -> pd.DataFrame:
    """Private averages per year, target group and paragraph, a few percent above the centre.

    Synshandicap § 107 has too few private providers to compare and no rows; one further
    group-paragraph-year is missing, so "no comparison data" shows up in the reports.
    """
    rng = _rng(seed, "takster_private")
    rows = []
    for year in range(years[0], years[1] + 1):
        index = (1 + _TAKST_INDEKS_PR_AAR) ** (year - 2025)
        for maalgruppe in config.MAALGRUPPER:
            for paragraf in contract.TAKST_PARAGRAFFER:
                if maalgruppe == "synshandicap" and paragraf == "§ 107":
                    continue
                premium = (
                    _PRIVAT_TILLAEG[maalgruppe]
                    + _PRIVAT_TILLAEG_PR_AAR * (year - 2022)
                    + rng.normal(0, 0.012)
                )
                factor = _TAKST_107_FAKTOR if paragraf == "§ 107" else 1.0
                level = _TAKST_108_2025[maalgruppe] * index * factor * (1 + premium)
                typical = _PRIVATE_ANTAL[maalgruppe] // (3 if paragraf == "§ 107" else 1)
                count = max(1, int(rng.poisson(max(typical, 1))))
                rate = round(float(level), 2)
                rows.append((year, maalgruppe, paragraf, rate, count, PRIVAT_KILDE))
    columns = list(contract.BY_NAME["takster_private"].column_names)
    out = pd.DataFrame(rows, columns=columns)
    if len(out) > 1:
        out = out.drop(index=int(rng.integers(0, len(out))))
    return out.sort_values(["aar", "maalgruppe", "paragraf"], ignore_index=True)


# --- Handicap policy action plan follow-up (status 2019 from seed 002, later years fictive) ----

_INDSATS_TEKST = {
    "op": "Fiktiv status: indsatsen er rykket et trin frem",
    "samme": "Fiktiv status: indsatsen forløber planmæssigt",
    "covid": "Fiktiv status: indsatsen blev sat i bero under covid-19-nedlukningerne",
    "budget": "Fiktiv status: indsatsen blev nedprioriteret ved budgetforhandlingerne",
    "reform": "Fiktiv status: organisationsændringen pr. 1. januar 2025 kræver en ny forankring",
}


def _handicapplan(years: tuple[int, int], seed: int) -> pd.DataFrame:
    """The 2019 statuses (fact, seed 002) plus generated yearly statuses: mostly forward, one or
    two setbacks with a reason, and an item or two without a status in the latest year."""
    rng = _rng(seed, "opfoelgning_handicappolitik")
    items = demo_handicapplan.INDSATSER
    stages = planer.INDSATS_TRIN
    top = len(stages) - 1
    later = list(range(max(demo_handicapplan.STATUSAAR + 1, years[0]), years[1] + 1))
    n, n_y = len(items), len(later)
    path = np.zeros((n, n_y), dtype=int)
    # an item without a stage in 2019 (its text names none) starts the fictive years as planned
    first = np.array([stages.index(i.status_2019) if i.status_2019 else 1 for i in items])
    previous = first.copy()
    for t in range(n_y):
        step = (rng.random(n) < 0.2) & (previous > 0)  # "ikke igangsat" stays unless funded
        path[:, t] = np.minimum(previous + step, top)
        previous = path[:, t]
    texts = np.full((n, n_y), "", dtype=object)
    candidates = [(r, t) for r in range(n) for t in range(n_y) if (path[r, t - 1] if t else 0) >= 2]
    used: set[int] = set()
    n_back = min(int(rng.integers(1, 3)), len(candidates))
    for c in rng.permutation(len(candidates)):
        if len(used) == n_back:
            break
        r, t = candidates[c]
        if r in used:
            continue
        used.add(r)
        back = path[r, t - 1] - 1
        original = path[r].copy()
        path[r, t] = back
        for u in range(t + 1, n_y):
            path[r, u] = max(back, original[u - 1])
        year = later[t]
        texts[r, t] = _INDSATS_TEKST[
            "covid" if year in (2020, 2021) else "reform" if year == 2025 else "budget"
        ]
    missing: set[int] = set()
    if n_y:
        missing = {int(i) for i in rng.choice(n, size=2, replace=False)} - used
    rows: list[tuple[object, ...]] = []
    for r, item in enumerate(items):
        rows.append(
            (
                item.tema,
                item.punkt_id,
                item.punkt,
                item.formaal,
                demo_handicapplan.STATUSAAR,
                item.status_2019,
                item.statustekst_2019,
                "nej",
            )
        )
        for t, year in enumerate(later):
            if r in missing and t == n_y - 1:
                continue  # no status reported this year: shown as "uden status"
            before = path[r, t - 1] if t else first[r]
            text = texts[r, t] or _INDSATS_TEKST["op" if path[r, t] > before else "samme"]
            rows.append(
                (
                    item.tema,
                    item.punkt_id,
                    item.punkt,
                    item.formaal,
                    year,
                    stages[path[r, t]],
                    text,
                    "ja",
                )
            )
    return pd.DataFrame(rows, columns=list(planer.KOLONNER))


# --- Any other configured plan: fictive items in its themes, fictive statuses --------------

#: Items the demo makes per theme of a plan it knows nothing else about.
_ITEMS_PER_THEME = 3
_PLAN_TEKST = {
    "start": "Fiktiv status: planens udgangspunkt",
    "op": "Fiktiv status: punktet er rykket et trin frem",
    "samme": "Fiktiv status: punktet forløber planmæssigt",
    "tilbage": "Fiktiv status: punktet er gået tilbage, fordi ressourcerne blev flyttet",
}

#: Plans with a generator built on the plan's own documents (facts for the start year).
_PLAN_GENERATORS = {demo_handicapplan.PLAN_ID: lambda plan, years, seed: _handicapplan(years, seed)}


def plan_basis(plan: planer.Plan) -> str | None:
    """Why the demo cannot make a file for ``plan`` (``None`` when it can)."""
    if not plan.egen_kontrakt or plan.id in _PLAN_GENERATORS or plan.temaer:
        return None
    return (
        f"Planen '{plan.id}' ({plan.fil}.csv) har ingen temaer i planer.toml, så demodata laver "
        "ingen fil for den; læg planens egen CSV i datamappen, eller skriv temaer = [...] i "
        "planens blok."
    )


def _fictive_plan(plan: planer.Plan, years: tuple[int, int], seed: int) -> pd.DataFrame:
    """A plan from ``planer.toml`` the demo has no documents for: three fictive items per theme,
    the start-year status, then yearly statuses that mostly move forward (one setback with its
    reason, one item without a status in the latest year). Every row is marked fictive."""
    rng = _rng(seed, f"plan:{plan.id}")
    prefix = (plan.id.replace("-", "").replace("_", "")[:3] or "P").upper()
    items = [
        (tema, f"{prefix}{n + 1:02d}", f"Fiktiv {plan.punkt_navn[0]} {j + 1} under {tema}")
        for n, (tema, j) in enumerate((t, j) for t in plan.temaer for j in range(_ITEMS_PER_THEME))
    ]
    later = list(range(max(plan.startaar + 1, years[0]), years[1] + 1))
    n, top = len(items), max(len(plan.trin) - 1, 0)
    stage = rng.integers(0, min(2, top + 1), size=n) if plan.trin else np.zeros(n, dtype=int)
    setback = (int(rng.integers(0, n)), int(rng.integers(0, len(later)))) if later else None
    missing = int(rng.integers(0, n)) if later else -1
    rows: list[tuple[object, ...]] = []
    for r, (tema, punkt_id, punkt) in enumerate(items):
        status = plan.trin[stage[r]] if plan.trin else ""
        rows.append((tema, punkt_id, punkt, "", plan.startaar, status, _PLAN_TEKST["start"], "ja"))
        current = int(stage[r])
        for t, year in enumerate(later):
            if r == missing and t == len(later) - 1:
                continue  # no status this year: shown as "uden status"
            before = current
            if setback == (r, t) and current > 0:
                current -= 1
            elif rng.random() < 0.3:
                current = min(current + 1, top)
            text = _PLAN_TEKST[
                "tilbage" if current < before else "op" if current > before else "samme"
            ]
            status = plan.trin[current] if plan.trin else ""
            rows.append((tema, punkt_id, punkt, "", year, status, text, "ja"))
    return pd.DataFrame(rows, columns=list(planer.KOLONNER))


def _plans(years: tuple[int, int], seed: int) -> dict[str, pd.DataFrame]:
    """A file for every configured plan with the common columns that the demo has a basis for."""
    frames: dict[str, pd.DataFrame] = {}
    for plan in planer.PLANER:
        if not plan.egen_kontrakt or plan_basis(plan):
            continue
        make = _PLAN_GENERATORS.get(plan.id, _fictive_plan)
        frames[plan.fil] = make(plan, years, seed)
    return frames


#: The demo's comments for the newest year (kommentarer.csv), clearly marked as invented. Some
#: targets are left without a comment on purpose, so the demo site also shows the "no comment"
#: text; the facility comments go to a struggling facility (low quality) and the first one.
_DEMO_KOMMENTARER: dict[str, str] = {
    "lederevaluering": "Fiktiv demokommentar: Ledelsesudvalget gennemgår lederevalueringerne i "
    "de målgrupper, der ligger under målet, og hver leder får en udviklingsplan inden sommer.",
    "tilsyn": "Fiktiv demokommentar: Centret gennemgår tilsynsrapporterne med lederne af de "
    "tilbud, der ligger under målet, og følger op ved næste tilsyn.",
    "budget": "Fiktiv demokommentar: Tilbud med merforbrug får en handleplan for økonomien, som "
    "centerledelsen følger hvert kvartal.",
    "fravaer": "Fiktiv demokommentar: Tilbud med højt sygefravær får hjælp fra HR til "
    "fraværssamtaler og til at planlægge vagter, så færre arbejder alene.",
    "personaleomsaetning": "Fiktiv demokommentar: Centret følger op på fratrædelsessamtalerne "
    "og styrker introduktionen af nye medarbejdere.",
    "handicappolitik": "Fiktiv demokommentar: Indsatser uden status får en ansvarlig og en "
    "frist i næste års handleplan.",
}
_DEMO_TILBUD_KOMMENTAR = (
    "Fiktiv demokommentar: Tilbuddet har fået en plan for opfølgning på tilsynet, som "
    "centerledelsen gennemgår med lederen hver måned."
)


def _kommentarer(fac: _Facilities, years: tuple[int, int]) -> pd.DataFrame:
    """A few invented comments for the newest year (no random draws: the same every time)."""
    year = years[1]
    known = {p.id for p in planer.PLANER}
    rows = [
        (year, emne, text)
        for emne, text in _DEMO_KOMMENTARER.items()
        if emne in contract.KOMMENTAR_EMNER or emne in known
    ]
    ids = fac.frame["tilbud_id"].tolist()
    chosen = [ids[i] for i in np.flatnonzero(fac.struggling)[:1]] + ids[:1]
    rows += [(year, tid, _DEMO_TILBUD_KOMMENTAR) for tid in dict.fromkeys(chosen)]
    return pd.DataFrame(rows, columns=["aar", "emne", "kommentar"])


# --- Public API ---------------------------------------------------------------------------


def generate(
    seed: int = 2025, years: tuple[int, int] = (2019, 2025), n_facilities: int = 36
) -> dict[str, pd.DataFrame]:
    """All datasets as frames, keyed and ordered as the contract's files."""
    years = (int(years[0]), int(years[1]))
    fac = _facilities(n_facilities, years, seed)
    frames = {
        "tilbud": fac.frame.copy(),
        "tilsyn": _tilsyn(fac, years, seed),
        "paabud": _paabud(fac, years, seed),
        "fravaer": _fravaer_from(fac, years, seed),
        "personale": _personale(fac, years, seed),
        "bostedsundersoegelse": _bostedsundersoegelse(years, seed),
        "noegletal": _noegletal(fac, years, seed),
        "takster": _takster(fac, years, seed),
        "takster_private": _takster_private(years, seed),
        **_plans(years, seed),
        "kommentarer": _kommentarer(fac, years),
    }
    # a plan without a basis (plan_basis) has no frame: left out, and demo-data says so
    return {
        spec.name: frames[spec.name][list(spec.column_names)]
        for spec in contract.FILES
        if spec.name in frames
    }


def write_demo_data(
    out: Path,
    *,
    seed: int = 2025,
    years: tuple[int, int] = (2019, 2025),
    n_facilities: int = 36,
) -> list[Path]:
    """Write the contract's CSVs and the marker labelling every page built from them fictive."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, frame in generate(seed=seed, years=years, n_facilities=n_facilities).items():
        path = out / f"{key}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    marker = {
        "fiktive_data": True,
        "seed": seed,
        "years": [int(years[0]), int(years[1])],
        "n_facilities": n_facilities,
        "generator": GENERATOR,
        "note": config.DEMO_LABEL,
    }
    marker_path = out / config.DEMO_MARKER
    marker_path.write_text(
        json.dumps(marker, sort_keys=True, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(marker_path)
    return written


if __name__ == "__main__":  # pragma: no cover - convenience for a quick look
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else config.RAW_DIR
    for p in write_demo_data(target):
        print(p)
