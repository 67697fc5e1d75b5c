"""The frame model: an event being assembled from one article's mentions (`Frame`), an article's
frames as the cross-report merge takes them (`ArticleFrames`), and an analyst's decisions about them
(`Decisions`). Plain data; every other merge module works on these."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional

from ..records import DateRange, Location, Mention


@dataclass
class Frame:
    """An event being assembled from one article's mentions."""

    article: str
    mentions: list[int] = field(default_factory=list)
    actor1: Optional[str] = None
    actor2: Optional[str] = None
    when: DateRange = field(default_factory=DateRange.unknown)
    where: Location = field(default_factory=Location.nowhere)
    weapons: list[str] = field(default_factory=list)
    status: str = "reported"
    solid: bool = False  # has at least one mention that is not generic
    operation: bool = False  # opened by a plural, placeless mention: may cover several places
    named_places: set = field(default_factory=set)  # places its mentions state plainly ("in X", "at X")
    responds_to: list[int] = field(default_factory=list)  # frames of the same article it answers
    answers: bool = False  # a report of it says it answers something ("in retaliation for ...")
    article_day: Optional[date] = None  # the day its article speaks from: bounds an undated report (`possible_days`)
    names: set = field(default_factory=set)  # proper names its sentences use (a site, a target, a person quoted)
    tolls: set = field(default_factory=set)  # the death tolls its reports state (a figure two reports share is evidence)


FrameRef = tuple  # (article id, index of the frame in its article's list)


@dataclass
class ArticleFrames:
    """One article's frames with the mentions they index, as the cross-article merge needs them."""

    article: str
    frames: list[Frame]
    mentions: list[Mention]
    published: Optional[datetime] = None


@dataclass
class Decisions:
    """An analyst's corrections: frames that belong together or apart, whatever the scores say."""

    together: list[tuple[FrameRef, FrameRef]] = field(default_factory=list)
    apart: list[tuple[FrameRef, FrameRef]] = field(default_factory=list)

    def partners(self, ref: FrameRef) -> set[FrameRef]:
        return {b if a == ref else a for a, b in self.together + self.apart if ref in (a, b)}

    def keeps_apart(self, group_a: set[FrameRef], group_b: set[FrameRef]) -> bool:
        return any((a in group_a and b in group_b) or (a in group_b and b in group_a) for a, b in self.apart)
