"""Reading an article as a coder does (docs/decisions.md, "One article, its events"): the event told
first is open, later sentences are more reports of it unless they say what sets them apart; causes
are background; generalities are no event. The articles are written for these tests."""
from conftest import reported_events

from strikelog.text.clean import clean
from strikelog.config import Settings
from strikelog.extract import extract
from strikelog.nlp.model import parse
from strikelog.records import RawArticle


def mentions(body, title="Report"):
    raw = RawArticle(id="t", path="t.txt", fmt="txt", body=f"{title}\n\n{body}", is_html=False, content_hash="h")
    return extract(next(parse([clean(raw)], Settings().model)))


def test_later_sentences_about_the_strike_join_the_lede(run_extract, write_article):
    path = write_article("lede.txt", (
        "Missile strike on Zhytomyr depot kills four\n\n"
        "A Russian missile struck a fuel depot in Zhytomyr on Tuesday, killing four workers, the regional governor said.\n\n"
        "The blast shattered windows across the district.\n\n"
        "Rescuers said the explosion left a crater ten metres wide.\n\n"
        "The attack killed four people and wounded nine, officials said."
    ), published="2025-03-05")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1, [(e["sub_event_type"], e["evidence"]) for e in news]
    assert news[0]["location"]["name"] == "Zhytomyr"
    assert news[0]["date_start"] == "2025-03-04"
    assert len(news[0]["evidence"]) >= 3


def test_another_place_is_another_event(run_extract, write_article):
    path = write_article("two.txt", (
        "Strikes hit two cities\n\n"
        "A Russian missile struck a fuel depot in Zhytomyr on Tuesday, killing four workers.\n\n"
        "Separately, a drone hit a school in Kherson on Tuesday, wounding two teachers."
    ), published="2025-03-05")
    events, _ = run_extract(path)
    places = sorted(e["location"]["name"] for e in reported_events(events))
    assert places == ["Kherson", "Zhytomyr"]


def test_a_cause_is_background_and_the_strike_answers_it(run_extract, write_article):
    path = write_article("cause.txt", (
        "Israeli jets strike Lebanon\n\n"
        "Israeli warplanes struck Hezbollah positions near Nabatieh on Sunday in retaliation for a Hezbollah "
        "rocket attack on Kiryat Shmona, the army said."
    ), published="2024-06-10")
    events, _ = run_extract(path)
    strike = next(e for e in events if e["status"] == "reported")
    cause = [e for e in events if e["status"] == "background"]
    assert strike["actor1"] == "Israeli military"
    assert strike["location"]["name"] != "Kiryat Shmona"
    assert cause and strike["responds_to"] == [cause[0]["event_id"]]


def test_generalities_and_denials_are_no_event():
    generalities = mentions(
        "There was no immediate comment from the army, which denies deliberately targeting civilians. "
        "Civilian infrastructure is also attacked. The militia is destroying the villages of the valley.")
    assert [m for m in generalities if m.status == "reported" and not m.generic] == []


def test_a_common_word_is_not_a_dictionary_place():
    ms = mentions("Officials said the missile strike on Tuesday forced residents to move to safer areas of the country.")
    assert [m.trigger for m in ms] == ["strike"]
    assert ms[0].places == []  # not the Safer oil field


def test_two_outlets_one_undated_are_one_event(run_extract, write_article):
    wire = write_article("wire.txt", (
        "Drone strike on Mariupol theatre kills eleven\n\n"
        "A Russian drone struck the Mariupol Drama Theatre on Friday, killing eleven people, mayor Vadym Boychenko said."
    ), published="2025-05-10")
    local = write_article("local.txt", (
        "Eleven dead at Mariupol Drama Theatre\n\n"
        "Mayor Vadym Boychenko said eleven people died when the drone hit the Drama Theatre in the centre of Mariupol."
    ))
    events, _ = run_extract(wire, local)
    news = reported_events(events)
    assert len(news) == 1, [e["sources"] for e in news]
    assert news[0]["sources"] == ["local", "wire"]
