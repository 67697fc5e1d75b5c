"""What differs between the ledger's two backends in the SQL the shared queries run, in one place:
an event's summary, the case-blind match of admin1, and the text search with its query syntax.
Everything else is SQL both read alike (`INSERT ... ON CONFLICT DO NOTHING`, `CAST(? AS TEXT)`);
the PostgreSQL connection only binds the `?` parameters by name (postgres.py)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .schema import FLAT_TSVECTOR


def fts_query(text: str) -> str:
    """Words of a free-text search as an FTS5 query: every word must occur, the last one as a prefix.
    Raises ValueError when there is no word in `text`."""
    words = re.findall(r"\w+", text)
    if not words:
        raise ValueError("the text search needs at least one letter or digit")
    quoted = [f'"{w}"' for w in words]
    return " ".join(quoted) + "*"


def ts_query(text: str) -> str:
    """The same search as a PostgreSQL tsquery: every word, the last one as a prefix (words are
    letters and digits only, so nothing in them is tsquery syntax). Raises ValueError as fts_query does."""
    fts_query(text)
    words = re.findall(r"\w+", text)
    return " & ".join(words[:-1] + [words[-1] + ":*"])


@dataclass(frozen=True)
class Dialect:
    """A backend's spelling of the clauses the shared queries differ in (docs/scale.md)."""

    name: str
    summary: str  # an event's summary: the contract object without its claims and evidence (GeoJSON properties)
    admin1_equals: str  # admin1 equal to one parameter, case-blind
    text_match: str  # the event is among those whose events_flat words match one parameter
    text_query: Callable[[str], str]  # a user's words as that parameter


SQLITE = Dialect(
    name="sqlite",
    summary="json_remove(data, '$.claims', '$.evidence')",
    admin1_equals="admin1 = ? COLLATE NOCASE",
    text_match="event_id IN (SELECT event_id FROM events_flat WHERE id IN"
               " (SELECT rowid FROM events_flat_fts WHERE events_flat_fts MATCH ?))",
    text_query=fts_query,
)
# A summary is data::jsonb minus claims and evidence, so its keys come in jsonb's order; the words are
# case-blind but accents are not folded, unlike SQLite's FTS5 `remove_diacritics`.
POSTGRESQL = Dialect(
    name="postgresql",
    summary="((data::jsonb - 'claims') - 'evidence')::text",
    admin1_equals="lower(admin1) = lower(?)",
    text_match=f"event_id IN (SELECT event_id FROM events_flat WHERE {FLAT_TSVECTOR} @@ to_tsquery('simple', ?))",
    text_query=ts_query,
)
