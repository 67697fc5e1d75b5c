"""Concurrent use of one ledger: two ingests serialize on the write lock and give what one ingest of
both would; the web app reads consistent snapshots while an ingest writes (docs/reliability.md)."""
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ledger_checks import copy_reports, ledger_dump, ledger_faults
from strikelog import ingest_paths
from strikelog.store import Store

REPORTS = Path(__file__).parent / "fixtures" / "reports"
CORPUS = sorted(REPORTS.glob("f*.txt"))[:24]


def _folder(tmp_path: Path, name: str, paths: list[Path]) -> Path:
    return copy_reports(paths, tmp_path / name)


def _ingest(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "strikelog", "ingest", str(folder), "--db", str(db), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_ingests_on_one_ledger_serialize(tmp_path):
    first = _folder(tmp_path, "first", CORPUS[0::2])
    second = _folder(tmp_path, "second", CORPUS[1::2])
    db = tmp_path / "shared.db"
    runs = [_ingest(first, db), _ingest(second, db)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    reference = tmp_path / "reference.db"
    ingest_paths([first, second], reference)
    assert ledger_faults(db) == []
    assert ledger_dump(db) == ledger_dump(reference)


def test_a_writer_kept_waiting_too_long_fails_cleanly(tmp_path):
    db = tmp_path / "ledger.db"
    holder = Store(db)
    waiter = Store(db, busy_timeout=0.2)
    with holder.transaction():
        with pytest.raises(Exception) as caught:
            with waiter.transaction():
                pass
    assert "the ledger is busy" in str(caught.value) and str(db) in str(caught.value)
    with waiter.transaction():  # the lock is free again
        pass
    holder.close()
    waiter.close()
    assert ledger_faults(db) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`strikelog serve` on a loopback port over a ledger holding one report."""
    db = tmp_path / "served.db"
    ingest_paths([CORPUS[0]], db)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "strikelog", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/meta", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    yield db, base
    proc.terminate()
    proc.wait(timeout=30)


def test_the_web_app_reads_consistent_snapshots_while_an_ingest_writes(tmp_path, server):
    db, base = server
    rest = _folder(tmp_path, "rest", CORPUS[1:])
    writer = _ingest(rest, db)
    reads = 0
    with httpx.Client(timeout=30) as client:
        while writer.poll() is None or reads < 5:
            page = client.get(f"{base}/events", params={"page_size": 1000, "detail": "full"})
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["total"] == len(body["events"])  # count and rows from one snapshot
            assert all(event["sources"] for event in body["events"])
            if body["events"]:
                one = client.get(f"{base}/events/{body['events'][-1]['event_id']}")
                assert one.status_code in (200, 404), one.text  # gone if a later write merged it
            exported = client.get(f"{base}/events.jsonl")
            assert exported.status_code == 200
            reads += 1
    assert writer.returncode == 0, writer.stderr.read()
    final = httpx.get(f"{base}/events", params={"page_size": 1000}).json()
    reported = [e for e in map(json.loads, ledger_dump(db)["events"]) if e["status"] == "reported"]
    assert final["total"] == len(reported)  # the page shows reported events, not background ones
    assert ledger_faults(db) == []
    assert reads >= 5


@pytest.mark.slow
def test_rounds_of_four_ingests_at_once(tmp_path):
    """Three rounds of four ingests started together on one ledger, each round over a new quarter-split
    of the reports; the ledger always equals one ingest of everything so far."""
    db = tmp_path / "shared.db"
    reference = tmp_path / "reference.db"
    for round_ in range(3):
        corpus = CORPUS[round_::3]
        folders = [_folder(tmp_path, f"r{round_}q{q}", corpus[q::4]) for q in range(4)]
        runs = [_ingest(folder, db) for folder in folders]
        outputs = [run.communicate(timeout=600) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
        ingest_paths(folders, reference)
        assert ledger_faults(db) == []
        assert ledger_dump(db) == ledger_dump(reference)
