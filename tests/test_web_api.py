"""The HTTP API (strikelog.web) through FastAPI's TestClient, on a ledger built from fixture articles."""
import csv
import io
import json
import shutil
import sqlite3
import warnings

import pytest

from strikelog.config import Settings
from strikelog.errors import LedgerError
from strikelog.export import CSV_COLUMNS
from strikelog.ledger import EventFilters, open_ledger

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx vs httpx2
    from fastapi.testclient import TestClient

from strikelog.web import create_app

TOKEN = "test-token-1234"


@pytest.fixture(scope="module")
def client(web_ledger):
    return TestClient(create_app(web_ledger))


@pytest.fixture(scope="module")
def everything(client):
    """Every event of the ledger, full contract objects, as the API gives them."""
    body = client.get("/api/v1/events", params={"status": "all", "page_size": 1000, "detail": "full"}).json()
    assert body["total"] == len(body["events"]) > 10
    return body["events"]


def ids(events):
    return [e["event_id"] for e in events]


def get_events(client, **params):
    response = client.get("/api/v1/events", params={"page_size": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


def chain_pair(events):
    """(strike, response): the w01 fixture's strike and the rocket attack reported as retaliation for it."""
    response = next(e for e in events if e["sources"] == ["w01_qaim_asad_retaliation"] and e["responds_to"])
    strike = next(e for e in events if e["event_id"] == response["responds_to"][0])
    return strike, response


# ---- listing, filters, paging, sorting ---------------------------------------------------------------------
def test_list_defaults_to_reported_summaries_oldest_first(client, everything):
    body = get_events(client)
    reported = [e for e in everything if e["status"] == "reported"]
    assert body["total"] == len(reported) < len(everything)
    assert body["page"] == 1 and body["next"] is None
    first = body["events"][0]
    assert "claims" not in first and "evidence" not in first and first["location"]["country"]
    dates = [e["date_start"] for e in body["events"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[:len(dated)] == dated  # undated ones last


def test_status_filter(client, everything):
    background = get_events(client, status="background")["events"]
    assert background and all(e["status"] == "background" for e in background)
    assert get_events(client, status="all")["total"] == len(everything)


def test_country_is_case_insensitive_and_exact(client, everything):
    expected = {e["event_id"] for e in everything if e["location"]["country"] == "IQ" and e["status"] == "reported"}
    assert expected
    assert set(ids(get_events(client, country="iq")["events"])) == expected
    assert set(ids(get_events(client, country="IQ")["events"])) == expected


def test_date_range(client, everything):
    body = get_events(client, since="2024-02-01", until="2024-02-14", status="all")
    expected = {e["event_id"] for e in everything if e["date_start"] and "2024-02-01" <= e["date_start"] <= "2024-02-14"}
    assert set(ids(body["events"])) == expected and len(expected) >= 4


def test_type_matches_event_or_sub_event_type(client, everything):
    sub = get_events(client, type="Air/drone strike", status="all")["events"]
    assert sub and all(e["sub_event_type"] == "Air/drone strike" for e in sub)
    main = get_events(client, type="Explosions/Remote violence", status="all")
    assert main["total"] == sum(e["event_type"] == "Explosions/Remote violence" for e in everything)


def test_actor_admin1_and_text_search(client, everything):
    hezbollah = get_events(client, actor="hezbollah")["events"]
    assert hezbollah and all("hezbollah" in f"{e['actor1']} {e['actor2']}".lower() for e in hezbollah)
    _, response = chain_pair(everything)
    admin1 = response["location"]["admin1"]
    assert {e["location"]["admin1"] for e in get_events(client, admin1=admin1.lower())["events"]} == {admin1}
    katyusha = get_events(client, q="Katyusha")["events"]
    assert katyusha and all(
        any("katyusha" in s["sentence"].lower() for s in e["evidence"]) or "Katyusha rocket" in e["weapons"]
        for e in (ev for ev in everything if ev["event_id"] in ids(katyusha)))
    assert ids(get_events(client, q="katyu")["events"]) == ids(katyusha)  # the last word matches as a prefix
    in_text = {e["event_id"] for e in everything if e["status"] == "reported"
               and "retaliation" in " ".join(s["sentence"] for s in e["evidence"]).lower()
               and "kata'ib" in " ".join(s["sentence"] for s in e["evidence"]).lower()}
    assert response["event_id"] in in_text
    assert set(ids(get_events(client, q="Retaliation kata'ib")["events"])) == in_text
    assert get_events(client, q="zzzunknownword")["total"] == 0


def test_bbox_selects_by_coordinates(client, everything):
    def inside(e, west, south, east, north):
        lat, lon = e["location"]["lat"], e["location"]["lon"]
        return lat is not None and south <= lat <= north and (west <= lon <= east if west <= east else lon >= west or lon <= east)

    for box in [(38.0, 29.0, 49.0, 38.0), (30.0, -5.0, 70.0, 40.0), (170.0, -60.0, -170.0, 60.0)]:
        got = get_events(client, bbox=",".join(map(str, box)), status="all")["events"]
        assert set(ids(got)) == {e["event_id"] for e in everything if inside(e, *box)}
    assert {e["location"]["country"] for e in get_events(client, bbox="38,29,49,38")["events"]} == {"IQ"}


def test_paging_walks_the_whole_list(client):
    whole = ids(get_events(client, status="all")["events"])
    pages, url = [], "/api/v1/events?status=all&page_size=4"
    while url:
        body = client.get(url).json()
        assert body["total"] == len(whole) and len(body["events"]) <= 4
        pages.extend(ids(body["events"]))
        url = body["next"]
    assert pages == whole
    beyond = client.get("/api/v1/events", params={"page": 100, "page_size": 4}).json()
    assert beyond["events"] == [] and beyond["next"] is None


@pytest.mark.parametrize("key", ["date", "fatalities", "country", "type", "event_id"])
def test_sorting(client, key):
    field = {"date": "date_start", "type": "event_type"}.get(key, key)

    def value(e):
        return e["fatalities"]["best"] if key == "fatalities" else e["location"]["country"] if key == "country" else e[field]

    for sort, reverse in ((key, False), (f"-{key}", True)):
        values = [value(e) for e in get_events(client, sort=sort, status="all")["events"]]
        known = [v for v in values if v is not None]
        assert len(set(known)) >= (1 if key == "type" else 2), values  # something to sort (one event type in the ledger)
        assert values[:len(known)] == known, "missing values come last"
        assert known == sorted(known, reverse=reverse)


# ---- one event, articles --------------------------------------------------------------------------
def test_one_event_with_links_claims_and_evidence(client, everything):
    strike, response = chain_pair(everything)
    body = client.get(f"/api/v1/events/{response['event_id']}").json()
    assert body["event"] == response
    assert ids(body["responds_to"]) == [strike["event_id"]] and body["responded_by"] == []
    assert ids(body["chain"]) == [strike["event_id"], response["event_id"]]
    assert "claims" not in body["chain"][0]
    assert body["articles"][0]["id"] == "w01_qaim_asad_retaliation" and body["articles"][0]["title"].startswith("Militia rockets")
    assert any("in retaliation for" in s["sentence"] for s in body["event"]["evidence"])
    back = client.get(f"/api/v1/events/{strike['event_id']}").json()
    assert ids(back["responded_by"]) == [response["event_id"]] and back["responds_to"] == []
    assert ids(back["chain"]) == ids(body["chain"])


def test_event_with_conflicting_claims(client, everything):
    disputed = next(e for e in everything if e["sources"] == ["w03_monywa_conflicting_tolls"])
    claims = client.get(f"/api/v1/events/{disputed['event_id']}").json()["event"]["claims"]
    assert sorted((c["field"], c["value"]) for c in claims) == [("fatalities", 5), ("fatalities", 17)]
    assert all(c["sentence"] and c["article"] == "w03_monywa_conflicting_tolls" for c in claims)


def test_unknown_event_and_article_are_404_json(client):
    for url in ("/api/v1/events/ev-000000000000", "/api/v1/articles/nope", "/api/v1/nothing-here"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["error"]
    assert "ev-000000000000" in client.get("/api/v1/events/ev-000000000000").json()["error"]


def test_articles(client):
    body = client.get("/api/v1/articles").json()
    assert body["total"] == 10 and len(body["articles"]) == 10
    by_id = {a["id"]: a for a in body["articles"]}
    assert by_id["f08_pakistan_strikes_saravan"]["events"] >= 1 and "path" not in by_id["f16_africom_strike_jilib"]
    one = client.get("/api/v1/articles/f16_africom_strike_jilib").json()
    assert one["article"]["paragraphs"][0]["kind"] == "headline"
    assert any("Jilib" in p["text"] for p in one["article"]["paragraphs"])
    assert [e["location"]["name"] for e in one["events"]] == ["Jilib"]


def test_timeline_and_facets(client, everything):
    days = client.get("/api/v1/timeline", params={"status": "all"}).json()["days"]
    assert sum(d["count"] for d in days) == sum(1 for e in everything if e["date_start"])
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    facets = client.get("/api/v1/facets", params={"status": "all"}).json()
    countries = {f["value"]: f["count"] for f in facets["country"]}
    assert countries["IQ"] == sum(e["location"]["country"] == "IQ" for e in everything)
    assert {f["value"] for f in facets["event_type"]} == {e["event_type"] for e in everything}


# ---- exports --------------------------------------------------------------------------------------
def test_exports_stream_the_filtered_events(client, everything):
    full = [e for e in everything if e["location"]["country"] == "YE"]
    jsonl = client.get("/api/v1/events.jsonl", params={"country": "YE", "status": "all"})
    assert jsonl.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line) for line in jsonl.text.splitlines()] == full
    table = client.get("/api/v1/events.csv", params={"country": "YE", "status": "all"})
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="strikelog-events.csv"' in table.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert list(rows[0]) == CSV_COLUMNS and [r["event_id"] for r in rows] == ids(full)
    geo = client.get("/api/v1/events.geojson", params={"country": "YE", "status": "all"})
    assert geo.headers["content-type"] == "application/geo+json"
    collection = geo.json()
    assert collection["type"] == "FeatureCollection" and [f["id"] for f in collection["features"]] == ids(full)
    assert [f["geometry"] and f["geometry"]["coordinates"] for f in collection["features"]] == [
        [e["location"]["lon"], e["location"]["lat"]] if e["location"]["lat"] is not None else None for e in full]


def test_exports_of_nothing_are_still_well_formed(client):
    assert client.get("/api/v1/events.geojson", params={"country": "ZZ"}).json() == {"type": "FeatureCollection", "features": []}
    assert client.get("/api/v1/events.csv", params={"country": "ZZ"}).text == ",".join(CSV_COLUMNS) + "\n"
    assert client.get("/api/v1/events.jsonl", params={"country": "ZZ"}).text == ""


def synthetic_event(i: int) -> dict:
    return {
        "event_id": f"ev-{i:012d}", "status": "reported", "event_type": "Battles", "sub_event_type": "Armed clash",
        "date_start": f"2024-01-{i % 28 + 1:02d}", "date_end": f"2024-01-{i % 28 + 1:02d}", "date_precision": "day",
        "actor1": "A", "actor2": "B",
        "location": {"name": f"P{i}", "country": "ML", "admin1": "Mopti", "lat": 14.0 + i / 1000, "lon": -4.0,
                     "geo_precision": 1},
        "weapons": [], "fatalities": {"best": i % 7, "low": i % 7, "high": i % 7},
        "wounded": {"best": None, "low": None, "high": None}, "claims": [], "responds_to": [],
        "sources": [f"a{i}"], "evidence": [{"article": f"a{i}", "sentence": f"Clash number {i}."}],
    }


def test_exports_span_many_chunks(tmp_path):
    db = tmp_path / "many.db"
    with open_ledger(db) as store:
        store.replace_component(set(), [(synthetic_event(i), [], []) for i in range(1234)])
    client = TestClient(create_app(db))
    lines = client.get("/api/v1/events.jsonl", params={"sort": "event_id"}).text.splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [f"ev-{i:012d}" for i in range(1234)]
    assert len(client.get("/api/v1/events.geojson").json()["features"]) == 1234
    assert len(client.get("/api/v1/events.csv").text.splitlines()) == 1235


# ---- bad parameters: a 4xx with a sentence, never a 500 ----------------------------------------------------------
BAD = [
    ("/api/v1/events?country=Iraq", "country"),
    ("/api/v1/events?country=I1", "country"),
    ("/api/v1/events?since=2024-02-30", "since"),
    ("/api/v1/events?since=yesterday", "since"),
    ("/api/v1/events?until=2024-1-5", "until"),
    ("/api/v1/events?since=2024-03-01&until=2024-02-01", "until"),
    ("/api/v1/events?bbox=1,2,3", "bbox"),
    ("/api/v1/events?bbox=a,b,c,d", "bbox"),
    ("/api/v1/events?bbox=0,0,200,10", "bbox"),
    ("/api/v1/events?bbox=0,50,10,40", "bbox"),
    ("/api/v1/events?bbox=nan,0,10,10", "bbox"),
    ("/api/v1/events?page=0", "page"),
    ("/api/v1/events?page=-3", "page"),
    ("/api/v1/events?page=two", "page"),
    ("/api/v1/events?page=99999999999999999999999", "page"),
    ("/api/v1/events?page_size=0", "page_size"),
    ("/api/v1/events?page_size=1001", "page_size"),
    ("/api/v1/events?sort=size", "sort"),
    ("/api/v1/events?sort=--date", "sort"),
    ("/api/v1/events?status=maybe", "status"),
    ("/api/v1/events?detail=everything", "detail"),
    ("/api/v1/events?q=%21%21%21", "q"),
    ("/api/v1/events?q=" + "x" * 201, "q"),
    ("/api/v1/events?contry=IQ", "contry"),
    ("/api/v1/timeline?bbox=1", "bbox"),
    ("/api/v1/facets?since=2024", "since"),
    ("/api/v1/events.csv?country=123", "country"),
    ("/api/v1/events.geojson?sort=nope", "sort"),
    ("/api/v1/articles?page_size=5000", "page_size"),
    ("/api/v1/events?type=%25", "type"),
    ("/api/v1/events?type=Nonsense", "type"),
    ("/api/v1/events?country=IQ&country=Syria", "country"),
    ("/api/v1/timeline?type=Battles&type=Nonsense", "type"),
]


@pytest.mark.parametrize("url,parameter", BAD)
def test_bad_parameters_are_400_with_a_message(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["parameter"] == parameter and body["error"].startswith(f"{parameter}:") and len(body["error"]) > 15


def test_unknown_export_format_is_404(client):
    response = client.get("/api/v1/events.xml")
    assert response.status_code == 404 and "csv" in response.json()["error"]


def test_sql_looking_input_is_just_data(client):
    for params in ({"actor": "x' OR 1=1 --"}, {"admin1": "_"}, {"q": 'zzz" OR "yyy'}, {"q": "qqq*"}):
        assert get_events(client, **params)["total"] == 0
    assert client.get("/api/v1/events", params={"type": "%"}).status_code == 400  # not a type: refused, not matched


# ---- the OpenAPI document and the page ---------------------------------------------------------------------
def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/events.{fmt}", "/api/v1/articles",
            "/api/v1/articles/{article_id}", "/api/v1/timeline", "/api/v1/facets"} <= set(paths)
    assert "post" in paths["/api/v1/articles"]
    names = {p["name"] for p in paths["/api/v1/events"]["get"]["parameters"]}
    assert {"country", "admin1", "since", "until", "type", "actor", "q", "bbox", "page", "page_size", "sort"} <= names


def test_page_and_assets_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and '<script type="module" src="/static/app.js">' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy and "https:" not in policy
    for asset in ("/static/app.js", "/static/vendor/leaflet/leaflet-src.esm.js", "/static/vendor/leaflet/leaflet.css"):
        assert client.get(asset).status_code == 200, asset
    outlines = client.get("/static/vendor/world/countries-110m.geojson").json()
    assert outlines["type"] == "FeatureCollection" and len(outlines["features"]) > 150


def test_tiles_setting_reaches_the_page_and_the_policy(web_ledger):
    tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    client = TestClient(create_app(web_ledger, tiles=tiles))
    assert client.get("/api/v1/meta").json()["tiles"] == tiles
    assert "img-src 'self' data: https://*.tile.example.org" in client.get("/").headers["content-security-policy"]
    plain = TestClient(create_app(web_ledger))
    assert plain.get("/api/v1/meta").json() == {**plain.get("/api/v1/meta").json(), "tiles": None, "writable": False}


# ---- writes ---------------------------------------------------------------------------------------
ARTICLE = {
    "id": "posted-jilib",
    "title": "Drone strike hits militant camp near Jilib",
    "published": "2024-03-12T09:00",
    "text": "Drone strike hits militant camp near Jilib\n\nA US military drone strike on Sunday killed four "
            "al-Shabaab fighters near Jilib in southern Somalia, US Africa Command said in a statement.",
}


def test_writes_are_refused_without_a_token_configured(client):
    response = client.post("/api/v1/articles", json=ARTICLE)
    assert response.status_code == 403 and "--token" in response.json()["error"]


@pytest.fixture
def writable(web_ledger, tmp_path):
    db = tmp_path / "ledger.db"
    shutil.copy(web_ledger, db)
    return TestClient(create_app(db, token=TOKEN))


@pytest.mark.parametrize("headers,status", [
    ({}, 401),
    ({"Authorization": "Bearer wrong"}, 403),
    ({"Authorization": f"Basic {TOKEN}"}, 403),
    ({"Authorization": f"Bearer {TOKEN}x"}, 403),
])
def test_writes_without_the_right_token_are_refused(writable, headers, status):
    before = writable.get("/api/v1/articles").json()["total"]
    response = writable.post("/api/v1/articles", json=ARTICLE, headers=headers)
    assert response.status_code == status and response.json()["error"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    assert writable.get("/api/v1/articles").json()["total"] == before


def test_post_ingests_articles(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert writable.get("/api/v1/meta").json()["writable"] is True
    response = writable.post("/api/v1/articles", json=ARTICLE, headers=auth)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["added"] == 1 and report["problems"] == [] and report["events"] > 10
    events = writable.get("/api/v1/articles/posted-jilib").json()["events"]
    assert [(e["location"]["name"], e["fatalities"]["best"]) for e in events] == [("Jilib", 4)]
    again = writable.post("/api/v1/articles", json=[ARTICLE], headers=auth).json()
    assert again["unchanged"] == 1 and again["added"] == 0


@pytest.mark.parametrize("body,fragment", [
    ([{"id": "x"}], "article 1: an article needs a non-empty 'text' or 'html'"),
    ({"text": "words"}, "id: Field required"),
    ([], "between 1 and"),
    (5, "one article object or a JSON array"),
    ([ARTICLE, {"id": 7, "text": "t"}], "article 2, id"),
])
def test_bad_article_bodies_are_422_with_a_message(writable, body, fragment):
    response = writable.post("/api/v1/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422 and fragment in response.json()["error"]


def test_malformed_json_body(writable):
    response = writable.post("/api/v1/articles", content=b"{oops", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert response.status_code == 422 and "not valid JSON" in response.json()["error"]


# ---- the app over a ledger ----------------------------------------------------------------------------------
def test_a_read_only_server_needs_an_existing_ledger(tmp_path):
    with pytest.raises(LedgerError, match="no ledger here yet"):
        create_app(tmp_path / "missing.db")
    client = TestClient(create_app(tmp_path / "new.db", token=TOKEN))
    assert client.get("/api/v1/events").json()["total"] == 0

# ---- followed feeds ----------------------------------------------------------------------------------------
def test_feeds_lists_each_followed_feed_with_its_health(web_ledger, tmp_path):
    db = tmp_path / "ledger.db"
    shutil.copy(web_ledger, db)
    assert TestClient(create_app(db)).get("/api/v1/feeds").json() == {"feeds": []}
    with open_ledger(db) as store:  # what a watcher leaves behind (tests/test_feeds.py polls real feeds)
        store.add_feeds(["https://example.org/world.rss", "https://example.org/broken.rss", "https://example.org/new.rss"])
        store.record_feed_poll("https://example.org/world.rss", "2025-03-01T12:00:00+00:00", ('"v1"', None), "World", 3)
        store.record_feed_problem("https://example.org/world.rss", "2025-03-01T12:00:00+00:00",
                                  "https://example.org/a.html: HTTP 404 Not Found")
        store.record_feed_poll("https://example.org/world.rss", "2025-03-01T12:15:00+00:00")
        store.record_feed_failure("https://example.org/broken.rss", "2025-03-01T12:00:00+00:00", "malformed feed XML")
        store.record_feed_failure("https://example.org/broken.rss", "2025-03-01T12:15:00+00:00", "malformed feed XML")
    response = TestClient(create_app(db)).get("/api/v1/feeds")
    assert response.status_code == 200
    feeds = {f["url"]: f for f in response.json()["feeds"]}
    world = feeds["https://example.org/world.rss"]
    assert world["status"] == "ok" and world["title"] == "World" and world["items"] == 3
    assert world["polls"] == 2 and world["not_modified"] == 1 and world["failures"] == 0 and world["errors"] == 1
    assert world["last_poll"] == "2025-03-01T12:15:00+00:00" and world["last_new"] == "2025-03-01T12:00:00+00:00"
    assert world["last_error"].endswith("HTTP 404 Not Found") and "etag" not in world
    broken = feeds["https://example.org/broken.rss"]
    assert (broken["status"], broken["failures"], broken["errors"], broken["last_new"]) == ("failing", 2, 2, None)
    assert feeds["https://example.org/new.rss"]["status"] == "new"
    page = TestClient(create_app(db)).get("/").text
    assert 'id="feeds-area"' in page


def test_a_ledger_written_before_the_search_columns_gains_them(tmp_path, everything):
    db = tmp_path / "old.db"
    old = sqlite3.connect(db)
    old.executescript("""
        CREATE TABLE events (event_id TEXT PRIMARY KEY, status TEXT, event_type TEXT, sub_event_type TEXT,
            date_start TEXT, date_end TEXT, country TEXT, admin1 TEXT, actor1 TEXT, actor2 TEXT,
            fatalities INTEGER, data TEXT NOT NULL);
    """)
    for e in everything:
        loc = e["location"]
        old.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            e["event_id"], e["status"], e["event_type"], e["sub_event_type"], e["date_start"], e["date_end"],
            loc["country"], loc["admin1"], e["actor1"], e["actor2"], e["fatalities"]["best"], json.dumps(e)))
    old.commit()
    old.close()
    with open_ledger(db) as store:
        strike, response = chain_pair(everything)
        rows, total = store.search_events(EventFilters(text="retaliation"))
        assert {strike["event_id"], response["event_id"]} <= set(ids(rows)) and total == len(rows)
        rows, _ = store.search_events(EventFilters(bbox=(38.0, 29.0, 49.0, 38.0), text="retaliation"))
        assert response["event_id"] in ids(rows)
        assert store.responses_to(strike["event_id"]) == [response["event_id"]]


def test_serve_command_reports_a_missing_ledger(tmp_path):
    from click.testing import CliRunner

    from strikelog.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no ledger here yet" in result.output


def test_the_body_limit_is_a_setting(web_ledger, tmp_path):
    db = tmp_path / "ledger.db"
    shutil.copy(web_ledger, db)
    small = TestClient(create_app(db, token=TOKEN, settings=Settings(max_body_bytes=1000)))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    too_big = small.post("/api/v1/articles", json={**ARTICLE, "text": ARTICLE["text"] + " " * 1000}, headers=auth)
    assert too_big.status_code == 413 and "larger than 1,000 bytes" in too_big.json()["error"]
    assert small.post("/api/v1/articles", content=b"{}", headers=auth).status_code == 422  # under it: read
    assert Settings().max_body_bytes == 20_000_000


# ---- issue 19: typed answers, multi-value filters, types as ACLED spells them, actor aliases, prev links ----
def test_openapi_types_every_answer_and_documents_400_and_the_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"]["200"]["content"]
            assert ok and all(media["schema"] for media in ok.values()), f"{method} {path}: empty 200 schema"
            if method == "get":
                assert "422" not in operation["responses"], f"{method} {path} documents 422"
                error = operation["responses"]["400"]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorBody"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["token"] == {**spec["components"]["securitySchemes"]["token"],
                                                              "type": "http", "scheme": "bearer"}
    post = spec["paths"]["/api/v1/articles"]["post"]
    assert post["security"] == [{"token": []}] and {"401", "403", "413", "422"} <= set(post["responses"])
    assert not any(p["in"] == "header" for p in post.get("parameters", []))
    events = spec["paths"]["/api/v1/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert events == {"$ref": "#/components/schemas/EventPage"}


def test_every_answer_matches_its_model(client, everything):
    from strikelog.web import models

    strike, _ = chain_pair(everything)
    for url, model in [
        ("/api/v1/meta", models.Meta), ("/api/v1/events?status=all", models.EventPage),
        ("/api/v1/events?detail=full&page_size=3", models.EventPage), ("/api/v1/timeline", models.Timeline),
        (f"/api/v1/events/{strike['event_id']}", models.EventDetail), ("/api/v1/facets", models.Facets),
        ("/api/v1/articles", models.ArticlePage), ("/api/v1/articles/w01_qaim_asad_retaliation", models.ArticleDetail),
        ("/api/v1/feeds", models.Feeds), ("/api/v1/events?type=Nonsense", models.ErrorBody),
    ]:
        model.model_validate(client.get(url).json(), strict=False)
    full = models.EventPage.model_validate(client.get("/api/v1/events?detail=full&page_size=3").json())
    assert all(isinstance(e, models.Event) for e in full.events)


def test_a_type_matches_in_any_case_and_an_unknown_one_is_refused(client):
    lower = client.get("/api/v1/events", params={"type": "air/drone strike", "status": "all"}).json()
    exact = client.get("/api/v1/events", params={"type": "Air/drone strike", "status": "all"}).json()
    assert lower["total"] == exact["total"] > 0
    unknown = client.get("/api/v1/facets", params={"type": "Nonsense"})
    assert unknown.status_code == 400 and "ACLED event type" in unknown.json()["error"]
    assert client.get("/api/v1/events", params={"type": "Protests"}).json()["total"] == 0  # ACLED's, none here


def test_a_repeated_filter_matches_any_of_its_values(client, everything):
    def expected(*countries):
        return {e["event_id"] for e in everything if e["location"]["country"] in countries and e["status"] == "reported"}

    both = client.get("/api/v1/events?country=IQ&country=so&page_size=1000").json()
    assert expected("IQ") and expected("SO") and set(ids(both["events"])) == expected("IQ", "SO")
    types = client.get("/api/v1/events?type=Air/drone+strike&type=Armed+clash&status=all&page_size=1000").json()
    assert {e["sub_event_type"] for e in types["events"]} == {
        e["sub_event_type"] for e in everything if e["sub_event_type"] in ("Air/drone strike", "Armed clash")}
    days = client.get("/api/v1/timeline?country=IQ&country=SO").json()
    assert sum(d["count"] for d in days["days"]) + days["undated"] == len(expected("IQ", "SO"))


def test_actor_matches_through_the_dictionarys_aliases(client, everything):
    kataib = {e["event_id"] for e in everything if "Kata'ib Hezbollah" in (e["actor1"], e["actor2"])
              and e["status"] == "reported"}
    assert kataib
    for spelling in ("Kataib", "kataib hezbollah", "Hezbollah Brigades", "Kata'ib"):
        found = set(ids(get_events(client, actor=spelling)["events"]))
        assert kataib <= found, spelling
    assert get_events(client, actor="Hezbollah Brigades")["total"] == len(kataib)


def test_paging_walks_back_through_prev_links(client):
    whole = ids(get_events(client, status="all")["events"])
    last = -(-len(whole) // 4)
    body = client.get(f"/api/v1/events?status=all&page_size=4&page={last}").json()
    assert body["next"] is None and (body["prev"] is not None) == (last > 1)
    pages = []
    while True:
        pages = ids(body["events"]) + pages
        if not body["prev"]:
            break
        body = client.get(body["prev"]).json()
    assert pages == whole and body["page"] == 1
    beyond = client.get("/api/v1/events", params={"page": 100, "page_size": 4, "status": "all"}).json()
    assert beyond["prev"].endswith(f"page={last}") or f"page={last}&" in beyond["prev"]


def test_the_timeline_counts_the_undated_events(client, everything):
    body = client.get("/api/v1/timeline", params={"status": "all"}).json()
    assert body["undated"] == sum(e["date_start"] is None for e in everything) > 0
