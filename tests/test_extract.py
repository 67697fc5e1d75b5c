
from strikelog.text.clean import clean
from strikelog.config import Settings
from strikelog.extract import extract
from strikelog.nlp.model import parse
from strikelog.records import RawArticle


def mentions(body, title="Report"):
    raw = RawArticle(id="t", path="t.txt", fmt="txt", body=f"{title}\n\n{body}", is_html=False, content_hash="h")
    return extract(next(parse([clean(raw)], Settings().model)))


def reported(ms):
    return [m for m in ms if m.status == "reported" and not m.generic]


def test_agent_target_weapon_and_casualties_from_the_parse():
    ms = reported(mentions("Iran-backed militants fired 107mm rockets at Camp Taji on Wednesday, killing two soldiers and a contractor."))
    m = ms[0]
    assert m.actor1 == "Iran-backed militia"
    assert "107mm rocket" in m.weapons
    assert m.sub_event_type == "Shelling/artillery/missile attack"
    assert m.fatalities.best == 3
    assert [t.text for t in m.time_exprs] == ["Wednesday"]


def test_passive_voice_agent_from_by_phrase():
    m = reported(mentions("The Ain al-Asad air base was attacked by a close-range ballistic missile, wounding eight people."))[0]
    assert m.weapons == ["close-range ballistic missile"]
    assert m.wounded.best == 8
    assert [(p.text, p.label) for p in m.places] == [("Ain al-Asad air base", "SITE")]  # the curated installation


def test_threats_and_plans_are_not_events():
    assert reported(mentions("The group vowed to attack US bases and warned it would strike again.")) == []


def test_pluperfect_history_is_background():
    ms = mentions("Previously, US forces had conducted air strikes against militia sites in Syria.")
    assert ms and all(m.status == "background" for m in ms)


def test_counts_of_many_attacks_are_aggregates():
    ms = mentions("The United States has responded to 66 attacks against its forces in Iraq and Syria.")
    attacks = [m for m in ms if m.trigger == "attacks"]
    assert [m.status for m in attacks] == ["aggregate"]  # read, and read as a count of many
    assert reported(ms) == []  # nothing in the sentence is one event told as news


def test_claim_sources_and_status():
    m = reported(mentions("Media outlets close to the militia claimed 4 fighters were killed in the US strike, which could not be independently verified."))[0]
    claim = next(c for c in m.claims if c.field == "fatalities")
    assert claim.value == 4
    assert claim.source_kind == "affiliated_media"
    assert claim.status == "unconfirmed"


def test_responsibility_claim_by_a_group():
    ms = reported(mentions("The Islamic Resistance in Iraq claimed responsibility for the drone attack on the base."))
    claim = next(c for m in ms for c in m.claims if c.field == "responsibility")
    assert claim.value == "Islamic Resistance in Iraq" and claim.status == "claimed"


def test_retaliation_phrase_is_kept():
    m = reported(mentions("Kataib Hezbollah said it had attacked Ain Al Asad base with mortar rounds in retaliation for the killing of Mr Al Maksousi."))[0]
    assert m.actor1 == "Kata'ib Hezbollah"  # "it" is the group that speaks
    assert m.weapons == ["mortar"]
    assert "Al Maksousi" in m.responds_to_text


def test_the_day_of_the_statement_is_not_the_day_of_the_strike():
    m = reported(mentions("US Africa Command said on Monday it had conducted an airstrike against al-Shabaab near Jilib on Sunday, killing three militants."))[0]
    assert [t.text for t in m.time_exprs] == ["Sunday"]
