"""Determinism: the same input gives byte-identical `extract` output across runs, whatever Python's
hash seed (set and dict order of strings) and whatever order the files are named in."""
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
INPUTS = [FIXTURES / "reports", FIXTURES / "html"]


def _extract(paths: list[Path], hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    run = subprocess.run([sys.executable, "-m", "strikelog", "extract", *map(str, paths), "--format", "jsonl", "-q"],
                         capture_output=True, env=env, check=True)
    return run.stdout


def test_extract_is_byte_identical_across_runs_and_hash_seeds():
    first = _extract(INPUTS, "1")
    assert first.count(b"\n") > 50
    assert _extract(INPUTS, "4242") == first
    assert _extract(list(reversed(INPUTS)), "77") == first
