"""Analysts' decisions: frames that belong together (a manual merge) or apart (a manual split), kept by
the sentence that opens each frame so that a decision outlives re-ingestion and small edits."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from rapidfuzz import fuzz

from ..merge.frames import Decisions, FrameRef

DECISION_SIMILARITY = 80.0  # rapidfuzz ratio for following a decision's sentence through an edit


class AnalystDecisions:
    """The decisions (a part of Store: `self.db`, `self.transaction()`)."""

    db: Any

    def add_decision(self, kind: str, pairs: list[tuple[FrameRef, FrameRef]]) -> None:
        """Record that frames belong together or apart; a later decision on a pair replaces an earlier one.
        The affected events are dissolved so that the next merge applies the decision."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction():
            for a, b in pairs:
                sa, sb = self._frame_sentence(a), self._frame_sentence(b)
                self.db.execute(
                    "DELETE FROM decisions WHERE (a_article = ? AND a_sentence = ? AND b_article = ? AND b_sentence = ?)"
                    " OR (a_article = ? AND a_sentence = ? AND b_article = ? AND b_sentence = ?)",
                    (a[0], sa, b[0], sb, b[0], sb, a[0], sa))
                self.db.execute("INSERT INTO decisions (kind, a_article, a_sentence, b_article, b_sentence, made_at)"
                                " VALUES (?, ?, ?, ?, ?, ?)", (kind, a[0], sa, b[0], sb, now))
            refs = {r for pair in pairs for r in pair}
            self._dissolve(sorted({e for e in map(self.event_of_frame, refs) if e}))

    def _frame_sentence(self, ref: FrameRef) -> str:
        return self.db.execute("SELECT sentence FROM frames WHERE article_id = ? AND idx = ?", ref).fetchone()[0]

    def decisions_for(self, article_id: str) -> Decisions:
        """The decisions touching this article's frames, with both ends resolved to current frames
        (a decision whose sentence is gone from an updated article no longer applies)."""
        out = Decisions()
        for kind, aa, sa, ba, sb in self.db.execute(
            "SELECT kind, a_article, a_sentence, b_article, b_sentence FROM decisions"
            " WHERE a_article = ? OR b_article = ? ORDER BY id", (article_id, article_id)).fetchall():
            a, b = self._frame_with(aa, sa), self._frame_with(ba, sb)
            if a and b:
                (out.together if kind == "together" else out.apart).append((a, b))
        out.together = list(dict.fromkeys(out.together))
        out.apart = list(dict.fromkeys(out.apart))
        return out

    def _frame_with(self, article_id: str, sentence: str) -> Optional[FrameRef]:
        """The article's frame opened by this sentence or, when an update reworded it, by the most
        similar sentence (a decision follows its report through small edits, not through rewrites)."""
        rows = self.db.execute("SELECT idx, sentence FROM frames WHERE article_id = ? ORDER BY idx", (article_id,)).fetchall()
        scored = [(100.0 if text == sentence else fuzz.ratio(text, sentence), -idx) for idx, text in rows]
        best = max(scored, default=None)
        return (article_id, -best[1]) if best and best[0] >= DECISION_SIMILARITY else None
