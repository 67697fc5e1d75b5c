"""Web API benchmark: list-events requests per second and latency on a 10^5-event ledger, over loopback.

Builds a ledger of synthetic events (contract objects spread over 30 countries, 2020-2026, with
coordinates, claims and evidence) through Store.replace_component, starts the app under uvicorn (one
worker, no access log) in a subprocess, and drives it with wrk (Debian package `wrk`; a Python
asyncio client when wrk is missing) on a filtered page of 100 events: country + date range, newest
first, rotating over countries and years. Baselines measured in the same run: the same queries done
in-process on the Store (the floor the HTTP layer adds to) and GET /healthz (the server's own floor).

Usage: python bench/web.py [--events 100000] [--seconds 10] [--connections 1,16] [--db PATH (kept, reused)]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from strikelog.ledger import EventFilters, open_ledger

# (ISO code, admin1 names, centre lat, centre lon, spread in degrees)
COUNTRIES = [
    ("UA", ["Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Odesa"], 48.5, 35.0, 3.0),
    ("RU", ["Belgorod", "Kursk", "Krasnodar"], 51.0, 37.0, 3.0), ("SY", ["Idlib", "Aleppo", "Deir ez-Zor"], 35.5, 38.5, 2.0),
    ("IQ", ["Anbar", "Nineveh", "Baghdad"], 33.5, 43.0, 2.5), ("YE", ["Sanaa", "Hudaydah", "Marib"], 15.5, 44.5, 2.0),
    ("SO", ["Banaadir", "Lower Shabelle", "Middle Juba"], 3.0, 45.0, 2.5), ("ML", ["Mopti", "Gao", "Timbuktu"], 15.0, -2.0, 3.0),
    ("BF", ["Sahel", "Nord", "Est"], 13.0, -1.0, 2.0), ("NG", ["Borno", "Yobe", "Zamfara"], 11.5, 12.5, 2.5),
    ("SD", ["Khartoum", "North Darfur", "Gezira"], 14.0, 30.0, 4.0), ("CD", ["North Kivu", "Ituri"], 0.5, 29.0, 1.5),
    ("MM", ["Sagaing", "Rakhine", "Shan"], 21.0, 96.0, 3.0), ("AF", ["Helmand", "Kandahar", "Nangarhar"], 33.0, 66.0, 3.0),
    ("PK", ["Balochistan", "Khyber Pakhtunkhwa"], 30.0, 68.0, 3.0), ("IL", ["Northern District", "Southern District"], 32.0, 35.0, 0.8),
    ("LB", ["South Governorate", "Nabatieh"], 33.3, 35.5, 0.4), ("PS", ["Gaza"], 31.4, 34.4, 0.2),
    ("ET", ["Amhara", "Oromia", "Tigray"], 10.0, 39.0, 3.0), ("LY", ["Tripoli", "Misrata"], 31.0, 15.0, 3.0),
    ("MZ", ["Cabo Delgado"], -12.0, 40.0, 1.0), ("CM", ["Far North", "Northwest"], 8.0, 12.0, 3.0),
    ("NE", ["Tillaberi", "Diffa"], 15.0, 5.0, 3.0), ("CO", ["Cauca", "Antioquia"], 4.0, -75.0, 2.0),
    ("MX", ["Guerrero", "Michoacan"], 19.0, -100.0, 2.0), ("IN", ["Manipur", "Jammu and Kashmir"], 25.0, 85.0, 5.0),
    ("PH", ["Mindanao", "Sulu"], 7.5, 124.0, 2.0), ("TR", ["Hakkari", "Sirnak"], 37.5, 43.0, 1.0),
    ("IR", ["Sistan and Baluchestan", "Kurdistan"], 30.0, 58.0, 4.0), ("HT", ["Ouest", "Artibonite"], 18.8, -72.5, 0.5),
    ("CF", ["Ouaka", "Haute-Kotto"], 6.5, 21.0, 2.0),
]
TYPES = [  # (event type, sub-event type, weight)
    ("Explosions/Remote violence", "Air/drone strike", 30), ("Explosions/Remote violence", "Shelling/artillery/missile attack", 25),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 8), ("Battles", "Armed clash", 20),
    ("Violence against civilians", "Attack", 12), ("Strategic developments", "Looting/property destruction", 3),
    ("Riots", "Mob violence", 2),
]
ACTORS = ["Russian military", "Ukrainian military", "US military", "Houthis", "al-Shabaab", "JNIM", "ISWAP", "RSF",
          "Sudanese Armed Forces", "M23", "Tatmadaw", "Hezbollah", "Israeli military", "TTP", "Kata'ib Hezbollah",
          "Civilians", "unidentified armed group", None]
WEAPONS = ["drone", "Shahed-136", "Iskander-M", "Katyusha rocket", "IED", "artillery", "JDAM", "Grad rocket", "mortar"]
SOURCES = ["official", "independent_media", "affiliated_media", "witness", "anonymous_official"]
START, DAYS = date(2020, 1, 1), (date(2026, 6, 30) - date(2020, 1, 1)).days


def synthetic_events(n: int, seed: int = 11) -> list[dict]:
    """`n` contract objects spread over COUNTRIES, TYPES and 2020-2026; some respond to earlier ones."""
    rng = random.Random(seed)
    types = [t for t in TYPES for _ in range(t[2])]
    out = []
    for i in range(n):
        country, admin1s, lat, lon, spread = rng.choice(COUNTRIES)
        event_type, sub_event_type, _ = rng.choice(types)
        day = (START + timedelta(days=rng.randrange(DAYS))).isoformat()
        killed = int(rng.expovariate(0.25)) if rng.random() < 0.8 else None
        actor1, actor2 = rng.choice(ACTORS), rng.choice(ACTORS)
        place = f"Place {i % 5000}"
        articles = [f"art-{rng.randrange(n // 2)}" for _ in range(rng.randint(1, 3))]
        sentence = (f"{actor1 or 'Unknown attackers'} carried out an {sub_event_type.lower()} near {place} in "
                    f"{rng.choice(admin1s)} on {day}, killing {killed if killed is not None else 'an unknown number of'} people.")
        out.append({
            "event_id": f"ev-{i:012x}", "status": "reported" if rng.random() < 0.9 else "background",
            "event_type": event_type, "sub_event_type": sub_event_type,
            "date_start": day, "date_end": day, "date_precision": "day", "actor1": actor1, "actor2": actor2,
            "location": {"name": place, "country": country, "admin1": rng.choice(admin1s),
                         "lat": round(lat + rng.uniform(-spread, spread), 5), "lon": round(lon + rng.uniform(-spread, spread), 5),
                         "geo_precision": rng.choice([1, 1, 1, 2, 3])},
            "weapons": rng.sample(WEAPONS, rng.randint(0, 2)),
            "fatalities": {"best": killed, "low": killed, "high": killed},
            "wounded": {"best": None, "low": None, "high": None},
            "claims": [{"field": "fatalities", "value": killed, "by": "the ministry", "source_kind": rng.choice(SOURCES),
                        "status": "claimed", "article": articles[0], "sentence": sentence}] if killed is not None else [],
            "responds_to": [f"ev-{rng.randrange(i):012x}"] if i and rng.random() < 0.05 else [],
            "sources": sorted(set(articles)),
            "evidence": [{"article": a, "sentence": sentence} for a in sorted(set(articles))],
        })
    return out


def build_ledger(path: Path, n: int) -> float:
    start = time.perf_counter()
    with open_ledger(path) as store:
        store.replace_component(set(), [(obj, [], []) for obj in synthetic_events(n)])
    return time.perf_counter() - start


def page_queries(seed: int = 3, count: int = 60) -> list[dict]:
    """Filtered pages of 100: one country, a two-year window, newest first."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        year = rng.randrange(2020, 2025)
        out.append({"country": rng.choice(COUNTRIES)[0], "since": f"{year}-01-01", "until": f"{year + 1}-12-31",
                    "sort": "-date", "page_size": 100})
    return out


def in_process_ms(db: Path, queries: list[dict], rounds: int = 5) -> list[float]:
    """The same pages straight from the Store, as the API asks for them (no HTTP): per-query milliseconds."""
    times = []
    with open_ledger(db) as store:
        for _ in range(rounds):
            for q in queries:
                filters = EventFilters(country=q["country"], since=q["since"], until=q["until"], status="reported")
                start = time.perf_counter()
                store.search_events_json(filters, q["sort"], 1, q["page_size"])
                times.append((time.perf_counter() - start) * 1000)
    return times


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn; from strikelog.web import create_app; "
            f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning', access_log=False)")
    server = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """Requests/s and latency percentiles from wrk, rotating over `paths` with a Lua script."""
    lua = "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\ni = 0\n" \
          "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    threads = min(connections, 4)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base],
                         capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0}


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def python_load(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """The same measurement without wrk: `connections` asyncio clients (httpx) for `seconds`."""
    import httpx

    async def run() -> tuple[list[float], int]:
        latencies, errors = [], 0
        stop = time.perf_counter() + seconds
        async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=connections)) as client:
            async def worker(offset: int) -> None:
                nonlocal errors
                i = offset
                while time.perf_counter() < stop:
                    start = time.perf_counter()
                    response = await client.get(paths[i % len(paths)])
                    latencies.append((time.perf_counter() - start) * 1000)
                    errors += response.status_code != 200
                    i += 1
            await asyncio.gather(*(worker(k) for k in range(connections)))
        return latencies, errors

    latencies, errors = asyncio.run(run())
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / seconds, "p50": cuts[49], "p99": cuts[98], "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="1,16", help="comma-separated client concurrency levels")
    parser.add_argument("--db", type=Path, help="ledger to build (or reuse if it exists); default a temporary file")
    args = parser.parse_args()
    tmp = None if args.db else Path(tempfile.mkdtemp(prefix="strikelog-bench-"))
    db = args.db or tmp / "bench.db"
    if db.exists():
        print(f"ledger: reusing {db}")
    else:
        print(f"ledger: {args.events} synthetic events built in {build_ledger(db, args.events):.1f} s ({db})")
    queries = page_queries()
    paths = ["/api/v1/events?" + urlencode(q) for q in queries]
    local = in_process_ms(db, queries)
    load = wrk if shutil.which("wrk") else python_load
    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        load(base, paths[:5], 2, 4)  # warm up
        print(f"load tool: {'wrk' if load is wrk else 'python asyncio + httpx (wrk not found)'}; "
              "server: uvicorn, 1 worker, no access log; query: country + two-year window, newest first, page of 100")
        print(f"in-process Store.search_events_json (baseline): p50 {statistics.median(local):.2f} ms, "
              f"p99 {statistics.quantiles(local, n=100)[98]:.2f} ms")
        for connections in (int(c) for c in args.connections.split(",")):
            page = load(base, paths, args.seconds, connections)
            health = load(base, ["/healthz"], args.seconds, connections)
            print(f"{connections:>3} connections: list-events {page['rps']:.0f} req/s, p50 {page['p50']:.1f} ms, "
                  f"p99 {page['p99']:.1f} ms, {page['errors']} errors | /healthz {health['rps']:.0f} req/s "
                  f"| list-events p50 = {page['p50'] / statistics.median(local):.1f} x in-process, "
                  f"{page['rps'] / health['rps']:.2f} x /healthz throughput")
    finally:
        server.terminate()
        server.wait(10)
        if tmp:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
