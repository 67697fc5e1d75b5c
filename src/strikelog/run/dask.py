"""Beyond one machine: the per-article stages as Dask tasks, their results as partitioned Parquet,
then one merge into the ledger (docs/scale.md).

Step 1, `analyse_to_parquet`: the input is cut into partitions in the order `files.discover`
gives (each .jsonl or WARC file is one partition; loose .txt/.html files are grouped
`FILES_PER_PARTITION` at a time) and each partition becomes one Dask task. The task reads its own
files on the worker (so the input never passes through the client: workers must see the same
paths, e.g. a shared filesystem), runs `pipeline.analyse` with the model loaded once per worker
process, and writes `part-NNNNN.parquet` (one row per article, schema: `_schema`). An article
the ledger already holds unchanged is skipped there, before it is parsed.

Step 2, `merge_parquet`: the parts are read back in partition order and each article is saved
to the ledger exactly as `ingest_paths` saves it, then `assign_events` merges the new frames with
the single-machine blocking, each round's independent blocks (`merge.merge_block`) run as Dask
tasks at once. The ledger is therefore the one `strikelog ingest` gives on the same input.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

from .. import merge
from ..config import Settings
from ..merge import BlockMerger
from ..records import Problem
from ..sources import files
from ..ledger import article_from, frame_from, is_database_url, mention_from, open_ledger, plain
from .engine import IngestReport, PathLike, Progress, new_or_changed, store_results
from .pipeline import ArticleResult, analyse

FILES_PER_PARTITION = 256
ROWS_PER_GROUP = 256
PART_GLOB = "part-*.parquet"


def _schema():
    import pyarrow as pa

    return pa.schema([
        ("position", pa.int64()),  # the article's place in its partition (input order)
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("published", pa.string()),  # the article's anchor time, ISO 8601, or null
        ("article", pa.string()),  # JSON: the cleaned Article (paragraphs, anchor, dropped debris)
        ("mentions", pa.string()),  # JSON array: the article's Mentions after time and place
        ("frames", pa.string()),  # JSON array: its events before cross-article merging (Frames)
    ])


@dataclass(frozen=True)
class Partition:
    """Files analysed by one task, in input order."""

    index: int
    paths: tuple[str, ...]

    @property
    def parquet_name(self) -> str:
        return f"part-{self.index:05d}.parquet"


@dataclass
class PartitionReport:
    """What a task sends back to the client: where it wrote, how many articles it analysed, how many
    it skipped as already in the ledger, and the problems it met."""

    index: int
    parquet: str
    articles: int
    problems: list[Problem]
    unchanged: int = 0


def partitions(paths: Iterable[PathLike], on_problem: Callable[[Problem], None],
               files_per_partition: int = FILES_PER_PARTITION) -> list[Partition]:
    """The input cut into partitions, in the order a single-machine ingest reads it."""
    groups: list[tuple[str, ...]] = []
    loose: list[str] = []
    for path in files.discover(paths, on_problem):
        if files.file_format(path) in ("jsonl", "warc"):
            if loose:
                groups.append(tuple(loose))
                loose = []
            groups.append((str(path),))
        else:
            loose.append(str(path))
            if len(loose) == files_per_partition:
                groups.append(tuple(loose))
                loose = []
    if loose:
        groups.append(tuple(loose))
    return [Partition(index, group) for index, group in enumerate(groups)]


def analyse_partition(partition: Partition, settings: Settings, out_dir: str, ledger: Optional[str] = None) -> PartitionReport:
    """One Dask task: read the partition's files, analyse each article (but those the `ledger`
    already holds unchanged: their content hash is all that is read), write its Parquet part."""
    problems: list[Problem] = []
    raws = files.read_articles([Path(p) for p in partition.paths], problems.append, settings.max_file_bytes)
    target = Path(out_dir) / partition.parquet_name
    known = IngestReport()
    with ExitStack() as stack:
        if ledger is not None:
            raws = new_or_changed(raws, stack.enter_context(open_ledger(ledger)), known, None, settings.write_batch)
        count = _write_part(analyse(raws, settings, problems.append), target)
    return PartitionReport(partition.index, str(target), count, problems, known.unchanged)


def _write_part(results: Iterable[ArticleResult], target: Path) -> int:
    """Write analysed articles to one Parquet file, `ROWS_PER_GROUP` to a row group; their number."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    schema = _schema()
    with pq.ParquetWriter(target, schema) as writer:
        rows: list[dict] = []
        for result in results:
            rows.append(_row(count, result))
            count += 1
            if len(rows) == ROWS_PER_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema))
                rows = []
        writer.write_table(pa.Table.from_pylist(rows, schema))
    return count


def _row(position: int, result: ArticleResult) -> dict[str, Any]:
    article = result.article
    return {
        "position": position, "article_id": article.id, "content_hash": article.content_hash,
        "published": article.anchor.moment.isoformat() if article.anchor else None,
        "article": json.dumps(plain(article)),
        "mentions": json.dumps([plain(m) for m in result.mentions]),
        "frames": json.dumps([plain(f) for f in result.frames]),
    }


def _result(row: dict[str, Any]) -> ArticleResult:
    return ArticleResult(article_from(json.loads(row["article"])),
                         [mention_from(m) for m in json.loads(row["mentions"])],
                         [frame_from(f) for f in json.loads(row["frames"])])


def read_parquet(parts: Iterable[PathLike], batch: int = ROWS_PER_GROUP) -> Iterator[ArticleResult]:
    """The analysed articles of these Parquet parts, in the order given, streamed by row group."""
    import pyarrow.parquet as pq

    for part in parts:
        for records in pq.ParquetFile(part).iter_batches(batch_size=batch):
            yield from map(_result, records.to_pylist())


def analyse_to_parquet(
    paths: Iterable[PathLike], scheduler: Union[str, Any], out_dir: PathLike, settings: Optional[Settings] = None,
    on_problem: Optional[Callable[[Problem], None]] = None, progress: Optional[Progress] = None,
    ledger: Optional[PathLike] = None,
) -> list[PartitionReport]:
    """Step 1: analyse every article under `paths` on the Dask cluster at `scheduler` (an address
    such as tcp://host:8786, or a distributed.Client) into Parquet parts under `out_dir`; articles
    that `ledger` (when given and already there) holds unchanged are skipped by the workers.
    Returns the partitions' reports in input order; problems are passed to `on_problem` in that order."""
    from distributed import as_completed

    settings = settings or Settings()
    sink = on_problem or (lambda p: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(PART_GLOB):
        stale.unlink()
    parts = partitions(paths, sink)
    with _connected(scheduler) as client:
        futures = client.map(analyse_partition, parts, settings=settings, out_dir=str(out.resolve()),
                             ledger=_existing(ledger), pure=False)
        for done in as_completed(futures):
            if progress:
                finished = done.result()
                progress(finished.articles + finished.unchanged)
        reports = client.gather(futures)
    for report in reports:
        for problem in report.problems:
            sink(problem)
    return reports


def merge_parquet(
    parts: Iterable[PathLike], db: PathLike, settings: Optional[Settings] = None,
    report: Optional[IngestReport] = None, progress: Optional[Progress] = None,
    scheduler: Union[str, Any, None] = None,
) -> IngestReport:
    """Step 2: save the analysed articles of these Parquet parts (in the order given) to the
    ledger at `db` as `ingest_paths` would, skipping unchanged ones, and merge them into its events;
    given a `scheduler`, each merge round's blocks run there as Dask tasks, all at once."""
    settings = settings or Settings()
    report = report or IngestReport()
    with open_ledger(db) as store, _connected(scheduler) as client:
        fresh = new_or_changed(read_parquet(parts), store, report, None, settings.write_batch, lambda r: r.article)
        store_results(fresh, store, settings, report, progress, block_merger(client) if client else None)
    return report


def block_merger(client: Any) -> BlockMerger:
    """A merge round's blocks (`merge.merge_block`) as one Dask task each; results in block order."""
    def merge_on_cluster(blocks: list[merge.MergeBlock]) -> list[list[list]]:
        return client.gather(client.map(merge.merge_block, blocks, pure=False))

    return merge_on_cluster


def ingest_dask(
    paths: Iterable[PathLike], db: PathLike, scheduler: Union[str, Any], parquet_dir: PathLike,
    settings: Optional[Settings] = None, on_problem: Optional[Callable[[Problem], None]] = None,
    progress: Optional[Progress] = None,
) -> IngestReport:
    """`ingest_paths` on a Dask cluster: step 1 on the workers, then step 2 into the ledger at `db`."""
    report = IngestReport()
    problem = report.problem_sink(on_problem)
    with _connected(scheduler) as client:
        reports = analyse_to_parquet(paths, client, parquet_dir, settings, problem, progress, ledger=db)
        report.unchanged += sum(r.unchanged for r in reports)
        return merge_parquet([r.parquet for r in reports], db, settings, report, scheduler=client)


@contextmanager
def _connected(scheduler: Union[str, Any, None]) -> Iterator[Any]:
    """A distributed.Client for this address (closed afterwards), the client given, or None."""
    from distributed import Client

    if scheduler is None or isinstance(scheduler, Client):
        yield scheduler
        return
    client = Client(scheduler)
    try:
        yield client
    finally:
        client.close()


def _existing(ledger: Optional[PathLike]) -> Optional[str]:
    """The ledger as the workers should open it (a URL, or an absolute path), if it exists yet."""
    if ledger is None:
        return None
    if is_database_url(ledger):
        return str(ledger)
    return str(Path(ledger).resolve()) if Path(ledger).exists() else None
