"""The per-article stages on every core: a pool of worker processes, results in input order.

The parent streams the input in chunks of `Settings.chunk_size` articles and keeps at most two
chunks per worker in flight, so memory stays bounded whatever the size of the input; the ingest
drives the pool from a thread of its own (`in_background`), so that saving and merging in the
main thread do not leave the workers idle. Each worker
loads the language model, the dictionary tagger and the gazetteer once (at start) and runs
`pipeline.analyse` on the chunks it is given. The parent hands results on chunk by chunk in the
order the articles came in, so merging and saving see exactly what a single process would have
produced. An input that fits in one chunk is analysed in this process: no pool to start.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from queue import Full, Queue
from typing import Callable, TypeVar

from ..config import Settings
from ..nlp import model
from ..records import Problem, RawArticle
from ..resolve.gazetteer import gazetteer_at
from .pipeline import ArticleResult, analyse, resolver

T = TypeVar("T")
IN_FLIGHT_PER_WORKER = 2
PARENT_CHECK_SECONDS = 0.5


def analyse_all(
    raws: Iterable[RawArticle], settings: Settings, on_problem: Callable[[Problem], None],
) -> Iterator[ArticleResult]:
    """`pipeline.analyse` over `settings.workers` processes; results in input order."""
    chunks = chunked(raws, settings.chunk_size)
    head = list(itertools.islice(chunks, 2))
    if settings.workers <= 1 or len(head) < 2:
        yield from analyse(itertools.chain.from_iterable(itertools.chain(head, chunks)), settings, on_problem)
        return
    gazetteer_at(str(settings.gazetteer))  # built here, once, rather than by every worker at once
    context = multiprocessing.get_context("spawn")  # no state inherited from the parent: same in every worker
    with ProcessPoolExecutor(settings.workers, mp_context=context, initializer=_start_worker,
                             initargs=(settings, os.getpid())) as pool:
        in_flight: deque[Future] = deque()
        try:
            for chunk in itertools.chain(head, chunks):
                in_flight.append(pool.submit(_analyse_chunk, chunk, settings))
                if len(in_flight) >= IN_FLIGHT_PER_WORKER * settings.workers:
                    yield from _delivered(in_flight.popleft(), on_problem)
            while in_flight:
                yield from _delivered(in_flight.popleft(), on_problem)
        finally:
            for future in in_flight:
                future.cancel()


def in_background(items: Iterator[T], limit: int) -> Iterator[T]:
    """The items of `items`, in order, produced by a thread of their own up to `limit` ahead of the
    consumer: the worker pool behind `items` keeps working while the consumer is busy (a merge
    round), and memory stays bounded. An error in the thread is raised here; when the consumer stops
    early, the thread closes `items` (ending its pool) and is waited for."""
    queue: Queue = Queue(maxsize=limit)
    stop = threading.Event()
    end = object()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((end, None))
        except BaseException as err:  # handed to the consumer, which raises it
            put((end, err))
        finally:
            close = getattr(items, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="strikelog-analyse", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if item is end:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of `size` items (the last one shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _delivered(future: Future, on_problem: Callable[[Problem], None]) -> list[ArticleResult]:
    results, problems = future.result()
    for problem in problems:
        on_problem(problem)
    return results


def _start_worker(settings: Settings, parent: int) -> None:
    """Load what every article needs once per worker process."""
    _exit_with_parent(parent)
    model.load_model(settings.model)
    resolver(str(settings.gazetteer))


def _exit_with_parent(parent: int) -> None:
    """End this worker when its parent (pid `parent`, passed in: it may be gone before this worker
    starts) dies: an ingest killed with SIGKILL cannot stop its pool, and its workers would otherwise
    wait for chunks from no one."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="strikelog-parent-watch", daemon=True).start()


def _analyse_chunk(raws: list[RawArticle], settings: Settings) -> tuple[list[ArticleResult], list[Problem]]:
    problems: list[Problem] = []
    return list(analyse(raws, settings, problems.append)), problems
