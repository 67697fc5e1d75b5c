"""Escalation chains: which event answers which. Within an article, the frames a frame's
"in retaliation for ..." names (`_resolve_responses`); across reports, the events holding them
(`link_targets`, `responses_of`, `accepted_targets`) or, when no report names one, the answer
looked for in the ledger (`ledger_answer`, within `RESPONSE_WINDOW_DAYS`; `windows` gives the days
a ledger round must re-read)."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Optional

from ..resolve.place import distance_km
from ..records import Event, Location, Mention
from ..resources import Lexicon, data_text
from .frames import Frame, FrameRef
from .scoring import actor_relation

_PROPER = re.compile(r"\b[A-Z][a-z]{2,}\b")
_WEEKDAYS = {name.title() for name in json.loads(data_text("reader_words.json"))["weekday_names"]}  # the reader's list
_NOT_NAMES = {"The", "This", "That", "These", "Those", *_WEEKDAYS, "Mr", "Mrs", "Ms", "And", "But", "After", "Earlier", "Hours"}
RESPONSE_WINDOW_DAYS = 30  # how far back an answer to "in retaliation for ..." is looked for in the ledger


def _resolve_responses(frames: list[Frame], mentions: list[Mention], lex: Lexicon) -> None:
    """Within one article: which of its frames each frame answers ('in retaliation for ...',
    'responded to ...', 'hours after ...', 'retaliatory strikes'). A frame with a response cue and
    no answer here keeps `answers` set, and the merge looks for its answer in the ledger."""
    common = _country_words(lex)  # once per article, not per response phrase
    frame_of: dict[int, list[int]] = {}
    for n, frame in enumerate(frames):
        for i in frame.mentions:
            frame_of.setdefault(i, []).append(n)
    for n, frame in enumerate(frames):
        found: list[int] = []
        for i in frame.mentions:
            m = mentions[i]
            frame.answers = frame.answers or bool(m.responds_to_mentions) or m.responds_to_text is not None
            parsed = [t for j in m.responds_to_mentions for t in frame_of.get(j, []) if t != n]
            found += parsed
            if m.responds_to_text and not parsed:  # the parse names no other frame: look for its words
                found += _frames_named(m.responds_to_text, frames, mentions, skip=n, common=common)
            elif m.responds_to_text == "":
                found += [t for t, other in enumerate(frames) if other.status == "reported" and other.actor1
                          and actor_relation(other.actor1, frame.actor2, lex) == "same"][:1]
        frame.responds_to = [t for t in dict.fromkeys(found) if t != n]


def _frames_named(text: str, frames: list[Frame], mentions: list[Mention], skip: int, common: frozenset = frozenset()) -> list[int]:
    """The first frame but `skip` (the one answering) whose sentences share a proper name with the
    response phrase; country names and demonyms (`common`) name no one event."""
    names = {w for w in _PROPER.findall(text) if w not in _NOT_NAMES and w not in common}
    for n, frame in enumerate(frames):
        if n != skip and names and any(names & set(_PROPER.findall(mentions[i].sentence)) for i in frame.mentions):
            return [n]
    return []


def _country_words(lex: Lexicon) -> frozenset:
    words = set()
    for entry in lex.countries.values():
        for name in (entry.name, *entry.aliases, *entry.demonyms):
            words.update(_PROPER.findall(name))
    return frozenset(words)


def link_targets(event: Event, frames: dict, lex: Lexicon) -> Optional[list]:
    """The frames an event's reports say it answers; None when a report says it answers something
    that no report of it names (look in the ledger); [] when it answers nothing."""
    targets = [(ref[0], t) for ref in event.members for t in frames[ref].responds_to]
    if targets:
        return list(dict.fromkeys(targets))
    return None if any(frames[ref].answers for ref in event.members) else []


def responses_of(event: Event, targets: Optional[list], event_at: Callable[[FrameRef], Optional[Event]],
                 earlier: Callable[[Event], Iterable[Event]], lex: Lexicon) -> list[str]:
    """The ids of the events `event` answers: those holding the frames its reports name (`targets`,
    from `link_targets`), or, when they name none (None), its answer among `earlier(event)`."""
    if targets is None:
        return ledger_answer(event, earlier(event), lex)
    return accepted_targets(event, [e for e in map(event_at, targets) if e is not None], lex)


def accepted_targets(event: Event, targets: list[Event], lex: Lexicon) -> list[str]:
    """A response comes from the other side and not before what it answers."""
    out: list[str] = []
    for target in targets:
        if target.event_id == event.event_id or target.event_id in out:
            continue
        if event.actor1 and actor_relation(target.actor1, event.actor1, lex) == "same":
            continue
        if target.when.start and event.when.start and target.when.start > event.when.start:
            continue
        out.append(target.event_id)
    return out


def ledger_answer(event: Event, candidates, lex: Lexicon) -> list[str]:
    """The latest earlier event (within RESPONSE_WINDOW_DAYS) of the other side against this event's
    actor, in the same country or within reach (same actors reversed, earlier date, plausible place)."""
    if not (event.when.start and event.actor1):
        return []
    best = None
    for other in candidates:
        if other.event_id == event.event_id or other.status != "reported" or other.when.start is None:
            continue
        gap = (event.when.start - other.when.start).days
        if not 0 <= gap <= RESPONSE_WINDOW_DAYS or not _reversed_sides(event, other, lex):
            continue
        if not _within_reach(event.where, other.where):
            continue
        key = (other.when.start, other.event_id)
        if best is None or key > best[0]:
            best = (key, other)
    return [best[1].event_id] if best else []


def _reversed_sides(event: Event, other: Event, lex: Lexicon) -> bool:
    """The other side acted first: against this event's actor, or by whoever this event's actor fights."""
    if event.actor2 is None:
        return actor_relation(other.actor1, event.actor1, lex) == "conflict" and (
            other.actor2 is None or actor_relation(other.actor2, event.actor1, lex) == "same")
    return (actor_relation(other.actor1, event.actor2, lex) == "same"
            and actor_relation(other.actor1, event.actor1, lex) == "conflict"
            and (other.actor2 is None or actor_relation(other.actor2, event.actor1, lex) != "conflict"))


def _within_reach(a: Location, b: Location) -> bool:
    if a.lat is not None and b.lat is not None:
        return distance_km((a.lat, a.lon), (b.lat, b.lon)) <= 1500
    return True


def windows(days: list[date], length: int) -> list[tuple[date, date]]:
    """The days up to `length` days after any of these (sorted) days, as few intervals as possible."""
    out: list[tuple[date, date]] = []
    for day in days:
        end = day + timedelta(days=length)
        if out and day <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((day, end))
    return out
