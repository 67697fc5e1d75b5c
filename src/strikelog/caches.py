"""Process-wide caches that can be emptied: the curated data, the spaCy model and its tagger, the
gazetteer and the place resolver are each loaded once per process (`process_cache`), and
`reset_caches()` forgets them all, so that a test or a worker that changes the settings or the data
(STRIKELOG_DATA_DIR, STRIKELOG_MODEL, STRIKELOG_GAZETTEER) loads them again.

Imports nothing of strikelog: every stage may use it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional, TypeVar

F = TypeVar("F", bound=Callable)
_CACHED: list = []


def process_cache(maxsize: Optional[int] = 1) -> Callable[[F], F]:
    """`functools.lru_cache(maxsize)`, registered so that `reset_caches` clears it."""
    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _CACHED.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def reset_caches() -> None:
    """Forget everything loaded once per process (in the modules imported so far)."""
    for cached in _CACHED:
        cached.cache_clear()
