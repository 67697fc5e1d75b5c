"""What the feed watcher and the fetcher know (strikelog.sources.feeds, strikelog.run.watch): the followed feeds with
their validators and health, the items seen in each, and every fetched URL with its validators."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FeedState:
    """Feeds, feed items and seen URLs (a part of Store: `self.db`, `self.transaction()`)."""

    db: Any

    def add_feeds(self, urls: list[str]) -> None:
        """Start following these feeds (those already followed keep their state)."""
        with self.transaction():
            self.db.executemany("INSERT INTO feeds (url, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                [(u, _now()) for u in urls])

    def feed(self, url: str) -> Optional[dict]:
        row = self.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def feeds(self) -> list[dict]:
        """Every followed feed with its health: polls, items, failures in a row, errors in all, last error."""
        return [dict(r) for r in self.db.execute("SELECT * FROM feeds ORDER BY url")]

    def record_feed_poll(self, url: str, when: str, validators: Optional[tuple[Optional[str], Optional[str]]] = None,
                         title: Optional[str] = None, new_items: int = 0) -> None:
        """A poll that reached the feed, ending its failure streak. `validators` (ETag, Last-Modified)
        replace the stored ones when given; without them the poll was a 304."""
        with self.transaction():
            if validators is None:
                self.db.execute("UPDATE feeds SET not_modified = not_modified + 1 WHERE url = ?", (url,))
            else:
                self.db.execute("UPDATE feeds SET etag = ?, last_modified = ?, title = coalesce(?, title) WHERE url = ?",
                                (*validators, title, url))
            self.db.execute(
                "UPDATE feeds SET last_poll = ?, last_ok = ?, polls = polls + 1, items = items + ?, failures = 0,"
                " last_new = CASE WHEN ? > 0 THEN ? ELSE last_new END WHERE url = ?",
                (when, when, new_items, new_items, when, url))

    def record_feed_failure(self, url: str, when: str, reason: str) -> None:
        """A poll that failed: one more failure in a row (the watcher backs off) and one more error."""
        with self.transaction():
            self.db.execute(
                "UPDATE feeds SET last_poll = ?, polls = polls + 1, failures = failures + 1, errors = errors + 1,"
                " last_error = ?, last_error_at = ? WHERE url = ?", (when, reason, when, url))

    def record_feed_problem(self, url: str, when: str, reason: str) -> None:
        """A problem with one of the feed's items (or a feed read only leniently): counted, no backoff."""
        with self.transaction():
            self.db.execute("UPDATE feeds SET errors = errors + 1, last_error = ?, last_error_at = ? WHERE url = ?",
                            (reason, when, url))

    def item_signature(self, feed_url: str, item_id: str) -> Optional[str]:
        row = self.db.execute("SELECT signature FROM feed_items WHERE feed_url = ? AND item_id = ?",
                              (feed_url, item_id)).fetchone()
        return row[0] if row else None

    def save_feed_item(self, feed_url: str, item_id: str, url: str, signature: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO feed_items VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed_url, item_id)"
                " DO UPDATE SET url = excluded.url, signature = excluded.signature",
                (feed_url, item_id, url, signature, _now()))

    def seen_url(self, url: str) -> Optional[dict]:
        """What is known of a fetched (canonical) URL: its article, validators, content hash and outcome."""
        row = self.db.execute("SELECT * FROM seen_urls WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def mark_url_seen(self, url: str, outcome: str, article_id: Optional[str] = None, etag: Optional[str] = None,
                      last_modified: Optional[str] = None, content_hash: Optional[str] = None) -> None:
        """Record a fetch with a definite answer ("ingested", or why not). Validators and the article
        are kept from earlier fetches when this one brought none (a 304)."""
        now = _now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO seen_urls VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " article_id = coalesce(excluded.article_id, seen_urls.article_id), etag = coalesce(excluded.etag, seen_urls.etag),"
                " last_modified = coalesce(excluded.last_modified, seen_urls.last_modified),"
                " content_hash = coalesce(excluded.content_hash, seen_urls.content_hash), outcome = excluded.outcome,"
                " last_fetched = excluded.last_fetched",
                (url, article_id, etag, last_modified, content_hash, outcome, now, now))
