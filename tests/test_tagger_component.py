"""The dictionary tagger is a registered spaCy component: in the loaded pipeline, writing its hits to
doc.spans (label = the kind, kb_id = the canonical name), which survive a DocBin round trip and are
what the reader is given."""
from spacy.language import Language
from spacy.tokens import DocBin

from strikelog.config import Settings
from strikelog.nlp.model import load_model
from strikelog.records import TAG_SPANS, Article, Paragraph, ParsedArticle, Tagged

TEXT = "Kataib Hezbollah fired 107mm rockets at Camp Taji, the Pentagon said."


def test_the_tagger_is_the_last_component_of_the_pipeline():
    nlp = load_model(Settings().model)
    assert nlp.pipe_names[-1] == "strikelog_tagger"
    assert Language.has_factory("strikelog_tagger")


def test_hits_are_spans_with_their_kind_and_canonical_name():
    doc = load_model(Settings().model)(TEXT)
    hits = [(s.text, s.label_, s.kb_id_) for s in doc.spans[TAG_SPANS]]
    assert ("Kataib Hezbollah", "ACTOR", "Kata'ib Hezbollah") in hits
    assert ("Camp Taji", "SITE", "Camp Taji") in hits
    assert [s.start for s in doc.spans[TAG_SPANS]] == sorted(s.start for s in doc.spans[TAG_SPANS])


def test_the_spans_are_serialisable_and_are_what_the_reader_gets():
    nlp = load_model(Settings().model)
    doc = nlp(TEXT)
    again = next(DocBin().from_bytes(DocBin(docs=[doc]).to_bytes()).get_docs(nlp.vocab))
    article = Article(id="a", path="a.txt", content_hash="h", title="", anchor=None,
                      paragraphs=(Paragraph(TEXT, "body"),))
    tags = ParsedArticle(article, [again]).tags[0]
    assert tags == [Tagged(s.label_, s.kb_id_, s.start, s.end, s.text) for s in doc.spans[TAG_SPANS]]
    assert ("SITE", "Camp Taji", "Camp Taji") in {(t.label, t.key, t.text) for t in tags}
