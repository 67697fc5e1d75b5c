"""Streamed exports of the matching events in every format of strikelog.export (CSV, ACLED, GeoJSON,
JSON Lines, Parquet), a chunk at a time."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Union

from .. import api, export
from ..filters import EventFilters

EXPORTS = {fmt: export.MEDIA_TYPES[fmt] for fmt in ("csv", "acled", "geojson", "jsonl", "parquet")}
FILE_NAMES = {"acled": "strikelog-events-acled.csv"}  # the others: strikelog-events.FORMAT


def export_chunks(db: Path, filters: EventFilters, sort: str, fmt: str) -> Iterator[Union[str, bytes]]:
    """The export as chunks (text, or bytes for parquet), read from its own connection to the ledger
    in one read transaction (an ingest writing meanwhile does not show half-way through)."""
    with api.Ledger(db) as ledger:
        yield from ledger.export(filters, fmt, sort)


def file_name(fmt: str) -> str:
    return FILE_NAMES.get(fmt, f"strikelog-events.{fmt}")
