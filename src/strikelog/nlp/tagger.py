"""The dictionary tagger: curated names (actors, weapons, installations, countries, demonyms, from
the data files) found in parsed docs with a PhraseMatcher, the way spaCy's SpanRuler does.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..records import Tagged
from ..resources import Lexicon

# case-sensitive matching for short or all-capital aliases ("KH", "IS", "PMF"): they are words otherwise
_CASE_SENSITIVE_MAX = 4


class Tagger:
    """Finds dictionary terms in parsed docs. One job: turn curated names into Tagged spans."""

    def __init__(self, nlp: Any, lex: Lexicon):
        from spacy.matcher import PhraseMatcher

        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.vocab = nlp.vocab
        self.proper: set[str] = set()  # entries all of whose names are capitalised: never matched in lower case
        lowered: set[str] = set()
        for label, key, phrase in _dictionary_terms(lex):
            matcher = self.exact if _is_abbreviation(phrase) else self.folded
            matcher.add(f"{label}\t{key}", [nlp.make_doc(phrase)])
            (lowered if phrase.islower() else self.proper).add(f"{label}\t{key}")
        self.proper -= lowered

    def __call__(self, doc: Any) -> list[Tagged]:
        from spacy.util import filter_spans

        spans = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                label_key = self.vocab.strings[match_id]
                span = doc[start:end]
                if label_key in self.proper and span.text.islower():
                    continue  # "safer areas" is no Safer oil field: a name is written as one
                span.label_ = label_key
                spans.append(span)
        return [
            Tagged(label=span.label_.split("\t")[0], key=span.label_.split("\t")[1], start=span.start,
                   end=span.end, text=span.text)
            for span in sorted(filter_spans(spans), key=lambda s: s.start)
        ]


def _is_abbreviation(phrase: str) -> bool:
    """Short names, all-capital names and names led by an all-capital word ("US forces", "IS-Sahel")
    match only as written: in lower case they are ordinary words ("told us forces", "is Sahel")."""
    first = phrase.split()[0].split("-")[0]
    return len(phrase) <= _CASE_SENSITIVE_MAX or (first.isupper() and len(first) >= 2)


def _dictionary_terms(lex: Lexicon) -> Iterator[tuple[str, str, str]]:
    for actor in lex.actors.values():
        for phrase in (actor.name, *actor.aliases):
            yield "ACTOR", actor.name, phrase
    for weapon in lex.weapons.values():
        for phrase in (weapon.name, *weapon.aliases):
            yield "WEAPON", weapon.name, phrase
    for site in lex.sites.values():
        for phrase in (site.name, *site.aliases):
            yield "SITE", site.name, phrase
    for country in lex.countries.values():
        for phrase in (country.name, *country.aliases):
            yield "COUNTRY", country.code, phrase
        for phrase in country.demonyms:
            yield "DEMONYM", country.code, phrase
