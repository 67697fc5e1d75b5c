#!/usr/bin/env python3
"""Start strikelog processes at the same moment, round after round, and count the rounds that fail
(issue 17; docs/reliability.md, "Starting together").

Every round runs in a fresh HOME (so a fresh default gazetteer path) with a fresh ledger:

    gazetteer   two `strikelog gazetteer lookup Jilib` on a machine without a gazetteer
    ledger      two processes opening the same new ledger file
    ingests     two `strikelog ingest` of different reports into one new ledger
    trio        `strikelog ingest`, `strikelog watch --once` (a feed on 127.0.0.1) and
                `strikelog serve --token` (read while the ingest writes) on one new ledger
    held-lock   a process holding the gazetteer's write lock (as `gazetteer import` does) while
                `strikelog gazetteer lookup` starts: every place the user added must survive

The scenarios other than `gazetteer` share one gazetteer built before the rounds (its building is
what `gazetteer` measures). Prints one line per failed round and a summary line per scenario; exit
status 1 if any round failed.

    python scripts/startup_race.py --rounds 50
    python scripts/startup_race.py --rounds 10 --scenario held-lock
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Optional

import httpx

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted((ROOT / "tests" / "fixtures" / "reports").glob("f*.txt"))
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
USER_PLACES = ("Camp Startup Race", "Forward Base Lockwait", "Outpost Concurrency")
TIMEOUT = 600
HOLD_SECONDS = 12  # longer than the 5 s of sqlite3.connect's default timeout, twice (issue 17, point 2)


def strikelog(*args: str) -> list[str]:
    return [sys.executable, "-m", "strikelog", *args]


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    """(returncode, stdout, stderr) of each process, once all have ended."""
    outputs = [p.communicate(timeout=TIMEOUT) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]


def failed(results: list[tuple[int, str, str]]) -> Optional[str]:
    """The first failure among the processes' results, or None."""
    for code, _, err in results:
        if code != 0:
            lines = err.strip().splitlines()
            return f"exit {code}: {lines[-1] if lines else '(no message)'}"
    return None


# ---- the scenarios: each takes a fresh folder and an environment, returns a failure or None ----------------
def two_gazetteer_builds(scratch: Path, env: dict) -> Optional[str]:
    env = {k: v for k, v in env.items() if k not in ("STRIKELOG_GAZETTEER", "XDG_CACHE_HOME")}
    results = finish([start(strikelog("gazetteer", "lookup", "Jilib"), env) for _ in range(2)])
    problem = failed(results)
    if problem:
        return problem
    if not all("Jilib" in out for _, out, _ in results):
        return "a lookup did not find Jilib"
    folder = scratch / "home" / ".cache" / "strikelog"
    strays = sorted(p.name for p in folder.iterdir() if p.name != "gazetteer.sqlite" and not p.name.endswith(".lock"))
    return f"left behind: {strays}" if strays else None


def two_ledger_openings(scratch: Path, env: dict) -> Optional[str]:
    """Two processes, strikelog imported, open the new file at the same wall-clock moment."""
    db = scratch / "ledger.db"
    go = f"{time.time() + 2:.3f}"
    opening = [sys.executable, "-c", OPEN_AT, str(db), go]
    return failed(finish([start(opening, env) for _ in range(2)]))


OPEN_AT = """
import sys, time
from strikelog.store import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
Store(sys.argv[1]).close()
"""


def two_ingests(scratch: Path, env: dict) -> Optional[str]:
    db = scratch / "ledger.db"
    halves = [_folder(scratch / f"half{i}", REPORTS[i:12:2]) for i in range(2)]
    problem = failed(finish([start(strikelog("ingest", str(f), "--db", str(db), "-q"), env) for f in halves]))
    return problem or _article_count_problem(db, 6 + 6)


def ingest_watch_serve(scratch: Path, env: dict) -> Optional[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from feedserver import FeedSite

    db = scratch / "ledger.db"
    reports = _folder(scratch / "reports", REPORTS[:6])
    with FeedSite(FEEDS) as site:
        procs = [start(strikelog("ingest", str(reports), "--db", str(db), "-q"), env),
                 start(strikelog("watch", "--once", "--delay", "0", "--db", str(db), site.url("/updates_v2.rss")), env),
                 start(strikelog("serve", "--db", str(db), "--port", "0", "--token", "race"), env)]
        server = procs.pop()
        try:
            reads = _read_while_running(server, procs)
        finally:
            server.terminate()
            server.communicate(timeout=60)
        problem = failed(finish(procs))
    if problem or isinstance(reads, str):
        return problem or reads
    return _article_count_problem(db, 6 + 2)


def held_gazetteer_lock(scratch: Path, env: dict) -> Optional[str]:
    """The gazetteer (a copy of the shared one, with the user's places added) write-locked for a few
    seconds by another process while a lookup starts; afterwards every user place must be there."""
    gazetteer = scratch / "gazetteer.sqlite"
    gazetteer.write_bytes(Path(env["STRIKELOG_GAZETTEER"]).read_bytes())
    env = {**env, "STRIKELOG_GAZETTEER": str(gazetteer)}
    places = scratch / "places.csv"
    places.write_text("name,aliases,kind,country,admin1,lat,lon,geo_precision,note\n" + "".join(
        f"{name},,base,IQ,Anbar,33.{i},42.{i},1,\n" for i, name in enumerate(USER_PLACES)), encoding="utf-8")
    problem = failed(finish([start(strikelog("gazetteer", "add", str(places)), env)]))
    if problem:
        return f"gazetteer add: {problem}"
    holder = start([sys.executable, "-c", HOLD_LOCK, str(gazetteer), str(HOLD_SECONDS)], env)
    if holder.stdout.readline().strip() != "locked":
        return "the lock holder could not lock the gazetteer"
    lookup = start(strikelog("gazetteer", "lookup", USER_PLACES[0]), env)
    problem = failed(finish([holder, lookup]))
    kept = _user_places(gazetteer)
    if set(USER_PLACES) - kept:
        return f"user places lost: {sorted(set(USER_PLACES) - kept)}" + (f" ({problem})" if problem else "")
    return problem


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


SCENARIOS: dict[str, Callable[[Path, dict], Optional[str]]] = {
    "gazetteer": two_gazetteer_builds, "ledger": two_ledger_openings, "ingests": two_ingests,
    "trio": ingest_watch_serve, "held-lock": held_gazetteer_lock,
}


# ---- helpers -----------------------------------------------------------------------------------------------
def _folder(folder: Path, reports: list[Path]) -> Path:
    folder.mkdir(parents=True)
    for path in reports:
        (folder / path.name).write_bytes(path.read_bytes())
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.exists():
            (folder / sidecar.name).write_bytes(sidecar.read_bytes())
    return folder


def _article_count_problem(db: Path, expected: int) -> Optional[str]:
    with sqlite3.connect(db) as con:
        count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return None if count == expected else f"{count} articles in the ledger, {expected} expected"


def _user_places(gazetteer: Path) -> set[str]:
    con = sqlite3.connect(gazetteer)
    try:
        return {name for (name,) in con.execute("SELECT name FROM places WHERE source = 'user'")}
    finally:
        con.close()


def _read_while_running(server: subprocess.Popen, writers: list[subprocess.Popen]) -> int | str:
    """Read the events page until the writers end; the number of reads, or what went wrong."""
    base = _server_address(server)
    if base is None:
        return f"serve did not start: {server.stderr.read().strip().splitlines()[-1:]}"
    reads = 0
    with httpx.Client(timeout=30) as client:
        while any(w.poll() is None for w in writers) or not reads:
            answer = client.get(f"{base}/api/v1/events", params={"page_size": 1000})
            if answer.status_code != 200:
                return f"GET /api/v1/events: {answer.status_code} {answer.text[:200]}"
            reads += 1
    return reads


def _server_address(server: subprocess.Popen) -> Optional[str]:
    """The address uvicorn prints once it listens (port 0: the system chose a free one), or None."""
    found: list[str] = []

    def watch() -> None:
        for line in server.stderr:
            if "running on http://" in line.lower():
                found.append(line.split("running on ", 1)[1].split()[0])
                return

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    reader.join(timeout=120)
    return found[0] if found else None


def _shared_gazetteer(scratch: Path) -> Path:
    path = scratch / "shared-gazetteer.sqlite"
    subprocess.run(strikelog("gazetteer", "lookup", "Jilib"), env={**os.environ, "STRIKELOG_GAZETTEER": str(path)},
                   check=True, capture_output=True)
    return path


def run(names: list[str], rounds: int) -> int:
    failures = 0
    with tempfile.TemporaryDirectory(prefix="strikelog-race-") as base:
        shared = _shared_gazetteer(Path(base))
        for name in names:
            started, bad = time.monotonic(), 0
            for round_ in range(1, rounds + 1):
                scratch = Path(base) / f"{name}-{round_}"
                (scratch / "home").mkdir(parents=True)
                env = {**os.environ, "HOME": str(scratch / "home"), "STRIKELOG_GAZETTEER": str(shared)}
                problem = SCENARIOS[name](scratch, env)
                if problem:
                    bad += 1
                    print(f"{name} round {round_}: FAILED: {problem}", flush=True)
            print(f"{name}: {rounds} rounds, {bad} failed ({time.monotonic() - started:.0f} s)", flush=True)
            failures += bad
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS),
                        help="run only these (repeatable); default: all")
    args = parser.parse_args()
    sys.exit(1 if run(args.scenario or list(SCENARIOS), args.rounds) else 0)


if __name__ == "__main__":
    main()
