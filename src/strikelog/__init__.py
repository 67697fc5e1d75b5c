"""strikelog: news reports of attacks and strikes -> a sourced, deduplicated, geolocated event ledger."""
from .api import Ledger, extract_paths, ingest_paths
from .config import Settings
from .errors import DataError, EventNotFound, InputError, LedgerError, ModelNotFound, StrikelogError
from .export import to_contract
from .records import BatchResult, Event, Problem

__all__ = [
    "BatchResult", "DataError", "Event", "EventNotFound", "InputError", "Ledger", "LedgerError",
    "ModelNotFound", "Problem", "Settings", "StrikelogError", "extract_paths", "ingest_paths", "to_contract",
]
__version__ = "0.1.0"
