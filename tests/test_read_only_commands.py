"""The commands that only read the ledger (export, events, show, timeline, facts) do not load the reader
(spaCy's pipeline, the extractors, the cleaner) or the fetcher (httpx): each runs here in a fresh
interpreter, as `strikelog ...` does, which then lists the modules it has loaded."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"

# What reading the ledger must not load: the reader's libraries and modules, the fetcher's, the watcher.
NOT_FOR_READING = ("spacy", "thinc", "trafilatura", "httpx", "strikelog.extract", "strikelog.run.pipeline",
                   "strikelog.nlp", "strikelog.run.workers", "strikelog.text", "strikelog.resolve.time",
                   "strikelog.sources.http", "strikelog.sources.feeds", "strikelog.run.watch")

RUN = """
import json, sys
from strikelog.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="strikelog")
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run(*args) -> tuple[int, set[str], str]:
    """`strikelog ARGS` in a new interpreter: its exit code, the modules loaded by the end, its stdout."""
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, args)], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


def loaded(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_FOR_READING))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """A ledger made by `strikelog ingest`, which does load the reader (so the check can see it)."""
    db = tmp_path_factory.mktemp("read-only") / "ledger.db"
    code, modules, _ = run("ingest", EXAMPLES, "--db", db, "-q", "--workers", "1")
    assert code == 0
    assert {"strikelog.run.pipeline", "strikelog.extract", "httpx"} <= set(loaded(modules))
    return db


@pytest.mark.parametrize("command", [
    ["export", "--format", "csv"], ["export", "--format", "acled"], ["export", "--format", "jsonl", "--all"],
    ["export", "--format", "geojson", "--country", "IQ"], ["events"], ["events", "--format", "json"],
    ["timeline"], ["facts"],
])
def test_reading_the_ledger_loads_neither_the_reader_nor_the_fetcher(ledger, command):
    code, modules, out = run(*command, "--db", ledger)
    assert code == 0 and out
    assert loaded(modules) == [], command


def test_show_loads_neither_the_reader_nor_the_fetcher(ledger):
    code, _, out = run("events", "--format", "json", "--db", ledger)
    event_id = json.loads(out)[0]["event_id"]
    code, modules, out = run("show", event_id, "--db", ledger)
    assert code == 0 and event_id in out
    assert loaded(modules) == []


def test_the_library_still_gives_the_reader_when_asked(tmp_path):
    """The names the package and strikelog.api export load what they need on first use."""
    check = ("import sys, strikelog, strikelog.api as api\n"
             "assert 'strikelog.run.pipeline' not in sys.modules and 'strikelog.run.watch' not in sys.modules\n"
             "assert callable(api.analyse) and api.ArticleResult.__name__ == 'ArticleResult'\n"
             "assert strikelog.FeedWatcher.__name__ == 'FeedWatcher' and callable(strikelog.poll_feeds)\n"
             "from strikelog import PollReport\n"
             "assert 'strikelog.run.pipeline' in sys.modules\n")
    subprocess.run([sys.executable, "-c", check], check=True, timeout=120)
