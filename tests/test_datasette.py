"""The ledger in real Datasette (with datasette-cluster-map), as an analyst opens it: `datasette LEDGER
--metadata` with the shipped metadata (docs/datasette.md). Driven through Datasette's own client."""
import asyncio
import json
import shutil
import sqlite3

import pytest

from strikelog.ledger import FLAT_COLUMNS, open_ledger
from strikelog.web.datasette import main as metadata_command
from strikelog.web.datasette import metadata

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def everything(web_ledger):
    with open_ledger(web_ledger) as store:
        return [json.loads(r[0]) for r in store.db.execute("SELECT data FROM events ORDER BY event_id")]


def serve(db):
    return datasette_app.Datasette([str(db)], metadata=metadata(db))


def get(ds, path):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.text[:500])
    return response


def rows_of(body):
    """Rows as dicts (with _labels=on Datasette gives them so already)."""
    return [row if isinstance(row, dict) else dict(zip(body["columns"], row)) for row in body["rows"]]


def test_events_flat_has_one_typed_column_a_field(web_ledger, everything):
    with sqlite3.connect(web_ledger) as db:
        declared = {r[1]: r[2] for r in db.execute("PRAGMA table_info(events_flat)")}
        rows = {r[0]: r for r in db.execute(f"SELECT {', '.join(FLAT_COLUMNS)} FROM events_flat")}
    assert list(declared)[1:] == list(FLAT_COLUMNS)
    assert {declared[c] for c in ("latitude", "longitude")} == {"REAL"}
    assert {declared[c] for c in ("fatalities", "wounded", "geo_precision", "n_sources")} == {"INTEGER"}
    assert set(rows) == {e["event_id"] for e in everything}
    for e in everything:
        row = dict(zip(FLAT_COLUMNS, rows[e["event_id"]]))
        loc = e["location"]
        assert (row["status"], row["event_date"], row["event_type"], row["actor1"], row["country"], row["admin1"],
                row["location"], row["latitude"], row["longitude"], row["geo_precision"]) == (
            e["status"], e["date_start"], e["event_type"], e["actor1"], loc["country"], loc["admin1"], loc["name"],
            loc["lat"], loc["lon"], loc["geo_precision"])
        assert (row["fatalities"], row["wounded"], row["n_sources"]) == (
            e["fatalities"]["best"], e["wounded"]["best"], len(e["sources"]))
        assert json.loads(row["weapons"]) == e["weapons"] and json.loads(row["sources"]) == e["sources"]


def test_datasette_shows_the_events_with_facets_search_and_the_cluster_map(web_ledger, everything):
    ds = serve(web_ledger)
    body = get(ds, "/ledger/events_flat.json?_size=max").json()
    assert body["filtered_table_rows_count"] == len(everything)
    facets = body["facet_results"]
    assert {"status", "country", "event_type", "actor1"} <= set(facets)
    statuses = {r["value"]: r["count"] for r in facets["status"]["results"]}
    assert statuses == {s: sum(e["status"] == s for e in everything) for s in ("reported", "background")}
    countries = {r["value"]: r["count"] for r in facets["country"]["results"]}
    assert countries["IQ"] == sum(e["location"]["country"] == "IQ" for e in everything)

    found = rows_of(get(ds, "/ledger/events_flat.json?_search=retaliation&_size=max").json())
    expected = {e["event_id"] for e in everything
                if "retaliation" in " ".join(s["sentence"] for s in e["evidence"]).lower()}
    assert expected and {r["event_id"] for r in found} == expected
    reported = rows_of(get(ds, "/ledger/events_flat.json?status=reported&_size=max").json())
    assert len(reported) == sum(e["status"] == "reported" for e in everything)

    page = get(ds, "/ledger/events_flat").text
    assert 'name="_search"' in page  # Datasette found events_flat_fts
    assert "datasette-cluster-map" in page and "leaflet" in page.lower()


def test_datasette_follows_event_sources_to_the_articles(web_ledger):
    ds = serve(web_ledger)
    body = get(ds, "/ledger/event_sources.json?_labels=on&_size=max").json()
    rows = rows_of(body)
    assert rows and all(isinstance(r["article_id"], dict) for r in rows)  # expanded: a foreign key, labelled
    with sqlite3.connect(web_ledger) as db:
        titles = dict(db.execute("SELECT id, title FROM articles"))
    assert all(r["article_id"]["label"] == titles[r["article_id"]["value"]] for r in rows)


def test_the_metadata_command_names_the_ledger(tmp_path, capsys):
    assert metadata_command([str(tmp_path / "conflicts-2024.db")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed["databases"]) == ["conflicts-2024"]
    assert printed["plugins"]["datasette-cluster-map"] == {"latitude_column": "latitude", "longitude_column": "longitude"}


def test_a_ledger_written_before_events_flat_gains_it(web_ledger, tmp_path, everything):
    """A version-3 ledger: no events_flat, event_sources without its key to articles."""
    db = tmp_path / "old.db"
    shutil.copy(web_ledger, db)
    old = sqlite3.connect(db)
    old.executescript("""
        DROP TABLE events_flat; DROP TABLE events_flat_fts;
        ALTER TABLE event_sources RENAME TO s; DROP INDEX IF EXISTS event_sources_article;
        CREATE TABLE event_sources (event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
            article_id TEXT NOT NULL, PRIMARY KEY (event_id, article_id));
        INSERT INTO event_sources SELECT * FROM s; DROP TABLE s;
        PRAGMA user_version = 3;
    """)
    sources = old.execute("SELECT count(*) FROM event_sources").fetchone()[0]
    old.close()
    with open_ledger(db) as store:
        assert store.db.execute("SELECT count(*) FROM events_flat").fetchone()[0] == len(everything)
        assert [tuple(r) for r in store.db.execute("PRAGMA foreign_key_list(event_sources)")
                if r[2] == "articles"] == [(0, 0, "articles", "article_id", "id", "NO ACTION", "CASCADE", "NONE")]
        assert store.db.execute("SELECT count(*) FROM event_sources").fetchone()[0] == sources
    rows = rows_of(get(serve(db), "/old/events_flat.json?_search=retaliation").json())
    assert rows


def test_events_flat_follows_the_ledger_when_events_change(web_ledger, tmp_path, everything):
    db = tmp_path / "ledger.db"
    shutil.copy(web_ledger, db)
    gone = everything[0]["event_id"]
    with open_ledger(db) as store:
        store.replace_component({gone}, [])
        assert store.db.execute("SELECT count(*) FROM events_flat WHERE event_id = ?", (gone,)).fetchone()[0] == 0
        store.db.execute("INSERT INTO events_flat_fts (events_flat_fts) VALUES ('integrity-check')")
    assert len(rows_of(get(serve(db), "/ledger/events_flat.json?_size=max").json())) == len(everything) - 1


def fts_tables(db) -> list[str]:
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5%'")]


def web_search(db, q) -> set[str]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from strikelog.web import create_app

    response = TestClient(create_app(db)).get("/api/v1/events", params={"q": q, "status": "all", "page_size": 1000})
    assert response.status_code == 200, response.text
    return {e["event_id"] for e in response.json()["events"]}


def datasette_search(db, q) -> set[str]:
    """Datasette's search box with the web's query (every word, the last as a prefix: store.fts_query)."""
    from urllib.parse import urlencode

    from strikelog.ledger import fts_query

    name = db.stem
    query = urlencode({"_search": fts_query(q), "_searchmode": "raw", "_size": "max"})
    return {r["event_id"] for r in rows_of(get(serve(db), f"/{name}/events_flat.json?{query}").json())}


SEARCHES = ["retaliation", "Katyusha", "katyu", "Retaliation kata'ib", "kharkiv missil", "zzzunknownword"]


def test_the_web_and_datasette_search_one_index(web_ledger, everything):
    """One full-text index in the ledger, events_flat_fts: the page's search box (the API's q) and
    Datasette's find the same events for the same words."""
    assert fts_tables(web_ledger) == ["events_flat_fts"]
    found_any = False
    for q in SEARCHES:
        web = web_search(web_ledger, q)
        assert web == datasette_search(web_ledger, q), q
        found_any |= bool(web)
    assert found_any and not web_search(web_ledger, "zzzunknownword")


def test_a_version_4_ledger_loses_its_second_index_on_open(web_ledger, tmp_path, everything):
    """A ledger written before schema version 5 has events_search beside events_flat_fts; the first
    command that opens it (here `strikelog events`) drops it, and both searches go on finding the same."""
    from click.testing import CliRunner

    from strikelog.cli import cli
    from strikelog.ledger import SCHEMA_VERSION

    db = tmp_path / "old.db"
    shutil.copy(web_ledger, db)
    with sqlite3.connect(db) as old:
        old.execute("CREATE VIRTUAL TABLE events_search USING fts5(event_id UNINDEXED, body,"
                    " tokenize='unicode61 remove_diacritics 2')")
        old.execute("INSERT INTO events_search (rowid, event_id, body) SELECT rowid, event_id, event_type FROM events")
        old.execute("PRAGMA user_version = 4")
    assert fts_tables(db) == ["events_flat_fts", "events_search"]
    result = CliRunner().invoke(cli, ["events", "--db", str(db), "--all", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(everything)
    assert fts_tables(db) == ["events_flat_fts"]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        con.execute("INSERT INTO events_flat_fts (events_flat_fts, rank) VALUES ('integrity-check', 1)")
    for q in SEARCHES:
        assert web_search(db, q) == web_search(web_ledger, q) == datasette_search(db, q), q
