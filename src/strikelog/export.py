"""Stage 9, export: canonical events -> the contract's JSON objects, and the ledger's files: JSON
Lines, JSON, CSV, GeoJSON and Parquet with strikelog's own fields (flat, one typed column each), and
ACLED's 31 columns (`acled`, strikelog.acled). Every format is written a chunk at a time from an
iterator of events, so an export's memory does not grow with the ledger (docs/export.md).

    for chunk in chunks(store.iter_events(filters), "parquet", store.articles_meta):
        out.write(chunk)   # str for the text formats, bytes for parquet
"""
from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import date
from itertools import islice
from typing import IO, Any, Optional, Union

from .errors import MissingExtra
from .records import Claim, Count, DateRange, Event, Evidence, Location

TEXT_FORMATS = ("jsonl", "json", "csv", "geojson")  # what `strikelog extract` writes
FORMATS = (*TEXT_FORMATS, "acled", "parquet")  # what `strikelog export` and the API write
BINARY_FORMATS = ("parquet",)
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "json": "application/json", "csv": "text/csv; charset=utf-8",
               "acled": "text/csv; charset=utf-8", "geojson": "application/geo+json",
               "parquet": "application/vnd.apache.parquet"}
CHUNK_EVENTS = 500  # events per chunk of text, and per look-up of their articles
ROW_GROUP_EVENTS = 10_000  # events per Parquet row group

# strikelog's own fields, flat: (column, type). The CSV, Parquet and GeoJSON properties all use these.
FLAT_FIELDS = [
    ("event_id", "string"), ("status", "string"), ("event_type", "string"), ("sub_event_type", "string"),
    ("date_start", "date"), ("date_end", "date"), ("date_precision", "string"),
    ("actor1", "string"), ("actor2", "string"),
    ("location", "string"), ("country", "string"), ("admin1", "string"),
    ("lat", "float"), ("lon", "float"), ("geo_precision", "int8"),
    ("fatalities", "int32"), ("fatalities_low", "int32"), ("fatalities_high", "int32"),
    ("wounded", "int32"), ("wounded_low", "int32"), ("wounded_high", "int32"),
    ("weapons", "string"), ("sources", "string"), ("source_count", "int32"), ("responds_to", "string"),
    ("claims", "int32"), ("evidence", "string"),
]
CSV_COLUMNS = [name for name, _ in FLAT_FIELDS]
Articles = Callable[[list[str]], dict[str, dict]]  # article ids -> their metadata (Store.articles_meta)


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


def write(events: Iterable[dict], fmt: str, out: IO[str], articles: Optional[Articles] = None) -> int:
    """Write contract objects in one of the text formats (all but parquet) to a text stream, a chunk at
    a time; returns how many were written."""
    if fmt in BINARY_FORMATS:
        raise ValueError(f"{fmt} is binary: write chunks() to a binary stream")
    counted = _Counted(events)
    for chunk in chunks(counted, fmt, articles):
        out.write(chunk)
    return counted.n


def chunks(events: Iterable[dict], fmt: str, articles: Optional[Articles] = None) -> Iterator[Union[str, bytes]]:
    """The export of `events` in `fmt` as successive chunks: text (str) for every format but parquet
    (bytes). `articles` looks up the sources' outlets, dates and URLs (needed by acled only)."""
    check_format(fmt)
    if fmt == "parquet":
        yield from parquet_chunks(events)
        return
    batches = _batches(events, CHUNK_EVENTS)
    if fmt == "jsonl":
        yield from ("".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in batch) for batch in batches)
    elif fmt == "json":
        yield from _json(batches)
    elif fmt == "csv":
        yield from _csv(CSV_COLUMNS, ([flat_row(obj) for obj in batch] for batch in batches))
    elif fmt == "acled":
        from .acled import COLUMNS, acled_coder

        coder, lookup = acled_coder(), articles or (lambda ids: {})
        yield from _csv(COLUMNS, (_acled_rows(coder, batch, lookup) for batch in batches))
    else:
        yield from _geojson(batches)


class _Counted:
    def __init__(self, items: Iterable[dict]):
        self.items, self.n = iter(items), 0

    def __iter__(self) -> Iterator[dict]:
        for item in self.items:
            self.n += 1
            yield item


def _batches(events: Iterable[dict], size: int) -> Iterator[list[dict]]:
    events = iter(events)
    while batch := list(islice(events, size)):
        yield batch


def _json(batches: Iterable[list[dict]]) -> Iterator[str]:
    """A JSON array, as json.dump(..., indent=2) writes it, one batch at a time."""
    opening = "["
    for batch in batches:
        yield opening + ",".join("\n" + textwrap.indent(json.dumps(obj, ensure_ascii=False, indent=2), "  ")
                                 for obj in batch)
        opening = ","
    yield "[]\n" if opening == "[" else "\n]\n"


def _csv(columns: list[str], batches: Iterable[list[dict]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for rows in batches:
        writer.writerows(rows)
        yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _acled_rows(coder: Any, batch: list[dict], articles: Articles) -> list[dict]:
    metas = articles(sorted({a for obj in batch for a in obj["sources"]}))
    return [coder.row(obj, metas) for obj in batch]


def _geojson(batches: Iterable[list[dict]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for batch in batches:
        yield separator + ",\n".join(json.dumps(feature(obj), ensure_ascii=False) for obj in batch)
        separator = ",\n"
    yield "\n]}\n"


def flat_row(obj: dict) -> dict:
    """The event as one flat row of strikelog's own fields (FLAT_FIELDS): numbers as numbers, missing
    values as None, lists joined with "; ", the first evidence sentence as `evidence`."""
    loc, killed, hurt = obj["location"], obj["fatalities"], obj["wounded"]
    return {
        "event_id": obj["event_id"], "status": obj["status"], "event_type": obj["event_type"],
        "sub_event_type": obj["sub_event_type"], "date_start": obj["date_start"], "date_end": obj["date_end"],
        "date_precision": obj["date_precision"], "actor1": obj["actor1"], "actor2": obj["actor2"],
        "location": loc["name"], "country": loc["country"], "admin1": loc["admin1"],
        "lat": loc["lat"], "lon": loc["lon"], "geo_precision": loc["geo_precision"],
        "fatalities": killed["best"], "fatalities_low": killed["low"], "fatalities_high": killed["high"],
        "wounded": hurt["best"], "wounded_low": hurt["low"], "wounded_high": hurt["high"],
        "weapons": "; ".join(obj["weapons"]), "sources": "; ".join(obj["sources"]),
        "source_count": len(obj["sources"]), "responds_to": "; ".join(obj["responds_to"]),
        "claims": len(obj["claims"]), "evidence": obj["evidence"][0]["sentence"] if obj["evidence"] else None,
    }


csv_row = flat_row  # the CSV writes None as an empty cell


def geojson(events: Iterable[dict]) -> dict:
    """A FeatureCollection; events without coordinates carry a null geometry."""
    return {"type": "FeatureCollection", "features": [feature(obj) for obj in events]}


def feature(obj: dict) -> dict:
    """One event as a GeoJSON Feature: a Point (or null geometry) whose properties are the flat row
    (numbers as numbers, nothing nested: what QGIS and GDAL read as typed fields)."""
    loc = obj["location"]
    geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc["lat"] is not None else None
    return {"type": "Feature", "id": obj["event_id"], "geometry": geometry, "properties": flat_row(obj)}


# ---- Parquet -------------------------------------------------------------------------------------------
class _Sink:
    """A write-only file for pyarrow that keeps what it is given until drained."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def check_format(fmt: str) -> None:
    """Raise before anything is written when `fmt` cannot be written here (unknown, or Parquet without pyarrow)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise MissingExtra("Parquet needs pyarrow: pip install 'strikelog[parquet]'") from None


def parquet_schema():
    import pyarrow as pa

    types = {"string": pa.string(), "date": pa.date32(), "float": pa.float64(), "int8": pa.int8(), "int32": pa.int32()}
    return pa.schema([(name, types[kind]) for name, kind in FLAT_FIELDS])


def parquet_chunks(events: Iterable[dict]) -> Iterator[bytes]:
    """A Parquet file of ROW_GROUP_EVENTS-event row groups, yielded as it is written (the footer last).
    Events are turned into Arrow columns CHUNK_EVENTS at a time, so that only a chunk's worth of Python
    objects is alive at once; a row group waits as compact Arrow arrays until it is full."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    pending: list = []
    try:
        for batch in _batches(events, CHUNK_EVENTS):
            rows = [flat_row(obj) for obj in batch]
            for row in rows:
                row["date_start"] = _day(row["date_start"])
                row["date_end"] = _day(row["date_end"])
            pending.append(pa.RecordBatch.from_pylist(rows, schema=schema))
            if sum(b.num_rows for b in pending) >= ROW_GROUP_EVENTS:
                writer.write_table(pa.Table.from_batches(pending, schema), row_group_size=ROW_GROUP_EVENTS)
                pending = []
                yield sink.drain()
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema), row_group_size=ROW_GROUP_EVENTS)
    finally:
        writer.close()
    yield sink.drain()
