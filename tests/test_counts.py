import pytest
from hypothesis import given, strategies as st

from strikelog.literals.counts import number_word, read_count
from strikelog.records import Count


@pytest.mark.parametrize("phrase, expected", [
    ("at least eight people", Count(8, 8, None)),
    ("14 coalition personnel", Count(14, 14, 14)),
    ("two soldiers and a civilian", Count(3, 3, 3)),
    ("two American service members and one British service member", Count(3, 3, 3)),
    ("more than 20 civilians", Count(21, 21, None)),
    ("up to 15 fighters", Count(15, None, 15)),
    ("between 10 and 12 militants", Count(10, 10, 12)),
    ("several soldiers", Count(3, 3, None)),
    ("a number of militants", Count(2, 2, None)),
    ("dozens of villagers", Count(12, 12, None)),
    ("a fighter", Count(1, 1, 1)),
    ("twenty-two people", Count(22, 22, 22)),
    ("1,200 people", Count(1200, 1200, 1200)),
])
def test_read_count(phrase, expected):
    assert read_count(phrase) == expected


def test_calibres_are_not_people():
    assert read_count("30 107mm rockets") == Count(30, 30, 30)


def test_no_number_is_none():
    assert read_count("the guards") is None


@given(st.integers(min_value=0, max_value=999_999))
def test_digits_round_trip(n):
    assert number_word(f"{n:,}") == n


@given(st.text(max_size=80))
def test_never_crashes_and_never_negative(text):
    count = read_count(text)
    assert count is None or all(v is None or v >= 0 for v in (count.best, count.low, count.high))
