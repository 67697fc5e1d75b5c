"""Writing canonical events (with their events_flat row, sources and member frames), what each answers,
and the escalation links between them."""
from __future__ import annotations

import json
from typing import Any, Optional

from ..errors import EventNotFound
from ..merge.frames import FrameRef
from .codec import flat_row
from .schema import FLAT_COLUMNS

_INSERT_FLAT = f"INSERT INTO events_flat ({', '.join(FLAT_COLUMNS)}) VALUES ({', '.join('?' * len(FLAT_COLUMNS))})"


class Events:
    """The canonical events and their links (a part of Store: `self.db`, `self.transaction()`)."""

    db: Any

    def event(self, event_id: str) -> dict:
        row = self.db.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        if row is None:
            raise EventNotFound(f"no event {event_id!r} in {self.path}")
        return json.loads(row[0])

    def count_events(self) -> int:
        return self.db.execute("SELECT count(*) FROM events").fetchone()[0]

    def replace_component(self, old_ids: set[str], events: list[tuple[dict, list, Optional[list]]]) -> None:
        """Swap the events of a recomputed group of frames, in one transaction. Each new event comes
        as (contract object, member frames, the frames it answers or None when it seeks its answer
        in the ledger)."""
        with self.transaction():
            self._dissolve(sorted(old_ids))
            for obj, members, targets in events:
                self._insert_event(obj)
                self.db.executemany("INSERT INTO frame_events VALUES (?, ?, ?)",
                                    [(a, i, obj["event_id"]) for a, i in members])
                self.db.executemany("DELETE FROM pending WHERE article_id = ? AND idx = ?", members)
                rows = [(obj["event_id"], None, None)] if targets is None else [(obj["event_id"], a, i) for a, i in targets]
                self.db.executemany("INSERT INTO event_targets VALUES (?, ?, ?)", rows)

    def _insert_event(self, obj: dict) -> None:
        loc = obj["location"]
        self.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (obj["event_id"], obj["status"], obj["event_type"], obj["sub_event_type"], obj["date_start"],
             obj["date_end"], loc["country"], loc["admin1"], obj["actor1"], obj["actor2"],
             obj["fatalities"]["best"], json.dumps(obj), loc["lat"], loc["lon"]),
        )
        self.db.execute(_INSERT_FLAT, flat_row(obj))
        self._link_event(obj)
        # only stored articles: event_sources.article_id is a foreign key (events made by hand, in tests and
        # benchmarks, may cite articles that were never saved; their contract object still lists them)
        self.db.executemany("INSERT INTO event_sources SELECT ?, id FROM articles WHERE id = ?",
                            [(obj["event_id"], a) for a in obj["sources"]])

    def _link_event(self, obj: dict) -> None:
        """Record an event's escalation links (its words are indexed with its events_flat row)."""
        self.db.executemany("INSERT INTO event_links VALUES (?, ?) ON CONFLICT DO NOTHING",
                            [(obj["event_id"], target) for target in obj["responds_to"]])

    def _fill_flat_events(self) -> None:
        """Flat rows for the events that have none (all of them in a ledger that had no events_flat)."""
        with self.transaction():
            for (data,) in self.db.execute("SELECT data FROM events WHERE event_id NOT IN"
                                           " (SELECT event_id FROM events_flat) ORDER BY event_id").fetchall():
                self.db.execute(_INSERT_FLAT, flat_row(json.loads(data)))

    def targets(self, event_id: str) -> Optional[list[FrameRef]]:
        rows = self.db.execute("SELECT target_article, target_idx FROM event_targets WHERE event_id = ?", (event_id,)).fetchall()
        if any(r[0] is None for r in rows):
            return None
        return [(r[0], r[1]) for r in rows]

    def events_answering(self, refs: set[FrameRef], event_ids: set[str]) -> set[str]:
        """Events whose answer lies among these frames or these (former) events."""
        found = set()
        for ref in refs:
            found.update(r[0] for r in self.db.execute(
                "SELECT event_id FROM event_targets WHERE target_article = ? AND target_idx = ?", ref))
        for event_id in event_ids:
            found.update(r[0] for r in self.db.execute("SELECT event_id FROM event_links WHERE target_id = ?", (event_id,)))
        return found

    def seekers_between(self, start: str, end: str) -> set[str]:
        """Events seeking their answer in the ledger, dated within [start, end]."""
        return {r[0] for r in self.db.execute(
            "SELECT e.event_id FROM events e JOIN event_targets t ON t.event_id = e.event_id"
            " WHERE t.target_article IS NULL AND e.date_start BETWEEN ? AND ?", (start, end))}

    def events_between(self, start: str, end: str) -> list[dict]:
        return [json.loads(r[0]) for r in self.db.execute(
            "SELECT data FROM events WHERE date_start BETWEEN ? AND ? ORDER BY event_id", (start, end))]

    def set_responds_to(self, event_id: str, targets: list[str]) -> None:
        obj = self.event(event_id)
        obj["responds_to"] = targets
        with self.transaction():
            self.db.execute("UPDATE events SET data = ? WHERE event_id = ?", (json.dumps(obj), event_id))
            self.db.execute("DELETE FROM event_links WHERE event_id = ?", (event_id,))
            self.db.executemany("INSERT INTO event_links VALUES (?, ?)", [(event_id, t) for t in targets])

    def responses_to(self, event_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT event_id FROM event_links WHERE target_id = ? ORDER BY event_id", (event_id,))]

    def chain(self, event_id: str, limit: Optional[int] = None) -> list[str]:
        """Ids of this event and of every event linked to it through responds_to, in either
        direction (at most `limit` of them)."""
        seen: set[str] = set()
        frontier = [event_id]
        while frontier and (limit is None or len(seen) < limit):
            current = frontier.pop(0)
            if current in seen:
                continue
            seen.add(current)
            frontier += [r[0] for r in self.db.execute("SELECT target_id FROM event_links WHERE event_id = ?", (current,))]
            frontier += self.responses_to(current)
        return sorted(seen)
