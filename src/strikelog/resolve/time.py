"""Stage 5, time: resolve each mention's temporal expressions against the article's anchor.

Rules (docs/time.md): weekdays resolve to the nearest such day on or before the anchor for
past tense (on or after for future); "yesterday", "last night", "N days ago" count back from
the anchor's calendar day; a month and day without a year take the anchor's year and are
never later than the anchor; "hours later", "the next day" follow the previous dated
mention. Without an anchor, relative expressions stay unresolved: precision "unknown".
Mentions dated more than a week before the anchor become background.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Optional

from ..literals.dates import DAY_BEFORE, FOLLOWING, MONTH_RE, MONTHS, NEXT_DAY, WEEKDAY_RE, WEEKDAYS, parse_moment
from ..records import Anchor, DateRange, Mention

BACKGROUND_AFTER_DAYS = 7
_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_WEEKDAY_RE = re.compile(rf"\b({WEEKDAY_RE})\b", re.I)


def resolve(mentions: list[Mention], anchor: Optional[Anchor]) -> list[Mention]:
    """Set `when` on every mention; mark mentions dated well before the anchor as background."""
    previous: Optional[DateRange] = None
    previous_sentence = -1
    resolved = []
    for mention in mentions:
        context = mention.context_time
        if context is not None and context.sentence_index > previous_sentence:
            stated = resolve_expression(context.text, context.tense, anchor, None)
            if stated.precision == "day":  # a later-dated sentence without an event still sets the scene
                previous, previous_sentence = stated, context.sentence_index
        when = best_range(
            [resolve_expression(e.text, e.tense, anchor, previous) for e in mention.time_exprs]
        )
        status = mention.status
        if anchor is not None and is_before_news_window(when, anchor.moment.date()):
            status = "background"
        if when.precision == "year" and not _contains(when, anchor):  # news is dated to the month or day;
            status = "background"  # a year alone is history, unless it is the year the article speaks from
        mention = replace(mention, when=when, status=status)
        if when.precision == "day":
            previous, previous_sentence = when, mention.sentence_index
        resolved.append(mention)
    return resolved if anchor is not None else _history_before_latest(resolved)


def _contains(when: DateRange, anchor: Optional[Anchor]) -> bool:
    return anchor is not None and when.start <= anchor.moment.date() <= when.end


def _history_before_latest(mentions: list[Mention]) -> list[Mention]:
    """An undated article still dates itself: an event well before the latest day it names ("Zobe is
    the site of the October 14, 2017, bombing") is history, as it would be before a publication date."""
    days = [m.when.end for m in mentions if m.when.precision == "day"]
    if not days:
        return mentions
    latest = max(days)
    return [replace(m, status="background") if m.status == "reported" and is_before_news_window(m.when, latest)
            else m for m in mentions]


def best_range(ranges: list[DateRange]) -> DateRange:
    known = [r for r in ranges if r.precision != "unknown"]
    if not known:
        return DateRange.unknown()
    return min(known, key=lambda r: _PRECISION_ORDER[r.precision])


def is_before_news_window(when: DateRange, today: date) -> bool:
    if when.end is None:
        return False
    if when.precision in ("month", "year"):
        return when.end < today and not (when.start <= today <= when.end)
    return (today - when.end).days > BACKGROUND_AFTER_DAYS


def resolve_expression(text: str, tense: str, anchor: Optional[Anchor], previous: Optional[DateRange]) -> DateRange:
    """One expression ("late on Sunday", "August 15", "in 2014", "hours later") as a DateRange."""
    low = text.lower().strip()
    moment = parse_moment(text)
    if moment is not None:
        return DateRange(moment.date(), moment.date(), "day", text)
    if previous is not None and previous.start is not None:
        if FOLLOWING.search(low):
            return replace(previous, text=text)
        if NEXT_DAY.search(low):
            day = previous.start + timedelta(days=1)
            return DateRange(day, day, "day", text)
        if DAY_BEFORE.search(low):
            day = previous.start - timedelta(days=1)
            return DateRange(day, day, "day", text)
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", low)]
    if anchor is None:
        return _year_range(years, text) if years else DateRange.unknown()
    today = anchor.moment.date()
    resolved = (
        _month_day(low, years, today, text)
        or _relative_day(low, today, text)
        or _weekdays(low, tense, today, text)
        or _month(low, years, today, text)
    )
    if resolved is not None:
        return resolved
    return _year_range(years, text) if years else DateRange.unknown()


def _year_range(years: list[int], text: str) -> DateRange:
    return DateRange(date(min(years), 1, 1), date(max(years), 12, 31), "year", text)


def _month_day(low: str, years: list[int], today: date, text: str) -> Optional[DateRange]:
    match = re.search(rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", low) or re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})", low
    )
    if not match:
        return None
    first, second = match.groups()
    month_word, day_text = (first, second) if not first.isdigit() else (second, first)
    month = MONTHS[month_word.rstrip(".")]
    if years:
        day = _valid_date(years[0], month, int(day_text))
    else:  # the last such day not after the anchor (February 29: up to eight years back)
        day = next((d for year in range(today.year, today.year - 9, -1)
                    if (d := _valid_date(year, month, int(day_text))) is not None and d <= today), None)
    return DateRange(day, day, "day", text) if day is not None else None  # "February 30": its month


def _valid_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _relative_day(low: str, today: date, text: str) -> Optional[DateRange]:
    back = None
    if re.search(r"\b(today|this (morning|afternoon|evening)|tonight|earlier today)\b", low):
        back = 0
    elif re.search(r"\b(yesterday|last night|overnight)\b", low):
        back = 1
    else:
        ago = re.search(r"\b(\w+) days? ago\b", low)
        if ago:
            from ..literals.counts import number_word

            back = number_word(ago.group(1))
    if back is not None:
        day = today - timedelta(days=back)
        return DateRange(day, day, "day", text)
    if re.search(r"\blast week\b", low):
        start = today - timedelta(days=today.weekday() + 7)
        return DateRange(start, start + timedelta(days=6), "week", text)
    if re.search(r"\b(this|earlier in the|later in the) week\b", low):
        start = today - timedelta(days=today.weekday())
        return DateRange(start, today, "week", text)
    return None


def _weekdays(low: str, tense: str, today: date, text: str) -> Optional[DateRange]:
    names = _WEEKDAY_RE.findall(low)
    if not names:
        return None
    days = [_nearest_weekday(WEEKDAYS[n.lower()], tense, today) for n in names]
    if len(set(days)) == 1:
        return DateRange(days[0], days[0], "day", text)
    return DateRange(min(days), max(days), "week", text)


def _nearest_weekday(weekday: int, tense: str, today: date) -> date:
    """The weekday on or before the anchor's day (on or after it for the future tense)."""
    if tense == "future":
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _month(low: str, years: list[int], today: date, text: str) -> Optional[DateRange]:
    month = None
    if re.search(r"\blast month\b", low):
        month = (today.month - 2) % 12 + 1
        year = today.year if today.month > 1 else today.year - 1
    elif re.search(r"\bthis month\b", low):
        month, year = today.month, today.year
    else:
        match = re.search(rf"\b({MONTH_RE})\b", low)
        if not match or match.group(1) == "may" and not re.search(r"\b(in|since|early|late|mid)\s+may\b", low):
            return None
        month = MONTHS[match.group(1).rstrip(".")]
        year = years[0] if years else (today.year if month <= today.month else today.year - 1)
    last = calendar.monthrange(year, month)[1]
    start, end = date(year, month, 1), date(year, month, last)
    if re.search(r"\bmid[- ]", low):
        start, end = date(year, month, 10), date(year, month, 20)
    elif re.search(r"\bearly\b", low):
        end = date(year, month, 10)
    elif re.search(r"\blate\b", low):
        start = date(year, month, 20)
    return DateRange(start, end, "month", text)
