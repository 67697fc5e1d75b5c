"""The CLI as a user meets it: filter values checked by the API's rules (exit 2, the API's sentence),
ingest of nothing creating nothing, progress that suits a log, `events` formats and limits, `show`
naming sources by outlet, `timeline --type`."""
import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from strikelog import export, terminal
from strikelog.cli import cli

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from strikelog.web import create_app

EXAMPLES = Path(__file__).parent.parent / "examples"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "ledger.db"
    assert invoke("ingest", EXAMPLES, "--db", db, "-q").exit_code == 0
    return db


BAD = [  # (CLI arguments, the same value as an API query, the parameter named)
    (["events", "--since", "2024-13-01"], {"since": "2024-13-01"}, "since"),
    (["events", "--since", "yesterday"], {"since": "yesterday"}, "since"),
    (["events", "--country", "Iraq"], {"country": "Iraq"}, "country"),
    (["events", "--since", "2024-03-01", "--until", "2024-02-01"], {"since": "2024-03-01", "until": "2024-02-01"}, "until"),
    (["events", "--type", "Nonsense"], {"type": "Nonsense"}, "type"),
    (["timeline", "--since", "2024-02-30"], {"since": "2024-02-30"}, "since"),
    (["export", "--until", "2024-1-5"], {"until": "2024-1-5"}, "until"),
]


@pytest.mark.parametrize("args,query,parameter", BAD)
def test_bad_filter_values_exit_2_with_the_apis_message(ledger, args, query, parameter):
    result = invoke(*args, "--db", ledger)
    assert result.exit_code == 2 and result.stdout == ""
    api = TestClient(create_app(ledger)).get("/api/v1/events", params=query)
    assert api.status_code == 400 and api.json()["parameter"] == parameter
    assert f"Error: {api.json()['error']}" in result.stderr


def test_a_country_name_is_refused_with_its_code(ledger):
    assert "(Iraq is IQ)" in invoke("events", "--country", "Iraq", "--db", ledger).stderr


def test_types_are_matched_in_any_case(ledger):
    lower = invoke("events", "--type", "air/drone strike", "--db", ledger, "--format", "json")
    exact = invoke("events", "--type", "Air/drone strike", "--db", ledger, "--format", "json")
    assert lower.exit_code == 0 and json.loads(lower.stdout) == json.loads(exact.stdout) != []


def test_ingest_of_a_missing_path_creates_no_ledger(tmp_path):
    db = tmp_path / "ledger.db"
    result = invoke("ingest", tmp_path / "no-such-folder", "--db", db)
    assert result.exit_code == 1 and "no such file or folder" in result.stderr
    assert not db.exists()


def test_progress_off_a_terminal_is_plain_lines_with_the_total(tmp_path):
    result = invoke("ingest", FIXTURES / "reports" / "f16_africom_strike_jilib.txt",
                    FIXTURES / "reports" / "f09_kharkiv_missile_wire.txt", "--db", tmp_path / "l.db")
    assert result.exit_code == 0
    assert "\r" not in result.stderr
    assert "strikelog: ingesting 2/2 articles (100%)" in result.stderr


def test_progress_counts_the_lines_of_a_jsonl_file(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"id": f"a{i}", "text": "Nothing happened.\n\nA quiet day."}) + "\n"
                             for i in range(3)), encoding="utf-8")
    from strikelog.api import count_articles

    assert count_articles([batch, FIXTURES / "reports"]) == 3 + len(list((FIXTURES / "reports").glob("*.txt")))


def test_progress_on_a_terminal_is_a_bar_with_a_total():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = terminal.Progress("ingesting", total=4, stream=stream)
    progress(4)
    progress.close()
    assert "0/4" in stream.getvalue() and "%|" in stream.getvalue()  # a bar with its total, tqdm on a terminal


def test_events_limit_and_formats(ledger):
    everything = json.loads(invoke("events", "--db", ledger, "--format", "json").stdout)
    limited = invoke("events", "--db", ledger, "--format", "json", "--limit", "2")
    assert json.loads(limited.stdout) == everything[:2]
    assert f"showing 2 of {len(everything)} matching events" in limited.stderr
    rows = list(csv.DictReader(io.StringIO(invoke("events", "--db", ledger, "--format", "csv", "--limit", "3").stdout)))
    assert list(rows[0]) == export.CSV_COLUMNS and [r["event_id"] for r in rows] == [e["event_id"] for e in everything[:3]]


def test_events_table_cuts_with_an_ellipsis_and_right_aligns_numbers(ledger):
    result = invoke("events", "--db", ledger)
    lines = result.stdout.splitlines()
    assert "Shelling/artillery/missile …" in result.stdout and "Shelling/artillery/missile a " not in result.stdout
    header = lines[0]
    killed_end = header.index("killed") + len("killed")
    kharkiv = next(line for line in lines if "Civilians" in line)
    assert kharkiv[killed_end - 1] == "5" and kharkiv[killed_end - 2] == " "  # right-aligned under the header (the local report's later toll)
    assert result.stderr.strip().endswith("events match")


def test_one_event_matches_in_the_singular(ledger):
    result = invoke("events", "--db", ledger, "--country", "SO")
    assert result.stderr.strip() == "1 event matches"


def test_show_names_sources_by_outlet_headline_and_url(ledger):
    event_id = next(e["event_id"] for e in json.loads(invoke("events", "--db", ledger, "--format", "json").stdout)
                    if e["location"]["name"] == "Jilib")
    shown = invoke("show", event_id, "--db", ledger).stdout
    assert "Horn Observer, 2024-02-19: US airstrike kills three al-Shabaab fighters near Jilib" in shown
    assert "https://example.org/horn-observer/somalia/africom-airstrike-jilib" in shown


def test_timeline_takes_a_type(ledger):
    chains = json.loads(invoke("timeline", "--db", ledger, "--type", "Remote explosive/landmine/IED",
                               "--format", "json").stdout)
    assert chains and all(any(e["sub_event_type"] == "Remote explosive/landmine/IED" for e in c["events"])
                          for c in chains)
    everything = json.loads(invoke("timeline", "--db", ledger, "--format", "json").stdout)
    assert len(chains) < len(everything)


def test_counts_in_words():
    assert terminal.count(1, "event", "match") == "1 event matches"
    assert terminal.count(3, "event", "match") == "3 events match"
    assert terminal.cut("Shelling/artillery/missile attack", 28) == "Shelling/artillery/missile …"
