"""Store: the ledger whichever database holds it, composed of one part per concern (articles and
their frames, events and their links, analysts' decisions, feed state, facts, the read queries).
A backend (sqlite.SqliteStore, postgres.PgStore) gives it its connection (`db`: `execute` and
`executemany` with `?` parameters, rows readable by position and by name), its SQL dialect and its
transactions. Each article is written in one transaction, and each merge in another."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .articles import Articles
from .decisions import AnalystDecisions
from .dialect import Dialect
from .events import Events
from .facts import Facts
from .feedstate import FeedState
from .queries import ReadQueries

BUSY_TIMEOUT = 300.0  # seconds a writer waits for another process's write transaction to finish


class Store(Articles, Events, AnalystDecisions, FeedState, Facts, ReadQueries):
    """The ledger. Use as a context manager or call close(); open one with strikelog.ledger.open_ledger."""

    db: Any
    dialect: Dialect
    path: Any  # how messages name the ledger (a file, or a URL without its password)
    address: Any  # what opens it again (another())
    busy_timeout: float
    _depth: int  # how deep in transaction() or snapshot() the current code runs (0: outside)

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

    def _write_lock(self) -> Any:
        """The outermost write transaction (the backend's)."""
        raise NotImplementedError

    def snapshot(self) -> Any:
        """A read transaction that sees the ledger as of its start (the backend's)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def another(self) -> "Store":
        """A second connection to this ledger, for another thread (a connection is not shared)."""
        return type(self)(self.address, self.busy_timeout)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
