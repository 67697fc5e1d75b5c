"""Fuzzing the whole per-article pipeline (read, clean, parse, extract, time, place, merge) on random
bytes and mutated HTML and text: every input ends as events or as a named problem, never as a crash.

The quick hypothesis tests run with the suite; `test_fuzz_for_a_while` (marker `slow`) mutates real
pages for STRIKELOG_FUZZ_SECONDS seconds (default 120) and is what CI runs with a time bound."""
import json
import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikelog import extract_paths, to_contract

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "html").glob("*.html")) + sorted((FIXTURES / "reports").glob("f0*.txt"))
SUFFIXES = [".html", ".txt", ".jsonl"]
TOKENS = [b"<p>", b"</p>", b"<div>", b"</div>", b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[", b"&#0;",
          b"&amp;", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n\n", b"\t", "\u200b".encode(),
          b'{"id": ', b'"text": "', b"}", b"killed", b" on Monday", b" at least ", b"Updated: ", b"2023-11-22",
          b"rockets", b" in Baghdad", b"\xe2\x80\x9c", b"\xc3\xa9", b"\xf0\x9f\x92\xa5", b"a" * 5000, b". " * 300]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits: cut, duplicate, drop, overwrite, or splice in markup and phrases."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data) + 1)
        kind = rng.randrange(6)
        if kind == 0:
            del data[at:]
        elif kind == 1:
            end = min(len(data), at + rng.randint(1, 2000))
            data[at:at] = data[at:end] * rng.randint(1, 5)
        elif kind == 2:
            del data[at:at + rng.randint(1, 500)]
        elif kind == 3:
            data[at:at + 8] = bytes(rng.randrange(256) for _ in range(8))
        else:
            data[at:at] = rng.choice(TOKENS)
    return bytes(data)


def check_batch(folder: Path, paths: list[Path]) -> None:
    """Extract the files as one batch: each must end as an article read or a problem naming it, and
    every event must serialise under the contract."""
    result = extract_paths(paths)
    for event in result.events:
        json.dumps(to_contract(event))
        assert event.sources
    named = {Path(p.path.split(":", 1)[0]).name for p in result.problems}
    read = {a.id for a in result.articles}
    for path in paths:
        assert path.name in named or path.stem in read or path.suffix == ".jsonl", path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_the_pipeline(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / f"random{suffix}"
    path.write_bytes(data)
    check_batch(folder, [path])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed_file=st.sampled_from(SEEDS), seed=st.integers(0, 2**32))
def test_mutated_pages_never_crash_the_pipeline(tmp_path_factory, seed_file, seed):
    folder = tmp_path_factory.mktemp("mutated")
    path = folder / f"mutated{seed_file.suffix}"
    path.write_bytes(mutate(seed_file.read_bytes(), random.Random(seed)))
    check_batch(folder, [path])


@pytest.mark.slow
def test_fuzz_for_a_while(tmp_path):
    """Batches of 40 mutated pages for a fixed time; a failing batch is narrowed to its file, which is
    kept under STRIKELOG_ARTIFACTS (or the test's temp dir) for the record."""
    budget = float(os.environ.get("STRIKELOG_FUZZ_SECONDS", 120))
    seed = int(os.environ.get("STRIKELOG_FUZZ_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    deadline = time.monotonic() + budget
    tried = 0
    while time.monotonic() < deadline:
        folder = tmp_path / f"batch{tried}"
        folder.mkdir()
        paths = []
        for n in range(40):
            source = rng.choice(SEEDS)
            data = mutate(source.read_bytes(), rng) if rng.random() < 0.9 else rng.randbytes(rng.randint(0, 4000))
            path = folder / f"case{n}{rng.choice(SUFFIXES) if rng.random() < 0.2 else source.suffix}"
            path.write_bytes(data)
            paths.append(path)
        try:
            check_batch(folder, paths)
        except Exception:
            _narrow_down(folder, paths, seed)
            raise
        tried += len(paths)
    print(f"fuzz: {tried} inputs in {budget:.0f} s, seed {seed}, no crash")
    assert tried > 0


def _narrow_down(folder: Path, paths: list[Path], seed: int) -> None:
    keep = Path(os.environ.get("STRIKELOG_ARTIFACTS", folder)) / "fuzz-crashes"
    keep.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            check_batch(folder, [path])
        except Exception as err:  # noqa: BLE001 - recording every kind of failure is the point
            (keep / f"seed{seed}-{path.name}").write_bytes(path.read_bytes())
            print(f"fuzz: {path.name} fails ({err!r}); kept in {keep}")
