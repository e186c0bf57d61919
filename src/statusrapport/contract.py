"""The data contract: every input file, its columns, their types, units, allowed values and keys.

This module is the one source of what the input folder must hold. From it come the reader's
column types (:mod:`statusrapport.validation.reading`), the typed frames of
:mod:`statusrapport.data`, the values behind the Great Expectations suites' ``$PARAMETER``\\ s
(:func:`statusrapport.validation.expectation_parameters`), the demo generator's columns and
``data/raw/README.md`` (:func:`readme`, checked by a test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from statusrapport import planer

Kind = Literal["id", "tekst", "heltal", "decimal", "dato", "maaned", "aar"]

#: Every id column (tilbud_id, anbefaling_id) must match this: ids become file names and URLs.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
ID_RE = re.compile(ID_PATTERN)
#: Longest short text (names, categories) in characters; long texts have their own limit.
SHORT_TEXT_MAX = 200
#: Longest free text (descriptions, comments) in characters.
LONG_TEXT_MAX = 1_000_000

#: Longest link to an inspection report (tilsyn.csv ``rapport_link``), in characters.
RAPPORT_LINK_MAX = 500
#: A report link: https only, no spaces, quotes or angle brackets (it becomes a link on a page).
RAPPORT_LINK_PATTERN = r"^https://[^\s<>\"'\\]+$"

#: First year of the reporting period (the demo data starts here); nothing before is accepted.
FOERSTE_AAR = 2019

MAALGRUPPER: tuple[str, ...] = (
    "socialpsykiatri",
    "autisme",
    "hjerneskade",
    "synshandicap",
    "multiple funktionsnedsættelser",
)
#: Kvalitetsmodellen's 7 themes before the 2025 reform (lov om socialtilsyn).
TEMAER: tuple[str, ...] = (
    "Uddannelse og beskæftigelse",
    "Selvstændighed og relationer",
    "Målgrupper, metoder og resultater",
    "Sundhed og trivsel",
    "Organisation og ledelse",
    "Kompetencer",
    "Fysiske rammer",
)
#: Follow-up statuses of the bostedsundersøgelse, lowest stage first (see planer.toml).
STATUSSER: tuple[str, ...] = planer.BOSTED_TRIN
MYNDIGHEDER: tuple[str, ...] = (
    "Socialtilsynet",
    "Styrelsen for Patientsikkerhed",
    "Arbejdstilsynet",
    "Brandmyndigheden",
    "Fødevarestyrelsen",
)
PAABUD_TYPER: tuple[str, ...] = ("påbud", "strakspåbud", "skærpet tilsyn", "sanktion")
FAGGRUPPER: tuple[str, ...] = (
    "pædagogisk personale",
    "social- og sundhedspersonale",
    "sundhedsfagligt personale",
    "service og administration",
    "ledelse",
)
INDIKATORER: tuple[str, ...] = (
    "belaegningsprocent",
    "budgetafvigelse_pct",
    "trivsel",
    "lederevaluering",
)
JA_NEJ: tuple[str, ...] = ("ja", "nej")
#: Paragraphs of the act on social services that have a rate per day (døgntakst) to compare.
TAKST_PARAGRAFFER: tuple[str, ...] = ("§ 107", "§ 108")

#: The vocabularies by the name the GX suites use for them (``{"$PARAMETER": "temaer"}``).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "maalgrupper": MAALGRUPPER,
    "temaer": TEMAER,
    "statusser": STATUSSER,
    "myndigheder": MYNDIGHEDER,
    "paabud_typer": PAABUD_TYPER,
    "faggrupper": FAGGRUPPER,
    "indikatorer": INDIKATORER,
    "ja_nej": JA_NEJ,
    "takst_paragraffer": TAKST_PARAGRAFFER,
}


@dataclass(frozen=True)
class Column:
    """One column of an input file, as the reader, the suites and the README see it."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    #: Name of the vocabulary in :data:`VOCABULARIES` the values must come from.
    allowed: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    #: The header may leave the column out (a column added later: files made before it was
    #: added stay valid); it is then read as empty.
    may_be_absent: bool = False
    #: Longest value in characters (text columns); ids are bounded by :data:`ID_PATTERN`.
    max_length: int | None = None
    #: ``minimum`` itself is not allowed (a value must be greater).
    strict_minimum: bool = False
    #: The valid range in words where it depends on the date or on another column.
    range_note: str = ""

    @property
    def limit(self) -> int:
        """Longest accepted value in characters."""
        if self.max_length is not None:
            return self.max_length
        return 32 if self.kind == "id" else SHORT_TEXT_MAX

    def allowed_text(self) -> str:
        """The allowed values or range, in Danish, for the README."""
        if self.range_note:
            return self.range_note
        if self.allowed:
            return ", ".join(VOCABULARIES[self.allowed])
        if self.kind == "id":
            return "1–32 tegn: bogstaver A–Z/a–z, cifre, `_` og `-` (første tegn et bogstav/ciffer)"
        low = _number(self.minimum) if self.minimum is not None else None
        high = _number(self.maximum) if self.maximum is not None else None
        if low is not None and high is not None:
            return f"{low}–{high}"
        if low is not None:
            return f"over {low}" if self.strict_minimum else f"mindst {low}"
        if high is not None:
            return f"højst {high}"
        return ""


@dataclass(frozen=True)
class InputFile:
    """One CSV file of the contract: its columns, key and what one row is."""

    name: str
    title: str
    row: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    notes: str = ""
    #: The suite in ``expectations/`` (default: the file's own, ``<name>.json``); the
    #: follow-up plans share ``opfoelgning.json``.
    suite: str = ""
    #: The folder may lack the file, and it may hold only its header (no rows is a valid
    #: answer: nothing to say). Every other file must be there with data rows.
    optional: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def suite_name(self) -> str:
        return self.suite or self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


_TILBUD_ID = Column("tilbud_id", "id", "Tilbuddets nøgle; skal findes i `tilbud.csv`.")

# --- Rates (takster): the framework paper's seventh target (issue 15) ------------------------

#: Highest plausible rate per day; a higher value is a monthly or yearly rate typed as daily.
TAKST_MAX = 25_000

TAKST_FILES: tuple[InputFile, ...] = (
    InputFile(
        "takster",
        "takster for centrets tilbud",
        "én række pr. tilbud, år og paragraf",
        (
            _TILBUD_ID,
            Column("aar", "aar", "Takstår.", range_note=f"{FOERSTE_AAR} – i år"),
            Column(
                "paragraf",
                "tekst",
                "Paragraffen i serviceloven, taksten gælder. Et tilbud med pladser efter både "
                "§ 107 og § 108 har én række for hver.",
                allowed="takst_paragraffer",
            ),
            Column(
                "takst_kr_pr_doegn",
                "decimal",
                "Døgntaksten, som den er indberettet til Tilbudsportalen (kommunale takster er "
                "uden moms). En månedstakst omregnes: månedstakst × 12 / 365.",
                "kr. pr. døgn",
                minimum=0,
                strict_minimum=True,
                maximum=TAKST_MAX,
            ),
            Column(
                "pladser",
                "heltal",
                "Normerede pladser efter paragraffen i året; vægten i centrets gennemsnit.",
                "pladser",
                minimum=1,
            ),
        ),
        key=("tilbud_id", "aar", "paragraf"),
        notes="Tilbud efter § 105/§ 85 har ikke en døgntakst efter § 107/§ 108 og har ingen "
        "rækker; de indgår ikke i takstmålet. Centrets gennemsnit er vægtet med pladserne.",
    ),
    InputFile(
        "takster_private",
        "takster for sammenlignelige private tilbud",
        "én række pr. år, målgruppe og paragraf",
        (
            Column("aar", "aar", "Takstår.", range_note=f"{FOERSTE_AAR} – i år"),
            Column("maalgruppe", "tekst", "Målgruppen, der sammenlignes.", allowed="maalgrupper"),
            Column(
                "paragraf",
                "tekst",
                "Paragraffen i serviceloven.",
                allowed="takst_paragraffer",
            ),
            Column(
                "gns_takst_kr_pr_doegn",
                "decimal",
                "Gennemsnitlig døgntakst for de private tilbud (simpelt gennemsnit over "
                "tilbuddene, som Tilbudsportalen viser dem; private takster er med moms).",
                "kr. pr. døgn",
                minimum=0,
                strict_minimum=True,
                maximum=TAKST_MAX,
            ),
            Column(
                "antal_tilbud",
                "heltal",
                "Antal private tilbud bag gennemsnittet.",
                "tilbud",
                minimum=1,
            ),
            Column(
                "kilde",
                "tekst",
                'Kilde og udvælgelse, fx "Tilbudsportalen, udtræk 2025-02-01, private tilbud i '
                'Region Hovedstaden".',
            ),
        ),
        key=("aar", "maalgruppe", "paragraf"),
        notes="Mangler en målgruppe eller paragraf et år, er der ingen sammenligning "
        '("ingen sammenligningsgrundlag" i rapporten), og takstmålet kan ikke vurderes for de '
        "pladser.",
    ),
)

# --- The administration's comments (issue 20): optional, filled in by the analysts ----------

#: Longest comment in characters: a comment is a few sentences on a card of the resumé and the
#: annex's first page, not a memo.
KOMMENTAR_MAX = 800
#: What a comment can be about besides a facility (``tilbud_id``) or a follow-up plan (its id in
#: planer.toml): the framework paper's targets (``analysis.maalopfyldelse.TARGET_KEYS``), the
#: rates whose change the resumé judges (``analysis.resume.CHANGE_AREAS``) and ``alle_maal``, the
#: message on the targets every facility meets. A unit test keeps this equal to the analyses'
#: keys (the validation cannot import the analyses: they read the data through it).
KOMMENTAR_EMNER: dict[str, str] = {
    "tilsyn": "tilsynsscoren",
    "paabud": "påbud og sanktioner",
    "trivsel": "trivsel",
    "lederevaluering": "lederevaluering",
    "belaegning": "belægning",
    "budget": "budgetoverholdelse",
    "takster": "takster",
    "fravaer": "sygefravær",
    "personaleomsaetning": "personaleomsætning",
    "alle_maal": "de mål, alle tilbud når",
}

KOMMENTAR_FILE = InputFile(
    "kommentarer",
    "forvaltningens kommentarer (valgfri)",
    "én række pr. år og emne",
    (
        Column(
            "aar",
            "aar",
            "Rapportåret, kommentaren hører til. Skal være et år med data.",
            range_note=f"{FOERSTE_AAR} – i år, et år med data i `fravaer.csv` eller "
            "`personale.csv`",
        ),
        Column(
            "emne",
            "id",
            "Hvad kommentaren handler om: et mål eller nøgletal ("
            + ", ".join(f"`{k}`" for k in KOMMENTAR_EMNER)
            + "), en plans id fra `planer.toml` eller et `tilbud_id` fra `tilbud.csv`.",
            range_note="et mål eller nøgletal, en plans id eller et tilbud_id",
        ),
        Column(
            "kommentar",
            "tekst",
            "Forvaltningens egne ord: hvad der gøres ved det, kommentaren handler om. Vises "
            'under "Det gør forvaltningen" i "Det vigtigste" og ved målet eller tilbuddet. '
            "Almindelig tekst (ingen HTML); ingen personoplysninger.",
            max_length=KOMMENTAR_MAX,
            range_note=f"højst {KOMMENTAR_MAX} tegn, ikke kun blanke tegn",
        ),
    ),
    key=("aar", "emne"),
    notes="Filen er valgfri: mangler den, eller har den kun overskriften, står der på siderne, "
    "at forvaltningen ikke har givet en kommentar. (Demodata: opdigtede kommentarer for det "
    "nyeste år.)",
    optional=True,
)

FILES: tuple[InputFile, ...] = (
    InputFile(
        "tilbud",
        "tilbudsregister",
        "én række pr. botilbud",
        (
            Column("tilbud_id", "id", "Fast nøgle, fx `CLB01`. Bruges i alle andre filer."),
            Column("navn", "tekst", "Tilbuddets navn. (Demodata: opdigtede navne.)"),
            Column("center", "tekst", "Center, fx `Center for Længerevarende Boformer`."),
            Column("maalgruppe", "tekst", "Tilbuddets målgruppe.", allowed="maalgrupper"),
            Column("paragraf", "tekst", "Lovgrundlag, fx `§ 108`, `§ 107`, `§ 105/§ 85`."),
            Column("pladser", "heltal", "Antal normerede pladser.", "pladser", minimum=1),
            Column(
                "aktiv_fra",
                "dato",
                "Første dag tilbuddet indgår i datagrundlaget. For tilbud, der var i drift ved "
                "periodens start, er det periodens første dag (demodata: 2019-01-01); nye tilbud "
                "har deres åbningsdato.",
            ),
            Column(
                "aktiv_til",
                "dato",
                "Sidste aktive dag; tomt felt for tilbud i drift. Ikke før `aktiv_fra`.",
                required=False,
            ),
        ),
        key=("tilbud_id",),
    ),
    InputFile(
        "tilsyn",
        "Socialtilsynets temascorer",
        "én række pr. tilsynsbesøg og tema",
        (
            _TILBUD_ID,
            Column(
                "tilsynsdato",
                "dato",
                "Dato for tilsynet. Mindst ét tilsyn om året; risikobaseret kan der være flere.",
                range_note=f"{FOERSTE_AAR}-01-01 – i dag",
            ),
            Column(
                "tema",
                "tekst",
                "Kvalitetsmodellens tema. Fra reformen (demodata: 2025-07-01) kun de 5 temaer, "
                "der ikke er ophævet.",
                allowed="temaer",
            ),
            Column(
                "score",
                "decimal",
                "Temascore med decimaler (gennemsnit af indikatorscorer).",
                "point",
                minimum=1,
                maximum=5,
            ),
            Column(
                "rapport_link",
                "tekst",
                "Adresse på Socialtilsynets tilsynsrapport (https://…), fx fra Tilbudsportalen. "
                "Kan være tom, og kolonnen kan udelades (filer fra før kolonnen kom til); "
                "tilbuddets side viser linket, når det er udfyldt.",
                required=False,
                may_be_absent=True,
                max_length=RAPPORT_LINK_MAX,
                range_note=f"https://-adresse på højst {RAPPORT_LINK_MAX} tegn, eller tom",
            ),
        ),
        key=("tilbud_id", "tilsynsdato", "tema"),
        notes="Et gennemsnit over 7 temaer kan ikke sammenlignes med et gennemsnit over 5 temaer "
        "efter reformen.",
    ),
    InputFile(
        "paabud",
        "påbud og sanktioner",
        "én række pr. påbud",
        (
            _TILBUD_ID,
            Column("dato", "dato", "Dato for påbuddet.", range_note=f"{FOERSTE_AAR}-01-01 – i dag"),
            Column("myndighed", "tekst", "Myndigheden, der gav påbuddet.", allowed="myndigheder"),
            Column("type", "tekst", "Påbuddets type.", allowed="paabud_typer"),
            Column(
                "beskrivelse",
                "tekst",
                'Kort beskrivelse, fx "Påbud om brandsikring af flugtveje". Ingen '
                "personoplysninger.",
                max_length=LONG_TEXT_MAX,
            ),
        ),
        notes="Tilbud uden påbud har ingen rækker.",
    ),
    InputFile(
        "fravaer",
        "sygefravær",
        "én række pr. tilbud, måned og faggruppe",
        (
            _TILBUD_ID,
            Column(
                "maaned",
                "maaned",
                "Måneden, `ÅÅÅÅ-MM`.",
                range_note=f"{FOERSTE_AAR}-01 – denne måned",
            ),
            Column(
                "faggruppe",
                "tekst",
                "Faggruppen. En faggruppe, tilbuddet ikke har, har ingen rækker.",
                allowed="faggrupper",
            ),
            Column(
                "fuldtidsstillinger",
                "decimal",
                "Fuldtidsstillinger (37 timer/uge) i måneden, to decimaler.",
                "fuldtidsstillinger",
                minimum=0,
                strict_minimum=True,
            ),
            Column(
                "mulige_dagsvaerk",
                "decimal",
                "Mulige arbejdsdage (aktive dage) i måneden for gruppen = fuldtidsstillinger × "
                "månedens arbejdsdage pr. fuldtidsstilling (ca. 227 om året).",
                "dagsværk",
                minimum=0,
            ),
            Column(
                "sygefravaer_dagsvaerk",
                "decimal",
                "Fraværsdage pga. egen sygdom og arbejdsskade (FLIS nøgletal 569), omregnet til "
                "fuldtid. ≤ `mulige_dagsvaerk`.",
                "dagsværk",
                minimum=0,
            ),
            Column(
                "langtidssygefravaer_dagsvaerk",
                "decimal",
                "Den del af sygefraværet, der hører til sygeperioder på mere end 28 kalenderdage. "
                "≤ `sygefravaer_dagsvaerk`.",
                "dagsværk",
                minimum=0,
            ),
        ),
        key=("tilbud_id", "maaned", "faggruppe"),
        notes="Sygefraværsprocent = sygefravær / mulige dagsværk. Fraværsdage pr. fuldtidsansat om "
        "året = sygefravær / (mulige dagsværk / 227). Små grupper (fx ledelse) kan vedrøre færre "
        "end 5 personer; sådanne tal undertrykkes eller lægges sammen, før de vises.",
    ),
    InputFile(
        "personale",
        "personaleomsætning",
        "én række pr. tilbud og år",
        (
            _TILBUD_ID,
            Column("aar", "aar", "År.", range_note=f"{FOERSTE_AAR} – i år"),
            Column(
                "gns_ansatte",
                "decimal",
                "Gennemsnitligt antal ansatte (hoveder, ikke fuldtidsstillinger) i året, én "
                "decimal.",
                "personer",
                minimum=0,
                strict_minimum=True,
            ),
            Column(
                "fratraadte",
                "heltal",
                "Antal fratrådte medarbejdere i året (kun fratrædelser fra kommunen/tilbuddet, "
                "ikke interne flytninger – angiv definitionen ved rigtige data). Højst 1,5 × "
                "`gns_ansatte`.",
                "personer",
                minimum=0,
            ),
            Column("nyansatte", "heltal", "Antal nyansatte i året.", "personer", minimum=0),
        ),
        key=("tilbud_id", "aar"),
        notes="Personaleomsætning = fratrådte / gennemsnitligt antal ansatte.",
    ),
    InputFile(
        "bostedsundersoegelse",
        "opfølgning på bostedsundersøgelsen",
        "én række pr. anbefaling og statusår",
        (
            Column("anbefaling_id", "id", "Fast nøgle, `B01`–`B25`."),
            Column("omraade", "tekst", 'Et af planens 14 områder, fx "fysiske rammer".'),
            Column(
                "anbefaling",
                "tekst",
                "Anbefalingens tekst fra opfølgningsplanen (2008).",
                max_length=LONG_TEXT_MAX,
            ),
            Column(
                "aar",
                "aar",
                "Statusår: 2008 (planens egen status) og hvert rapportår.",
                range_note=f"2008 og {FOERSTE_AAR} – i år",
            ),
            Column("status", "tekst", "Status, laveste trin først.", allowed="statusser"),
            Column(
                "kommentar",
                "tekst",
                "Kort forklaring; må være tom. Skal udfyldes, hvis status går tilbage til et "
                "tidligere trin.",
                required=False,
                max_length=LONG_TEXT_MAX,
            ),
            Column(
                "fiktiv",
                "tekst",
                "`nej` for dokumenterede statusser (2008-planen), `ja` for opdigtede (demodata).",
                allowed="ja_nej",
            ),
        ),
        key=("anbefaling_id", "aar"),
    ),
    InputFile(
        "noegletal",
        "nøgletal til effektmålene",
        "én række pr. tilbud, år og indikator",
        (
            _TILBUD_ID,
            Column("aar", "aar", "År.", range_note=f"{FOERSTE_AAR} – i år"),
            Column(
                "indikator",
                "tekst",
                "Indikatoren: `belaegningsprocent` (pct.), `budgetafvigelse_pct` (pct., + = "
                "merforbrug), `trivsel` (trivselsmåling, 1–7, måles i ulige år), "
                "`lederevaluering` (1–7, måles i lige år og i 2025).",
                allowed="indikatorer",
            ),
            Column(
                "vaerdi",
                "decimal",
                "Værdien, i indikatorens enhed.",
                "indikatorens enhed",
                range_note="belaegningsprocent 0–150; trivsel og lederevaluering 1–7",
            ),
        ),
        key=("tilbud_id", "aar", "indikator"),
        notes='Mangler en måling, er der ingen række ("ingen data" i rapporten).',
    ),
    *TAKST_FILES,
    KOMMENTAR_FILE,
)


# --- Follow-up plans: one file per plan in planer.PLANER, all with the same columns -----------


def _plan_file(plan: planer.Plan) -> InputFile:
    """The contract of one follow-up plan's CSV (the common columns, :data:`planer.KOLONNER`)."""
    stages = ", ".join(f"`{s}`" for s in plan.trin)
    return InputFile(
        plan.fil,
        f"opfølgning på {plan.titel[:1].lower() + plan.titel[1:]}",
        "én række pr. punkt og statusår",
        (
            Column("tema", "tekst", 'Planens tema (eller område), fx "Det gode liv".'),
            Column("punkt_id", "id", "Fast nøgle for punktet (indsats, anbefaling), fx `G01`."),
            Column("punkt", "tekst", "Punktets tekst fra planen.", max_length=LONG_TEXT_MAX),
            Column(
                "formaal",
                "tekst",
                "Punktets formål fra planen; må være tom.",
                required=False,
                max_length=LONG_TEXT_MAX,
            ),
            Column(
                "aar",
                "aar",
                f"Statusår: planens start ({plan.startaar}) og de følgende år.",
                minimum=2000,
                range_note=f"{plan.startaar} – i år",
            ),
            Column(
                "status",
                "tekst",
                "Statustrin, laveste først. Tom: punktet har ingen status i året (det vises "
                'som "uden status").'
                if plan.trin
                else "Planen har ingen statustrin: lad feltet være tomt.",
                required=False,
                range_note=stages if plan.trin else "tom",
            ),
            Column(
                "statustekst",
                "tekst",
                "Statusteksten for året; må være tom. Skal udfyldes, hvis status går tilbage "
                "til et lavere trin (begrundelsen vises på siden).",
                required=False,
                max_length=LONG_TEXT_MAX,
            ),
            Column(
                "fiktiv",
                "tekst",
                "`nej` for dokumenterede statusser, `ja` for opdigtede (demodata).",
                allowed="ja_nej",
            ),
        ),
        key=("punkt_id", "aar"),
        notes=f"Planen står i `planer.toml` (id `{plan.id}`). "
        'Et punkt uden række i et statusår vises som "uden status".',
        suite="opfoelgning",
    )


FILES = FILES + tuple(
    _plan_file(p) for p in planer.PLANER if p.egen_kontrakt and p.fil not in {f.name for f in FILES}
)

BY_NAME: dict[str, InputFile] = {f.name: f for f in FILES}


def column_names() -> dict[str, tuple[str, ...]]:
    """File name (without ``.csv``) → its columns in contract order."""
    return {f.name: f.column_names for f in FILES}


def kinds(name: str) -> dict[str, Kind]:
    """The reader's type of every column of one file."""
    return {c.name: c.kind for c in BY_NAME[name].columns}


def absent_ok(name: str) -> frozenset[str]:
    """Columns of one file that its header may leave out (read as empty)."""
    return frozenset(c.name for c in BY_NAME[name].columns if c.may_be_absent)


def id_columns() -> dict[str, tuple[str, ...]]:
    """File → its id columns (their values become file names and URLs)."""
    return {f.name: tuple(c.name for c in f.columns if c.kind == "id") for f in FILES}


_KIND_TEXT: dict[str, str] = {
    "id": "id",
    "tekst": "tekst",
    "heltal": "heltal",
    "decimal": "tal (punktum som decimaltegn)",
    "dato": "dato `ÅÅÅÅ-MM-DD`",
    "maaned": "måned `ÅÅÅÅ-MM`",
    "aar": "år `ÅÅÅÅ`",
}

_README_HEAD = """\
# data/raw – inputdata til statusrapporten

<!-- Genereret fra src/statusrapport/contract.py med `python -m statusrapport.contract`;
     ret kontrakten dér, ikke her (en test tjekker, at filen er opdateret). -->

> **English note.** This folder is the pipeline's read-only input: the CSV files that follow the
> data contract in `src/statusrapport/contract.py`. Nothing in the pipeline writes here except
> the demo generator. Demo data are fictive, regenerated from a seed
> (`statusrapport demo-data --out data/raw`, or `statusrapport.demo.write_demo_data`) and labelled
> by the marker file `FIKTIVE_DATA.json`. Real data contain personal information and must never be
> committed: keep them outside the repository and point `STATUSRAPPORT_DATA` at them.

## Regler for mappen

- **Kun input, kun læsning.** Notebooks, validering og statistik læser herfra og skriver aldrig
  hertil. Afledte tal og tabeller lægges andre steder.
- **Demodata er fiktive** og laves af `statusrapport.demo` ud fra et seed (standard 2025). Samme
  seed giver byte-identiske filer, så demodata skal ikke gemmes eller rettes i hånden – de kan
  altid laves igen. Når mappen indeholder `FIKTIVE_DATA.json`, viser alle sider et banner:
  *Fiktive data – ikke til beslutningsbrug*.
- **Rigtige personhenførbare data må aldrig committes** – heller ikke "kun midlertidigt". Det
  gælder også udtræk på medarbejder- eller beboerniveau, som kun bruges til at danne filerne.
- **Kun almindelige filer.** En mappe, en FIFO eller et symbolsk link, der peger ud af mappen,
  afvises af valideringen.

## Sådan lægges rigtige data ind

1. Dan filerne nedenfor ud fra kildesystemerne (samme filnavne, samme kolonner; rækkefølgen
   er fri).
2. Læg dem i en mappe **uden for repositoriet** og sæt miljøvariablen
   `STATUSRAPPORT_DATA=/sti/til/mappen` (eller brug `--data /sti/til/mappen` / `make ... DATA=...`).
   Alternativt kan filerne lægges her, men så må de aldrig tilføjes til git.
3. Sørg for, at mappen **ikke** indeholder `FIKTIVE_DATA.json` – ellers mærkes siderne som
   fiktive.
4. Kør valideringen (`make validate DATA=/sti/til/mappen`) før rapporten dannes.

## Fælles format

- UTF-8 (et BOM fra Excel accepteres), komma som skilletegn, punktum som decimaltegn, første
  linje er kolonnenavne, ingen indeks-kolonne. Tekst med komma står i anførselstegn.
- Datoer som ISO 8601 (`ÅÅÅÅ-MM-DD`), måneder som `ÅÅÅÅ-MM`, år som heltal.
- Id'er (`tilbud_id`, `anbefaling_id`) er 1–32 tegn: bogstaver A–Z/a–z, cifre, `_` og `-`.
- Korte tekster har højst {short} tegn; lange tekster (beskrivelse, anbefaling, kommentar) højst
  {long} tegn.
- Langt format: én række pr. enhed, periode og eventuelt kategori. En manglende værdi er en
  manglende række (eller et tomt felt, hvor det er nævnt) – aldrig 0.
- Rapportåret er som standard det seneste år med data i `fravaer.csv` eller `personale.csv`;
  et valgt år (`--year`) skal have data dér.

## Filerne
"""

_README_TAIL = """
## Om demodata

`statusrapport.demo` laver 36 opdigtede botilbud (ca. 1.200 pladser, ca. 2.150 fuldtidsstillinger
og 2.500 ansatte) for 2019–2025, kalibreret til de offentlige tal (kilderne står i `metode.qmd`):
sygefravær på ca. 5,5–7 % med vintertop og sommerlavpunkt, stor forskel mellem tilbud og ca. 40 %
langtidsfravær; personaleomsætning på ca. 20–25 %; tilsynsscorer mest mellem 3 og 5 og en håndfuld
tilbud under målet på 3,8; få påbud om året. Ét tilbud åbner 2021-03-01 og har ingen data før.
Tilbud med færre end 16 pladser har ikke faggruppen sundhedsfagligt personale. Alle navne, tal og
statusser efter 2008 er opdigtede; 2008-statusserne i `bostedsundersoegelse.csv` er planens egne.
Døgntakster (antaget niveau, se `statusrapport.demo`): ca. 1.500–5.300 kr. efter målgruppe,
paragraf og år (§ 107 ca. 10 % under § 108); de private gennemsnit ligger fra nogle procent under
til nogle procent over centrets; synshandicap § 107 og én anden målgruppe og paragraf ét år
mangler sammenligningstal.
I `opfoelgning_handicappolitik.csv` er temaer, indsatser, formål og statustekster for 2019 fra
Socialforvaltningens status 2019 på handicappolitikkens indsatsplan (alle 38 indsatser, én gang
hver; trinet for 2019 er projektets læsning af teksten, og én indsats har intet trin, fordi
teksten ikke siger noget om status); statusserne for de følgende år er opdigtede.

## Sådan tilføjes en plan til opfølgningen

1. Tilføj en `[[plan]]`-blok i `planer.toml` (i projektets rod): id, titel, fil, startaar,
   trin (laveste først; `[]`, hvis planen kun har statustekster) og gerne temaer og en note.
   Ingen kodeændring: kun planens egne sider og oversigten køres igen.
2. Læg planens CSV i datamappen med kolonnerne `tema`, `punkt_id`, `punkt`, `formaal`, `aar`,
   `status`, `statustekst`, `fiktiv` (som `opfoelgning_handicappolitik.csv` ovenfor).
3. Kør `python -m statusrapport.contract > data/raw/README.md` og `make validate`. Planen får sin
   egen side pr. år og en linje i oversigten over planerne; valideringen bruger det fælles
   regelsæt `expectations/opfoelgning.json`.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme() -> str:
    """``data/raw/README.md`` as generated from the contract."""
    parts = [_README_HEAD.format(short=SHORT_TEXT_MAX, long=f"{LONG_TEXT_MAX:,}".replace(",", "."))]
    for spec in FILES:
        parts.append(f"\n### `{spec.file}` – {spec.title} ({spec.row})\n\n")
        if spec.optional:
            parts.append("Valgfri fil: den må mangle eller have overskriften alene.\n\n")
        if spec.key:
            keys = ", ".join(f"`{k}`" for k in spec.key)
            parts.append(f"Nøgle (unik pr. række): {keys}.\n\n")
        parts.append("| kolonne | type | enhed | gyldige værdier | påkrævet | indhold |\n")
        parts.append("| --- | --- | --- | --- | --- | --- |\n")
        for c in spec.columns:
            parts.append(
                f"| `{c.name}` | {_KIND_TEXT[c.kind]} | {c.unit} | {_cell(c.allowed_text())} "
                f"| {'ja' if c.required else 'nej'} | {_cell(c.description)} |\n"
            )
        if spec.notes:
            parts.append(f"\n{spec.notes}\n")
    parts.append(_README_TAIL)
    return "".join(parts)


if __name__ == "__main__":  # pragma: no cover - `python -m statusrapport.contract > README.md`
    import sys

    sys.stdout.write(readme())
