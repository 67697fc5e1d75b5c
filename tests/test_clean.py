from datetime import datetime

import pytest

from strikelog.text.clean import clean, is_caption, is_debris
from strikelog.errors import InputError
from strikelog.records import RawArticle


def raw(body, is_html=False, published=None):
    return RawArticle(id="t", path="t.txt", fmt="html" if is_html else "txt", body=body, is_html=is_html,
                      content_hash="h", published=published)


@pytest.mark.parametrize("line", [
    "Read more: Drone strikes hit port city overnight",
    "Related: What we know about the convoy attack",
    "Follow us on Telegram for the latest updates",
    "Sign up for our morning newsletter",
    "(c) 2024 Sahel Daily Media. All rights reserved.",
    "Most Read",
    "Share on WhatsApp",
    "Reporting by Amina Diallo; Editing by John Hart",
    "Maria Lopez is a senior correspondent who has reported from Mali, Niger and Chad and received the 2019 award.",
])
def test_debris_lines(line):
    assert is_debris(line)


@pytest.mark.parametrize("line", [
    "Three soldiers were killed when a roadside bomb hit their patrol near Kirkuk on Monday.",
    "The army said it had repelled the attack.",
    "Houthi forces fired two anti-ship missiles at the vessel, the US military said.",
])
def test_reporting_is_kept(line):
    assert not is_debris(line)


def test_captions_are_content_and_marked():
    assert is_caption("Smoke rises over Khan Younis after an Israeli strike. (Photo: AFP)")
    assert is_caption("Mourners carry a coffin in Mosul on Tuesday. AFP")
    article = clean(raw("Headline here\n\nBody sentence one.\n\nSmoke rises after a strike on Hodeidah port (Reuters)\n"))
    kinds = [p.kind for p in article.paragraphs]
    assert kinds == ["headline", "body", "caption"]


def test_updated_line_is_the_anchor_and_not_content():
    article = clean(raw("Title\n\nThe attack happened on Tuesday.\n\nUpdated: November 22, 2023, 1:05 AM\n"))
    assert article.anchor.moment == datetime(2023, 11, 22, 1, 5)
    assert [p.text for p in article.paragraphs] == ["Title", "The attack happened on Tuesday."]


def test_metadata_date_wins_over_text():
    article = clean(raw("Title\n\nBody.\n\nPublished 3 March 2024\n", published="2024-03-05T08:00"))
    assert article.anchor.moment == datetime(2024, 3, 5, 8, 0) and article.anchor.source == "metadata"


def test_yearless_header_date_is_no_anchor_and_not_the_headline():
    article = clean(raw("Saturday, October 1\n\nUS launches airstrikes in Syria\n\nBody text here.\n"))
    assert article.anchor is None
    assert article.title == "US launches airstrikes in Syria"


def test_typography_is_normalised():
    article = clean(raw("Kata\u2019ib Hezbollah statement\n\n\u201cWe struck,\u201d it said.\n"))
    assert article.title == "Kata'ib Hezbollah statement"
    assert article.paragraphs[1].text == '"We struck," it said.'


def test_html_without_body_is_an_input_error():
    with pytest.raises(InputError, match="no article body"):
        clean(raw("<html><body><nav>Home</nav></body></html>", is_html=True))
