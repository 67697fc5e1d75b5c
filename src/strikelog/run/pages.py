"""Fetched pages and the ledger's record of them: which pages to ask for conditionally (the
validators of the last fetch, kept in seen_urls), and what came of each fetch once its article is
saved. Shared by `strikelog ingest URL` (the api) and the feed watcher (`watch`).
"""
from __future__ import annotations

from typing import Callable, Optional

from ..errors import FetchError, InputError
from ..records import Problem
from ..sources.feeds import PAGE_ACCEPT, FetchedPage, page_article
from ..sources.http import Fetcher, Validators
from ..ledger import Store

INGESTED = "ingested"  # the outcome of a fetched page that became an article


def fetch_pages(fetcher: Fetcher, store: Store, wanted: dict[str, Optional[str]],
                on_problem: Callable[[Problem], None]) -> list[FetchedPage]:
    """Fetch pages (canonical URL -> publication time from its feed item, or None), conditionally
    when the ledger holds their validators. Returns the pages with a definite answer; transient
    errors are reported and left for the next poll."""
    asks = []
    for url in wanted:
        seen = store.seen_url(url) or {}
        asks.append((url, Validators(seen.get("etag"), seen.get("last_modified"))))
    pages: list[FetchedPage] = []
    for url, answer in fetcher.get_many(asks, accept=PAGE_ACCEPT):
        if isinstance(answer, FetchError):
            on_problem(Problem(url, answer.reason))
            if not answer.transient:
                pages.append(FetchedPage(url, error=answer.reason))
            continue
        if answer.not_modified:
            pages.append(FetchedPage(url, response=answer))
            continue
        try:
            pages.append(FetchedPage(url, raw=page_article(url, answer, wanted[url]), response=answer))
        except InputError as err:
            on_problem(Problem(url, err.reason))
            pages.append(FetchedPage(url, response=answer, error=err.reason))
    return pages


def remember_pages(store: Store, pages: list[FetchedPage], problems: dict[str, str]) -> None:
    """Record each fetched page in the ledger with its outcome ("ingested", or why not) and validators,
    after its article has been saved (so that a crash in between means a fetch again, never a skip).
    One transaction for all."""
    with store.transaction():
        for page in pages:
            _remember(store, page, problems)


def _remember(store: Store, page: FetchedPage, problems: dict[str, str]) -> None:
    validators = page.response.validators if page.response else Validators()
    outcome = page.error or problems.get(page.url) or INGESTED
    if page.response and page.response.not_modified:
        outcome = (store.seen_url(page.url) or {}).get("outcome", INGESTED)
    store.mark_url_seen(page.url, outcome, page.raw.id if page.raw and outcome == INGESTED else None,
                        validators.etag, validators.last_modified, page.raw.content_hash if page.raw else None)
