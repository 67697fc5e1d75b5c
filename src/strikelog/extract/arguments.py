"""Arguments and roles: a trigger group's agent, target and instrument from the dependency parse,
the actor each names (dictionary tags, affiliations "Iran-backed militia", pronouns, a platform's
operator), the weapons it uses, and the proper names a report shares with other reports."""
from __future__ import annotations

from typing import Any, Optional

from ..records import Tagged
from .responses import _cause_owner
from .tokens import Component, _Group, _light_verb_of, _pos_class, _Sentence, _Speaker
from .words import _ACCUSING_VERBS, _PRONOUNS


_PLATFORM_KINDS = {"aircraft", "helicopter", "drone", "naval"}


class Arguments(Component):
    """Who did it to whom, with what."""

    def arguments(self, group: _Group, others: set[int]) -> tuple[Optional[Any], Optional[Any], list[Any]]:
        agent = target = None
        others = others | {m.i for m in group.members}
        instruments: list[Any] = []
        light = set(self.rules["light_verbs"])
        for member in group.members:
            children = list(member.children)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children) or _headline_passive(member, children)
            if _pos_class(member) == "VERB":
                for c in children:
                    if c.dep_ == "nsubj" and not passive and agent is None and c.i not in others:
                        agent = c
                    elif c.dep_ == "agent" and agent is None:
                        agent = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif (c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "nsubj" and passive)) and target is None and c.i not in others:
                        target = c
                    elif c.dep_ == "prep" and c.lower_ in ("on", "against", "at") and target is None:
                        target = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ == "prep" and c.lower_ in ("with", "using"):
                        instruments.extend(g for g in c.children if g.dep_ == "pobj")
                if agent is None and member.dep_ in ("conj", "xcomp", "advcl") and _pos_class(member.head) == "VERB":
                    agent = next((c for c in member.head.children if c.dep_ == "nsubj"), None)
                if agent is None:
                    agent = _accused(member)
            else:
                for c in children:
                    if c.dep_ == "poss" and agent is None and c.ent_type_ not in ("DATE", "TIME"):
                        agent = c
                    elif c.dep_ in ("compound", "amod", "nmod") and agent is None and self.is_actor_token(c):
                        agent = c
                    elif c.dep_ == "compound" and agent is None and c.i == member.i - 1:
                        agent = next((g for g in c.children if g.dep_ == "amod" and g.i == c.i - 1
                                      and self.is_actor_token(g)), None)  # "Russian missile strike"
                    elif c.dep_ == "prep" and c.lower_ == "by" and agent is None:
                        agent = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "targeting", "of") and target is None:
                        target = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ in ("acl", "relcl") and c.lemma_.lower() in ("target", "hit", "strike"):
                        target = next((g for g in c.children if g.dep_ == "dobj"), target)
                    elif c.dep_ == "prep" and c.lower_ in ("with", "using"):
                        instruments.extend(g for g in c.children if g.dep_ == "pobj")
                head = member.head
                if agent is None and member.dep_ == "dobj" and _pos_class(head) == "VERB":
                    agent = _accused(head)  # "accused M23 rebels of orchestrating the attack"
                if agent is None:
                    agent = _accused(member)  # "blamed Islamic Jihad for the attack"
                carrier = _light_verb_of(member, light)
                if agent is None and carrier is not None:
                    agent = next((c for c in carrier.children if c.dep_ == "nsubj"), None)
                    if agent is None and carrier.dep_ == "acl":  # "US forces ... conducted strikes" parsed as a modifier
                        agent = carrier.head
                if agent is None and member.dep_ == "pobj" and head.lower_ == "for":
                    claimer = head.head.head if head.head.lemma_.lower() == "responsibility" else None
                    if claimer is not None:
                        agent = next((c for c in claimer.children if c.dep_ == "nsubj"), None)
        return agent, target, instruments

    def is_actor_token(self, tok: Any) -> bool:
        if any(t.label in ("ACTOR", "DEMONYM", "COUNTRY") for t in self.tags_in([tok])):
            return True
        return tok.lemma_.lower() in self.rules["armed_nouns"]

    def actor_from(self, tok: Any, sent: _Sentence, others: set[int], speaker: Optional["_Speaker"],
                   pronouns: bool = True) -> Optional[str]:
        tokens = _subtree_without(tok, others)
        tags = self.tags_in(tokens)
        actors = [t for t in tags if t.label == "ACTOR"]
        if actors:
            return actors[0].key
        affiliation = self.affiliation(tokens, tags)
        if affiliation:
            return affiliation
        phrase = {t.i for t in _own_phrase(tok, tokens)}
        countries = [t for t in tags if t.label in ("DEMONYM", "COUNTRY") and t.start in phrase]
        words = {t.lemma_.lower() for t in tokens}
        head_is_force = tok.lemma_.lower() in self.rules["force_nouns"] or tok.lower_ in self.rules["force_nouns"]
        head_is_country = any(t.start <= tok.i < t.end and t.label == "COUNTRY" for t in countries)
        if countries and (head_is_force or ((head_is_country or _demonym_before(tok, countries)) and pronouns)):
            return self.lex.countries[countries[0].key].military  # a country struck is a place, not a party
        if tok.lower_ in _PRONOUNS:
            if not pronouns:
                return None
            if tok.lower_ in _FIRST_PERSON:  # "We targeted ...": whoever speaks, never the last party named
                return speaker.actor if speaker and speaker.actor else None
            antecedent = self.antecedent(tok, sent, others)
            if antecedent:
                return antecedent
            if speaker and speaker.actor:
                return speaker.actor
            if tok.lower_ in _PERSONAL:  # "he ordered strikes": a person, not the last group named
                return None
            return self.last_actor
        named = _unlisted_group_name(tok, self.rules["armed_nouns"])
        if named:
            return named
        for word in (tok.lemma_.lower(), *sorted(words)):
            generic = self.rules["armed_nouns"].get(word)
            if generic:
                return generic
        if words & set(self.rules["civilian_words"]):
            return "Civilians"
        return None

    def antecedent(self, pronoun: Any, sent: _Sentence, others: set[int]) -> Optional[str]:
        """'the militias used X in its attack': the nearest earlier subject in the sentence that names an actor."""
        for tok in reversed([t for t in sent.span if t.i < pronoun.i]):
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ not in _PRONOUNS:
                actor = self.actor_from(tok, sent, others, None, pronouns=False)
                if actor:
                    return actor
        return None

    def affiliation(self, tokens: list[Any], tags: list[Tagged]) -> Optional[str]:
        """'Iran-backed militia', 'militias linked to Iran', 'factions allied with Iran'."""
        affil = set(self.rules["affiliation_words"])
        armed = set(self.rules["armed_nouns"]) | {"group", "militias", "factions", "network"}
        if not ({t.lemma_.lower() for t in tokens} & armed):
            return None
        countries = [t for t in tags if t.label in ("COUNTRY", "DEMONYM")]
        for tok in tokens:
            if tok.lower_ not in affil:
                continue
            doc = tok.doc
            for tag in countries:
                hyphenated = tag.end == tok.i - 1 and doc[tag.end].text == "-"  # "Iran-backed"
                spaced = tag.end == tok.i and tok.i > 0 and doc[tok.i - 1].text != ","  # "Iranian backed"
                linked = tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("by", "to", "with") and tag.start in (tok.i + 2, tok.i + 3)
                if hyphenated or spaced or linked:
                    return f"{self.lex.countries[tag.key].name}-backed militia"
        return None

    def operator_of(self, weapons: list[str], speaker: Optional["_Speaker"]) -> Optional[str]:
        """A platform as agent ('an AC-130 gunship engaged ...'): its only operator's military, or
        the speaker's military when the speaker's state operates it."""
        speaker_state = self.lex.country_of_military(speaker.actor) if speaker and speaker.actor else None
        for name in weapons:
            entry = self.lex.weapons.get(name)
            if entry is None or entry.kind not in _PLATFORM_KINDS:
                continue  # munitions travel to proxies; only platforms tell who flew them
            if len(entry.operators) == 1 and entry.operators[0] in self.lex.countries:
                return self.lex.countries[entry.operators[0]].military
            if speaker_state and speaker_state in entry.operators:
                return speaker.actor
        return None

    def weapons_for(self, sent: _Sentence, group: _Group, groups: list[_Group], instruments: list[Any]) -> list[str]:
        names: list[str] = []
        for tag in sent.tags:
            if tag.label != "WEAPON":
                continue
            root = sent.span.doc[tag.start:tag.end].root
            if tag.end - tag.start == 1 and root in group.members:
                continue  # "the shelling": the act itself, which says no more than its type
            if _described_by_the_target(root):
                continue  # "struck a workshop assembling long-range drones": what was hit holds them
            if _unknown_or_denied(root):
                continue  # "did not say what kind of aircraft or artillery were used"
            owner = _cause_owner(root, self.owner_group(root, groups), groups)
            if owner is group or (owner is None and (len(groups) == 1 or group is groups[0]) and not _named_as_cause(root, group)):
                if tag.key not in names:
                    names.append(tag.key)
        return names

    def proper_names(self, sent: _Sentence) -> list[str]:
        """The sentence's proper names that are neither a party nor a country nor a date: what a report
        shares with other reports of the same event (a site, a target, a quoted official). Read once
        per sentence, however many events it tells."""
        if sent.names is None:
            sent.names = self._read_proper_names(sent)
        return sent.names

    def _read_proper_names(self, sent: _Sentence) -> list[str]:
        tagged = {i for t in sent.tags if t.label in ("ACTOR", "COUNTRY", "DEMONYM") for i in range(t.start, t.end)}
        names = []
        for tok in sent.span:
            if (tok.pos_ == "PROPN" and tok.i not in tagged and len(tok.text) > 2 and tok.text[:1].isupper()
                    and tok.ent_type_ not in ("DATE", "TIME", "NORP", "CARDINAL", "ORDINAL")
                    and tok.lower_ not in self.rules["common_names"]):
                names.append(tok.lower_)
        return sorted(set(names))


_FIRST_PERSON = {"we", "our", "us"}


def _accused(verb: Any) -> Optional[Any]:
    """ "HRW accused Malian troops of killing 300 civilians", "Israel blamed Islamic Jihad for the
    attack": the one accused does what the gerund or the noun says."""
    prep = verb.head
    if verb.dep_ in ("pobj", "pcomp") and prep.lower_ == "for" and prep.head.lemma_.lower() in _ACCUSING_VERBS:
        return next((c for c in prep.head.children if c.dep_ == "dobj"), None)
    if verb.dep_ != "pcomp" or prep.lower_ != "of":
        return None
    if prep.head.dep_ == "dobj" and prep.head.head.lemma_.lower() in _ACCUSING_VERBS:
        return prep.head  # the parser hung "of ..." on the one accused
    if prep.head.lemma_.lower() not in _ACCUSING_VERBS:
        return None
    return next((c for c in prep.head.children if c.dep_ == "dobj"), None)


def _own_phrase(head: Any, tokens: list[Any]) -> list[Any]:
    """The words that modify a noun directly: its unbroken run of modifiers ("the Russian occupiers")
    and its "of" phrase ("forces of Russia"), not a dateline hung on it ("Ukraine Gate- Kyiv - ... missiles")."""
    inside = {t.i for t in tokens}
    doc = head.doc
    start = head.i
    while start - 1 in inside and not doc[start - 1].is_punct:
        start -= 1
    run = [doc[i] for i in range(start, head.i + 1)]
    of_phrase = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for t in c.subtree]
    return run + of_phrase


def _subtree_without(tok: Any, others: set[int]) -> list[Any]:
    """The argument's words, cut at any other event predicate inside it."""
    out, stack = [], [tok]
    while stack:
        node = stack.pop()
        if node.i in others:
            continue
        out.append(node)
        stack.extend(c for c in node.children if c.dep_ not in ("relcl",) or node is tok)
    return sorted(out, key=lambda t: t.i)


def _unlisted_group_name(tok: Any, armed_nouns: dict) -> Optional[str]:
    """'Al Dhafirin militia', 'the Saraya X group': a proper name on an armed noun names a group the
    dictionary does not know yet."""
    if tok.lemma_.lower() not in armed_nouns and tok.lemma_.lower() not in ("brigade", "battalion", "front", "movement"):
        return None
    names = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if not names:
        return None
    start = min(t.i for n in names for t in n.subtree)
    words = [t.text for t in tok.doc[start:tok.i] if t.pos_ == "PROPN"]
    return " ".join(words) if words else None


_PERSONAL = {"he", "she", "him", "her", "his"}


def _demonym_before(tok: Any, countries: list[Tagged]) -> bool:
    """ "the Pakistani shelling", "an Ethiopian air strike", "Russian missile strikes": a demonym right
    before the event noun, with only the words of the noun itself between them."""
    if tok.dep_ != "amod" or not any(t.start <= tok.i < t.end and t.label == "DEMONYM" for t in countries):
        return False
    head = tok.head
    between = tok.doc[tok.i + 1:head.i]
    return tok.i < head.i and all(w.dep_ == "compound" and w.head.i in (head.i, w.i + 1) for w in between)


def _headline_passive(verb: Any, children: list[Any]) -> bool:
    """ "Police helicopter shot down during mission": "shot down" with no object says what was downed."""
    return (verb.lemma_.lower() == "shoot" and any(c.dep_ in ("prt", "advmod") and c.lower_ == "down" for c in children)
            and not any(c.dep_ == "dobj" for c in children))


def _described_by_the_target(tok: Any) -> bool:
    """A weapon word in a clause that describes a noun ("a workshop assembling drones", "a depot
    storing missiles"), not the instrument of the event."""
    node = tok
    for _ in range(4):
        if node.dep_ in ("acl", "relcl") and node.pos_ == "VERB" and node.tag_ == "VBG":
            return True
        if node.head is node:
            return False
        node = node.head
    return False


def _named_as_cause(tok: Any, group: _Group) -> bool:
    """The word lies in what the group answers ("followed a drone swarm"), though no event is named there."""
    return tok.i in group.cause_tokens


def _unknown_or_denied(tok: Any) -> bool:
    """A word inside a question ('what kind of X') or under a negated verb ('no drones were used')."""
    node = tok
    for _ in range(6):
        if any(c.lower_ in ("what", "which", "whether") for c in node.children) or node.lower_ in ("what", "which"):
            return True
        if any(c.dep_ == "neg" for c in node.children):
            return True
        if node.head is node:
            return False
        node = node.head
    return False
