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
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from .place import distance_km
from .records import Claim, Count, DateRange, Event, Evidence, Location, Mention
from .resources import Lexicon, lexicon

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


# ---- actor sides ------------------------------------------------------------------------------------
def actor_relation(a: Optional[str], b: Optional[str], lex: Lexicon) -> str:
    """'same', 'compatible' or 'conflict' between two actor names."""
    if not a or not b:
        return "compatible"
    if a == b:
        return "same"
    state_a, state_b = lex.country_of_military(a), lex.country_of_military(b)
    if state_a and state_b:
        return "same" if state_a == state_b else "conflict"
    kind_a = lex.actors[a].kind if a in lex.actors else "militia"
    kind_b = lex.actors[b].kind if b in lex.actors else "militia"
    if (state_a and kind_b == "coalition") or (state_b and kind_a == "coalition"):
        return "compatible"
    if state_a or state_b:
        return "conflict" if not ("Civilians" in (a, b)) else "conflict"
    if a in GENERIC_ACTORS or b in GENERIC_ACTORS:
        return "compatible"
    if a in _family(b, lex) or b in _family(a, lex):
        return "same"
    return "compatible" if "militia" in (a + b).lower() else "conflict"


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
    score += 2 if when_a.precision == "day" and when_a.start == when_b.start else 0
    score += 1 if r1 == "same" else 0
    score += 1 if r2 == "same" else 0
    score += 1 if _shared_weapon(weapons_a, weapons_b, lex) else 0
    return score


def _shared_weapon(a: list[str], b: list[str], lex: Lexicon) -> bool:
    """The same weapon, or the same kind of weapon ('107mm rocket' and 'rocket')."""
    if set(a) & set(b):
        return True
    kinds_a = {lex.weapons[w].kind for w in a if w in lex.weapons}
    return bool(kinds_a & {lex.weapons[w].kind for w in b if w in lex.weapons})


# ---- within one article -----------------------------------------------------------------------------
def cluster_article(mentions: list[Mention], lex: Optional[Lexicon] = None) -> list[Frame]:
    """Group one article's mentions into events."""
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
    frames = [f for f in frames if f.solid and _says_enough(f, mentions)]
    _lend_operation_details(frames, mentions, lex)
    _fill_counterparts(frames, lex)
    return frames


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
            _fold(f, umbrella, lex)
            f.mentions.extend(i for i in umbrella.mentions if i not in f.mentions)
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
@dataclass
class _Draft:
    frames: list[tuple[Frame, list[Mention]]]

    @property
    def articles(self) -> set[str]:
        return {f.article for f, _ in self.frames}


def merge_articles(per_article: list[tuple[list[Frame], list[Mention]]], lex: Optional[Lexicon] = None) -> list[Event]:
    """Canonical events from every article's frames: the same event across articles becomes one."""
    lex = lex or lexicon()
    drafts = [_Draft([(f, mentions)]) for frames, mentions in per_article for f in frames]
    drafts.sort(key=lambda d: _draft_key(d))
    pairs = []
    for i, a in enumerate(drafts):
        for j in range(i + 1, len(drafts)):
            b = drafts[j]
            if a.articles & b.articles:
                continue
            score = _frame_affinity(a.frames[0][0], b.frames[0][0], lex)
            if score is not None and score >= 3 and _anchored_together(a.frames[0][0], b.frames[0][0], lex):
                pairs.append((-score, i, j))
    pairs.sort()
    owner = list(range(len(drafts)))

    def find(n: int) -> int:
        while owner[n] != n:
            n = owner[n]
        return n

    for _, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj or drafts[ri].articles & drafts[rj].articles:
            continue
        if _frame_affinity(_summary(drafts[ri], lex), _summary(drafts[rj], lex), lex) is None:
            continue
        drafts[ri].frames.extend(drafts[rj].frames)
        owner[rj] = ri
    merged = [d for n, d in enumerate(drafts) if find(n) == n]
    events = [_event_from(d, lex) for d in merged]
    _link_responses(events, merged, lex)
    return sorted(events, key=lambda e: (e.when.start.isoformat() if e.when.start else "9999", e.event_id))


def _anchored_together(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """Reports from different articles are one event only if they agree on the place (and one more
    thing), the day, or a specific named weapon, not merely on who fought whom."""
    if places_relation(a.where, b.where) == "same":  # and something else: two events can share a town
        return bool(actor_relation(a.actor1, b.actor1, lex) == "same" or _shared_weapon(a.weapons, b.weapons, lex)
                    or (a.when.precision == "day" and a.when.start == b.when.start))
    if a.when.precision == "day" and a.when.start == b.when.start:
        return True
    generic = {"drone", "missile", "rocket", "mortar", "artillery", "bomb", "fighter aircraft", "small arms", "IED"}
    return bool((set(a.weapons) & set(b.weapons)) - generic)


def _draft_key(d: _Draft):
    frame, mentions = d.frames[0]
    return (frame.article, frame.mentions[0])


def _frame_affinity(a: Frame, b: Frame, lex: Lexicon) -> Optional[float]:
    return score_pair(a.actor1, a.actor2, a.when, a.where, a.weapons, b.actor1, b.actor2, b.when, b.where,
                      b.weapons, lex, a.status, b.status)


def _summary(d: _Draft, lex: Lexicon) -> Frame:
    out = Frame(article="*", status=d.frames[0][0].status)
    for frame, _ in d.frames:
        _fold(out, frame, lex)
    return out


def _event_from(draft: _Draft, lex: Lexicon) -> Event:
    summary = _summary(draft, lex)
    mentions = [mentions[i] for frame, mentions in draft.frames for i in sorted(frame.mentions)]
    sub_type = _sub_event_type(summary, mentions, lex)
    claims = [c for m in mentions for c in m.claims]
    first_frame, first_mentions = min(draft.frames, key=lambda fm: (fm[0].article, fm[0].mentions[0]))
    origin = first_frame.mentions[0]  # the mention that opened the frame (lent mentions come later)
    seed = f"{first_frame.article}|{origin}|{first_mentions[origin].sentence}"
    evidence, seen = [], set()
    for m in mentions:
        if (m.article_id, m.sentence) not in seen:
            seen.add((m.article_id, m.sentence))
            evidence.append(Evidence(m.article_id, m.sentence))
    return Event(
        event_id="ev-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12],
        status=summary.status if summary.status != "aggregate" else "background",
        event_type=lex.event_types["sub_event_types"].get(sub_type, "Explosions/Remote violence"),
        sub_event_type=sub_type,
        actor1=summary.actor1,
        actor2=summary.actor2,
        when=summary.when,
        where=summary.where,
        weapons=most_specific_weapons(summary.weapons, lex),
        fatalities=best_count(mentions, "fatalities"),
        wounded=best_count(mentions, "wounded"),
        claims=claims,
        responds_to=[],
        sources=sorted(draft.articles),
        evidence=evidence,
        mentions=mentions,
    )


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
    counts = Counter(m.sub_event_type for m in mentions if not m.generic) or Counter(m.sub_event_type for m in mentions)
    return counts.most_common(1)[0][0]


def best_count(mentions: list[Mention], field_name: str) -> Count:
    """UCDP-style estimate across reports: the best-sourced figure wins (official confirmation over
    unconfirmed or claimed ones); among equally sourced figures the highest best; bounds span them."""
    figures: list[tuple[int, Count]] = []
    for m in mentions:
        count: Count = getattr(m, field_name)
        if not count.known:
            continue
        statuses = [c.status for c in m.claims if c.field == field_name and c.value == count.best]
        rank = min((_STATUS_RANK.get(s, 3) for s in statuses), default=1)
        figures.append((rank, count))
    if not figures:
        return Count()
    top = min(rank for rank, _ in figures)
    best_tier = [c for rank, c in figures if rank == top]
    best = max(c.best for c in best_tier if c.best is not None) if any(c.best is not None for c in best_tier) else None
    lows = [c.low for c in best_tier if c.low is not None]
    highs = [c.high for _, c in figures if c.high is not None]
    low = min(lows) if lows else None
    high = max(highs) if highs and all(c.high is not None for c in best_tier) else None
    if best is not None and low is not None and low > best:
        low = best
    if best is not None and high is not None and high < best:
        high = best
    return Count(best=best, low=low, high=high)


# ---- escalation chains ------------------------------------------------------------------------------
def _link_responses(events: list[Event], drafts: list[_Draft], lex: Lexicon) -> None:
    """Resolve 'in retaliation for ...', 'responded to ...', 'after ...' into event ids."""
    by_mention: dict[tuple[str, int], Event] = {}
    for event, draft in zip(events, drafts):
        for frame, mentions in draft.frames:
            for i in frame.mentions:
                by_mention[(frame.article, i)] = event
    for event, draft in zip(events, drafts):
        targets: list[Event] = []
        for frame, mentions in draft.frames:
            for i in frame.mentions:
                m = mentions[i]
                for j in m.responds_to_mentions:
                    other = by_mention.get((frame.article, j))
                    if other is not None:
                        targets.append(other)
                if m.responds_to_text:
                    targets.extend(_events_named(m.responds_to_text, events, frame.article, event))
                elif m.responds_to_text == "":
                    targets.extend(_earlier_adversary_event(event, events, frame.article, lex))
        for target in targets:
            if target is event or target.event_id in event.responds_to:
                continue
            if actor_relation(target.actor1, event.actor1, lex) == "same" and event.actor1:
                continue  # a response comes from the other side
            if target.when.start and event.when.start and target.when.start > event.when.start:
                continue
            event.responds_to.append(target.event_id)


def _events_named(text: str, events: list[Event], article: str, source: Event) -> list[Event]:
    """Events of the same article whose sentences share a proper name with the response phrase."""
    names = {w for w in _PROPER.findall(text) if w not in _NOT_NAMES}
    if not names:
        return []
    found = []
    for event in events:
        if event is source or article not in event.sources:
            continue
        if any(names & set(_PROPER.findall(e.sentence)) for e in event.evidence if e.article == article):
            found.append(event)
    return found[:1]


def _earlier_adversary_event(source: Event, events: list[Event], article: str, lex: Lexicon) -> list[Event]:
    candidates = [
        e for e in events
        if e is not source and article in e.sources and e.status == "reported"
        and e.actor1 and actor_relation(e.actor1, source.actor2, lex) == "same"
    ]
    return candidates[:1]
