"""One exception hierarchy: catch StrikelogError for everything the library raises on purpose."""
from __future__ import annotations


class StrikelogError(Exception):
    """Base class of every error strikelog raises deliberately."""


class InputError(StrikelogError):
    """An input file that cannot be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class FetchError(InputError):
    """A URL that could not be fetched; `path` is the URL. `transient` errors (timeouts, refused
    connections, 429 and 5xx answers) are worth trying again on the next poll; the others are not."""

    def __init__(self, url: str, reason: str, transient: bool = False):
        super().__init__(url, reason)
        self.transient = transient


class ModelNotFound(StrikelogError):
    """The configured spaCy model is not installed."""


class DataError(StrikelogError):
    """A curated data file (actors, weapons, places) is malformed."""


class MissingExtra(StrikelogError):
    """A feature whose optional dependencies are not installed (e.g. Parquet needs pyarrow)."""


class LedgerError(StrikelogError):
    """The ledger database cannot be opened or does not hold what was asked for."""


class EventNotFound(LedgerError):
    """No event with that id in the ledger."""


class ArticleNotFound(LedgerError):
    """No article with that id in the ledger."""
