"""Issue 7, storage at scale: the ledger in PostgreSQL through SQLAlchemy Core. Run against a real
server: STRIKELOG_TEST_PG (a URL, as .ci/run exports it), or one started here with .ci/postgres
when Debian's postgresql is installed; skipped, saying why, only when no server can be had."""
import glob
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, WEB_ARTICLES

pytest.importorskip("sqlalchemy", reason="the scale extra (sqlalchemy, psycopg) is not installed")
pytest.importorskip("psycopg", reason="the scale extra (sqlalchemy, psycopg) is not installed")
import sqlalchemy  # noqa: E402

from strikelog.api import Ledger, ingest_paths  # noqa: E402
from strikelog.cli import cli  # noqa: E402
from strikelog.ledger.postgres import PgStore  # noqa: E402
from strikelog.ledger.schema import POSTGRESQL_TEXT_INDEX, metadata  # noqa: E402
from strikelog.ledger import EventFilters, open_ledger  # noqa: E402

START_SCRIPT = Path(__file__).parent.parent / ".ci" / "postgres"


@pytest.fixture(scope="session")
def pg_server():
    """The URL of a PostgreSQL server the tests may create databases on."""
    url = os.environ.get("STRIKELOG_TEST_PG")
    if url:
        yield url
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.skip("no PostgreSQL server: set STRIKELOG_TEST_PG or install Debian's postgresql (.ci/run does)")
    started = subprocess.run([str(START_SCRIPT)], capture_output=True, text=True)
    if started.returncode:
        pytest.skip(f"no PostgreSQL server could be started with .ci/postgres: {started.stderr.strip()[-300:]}")
    url, data = started.stdout.split()
    yield url
    subprocess.run([str(START_SCRIPT), "stop", data], check=False)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the server, dropped afterwards."""
    name = f"strikelog_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(pg_server.replace("postgresql://", "postgresql+psycopg://", 1),
                                     isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def ledger_dump(db) -> dict:
    with Ledger(db) as ledger:
        return {"events": ledger.events(), "facts": ledger.facts(), "timeline": ledger.timeline(),
                "articles": [{k: v for k, v in a.items() if k != "ingested_at"} for a in ledger.articles()]}


def test_the_tables_are_those_of_the_sqlite_ledger(tmp_path):
    sqlite = tmp_path / "ledger.db"
    open_ledger(sqlite).close()
    engine = sqlalchemy.create_engine(f"sqlite:///{sqlite}")
    inspector = sqlalchemy.inspect(engine)
    declared = metadata()
    for table in declared.sorted_tables:
        assert [c["name"] for c in inspector.get_columns(table.name)] == [c.name for c in table.columns], table.name
    # the text index: SQLite's events_flat_fts (an FTS5 table, which Datasette finds), PostgreSQL's a GIN
    # index on events_flat (events_flat_words)
    fts_shadows = {t for t in inspector.get_table_names() if t.startswith("events_flat_fts")}
    assert fts_shadows and set(inspector.get_table_names()) - fts_shadows == {t.name for t in declared.sorted_tables}
    assert "events_flat_words" in POSTGRESQL_TEXT_INDEX


def test_an_ingest_into_postgresql_gives_the_sqlite_ledger(tmp_path, pg_url):
    sqlite = tmp_path / "ledger.db"
    inputs = [*WEB_ARTICLES, FIXTURES / "reports" / "f25_ain_al_asad_two_attacks.txt"]
    expected = ingest_paths(inputs, sqlite)
    report = ingest_paths(inputs, pg_url)
    assert (report.added, report.events) == (expected.added, expected.events)
    assert ledger_dump(pg_url) == ledger_dump(sqlite)
    again = ingest_paths(inputs, pg_url)
    assert (again.added, again.unchanged) == (0, expected.added)


def test_searches_and_corrections_on_postgresql_match_sqlite(tmp_path, pg_url):
    sqlite = tmp_path / "ledger.db"
    ingest_paths(WEB_ARTICLES, sqlite)
    ingest_paths(WEB_ARTICLES, pg_url)
    filters = [EventFilters(), EventFilters(country="ua"), EventFilters(text="kharkiv missil"),
               EventFilters(actor="russia%"), EventFilters(admin1="KHARKIV"), EventFilters(bbox=(20, 40, 60, 60)),
               EventFilters(status="reported", since="2024-01-01")]
    with open_ledger(sqlite) as lite, open_ledger(pg_url) as pg:
        assert isinstance(pg, PgStore)
        for f in filters:
            mine, total = pg.search_events(f, sort="-fatalities", page_size=5, full=True)
            theirs, expected_total = lite.search_events(f, sort="-fatalities", page_size=5, full=True)
            assert (mine, total) == (theirs, expected_total), f
            assert pg.facets(f) == lite.facets(f) and pg.timeline(f) == lite.timeline(f)
        summaries = pg.search_events(EventFilters(), page_size=500)[0]
        assert summaries == lite.search_events(EventFilters(), page_size=500)[0]
        assert all("claims" not in s and "evidence" not in s for s in summaries)
        first = summaries[0]["event_id"]
        assert pg.chain(first) == lite.chain(first)
        assert pg.article_events(summaries[0]["sources"][0]) == lite.article_events(summaries[0]["sources"][0])
    with Ledger(sqlite) as lite, Ledger(pg_url) as pg:
        kharkiv = [e["event_id"] for e in lite.events() if e["location"]["name"] == "Kharkiv"]
        if len(kharkiv) >= 2:
            assert pg.merge(*kharkiv[:2]) == lite.merge(*kharkiv[:2])
    assert ledger_dump(pg_url) == ledger_dump(sqlite)


def test_feed_state_is_kept_in_postgresql(pg_url):
    with open_ledger(pg_url) as store:
        store.add_feeds(["https://example.org/feed.xml"])
        store.add_feeds(["https://example.org/feed.xml"])
        store.record_feed_poll("https://example.org/feed.xml", "2024-05-01T10:00:00+00:00", ("etag1", None), "Wire", 2)
        store.save_feed_item("https://example.org/feed.xml", "item-1", "https://example.org/a", "sig1")
        store.save_feed_item("https://example.org/feed.xml", "item-1", "https://example.org/a", "sig2")
        assert store.item_signature("https://example.org/feed.xml", "item-1") == "sig2"
        feed = store.feed("https://example.org/feed.xml")
        assert (feed["etag"], feed["title"], feed["polls"], feed["items"]) == ("etag1", "Wire", 1, 2)
        store.mark_url_seen("https://example.org/a", "saved", article_id="a", etag="e1")
        store.mark_url_seen("https://example.org/a", "not_modified")
        seen = store.seen_url("https://example.org/a")
        assert (seen["article_id"], seen["etag"], seen["outcome"]) == ("a", "e1", "not_modified")


def test_the_command_line_takes_a_postgresql_url(pg_url):
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(FIXTURES / "reports" / "f16_africom_strike_jilib.txt"), "--db", pg_url,
                               "--workers", "1", "-q"])
    assert done.exit_code == 0, done.output
    exported = runner.invoke(cli, ["export", "--db", pg_url, "--format", "jsonl"])
    assert [json.loads(line)["location"]["name"] for line in exported.output.splitlines()] == ["Jilib"]


def test_the_text_search_is_one_index_on_events_flat_and_an_older_ledger_gains_it(tmp_path, pg_url):
    """Schema version 5: PostgreSQL's text search is a GIN index on events_flat (no events_search table).
    A ledger made before it (events_search, no index on events_flat) is upgraded by the first command that
    opens it, and the search then uses the index and finds what SQLite's finds."""
    sqlite = tmp_path / "ledger.db"
    ingest_paths(WEB_ARTICLES, sqlite)
    ingest_paths(WEB_ARTICLES, pg_url)
    engine = sqlalchemy.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX events_flat_words")
        conn.exec_driver_sql("CREATE TABLE events_search (event_id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        conn.exec_driver_sql("INSERT INTO events_search SELECT event_id, event_type FROM events")
    listed = CliRunner().invoke(cli, ["events", "--db", pg_url, "--all", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    inspector = sqlalchemy.inspect(engine)
    assert "events_search" not in inspector.get_table_names()
    assert "events_flat_words" in {i["name"] for i in inspector.get_indexes("events_flat")}
    with open_ledger(sqlite) as lite, open_ledger(pg_url) as pg:
        for words in ("retaliation", "kharkiv missil", "Katyusha", "zzzunknownword"):
            f = EventFilters(text=words)
            assert pg.search_events(f, page_size=500) == lite.search_events(f, page_size=500), words
        where, params = pg._where(EventFilters(text="kharkiv"))
        pg.db.execute("SET LOCAL enable_seqscan = off")
        plan = " ".join(r[0] for r in pg.db.execute(f"EXPLAIN SELECT event_id FROM events {where}", params))
        assert "events_flat_words" in plan
    engine.dispose()


def test_an_unreachable_server_is_a_ledger_error():
    from strikelog.errors import LedgerError

    with pytest.raises(LedgerError, match="cannot open the ledger"):
        open_ledger("postgresql://nobody@127.0.0.1:1/none")


@pytest.mark.parametrize("round_", [*range(5), *(pytest.param(i, marks=pytest.mark.slow) for i in range(5, 30))])
def test_processes_opening_an_empty_database_at_once(pg_url, round_):
    """Two processes creating the schema of an empty database at the same moment (issue 17): the
    schema is created under the writers' advisory lock, so one creates it and the other finds it."""
    from processes import OPEN_LEDGER_AT_ONCE, at_once, first_failure, results

    done = results(at_once([[pg_url]] * 2, script=OPEN_LEDGER_AT_ONCE))
    assert first_failure(done) is None, done
    with PgStore(pg_url) as store:
        assert store.count_events() == 0 and store.feeds() == []
