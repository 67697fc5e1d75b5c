"""Stage 8, the ledger: what strikelog has read and merged, kept in a SQLite file or a PostgreSQL
database, and the queries the CLI and the web read it with.

Holds one schema for both backends (schema: SQLAlchemy Core tables; migrations: upgrading an older
SQLite ledger), the Store composed of one part per concern (articles: articles, frames and the frame
index; events: events and their links; decisions; feedstate: feeds and seen URLs; facts; queries: the
read queries; filters: EventFilters and the WHERE they make; codec: records <-> rows), its two backends
(sqlite, postgres) with what their SQL differs in (dialect), and `open_ledger`, which picks the backend.

May import: records, errors, config, and the frame records it stores (merge.frames: Frame, ArticleFrames,
Decisions). Never merge's logic (its blocking keys come from the caller), extract, run, api, cli, web.

    from strikelog.ledger import open_ledger
    with open_ledger("strikelog.db") as store:
        store.events(country="IQ")
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .codec import article_from, flat_row, frame_from, mention_from, plain
from .dialect import fts_query, ts_query
from .filters import SORT_KEYS, EventFilters
from .schema import FLAT_COLUMNS, SCHEMA_VERSION
from .sqlite import SqliteStore
from .store import BUSY_TIMEOUT, Store

__all__ = [
    "BUSY_TIMEOUT", "FLAT_COLUMNS", "SCHEMA_VERSION", "SORT_KEYS", "EventFilters", "SqliteStore", "Store",
    "article_from", "flat_row", "frame_from", "fts_query", "is_database_url", "mention_from", "open_ledger", "plain",
    "ts_query",
]


def is_database_url(db: Any) -> bool:
    """True when `db` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def open_ledger(db: Path | str, busy_timeout: float = BUSY_TIMEOUT) -> Store:
    """The ledger at `db`: a SQLite file (created when there is none), or a PostgreSQL database when
    `db` is a postgresql:// URL (needs the `scale` extra)."""
    if is_database_url(db):
        from .postgres import PgStore  # loads SQLAlchemy's engine and psycopg only for a database server

        return PgStore(str(db), busy_timeout)
    return SqliteStore(db, busy_timeout)
