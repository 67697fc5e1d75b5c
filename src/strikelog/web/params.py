"""Query parameters of the HTTP API: parsed and checked here, so that a bad value is a 400 with a
sentence naming the parameter, never a 500 further down."""
from __future__ import annotations

import math
import re
from datetime import date
from collections.abc import Callable
from typing import Annotated, Any, Literal, Optional

from fastapi import Depends, Query, Request

from ..store import SORT_KEYS, EventFilters
from . import vocabulary

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000
MAX_TEXT = 200
STATUSES = ("reported", "background", "all")
SORTS = tuple(key for name in SORT_KEYS for key in (name, f"-{name}"))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


class BadParameter(ValueError):
    """A query parameter that cannot be used; the API answers 400 with this message."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


def parse_country(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if not _COUNTRY.fullmatch(value):
        raise BadParameter("country", f"expected an ISO 3166 alpha-2 code such as IQ, got {value!r}")
    return value.upper()


def parse_date(name: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadParameter(name, f"expected a date as YYYY-MM-DD, got {value!r}") from None


def parse_bbox(value: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    """"west,south,east,north" in degrees; west > east crosses the antimeridian."""
    if value is None:
        return None
    message = f"expected four numbers west,south,east,north in degrees, got {value!r}"
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise BadParameter("bbox", message) from None
    if not all(math.isfinite(x) for x in (west, south, east, north)):
        raise BadParameter("bbox", message)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise BadParameter("bbox", "longitudes must lie between -180 and 180")
    if not (-90 <= south <= north <= 90):
        raise BadParameter("bbox", "latitudes must lie between -90 and 90 with south <= north")
    return west, south, east, north


def parse_text(name: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise BadParameter(name, f"at most {MAX_TEXT} characters")
    if any(ch < " " for ch in value):
        raise BadParameter(name, "control characters are not allowed")  # SQLite would cut the text at a NUL
    return value.strip() or None


def parse_search(value: Optional[str]) -> Optional[str]:
    text = parse_text("q", value)
    if text is not None and not re.search(r"\w", text):
        raise BadParameter("q", "the text search needs at least one letter or digit")
    return text


def parse_sort(value: str) -> str:
    if value not in SORTS:
        raise BadParameter("sort", f"unknown sort key {value!r}; choose one of {', '.join(SORTS)}")
    return value


# ---- repeated values, event types, actor aliases -----------------------------------------------------
Many = Optional[list[str]]  # a parameter that may be given more than once: an event matches any value


def parse_many(values: Many, parse: Callable[[str], Any]) -> Optional[tuple[str, ...]]:
    """Each value parsed (a parser may give one value or a tuple of them); None when none is left."""
    out: list[str] = []
    for value in values or ():
        parsed = parse(value)
        out.extend(parsed if isinstance(parsed, tuple) else [parsed] if parsed is not None else [])
    return tuple(dict.fromkeys(out)) or None


def parse_type(value: str) -> str:
    """An ACLED event type or sub-event type, spelt as ACLED spells it; anything else is refused."""
    text = parse_text("type", value)
    known = text and vocabulary.spelled_as(text)
    if known == text:
        return text
    if known:
        raise BadParameter("type", f"unknown type {text!r}; did you mean {known!r}? (types are matched as spelt)")
    raise BadParameter("type", f"unknown type {value!r}; give an ACLED event type (e.g. 'Battles') or sub-event"
                               " type (e.g. 'Air/drone strike'); GET /api/v1/facets lists those in the ledger")


def parse_actor(value: str) -> Optional[tuple[str, ...]]:
    """The text itself (part of a name) and the dictionary's names of the actors it names through an alias."""
    text = parse_text("actor", value)
    return None if text is None else (text, *vocabulary.actor_names(text))


async def event_filters(
    country: Annotated[Many, Query(description="ISO 3166 alpha-2 country code, e.g. IQ; repeat for several")] = None,
    admin1: Annotated[Many, Query(description="First-level administrative division, exact name; repeatable")] = None,
    since: Annotated[Optional[str], Query(description="Earliest date_start, YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], Query(description="Latest date_start, YYYY-MM-DD")] = None,
    type: Annotated[Many, Query(description="ACLED event type or sub-event type, as ACLED spells it; repeatable")] = None,
    actor: Annotated[Many, Query(description="Part of actor1's or actor2's name, or of a name or alias in the actor "
                                             "dictionary; repeatable")] = None,
    q: Annotated[Optional[str], Query(description="Words that must all occur in the event's actors, place, "
                                                  "weapons, claimants or evidence sentences")] = None,
    bbox: Annotated[Optional[str], Query(description="west,south,east,north in degrees")] = None,
    status: Annotated[Literal["reported", "background", "all"],
                      Query(description="reported events (default), background ones, or all")] = "reported",
) -> EventFilters:
    """The event filters shared by the list, timeline, facets and export endpoints (async: no thread hop)."""
    since, until = parse_date("since", since), parse_date("until", until)
    if since and until and since > until:
        raise BadParameter("until", f"{until} is before since={since}")
    return EventFilters(
        country=parse_many(country, parse_country), admin1=parse_many(admin1, lambda v: parse_text("admin1", v)),
        since=since, until=until, event_type=parse_many(type, parse_type), actor=parse_many(actor, parse_actor),
        text=parse_search(q),
        bbox=parse_bbox(bbox), status=None if status == "all" else status,
    )


Filters = Annotated[EventFilters, Depends(event_filters)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}")]
Sort = Annotated[str, Query(description=f"One of {', '.join(SORTS)} (leading - for descending)")]


async def reject_unknown_parameters(request: Request) -> None:
    """A misspelt parameter (`contry=IQ`) is an error, not a silently unfiltered answer."""
    route = request.scope.get("route")
    operation = request.app.openapi()["paths"].get(getattr(route, "path_format", ""), {}).get(request.method.lower())
    if operation is None:
        return
    known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    for name in request.query_params:
        if name not in known:
            choices = ", ".join(sorted(known)) or "none"
            raise BadParameter(name, f"unknown parameter; this endpoint takes: {choices}")
