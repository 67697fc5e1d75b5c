"""Stage 2, clean: RawArticle -> Article.

Turns a file's text or HTML into content paragraphs (headline, body, captions), drops page
debris by line shape and vocabulary (data/debris.json), normalises typography, and reads the
article's anchor time from metadata or from a dateline/"Updated:" line. Whether the article is in
English at all is `langid`'s to say.
"""
from __future__ import annotations

import json
import re
from typing import Optional


from ..caches import process_cache
from ..errors import InputError
from ..literals.dates import parse_moment
from ..records import Anchor, Article, Paragraph, RawArticle
from ..resources import data_text
from .langid import check_english

_TYPOGRAPHY = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u200b": "", "\u2032": "'", "\u00ad": "",
})
_SENTENCE_END = re.compile(r"[.!?\"')\]]\s*$")
_DATE_LABEL = re.compile(r"^\s*(updated|last updated|published|posted|first published|date)\s*[:\-]?\s*", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
MAX_ARTICLE_CHARS = 200_000


@process_cache(maxsize=1)
def debris_vocabulary() -> dict:
    return json.loads(data_text("debris.json"))


def clean(raw: RawArticle, max_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """Content paragraphs, title and anchor of one article. Raises InputError if nothing is left, if
    the text is longer than `max_chars` (the language model needs about 1 GB per 250,000 characters),
    or if it is not in English."""
    if raw.is_html:
        title, lines, captions, html_date = _lines_from_html(raw)
    else:
        title, lines, captions, html_date = None, _lines_from_text(raw.body), [], None
    lines = [normalise(line) for line in lines]
    lines = [line for line in lines if line]
    check_english(raw.path, [raw.title or title or "", *lines, *captions])
    anchor = anchor_from_metadata(raw.published or html_date)
    kept: list[Paragraph] = []
    dropped: list[str] = []
    headline = normalise(raw.title or title or "")
    for index, line in enumerate(lines):
        if is_date_stamp(line):
            dropped.append(line)  # a page-header date without a year is no anchor (docs/time.md)
            continue
        moment_anchor = anchor_from_line(line)
        if moment_anchor is not None:
            anchor = later_text_anchor(anchor, moment_anchor)
            dropped.append(line)
            continue
        if not headline and not raw.is_html:
            headline = line
            continue
        if line == headline:
            dropped.append(line)  # the headline again (pages repeat their <h1> in the extracted text)
            continue
        if is_debris(line):
            dropped.append(line)
            continue
        kept.append(Paragraph(line, "caption" if is_caption(line) else "body"))
    kept = _drop_trailing_bios(kept, dropped)
    kept.extend(Paragraph(normalise(c), "caption") for c in captions if normalise(c))
    if not kept and not headline:
        raise InputError(raw.path, "HTML page has no article body" if raw.is_html else "no article text found")
    paragraphs = ((Paragraph(headline, "headline"),) if headline else ()) + tuple(kept)
    _check_length(raw.path, paragraphs, max_chars)
    return Article(
        id=raw.id, path=raw.path, content_hash=raw.content_hash, title=headline,
        paragraphs=paragraphs, anchor=anchor, url=raw.url, outlet=raw.outlet, dropped=tuple(dropped),
    )


def _check_length(path: str, paragraphs: tuple[Paragraph, ...], max_chars: int) -> None:
    length = sum(len(p.text) for p in paragraphs)
    if length > max_chars:
        raise InputError(path, f"article too long ({length:,} characters of text; the limit is {max_chars:,},"
                               " STRIKELOG_MAX_ARTICLE_CHARS)")


def normalise(text: str) -> str:
    """ASCII quotes and apostrophes, single spaces, no control characters."""
    text = text.translate(_TYPOGRAPHY)
    text = "".join(ch for ch in text if ch == "\n" or ch >= " ")
    return re.sub(r"\s+", " ", text).strip()


def _lines_from_text(body: str) -> list[str]:
    """One line per paragraph; hard-wrapped lines (no sentence end, next starts lower-case) are joined."""
    lines: list[str] = []
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line:
            lines.append("")
            continue
        if lines and lines[-1] and not _SENTENCE_END.search(lines[-1]) and line[:1].islower():
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return [line for line in lines if line]


def _lines_from_html(raw: RawArticle) -> tuple[Optional[str], list[str], list[str], Optional[str]]:
    import trafilatura
    from lxml import html as lxml_html

    try:
        doc = trafilatura.bare_extraction(
            raw.body, include_comments=False, include_tables=False, with_metadata=True
        )
    except Exception as err:  # trafilatura raises assorted errors on broken markup
        raise InputError(raw.path, f"cannot parse HTML ({type(err).__name__})") from None
    if isinstance(doc, dict):
        meta = doc
    elif doc is not None:
        meta = doc.as_dict()
    else:
        meta = {}
    text = meta.get("text") or ""
    if not text.strip():
        raise InputError(raw.path, "HTML page has no article body")
    try:
        tree = lxml_html.fromstring(raw.body)
        captions = [" ".join(fc.text_content().split()) for fc in tree.iter("figcaption")]
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        captions = []
    lines = [line for line in text.splitlines() if line.strip()]
    present = set(lines)
    return meta.get("title"), lines, [c for c in captions if c and c not in present], meta.get("date")


def later_text_anchor(current: Optional[Anchor], found: Anchor) -> Anchor:
    """Metadata wins; among date lines in the text the latest (the update time) wins."""
    if current is None or (current.source == "text" and found.moment > current.moment):
        return found
    return current


def anchor_from_metadata(value: Optional[str]) -> Optional[Anchor]:
    if not value:
        return None
    moment = parse_moment(value)
    return Anchor(moment, "metadata", value) if moment else None


def anchor_from_line(line: str) -> Optional[Anchor]:
    """A line that is only a date stamp ("Updated: November 22, 2023, 1:05 AM") gives the anchor.

    Dates inside sentences are events' dates, not the article's: the line must be short and
    mostly made of the date itself.
    """
    if len(line) > 80:
        return None
    rest = _DATE_LABEL.sub("", line)
    moment = parse_moment(rest)
    if moment is None:
        return None
    words = [w for w in _WORD.findall(rest) if w.lower() not in _DATE_WORDS]
    return Anchor(moment, "text", line) if len(words) <= 2 else None


_DATE_WORDS = {
    "am", "pm", "a.m", "p.m", "gmt", "utc", "est", "edt", "ast", "cet", "eet", "at", "on", "updated",
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul",
    "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


def is_date_stamp(line: str) -> bool:
    """A line made only of calendar words and numbers, such as "Saturday, October 1"."""
    words = _WORD.findall(line.lower())
    return bool(words) and len(line) < 40 and all(w in _DATE_WORDS for w in words) and parse_moment(line) is None


def is_debris(line: str) -> bool:
    """Page furniture rather than reporting: links, share bars, credits, legal lines, teasers."""
    vocab = debris_vocabulary()
    low = line.lower().strip()
    words = _WORD.findall(low)
    if not words:
        return True
    if any(low.startswith(prefix) for prefix in vocab["line_prefixes"]):
        return True
    if any(cue in low for cue in vocab["line_contains"]):
        return True
    social = set(vocab["social_words"])
    if len(words) <= 4 and any(w in social for w in words):
        return True
    if is_bio(low):
        return True
    # a short line without a sentence end and without a verb-like word is a heading or a link
    return len(words) <= 3 and not _SENTENCE_END.search(line) and not _looks_like_headline(line)


def _looks_like_headline(line: str) -> bool:
    return sum(1 for w in line.split() if w[:1].isupper()) >= 2 and len(line) > 15


def is_bio(low: str) -> bool:
    """An author biography: two or more biography cues."""
    return sum(1 for cue in debris_vocabulary()["bio_cues"] if cue in low) >= 2


def is_caption(line: str) -> bool:
    """A photo caption: ends with a picture credit such as "(AFP)", ". AFP" or "(Photo: ...)"."""
    low = line.lower().rstrip(" .")
    credits = debris_vocabulary()["caption_credits"]
    paren = re.search(r"\(([^()]{2,60})\)$", low)
    if paren and any(c in paren.group(1) for c in credits):
        return True
    if re.match(r"^(photo|pictured|image|file photo)\s*:", low):
        return True
    tail = re.search(r"[.!?]\s*([a-z /&]{2,30})$", low)
    return bool(tail and tail.group(1).strip() in credits)


def _drop_trailing_bios(kept: list[Paragraph], dropped: list[str]) -> list[Paragraph]:
    """Author bios that sit after the story, even with a single cue, once a credit line was seen."""
    if not any(line.lower().startswith(("(reporting", "reporting by", "writing by")) for line in dropped):
        return kept
    result = list(kept)
    while result and sum(1 for cue in debris_vocabulary()["bio_cues"] if cue in result[-1].text.lower()) >= 1:
        dropped.append(result.pop().text)
    return result
