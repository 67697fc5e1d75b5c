"""Crash safety: an ingest killed with SIGKILL at random points leaves a sound ledger, and running it
again completes the work with nothing lost and nothing duplicated (docs/reliability.md)."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger_checks import copy_reports, ledger_dump, ledger_faults
from strikelog import ingest_paths

REPORTS = Path(__file__).parent / "fixtures" / "reports"
CORPUS = sorted(p for p in REPORTS.glob("f*.txt"))[:24]


def _revise(folder: Path, rng: random.Random, count: int) -> None:
    """Update some reports as an outlet would: a new top line, a revised figure."""
    for path in rng.sample(sorted(folder.glob("*.txt")), count):
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition("\n")
        path.write_text(f"{head}\n\nThis story has been updated with new figures.\n{rest}", encoding="utf-8")


def _ingest_command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "strikelog", "ingest", str(folder), "--db", str(db), "-q"]


def _kill_at_random(folder: Path, db: Path, rng: random.Random) -> str:
    """Start an ingest, SIGKILL it at a random moment once it has begun writing; say where it died."""
    proc = subprocess.Popen(_ingest_command(folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = db.with_name(db.name + "-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:  # wait for the first write of this run
        if wal.exists() and wal.stat().st_size != start_size:
            break
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 1.2))
    if proc.poll() is not None:
        return "finished before the kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return "killed"


def _crash_and_recover(tmp_path: Path, kills: int, seed: int) -> list[str]:
    """Kill ingests of a folder of reports `kills` times, revising a few reports before each run after
    the first (so each run has work to be killed in), checking the ledger after every kill; then let
    one run finish and compare with a clean ingest of the final files."""
    rng = random.Random(seed)
    folder = copy_reports(CORPUS, tmp_path / "reports")
    db = tmp_path / "crashed.db"
    outcomes = []
    for trial in range(kills):
        if trial:
            _revise(folder, rng, rng.randint(3, 8))
        outcomes.append(_kill_at_random(folder, db, rng))
        assert ledger_faults(db) == [], f"seed {seed}, trial {trial}"
    subprocess.run(_ingest_command(folder, db), check=True, capture_output=True)
    reference = tmp_path / "reference.db"
    ingest_paths([folder], reference)
    assert ledger_faults(db) == []
    got, want = ledger_dump(db), ledger_dump(reference)
    assert got["pending"] == 0
    assert got == want, f"seed {seed}"
    return outcomes


def test_killed_ingests_resume_without_loss_or_duplication(tmp_path):
    outcomes = _crash_and_recover(tmp_path, kills=4, seed=int(os.environ.get("STRIKELOG_CRASH_SEED", 1)))
    assert "killed" in outcomes


@pytest.mark.slow
def test_many_random_kills(tmp_path):
    seed = random.randrange(10**6)
    outcomes = _crash_and_recover(tmp_path, kills=20, seed=seed)
    print(f"crash points: {len(outcomes)}, killed: {outcomes.count('killed')}, seed {seed}")
    assert outcomes.count("killed") >= len(outcomes) // 2
