"""The dictionary tagger, a registered spaCy component ("strikelog_tagger"): curated names (actors,
weapons, installations, countries, demonyms, from the data files) found with a PhraseMatcher, the way
spaCy's SpanRuler does, and written to `doc.spans["strikelog"]`, which the reader reads
(`records.ParsedArticle.tags`). Importing this module imports spaCy.
"""
from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..records import TAG_SPANS
from ..resources import Lexicon, lexicon

# case-sensitive matching for short or all-capital aliases ("KH", "IS", "PMF"): they are words otherwise
_CASE_SENSITIVE_MAX = 4


@Language.factory("strikelog_tagger")
def make_tagger(nlp: Language, name: str) -> "DictionaryTagger":
    """The dictionary tagger as a pipeline component (`nlp.add_pipe("strikelog_tagger")`), built from
    the curated data as it is loaded now (`resources.lexicon()`)."""
    return DictionaryTagger(nlp, lexicon())


class DictionaryTagger:
    """A spaCy component: finds the curated names in a doc and writes them to `doc.spans[TAG_SPANS]`,
    each span labelled with its kind (ACTOR, WEAPON, SITE, COUNTRY, DEMONYM) and with the entry's
    canonical name (an ISO2 code for a country or demonym) as its `kb_id_`; non-overlapping, in order."""

    def __init__(self, nlp: Language, lex: Lexicon):
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

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[TAG_SPANS] = [
            Span(doc, span.start, span.end, label=span.label_.split("\t")[0], kb_id=span.label_.split("\t")[1])
            for span in sorted(filter_spans(self._matches(doc)), key=lambda s: s.start)
        ]
        return doc

    def _matches(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                label_key = self.vocab.strings[match_id]
                span = doc[start:end]
                if label_key in self.proper and span.text.islower():
                    continue  # "safer areas" is no Safer oil field: a name is written as one
                span.label_ = label_key
                spans.append(span)
        return spans


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
