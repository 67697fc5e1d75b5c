"""Within one article: its mentions clustered into events the way a coder reads them
(`cluster_article`): the event told first is open and a later mention is one more report of it
unless it states what sets it apart (`_article_events`); an operation-level mention ("strikes on
several facilities") lends its weapons and actors to the place-level events it covers (ACLED: one
event per place per day); the article's events answering each other are linked
(`responses._resolve_responses`)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Optional

from ..records import DateRange, Location, Mention
from ..resources import Lexicon, lexicon
from .frames import Frame
from .responses import _resolve_responses
from .scoring import _frame_affinity, _same_day, _specificity, _tolls, _tolls_apart, actor_relation, affinity, dates_conflict, more_specific_actor, places_relation


def cluster_article(mentions: list[Mention], lex: Optional[Lexicon] = None,
                    article_day: Optional[date] = None) -> list[Frame]:
    """Group one article's mentions into events (each frame told the day its article speaks from)."""
    lex = lex or lexicon()
    frames: list[Frame] = []
    for index in _reading_order(mentions):
        m = mentions[index]
        if m.status == "aggregate":
            continue
        scored = [(affinity(f, m, lex), f) for f in frames if not _other_named_place(f, m) and not _answer_of(f, index, mentions)]
        scored = [(s + _same_wording(f, m, mentions) + _same_toll(f, m), _nearby(f, m, mentions), _last_sentence(f, mentions), f)
                  for s, f in scored if s is not None]
        poor = not (m.where.name or m.when.start)
        thin = not (m.actor1 or m.actor2 or m.weapons or m.when.start or m.fatalities.known or m.wounded.known)
        if thin:  # only a place: it belongs with the event its own sentence tells, if any
            scored = [(e + (1.0 if _nearby(f, m, mentions, same=True) else 0.0), r, n, f) for e, r, n, f in scored]
        needed = 0.5 if (m.generic or m.anaphoric or poor or thin) else 3
        fitting = [t for t in scored if t[0] >= needed]  # evidence decides; salience only breaks ties
        if not fitting and (m.generic or m.anaphoric) and m.fatalities.known and len(scored) == 1 and scored[0][1]:
            fitting = scored  # "the operation killed ...": the one event open that it can be
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
    sides = _sides_blaming_each_other(mentions, lex)
    for frame in sorted(frames, key=reading_order):
        target = next((k for k in kept if _same_story(k, frame, mentions, lex, sides)), None)
        if target is None:
            kept.append(frame)
            continue
        told_by = (target.actor1, target.actor2)
        _take_in(target, frame, lex)
        if _contested(target, frame, sides, lex):
            target.actor1, target.actor2 = told_by  # the account told first stands; the other is a claim
        target.named_places |= frame.named_places
        target.solid = target.solid or frame.solid
        if "reported" in (target.status, frame.status) and not _retold(target, frame, mentions):
            target.status = "reported"  # the cause named in one sentence is the news of another
    return [f for f in frames if f in kept]


def _answer_of(frame: Frame, index: int, mentions: list[Mention]) -> bool:
    """The mention answers one of the frame's, or one of them answers it."""
    return any(j in frame.mentions for j in mentions[index].responds_to_mentions) or any(
        index in mentions[i].responds_to_mentions for i in frame.mentions)


def _answers(a: Frame, b: Frame, mentions: list[Mention]) -> bool:
    """A report of `a` says it answers a report of `b`: an event is not its own cause."""
    told = set(b.mentions)
    return any(j in told for i in a.mentions for j in mentions[i].responds_to_mentions)


def _headline_only(frame: Frame, mentions: list[Mention]) -> bool:
    return all(mentions[i].sentence_index == 0 and mentions[i].anaphoric for i in frame.mentions)


def _same_status(a: Frame, b: Frame, mentions: list[Mention]) -> bool:
    """The same status, or a cause ("in retaliation for the airstrike") and the article's news of it, or
    an earlier event and a later sentence that refers back to it ("since Hamas launched its attacks ...
    The surprise attacks by Hamas have left 1,400 dead")."""
    if a.status == b.status:
        return True
    def cause(f: Frame) -> bool:
        return all(mentions[i].cause for i in f.mentions)
    return {a.status, b.status} == {"reported", "background"} and (cause(a) or cause(b) or _retold(a, b, mentions))


def _retold(a: Frame, b: Frame, mentions: list[Mention]) -> bool:
    """One is background and the other only refers back to it ("the attacks"), by the same actor."""
    background, other = (a, b) if a.status == "background" else (b, a)
    return (background.status == "background" and other.status == "reported" and background.actor1 is not None
            and other.actor1 == background.actor1 and all(mentions[i].anaphoric for i in other.mentions))


def _sides_blaming_each_other(mentions: list[Mention], lex: Lexicon) -> list[tuple[str, str]]:
    """Who blames whom in the article ("Israel blamed Islamic Jihad for the attack"): an accuser and
    the one it accuses tell one event two ways."""
    return [(claim.by, claim.value) for m in mentions for claim in m.claims
            if claim.field == "responsibility" and claim.by and claim.by != claim.value
            and actor_relation(claim.by, claim.value, lex) == "conflict"]


def _contested(a: Frame, b: Frame, sides: list[tuple[str, str]], lex: Lexicon) -> bool:
    """The two frames' actors are the two sides of an accusation: one event whose author is disputed."""
    def same(x: Optional[str], y: str) -> bool:
        return actor_relation(x, y, lex) == "same"
    return any((same(a.actor1, accuser) and same(b.actor1, accused)) or (same(a.actor1, accused) and same(b.actor1, accuser))
               for accuser, accused in sides)


def _same_story(open_frame: Frame, frame: Frame, mentions: list[Mention], lex: Lexicon,
                sides: list[tuple[str, str]] = ()) -> bool:
    if not _same_status(open_frame, frame, mentions) or _answers(open_frame, frame, mentions) or _answers(frame, open_frame, mentions):
        return False
    if open_frame.status != frame.status and not (_retold(open_frame, frame, mentions) or _told_of_one_thing(open_frame, frame)) \
            and (open_frame.when.start or frame.when.start):
        return False  # a dated cause is the news of another sentence only where both tell the same place, day or toll
    if open_frame.status == frame.status == "background" and not _refers_back(frame, mentions) \
            and not (_told_of_one_thing(open_frame, frame) or open_frame.names & frame.names):
        return False  # earlier events listed as context ("In July ...; a wave of blasts last month ...") stay apart
    if _own_day_and_toll(frame, open_frame, mentions):
        return False  # "three refugees had been killed in an air strike on a camp on Wednesday": another event
    if _headline_only(frame, mentions):  # a headline's parties are often misread: place and day decide
        return not dates_conflict(frame.when, open_frame.when) and places_relation(frame.where, open_frame.where) != "conflict"
    if (open_frame.named_places and frame.named_places and not open_frame.named_places & frame.named_places
            and not _one_place(open_frame.where, frame.where)):
        return False
    if _contested(open_frame, frame, sides, lex):
        if not _told_alike(open_frame, frame):
            return False
    elif _frame_affinity(open_frame, frame, lex, across=True) is None or (
            _finer_than(frame, open_frame, mentions) and not _retold(open_frame, frame, mentions)):
        return False
    opening = mentions[min(frame.mentions, key=lambda i: mentions[i].sentence_index)]
    return not (set(re.findall(r"[a-z]+", opening.sentence.lower())) & _SETS_APART)


def _own_day_and_toll(frame: Frame, open_frame: Frame, mentions: list[Mention]) -> bool:
    """A later report that refers back to nothing and tells a day and a toll of its own, far from the
    open event's toll, is another event (a rising toll keeps its day or refers back: "the toll rose")."""
    dated = frame.when.precision == "day" and not _same_day(frame.when, open_frame.when)
    return dated and not _refers_back(frame, mentions) and _tolls_apart(frame, open_frame)


def _refers_back(frame: Frame, mentions: list[Mention]) -> bool:
    """Every report of it refers back ("the attacks"), and none names it as a cause."""
    return all((mentions[i].anaphoric or mentions[i].generic) and not mentions[i].cause for i in frame.mentions)


def _told_of_one_thing(a: Frame, b: Frame) -> bool:
    """The same named place, the same day, or the same toll."""
    return _same_day(a.when, b.when) or bool(a.tolls & b.tolls) or (a.where.name is not None and places_relation(a.where, b.where) == "same")


def _told_alike(a: Frame, b: Frame) -> bool:
    """Whoever each account blames, the same day and place (or none said)."""
    return (a.status == b.status and not dates_conflict(a.when, b.when)
            and places_relation(a.where, b.where) != "conflict")


def _one_place(a: Location, b: Location) -> bool:
    """Two names of one place: a town that gives its province its name and a district or depot of it
    close by ("Musaffah", in the province of Abu Dhabi, and Abu Dhabi). Two villages of one province
    stay two places."""
    eponymous = a.name is not None and b.name is not None and (a.name == b.admin1 or b.name == a.admin1)
    return eponymous and a.country == b.country and places_relation(a, b) == "same"


def _finer_than(frame: Frame, open_frame: Frame, mentions: list[Mention]) -> bool:
    """A named site under an open event told only by region or as several strikes: ACLED's one event per
    place keeps it apart (the operation lends it its details later, `_lend_operation_details`)."""
    if not _is_specific(frame.where) or _is_specific(open_frame.where):
        return False
    several = any(mentions[i].plural and not mentions[i].generic for i in open_frame.mentions)
    by_country = open_frame.where.geo_precision >= 4  # "Israeli strike in Iran", then "in Tehran": one strike, told at two levels
    return several or (open_frame.where.name is not None and not by_country)  # "the operation killed X and 50 others": one strike


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


def _same_toll(frame: Frame, m: Mention) -> float:
    """ "Car bomb kills seven" and the sentence that says seven were killed: a figure both state."""
    return 1.0 if frame.tolls & _tolls(m) else 0.0


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
        elif frame.actor2 and not frame.actor1 and frame.actor2 != "Civilians":  # anyone may attack civilians
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
