"""What kind of mention: its ACLED sub-event type (modifier, weapon, trigger hint, defaults), its
status (reported, background, aggregate), whether it refers back to an event already told
("the attack") and whether it tells several strikes (an operation)."""
from __future__ import annotations

import re
from typing import Any, Optional

from ..records import Count, Mention
from .casualties import _count_of
from .tokens import Component, _Group, _pos_class, _Sentence
from .words import _ANAPHORIC_DETS, WEEKDAY_NAMES


class Classify(Component):
    """Type and status of one mention."""

    def sub_event_type(self, group: _Group, weapons: list[str], actor1: Optional[str], actor2: Optional[str],
                       target_tok: Any, sent: _Sentence) -> tuple[str, str]:
        """The ACLED sub-event type, and what it was read from ("modifier", "weapon", "hint", "default")."""
        rules = self.rules
        for member in group.members:
            for child in member.children:
                word = child.lower_
                if child.dep_ in ("compound", "amod", "nmod") and word in rules["noun_modifiers"]:
                    return rules["noun_modifiers"][word], "modifier"
        by_weapon = self.lex.weapon_sub_event(weapons)
        if by_weapon:
            return by_weapon, "weapon"
        hint = group.entry.get("hint")
        if hint:
            return hint, "hint"
        defaults = rules["defaults"]
        if actor2 == "Civilians":
            return defaults["against_civilians"], "default"
        if actor1 and self.lex.country_of_military(actor1) and group.lemma in ("strike", "bomb", "target", "hit", "destroy", "airstrike", "operation", "action", "respond", "response", "engage", "retaliation", "pound"):
            return defaults["state_actor"], "default"
        target_words = {t.lower_ for t in target_tok.subtree} if target_tok is not None else set()
        if target_words & set(rules["facility_words"]) or any(t.label == "SITE" for t in sent.tags):
            return defaults["against_site"], "default"
        return defaults["otherwise"], "default"

    def linguistic_status(self, sent: _Sentence, group: _Group, mention: Mention) -> str:
        """'background' for pluperfect and 'previously'; 'aggregate' for '66 attacks', 'the recent attacks'."""
        member = group.members[0]
        low = f" {sent.text.lower()} "
        verb = member if _pos_class(member) == "VERB" else _governing_verb(member)
        adverbs = set(self.rules["background_adverbs"])
        if any(c.lower_ in adverbs for m in (member, verb) for c in m.children if c.dep_ == "advmod"):
            return "background"
        if any(f" {p} " in low for p in self.rules["background_phrases"]):
            return "background"
        if any(c.lower_ == "had" and c.dep_ == "aux" for c in verb.children) and not self.under_reporting(verb):
            return "background"
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "since" for c in verb.children):
            return "background"  # "airstrikes on Gaza since Hamas launched its attacks": what the story starts from
        if _pos_class(member) == "NOUN" and member.tag_ in ("NNS", "NNPS"):
            children = list(member.children)
            if _counted_several(member):
                return "aggregate"
            if any(c.lower_ in self.rules["aggregate_modifiers"] for c in children if c.dep_ in ("amod", "det", "nummod")):
                return "aggregate"
            head = member.head.head if member.head.dep_ == "prep" else member.head
            if head.lemma_.lower() in self.rules["aggregate_nouns"]:
                return "aggregate"
            if _counted_several(head):
                return "aggregate"  # "three separate sets of strikes"
            definite = any(c.dep_ in ("det", "poss") and c.lower_ in _ANAPHORIC_DETS for c in children)
            determined = any(c.dep_ in ("det", "poss") for c in children)
            dated = any(t.text.lower().rstrip("'s") in WEEKDAY_NAMES or re.search(r"\d", t.text) for t in mention.time_exprs)
            if member.lemma_.lower() == "attack" and not definite and not dated and (not mention.places or not determined):
                return "aggregate"  # "drone attacks against US personnel": habitual, not one event
        countries = {p.text for p in mention.places if p.label == "COUNTRY"}
        if len(countries) >= 2:
            return "aggregate"
        return "reported"

    def under_reporting(self, verb: Any) -> bool:
        node = verb
        reporting = set(self.rules["reporting_verbs"])
        for _ in range(4):
            if node.head is node:
                return False
            node = node.head
            if node.lemma_.lower() in reporting:
                return True
        return False

    def is_anaphoric(self, group: _Group) -> bool:
        """'the attack', 'its strikes', 'Tuesday's attack': a reference to an event already told."""
        for member in group.members:
            if _pos_class(member) != "NOUN":
                continue
            for c in member.children:
                if c.dep_ in ("det", "poss") and c.lower_ in _ANAPHORIC_DETS:
                    return True
                if c.dep_ == "poss" and (c.ent_type_ in ("DATE", "TIME") or c.lower_ in WEEKDAY_NAMES | {"yesterday", "today"}):
                    return True
        return False


def _armed_killing(mention: Mention) -> bool:
    return bool(mention.actor1) and mention.actor1 != "Civilians" and mention.fatalities.known


def _counted_several(noun: Any) -> bool:
    """'66 attacks', 'three sets of strikes': a number above one counts the noun."""
    return any(c.dep_ == "nummod" and (_count_of(c) or Count()).best not in (None, 1) for c in noun.children)


def _is_plural(group: _Group, target: Optional[Any]) -> bool:
    """Several strikes or several targets: an operation that may cover more than one place."""
    if any(m.tag_ in ("NNS", "NNPS") for m in group.members if _pos_class(m) == "NOUN"):
        return True
    return target is not None and (target.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in target.children))


def _governing_verb(tok: Any) -> Any:
    node = tok
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            return node
        node = node.head
    return node
