"""The page registry: one declaration per report page, read by everything that needs to know pages.

A page of the report is its notebook plus one :class:`Page` here: id, title, notebook, the
analysis module named after it, its parameters, the inputs it reads (dataset names from
``contract.py``), the tables and figures it publishes with what each shows, and the key figures
it contributes. The pipeline plans and keys pages from it, the site takes titles and order from
it, :mod:`statusrapport.keyfigures` calls its ``key_figures``, the disclosure audit reads each
published table by the declaration of its columns (an undeclared table or column stops the run)
and the intruder test recomputes every declared ``source``.

Adding a page: write the notebook and add one :class:`Page` to :data:`YEAR_PAGES` (see
``tests/unit/test_pages.py``, which does it once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import pandas as pd

from statusrapport import config, disclosure, planer
from statusrapport.analysis import (
    maalopfyldelse as maal,
)
from statusrapport.analysis import (
    opfoelgning,
    resume,
    takster,
    tilsyn,
)
from statusrapport.analysis import (
    personaleomsaetning as personale,
)
from statusrapport.analysis import (
    sygefravaer as fravaer,
)
from statusrapport.analysis import (
    tilbudsprofil as profil,
)
from statusrapport.data import Dataset

#: What a column holds, as the audit and the intruder test need it.
#: ``noegle``: the unit a row is about (facility name, target group, year, month);
#: ``antal``: a count of persons or days (``quantity`` names the contract column);
#: ``rate``: a rate of a measure (``rate`` names it: omsaetning, fravaersprocent, dage_pr_fuldtid);
#: ``afledt``: a number derived from counts (limits, intervals, changes, model results);
#: ``tekst``: words (verdicts, names of things that are not persons' data).
Role = Literal["noegle", "antal", "rate", "afledt", "tekst"]
#: The unit of a table's rows: the audit reads counts and rates per level.
Level = Literal[
    "tilbud", "maalgruppe", "center", "maaned", "faggruppe", "profil", "historik", "andet"
]
#: The measures whose cells concern persons (disclosure control applies).
Measure = Literal["personaleomsaetning", "fravaer"]
TURNOVER: Measure = "personaleomsaetning"
ABSENCE: Measure = "fravaer"

Source = Callable[[Dataset, int, str | None], pd.DataFrame]


@dataclass(frozen=True)
class Column:
    """One published column: its header (``*``: every other column), what it holds, its precision.

    ``name`` is the column of the ``source`` frame the header comes from; ``decimals`` the
    declared precision (decimals of the value in the CSV download) at which it is published and
    compared by the intruder test. ``offset`` −1: the value is about the year before.
    """

    header: str
    role: Role
    name: str | None = None
    quantity: str | None = None
    rate: str | None = None
    decimals: int | None = None
    offset: int = 0
    percent: bool = False  # written as '45,5 %' (the profile tables' text cells)


@dataclass(frozen=True)
class Table:
    """A table (``fig-…``: the data behind a figure, with its CSV download) a page publishes.

    ``id`` may hold ``{tilbud}`` or ``{plan}`` for the pages published once per facility/plan.
    ``measure`` is set for tables with persons' data (turnover, absence): their ``columns`` must
    declare every header, and ``source`` recomputes the published rows (only those) for the
    intruder test. A table without a measure publishes no person counts; the audit stops the run
    if it carries a header that a measure table declares as a count or rate.
    """

    id: str
    shows: str
    level: Level = "andet"
    measure: Measure | None = None
    columns: tuple[Column, ...] = ()
    source: Source | None = None
    figure: bool = False  # the data behind a figure (geometry the reader can measure)

    def matches(self, table_id: str) -> bool:
        """True when ``table_id`` (as written, slugged) is this declaration's id."""
        return re.fullmatch(_pattern(self.id), table_id) is not None

    def column(self, header: str) -> Column | None:
        for col in self.columns:
            if col.header == header:
                return col
        for col in self.columns:
            if col.header == "*":
                return col
        return None


@dataclass(frozen=True)
class Page:
    """One report page: what it is, what it reads, what it publishes, what it contributes."""

    id: str  # notebook stem and page id
    title: str
    module: ModuleType | None  # the analysis module named after the page
    inputs: tuple[str, ...]  # contract dataset names the page reads
    tables: tuple[Table, ...] = ()
    params: tuple[str, ...] = ("year",)
    #: Key figures the page contributes to noegletal.json (the same functions the page calls).
    key_figures: tuple[Callable[[Dataset, int], dict[str, Any]], ...] = ()
    #: Figure data that is published as geometry (curves, bands) without a CSV: recomputed and
    #: compared by the intruder test.
    figures: tuple[Table, ...] = ()

    @property
    def notebook(self) -> str:
        return f"{self.id}.ipynb"

    def table(self, table_id: str) -> Table | None:
        for t in (*self.tables, *self.figures):
            if t.matches(table_id):
                return t
        return None


def _pattern(template: str) -> str:
    out, last = [], 0
    for m in re.finditer(r"\{(tilbud|plan)\}", template):
        out.append(re.escape(template[last : m.start()]))
        out.append(r"[A-Za-z0-9_-]+")
        last = m.end()
    out.append(re.escape(template[last:]))
    return "".join(out)


# --- Sources: the published rows, recomputed by the functions the notebooks call ---------------


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that are published (not flagged by disclosure control)."""
    if disclosure.FLAG in frame:
        return frame.loc[~frame[disclosure.FLAG].astype(bool)].reset_index(drop=True)
    return frame.reset_index(drop=True)


def _turnover_funnel(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return personale.funnel(data, year).table


def _absence_funnel(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return fravaer.funnel(data, year).table


def _turnover_curve(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return personale.funnel(data, year).curve


def _absence_curve(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return fravaer.funnel(data, year).curve


def _association_points(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    assoc = personale.association(data, year)
    return pd.DataFrame() if assoc is None else shown(assoc.points)


def _association_band(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    assoc = personale.association(data, year)
    return pd.DataFrame() if assoc is None else assoc.band


def _staff_group_table(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return fravaer.staff_group_table(data, year)[0]


def _profile_figures(data: Dataset, year: int, tilbud: str | None) -> pd.DataFrame:
    return profil.display(profil.comparison(data, year, str(tilbud)))


def _profile_history(data: Dataset, year: int, tilbud: str | None) -> pd.DataFrame:
    return profil.history(data, year, str(tilbud))


def _profile_changes(data: Dataset, year: int, tilbud: str | None) -> pd.DataFrame:
    return profil.change_table(profil.changes(data, year, str(tilbud)), year)


def _profile_placement(noegle: str) -> Source:
    """The facility among its group's shown facilities in one rate (the placement figure)."""
    return lambda data, year, tilbud: profil.placement(data, year, str(tilbud), noegle).tabel


def _season(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    season = fravaer.seasonal(data, year)
    return pd.DataFrame() if season is None else season.table


def _run_chart_rules(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return fravaer.run_charts(data, year).summary


def _run_chart_series(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    """The monthly series of the facilities with a signal, one column each (as the figure)."""
    charts = fravaer.run_charts(data, year)
    signal = charts.summary.loc[charts.summary["signal"], "tilbud_id"]
    points = charts.points.loc[charts.points["tilbud_id"].isin(signal)]
    if points.empty:
        return pd.DataFrame()
    return points.pivot(index="dato", columns="navn", values="saesonjusteret").reset_index()


def _control_chart(data: Dataset, year: int, _: str | None) -> pd.DataFrame:
    return fravaer.centre_p_chart(data, year).table


def _yearly(fn: Callable[[Dataset, int], pd.DataFrame]) -> Source:
    return lambda data, year, _: fn(data, year)


# --- Column declarations shared by several tables -----------------------------------------------

_PCT = 3  # a fraction shown as '45,5 %'
_NAVN = Column("Tilbud", "noegle", name="navn")
_GRUPPE = Column("Målgruppe", "noegle", name="maalgruppe")
_AAR = Column("År", "noegle", name="aar")
_AENDRING = (
    Column("Ændring (procentpoint)", "afledt", name="aendring_procentpoint", decimals=1),
    Column("95 %-sikkerhedsinterval (procentpoint)", "afledt", name="aendring_ki"),
    Column("Vurdering", "tekst", name="aendring_vurdering"),
)
_LIMITS = (
    Column("Nedre 99,8 %-grænse", "afledt", name="nedre_998", decimals=_PCT),
    Column("Øvre 99,8 %-grænse", "afledt", name="oevre_998", decimals=_PCT),
    Column("Placering i tragtdiagram", "tekst", name="placering"),
)
_CURVE = (
    Column("size", "afledt", name="size", decimals=0),
    *(
        Column(f"{side}_{level}", "afledt", name=f"{side}_{level}", decimals=_PCT)
        for side in ("lower", "upper")
        for level in ("95", "998")
    ),
)


def _ansatte(header: str = "Gns. antal ansatte") -> Column:
    return Column(header, "antal", name="gns_ansatte", quantity="gns_ansatte", decimals=0)


_FRATRAADTE = Column("Fratrådte", "antal", name="fratraadte", quantity="fratraadte", decimals=0)
_OMSAETNING = Column("Personaleomsætning", "rate", name="omsaetning", rate="omsaetning", decimals=3)
_FRAVAER = Column(
    "Sygefravær", "rate", name="fravaersprocent", rate="fravaersprocent", decimals=_PCT
)
_FTE = Column(
    "Fuldtidsstillinger (gns.)",
    "antal",
    name="fuldtidsstillinger",
    quantity="fuldtidsstillinger",
    decimals=1,
)
_DAGE_FTE = Column(
    "Dage pr. fuldtidsstilling",
    "rate",
    name="dage_pr_fuldtid",
    rate="dage_pr_fuldtid",
    decimals=1,
)
_MULIGE = Column(
    "Mulige dagsværk", "antal", name="mulige_dagsvaerk", quantity="mulige_dagsvaerk", decimals=0
)
_SYGEDAGE = Column(
    "Sygefraværsdage",
    "antal",
    name="sygefravaer_dagsvaerk",
    quantity="sygefravaer_dagsvaerk",
    decimals=0,
)

# --- The pages ----------------------------------------------------------------------------------

#: ``inputs`` of a page that reads every input file (the key figures, the validation): the
#: contract's files and every configured plan's file, resolved when asked (:func:`declared_inputs`)
#: so a plan added to planer.toml is an input of these pages too.
ALLE_INPUT = "*"
#: ``inputs`` of a page that reads every configured follow-up plan's file (the dataset parses
#: every plan), resolved when asked.
ALLE_PLANER = "planer"
_ALL_INPUTS: tuple[str, ...] = (ALLE_INPUT,)
_PLAN_INPUTS: tuple[str, ...] = (ALLE_PLANER,)

_KEY_FIGURES_TILSYN = (tilsyn.key_figures,)

SYGEFRAVAER = Page(
    id="sygefravaer",
    title="Sygefravær",
    module=fravaer,
    inputs=("tilbud", "fravaer"),
    key_figures=(fravaer.key_figures,),
    tables=(
        Table(
            "fig-sygefravaer-pr-maaned",
            "centrets sygefravær pr. måned i året og året før",
            level="maaned",
            measure=ABSENCE,
            figure=True,
            columns=(
                _AAR,
                Column("Måned", "noegle", name="maanedsnavn"),
                _MULIGE,
                _SYGEDAGE,
                _FRAVAER,
            ),
            source=_yearly(fravaer.monthly),
        ),
        Table(
            "fig-sygefravaer-pr-aar",
            "centrets sygefravær pr. år",
            level="center",
            measure=ABSENCE,
            figure=True,
            columns=(
                _AAR,
                Column("Måneder med data", "tekst", name="maaneder", decimals=0),
                _FTE,
                _FRAVAER,
                _DAGE_FTE,
            ),
            source=_yearly(fravaer.by_year),
        ),
        Table(
            "fig-sygefravaer-pr-maalgruppe",
            "sygefravær pr. målgruppe, året før og ændringen",
            level="maalgruppe",
            measure=ABSENCE,
            figure=True,
            columns=(
                _GRUPPE,
                _FTE,
                _FRAVAER,
                Column(
                    "Sygefravær året før",
                    "rate",
                    name="fravaersprocent_forrige",
                    rate="fravaersprocent",
                    decimals=_PCT,
                    offset=-1,
                ),
                *_AENDRING,
                _DAGE_FTE,
            ),
            source=lambda data, year, _: fravaer.by_group(data, year, "maalgruppe"),
        ),
        Table(
            "fig-sygefravaer-pr-faggruppe",
            "sygefravær pr. faggruppe (rater; grupper under 5 fuldtidsstillinger udeladt)",
            level="faggruppe",
            measure=ABSENCE,
            figure=True,
            columns=(
                Column("Faggruppe", "noegle", name="faggruppe"),
                Column("Fuldtidsstillinger (gns.)", "afledt", name="fuldtidsstillinger"),
                _FRAVAER,
                Column(
                    "Sygefravær året før",
                    "afledt",
                    name="fravaersprocent_forrige",
                    decimals=_PCT,
                ),
                *_AENDRING,
                Column("Dage pr. fuldtidsstilling", "afledt", name="dage_pr_fuldtid", decimals=1),
            ),
            source=lambda data, year, _: fravaer.by_group(data, year, "faggruppe"),
        ),
        Table(
            "sygefravaer-pr-tilbud-og-faggruppe",
            "sygefravær pr. tilbud og faggruppe (rater)",
            level="andet",
            measure=ABSENCE,
            columns=(
                Column("Tilbud", "noegle", name="Tilbud"),
                Column("*", "afledt", decimals=_PCT),
            ),
            source=_staff_group_table,
        ),
        Table(
            "fig-kort-og-langt-fravaer",
            "kort og langt sygefravær pr. år for centret",
            level="andet",
            measure=ABSENCE,
            figure=True,
            columns=(
                _AAR,
                Column("Korttidssygefravær", "afledt", name="korttid_procent", decimals=_PCT),
                Column("Langtidssygefravær", "afledt", name="langtid_procent", decimals=_PCT),
                Column("Langtidsfraværets andel", "afledt", name="andel_langtid", decimals=_PCT),
            ),
            source=_yearly(fravaer.by_year),
        ),
        Table(
            "fig-saesonmoenster",
            "centrets typiske sæsonudsving pr. måned",
            level="andet",
            measure=ABSENCE,
            figure=True,
            columns=(
                Column("Måned", "noegle", name="maanedsnavn"),
                Column(
                    "Sæsonudsving (procentpoint)",
                    "afledt",
                    name="saesonudsving_procentpoint",
                    decimals=2,
                ),
            ),
            source=_season,
        ),
        Table(
            "fig-tragt-sygefravaer",
            "tragtdiagram: viste tilbuds sygefravær, størrelse og grænser",
            level="tilbud",
            measure=ABSENCE,
            figure=True,
            columns=(_NAVN, _GRUPPE, _MULIGE, _SYGEDAGE, _FRAVAER, *_LIMITS),
            source=_absence_funnel,
        ),
        Table(
            "fig-kontrolkort-centret",
            "P′-kontrolkort for centrets månedlige sygefravær",
            level="andet",
            measure=ABSENCE,
            figure=True,
            columns=(
                Column("Måned", "noegle", name="dato"),
                Column("Sygefravær", "afledt", name="value", decimals=_PCT),
                Column("Centerlinje", "afledt", name="centre", decimals=_PCT),
                Column("Nedre kontrolgrænse", "afledt", name="lcl", decimals=_PCT),
                Column("Øvre kontrolgrænse", "afledt", name="ucl", decimals=_PCT),
                Column("Uden for grænserne", "tekst", name="signal"),
            ),
            source=_control_chart,
        ),
        Table(
            "fig-seriediagrammer",
            "seriediagrammer: månedligt sygefravær for tilbud med signal",
            level="andet",
            measure=ABSENCE,
            figure=True,
            columns=(Column("Måned", "noegle", name="dato"), Column("*", "afledt", decimals=_PCT)),
            source=_run_chart_series,
        ),
        Table(
            "anhoej-regler-pr-tilbud",
            "Anhøj-reglerne pr. tilbud (median og serier af månedligt fravær)",
            level="andet",
            measure=ABSENCE,
            columns=(
                _NAVN,
                Column("Måneder med data", "tekst", name="maaneder"),
                Column("Median", "afledt", name="median", decimals=_PCT),
                Column("Længste serie", "tekst", name="laengste_serie"),
                Column("Højst forventet serie", "tekst", name="laengste_serie_max"),
                Column("Krydsninger af medianen", "tekst", name="krydsninger"),
                Column("Mindst forventede krydsninger", "tekst", name="krydsninger_min"),
                Column("Hvilken regel", "tekst", name="signaltype"),
            ),
            source=_run_chart_rules,
        ),
    ),
    figures=(
        Table(
            "kurve-tragt-sygefravaer",
            "tragtdiagrammets grænsekurver (start og slut kan aflæses af figuren)",
            level="andet",
            measure=ABSENCE,
            figure=True,
            columns=_CURVE,
            source=_absence_curve,
        ),
    ),
)

PERSONALEOMSAETNING = Page(
    id="personaleomsaetning",
    title="Personaleomsætning",
    module=personale,
    inputs=("tilbud", "personale", "fravaer"),
    key_figures=(personale.key_figures,),
    tables=(
        Table(
            "fig-personaleomsaetning-pr-aar",
            "centrets personaleomsætning pr. år",
            level="center",
            measure=TURNOVER,
            figure=True,
            columns=(
                _AAR,
                _ansatte(),
                _FRATRAADTE,
                Column("Nyansatte", "antal", name="nyansatte", decimals=0),
                _OMSAETNING,
            ),
            source=_yearly(personale.by_year),
        ),
        Table(
            "fig-personaleomsaetning-pr-maalgruppe",
            "personaleomsætning pr. målgruppe, året før og ændringen",
            level="maalgruppe",
            measure=TURNOVER,
            figure=True,
            columns=(
                _GRUPPE,
                Column("Antal tilbud", "tekst", name="antal_tilbud", decimals=0),
                _ansatte(),
                _FRATRAADTE,
                _OMSAETNING,
                Column(
                    "Personaleomsætning året før",
                    "rate",
                    name="omsaetning_forrige",
                    rate="omsaetning",
                    decimals=3,
                    offset=-1,
                ),
                *_AENDRING,
            ),
            source=_yearly(personale.by_target_group),
        ),
        Table(
            "fig-tragt-personaleomsaetning",
            "tragtdiagram: viste tilbuds personaleomsætning, størrelse og grænser",
            level="tilbud",
            measure=TURNOVER,
            figure=True,
            columns=(_NAVN, _GRUPPE, _ansatte(), _FRATRAADTE, _OMSAETNING, *_LIMITS),
            source=_turnover_funnel,
        ),
        Table(
            "model-personaleomsaetning",
            "modellen: forhold mellem målgrupper og ændring pr. år",
            level="andet",
            measure=TURNOVER,
            columns=(
                Column("Sammenligning", "noegle", name="label"),
                Column("Forhold (rate ratio)", "afledt", name="forhold", decimals=2),
                Column("Nedre grænse (95 %)", "afledt", name="ki_nedre", decimals=2),
                Column("Øvre grænse (95 %)", "afledt", name="ki_oevre", decimals=2),
                Column("Betydning", "tekst", name="tolkning"),
            ),
            source=lambda data, year, _: personale.model(data, year).table,
        ),
        Table(
            "fig-sammenhaeng-fravaer-omsaetning",
            "viste tilbuds sygefravær og personaleomsætning (punkterne i figuren)",
            level="tilbud",
            measure=TURNOVER,
            figure=True,
            columns=(_NAVN, _GRUPPE, _FRAVAER, _OMSAETNING),
            source=_association_points,
        ),
    ),
    figures=(
        Table(
            "kurve-tragt-personaleomsaetning",
            "tragtdiagrammets grænsekurver (start og slut kan aflæses af figuren)",
            level="andet",
            measure=TURNOVER,
            figure=True,
            columns=_CURVE,
            source=_turnover_curve,
        ),
        Table(
            "linje-sammenhaeng-fravaer-omsaetning",
            "regressionslinjen og dens bånd i figuren om sammenhængen",
            level="andet",
            measure=TURNOVER,
            figure=True,
            columns=(
                Column("x", "afledt", name="x", decimals=_PCT),
                Column("mean", "afledt", name="mean", decimals=_PCT),
                Column("ci_low", "afledt", name="ci_low", decimals=_PCT),
                Column("ci_high", "afledt", name="ci_high", decimals=_PCT),
            ),
            source=_association_band,
        ),
    ),
)

YEAR_PAGES: tuple[Page, ...] = (
    Page(
        id="resume",
        title="Resumé",
        module=resume,
        # The resumé reads noegletal.json: it depends on every input the key figures read.
        inputs=_ALL_INPUTS,
        tables=(
            Table("maalopfyldelse-resume", "antal tilbud, der når hvert mål"),
            # the centre's changes and intervals as published in noegletal.json (checked there)
            Table("aendringer-resume", "ændringer fra året før med sikkerhedsinterval"),
        ),
    ),
    Page(
        id="tilsyn",
        title="Tilsyn og kvalitet",
        module=tilsyn,
        inputs=("tilbud", "tilsyn", "paabud"),
        key_figures=_KEY_FIGURES_TILSYN,
        tables=(
            Table("fig-tilbud-score", "tilsynsscore pr. tilbud", figure=True),
            Table("fig-fordeling", "fordelingen af tilsynsscorer", figure=True),
            Table("fig-score-pr-tema", "gennemsnitlig score pr. tema", figure=True),
            Table("fig-udvikling", "tilsynsscoren pr. år", figure=True),
            Table("aendring-siden-forrige-tilsyn", "ændring siden forrige tilsyn pr. tilbud"),
            Table("fig-paabud-pr-aar", "påbud og sanktioner pr. år og myndighed", figure=True),
            Table("paabud-pr-myndighed", "påbud og sanktioner pr. myndighed og type"),
            Table("paabud-liste", "årets påbud og sanktioner"),
        ),
    ),
    SYGEFRAVAER,
    PERSONALEOMSAETNING,
    Page(
        id="bostedsundersoegelse",
        title="Opfølgning på bostedsundersøgelsen",
        module=opfoelgning,  # one follow-up model: the 2008 survey is a plan in planer.toml
        # the page reads the plans through the dataset's one ``planer`` field (every plan)
        inputs=_PLAN_INPUTS,
        tables=(
            Table("fig-status-pr-omraade", "anbefalinger pr. område og status", figure=True),
            Table("fig-status-foer-nu", "anbefalinger pr. status, første år og nu", figure=True),
            Table("tilbageskridt", "anbefalinger, der er rykket tilbage"),
            Table("anbefalinger", "alle anbefalinger med første og nuværende status"),
            Table("ikke-imoedekommet", "anbefalinger, der ikke er imødekommet"),
        ),
    ),
    Page(
        id="opfoelgning",
        title="Opfølgning på planer",
        module=opfoelgning,
        inputs=_PLAN_INPUTS,
        key_figures=(opfoelgning.key_figures,),  # bostedsundersoegelse.* too (LEGACY_KEYS)
        tables=(Table("opfoelgning-oversigt", "planerne og deres seneste status"),),
    ),
    Page(
        id="maalopfyldelse",
        title="Målopfyldelse",
        module=maal,
        # kommentarer: the administration's words on each target ("Det gør forvaltningen")
        inputs=(
            "tilbud",
            "tilsyn",
            "paabud",
            "noegletal",
            "takster",
            "takster_private",
            "kommentarer",
        ),
        key_figures=(maal.key_figures, takster.key_figures),
        tables=(
            Table("fig-maalopfyldelse", "antal tilbud, der når hvert mål", figure=True),
            Table("maalopfyldelse-pr-tilbud", "målopfyldelse pr. tilbud"),
            Table("maalopfyldelse-tal", "værdierne bag målopfyldelsen pr. tilbud"),
            Table("lederevaluering-pr-maalgruppe", "lederevaluering pr. målgruppe"),
            Table("takster-pr-maalgruppe", "døgntakster: centret og private pr. målgruppe"),
            Table("fig-takster-udvikling", "døgntakster pr. år", figure=True),
        ),
    ),
    Page(
        id="datakvalitet",
        title="Datakvalitet",
        module=None,
        inputs=_ALL_INPUTS,
        tables=(
            Table("datakvalitet-pr-fil", "kontroller pr. inputfil"),
            Table("datakvalitet-kontroller", "alle kontroller med resultat"),
        ),
    ),
)

#: The facility profile, executed once per active facility into reports/<year>/tilbud/.
PROFILE = Page(
    id="tilbudsprofil",
    title="Tilbudsprofil",
    module=profil,
    inputs=_ALL_INPUTS,
    params=("year", "tilbud"),
    tables=(
        Table(
            "noegletal-{tilbud}",
            "tilbuddets nøgletal mod målgruppen og centret",
            level="profil",
            measure=TURNOVER,
            columns=(
                Column("Nøgletal", "noegle", name="Nøgletal"),
                Column("Tilbuddet", "rate", name="Tilbuddet", percent=True),
                Column("Målgruppen", "rate", name="Målgruppen", percent=True),
                Column("Hele centret", "rate", name="Hele centret", percent=True),
                Column("Mål", "tekst", name="Mål"),
                Column("Status", "tekst", name="Status"),
            ),
            source=_profile_figures,
        ),
        Table(
            "historik-{tilbud}",
            "tilbuddets sygefravær og personaleomsætning pr. år mod centret",
            level="historik",
            measure=TURNOVER,
            columns=(
                Column("År", "noegle", name="aar"),
                Column(
                    "Sygefravær, tilbuddet",
                    "rate",
                    name="fravaer_tilbud",
                    rate="fravaersprocent",
                    decimals=_PCT,
                ),
                Column(
                    "Sygefravær, hele centret",
                    "rate",
                    name="fravaer_center",
                    rate="fravaersprocent",
                    decimals=_PCT,
                ),
                Column(
                    "Personaleomsætning, tilbuddet",
                    "rate",
                    name="omsaetning_tilbud",
                    rate="omsaetning",
                    decimals=_PCT,
                ),
                Column(
                    "Personaleomsætning, hele centret",
                    "rate",
                    name="omsaetning_center",
                    rate="omsaetning",
                    decimals=_PCT,
                ),
            ),
            source=_profile_history,
        ),
        Table("temaer-{tilbud}", "tilbuddets temascorer mod målgruppen og centret"),
        Table("paabud-{tilbud}", "tilbuddets påbud og sanktioner i året og året før"),
        Table("maal-{tilbud}", "rammepapirets mål: værdi, mål, afstand til målet og status"),
        Table("maal-historik-{tilbud}", "tilbuddets værdi for hvert mål pr. år"),
        Table(
            "aendring-{tilbud}",
            "ændringen i tilbuddets sygefravær og personaleomsætning fra året før, med interval",
            level="andet",
            measure=TURNOVER,
            columns=(
                Column("Nøgletal", "noegle", name="Nøgletal"),
                Column(
                    "Ændring (procentpoint)", "afledt", name="Ændring (procentpoint)", decimals=1
                ),
                Column(
                    "95 %-sikkerhedsinterval (procentpoint)",
                    "afledt",
                    name="95 %-sikkerhedsinterval (procentpoint)",
                ),
                Column("Vurdering", "tekst", name="Vurdering"),
                # the two years' rates (headers are the years): the facility's own, as in historik
                Column("*", "afledt", decimals=_PCT),
            ),
            source=_profile_changes,
        ),
        Table(
            "fig-profil-sygefravaer-{tilbud}",
            "tilbuddets sygefravær blandt målgruppens viste tilbud (som årets side viser dem)",
            level="tilbud",
            measure=ABSENCE,
            figure=True,
            columns=(_NAVN, _FRAVAER, Column("Eget tilbud", "tekst", name="eget")),
            source=_profile_placement("sygefravaer"),
        ),
        Table(
            "fig-profil-personaleomsaetning-{tilbud}",
            "tilbuddets personaleomsætning blandt målgruppens viste tilbud",
            level="tilbud",
            measure=TURNOVER,
            figure=True,
            columns=(_NAVN, _OMSAETNING, Column("Eget tilbud", "tekst", name="eget")),
            source=_profile_placement("personaleomsaetning"),
        ),
    ),
)

#: The follow-up page of one plan (planer.PLANER), into reports/<year>/opfoelgning/<plan>.ipynb.
PLAN = Page(
    id="opfoelgningsplan",
    title="Opfølgningsplan",
    module=opfoelgning,
    inputs=_PLAN_INPUTS,
    params=("year", "plan"),
    tables=(
        Table("{plan}-status-pr-tema", "punkter pr. tema og status"),
        Table("{plan}-tilbageskridt", "punkter, der er rykket tilbage"),
        Table("{plan}-uden-status", "punkter uden status i året"),
        Table("{plan}-alle", "alle punkter med første og nuværende status"),
    ),
)

PAGES: tuple[Page, ...] = (*YEAR_PAGES, PROFILE, PLAN)
BY_ID: Mapping[str, Page] = {p.id: p for p in PAGES}


def page(page_id: str) -> Page:
    """The declaration of ``page_id`` (a notebook stem); KeyError names the known pages."""
    try:
        return BY_ID[page_id]
    except KeyError:
        raise KeyError(
            f"siden {page_id!r} er ikke erklæret i pages.py ({', '.join(BY_ID)})"
        ) from None


def plan_page(plan_id: str) -> str:
    """A plan's page, relative to the year folder: its own year page when one has the plan's id
    (``bostedsundersoegelse.ipynb``, also in the committee PDF), else ``opfoelgning/<id>``."""
    if plan_id in BY_ID and BY_ID[plan_id] in YEAR_PAGES:
        return f"{plan_id}.ipynb"
    return f"opfoelgning/{plan_id}.ipynb"


def titles() -> tuple[tuple[str, str], ...]:
    """(id, title) of the year pages in menu order."""
    return tuple((p.id, p.title) for p in YEAR_PAGES)


def declared_inputs(page_id: str) -> tuple[str, ...]:
    """The input files ``page_id`` reads (the incremental keys depend on these only), with
    "every input" and "every plan" resolved against today's contract and planer.toml."""
    plans = tuple(p.fil for p in planer.PLANER)
    found: list[str] = []
    for name in page(page_id).inputs:
        if name == ALLE_INPUT:
            found += [*config.FILES, *plans]
        elif name == ALLE_PLANER:
            found += plans
        else:
            found.append(name)
    return tuple(dict.fromkeys(found))


def key_figure_functions() -> tuple[Callable[[Dataset, int], dict[str, Any]], ...]:
    """Every page's key-figure contributions, in page order, each once."""
    out: list[Callable[[Dataset, int], dict[str, Any]]] = []
    for p in PAGES:
        for fn in p.key_figures:
            if fn not in out:
                out.append(fn)
    return tuple(out)


def published(table: Table, data: Dataset, year: int, unit: str | None = None) -> pd.DataFrame:
    """The rows and declared columns of ``table`` as published: headers, declared precision.

    Recomputed with the same package functions the page's notebook calls (``table.source``):
    the intruder test compares these between alternative inputs, and the disclosure fixtures
    write them. Columns without a ``name`` (read from the page, not the source) are left out.
    """
    if table.source is None:
        raise ValueError(f"tabellen {table.id} har ingen kilde (source) i pages.py")
    frame = table.source(data, year, unit)
    out = pd.DataFrame(index=frame.index)
    named = {col.name for col in table.columns if col.name}
    for col in table.columns:
        names = [c for c in frame.columns if c not in named] if col.header == "*" else [col.name]
        for name in names:
            if name is None or name not in frame:
                continue
            values = frame[name]
            if col.decimals is not None and pd.api.types.is_numeric_dtype(values):
                values = values.astype("float64").round(col.decimals)
            out[name if col.header == "*" else col.header] = values
    return out.reset_index(drop=True)


def find_table(page_id: str, table_id: str) -> Table | None:
    """The declaration of ``table_id`` on ``page_id`` (None: not declared there)."""
    p = BY_ID.get(page_id)
    return None if p is None else p.table(table_id)


def sensitive_headers() -> frozenset[str]:
    """Headers that the measure tables declare as counts or rates of persons."""
    return frozenset(
        c.header
        for p in PAGES
        for t in p.tables
        if t.measure is not None
        for c in t.columns
        if c.role in ("antal", "rate") and (c.quantity or c.rate)
    )


__all__ = [
    "ABSENCE",
    "BY_ID",
    "PAGES",
    "PLAN",
    "PROFILE",
    "TURNOVER",
    "YEAR_PAGES",
    "Column",
    "Page",
    "Table",
    "declared_inputs",
    "find_table",
    "key_figure_functions",
    "page",
    "published",
    "sensitive_headers",
    "shown",
    "titles",
]
