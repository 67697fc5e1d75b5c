"""The per-article stages in order: RawArticle -> clean -> nlp -> extract -> time -> place -> cluster.

Each article is analysed on its own (nothing here looks across articles), so articles can be
analysed anywhere: in this process, in a pool of worker processes (`workers`) or on a Dask cluster
(`distributed`); merging across articles happens afterwards, in input order.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Callable

from .. import merge
from ..caches import process_cache
from ..config import Settings
from ..errors import InputError
from ..extract import extract
from ..merge import Frame
from ..nlp import model
from ..records import Article, Mention, Problem, RawArticle
from ..resolve import place, time
from ..resolve.gazetteer import gazetteer_at
from ..text import clean


@dataclass
class ArticleResult:
    """One article after the per-article stages: its mentions and its events before merging."""

    article: Article
    mentions: list[Mention]
    frames: list[Frame]


def analyse(raws: Iterable[RawArticle], settings: Settings, on_problem: Callable[[Problem], None]) -> Iterator[ArticleResult]:
    """Per-article stages: clean -> nlp -> extract -> time -> place -> cluster."""
    articles = _cleaned(raws, settings.max_article_chars, on_problem)
    for parsed in model.parse(articles, settings.model, settings.batch_size):
        mentions = extract(parsed)
        mentions = time.resolve(mentions, parsed.article.anchor)
        mentions = resolver(str(settings.gazetteer)).resolve(mentions)
        anchor = parsed.article.anchor
        frames = merge.cluster_article(mentions, article_day=anchor.moment.date() if anchor else None)
        yield ArticleResult(parsed.article, mentions, frames)


@process_cache(maxsize=4)
def resolver(gazetteer: str) -> place.PlaceResolver:
    """One place resolver per gazetteer per process."""
    return place.PlaceResolver(gazetteer_at(gazetteer))


def _cleaned(raws: Iterable[RawArticle], max_chars: int, on_problem: Callable[[Problem], None]) -> Iterator[Article]:
    for raw in raws:
        try:
            yield clean.clean(raw, max_chars)
        except InputError as err:
            on_problem(Problem(err.path, err.reason))
