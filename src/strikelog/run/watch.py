"""Following feeds: poll RSS/Atom feeds, fetch the items not seen yet, ingest them, say what changed.

One poll: the feeds that are due (a failing feed waits longer after each failure in a row) are
fetched conditionally (ETag / Last-Modified; a 304 costs no parsing); each feed's items are compared
with what the ledger has seen (feed_items, seen_urls): an item whose canonical URL was never fetched
is fetched, an item whose entry changed (new title, summary or update time) is fetched again,
conditionally; the pages go through the same ingest as files (`engine.ingest_raw_articles`). Feed
state and the pages fetched are written to the ledger, so a new watcher on the same ledger goes on
where the last one stopped. Every problem names the feed or the page, is counted on the feed's
health, and the poll goes on.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional, Union

from ..changes import LedgerChanges
from ..config import Settings
from ..errors import FetchError, InputError
from ..records import Problem
from ..sources import feeds
from ..sources.http import Fetcher, FetchSettings, Response, Validators
from ..ledger import open_ledger
from .engine import IngestReport, ingest_raw_articles
from .pages import fetch_pages, remember_pages

BACKOFF_BASE = timedelta(minutes=1)  # a feed that failed n times in a row waits BACKOFF_BASE * 2**(n-1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass
class PollReport:
    """One poll of the feeds: what was asked, what came back, what the ledger gained."""

    polled: int = 0
    not_modified: int = 0  # feeds answering 304
    failed: int = 0  # feeds that could not be read
    backing_off: int = 0  # feeds skipped this time after failures in a row
    new_items: int = 0
    pages_fetched: int = 0  # pages that came back with content
    ingest: IngestReport = field(default_factory=IngestReport)
    problems: list[Problem] = field(default_factory=list)
    fetch_seconds: float = 0.0  # wall time fetching feeds and pages
    ingest_seconds: float = 0.0  # wall time cleaning, analysing, saving and merging

    @property
    def changes(self) -> LedgerChanges:
        return self.ingest.changes

    def summary(self) -> str:
        i = self.ingest
        return (f"{self.polled} feeds polled ({self.not_modified} not modified, {self.failed} failed, "
                f"{self.backing_off} backing off), {self.new_items} new items, {self.pages_fetched} pages fetched; "
                f"{i.added} added, {i.updated} updated, {i.unchanged} unchanged, {len(self.problems)} problems; "
                f"{i.events} events")


def backoff_over(feed: dict, now: datetime) -> bool:
    """Whether a feed is due: always after a good poll; after n failures in a row, once
    BACKOFF_BASE * 2**(n-1) (at most BACKOFF_MAX) has passed since the last poll."""
    if not feed["failures"] or not feed["last_poll"]:
        return True
    wait = min(BACKOFF_BASE * 2 ** (feed["failures"] - 1), BACKOFF_MAX)
    return datetime.fromisoformat(feed["last_poll"]) + wait <= now


class FeedWatcher:
    """Polls a set of feeds into the ledger at `db`. Keeps one ledger connection and one fetcher
    (robots.txt and per-host timing) across polls. Use as a context manager or call close()."""

    def __init__(self, db: Union[str, Path], feed_urls: list[str], settings: Optional[Settings] = None,
                 fetch_settings: Optional[FetchSettings] = None,
                 on_problem: Optional[Callable[[Problem], None]] = None):
        self.settings = settings or Settings()
        self.on_problem = on_problem
        self.feed_urls = list(dict.fromkeys(feed_urls))
        self.store = open_ledger(db)
        self.store.add_feeds(self.feed_urls)
        self.fetcher = Fetcher(fetch_settings)

    def __enter__(self) -> "FeedWatcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    def poll(self, now: Optional[datetime] = None) -> PollReport:
        """Poll every due feed once, ingest what is new, and report."""
        now = now or datetime.now(timezone.utc)
        stamp = now.isoformat(timespec="seconds")
        report = PollReport()
        page_feeds: dict[str, list[str]] = defaultdict(list)  # page URL -> the feeds listing it

        def problem(p: Problem) -> None:
            report.problems.append(p)
            for feed_url in page_feeds.get(p.path, []):
                self.store.record_feed_problem(feed_url, stamp, f"{p.path}: {p.reason}")
            if self.on_problem:
                self.on_problem(p)

        due = [url for url in self.feed_urls if backoff_over(self.store.feed(url), now)]
        report.backing_off = len(self.feed_urls) - len(due)
        started = time.monotonic()
        read = self._read_feeds(due, stamp, report, problem)
        items = [item for feed, _, _ in read.values() for item in feed.items]
        wanted: dict[str, Optional[str]] = {}
        for item in items:
            if self._wants(item):
                page_feeds[item.url].append(item.feed)
                wanted.setdefault(item.url, item.published)
        pages = fetch_pages(self.fetcher, self.store, wanted, problem)
        report.fetch_seconds = time.monotonic() - started
        report.pages_fetched = sum(1 for page in pages if page.raw)
        started = time.monotonic()
        ingest_raw_articles((page.raw for page in pages if page.raw), self.store, self.settings, report.ingest, problem)
        report.ingest.problems = report.problems
        report.ingest.unchanged += sum(1 for page in pages if page.response and page.response.not_modified)
        remember_pages(self.store, pages, {p.path: p.reason for p in report.problems})
        report.ingest_seconds = time.monotonic() - started
        self._settle(read, items, wanted, {page.url for page in pages}, stamp)
        return report

    def _settle(self, read: dict, items: list[feeds.FeedItem], wanted: dict, settled: set[str], stamp: str) -> None:
        """Record the feeds' items and polls once their pages are in the ledger. An item whose page
        failed for now is kept without its signature, and its feed without validators, so that the
        next poll reads the feed in full and asks for the page again; a watcher stopped before this
        point reads the feeds again too. Either way nothing is skipped. One transaction for all."""
        retry = {item.feed for item in items if item.url in wanted and item.url not in settled}
        with self.store.transaction():
            for item in items:
                pending = item.url in wanted and item.url not in settled
                self.store.save_feed_item(item.feed, item.item_id, item.url, "" if pending else item.signature)
            for url, (feed, validators, fresh) in read.items():
                kept = (None, None) if url in retry else (validators.etag, validators.last_modified)
                self.store.record_feed_poll(url, stamp, kept, feed.title, fresh)

    def _read_feeds(self, urls: list[str], stamp: str, report: PollReport,
                    problem: Callable[[Problem], None]) -> dict[str, tuple[feeds.Feed, Validators, int]]:
        """Fetch and parse the feeds. Failures and 304s are recorded at once; the feeds that changed
        come back with their validators and how many of their items are new."""
        asks = []
        for url in urls:
            known = self.store.feed(url)
            asks.append((url, Validators(known["etag"], known["last_modified"])))
        read = {}
        for url, answer in self.fetcher.get_many(asks, accept=feeds.FEED_ACCEPT):
            report.polled += 1
            try:
                feed = self._parsed(url, answer)
            except InputError as err:
                report.failed += 1
                self.store.record_feed_failure(url, stamp, err.reason)
                problem(Problem(url, err.reason))
                continue
            if feed is None:
                report.not_modified += 1
                self.store.record_feed_poll(url, stamp)
                continue
            if feed.warning:
                self.store.record_feed_problem(url, stamp, feed.warning)
                problem(Problem(url, feed.warning))
            fresh = sum(1 for item in feed.items if self.store.item_signature(url, item.item_id) is None)
            report.new_items += fresh
            read[url] = (feed, answer.validators, fresh)
        return read

    @staticmethod
    def _parsed(url: str, answer: Union[Response, FetchError]) -> Optional[feeds.Feed]:
        """The feed, None when it has not changed (304), or InputError."""
        if isinstance(answer, FetchError):
            raise answer
        if answer.not_modified:
            return None
        return feeds.parse_feed(url, answer)

    def _wants(self, item: feeds.FeedItem) -> bool:
        """Whether an item's page must be fetched: never fetched, or its entry changed since."""
        if self.store.seen_url(item.url) is None:
            return True
        known = self.store.item_signature(item.feed, item.item_id)
        return known is not None and known != item.signature


def poll_feeds(feed_urls: list[str], db: Union[str, Path], settings: Optional[Settings] = None,
               fetch_settings: Optional[FetchSettings] = None,
               on_problem: Optional[Callable[[Problem], None]] = None) -> PollReport:
    """Poll these feeds once into the ledger at `db` (what `strikelog watch --once` does)."""
    with FeedWatcher(db, feed_urls, settings, fetch_settings, on_problem) as watcher:
        return watcher.poll()
