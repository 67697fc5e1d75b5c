"""Blocking: the keys a frame is filed under (`blocking_keys`) and those under which its merge
candidates are found (`probe_keys`): day, grid cell, place name, region, proper names and named
weapons, each within a month; who struck which country on which day. `KeyIndex` is the in-memory
index; the store keeps the same one in SQLite."""
from __future__ import annotations

import math
from bisect import bisect_left
from datetime import timedelta

from ..records import DateRange
from .frames import Frame
from .scoring import _GENERIC_WEAPONS, NEAR_KM, _told_day, possible_days

GRID_DEGREES = 1.0  # blocking cell (degrees of latitude and longitude)
EARTH_KM = 6371.0


def blocking_keys(frame: Frame) -> set[str]:
    """The keys a frame is filed under. Two frames that `qualify` as one event always share a key
    with each other's `probe_keys`: the same day or the same named weapon (each in the same country,
    or one not known), a nearby grid cell or the same place name, each within the same month (dates
    must overlap to merge)."""
    months = _months(possible_days(frame))
    keys = {f"d:{frame.when.start.isoformat()}:{frame.where.country or '-'}"} if frame.when.precision == "day" else set()
    for stem in _stems(frame, neighbours=False):
        keys |= {f"{stem}:{m}" for m in months}
    return keys | _strike_keys(frame, spread=0)


def _strike_keys(frame: Frame, spread: int) -> set[str]:
    """Who struck which country on the day told, or within `spread` days of it
    (`scoring._one_strike_across_a_border`)."""
    day = _told_day(frame)
    if day is None or not frame.actor1 or not frame.where.country:
        return set()
    return {f"x:{frame.actor1}:{frame.where.country}:{(day + timedelta(days=n)).isoformat()}"
            for n in range(-spread, spread + 1)}


def probe_keys(frame: Frame) -> tuple[set[str], set[str]]:
    """The exact keys and the key prefixes under which a frame's merge candidates are filed."""
    months = _months(possible_days(frame))
    exact, prefixes = set(), set()
    if frame.when.precision == "day":  # same day, and the same country or one not known
        day = f"d:{frame.when.start.isoformat()}:"
        exact |= {day + frame.where.country, day + "-"} if frame.where.country else set()
        prefixes |= set() if frame.where.country else {day}
    exact |= _strike_keys(frame, spread=1)
    for stem in _stems(frame, neighbours=True):
        if stem.endswith(":*"):  # a named weapon in a country not known: any country's
            prefixes.add(stem[:-1])
        elif months == ["u"]:
            prefixes.add(f"{stem}:")  # an undated report may be any month's event
        else:
            exact |= {f"{stem}:{m}" for m in months + ["u"]}
    return exact, prefixes


def _stems(frame: Frame, neighbours: bool) -> list[str]:
    stems = []
    if frame.where.lat is not None:
        cells = _cells_within(frame.where.lat, frame.where.lon, NEAR_KM) if neighbours else [
            _cell(frame.where.lat, frame.where.lon)]
        stems += [f"g:{row}:{col}" for row, col in cells]
    if frame.where.name and frame.where.geo_precision <= 2:
        stems.append(f"n:{frame.where.name.lower()}")
    if frame.where.admin1 and frame.where.country:
        stems.append(f"a:{frame.where.country}:{frame.where.admin1.lower()}")
    stems += [f"p:{name}" for name in sorted(frame.names)]
    if frame.where.country:  # a death toll both state, in one country (`_anchored_together`)
        stems += [f"t:{frame.where.country}:{n}" for n in sorted(frame.tolls) if n >= 2]
    for weapon in sorted(set(frame.weapons) - _GENERIC_WEAPONS):  # the same country, or one not known
        if not neighbours:
            stems.append(f"w:{weapon}:{frame.where.country or '-'}")
        elif frame.where.country:
            stems += [f"w:{weapon}:{frame.where.country}", f"w:{weapon}:-"]
        else:
            stems.append(f"w:{weapon}:*")
    return stems


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // GRID_DEGREES), _column(int(lon // GRID_DEGREES))


def _column(col: int) -> int:
    """A cell's column, wrapped across the antimeridian."""
    columns = int(360 / GRID_DEGREES)
    return (col + columns // 2) % columns - columns // 2


def _cells_within(lat: float, lon: float, km: float) -> list[tuple[int, int]]:
    """The grid cells holding every point within `km` of (lat, lon): the only ones where a frame at the
    "same" place can be filed (other pairs are found by their day or their weapon)."""
    arc = km / EARTH_KM * 1.02  # in radians, with a margin for rounding
    dlat = math.degrees(arc)
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat <= math.sin(arc) else math.degrees(math.asin(math.sin(arc) / cos_lat)) * 1.02
    rows = range(int((lat - dlat) // GRID_DEGREES), int((lat + dlat) // GRID_DEGREES) + 1)
    cols = sorted({_column(c) for c in range(int((lon - dlon) // GRID_DEGREES), int((lon + dlon) // GRID_DEGREES) + 1)})
    return [(row, col) for row in rows for col in cols]


def _months(when: DateRange) -> list[str]:
    if when.start is None or when.end is None or (when.end - when.start).days > 400:
        return ["u"]
    months, (year, month) = [], (when.start.year, when.start.month)
    while (year, month) <= (when.end.year, when.end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class KeyIndex:
    """An in-memory index of frames by blocking key (the store keeps the same index in SQLite)."""

    def __init__(self, frames: dict):
        self.by_key: dict[str, set] = {}
        for ref, frame in frames.items():
            for key in blocking_keys(frame):
                self.by_key.setdefault(key, set()).add(ref)
        self.sorted_keys = sorted(self.by_key)

    def candidates(self, frame: Frame) -> set:
        exact, prefixes = probe_keys(frame)
        found = set().union(*(self.by_key.get(k, ()) for k in exact)) if exact else set()
        for prefix in prefixes:
            at = bisect_left(self.sorted_keys, prefix)
            while at < len(self.sorted_keys) and self.sorted_keys[at].startswith(prefix):
                found |= self.by_key[self.sorted_keys[at]]
                at += 1
        return found
