"""The ledger in PostgreSQL (`--db postgresql://user@host/db`), through SQLAlchemy Core.

The tables are those of the SQLite ledger (store.SCHEMA), declared here as SQLAlchemy Core
`Table`s and created with `MetaData.create_all`; every Store method runs unchanged, its statements
passed through `_Connection`, which binds the `?` parameters by name and spells the two SQLite
idioms the Store uses the PostgreSQL way. What differs (docs/scale.md):

- text columns use the "C" collation, so that ordering and the key-prefix ranges of the merge's
  blocking index compare code points, as SQLite does, whatever the database's locale;
- the text search is a GIN index on events_flat over `to_tsvector('simple', ...)` of the columns
  SQLite's events_flat_fts indexes (store.FLAT_TSVECTOR: every word, the last as a prefix,
  case-blind; accents are not folded, unlike SQLite's FTS5 `remove_diacritics`);
- a summary is `data::jsonb` minus claims and evidence, so its keys come in jsonb's order;
- a write transaction takes a transaction-scoped advisory lock first, so two writers queue as
  SQLite's BEGIN IMMEDIATE makes them queue.

Needs the `scale` extra (sqlalchemy, psycopg).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Iterable, Sequence

from .errors import LedgerError
from .store import BUSY_TIMEOUT, FLAT_COLUMNS, FLAT_TSVECTOR, EventFilters, Store, _event_where

_WRITE_LOCK = 0x5354524B  # "STRK": the advisory lock every writer of a ledger takes
SOURCE_ARTICLE_KEY = "event_sources_article_id_fkey"
FLAT_WORDS_INDEX = f"CREATE INDEX IF NOT EXISTS events_flat_words ON events_flat USING gin ({FLAT_TSVECTOR})"


def _tables():
    """The ledger's tables as SQLAlchemy Core metadata (the columns and keys of store.SCHEMA)."""
    from sqlalchemy import (CheckConstraint, Column, Float, ForeignKeyConstraint, Index, Integer, MetaData,
                            PrimaryKeyConstraint, Table, Text, text)
    from sqlalchemy.dialects import postgresql

    def txt(name: str, **kw) -> Column:
        return Column(name, Text().with_variant(postgresql.TEXT(collation="C"), "postgresql"), **kw)

    def frame_ref(*extra) -> list:
        return [ForeignKeyConstraint(["article_id", "idx"], ["frames.article_id", "frames.idx"], ondelete="CASCADE"),
                *extra]

    md = MetaData()
    Table("articles", md, txt("id", primary_key=True), txt("path"), txt("content_hash", nullable=False), txt("title"),
          txt("published"), txt("url"), txt("outlet"), txt("ingested_at", nullable=False))
    Table("sentences", md, txt("article_id", nullable=False), Column("idx", Integer, nullable=False), txt("kind"),
          txt("text", nullable=False), PrimaryKeyConstraint("article_id", "idx"),
          ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"))
    Table("mentions", md, txt("article_id", nullable=False), Column("idx", Integer, nullable=False),
          txt("data", nullable=False), PrimaryKeyConstraint("article_id", "idx"),
          ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"))
    Table("frames", md, txt("article_id", nullable=False), Column("idx", Integer, nullable=False),
          txt("data", nullable=False), txt("sentence"), PrimaryKeyConstraint("article_id", "idx"),
          ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"))
    Table("frame_keys", md, txt("key", nullable=False), txt("article_id", nullable=False),
          Column("idx", Integer, nullable=False), PrimaryKeyConstraint("key", "article_id", "idx"), *frame_ref())
    Table("frame_events", md, txt("article_id", nullable=False), Column("idx", Integer, nullable=False),
          txt("event_id", nullable=False), PrimaryKeyConstraint("article_id", "idx"), *frame_ref(),
          Index("frame_events_event", "event_id"))
    Table("pending", md, txt("article_id", nullable=False), Column("idx", Integer, nullable=False),
          PrimaryKeyConstraint("article_id", "idx"), *frame_ref())
    Table("events", md, txt("event_id", primary_key=True), txt("status"), txt("event_type"), txt("sub_event_type"),
          txt("date_start"), txt("date_end"), txt("country"), txt("admin1"), txt("actor1"), txt("actor2"),
          Column("fatalities", Integer), txt("data", nullable=False), Column("lat", Float), Column("lon", Float),
          Index("events_date", "date_start"), Index("events_country", "country"),
          Index("events_country_date_status", "country", "date_start", "status"),
          Index("events_lat_lon", "lat", "lon"), Index("events_fatalities", "fatalities"),
          Index("events_timeline", "date_start", "event_type", "status"),
          Index("events_types", "sub_event_type", "event_type", "status"))
    Table("event_targets", md, txt("event_id", nullable=False), txt("target_article"), Column("target_idx", Integer),
          ForeignKeyConstraint(["event_id"], ["events.event_id"], ondelete="CASCADE"),
          Index("event_targets_event", "event_id"), Index("event_targets_target", "target_article", "target_idx"))
    Table("event_links", md, txt("event_id", nullable=False), txt("target_id", nullable=False),
          PrimaryKeyConstraint("event_id", "target_id"),
          ForeignKeyConstraint(["event_id"], ["events.event_id"], ondelete="CASCADE"),
          Index("event_links_target", "target_id"))
    Table("decisions", md, Column("id", Integer, primary_key=True), txt("kind", nullable=False),
          txt("a_article", nullable=False), txt("a_sentence", nullable=False), txt("b_article", nullable=False),
          txt("b_sentence", nullable=False), txt("made_at", nullable=False),
          CheckConstraint("kind IN ('together', 'apart')"),
          Index("decisions_a", "a_article"), Index("decisions_b", "b_article"))
    Table("event_sources", md, txt("event_id", nullable=False), txt("article_id", nullable=False),
          PrimaryKeyConstraint("event_id", "article_id"),
          ForeignKeyConstraint(["event_id"], ["events.event_id"], ondelete="CASCADE"),
          ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE", name=SOURCE_ARTICLE_KEY),
          Index("event_sources_article", "article_id"))
    flat_types = {"latitude": Float, "longitude": Float, "n_sources": Integer, "geo_precision": Integer,
                  **{name: Integer for name in FLAT_COLUMNS if name.startswith(("fatalities", "wounded"))}}
    Table("events_flat", md, Column("id", Integer, primary_key=True, autoincrement=True),
          txt("event_id", nullable=False, unique=True),
          *(Column(name, flat_types[name]) if name in flat_types else txt(name, nullable=name != "status")
            for name in FLAT_COLUMNS[1:]),
          ForeignKeyConstraint(["event_id"], ["events.event_id"], ondelete="CASCADE"),
          Index("events_flat_date", "event_date"),
          Index("events_flat_words", text(FLAT_TSVECTOR), postgresql_using="gin"))
    Table("feeds", md, txt("url", primary_key=True), txt("title"), txt("added_at", nullable=False), txt("etag"),
          txt("last_modified"), txt("last_poll"), txt("last_ok"), txt("last_new"),
          *(Column(name, Integer, nullable=False, server_default="0")
            for name in ("polls", "not_modified", "items", "failures", "errors")),
          txt("last_error"), txt("last_error_at"))
    Table("feed_items", md, txt("feed_url", nullable=False), txt("item_id", nullable=False), txt("url", nullable=False),
          txt("signature", nullable=False), txt("first_seen", nullable=False), PrimaryKeyConstraint("feed_url", "item_id"),
          ForeignKeyConstraint(["feed_url"], ["feeds.url"], ondelete="CASCADE"))
    Table("seen_urls", md, txt("url", primary_key=True), txt("article_id"), txt("etag"), txt("last_modified"),
          txt("content_hash"), txt("outcome", nullable=False), txt("first_seen", nullable=False),
          txt("last_fetched", nullable=False))
    return md


class _Rows:
    """A statement's result as the sqlite3 cursor the Store expects: iterable, fetchone, fetchall;
    each row a tuple that dict() also reads by column name (as sqlite3.Row)."""

    def __init__(self, result: Any):
        self.keys = list(result.keys()) if result.returns_rows else []
        self.rows = iter(result.fetchall()) if result.returns_rows else iter(())

    def __iter__(self) -> Iterator["_Row"]:
        return (_Row(self.keys, row) for row in self.rows)

    def fetchone(self):
        row = next(self.rows, None)
        return None if row is None else _Row(self.keys, row)

    def fetchall(self) -> list:
        return list(self)


class _Row(tuple):
    def __new__(cls, keys: list[str], row: Sequence) -> "_Row":
        made = super().__new__(cls, tuple(row))
        made._names = keys
        return made

    def keys(self) -> list[str]:
        return self._names

    def __getitem__(self, key):
        return super().__getitem__(self._names.index(key) if isinstance(key, str) else key)


class _Connection:
    """The Store's statements on a SQLAlchemy connection: `?` parameters bound by name, and the
    SQLite spellings it uses put the PostgreSQL way (INSERT OR IGNORE, an untyped `? IS NULL`)."""

    _PARAM = re.compile(r"\?")

    def __init__(self, connection: Any):
        self.connection = connection

    def execute(self, sql: str, params: Iterable = ()) -> _Rows:
        from sqlalchemy import text

        statement, names = self._translated(sql)
        return _Rows(self.connection.execute(text(statement), dict(zip(names, params))))

    def executemany(self, sql: str, rows: Iterable[Iterable]) -> None:
        from sqlalchemy import text

        statement, names = self._translated(sql)
        batch = [dict(zip(names, row)) for row in rows]
        if batch:
            self.connection.execute(text(statement), batch)

    @staticmethod
    def _translated(sql: str) -> tuple[str, list[str]]:
        if sql.startswith("INSERT OR IGNORE INTO"):
            sql = sql.replace("INSERT OR IGNORE INTO", "INSERT INTO", 1) + " ON CONFLICT DO NOTHING"
        sql = sql.replace("? IS NULL", "CAST(? AS TEXT) IS NULL")
        names: list[str] = []

        def name(_match) -> str:
            names.append(f"p{len(names)}")
            return f":{names[-1]}"

        return _Connection._PARAM.sub(name, sql), names


class PgStore(Store):
    """The ledger in a PostgreSQL database; the methods and their results are those of Store."""

    _SUMMARY = "((data::jsonb - 'claims') - 'evidence')::text"

    def __init__(self, url: str, busy_timeout: float = BUSY_TIMEOUT):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import SQLAlchemyError

        address = make_url(url)
        if address.drivername in ("postgresql", "postgres"):
            address = address.set(drivername="postgresql+psycopg")
        self.path = address.render_as_string(hide_password=True)
        self.address = url
        self.busy_timeout = busy_timeout
        self._depth = 0
        self._open: list = []
        try:
            self.engine = create_engine(address, connect_args={"options": f"-c lock_timeout={int(busy_timeout * 1000)}"})
            self.connection = self.engine.connect()
            with self.connection.begin():
                self.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                _tables().create_all(self.connection)
                self._upgrade()
        except SQLAlchemyError as err:
            raise LedgerError(f"{self.path}: cannot open the ledger database ({err.__class__.__name__}: "
                              f"{str(err).splitlines()[0]})") from None
        self.db = _Connection(self.connection)

    def _upgrade(self) -> None:
        """A ledger created before events_flat and the event_sources -> articles key gains them (create_all
        adds missing tables, not missing constraints or indexes); the flat rows are filled from the events.
        One created before schema version 5 has its words indexed on events_flat, and loses events_search."""
        sql = self.connection.exec_driver_sql
        sql(FLAT_WORDS_INDEX)
        sql("DROP TABLE IF EXISTS events_search")
        has_key = sql("SELECT 1 FROM pg_constraint WHERE conname = %(name)s", {"name": SOURCE_ARTICLE_KEY}).first()
        if not has_key:
            sql("DELETE FROM event_sources s WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)")
            sql(f"ALTER TABLE event_sources ADD CONSTRAINT {SOURCE_ARTICLE_KEY} FOREIGN KEY (article_id)"
                " REFERENCES articles(id) ON DELETE CASCADE")
        missing = sql("SELECT 1 FROM events e WHERE NOT EXISTS (SELECT 1 FROM events_flat f WHERE f.event_id = e.event_id)"
                      " LIMIT 1").first()
        if missing:
            self.db = _Connection(self.connection)
            self._depth = 1  # inside the opening transaction: _fill_flat_events joins it
            try:
                self._fill_flat_events()
            finally:
                self._depth = 0

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """The outermost write transaction; writers of the same ledger queue on an advisory lock."""
        with self._begun():
            self.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction that sees the ledger as of its start."""
        if self._depth:
            yield
            return
        self._depth = 1
        try:
            with self._begun("REPEATABLE READ"):
                yield
        finally:
            self._depth = 0

    @contextmanager
    def _begun(self, isolation: str | None = None) -> Iterator[None]:
        """An explicit transaction; a read outside any (SQLAlchemy's autobegin) is ended first."""
        if self.connection.in_transaction():
            self.connection.commit()
        if isolation:
            self.connection.execution_options(isolation_level=isolation)
        try:
            with self.connection.begin():
                yield
        finally:
            if isolation:
                self.connection.execution_options(isolation_level="READ COMMITTED")

    def close(self) -> None:
        if self.connection.in_transaction():
            self.connection.commit()
        self.connection.close()
        self.engine.dispose()

    def _where(self, filters: EventFilters, *extra: str) -> tuple[str, list]:
        return _event_where(filters, *extra, postgresql=True)
