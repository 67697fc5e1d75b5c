"""The rules for the values events are selected by, shared by the CLI (`events`, `timeline`, `export`)
and the HTTP API: one check per filter, each failing with a `BadFilter` whose message names the
parameter ("since: expected a date as YYYY-MM-DD, got 'yesterday'"). The API answers it with 400,
the CLI exits 2 with the same sentence.

    from strikelog.filters import event_filters
    filters = event_filters(country="IQ", since="2024-01-01", event_type="air/drone strike")
"""
from __future__ import annotations

import csv
import json
import math
import re
from datetime import date
from collections.abc import Callable, Sequence
from typing import Any, Optional, Union

from .caches import process_cache
from .resources import data_text
from .ledger import SORT_KEYS, EventFilters
from .vocabulary import actor_names

MAX_TEXT = 200
STATUSES = ("reported", "background", "all")
SORTS = tuple(key for name in SORT_KEYS for key in (name, f"-{name}"))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


class BadFilter(ValueError):
    """A filter value that cannot be used; the message starts with the parameter's name."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


def parse_country(value: Optional[str]) -> Optional[str]:
    """An ISO 3166 alpha-2 code, upper-cased. A country's name is refused, with its code suggested:
    names are ambiguous and translated differently by every source, codes are not."""
    if value is None:
        return None
    if not _COUNTRY.fullmatch(value):
        hint = _country_codes().get(value.strip().casefold())
        suggestion = f" ({value.strip()} is {hint})" if hint else ""
        raise BadFilter("country", f"expected an ISO 3166 alpha-2 code such as IQ, got {value!r}{suggestion}")
    return value.upper()


@process_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Country names (ACLED's and GeoNames') and the dictionary's aliases -> ISO2, case-folded."""
    out: dict[str, str] = {}
    for row in csv.DictReader(data_text("acled_countries.csv").splitlines()):
        out.setdefault(row["name"].casefold(), row["iso2"])
    for line in data_text("countries.jsonl").splitlines():
        if line.strip():
            row = json.loads(line)
            for name in [row["name"], *row.get("aliases", [])]:
                out.setdefault(name.casefold(), row["code"])
    return out


def parse_date(name: str, value: Optional[str]) -> Optional[str]:
    """A calendar date written YYYY-MM-DD (2024-02-30 and 2024-13-01 are refused, not rolled over)."""
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadFilter(name, f"expected a date as YYYY-MM-DD, got {value!r}") from None


def parse_range(since: Optional[str], until: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    since, until = parse_date("since", since), parse_date("until", until)
    if since and until and since > until:
        raise BadFilter("until", f"{until} is before since={since}")
    return since, until


def parse_bbox(value: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    """"west,south,east,north" in degrees; west > east crosses the antimeridian."""
    if value is None:
        return None
    message = f"expected four numbers west,south,east,north in degrees, got {value!r}"
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise BadFilter("bbox", message) from None
    if not all(math.isfinite(x) for x in (west, south, east, north)):
        raise BadFilter("bbox", message)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise BadFilter("bbox", "longitudes must lie between -180 and 180")
    if not (-90 <= south <= north <= 90):
        raise BadFilter("bbox", "latitudes must lie between -90 and 90 with south <= north")
    return west, south, east, north


def parse_text(name: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise BadFilter(name, f"at most {MAX_TEXT} characters")
    if any(ch < " " for ch in value):
        raise BadFilter(name, "control characters are not allowed")  # SQLite would cut the text at a NUL
    return value.strip() or None


def parse_search(value: Optional[str]) -> Optional[str]:
    text = parse_text("q", value)
    if text is not None and not re.search(r"\w", text):
        raise BadFilter("q", "the text search needs at least one letter or digit")
    return text


def parse_type(value: Optional[str]) -> Optional[str]:
    """An ACLED event type or sub-event type, in any case; returned as ACLED spells it."""
    text = parse_text("type", value)
    if text is None:
        return None
    known = _event_types()
    if text.casefold() not in known:
        raise BadFilter("type", f"unknown event type {text!r}; choose an ACLED event type or sub-event type, "
                                f"such as {', '.join(list(dict.fromkeys(known.values()))[:4])}")
    return known[text.casefold()]


@process_cache(maxsize=1)
def _event_types() -> dict[str, str]:
    """Every ACLED event and sub-event type, case-folded -> ACLED's spelling (data/acled.json)."""
    types = json.loads(data_text("acled.json"))["event_types"]
    out = {name.casefold(): name for name in types}
    for subs in types.values():
        out.update({name.casefold(): name for name in subs})
    return out


def parse_sort(value: str) -> str:
    if value not in SORTS:
        raise BadFilter("sort", f"unknown sort key {value!r}; choose one of {', '.join(SORTS)}")
    return value


def parse_status(value: Optional[str]) -> Optional[str]:
    """"reported" (the default), "background", or "all" (no status filter: None)."""
    value = value or "reported"
    if value not in STATUSES:
        raise BadFilter("status", f"expected one of {', '.join(STATUSES)}, got {value!r}")
    return None if value == "all" else value


Values = Union[None, str, Sequence[str]]  # one value, or several (an event matches any of them)


def event_filters(
    country: Values = None, admin1: Values = None, since: Optional[str] = None,
    until: Optional[str] = None, event_type: Values = None, actor: Values = None,
    text: Optional[str] = None, bbox: Optional[str] = None, status: Optional[str] = "reported",
) -> EventFilters:
    """The filters as given by a user (strings), checked and normalised; raises BadFilter."""
    since, until = parse_range(since, until)
    return EventFilters(
        country=parse_many(country, parse_country), admin1=parse_many(admin1, lambda v: parse_text("admin1", v)),
        since=since, until=until, event_type=parse_many(event_type, parse_type), actor=parse_many(actor, parse_actor),
        text=parse_search(text), bbox=parse_bbox(bbox), status=parse_status(status),
    )


def parse_many(values: Values, parse: Callable[[str], Any]) -> Optional[tuple[str, ...]]:
    """Each value parsed (a parser may give one value or a tuple of them); None when none is left."""
    out: list[str] = []
    for value in [values] if isinstance(values, str) else values or ():
        parsed = parse(value)
        out.extend(parsed if isinstance(parsed, tuple) else [parsed] if parsed is not None else [])
    return tuple(dict.fromkeys(out)) or None


def parse_actor(value: Optional[str]) -> Optional[tuple[str, ...]]:
    """The text itself (part of a name) and the dictionary's names of the actors it names through an alias."""
    text = parse_text("actor", value)
    return None if text is None else (text, *actor_names(text))
