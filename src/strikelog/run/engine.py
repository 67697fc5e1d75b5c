"""The ingest engine: analysed articles -> the ledger's events, shared by every way in (files, web
pages, feeds, the Dask cluster).

New and changed articles are found by their content hash (`new_or_changed`), analysed on the worker
pool (`workers`, in a thread of its own), saved in batches (`store_results`) and merged into the
ledger's events in rounds (`assign_events`): the pending frames are re-clustered with the events
they could join (merge's blocking keys, union-find within each block), and the responses
(`responds_to`) of every event whose window the round touched are resolved again.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, TypeVar, Union

from .. import export, merge
from ..changes import ChangeTracker, LedgerChanges
from ..config import Settings
from ..merge import BlockMerger
from ..records import Article, Event, Problem, RawArticle
from ..resources import Lexicon, lexicon
from ..ledger import Store

# The worker pool (and with it the reader: spaCy and the extractors) is imported by the functions
# that use it, so that the Ledger's merges and splits (`assign_events`) load neither.
if TYPE_CHECKING:
    from .pipeline import ArticleResult

PathLike = Union[str, Path]
T = TypeVar("T")
Progress = Callable[[int], None]


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    events: int = 0
    changes: LedgerChanges = field(default_factory=LedgerChanges)

    def problem_sink(self, also: Optional[Callable[[Problem], None]] = None) -> Callable[[Problem], None]:
        """Where an ingest reports a problem: kept in this report, and passed on to `also`."""
        def sink(problem: Problem) -> None:
            self.problems.append(problem)
            if also:
                also(problem)
        return sink


def article_frames(result: ArticleResult) -> merge.ArticleFrames:
    anchor = result.article.anchor
    return merge.ArticleFrames(result.article.id, result.frames, result.mentions, anchor.moment if anchor else None)


def ingest_raw_articles(
    raws: Iterable[RawArticle], store: Store, settings: Settings, report: IngestReport,
    on_problem: Callable[[Problem], None], progress: Optional[Progress] = None,
) -> None:
    """The ingest every source shares (files, URLs, feeds): new and changed articles analysed (on
    `settings.workers` processes) and saved (an updated one replacing its earlier mentions), then
    merged into the ledger's events. Counts, problems and what changed in the ledger go to `report`.
    Reading, the content-hash check and the worker pool run in a thread of their own, up to
    `settings.merge_every` articles ahead, so the workers go on while this thread saves and merges."""
    from .workers import in_background

    problems: deque[Problem] = deque()  # met in that thread, handed on in this one
    results = in_background(_analysed(raws, store, settings, report, problems.append, progress), settings.merge_every)
    store_results(_handing_on(results, problems, on_problem), store, settings, report, progress)


def _handing_on(items: Iterator[T], problems: deque[Problem], on_problem: Callable[[Problem], None]) -> Iterator[T]:
    """The items, with the problems met so far passed to `on_problem` before each (and at the end)."""
    for item in items:
        while problems:
            on_problem(problems.popleft())
        yield item
    while problems:
        on_problem(problems.popleft())


def _analysed(
    raws: Iterable[RawArticle], store: Store, settings: Settings, report: IngestReport,
    on_problem: Callable[[Problem], None], progress: Optional[Progress],
) -> Iterator[ArticleResult]:
    """The new and changed articles analysed; hashes are read on a connection of the thread that
    runs this."""
    from .workers import analyse_all

    with store.another() as reader:
        yield from analyse_all(new_or_changed(raws, reader, report, progress, settings.write_batch), settings, on_problem)


def store_results(
    results: Iterable[ArticleResult], store: Store, settings: Settings, report: IngestReport,
    progress: Optional[Progress] = None, merge_blocks: Optional["BlockMerger"] = None,
) -> None:
    """Save analysed articles in input order, `settings.write_batch` per transaction, and merge them
    into the ledger's events every `settings.merge_every` articles and at the end (shared by the
    single-machine and the Dask ingest). Merging in rounds keeps the frames a merge holds bounded
    whatever the size of the input. `merge_blocks`: see `assign_events`."""
    from .workers import chunked

    tracker = ChangeTracker()
    unmerged = 0
    for batch in chunked(results, settings.write_batch):
        _save_batch(store, batch, report, tracker)
        unmerged += len(batch)
        if unmerged >= settings.merge_every:
            assign_events(store, tracker=tracker, merge_blocks=merge_blocks)
            unmerged = 0
        if progress:
            progress(len(batch))
    assign_events(store, tracker=tracker, merge_blocks=merge_blocks)
    report.events = store.count_events()
    report.changes = tracker.changes()


def _save_batch(store: Store, results: list[ArticleResult], report: IngestReport, tracker: ChangeTracker) -> None:
    """One transaction; each article counted as added or updated (only what is saved is counted: an
    article the clean stage refused is not), an updated one's former events noted as replaced."""
    with store.transaction():
        stored = set(store.article_hashes([r.article.id for r in results]))
        for result in results:
            if result.article.id in stored:
                report.updated += 1
                tracker.replacing([store.event(e) for e in store.events_of_article(result.article.id)])
            else:
                report.added += 1
                stored.add(result.article.id)
            store.save_article(result.article, result.mentions, result.frames,
                               [merge.blocking_keys(frame) for frame in result.frames])


def new_or_changed(
    items: Iterable[T], store: Store, report: IngestReport, progress: Optional[Progress], batch: int,
    article: Callable[[T], Union[RawArticle, Article]] = lambda item: item,
) -> Iterator[T]:
    """The items whose article's content hash differs from the stored one (or that are not stored
    yet); the others are counted as unchanged. Hashes are looked up `batch` at a time in one query,
    and nothing else is loaded: when nothing is new, nothing is parsed."""
    from .workers import chunked

    for chunk in chunked(items, batch):
        known = store.article_hashes([article(item).id for item in chunk])
        for item in chunk:
            if known.get(article(item).id) == article(item).content_hash:
                report.unchanged += 1
                if progress:
                    progress(1)
                continue
            yield item


def assign_events(store: Store, lex: Optional[Lexicon] = None, tracker: Optional[ChangeTracker] = None,
                  merge_blocks: Optional[BlockMerger] = None) -> int:
    """Merge every pending frame (new, updated, or freed by an analyst's decision) into the ledger's
    canonical events, in one transaction. The pending frames are re-clustered with the events they
    could join (`merge.Neighbourhood`, found through the blocking keys: day, place cell, place name, named
    weapon); events further away are left as they are. The work is cut into independent blocks
    (`merge.merge_block`), merged one after another here or, given `merge_blocks` (the Dask ingest),
    all at once elsewhere; the result is the same. A `tracker` is told the events replaced and those
    replacing them."""
    lex = lex or lexicon()
    with store.transaction():
        _file_unfiled_frames(store)
        work = merge.Neighbourhood(store, lex)
        work.expand(store.pending_frames())
        blocks = work.blocks()
        merged = merge_blocks(blocks) if merge_blocks else [merge.merge_block(block, lex) for block in blocks]
        groups = sorted(group for found in merged for group in found)
        if not groups:
            return 0
        regrouped = {ref for g in groups for ref in g}
        articles = {a: work.article(a) for a in sorted({ref[0] for ref in regrouped})}
        events = [merge.build_event(g, work.frames, articles, lex) for g in groups]
        old_ids = {work.event_of[ref] for ref in regrouped if work.event_of[ref]}
        contracts = [export.to_contract(e) for e in events]
        if tracker:
            tracker.replacing([store.event(e) for e in sorted(old_ids)])
            tracker.replaced(contracts)
        store.replace_component(old_ids, [
            (obj, e.members, merge.link_targets(e, work.frames, lex)) for obj, e in zip(contracts, events)
        ])
        stale = {e.event_id for e in events} | store.events_answering(regrouped, old_ids)
        for start, end in merge.windows(sorted({e.when.start for e in events if e.when.start}), merge.RESPONSE_WINDOW_DAYS):
            stale |= store.seekers_between(start.isoformat(), end.isoformat())
        for event_id in sorted(stale):
            _refresh_responses(store, event_id, lex)
    return len(events)


def _days_after(day: date, n: int) -> str:
    return (day + timedelta(days=n)).isoformat()


def _file_unfiled_frames(store: Store) -> None:
    """File the frames a migrated ledger holds without their blocking keys under them, before they merge."""
    unfiled = store.unfiled_frames()
    if unfiled:
        store.file_frames({ref: merge.blocking_keys(frame) for ref, frame in unfiled})


def _refresh_responses(store: Store, event_id: str, lex: Lexicon) -> None:
    """Resolve an event's `responds_to` against the ledger as it now stands."""
    def event_at(ref) -> Optional[Event]:
        found = store.event_of_frame(ref)
        return export.from_contract(store.event(found)) if found else None

    def earlier(event: Event) -> list[Event]:
        if event.when.start is None:
            return []
        since = _days_after(event.when.start, -merge.RESPONSE_WINDOW_DAYS)
        return [export.from_contract(o) for o in store.events_between(since, event.when.start.isoformat())]

    event = export.from_contract(store.event(event_id))
    store.set_responds_to(event_id, merge.responses_of(event, store.targets(event_id), event_at, earlier, lex))
