"""Query parameters of the HTTP API: parsed and checked here, so that a bad value is a 400 with a
sentence naming the parameter, never a 500 further down."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import Depends, Query, Request

from .. import filters
from ..filters import SORTS, STATUSES, BadFilter, EventFilters, parse_sort  # noqa: F401 (parse_sort, STATUSES: used by the app)

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000


BadParameter = BadFilter  # the API answers it with 400 and the message


Many = Optional[list[str]]  # a parameter that may be given more than once: an event matches any value


async def event_filters(
    country: Annotated[Many, Query(description="ISO 3166 alpha-2 country code, e.g. IQ (not a name); repeat for several")] = None,
    admin1: Annotated[Many, Query(description="First-level administrative division, exact name; repeatable")] = None,
    since: Annotated[Optional[str], Query(description="Earliest date_start, YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], Query(description="Latest date_start, YYYY-MM-DD")] = None,
    type: Annotated[Many, Query(description="ACLED event type or sub-event type, in any case; an unknown type is "
                                            "refused; repeatable")] = None,
    actor: Annotated[Many, Query(description="Part of actor1's or actor2's name, or of a name or alias in the actor "
                                             "dictionary; repeatable")] = None,
    q: Annotated[Optional[str], Query(description="Words that must all occur in the event's actors, place, "
                                                  "weapons, claimants or evidence sentences")] = None,
    bbox: Annotated[Optional[str], Query(description="west,south,east,north in degrees")] = None,
    status: Annotated[Literal["reported", "background", "all"],
                      Query(description="reported events (default), background ones, or all")] = "reported",
) -> EventFilters:
    """The event filters shared by the list, timeline, facets and export endpoints (async: no thread hop),
    checked by the rules the CLI uses too (strikelog.filters)."""
    return filters.event_filters(country=country, admin1=admin1, since=since, until=until, event_type=type,
                                 actor=actor, text=q, bbox=bbox, status=status)


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
            raise BadFilter(name, f"unknown parameter; this endpoint takes: {choices}")
