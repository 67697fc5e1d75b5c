"""Stage 9, export: canonical events -> the contract's JSON objects, CSV (ACLED columns) or GeoJSON."""
from __future__ import annotations

import csv
import json
from dataclasses import asdict
from typing import IO, Iterable

from datetime import date

from .records import Claim, Count, DateRange, Event, Evidence, Location

FORMATS = ("jsonl", "json", "csv", "geojson")
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "unknown": ""}
CSV_COLUMNS = [
    "event_id", "event_date", "date_end", "time_precision", "date_precision", "status", "event_type",
    "sub_event_type", "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "fatalities_low", "fatalities_high", "wounded", "weapons", "source",
    "responds_to", "notes",
]


def to_contract(event: Event) -> dict:
    """The event as one contract object (shared/CONTRACT.md)."""
    return {
        "event_id": event.event_id,
        "status": event.status,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date_start": event.when.start.isoformat() if event.when.start else None,
        "date_end": event.when.end.isoformat() if event.when.end else None,
        "date_precision": event.when.precision,
        "actor1": event.actor1,
        "actor2": event.actor2,
        "location": {
            "name": event.where.name,
            "country": event.where.country,
            "admin1": event.where.admin1,
            "lat": event.where.lat,
            "lon": event.where.lon,
            "geo_precision": event.where.geo_precision,
        },
        "weapons": list(event.weapons),
        "fatalities": asdict(event.fatalities),
        "wounded": asdict(event.wounded),
        "claims": [asdict(c) for c in event.claims],
        "responds_to": list(event.responds_to),
        "sources": list(event.sources),
        "evidence": [asdict(e) for e in event.evidence],
    }


def from_contract(obj: dict) -> Event:
    """The inverse of `to_contract` (mentions and member frames are not part of the contract)."""
    loc = obj["location"]
    return Event(
        event_id=obj["event_id"], status=obj["status"], event_type=obj["event_type"],
        sub_event_type=obj["sub_event_type"], actor1=obj["actor1"], actor2=obj["actor2"],
        when=DateRange(_day(obj["date_start"]), _day(obj["date_end"]), obj["date_precision"]),
        where=Location(loc["name"], loc["country"], loc["admin1"], loc["lat"], loc["lon"], loc["geo_precision"]),
        weapons=list(obj["weapons"]), fatalities=Count(**obj["fatalities"]), wounded=Count(**obj["wounded"]),
        claims=[Claim(**c) for c in obj["claims"]], responds_to=list(obj["responds_to"]),
        sources=list(obj["sources"]), evidence=[Evidence(**e) for e in obj["evidence"]],
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def write(events: Iterable[dict], fmt: str, out: IO[str]) -> int:
    """Write contract objects in one of FORMATS; returns how many were written."""
    events = list(events)
    if fmt == "jsonl":
        for obj in events:
            out.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
    elif fmt == "json":
        json.dump(events, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(obj) for obj in events)
    elif fmt == "geojson":
        json.dump(geojson(events), out, ensure_ascii=False)
        out.write("\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return len(events)


def csv_row(obj: dict) -> dict:
    """ACLED's column names where one exists, plus strikelog's own."""
    loc = obj["location"]
    return {
        "event_id": obj["event_id"],
        "event_date": obj["date_start"] or "",
        "date_end": obj["date_end"] or "",
        "time_precision": _TIME_PRECISION[obj["date_precision"]],
        "date_precision": obj["date_precision"],
        "status": obj["status"],
        "event_type": obj["event_type"],
        "sub_event_type": obj["sub_event_type"],
        "actor1": obj["actor1"] or "",
        "actor2": obj["actor2"] or "",
        "country": loc["country"] or "",
        "admin1": loc["admin1"] or "",
        "location": loc["name"] or "",
        "latitude": "" if loc["lat"] is None else loc["lat"],
        "longitude": "" if loc["lon"] is None else loc["lon"],
        "geo_precision": loc["geo_precision"],
        "fatalities": _blank(obj["fatalities"]["best"]),
        "fatalities_low": _blank(obj["fatalities"]["low"]),
        "fatalities_high": _blank(obj["fatalities"]["high"]),
        "wounded": _blank(obj["wounded"]["best"]),
        "weapons": "; ".join(obj["weapons"]),
        "source": "; ".join(obj["sources"]),
        "responds_to": "; ".join(obj["responds_to"]),
        "notes": obj["evidence"][0]["sentence"] if obj["evidence"] else "",
    }


def _blank(value):
    return "" if value is None else value


def geojson(events: list[dict]) -> dict:
    """A FeatureCollection; events without coordinates carry a null geometry."""
    return {"type": "FeatureCollection", "features": [feature(obj) for obj in events]}


def feature(obj: dict) -> dict:
    """One event as a GeoJSON Feature: a Point (or null geometry) with the event minus claims and evidence."""
    loc = obj["location"]
    geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc["lat"] is not None else None
    properties = {k: v for k, v in obj.items() if k not in ("claims", "evidence")}
    return {"type": "Feature", "id": obj["event_id"], "geometry": geometry, "properties": properties}
