"""Places for a mention: the place phrases of a sentence (dictionary sites, locative countries, the
model's GPE/LOC/FAC, capitalised names after "in", "near", a name beside a place noun: "the Yemeni
capital Sanaa", "at the Kramatorsk railway station"), those its trigger group governs, how
each relates to the event (in, near, direction, border), and "the base" for the site named last.
Resolution to coordinates is the place stage's."""
from __future__ import annotations

from typing import Any, Optional

from ..records import PlaceRef
from .responses import _cause_owner
from .tokens import Component, _Group, _outside_its_clause, _root_group, _Sentence
from .words import _CARDINAL_DIRECTIONS, _DESTINATION_VERBS, _LOCATIVE_PREPS, _NEAR_WORDS, _PLACE_NOUNS, _SITE_NOUNS, _STRIKE_VERBS


class Places(Component):
    """The place references of one mention, and the article's last named site."""

    def places_for(self, sent: _Sentence, group: _Group, groups: list[_Group]) -> list[PlaceRef]:
        reporting = set(self.rules["reporting_verbs"])
        refs: list[PlaceRef] = []
        hint = self.country_hint(sent)
        for span, label in self.place_spans(sent):
            owner, via_report = self.owner_with_report(span.root, groups, reporting)
            owner = _cause_owner(span.root, owner, groups)
            if via_report:
                continue
            if self.describes_a_party(span):
                continue
            if owner is group or (owner is None and group is _root_group(groups) and not _outside_its_clause(group, span.root)):
                refs.append(PlaceRef(self.capital_named(span) or span.text, _relation(span), hint, label))
        sites = [r for r in refs if r.label == "SITE"]
        if sites:
            self.last_site = sites[-1]
        return refs

    def places_of(self, sent: _Sentence, group: _Group, groups: list[_Group], target: Optional[Any]) -> list[PlaceRef]:
        """The places a sentence names for the group, else the site it describes ("the base"); names the
        model read as persons come last, for the resolver to accept or drop."""
        refs = self.places_for(sent, group, groups)
        named = [r for r in refs if r.label != "NAME"]
        return (named or self.site_by_description(group, target)) + [r for r in refs if r.label == "NAME"]

    def describes_a_party(self, span: Any) -> bool:
        """ "the rebel group Houthi in Yemen", "Hamas militants in Gaza": where a party is from, not where
        the event happened."""
        prep = span.root.head
        if span.root.dep_ != "pobj" or prep.lower_ != "in":
            return False
        party = prep.head
        lemma = party.lemma_.lower()
        armed = lemma in self.rules["armed_nouns"] or lemma in self.rules["force_nouns"]
        if not (armed or any(t.label == "ACTOR" for t in self.tags_in([party]))):
            return False
        node = party  # the doer ("claimed by ... Houthi in Yemen"), not a target ("strikes on Jaish in Bahawalpur")
        for _ in range(4):
            if node.dep_ == "nsubj" or (node.dep_ == "pobj" and node.head.lower_ == "by"):
                return True
            if node.dep_ not in ("appos", "compound", "conj") or node.head is node:
                return False
            node = node.head
        return False

    def site_by_description(self, group: _Group, target: Optional[Any]) -> list[PlaceRef]:
        """'the attacks on the base', 'hit the same base': the installation named last in the article."""
        candidates = [target] if target is not None else []
        candidates += [g for m in group.members for c in m.children if c.dep_ == "prep" and c.lower_ in ("on", "at")
                       for g in c.children if g.dep_ == "pobj"]
        for tok in candidates:
            described = tok.lemma_.lower() in _SITE_NOUNS and any(c.lower_ in ("the", "same", "this") for c in tok.children)
            if described and self.last_site is not None:
                return [self.last_site]
        return []

    def country_hint(self, sent: _Sentence) -> Optional[str]:
        """The country a sentence places things in: 'in Syria', 'the Syrian town of ...'."""
        doc = sent.span.doc
        for tag in sent.tags:
            if tag.label == "COUNTRY" and _is_locative(doc[tag.start:tag.end]):
                return tag.key
        for tag in sent.tags:
            if tag.label == "DEMONYM" and doc[tag.end - 1].head.lemma_.lower() in _PLACE_NOUNS | {"side"}:
                return tag.key
        return None

    def place_spans(self, sent: _Sentence) -> list[tuple[Any, str]]:
        doc = sent.span.doc
        taken: set[int] = set()
        spans: list[tuple[Any, str]] = []
        for tag in sent.tags:
            if tag.label in ("ACTOR", "WEAPON", "DEMONYM"):
                taken.update(range(tag.start, tag.end))
        for tag in sent.tags:
            span = doc[tag.start:tag.end]
            if (tag.label == "SITE" and not _is_destination(span)) or (tag.label == "COUNTRY" and _is_locative(span)):
                spans.append((span, tag.label))
            if tag.label in ("SITE", "COUNTRY"):
                taken.update(range(tag.start, tag.end))
        for ent in sent.ents:
            if ent.label_ in ("GPE", "LOC", "FAC") and not any(i in taken for i in range(ent.start, ent.end)):
                span = _strip_det(ent)
                if span is not None and _is_locative(span):
                    spans.append((span, "GPE"))
                taken.update(range(ent.start, ent.end))
            elif ent.label_ in ("PERSON", "ORG") and not any(i in taken for i in range(ent.start, ent.end)):
                span = _strip_det(ent)  # "in Sanaa" read as a person: the gazetteer decides (`PlaceResolver`)
                if span is not None and _is_locative(span) and span.root.dep_ == "pobj":
                    spans.append((span, "NAME"))
        spans += self._unnamed_capitals(sent, taken)
        if sent.title_case:
            return spans  # in "Blast In Ongoing Operation" a capital is no sign of a name
        spans += _named_in_apposition(sent, taken)
        spans += self._site_compounds(sent, taken)
        for tok in sent.span:  # "in As Sikak": a capitalised name after a place preposition
            after_place_noun = tok.i > 0 and doc[tok.i - 1].lemma_.lower() in _PLACE_NOUNS | {"site", "facility", "base"}
            if (tok.lower_ in ("in", "near", "outside") or (tok.lower_ == "of" and after_place_noun)) and tok.i + 1 < sent.span.end:
                nxt = doc[tok.i + 1]
                if nxt.i in taken or not nxt.text[:1].isupper() or nxt.ent_type_ in ("DATE", "TIME", "NORP"):
                    continue
                if nxt.ent_type_ in ("PERSON", "ORG") and not (after_place_noun or tok.lower_ == "near"):
                    continue
                end = nxt.i + 1
                while end < sent.span.end and doc[end].text[:1].isupper() and end not in taken and end - nxt.i < 4:
                    end += 1
                spans.append((doc[nxt.i:end], "GPE"))
                taken.update(range(nxt.i, end))
        for tok in sent.span:  # "the Abu Ghraib attack": a place name modifying the event noun
            if (tok.dep_ == "compound" and tok.pos_ == "PROPN" and tok.i not in taken
                    and tok.head.lemma_.lower() in self.rules["triggers"] and tok.ent_type_ not in ("NORP", "DATE")):
                start = tok.i
                while start > sent.span.start and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN" and start - 1 not in taken:
                    start -= 1
                spans.append((doc[start:tok.i + 1], "GPE"))
                taken.update(range(start, tok.i + 1))
        return spans

    def _unnamed_capitals(self, sent: _Sentence, taken: set[int]) -> list[tuple[Any, str]]:
        """ "inside the United Arab Emirates' capital", "on the capital of Yemen": the country's capital,
        when no name stands beside the word (that is `_named_in_apposition`'s)."""
        spans = []
        for tok in sent.span:
            if (tok.lower_ == "capital" and tok.i not in taken and _is_locative(tok.doc[tok.i:tok.i + 1])
                    and not any(c.dep_ in ("appos", "compound") and c.pos_ == "PROPN" for c in tok.children)
                    and self.capital_of(tok) is not None):
                spans.append((tok.doc[tok.i:tok.i + 1], "GPE"))
                taken.add(tok.i)
        return spans

    def capital_of(self, tok: Any) -> Optional[str]:
        """The capital city of the country a 'capital' token belongs to ("X's capital", "the capital of X",
        "the Saudi capital")."""
        owners = [c for c in tok.children if c.dep_ in ("poss", "amod", "compound")]
        owners += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        for owner in owners:
            for tag in self.tags_in(list(owner.subtree)):
                entry = self.lex.countries.get(tag.key) if tag.label in ("COUNTRY", "DEMONYM") else None
                if entry is not None and entry.capital:
                    return entry.capital
        return None

    def capital_named(self, span: Any) -> Optional[str]:
        return self.capital_of(span.root) if len(span) == 1 and span.root.lower_ == "capital" else None

    def _site_compounds(self, sent: _Sentence, taken: set[int]) -> list[tuple[Any, str]]:
        """ "at the Kramatorsk railway station": a name compounded with the place noun of a locative
        phrase. The whole phrase is the place; the resolver falls back to the name's town."""
        doc = sent.span.doc
        spans = []
        for tok in sent.span:
            head = tok.head
            if (tok.dep_ != "compound" or tok.pos_ != "PROPN" or tok.i in taken or head.dep_ != "pobj"
                    or head.lemma_.lower() not in self.rules["site_phrase_nouns"]
                    or head.head.lower_ not in _LOCATIVE_PREPS or tok.ent_type_ in ("NORP", "DATE", "PERSON", "ORG")
                    or (tok.i > 0 and doc[tok.i - 1].dep_ == "compound" and doc[tok.i - 1].head is head)):
                continue
            span = doc[tok.i:head.i + 1]
            if any(i in taken for i in range(span.start, span.end)):
                continue
            spans.append((span, "GPE"))
            taken.update(range(span.start, span.end))
        return spans


def _named_in_apposition(sent: _Sentence, taken: set[int]) -> list[tuple[Any, str]]:
    """ "on the Yemeni capital Sanaa", "the town of X" aside: a name set beside a place noun that is
    used as a location."""
    doc = sent.span.doc
    spans = []
    for tok in sent.span:
        if (tok.dep_ == "appos" and tok.pos_ == "PROPN" and tok.i not in taken
                and tok.head.lemma_.lower() in _PLACE_NOUNS and tok.ent_type_ not in ("PERSON", "NORP", "ORG", "DATE")):
            start = tok.i
            while start - 1 > tok.head.i and doc[start - 1].dep_ == "compound" and start - 1 not in taken:
                start -= 1
            span = doc[start:tok.i + 1]
            if _is_locative(span):
                spans.append((span, "GPE"))
                taken.update(range(span.start, span.end))
    return spans


def _relation(span: Any) -> str:
    root = span.root
    prep = root.head if root.dep_ == "pobj" else None
    words = {t.lower_ for t in span}
    if "border" in words or "frontier" in words:
        return "border"
    if prep is not None:
        if prep.lower_ in _NEAR_WORDS or prep.head.lower_ in _NEAR_WORDS:
            return "near"
        if prep.lower_ == "of" and prep.head.lower_ in _CARDINAL_DIRECTIONS:
            return "direction"
        if prep.lower_ == "of" and prep.head.lower_ in ("outskirts", "suburb", "vicinity", "edge"):
            return "near"
    return "in"


def _strip_det(span: Any) -> Optional[Any]:
    start = span.start
    while start < span.end and span.doc[start].lower_ in ("the", "a", "an"):
        start += 1
    return span.doc[start:span.end] if start < span.end else None


def _is_destination(span: Any) -> bool:
    """ "traffic heading for the Suez Canal", "a ship bound for Aden": where it was going, not where it was."""
    root = span.root
    prep = root.head if root.dep_ == "pobj" else None
    return (prep is not None and prep.lower_ in ("for", "to", "toward", "towards")
            and prep.head.lemma_.lower() in _DESTINATION_VERBS)


def _named_place_noun(noun: Any) -> bool:
    """ "the Amalfi area", "Kharkiv's Kyivskyi district": a place noun that a proper name modifies
    ("Ukraine's second city" names no place of its own)."""
    return any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in noun.children)


def _is_locative(span: Any) -> bool:
    """A place name used as a location ('in Iraq', 'near Abu Ghraib', 'Deir al Zur, Syria'),
    not as a modifier or a party ('Iraqi officials', 'the US said', 'Iraq's army')."""
    root = span.root
    node = root
    if node.dep_ in ("poss", "compound") and node.head.lemma_.lower() in _PLACE_NOUNS and _named_place_noun(node.head):
        node = node.head  # "in the Amalfi area", "on Kharkiv's Kyivskyi district": the names of a place phrase
    for _ in range(3):  # 'in Deir al Zur, Syria': an appositive or conjunct of a locative name
        if node.dep_ in ("appos", "conj", "npadvmod") and node.head is not node:
            node = node.head
        else:
            break
    if node.dep_ in ("dobj", "nsubjpass") and node.head.lemma_.lower() in _STRIKE_VERBS:
        return True  # "missiles hit Kharkiv", "Hodeidah was struck": the place struck is where it happened
    if node.dep_ != "pobj":
        return False
    prep = node.head
    if prep.lower_ not in _LOCATIVE_PREPS:
        return False
    if prep.lower_ == "of":
        return prep.head.lemma_.lower() in _PLACE_NOUNS
    if prep.lower_ == "from":
        return False
    return True
