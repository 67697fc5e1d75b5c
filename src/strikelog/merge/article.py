"""Stage 7, merge: mentions -> canonical events.

Two steps. Within an article, mentions that describe the same event (same place, same day,
same actors, or a definite "the attack" that refers back) are clustered into one event; an
operation-level mention ("strikes on several facilities") lends its weapons and actors to the
place-level events it covers (ACLED: one event per place per day). Across articles, events
that agree on place, day, actors and weapons become one canonical event listing every source;
two events from the same article are never merged (the article reports them as distinct).
Then `responds_to` links are resolved from "in retaliation for", "responded to", "after".
"""
from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Optional

from ..place import distance_km
from ..records import Count, DateRange, Event, Evidence, Location, Mention
from ..resources import Lexicon, lexicon

GENERIC_ACTORS = ("unidentified armed group",)
NEAR_KM = 30.0
APPROXIMATE_KM = 200.0
_STATUS_RANK = {"confirmed": 0, "unconfirmed": 1, "claimed": 2, "disputed": 3}
_WEAPON_CLASS = {
    "aircraft": "air", "helicopter": "air", "drone": "air", "bomb": "air", "loitering_munition": "owa",
    "ballistic_missile": "missile", "cruise_missile": "missile", "missile": "missile", "rocket": "rocket",
    "mortar": "mortar", "artillery": "artillery", "ied": "ied", "small_arms": "ground", "grenade": "ground",
    "armoured_vehicle": "ground", "anti_tank_missile": "ground", "naval": "naval",
}
_PROPER = re.compile(r"\b[A-Z][a-z]{2,}\b")
_NOT_NAMES = {"The", "This", "That", "These", "Those", "Tuesday", "Monday", "Wednesday", "Thursday", "Friday",
              "Saturday", "Sunday", "Mr", "Mrs", "Ms", "And", "But", "After", "Earlier", "Hours"}


@dataclass
class Frame:
    """An event being assembled from one article's mentions."""

    article: str
    mentions: list[int] = field(default_factory=list)
    actor1: Optional[str] = None
    actor2: Optional[str] = None
    when: DateRange = field(default_factory=DateRange.unknown)
    where: Location = field(default_factory=Location.nowhere)
    weapons: list[str] = field(default_factory=list)
    status: str = "reported"
    solid: bool = False  # has at least one mention that is not generic
    operation: bool = False  # opened by a plural, placeless mention: may cover several places
    named_places: set = field(default_factory=set)  # places its mentions state plainly ("in X", "at X")
    responds_to: list[int] = field(default_factory=list)  # frames of the same article it answers
    answers: bool = False  # a report of it says it answers something ("in retaliation for ...")
    article_day: Optional[date] = None  # the day its article speaks from: bounds an undated report (`possible_days`)
    names: set = field(default_factory=set)  # proper names its sentences use (a site, a target, a person quoted)
    tolls: set = field(default_factory=set)  # the death tolls its reports state (a figure two reports share is evidence)


# ---- actor sides ------------------------------------------------------------------------------------
def actor_relation(a: Optional[str], b: Optional[str], lex: Lexicon) -> str:
    """'same', 'compatible' or 'conflict' between two actor names."""
    if not a or not b:
        return "compatible"
    if a == b:
        return "same"
    if a in GENERIC_ACTORS or b in GENERIC_ACTORS:  # "gunmen", "militants": unknown, not another side
        return "compatible"
    if "Civilians" in (a, b):  # a strike on a group's district kills civilians: both reports are right
        return "compatible"
    if _part_of_name(a, b, lex) or _part_of_name(b, a, lex):
        return "same"
    state_a, state_b = lex.country_of_military(a), lex.country_of_military(b)
    if state_a and state_b:
        return "same" if state_a == state_b else "conflict"
    kind_a = lex.actors[a].kind if a in lex.actors else "militia"
    kind_b = lex.actors[b].kind if b in lex.actors else "militia"
    if (state_a and kind_b == "coalition") or (state_b and kind_a == "coalition"):
        return "compatible"
    if state_a or state_b:
        return "conflict"
    if a in _family(b, lex) or b in _family(a, lex):
        return "same"
    return "compatible" if "militia" in (a + b).lower() else "conflict"


def _part_of_name(short: str, listed: str, lex: Lexicon) -> bool:
    """A name the dictionary does not list that is a word of a listed group's name or alias:
    "Baloch" rebels and the Baloch Liberation Army."""
    entry = lex.actors.get(listed)
    if short in lex.actors or entry is None:
        return False
    pattern = re.compile(rf"\b{re.escape(short)}\b", re.I)
    return any(pattern.search(name) for name in (entry.name, *entry.aliases))


def _family(name: str, lex: Lexicon) -> set[str]:
    """A name, its parents, and its backers as 'X-backed militia'."""
    out = {name}
    entry = lex.actors.get(name)
    depth = 0
    while entry is not None and depth < 5:
        for backer in entry.backers:
            if backer in lex.countries:
                out.add(f"{lex.countries[backer].name}-backed militia")
        if entry.parent:
            out.add(entry.parent)
        entry = lex.actors.get(entry.parent) if entry.parent else None
        depth += 1
    return out


def more_specific_actor(a: Optional[str], b: Optional[str], lex: Lexicon) -> Optional[str]:
    """Named actor over 'X-backed militia' over 'unidentified armed group'."""
    def rank(name: Optional[str]) -> int:
        return _specificity(name) if name else 0

    return a if rank(a) >= rank(b) else b


# ---- compatibility ----------------------------------------------------------------------------------
def dates_conflict(a: DateRange, b: DateRange) -> bool:
    if a.start is None or b.start is None:
        return False
    return a.end < b.start or b.end < a.start


def places_relation(a: Location, b: Location) -> str:
    """'same', 'compatible' or 'conflict'."""
    if a.lat is not None and b.lat is not None:
        km = distance_km((a.lat, a.lon), (b.lat, b.lon))
        if km <= NEAR_KM:
            return "same"
        loose = max(a.geo_precision, b.geo_precision)  # "west of Baghdad" may lie far from Baghdad
        return "compatible" if (loose >= 2 and km <= APPROXIMATE_KM) or loose >= 3 else "conflict"
    if a.country and b.country and a.country != b.country:
        return "conflict"
    if a.name and b.name and a.geo_precision <= 2 and b.geo_precision <= 2:
        return "same" if a.name.lower() == b.name.lower() else "conflict"
    return "compatible"


def weapons_conflict(a: list[str], b: list[str], lex: Lexicon) -> bool:
    if not a or not b or set(a) & set(b):
        return False
    classes_a = {_WEAPON_CLASS.get(lex.weapons[w].kind) for w in a if w in lex.weapons} - {None}
    classes_b = {_WEAPON_CLASS.get(lex.weapons[w].kind) for w in b if w in lex.weapons} - {None}
    return bool(classes_a and classes_b and not classes_a & classes_b)


def comparable_status(a: str, b: str) -> bool:
    """Across reports, one outlet's background ("in retaliation for the attack on X") is another's news."""
    return a == b or {a, b} == {"reported", "background"}


def affinity(f: Frame, m: Mention, lex: Lexicon) -> Optional[float]:
    """How well a mention fits a frame; None when they cannot be the same event."""
    return score_pair(f.actor1, f.actor2, f.when, f.where, f.weapons, m.actor1, m.actor2, m.when, m.where,
                      m.weapons, lex, f.status, m.status)


def score_pair(a1, a2, when_a, where_a, weapons_a, b1, b2, when_b, where_b, weapons_b, lex, status_a, status_b):
    if status_a != status_b:
        return None
    r1, r2 = actor_relation(a1, b1, lex), actor_relation(a2, b2, lex)
    if "conflict" in (r1, r2):
        return None
    if actor_relation(a1, b2, lex) == "same" or actor_relation(a2, b1, lex) == "same":
        return None
    if dates_conflict(when_a, when_b) or weapons_conflict(weapons_a, weapons_b, lex):
        return None
    place = places_relation(where_a, where_b)
    if place == "conflict":
        return None
    score = 0.0
    score += 3 if place == "same" else 0
    score += 2 if _same_day(when_a, when_b) else 0
    score += 1 if r1 == "same" else 0
    score += 1 if r2 == "same" else 0
    score += 1 if _shared_weapon(weapons_a, weapons_b, lex) else 0
    return score


def _same_day(a: DateRange, b: DateRange) -> bool:
    return a.precision == b.precision == "day" and a.start == b.start


def _shared_weapon(a: list[str], b: list[str], lex: Lexicon) -> bool:
    """The same weapon, or the same kind of weapon ('107mm rocket' and 'rocket')."""
    if set(a) & set(b):
        return True
    kinds_a = {lex.weapons[w].kind for w in a if w in lex.weapons}
    return bool(kinds_a & {lex.weapons[w].kind for w in b if w in lex.weapons})


# ---- within one article -----------------------------------------------------------------------------
def cluster_article(mentions: list[Mention], lex: Optional[Lexicon] = None,
                    article_day: Optional[date] = None) -> list[Frame]:
    """Group one article's mentions into events (each frame told the day its article speaks from)."""
    lex = lex or lexicon()
    frames: list[Frame] = []
    for index in _reading_order(mentions):
        m = mentions[index]
        if m.status == "aggregate":
            continue
        scored = [(affinity(f, m, lex), f) for f in frames if not _other_named_place(f, m)]
        scored = [(s + _same_wording(f, m, mentions), _nearby(f, m, mentions), _last_sentence(f, mentions), f)
                  for s, f in scored if s is not None]
        poor = not (m.where.name or m.when.start)
        thin = not (m.actor1 or m.actor2 or m.weapons or m.when.start or m.fatalities.known or m.wounded.known)
        if thin:  # only a place: it belongs with the event its own sentence tells, if any
            scored = [(e + (1.0 if _nearby(f, m, mentions, same=True) else 0.0), r, n, f) for e, r, n, f in scored]
        needed = 0.5 if (m.generic or m.anaphoric or poor or thin) else 3
        fitting = [t for t in scored if t[0] >= needed]  # evidence decides; salience only breaks ties
        target = max(fitting, key=lambda t: (t[0] + t[1], t[2]))[3] if fitting else None
        if poor and m.plural and not m.generic and _spans_places([t[3] for t in scored]):
            target = next((t[3] for t in scored if t[3].operation), None)  # one statement about several sites
            if target is None:
                target = Frame(article=m.article_id, status=m.status, operation=True)
                frames.append(target)
        if target is None:
            if m.generic:
                continue
            if poor and not (m.actor1 or m.actor2 or m.fatalities.known or m.wounded.known):
                continue  # says nothing of its own: no event to start
            target = Frame(article=m.article_id, status=m.status)
            frames.append(target)
        _absorb(target, index, m, lex)
    frames = _article_events(frames, mentions, lex)
    frames = [f for f in frames if f.solid and _says_enough(f, mentions)]
    _lend_operation_details(frames, mentions, lex)
    _fill_counterparts(frames, lex)
    _resolve_responses(frames, mentions, lex)
    for frame in frames:
        frame.article_day = article_day
    return frames


_SETS_APART = {"another", "second", "third", "separate", "separately", "elsewhere", "meanwhile", "earlier"}


def _article_events(frames: list[Frame], mentions: list[Mention], lex: Lexicon) -> list[Frame]:
    """Read as a coder does: the event told first (headline, lede) is open, and a later frame is one
    more report of an open event unless it states what sets it apart: another named place, another
    day, other parties, other weapons, or words like "another", "a second", "separately"."""
    def reading_order(frame: Frame) -> tuple[bool, int]:  # the headline last: it sums up what the body tells
        return _headline_only(frame, mentions), min(mentions[i].sentence_index for i in frame.mentions)

    kept: list[Frame] = []
    for frame in sorted(frames, key=reading_order):
        target = next((k for k in kept if _same_story(k, frame, mentions, lex)), None)
        if target is None:
            kept.append(frame)
            continue
        _take_in(target, frame, lex)
        target.named_places |= frame.named_places
        target.solid = target.solid or frame.solid
        if "reported" in (target.status, frame.status):
            target.status = "reported"  # the cause named in one sentence is the news of another
    return [f for f in frames if f in kept]


def _headline_only(frame: Frame, mentions: list[Mention]) -> bool:
    return all(mentions[i].sentence_index == 0 and mentions[i].anaphoric for i in frame.mentions)


def _same_status(a: Frame, b: Frame, mentions: list[Mention]) -> bool:
    """The same status, or a cause ("in retaliation for the airstrike") and the article's news of it."""
    if a.status == b.status:
        return True
    def cause(f: Frame) -> bool:
        return all(mentions[i].cause for i in f.mentions)
    return {a.status, b.status} == {"reported", "background"} and (cause(a) or cause(b))


def _same_story(open_frame: Frame, frame: Frame, mentions: list[Mention], lex: Lexicon) -> bool:
    if not _same_status(open_frame, frame, mentions):
        return False
    if _headline_only(frame, mentions):  # a headline's parties are often misread: place and day decide
        return not dates_conflict(frame.when, open_frame.when) and places_relation(frame.where, open_frame.where) != "conflict"
    if open_frame.named_places and frame.named_places and not open_frame.named_places & frame.named_places:
        return False
    if _frame_affinity(open_frame, frame, lex, across=True) is None or _finer_than(frame, open_frame, mentions):
        return False
    opening = mentions[min(frame.mentions, key=lambda i: mentions[i].sentence_index)]
    return not (set(re.findall(r"[a-z]+", opening.sentence.lower())) & _SETS_APART)


def _finer_than(frame: Frame, open_frame: Frame, mentions: list[Mention]) -> bool:
    """A named site under an open event told only by region or as several strikes: ACLED's one event per
    place keeps it apart (the operation lends it its details later, `_lend_operation_details`)."""
    if not _is_specific(frame.where) or _is_specific(open_frame.where):
        return False
    return open_frame.where.name is not None or any(mentions[i].plural for i in open_frame.mentions)


def _trigger_family(word: str) -> str:
    word = word.lower().replace(" ", "")
    for family, stems in (("attack", ("attack",)), ("strike", ("strik", "struck", "airstrik", "bomb", "raid"))):
        if word.startswith(stems):
            return family
    return word


def _same_wording(frame: Frame, m: Mention, mentions: list[Mention]) -> float:
    """Reports call one side's acts 'attacks' and the other's 'strikes': same word, likelier same event."""
    family = _trigger_family(m.trigger)
    return 0.5 if any(_trigger_family(mentions[i].trigger) == family for i in frame.mentions) else 0.0


def _says_enough(frame: Frame, mentions: list[Mention]) -> bool:
    """An event needs more than a verb and a country: an actor, a weapon, a count, a named place or a day."""
    counts = any(mentions[i].fatalities.known or mentions[i].wounded.known for i in frame.mentions)
    named_place = frame.where.name is not None and frame.where.geo_precision < 4
    return bool(frame.actor1 or frame.actor2 or frame.weapons or counts or named_place or frame.when.precision == "day")


def _last_sentence(frame: Frame, mentions: list[Mention]) -> int:
    return max(mentions[i].sentence_index for i in frame.mentions)


def _nearby(frame: Frame, m: Mention, mentions: list[Mention], same: bool = False) -> float:
    """Salience: a frame told in the sentence just before (or, with same=True, in the same one)."""
    gaps = {m.sentence_index - mentions[i].sentence_index for i in frame.mentions}
    return 0.5 if (0 if same else 1) in gaps else 0.0


def _reading_order(mentions: list[Mention]) -> list[int]:
    """Specific mentions first, then generic ones, then the headline's (which summarise)."""
    def key(i: int):
        m = mentions[i]
        headline = m.sentence_index == 0 and m.anaphoric
        return (headline, m.generic, i)

    return sorted(range(len(mentions)), key=key)


def _spans_places(frames: list[Frame]) -> bool:
    return len({f.where.name for f in frames if _is_specific(f.where)}) >= 2


def _is_specific(loc: Location) -> bool:
    """A named place below country level: a town, a site, or a name the gazetteer does not know."""
    if not loc.name:
        return False
    unknown_name = loc.country is None and loc.lat is None
    return unknown_name or loc.geo_precision <= 2


def _plainly_named(m: Mention) -> Optional[str]:
    """The resolved place a mention states without 'near' or 'west of'."""
    if m.where.name and m.where.geo_precision <= 2 and m.places and all(r.relation == "in" for r in m.places):
        return m.where.name
    return None


def _other_named_place(frame: Frame, m: Mention) -> bool:
    """ACLED: one event per place. Two places named plainly in one article are two events."""
    name = _plainly_named(m)
    if name and frame.operation and not frame.named_places:
        return True  # a named site is its own event; the operation around it only lends details
    return bool(name and frame.named_places and name not in frame.named_places)


def _absorb(frame: Frame, index: int, m: Mention, lex: Lexicon) -> None:
    frame.mentions.append(index)
    if _plainly_named(m):
        frame.named_places.add(_plainly_named(m))
    _fold(frame, m, lex)
    frame.solid = frame.solid or not m.generic
    if m.plural and not m.generic and m.where.geo_precision >= 3 and _trigger_family(m.trigger) != m.trigger.lower():
        frame.operation = True  # "strikes on several facilities on the border": an operation


def _fold(target: Frame, source, lex: Lexicon) -> None:
    """Take from `source` (a Mention or a Frame) whatever is more specific than `target` has."""
    target.actor1 = more_specific_actor(target.actor1, source.actor1, lex)
    if actor_relation(target.actor1, source.actor2, lex) != "same":
        target.actor2 = more_specific_actor(target.actor2, source.actor2, lex)
    if _more_precise_date(source.when, target.when):
        target.when = source.when
    if _more_precise_place(source.where, target.where):
        target.where = source.where
    target.weapons.extend(w for w in source.weapons if w not in target.weapons)
    target.names.update(source.names)
    target.tolls.update(source.tolls if isinstance(source, Frame) else _tolls(source))


def _take_in(target: Frame, source: Frame, lex: Lexicon) -> None:
    """`source`'s reports become `target`'s, and `target` takes whatever `source` states more precisely."""
    _fold(target, source, lex)
    target.mentions.extend(i for i in source.mentions if i not in target.mentions)


def _more_precise_date(a: DateRange, b: DateRange) -> bool:
    order = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
    return order[a.precision] < order[b.precision]


def _more_precise_place(a: Location, b: Location) -> bool:
    def rank(loc: Location):
        return (loc.lat is None, loc.geo_precision, loc.name is None)

    return rank(a) < rank(b)


def _lend_operation_details(frames: list[Frame], mentions: list[Mention], lex: Lexicon) -> None:
    """An operation-level frame (no named place, or only a region) gives its details to the
    place-level frames of the same actor and day, then stands down: one event per place."""
    specific = [f for f in frames if _is_specific(f.where) and not _is_region(f.where, lex)]
    for umbrella in [f for f in frames if f not in specific]:
        covered = [f for f in specific if _covers(umbrella, f, lex, _same_families(umbrella, f, mentions))]
        if not covered:
            continue
        for f in covered:
            if f.where.lat is None and umbrella.where.lat is not None:  # a name no gazetteer knows, in a known region
                f.where = Location(f.where.name, f.where.country or umbrella.where.country, umbrella.where.admin1,
                                   umbrella.where.lat, umbrella.where.lon, max(3, umbrella.where.geo_precision))
            _take_in(f, umbrella, lex)
        frames.remove(umbrella)


def _covers(umbrella: Frame, frame: Frame, lex: Lexicon, wording: bool) -> bool:
    same_area = (
        umbrella.where.country is None
        or _is_region(umbrella.where, lex)
        or frame.where.country in (None, umbrella.where.country)
    )
    actors = actor_relation(frame.actor1, umbrella.actor1, lex)
    agree = actors == "same" or actor_relation(frame.actor2, umbrella.actor2, lex) == "same" or wording
    return (
        frame.status == umbrella.status
        and (actors == "same" or (actors == "compatible" and umbrella.operation and agree))
        and actor_relation(frame.actor2, umbrella.actor2, lex) != "conflict"
        and not dates_conflict(frame.when, umbrella.when)
        and same_area
    )


def _same_families(a: Frame, b: Frame, mentions: list[Mention]) -> bool:
    families = {_trigger_family(mentions[i].trigger) for i in a.mentions if not mentions[i].generic}
    return any(_trigger_family(mentions[i].trigger) in families for i in b.mentions)


def _is_region(loc: Location, lex: Lexicon) -> bool:
    site = lex.sites.get(loc.name or "")
    return bool(site and site.kind == "region")


def _fill_counterparts(frames: list[Frame], lex: Lexicon) -> None:
    """'An attack on the base' names no victim: the article's other events show who faces whom."""
    for frame in frames:
        if frame.actor1 and not frame.actor2:
            frame.actor2 = _counterpart(frame.actor1, frames, lex)
        elif frame.actor2 and not frame.actor1:
            frame.actor1 = _counterpart(frame.actor2, frames, lex)


def _counterpart(actor: str, frames: list[Frame], lex: Lexicon) -> Optional[str]:
    """Who faces `actor` in this article: whoever stands opposite its side (a state's military, or
    non-state groups) in the article's other events; the most specific name wins, then the most frequent."""
    state = lex.country_of_military(actor) is not None
    seen: Counter = Counter()
    for other in frames:
        if not (other.actor1 and other.actor2) or other.status != "reported":
            continue
        for mine, theirs in ((other.actor1, other.actor2), (other.actor2, other.actor1)):
            same = actor_relation(mine, actor, lex) == "same"
            same_side = (lex.country_of_military(mine) is not None) == state and (lex.country_of_military(theirs) is not None) != state
            if same or same_side:
                seen[theirs] += 1
    if not seen:
        return None
    return max(seen, key=lambda name: (_specificity(name), seen[name]))


def _specificity(name: str) -> int:
    if name in GENERIC_ACTORS:
        return 1
    return 2 if name.endswith("-backed militia") else 3


# ---- frames -> events, across articles -----------------------------------------------------------
FrameRef = tuple  # (article id, index of the frame in its article's list)
GRID_DEGREES = 1.0  # blocking cell (degrees of latitude and longitude)
EARTH_KM = 6371.0
UNDATED_WINDOW_DAYS = 30  # how long before its article an undated report's event may have happened
RESPONSE_WINDOW_DAYS = 30  # how far back an answer to "in retaliation for ..." is looked for in the ledger
_GENERIC_WEAPONS = {"drone", "missile", "rocket", "mortar", "artillery", "bomb", "fighter aircraft", "small arms", "IED"}


@dataclass
class ArticleFrames:
    """One article's frames with the mentions they index, as the cross-article merge needs them."""

    article: str
    frames: list[Frame]
    mentions: list[Mention]
    published: Optional[datetime] = None


@dataclass
class Decisions:
    """An analyst's corrections: frames that belong together or apart, whatever the scores say."""

    together: list[tuple[FrameRef, FrameRef]] = field(default_factory=list)
    apart: list[tuple[FrameRef, FrameRef]] = field(default_factory=list)

    def partners(self, ref: FrameRef) -> set[FrameRef]:
        return {b if a == ref else a for a, b in self.together + self.apart if ref in (a, b)}

    def keeps_apart(self, group_a: set[FrameRef], group_b: set[FrameRef]) -> bool:
        return any((a in group_a and b in group_b) or (a in group_b and b in group_a) for a, b in self.apart)


def blocking_keys(frame: Frame) -> set[str]:
    """The keys a frame is filed under. Two frames that `qualify` as one event always share a key
    with each other's `probe_keys`: the same day or the same named weapon (each in the same country,
    or one not known), a nearby grid cell or the same place name, each within the same month (dates
    must overlap to merge)."""
    months = _months(possible_days(frame))
    keys = {f"d:{frame.when.start.isoformat()}:{frame.where.country or '-'}"} if frame.when.precision == "day" else set()
    for stem in _stems(frame, neighbours=False):
        keys |= {f"{stem}:{m}" for m in months}
    return keys


def probe_keys(frame: Frame) -> tuple[set[str], set[str]]:
    """The exact keys and the key prefixes under which a frame's merge candidates are filed."""
    months = _months(possible_days(frame))
    exact, prefixes = set(), set()
    if frame.when.precision == "day":  # same day, and the same country or one not known
        day = f"d:{frame.when.start.isoformat()}:"
        exact |= {day + frame.where.country, day + "-"} if frame.where.country else set()
        prefixes |= set() if frame.where.country else {day}
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


def possible_days(frame: Frame) -> DateRange:
    """The days a frame's event can have happened on, as far as merging is concerned: its own dates,
    or, for a report that gives none, the `UNDATED_WINDOW_DAYS` before its article (news reports recent
    events; an undated "strike on Kharkiv" in a piece of May is not the one of last October). Only
    for merging: the event's own date stays unknown."""
    if frame.when.start is not None or frame.article_day is None:
        return frame.when
    return DateRange(frame.article_day - timedelta(days=UNDATED_WINDOW_DAYS), frame.article_day + timedelta(days=1),
                     "unknown")


def qualifies(a: Frame, b: Frame, lex: Lexicon) -> Optional[float]:
    """The score of two frames from different articles as one event, or None when they are not."""
    if a.article == b.article or dates_conflict(possible_days(a), possible_days(b)):
        return None
    score = _frame_affinity(a, b, lex, across=True)
    if score is None:
        return None
    score += _shared_specifics(a, b) + _same_area(a.where, b.where)
    if score < JOIN_THRESHOLD or not _anchored_together(a, b, lex):
        return None
    return score


def cluster_frames(frames: dict, candidates, decisions: Decisions, lex: Lexicon) -> list[list]:
    """Group frames (by FrameRef) into events. `candidates(ref)` gives the refs that may share an event
    with `ref`. Analysts' `together` decisions come first; then the best-scoring pairs, never joining
    two reports of one article or frames an analyst kept apart. The result depends only on the set of
    frames, not on the order they arrived in."""
    pairs = set()
    for a in sorted(frames):
        for b in candidates(a):
            if b in frames and a != b:
                x, y = min(a, b), max(a, b)
                score = qualifies(frames[x], frames[y], lex)
                if score is not None:
                    pairs.add((-score, x, y))
    groups = {ref: [ref] for ref in frames}
    root = {ref: ref for ref in frames}
    summaries: dict = {}  # a group's summary, kept until the group grows (a big group meets many pairs)

    def summary(key) -> Frame:
        if key not in summaries:
            summaries[key] = _summary(groups[key], frames, lex)
        return summaries[key]

    def join(a, b) -> None:
        keep, gone = sorted((root[a], root[b]))
        groups[keep].extend(groups.pop(gone))
        summaries.pop(keep, None)
        summaries.pop(gone, None)
        for ref in groups[keep]:
            root[ref] = keep

    for a, b in sorted(decisions.together):
        if a in frames and b in frames and root[a] != root[b]:
            join(a, b)
    for _, a, b in sorted(pairs):
        ga, gb = groups[root[a]], groups[root[b]]
        if ga is gb or {r[0] for r in ga} & {r[0] for r in gb} or decisions.keeps_apart(set(ga), set(gb)):
            continue
        if _frame_affinity(summary(root[a]), summary(root[b]), lex, across=True) is None:
            continue
        join(a, b)
    return [sorted(g) for _, g in sorted(groups.items())]


@dataclass
class MergeBlock:
    """A part of a ledger merge that no frame outside it can affect (one or more connected groups
    of frames), with everything merging it needs, so that it can be merged anywhere: here or on
    a Dask worker."""

    frames: dict  # FrameRef -> Frame
    candidates: dict  # FrameRef -> the frames it may share an event with (`cluster_frames` scores each pair)
    decisions: Decisions  # the analysts' decisions touching these frames
    current: dict  # FrameRef -> the member frames (sorted) of its event in the ledger, for the frames that have one


def merge_block(block: MergeBlock, lex: Optional[Lexicon] = None) -> list[list]:
    """The groups of a block's frames that differ from the ledger's current events: the events to
    (re)build. Scoring the candidate pairs is most of the work, done in parallel when blocks are."""
    groups = cluster_frames(block.frames, block.candidates.__getitem__, block.decisions, lex or lexicon())
    return [g for g in groups if block.current.get(g[0]) != g]


def merge_articles(articles: list[ArticleFrames], lex: Optional[Lexicon] = None,
                   decisions: Optional[Decisions] = None) -> list[Event]:
    """Canonical events from a batch of articles: the same event across articles becomes one."""
    lex = lex or lexicon()
    by_article = {a.article: a for a in articles}
    frames = {(a.article, i): f for a in articles for i, f in enumerate(a.frames)}
    index = KeyIndex(frames)
    decisions = decisions or Decisions()
    groups = cluster_frames(frames, lambda ref: index.candidates(frames[ref]) | decisions.partners(ref), decisions, lex)
    events = [build_event(g, frames, by_article, lex) for g in groups]
    event_of = {ref: e for e in events for ref in e.members}
    for event in events:
        event.responds_to = responses_of(event, link_targets(event, frames, lex), event_of.get, lambda e: events, lex)
    return sorted(events, key=lambda e: (e.when.start.isoformat() if e.when.start else "9999", e.event_id))


JOIN_THRESHOLD = 2.0  # evidence two reports of different articles need to be one event (chosen on the dev sets)
_NAMES_ANCHOR = 3  # proper names two reports must share to be tied by names alone (one fewer when both are dated)


def _shared_specifics(a: Frame, b: Frame) -> float:
    """Proper names both reports use (the site hit, the official quoted), and a death toll both
    state: each one is evidence."""
    return min(2.0, 0.75 * len(a.names & b.names)) + (1.0 if _shared_toll(a, b) else 0.0)


def _shared_toll(a: Frame, b: Frame) -> bool:
    """Both reports give the same death toll, and one large enough not to be a coincidence (two or more)."""
    return any(n >= 2 for n in a.tolls & b.tolls)


def _tolls(m: Mention) -> set[int]:
    return {n for n in (m.fatalities.best, m.fatalities.low, m.fatalities.high) if n}


def _same_area(a: Location, b: Location) -> float:
    """A village and its province, a city and the region around it: the same area, told at two levels."""
    if not (a.country and a.country == b.country):
        return 0.0
    if a.admin1 and a.admin1 == b.admin1 and places_relation(a, b) != "same":
        return 1.0
    return 0.5


def _anchored_together(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """Reports from different articles are one event only if they agree on the place (and one more
    thing), the day, a specific named weapon, or several proper names, not merely on who fought whom."""
    shared_names = len(a.names & b.names)
    dated = a.when.precision != "unknown" and b.when.precision != "unknown"
    if shared_names >= _NAMES_ANCHOR or (dated and shared_names >= _NAMES_ANCHOR - 1):
        return True
    if places_relation(a.where, b.where) == "same":  # and something else: two events can share a town
        return bool(actor_relation(a.actor1, b.actor1, lex) == "same" or _shared_weapon(a.weapons, b.weapons, lex)
                    or _same_day(a.when, b.when))
    if _same_day(a.when, b.when):
        return True
    if _shared_toll(a, b) and a.where.country and a.where.country == b.where.country:
        return True  # "14 killed" in Yemen by both: the same strike, however each names the place
    return bool((set(a.weapons) & set(b.weapons)) - _GENERIC_WEAPONS)


def _frame_affinity(a: Frame, b: Frame, lex: Lexicon, across: bool = False) -> Optional[float]:
    """Frames of one article compare as they are; `across` articles, background meets news (`comparable_status`)."""
    if not (a.status == b.status or (across and comparable_status(a.status, b.status))):
        return None
    return score_pair(a.actor1, a.actor2, a.when, a.where, a.weapons, b.actor1, b.actor2, b.when, b.where,
                      b.weapons, lex, a.status, a.status)  # statuses compared above


def _summary(refs: list, frames: dict, lex: Lexicon) -> Frame:
    out = Frame(article="*", status=frames[refs[0]].status)
    for ref in refs:
        _fold(out, frames[ref], lex)
    return out


def build_event(refs: list, frames: dict, articles: dict, lex: Lexicon) -> Event:
    """One canonical event from its frames (refs in sorted order) and their articles' mentions."""
    summary = _summary(refs, frames, lex)
    mentions = [articles[a].mentions[i] for a, n in refs for i in sorted(frames[(a, n)].mentions)]
    published = {ref[0]: articles[ref[0]].published for ref in refs}
    sub_type = _sub_event_type(summary, mentions, lex)
    first = min(refs, key=lambda ref: (ref[0], frames[ref].mentions[0]))
    origin = frames[first].mentions[0]  # the mention that opened the frame (lent mentions come later)
    seed = f"{first[0]}|{origin}|{articles[first[0]].mentions[origin].sentence}"
    evidence, seen = [], set()
    for m in mentions:
        if (m.article_id, m.sentence) not in seen:
            seen.add((m.article_id, m.sentence))
            evidence.append(Evidence(m.article_id, m.sentence))
    return Event(
        event_id="ev-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12],
        status=_event_status(refs, frames),
        event_type=lex.event_types["sub_event_types"].get(sub_type, "Explosions/Remote violence"),
        sub_event_type=sub_type,
        actor1=summary.actor1,
        actor2=summary.actor2,
        when=summary.when,
        where=summary.where,
        weapons=most_specific_weapons(summary.weapons, lex),
        fatalities=best_count(mentions, "fatalities", published),
        wounded=best_count(mentions, "wounded", published),
        claims=[c for m in mentions for c in m.claims],
        responds_to=[],
        sources=sorted({ref[0] for ref in refs}),
        evidence=evidence,
        mentions=mentions,
        members=list(refs),
    )


def _event_status(refs: list, frames: dict) -> str:
    """News if any report tells it as news; otherwise background."""
    return "reported" if any(frames[ref].status == "reported" for ref in refs) else "background"


def most_specific_weapons(names: list[str], lex: Lexicon) -> list[str]:
    """'AC-130' makes 'gunship' and 'military aircraft' redundant; 'F-16' and 'JDAM' make 'drone' so
    (same class of weapon): generic names (no capital letter or digit) give way to specific ones."""
    def specific(name: str) -> bool:
        return any(ch.isupper() or ch.isdigit() for ch in name)

    def weapon_class(name: str):
        entry = lex.weapons.get(name)
        return _WEAPON_CLASS.get(entry.kind) if entry else None

    named_classes = {weapon_class(n) for n in names if specific(n)} - {None}
    return [n for n in names if specific(n) or weapon_class(n) not in named_classes]


def _sub_event_type(summary: Frame, mentions: list[Mention], lex: Lexicon) -> str:
    rules = lex.event_types
    kinds = [lex.weapons[w].kind for w in summary.weapons if w in lex.weapons]
    for kind in rules["weapon_kind_rank"]:
        if kind in kinds and rules["weapon_kinds"].get(kind):
            return rules["weapon_kinds"][kind]
    for chosen in ([m for m in mentions if m.typed_by != "default" and not m.generic],
                   [m for m in mentions if m.typed_by != "default"],
                   [m for m in mentions if not m.generic], mentions):
        if chosen:
            return Counter(m.sub_event_type for m in chosen).most_common(1)[0][0]
    return lex.event_types["defaults"]["otherwise"]


def best_count(mentions: list[Mention], field_name: str, published: Optional[dict] = None) -> Count:
    """UCDP-style estimate across reports: the best-sourced figure wins (official confirmation over
    unconfirmed or claimed ones); among confirmed figures the latest report's (a toll is revised
    upwards or down as bodies are counted), otherwise the highest best; bounds span the figures."""
    published = published or {}
    figures: list[tuple[int, Count, Optional[datetime]]] = []
    for m in mentions:
        count: Count = getattr(m, field_name)
        if not count.known:
            continue
        statuses = [c.status for c in m.claims if c.field == field_name and c.value == count.best]
        rank = min((_STATUS_RANK.get(s, 3) for s in statuses), default=1)
        figures.append((rank, count, published.get(m.article_id)))
    if not figures:
        return Count()
    top = min(rank for rank, _, _ in figures)
    best_tier = [(c, when) for rank, c, when in figures if rank == top]
    dated = [when for c, when in best_tier if when is not None and c.best is not None]
    if top == _STATUS_RANK["confirmed"] and len(set(dated)) > 1:
        best_tier = [(c, when) for c, when in best_tier if when == max(dated)]
    bests = [c.best for c, _ in best_tier if c.best is not None]
    best = max(bests) if bests else None
    lows = [c.low for c, _ in best_tier if c.low is not None]
    highs = [c.high for _, c, _ in figures if c.high is not None]
    low = min(lows) if lows else None
    high = max(highs) if highs and all(c.high is not None for c, _ in best_tier) else None
    if best is not None and low is not None and low > best:
        low = best
    if best is not None and high is not None and high < best:
        high = best
    return Count(best=best, low=low, high=high)


# ---- escalation chains ------------------------------------------------------------------------------
def _resolve_responses(frames: list[Frame], mentions: list[Mention], lex: Lexicon) -> None:
    """Within one article: which of its frames each frame answers ('in retaliation for ...',
    'responded to ...', 'hours after ...', 'retaliatory strikes'). A frame with a response cue and
    no answer here keeps `answers` set, and the merge looks for its answer in the ledger."""
    frame_of: dict[int, list[int]] = {}
    for n, frame in enumerate(frames):
        for i in frame.mentions:
            frame_of.setdefault(i, []).append(n)
    for n, frame in enumerate(frames):
        found: list[int] = []
        for i in frame.mentions:
            m = mentions[i]
            frame.answers = frame.answers or bool(m.responds_to_mentions) or m.responds_to_text is not None
            found += [t for j in m.responds_to_mentions for t in frame_of.get(j, [])]
            if m.responds_to_text:
                found += _frames_named(m.responds_to_text, frames, mentions, skip=n)
            elif m.responds_to_text == "":
                found += [t for t, other in enumerate(frames) if other.status == "reported" and other.actor1
                          and actor_relation(other.actor1, frame.actor2, lex) == "same"][:1]
        frame.responds_to = [t for t in dict.fromkeys(found) if t != n]


def _frames_named(text: str, frames: list[Frame], mentions: list[Mention], skip: int) -> list[int]:
    """The first frame but `skip` (the one answering) whose sentences share a proper name with the response phrase."""
    names = {w for w in _PROPER.findall(text) if w not in _NOT_NAMES}
    for n, frame in enumerate(frames):
        if n != skip and names and any(names & set(_PROPER.findall(mentions[i].sentence)) for i in frame.mentions):
            return [n]
    return []


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
