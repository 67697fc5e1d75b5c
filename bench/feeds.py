"""Feed benchmark: one poll of 100 feeds x 50 items on loopback into an empty ledger.

A local HTTP server on 127.0.0.1 (tests/feedserver.py) serves 100 RSS feeds of 50 items each and an
HTML page per item, generated from a small template of wire-style reports over a dozen theatres
(places the gazetteer knows, actors and weapons of the curated lists, varied figures and days).
One `FeedWatcher.poll()` fetches the feeds and the 5,000 pages (no per-host delay: the point is
the pipeline's throughput, not politeness) and ingests them. Reported: articles per second of
ingestion, the wall time spent fetching (feeds and pages) against reading (cleaning, language
analysis, extraction, saving, merging), and the language model's load time, measured apart.

Usage: python bench/feeds.py [--feeds 100] [--items 50] [--workers 8]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from feedserver import Answer, FeedSite  # noqa: E402

from strikelog.nlp import model  # noqa: E402
from strikelog.api import gazetteer  # noqa: E402
from strikelog.config import Settings  # noqa: E402
from strikelog.sources.http import FetchSettings  # noqa: E402
from strikelog.run.watch import FeedWatcher  # noqa: E402

THEATRES = [  # (dateline, place, country words, attacker, target, weapon phrase, sub-event verb)
    ("KYIV", "Kharkiv", "Ukraine's north-east", "Russian forces", "civilians", "a ballistic missile", "struck"),
    ("KYIV", "Kherson", "southern Ukraine", "Russian artillery", "residents", "artillery shells", "hit"),
    ("KYIV", "Odesa", "the Black Sea coast", "Russian forces", "the port", "Shahed drones", "struck"),
    ("SANAA", "Hodeidah", "western Yemen", "US forces", "Houthi fighters", "an airstrike", "hit"),
    ("ADEN", "Marib", "central Yemen", "a drone", "al-Qaeda fighters", "a drone strike", "hit"),
    ("MOGADISHU", "Jilib", "southern Somalia", "US Africa Command", "al-Shabaab fighters", "an airstrike", "hit"),
    ("MOGADISHU", "Mogadishu", "the Somali capital", "al-Shabaab", "a police station", "a car bomb", "hit"),
    ("BAGHDAD", "Ain al-Asad", "western Iraq", "militants", "the air base", "rockets", "hit"),
    ("BEIRUT", "Nabatieh", "south Lebanon", "an Israeli drone", "a car", "a guided missile", "struck"),
    ("KHARTOUM", "El Fasher", "North Darfur", "the Rapid Support Forces", "a market", "artillery shells", "hit"),
    ("BAMAKO", "Djibo", "northern Burkina Faso", "JNIM fighters", "an army post", "gunfire", "attacked"),
    ("MAIDUGURI", "Malam Fatori", "Borno state", "ISWAP fighters", "a military base", "mortars", "attacked"),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "11", "12", "14", "17", "23"]


def report(rng: random.Random, published: datetime) -> tuple[str, str]:
    """A headline and four paragraphs of wire copy about one made-up attack."""
    dateline, place, region, attacker, target, weapon, verb = rng.choice(THEATRES)
    killed, wounded = rng.choice(NUMBERS), rng.choice(NUMBERS)
    day = published - timedelta(days=rng.choice([0, 0, 1, 2]))
    weekday = WEEKDAYS[day.weekday()]
    source = rng.choice(["the regional governor said", "officials said", "a local security official said",
                         "the army said in a statement", "medical sources said"])
    title = f"{attacker[0].upper()}{attacker[1:]} {verb} {target} in {place}, killing {killed}"
    paragraphs = [
        f"{dateline}, {published:%b} {published.day} (Bench Wire) - {attacker[0].upper()}{attacker[1:]} {verb} "
        f"{target} in {place}, in {region}, with {weapon} on {weekday}, killing {killed} people and wounding "
        f"{wounded}, {source}.",
        f"The attack took place shortly after dawn, {source}, adding that rescue teams were still at the site "
        f"in the afternoon and that the number of victims could rise.",
        f"Witnesses said they heard several loud explosions and saw smoke rising over {place}. Several houses "
        f"and a school were damaged, according to the local authorities.",
        f"There was no immediate comment from {attacker}. The area has been the scene of repeated attacks "
        f"in recent months, and residents said many families had already left.",
    ]
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    html = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - Bench Wire</title>"
            f"</head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><main><article><h1>{title}"
            f"</h1>\n{body}</article></main><footer><p>Copyright Bench Wire</p></footer></body></html>")
    return title, html


def build(site: FeedSite, feeds: int, items: int, seed: int = 7) -> list[str]:
    """Routes for the feeds and their pages; returns the feed URLs."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    urls = []
    for f in range(feeds):
        entries = []
        for i in range(items):
            published = start + timedelta(minutes=rng.randrange(60 * 24 * 20))
            title, html = report(rng, published)
            path = f"/outlet{f}/story{i}.html"
            site.routes[path] = lambda _, body=html.encode(): Answer(body=body)
            entries.append(f"<item><title>{title}</title><link>{site.base}{path}?utm_source=rss</link>"
                           f"<guid>o{f}-s{i}</guid><pubDate>{format_datetime(published)}</pubDate></item>")
        feed = (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet {f}</title>"
                f"<link>{site.base}/</link><description>bench</description>{''.join(entries)}</channel></rss>")
        site.routes[f"/outlet{f}.rss"] = lambda _, body=feed.encode(): Answer(body=body, content_type="application/rss+xml")
        urls.append(site.url(f"/outlet{f}.rss"))
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--workers", type=int, default=8, help="requests in flight (all on one loopback host)")
    args = parser.parse_args()
    settings = Settings()
    started = time.monotonic()
    model.load_model(settings.model)
    gazetteer(settings)
    warm = time.monotonic() - started
    fetching = FetchSettings(timeout=30, host_delay=0.0, per_host=args.workers, workers=args.workers, retries=0)
    with FeedSite() as site, tempfile.TemporaryDirectory(prefix="strikelog-bench-") as tmp:
        feeds = build(site, args.feeds, args.items)
        with FeedWatcher(Path(tmp) / "ledger.db", feeds, settings, fetching) as watcher:
            started = time.monotonic()
            result = watcher.poll()
            total = time.monotonic() - started
        sent = len(site.hits)
    ingested = result.ingest.added + result.ingest.updated
    print(f"{args.feeds} feeds x {args.items} items on loopback; one poll into an empty ledger "
          f"(model and gazetteer loaded beforehand in {warm:.1f} s)")
    print(f"requests served: {sent}; pages fetched: {result.pages_fetched}; articles ingested: {ingested}; "
          f"problems: {len(result.problems)}; events: {result.ingest.events}")
    print(f"total {total:.1f} s: fetching {result.fetch_seconds:.1f} s ({result.fetch_seconds / total:.0%}), "
          f"reading {result.ingest_seconds:.1f} s ({result.ingest_seconds / total:.0%})")
    print(f"ingestion: {ingested / total:.1f} articles/s end to end; reading alone "
          f"{ingested / result.ingest_seconds:.1f} articles/s; fetching alone {result.pages_fetched / result.fetch_seconds:.0f} pages/s")
    for p in result.problems[:5]:
        print(f"  problem: {p}")


if __name__ == "__main__":
    main()
