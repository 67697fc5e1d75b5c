"""Reading casualty counts ("at least eight", "two soldiers and a civilian", "dozens") as Count.

Rules (data/quantities.json, docs/extraction.md): an exact figure is best=low=high; "at least N"
gives low=best=N; "more than N" gives low=best=N+1; "up to N" gives high=N and best=N;
"between N and M" gives low=best=N, high=M; vague words give their [low, best] from the data
file and no high. Conjoined figures add up.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from ..caches import process_cache
from ..records import Count
from ..resources import data_text


@process_cache(maxsize=1)
def quantities() -> dict:
    return json.loads(data_text("quantities.json"))


def number_word(text: str) -> Optional[int]:
    """An integer from digits ("1,200", "14") or number words ("twenty-two", "three hundred")."""
    text = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d{1,7}", text):
        return int(text)
    words = quantities()["words"]
    total, current = 0, 0
    parts = [p for p in re.split(r"[\s\-]+", text) if p and p != "and"]
    if not parts:
        return None
    for part in parts:
        if part not in words:
            return None
        value = words[part]
        if value == 100 and part == "hundred":
            current = max(current, 1) * 100
        else:
            current += value
    return total + current


def read_count(phrase: str) -> Optional[Count]:
    """Count of a number phrase such as "at least 8", "between 10 and 12", "several", "two ... and one ..."."""
    low = " " + re.sub(r"\s+", " ", phrase.lower().replace(",", "")).strip() + " "
    q = quantities()
    between = re.search(r" between (\S+) and (\S+) ", low)
    if between:
        a, b = number_word(between.group(1)), number_word(between.group(2))
        if a is not None and b is not None:
            return Count(best=min(a, b), low=min(a, b), high=max(a, b))
    numbers = _numbers_in(low)
    if not numbers:
        for vague, (vlow, vbest) in sorted(q["vague"].items(), key=lambda kv: -len(kv[0])):
            if f" {vague} " in low:
                return Count(best=vbest, low=vlow, high=None)
        if re.match(r" (a|an|one) ", low):
            return Count(best=1, low=1, high=1)
        return None
    total = sum(numbers)
    if len(numbers) == 1:
        if any(f" {w} " in low for w in q["lower_bound"]):
            return Count(best=total, low=total, high=None)
        if any(f" {w} " in low for w in q["above"]):
            return Count(best=total + 1, low=total + 1, high=None)
        if any(f" {w} " in low for w in q["upper_bound"]):
            return Count(best=total, low=None, high=total)
        if any(f" {w} " in low for w in q["approximate"]):
            return Count(best=total, low=None, high=None)
    return Count(best=total, low=total, high=total)


_NUMBER_TOKEN = re.compile(
    r"\b(\d[\d,]*|(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"dozen)[\s\-]?)+)\b"
)


def _numbers_in(text: str) -> list[int]:
    values = []
    for match in _NUMBER_TOKEN.finditer(text):
        value = number_word(match.group(1))
        if value is not None and not _is_calibre(text, match):
            values.append(value)
    if values:  # "two soldiers and a civilian": a conjoined "a" is one more
        values.extend(1 for _ in re.finditer(r"\band an? \w", text))
    return values


def _is_calibre(text: str, match: re.Match) -> bool:
    """107mm, 2,000-pound, 155-millimetre: numbers that are sizes, not people."""
    return bool(re.match(r"\s?-?(mm|millimet|pound|lb|kg|km|mile|percent|%)", text[match.end():match.end() + 9]))
