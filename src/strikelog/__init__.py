"""strikelog: news reports of attacks and strikes -> a sourced, deduplicated, geolocated event ledger."""
from .api import Ledger, extract_paths, ingest_paths, ingest_sources
from .changes import LedgerChanges
from .config import VERSION, Settings
from .errors import DataError, EventNotFound, InputError, LedgerError, ModelNotFound, StrikelogError
from .export import to_contract
from .records import BatchResult, Event, Problem

__all__ = [
    "BatchResult", "DataError", "Event", "EventNotFound", "FeedWatcher", "InputError", "Ledger", "LedgerChanges",
    "LedgerError", "ModelNotFound", "PollReport", "Problem", "Settings", "StrikelogError", "extract_paths",
    "ingest_paths", "ingest_sources", "poll_feeds", "to_contract",
]
__version__ = VERSION


def __getattr__(name: str):
    """The feed watcher (strikelog.run.watch, which loads the fetcher and the reader), imported when first
    asked for, so that `import strikelog` (every command) stays light."""
    if name in ("FeedWatcher", "PollReport", "poll_feeds"):
        from .run import watch

        return getattr(watch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
