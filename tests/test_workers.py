"""Issue 7, one machine: the per-article stages in worker processes give the same output as one
process, and a re-ingest of unchanged articles never loads the language model."""
import dataclasses
import io
import json
import subprocess
import sys

from conftest import FIXTURES

from strikelog import extract_paths, to_contract
from strikelog.api import Ledger, ingest_paths
from strikelog.config import Settings
from strikelog.export import write
from strikelog.run.workers import chunked

INPUTS = [FIXTURES / "reports", FIXTURES / "html", FIXTURES / "web"]


def contract_jsonl(settings: Settings) -> str:
    out = io.StringIO()
    write([to_contract(e) for e in extract_paths(INPUTS, settings).events], "jsonl", out)
    return out.getvalue()


def test_two_workers_give_byte_identical_output_to_one():
    one = contract_jsonl(dataclasses.replace(Settings(), workers=1))
    # chunks of 3 articles: many chunks in flight, finishing out of order across the two workers
    two = contract_jsonl(dataclasses.replace(Settings(), workers=2, chunk_size=3))
    assert one == two
    assert len(one.splitlines()) > 50


def test_chunked_keeps_order_and_the_short_tail():
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []


def test_unchanged_articles_are_skipped_without_loading_the_model(tmp_path):
    db = tmp_path / "ledger.db"
    first = ingest_paths([FIXTURES / "reports"], db, dataclasses.replace(Settings(), workers=2, chunk_size=8))
    assert first.added > 30 and not first.problems
    script = (
        "import json, sys\n"
        "from strikelog.api import ingest_paths\n"
        f"report = ingest_paths([{str(FIXTURES / 'reports')!r}], {str(db)!r})\n"
        "print(json.dumps([report.added, report.updated, report.unchanged, 'spacy' in sys.modules]))\n"
    )
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(again.stdout) == [0, 0, first.added, False]


def test_a_pool_ingest_merging_in_rounds_gives_the_ledger_of_a_single_process(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    single = ingest_paths(INPUTS, one, dataclasses.replace(Settings(), workers=1))
    # in a pool, and merged into the ledger in rounds of about 14 articles instead of once at the end
    rounds = ingest_paths(INPUTS, two, dataclasses.replace(Settings(), workers=2, chunk_size=5, write_batch=7,
                                                            merge_every=14))
    # what the ingest reports as new is what one merge at the end reports, not the rounds' interim events
    assert [c.event_id for c in rounds.changes.new] == [c.event_id for c in single.changes.new]
    assert rounds.changes.new and not rounds.changes.gained_source and not rounds.changes.revised
    with Ledger(one) as a, Ledger(two) as b:
        assert json.dumps(a.events()) == json.dumps(b.events())
