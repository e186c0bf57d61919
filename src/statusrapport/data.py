"""Load the validated input CSVs into typed frames, once per process.

Validation (``statusrapport.validation``) has already checked the contract when this runs, so
the loader only parses types and adds derived columns every analysis needs (year, month,
the facility's target group). A Parquet copy next to the reports avoids parsing CSVs again in
every notebook (see :func:`load`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from statusrapport import config

T = TypeVar("T")


@dataclass
class Dataset:
    """All inputs for the report, typed. Frames hold every year; filter with ``year``."""

    data_dir: Path
    tilbud: pd.DataFrame
    tilsyn: pd.DataFrame
    paabud: pd.DataFrame
    fravaer: pd.DataFrame
    personale: pd.DataFrame
    bostedsundersoegelse: pd.DataFrame
    noegletal: pd.DataFrame
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
        return max(self.years)

    def active_facilities(self, year: int) -> pd.DataFrame:
        """Facilities open at some point in ``year`` (opened by 31/12, not closed before 1/1)."""
        t = self.tilbud
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        mask = (t["aktiv_fra"].isna() | (t["aktiv_fra"] <= end)) & (
            t["aktiv_til"].isna() | (t["aktiv_til"] >= start)
        )
        return t.loc[mask].reset_index(drop=True)

    def facility_name(self, tilbud_id: str) -> str:
        match = self.tilbud.loc[self.tilbud["tilbud_id"] == tilbud_id, "navn"]
        if match.empty:
            raise KeyError(f"Ukendt tilbud_id: {tilbud_id}")
        return str(match.iloc[0])


def _read(folder: Path, key: str) -> pd.DataFrame:
    path = folder / f"{key}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _num(frame: pd.DataFrame, columns: list[str], integer: bool = False) -> None:
    for column in columns:
        values = pd.to_numeric(frame[column])
        frame[column] = values.astype("Int64") if integer else values.astype("float64")


def _categorical(
    series: pd.Series, categories: tuple[str, ...], ordered: bool = False
) -> pd.Series:
    return pd.Categorical(series, categories=list(categories), ordered=ordered)


def parse(folder: Path) -> Dataset:
    """Read and type every contract file in ``folder`` (no validation here)."""
    tilbud = _read(folder, "tilbud")
    _num(tilbud, ["pladser"], integer=True)
    tilbud["aktiv_fra"] = pd.to_datetime(tilbud["aktiv_fra"], format="%Y-%m-%d")
    tilbud["aktiv_til"] = pd.to_datetime(tilbud["aktiv_til"], format="%Y-%m-%d")
    tilbud["maalgruppe"] = _categorical(tilbud["maalgruppe"], config.MAALGRUPPER)
    facility_cols = ["tilbud_id", "navn", "maalgruppe", "center"]

    def with_facility(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.merge(tilbud[facility_cols], on="tilbud_id", how="left", validate="m:1")

    tilsyn = _read(folder, "tilsyn")
    _num(tilsyn, ["score"])
    tilsyn["tilsynsdato"] = pd.to_datetime(tilsyn["tilsynsdato"], format="%Y-%m-%d")
    tilsyn["aar"] = tilsyn["tilsynsdato"].dt.year.astype("int64")
    tilsyn["tema"] = _categorical(tilsyn["tema"], config.TEMAER)
    tilsyn = with_facility(tilsyn)

    paabud = _read(folder, "paabud")
    paabud["dato"] = pd.to_datetime(paabud["dato"], format="%Y-%m-%d")
    paabud["aar"] = paabud["dato"].dt.year.astype("int64")
    paabud = with_facility(paabud)

    fravaer = _read(folder, "fravaer")
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

    personale = _read(folder, "personale")
    _num(personale, ["aar", "fratraadte", "nyansatte"], integer=True)
    _num(personale, ["gns_ansatte"])
    personale["aar"] = personale["aar"].astype("int64")
    personale = with_facility(personale)

    bosted = _read(folder, "bostedsundersoegelse")
    _num(bosted, ["aar"], integer=True)
    bosted["aar"] = bosted["aar"].astype("int64")
    bosted["status"] = _categorical(bosted["status"], config.STATUSSER, ordered=True)
    bosted["kommentar"] = bosted["kommentar"].fillna("")

    noegletal = _read(folder, "noegletal")
    _num(noegletal, ["aar"], integer=True)
    noegletal["aar"] = noegletal["aar"].astype("int64")
    _num(noegletal, ["vaerdi"])
    noegletal = with_facility(noegletal)

    years = sorted(set(fravaer["aar"]) | set(personale["aar"]) | set(tilsyn["aar"]))
    return Dataset(
        data_dir=folder,
        tilbud=tilbud,
        tilsyn=tilsyn,
        paabud=paabud,
        fravaer=fravaer,
        personale=personale,
        bostedsundersoegelse=bosted,
        noegletal=noegletal,
        demo=config.is_demo(folder),
        years=[int(y) for y in years],
    )


def input_fingerprint(folder: Path) -> str:
    """SHA-256 over the contract files' bytes: identifies exactly which inputs a report used."""
    digest = hashlib.sha256()
    for key in config.FILES:
        path = folder / f"{key}.csv"
        digest.update(key.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    digest.update(b"demo" if config.is_demo(folder) else b"real")
    return digest.hexdigest()


_CACHE: dict[tuple[Path, str], Dataset] = {}


def load(data_dir: str | Path | None = None) -> Dataset:
    """The dataset for ``data_dir`` (default ``config.RAW_DIR``), parsed once per process."""
    folder = Path(data_dir).resolve() if data_dir else config.RAW_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"Datamappen {folder} findes ikke")
    key = (folder, input_fingerprint(folder))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = parse(folder)
    return _CACHE[key]
