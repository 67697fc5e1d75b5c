"""The library API: the pipeline end to end. The CLI and the web app are thin layers over this.

    from strikelog import extract_paths, ingest_paths, Ledger
    result = extract_paths(["reports/"])
    for event in result.events: ...
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from . import clean, export, ingest, language, merge, place, time
from .config import Settings
from .errors import InputError
from .extract import extract
from .merge import Frame
from .records import Article, BatchResult, Mention, Problem, RawArticle
from .store import Store

PathLike = Union[str, Path]
Progress = Callable[[int], None]


@dataclass
class ArticleResult:
    """One article after the per-article stages: its mentions and its events before merging."""

    article: Article
    mentions: list[Mention]
    frames: list[Frame]


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    events: int = 0


def analyse(raws: Iterable[RawArticle], settings: Settings, on_problem: Callable[[Problem], None]) -> Iterator[ArticleResult]:
    """Per-article stages: clean -> language -> extract -> time -> place -> cluster."""
    resolver = place.PlaceResolver(place.gazetteer_at(str(settings.gazetteer)))
    for parsed in language.parse(_cleaned(raws, on_problem), settings.model, settings.batch_size):
        mentions = extract(parsed)
        mentions = time.resolve(mentions, parsed.article.anchor)
        mentions = resolver.resolve(mentions)
        yield ArticleResult(parsed.article, mentions, merge.cluster_article(mentions))


def _cleaned(raws: Iterable[RawArticle], on_problem: Callable[[Problem], None]) -> Iterator[Article]:
    for raw in raws:
        try:
            yield clean.clean(raw)
        except InputError as err:
            on_problem(Problem(err.path, err.reason))


def extract_paths(
    paths: Iterable[PathLike], settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
) -> BatchResult:
    """Read every article under `paths` as one batch and return its canonical events."""
    settings = settings or Settings()
    problems: list[Problem] = []

    def report(problem: Problem) -> None:
        problems.append(problem)
        if on_problem:
            on_problem(problem)

    results = []
    for result in analyse(ingest.read_articles(paths, report, settings.max_file_bytes), settings, report):
        results.append(result)
        if progress:
            progress(1)
    events = merge.merge_articles([(r.frames, r.mentions) for r in results])
    return BatchResult(events=events, problems=problems, articles=[r.article for r in results])


def ingest_paths(
    paths: Iterable[PathLike], db: PathLike, settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
) -> IngestReport:
    """Add articles to the ledger at `db`; unchanged articles are skipped, updated ones replaced."""
    settings = settings or Settings()
    report = IngestReport()

    def problem(p: Problem) -> None:
        report.problems.append(p)
        if on_problem:
            on_problem(p)

    with Store(db) as store:
        fresh = _new_or_changed(ingest.read_articles(paths, problem, settings.max_file_bytes), store, report, progress)
        for result in analyse(fresh, settings, problem):
            store.save_article(result.article, result.mentions, result.frames)
            if progress:
                progress(1)
        report.events = rebuild_events(store)
    return report


def _new_or_changed(raws: Iterable[RawArticle], store: Store, report: IngestReport, progress: Optional[Progress]) -> Iterator[RawArticle]:
    for raw in raws:
        known = store.article_hash(raw.id)
        if known == raw.content_hash:
            report.unchanged += 1
            if progress:
                progress(1)
            continue
        if known is None:
            report.added += 1
        else:
            report.updated += 1
        yield raw


def rebuild_events(store: Store) -> int:
    """Recompute the canonical events from every stored article (order-independent by construction)."""
    events = merge.merge_articles(store.article_frames())
    store.replace_events([export.to_contract(e) for e in events])
    return len(events)


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
    """Read access to a ledger database."""

    def __init__(self, db: PathLike):
        if not Path(db).exists():
            from .errors import LedgerError

            raise LedgerError(f"{db}: no ledger here yet; run `strikelog ingest PATH --db {db}` first")
        self.store = Store(db)

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()

    def events(self, **filters) -> list[dict]:
        return self.store.events(**filters)

    def event(self, event_id: str) -> dict:
        return self.store.event(event_id)

    def articles(self) -> list[dict]:
        return self.store.articles()

    def facts(self, article_id: Optional[str] = None) -> list[dict]:
        return self.store.facts(article_id)


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
