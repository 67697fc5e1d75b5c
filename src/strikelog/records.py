"""Typed records passed between pipeline stages.

Each stage is a function from these records to these records; no stage reads another's
internals. Records are plain dataclasses so that they can be stored, compared and printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional


@dataclass(frozen=True)
class Problem:
    """A file (or a line of one) that could not be read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class RawArticle:
    """An article as read from disk, before cleaning (stage: ingest)."""

    id: str
    path: str
    fmt: str  # "txt" | "html" | "jsonl" | "warc"
    body: str  # plain text for txt/jsonl-text, HTML markup for html/jsonl-html
    is_html: bool
    content_hash: str
    title: Optional[str] = None
    published: Optional[str] = None  # as given by metadata, unparsed
    url: Optional[str] = None
    outlet: Optional[str] = None


@dataclass(frozen=True)
class Anchor:
    """The moment an article speaks from: publication or update time."""

    moment: datetime
    source: str  # "metadata" | "text"
    text: str  # the words it was read from


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str  # "headline" | "body" | "caption"


@dataclass(frozen=True)
class Article:
    """A cleaned article: content paragraphs only, page debris removed (stage: clean)."""

    id: str
    path: str
    content_hash: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    anchor: Optional[Anchor]
    url: Optional[str] = None
    outlet: Optional[str] = None
    dropped: tuple[str, ...] = ()  # debris lines, kept for inspection


@dataclass(frozen=True)
class Tagged:
    """A dictionary hit in a sentence: an actor, weapon, site or country."""

    label: str  # "ACTOR" | "WEAPON" | "SITE" | "COUNTRY" | "DEMONYM"
    key: str  # canonical name (actor/weapon/site) or ISO2 (country/demonym)
    start: int  # token offsets within the Doc
    end: int
    text: str


TAG_SPANS = "strikelog"  # the doc.spans key the dictionary tagger (nlp.tagger) writes its hits under


@dataclass
class ParsedArticle:
    """An article with a parsed spaCy Doc per paragraph (stage: nlp)."""

    article: Article
    docs: list[Any]  # spacy.tokens.Doc, one per paragraph, in order
    tags: Optional[list[list[Tagged]]] = None  # dictionary hits per doc: those in doc.spans[TAG_SPANS] unless given

    def __post_init__(self) -> None:
        if self.tags is None:
            self.tags = [
                [Tagged(label=s.label_, key=s.kb_id_, start=s.start, end=s.end, text=s.text)
                 for s in (doc.spans[TAG_SPANS] if TAG_SPANS in doc.spans else ())]
                for doc in self.docs
            ]


@dataclass(frozen=True)
class TimeExpr:
    """A temporal expression found near an event trigger, not yet resolved."""

    text: str
    tense: str  # "past" | "present" | "future"
    sentence_index: int


@dataclass(frozen=True)
class DateRange:
    start: Optional[date]
    end: Optional[date]
    precision: str  # "day" | "week" | "month" | "year" | "unknown"
    text: str = ""

    @staticmethod
    def unknown() -> "DateRange":
        return DateRange(None, None, "unknown")


@dataclass(frozen=True)
class PlaceRef:
    """A place expression found for an event, not yet resolved."""

    text: str
    relation: str = "in"  # "in" | "near" | "direction" | "border"
    country_hint: Optional[str] = None  # ISO2 from the sentence context
    label: str = "GPE"  # "SITE" for curated installations; "NAME" for a name the model called a person or an organisation


@dataclass(frozen=True)
class Location:
    name: Optional[str]
    country: Optional[str]
    admin1: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    geo_precision: int  # 1 place itself, 2 near it, 3 region, 4 country only

    @staticmethod
    def nowhere() -> "Location":
        return Location(None, None, None, None, None, 4)


@dataclass(frozen=True)
class Count:
    """A UCDP-style casualty estimate."""

    best: Optional[int] = None
    low: Optional[int] = None
    high: Optional[int] = None

    @property
    def known(self) -> bool:
        return self.best is not None or self.low is not None or self.high is not None


@dataclass(frozen=True)
class Claim:
    field: str  # "fatalities" | "wounded" | "responsibility" | "occurrence"
    value: Any
    by: Optional[str]
    source_kind: str  # official | anonymous_official | affiliated_media | independent_media | witness | other
    status: str  # confirmed | claimed | unconfirmed | disputed
    article: str
    sentence: str


@dataclass(frozen=True)
class Evidence:
    article: str
    sentence: str


@dataclass
class Mention:
    """One report of one event in one sentence (stage: extract, then time and place)."""

    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    event_type: str
    sub_event_type: str
    actor1: Optional[str] = None
    actor2: Optional[str] = None
    weapons: list[str] = field(default_factory=list)
    fatalities: Count = field(default_factory=Count)
    wounded: Count = field(default_factory=Count)
    claims: list[Claim] = field(default_factory=list)
    time_exprs: list[TimeExpr] = field(default_factory=list)
    places: list[PlaceRef] = field(default_factory=list)
    status: str = "reported"  # "reported" | "background" | "aggregate"
    anaphoric: bool = False  # "the attack", "this strike": refers back rather than introduces
    generic: bool = False  # weak trigger ("operation", "action"): may only join an event
    plural: bool = False
    responds_to_text: Optional[str] = None  # the phrase after "in retaliation for" etc.
    responds_to_mentions: list[int] = field(default_factory=list)  # indices in the article's list
    context_time: Optional[TimeExpr] = None  # the last date named before this sentence, for "hours later"
    names: list[str] = field(default_factory=list)  # proper names in its sentence (a target, a site, a person quoted)
    typed_by: str = "default"  # what its sub-event type was read from: "modifier", "weapon", "hint" or "default"
    cause: bool = False  # named as what another event answers ("in retaliation for X", "after X")
    when: DateRange = field(default_factory=DateRange.unknown)
    where: Location = field(default_factory=Location.nowhere)


@dataclass
class Event:
    """A canonical event: one real-world event, with every report of it (stage: merge)."""

    event_id: str
    status: str
    event_type: str
    sub_event_type: str
    actor1: Optional[str]
    actor2: Optional[str]
    when: DateRange
    where: Location
    weapons: list[str]
    fatalities: Count
    wounded: Count
    claims: list[Claim]
    responds_to: list[str]
    sources: list[str]
    evidence: list[Evidence]
    mentions: list[Mention] = field(default_factory=list)
    members: list[tuple[str, int]] = field(default_factory=list)  # (article, frame index) of each report


@dataclass
class BatchResult:
    events: list[Event]
    problems: list[Problem]
    articles: list[Article]
