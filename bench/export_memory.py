"""Export memory benchmark: peak RSS of `strikelog export` on a 10^5-event ledger against the same
export of a 10^4-event ledger, measured in the same run. An export that streams keeps the ratio near
1 (what grows with the ledger is the output file, not the process). For reference, the same run
measures the CLI's floor (`strikelog --version`) and the JSON written as `export` wrote it before it
streamed, every event loaded first ("loaded"), which grows with the ledger.

Builds two ledgers of synthetic events (bench/web.py's generator: 30 countries, 2020-2026, claims and
evidence), then runs `strikelog export --format F --all -o FILE` in a child process for each size and
format and reads the child's peak resident set size from os.wait4 (ru_maxrss).

Usage: python bench/export_memory.py [--small 10000] [--large 100000] [--formats parquet,acled,csv,geojson,jsonl,json]
       [--dir PATH (ledgers kept and reused)]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from web import build_ledger  # noqa: E402  (the synthetic ledger of the web benchmark)


# The same JSON written the way `export` worked before it streamed: every event loaded first. A
# reference showing that the measure sees a process that grows with the ledger.
LOADED = ("import json, sys; from strikelog.ledger import open_ledger; store = open_ledger(sys.argv[1]); "
          "events = store.events(); open(sys.argv[2], 'w').write(json.dumps(events, indent=2))")


def peak_rss_mb(command: list[str], out: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, bytes written) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed with {child.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started, out.stat().st_size if out.exists() else 0


def export_command(db: Path, fmt: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "strikelog", "export", "--db", str(db), "--format", fmt, "--all", "-o", str(out)]


def build_in_a_child(db: Path, n: int) -> float:
    """Build a ledger in a child process: a child started later inherits the parent's peak RSS as its
    own (Linux counts the memory it shared before exec), so the measuring process must stay small."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(build_ledger, db, n).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--formats", default="parquet,acled,csv,geojson,jsonl,json")
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="strikelog-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    ledgers = {}
    for n in (args.small, args.large):
        db = folder / f"ledger-{n}.db"
        if not db.exists():
            print(f"building a {n:,}-event ledger ...", flush=True)
            print(f"  {build_in_a_child(db, n):.1f} s", flush=True)
        ledgers[n] = db
    floor, _, _ = peak_rss_mb([sys.executable, "-m", "strikelog", "--version"], folder / "none")
    print(f"\nthe CLI's floor (strikelog --version): {floor:.0f} MB")
    print(f"\n{'format':8} {'events':>8} {'peak RSS':>10} {'time':>8} {'output':>10}   ratio to {args.small:,}")
    runs = [(fmt, lambda db, out, fmt=fmt: export_command(db, fmt, out)) for fmt in args.formats.split(",")]
    runs.append(("loaded", lambda db, out: [sys.executable, "-c", LOADED, str(db), str(out)]))
    for fmt, command in runs:
        baseline = None
        for n, db in ledgers.items():
            out = folder / f"out-{n}.{fmt}"
            rss, seconds, size = peak_rss_mb(command(db, out), out)
            baseline = baseline or rss
            print(f"{fmt:8} {n:>8,} {rss:>8.0f} MB {seconds:>6.1f} s {size / 1e6:>7.1f} MB   {rss / baseline:.2f}",
                  flush=True)
    print(f"\nledgers in {folder}")


if __name__ == "__main__":
    main()
