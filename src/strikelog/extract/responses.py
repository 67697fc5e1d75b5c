"""Causes and responses: what an event answers ("in retaliation for", "after", "X came a day after
Y", "X followed Y"), the words of the cause phrase given to the event they name, and the event
named as a cause marked as background."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from ..records import Mention
from .tokens import Component, _governing_group, _Group, _Sentence, _token_at
from .words import _SEQUENCE_VERBS


class Responses(Component):
    """Links trigger groups that answer each other; reads the text a response names."""

    def link_responses(self, sent: _Sentence, groups: list[_Group]) -> None:
        """'X in retaliation for Y', 'X after Y', 'X responded to Y', 'X came a day after Y',
        'X followed Y': X answers Y."""
        text = sent.text.lower()
        cues = self.rules["response_cues"]
        member_of = {m.i: gi for gi, g in enumerate(groups) for m in g.members}
        for gi, group in enumerate(groups):
            for member in group.members:
                for clause in self._answered_clauses(member, group, text, cues, groups):
                    inside = _outermost([(t, member_of[t.i]) for t in clause.subtree if member_of.get(t.i, gi) != gi], clause)
                    later = sorted((i, g) for i, g in member_of.items() if g != gi and i > clause.left_edge.i)
                    # a misparsed clause may leave its event outside the subtree: then the next one in the text
                    targets = inside or [g for _, g in later[:1]]
                    for target in targets:
                        if target not in group.responds_to_groups:
                            group.responds_to_groups.append(target)
                    for tok in clause.subtree:  # what the phrase says is the cause's, or nobody's
                        group.cause_tokens.setdefault(tok.i, targets[0] if targets else _NO_EVENT)

    def _answered_clauses(self, member, group: _Group, text: str, cues: list[str], groups: list[_Group]):
        """The phrases that say what an event answers: a cue preposition on the trigger ('in retaliation
        for', 'after'), an 'after ...' clause, or, when the trigger is the subject of 'come', 'follow',
        'occur', that verb's 'after ...' or the object of 'follow'."""
        heads = [member]
        if member.dep_ in ("nsubj", "nsubjpass") and _tells_sequence(member.head):
            verb = member.head  # "the strikes came in response to ...", "X followed Y"
            heads.append(verb)
            yield from (c for c in verb.children if c.dep_ == "dobj" and verb.lemma_ == "follow")
        heads += [c for c in member.children if c.dep_ == "relcl" and _tells_sequence(c)]  # "the attack, which took place the day after ..."
        yield from _cue_phrases(heads, group, text, cues, groups)
        if member.dep_ == "nsubj" and member.head.lemma_ == "be":  # "the attack was in response to ..."
            yield from _cue_phrases([member.head], group, text, cues, groups, named_cues_only=True)
        for head in heads:
            yield from (c for c in head.children if c.dep_ == "advcl"
                        and any(m.dep_ == "mark" and m.lower_ == "after" for m in c.children))

    def causes_of_the_news(self, groups: list[_Group]) -> list[int]:
        """ "This latest escalation comes after the Houthis claimed an attack ...", "It follows nights of
        raids in the wake of a Houthi attack": an event in an 'after' or cue phrase of come/follow whose
        subject is no event of the sentence is what the article's news answers."""
        members = {m.i for g in groups for m in g.members}
        cue_nouns = {c.split()[-2] for c in self.rules["response_cues"] if len(c.split()) >= 3}
        out = []
        for gi, group in enumerate(groups):
            path = []
            for node in group.members[0].ancestors:
                if node.lemma_.lower() in _SEQUENCE_VERBS:
                    subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
                    told_by = node.head if node.dep_ == "relcl" else None  # "an assault that came in response to"
                    eventless = (bool(subjects) and not any(t.i in members for t in subjects[0].subtree)
                                 and not (told_by is not None and told_by.i in members))
                    if eventless and any(_says_after(t, cue_nouns) for t in path):
                        out.append(gi)
                    break
                path.append(node)
        return out

    def read_response_text(self, sent: _Sentence, group: _Group, groups: list[_Group], mention: Mention) -> None:
        """The words after 'in retaliation for', for the event told before them (the one named after it
        is the cause), unless the phrase hangs on another event ("an assault that came in response to")."""
        low = sent.text.lower()
        trigger_at = group.members[0].idx - sent.span.start_char
        others = {m.i for g in groups if g is not group for m in g.members}
        for cue in self.rules["response_cues"]:
            at = low.find(cue)
            if 0 <= at and trigger_at < at and not _hangs_on(_token_at(sent.span, at), others, group):
                mention.responds_to_text = sent.text[at + len(cue):].strip(" .,\"")
                return
        if any(c.lower_ in ("retaliatory",) for m in group.members for c in m.children):
            mention.responds_to_text = ""


def _cue_phrases(heads: list[Any], group: _Group, text: str, cues: list[str], events: list[_Group],
                 named_cues_only: bool = False):
    """The cue prepositions ('after', 'following', the last word of 'in retaliation for') on these
    words or on the noun of a cue phrase hung on them; with `named_cues_only`, the cue phrases alone
    ("was after three weeks of bombardment" tells time, "was in retaliation for" a cause)."""
    own = {h.i for h in heads} | {c.i for h in heads for c in h.children}
    for head in heads:
        for prep in head.subtree:
            if prep.dep_ != "prep":
                continue
            in_phrase = prep.head.dep_ == "pobj" and prep.head.head.head.i in own  # "in retaliation for"
            named = any(c.split()[-1] == prep.lower_ and " " in c and _says_cue(c, text) for c in cues)
            if prep.head.i in own or in_phrase:
                is_cue = (prep.lower_ in ("after", "following") and not named_cues_only) or any(
                    c.split()[-1] == prep.lower_ and _says_cue(c, text) for c in cues)
                if is_cue or (prep.lower_ == "to" and group.lemma == "respond"):
                    yield prep
            elif named and prep.head.dep_ == "pobj" and _governing_group(prep.head, events) is group:
                yield prep  # "an airstrike on Sanaa which killed 14 in a response to ...": deeper, no other event between


def _tells_sequence(verb: Any) -> bool:
    """ 'came', 'followed', 'occurred', 'took place': a verb that only places its subject in time."""
    lemma = verb.lemma_.lower()
    return lemma in _SEQUENCE_VERBS or (lemma == "take" and any(c.dep_ == "dobj" and c.lower_ == "place" for c in verb.children))


def _hangs_on(tok: Any, others: set[int], group: _Group) -> bool:
    """The word's nearest event above it is another group's."""
    own = {m.i for m in group.members}
    for node in tok.ancestors:
        if node.i in own:
            return False
        if node.i in others:
            return True
    return False


def _outermost(found: list[tuple[Any, int]], clause: Any) -> list[int]:
    """The events a cause phrase names itself, not those named inside it ("following an assault in
    April that came in response to a strike on the consulate": the assault)."""
    def depth(tok: Any) -> int:
        steps = 0
        while tok is not clause and tok.head is not tok and steps < 50:
            tok, steps = tok.head, steps + 1
        return steps
    if not found:
        return []
    least = min(depth(t) for t, _ in found)
    return list(dict.fromkeys(g for t, g in found if depth(t) <= least + 1))


def _says_after(tok: Any, cue_nouns: set[str]) -> bool:
    """A word on the way up from an event that makes it earlier than its clause: 'after', 'following',
    an 'after' clause, the noun of a cue phrase ('in the wake of')."""
    return (tok.lower_ in ("after", "following") or tok.lemma_.lower() in cue_nouns
            or any(c.dep_ == "mark" and c.lower_ == "after" for c in tok.children))


@lru_cache(maxsize=64)
def _cue_pattern(cue: str) -> re.Pattern:
    """'in response to' also as 'in an apparent response to': up to two words after the first."""
    first, *rest = cue.split()
    return re.compile(rf"\b{re.escape(first)}\s+(?:[\w-]+\s+){{0,2}}?" + r"\s+".join(map(re.escape, rest)) + r"\b")


def _says_cue(cue: str, text: str) -> bool:
    return cue in text or (" " in cue and _cue_pattern(cue).search(text) is not None)


_NO_EVENT = -1  # a cause phrase that names no event of its own ("after damage to the bridge")


def _mark_cause(mention: Mention) -> None:
    """An event named as what another answers is an earlier one: background, unless a report tells it."""
    mention.cause = True
    if mention.status == "reported":
        mention.status = "background"


def _cause_owner(tok: Any, owner: Optional[_Group], groups: list[_Group]) -> Optional[_Group]:
    """Words inside 'in retaliation for Ukraine's attack on Belgorod' belong to the event named there."""
    if owner is not None and tok.i in owner.cause_tokens:
        cause = owner.cause_tokens[tok.i]
        return groups[cause] if cause != _NO_EVENT else None
    return owner
