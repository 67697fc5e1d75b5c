"""Property-based tests (hypothesis) for the pieces that read untrusted text: the cleaner, the
temporal resolver, the number reader and the gazetteer lookup."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikelog.text import clean
from strikelog.literals.counts import number_word, read_count
from strikelog.errors import InputError
from strikelog.resolve.gazetteer import name_key
from strikelog.records import Anchor, RawArticle
from strikelog.literals.dates import WEEKDAYS
from strikelog.resolve.time import resolve_expression

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
       "seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
DAY_NAMES = [name for name in WEEKDAYS if name.endswith("day")]
anchors = st.dates(date(1990, 1, 1), date(2035, 12, 31)).map(
    lambda d: Anchor(datetime(d.year, d.month, d.day, 12), "metadata", d.isoformat()))
texts = st.text(st.characters(codec="utf-8"), max_size=400)


def spelled(n: int, joiner: str) -> str:
    """An English rendering of 0..999 ("three hundred and forty-two"): the test's own oracle."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{ONES[hundreds]} hundred")
    if rest or not hundreds:
        tens, ones = divmod(rest, 10)
        small = ONES[rest] if rest < 20 else TENS[tens] + (f"-{ONES[ones]}" if ones else "")
        words.append(small)
    return joiner.join(words)


# ---- the number reader ----------------------------------------------------------------------------------
@given(st.integers(0, 9_999_999))
def test_digits_with_or_without_thousands_separators(n):
    assert number_word(str(n)) == n
    assert number_word(f"{n:,}") == n


@given(st.integers(0, 999), st.sampled_from([" ", " and "]), st.booleans())
def test_number_words_read_as_their_value(n, joiner, upper):
    words = spelled(n, joiner)
    assert number_word(words.upper() if upper else words) == n


@given(st.integers(1, 5000), st.sampled_from(["at least", "more than", "up to", "about", ""]))
def test_bounded_counts_keep_their_bound(n, qualifier):
    count = read_count(f"{qualifier} {n} people".strip())
    if qualifier == "at least":
        assert (count.best, count.low, count.high) == (n, n, None)
    elif qualifier == "more than":
        assert (count.best, count.low, count.high) == (n + 1, n + 1, None)
    elif qualifier == "up to":
        assert (count.best, count.low, count.high) == (n, None, n)
    elif qualifier == "about":
        assert (count.best, count.low, count.high) == (n, None, None)
    else:
        assert (count.best, count.low, count.high) == (n, n, n)


@given(st.integers(0, 999), st.integers(0, 999))
def test_between_gives_ordered_bounds(a, b):
    count = read_count(f"between {a} and {b}")
    assert (count.low, count.high) == (min(a, b), max(a, b))


@given(texts)
def test_any_phrase_reads_to_a_sane_count_or_nothing(phrase):
    count = read_count(phrase)
    if count is not None:
        for value in (count.best, count.low, count.high):
            assert value is None or value >= 0
        if count.low is not None and count.high is not None:
            assert count.low <= count.high
        if count.best is not None and count.low is not None:
            assert count.best >= count.low


# ---- the temporal resolver --------------------------------------------------------------------------------
@given(anchors, st.sampled_from(DAY_NAMES), st.sampled_from(["on {}", "late on {}", "{} night", "early {}"]))
def test_a_past_weekday_is_the_latest_such_day_up_to_the_anchor(anchor, day, phrase):
    when = resolve_expression(phrase.format(day.capitalize()), "past", anchor, None)
    today = anchor.moment.date()
    assert when.precision == "day" and when.start == when.end
    assert today - timedelta(days=6) <= when.start <= today
    assert when.start.weekday() == WEEKDAYS[day]


@given(anchors, st.sampled_from(DAY_NAMES))
def test_a_future_weekday_is_on_or_after_the_anchor(anchor, day):
    when = resolve_expression(f"on {day}", "future", anchor, None)
    today = anchor.moment.date()
    assert today <= when.start <= today + timedelta(days=6) and when.start.weekday() == WEEKDAYS[day]


@given(st.sampled_from(DAY_NAMES))
def test_a_weekday_without_an_anchor_is_unknown(day):
    when = resolve_expression(f"on {day}", "past", None, None)
    assert when.start is None and when.precision == "unknown"


@given(anchors, st.dates(date(1990, 1, 1), date(2035, 12, 31)))
def test_a_month_and_day_without_a_year_is_the_last_one_not_after_the_anchor(anchor, day):
    today = anchor.moment.date()
    when = resolve_expression(day.strftime("%B ") + str(day.day), "past", anchor, None)
    if when.start is None:  # February 29 in a year without one
        assert (day.month, day.day) == (2, 29)
        return
    assert when.start <= today and (today - when.start).days < 366 * 4
    assert (when.start.month, when.start.day) == (day.month, day.day)


@given(anchors, st.integers(0, 30))
def test_days_ago_counts_back_from_the_anchor(anchor, n):
    when = resolve_expression(f"{spelled(n, ' ') if n < 20 else n} days ago", "past", anchor, None)
    assert when.start == anchor.moment.date() - timedelta(days=n)


@given(texts, st.one_of(st.none(), anchors), st.sampled_from(["past", "present", "future"]))
def test_any_expression_resolves_to_an_ordered_range_or_unknown(text, anchor, tense):
    when = resolve_expression(text, tense, anchor, None)
    if when.start is not None and when.end is not None:
        assert when.start <= when.end
    if anchor is None and when.start is not None:
        assert when.precision in ("year", "day")  # only explicit years or full dates without an anchor


# ---- the cleaner ----------------------------------------------------------------------------------------
@given(texts)
def test_normalise_is_idempotent_and_leaves_no_control_characters(text):
    once = clean.normalise(text)
    assert clean.normalise(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch >= " " for ch in once)


def _raw(body: str, is_html: bool) -> RawArticle:
    return RawArticle(id="a", path="a.html" if is_html else "a.txt", fmt="html" if is_html else "txt", body=body,
                      is_html=is_html, content_hash="h")


html_fragments = st.lists(st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>", "<figcaption>", "</figcaption>", "<script>", "</script>",
    "<!--", "-->", "<br>", "&amp;", "&#0;", "&nbsp;", "<article>", "Rockets hit the base on Monday.",
    "Three people were killed, officials said.", "See also", "Most Popular", "\u200b", "\x00", "\ufeff",
]), max_size=60).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(texts.map(lambda t: (t, False)), texts.map(lambda t: (t, True)), html_fragments.map(lambda t: (t, True))))
def test_the_cleaner_returns_normalised_paragraphs_or_an_input_error(case):
    body, is_html = case
    try:
        article = clean.clean(_raw(body, is_html))
    except InputError as err:
        assert err.path and err.reason
        return
    assert article.paragraphs
    for paragraph in article.paragraphs:
        assert paragraph.text and clean.normalise(paragraph.text) == paragraph.text


# ---- the gazetteer lookup ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def known_names(gazetteer):
    rows = gazetteer.db.execute(
        "SELECT p.name FROM places p WHERE p.kind = 'site' OR p.population > 200000 ORDER BY p.id").fetchall()
    return [row[0] for row in rows]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_every_known_name_is_found_however_it_is_cased(gazetteer, known_names, data):
    name = data.draw(st.sampled_from(known_names))
    variant = data.draw(st.sampled_from([name, name.upper(), name.lower(), f"  {name} "]))
    found = gazetteer.lookup(variant)
    assert found and not any(place.fuzzy for place in found)
    assert any(name_key(place.name) == name_key(name) for place in found) or name_key(name) == ""


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(texts)
def test_any_text_looks_up_to_places_on_the_globe_or_nothing(gazetteer, text):
    for place in gazetteer.lookup(text):
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert place.country is None or len(place.country) == 2
