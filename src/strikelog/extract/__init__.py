"""Stage 4, extract: ParsedArticle -> list[Mention], the mentions of attacks and strikes in one
article, in reading order. The seam is `extract(parsed, lex)`; what is behind it may be replaced
component by component.

Components, each one job (spaCy-style: a class with the methods of that job, all of them composed
over one article by `reader.ArticleReader`, which declares the order they read a mention in):
- `triggers`: trigger groups in a sentence; irrealis and habitual predicates left out.
- `responses`: what an event answers; cause phrases and the events they name (background).
- `arguments`: agent, target, instrument; the actors and weapons they name; proper names.
- `places`, `times`: the place and time expressions a mention governs.
- `casualties`: killed and wounded, with their claims.
- `attribution`: speaker, source kind, claim status, claims of responsibility.
- `classify`: sub-event type, status (reported, background, aggregate), anaphora, plurality.
- `tokens`: the records and the token helpers they share; `words`: vocabularies from
  data/reader_words.json.

May import: records, resources, errors and the literal readers (literals.dates, literals.counts)
that every stage shares. Never a later stage (resolve, merge, ledger, run), nor api, cli, web.
"""
from .reader import ArticleReader, extract
from .words import WEEKDAY_NAMES

__all__ = ["ArticleReader", "WEEKDAY_NAMES", "extract"]
