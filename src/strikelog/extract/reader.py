"""Stage 4, extract: ParsedArticle -> list[Mention].

Finds attack and strike predicates (data/event_types.json "triggers") in each sentence, groups
the predicates that describe one event ("launched an attack", "an air strike that struck ..."),
and reads their arguments from the dependency parse and the dictionary tags: agent, target,
place, time, instrument, casualties, who says so, and what the event answers. Dates and places
are left as raw expressions for the time and place stages.

`ArticleReader` is the components of this package over one article; `read_group` declares the
order in which they read a mention.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any, Callable, Optional

from ..records import Mention, ParsedArticle, PlaceRef, Tagged, TimeExpr
from ..resources import Lexicon, lexicon
from .arguments import Arguments
from .attribution import Attribution
from .casualties import Casualties
from .classify import Classify, _armed_killing, _is_plural
from .places import Places
from .responses import Responses, _mark_cause
from .times import Times
from .tokens import _Group, _Sentence
from .triggers import Triggers, _habitual_present


class ArticleReader(Triggers, Responses, Arguments, Places, Times, Casualties, Attribution, Classify):
    """Reads the mentions of one article; keeps the little state pronouns need."""

    def __init__(self, parsed: ParsedArticle, lex: Lexicon):
        self.parsed = parsed
        self.lex = lex
        self.rules = lex.event_types
        self.article_id = parsed.article.id
        self.last_actor: Optional[str] = None
        self.last_site: Optional[PlaceRef] = None  # for "the base", "the airport"
        self.tags_at = {id(doc): _tags_by_token(tags) for doc, tags in zip(parsed.docs, parsed.tags)}
        self.sentences = list(self._sentences())

    def _sentences(self):
        index = 0
        for doc, tags, paragraph in zip(self.parsed.docs, self.parsed.tags, self.parsed.article.paragraphs):
            sents = list(doc.sents)
            tags_of = _within_sentences(sents, tags, lambda t: (t.start, t.end))
            ents_of = _within_sentences(sents, doc.ents, lambda e: (e.start, e.end))
            for number, sent in enumerate(sents):
                if not sent.text.strip():
                    continue
                yield _Sentence(index, sent, paragraph.kind, tags_of[number], ents_of[number])
                index += 1

    def mentions(self) -> list[Mention]:
        found: list[Mention] = []
        context: Optional[TimeExpr] = None
        for sent in self.sentences:
            groups = self.trigger_groups(sent)
            base = len(found)
            sentence_mentions = [self.read_group(sent, group, groups) for group in groups]
            for group, mention in zip(groups, sentence_mentions):
                mention.responds_to_mentions = [base + g for g in group.responds_to_groups]
                mention.context_time = context
                for target in group.responds_to_groups:
                    _mark_cause(sentence_mentions[target])
            news = _the_news(found)
            for target in self.causes_of_the_news(groups):
                _mark_cause(sentence_mentions[target])
                if news is not None:
                    news.responds_to_mentions.append(base + target)
            found.extend(sentence_mentions)
            context = self.calendar_time(sent) or context
        return found

    def read_group(self, sent: _Sentence, group: _Group, groups: list[_Group]) -> Mention:
        others = {m.i for g in groups if g is not group for m in g.members}
        agent_tok, target_tok, instrument_toks = self.arguments(group, others)
        speaker = self.attribution(sent)
        actor1 = self.actor_from(agent_tok, sent, others, speaker) if agent_tok is not None else None
        actor2 = self.actor_from(target_tok, sent, others, None, pronouns=False) if target_tok is not None else None
        weapons = self.weapons_for(sent, group, groups, instrument_toks)
        if actor1 is None and agent_tok is not None:
            actor1 = self.operator_of(weapons, speaker)
        if actor1 is not None and actor1 == actor2:
            actor2 = None
        sub_type, typed_by = self.sub_event_type(group, weapons, actor1, actor2, target_tok, sent)
        event_type = self.rules["sub_event_types"].get(sub_type, "Explosions/Remote violence")
        primary = group.members[0]
        mention = Mention(
            article_id=self.article_id,
            sentence_index=sent.index,
            sentence=sent.text,
            trigger=primary.text,
            event_type=event_type,
            sub_event_type=sub_type,
            actor1=actor1,
            actor2=actor2,
            weapons=weapons,
            time_exprs=self.times_for(sent, group, groups),
            places=self.places_of(sent, group, groups, target_tok),
            anaphoric=self.is_anaphoric(group) or sent.kind == "headline",
            generic=group.weak or group.fallback,
            plural=_is_plural(group, target_tok),
            names=list(self.proper_names(sent)),
            typed_by=typed_by,
        )
        if sent.kind != "headline" and not mention.time_exprs and _habitual_present(primary):
            mention.generic = True  # "Russia, which is destroying ...", "infrastructure is also attacked": no one event
        self.read_casualties(sent, group, groups, mention, speaker)
        if group.fallback and not group.weak and _armed_killing(mention):
            mention.generic = False  # "Malian troops killed over 300 people": a killing with its killer is an event
        self.read_responsibility(sent, group, groups, mention, speaker)
        self.read_accusation(sent, group, mention)
        self.read_response_text(sent, group, groups, mention)
        mention.status = self.linguistic_status(sent, group, mention)
        if actor1:
            self.last_actor = actor1
        return mention


def _the_news(found: list[Mention]) -> Optional[Mention]:
    """The article's news so far: its first reported mention that is not generic and says who,
    whom, where, when or how many."""
    return next((m for m in found if m.status == "reported" and not m.generic and (
        m.actor1 or m.actor2 or m.places or m.time_exprs or m.fatalities.known)), None)


def extract(parsed: ParsedArticle, lex: Optional[Lexicon] = None) -> list[Mention]:
    """Every event mention in one parsed article, in reading order."""
    return ArticleReader(parsed, lex or lexicon()).mentions()


def _within_sentences(sents: list[Any], items: Iterable[Any], bounds: Callable[[Any], tuple[int, int]]) -> list[list[Any]]:
    """Items (tags, entities) bucketed by the sentence that wholly contains them, in linear time:
    a long paragraph must not cost a scan of all its items per sentence."""
    starts = [sent.start for sent in sents]
    buckets: list[list[Any]] = [[] for _ in sents]
    for item in items:
        start, end = bounds(item)
        number = bisect.bisect_right(starts, start) - 1
        if number >= 0 and end <= sents[number].end:
            buckets[number].append(item)
    return buckets


def _tags_by_token(tags: list[Tagged]) -> dict[int, list[tuple[int, Tagged]]]:
    """Token index -> the tags covering it, each with its position in the doc's tag list."""
    at: dict[int, list[tuple[int, Tagged]]] = {}
    for order, tag in enumerate(tags):
        for i in range(tag.start, tag.end):
            at.setdefault(i, []).append((order, tag))
    return at
