"""The ledger as a plain SQLite file. Autocommit mode: every write goes through transaction(), which
takes the write lock up front (BEGIN IMMEDIATE), so what a writer reads inside it cannot change under
it; WAL mode lets readers read while an ingest writes. A new ledger, or one an older version wrote,
is set up on open (migrations.py)."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import LedgerError
from .dialect import SQLITE
from .migrations import SqliteSetUp, needs_setup
from .store import BUSY_TIMEOUT, Store


class SqliteStore(SqliteSetUp, Store):
    """The ledger in a SQLite file."""

    dialect = SQLITE

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT):
        self.path = Path(path)
        self.address = path
        self.busy_timeout = busy_timeout
        self._depth = 0
        try:
            self.db = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None)
            self._retry_while_busy(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
            self.db.execute("PRAGMA foreign_keys=ON")
            if needs_setup(self.db):
                with self.transaction():
                    if needs_setup(self.db):  # another process may have set it up while this one waited
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

    def close(self) -> None:
        self.db.close()


def _is_busy(err: sqlite3.OperationalError) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY): another connection holds the lock."""
    return "locked" in str(err) or "busy" in str(err)
