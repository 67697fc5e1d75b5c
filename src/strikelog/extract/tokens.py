"""What the components share: the sentence and trigger-group records (`_Sentence`, `_Group`,
`_Speaker`), the base every component extends (`Component`: the reader's state, and which trigger
group governs a token), and helpers on spaCy tokens."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..records import PlaceRef, Tagged
from ..resources import Lexicon


@dataclass
class _Sentence:
    index: int
    span: Any  # spacy Span
    kind: str  # paragraph kind
    tags: list[Tagged]
    ents: list[Any]  # the model's entities inside the sentence
    names: Optional[list[str]] = None  # its proper names, once read (`ArticleReader.proper_names`)

    @property
    def text(self) -> str:
        return self.span.text.strip()

    @property
    def title_case(self) -> bool:
        """A headline in title case ("Security Forces Rescue 155 Passengers"): capitals say nothing there."""
        words = [t for t in self.span if t.is_alpha and len(t) > 3]
        return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


@dataclass
class _Group:
    """Trigger tokens in one sentence that describe one event."""

    members: list[Any]
    entry: dict
    lemma: str
    fallback: bool = False
    weak: bool = False
    responds_to_groups: list[int] = field(default_factory=list)
    cause_tokens: dict[int, int] = field(default_factory=dict)  # token in a cause phrase -> the group it names


@dataclass(frozen=True)
class _Speaker:
    text: str
    verb: str
    kind: str
    actor: Optional[str]


class Component:
    """A part of the reader with one job. The reader (`reader.ArticleReader`) is all of them over one
    article; each reads the state it declares here and calls the others' methods through `self`."""

    parsed: Any  # the ParsedArticle
    lex: Lexicon
    rules: dict  # lex.event_types
    article_id: str
    last_actor: Optional[str]  # for pronouns
    last_site: Optional[PlaceRef]  # for "the base", "the airport"
    tags_at: dict  # id(doc) -> token index -> [(order, Tagged)]

    def tags_in(self, tokens: list[Any]) -> list[Tagged]:
        """Dictionary tags that overlap the given tokens (all from one doc)."""
        if not tokens:
            return []
        at = self.tags_at.get(id(tokens[0].doc), {})
        found = {id(tag): (order, tag) for tok in tokens for order, tag in at.get(tok.i, ())}
        return [tag for _, tag in sorted(found.values(), key=lambda pair: pair[0])]

    def owner_group(self, tok: Any, groups: list[_Group]) -> Optional[_Group]:
        return _governing_group(tok, groups, hops=12)

    def in_relative_of_another(self, tok: Any, group: _Group) -> bool:
        """ "The attack happened at a junction where a truck blew up on October 14, 2017, killing 512":
        words inside a relative clause of place or time on another noun than the group's tell that
        clause's own event, unless the clause only counts the victims ("the city of Cali, where six
        people were killed")."""
        members = {m.i for m in group.members}
        node = tok
        for _ in range(12):
            if node.i in members or node.head is node:
                return False
            if node.dep_ == "relcl" and node.head.i not in members and _opened_by_where(node):
                return node.lemma_.lower() not in self.rules["casualty_verbs"]
            node = node.head
        return False

    def owner_with_report(self, tok: Any, groups: list[_Group], reporting: set[str]) -> tuple[Optional[_Group], bool]:
        """The group that governs `tok`, and whether `tok` instead modifies a reporting verb
        directly ('Centcom said on Thursday', 'told reporters at the Pentagon')."""
        node, hops, in_content = tok, 0, False
        for _ in range(12):
            for g in groups:
                if any(m.i == node.i for m in g.members):
                    return g, False
            if node is not tok and node.pos_ == "VERB" and node.lemma_.lower() in reporting:
                return None, hops <= 2 and not in_content
            if node.head is node:
                return None, False
            if node.pos_ not in ("ADP", "PART", "DET"):
                hops += 1
            in_content = in_content or node.dep_ in ("ccomp", "xcomp")  # inside what is reported
            node = node.head
        return None, False


_NOUN_POSITIONS = {"pobj", "dobj", "nsubj", "nsubjpass", "attr", "appos", "compound"}


def _pos_class(tok: Any) -> str:
    """VERB or NOUN by the word's role: a 'verb' in an object slot ('footage of airstrikes') is a noun."""
    if tok.pos_ in ("VERB", "AUX"):
        return "NOUN" if tok.dep_ in _NOUN_POSITIONS and tok.tag_ in ("NNS", "NN", "VBZ") else "VERB"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    return tok.pos_


def _root_group(groups: list[_Group]) -> Optional[_Group]:
    """The group nearest the root of the sentence: owner of words no predicate governs."""
    if not groups:
        return None

    def depth(tok: Any) -> int:
        d = 0
        while tok.head is not tok and d < 50:
            tok, d = tok.head, d + 1
        return d

    return min(groups, key=lambda g: min(depth(m) for m in g.members))


def _governing_group(tok: Any, groups: list[_Group], hops: Optional[int] = None) -> Optional[_Group]:
    """The group of the first trigger at or above `tok` (within `hops` steps up, when given; never more
    steps than the doc has tokens, spaCy's own guard in `Token.ancestors`)."""
    node, step = tok, 0
    limit = len(tok.doc) if hops is None else hops
    while step < limit:
        for g in groups:
            if any(m.i == node.i for m in g.members):
                return g
        if node.head is node:
            return None
        node, step = node.head, step + 1
    return None


def _nearest_group(tok: Any, groups: list[_Group]) -> Optional[_Group]:
    """The group whose predicate is closest in the text, preferring one before the token."""
    if not groups:
        return None
    return min(groups, key=lambda g: min(abs(m.i - tok.i) + (0 if m.i < tok.i else 0.5) for m in g.members))


def _outside_its_clause(group: _Group, tok: Any) -> bool:
    """The group sits in a subordinate clause ("After India conducted strikes on Pakistan, Pakistani
    troops shelled ... in Jammu and Kashmir") and `tok` lies outside it, in the sentence's main clause:
    words no predicate governs there are not the subordinate event's."""
    node = group.members[0]
    for _ in range(20):
        if node.head is node:
            return False
        if node.dep_ == "advcl":
            return not (node.left_edge.i <= tok.i <= node.right_edge.i)
        node = node.head
    return False


def _light_verb_of(tok: Any, light: set[str]) -> Optional[Any]:
    """The light verb that carries a noun trigger: "carried out strikes", "strikes were launched",
    "resorted to (heavy artillery) shelling", also where the parser hung the trigger on its modifier."""
    node = tok.head if tok.dep_ in ("acl", "compound") and tok.head.pos_ in ("NOUN", "PROPN") else tok
    if node.dep_ in ("dobj", "nsubjpass") and node.head.lemma_.lower() in light:
        return node.head
    if node.dep_ == "pobj" and node.head.lower_ == "to" and node.head.head.lemma_.lower() in light:
        return node.head.head
    return None


def _opened_by_where(clause: Any) -> bool:
    """A relative clause of place or time: "where a truck blew up", "when gunmen stormed"."""
    return any(c.dep_ == "advmod" and c.lower_ in ("where", "when") for c in clause.children)


def _token_at(span: Any, char_offset: int) -> Any:
    target = span.start_char + char_offset
    for tok in span:
        if tok.idx >= target:
            return tok
    return span.root
