"""The names a filter is checked against: ACLED's event and sub-event types, and the actor dictionary's
names and aliases (data/actors.jsonl), so that `actor=Kataib` finds "Kata'ib Hezbollah"."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Optional

from ..resources import data_text, load_actors

# ACLED's codebook: each event type with its sub-event types.
ACLED_TYPES = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Excessive force against protesters", "Protest with intervention", "Peaceful protest"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
}
MAX_ACTOR_NAMES = 50  # dictionary names one actor filter may expand to


@lru_cache(maxsize=1)
def event_types() -> tuple[str, ...]:
    """Every event and sub-event type a filter may name: ACLED's, and any the type rules add."""
    rules = json.loads(data_text("event_types.json"))["sub_event_types"]
    names = [*ACLED_TYPES, *(s for subs in ACLED_TYPES.values() for s in subs), *rules, *rules.values()]
    return tuple(dict.fromkeys(names))


def spelled_as(value: str) -> Optional[str]:
    """The type named by `value` with ACLED's spelling when only the case differs ("air/drone strike")."""
    return next((name for name in event_types() if name.casefold() == value.casefold()), None)


def folded(text: str) -> str:
    """A name as it is compared: no accents, lower case, no apostrophes, hyphens and runs of spaces as one space."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`ʼ]", "", text)
    return re.sub(r"[\s\-‐‑–]+", " ", text).strip()


@lru_cache(maxsize=1)
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
