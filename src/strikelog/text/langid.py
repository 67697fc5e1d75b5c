"""Is this article in English? A check on an article's words, run by `clean` before anything else.

English news has 30-45% words from spaCy's English stop list; a text in another Latin-script
language has under 10% of those and more of its own language's; a text mostly in another script is
not English either. Terse English (headline style) with few function words is still English: it
matches no other list better.
"""
from __future__ import annotations

import importlib
import itertools
import re
from typing import Optional

from ..caches import process_cache
from ..errors import InputError

_LETTERS = re.compile(r"[^\W\d_]+")
LANGUAGE_SAMPLE_WORDS = 400
LANGUAGE_MIN_WORDS = 20
ENGLISH_MIN_SHARE = 0.15
OTHER_LATIN_LANGUAGES = {
    "fr": "French", "es": "Spanish", "pt": "Portuguese", "de": "German", "it": "Italian", "nl": "Dutch",
    "tr": "Turkish", "id": "Indonesian", "ms": "Malay", "tl": "Tagalog", "ro": "Romanian", "pl": "Polish",
    "cs": "Czech", "hr": "Croatian", "sq": "Albanian", "ca": "Catalan", "sv": "Swedish", "da": "Danish",
}


def check_english(path: str, lines: list[str]) -> None:
    """Raise InputError for an article that is not in English (judged on all its lines, debris
    included: the language is the page's); too short a text passes."""
    verdict = other_language(" ".join(lines))
    if verdict:
        raise InputError(path, f"not in English ({verdict}); only English reports are read")


def other_language(text: str) -> Optional[str]:
    """Why `text` is not English ("looks like French ..."), or None if it is English or too short to tell."""
    words = [m.group().lower() for m in itertools.islice(_LETTERS.finditer(text), LANGUAGE_SAMPLE_WORDS)]
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    latin = sum(all(ch < "\u0250" for ch in word) for word in words) / len(words)
    if latin < 0.5:
        return "written mostly in a non-Latin script"
    english = _share(words, _stop_words("en"))
    if english >= ENGLISH_MIN_SHARE:
        return None
    share, name = max((_share(words, _stop_words(code)), name) for code, name in OTHER_LATIN_LANGUAGES.items())
    if share > english:
        return f"looks like {name}: {share:.0%} of its words are common {name} words, {english:.0%} common English ones"
    return None


def _share(words: list[str], vocabulary: frozenset | set) -> float:
    return sum(word in vocabulary for word in words) / len(words)


@process_cache(maxsize=None)
def _stop_words(code: str) -> frozenset:
    """spaCy's stop list of a language (no model needed: it ships with spaCy itself). Imported on
    first use, so that a run that cleans nothing (an unchanged re-ingest) never imports spaCy."""
    return frozenset(importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)
