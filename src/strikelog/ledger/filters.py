"""What events are selected by (EventFilters) and the WHERE clause and ORDER BY that select them,
in either backend's spelling (dialect.py). Values are bound as SQL parameters, never spliced."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from .dialect import Dialect

SORT_KEYS = {"date": "date_start", "fatalities": "fatalities", "country": "country", "type": "event_type",
             "event_id": "event_id"}


@dataclass(frozen=True)
class EventFilters:
    """What to select events by; every field is optional. Values are bound as SQL parameters, never spliced.

    since/until: YYYY-MM-DD, compared with date_start. event_type: an event or sub-event type.
    actor: part of actor1's or actor2's name. text: words that must all occur in the event's actors,
    place, types, weapons, claimants or evidence sentences. bbox: (west, south, east, north) in degrees;
    west > east crosses the antimeridian. status: "reported" or "background".
    country, admin1, event_type and actor also take a tuple of values: an event matches any of them.
    """

    country: Optional[str | tuple[str, ...]] = None
    admin1: Optional[str | tuple[str, ...]] = None
    since: Optional[str] = None
    until: Optional[str] = None
    event_type: Optional[str | tuple[str, ...]] = None
    actor: Optional[str | tuple[str, ...]] = None
    text: Optional[str] = None
    bbox: Optional[tuple[float, float, float, float]] = None
    status: Optional[str] = None


def event_where(f: EventFilters, dialect: Dialect, *extra: str) -> tuple[str, list]:
    """WHERE clause and parameters for these filters (and any `extra` clauses), as `dialect` spells them."""
    clauses, params = list(extra), []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    def add_any(clause: str, values: Any, per_value: Callable[[str], tuple] = lambda v: (v,)) -> None:
        """`clause` for each value, OR-ed: a filter given several values matches any of them."""
        values = (values,) if isinstance(values, str) else tuple(values)
        add("(" + " OR ".join([clause] * len(values)) + ")", *(x for v in values for x in per_value(v)))

    if f.country:
        add_any("country = ?", f.country, lambda v: (v.upper(),))
    if f.admin1:
        add_any(dialect.admin1_equals, f.admin1)
    if f.since:
        add("date_start >= ?", f.since)
    if f.until:
        add("date_start <= ?", f.until)
    if f.event_type:
        add_any("event_type = ? OR sub_event_type = ?", f.event_type, lambda v: (v, v))
    if f.actor:
        add_any("actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\'", f.actor,
                lambda v: (f"%{_like_escaped(v)}%",) * 2)
    if f.status:
        add("status = ?", f.status)
    if f.bbox:
        west, south, east, north = f.bbox
        add("lat BETWEEN ? AND ?", south, north)
        add("lon BETWEEN ? AND ?" if west <= east else "(lon >= ? OR lon <= ?)", west, east)
    if f.text is not None:
        add(dialect.text_match, dialect.text_query(f.text))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def order_by(sort: str) -> str:
    """ORDER BY for a sort key ("date", "-fatalities", ...): missing values last, event id breaks ties.
    (NULLS LAST rather than `column IS NULL` first: SQLite can then walk an index instead of sorting.)"""
    column = SORT_KEYS.get(sort.removeprefix("-"))
    if column is None:
        raise ValueError(f"unknown sort key {sort!r}; choose one of {', '.join(SORT_KEYS)} (prefix - for descending)")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"ORDER BY {column} {direction} NULLS LAST, event_id {direction}"


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
