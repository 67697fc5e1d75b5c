"""Times for a mention: the time expressions of a sentence (the model's DATE/TIME, weekday names,
"hours later", "the next day") that its trigger group governs, with the tense they are told in,
and the sentence's calendar day as context for the next. Resolution to dates is the time stage's."""
from __future__ import annotations

import re
from typing import Any, Optional

from ..literals.dates import SEQUENCE_PHRASE as _SEQUENCE_PHRASE, SEQUENCE_WORD as _SEQUENCE, WEEKDAY_RE
from ..records import TimeExpr
from .responses import _cause_owner
from .tokens import Component, _Group, _pos_class, _root_group, _Sentence
from .words import _AFTERMATH_VERBS


class Times(Component):
    """The time expressions of one mention."""

    def times_for(self, sent: _Sentence, group: _Group, groups: list[_Group]) -> list[TimeExpr]:
        tense = _tense(group.members[0])
        exprs: list[TimeExpr] = []
        reporting = set(self.rules["reporting_verbs"])
        for ent in _time_spans(sent):
            if _right_after_reporting(ent, reporting):
                continue  # "said on Monday": the day of the statement, however the parser hung it
            owner, via_report = self.owner_with_report(ent.root, groups, reporting)
            owner = _cause_owner(ent.root, owner, groups)
            if via_report and not _SEQUENCE.search(ent.text):  # "Hours later, X said it attacked": still the event's day
                continue
            unowned = (owner is None and group is _root_group(groups) and not _told_as_before(group.members[0])
                       and not self.of_another_happening(ent.root, group))
            if (owner is group or unowned) and not self.in_relative_of_another(ent.root, group):
                exprs.append(TimeExpr(ent.text, tense, sent.index))
        return exprs

    def of_another_happening(self, tok: Any, group: _Group) -> bool:
        """ "The only fatality in Iran's missile attack was buried on Wednesday": a time on a verb of the
        aftermath (data: aftermath_verbs) dates that, not the event named inside its subject."""
        verb = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is None or any(m.i == verb.i for m in group.members):
            return False
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        inside_subject = any(s.left_edge.i <= m.i <= s.right_edge.i for s in subjects for m in group.members)
        return inside_subject and verb.lemma_.lower() in _AFTERMATH_VERBS

    def calendar_time(self, sent: _Sentence) -> Optional[TimeExpr]:
        """The last expression in a sentence that names a day ("On Tuesday afternoon"), not a clock time."""
        days = [s for s in _time_spans(sent) if re.search(r"day|\d{1,2}\b|yesterday|tonight|night", s.text.lower())]
        return TimeExpr(days[-1].text, "past", sent.index) if days else None


def _tense(tok: Any) -> str:
    verb = tok if _pos_class(tok) == "VERB" else tok.head
    for node in (verb, *verb.children):
        if node.lower_ in ("will", "'ll"):
            return "future"
    if verb.tag_ in ("VBD", "VBN") or any(c.tag_ == "VBD" for c in verb.children if c.dep_ in ("aux", "auxpass")):
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return "past"


def _time_spans(sent: _Sentence) -> list[Any]:
    span = sent.span
    spans = [_with_day_number(ent) for ent in sent.ents if ent.label_ in ("DATE", "TIME")]
    covered = {i for ent in spans for i in range(ent.start, ent.end)}
    for tok in span:  # weekday names the model did not label
        if tok.i not in covered and re.fullmatch(rf"{WEEKDAY_RE}('s)?", tok.lower_):
            spans.append(tok.doc[tok.i:tok.i + 1])
    for match in _SEQUENCE_PHRASE.finditer(span.text):  # "hours later", "the next day"
        found = span.char_span(match.start(), match.end(), alignment_mode="expand")
        if found is not None and not any(i in covered for i in range(found.start, found.end)):
            spans.append(found)
    return [s for s in spans if not _day_of_another_happening(s)]


def _day_of_another_happening(span: Any) -> bool:
    """ "came on the same day that the government announced an amnesty": a day told by another
    happening, which the sentence does not date."""
    doc = span.doc
    follows = doc[span.end].lower_ if span.end < len(doc) else ""
    return bool(_SEQUENCE.search(span.text)) and follows in ("that", "as", "when")


def _with_day_number(ent: Any) -> Any:
    """ "on the night of 12 February": the parser may leave the day's number outside the month it
    modifies; give it back ("12 February", "12th of February"), and "this" to "this morning"."""
    doc, start = ent.doc, ent.start
    if start >= 1 and doc[start - 1].lower_ in ("this", "last") and ent.label_ == "TIME":
        return doc[start - 1:ent.end]  # "this morning's strike", "last night": the model left the word out
    if start >= 2 and doc[start - 1].lower_ == "of" and _DAY_NUMBER.fullmatch(doc[start - 2].text):
        return doc[start - 2:ent.end]
    if start >= 1 and _DAY_NUMBER.fullmatch(doc[start - 1].text) and doc[start - 1].head.i in range(ent.start, ent.end):
        return doc[start - 1:ent.end]
    return ent


_DAY_NUMBER = re.compile(r"(0?[1-9]|[12]\d|3[01])(st|nd|rd|th)?")


def _right_after_reporting(span: Any, reporting: set[str]) -> bool:
    """A time phrase that directly follows a reporting verb ('said on Monday', 'told reporters Thursday')."""
    i = span.start - 1
    if i >= 0 and span.doc[i].lower_ == "on":
        i -= 1
    if i >= 0 and span.doc[i].lower_ == "reporters":
        i -= 1
    return i >= 0 and span.doc[i].pos_ == "VERB" and span.doc[i].lemma_.lower() in reporting


def _told_as_before(trigger: Any) -> bool:
    """ "Men look at the debris, following an attack ..., on October 2": an event named in an
    "after"/"following" phrase of another verb; that verb's day is not the event's."""
    return any(a.dep_ in ("prep", "advcl", "acl") and a.lower_ in ("after", "following") for a in trigger.ancestors)
