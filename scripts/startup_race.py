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
import time
from pathlib import Path
from typing import Callable, Optional

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from feedserver import FeedSite  # noqa: E402
from processes import OPEN_LEDGER_AT_ONCE, Server, at_once, first_failure, results  # noqa: E402

REPORTS = sorted((ROOT / "tests" / "fixtures" / "reports").glob("f*.txt"))
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
USER_PLACES = ("Camp Startup Race", "Forward Base Lockwait", "Outpost Concurrency")
HOLD_SECONDS = 12  # longer than the 5 s of sqlite3.connect's default timeout, twice (issue 17, point 2)


def two_gazetteer_builds(scratch: Path, env: dict) -> Optional[str]:
    env = {k: v for k, v in env.items() if k not in ("STRIKELOG_GAZETTEER", "XDG_CACHE_HOME")}
    done = results(at_once([["gazetteer", "lookup", "Jilib"]] * 2, env))
    problem = first_failure(done)
    if problem:
        return problem
    if not all("Jilib" in out for _, out, _ in done):
        return "a lookup did not find Jilib"
    folder = scratch / "home" / ".cache" / "strikelog"
    strays = sorted(p.name for p in folder.iterdir() if p.name != "gazetteer.sqlite" and not p.name.endswith(".lock"))
    return f"left behind: {strays}" if strays else None


def two_ledger_openings(scratch: Path, env: dict) -> Optional[str]:
    return first_failure(results(at_once([[str(scratch / "ledger.db")]] * 2, env, OPEN_LEDGER_AT_ONCE)))


def two_ingests(scratch: Path, env: dict) -> Optional[str]:
    db = scratch / "ledger.db"
    halves = [_folder(scratch / f"half{i}", REPORTS[i:12:2]) for i in range(2)]
    problem = first_failure(results(at_once([["ingest", str(f), "--db", str(db), "-q"] for f in halves], env)))
    return problem or _article_count_problem(db, 6 + 6)


def ingest_watch_serve(scratch: Path, env: dict) -> Optional[str]:
    """The server is started with the others (by systemd, say); it is read as soon as it listens."""
    db = scratch / "ledger.db"
    reports = _folder(scratch / "reports", REPORTS[:6])
    with FeedSite(FEEDS) as site:
        writers = at_once([["ingest", str(reports), "--db", str(db), "-q"],
                           ["watch", "--once", "--delay", "0", "--db", str(db), site.url("/updates_v2.rss")]], env)
        try:
            with Server(db, "--token", "race", env=env) as server:
                reads = _read_while_running(server.base, writers)
        except RuntimeError as err:
            reads = str(err)
        problem = first_failure(results(writers))
    if problem or isinstance(reads, str):
        return problem or reads
    return _article_count_problem(db, 6 + 1)  # the feed's other item (kramatorsk.html) is a 404 here


def held_gazetteer_lock(scratch: Path, env: dict) -> Optional[str]:
    """The gazetteer (a copy of the shared one, with the user's places added) write-locked for a few
    seconds by another process while a lookup starts; afterwards every user place must be there."""
    gazetteer = scratch / "gazetteer.sqlite"
    gazetteer.write_bytes(Path(env["STRIKELOG_GAZETTEER"]).read_bytes())
    env = {**env, "STRIKELOG_GAZETTEER": str(gazetteer)}
    places = scratch / "places.csv"
    places.write_text("name,aliases,kind,country,admin1,lat,lon,geo_precision,note\n" + "".join(
        f"{name},,base,IQ,Anbar,33.{i},42.{i},1,\n" for i, name in enumerate(USER_PLACES)), encoding="utf-8")
    added = subprocess.run([sys.executable, "-m", "strikelog", "gazetteer", "add", str(places)], env=env,
                           capture_output=True, text=True)
    if added.returncode:
        return f"gazetteer add: {added.stderr.strip()[-300:]}"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(gazetteer), str(HOLD_SECONDS)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if holder.stdout.readline().strip() != "locked":
        return "the lock holder could not lock the gazetteer"
    lookup = subprocess.Popen([sys.executable, "-m", "strikelog", "gazetteer", "lookup", USER_PLACES[0]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    problem = first_failure(results([holder, lookup]))
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


def _read_while_running(base: str, writers: list[subprocess.Popen]) -> int | str:
    """Read the events page until the writers end; the number of reads, or what went wrong."""
    reads = 0
    with httpx.Client(timeout=30) as client:
        while any(w.poll() is None for w in writers) or not reads:
            try:
                answer = client.get(f"{base}/api/v1/events", params={"page_size": 1000})
            except httpx.HTTPError as err:
                return f"GET /api/v1/events: {type(err).__name__}: {err}"
            if answer.status_code != 200:
                return f"GET /api/v1/events: {answer.status_code} {answer.text[:200]}"
            reads += 1
    return reads


def _shared_gazetteer(scratch: Path) -> Path:
    path = scratch / "shared-gazetteer.sqlite"
    subprocess.run([sys.executable, "-m", "strikelog", "gazetteer", "lookup", "Jilib"],
                   env={**os.environ, "STRIKELOG_GAZETTEER": str(path)}, check=True, capture_output=True)
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
