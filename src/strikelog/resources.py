"""Curated dictionaries (data/*.jsonl, data/*.csv, data/*.json) loaded into typed entries, and the one
loader of data files (`data_text`, which honours STRIKELOG_DATA_DIR) that every module reads them with.

Data, not code: coverage grows by adding lines to the files in `strikelog/data/`.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Optional

from .caches import process_cache
from .config import Settings
from .errors import DataError


@dataclass(frozen=True)
class ActorEntry:
    name: str
    kind: str
    country: Optional[str] = None
    aliases: tuple[str, ...] = ()
    backers: tuple[str, ...] = ()
    parent: Optional[str] = None


@dataclass(frozen=True)
class CountryEntry:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: Optional[str]
    military: str
    military_aliases: tuple[str, ...]


@dataclass(frozen=True)
class WeaponEntry:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteEntry:
    name: str
    kind: str
    country: Optional[str]
    admin1: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    geo_precision: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Every curated dictionary, indexed by canonical name (countries by ISO2)."""

    actors: dict[str, ActorEntry]
    countries: dict[str, CountryEntry]
    weapons: dict[str, WeaponEntry]
    sites: dict[str, SiteEntry]
    event_types: dict = field(default_factory=dict)

    @cached_property
    def _militaries(self) -> dict[str, str]:
        """Each country's military (by name) -> the country's code; the first country naming it wins."""
        out: dict[str, str] = {}
        for country in self.countries.values():
            if country.military:
                out.setdefault(country.military, country.code)
        return out

    def country_of_military(self, name: str) -> Optional[str]:
        if name in self._militaries:
            return self._militaries[name]
        actor = self.actors.get(name)
        return actor.country if actor and actor.kind.startswith("state") else None

    def weapon_sub_event(self, weapons: list[str]) -> Optional[str]:
        """The ACLED sub-event type the weapons give (event_types.json "weapon_kinds": of their kinds,
        the first in "weapon_kind_rank" that has one), or None. The reader and the merge both type by it."""
        kinds = {self.weapons[w].kind for w in weapons if w in self.weapons}
        by_kind = self.event_types["weapon_kinds"]
        return next((by_kind[k] for k in self.event_types["weapon_kind_rank"] if k in kinds and by_kind.get(k)), None)


def data_text(name: str) -> str:
    """A data file's text: from $STRIKELOG_DATA_DIR when it holds that file, else the packaged one."""
    override = Settings().data_dir
    if override and (override / name).exists():
        return (override / name).read_text("utf-8")
    try:
        return resources.files("strikelog.data").joinpath(name).read_text("utf-8")
    except FileNotFoundError:
        raise DataError(f"data file {name} is missing from the strikelog package") from None


def _jsonl(name: str) -> list[dict]:
    rows = []
    for number, line in enumerate(data_text(name).splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise DataError(f"data/{name}:{number}: {err.msg}") from None
    return rows


def _tuple(value) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split("|") if v.strip())
    return tuple(str(v) for v in value)


def load_countries() -> dict[str, CountryEntry]:
    out = {}
    for row in _jsonl("countries.jsonl"):
        out[row["code"]] = CountryEntry(
            code=row["code"], name=row["name"], aliases=_tuple(row.get("aliases")),
            demonyms=_tuple(row.get("demonyms")), capital=row.get("capital"),
            military=row.get("military") or f"{row['name']} military",
            military_aliases=_tuple(row.get("military_aliases")),
        )
    return out


def load_actors() -> dict[str, ActorEntry]:
    return {
        row["name"]: ActorEntry(
            name=row["name"], kind=row.get("kind", "militia"), country=row.get("country"),
            aliases=_tuple(row.get("aliases")), backers=_tuple(row.get("backers")), parent=row.get("parent"),
        )
        for row in _jsonl("actors.jsonl")
    }


def load_weapons() -> dict[str, WeaponEntry]:
    return {
        row["name"]: WeaponEntry(
            name=row["name"], kind=row.get("kind", "other"), aliases=_tuple(row.get("aliases")),
            operators=_tuple(row.get("operators")),
        )
        for row in _jsonl("weapons.jsonl")
    }


def load_sites(extra_csv: Optional[str] = None) -> dict[str, SiteEntry]:
    text = data_text("installations.csv")
    out = {}
    for source in [text] + ([extra_csv] if extra_csv else []):
        for row in csv.DictReader(io.StringIO(source)):
            site = site_from_row(row)
            out[site.name] = site
    return out


def site_from_row(row: dict) -> SiteEntry:
    """One installations.csv row (the format users also give to `gazetteer add`)."""
    try:
        return SiteEntry(
            name=row["name"].strip(), kind=(row.get("kind") or "site").strip(),
            country=(row.get("country") or "").strip() or None,
            admin1=(row.get("admin1") or "").strip() or None,
            lat=float(row["lat"]) if row.get("lat") not in (None, "") else None,
            lon=float(row["lon"]) if row.get("lon") not in (None, "") else None,
            geo_precision=int(row.get("geo_precision") or 1),
            aliases=_tuple(row.get("aliases")),
        )
    except (KeyError, ValueError) as err:
        raise DataError(f"bad place row {row!r}: {err}") from None


@process_cache(maxsize=1)
def lexicon() -> Lexicon:
    """All curated data, loaded once per process."""
    countries = load_countries()
    actors = load_actors()
    for country in countries.values():  # every state's military is an actor too
        actors.setdefault(
            country.military,
            ActorEntry(name=country.military, kind="state_military", country=country.code,
                       aliases=country.military_aliases),
        )
    return Lexicon(
        actors=actors, countries=countries, weapons=load_weapons(), sites=load_sites(),
        event_types=json.loads(data_text("event_types.json")),
    )
