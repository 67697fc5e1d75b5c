from strikelog.text.clean import clean
from strikelog.config import Settings
from strikelog.nlp.model import parse
from strikelog.records import RawArticle


def parsed(text):
    raw = RawArticle(id="t", path="t.txt", fmt="txt", body=text, is_html=False, content_hash="h")
    return next(parse([clean(raw)], Settings().model))


def test_dictionary_terms_are_tagged_with_canonical_names():
    p = parsed("Strike report\n\nKataib Hezbollah fired 107mm rockets at Camp Taji, the Pentagon said.")
    tags = {(t.label, t.key) for doc_tags in p.tags for t in doc_tags}
    assert ("ACTOR", "Kata'ib Hezbollah") in tags
    assert ("WEAPON", "107mm rocket") in tags
    assert ("SITE", "Camp Taji") in tags
    assert ("ACTOR", "US military") in tags  # "Pentagon" names the US military


def test_short_abbreviations_match_case_sensitively():
    p = parsed("Note\n\nKH claimed it. The kh sound is not a group.")
    hits = [t.text for doc_tags in p.tags for t in doc_tags if t.label == "ACTOR"]
    assert hits == ["KH"]


def test_one_doc_per_paragraph_in_order():
    p = parsed("Headline words here\n\nFirst paragraph.\n\nSecond paragraph.")
    assert [d.text for d in p.docs] == ["Headline words here", "First paragraph.", "Second paragraph."]
