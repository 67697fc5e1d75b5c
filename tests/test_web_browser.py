"""The page in real headless Chromium (Debian's chromium package, driven by Playwright), served by
uvicorn on loopback over a ledger built from fixture articles. A screenshot is saved as an artifact
($STRIKELOG_ARTIFACTS, default test-artifacts/)."""
import os
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from strikelog.ledger import EventFilters, open_ledger

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("STRIKELOG_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)")


@pytest.fixture(scope="module")
def events(web_ledger):
    with open_ledger(web_ledger) as store:
        rows, _ = store.search_events(EventFilters(), page_size=1000, full=True)
    return rows


@pytest.fixture(scope="module")
def chain(events):
    """(strike, response) from the w01 fixture: the response is reported as retaliation for the strike."""
    response = next(e for e in events if e["sources"] == ["w01_qaim_asad_retaliation"] and e["responds_to"])
    return next(e for e in events if e["event_id"] == response["responds_to"][0]), response


@pytest.fixture(scope="module")
def server(web_ledger):
    """The app under uvicorn in a thread, on a loopback socket bound before it starts (no port race)."""
    import uvicorn

    from strikelog.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(web_ledger), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, server, web_ledger):
    """A fresh page, 1400 px wide (or as wide as the test's `width` mark says). The server's Content-Security-Policy is bypassed so that escaping alone is what keeps
    article text inert; any request leaving the server (a CDN, tiles) is refused and fails the test."""
    width = request.node.get_closest_marker("width")
    context = browser.new_context(viewport={"width": width.args[0] if width else 1400, "height": 1000}, bypass_csp=True)
    outside, errors = [], []
    context.route(re.compile(r"^(?!" + re.escape(server) + ").*"), lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.server = server
    page.server_ledger = web_ledger
    yield page
    context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"
    assert errors == [], f"script errors in the page: {errors}"


def open_page(page, query=""):
    page.goto(page.server + "/" + query)
    wait_ready(page)


def wait_ready(page):
    page.locator("body[data-state=ready]").wait_for(timeout=15000)


def query_of(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_filter_open_an_event_see_its_evidence_and_follow_the_chain(page, events, chain):
    from playwright.sync_api import expect

    strike, response = chain
    open_page(page)
    reported = [e for e in events if e["status"] == "reported"]
    expect(page.locator("#events tbody tr")).to_have_count(len(reported))
    expect(page.locator("#map .leaflet-overlay-pane canvas, #map .leaflet-overlay-pane svg").first).to_be_attached()

    page.select_option("select[name=country]", "IQ")
    page.fill("input[name=since]", "2024-02-01")
    page.fill("input[name=until]", "2024-02-10")
    page.click("#filters button[type=submit]")
    wait_ready(page)
    expect(page.locator("#status")).to_have_text(re.compile(r"^2 events match"))
    expect(page.locator("#events tbody tr")).to_have_count(2)
    assert query_of(page) == {"country": "IQ", "since": "2024-02-01", "until": "2024-02-10"}

    page.locator(f"#events tr[data-event-id='{response['event_id']}'] a").click()
    expect(page.locator("#event-id")).to_have_text(response["event_id"])
    evidence = page.locator("#panel ul.evidence blockquote", has_text="fired rockets at Ain al-Asad air base")
    expect(evidence).to_be_visible()
    expect(page.locator("#panel table.fields tr", has_text="Actor 1").locator("mark").first).to_have_text("Kata'ib Hezbollah")

    link = page.locator("#panel ol.chain a")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("2024-02-05")
    link.click()
    expect(page.locator("#event-id")).to_have_text(strike["event_id"])
    assert query_of(page)["event"] == strike["event_id"]
    expect(page.locator("#panel ol.chain li.current")).to_contain_text("2024-02-05")
    expect(page.locator("#panel ol.chain li:not(.current)")).to_contain_text("responds to this event")
    place_mark = page.locator("#panel table.fields tr", has_text="Place").locator("mark").first
    expect(place_mark).to_have_text("Al-Qaim")  # the gazetteer's "Al Qā’im", matched across spelling

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-event-chain.png"), full_page=True)
    assert (ARTIFACTS / "web-event-chain.png").stat().st_size > 10_000

    page.go_back()
    expect(page.locator("#event-id")).to_have_text(response["event_id"])


def test_a_shared_url_restores_filters_and_event(page, chain):
    from playwright.sync_api import expect

    _, response = chain
    open_page(page, f"?country=IQ&sort=-fatalities&event={response['event_id']}")
    expect(page.locator("select[name=country]")).to_have_value("IQ")
    expect(page.locator("#events tbody tr")).to_have_count(2)
    expect(page.locator("#events th[data-sort=fatalities]")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#event-id")).to_have_text(response["event_id"])
    export = page.locator("#exports a[data-format=csv]")
    expect(export).to_have_attribute("href", "/api/v1/events.csv?country=IQ")


def test_brushing_the_timeline_filters_the_table(page, events):
    from playwright.sync_api import expect

    open_page(page)
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"since=.*until="))
    wait_ready(page)
    since, until = query_of(page)["since"], query_of(page)["until"]
    expected = [e for e in events if e["status"] == "reported" and e["date_start"] and since <= e["date_start"] <= until]
    assert 0 < len(expected) < sum(e["status"] == "reported" for e in events)
    expect(page.locator("#events tbody tr")).to_have_count(len(expected))
    expect(page.locator("input[name=since]")).to_have_value(since)


def test_markup_in_an_article_is_shown_as_text_and_never_runs(page, events):
    from playwright.sync_api import expect

    event = next(e for e in events if e["sources"] == ["w02_markup_in_text"])
    open_page(page, f"?event={event['event_id']}")
    expect(page.locator("#panel ul.evidence")).to_contain_text("<script>window.__xss")
    page.locator("#panel ul.evidence a[href*='article=w02_markup_in_text']").first.click()
    expect(page.locator("#article-id")).to_have_text("w02_markup_in_text")
    text = page.locator("#panel .article-text")
    expect(text).to_contain_text('<img src=x onerror="window.__xss=\'body\'">')
    expect(text).to_contain_text("<script>window.__xss = 'script'</script>")
    expect(page.locator("#panel")).to_contain_text('<img src=x onerror="window.__xss=\'outlet\'">')
    assert page.locator("#panel img, #panel script, main script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)  # give an injected handler every chance to fire
    assert page.evaluate("window.__xss") is None


def test_conflicting_claims_stand_side_by_side(page, events):
    from playwright.sync_api import expect

    event = next(e for e in events if e["sources"] == ["w03_monywa_conflicting_tolls"])
    open_page(page, f"?event={event['event_id']}")
    group = page.locator("#panel .claim-group.conflict")
    expect(group).to_have_count(1)
    expect(group.locator("h4")).to_have_text("fatalities: sources disagree")
    claims = group.locator(".claim")
    expect(claims).to_have_count(2)
    first, second = claims.nth(0).bounding_box(), claims.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] - 2, "not side by side"
    expect(claims.nth(0).locator("mark")).to_have_text("five")
    expect(claims.nth(1).locator("mark")).to_have_text("17")


# ---- issue 19: clusters, timeline axis, legend, table columns, row clicks, sources, phones, Datasette ----
PHONE = 390


def test_clusters_axis_legend_and_the_table_columns(page, events):
    from playwright.sync_api import expect

    reported = [e for e in events if e["status"] == "reported"]
    placed = [e for e in reported if e["location"]["lat"] is not None]
    open_page(page)
    clusters = page.locator("#map .marker-cluster")
    expect(clusters.first).to_be_visible()
    in_clusters = sum(int(t) for t in clusters.all_inner_texts())
    singles = page.locator("#map .event-marker").count()
    assert in_clusters + singles == len(placed) and in_clusters > 1
    types = {e["event_type"] for e in placed}
    expect(page.locator("#legend li")).to_have_count(len(types))
    assert set(page.locator("#legend li").all_inner_texts()) == types
    counts = page.locator("#timeline text.count").all_text_contents()
    assert counts[0] == "0" and len(counts) >= 2 and page.locator("#timeline line.y-axis").count() == 1
    undated = sum(e["date_start"] is None for e in reported)
    expect(page.locator("#timeline-caption")).to_contain_text(f"{undated} without a date")
    headers = page.locator("#events thead th").all_inner_texts()
    assert {"Event type", "Sub-event type", "Admin1", "Wounded"} <= {h.strip(" ▲▼") for h in headers}
    hurt = next(e for e in reported if e["wounded"]["best"])
    row = page.locator(f"#events tr[data-event-id='{hurt['event_id']}'] td")
    cells = dict(zip([h.strip(" ▲▼") for h in headers], row.all_inner_texts()))
    assert (cells["Event type"], cells["Admin1"], cells["Wounded"]) == (
        hurt["event_type"], hurt["location"]["admin1"] or "-", str(hurt["wounded"]["best"]))

    one = next(c for c in {e["location"]["country"] for e in reported}
               if c and sum(e["location"]["country"] == c for e in reported) == 1)
    page.select_option("select[name=country]", one)
    page.click("#filters button[type=submit]")
    wait_ready(page)
    expect(page.locator("#status")).to_have_text(re.compile(r"^1 event matches"))


def test_a_row_click_opens_the_panel_with_sources_by_outlet_and_headline(page, events):
    from playwright.sync_api import expect

    single = next(e for e in events if e["sources"] == ["f16_africom_strike_jilib"] and e["status"] == "reported")  # one source
    open_page(page)
    page.locator(f"#events tr[data-event-id='{single['event_id']}'] td").nth(5).click()  # the place, not the link
    expect(page.locator("#event-id")).to_have_text(single["event_id"])
    assert query_of(page)["event"] == single["event_id"]
    expect(page.locator(f"#events tr.open[data-event-id='{single['event_id']}']")).to_have_count(1)
    with open_ledger(page.server_ledger) as store:
        article = store.article("f16_africom_strike_jilib")
    source = page.locator("#panel ul.sources li")
    expect(source).to_have_count(1)
    expect(source.locator(".outlet")).to_have_text(article["outlet"])
    expect(source.locator("a", has_text=article["title"])).to_have_count(1)
    expect(source.locator(f"a[href='{article['url']}']")).to_have_count(1)
    expect(page.locator("#panel ul.evidence a").first).to_have_text(f"from {article['outlet']}: {article['title']}")
    expect(page.locator("#panel p.meta").first).to_contain_text("1 source")


@pytest.mark.width(PHONE)
def test_on_a_phone_the_page_fits_and_the_panel_opens_above_the_map(page, events, chain):
    from playwright.sync_api import expect

    _, response = chain
    open_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "the page is wider than the phone"
    map_box = page.locator("#map").bounding_box()
    assert map_box["width"] >= PHONE - 40 and map_box["height"] >= 250, map_box
    expect(page.locator("#map .marker-cluster").first).to_be_visible()
    page.locator(f"#events tr[data-event-id='{response['event_id']}'] td").nth(3).click()
    expect(page.locator("#event-id")).to_have_text(response["event_id"])
    panel = page.locator("#panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE, panel
    assert panel["y"] < page.locator("#map").bounding_box()["y"], "the panel should come before the map"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    for selector in ("#panel .close", "#panel table.fields", "#panel ul.evidence blockquote"):
        box = page.locator(selector).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (selector, box)
    timeline = page.locator("#timeline").bounding_box()
    assert timeline["width"] <= PHONE and page.locator("#timeline text.count").count() >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-phone-390.png"), full_page=True)
    page.locator("#panel .close").click()
    expect(page.locator("#panel")).to_be_hidden()


@pytest.fixture(scope="module")
def datasette_server(web_ledger):
    """Datasette with datasette-cluster-map over the ledger, as docs/datasette.md runs it, under uvicorn."""
    datasette_app = pytest.importorskip("datasette.app")
    import uvicorn

    from strikelog.web.datasette import metadata

    ds = datasette_app.Datasette([str(web_ledger)], metadata=metadata(web_ledger))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_datasette_shows_the_events_with_facets_search_and_the_cluster_map(browser, datasette_server, events):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(re.compile(r"^(?!" + re.escape(datasette_server) + ").*"), lambda route: route.abort())  # map tiles
    page = context.new_page()
    try:
        page.goto(f"{datasette_server}/ledger/events_flat")
        expect(page.locator("input[name=_search]")).to_be_visible()
        for facet in ("status", "country", "event_type", "actor1"):
            expect(page.locator(f".facet-info[data-column='{facet}']")).to_have_count(1)
        expect(page.locator(".leaflet-container").first).to_be_visible(timeout=15000)
        page.fill("input[name=_search]", "retaliation")
        page.locator("input[name=_search]").press("Enter")
        page.wait_for_url(re.compile(r"_search=retaliation"))
        expected = [e for e in events if "retaliation" in " ".join(s["sentence"] for s in e["evidence"]).lower()]
        expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(len(expected))
        page.goto(f"{datasette_server}/ledger/events_flat")
        expect(page.locator(".leaflet-marker-icon, .marker-cluster").first).to_be_visible(timeout=15000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "datasette-events.png"))  # the top: search, facets, map
        assert (ARTIFACTS / "datasette-events.png").stat().st_size > 10_000
    finally:
        context.close()
