"""The reader's rules on parses written by hand (tests/parses.py): each test gives the reader the
tokens, tags, dependencies and entities a rule reads, so a new parser version cannot break it and a
rule removed makes it fail. The tests on the real model (test_reader_rules.py, test_extract.py)
show the same rules on whole reports."""
from datetime import datetime, timezone

import pytest

from parses import doc, read, tag

from strikelog.records import Anchor
from strikelog.resources import lexicon
from strikelog.resolve.time import resolve

GUNMEN_ATTACKED_A_CHECKPOINT = """
    Gunmen      NNS  NOUN   gunman      nsubj   2
    attacked    VBD  VERB   attack      ROOT    0
    a           DT   DET    a           det     4
    checkpoint  NN   NOUN   checkpoint  dobj    2
    .           .    PUNCT  .           punct   2
"""


def test_a_verb_of_attack_is_a_trigger():
    (m,) = read(doc(GUNMEN_ATTACKED_A_CHECKPOINT))
    assert (m.trigger, m.status, m.generic) == ("attacked", "reported", False)
    assert m.actor1 == "unidentified armed group"  # "gunmen", from the armed nouns


def test_a_verb_that_is_no_attack_is_no_trigger():
    visited = doc(GUNMEN_ATTACKED_A_CHECKPOINT.replace("attacked    VBD  VERB   attack", "visited     VBD  VERB   visit "))
    assert visited.text == "Gunmen visited a checkpoint."
    assert read(visited) == []


def test_a_noun_of_attack_is_a_trigger_and_types_the_event():
    parse = doc("""
        An       DT   DET    an       det       3
        air      NN   NOUN   air      compound  3
        strike   NN   NOUN   strike   nsubj     4
        hit      VBD  VERB   hit      ROOT      0
        the      DT   DET    the      det       6
        village  NN   NOUN   village  dobj      4
        .        .    PUNCT  .        punct     4
    """)
    (m,) = read(parse)
    assert m.trigger == "strike"  # the noun leads the group "strike ... hit"
    assert m.sub_event_type == "Air/drone strike"
    assert m.status == "reported"


def test_the_subject_acts_and_the_object_is_struck():
    parse = doc("""
        US          NNP  PROPN  US          compound  2  GPE
        forces      NNS  NOUN   force       nsubj     3
        struck      VBD  VERB   strike      ROOT      0
        al-Shabaab  NNP  PROPN  al-Shabaab  dobj      3  ORG
        .           .    PUNCT  .           punct     3
    """)
    tags = [[tag(parse, "ACTOR", "US military", "US forces"), tag(parse, "ACTOR", "al-Shabaab", "al-Shabaab")]]
    (m,) = read(parse, tags=tags)
    assert (m.actor1, m.actor2) == ("US military", "al-Shabaab")


def test_in_the_passive_the_by_phrase_acts_and_the_subject_is_struck():
    parse = doc("""
        Al-Shabaab  NNP  PROPN  Al-Shabaab  nsubjpass  3  ORG
        was         VBD  AUX    be          auxpass    3
        struck      VBN  VERB   strike      ROOT       0
        by          IN   ADP    by          agent      3
        US          NNP  PROPN  US          compound   6  GPE
        forces      NNS  NOUN   force       pobj       4
        .           .    PUNCT  .           punct      3
    """)
    tags = [[tag(parse, "ACTOR", "al-Shabaab", "Al-Shabaab"), tag(parse, "ACTOR", "US military", "US forces")]]
    (m,) = read(parse, tags=tags)
    assert (m.actor1, m.actor2) == ("US military", "al-Shabaab")


def test_killing_26_people_is_26_dead_for_the_event_that_kills():
    parse = doc("""
        The      DT   DET    the      det     2
        strike   NN   NOUN   strike   nsubj   3
        hit      VBD  VERB   hit      ROOT    0
        a        DT   DET    a        det     5
        market   NN   NOUN   market   dobj    3
        ,        ,    PUNCT  ,        punct   3
        killing  VBG  VERB   kill     advcl   3
        26       CD   NUM    26       nummod  9  CARDINAL
        people   NNS  NOUN   people   dobj    7
        .        .    PUNCT  .        punct   3
    """)
    (m,) = read(parse)
    assert (m.fatalities.best, m.fatalities.low, m.fatalities.high) == (26, 26, 26)
    assert [(c.field, c.value) for c in m.claims] == [("fatalities", 26)]
    assert not m.wounded.known


def test_in_retaliation_for_names_what_the_event_answers():
    parse = doc("""
        The          DT    DET    the          det    2
        US           NNP   PROPN  US           nsubj  3  GPE
        struck       VBD   VERB   strike       ROOT   0
        the          DT    DET    the          det    5
        militia      NN    NOUN   militia      dobj   3
        in           IN    ADP    in           prep   3
        retaliation  NN    NOUN   retaliation  pobj   6
        for          IN    ADP    for          prep   7
        the          DT    DET    the          det    10
        attack       NN    NOUN   attack       pobj   8
        on           IN    ADP    on           prep   10
        its          PRP$  PRON   its          poss   13
        troops       NNS   NOUN   troop        pobj   11
        .            .     PUNCT  .            punct  3
    """)
    strike, attack = read(parse, tags=[[tag(parse, "COUNTRY", "US", "US")]])
    assert strike.trigger == "struck" and attack.trigger == "attack"
    assert strike.responds_to_text == "the attack on its troops"
    assert strike.responds_to_mentions == [1]
    assert strike.status == "reported"
    assert attack.cause and attack.status == "background"  # told as the cause: an earlier event


CHECKPOINT_NEAR_JILIB = """
    Gunmen      NNS  NOUN   gunman      nsubj  2
    attacked    VBD  VERB   attack      ROOT   0
    a           DT   DET    a           det    4
    checkpoint  NN   NOUN   checkpoint  dobj   2
    {prep:<11} IN   ADP    {prep:<11} prep   4
    Jilib       NNP  PROPN  Jilib       pobj   5  GPE
    .           .    PUNCT  .           punct  2
"""


@pytest.mark.parametrize("prep, relation", [("near", "near"), ("in", "in"), ("at", "in")])
def test_a_place_after_a_locative_preposition_and_how_it_relates(prep, relation):
    (m,) = read(doc(CHECKPOINT_NEAR_JILIB.format(prep=prep)))
    assert [(p.text, p.relation) for p in m.places] == [("Jilib", relation)]


@pytest.mark.parametrize("prep", ["from", "for"])
def test_a_place_name_after_a_preposition_that_is_not_locative_is_no_place(prep):
    (m,) = read(doc(CHECKPOINT_NEAR_JILIB.format(prep=prep)))  # "a checkpoint from Jilib": whose, not where
    assert m.places == []


def test_a_capitalised_name_after_in_is_a_place_the_model_did_not_label():
    unlabelled = doc(CHECKPOINT_NEAR_JILIB.format(prep="in").replace("5  GPE", "5"))
    assert not unlabelled.ents
    (m,) = read(unlabelled)
    assert [(p.text, p.relation) for p in m.places] == [("Jilib", "in")]


MILITANTS_ATTACKED_ON_WEDNESDAY = """
    Militants  NNS  NOUN   militant   nsubj  2
    attacked   VBD  VERB   attack     ROOT   0
    the        DT   DET    the        det    4
    base       NN   NOUN   base       dobj   2
    on         IN   ADP    on         prep   2
    Wednesday  NNP  PROPN  Wednesday  pobj   5  DATE
    .          .    PUNCT  .          punct  2
"""


def test_a_weekday_without_an_anchor_gives_no_date():
    (m,) = read(doc(MILITANTS_ATTACKED_ON_WEDNESDAY))
    assert [(t.text, t.tense) for t in m.time_exprs] == [("Wednesday", "past")]
    (undated,) = resolve([m], None)
    assert (undated.when.start, undated.when.end, undated.when.precision) == (None, None, "unknown")


def test_a_weekday_with_an_anchor_is_the_last_such_day_before_it():
    (m,) = read(doc(MILITANTS_ATTACKED_ON_WEDNESDAY))
    friday = Anchor(datetime(2024, 1, 26, 9, 0, tzinfo=timezone.utc), "metadata", "2024-01-26")
    (dated,) = resolve([m], friday)
    assert (str(dated.when.start), str(dated.when.end), dated.when.precision) == ("2024-01-24", "2024-01-24", "day")


def test_a_weekday_the_model_did_not_label_is_still_read():
    unlabelled = doc(MILITANTS_ATTACKED_ON_WEDNESDAY.replace("5  DATE", "5"))
    assert not unlabelled.ents
    (m,) = read(unlabelled)
    assert [t.text for t in m.time_exprs] == ["Wednesday"]


MILITANTS_FIRED_ROCKETS = """
    Militants  NNS  NOUN   militant  nsubj  2
    fired      VBD  VERB   fire      ROOT   0
    {weapon:<10} NNS  NOUN   {lemma:<9} dobj   2
    at         IN   ADP    at        prep   2
    the        DT   DET    the       det    6
    base       NN   NOUN   base      pobj   4
    .          .    PUNCT  .         punct  2
"""


@pytest.mark.parametrize("weapon, lemma, key, sub_event", [
    ("rockets", "rocket", "rocket", "Shelling/artillery/missile attack"),
    ("drones", "drone", "drone", "Air/drone strike"),
])
def test_the_weapon_fired_types_the_event(weapon, lemma, key, sub_event):
    parse = doc(MILITANTS_FIRED_ROCKETS.format(weapon=weapon, lemma=lemma))
    (m,) = read(parse, tags=[[tag(parse, "WEAPON", key, weapon)]])
    assert m.trigger == "fired"  # a fire verb with a weapon as its object
    assert (m.weapons, m.sub_event_type, m.typed_by) == ([key], sub_event, "weapon")


def test_the_kind_ranked_first_types_the_weapons_together():
    lex = lexicon()
    assert lex.weapon_sub_event(["rocket", "drone"]) == lex.weapon_sub_event(["drone", "rocket"]) == "Air/drone strike"
    assert lex.weapon_sub_event(["rocket"]) == "Shelling/artillery/missile attack"
    assert lex.weapon_sub_event([]) is None and lex.weapon_sub_event(["no such weapon"]) is None
