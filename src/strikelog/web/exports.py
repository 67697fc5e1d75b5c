"""Streamed exports of the matching events: CSV (ACLED columns), GeoJSON and JSONL, a chunk at a time."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from .. import export
from ..store import EventFilters, Store

EXPORTS = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json", "jsonl": "application/x-ndjson"}
CHUNK_EVENTS = 500


def export_chunks(db: Path, filters: EventFilters, sort: str, fmt: str) -> Iterator[str]:
    """The export as text chunks of up to CHUNK_EVENTS events, read from its own connection to the ledger
    in one read transaction (an ingest writing meanwhile does not show half-way through)."""
    with Store(db) as store, store.snapshot():
        events = store.iter_events(filters, sort)
        if fmt == "csv":
            yield from _csv(events)
        elif fmt == "geojson":
            yield from _geojson(events)
        else:
            yield from (_lines(batch) for batch in _batches(events))


def _batches(events: Iterable[dict]) -> Iterator[list[dict]]:
    events = iter(events)
    while batch := list(islice(events, CHUNK_EVENTS)):
        yield batch


def _lines(batch: list[dict]) -> str:
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in batch)


def _csv(events: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=export.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for batch in _batches(events):
        writer.writerows(export.csv_row(obj) for obj in batch)
        yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _geojson(events: Iterable[dict]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for batch in _batches(events):
        yield separator + ",\n".join(json.dumps(export.feature(obj), ensure_ascii=False) for obj in batch)
        separator = ",\n"
    yield "\n]}\n"
