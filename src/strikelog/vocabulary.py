"""The actor dictionary's names and aliases (data/actors.jsonl) as a filter matches them, so that
`actor=Kataib` finds "Kata'ib Hezbollah"."""
from __future__ import annotations

import re
import unicodedata
from .caches import process_cache
from .resources import load_actors

MAX_ACTOR_NAMES = 50  # dictionary names one actor filter may expand to


def folded(text: str) -> str:
    """A name as it is compared: no accents, lower case, no apostrophes, hyphens and runs of spaces as one space."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`ʼ]", "", text)
    return re.sub(r"[\s\-‐‑–]+", " ", text).strip()


@process_cache(maxsize=1)
def _actor_spellings() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((entry.name, tuple(folded(n) for n in (entry.name, *entry.aliases)))
                 for entry in load_actors().values())


def actor_names(text: str) -> tuple[str, ...]:
    """The dictionary's names of the actors whose name or an alias contains `text` (compared folded)."""
    wanted = folded(text)
    if not wanted:
        return ()
    found = [name for name, spellings in _actor_spellings() if any(wanted in s for s in spellings)]
    return tuple(found[:MAX_ACTOR_NAMES])
