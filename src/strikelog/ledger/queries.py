"""The read queries the CLI and the web use: events by filters (a page, all of them lazily, summaries),
the timeline's counts per day, the facets, and the articles with the events citing each."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Optional

from ..errors import ArticleNotFound
from .codec import chronological
from .dialect import Dialect
from .filters import EventFilters, event_where, order_by

_ARTICLE_COLUMNS = "a.id, a.title, a.published, a.url, a.outlet, a.ingested_at"


class ReadQueries:
    """A part of Store (`self.db`, `self.dialect`)."""

    db: Any
    dialect: Dialect

    def events(
        self, country: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
        event_type: Optional[str] = None, actor: Optional[str] = None, status: Optional[str] = None,
    ) -> list[dict]:
        """Events matching every given filter, oldest first; all parameters are bound, never spliced."""
        return list(self.iter_events(EventFilters(country=country, since=since, until=until, event_type=event_type,
                                                  actor=actor, status=status)))

    def search_events(
        self, filters: EventFilters, sort: str = "date", page: int = 1, page_size: int = 100, full: bool = False,
    ) -> tuple[list[dict], int]:
        """One page of the events matching `filters` (summaries unless `full`) and how many match in all.

        `sort` is a key of SORT_KEYS, descending with a leading "-"."""
        texts, total = self.search_events_json(filters, sort, page, page_size, full)
        return [json.loads(t) for t in texts], total

    def search_events_json(
        self, filters: EventFilters, sort: str = "date", page: int = 1, page_size: int = 100, full: bool = False,
    ) -> tuple[list[str], int]:
        """search_events with each event as JSON text, for callers that pass events on without looking
        inside (the web API): the database cuts the summaries, Python neither parses nor re-encodes them."""
        where, params = self._where(filters)
        total = self.db.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0]
        summary = self.dialect.summary
        rows = self.db.execute(
            f"SELECT {'data' if full else summary} FROM events {where} {order_by(sort)} LIMIT ? OFFSET ?",
            [*params, page_size, (page - 1) * page_size],
        )
        return [r[0] for r in rows], total

    def iter_events(self, filters: EventFilters, sort: str = "date") -> Iterator[dict]:
        """Every event matching `filters` as a contract object, read lazily (for streamed exports)."""
        where, params = self._where(filters)
        for (data,) in self.db.execute(f"SELECT data FROM events {where} {order_by(sort)}", params):
            yield json.loads(data)

    def event_summaries(self, event_ids: list[str]) -> list[dict]:
        """Summaries of the given events that exist, oldest first."""
        out: list[dict] = []
        summary = self.dialect.summary
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.extend(json.loads(r[0]) for r in self.db.execute(
                f"SELECT {summary} FROM events WHERE event_id IN ({marks})", chunk))
        return sorted(out, key=chronological)

    def timeline(self, filters: EventFilters) -> list[dict]:
        """Events per day and event type among those matching `filters` (undated events left out)."""
        where, params = self._where(filters, "date_start IS NOT NULL")
        rows = self.db.execute(
            f"SELECT date_start, event_type, COUNT(*) FROM events {where} "
            "GROUP BY date_start, event_type ORDER BY date_start, event_type", params)
        return [{"date": d, "event_type": t, "count": n} for d, t, n in rows]

    def count_undated(self, filters: EventFilters) -> int:
        """How many of the events matching `filters` have no date (the timeline leaves them out)."""
        where, params = self._where(filters, "date_start IS NULL")
        return self.db.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0]

    def facets(self, filters: EventFilters) -> dict[str, list[dict]]:
        """The values of country, event type and sub-event type among matching events, with counts."""
        where, params = self._where(filters)
        out = {}
        for column in ("country", "event_type", "sub_event_type"):
            rows = self.db.execute(
                f"SELECT {column}, COUNT(*) FROM events {where} GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
                params)
            out[column] = [{"value": value, "count": n} for value, n in rows if value is not None]
        return out

    def search_articles(self, page: int = 1, page_size: int = 100) -> tuple[list[dict], int]:
        """One page of the articles (metadata and how many events cite each) and how many there are."""
        total = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        rows = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS}, (SELECT COUNT(*) FROM event_sources s WHERE s.article_id = a.id) AS events "
            "FROM articles a ORDER BY a.id LIMIT ? OFFSET ?", (page_size, (page - 1) * page_size))
        return [dict(r) for r in rows], total

    def article(self, article_id: str) -> dict:
        """One article's metadata and its paragraphs (headline, body, captions) in order."""
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise ArticleNotFound(f"no article {article_id!r} in {self.path}")
        paragraphs = self.db.execute(
            "SELECT kind, text FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,))
        return {**dict(row), "paragraphs": [{"kind": k, "text": t} for k, t in paragraphs]}

    def articles_meta(self, article_ids: list[str]) -> dict[str, dict]:
        """The metadata (id, title, published, url, outlet, ingested_at) of those of these articles that
        are stored, by id; one query per 500 (an export asks for a chunk's sources at once)."""
        out: dict[str, dict] = {}
        ids = sorted(set(article_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update((r["id"], dict(r)) for r in self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id IN ({marks})", chunk))
        return out

    def article_events(self, article_id: str) -> list[dict]:
        """Summaries of the events that cite this article, oldest first."""
        ids = [r[0] for r in self.db.execute("SELECT event_id FROM event_sources WHERE article_id = ?", (article_id,))]
        return self.event_summaries(ids)

    def _where(self, filters: EventFilters, *extra: str) -> tuple[str, list]:
        return event_where(filters, self.dialect, *extra)
