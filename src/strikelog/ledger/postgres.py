"""The ledger in PostgreSQL (`--db postgresql://user@host/db`), through SQLAlchemy Core.

The tables are schema.py's, created with `MetaData.create_all`; the Store's statements run on a
SQLAlchemy connection through `_Connection`, which binds their `?` parameters by name (the SQL itself
is the same for both backends but for dialect.py's few clauses). What differs (docs/scale.md):

- text columns use the "C" collation, so that ordering and the key-prefix ranges of the merge's
  blocking index compare code points, as SQLite does, whatever the database's locale;
- the text search is a GIN index on events_flat over `to_tsvector('simple', ...)` of the columns
  SQLite's events_flat_fts indexes (schema.POSTGRESQL_TEXT_INDEX; dialect.POSTGRESQL);
- a write transaction takes a transaction-scoped advisory lock first, so two writers queue as
  SQLite's BEGIN IMMEDIATE makes them queue.

Needs the `scale` extra (psycopg).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Iterable, Sequence

from ..errors import LedgerError
from .dialect import POSTGRESQL
from .schema import POSTGRESQL_TEXT_INDEX, SOURCE_ARTICLE_KEY, metadata
from .store import BUSY_TIMEOUT, Store

_WRITE_LOCK = 0x5354524B  # "STRK": the advisory lock every writer of a ledger takes


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
    """The Store's statements on a SQLAlchemy connection, each `?` parameter bound by name."""

    _PARAM = re.compile(r"\?")

    def __init__(self, connection: Any):
        self.connection = connection

    def execute(self, sql: str, params: Iterable = ()) -> _Rows:
        from sqlalchemy import text

        statement, names = self._named(sql)
        return _Rows(self.connection.execute(text(statement), dict(zip(names, params))))

    def executemany(self, sql: str, rows: Iterable[Iterable]) -> None:
        from sqlalchemy import text

        statement, names = self._named(sql)
        batch = [dict(zip(names, row)) for row in rows]
        if batch:
            self.connection.execute(text(statement), batch)

    @staticmethod
    def _named(sql: str) -> tuple[str, list[str]]:
        names: list[str] = []

        def name(_match) -> str:
            names.append(f"p{len(names)}")
            return f":{names[-1]}"

        return _Connection._PARAM.sub(name, sql), names


class PgStore(Store):
    """The ledger in a PostgreSQL database; the methods and their results are those of SqliteStore."""

    dialect = POSTGRESQL

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
        try:
            self.engine = create_engine(address, connect_args={"options": f"-c lock_timeout={int(busy_timeout * 1000)}"})
            self.connection = self.engine.connect()
            with self.connection.begin():
                self.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                metadata().create_all(self.connection)
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
        sql(POSTGRESQL_TEXT_INDEX)
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
