"""Feeds and web pages: RSS/Atom documents -> FeedItem records, fetched pages -> RawArticle records.

A page becomes a RawArticle like a file does: its id is derived from its canonical URL (tracking
parameters stripped) as a file's id is derived from its name, its body is the page's HTML (cleaned
by trafilatura in the clean stage, captions kept) and its publication time comes from the feed item
when the feed gives one, otherwise from the page. What was fetched, with its validators, is kept in
the ledger (seen_urls) so that nothing is fetched twice: that is `run.pages`' work, not this module's.
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Union
from urllib.parse import urljoin, urlsplit

from ..errors import InputError
from ..records import RawArticle
from .files import content_hash
from .http import Response, canonical_url, is_url

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its article is and a signature that changes when the outlet updates it."""

    feed: str
    item_id: str  # the entry's guid/id, or its link
    url: str  # canonical
    title: Optional[str]
    published: Optional[str]  # ISO 8601, UTC
    signature: str


@dataclass(frozen=True)
class Feed:
    url: str
    title: Optional[str]
    items: list[FeedItem]
    warning: Optional[str] = None  # read, but only by feedparser's lenient parser


@dataclass(frozen=True)
class FetchedPage:
    """A page fetch with a definite answer: an article (raw), a 304 (nothing new), or a lasting error."""

    url: str  # canonical, as asked for
    raw: Optional[RawArticle] = None
    response: Optional[Response] = None
    error: Optional[str] = None


def parse_feed(url: str, response: Response) -> Feed:
    """The items of an RSS or Atom document; raises InputError naming the feed for anything else."""
    import feedparser

    parsed = feedparser.parse(response.body, response_headers={"content-type": response.content_type or "application/xml"})
    if not parsed.version:
        if _looks_like_html(response):
            raise InputError(url, "not a feed: the server sent an HTML page")
        if parsed.bozo:
            raise InputError(url, f"malformed feed XML ({parsed.get('bozo_exception')})")
        raise InputError(url, "not an RSS or Atom feed")
    with warnings.catch_warnings():  # feedparser warns of its updated/published fallback on each lookup
        warnings.simplefilter("ignore", DeprecationWarning)
        items = [item for entry in parsed.entries if (item := _item(url, entry)) is not None]
    warning = None
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        if not items:
            raise InputError(url, f"malformed feed XML ({parsed.get('bozo_exception')})")
        warning = f"malformed feed XML ({parsed.get('bozo_exception')}); {len(items)} items read leniently"
    return Feed(url, parsed.feed.get("title"), items, warning)


def _looks_like_html(response: Response) -> bool:
    head = response.body[:512].lstrip().lower()
    return "html" in response.content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def _item(feed_url: str, entry: dict) -> Optional[FeedItem]:
    link = entry.get("link")
    if not link:
        return None
    url = canonical_url(urljoin(feed_url, link))
    if not is_url(url):
        return None
    moment = entry.get("updated_parsed") or entry.get("published_parsed")  # an updated story speaks from its update
    published = datetime(*moment[:6], tzinfo=timezone.utc).isoformat() if moment else None
    signature = hashlib.sha256(json.dumps(
        [entry.get("updated", ""), entry.get("title", ""), entry.get("summary", ""), url]).encode("utf-8")).hexdigest()
    return FeedItem(feed_url, str(entry.get("id") or url), url, entry.get("title"), published, signature)


def read_feed_list(sources: Iterable[Union[str, Path]]) -> list[str]:
    """Feed URLs from URLs and files of URLs (one a line; blank lines and # comments skipped), in
    order, without repeats. Raises InputError for a file that cannot be read."""
    out: list[str] = []
    for source in sources:
        if is_url(str(source)):
            out.append(str(source))
            continue
        try:
            lines = Path(source).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(str(source), f"cannot read the list of feeds ({err})") from None
        for number, line in enumerate(lines, start=1):
            line = line.split("#", 1)[0].strip()
            if line and not is_url(line):
                raise InputError(f"{source}:{number}", f"not an http(s) URL: {line!r}")
            if line:
                out.append(line)
    return list(dict.fromkeys(out))


def article_id_for(url: str) -> str:
    """A readable id from a canonical URL: host and path as a slug, with a short hash for uniqueness
    ("example.org-2024-08-yemen-drone-strike-3fa2b1c9")."""
    parts = urlsplit(url)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{parts.hostname or ''}{parts.path}").strip("-").lower()
    return f"{slug[:80].rstrip('-')}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:8]}"


def page_article(url: str, response: Response, published: Optional[str] = None) -> RawArticle:
    """A fetched page as a RawArticle (HTML, cleaned later like an .html file). Raises InputError for
    a response that is not an HTML page."""
    kind = response.content_type.split(";", 1)[0].strip().lower()
    if kind not in HTML_TYPES:
        raise InputError(url, f"not an HTML page (content type {kind})")
    html = response.text()
    if not html.strip():
        raise InputError(url, "empty page")
    where = canonical_url(response.final_url)
    meta = {"url": where, **({"published": published} if published else {})}
    return RawArticle(id=article_id_for(where), path=url, fmt="html", body=html, is_html=True,
                      content_hash=content_hash(html, meta), published=published, url=where,
                      outlet=urlsplit(where).hostname)
