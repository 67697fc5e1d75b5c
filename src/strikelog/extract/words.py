"""The reader's vocabularies, from data/reader_words.json (origin: data/notes/reader_words.md),
as the sets and tuples the components test words against. Read once, on import, through
`resources.data_text` (which honours $STRIKELOG_DATA_DIR)."""
from __future__ import annotations

import json

from ..resources import data_text

_WORDS = json.loads(data_text("reader_words.json"))


_SITE_NOUNS = set(_WORDS["site_nouns"])
WEEKDAY_NAMES = set(_WORDS["weekday_names"])
_CARDINAL_DIRECTIONS = set(_WORDS["cardinal_directions"])
_NEAR_WORDS = set(_WORDS["near_words"])
_PRONOUNS = set(_WORDS["pronouns"])
_ANAPHORIC_DETS = set(_WORDS["anaphoric_determiners"])
_UNCONFIRMED_CUES = tuple(_WORDS["unconfirmed_cues"])
_SOURCE_MEDIA_WORDS = tuple(_WORDS["source_media_words"])
_AFFILIATION_PHRASES = tuple(_WORDS["affiliation_phrases"])
_OFFICIAL_WORDS = tuple(_WORDS["official_words"])
_WITNESS_WORDS = tuple(_WORDS["witness_words"])
_SEQUENCE_VERBS = tuple(_WORDS["sequence_verbs"])
_AFTERMATH_VERBS = frozenset(_WORDS["aftermath_verbs"])
_STRIKE_VERBS = set(_WORDS["strike_verbs"])
_LOCATIVE_PREPS = set(_WORDS["locative_prepositions"])
_PLACE_NOUNS = set(_WORDS["place_nouns"])
_ACCUSING_VERBS = set(_WORDS["accusing_verbs"])
_DESTINATION_VERBS = set(_WORDS["destination_verbs"])
