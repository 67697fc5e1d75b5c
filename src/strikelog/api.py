"""The library API, the one door the CLI and the web app go through: `extract_paths` (a batch of
files -> events), `ingest_paths` / `ingest_sources` (files and web pages -> the ledger) and `Ledger`
(reading a ledger, an analyst's merges and splits). The work is done in `run` (the engine, the worker
pool, the pipeline); this module only wires it up.

    from strikelog import extract_paths, ingest_paths, Ledger
    result = extract_paths(["reports/"])
    for event in result.events: ...
"""
from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Union

from . import export, merge
from .config import Settings
from .errors import EventNotFound, InputError, LedgerError
from .filters import BadFilter, event_filters  # noqa: F401 (part of the library API: the CLI's and the web's rules)
from .records import BatchResult, Problem
from .resolve.gazetteer import Gazetteer, gazetteer_at
from .run.engine import IngestReport, PathLike, Progress, article_frames, assign_events, ingest_raw_articles
from .sources import files
from .ledger import EventFilters, Store, is_database_url, open_ledger  # noqa: F401 (Store: the type the web's readers take)

# The reader (pipeline, workers: spaCy's pipeline and the extractors) and the fetcher (sources.feeds,
# sources.http: httpx) are imported by the functions that use them, so that reading the ledger
# (`strikelog events`, `show`, `timeline`, `export`, the Ledger class) loads neither.
if TYPE_CHECKING:
    from .sources.http import FetchSettings


def __getattr__(name: str):
    """`analyse` and `ArticleResult` (part of the library API), loaded with the reader when asked for."""
    if name in ("analyse", "ArticleResult"):
        from .run import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_paths(
    paths: Iterable[PathLike], settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
) -> BatchResult:
    """Read every article under `paths` as one batch and return its canonical events."""
    from .run.workers import analyse_all

    settings = settings or Settings()
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        if on_problem:
            on_problem(problem)

    results = []
    for result in analyse_all(files.read_articles(paths, report, settings.max_file_bytes), settings, report):
        results.append(result)
        if progress:
            progress(1)
    events = merge.merge_articles([article_frames(r) for r in results])
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
    URL, fetched politely (strikelog.sources.http) and ingested like an .html file; anything else is a path.
    Only URLs touch the network. A page the ledger already holds is asked for conditionally (a 304
    counts as unchanged)."""
    from .run.pages import fetch_pages, remember_pages
    from .sources.http import Fetcher, canonical_url, is_url

    settings = settings or Settings()
    report = IngestReport()
    problem = report.problem_sink(on_problem)
    sources = list(sources)
    urls = list(dict.fromkeys(canonical_url(str(s)) for s in sources if is_url(s)))
    paths = files.discover([s for s in sources if not is_url(s)], problem)
    if not paths and not urls:
        return report  # nothing to read: no ledger is opened, so none is created
    with open_ledger(db) as store:
        pages = []
        if urls:
            with Fetcher(fetch_settings) as fetcher:
                pages = fetch_pages(fetcher, store, dict.fromkeys(urls), problem)
            report.unchanged += sum(1 for page in pages if page.response and page.response.not_modified)
        raws = itertools.chain(files.read_articles(paths, problem, settings.max_file_bytes),
                               (page.raw for page in pages if page.raw))
        ingest_raw_articles(raws, store, settings, report, problem, progress)
        remember_pages(store, pages, {p.path: p.reason for p in report.problems})
    return report


def count_articles(sources: Iterable[PathLike]) -> Optional[int]:
    """How many articles `sources` hold, when that is known without parsing them: one per web page,
    .txt and .html file, one per line of a .jsonl file; None when there is a WARC file (counting its
    records means reading it through)."""
    from .sources.http import is_url

    sources = list(sources)
    paths = [s for s in sources if not is_url(s)]
    total = len(sources) - len(paths)
    for path in files.discover(paths, lambda problem: None):
        fmt = files.file_format(path)
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


def gazetteer(settings: Optional[Settings] = None) -> Gazetteer:
    """The gazetteer of these settings, built on first use."""
    return gazetteer_at(str((settings or Settings()).gazetteer))


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
    settings = settings or Settings()
    report = IngestReport()
    problem = report.problem_sink(on_problem)
    with open_ledger(db) as store:
        ingest_raw_articles(files.read_objects(articles, problem), store, settings, report, problem, None)
    return report
