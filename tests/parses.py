"""Hand-built parses for the reader's rule tests: a sentence written as a table, one token a line,
the way PETRARCH's tests write their parse trees, so that a rule is tested on the parse it reads
and not on what this year's spaCy model happens to make of the sentence.

    Militants  NNS  NOUN  militant  nsubj  2
    fired      VBD  VERB  fire      ROOT   0
    ...
    Baghdad    NNP  PROPN Baghdad   pobj   7  GPE

Columns: word, fine tag, coarse POS, lemma, dependency label, head (1-based position of the
head token; 0 for the root) and, optionally, the entity type (consecutive tokens of one type
are one entity). `read` runs the whole reader (`extract.ArticleReader`) over such parses, with
the dictionary tags written by hand (`tag`) in place of the PhraseMatcher's.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import spacy
from spacy.tokens import Doc

from strikelog.extract import ArticleReader
from strikelog.records import Anchor, Article, Mention, ParsedArticle, Paragraph, Tagged
from strikelog.resources import lexicon

VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower_, is_alpha, like_num); no model
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "'s", "n't", "%"}


def doc(table: str) -> Doc:
    """A spaCy Doc from a token table (see the module's docstring)."""
    rows = [line.split() for line in table.strip().splitlines() if line.strip()]
    words = [row[0] for row in rows]
    ents, previous = [], None
    for row in rows:
        label = row[6] if len(row) > 6 else None
        ents.append("O" if label is None else ("I-" if label == previous else "B-") + label)
        previous = label
    return Doc(
        VOCAB, words=words,
        spaces=[i + 1 < len(words) and words[i + 1] not in _NO_SPACE_BEFORE for i in range(len(words))],
        tags=[row[1] for row in rows], pos=[row[2] for row in rows], lemmas=[row[3] for row in rows],
        deps=[row[4] for row in rows],
        heads=[int(row[5]) - 1 if int(row[5]) else i for i, row in enumerate(rows)],
        ents=ents,
    )


def tag(parse: Doc, label: str, key: str, words: str) -> Tagged:
    """The dictionary tag the tagger would give the first run of `words` in `parse`."""
    wanted = words.split()
    texts = [t.text for t in parse]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start:start + len(wanted)] == wanted:
            return Tagged(label=label, key=key, start=start, end=start + len(wanted), text=words)
    raise ValueError(f"{words!r} is not in {parse.text!r}")


def article(*parses: Doc, tags: Optional[list[list[Tagged]]] = None, published: Optional[str] = None,
            kind: str = "body") -> ParsedArticle:
    """One article of the given paragraphs (one Doc each), with their dictionary tags."""
    anchor = None
    if published:
        anchor = Anchor(datetime.fromisoformat(published).replace(tzinfo=timezone.utc), "metadata", published)
    paragraphs = tuple(Paragraph(p.text, kind) for p in parses)
    art = Article(id="t", path="t.txt", content_hash="h", title=parses[0].text, paragraphs=paragraphs, anchor=anchor)
    return ParsedArticle(article=art, docs=list(parses), tags=tags if tags is not None else [[] for _ in parses])


def read(*parses: Doc, tags: Optional[list[list[Tagged]]] = None, kind: str = "body") -> list[Mention]:
    """The reader's mentions of hand-built paragraphs, in reading order."""
    return ArticleReader(article(*parses, tags=tags, kind=kind), lexicon()).mentions()
