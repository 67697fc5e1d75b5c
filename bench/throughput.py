"""Throughput benchmark: `strikelog ingest` against the bare spaCy pipeline on the same texts.

N generated conflict reports (bench/corpus.py: six theatres, mixed lengths, page debris, a fifth
as HTML) are streamed to JSONL shards in a temporary folder. Then, each in its own process so that
both pay for starting Python and loading the model:

(a) baseline: the cleaned paragraphs of the same articles (cleaned beforehand, outside the timing)
    through `nlp.pipe` with the same model, the same batch size and `n_process` = workers;
(b) `strikelog ingest CORPUS --db NEW.db --workers W`: every stage, the ledger and the merge;
(c) the same ingest again: every article unchanged, skipped by content hash (timed inside its own
    process, without the interpreter's start; the run must not import spaCy at all).

Articles per second of (a) and (b), the ratio b/a, the CPU time per article of each (user + system
of the whole process tree: a figure that other load on the machine does not move), and the peak memory of each run: the largest sum
of the resident set sizes of the process and all its descendants, sampled every 0.1 s with psutil
(so a short-lived peak between samples can be missed; the kernel's ru_maxrss of the largest single
process is printed beside it).

Usage: python bench/throughput.py [--n 2000] [--workers CORES] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus  # noqa: E402

from strikelog.config import Settings, available_cores  # noqa: E402


def bare_spacy(texts_file: Path, model: str, batch_size: int, workers: int) -> None:
    """The baseline run (in its own process): load the model, pipe every paragraph through it."""
    from strikelog.nlp.model import UNUSED_COMPONENTS, load_model

    nlp = load_model(model)
    assert all(name not in nlp.pipe_names for name in UNUSED_COMPONENTS)

    def texts():
        with open(texts_file, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)

    for _ in nlp.pipe(texts(), batch_size=batch_size, n_process=workers):
        pass


def write_cleaned(corpus: Path, out: Path) -> int:
    """The paragraphs (as the clean stage leaves them) of every article, one JSON string a line."""
    from strikelog.sources import files as ingest
    from strikelog.text import clean

    articles = 0
    with open(out, "w", encoding="utf-8") as handle:
        for raw in ingest.read_articles([corpus], lambda p: None):
            article = clean.clean(raw)
            articles += 1
            for paragraph in article.paragraphs:
                handle.write(json.dumps(paragraph.text) + "\n")
    return articles


def measured(command: list[str]) -> tuple[float, float, float]:
    """Run a command; its wall time in seconds, its process tree's peak resident memory in bytes and
    the CPU seconds (user + system) of the whole tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = psutil.Popen(command)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed with status {proc.returncode}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, peak, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def skip_rate(corpus: Path, db: Path, workers: int) -> None:
    """(In its own process, which has not imported spaCy:) print, as JSON, the articles per second of
    a re-ingest where every article is already in the ledger, how many it skipped, and whether it
    imported spaCy."""
    from strikelog.api import ingest_paths

    start = time.perf_counter()
    report = ingest_paths([corpus], db, Settings(workers=workers))
    seconds = time.perf_counter() - start
    print(json.dumps({"rate": report.unchanged / seconds, "skipped": report.unchanged,
                      "spacy": "spacy" in sys.modules}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="articles to generate")
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (corpus, ledger)")
    parser.add_argument("--bare", nargs=2, metavar=("TEXTS", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--skip", nargs=3, metavar=("CORPUS", "DB", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = Settings()
    if args.bare:
        bare_spacy(Path(args.bare[0]), settings.model, settings.batch_size, int(args.bare[1]))
        return
    if args.skip:
        skip_rate(Path(args.skip[0]), Path(args.skip[1]), int(args.skip[2]))
        return
    with tempfile.TemporaryDirectory(prefix="strikelog-throughput-") as tmp:
        work = args.keep or Path(tmp)
        corpus, db, texts = work / "corpus", work / "ledger.db", work / "paragraphs.jsonl"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        write_corpus(corpus, args.n, args.seed)
        articles = write_cleaned(corpus, texts)
        strikelog = str(Path(sys.executable).with_name("strikelog"))
        base_s, base_mem, base_cpu = measured([sys.executable, __file__, "--bare", str(texts), str(args.workers)])
        ours_s, ours_mem, ours_cpu = measured([strikelog, "ingest", str(corpus), "--db", str(db),
                                     "--workers", str(args.workers), "-q"])
        again = json.loads(subprocess.run([sys.executable, __file__, "--skip", str(corpus), str(db), str(args.workers)],
                                          check=True, capture_output=True, text=True).stdout)
        if again["spacy"]:
            raise SystemExit("the unchanged re-ingest imported spaCy")
    largest_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    a, b = articles / base_s, articles / ours_s
    print(f"{articles} articles, {args.workers} workers, {available_cores()} cores, batch size {settings.batch_size}",
          file=sys.stderr)
    print(f"(a) bare nlp.pipe : {base_s:7.1f} s  {a:7.1f} articles/s  peak {base_mem / 2**20:6.0f} MiB (process tree)")
    print(f"(b) ingest        : {ours_s:7.1f} s  {b:7.1f} articles/s  peak {ours_mem / 2**20:6.0f} MiB (process tree)")
    print(f"ratio b/a         : {b / a:.2f}")
    print(f"CPU per article   : (a) {base_cpu / articles * 1000:.1f} ms, (b) {ours_cpu / articles * 1000:.1f} ms "
          f"(ratio a/b {base_cpu / ours_cpu:.2f}; unaffected by other load on the machine)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"(c) re-ingest     : {again['skipped']} unchanged articles skipped at {again['rate']:,.0f} articles/s "
          "(spaCy not imported)")
    print(f"largest single process (ru_maxrss): {largest_child / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
