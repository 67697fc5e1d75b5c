"""Across reports: frames of different articles grouped into events (`cluster_frames`, scored
pairs, analysts' decisions first), a block of that work that can be merged anywhere (`MergeBlock`,
`merge_block`), a whole batch (`merge_articles`), and one canonical event built from its reports
(`build_event`, `best_count`, `most_specific_weapons`)."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from ..records import Count, Event, Evidence, Mention
from ..resources import Lexicon, lexicon
from .article import _fold
from .blocking import KeyIndex
from .frames import ArticleFrames, Decisions, Frame
from .responses import link_targets, responses_of
from .scoring import _WEAPON_CLASS, qualifies, reports_affinity

_STATUS_RANK = {"confirmed": 0, "unconfirmed": 1, "claimed": 2, "disputed": 3}


def cluster_frames(frames: dict, candidates, decisions: Decisions, lex: Lexicon) -> list[list]:
    """Group frames (by FrameRef) into events. `candidates(ref)` gives the refs that may share an event
    with `ref`. Analysts' `together` decisions come first; then the best-scoring pairs, never joining
    two reports of one article or frames an analyst kept apart. The result depends only on the set of
    frames, not on the order they arrived in."""
    pairs = set()
    for a in sorted(frames):
        for b in candidates(a):
            if b in frames and a != b:
                x, y = min(a, b), max(a, b)
                score = qualifies(frames[x], frames[y], lex)
                if score is not None:
                    pairs.add((-score, x, y))
    groups = {ref: [ref] for ref in frames}
    root = {ref: ref for ref in frames}
    summaries: dict = {}  # a group's summary, kept until the group grows (a big group meets many pairs)

    def summary(key) -> Frame:
        if key not in summaries:
            summaries[key] = _summary(groups[key], frames, lex)
        return summaries[key]

    def join(a, b) -> None:
        keep, gone = sorted((root[a], root[b]))
        groups[keep].extend(groups.pop(gone))
        summaries.pop(keep, None)
        summaries.pop(gone, None)
        for ref in groups[keep]:
            root[ref] = keep

    for a, b in sorted(decisions.together):
        if a in frames and b in frames and root[a] != root[b]:
            join(a, b)
    for _, a, b in sorted(pairs):
        ga, gb = groups[root[a]], groups[root[b]]
        if ga is gb or {r[0] for r in ga} & {r[0] for r in gb} or decisions.keeps_apart(set(ga), set(gb)):
            continue
        if reports_affinity(summary(root[a]), summary(root[b]), lex) is None:
            continue
        join(a, b)
    return [sorted(g) for _, g in sorted(groups.items())]


@dataclass
class MergeBlock:
    """A part of a ledger merge that no frame outside it can affect (one or more connected groups
    of frames), with everything merging it needs, so that it can be merged anywhere: here or on
    a Dask worker."""

    frames: dict  # FrameRef -> Frame
    candidates: dict  # FrameRef -> the frames it may share an event with (`cluster_frames` scores each pair)
    decisions: Decisions  # the analysts' decisions touching these frames
    current: dict  # FrameRef -> the member frames (sorted) of its event in the ledger, for the frames that have one


def merge_block(block: MergeBlock, lex: Optional[Lexicon] = None) -> list[list]:
    """The groups of a block's frames that differ from the ledger's current events: the events to
    (re)build. Scoring the candidate pairs is most of the work, done in parallel when blocks are."""
    groups = cluster_frames(block.frames, block.candidates.__getitem__, block.decisions, lex or lexicon())
    return [g for g in groups if block.current.get(g[0]) != g]


def merge_articles(articles: list[ArticleFrames], lex: Optional[Lexicon] = None,
                   decisions: Optional[Decisions] = None) -> list[Event]:
    """Canonical events from a batch of articles: the same event across articles becomes one."""
    lex = lex or lexicon()
    by_article = {a.article: a for a in articles}
    frames = {(a.article, i): f for a in articles for i, f in enumerate(a.frames)}
    index = KeyIndex(frames)
    decisions = decisions or Decisions()
    groups = cluster_frames(frames, lambda ref: index.candidates(frames[ref]) | decisions.partners(ref), decisions, lex)
    events = [build_event(g, frames, by_article, lex) for g in groups]
    event_of = {ref: e for e in events for ref in e.members}
    for event in events:
        event.responds_to = responses_of(event, link_targets(event, frames, lex), event_of.get, lambda e: events, lex)
    return sorted(events, key=lambda e: (e.when.start.isoformat() if e.when.start else "9999", e.event_id))


def _summary(refs: list, frames: dict, lex: Lexicon) -> Frame:
    out = Frame(article="*", status=frames[refs[0]].status)
    for ref in refs:
        _fold(out, frames[ref], lex)
    days = [frames[ref].article_day for ref in refs if frames[ref].article_day is not None]
    out.article_day = min(days) if days else None  # the earliest day its reports speak from
    return out


def build_event(refs: list, frames: dict, articles: dict, lex: Lexicon) -> Event:
    """One canonical event from its frames (refs in sorted order) and their articles' mentions."""
    summary = _summary(refs, frames, lex)
    mentions = [articles[a].mentions[i] for a, n in refs for i in sorted(frames[(a, n)].mentions)]
    published = {ref[0]: articles[ref[0]].published for ref in refs}
    sub_type = _sub_event_type(summary, mentions, lex)
    first = min(refs, key=lambda ref: (ref[0], frames[ref].mentions[0]))
    origin = frames[first].mentions[0]  # the mention that opened the frame (lent mentions come later)
    seed = f"{first[0]}|{origin}|{articles[first[0]].mentions[origin].sentence}"
    evidence, seen = [], set()
    for m in mentions:
        if (m.article_id, m.sentence) not in seen:
            seen.add((m.article_id, m.sentence))
            evidence.append(Evidence(m.article_id, m.sentence))
    return Event(
        event_id="ev-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12],
        status=_event_status(refs, frames),
        event_type=lex.event_types["sub_event_types"].get(sub_type, "Explosions/Remote violence"),
        sub_event_type=sub_type,
        actor1=summary.actor1,
        actor2=summary.actor2,
        when=summary.when,
        where=summary.where,
        weapons=most_specific_weapons(summary.weapons, lex),
        fatalities=best_count(mentions, "fatalities", published),
        wounded=best_count(mentions, "wounded", published),
        claims=[c for m in mentions for c in m.claims],
        responds_to=[],
        sources=sorted({ref[0] for ref in refs}),
        evidence=evidence,
        mentions=mentions,
        members=list(refs),
    )


def _event_status(refs: list, frames: dict) -> str:
    """News if any report tells it as news; otherwise background."""
    return "reported" if any(frames[ref].status == "reported" for ref in refs) else "background"


def most_specific_weapons(names: list[str], lex: Lexicon) -> list[str]:
    """'AC-130' makes 'gunship' and 'military aircraft' redundant; 'F-16' and 'JDAM' make 'drone' so
    (same class of weapon): generic names (no capital letter or digit) give way to specific ones."""
    def specific(name: str) -> bool:
        return any(ch.isupper() or ch.isdigit() for ch in name)

    def weapon_class(name: str):
        entry = lex.weapons.get(name)
        return _WEAPON_CLASS.get(entry.kind) if entry else None

    named_classes = {weapon_class(n) for n in names if specific(n)} - {None}
    return [n for n in names if specific(n) or weapon_class(n) not in named_classes]


def _sub_event_type(summary: Frame, mentions: list[Mention], lex: Lexicon) -> str:
    by_weapon = lex.weapon_sub_event(summary.weapons)
    if by_weapon:
        return by_weapon
    for chosen in ([m for m in mentions if m.typed_by != "default" and not m.generic],
                   [m for m in mentions if m.typed_by != "default"],
                   [m for m in mentions if not m.generic], mentions):
        if chosen:
            return Counter(m.sub_event_type for m in chosen).most_common(1)[0][0]
    return lex.event_types["defaults"]["otherwise"]


def best_count(mentions: list[Mention], field_name: str, published: Optional[dict] = None) -> Count:
    """UCDP-style estimate across reports: the best-sourced figure wins (official confirmation over
    unconfirmed or claimed ones); among confirmed figures the latest report's (a toll is revised
    upwards or down as bodies are counted), otherwise the highest best; bounds span the figures."""
    published = published or {}
    figures: list[tuple[int, Count, Optional[datetime]]] = []
    for m in mentions:
        count: Count = getattr(m, field_name)
        if not count.known:
            continue
        statuses = [c.status for c in m.claims if c.field == field_name and c.value == count.best]
        rank = min((_STATUS_RANK.get(s, 3) for s in statuses), default=1)
        figures.append((rank, count, published.get(m.article_id)))
    if not figures:
        return Count()
    if any((c.best or 0) > 1 for _, c, _ in figures):  # "the strike killed a Hamas commander": one of the dead, not the toll
        figures = [f for f in figures if f[1].best != 1]
    top = min(rank for rank, _, _ in figures)
    best_tier = [(c, when) for rank, c, when in figures if rank == top]
    dated = [when for c, when in best_tier if when is not None and c.best is not None]
    if top == _STATUS_RANK["confirmed"] and len(set(dated)) > 1:
        best_tier = [(c, when) for c, when in best_tier if when == max(dated)]
    bests = [c.best for c, _ in best_tier if c.best is not None]
    best = max(bests) if bests else None
    lows = [c.low for c, _ in best_tier if c.low is not None]
    highs = [c.high for _, c, _ in figures if c.high is not None]
    low = min(lows) if lows else None
    high = max(highs) if highs and all(c.high is not None for c, _ in best_tier) else None
    if best is not None and low is not None and low > best:
        low = best
    if best is not None and high is not None and high < best:
        high = best
    return Count(best=best, low=low, high=high)


BlockMerger = Callable[[list[MergeBlock]], list[list[list]]]  # merges a round's blocks elsewhere (the Dask ingest)
