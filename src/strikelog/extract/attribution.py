"""Attribution: who says so ("according to", the subject of a reporting verb), what kind of source
that is (official, anonymous official, affiliated or independent media, witness), the status of
a claim (confirmed, unconfirmed, claimed, disputed), and claims of responsibility."""
from __future__ import annotations

from typing import Any, Optional

from ..records import Claim, Mention
from ..resources import Lexicon
from .tokens import Component, _Group, _Sentence, _Speaker
from .words import _ACCUSING_VERBS, _AFFILIATION_PHRASES, _OFFICIAL_WORDS, _PRONOUNS, _SOURCE_MEDIA_WORDS, _UNCONFIRMED_CUES, _WITNESS_WORDS


class Attribution(Component):
    """The speaker of a sentence, its claims, and who claims responsibility."""

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
                if nsubj is not None and nsubj.lower_ not in ("which", "that", "who") and not self.is_what_is_told(nsubj):
                    return self.speaker_from(nsubj, tok, sent)
        return None

    def is_what_is_told(self, subject: Any) -> bool:
        """ "No casualties were reported", "deaths reported": the subject is the news, not who tells it."""
        return subject.dep_ == "nsubjpass" or subject.lemma_.lower() in self.rules["casualty_nouns"]

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

    def read_accusation(self, sent: _Sentence, group: _Group, mention: Mention) -> None:
        """ "The IDF accused Islamic Jihad of launching a missile", "Israel blamed Islamic Jihad for the
        attack": the accused is the actor by the accuser's account, a claim of responsibility by the
        accuser (the merge reads two sides' accounts of one event from it)."""
        verb = _accusing_verb(group)
        if verb is None or mention.actor1 is None:
            return
        accuser = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        by = self.actor_from(accuser, sent, set(), None) if accuser is not None else None
        if by and by != mention.actor1:
            mention.claims.append(Claim("responsibility", mention.actor1, by, "other", "claimed", self.article_id, sent.text))

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


def _accusing_verb(group: _Group) -> Optional[Any]:
    """The verb of accusing or blaming that the group's event hangs on ("accused X of launching",
    "blamed X for the attack", "accused X of the attack"), if any."""
    for member in group.members:
        node = member
        for _ in range(3):
            node = node.head
            if node.lemma_.lower() in _ACCUSING_VERBS and node.pos_ == "VERB":
                return node
            if node.dep_ not in ("prep", "pobj", "pcomp", "dobj") and node.pos_ != "ADP":
                break
    return None


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
