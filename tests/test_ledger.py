"""Issue 5: one event, many reports. Incremental merging in the ledger, order independence,
analysts' decisions that survive re-ingestion, escalation chains and the timeline."""
import itertools
import json
import random
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from strikelog import extract_paths, to_contract
from strikelog.api import Ledger, ingest_paths
from strikelog.cli import cli
from strikelog.merge import Frame, KeyIndex, qualifies
from strikelog.records import DateRange, Location
from strikelog.resources import lexicon

ARTICLES = {
    "wire_kramatorsk": ("2025-03-03T21:00", """Missile strike on Kramatorsk kills at least five

KYIV, March 3 (Wire) - A Russian Iskander-M ballistic missile struck a residential block in Kramatorsk on Monday, killing at least five civilians and wounding 19, regional governor Vadym Filashkin said.

Rescue workers were still searching the rubble on Monday evening.
"""),
    "local_kramatorsk": ("2025-03-05T10:00", """Kramatorsk toll rises to 12 after Monday missile strike

Twelve people were killed and 23 wounded in Monday's Russian missile strike on Kramatorsk, the regional administration said on Wednesday, raising the toll.
"""),
    "tanker_attack": ("2024-08-13T18:00", """Houthis attack tanker near Mokha

SANAA, Aug 13 (Wire) - The Houthis attacked an oil tanker near Mokha on Tuesday with an explosive drone, the ship's operator said. Two crew members were wounded in the attack.
"""),
    "radar_strike": ("2024-08-15T20:00", """US strikes Houthi radar site near Hodeidah

US forces struck a Houthi radar site near Hodeidah on Thursday in retaliation for the drone attack on a tanker, US Central Command said. CENTCOM said the strike destroyed the radar.
"""),
    "two_attacks": ("2024-01-24T20:00", """Two attacks hit Ain al-Asad in one day

Militants fired three Katyusha rockets at Ain al-Asad air base in western Iraq on Wednesday morning, the US military said. No one was hurt.

Hours later, a mortar attack struck the same base, wounding two contractors, officials said.
"""),
}


def write(folder, name):
    published, text = ARTICLES[name]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps({"published": published}), encoding="utf-8")
    return folder / f"{name}.txt"


def ledger_json(db):
    with Ledger(db) as ledger:
        return json.dumps(ledger.events(), sort_keys=True)


def events_of(db, article):
    with Ledger(db) as ledger:
        return [e for e in ledger.events(status="reported") if article in e["sources"]]


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_two_outlets_make_one_event_and_the_latest_official_toll_wins(tmp_path):
    paths = [write(tmp_path, "wire_kramatorsk"), write(tmp_path, "local_kramatorsk")]
    events = [to_contract(e) for e in extract_paths(paths).events if e.status == "reported"]
    kramatorsk = [e for e in events if e["location"]["name"] == "Kramatorsk"]
    assert len(kramatorsk) == 1
    event = kramatorsk[0]
    assert event["sources"] == ["local_kramatorsk", "wire_kramatorsk"]
    assert event["fatalities"]["best"] == 12  # the later official figure, not the first "at least five"
    assert {(c["value"], c["article"]) for c in event["claims"] if c["field"] == "fatalities"} >= {
        (5, "wire_kramatorsk"), (12, "local_kramatorsk")}


@pytest.mark.parametrize("order", [("tanker_attack", "radar_strike"), ("radar_strike", "tanker_attack")])
def test_a_retaliation_finds_what_it_answers_in_the_ledger_whatever_came_first(tmp_path, order):
    db = tmp_path / "l.db"
    for name in order:
        ingest_paths([write(tmp_path / name, name)], db)
    (attack,) = events_of(db, "tanker_attack")
    (strike,) = events_of(db, "radar_strike")
    assert strike["responds_to"] == [attack["event_id"]]
    assert attack["responds_to"] == []


def test_order_of_arrival_does_not_change_the_ledger(tmp_path):
    names = sorted(ARTICLES)
    seen = set()
    for n, order in enumerate(itertools.islice(itertools.permutations(names), 0, 120, 29)):
        db = tmp_path / f"l{n}.db"
        for name in order:  # one article per ingest: each merges into what is already there
            ingest_paths([write(tmp_path / f"in{n}" / name, name)], db)
        seen.add(ledger_json(db))
    assert len(seen) == 1
    batch = extract_paths([write(tmp_path / "batch", name) for name in names]).events
    assert json.loads(seen.pop()) == sorted((to_contract(e) for e in batch),
                                            key=lambda e: (e["date_start"] is None, e["date_start"] or "", e["event_id"]))


def test_ingesting_again_changes_nothing(tmp_path):
    db = tmp_path / "l.db"
    folder = tmp_path / "in"
    for name in ARTICLES:
        write(folder, name)
    ingest_paths([folder], db)
    before = ledger_json(db)
    report = ingest_paths([folder], db)
    assert (report.added, report.updated, report.unchanged) == (0, 0, len(ARTICLES))
    assert ledger_json(db) == before


def test_two_attacks_on_one_base_in_one_article_stay_two_events(tmp_path):
    db = tmp_path / "l.db"
    ingest_paths([write(tmp_path, "two_attacks")], db)
    events = events_of(db, "two_attacks")
    assert len(events) == 2
    assert {w for e in events for w in e["weapons"]} >= {"Katyusha rocket", "mortar"}
    other = tmp_path / "other" / "wire.txt"
    other.parent.mkdir()
    other.write_text("Rockets and mortars hit Ain al-Asad\n\nRockets and mortar rounds struck Ain al-Asad air base "
                     "in Iraq on Wednesday, an Iraqi security official said.\n", encoding="utf-8")
    other.with_name("wire.meta.json").write_text('{"published": "2024-01-24T22:00"}', encoding="utf-8")
    ingest_paths([other], db)
    assert len(events_of(db, "two_attacks")) == 2  # a third report never fuses the article's two events


def test_an_analysts_merge_and_split_survive_reingestion(tmp_path):
    db = tmp_path / "l.db"
    folder = tmp_path / "in"
    attack, strike = write(folder, "tanker_attack"), write(folder, "radar_strike")
    ingest_paths([folder], db)
    (a,) = events_of(db, "tanker_attack")
    (b,) = events_of(db, "radar_strike")
    with Ledger(db) as ledger:
        merged = ledger.merge(a["event_id"], b["event_id"])
        assert ledger.event(merged)["sources"] == ["radar_strike", "tanker_attack"]
    attack.write_text(attack.read_text() + "\nThe operator said the tanker sailed on.\n", encoding="utf-8")
    assert ingest_paths([folder], db).updated == 1
    assert [e["sources"] for e in events_of(db, "tanker_attack")] == [["radar_strike", "tanker_attack"]]
    with Ledger(db) as ledger:
        pieces = ledger.split(events_of(db, "tanker_attack")[0]["event_id"], "radar_strike")
    assert len(pieces) == 2
    strike.write_text(strike.read_text() + "\nNo US personnel were hurt.\n", encoding="utf-8")
    assert ingest_paths([folder], db).updated == 1
    assert [e["sources"] for e in events_of(db, "tanker_attack")] == [["tanker_attack"]]
    assert [e["sources"] for e in events_of(db, "radar_strike")] == [["radar_strike"]]


def test_a_split_of_an_automatic_merge_holds(tmp_path):
    db = tmp_path / "l.db"
    folder = tmp_path / "in"
    write(folder, "wire_kramatorsk")
    local = write(folder, "local_kramatorsk")
    ingest_paths([folder], db)
    (event,) = [e for e in events_of(db, "wire_kramatorsk") if e["location"]["name"] == "Kramatorsk"]
    assert len(event["sources"]) == 2
    result = invoke("split", event["event_id"], "--article", "local_kramatorsk", "--db", db)
    assert result.exit_code == 0 and len(result.stdout.split()) == 2
    local.write_text(local.read_text().replace("on Wednesday", "on Wednesday evening"), encoding="utf-8")
    ingest_paths([folder], db)
    assert [e["sources"] for e in events_of(db, "wire_kramatorsk")] == [["wire_kramatorsk"]]  # the split holds
    assert [e["sources"] for e in events_of(db, "local_kramatorsk")] == [["local_kramatorsk"]]


def test_merge_and_split_explain_bad_requests(tmp_path):
    db = tmp_path / "l.db"
    ingest_paths([write(tmp_path, "tanker_attack")], db)
    (event,) = events_of(db, "tanker_attack")
    missing = invoke("merge", event["event_id"], "ev-000000000000", "--db", db)
    assert missing.exit_code == 1 and "no event 'ev-000000000000'" in missing.stderr
    alone = invoke("split", event["event_id"], "--article", "tanker_attack", "--db", db)
    assert alone.exit_code == 1 and "only source" in alone.stderr
    stranger = invoke("split", event["event_id"], "--article", "nope", "--db", db)
    assert stranger.exit_code == 1 and "not one of its sources" in stranger.stderr


def test_timeline_shows_the_chain_as_text_and_json(tmp_path):
    db = tmp_path / "l.db"
    ingest_paths([write(tmp_path, "tanker_attack"), write(tmp_path, "radar_strike"), write(tmp_path, "two_attacks")], db)
    chains = json.loads(invoke("timeline", "--db", db, "--format", "json").stdout)
    linked = [c for c in chains if c["links"]]
    assert len(linked) == 1
    chain = linked[0]
    assert [e["date_start"] for e in chain["events"]] == ["2024-08-13", "2024-08-15"]
    assert chain["links"] == [{"from": chain["events"][1]["event_id"], "to": chain["events"][0]["event_id"]}]
    text = invoke("timeline", "--db", db, "--country", "YE").stdout
    assert "└─ answered by 2024-08-15" in text and "Ain al-Asad" not in text
    only_iraq = json.loads(invoke("timeline", "--db", db, "--country", "IQ", "--format", "json").stdout)
    assert only_iraq and all(not c["links"] for c in only_iraq)


def test_blocking_never_misses_a_pair_that_would_merge():
    """Every pair of frames that qualifies as one event shares a blocking key: the blocked merge
    equals the all-pairs one. Random frames crowded into a small area and a few months."""
    lex = lexicon()
    rng = random.Random(7)
    actors = [None, "Russian military", "Houthis", "US military", "Hezbollah", "Israeli military"]
    weapons = [[], ["drone"], ["Shahed-136"], ["Iskander-M"], ["rocket"], ["Katyusha rocket"], ["mortar"]]
    places = [Location(None, None, None, None, None, 4), Location("Yemen", "YE", None, None, None, 4)]
    places += [Location(f"Town {n}", "YE", None, 14 + rng.random() * 2, 43 + rng.random() * 2, rng.choice([1, 2]))
               for n in range(12)]
    places += [Location("Unmapped", "YE", None, None, None, 1)]

    def when():
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(120))
        precision = rng.choice(["day", "day", "day", "month", "unknown", "week"])
        if precision == "unknown":
            return DateRange.unknown()
        return DateRange(start, start + timedelta(days={"day": 0, "week": 6, "month": 29}[precision]), precision)

    frames = {
        (f"a{n % 40}", n): Frame(article=f"a{n % 40}", mentions=[0], actor1=rng.choice(actors), actor2=rng.choice(actors),
                                 when=when(), where=rng.choice(places), weapons=list(rng.choice(weapons)))
        for n in range(400)
    }
    index = KeyIndex(frames)
    qualifying = [(a, b) for a, b in itertools.combinations(sorted(frames), 2)
                  if qualifies(frames[a], frames[b], lex) is not None]
    assert len(qualifying) > 50  # the test means something
    for a, b in qualifying:
        assert b in index.candidates(frames[a]) and a in index.candidates(frames[b])


def test_a_ledger_from_the_previous_schema_is_migrated_and_recomputed(tmp_path):
    import sqlite3

    db = tmp_path / "l.db"
    folder = tmp_path / "in"
    for name in ("tanker_attack", "radar_strike"):
        write(folder, name)
    ingest_paths([folder], db)
    before = ledger_json(db)
    old = sqlite3.connect(db)  # what a version-1 ledger looked like: no frame index, no sentence column
    for table in ("frame_keys", "frame_events", "pending", "event_targets", "event_links", "decisions"):
        old.execute(f"DROP TABLE {table}")
    old.execute("ALTER TABLE frames DROP COLUMN sentence")
    old.execute("PRAGMA user_version = 0")
    old.commit()
    old.close()
    report = ingest_paths([folder], db)
    assert report.unchanged == 2
    assert ledger_json(db) == before
