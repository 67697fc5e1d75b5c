"""Gazetteer benchmark: build time, and lookups per second against a baseline measured in the same run.

The baseline is what a gazetteer without an index does: scan every stored name for the key.
Usage: python bench/gazetteer.py [--names 2000] [--baseline-names 50]
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from strikelog.resolve.gazetteer import Gazetteer, build, name_key


def sample_names(db: sqlite3.Connection, n: int, seed: int = 7) -> list[str]:
    rows = db.execute("SELECT name FROM places ORDER BY id").fetchall()
    rng = random.Random(seed)
    return [rng.choice(rows)[0] for _ in range(n)]


def timed(func, items) -> float:
    start = time.perf_counter()
    for item in items:
        func(item)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names", type=int, default=2000)
    parser.add_argument("--baseline-names", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gazetteer.sqlite"
        start = time.perf_counter()
        build(path)
        build_seconds = time.perf_counter() - start
        gaz = Gazetteer(path)
        names = sample_names(gaz.db, args.names)
        uncached = timed(gaz._lookup, names)
        cached = timed(gaz.lookup, names + names)  # the second pass is served from the cache
        all_keys = [(k, p) for k, p in gaz.db.execute("SELECT key, place_id FROM names")]
        scan = timed(lambda n: [p for k, p in all_keys if k == name_key(n)], names[: args.baseline_names])
        fuzzy = timed(gaz._fuzzy, [n + "x" for n in names[:200]])
        count = gaz.db.execute("SELECT COUNT(*) FROM names").fetchone()[0]
    per_second = args.names / uncached
    baseline = args.baseline_names / scan
    print(f"names indexed:             {count:,}")
    print(f"build time:                {build_seconds:.1f} s")
    print(f"indexed lookups/s:         {per_second:,.0f}  ({1e6 / per_second:.0f} us each)")
    print(f"cached lookups/s:          {2 * args.names / cached:,.0f}")
    print(f"fuzzy lookups/s:           {200 / fuzzy:,.0f}")
    print(f"baseline (scan) lookups/s: {baseline:,.1f}")
    print(f"ratio indexed/baseline:    {per_second / baseline:,.0f}x")


if __name__ == "__main__":
    main()
