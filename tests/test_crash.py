"""Crash safety: an ingest killed with SIGKILL at random points leaves a sound ledger, and running it
again completes the work with nothing lost and nothing duplicated (docs/reliability.md)."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from ledger_checks import copy_reports, ledger_dump, ledger_faults
from strikelog import ingest_paths

REPORTS = Path(__file__).parent / "fixtures" / "reports"
CORPUS = sorted(p for p in REPORTS.glob("f*.txt"))[:24]  # one chunk: analysed in the ingest's own process
WHOLE_CORPUS = sorted(REPORTS.glob("f*.txt"))  # several chunks: analysed by a pool of worker processes


def _revise(folder: Path, rng: random.Random, count: int) -> None:
    """Update some reports as an outlet would: a new top line, a revised figure."""
    for path in rng.sample(sorted(folder.glob("*.txt")), count):
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition("\n")
        path.write_text(f"{head}\n\nThis story has been updated with new figures.\n{rest}", encoding="utf-8")


def _ingest_command(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "strikelog", "ingest", str(folder), "--db", str(db), "-q"]


def _kill(folder: Path, db: Path, moment: Callable[[subprocess.Popen], None]) -> str:
    """Start an ingest and SIGKILL it at `moment` (which returns when the time has come); say whether
    it was killed or had finished first. Its worker processes (if it started a pool) must not outlive it."""
    mark = f"{os.getpid()}-{time.monotonic_ns()}"
    proc = subprocess.Popen(_ingest_command(folder, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "STRIKELOG_CRASH_TEST_MARK": mark})
    moment(proc)
    if proc.poll() is not None:
        return "finished before the kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _assert_no_survivors(mark)
    return "killed"


def _after(seconds: float) -> Callable[[subprocess.Popen], None]:
    """A random moment: `seconds` after the start, or the end of the run if that comes first."""
    def wait(proc: subprocess.Popen) -> None:
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
    return wait


def _once_created(db: Path) -> Callable[[subprocess.Popen], None]:
    """The moment the ingest creates the ledger's file: it is setting the ledger up, with all its
    work (reading, the language model, saving, merging) still ahead, so the kill always lands."""
    def wait(proc: subprocess.Popen) -> None:
        while not db.exists() and proc.poll() is None:
            time.sleep(0.001)
    return wait


def _lifetime(folder: Path, scratch: Path) -> float:
    """How long a whole ingest of `folder` takes here, start-up included."""
    started = time.monotonic()
    subprocess.run(_ingest_command(folder, scratch), check=True, capture_output=True)
    return time.monotonic() - started


def _assert_no_survivors(mark: str, grace: float = 10.0) -> None:
    """No process carrying this run's mark in its environment is left after `grace` seconds."""
    deadline = time.monotonic() + grace
    while (left := _processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"worker processes outlived the killed ingest: {left}"


def _processes_marked(mark: str) -> list[int]:
    needle = f"STRIKELOG_CRASH_TEST_MARK={mark}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _crash_and_recover(tmp_path: Path, kills: int, seed: int, corpus: list[Path] = CORPUS) -> list[str]:
    """Kill ingests of a folder of reports `kills` times (the first as it creates the ledger, the others
    at moments drawn from `seed`; a run may finish before its moment), revising a few reports before
    each run after the first (so each run has work to be killed in), checking the ledger after every
    kill; then let one run finish and compare with a clean ingest of the final files."""
    rng = random.Random(seed)
    folder = copy_reports(corpus, tmp_path / "reports")
    db = tmp_path / "crashed.db"
    lifetime = _lifetime(folder, tmp_path / "timing.db")
    outcomes = []
    for trial in range(kills):
        if trial:  # a few reports; more than a chunk's worth when the pool is under test
            _revise(folder, rng, rng.randint(3, 8) if len(corpus) <= 32 else rng.randint(34, len(corpus)))
        moment = _after(rng.uniform(0.2, lifetime)) if trial else _once_created(db)
        outcomes.append(_kill(folder, db, moment))
        assert ledger_faults(db) == [], f"seed {seed}, trial {trial}"
    subprocess.run(_ingest_command(folder, db), check=True, capture_output=True)
    reference = tmp_path / "reference.db"
    ingest_paths([folder], reference)
    assert ledger_faults(db) == []
    got, want = ledger_dump(db), ledger_dump(reference)
    assert got["pending"] == 0
    assert got == want, f"seed {seed}"
    return outcomes


SEED = int(os.environ.get("STRIKELOG_CRASH_SEED", 1))  # another seed, other kill moments and revisions


def test_killed_ingests_resume_without_loss_or_duplication(tmp_path):
    outcomes = _crash_and_recover(tmp_path, kills=4, seed=SEED)
    assert outcomes[0] == "killed"


@pytest.mark.slow
def test_many_random_kills(tmp_path):
    outcomes = _crash_and_recover(tmp_path, kills=20, seed=SEED, corpus=WHOLE_CORPUS)
    print(f"crash points: {len(outcomes)}, killed: {outcomes.count('killed')}, seed {SEED}")
    assert outcomes[0] == "killed"
