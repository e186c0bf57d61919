"""Load the input CSVs into typed frames, once per process, through the one reader.

Validation (``statusrapport.validation``) has already checked the contract when this runs. The
files are read by the same reader validation uses (:func:`statusrapport.validation.reading.
read_folder`: regular files only, same encodings and delimiters), then typed and given derived
columns every analysis needs (year, month, the facility's target group).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from statusrapport import config, contract, kalender, planer
from statusrapport.errors import DataError

if TYPE_CHECKING:
    from statusrapport.validation.reading import InputFolder

T = TypeVar("T")


@dataclass
class Dataset:
    """All inputs for the report, typed. Frames hold every year; filter with ``year``.

    ``years`` are the years with data by the one calendar (:mod:`statusrapport.kalender`).
    """

    data_dir: Path
    tilbud: pd.DataFrame
    tilsyn: pd.DataFrame
    paabud: pd.DataFrame
    fravaer: pd.DataFrame
    personale: pd.DataFrame
    bostedsundersoegelse: pd.DataFrame
    noegletal: pd.DataFrame
    #: Rates per facility, year and paragraph, and the private providers' averages (issue 15).
    takster: pd.DataFrame
    takster_private: pd.DataFrame
    #: Every follow-up plan (planer.PLANER) as the common frame (planer.normalise).
    planer: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: The administration's comments (optional kommentarer.csv): aar, emne, kommentar; raw
    #: analyst text, escaped where shown (:mod:`statusrapport.kommentarer`).
    kommentarer: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"aar": pd.Series([], dtype="int64"), "emne": [], "kommentar": []}
        )
    )
    demo: bool = False
    years: list[int] = field(default_factory=list)
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """Compute once per dataset: a warm kernel runs 36 profiles on the same data, and the
        centre-wide tables they compare against are identical for all of them. Callers must
        not modify what they get back."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def latest_year(self) -> int:
        """The default report year (:func:`statusrapport.kalender.report_year`)."""
        year = kalender.report_year(None, self.years)
        if year is None:
            raise DataError("Der er ingen år med data i fravaer.csv eller personale.csv")
        return year

    def active_facilities(self, year: int) -> pd.DataFrame:
        """Facilities open at some point in ``year`` (opened by 31/12, not closed before 1/1)."""
        t = self.tilbud
        return t.loc[kalender.active_mask(t["aktiv_fra"], t["aktiv_til"], year)].reset_index(
            drop=True
        )

    def facility_name(self, tilbud_id: str) -> str:
        match = self.tilbud.loc[self.tilbud["tilbud_id"] == tilbud_id, "navn"]
        if match.empty:
            raise KeyError(f"Ukendt tilbud_id: {tilbud_id}")
        return str(match.iloc[0])


def _frames(folder: Path, inputs: InputFolder | None = None) -> dict[str, pd.DataFrame]:
    """Every contract file as text columns, read by the one reader (validation's).

    Values stay as written (types are parsed below, leniently: validation has judged them);
    a file that cannot be read at all is a :class:`~statusrapport.errors.DataError`. A file with
    only its header gives an empty frame (validation reports it; analyses can still run).
    """
    from statusrapport.validation.reading import TEXT_SUFFIX, read_folder

    if inputs is None:
        inputs = read_folder(folder)
    frames: dict[str, pd.DataFrame] = {}
    for spec in contract.FILES:
        table = inputs.tables.get(spec.name)
        if table is not None:
            frames[spec.name] = pd.DataFrame(
                {c: table.frame[c + TEXT_SUFFIX].astype("str") for c in spec.column_names}
            )
            continue
        names = {spec.file, f"{spec.name}.xlsx"}
        failed = [f for f in inputs.findings if f.file in names and f.is_error]
        if any(f.rule != "har_data" for f in failed):
            raise DataError(
                f"{spec.file} i {folder} kan ikke læses: "
                + "; ".join(f.text(max_examples=3) for f in failed[:3])
                + ". Kør statusrapport validate for detaljer."
            )
        frames[spec.name] = pd.DataFrame({c: pd.Series([], dtype="str") for c in spec.column_names})
    return frames


def _num(frame: pd.DataFrame, columns: list[str], integer: bool = False) -> None:
    for column in columns:
        values = pd.to_numeric(frame[column])
        frame[column] = values.astype("Int64") if integer else values.astype("float64")


def _categorical(
    series: pd.Series, categories: tuple[str, ...], ordered: bool = False
) -> pd.Series:
    return pd.Categorical(series, categories=list(categories), ordered=ordered)


def parse(folder: Path, inputs: InputFolder | None = None) -> Dataset:
    """Read and type every contract file in ``folder`` (no validation here)."""
    frames = _frames(folder, inputs)
    tilbud = frames["tilbud"]
    _num(tilbud, ["pladser"], integer=True)
    tilbud["aktiv_fra"] = pd.to_datetime(tilbud["aktiv_fra"], format="%Y-%m-%d")
    tilbud["aktiv_til"] = pd.to_datetime(tilbud["aktiv_til"], format="%Y-%m-%d")
    tilbud["maalgruppe"] = _categorical(tilbud["maalgruppe"], config.MAALGRUPPER)
    facility_cols = ["tilbud_id", "navn", "maalgruppe", "center"]

    def with_facility(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.merge(tilbud[facility_cols], on="tilbud_id", how="left", validate="m:1")

    tilsyn = frames["tilsyn"]
    _num(tilsyn, ["score"])
    tilsyn["tilsynsdato"] = pd.to_datetime(tilsyn["tilsynsdato"], format="%Y-%m-%d")
    tilsyn["aar"] = tilsyn["tilsynsdato"].dt.year.astype("int64")
    tilsyn["tema"] = _categorical(tilsyn["tema"], config.TEMAER)
    tilsyn = with_facility(tilsyn)

    paabud = frames["paabud"]
    paabud["dato"] = pd.to_datetime(paabud["dato"], format="%Y-%m-%d")
    paabud["aar"] = paabud["dato"].dt.year.astype("int64")
    paabud = with_facility(paabud)

    fravaer = frames["fravaer"]
    _num(
        fravaer,
        [
            "fuldtidsstillinger",
            "mulige_dagsvaerk",
            "sygefravaer_dagsvaerk",
            "langtidssygefravaer_dagsvaerk",
        ],
    )
    month = pd.to_datetime(fravaer["maaned"], format="%Y-%m")
    fravaer["aar"] = month.dt.year.astype("int64")
    fravaer["maaned_nr"] = month.dt.month.astype("int64")
    fravaer["faggruppe"] = _categorical(fravaer["faggruppe"], config.FAGGRUPPER)
    fravaer = with_facility(fravaer)

    personale = frames["personale"]
    _num(personale, ["aar", "fratraadte", "nyansatte"], integer=True)
    _num(personale, ["gns_ansatte"])
    personale["aar"] = personale["aar"].astype("int64")
    personale = with_facility(personale)

    bosted = frames["bostedsundersoegelse"]
    _num(bosted, ["aar"], integer=True)
    bosted["aar"] = bosted["aar"].astype("int64")
    bosted["status"] = _categorical(bosted["status"], config.STATUSSER, ordered=True)
    bosted["kommentar"] = bosted["kommentar"].fillna("")

    noegletal = frames["noegletal"]
    _num(noegletal, ["aar"], integer=True)
    noegletal["aar"] = noegletal["aar"].astype("int64")
    _num(noegletal, ["vaerdi"])
    noegletal = with_facility(noegletal)

    takster = frames["takster"]
    _num(takster, ["aar", "pladser"], integer=True)
    takster["aar"] = takster["aar"].astype("int64")
    _num(takster, ["takst_kr_pr_doegn"])
    takster = with_facility(takster)

    takster_private = frames["takster_private"]
    _num(takster_private, ["aar", "antal_tilbud"], integer=True)
    takster_private["aar"] = takster_private["aar"].astype("int64")
    _num(takster_private, ["gns_takst_kr_pr_doegn"])
    plans = {p.id: planer.normalise(p, frames[p.fil]) for p in planer.PLANER}

    kommentarer = frames["kommentarer"]
    _num(kommentarer, ["aar"], integer=True)
    kommentarer = kommentarer.dropna(subset=["aar", "emne", "kommentar"]).reset_index(drop=True)
    kommentarer["aar"] = kommentarer["aar"].astype("int64")
    kommentarer["kommentar"] = kommentarer["kommentar"].astype(str).str.strip()

    years = kalender.years_with_data(fravaer["aar"], personale["aar"])
    return Dataset(
        data_dir=folder,
        tilbud=tilbud,
        tilsyn=tilsyn,
        paabud=paabud,
        fravaer=fravaer,
        personale=personale,
        bostedsundersoegelse=bosted,
        noegletal=noegletal,
        takster=takster,
        takster_private=takster_private,
        planer=plans,
        kommentarer=kommentarer[["aar", "emne", "kommentar"]],
        demo=config.is_demo(folder),
        years=years,
    )


def input_fingerprint(folder: Path) -> str:
    """SHA-256 over the contract files' bytes: identifies exactly which inputs a report used."""
    from statusrapport.validation.reading import input_path, read_bytes

    digest = hashlib.sha256()
    for key in config.FILES:
        path = input_path(folder, key)
        digest.update(key.encode() + (b"" if path.suffix == ".csv" else path.suffix.encode()))
        content, _problem = read_bytes(path, folder)
        digest.update(content if content is not None else b"<missing>")
    digest.update(b"demo" if config.is_demo(folder) else b"real")
    return digest.hexdigest()


_CACHE: dict[tuple[Path, str], Dataset] = {}


def load(data_dir: str | Path | None = None, inputs: InputFolder | None = None) -> Dataset:
    """The dataset for ``data_dir`` (default ``config.RAW_DIR``), parsed once per process.

    ``inputs`` is the folder as already read by the pipeline, handed on instead of read again.
    """
    # a relative folder (the data_dir notebook parameter) is relative to the project, not cwd
    folder = (config.PROJECT_ROOT / data_dir).resolve() if data_dir else config.RAW_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"Datamappen {folder} findes ikke")
    key = (folder, input_fingerprint(folder))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = parse(folder, inputs)
    return _CACHE[key]
