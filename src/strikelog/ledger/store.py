"""Stage 8, store: the ledger as a plain SQLite file.

Tables: articles (one row per article, keyed by id, with its content hash), sentences, mentions,
frames (an article's events before cross-article merging) with their blocking keys and the queue
of frames waiting to be merged (pending), canonical events with their sources, member frames
(frame_events), the frames or ledger search each answers (event_targets) and resolved links
(event_links), analysts' decisions, the web's search structures, and what the feed watcher knows (feeds with their
validators and health, the items it has seen, and every fetched URL with its validators). Each article is written in
one transaction, and each merge in another; WAL mode lets readers read while an ingest writes.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Optional

from rapidfuzz import fuzz

from .errors import ArticleNotFound, EventNotFound, LedgerError
from .merge import ArticleFrames, Decisions, Frame, blocking_keys
from .records import Anchor, Article, Claim, Count, DateRange, Location, Mention, Paragraph, PlaceRef, TimeExpr

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, path TEXT, content_hash TEXT NOT NULL, title TEXT, published TEXT,
    url TEXT, outlet TEXT, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL, kind TEXT,
    text TEXT NOT NULL, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS frames (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    data TEXT NOT NULL, sentence TEXT, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS frame_keys (
    key TEXT NOT NULL, article_id TEXT NOT NULL, idx INTEGER NOT NULL,
    FOREIGN KEY (article_id, idx) REFERENCES frames(article_id, idx) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id, idx)
);
CREATE TABLE IF NOT EXISTS frame_events (
    article_id TEXT NOT NULL, idx INTEGER NOT NULL, event_id TEXT NOT NULL,
    FOREIGN KEY (article_id, idx) REFERENCES frames(article_id, idx) ON DELETE CASCADE,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS pending (
    article_id TEXT NOT NULL, idx INTEGER NOT NULL,
    FOREIGN KEY (article_id, idx) REFERENCES frames(article_id, idx) ON DELETE CASCADE,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS event_targets (
    event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    target_article TEXT, target_idx INTEGER
);
CREATE TABLE IF NOT EXISTS event_links (
    event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE, target_id TEXT NOT NULL,
    PRIMARY KEY (event_id, target_id)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('together', 'apart')),
    a_article TEXT NOT NULL, a_sentence TEXT NOT NULL, b_article TEXT NOT NULL, b_sentence TEXT NOT NULL,
    made_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, status TEXT, event_type TEXT, sub_event_type TEXT, date_start TEXT,
    date_end TEXT, country TEXT, admin1 TEXT, actor1 TEXT, actor2 TEXT, fatalities INTEGER, data TEXT NOT NULL,
    lat REAL, lon REAL
);
CREATE TABLE IF NOT EXISTS event_sources (
    event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, article_id)
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, title TEXT, added_at TEXT NOT NULL, etag TEXT, last_modified TEXT, last_poll TEXT,
    last_ok TEXT, last_new TEXT, polls INTEGER NOT NULL DEFAULT 0, not_modified INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, last_error_at TEXT
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed_url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE, item_id TEXT NOT NULL, url TEXT NOT NULL,
    signature TEXT NOT NULL, first_seen TEXT NOT NULL, PRIMARY KEY (feed_url, item_id)
);
CREATE TABLE IF NOT EXISTS seen_urls (
    url TEXT PRIMARY KEY, article_id TEXT, etag TEXT, last_modified TEXT, content_hash TEXT, outcome TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_fetched TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_date ON events(date_start);
CREATE INDEX IF NOT EXISTS events_country ON events(country);
CREATE INDEX IF NOT EXISTS event_sources_article ON event_sources(article_id);
CREATE INDEX IF NOT EXISTS frame_events_event ON frame_events(event_id);
CREATE INDEX IF NOT EXISTS event_targets_event ON event_targets(event_id);
CREATE INDEX IF NOT EXISTS event_targets_target ON event_targets(target_article, target_idx);
CREATE INDEX IF NOT EXISTS event_links_target ON event_links(target_id);
CREATE INDEX IF NOT EXISTS decisions_a ON decisions(a_article);
CREATE INDEX IF NOT EXISTS decisions_b ON decisions(b_article);
"""
SCHEMA_VERSION = 5  # 3: feeds, feed_items and seen_urls (created on open; older ledgers simply gain them);
# 4: events_flat and its FTS index, event_sources.article_id a foreign key (filled and rebuilt on open);
# 5: one text index, events_flat_fts, for the web's search and Datasette's (events_search dropped on open)
BUSY_TIMEOUT = 300.0  # seconds a writer waits for another process's write transaction to finish
DECISION_SIMILARITY = 80.0  # rapidfuzz ratio for following a decision's sentence through an edit

# Search structures for the web API (bounding box; the text search is events_flat_fts, below). Created
# after _add_search_columns so that a ledger written before they existed gains them on open.
SEARCH_SCHEMA = """
CREATE INDEX IF NOT EXISTS events_country_date_status ON events(country, date_start, status);
CREATE INDEX IF NOT EXISTS events_lat_lon ON events(lat, lon);
CREATE INDEX IF NOT EXISTS events_fatalities ON events(fatalities);
CREATE INDEX IF NOT EXISTS events_timeline ON events(date_start, event_type, status);
CREATE INDEX IF NOT EXISTS events_types ON events(sub_event_type, event_type, status);
"""

# The events flat, one typed column a field (ACLED's names where it has one), for tools that read plain
# tables (Datasette: docs/datasette.md). Kept in step with `events` (written with it, deleted by its
# cascade); its full-text index is an external-content FTS5 table named and declared as Datasette expects,
# and the one text index of the ledger: the web's search (EventFilters.text) reads it too.
FLAT_COLUMNS = (
    "event_id", "status", "event_date", "date_end", "date_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities",
    "fatalities_low", "fatalities_high", "wounded", "wounded_low", "wounded_high", "weapons", "n_sources",
    "sources", "responds_to", "claimed_by", "evidence",
)
FLAT_SEARCHED = ("event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "country", "weapons",
                 "claimed_by", "evidence")
# The same columns' words in PostgreSQL (pgstore: a GIN index on this expression over events_flat). Only
# immutable functions (coalesce, ||), as an index expression needs; the search spells it the same way.
FLAT_TSVECTOR = "to_tsvector('simple', " + " || ' ' || ".join(f"coalesce({c}, '')" for c in FLAT_SEARCHED) + ")"
FLAT_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS events_flat (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE REFERENCES events(event_id) ON DELETE CASCADE,
    status TEXT NOT NULL, event_date TEXT, date_end TEXT, date_precision TEXT, event_type TEXT, sub_event_type TEXT,
    actor1 TEXT, actor2 TEXT, country TEXT, admin1 TEXT, location TEXT, latitude REAL, longitude REAL,
    geo_precision INTEGER, fatalities INTEGER, fatalities_low INTEGER, fatalities_high INTEGER, wounded INTEGER,
    wounded_low INTEGER, wounded_high INTEGER, weapons TEXT, n_sources INTEGER NOT NULL, sources TEXT,
    responds_to TEXT, claimed_by TEXT, evidence TEXT
)""",
    "CREATE INDEX IF NOT EXISTS events_flat_date ON events_flat(event_date)",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS events_flat_fts USING fts5({", ".join(FLAT_SEARCHED)}, content="events_flat",
    content_rowid="id", tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS events_flat_ai AFTER INSERT ON events_flat BEGIN
    INSERT INTO events_flat_fts (rowid, {", ".join(FLAT_SEARCHED)}) VALUES (new.id, {", ".join("new." + c for c in FLAT_SEARCHED)});
END""",
    f"""CREATE TRIGGER IF NOT EXISTS events_flat_ad AFTER DELETE ON events_flat BEGIN
    INSERT INTO events_flat_fts (events_flat_fts, rowid, {", ".join(FLAT_SEARCHED)})
    VALUES ('delete', old.id, {", ".join("old." + c for c in FLAT_SEARCHED)});
END""",
]
_INSERT_FLAT = f"INSERT INTO events_flat ({', '.join(FLAT_COLUMNS)}) VALUES ({', '.join('?' * len(FLAT_COLUMNS))})"

# An event's summary: the contract object without its claims and evidence (as in GeoJSON properties).
_SUMMARY = "json_remove(data, '$.claims', '$.evidence')"


class Store:
    """The SQLite ledger. Use as a context manager or call close().

    Given a PostgreSQL URL (postgresql://user@host/db) instead of a file, Store() opens the same
    ledger in PostgreSQL (pgstore.PgStore: same schema and methods, through SQLAlchemy Core)."""

    _SUMMARY = _SUMMARY  # the SQL of an event's summary (dialects differ)

    def __new__(cls, path: Path | str, *args: Any, **kwargs: Any) -> "Store":
        if cls is Store and is_database_url(path):
            from .pgstore import PgStore

            return super().__new__(PgStore)
        return super().__new__(cls)

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.address = path
        self.busy_timeout = busy_timeout
        self._depth = 0
        try:
            # Autocommit mode: every write goes through transaction(), which takes the write lock up
            # front (BEGIN IMMEDIATE), so what a writer reads inside it cannot change under it.
            self.db = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None)
            self._retry_while_busy(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
            self.db.execute("PRAGMA foreign_keys=ON")
            if self._needs_setup():
                with self.transaction():
                    if self._needs_setup():  # another process may have set it up while this one waited
                        self._set_up()
        except sqlite3.DatabaseError as err:
            raise LedgerError(f"{self.path}: cannot open the ledger database ({err})") from None
        self.db.row_factory = sqlite3.Row

    def _retry_while_busy(self, step: Callable[[], Any]) -> Any:
        """Run `step`, trying again with growing pauses while another process holds the lock, for up to
        `busy_timeout` seconds. For the switch into WAL mode: SQLite does not call its busy handler there,
        so two processes opening a new ledger at once would otherwise fail at once ("database is locked")."""
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.005
        while True:
            try:
                return step()
            except sqlite3.OperationalError as err:
                if not _is_busy(err) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _needs_setup(self) -> bool:
        """True for a new ledger or one written by an older version (readers skip the write lock)."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(events)")}
        return version != SCHEMA_VERSION or "lat" not in columns

    def _set_up(self) -> None:
        migrated = self._migrate()
        self._link_sources_to_articles()
        _run_script(self.db, SCHEMA)
        if migrated:
            self._reindex()
        self._add_search_columns()
        self._add_flat_events()
        self.db.execute("DROP TABLE IF EXISTS events_search")  # before version 5: a second index of the same words
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _link_sources_to_articles(self) -> None:
        """A ledger written before event_sources.article_id was a foreign key gets the table rebuilt with
        it (SQLite cannot add one in place); rows naming an article that is not stored are left out."""
        found = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event_sources'").fetchone()
        if found is None or "REFERENCES articles" in found[0]:
            return
        with self.transaction():
            self.db.execute("ALTER TABLE event_sources RENAME TO event_sources_old")
            self.db.execute("DROP INDEX IF EXISTS event_sources_article")
            _run_script(self.db, SCHEMA)
            self.db.execute("INSERT INTO event_sources SELECT s.event_id, s.article_id FROM event_sources_old s"
                            " JOIN articles a ON a.id = s.article_id WHERE s.event_id IN (SELECT event_id FROM events)")
            self.db.execute("DROP TABLE event_sources_old")

    def _add_flat_events(self) -> None:
        """Create events_flat and its search index; a ledger written before they existed gets them filled."""
        for statement in FLAT_SCHEMA:
            self.db.execute(statement)
        self._fill_flat_events()

    def _fill_flat_events(self) -> None:
        """Flat rows for the events that have none (all of them in a ledger that had no events_flat)."""
        with self.transaction():
            for (data,) in self.db.execute("SELECT data FROM events WHERE event_id NOT IN"
                                           " (SELECT event_id FROM events_flat) ORDER BY event_id").fetchall():
                self.db.execute(_INSERT_FLAT, flat_row(json.loads(data)))

    def _migrate(self) -> bool:
        """A version-1 ledger (events recomputed wholesale) gains the frame index; its events are
        dissolved and its frames queued, so that the next ingest recomputes them."""
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(frames)")]
        if columns and "sentence" not in columns:
            with self.transaction():
                self.db.execute("ALTER TABLE frames ADD COLUMN sentence TEXT")
                for article_id, idx, data in self.db.execute("SELECT article_id, idx, data FROM frames").fetchall():
                    first = json.loads(data)["mentions"][0]
                    row = self.db.execute("SELECT data FROM mentions WHERE article_id = ? AND idx = ?", (article_id, first)).fetchone()
                    self.db.execute("UPDATE frames SET sentence = ? WHERE article_id = ? AND idx = ?",
                                    (json.loads(row[0])["sentence"], article_id, idx))
                self.db.execute("DELETE FROM event_sources")
                self.db.execute("DELETE FROM events")
                if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'events_search'").fetchone():
                    self.db.execute("DELETE FROM events_search")
            return True
        return False

    def _reindex(self) -> None:
        """File every frame under its blocking keys and mark it pending (after a migration)."""
        with self.transaction():
            for article_id, idx, data in self.db.execute("SELECT article_id, idx, data FROM frames").fetchall():
                keys = blocking_keys(frame_from(json.loads(data)))
                self.db.executemany("INSERT OR IGNORE INTO frame_keys VALUES (?, ?, ?)", [(k, article_id, idx) for k in keys])
                self.db.execute("INSERT OR IGNORE INTO pending VALUES (?, ?)", (article_id, idx))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction holding the ledger's write lock from its start; nested calls join the
        outer one, which commits or rolls back all. Another process's writer waits up to
        `busy_timeout` seconds for the lock, then gets a LedgerError saying the ledger is busy."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._write_lock():
                yield
        finally:
            self._depth = 0

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """The outermost write transaction: BEGIN IMMEDIATE takes SQLite's write lock at once."""
        self._begin()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the ledger as of its start, however many
        writes other processes commit meanwhile (WAL readers never wait for writers)."""
        if self._depth:
            yield
            return
        self.db.execute("BEGIN")
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self.db.execute("COMMIT")

    def _begin(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if not _is_busy(err):
                raise
            raise LedgerError(
                f"{self.path}: the ledger is busy: another process has held its write lock for more than"
                f" {self.busy_timeout:g} seconds; try again when it has finished"
            ) from None

    def another(self) -> "Store":
        """A second connection to this ledger, for another thread (a connection is not shared)."""
        return Store(self.address, self.busy_timeout)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ---- articles ------------------------------------------------------------------------------
    def article_hashes(self, article_ids: list[str]) -> dict[str, str]:
        """Content hashes of those of these articles that are stored, in one query per 500 ids."""
        found: dict[str, str] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT id, content_hash FROM articles WHERE id IN ({marks})", chunk).fetchall())
        return found

    def save_article(self, article: Article, mentions: list[Mention], frames: list[Frame]) -> None:
        """Replace everything known about this article, in one transaction. The events its earlier
        version reported are dissolved: their frames wait, unassigned, for `assign_events`."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction():
            self._dissolve(self.events_of_article(article.id))
            self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            self.db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, article.path, article.content_hash, article.title,
                 article.anchor.moment.isoformat() if article.anchor else None, article.url, article.outlet, now),
            )
            self.db.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?)",
                [(article.id, i, p.kind, p.text) for i, p in enumerate(article.paragraphs)],
            )
            self.db.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?)",
                [(article.id, i, json.dumps(plain(m))) for i, m in enumerate(mentions)],
            )
            self.db.executemany(
                "INSERT INTO frames VALUES (?, ?, ?, ?)",
                [(article.id, i, json.dumps(plain(f)), mentions[f.mentions[0]].sentence) for i, f in enumerate(frames)],
            )
            self.db.executemany("INSERT INTO pending VALUES (?, ?)", [(article.id, i) for i in range(len(frames))])
            self.db.executemany(
                "INSERT INTO frame_keys VALUES (?, ?, ?)",
                [(key, article.id, i) for i, f in enumerate(frames) for key in sorted(blocking_keys(f))],
            )

    def events_of_article(self, article_id: str) -> list[str]:
        """The events this article's reports belong to now."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT event_id FROM frame_events WHERE article_id = ?", (article_id,))]

    def _dissolve(self, event_ids: list[str]) -> None:
        for event_id in event_ids:
            self.db.execute("INSERT OR IGNORE INTO pending SELECT article_id, idx FROM frame_events WHERE event_id = ?",
                            (event_id,))
            self.db.execute("DELETE FROM frame_events WHERE event_id = ?", (event_id,))
            self.db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))

    # ---- the frame index the merge works on ---------------------------------------------------
    def pending_frames(self) -> list[tuple[str, int]]:
        """Frames not yet part of any canonical event (new, or dissolved by an update or a decision)."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT article_id, idx FROM pending ORDER BY 1, 2")]

    def frames_filed_under(self, exact: set[str], prefixes: set[str]) -> set[tuple[str, int]]:
        found = set()
        for key in sorted(exact):
            found.update((r[0], r[1]) for r in self.db.execute(
                "SELECT article_id, idx FROM frame_keys WHERE key = ?", (key,)))
        for prefix in sorted(prefixes):
            found.update((r[0], r[1]) for r in self.db.execute(
                "SELECT article_id, idx FROM frame_keys WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")))
        return found

    def article_frames(self, article_id: str) -> ArticleFrames:
        """One stored article's frames with its mentions and publication time."""
        row = self.db.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
        mentions = [mention_from(json.loads(r[0])) for r in self.db.execute(
            "SELECT data FROM mentions WHERE article_id = ? ORDER BY idx", (article_id,))]
        frames = [frame_from(json.loads(r[0])) for r in self.db.execute(
            "SELECT data FROM frames WHERE article_id = ? ORDER BY idx", (article_id,))]
        published = datetime.fromisoformat(row[0]) if row and row[0] else None
        return ArticleFrames(article_id, frames, mentions, published)

    def frame(self, ref: tuple[str, int]) -> Frame:
        row = self.db.execute("SELECT data FROM frames WHERE article_id = ? AND idx = ?", ref).fetchone()
        return frame_from(json.loads(row[0]))

    def all_articles_frames(self) -> list[ArticleFrames]:
        return [self.article_frames(r[0]) for r in self.db.execute("SELECT id FROM articles ORDER BY id").fetchall()]

    def event_of_frame(self, ref: tuple[str, int]) -> Optional[str]:
        row = self.db.execute("SELECT event_id FROM frame_events WHERE article_id = ? AND idx = ?", ref).fetchone()
        return row[0] if row else None

    def members(self, event_id: str) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT article_id, idx FROM frame_events WHERE event_id = ? ORDER BY 1, 2", (event_id,))]

    def replace_component(self, old_ids: set[str], events: list[tuple[dict, list, Optional[list]]]) -> None:
        """Swap the events of a recomputed group of frames, in one transaction. Each new event comes
        as (contract object, member frames, the frames it answers or None when it seeks its answer
        in the ledger)."""
        with self.transaction():
            self._dissolve(sorted(old_ids))
            for obj, members, targets in events:
                self._insert_event(obj)
                self.db.executemany("INSERT INTO frame_events VALUES (?, ?, ?)",
                                    [(a, i, obj["event_id"]) for a, i in members])
                self.db.executemany("DELETE FROM pending WHERE article_id = ? AND idx = ?", members)
                rows = [(obj["event_id"], None, None)] if targets is None else [(obj["event_id"], a, i) for a, i in targets]
                self.db.executemany("INSERT INTO event_targets VALUES (?, ?, ?)", rows)

    def _insert_event(self, obj: dict) -> None:
        loc = obj["location"]
        self.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (obj["event_id"], obj["status"], obj["event_type"], obj["sub_event_type"], obj["date_start"],
             obj["date_end"], loc["country"], loc["admin1"], obj["actor1"], obj["actor2"],
             obj["fatalities"]["best"], json.dumps(obj), loc["lat"], loc["lon"]),
        )
        self.db.execute(_INSERT_FLAT, flat_row(obj))
        self._index_event(obj)
        # only stored articles: event_sources.article_id is a foreign key (events made by hand, in tests and
        # benchmarks, may cite articles that were never saved; their contract object still lists them)
        self.db.executemany("INSERT INTO event_sources SELECT ?, id FROM articles WHERE id = ?",
                            [(obj["event_id"], a) for a in obj["sources"]])

    def count_events(self) -> int:
        return self.db.execute("SELECT count(*) FROM events").fetchone()[0]

    def targets(self, event_id: str) -> Optional[list[tuple[str, int]]]:
        rows = self.db.execute("SELECT target_article, target_idx FROM event_targets WHERE event_id = ?", (event_id,)).fetchall()
        if any(r[0] is None for r in rows):
            return None
        return [(r[0], r[1]) for r in rows]

    def events_answering(self, refs: set[tuple[str, int]], event_ids: set[str]) -> set[str]:
        """Events whose answer lies among these frames or these (former) events."""
        found = set()
        for ref in refs:
            found.update(r[0] for r in self.db.execute(
                "SELECT event_id FROM event_targets WHERE target_article = ? AND target_idx = ?", ref))
        for event_id in event_ids:
            found.update(r[0] for r in self.db.execute("SELECT event_id FROM event_links WHERE target_id = ?", (event_id,)))
        return found

    def seekers_between(self, start: str, end: str) -> set[str]:
        """Events seeking their answer in the ledger, dated within [start, end]."""
        return {r[0] for r in self.db.execute(
            "SELECT e.event_id FROM events e JOIN event_targets t ON t.event_id = e.event_id"
            " WHERE t.target_article IS NULL AND e.date_start BETWEEN ? AND ?", (start, end))}

    def events_between(self, start: str, end: str) -> list[dict]:
        return [json.loads(r[0]) for r in self.db.execute(
            "SELECT data FROM events WHERE date_start BETWEEN ? AND ? ORDER BY event_id", (start, end))]

    def set_responds_to(self, event_id: str, targets: list[str]) -> None:
        obj = self.event(event_id)
        obj["responds_to"] = targets
        with self.transaction():
            self.db.execute("UPDATE events SET data = ? WHERE event_id = ?", (json.dumps(obj), event_id))
            self.db.execute("DELETE FROM event_links WHERE event_id = ?", (event_id,))
            self.db.executemany("INSERT INTO event_links VALUES (?, ?)", [(event_id, t) for t in targets])

    def responses_to(self, event_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT event_id FROM event_links WHERE target_id = ? ORDER BY event_id", (event_id,))]

    def chain(self, event_id: str, limit: Optional[int] = None) -> list[str]:
        """Ids of this event and of every event linked to it through responds_to, in either
        direction (at most `limit` of them)."""
        seen: set[str] = set()
        frontier = [event_id]
        while frontier and (limit is None or len(seen) < limit):
            current = frontier.pop(0)
            if current in seen:
                continue
            seen.add(current)
            frontier += [r[0] for r in self.db.execute("SELECT target_id FROM event_links WHERE event_id = ?", (current,))]
            frontier += self.responses_to(current)
        return sorted(seen)

    # ---- analysts' decisions ------------------------------------------------------------------
    def add_decision(self, kind: str, pairs: list[tuple[tuple[str, int], tuple[str, int]]]) -> None:
        """Record that frames belong together or apart; a later decision on a pair replaces an earlier one.
        The affected events are dissolved so that the next `assign_events` applies the decision."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction():
            for a, b in pairs:
                sa, sb = self._frame_sentence(a), self._frame_sentence(b)
                self.db.execute(
                    "DELETE FROM decisions WHERE (a_article = ? AND a_sentence = ? AND b_article = ? AND b_sentence = ?)"
                    " OR (a_article = ? AND a_sentence = ? AND b_article = ? AND b_sentence = ?)",
                    (a[0], sa, b[0], sb, b[0], sb, a[0], sa))
                self.db.execute("INSERT INTO decisions (kind, a_article, a_sentence, b_article, b_sentence, made_at)"
                                " VALUES (?, ?, ?, ?, ?, ?)", (kind, a[0], sa, b[0], sb, now))
            refs = {r for pair in pairs for r in pair}
            self._dissolve(sorted({e for e in map(self.event_of_frame, refs) if e}))

    def _frame_sentence(self, ref: tuple[str, int]) -> str:
        return self.db.execute("SELECT sentence FROM frames WHERE article_id = ? AND idx = ?", ref).fetchone()[0]

    def decisions_for(self, article_id: str) -> Decisions:
        """The decisions touching this article's frames, with both ends resolved to current frames
        (a decision whose sentence is gone from an updated article no longer applies)."""
        out = Decisions()
        for kind, aa, sa, ba, sb in self.db.execute(
            "SELECT kind, a_article, a_sentence, b_article, b_sentence FROM decisions"
            " WHERE a_article = ? OR b_article = ? ORDER BY id", (article_id, article_id)).fetchall():
            a, b = self._frame_with(aa, sa), self._frame_with(ba, sb)
            if a and b:
                (out.together if kind == "together" else out.apart).append((a, b))
        out.together = list(dict.fromkeys(out.together))
        out.apart = list(dict.fromkeys(out.apart))
        return out

    def _frame_with(self, article_id: str, sentence: str) -> Optional[tuple[str, int]]:
        """The article's frame opened by this sentence or, when an update reworded it, by the most
        similar sentence (a decision follows its report through small edits, not through rewrites)."""
        rows = self.db.execute("SELECT idx, sentence FROM frames WHERE article_id = ? ORDER BY idx", (article_id,)).fetchall()
        scored = [(100.0 if text == sentence else fuzz.ratio(text, sentence), -idx) for idx, text in rows]
        best = max(scored, default=None)
        return (article_id, -best[1]) if best and best[0] >= DECISION_SIMILARITY else None

    def facts(self, article_id: Optional[str] = None) -> list[dict]:
        """Article facts: aggregate statements ("66 attacks since October 17") that are not single events."""
        out = []
        for aid, data in self.db.execute("SELECT article_id, data FROM mentions WHERE ? IS NULL OR article_id = ?"
                                         " ORDER BY article_id, idx", (article_id, article_id)):
            m = json.loads(data)
            if m["status"] == "aggregate":
                out.append({"article": aid, "kind": m["sub_event_type"], "trigger": m["trigger"],
                            "actor1": m["actor1"], "actor2": m["actor2"], "sentence": m["sentence"]})
        return out

    def articles(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM articles ORDER BY id")]

    # ---- feeds and fetched URLs (strikelog.feeds) ------------------------------------------------
    def add_feeds(self, urls: list[str]) -> None:
        """Start following these feeds (those already followed keep their state)."""
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO feeds (url, added_at) VALUES (?, ?)", [(u, _now()) for u in urls])

    def feed(self, url: str) -> Optional[dict]:
        row = self.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def feeds(self) -> list[dict]:
        """Every followed feed with its health: polls, items, failures in a row, errors in all, last error."""
        return [dict(r) for r in self.db.execute("SELECT * FROM feeds ORDER BY url")]

    def record_feed_poll(self, url: str, when: str, validators: Optional[tuple[Optional[str], Optional[str]]] = None,
                         title: Optional[str] = None, new_items: int = 0) -> None:
        """A poll that reached the feed, ending its failure streak. `validators` (ETag, Last-Modified)
        replace the stored ones when given; without them the poll was a 304."""
        with self.transaction():
            if validators is None:
                self.db.execute("UPDATE feeds SET not_modified = not_modified + 1 WHERE url = ?", (url,))
            else:
                self.db.execute("UPDATE feeds SET etag = ?, last_modified = ?, title = coalesce(?, title) WHERE url = ?",
                                (*validators, title, url))
            self.db.execute(
                "UPDATE feeds SET last_poll = ?, last_ok = ?, polls = polls + 1, items = items + ?, failures = 0,"
                " last_new = CASE WHEN ? > 0 THEN ? ELSE last_new END WHERE url = ?",
                (when, when, new_items, new_items, when, url))

    def record_feed_failure(self, url: str, when: str, reason: str) -> None:
        """A poll that failed: one more failure in a row (the watcher backs off) and one more error."""
        with self.transaction():
            self.db.execute(
                "UPDATE feeds SET last_poll = ?, polls = polls + 1, failures = failures + 1, errors = errors + 1,"
                " last_error = ?, last_error_at = ? WHERE url = ?", (when, reason, when, url))

    def record_feed_problem(self, url: str, when: str, reason: str) -> None:
        """A problem with one of the feed's items (or a feed read only leniently): counted, no backoff."""
        with self.transaction():
            self.db.execute("UPDATE feeds SET errors = errors + 1, last_error = ?, last_error_at = ? WHERE url = ?",
                            (reason, when, url))

    def item_signature(self, feed_url: str, item_id: str) -> Optional[str]:
        row = self.db.execute("SELECT signature FROM feed_items WHERE feed_url = ? AND item_id = ?",
                              (feed_url, item_id)).fetchone()
        return row[0] if row else None

    def save_feed_item(self, feed_url: str, item_id: str, url: str, signature: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO feed_items VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed_url, item_id)"
                " DO UPDATE SET url = excluded.url, signature = excluded.signature",
                (feed_url, item_id, url, signature, _now()))

    def seen_url(self, url: str) -> Optional[dict]:
        """What is known of a fetched (canonical) URL: its article, validators, content hash and outcome."""
        row = self.db.execute("SELECT * FROM seen_urls WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def mark_url_seen(self, url: str, outcome: str, article_id: Optional[str] = None, etag: Optional[str] = None,
                      last_modified: Optional[str] = None, content_hash: Optional[str] = None) -> None:
        """Record a fetch with a definite answer ("ingested", or why not). Validators and the article
        are kept from earlier fetches when this one brought none (a 304)."""
        now = _now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO seen_urls VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " article_id = coalesce(excluded.article_id, seen_urls.article_id), etag = coalesce(excluded.etag, seen_urls.etag),"
                " last_modified = coalesce(excluded.last_modified, seen_urls.last_modified),"
                " content_hash = coalesce(excluded.content_hash, seen_urls.content_hash), outcome = excluded.outcome,"
                " last_fetched = excluded.last_fetched",
                (url, article_id, etag, last_modified, content_hash, outcome, now, now))

    # ---- events --------------------------------------------------------------------------------
    def events(
        self, country: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
        event_type: Optional[str] = None, actor: Optional[str] = None, status: Optional[str] = None,
    ) -> list[dict]:
        """Events matching every given filter, oldest first; all parameters are bound, never spliced."""
        return list(self.iter_events(EventFilters(country=country, since=since, until=until, event_type=event_type,
                                                  actor=actor, status=status)))

    def event(self, event_id: str) -> dict:
        row = self.db.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        if row is None:
            raise EventNotFound(f"no event {event_id!r} in {self.path}")
        return json.loads(row[0])

    # ---- search (the web API) -------------------------------------------------------------------
    def search_events(
        self, filters: EventFilters, sort: str = "date", page: int = 1, page_size: int = 100, full: bool = False,
    ) -> tuple[list[dict], int]:
        """One page of the events matching `filters` (summaries unless `full`) and how many match in all.

        `sort` is a key of SORT_KEYS, descending with a leading "-"."""
        texts, total = self.search_events_json(filters, sort, page, page_size, full)
        return [json.loads(t) for t in texts], total

    def search_events_json(
        self, filters: EventFilters, sort: str = "date", page: int = 1, page_size: int = 100, full: bool = False,
    ) -> tuple[list[str], int]:
        """search_events with each event as JSON text, for callers that pass events on without looking
        inside (the web API): SQLite cuts the summaries, Python neither parses nor re-encodes them."""
        where, params = self._where(filters)
        total = self.db.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT {'data' if full else self._SUMMARY} FROM events {where} {_order_by(sort)} LIMIT ? OFFSET ?",
            [*params, page_size, (page - 1) * page_size],
        )
        return [r[0] for r in rows], total

    def iter_events(self, filters: EventFilters, sort: str = "date") -> Iterator[dict]:
        """Every event matching `filters` as a contract object, read lazily (for streamed exports)."""
        where, params = self._where(filters)
        for (data,) in self.db.execute(f"SELECT data FROM events {where} {_order_by(sort)}", params):
            yield json.loads(data)

    def event_summaries(self, event_ids: list[str]) -> list[dict]:
        """Summaries of the given events that exist, oldest first."""
        out: list[dict] = []
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.extend(json.loads(r[0]) for r in self.db.execute(
                f"SELECT {self._SUMMARY} FROM events WHERE event_id IN ({marks})", chunk))
        return sorted(out, key=_chronological)

    def timeline(self, filters: EventFilters) -> list[dict]:
        """Events per day and event type among those matching `filters` (undated events left out)."""
        where, params = self._where(filters, "date_start IS NOT NULL")
        rows = self.db.execute(
            f"SELECT date_start, event_type, COUNT(*) FROM events {where} "
            "GROUP BY date_start, event_type ORDER BY date_start, event_type", params)
        return [{"date": d, "event_type": t, "count": n} for d, t, n in rows]

    def count_undated(self, filters: EventFilters) -> int:
        """How many of the events matching `filters` have no date (the timeline leaves them out)."""
        where, params = self._where(filters, "date_start IS NULL")
        return self.db.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0]

    def facets(self, filters: EventFilters) -> dict[str, list[dict]]:
        """The values of country, event type and sub-event type among matching events, with counts."""
        where, params = self._where(filters)
        out = {}
        for column in ("country", "event_type", "sub_event_type"):
            rows = self.db.execute(
                f"SELECT {column}, COUNT(*) FROM events {where} GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
                params)
            out[column] = [{"value": value, "count": n} for value, n in rows if value is not None]
        return out

    def search_articles(self, page: int = 1, page_size: int = 100) -> tuple[list[dict], int]:
        """One page of the articles (metadata and how many events cite each) and how many there are."""
        total = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        rows = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS}, (SELECT COUNT(*) FROM event_sources s WHERE s.article_id = a.id) AS events "
            "FROM articles a ORDER BY a.id LIMIT ? OFFSET ?", (page_size, (page - 1) * page_size))
        return [dict(r) for r in rows], total

    def article(self, article_id: str) -> dict:
        """One article's metadata and its paragraphs (headline, body, captions) in order."""
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFound(f"no article {article_id!r} in {self.path}")
        paragraphs = self.db.execute(
            "SELECT kind, text FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))
        return {**dict(row), "paragraphs": [{"kind": k, "text": t} for k, t in paragraphs]}

    def articles_meta(self, article_ids: list[str]) -> dict[str, dict]:
        """The metadata (id, title, published, url, outlet, ingested_at) of those of these articles that
        are stored, by id; one query per 500 (an export asks for a chunk's sources at once)."""
        out: dict[str, dict] = {}
        ids = sorted(set(article_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update((r["id"], dict(r)) for r in self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id IN ({marks})", chunk))
        return out

    def article_events(self, article_id: str) -> list[dict]:
        """Summaries of the events that cite this article, oldest first."""
        ids = [r[0] for r in self.db.execute("SELECT event_id FROM event_sources WHERE article_id = ?", (article_id,))]
        return self.event_summaries(ids)

    def _add_search_columns(self) -> None:
        """Create the search structures; a ledger written before they existed gains them, filled from its events."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(events)")}
        upgrading = "lat" not in columns
        if upgrading:
            self.db.execute("ALTER TABLE events ADD COLUMN lat REAL")
            self.db.execute("ALTER TABLE events ADD COLUMN lon REAL")
        _run_script(self.db, SEARCH_SCHEMA)
        if upgrading:
            self._reindex_stored_events()

    def _reindex_stored_events(self) -> None:
        with self.transaction():
            self._clear_search_index()
            for (data,) in self.db.execute("SELECT data FROM events").fetchall():
                obj = json.loads(data)
                self.db.execute("UPDATE events SET lat = ?, lon = ? WHERE event_id = ?",
                                (obj["location"]["lat"], obj["location"]["lon"], obj["event_id"]))
                self._index_event(obj)

    def _clear_search_index(self) -> None:
        self.db.execute("DELETE FROM event_links")

    def _index_event(self, obj: dict) -> None:
        """Record an event's escalation links (its words are indexed with its events_flat row)."""
        self.db.executemany("INSERT OR IGNORE INTO event_links VALUES (?, ?)",
                            [(obj["event_id"], target) for target in obj["responds_to"]])

    def _where(self, filters: EventFilters, *extra: str) -> tuple[str, list]:
        return _event_where(filters, *extra)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _is_busy(err: sqlite3.OperationalError) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY): another connection holds the lock."""
    return "locked" in str(err) or "busy" in str(err)


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run a schema script statement by statement: executescript() would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


# ---- (de)serialisation of stage records ---------------------------------------------------------------
def plain(obj: Any) -> Any:
    """A stage record as JSON-ready values (dates as ISO text, sets as sorted lists): what
    dataclasses.asdict gives, without its deep copies (this runs for every mention saved)."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None and is_dataclass(obj):
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _range(d: dict) -> DateRange:
    return DateRange(
        date.fromisoformat(d["start"]) if d["start"] else None,
        date.fromisoformat(d["end"]) if d["end"] else None,
        d["precision"], d.get("text", ""),
    )


def article_from(d: dict) -> Article:
    """The inverse of `plain` for an Article."""
    anchor = d["anchor"]
    return Article(
        id=d["id"], path=d["path"], content_hash=d["content_hash"], title=d["title"],
        paragraphs=tuple(Paragraph(**p) for p in d["paragraphs"]),
        anchor=Anchor(datetime.fromisoformat(anchor["moment"]), anchor["source"], anchor["text"]) if anchor else None,
        url=d["url"], outlet=d["outlet"], dropped=tuple(d["dropped"]),
    )


def mention_from(d: dict) -> Mention:
    return Mention(
        **{k: d[k] for k in ("article_id", "sentence_index", "sentence", "trigger", "event_type", "sub_event_type",
                             "actor1", "actor2", "weapons", "status", "anaphoric", "generic", "plural",
                             "responds_to_text", "responds_to_mentions")},
        names=list(d.get("names", [])), typed_by=d.get("typed_by", "default"), cause=d.get("cause", False),
        fatalities=Count(**d["fatalities"]), wounded=Count(**d["wounded"]),
        claims=[Claim(**c) for c in d["claims"]],
        time_exprs=[TimeExpr(**t) for t in d["time_exprs"]],
        places=[PlaceRef(**p) for p in d["places"]],
        context_time=TimeExpr(**d["context_time"]) if d.get("context_time") else None,
        when=_range(d["when"]), where=Location(**d["where"]),
    )


def frame_from(d: dict) -> Frame:
    return Frame(
        article=d["article"], mentions=list(d["mentions"]), actor1=d["actor1"], actor2=d["actor2"],
        when=_range(d["when"]), where=Location(**d["where"]), weapons=list(d["weapons"]), status=d["status"],
        solid=d["solid"], operation=d.get("operation", False), named_places=set(d.get("named_places", [])),
        responds_to=list(d.get("responds_to", [])), answers=d.get("answers", False),
        article_day=date.fromisoformat(d["article_day"]) if d.get("article_day") else None,
        names=set(d.get("names", [])), tolls=set(d.get("tolls", [])),
    )



# ---- search filters (the web API) ------------------------------------------------------------------
SORT_KEYS = {"date": "date_start", "fatalities": "fatalities", "country": "country", "type": "event_type",
             "event_id": "event_id"}
_ARTICLE_COLUMNS = "a.id, a.title, a.published, a.url, a.outlet, a.ingested_at"


@dataclass(frozen=True)
class EventFilters:
    """What to select events by; every field is optional. Values are bound as SQL parameters, never spliced.

    since/until: YYYY-MM-DD, compared with date_start. event_type: an event or sub-event type.
    actor: part of actor1's or actor2's name. text: words that must all occur in the event's actors,
    place, types, weapons, claimants or evidence sentences. bbox: (west, south, east, north) in degrees;
    west > east crosses the antimeridian. status: "reported" or "background".
    country, admin1, event_type and actor also take a tuple of values: an event matches any of them.
    """

    country: Optional[str | tuple[str, ...]] = None
    admin1: Optional[str | tuple[str, ...]] = None
    since: Optional[str] = None
    until: Optional[str] = None
    event_type: Optional[str | tuple[str, ...]] = None
    actor: Optional[str | tuple[str, ...]] = None
    text: Optional[str] = None
    bbox: Optional[tuple[float, float, float, float]] = None
    status: Optional[str] = None


def _event_where(f: EventFilters, *extra: str, postgresql: bool = False) -> tuple[str, list]:
    """WHERE clause and parameters for these filters; `postgresql` picks its spellings of the
    case-blind comparison and of the text search (docs/scale.md)."""
    clauses, params = list(extra), []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    def add_any(clause: str, values: Any, per_value: Callable[[str], tuple] = lambda v: (v,)) -> None:
        """`clause` for each value, OR-ed: a filter given several values matches any of them."""
        values = (values,) if isinstance(values, str) else tuple(values)
        add("(" + " OR ".join([clause] * len(values)) + ")", *(x for v in values for x in per_value(v)))

    if f.country:
        add_any("country = ?", f.country, lambda v: (v.upper(),))
    if f.admin1:
        add_any("lower(admin1) = lower(?)" if postgresql else "admin1 = ? COLLATE NOCASE", f.admin1)
    if f.since:
        add("date_start >= ?", f.since)
    if f.until:
        add("date_start <= ?", f.until)
    if f.event_type:
        add_any("event_type = ? OR sub_event_type = ?", f.event_type, lambda v: (v, v))
    if f.actor:
        add_any("actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\'", f.actor,
                lambda v: (f"%{_like_escaped(v)}%",) * 2)
    if f.status:
        add("status = ?", f.status)
    if f.bbox:
        west, south, east, north = f.bbox
        add("lat BETWEEN ? AND ?", south, north)
        add("lon BETWEEN ? AND ?" if west <= east else "(lon >= ? OR lon <= ?)", west, east)
    if f.text is not None and postgresql:
        add(f"event_id IN (SELECT event_id FROM events_flat WHERE {FLAT_TSVECTOR} @@ to_tsquery('simple', ?))",
            ts_query(f.text))
    elif f.text is not None:
        add("event_id IN (SELECT event_id FROM events_flat WHERE id IN"
            " (SELECT rowid FROM events_flat_fts WHERE events_flat_fts MATCH ?))", fts_query(f.text))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _order_by(sort: str) -> str:
    """ORDER BY for a sort key ("date", "-fatalities", ...): missing values last, event id breaks ties.
    (NULLS LAST rather than `column IS NULL` first: SQLite can then walk an index instead of sorting.)"""
    column = SORT_KEYS.get(sort.removeprefix("-"))
    if column is None:
        raise ValueError(f"unknown sort key {sort!r}; choose one of {', '.join(SORT_KEYS)} (prefix - for descending)")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"ORDER BY {column} {direction} NULLS LAST, event_id {direction}"


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_query(text: str) -> str:
    """Words of a free-text search as an FTS5 query: every word must occur, the last one as a prefix.
    Raises ValueError when there is no word in `text`."""
    words = re.findall(r"\w+", text)
    if not words:
        raise ValueError("the text search needs at least one letter or digit")
    quoted = [f'"{w}"' for w in words]
    return " ".join(quoted) + "*"


def ts_query(text: str) -> str:
    """The same search as a PostgreSQL tsquery: every word, the last one as a prefix (words are
    letters and digits only, so nothing in them is tsquery syntax). Raises ValueError as fts_query does."""
    fts_query(text)
    words = re.findall(r"\w+", text)
    return " & ".join(words[:-1] + [words[-1] + ":*"])


def is_database_url(db: Any) -> bool:
    """True when `db` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def flat_row(obj: dict) -> tuple:
    """A contract object as the values of FLAT_COLUMNS: one typed value a field; lists as JSON arrays (which
    Datasette can facet by), the claimants and evidence sentences as lines of text."""
    loc, killed, hurt = obj["location"], obj["fatalities"], obj["wounded"]
    claimants = dict.fromkeys(c["by"] for c in obj["claims"] if c["by"])
    return (
        obj["event_id"], obj["status"], obj["date_start"], obj["date_end"], obj["date_precision"], obj["event_type"],
        obj["sub_event_type"], obj["actor1"], obj["actor2"], loc["country"], loc["admin1"], loc["name"], loc["lat"],
        loc["lon"], loc["geo_precision"], killed["best"], killed["low"], killed["high"], hurt["best"], hurt["low"],
        hurt["high"], json.dumps(obj["weapons"], ensure_ascii=False), len(obj["sources"]),
        json.dumps(obj["sources"], ensure_ascii=False), json.dumps(obj["responds_to"]), "\n".join(claimants) or None,
        "\n".join(e["sentence"] for e in obj["evidence"]) or None,
    )


def _chronological(obj: dict) -> tuple:
    return (obj["date_start"] is None, obj["date_start"] or "", obj["event_id"])
