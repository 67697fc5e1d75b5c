"""Writing an article with its sentences, mentions and frames, and the frame index the merge works on:
each frame filed under the blocking keys its caller computed (the merge's, never the ledger's), and the
queue of frames waiting to be merged (pending)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, Optional

from ..merge.frames import ArticleFrames, Frame, FrameRef
from ..records import Article, Mention
from .codec import frame_from, mention_from, plain

# The key a frame is filed under while its blocking keys are not known (frames of a migrated ledger): the
# ingest files them under their keys (`unfiled_frames`, `file_frames`) before it merges.
UNFILED = ""


class Articles:
    """The articles and their frames (a part of Store: `self.db`, `self.transaction()`)."""

    db: Any

    def article_hashes(self, article_ids: list[str]) -> dict[str, str]:
        """Content hashes of those of these articles that are stored, in one query per 500 ids."""
        found: dict[str, str] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT id, content_hash FROM articles WHERE id IN ({marks})", chunk).fetchall())
        return found

    def save_article(self, article: Article, mentions: list[Mention], frames: list[Frame],
                     keys: list[Iterable[str]]) -> None:
        """Replace everything known about this article, in one transaction; `keys[i]` are the blocking keys
        frame i is filed under. The events its earlier version reported are dissolved: their frames
        wait, unassigned, for the next merge."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction():
            self._dissolve(self.events_of_article(article.id))
            self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            self.db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, article.path, article.content_hash, article.title,
                 article.anchor.moment.isoformat() if article.anchor else None, article.url, article.outlet, now),
            )
            self.db.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?)",
                [(article.id, i, p.kind, p.text) for i, p in enumerate(article.paragraphs)],
            )
            self.db.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?)",
                [(article.id, i, json.dumps(plain(m))) for i, m in enumerate(mentions)],
            )
            self.db.executemany(
                "INSERT INTO frames VALUES (?, ?, ?, ?)",
                [(article.id, i, json.dumps(plain(f)), mentions[f.mentions[0]].sentence) for i, f in enumerate(frames)],
            )
            self.db.executemany("INSERT INTO pending VALUES (?, ?)", [(article.id, i) for i in range(len(frames))])
            self.db.executemany(
                "INSERT INTO frame_keys VALUES (?, ?, ?)",
                [(key, article.id, i) for i, frame_keys in enumerate(keys) for key in sorted(frame_keys)],
            )

    def events_of_article(self, article_id: str) -> list[str]:
        """The events this article's reports belong to now."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT event_id FROM frame_events WHERE article_id = ?", (article_id,))]

    def _dissolve(self, event_ids: list[str]) -> None:
        for event_id in event_ids:
            self.db.execute("INSERT INTO pending SELECT article_id, idx FROM frame_events WHERE event_id = ?"
                            " ON CONFLICT DO NOTHING", (event_id,))
            self.db.execute("DELETE FROM frame_events WHERE event_id = ?", (event_id,))
            self.db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))

    def articles(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM articles ORDER BY id")]

    # ---- the frame index the merge works on ---------------------------------------------------
    def unfiled_frames(self) -> list[tuple[FrameRef, Frame]]:
        """Frames not yet filed under their blocking keys (those of a migrated ledger), to be filed."""
        return [((r[0], r[1]), self.frame((r[0], r[1]))) for r in self.db.execute(
            "SELECT article_id, idx FROM frame_keys WHERE key = ? ORDER BY 1, 2", (UNFILED,)).fetchall()]

    def file_frames(self, keys: dict[FrameRef, Iterable[str]]) -> None:
        """File each of these frames under its blocking keys."""
        with self.transaction():
            for (article_id, idx), frame_keys in keys.items():
                self.db.execute("DELETE FROM frame_keys WHERE key = ? AND article_id = ? AND idx = ?",
                                (UNFILED, article_id, idx))
                self.db.executemany("INSERT INTO frame_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                    [(k, article_id, idx) for k in sorted(frame_keys)])

    def pending_frames(self) -> list[FrameRef]:
        """Frames not yet part of any canonical event (new, or dissolved by an update or a decision)."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT article_id, idx FROM pending ORDER BY 1, 2")]

    def frames_filed_under(self, exact: set[str], prefixes: set[str]) -> set[FrameRef]:
        found = set()
        for key in sorted(exact):
            found.update((r[0], r[1]) for r in self.db.execute(
                "SELECT article_id, idx FROM frame_keys WHERE key = ?", (key,)))
        for prefix in sorted(prefixes):
            found.update((r[0], r[1]) for r in self.db.execute(
                "SELECT article_id, idx FROM frame_keys WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")))
        return found

    def article_frames(self, article_id: str) -> ArticleFrames:
        """One stored article's frames with its mentions and publication time."""
        row = self.db.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
        mentions = [mention_from(json.loads(r[0])) for r in self.db.execute(
            "SELECT data FROM mentions WHERE article_id = ? ORDER BY idx", (article_id,))]
        frames = [frame_from(json.loads(r[0])) for r in self.db.execute(
            "SELECT data FROM frames WHERE article_id = ? ORDER BY idx", (article_id,))]
        published = datetime.fromisoformat(row[0]) if row and row[0] else None
        return ArticleFrames(article_id, frames, mentions, published)

    def frame(self, ref: FrameRef) -> Frame:
        row = self.db.execute("SELECT data FROM frames WHERE article_id = ? AND idx = ?", ref).fetchone()
        return frame_from(json.loads(row[0]))

    def all_articles_frames(self) -> list[ArticleFrames]:
        return [self.article_frames(r[0]) for r in self.db.execute("SELECT id FROM articles ORDER BY id").fetchall()]

    def event_of_frame(self, ref: FrameRef) -> Optional[str]:
        row = self.db.execute("SELECT event_id FROM frame_events WHERE article_id = ? AND idx = ?", ref).fetchone()
        return row[0] if row else None

    def members(self, event_id: str) -> list[FrameRef]:
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT article_id, idx FROM frame_events WHERE event_id = ? ORDER BY 1, 2", (event_id,))]
