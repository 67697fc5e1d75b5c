"""The ledger's tables, declared once in SQLAlchemy Core for both backends.

Tables: articles (one row per article, keyed by id, with its content hash), sentences, mentions,
frames (an article's events before cross-article merging) with their blocking keys and the queue
of frames waiting to be merged (pending), canonical events with their sources, member frames
(frame_events), the frames or ledger search each answers (event_targets) and resolved links
(event_links), analysts' decisions, the events flat for tools that read plain tables (events_flat),
and what the feed watcher knows (feeds with their validators and health, the items it has seen, and
every fetched URL with its validators).

PostgreSQL creates them with `MetaData.create_all`; SQLite runs the same tables compiled to its DDL
(`sqlite_tables`, then `sqlite_indexes` once an older ledger has gained the indexed columns). Each
backend's text index is its own extra: an FTS5 table kept by triggers in SQLite (SQLITE_TEXT_INDEX),
a GIN index in PostgreSQL (POSTGRESQL_TEXT_INDEX). SQLAlchemy is imported only to create or upgrade
a ledger, never to read one.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

SCHEMA_VERSION = 5  # 3: feeds, feed_items and seen_urls (created on open; older ledgers simply gain them);
# 4: events_flat and its FTS index, event_sources.article_id a foreign key (filled and rebuilt on open);
# 5: one text index, events_flat_fts, for the web's search and Datasette's (events_search dropped on open)

# The events flat, one typed column a field (ACLED's names where it has one), for tools that read plain
# tables (Datasette: docs/datasette.md). Kept in step with `events` (written with it, deleted by its
# cascade); its text index is the one text index of the ledger: the web's search (EventFilters.text) reads it.
FLAT_COLUMNS = (
    "event_id", "status", "event_date", "date_end", "date_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities",
    "fatalities_low", "fatalities_high", "wounded", "wounded_low", "wounded_high", "weapons", "n_sources",
    "sources", "responds_to", "claimed_by", "evidence",
)
FLAT_SEARCHED = ("event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "country", "weapons",
                 "claimed_by", "evidence")
# The same columns' words in PostgreSQL (a GIN index on this expression over events_flat). Only immutable
# functions (coalesce, ||), as an index expression needs; the search spells it the same way (dialect.py).
FLAT_TSVECTOR = "to_tsvector('simple', " + " || ' ' || ".join(f"coalesce({c}, '')" for c in FLAT_SEARCHED) + ")"
SOURCE_ARTICLE_KEY = "event_sources_article_id_fkey"  # the key a ledger before version 4 lacks

# SQLite's text index: an external-content FTS5 table named and declared as Datasette expects.
SQLITE_TEXT_INDEX = [
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
# PostgreSQL's: a GIN index on the words of events_flat.
POSTGRESQL_TEXT_INDEX = f"CREATE INDEX IF NOT EXISTS events_flat_words ON events_flat USING gin ({FLAT_TSVECTOR})"


@lru_cache(maxsize=1)
def metadata() -> Any:
    """The ledger's tables as SQLAlchemy Core metadata. Text columns use the "C" collation in PostgreSQL,
    so that ordering and the key-prefix ranges of the merge's blocking index compare code points, as
    SQLite does, whatever the database's locale."""
    from sqlalchemy import MetaData

    md = MetaData()
    for declare in (_article_tables, _frame_tables, _event_tables, _feed_tables):
        declare(md)
    return md


def sqlite_tables() -> list[str]:
    """CREATE TABLE IF NOT EXISTS for every table, in SQLite's DDL, those referred to first."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateTable

    return [str(CreateTable(t, if_not_exists=True).compile(dialect=sqlite.dialect())).strip()
            for t in metadata().sorted_tables]


def sqlite_indexes() -> list[str]:
    """CREATE INDEX IF NOT EXISTS for every index, in SQLite's DDL."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex

    return [str(CreateIndex(index, if_not_exists=True).compile(dialect=sqlite.dialect())).strip()
            for t in metadata().sorted_tables for index in sorted(t.indexes, key=lambda i: i.name)]


def _text(name: str, **kw: Any) -> Any:
    from sqlalchemy import Column, Text
    from sqlalchemy.dialects import postgresql

    return Column(name, Text().with_variant(postgresql.TEXT(collation="C"), "postgresql"), **kw)


def _real(name: str) -> Any:
    from sqlalchemy import Column, Float
    from sqlalchemy.dialects import sqlite

    return Column(name, Float().with_variant(sqlite.REAL(), "sqlite"))


def _int(name: str, **kw: Any) -> Any:
    from sqlalchemy import Column, Integer

    return Column(name, Integer, **kw)


def _keyed_by_article(*columns: Any) -> list:
    """(article_id, idx) columns, the primary key, and the cascade from articles."""
    from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint

    return [_text("article_id", nullable=False), _int("idx", nullable=False), *columns,
            PrimaryKeyConstraint("article_id", "idx"),
            ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE")]


def _frame_ref() -> Any:
    from sqlalchemy import ForeignKeyConstraint

    return ForeignKeyConstraint(["article_id", "idx"], ["frames.article_id", "frames.idx"], ondelete="CASCADE")


def _article_tables(md: Any) -> None:
    from sqlalchemy import Table

    Table("articles", md, _text("id", primary_key=True), _text("path"), _text("content_hash", nullable=False),
          _text("title"), _text("published"), _text("url"), _text("outlet"), _text("ingested_at", nullable=False))
    Table("sentences", md, *_keyed_by_article(_text("kind"), _text("text", nullable=False)))
    Table("mentions", md, *_keyed_by_article(_text("data", nullable=False)))


def _frame_tables(md: Any) -> None:
    from sqlalchemy import Index, PrimaryKeyConstraint, Table

    Table("frames", md, *_keyed_by_article(_text("data", nullable=False), _text("sentence")))
    Table("frame_keys", md, _text("key", nullable=False), _text("article_id", nullable=False),
          _int("idx", nullable=False), PrimaryKeyConstraint("key", "article_id", "idx"), _frame_ref())
    Table("frame_events", md, _text("article_id", nullable=False), _int("idx", nullable=False),
          _text("event_id", nullable=False), PrimaryKeyConstraint("article_id", "idx"), _frame_ref(),
          Index("frame_events_event", "event_id"))
    Table("pending", md, _text("article_id", nullable=False), _int("idx", nullable=False),
          PrimaryKeyConstraint("article_id", "idx"), _frame_ref())


def _event_tables(md: Any) -> None:
    from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, PrimaryKeyConstraint, Table

    def cascade_from_events() -> ForeignKeyConstraint:
        return ForeignKeyConstraint(["event_id"], ["events.event_id"], ondelete="CASCADE")

    Table("events", md, _text("event_id", primary_key=True), _text("status"), _text("event_type"),
          _text("sub_event_type"), _text("date_start"), _text("date_end"), _text("country"), _text("admin1"),
          _text("actor1"), _text("actor2"), _int("fatalities"), _text("data", nullable=False), _real("lat"),
          _real("lon"),
          Index("events_date", "date_start"), Index("events_country", "country"),
          Index("events_country_date_status", "country", "date_start", "status"),
          Index("events_lat_lon", "lat", "lon"), Index("events_fatalities", "fatalities"),
          Index("events_timeline", "date_start", "event_type", "status"),
          Index("events_types", "sub_event_type", "event_type", "status"))
    Table("event_targets", md, _text("event_id", nullable=False), _text("target_article"), _int("target_idx"),
          cascade_from_events(), Index("event_targets_event", "event_id"),
          Index("event_targets_target", "target_article", "target_idx"))
    Table("event_links", md, _text("event_id", nullable=False), _text("target_id", nullable=False),
          PrimaryKeyConstraint("event_id", "target_id"), cascade_from_events(), Index("event_links_target", "target_id"))
    Table("decisions", md, _int("id", primary_key=True), _text("kind", nullable=False),
          _text("a_article", nullable=False), _text("a_sentence", nullable=False), _text("b_article", nullable=False),
          _text("b_sentence", nullable=False), _text("made_at", nullable=False),
          CheckConstraint("kind IN ('together', 'apart')"),
          Index("decisions_a", "a_article"), Index("decisions_b", "b_article"))
    Table("event_sources", md, _text("event_id", nullable=False), _text("article_id", nullable=False),
          PrimaryKeyConstraint("event_id", "article_id"), cascade_from_events(),
          ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE", name=SOURCE_ARTICLE_KEY),
          Index("event_sources_article", "article_id"))
    Table("events_flat", md, _int("id", primary_key=True, autoincrement=True),
          _text("event_id", nullable=False, unique=True), *(_flat_column(name) for name in FLAT_COLUMNS[1:]),
          cascade_from_events(), Index("events_flat_date", "event_date"))


def _flat_column(name: str) -> Any:
    if name in ("latitude", "longitude"):
        return _real(name)
    if name in ("geo_precision", "n_sources") or name.startswith(("fatalities", "wounded")):
        return _int(name, nullable=name != "n_sources")
    return _text(name, nullable=name != "status")


def _feed_tables(md: Any) -> None:
    from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint, Table, text

    Table("feeds", md, _text("url", primary_key=True), _text("title"), _text("added_at", nullable=False),
          _text("etag"), _text("last_modified"), _text("last_poll"), _text("last_ok"), _text("last_new"),
          *(_int(name, nullable=False, server_default=text("0"))
            for name in ("polls", "not_modified", "items", "failures", "errors")),
          _text("last_error"), _text("last_error_at"))
    Table("feed_items", md, _text("feed_url", nullable=False), _text("item_id", nullable=False),
          _text("url", nullable=False), _text("signature", nullable=False), _text("first_seen", nullable=False),
          PrimaryKeyConstraint("feed_url", "item_id"),
          ForeignKeyConstraint(["feed_url"], ["feeds.url"], ondelete="CASCADE"))
    Table("seen_urls", md, _text("url", primary_key=True), _text("article_id"), _text("etag"), _text("last_modified"),
          _text("content_hash"), _text("outcome", nullable=False), _text("first_seen", nullable=False),
          _text("last_fetched", nullable=False))
