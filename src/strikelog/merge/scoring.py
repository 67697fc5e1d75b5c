"""Scoring: how two reports of an event compare. Relations between actors, places, days and weapons
(`actor_relation`, `places_relation`, `dates_conflict`, `weapons_conflict`), the score of a pair
within an article (`affinity`, `score_pair`) and across articles (`qualifies`, `JOIN_THRESHOLD`),
and the days an undated report may speak of (`possible_days`)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Optional

from ..resolve.place import distance_km
from ..records import DateRange, Location, Mention
from ..resources import Lexicon
from .frames import Frame

GENERIC_ACTORS = ("unidentified armed group",)
NEAR_KM = 30.0
APPROXIMATE_KM = 200.0
UNDATED_WINDOW_DAYS = 30  # how long before its article an undated report's event may have happened
JOIN_THRESHOLD = 2.0  # evidence two reports of different articles need to be one event (chosen on the dev sets)
_NAMES_ANCHOR = 3  # proper names two reports must share to be tied by names alone (one fewer when both are dated)
_WEAPON_CLASS = {
    "aircraft": "air", "helicopter": "air", "drone": "air", "bomb": "air", "loitering_munition": "owa",
    "ballistic_missile": "missile", "cruise_missile": "missile", "missile": "missile", "rocket": "missile",
    "mortar": "mortar", "artillery": "artillery", "ied": "ied", "small_arms": "ground", "grenade": "ground",
    "armoured_vehicle": "ground", "anti_tank_missile": "ground", "naval": "naval",
}
_GENERIC_WEAPONS = {"drone", "missile", "rocket", "mortar", "artillery", "bomb", "fighter aircraft", "small arms", "IED"}


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
    """A name the dictionary does not list whose words are all words of a listed group's name or alias:
    "Baloch" rebels, or the "Baloch Army", and the Baloch Liberation Army."""
    entry = lex.actors.get(listed)
    if short in lex.actors or entry is None:
        return False
    words = set(re.findall(r"\w+", short.lower()))
    return bool(words) and any(words <= set(re.findall(r"\w+", name.lower())) for name in (entry.name, *entry.aliases))


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


def _specificity(name: str) -> int:
    if name in GENERIC_ACTORS:
        return 1
    return 2 if name.endswith("-backed militia") else 3


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
    score = reports_affinity(a, b, lex)
    if score is None:
        return None
    score += _shared_specifics(a, b) + _same_area(a.where, b.where)
    if score < JOIN_THRESHOLD or not _anchored_together(a, b, lex):
        return None
    return score


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


def _pinpointed(a: Location, b: Location) -> bool:
    """Both reports name the place itself (a town, a camp, a site), not only its region."""
    return a.geo_precision == b.geo_precision == 1


def _tolls_apart(a: Frame, b: Frame) -> bool:
    """Both reports give death tolls, and no two of them are within a factor of two: another event."""
    if not (a.tolls and b.tolls):
        return False
    return all(max(x, y) > 2 * min(x, y) for x in a.tolls for y in b.tolls)


def _anchored_together(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """Reports from different articles are one event only if they agree on the place (and one more
    thing), the day, a specific named weapon, or several proper names, not merely on who fought whom."""
    shared_names = len(a.names & b.names)
    dated = a.when.precision != "unknown" and b.when.precision != "unknown"
    if shared_names >= _NAMES_ANCHOR or (dated and shared_names >= _NAMES_ANCHOR - 1):
        return True
    if places_relation(a.where, b.where) == "same":  # and something else: two events can share a town
        return bool(actor_relation(a.actor1, b.actor1, lex) == "same" or _shared_weapon(a.weapons, b.weapons, lex)
                    or _same_day(a.when, b.when) or (_pinpointed(a.where, b.where) and shared_names >= 2 and not _tolls_apart(a, b)))
    if _same_day(a.when, b.when) or _one_strike_across_a_border(a, b, lex):
        return True
    if _shared_toll(a, b) and a.where.country and a.where.country == b.where.country:
        return True  # "14 killed" in Yemen by both: the same strike, however each names the place
    return bool((set(a.weapons) & set(b.weapons)) - _GENERIC_WEAPONS)


def _one_strike_across_a_border(a: Frame, b: Frame, lex: Lexicon) -> bool:
    """One state's forces striking the same other country, told within a day of each other ("Iran fired
    missiles at Israel" and "missiles fell near Jerusalem"): a strike across a border is rare enough
    for the pair, the country and the day to make it one, however each report names the place."""
    state = lex.country_of_military(a.actor1) if a.actor1 else None
    if state is None or actor_relation(a.actor1, b.actor1, lex) != "same":
        return False
    country = a.where.country
    if not country or country != b.where.country or country == state:
        return False
    day_a, day_b = _told_day(a), _told_day(b)
    return day_a is not None and day_b is not None and abs((day_a - day_b).days) <= 1


def _told_day(frame: Frame):
    """The day a frame's event happened, or else the day its article speaks from."""
    return frame.when.start if frame.when.precision == "day" else frame.article_day


def reports_affinity(a: Frame, b: Frame, lex: Lexicon) -> Optional[float]:
    """How well two reports from different articles fit as one event, None when they cannot; a
    barrage across a border falls on many towns of one country, so there the towns do not conflict."""
    score = _frame_affinity(a, b, lex, across=True)
    if score is None and _one_strike_across_a_border(a, b, lex):
        score = _frame_affinity(replace(a, where=Location.nowhere()), replace(b, where=Location.nowhere()), lex, across=True)
    return score


def _frame_affinity(a: Frame, b: Frame, lex: Lexicon, across: bool = False) -> Optional[float]:
    """Frames of one article compare as they are; `across` articles, background meets news (`comparable_status`)."""
    if not (a.status == b.status or (across and comparable_status(a.status, b.status))):
        return None
    return score_pair(a.actor1, a.actor2, a.when, a.where, a.weapons, b.actor1, b.actor2, b.when, b.where,
                      b.weapons, lex, a.status, a.status)  # statuses compared above
