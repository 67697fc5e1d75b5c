"""What an ingest changed in the ledger: new events, events that gained a source, revised figures
(reported events only; background recollections of earlier events are left out).

Event ids are derived from an event's first report, so an id can change when a report joins; an
event after the ingest is therefore matched to the events it continues by the articles they share.
The tracker is told the events an ingest is about to replace (those of updated articles, and those
`assign_events` recomputes) and the events that replace them; `changes()` compares the two.

- new: no event of the ledger before the ingest shared an article with it.
- gained a source: it cites an article that none of the events it continues cited.
- revised: its best figure of killed or of wounded differs from the figure of the event it continues
  (of the one with most shared articles, when it continues several).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Revision:
    field: str  # "fatalities" | "wounded"
    before: Optional[int]
    after: Optional[int]


@dataclass(frozen=True)
class EventChange:
    """One event of the ledger after an ingest, and how it differs from the ledger before."""

    event_id: str
    event: dict  # the contract object, as stored
    continues: tuple[str, ...] = ()  # ids of the events it continues (empty for a new event)
    new_sources: tuple[str, ...] = ()
    revisions: tuple[Revision, ...] = ()

    def describe(self) -> str:
        """One line for people: date, type, place, figures."""
        e = self.event
        loc = e["location"]
        place = ", ".join(x for x in (loc["name"], loc["country"]) if x) or "place unknown"
        killed = e["fatalities"]["best"]
        return (f"{e['event_id']} {e['date_start'] or '????-??-??'} {e['sub_event_type']} at {place}"
                + (f", {killed} killed" if killed is not None else "") + f" ({len(e['sources'])} sources)")


@dataclass
class LedgerChanges:
    new: list[EventChange] = field(default_factory=list)
    gained_source: list[EventChange] = field(default_factory=list)
    revised: list[EventChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.gained_source or self.revised)

    def lines(self) -> list[str]:
        """The changes for people, one line each."""
        out = [f"new event: {c.describe()}" for c in self.new]
        out += [f"new source for {c.describe()}: {', '.join(c.new_sources)}" for c in self.gained_source]
        out += [f"revised {c.describe()}: " + "; ".join(f"{r.field} {_shown(r.before)} -> {_shown(r.after)}"
                                                       for r in c.revisions) for c in self.revised]
        return out


class ChangeTracker:
    """Collects the events an ingest replaces and those replacing them."""

    def __init__(self) -> None:
        self.before: dict[str, dict] = {}
        self.after: dict[str, dict] = {}

    def replacing(self, old: list[dict]) -> None:
        """Events about to be dissolved or recomputed (the first state seen of each is kept). An event
        this ingest made itself (an ingest merges in rounds) was never in the ledger before: it is
        forgotten rather than taken for an earlier state."""
        for event in old:
            if self.after.pop(event["event_id"], None) is None:
                self.before.setdefault(event["event_id"], event)

    def replaced(self, new: list[dict]) -> None:
        for event in new:
            self.after[event["event_id"]] = event

    def changes(self) -> LedgerChanges:
        out = LedgerChanges()
        for event_id in sorted(self.after):
            event = self.after[event_id]
            if event["status"] != "reported":
                continue  # background: an earlier event recalled, not news
            sources = set(event["sources"])
            earlier = sorted((e for e in self.before.values() if sources & set(e["sources"])),
                             key=lambda e: (-len(sources & set(e["sources"])), e["event_id"] != event_id, e["event_id"]))
            if not earlier:
                out.new.append(EventChange(event_id, event))
                continue
            cited = set().union(*(e["sources"] for e in earlier))
            revisions = tuple(Revision(f, earlier[0][f]["best"], event[f]["best"]) for f in ("fatalities", "wounded")
                              if earlier[0][f]["best"] != event[f]["best"])
            change = EventChange(event_id, event, tuple(e["event_id"] for e in earlier),
                                 tuple(sorted(sources - cited)), revisions)
            if change.new_sources:
                out.gained_source.append(change)
            if revisions:
                out.revised.append(change)
        return out


def _shown(value: Optional[int]) -> str:
    return "?" if value is None else str(value)
