import csv
import io
import json

from click.testing import CliRunner

from conftest import FIXTURES
from strikelog.cli import cli

CONTRACT_KEYS = {"event_id", "status", "event_type", "sub_event_type", "date_start", "date_end", "date_precision",
                 "actor1", "actor2", "location", "weapons", "fatalities", "wounded", "claims", "responds_to",
                 "sources", "evidence"}
REPORT = """Drone strike hits militant camp near Jilib

MOGADISHU (Wire) - A US military drone strike on Sunday killed four al-Shabaab fighters near Jilib in southern Somalia, US Africa Command said in a statement.

No civilians were hurt, the command said.
"""


def invoke(*args):
    result = CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)
    return result


def test_extract_emits_contract_lines(tmp_path):
    (tmp_path / "jilib.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "jilib.meta.json").write_text('{"published": "2024-03-12T09:00"}', encoding="utf-8")
    result = invoke("extract", tmp_path, "--format", "jsonl", "-q")
    assert result.exit_code == 0
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert lines and all(CONTRACT_KEYS <= set(obj) for obj in lines)
    strike = next(o for o in lines if o["status"] == "reported")
    assert strike["sub_event_type"] == "Air/drone strike"
    assert strike["date_start"] == "2024-03-10" and strike["date_precision"] == "day"
    assert strike["fatalities"]["best"] == 4
    assert strike["sources"] == ["jilib"]


def test_extract_names_bad_files_and_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    result = invoke("extract", tmp_path, "-q")
    assert result.exit_code == 0
    assert "bad.txt" in result.stderr and "binary" in result.stderr
    assert result.stdout.strip()


def test_extract_with_nothing_readable_fails(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = invoke("extract", tmp_path, "-q")
    assert result.exit_code == 1
    assert "no article could be read" in result.stderr


def test_ingest_is_idempotent_and_updates_replace(tmp_path):
    db = tmp_path / "ledger.db"
    src = tmp_path / "in"
    src.mkdir()
    (src / "jilib.txt").write_text(REPORT, encoding="utf-8")
    first = invoke("ingest", src, "--db", db, "-q")
    assert first.exit_code == 0 and "1 added" in first.stderr
    events_before = json.loads(invoke("export", "--db", db, "--format", "json").stdout)
    again = invoke("ingest", src, "--db", db, "-q")
    assert "1 unchanged" in again.stderr
    assert json.loads(invoke("export", "--db", db, "--format", "json").stdout) == events_before
    (src / "jilib.txt").write_text(REPORT.replace("four al-Shabaab", "six al-Shabaab"), encoding="utf-8")
    updated = invoke("ingest", src, "--db", db, "-q")
    assert "1 updated" in updated.stderr
    after = json.loads(invoke("export", "--db", db, "--format", "json").stdout)
    assert len(after) == len(events_before)
    assert [e["fatalities"]["best"] for e in after if e["status"] == "reported"] == [6]


def test_events_show_and_exports(tmp_path):
    db = tmp_path / "ledger.db"
    invoke("ingest", FIXTURES / "reports" / "f16_africom_strike_jilib.txt", "--db", db, "-q")
    table = invoke("events", "--db", db)
    assert table.exit_code == 0 and "Air/drone strike" in table.stdout
    event_id = table.stdout.splitlines()[2].split()[0]
    shown = invoke("show", event_id, "--db", db)
    assert shown.exit_code == 0 and "evidence" in shown.stdout and "f16_africom_strike_jilib" in shown.stdout
    rows = list(csv.DictReader(io.StringIO(invoke("export", "--db", db, "--format", "csv").stdout)))
    assert rows and {"date_start", "event_type", "lat", "lon", "geo_precision", "sources"} <= set(rows[0])
    acled = list(csv.DictReader(io.StringIO(invoke("export", "--db", db, "--format", "acled").stdout)))
    assert acled and {"event_date", "event_type", "latitude", "longitude", "geo_precision", "source"} <= set(acled[0])
    geo = json.loads(invoke("export", "--db", db, "--format", "geojson").stdout)
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert invoke("events", "--db", db, "--country", "ZZ").stderr.strip() == "no events match"


def test_show_unknown_event_is_a_clear_error(tmp_path):
    db = tmp_path / "ledger.db"
    invoke("ingest", FIXTURES / "reports" / "f16_africom_strike_jilib.txt", "--db", db, "-q")
    result = invoke("show", "ev-nope", "--db", db)
    assert result.exit_code == 1 and "no event 'ev-nope'" in result.stderr


def test_missing_ledger_is_a_clear_error(tmp_path):
    result = invoke("events", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "no ledger here yet" in result.stderr


def test_aggregates_are_article_facts_not_events(tmp_path):
    db = tmp_path / "ledger.db"
    (tmp_path / "a.txt").write_text(
        "Bases attacked again\n\nMilitants have carried out 66 attacks on US forces since October 17, officials said.\n",
        encoding="utf-8")
    invoke("ingest", tmp_path / "a.txt", "--db", db, "-q")
    facts = invoke("facts", "--db", db)
    assert "66 attacks" in facts.stdout
    events = json.loads(invoke("export", "--db", db, "--format", "json").stdout)
    assert not any("66 attacks" in ev["sentence"] for e in events for ev in e["evidence"])
