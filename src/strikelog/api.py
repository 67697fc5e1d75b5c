"""The library API: the pipeline end to end. The CLI and the web app are thin layers over this.

    from strikelog import extract_paths, ingest_paths, Ledger
    result = extract_paths(["reports/"])
    for event in result.events: ...
"""
from __future__ import annotations

import dataclasses
import itertools
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, TypeVar, Union

from . import export, ingest, merge, place
from .changes import ChangeTracker, LedgerChanges
from .config import Settings
from .errors import EventNotFound, InputError, LedgerError
from .filters import BadFilter, event_filters  # noqa: F401 (part of the library API: the CLI's and the web's rules)
from .merge import BlockMerger
from .records import Article, BatchResult, Event, Problem, RawArticle
from .resources import Lexicon, lexicon
from .ledger import EventFilters, Store, is_database_url, open_ledger

# The reader (pipeline, workers: spaCy's pipeline and the extractors) and the fetcher (feeds, fetch: httpx)
# are imported by the functions that use them, so that reading the ledger (`strikelog events`, `show`,
# `timeline`, `export`, the Ledger class) loads neither.
if TYPE_CHECKING:
    from .fetch import FetchSettings
    from .pipeline import ArticleResult


def __getattr__(name: str):
    """`analyse` and `ArticleResult` (part of the library API), loaded with the reader when asked for."""
    if name in ("analyse", "ArticleResult"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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


def _article_frames(result: ArticleResult) -> merge.ArticleFrames:
    anchor = result.article.anchor
    return merge.ArticleFrames(result.article.id, result.frames, result.mentions, anchor.moment if anchor else None)


def extract_paths(
    paths: Iterable[PathLike], settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
) -> BatchResult:
    """Read every article under `paths` as one batch and return its canonical events."""
    from .workers import analyse_all

    settings = settings or Settings()
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        if on_problem:
            on_problem(problem)

    results = []
    for result in analyse_all(ingest.read_articles(paths, report, settings.max_file_bytes), settings, report):
        results.append(result)
        if progress:
            progress(1)
    events = merge.merge_articles([_article_frames(r) for r in results])
    return BatchResult(events=events, problems=problems, articles=[r.article for r in results])


def ingest_paths(
    paths: Iterable[PathLike], db: PathLike, settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
) -> IngestReport:
    """Add articles to the ledger at `db`; unchanged articles are skipped, updated ones replaced."""
    return ingest_sources(paths, db, settings, on_problem=on_problem, progress=progress)


def ingest_sources(
    sources: Iterable[PathLike], db: PathLike, settings: Optional[Settings] = None,
    fetch_settings: Optional[FetchSettings] = None, on_problem: Optional[Callable[[Problem], None]] = None,
    progress: Optional[Progress] = None,
) -> IngestReport:
    """`ingest_paths` for paths and web pages alike: a source starting with http:// or https:// is a
    URL, fetched politely (strikelog.fetch) and ingested like an .html file; anything else is a path.
    Only URLs touch the network. A page the ledger already holds is asked for conditionally (a 304
    counts as unchanged)."""
    from . import feeds
    from .fetch import Fetcher, canonical_url, is_url

    settings = settings or Settings()
    report = IngestReport()

    def problem(p: Problem) -> None:
        report.problems.append(p)
        if on_problem:
            on_problem(p)

    sources = list(sources)
    urls = list(dict.fromkeys(canonical_url(str(s)) for s in sources if is_url(s)))
    paths = ingest.discover([s for s in sources if not is_url(s)], problem)
    if not paths and not urls:
        return report  # nothing to read: no ledger is opened, so none is created
    with open_ledger(db) as store:
        pages: list[feeds.FetchedPage] = []
        if urls:
            with Fetcher(fetch_settings) as fetcher:
                pages = feeds.fetch_pages(fetcher, store, dict.fromkeys(urls), problem)
            report.unchanged += sum(1 for page in pages if page.response and page.response.not_modified)
        raws = itertools.chain(ingest.read_articles(paths, problem, settings.max_file_bytes),
                               (page.raw for page in pages if page.raw))
        ingest_raw_articles(raws, store, settings, report, problem, progress)
        feeds.remember_pages(store, pages, {p.path: p.reason for p in report.problems})
    return report


def count_articles(sources: Iterable[PathLike]) -> Optional[int]:
    """How many articles `sources` hold, when that is known without parsing them: one per web page,
    .txt and .html file, one per line of a .jsonl file; None when there is a WARC file (counting its
    records means reading it through)."""
    from .fetch import is_url

    sources = list(sources)
    paths = [s for s in sources if not is_url(s)]
    total = len(sources) - len(paths)
    for path in ingest.discover(paths, lambda problem: None):
        fmt = ingest.file_format(path)
        if fmt == "warc":
            return None
        if fmt == "jsonl":
            try:
                with open(path, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                continue
        else:
            total += 1
    return total


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


def _file_unfiled_frames(store: Store) -> None:
    """File the frames a migrated ledger holds without their blocking keys under them, before they merge."""
    unfiled = store.unfiled_frames()
    if unfiled:
        store.file_frames({ref: merge.blocking_keys(frame) for ref, frame in unfiled})


def _days_after(day: date, n: int) -> str:
    return (day + timedelta(days=n)).isoformat()


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


def gazetteer(settings: Optional[Settings] = None) -> place.Gazetteer:
    """The gazetteer of these settings, built on first use."""
    return place.gazetteer_at(str((settings or Settings()).gazetteer))


def add_places(csv_path: PathLike, settings: Optional[Settings] = None) -> int:
    """Add the rows of a CSV in the installations.csv format (docs/places.md) to the gazetteer."""
    import csv

    from .resources import site_from_row

    try:
        with open(csv_path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(csv_path), f"cannot read places CSV ({err})") from None
    missing = {"name", "lat", "lon"} - set(rows[0] if rows else {})
    if missing:
        raise InputError(str(csv_path), f"places CSV lacks columns: {', '.join(sorted(missing))}")
    return gazetteer(settings).add(site_from_row(row) for row in rows)


class Ledger:
    """A ledger database: reading it, and an analyst's corrections to it. `store` is the ledger itself
    (strikelog.ledger.Store), whose read queries the web runs in its reader threads."""

    def __init__(self, db: PathLike, create: bool = False):
        """Open the ledger at `db`; a SQLite file that is not there is an error, unless `create`."""
        if not create and not is_database_url(db) and not Path(db).exists():
            raise LedgerError(f"{db}: no ledger here yet; run `strikelog ingest PATH --db {db}` first")
        self.store = open_ledger(db)

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def events(self, **filters) -> list[dict]:
        return self.store.events(**filters)

    def page(self, filters: EventFilters, limit: Optional[int] = None, sort: str = "date") -> tuple[list[dict], int]:
        """The first `limit` events matching `filters` (all when None) and how many match in all."""
        if limit is None:
            events = list(self.store.iter_events(filters, sort))
            return events, len(events)
        return self.store.search_events(filters, sort, 1, limit, full=True)

    def export(self, filters: EventFilters, fmt: str, sort: str = "date") -> Iterator[Union[str, bytes]]:
        """The matching events in one of export.FORMATS, as chunks (bytes for parquet), read lazily in
        one read transaction: memory stays flat whatever the size of the ledger."""
        with self.store.snapshot():
            yield from export.chunks(self.store.iter_events(filters, sort), fmt, self.store.articles_meta)

    def event(self, event_id: str) -> dict:
        return self.store.event(event_id)

    def sources(self, event: dict) -> list[dict]:
        """The metadata (title, outlet, url, published) of an event's source articles, in its order;
        an article no longer stored is given by its id alone."""
        found = self.store.articles_meta(event["sources"])
        return [found.get(a, {"id": a}) for a in event["sources"]]

    def articles(self) -> list[dict]:
        return self.store.articles()

    def facts(self, article_id: Optional[str] = None) -> list[dict]:
        return self.store.facts(article_id)

    def merge(self, event_a: str, event_b: str) -> str:
        """Make two events one, whatever the scores say; the decision outlives re-ingestion.
        Returns the id of the merged event."""
        a, b = self._members(event_a), self._members(event_b)
        if event_a == event_b:
            raise LedgerError(f"{event_a}: cannot merge an event with itself")
        with self.store.transaction():
            self.store.add_decision("together", [(a[0], ref) for ref in a[1:] + b])
            assign_events(self.store)
        return self.store.event_of_frame(a[0])

    def split(self, event_id: str, article_id: str) -> list[str]:
        """Take one article's reports out of an event into an event of their own; the decision
        outlives re-ingestion. Returns the ids of the resulting events."""
        members = self._members(event_id)
        moved = [ref for ref in members if ref[0] == article_id]
        kept = [ref for ref in members if ref[0] != article_id]
        if not moved:
            raise LedgerError(f"{event_id}: article {article_id!r} is not one of its sources")
        if not kept:
            raise LedgerError(f"{event_id}: {article_id!r} is its only source; nothing to split from")
        with self.store.transaction():
            self.store.add_decision("apart", [(m, k) for m in moved for k in kept])
            assign_events(self.store)
        return sorted({self.store.event_of_frame(ref) for ref in members})

    def _members(self, event_id: str) -> list:
        self.store.event(event_id)  # raises EventNotFound with the database named
        return self.store.members(event_id)

    def timeline(self, filters: Optional[EventFilters] = None, **by) -> list[dict]:
        """Chains of events that answer each other, oldest first. Each chain lists its events
        (oldest first) and its links; a chain is shown whole when any of its reported events matches
        the filters (an EventFilters, or country, since, until, actor, event_type)."""
        filters = dataclasses.replace(filters or EventFilters(**by), status="reported")
        wanted = list(self.store.iter_events(filters))
        chains, placed = [], set()
        for event in wanted:
            if event["event_id"] in placed:
                continue
            members = self._chain_of(event["event_id"])
            placed |= {e["event_id"] for e in members}
            links = [{"from": e["event_id"], "to": t} for e in members for t in e["responds_to"]
                     if t in {m["event_id"] for m in members}]
            chains.append({"events": members, "links": links})
        return chains

    def _chain_of(self, event_id: str) -> list[dict]:
        members = []
        for member in self.store.chain(event_id):
            try:
                members.append(self.store.event(member))
            except EventNotFound:
                continue
        return sorted(members, key=lambda e: (e["date_start"] or "9999", e["event_id"]))


def print_problem(problem: Problem) -> None:
    print(f"strikelog: skipped {problem}", file=sys.stderr)


def ingest_articles(
    articles: Iterable[dict], db: PathLike, settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None,
) -> IngestReport:
    """Add articles given as objects of the .jsonl input format (`{"id", "text" or "html", "title"?,
    "published"?, "url"?, "outlet"?}`) to the ledger at `db`, exactly as `ingest_paths` would.
    Problems name the article by its position: "article 2: missing 'id'"."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="strikelog-post-") as tmp:
        batch = Path(tmp) / "articles.jsonl"
        batch.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        report = ingest_paths([batch], db, settings)
    report.problems = [
        Problem(p.path.replace(f"{batch}:", "article ").replace(str(batch), "the posted articles"), p.reason)
        for p in report.problems
    ]
    if on_problem:
        for p in report.problems:
            on_problem(p)
    return report
