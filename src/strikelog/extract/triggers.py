"""Triggers: the attack and strike predicates of a sentence (data/event_types.json "triggers"),
grouped into the events they tell ("launched an attack", "an air strike that struck ..."), without
threats, plans, negations and generalities (`is_irrealis`, `_habitual_present`)."""
from __future__ import annotations

from typing import Any, Optional

from .tokens import Component, _Group, _light_verb_of, _pos_class, _Sentence


class Triggers(Component):
    """Finds a sentence's trigger groups; links the responses among them (`Responses.link_responses`)."""

    def trigger_groups(self, sent: _Sentence) -> list[_Group]:
        triggers = self.rules["triggers"]
        hits: list[tuple[Any, dict, str]] = []
        weapon_tokens = {i for t in sent.tags if t.label == "WEAPON" for i in range(t.start, t.end)}
        for tok in sent.span:
            lemma = _trigger_lemma(tok, triggers)
            entry = triggers.get(lemma) if lemma else None
            if entry is not None and _pos_class(tok) in entry["pos"]:
                if entry.get("fallback") and (tok.dep_ == "amod" or tok.pos_ != "VERB"):
                    continue
                if tok.pos_ == "VERB" and tok.dep_ in ("amod", "compound"):
                    continue  # "the attacking force": a modifier, not a predicate
                hits.append((tok, entry, lemma))
            elif tok.lower_ == "another" and hits and _following_prep(tok) is not None:
                hits.append((tok, hits[-1][1], hits[-1][2]))  # "the attacks on the base, along with another on X"
            elif phrase := _phrasal(tok, self.rules["phrasal_triggers"], weapon_tokens):
                hits.append((tok, {"pos": ["VERB"], "hint": self.rules["phrasal_triggers"][phrase]}, phrase))  # "blew up", "went off"
            elif tok.lemma_.lower() == "open" and tok.pos_ == "VERB" and any(
                c.dep_ == "dobj" and c.lower_ == "fire" for c in tok.children
            ):
                hits.append((tok, {"pos": ["VERB"], "hint": None}, "open fire"))  # "gunmen opened fire on ..."
            elif tok.lemma_.lower() in self.rules["fire_verbs"] and tok.pos_ == "VERB" and any(
                c.dep_ in ("dobj", "nsubjpass") and _names_a_weapon(c, weapon_tokens) for c in tok.children
            ):
                hits.append((tok, {"pos": ["VERB"], "hint": None}, "fire"))
        inside_names = {i for t in sent.tags if t.label in ("WEAPON", "ACTOR", "SITE") for i in range(t.start, _name_end(t, sent))}
        hits = [h for h in hits if not self.is_irrealis(h[0]) and h[0].i not in inside_names and not _inside_org_name(h[0], sent)]
        if len(hits) > 1:  # a sentence-initial participle beside a real predicate is a modifier ("Targeting pod ...")
            hits = [h for h in hits if not (h[0].i == sent.span.start and h[0].tag_ == "VBG")]
        if not hits:
            return []
        groups = _union_groups(hits)
        for group in groups:  # "another on X": the place phrase belongs to "another", wherever the parser hung it
            for member in list(group.members):
                prep = _following_prep(member) if member.lower_ == "another" else None
                if prep is not None:
                    group.members.append(prep)
        light = set(self.rules["light_verbs"])
        for group in groups:  # "carried out (on Tuesday) strikes in X": the light verb's words belong too
            for member in list(group.members):
                head = _light_verb_of(member, light)
                if head is not None and head not in group.members:
                    group.members.append(head)
        if any(not g.fallback for g in groups):
            groups = [g for g in groups if not g.fallback]
        if not self.has_armed_context(sent):
            groups = [g for g in groups if g.entry.get("hint")]
        self.link_responses(sent, groups)
        return groups

    def has_armed_context(self, sent: _Sentence) -> bool:
        if any(t.label in ("ACTOR", "WEAPON", "SITE") for t in sent.tags):
            return True
        lemmas = {tok.lemma_.lower() for tok in sent.span}
        armed = set(self.rules["armed_nouns"]) | set(self.rules["force_nouns"])
        casualty = set(self.rules["casualty_nouns"]) | set(self.rules["casualty_verbs"])
        return bool(lemmas & (armed | casualty | {"civilian", "base", "village", "town"}))

    def is_irrealis(self, tok: Any) -> bool:
        """Threats, plans, conditionals, negations and 'to deter such attacks' are not events."""
        modals = set(self.rules["modal_words"])
        heads = set(self.rules["irrealis_heads"])
        node = tok
        for depth in range(5):
            children = list(node.children)
            if any(c.dep_ == "neg" for c in children) and depth <= 1:
                return True
            if any(c.dep_ == "aux" and (c.lower_ in modals or _verb_bases(c.lower_) & heads) for c in children):
                return True  # "will strike"; "denies targeting" misparsed with "denies" as an auxiliary
            if node.lemma_.lower() in heads and node is not tok:
                return True
            if depth == 0 and any(c.lower_ == "such" for c in children):
                return True
            if node.head is node:
                break
            node = node.head
        return False


_EXPLOSIVE_NOUNS = {"device", "bomb", "explosive", "explosives", "mine", "charge", "shell", "grenade", "ied"}


def _phrasal(tok: Any, phrasal: dict, weapon_tokens: set[int]) -> Optional[str]:
    """The phrasal trigger a verb and its particle make ("blew up", "went off", "set off"), if any;
    "went off" only when a weapon or an explosive went off (not an alarm)."""
    if tok.pos_ != "VERB":
        return None
    for child in tok.children:
        phrase = f"{tok.lemma_.lower()} {child.lower_}"
        if child.dep_ in ("prt", "advmod", "prep") and phrase in phrasal:
            if phrase == "go off":
                subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                if subject is None or not (subject.i in weapon_tokens or subject.lemma_.lower() in _EXPLOSIVE_NOUNS):
                    return None
            return phrase
    return None


def _names_a_weapon(tok: Any, weapon_tokens: set[int]) -> bool:
    """ "fired missiles", "fired dozens of ballistic missiles", "launched a barrage of rockets"."""
    if tok.i in weapon_tokens:
        return True
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(g.i in weapon_tokens for g in c.children) for c in tok.children)


def _name_end(tag, sent: _Sentence) -> int:
    """Where a name stops hiding triggers: a weapon named by the act ("shelling", "artillery shelling",
    "car bombing") still tells the act with its last word; "attack helicopter" and "strike drone" do not."""
    last = sent.span.doc[tag.end - 1]
    return tag.end - 1 if tag.label == "WEAPON" and last.lower_.endswith("ing") else tag.end


def _inside_org_name(tok: Any, sent: _Sentence) -> bool:
    """ "the Maritime Trade Operations centre", "the Counter-Terrorism Strike Force": a capitalised word
    inside an organisation's name, past its first word ("Operation Sindoor" stays an operation)."""
    return (tok.ent_type_ == "ORG" and tok.ent_iob_ == "I" and tok.text[:1].isupper() and not sent.title_case)


def _verb_bases(word: str) -> set[str]:
    """The base forms a third-person verb may have: 'denies' -> deny, 'urges' -> urge, 'plans' -> plan."""
    bases = {word}
    if word.endswith("ies"):
        bases.add(word[:-3] + "y")
    if word.endswith("es"):
        bases.add(word[:-2])
    if word.endswith("s"):
        bases.add(word[:-1])
    return bases


def _habitual_present(verb: Any) -> bool:
    """A predicate in the simple or progressive present ('Russia is destroying', 'targets are attacked'):
    a generality or a description, not a report of one past event."""
    if _pos_class(verb) != "VERB":
        return False
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ in ("VBD", "MD") or a.lemma_ == "have" for a in auxes):
        return False
    present_be = any(a.lower_ in ("is", "are", "am", "'s", "'re") for a in auxes)
    if verb.tag_ in ("VBZ", "VBP"):
        return True
    return verb.tag_ in ("VBG", "VBN") and present_be


def _trigger_lemma(tok: Any, triggers: dict) -> Optional[str]:
    lemma = tok.lemma_.lower()
    if lemma in triggers:
        return lemma
    low = tok.lower_.replace("-", "")
    for candidate in (low, low[:-1] if low.endswith("s") else low, lemma.rstrip("s")):
        if candidate in triggers:
            return candidate
    return None


def _union_groups(hits: list[tuple[Any, dict, str]]) -> list[_Group]:
    """Predicates linked as head and argument ('launched an attack', 'strike that hit') are one event."""
    index = {tok.i: n for n, (tok, _, _) in enumerate(hits)}
    parent = list(range(len(hits)))

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for n, (tok, entry, lemma) in enumerate(hits):
        linked = _linked_trigger(tok, index)
        if linked is not None:
            parent[find(n)] = find(linked)
    groups: dict[int, _Group] = {}
    for n, (tok, entry, lemma) in enumerate(hits):
        root = find(n)
        if root not in groups:
            groups[root] = _Group(members=[], entry=entry, lemma=lemma, fallback=True, weak=True)
        group = groups[root]
        group.members.append(tok)
        if not entry.get("weak") and not entry.get("fallback"):
            if group.weak or group.fallback or (entry.get("hint") and not group.entry.get("hint")):
                group.entry, group.lemma = entry, lemma
            group.weak = False
            group.fallback = False
        elif entry.get("weak") and group.fallback and not entry.get("fallback"):
            group.entry, group.lemma, group.fallback = entry, lemma, False
    ordered = sorted(groups.values(), key=lambda g: min(m.i for m in g.members))
    for group in ordered:
        group.members.sort(key=lambda m: (_pos_class(m) != "NOUN", m.i))
        if all(m.lemma_.lower() in ("kill",) for m in group.members):
            group.fallback, group.weak = True, False
    return ordered


def _linked_trigger(tok: Any, index: dict[int, int]) -> Optional[int]:
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "relcl", "acl", "appos", "compound") and tok.head.i in index:
        return index[tok.head.i]
    if tok.dep_ in ("relcl", "acl") and tok.head.i in index:
        return index[tok.head.i]
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.i in index:
            return index[child.i]
    if tok.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        for child in tok.head.children:  # "the attack consisted of ... and was targeting X": a shared subject
            if child.dep_ in ("nsubj", "nsubjpass") and child.i in index:
                return index[child.i]
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ in ("in", "during", "with") and tok.head.head.i in index:
        return index[tok.head.head.i]
    return None


def _following_prep(tok: Any) -> Optional[Any]:
    """The place preposition right after a word ('another on Al Shaddadi'), wherever the parser hung it."""
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ in ("on", "against", "at", "in", "near"):
        return tok.nbor(1)
    return None
