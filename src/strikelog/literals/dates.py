"""Calendar vocabulary and absolute date parsing shared by the file reader, the clean, extract and time stages."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Optional

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
         ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]
    )
    for name in names
}
MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
WEEKDAY_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# Times told from another event's day ("hours later", "the next day"), in one place: the phrases the
# reader takes as a time expression (SEQUENCE_PHRASE) and the words that keep a time told after a
# reporting verb as the event's (SEQUENCE_WORD), then what the time stage makes of an expression:
# the previous dated mention's day (FOLLOWING), the day after it (NEXT_DAY), the day before
# (DAY_BEFORE). The reader looks for fewer phrases than the time stage reads; in each, the
# alternation order is kept (the first alternative that matches at a position wins).
SEQUENCE_PHRASE = re.compile(
    r"\b(hours later|minutes later|moments later|later that (day|night|evening|afternoon)|shortly after(wards)?|"
    r"the (next|following) day|a day later|one day later|the same day|a day earlier|the day before)\b", re.I)
SEQUENCE_WORD = re.compile(r"\b(later|earlier|afterwards|the next day|the following day|the same day)\b", re.I)
FOLLOWING = re.compile(r"\b(hours later|later that (day|night|evening)|that (night|evening|afternoon|morning)|the same day|same day|shortly after(wards)?|minutes later)\b", re.I)
NEXT_DAY = re.compile(r"\b(the (next|following) day|a day later|one day later|the day after|one day after|a day after)\b", re.I)
DAY_BEFORE = re.compile(r"\b(the day before|a day earlier|one day before|the previous day)\b", re.I)
_TIME = r"(?:,?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
_PATTERNS = [
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"),
    re.compile(rf"(?P<mname>{MONTH_RE})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mname>{MONTH_RE}),?\s+(?P<year>\d{{4}}){_TIME}", re.I),
    # "21.03.2024 18:10": day first, as the dotted form is written (Europe, Ukraine, Russia)
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?"),
]


def parse_moment(text: str) -> Optional[datetime]:
    """The first full date (with year) in `text`, with its time of day when given.

    A date without a year is not a moment: "Saturday, October 1" returns None.
    """
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["month"]) if parts.get("month") else MONTHS[parts["mname"].lower().rstrip(".")]
        try:
            day = date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            continue
        hour, minute = int(parts.get("hour") or 0), int(parts.get("minute") or 0)
        ampm = (parts.get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            hour = minute = 0
        return datetime(day.year, day.month, day.day, hour, minute)
    return None
