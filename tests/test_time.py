from datetime import date, datetime

import pytest

from strikelog.records import Anchor, DateRange
from strikelog.resolve.time import is_before_news_window, resolve_expression

WED_0105 = Anchor(datetime(2023, 11, 22, 1, 5), "text", "Updated: November 22, 2023, 1:05 AM")
MON_JAN = Anchor(datetime(2024, 1, 1, 9, 0), "metadata", "2024-01-01T09:00")
SUN = Anchor(datetime(2024, 3, 10, 18, 0), "metadata", "2024-03-10T18:00")


def day(text, anchor, tense="past", previous=None):
    r = resolve_expression(text, tense, anchor, previous)
    return (r.start, r.end, r.precision)


@pytest.mark.parametrize("text, expected", [
    ("on Wednesday", date(2023, 11, 22)),       # same day as the anchor, past tense
    ("on Tuesday", date(2023, 11, 21)),
    ("early on Tuesday", date(2023, 11, 21)),
    ("late on Sunday", date(2023, 11, 19)),
    ("Thursday", date(2023, 11, 16)),            # a past Thursday, six days back
    ("yesterday", date(2023, 11, 21)),
    ("last night", date(2023, 11, 21)),
    ("today", date(2023, 11, 22)),
    ("three days ago", date(2023, 11, 19)),
    ("August 15", date(2023, 8, 15)),
    ("15 August", date(2023, 8, 15)),
    ("October 7, 2023", date(2023, 10, 7)),
    ("December 25", date(2022, 12, 25)),         # never in the future of the anchor
])
def test_day_expressions(text, expected):
    assert day(text, WED_0105) == (expected, expected, "day")


def test_future_weekday_points_forward():
    assert day("on Friday", WED_0105, tense="future")[0] == date(2023, 11, 24)


def test_year_boundary_weekday():
    assert day("on Saturday", MON_JAN)[0] == date(2023, 12, 30)
    assert day("December 31", MON_JAN)[0] == date(2023, 12, 31)
    assert day("yesterday", MON_JAN)[0] == date(2023, 12, 31)


def test_sunday_anchor_same_day():
    assert day("on Sunday", SUN)[0] == date(2024, 3, 10)


@pytest.mark.parametrize("text", ["on Tuesday", "yesterday", "August 15", "last month"])
def test_no_anchor_no_date(text):
    assert day(text, None) == (None, None, "unknown")


def test_absolute_date_needs_no_anchor():
    assert day("on 3 March 2024", None) == (date(2024, 3, 3), date(2024, 3, 3), "day")


def test_month_and_year_ranges():
    assert day("last month", WED_0105) == (date(2023, 10, 1), date(2023, 10, 31), "month")
    assert day("in December", WED_0105) == (date(2022, 12, 1), date(2022, 12, 31), "month")
    assert day("mid-October", WED_0105) == (date(2023, 10, 10), date(2023, 10, 20), "month")
    assert day("in 2014", WED_0105) == (date(2014, 1, 1), date(2014, 12, 31), "year")
    assert day("the 2003-2011 occupation", None) == (date(2003, 1, 1), date(2011, 12, 31), "year")


def test_two_weekdays_make_a_range():
    assert day("on Tuesday and Wednesday", WED_0105) == (date(2023, 11, 21), date(2023, 11, 22), "week")


def test_relative_to_previous_event():
    prev = DateRange(date(2023, 11, 21), date(2023, 11, 21), "day")
    assert day("hours later", WED_0105, previous=prev)[0] == date(2023, 11, 21)
    assert day("the next day", WED_0105, previous=prev)[0] == date(2023, 11, 22)
    assert day("a day earlier", None, previous=prev)[0] == date(2023, 11, 20)


def test_time_of_day_alone_gives_no_date():
    assert day("about 4.30am", WED_0105) == (None, None, "unknown")


def test_background_window():
    today = date(2023, 11, 22)
    assert is_before_news_window(DateRange(date(2023, 10, 7), date(2023, 10, 7), "day"), today)
    assert not is_before_news_window(DateRange(date(2023, 11, 20), date(2023, 11, 20), "day"), today)
    assert is_before_news_window(DateRange(date(2014, 1, 1), date(2014, 12, 31), "year"), today)
    assert not is_before_news_window(DateRange(date(2023, 11, 1), date(2023, 11, 30), "month"), today)


LEAP = Anchor(datetime(2024, 3, 1, 12, 0), "metadata", "2024-03-01T12:00")  # a Friday after 29 February
EARLY = Anchor(datetime(2024, 1, 3, 0, 30), "text", "Updated: January 3, 2024, 12:30 AM")  # Wednesday, just after midnight


@pytest.mark.parametrize("text, anchor, expected", [
    ("yesterday", LEAP, date(2024, 2, 29)),                 # leap day
    ("on Thursday", LEAP, date(2024, 2, 29)),
    ("February 29", LEAP, date(2024, 2, 29)),
    ("on Friday", LEAP, date(2024, 3, 1)),                  # same day, past tense
    ("last night", LEAP, date(2024, 2, 29)),
    ("two days ago", LEAP, date(2024, 2, 28)),
    ("on Monday", EARLY, date(2024, 1, 1)),                 # New Year's Day
    ("on Sunday", EARLY, date(2023, 12, 31)),               # across the year boundary
    ("December 30", EARLY, date(2023, 12, 30)),
    ("on 2 January 2024", EARLY, date(2024, 1, 2)),
    ("Jan. 2", EARLY, date(2024, 1, 2)),
    ("the 2nd of January", EARLY, date(2024, 1, 2)),
    ("Tuesday night", EARLY, date(2024, 1, 2)),
    ("early Wednesday", EARLY, date(2024, 1, 3)),
])
def test_more_day_cases(text, anchor, expected):
    assert day(text, anchor) == (expected, expected, "day")


def test_future_tense_next_weekday_across_year():
    assert day("on Friday", EARLY, tense="future")[0] == date(2024, 1, 5)


def test_weeks_relative_to_anchor():
    assert day("last week", LEAP) == (date(2024, 2, 19), date(2024, 2, 25), "week")
    assert day("this week", LEAP) == (date(2024, 2, 26), date(2024, 3, 1), "week")


def test_month_ranges_early_and_late():
    assert day("early February", LEAP) == (date(2024, 2, 1), date(2024, 2, 10), "month")
    assert day("late January", LEAP) == (date(2024, 1, 20), date(2024, 1, 31), "month")
    assert day("last month", EARLY) == (date(2023, 12, 1), date(2023, 12, 31), "month")


def test_may_the_verb_is_not_may_the_month():
    assert day("may", LEAP) == (None, None, "unknown")
    assert day("in May", LEAP)[2] == "month"


def test_impossible_day_falls_back_to_its_month():
    assert day("February 30", LEAP) == (date(2024, 2, 1), date(2024, 2, 29), "month")
