"""Stage 4, extract: ParsedArticle -> list[Mention].

Finds attack and strike predicates (data/event_types.json "triggers") in each sentence, groups
the predicates that describe one event ("launched an attack", "an air strike that struck ..."),
and reads their arguments from the dependency parse and the dictionary tags: agent, target,
place, time, instrument, casualties, who says so, and what the event answers. Dates and places
are left as raw expressions for the time and place stages.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Optional

from ..counts import read_count
from ..records import Claim, Count, Mention, ParsedArticle, PlaceRef, Tagged, TimeExpr
from ..resources import Lexicon, lexicon

_SEQUENCE_PHRASE = re.compile(
    r"\b(hours later|minutes later|moments later|later that (day|night|evening|afternoon)|shortly after(wards)?|"
    r"the (next|following) day|a day later|one day later|the same day|a day earlier|the day before)\b", re.I)
_SITE_NOUNS = {"base", "airbase", "airfield", "airport", "camp", "garrison", "outpost", "port", "compound", "barracks"}
_PLATFORM_KINDS = {"aircraft", "helicopter", "drone", "naval"}
_SEQUENCE = re.compile(r"\b(later|earlier|afterwards|the next day|the following day|the same day)\b", re.I)
WEEKDAY_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_CARDINAL_DIRECTIONS = {
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "northern", "southern", "eastern", "western", "north-east", "north-west", "south-east", "south-west",
}
_NEAR_WORDS = {"near", "outside", "around", "close", "nearby", "outskirts", "vicinity", "off"}
_PRONOUNS = {"it", "they", "he", "she", "we", "its", "their", "them", "his", "her", "our"}
_ANAPHORIC_DETS = {"the", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
_UNCONFIRMED_CUES = ("unconfirmed", "could not be independently verified", "could not independently verify",
                     "not be verified", "reportedly", "allegedly", "unverified", "purportedly")
_SOURCE_MEDIA_WORDS = ("media", "outlet", "outlets", "channel", "channels", "accounts", "account", "telegram",
                       "television", "tv", "agency", "news", "newspaper", "website", "statement", "post")
_AFFILIATION_PHRASES = ("close to", "affiliated", "linked to", "allied", "aligned", "run by", "loyal to",
                        "backed", "associated with")
_OFFICIAL_WORDS = ("ministry", "command", "centcom", "pentagon", "spokes", "army", "military", "police",
                   "governor", "minister", "secretary", "president", "general", "gen.", "colonel", "col.",
                   "commander", "department", "government", "forces", "office", "prime", "mayor",
                   "authority", "authorities", "chief", "administration", "white house", "idf", "kremlin")
_WITNESS_WORDS = ("witness", "resident", "residents", "locals", "villager", "eyewitness", "survivor")


_SEQUENCE_VERBS = ("come", "follow", "occur", "happen")


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


class ArticleReader:
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
            found.extend(sentence_mentions)
            context = self.calendar_time(sent) or context
        return found

    def calendar_time(self, sent: _Sentence) -> Optional[TimeExpr]:
        """The last expression in a sentence that names a day ("On Tuesday afternoon"), not a clock time."""
        days = [s for s in _time_spans(sent) if re.search(r"day|\d{1,2}\b|yesterday|tonight|night", s.text.lower())]
        return TimeExpr(days[-1].text, "past", sent.index) if days else None

    # ---- triggers -------------------------------------------------------------------------
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
            elif tok.lemma_.lower() == "open" and tok.pos_ == "VERB" and any(
                c.dep_ == "dobj" and c.lower_ == "fire" for c in tok.children
            ):
                hits.append((tok, {"pos": ["VERB"], "hint": None}, "open fire"))  # "gunmen opened fire on ..."
            elif tok.lemma_.lower() in self.rules["fire_verbs"] and tok.pos_ == "VERB" and any(
                c.dep_ in ("dobj", "nsubjpass") and c.i in weapon_tokens for c in tok.children
            ):
                hits.append((tok, {"pos": ["VERB"], "hint": None}, "fire"))
        inside_names = {i for t in sent.tags if t.label in ("WEAPON", "ACTOR", "SITE") for i in range(t.start, t.end)}
        hits = [h for h in hits if not self.is_irrealis(h[0]) and h[0].i not in inside_names]
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
                head = member.head
                if member.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in light and head not in group.members:
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

    def link_responses(self, sent: _Sentence, groups: list[_Group]) -> None:
        """'X in retaliation for Y', 'X after Y', 'X responded to Y', 'X came a day after Y',
        'X followed Y': X answers Y."""
        text = sent.text.lower()
        cues = self.rules["response_cues"]
        member_of = {m.i: gi for gi, g in enumerate(groups) for m in g.members}
        for gi, group in enumerate(groups):
            for member in group.members:
                for clause in self._answered_clauses(member, group, text, cues):
                    inside = [member_of[t.i] for t in clause.subtree if member_of.get(t.i, gi) != gi]
                    later = sorted((i, g) for i, g in member_of.items() if g != gi and i > clause.left_edge.i)
                    # a misparsed clause may leave its event outside the subtree: then the next one in the text
                    targets = inside or [g for _, g in later[:1]]
                    for target in targets:
                        if target not in group.responds_to_groups:
                            group.responds_to_groups.append(target)
                    for tok in clause.subtree:  # what the phrase says is the cause's, or nobody's
                        group.cause_tokens.setdefault(tok.i, targets[0] if targets else _NO_EVENT)

    def _answered_clauses(self, member, group: _Group, text: str, cues: list[str]):
        """The phrases that say what an event answers: a cue preposition on the trigger ('in retaliation
        for', 'after'), an 'after ...' clause, or, when the trigger is the subject of 'come', 'follow',
        'occur', that verb's 'after ...' or the object of 'follow'."""
        own = {member.i, *(c.i for c in member.children)}
        for prep in member.subtree:
            in_phrase = prep.head.dep_ == "pobj" and prep.head.head.head.i in own  # "in retaliation for"
            if prep.dep_ == "prep" and (prep.head.i in own or in_phrase):
                is_cue = prep.lower_ in ("after", "following") or any(
                    c.split()[-1] == prep.lower_ and _says_cue(c, text) for c in cues)
                if is_cue or (prep.lower_ == "to" and group.lemma == "respond"):
                    yield prep
        heads = [member]
        if member.dep_ in ("nsubj", "nsubjpass") and member.head.lemma_ in _SEQUENCE_VERBS:
            verb = member.head
            heads.append(verb)
            yield from (c for c in verb.children if (c.dep_ == "dobj" and verb.lemma_ == "follow")
                        or (c.dep_ == "prep" and c.lower_ == "after"))
        for head in heads:
            yield from (c for c in head.children if c.dep_ == "advcl"
                        and any(m.dep_ == "mark" and m.lower_ == "after" for m in c.children))

    # ---- one event mention --------------------------------------------------------------
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
            places=self.places_for(sent, group, groups) or self.site_by_description(group, target_tok),
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
        self.read_response_text(sent, group, mention)
        mention.status = self.linguistic_status(sent, group, mention)
        if actor1:
            self.last_actor = actor1
        return mention

    def arguments(self, group: _Group, others: set[int]) -> tuple[Optional[Any], Optional[Any], list[Any]]:
        agent = target = None
        others = others | {m.i for m in group.members}
        instruments: list[Any] = []
        light = set(self.rules["light_verbs"])
        for member in group.members:
            children = list(member.children)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
            if _pos_class(member) == "VERB":
                for c in children:
                    if c.dep_ == "nsubj" and not passive and agent is None and c.i not in others:
                        agent = c
                    elif c.dep_ == "agent" and agent is None:
                        agent = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ in ("dobj", "nsubjpass") and target is None and c.i not in others:
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
                    elif c.dep_ == "prep" and c.lower_ == "by" and agent is None:
                        agent = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "targeting", "of") and target is None:
                        target = next((g for g in c.children if g.dep_ == "pobj"), None)
                    elif c.dep_ in ("acl", "relcl") and c.lemma_.lower() in ("target", "hit", "strike"):
                        target = next((g for g in c.children if g.dep_ == "dobj"), target)
                    elif c.dep_ == "prep" and c.lower_ in ("with", "using"):
                        instruments.extend(g for g in c.children if g.dep_ == "pobj")
                head = member.head
                if agent is None and member.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in light:
                    agent = next((c for c in head.children if c.dep_ == "nsubj"), None)
                    if agent is None and head.dep_ == "acl":  # "US forces ... conducted strikes" parsed as a modifier
                        agent = head.head
                if agent is None and member.dep_ == "pobj" and head.lower_ == "for":
                    claimer = head.head.head if head.head.lemma_.lower() == "responsibility" else None
                    if claimer is not None:
                        agent = next((c for c in claimer.children if c.dep_ == "nsubj"), None)
        return agent, target, instruments

    def is_actor_token(self, tok: Any) -> bool:
        if any(t.label in ("ACTOR", "DEMONYM", "COUNTRY") for t in self.tags_in([tok])):
            return True
        return tok.lemma_.lower() in self.rules["armed_nouns"]

    def tags_in(self, tokens: list[Any]) -> list[Tagged]:
        """Dictionary tags that overlap the given tokens (all from one doc)."""
        if not tokens:
            return []
        at = self.tags_at.get(id(tokens[0].doc), {})
        found = {id(tag): (order, tag) for tok in tokens for order, tag in at.get(tok.i, ())}
        return [tag for _, tag in sorted(found.values(), key=lambda pair: pair[0])]

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
        if countries and (head_is_force or (head_is_country and pronouns)):
            return self.lex.countries[countries[0].key].military  # a country struck is a place, not a party
        if tok.lower_ in _PRONOUNS:
            if not pronouns:
                return None
            antecedent = self.antecedent(tok, sent, others)
            if antecedent:
                return antecedent
            if speaker and speaker.actor:
                return speaker.actor
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
            if _unknown_or_denied(root):
                continue  # "did not say what kind of aircraft or artillery were used"
            owner = self.owner_group(root, groups)
            if owner is group or (owner is None and (len(groups) == 1 or group is groups[0])):
                if tag.key not in names:
                    names.append(tag.key)
        return names

    def owner_group(self, tok: Any, groups: list[_Group]) -> Optional[_Group]:
        node = tok
        for _ in range(12):
            for g in groups:
                if any(m.i == node.i for m in g.members):
                    return g
            if node.head is node:
                return None
            node = node.head
        return None

    def sub_event_type(self, group: _Group, weapons: list[str], actor1: Optional[str], actor2: Optional[str],
                       target_tok: Any, sent: _Sentence) -> tuple[str, str]:
        """The ACLED sub-event type, and what it was read from ("modifier", "weapon", "hint", "default")."""
        rules = self.rules
        for member in group.members:
            for child in member.children:
                word = child.lower_
                if child.dep_ in ("compound", "amod", "nmod") and word in rules["noun_modifiers"]:
                    return rules["noun_modifiers"][word], "modifier"
        kinds = [self.lex.weapons[w].kind for w in weapons if w in self.lex.weapons]
        for kind in rules["weapon_kind_rank"]:
            if kind in kinds and rules["weapon_kinds"].get(kind):
                return rules["weapon_kinds"][kind], "weapon"
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

    # ---- time and place ---------------------------------------------------------------------
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
            unowned = owner is None and group is _root_group(groups) and not _told_as_before(group.members[0])
            if owner is group or unowned:
                exprs.append(TimeExpr(ent.text, tense, sent.index))
        return exprs

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

    def places_for(self, sent: _Sentence, group: _Group, groups: list[_Group]) -> list[PlaceRef]:
        reporting = set(self.rules["reporting_verbs"])
        refs: list[PlaceRef] = []
        hint = self.country_hint(sent)
        for span, label in self.place_spans(sent):
            owner, via_report = self.owner_with_report(span.root, groups, reporting)
            owner = _cause_owner(span.root, owner, groups)
            if via_report:
                continue
            if owner is group or (owner is None and group is _root_group(groups)):
                refs.append(PlaceRef(span.text, _relation(span), hint, label))
        sites = [r for r in refs if r.label == "SITE"]
        if sites:
            self.last_site = sites[-1]
        return refs

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
            if tag.label == "SITE" or (tag.label == "COUNTRY" and _is_locative(doc[tag.start:tag.end])):
                spans.append((doc[tag.start:tag.end], tag.label))
            if tag.label in ("SITE", "COUNTRY"):
                taken.update(range(tag.start, tag.end))
        for ent in sent.ents:
            if ent.label_ in ("GPE", "LOC", "FAC") and not any(i in taken for i in range(ent.start, ent.end)):
                span = _strip_det(ent)
                if span is not None and _is_locative(span):
                    spans.append((span, "GPE"))
                taken.update(range(ent.start, ent.end))
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

    def _site_compounds(self, sent: _Sentence, taken: set[int]) -> list[tuple[Any, str]]:
        """ "at the Kramatorsk railway station": a name compounded with the place noun of a locative
        phrase. The whole phrase is the place; the resolver falls back to the name's town."""
        doc = sent.span.doc
        spans = []
        for tok in sent.span:
            head = tok.head
            if (tok.dep_ != "compound" or tok.pos_ != "PROPN" or tok.i in taken or head.dep_ != "pobj"
                    or head.lemma_.lower() not in self.rules["place_nouns"]
                    or head.head.lower_ not in _LOCATIVE_PREPS or tok.ent_type_ in ("NORP", "DATE", "PERSON", "ORG")
                    or (tok.i > 0 and doc[tok.i - 1].dep_ == "compound" and doc[tok.i - 1].head is head)):
                continue
            span = doc[tok.i:head.i + 1]
            if any(i in taken for i in range(span.start, span.end)):
                continue
            spans.append((span, "GPE"))
            taken.update(range(span.start, span.end))
        return spans

    # ---- casualties, claims, responses -----------------------------------------------------
    def read_casualties(self, sent: _Sentence, group: _Group, groups: list[_Group], mention: Mention,
                        speaker: Optional["_Speaker"]) -> None:
        for field_name, count, words in self.casualty_phrases(sent):
            owner = self.owner_group(words, groups) or _nearest_group(words, groups)
            if owner is not group:
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
            elif lemma in rules["casualty_nouns"] and tok.pos_ in ("NOUN", "ADJ"):
                field_name = rules["casualty_nouns"][lemma]
                if tok.pos_ == "ADJ" and tok.dep_ in ("amod",):
                    continue
                count = _count_of(tok, own_head=True)
                if count is None and tok.lemma_.lower() == "death":
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

    def read_responsibility(self, sent: _Sentence, group: _Group, groups: list[_Group], mention: Mention,
                            speaker: Optional["_Speaker"]) -> None:
        low = sent.text.lower()
        if "responsib" not in low:
            return
        claimed = "claim" in low or "took responsibility" in low
        subject = None
        for tok in sent.span:
            if tok.lemma_.lower() in ("claim", "take", "assess", "be") and any(
                c.lower_ == "responsibility" or c.lemma_ == "responsible" for c in tok.subtree
            ):
                if not any(m in tok.subtree for m in group.members) and len(groups) > 1:
                    continue  # the claim is about another event in the sentence
                nsubj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if nsubj is not None:
                    subject = self.actor_from(nsubj, sent, set(), speaker)
                    break
        if subject is None:
            return
        status = "claimed" if claimed else "confirmed"
        kind = "affiliated_media" if claimed else (speaker.kind if speaker else "other")
        by = subject if claimed else (speaker.text if speaker else None)
        mention.claims.append(Claim("responsibility", subject, by, kind, status, self.article_id, sent.text))
        if mention.actor1 is None or mention.actor1 == "unidentified armed group":
            mention.actor1 = subject

    def read_response_text(self, sent: _Sentence, group: _Group, mention: Mention) -> None:
        """The words after 'in retaliation for', for the event told before them (the one named after it is the cause)."""
        low = sent.text.lower()
        trigger_at = group.members[0].idx - sent.span.start_char
        for cue in self.rules["response_cues"]:
            at = low.find(cue)
            if 0 <= at and trigger_at < at:
                mention.responds_to_text = sent.text[at + len(cue):].strip(" .,\"")
                return
        if any(c.lower_ in ("retaliatory",) for m in group.members for c in m.children):
            mention.responds_to_text = ""

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

    def attribution(self, sent: _Sentence) -> Optional["_Speaker"]:
        reporting = set(self.rules["reporting_verbs"])
        for tok in sent.span:
            if tok.lower_ == "according" and tok.i + 1 < sent.span.end:
                to = tok.doc[tok.i + 1]
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return self.speaker_from(pobj, tok, sent)
        for tok in sent.span:
            if tok.pos_ == "VERB" and tok.lemma_.lower() in reporting:
                nsubj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if nsubj is not None and nsubj.lower_ not in ("which", "that", "who"):
                    return self.speaker_from(nsubj, tok, sent)
        return None

    def speaker_from(self, tok: Any, verb: Any, sent: _Sentence) -> "_Speaker":
        tokens = [t for t in tok.subtree]
        text = " ".join(t.text for t in tokens[:12])
        actor = self.actor_from(tok, sent, set(), None) if tok.lower_ not in _PRONOUNS else self.last_actor
        return _Speaker(text=text, verb=verb.lemma_.lower(), kind=_source_kind(text, tokens, actor, self.lex),
                        actor=actor)

    def claim(self, field_name: str, value: Any, speaker: Optional["_Speaker"], sent: _Sentence) -> Claim:
        low = sent.text.lower()
        kind = speaker.kind if speaker else "other"
        if any(cue in low for cue in _UNCONFIRMED_CUES):
            status = "unconfirmed"
        elif speaker and speaker.verb in ("deny", "dispute", "reject"):
            status = "disputed"
        elif speaker and speaker.verb in ("claim", "allege"):
            status = "claimed"
        elif speaker and speaker.verb == "confirm":
            status = "confirmed"
        elif kind == "official":
            status = "confirmed"
        elif kind == "affiliated_media":
            status = "claimed"
        else:
            status = "unconfirmed"
        return Claim(field_name, value, speaker.text if speaker else None, kind, status, self.article_id, sent.text)


@dataclass(frozen=True)
class _Speaker:
    text: str
    verb: str
    kind: str
    actor: Optional[str]


_NO_EVENT = -1  # a cause phrase that names no event of its own ("after damage to the bridge")


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


@lru_cache(maxsize=64)
def _cue_pattern(cue: str) -> re.Pattern:
    """'in response to' also as 'in an apparent response to': up to two words after the first."""
    first, *rest = cue.split()
    return re.compile(rf"\b{re.escape(first)}\s+(?:[\w-]+\s+){{0,2}}?" + r"\s+".join(map(re.escape, rest)) + r"\b")


def _says_cue(cue: str, text: str) -> bool:
    return cue in text or (" " in cue and _cue_pattern(cue).search(text) is not None)


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


def extract(parsed: ParsedArticle, lex: Optional[Lexicon] = None) -> list[Mention]:
    """Every event mention in one parsed article, in reading order."""
    return ArticleReader(parsed, lex or lexicon()).mentions()


# ---- helpers on tokens -------------------------------------------------------------------------
_NOUN_POSITIONS = {"pobj", "dobj", "nsubj", "nsubjpass", "attr", "appos", "compound"}


def _pos_class(tok: Any) -> str:
    """VERB or NOUN by the word's role: a 'verb' in an object slot ('footage of airstrikes') is a noun."""
    if tok.pos_ in ("VERB", "AUX"):
        return "NOUN" if tok.dep_ in _NOUN_POSITIONS and tok.tag_ in ("NNS", "NN", "VBZ") else "VERB"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    return tok.pos_


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


def _told_as_before(trigger: Any) -> bool:
    """ "Men look at the debris, following an attack ..., on October 2": an event named in an
    "after"/"following" phrase of another verb; that verb's day is not the event's."""
    return any(a.dep_ in ("prep", "advcl", "acl") and a.lower_ in ("after", "following") for a in trigger.ancestors)


_ACCUSING_VERBS = {"accuse", "blame", "charge", "suspect", "condemn"}


def _accused(verb: Any) -> Optional[Any]:
    """ "HRW accused Malian troops of killing 300 civilians": the one accused does what the gerund says."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.lower_ != "of" or prep.head.lemma_.lower() not in _ACCUSING_VERBS:
        return None
    return next((c for c in prep.head.children if c.dep_ == "dobj"), None)


def _armed_killing(mention: Mention) -> bool:
    return bool(mention.actor1) and mention.actor1 != "Civilians" and mention.fatalities.known


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


def _count_of(tok: Any, own_head: bool = False) -> Optional[Count]:
    """The number a noun phrase gives to a casualty word: 'two soldiers and a civilian' -> 3."""
    if tok is None:
        return None
    if tok.ent_type_ == "PERSON" and not own_head:
        return Count(1, 1, 1)
    pieces = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
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
    spans = [ent for ent in sent.ents if ent.label_ in ("DATE", "TIME")]
    covered = {i for ent in spans for i in range(ent.start, ent.end)}
    for tok in span:  # weekday names the model did not label
        if tok.i not in covered and re.fullmatch(r"(mon|tues|wednes|thurs|fri|satur|sun)day('s)?", tok.lower_):
            spans.append(tok.doc[tok.i:tok.i + 1])
    for match in _SEQUENCE_PHRASE.finditer(span.text):  # "hours later", "the next day"
        found = span.char_span(match.start(), match.end(), alignment_mode="expand")
        if found is not None and not any(i in covered for i in range(found.start, found.end)):
            spans.append(found)
    return spans


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


def _right_after_reporting(span: Any, reporting: set[str]) -> bool:
    """A time phrase that directly follows a reporting verb ('said on Monday', 'told reporters Thursday')."""
    i = span.start - 1
    if i >= 0 and span.doc[i].lower_ == "on":
        i -= 1
    if i >= 0 and span.doc[i].lower_ == "reporters":
        i -= 1
    return i >= 0 and span.doc[i].pos_ == "VERB" and span.doc[i].lemma_.lower() in reporting


def _following_prep(tok: Any) -> Optional[Any]:
    """The place preposition right after a word ('another on Al Shaddadi'), wherever the parser hung it."""
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ in ("on", "against", "at", "in", "near"):
        return tok.nbor(1)
    return None


def _counted_several(noun: Any) -> bool:
    """'66 attacks', 'three sets of strikes': a number above one counts the noun."""
    return any(c.dep_ == "nummod" and (_count_of(c) or Count()).best not in (None, 1) for c in noun.children)


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


def _nearest_group(tok: Any, groups: list[_Group]) -> Optional[_Group]:
    """The group whose predicate is closest in the text, preferring one before the token."""
    if not groups:
        return None
    return min(groups, key=lambda g: min(abs(m.i - tok.i) + (0 if m.i < tok.i else 0.5) for m in g.members))


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


_STRIKE_VERBS = {"hit", "strike", "attack", "bomb", "shell", "target", "pound", "raid", "storm", "bombard", "rock"}
_LOCATIVE_PREPS = {"in", "inside", "into", "across", "at", "near", "outside", "on", "around", "throughout",
                   "from", "within", "over", "off", "towards", "toward", "along", "of"}
_PLACE_NOUNS = {"suburb", "outskirts", "city", "town", "village", "province", "governorate", "district", "capital",
                "region", "area", "west", "east", "north", "south", "northwest", "northeast", "southwest",
                "southeast", "border", "side", "centre", "center", "vicinity", "part", "parts", "countryside"}


def _is_locative(span: Any) -> bool:
    """A place name used as a location ('in Iraq', 'near Abu Ghraib', 'Deir al Zur, Syria'),
    not as a modifier or a party ('Iraqi officials', 'the US said', 'Iraq's army')."""
    root = span.root
    node = root
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


def _token_at(span: Any, char_offset: int) -> Any:
    target = span.start_char + char_offset
    for tok in span:
        if tok.idx >= target:
            return tok
    return span.root


def _source_kind(text: str, tokens: list[Any], actor: Optional[str], lex: Lexicon) -> str:
    low = f" {text.lower()} "
    has_person = any(t.ent_type_ == "PERSON" for t in tokens)
    if any(w in low for w in _WITNESS_WORDS):
        return "witness"
    if any(w in low for w in _SOURCE_MEDIA_WORDS) and any(p in low for p in _AFFILIATION_PHRASES):
        return "affiliated_media"
    if actor and actor in lex.actors and not lex.actors[actor].kind.startswith("state") and not lex.country_of_military(actor):
        return "affiliated_media"
    if ("official" in low or "source" in low) and not has_person:
        return "anonymous_official"
    if has_person or any(w in low for w in _OFFICIAL_WORDS) or (actor and lex.country_of_military(actor)):
        return "official"
    if any(t.ent_type_ == "ORG" for t in tokens) or any(w in low for w in (" media ", " reports ", " news ")):
        return "independent_media"
    return "other"
