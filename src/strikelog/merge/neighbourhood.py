"""A ledger round: the frames a merge of the pending ones must re-cluster (`Neighbourhood`), read
from the ledger through the few questions `LedgerFrames` asks of it, and cut into independent
`MergeBlock`s (union-find over candidates, events and decisions, binned by country and month)."""
from __future__ import annotations

from typing import Optional, Protocol

from ..resources import Lexicon
from .across import MergeBlock
from .blocking import KeyIndex, probe_keys
from .frames import ArticleFrames, Decisions, Frame, FrameRef
from .scoring import possible_days, qualifies


class LedgerFrames(Protocol):
    """What a round reads from the ledger (strikelog.ledger.Store answers it)."""

    def frame(self, ref: FrameRef) -> Frame: ...
    def article_frames(self, article_id: str) -> ArticleFrames: ...
    def decisions_for(self, article_id: str) -> Decisions: ...
    def frames_filed_under(self, exact: set[str], prefixes: set[str]) -> set: ...
    def event_of_frame(self, ref: FrameRef) -> Optional[str]: ...
    def members(self, event_id: str) -> list: ...


class Neighbourhood:
    """The frames a merge of the pending ones re-clusters: the pending frames, every frame one of them
    qualifies with, and, transitively, the event-mates and analyst partners of every frame taken (an
    event is re-clustered whole). Frames further away keep their events: a round reads what its new
    frames touch, not everything a chain of look-alike reports connects them to."""

    def __init__(self, store: LedgerFrames, lex: Lexicon):
        self.store, self.lex = store, lex
        self.frames: dict = {}
        self.linked: dict = {}  # each pending frame: the frames it qualifies with
        self.articles: dict[str, ArticleFrames] = {}
        self.seen: dict = {}  # frames read while looking, taken or not
        self.decisions = Decisions()  # those touching the articles of the frames taken
        self.decided: set[str] = set()
        self.event_of: dict = {}  # each frame taken: its event in the ledger now, or None
        self.members: dict = {}  # those events: their member frames, sorted

    def frame(self, ref) -> Frame:
        if ref not in self.seen:
            self.seen[ref] = self.store.frame(ref)
        return self.seen[ref]

    def article(self, article_id: str) -> ArticleFrames:
        if article_id not in self.articles:
            self.articles[article_id] = self.store.article_frames(article_id)
        return self.articles[article_id]

    def decisions_touching(self, article_id: str) -> Decisions:
        """All decisions read so far, with those touching this article's frames added once."""
        if article_id not in self.decided:
            self.decided.add(article_id)
            found = self.store.decisions_for(article_id)
            self.decisions.together += [d for d in found.together if d not in self.decisions.together]
            self.decisions.apart += [d for d in found.apart if d not in self.decisions.apart]
        return self.decisions

    def expand(self, pending) -> None:
        pending = sorted(pending)
        for ref in pending:
            frame = self.frame(ref)
            near = self.store.frames_filed_under(*probe_keys(frame)) - {ref}
            self.linked[ref] = {c for c in near if qualifies(frame, self.frame(c), self.lex) is not None}
        queue = sorted(set().union(*self.linked.values()) - set(pending), reverse=True) + pending[::-1]
        while queue:
            ref = queue.pop()
            if ref in self.frames:
                continue
            self.frames[ref] = self.frame(ref)
            event_id = self.event_of[ref] = self.store.event_of_frame(ref)
            if event_id and event_id not in self.members:
                self.members[event_id] = self.store.members(event_id)
            mates = set(self.members[event_id]) if event_id else set()
            queue.extend(sorted((self.decisions_touching(ref[0]).partners(ref) | mates) - set(self.frames)))

    def blocks(self) -> list[MergeBlock]:
        """The frames taken, cut where nothing joins them (no candidate, event, decision or blocking
        key in common), the pieces binned by region and month (`_block_key`)."""
        root = {ref: ref for ref in self.frames}

        def find(ref):
            while root[ref] != ref:
                root[ref] = root[root[ref]]
                ref = root[ref]
            return ref

        def join(a, b) -> None:
            root[find(a)] = find(b)

        candidates = self.candidates()
        for ref in self.frames:
            for other in candidates[ref] | set(self.members.get(self.event_of[ref], ())):
                join(ref, other)
        pieces: dict = {}
        for ref in sorted(self.frames):
            pieces.setdefault(find(ref), []).append(ref)
        bins: dict = {}
        for refs in pieces.values():
            bins.setdefault(_block_key(self.frames[refs[0]]), []).extend(refs)
        return [self._block(refs, candidates) for _, refs in sorted(bins.items())]

    def candidates(self) -> dict:
        """Each frame taken: the frames it may share an event with. A pending frame's are those it
        qualifies with; another's, the frames taken (but the pending) filed under a key it probes
        (`cluster_frames` scores each such pair); each with its analysts' partners."""
        settled = KeyIndex({ref: f for ref, f in self.frames.items() if ref not in self.linked})
        return {ref: (self.linked[ref] if ref in self.linked else settled.candidates(frame) - {ref})
                | self.decisions.partners(ref) for ref, frame in self.frames.items()}

    def _block(self, refs: list, candidates: dict) -> MergeBlock:
        inside = set(refs)
        touching = [[p for p in pairs if p[0] in inside or p[1] in inside]
                    for pairs in (self.decisions.together, self.decisions.apart)]
        return MergeBlock(
            frames={ref: self.frames[ref] for ref in refs},
            candidates={ref: candidates[ref] for ref in refs},
            decisions=Decisions(*touching),
            current={ref: self.members[self.event_of[ref]] for ref in refs if self.event_of[ref]},
        )


def _block_key(frame: Frame) -> tuple[str, str]:
    """A block's region and date window: its first frame's country and month."""
    days = possible_days(frame)
    return frame.where.country or "-", days.start.isoformat()[:7] if days.start else "-"
