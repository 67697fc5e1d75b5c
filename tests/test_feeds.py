"""Issue 10: following feeds. RSS/Atom feeds and web pages fetched from a local server on 127.0.0.1
(tests/feedserver.py, fixtures in tests/fixtures/feeds/), polled politely and ingested incrementally;
bad input reported and counted while the watcher goes on; state kept in the ledger across restarts."""
import json
import socket
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from click.testing import CliRunner

from feedserver import Answer, FeedSite, endless
from strikelog.api import Ledger, ingest_sources
from strikelog.errors import FetchError
from strikelog.cli import cli, parse_interval
from strikelog.sources.feeds import article_id_for, read_feed_list
from strikelog.sources.http import Fetcher, FetchSettings, Validators, canonical_url
from strikelog.ledger import SCHEMA_VERSION, open_ledger
from strikelog.run.watch import FeedWatcher, backoff_over

from conftest import FIXTURES

FAST = FetchSettings(timeout=0.5, host_delay=0.0, per_host=4, workers=8, retries=1, backoff=0.0, max_bytes=2_000_000)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """No test here touches any address but 127.0.0.1."""
    connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            assert address[0] == "127.0.0.1", f"a test tried to reach {address}"
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def site():
    with FeedSite(FIXTURES / "feeds") as s:
        s.state = {"version": 1, "sent": 0}

        def redirect(target):
            return lambda path: Answer(302, b"", headers={"Location": target})

        def huge(path):
            def counted():
                for chunk in endless():
                    s.state["sent"] += len(chunk)
                    yield chunk
            return Answer(body=counted())

        s.routes.update({
            "/error.html": lambda path: Answer(500, b"<html><body>Internal error</body></html>"),
            "/slow.html": lambda path: Answer(body=s.file("yemen_drone.html").body, delay=2.0),
            "/loop/a": redirect("/loop/b"),
            "/loop/b": redirect("/loop/a"),
            "/huge.html": huge,
            "/htmlfeed.xml": lambda path: s.file("ukraine_shelling.html"),
            "/kramatorsk.html": lambda path: s.file(f"toll_v{s.state['version']}.html"),
            "/updates.rss": lambda path: s.file(f"updates_v{s.state['version']}.rss"),
        })
        yield s


def watcher(db, site, *paths, fetching=FAST):
    return FeedWatcher(db, [site.url(p) for p in paths], fetch_settings=fetching)


def poll(db, site, *paths, now=None):
    with watcher(db, site, *paths) as w:
        return w.poll(now)


def reasons(report):
    return {p.path: p.reason for p in report.problems}


def events_citing(db, article_id):
    with Ledger(db) as ledger:
        return [e for e in ledger.events(status="reported") if article_id in e["sources"]]


# ---- URLs and settings -----------------------------------------------------------------------------------
def test_canonical_urls_drop_tracking_parameters_fragments_and_default_ports():
    assert canonical_url("HTTPS://Example.org:443/a/b?utm_source=rss&id=3&fbclid=x#top") == "https://example.org/a/b?id=3"
    assert canonical_url("http://127.0.0.1:8080/x?ref=home") == "http://127.0.0.1:8080/x"
    assert canonical_url("http://example.org") == "http://example.org/"
    assert article_id_for("https://example.org/2025/02/yemen-drone-strike") .startswith("example-org-2025-02-yemen-drone-strike-")


def test_intervals_and_feed_lists(tmp_path):
    assert [parse_interval(t) for t in ("30s", "15m", "1h", "90")] == [30, 900, 3600, 90]
    with pytest.raises(Exception):
        parse_interval("soon")
    listing = tmp_path / "feeds.txt"
    listing.write_text("# outlets\nhttp://127.0.0.1:1/a.rss\n\nhttp://127.0.0.1:1/b.rss  # Africa desk\n", encoding="utf-8")
    assert read_feed_list([str(listing), "http://127.0.0.1:1/a.rss", "http://127.0.0.1:1/c.rss"]) == [
        "http://127.0.0.1:1/a.rss", "http://127.0.0.1:1/b.rss", "http://127.0.0.1:1/c.rss"]


# ---- one poll: good items in, every bad one named, counted, and passed over --------------------------------
def test_a_poll_ingests_the_good_items_and_reports_every_bad_one(site, tmp_path):
    db = tmp_path / "l.db"
    first = poll(db, site, "/africa.atom")
    jilib_before = json.dumps(events_citing(db, article_id_for(site.url("/somalia_airstrike.html"))), sort_keys=True)
    feeds = ["/world.rss", "/malformed.xml", "/htmlfeed.xml", "/nofeed.rss", "/africa.atom"]
    report = poll(db, site, *feeds)
    got = reasons(report)
    expected = {
        "/french.html": "not in English", "/arabic.html": "not in English", "/nobody.html": "no article body",
        "/missing.html": "HTTP 404", "/error.html": "HTTP 500", "/slow.html": "timed out",
        "/loop/a": "redirect loop", "/huge.html": "too large", "/private/story.html": "disallowed by robots.txt",
        "/malformed.xml": "malformed feed XML", "/htmlfeed.xml": "not a feed: the server sent an HTML page",
        "/nofeed.rss": "HTTP 404",
    }
    for path, reason in expected.items():
        assert reason in got.get(site.url(path), ""), (path, got)
    assert len(got) == len(expected)
    assert report.ingest.added == 2  # Yemen and Kherson; Jilib came in the first poll
    assert report.polled == 5 and report.failed == 3 and report.not_modified == 1
    assert first.ingest.added == 1 and first.changes.new
    # what was there before is untouched
    assert json.dumps(events_citing(db, article_id_for(site.url("/somalia_airstrike.html"))), sort_keys=True) == jilib_before
    yemen = events_citing(db, article_id_for(site.url("/yemen_drone.html")))
    assert [(e["location"]["country"], e["fatalities"]["best"]) for e in yemen] == [("YE", 4)]
    kherson = events_citing(db, article_id_for(site.url("/ukraine_shelling.html")))
    assert kherson and kherson[0]["location"]["country"] == "UA"
    assert {c.event_id for c in report.changes.new} >= {yemen[0]["event_id"], kherson[0]["event_id"]}
    with Ledger(db) as ledger:
        article = next(a for a in ledger.articles() if a["id"] == yemen[0]["sources"][0])
    assert article["url"] == site.url("/yemen_drone.html")  # tracking parameters stripped
    assert article["published"].startswith("2025-02-11T16:40")
    # the server's side: robots.txt read once, the disallowed page never asked for, the 100 MB page
    # abandoned at the size limit, a 500 tried again once, the redirect loop followed no further than around
    assert site.count("/robots.txt") == 2 and site.count("/private/story.html") == 0  # once per watcher
    assert site.count("/huge.html") == 1 and site.state["sent"] < 20 * FAST.max_bytes
    assert site.count("/error.html") == 2 and site.count("/loop/a") == 1 and site.count("/loop/b") == 1
    assert all(h.headers.get("User-Agent", "").startswith("strikelog/") for h in site.hits)
    # each problem counted on its feed's health
    with open_ledger(db) as store:
        health = {f["url"].removeprefix(site.base): f for f in store.feeds()}
    assert health["/world.rss"]["errors"] == 9 and health["/world.rss"]["failures"] == 0
    assert health["/world.rss"]["last_new"] and health["/world.rss"]["items"] == 11
    for bad in ("/malformed.xml", "/htmlfeed.xml", "/nofeed.rss"):
        assert health[bad]["failures"] == 1 and health[bad]["errors"] == 1 and health[bad]["last_new"] is None
    assert health["/africa.atom"]["not_modified"] == 1 and health["/africa.atom"]["errors"] == 0


def test_a_feed_whose_items_all_failed_for_now_is_read_again_and_lasting_failures_are_not(site, tmp_path):
    db = tmp_path / "l.db"
    poll(db, site, "/world.rss")
    counts = {p: site.count(p) for p in ("/world.rss", "/missing.html", "/error.html", "/nobody.html", "/yemen_drone.html")}
    report = poll(db, site, "/world.rss")
    assert report.not_modified == 0  # validators were dropped: a 500 and a timeout wait for a retry
    assert site.count("/error.html") == counts["/error.html"] + 2 and site.count("/slow.html") == 4
    for settled in ("/missing.html", "/nobody.html", "/yemen_drone.html"):
        assert site.count(settled) == counts[settled]  # a 404, a page without body, an article: settled
    assert report.ingest.added == 0 and report.new_items == 0


# ---- thrift: conditional GET, nothing fetched twice, restarts --------------------------------------------
def test_the_second_poll_gets_304s_and_fetches_nothing(site, tmp_path):
    db = tmp_path / "l.db"
    poll(db, site, "/africa.atom", "/updates.rss")
    pages = site.count("/somalia_airstrike.html") + site.count("/kramatorsk.html")
    feeds_before = site.count("/africa.atom") + site.count("/updates.rss")
    report = poll(db, site, "/africa.atom", "/updates.rss")
    assert report.not_modified == 2 and report.pages_fetched == 0
    assert site.count("/somalia_airstrike.html") + site.count("/kramatorsk.html") == pages == 2
    second = site.hits[-2:]
    assert all(h.status == 304 and h.headers.get("If-None-Match") and h.headers.get("If-Modified-Since") for h in second)
    assert site.count("/africa.atom") + site.count("/updates.rss") == feeds_before + 2


def test_a_restarted_watcher_goes_on_where_the_last_one_stopped(site, tmp_path):
    db = tmp_path / "l.db"
    site.routes["/somalia_second_outlet.html"] = lambda path: Answer(503, b"busy")
    site.state["version"] = 2
    with watcher(db, site, "/updates.rss") as first:
        report = first.poll()
    assert report.ingest.added == 1 and "HTTP 503" in reasons(report)[site.url("/somalia_second_outlet.html")]
    del site.routes["/somalia_second_outlet.html"]  # the outlet is back
    with watcher(db, site, "/updates.rss") as second:  # a new process: new store, new fetcher
        report = second.poll()
    assert report.ingest.added == 1 and not report.problems  # nothing skipped
    assert site.count("/kramatorsk.html") == 1  # nothing fetched twice
    assert site.count("/somalia_second_outlet.html") == 1 + FAST.retries + 1
    with watcher(db, site, "/updates.rss") as third:
        report = third.poll()
    assert report.not_modified == 1 and site.count("/kramatorsk.html") == 1


def test_an_item_updated_between_polls_replaces_its_mentions_and_the_change_is_reported(site, tmp_path):
    db = tmp_path / "l.db"
    first = poll(db, site, "/africa.atom", "/updates.rss")
    kramatorsk = article_id_for(site.url("/kramatorsk.html"))
    jilib = article_id_for(site.url("/somalia_airstrike.html"))
    [before] = events_citing(db, kramatorsk)
    assert before["fatalities"]["best"] == 5 and {c.event_id for c in first.changes.new} >= {before["event_id"]}
    site.state["version"] = 2  # the outlet updates its story and its feed; a second outlet reports Jilib
    report = poll(db, site, "/africa.atom", "/updates.rss")
    assert report.ingest.updated == 1 and report.ingest.added == 1
    assert site.requests_for("/kramatorsk.html")[-1].headers.get("If-None-Match")  # asked conditionally
    [after] = events_citing(db, kramatorsk)
    assert after["fatalities"]["best"] == 12 and after["sources"] == [kramatorsk]
    with Ledger(db) as ledger:
        sentences = [c["sentence"] for c in ledger.event(after["event_id"])["claims"]]
    assert not any("at least five" in s for s in sentences)  # the earlier mentions are gone
    [revised] = [c for c in report.changes.revised if c.event_id == after["event_id"]]
    assert [(r.field, r.before, r.after) for r in revised.revisions][0] == ("fatalities", 5, 12)
    [jilib_event] = events_citing(db, jilib)
    [gained] = [c for c in report.changes.gained_source if c.event_id == jilib_event["event_id"]]
    assert gained.new_sources == (article_id_for(site.url("/somalia_second_outlet.html")),)
    assert not report.changes.new
    lines = report.changes.lines()
    assert any(line.startswith("revised ") and "fatalities 5 -> 12" in line for line in lines)
    assert any(line.startswith("new source for ") for line in lines)


# ---- politeness ----------------------------------------------------------------------------------------------
class StoppedClock:
    """The fetcher's clock, stopped: time moves only when a thread sleeps, and only for that thread. So
    the moment a request goes out is the turn the fetcher gave it, however the threads are scheduled
    (a wall clock would measure the scheduler too)."""

    def __init__(self):
        self.local = threading.local()

    def monotonic(self) -> float:
        return getattr(self.local, "now", 1000.0)

    def sleep(self, seconds: float) -> None:
        self.local.now = self.monotonic() + seconds


class SendTimes(httpx.HTTPTransport):
    """The real transport, noting each request's path and the sending thread's clock as it goes out."""

    def __init__(self, clock: StoppedClock):
        super().__init__()
        self.clock = clock
        self.sent: list[tuple[float, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((self.clock.monotonic(), request.url.path))
        return super().handle_request(request)


def test_robots_user_agent_and_per_host_delay(site, monkeypatch):
    clock = StoppedClock()
    monkeypatch.setattr("strikelog.sources.http.time", clock)
    paths = [f"/page{i}.html" for i in range(6)]
    for p in paths:
        site.routes[p] = lambda path: Answer(body=b"<html><body><p>x</p></body></html>")
    spaced = FetchSettings(timeout=2, host_delay=0.05, per_host=4, workers=4, retries=0)
    wire = SendTimes(clock)
    with Fetcher(spaced, transport=wire) as fetcher:  # slots to spare: only the delay keeps requests apart
        answers = list(fetcher.get_many([(site.url(p), Validators()) for p in paths]))
    assert len(answers) == len(paths) and all(a.status == 200 for _, a in answers)
    assert site.count("/robots.txt") == 1 and sorted(h.path for h in site.hits)[:-1] == paths
    assert all(h.headers["User-Agent"].startswith("strikelog/") for h in site.hits)
    assert sorted(wire.sent)[0] == (1000.0, "/robots.txt")  # robots.txt first, then one request per 0.05 s
    assert [t for t, _ in sorted(wire.sent)] == [pytest.approx(1000.0 + 0.05 * i) for i in range(7)]


def test_at_most_per_host_requests_in_flight_seen_from_the_server(site):
    """Each page is held until a second request is in flight (or 5 s): two in flight at once is then
    certain, whatever the timing, and a third would show in the server's count."""
    paths = [f"/page{i}.html" for i in range(6)]
    second = threading.Event()

    def page(path):
        if site.in_flight >= 2:
            second.set()
        second.wait(timeout=5)
        return Answer(body=b"<html><body><p>x</p></body></html>")

    site.routes.update({p: page for p in paths})
    parallel = FetchSettings(timeout=10, host_delay=0.0, per_host=2, workers=6, retries=0)
    with Fetcher(parallel) as fetcher:
        answers = list(fetcher.get_many([(site.url(p), Validators()) for p in paths]))
    assert len(answers) == len(paths) and all(a.status == 200 for _, a in answers)
    assert max(h.in_flight for h in site.hits if h.path in paths) == 2


def test_a_closed_port_is_named_as_such():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound but not listening: every connection is refused
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/report.html"
        with Fetcher(FetchSettings(timeout=2, host_delay=0.0, retries=0)) as fetcher:
            with pytest.raises(FetchError) as caught:
                fetcher.get(url)
    assert str(caught.value).startswith(f"{url}: robots.txt could not be read (cannot connect: ConnectError")
    assert caught.value.transient


def test_a_page_announced_too_large_or_not_html_is_refused_before_its_body(site, tmp_path):
    site.routes["/declared.html"] = lambda path: Answer(body=endless(), headers={"Content-Length": str(100 * 2 ** 20)})
    site.routes["/report.pdf"] = lambda path: Answer(body=b"%PDF-1.7 ...", content_type="application/pdf")
    report = ingest_sources([site.url("/declared.html"), site.url("/report.pdf")], tmp_path / "l.db", fetch_settings=FAST)
    got = reasons(report)
    assert got[site.url("/declared.html")] == "too large (104,857,600 bytes announced; the limit is 2,000,000)"
    assert got[site.url("/report.pdf")] == "not an HTML page (content type application/pdf)"
    assert report.added == 0
    with open_ledger(tmp_path / "l.db") as store:  # lasting failures: not asked for again by a feed
        assert store.seen_url(site.url("/report.pdf"))["outcome"].startswith("not an HTML page")


def test_a_failing_feed_is_polled_less_and_less_often(site, tmp_path):
    db = tmp_path / "l.db"
    now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    with watcher(db, site, "/nofeed.rss") as w:
        assert w.poll(now).failed == 1
        assert w.poll(now + timedelta(seconds=30)).backing_off == 1  # 1 failure: wait a minute
        assert w.poll(now + timedelta(seconds=61)).failed == 1
        assert w.poll(now + timedelta(seconds=61 + 100)).backing_off == 1  # 2 failures: two minutes
        assert w.poll(now + timedelta(seconds=61 + 121)).failed == 1
    assert site.count("/nofeed.rss") == 3 * (1 + FAST.retries) - 3  # a 404 is not retried within a poll
    feed = {"failures": 10, "last_poll": now.isoformat()}
    assert not backoff_over(feed, now + timedelta(hours=5)) and backoff_over(feed, now + timedelta(hours=6))


# ---- the commands ------------------------------------------------------------------------------------------
def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_ingest_takes_urls_and_paths_together(site, tmp_path, write_article):
    db = tmp_path / "l.db"
    text = write_article("kherson.txt", (FIXTURES / "reports" / "f28_kherson_bus_headline.txt").read_text())
    result = invoke("ingest", site.url("/yemen_drone.html?utm_campaign=x"), text, "--db", db, "-q", "--timeout", "1")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stderr
    result = invoke("ingest", site.url("/yemen_drone.html"), site.url("/missing.html"), "--db", db, "-q")
    assert "0 added, 0 updated, 1 unchanged, 1 skipped" in result.stderr  # a 304 for the page we have
    assert f"{site.url('/missing.html')}: HTTP 404" in result.stderr
    assert site.requests_for("/yemen_drone.html")[-1].status == 304


def test_ingest_without_urls_touches_no_network(tmp_path, write_article, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", lambda *a: pytest.fail("network touched"))
    text = write_article("kherson.txt", (FIXTURES / "reports" / "f28_kherson_bus_headline.txt").read_text())
    assert ingest_sources([text], tmp_path / "l.db").added == 1


def test_watch_once_prints_what_changed(site, tmp_path):
    db = tmp_path / "l.db"
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"{site.url('/africa.atom')}\n{site.url('/updates.rss')}\n", encoding="utf-8")
    result = invoke("watch", "--once", "--db", db, "--delay", "0", "--timeout", "1", listing)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("new event: ") == 2 and "Jilib" in result.stdout
    assert "2 feeds polled" in result.stderr
    site.state["version"] = 2
    result = invoke("watch", "--once", "--db", db, "--delay", "0", listing)
    assert "revised" in result.stdout and "fatalities 5 -> 12" in result.stdout
    assert "new source for" in result.stdout
    result = invoke("watch", "--once", "--db", db, "--delay", "0", site.url("/nofeed.rss"))
    assert result.exit_code == 1 and "no feed could be read" in result.stderr


def test_watch_stops_cleanly_on_ctrl_c(site, tmp_path, monkeypatch):
    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", interrupted)
    result = invoke("watch", "--every", "30s", "--db", tmp_path / "l.db", "--delay", "0", site.url("/africa.atom"))
    assert result.exit_code == 0 and "stopped" in result.stderr and "new event: " in result.stdout


# ---- the ledger ----------------------------------------------------------------------------------------------
def test_a_ledger_of_the_previous_schema_opens_and_follows_feeds(site, tmp_path):
    db = tmp_path / "l.db"
    poll(db, site, "/africa.atom")
    events = json.dumps(Ledger(db).events(), sort_keys=True)
    old = sqlite3.connect(db)  # what a version-2 ledger looked like: no feed tables
    for table in ("feeds", "feed_items", "seen_urls"):
        old.execute(f"DROP TABLE {table}")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    with open_ledger(db) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3  # upgraded to the current one
        assert store.feeds() == []
    assert json.dumps(Ledger(db).events(), sort_keys=True) == events
    report = poll(db, site, "/africa.atom", "/updates.rss")
    assert report.ingest.unchanged == 1 and report.ingest.added == 1  # the known page is asked for again, once
