"""Casualties: the killed and wounded a sentence states ("killing 26 tourists", "no one was hurt"),
given to the trigger group that governs them, each with its claim; the side the dead belong to."""
from __future__ import annotations

import re
from typing import Any, Optional

from ..literals.counts import read_count
from ..records import Count, Mention
from .tokens import Component, _Group, _nearest_group, _Sentence, _Speaker, _token_at


class Casualties(Component):
    """Fatalities and wounded of one mention (claims through `Attribution.claim`)."""

    def read_casualties(self, sent: _Sentence, group: _Group, groups: list[_Group], mention: Mention,
                        speaker: Optional["_Speaker"]) -> None:
        for field_name, count, words in self.casualty_phrases(sent):
            owner = self.owner_group(words, groups) or _nearest_group(words, groups)
            if owner is not group or self.in_relative_of_another(words, group):
                continue
            if mention.actor2 is None and words.pos_ in ("NOUN", "PROPN"):
                mention.actor2 = self.victim_side(words)
            if field_name == "casualties":
                mention.claims.append(self.claim("casualties", count.best, speaker, sent))
                continue
            current: Count = getattr(mention, field_name)
            if not current.known or (current.best or 0) < (count.best or 0):
                setattr(mention, field_name, count)
            mention.claims.append(self.claim(field_name, count.best, speaker, sent))

    def casualty_phrases(self, sent: _Sentence):
        """(field, Count, anchor token) for every casualty statement in the sentence."""
        rules = self.rules
        low = sent.text.lower()
        for match in re.finditer(r"\bno (?:one|casualties|injuries|deaths|fatalities|one was (?:hurt|killed|injured))\b|\bwithout casualties\b|\bcaused no (?:injuries|casualties)\b", low):
            phrase = match.group(0)
            fields = ["wounded"] if "injur" in phrase or "hurt" in phrase else ["fatalities"] if ("death" in phrase or "killed" in phrase or "fatal" in phrase) else ["fatalities", "wounded"]
            tok = _token_at(sent.span, match.start())
            for f in fields:
                yield f, Count(0, 0, 0), tok
        for tok in sent.span:
            lemma = tok.lemma_.lower()
            if lemma in rules["casualty_verbs"] and tok.pos_ in ("VERB", "ADJ"):
                field_name = rules["casualty_verbs"][lemma]
                obj = next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")), None)
                if obj is None and lemma == "die":
                    obj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                if obj is None and tok.dep_ in ("amod", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
                    obj = tok.head
                if obj is not None and obj.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                    obj = tok.head
                count = _count_of(obj) if obj is not None else None
                if count is not None:
                    yield field_name, count, obj
            elif lemma == "toll" and tok.pos_ == "NOUN" and (toll := _toll_figure(tok)) is not None:
                yield toll  # "the death toll from the strike has climbed to at least 82"
            elif lemma in rules["casualty_nouns"] and tok.pos_ in ("NOUN", "ADJ"):
                field_name = rules["casualty_nouns"][lemma]
                if tok.pos_ == "ADJ" and tok.dep_ in ("amod",):
                    continue
                count = _count_of(tok, own_head=True)
                if count is None and tok.lemma_.lower() in ("death", "life"):  # "the deaths of", "claimed the lives of"
                    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                    pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
                    count = _count_of(pobj) if pobj is not None else None
                if count is not None and not (count.best == 0 and tok.i > 0 and tok.nbor(-1).lower_ != "no"):
                    yield field_name, count, tok

    def victim_side(self, tok: Any) -> Optional[str]:
        """'a Kataib Hezbollah fighter was killed': the dead belong to the side that was hit."""
        tokens = list(tok.subtree)
        if tok.dep_ == "appos" or any(c.dep_ == "appos" for c in tok.children):
            tokens += [t for c in tok.children if c.dep_ == "appos" for t in c.subtree]
        tags = self.tags_in(tokens)
        actors = [t for t in tags if t.label == "ACTOR"]
        return actors[0].key if actors else self.affiliation(tokens, tags)


def _toll_figure(toll: Any) -> Optional[tuple[str, Count, Any]]:
    """ "The death toll from X has risen to 82", "the toll stood at 20": the figure the toll reaches, for
    the event the toll is of (or for the sentence's event when none is named)."""
    if toll.dep_ not in ("nsubj", "nsubjpass") or any(c.lower_ in ("injury", "wounded") for c in toll.children):
        return None
    verb = toll.head
    figure = next((g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("to", "at") for g in c.children
                   if g.dep_ == "pobj"), None)
    count = read_count(" ".join(t.text for t in figure.subtree)) if figure is not None else None
    if count is None:
        return None
    event = next((g for c in toll.children if c.dep_ == "prep" and c.lower_ in ("from", "in", "of") for g in c.children
                  if g.dep_ == "pobj"), None)
    return "fatalities", count, event if event is not None else toll


def _count_of(tok: Any, own_head: bool = False) -> Optional[Count]:
    """The number a noun phrase gives to a casualty word: 'two soldiers and a civilian' -> 3."""
    if tok is None:
        return None
    pieces = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
    if tok.ent_type_ == "PERSON" and not own_head:  # "commander X and 50 other members": one and fifty
        others = _count_of(pieces[1]) if len(pieces) > 1 else None
        return _plus_one(others) if others is not None else Count(1, 1, 1)
    words: list[str] = []
    for piece in pieces:
        left = [t for t in piece.subtree if t.i <= piece.i and t.dep_ not in ("prep", "pobj", "relcl", "punct")]
        words.extend(t.text for t in left)
        words.append("and")
    phrase = " ".join(words[:-1])
    if own_head:
        phrase = " ".join(t.text for t in tok.subtree if t.i < tok.i and t.dep_ not in ("prep", "pobj"))
        if not phrase.strip():
            return None
    count = read_count(phrase)
    if count is None and tok.ent_type_ == "PERSON":
        return Count(1, 1, 1)
    return count


def _plus_one(count: Count) -> Count:
    return Count(*(None if n is None else n + 1 for n in (count.best, count.low, count.high)))
