"""The API's answers as pydantic models: what the OpenAPI document says each endpoint returns. The
endpoints send JSON they build themselves (the ledger's own JSON text, unparsed, for event lists); the
tests check that every answer validates against its model."""
from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every answer other than 200."""

    status: int = Field(description="the HTTP status, repeated")
    error: str = Field(description="a sentence saying what is wrong, starting with the parameter's name when one is")
    parameter: Optional[str] = Field(None, description="the query parameter at fault, when one is")


class Location(BaseModel):
    name: Optional[str]
    country: Optional[str] = Field(description="ISO 3166 alpha-2 code")
    admin1: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    geo_precision: Optional[int] = Field(description="1 (the named place) to 4 (only the country)")


class Count(BaseModel):
    best: Optional[int]
    low: Optional[int]
    high: Optional[int]


class Claim(BaseModel):
    field: str
    value: Any
    by: Optional[str] = Field(description="who makes the claim")
    source_kind: str
    status: str = Field(description="confirmed | claimed | unconfirmed | disputed")
    article: str
    sentence: str


class Evidence(BaseModel):
    article: str
    sentence: str


class EventSummary(BaseModel):
    """An event of the contract (README) without its claims and evidence."""

    event_id: str
    status: Literal["reported", "background"]
    event_type: str
    sub_event_type: str
    date_start: Optional[str] = Field(description="YYYY-MM-DD, or null when the text gives no date")
    date_end: Optional[str]
    date_precision: str = Field(description="day | week | month | year | unknown")
    actor1: Optional[str]
    actor2: Optional[str]
    location: Location
    weapons: list[str]
    fatalities: Count
    wounded: Count
    responds_to: list[str] = Field(description="ids of the events this one is reported as a response to")
    sources: list[str] = Field(description="ids of the articles that report it")


class Event(EventSummary):
    """The full contract object."""

    claims: list[Claim]
    evidence: list[Evidence]


class EventPage(BaseModel):
    total: int
    page: int
    page_size: int
    sort: str
    next: Optional[str] = Field(description="URL of the next page, or null on the last")
    prev: Optional[str] = Field(description="URL of the previous page, or null on the first")
    events: list[Union[Event, EventSummary]] = Field(description="summaries, or full events with detail=full")


class ArticleMeta(BaseModel):
    id: str
    title: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    ingested_at: Optional[str] = None


class EventDetail(BaseModel):
    event: Event
    responds_to: list[EventSummary]
    responded_by: list[EventSummary]
    chain: list[EventSummary] = Field(description="every event linked through responds_to, oldest first, itself included")
    articles: list[ArticleMeta]


class TimelineDay(BaseModel):
    date: str
    event_type: str
    count: int


class Timeline(BaseModel):
    days: list[TimelineDay]
    undated: int = Field(description="matching events without a date (not in days)")


class FacetValue(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    country: list[FacetValue]
    event_type: list[FacetValue]
    sub_event_type: list[FacetValue]


class ArticleListed(ArticleMeta):
    events: int = Field(description="how many events cite it")


class ArticlePage(BaseModel):
    total: int
    page: int
    page_size: int
    articles: list[ArticleListed]


class Paragraph(BaseModel):
    kind: Optional[str] = Field(description="headline, body or caption")
    text: str


class Article(ArticleMeta):
    paragraphs: list[Paragraph]


class ArticleDetail(BaseModel):
    article: Article
    events: list[EventSummary]


class Feed(BaseModel):
    url: str
    title: Optional[str]
    status: Literal["ok", "failing", "new"]
    added_at: str
    last_poll: Optional[str]
    last_ok: Optional[str]
    last_new: Optional[str] = Field(description="the last poll that brought an item not seen before")
    polls: int
    not_modified: int
    items: int
    failures: int = Field(description="failed polls in a row")
    errors: int = Field(description="errors in all, the feed's and its pages'")
    last_error: Optional[str]
    last_error_at: Optional[str]


class Feeds(BaseModel):
    feeds: list[Feed]


class Meta(BaseModel):
    version: str
    tiles: Optional[str] = Field(description="the XYZ tile URL template, or null: offline outlines only")
    writable: bool
    max_page_size: int


class IngestProblem(BaseModel):
    where: str
    reason: str


class IngestReport(BaseModel):
    added: int
    updated: int
    unchanged: int
    events: int = Field(description="events in the ledger after the ingest")
    problems: list[IngestProblem]
