"""Merge benchmark: the cost of merging one new article into a ledger of 10^3, 10^4 and 10^5 events.

A synthetic ledger (no language model involved: frames and mentions are generated directly, over
40 countries, 400 towns, the curated actors and weapons; 45 events a day, so a bigger ledger covers
a longer period, as a real one grows; `--span-days` fixes the period instead, so that density grows) is stored with the real
Store and merged with the real `assign_events`. Then new articles arrive one at a time, a third of
them reporting an event already in the ledger; each is saved and merged in its own transaction,
as `strikelog ingest` does. The baseline, measured in the same run on the same ledger, is the merge
without blocking: every new frame compared with every frame in the ledger.

Usage: python bench/merge.py [--sizes 1000,10000,100000] [--articles 200] [--baseline-articles 5]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from strikelog.run.engine import assign_events
from strikelog.merge import Frame, blocking_keys, qualifies
from strikelog.records import Anchor, Article, Claim, Count, DateRange, Location, Mention, Paragraph
from strikelog.resources import lexicon
from strikelog.ledger import Store, open_ledger


class Synthetic:
    """Articles of one frame (one event each), drawn from a fixed world of towns, actors and weapons."""

    def __init__(self, span_days: int, seed: int = 11):
        lex = lexicon()
        self.span_days = span_days
        self.rng = random.Random(seed)
        countries = sorted(lex.countries)[:40]
        self.towns = [Location(f"Town {n}", self.rng.choice(countries), None,
                               round(self.rng.uniform(-5, 50), 4), round(self.rng.uniform(-15, 75), 4), 1)
                      for n in range(400)]
        self.actors = sorted(lex.actors)[:120]
        self.weapons = sorted(lex.weapons)[:150]
        self.count = 0

    def event(self) -> tuple[Location, DateRange, str, str, list[str], int]:
        start = date(2020, 1, 1) + timedelta(days=self.rng.randrange(self.span_days))
        precision = self.rng.choices(["day", "month", "unknown"], [8, 1, 1])[0]
        when = {"day": DateRange(start, start, "day"),
                "month": DateRange(start.replace(day=1), start.replace(day=28), "month"),
                "unknown": DateRange.unknown()}[precision]
        return (self.rng.choice(self.towns), when, self.rng.choice(self.actors), self.rng.choice(self.actors),
                [self.rng.choice(self.weapons)], self.rng.randrange(0, 20))

    def article(self, event=None) -> tuple[Article, list[Mention], list[Frame]]:
        self.count += 1
        where, when, actor1, actor2, weapons, killed = event or self.event()
        article_id = f"syn{self.count:07d}"
        sentence = f"{actor1} attacked {actor2} in {where.name} with {weapons[0]}, killing {killed}, report {self.count}."
        mention = Mention(article_id, 1, sentence, "attacked", "Explosions/Remote violence", "Air/drone strike",
                          actor1=actor1, actor2=actor2, weapons=list(weapons), fatalities=Count(killed, killed, killed),
                          claims=[Claim("fatalities", killed, "officials", "official", "confirmed", article_id, sentence)],
                          when=when, where=where)
        frame = Frame(article=article_id, mentions=[0], actor1=actor1, actor2=actor2, when=when, where=where,
                      weapons=list(weapons), solid=True, named_places={where.name})
        anchor = Anchor(datetime(2026, 1, 1), "metadata", "2026-01-01")
        article = Article(article_id, f"{article_id}.txt", article_id, sentence,
                          (Paragraph(sentence, "headline"), Paragraph(sentence, "body")), anchor)
        return article, [mention], [frame]


def save(store: Store, article: Article, mentions: list[Mention], frames: list[Frame]) -> None:
    """Save an article with its frames filed under their blocking keys, as the ingest does."""
    store.save_article(article, mentions, frames, [blocking_keys(frame) for frame in frames])


def fill(store: Store, world: Synthetic, size: int) -> tuple[float, list]:
    """A ledger of about `size` events: 10% of the articles retell an event already told."""
    told, start = [], time.perf_counter()
    with store.transaction():
        for _ in range(size):
            event = world.rng.choice(told) if told and world.rng.random() < 0.1 else world.event()
            told.append(event)
            save(store, *world.article(event))
        assign_events(store)
    return time.perf_counter() - start, told


def arrivals(store: Store, world: Synthetic, told: list, n: int) -> float:
    """Seconds per article to save and merge `n` new articles, a third of them retelling a known event."""
    start = time.perf_counter()
    for _ in range(n):
        event = world.rng.choice(told) if world.rng.random() < 0.33 else world.event()
        save(store, *world.article(event))
        assign_events(store)
    return (time.perf_counter() - start) / n


def unblocked(store: Store, world: Synthetic, told: list, n: int) -> float:
    """Seconds per article when each new frame is compared with every frame in the ledger."""
    lex = lexicon()
    ledger = [frame for article in store.all_articles_frames() for frame in article.frames]
    start = time.perf_counter()
    for _ in range(n):
        _, _, (frame,) = world.article(world.rng.choice(told))
        sum(1 for other in ledger if qualifies(frame, other, lex) is not None)
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--articles", type=int, default=200, help="new articles merged per ledger size")
    parser.add_argument("--baseline-articles", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=45, help="events a day in the synthetic ledger")
    parser.add_argument("--span-days", type=int, help="a fixed period instead (density grows with size)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp, open_ledger(Path(tmp) / "ledger.db") as store:
            world = Synthetic(args.span_days or max(30, size // args.per_day))
            fill_seconds, told = fill(store, world, size)
            events = store.count_events()
            per_article = arrivals(store, world, told, args.articles)
            baseline = unblocked(store, world, told, args.baseline_articles)
            rows.append((size, events, fill_seconds, per_article, baseline))
            print(f"ledger {size:>7} articles -> {events:>7} events: built and merged in {fill_seconds:7.1f} s; "
                  f"new article {per_article * 1000:7.2f} ms (unblocked comparison alone {baseline * 1000:8.2f} ms)",
                  file=sys.stderr)
    print("| ledger articles | events | build + merge (s) | per new article (ms) | vs smallest ledger | unblocked (ms) | blocked speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    smallest = rows[0][3]
    for size, events, fill_seconds, per_article, baseline in rows:
        print(f"| {size} | {events} | {fill_seconds:.1f} | {per_article * 1000:.2f} | {per_article / smallest:.2f}x "
              f"| {baseline * 1000:.1f} | {baseline / per_article:.1f}x |")


if __name__ == "__main__":
    main()
