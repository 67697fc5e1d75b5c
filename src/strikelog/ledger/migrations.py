"""Setting up a SQLite ledger: a new one gets the tables (schema.py), one written by an older version
is upgraded in place (PRAGMA user_version says which: schema.SCHEMA_VERSION). PostgreSQL's
upgrades are in postgres.py."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from .articles import UNFILED
from .schema import SCHEMA_VERSION, SQLITE_TEXT_INDEX, sqlite_indexes, sqlite_tables


def needs_setup(db: sqlite3.Connection) -> bool:
    """True for a new ledger or one written by an older version (readers skip the write lock)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    return version != SCHEMA_VERSION or "lat" not in columns


def _run(db: sqlite3.Connection, statements: list[str]) -> None:
    """Run DDL statement by statement: executescript() would commit the open transaction."""
    for statement in statements:
        db.execute(statement)


class SqliteSetUp:
    """The setting up of a SqliteStore (`self.db`, `self.transaction()`, `self._fill_flat_events()`)."""

    db: Any

    def _set_up(self) -> None:
        migrated = self._migrate()
        self._link_sources_to_articles()
        _run(self.db, sqlite_tables())
        if migrated:
            self._queue_unfiled_frames()
        self._add_search_columns()
        _run(self.db, sqlite_indexes())
        _run(self.db, SQLITE_TEXT_INDEX)
        self._fill_flat_events()
        self.db.execute("DROP TABLE IF EXISTS events_search")  # before version 5: a second index of the same words
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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

    def _queue_unfiled_frames(self) -> None:
        """Mark every frame pending and unfiled (after a migration): the next ingest files it under its
        blocking keys (the merge's to compute) and merges it."""
        with self.transaction():
            for article_id, idx in self.db.execute("SELECT article_id, idx FROM frames").fetchall():
                self.db.execute("INSERT INTO frame_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (UNFILED, article_id, idx))
                self.db.execute("INSERT INTO pending VALUES (?, ?) ON CONFLICT DO NOTHING", (article_id, idx))

    def _link_sources_to_articles(self) -> None:
        """A ledger written before event_sources.article_id was a foreign key gets the table rebuilt with
        it (SQLite cannot add one in place); rows naming an article that is not stored are left out."""
        found = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event_sources'").fetchone()
        if found is None or "REFERENCES articles" in found[0]:
            return
        with self.transaction():
            self.db.execute("ALTER TABLE event_sources RENAME TO event_sources_old")
            self.db.execute("DROP INDEX IF EXISTS event_sources_article")
            _run(self.db, sqlite_tables())
            self.db.execute("INSERT INTO event_sources SELECT s.event_id, s.article_id FROM event_sources_old s"
                            " JOIN articles a ON a.id = s.article_id WHERE s.event_id IN (SELECT event_id FROM events)")
            self.db.execute("DROP TABLE event_sources_old")

    def _add_search_columns(self) -> None:
        """A ledger written before the events' lat and lon columns gains them, filled from its events
        (their indexes are created next)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(events)")}
        if "lat" not in columns:
            self.db.execute("ALTER TABLE events ADD COLUMN lat REAL")
            self.db.execute("ALTER TABLE events ADD COLUMN lon REAL")
            self._reindex_stored_events()

    def _reindex_stored_events(self) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM event_links")
            for (data,) in self.db.execute("SELECT data FROM events").fetchall():
                obj = json.loads(data)
                self.db.execute("UPDATE events SET lat = ?, lon = ? WHERE event_id = ?",
                                (obj["location"]["lat"], obj["location"]["lon"], obj["event_id"]))
                self._link_event(obj)
