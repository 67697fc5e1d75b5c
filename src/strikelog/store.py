"""Stage 8, store: the ledger as a plain SQLite file.

Tables: articles (one row per article, keyed by id, with its content hash), sentences,
mentions and frames (an article's events before cross-article merging), events (canonical,
recomputed from all frames after each ingest, so the result does not depend on arrival order)
and event_sources. Each article is written in one transaction; WAL mode lets readers read
while an ingest writes.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Optional

from .errors import EventNotFound, LedgerError
from .merge import Frame
from .records import Article, Claim, Count, DateRange, Location, Mention, PlaceRef, TimeExpr

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, path TEXT, content_hash TEXT NOT NULL, title TEXT, published TEXT,
    url TEXT, outlet TEXT, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL, kind TEXT,
    text TEXT NOT NULL, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS frames (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, status TEXT, event_type TEXT, sub_event_type TEXT, date_start TEXT,
    date_end TEXT, country TEXT, admin1 TEXT, actor1 TEXT, actor2 TEXT, fatalities INTEGER, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_sources (
    event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE, article_id TEXT NOT NULL,
    PRIMARY KEY (event_id, article_id)
);
CREATE INDEX IF NOT EXISTS events_date ON events(date_start);
CREATE INDEX IF NOT EXISTS events_country ON events(country);
CREATE INDEX IF NOT EXISTS event_sources_article ON event_sources(article_id);
"""


class Store:
    """The SQLite ledger. Use as a context manager or call close()."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as err:
            raise LedgerError(f"{self.path}: cannot open the ledger database ({err})") from None
        self.db.row_factory = sqlite3.Row

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ---- articles ------------------------------------------------------------------------------
    def article_hash(self, article_id: str) -> Optional[str]:
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def save_article(self, article: Article, mentions: list[Mention], frames: list[Frame]) -> None:
        """Replace everything known about this article, in one transaction."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db:
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
                [(article.id, i, json.dumps(_plain(m))) for i, m in enumerate(mentions)],
            )
            self.db.executemany(
                "INSERT INTO frames VALUES (?, ?, ?)",
                [(article.id, i, json.dumps(_plain(f))) for i, f in enumerate(frames)],
            )

    def article_frames(self) -> list[tuple[list[Frame], list[Mention]]]:
        """Every stored article's frames with its mentions, in article id order."""
        out = []
        for (article_id,) in self.db.execute("SELECT id FROM articles ORDER BY id"):
            mentions = [mention_from(json.loads(r[0])) for r in self.db.execute(
                "SELECT data FROM mentions WHERE article_id = ? ORDER BY idx", (article_id,))]
            frames = [frame_from(json.loads(r[0])) for r in self.db.execute(
                "SELECT data FROM frames WHERE article_id = ? ORDER BY idx", (article_id,))]
            out.append((frames, mentions))
        return out

    def facts(self, article_id: Optional[str] = None) -> list[dict]:
        """Article facts: aggregate statements ("66 attacks since October 17") that are not single events."""
        sql = "SELECT article_id, data FROM mentions" + (" WHERE article_id = ?" if article_id else "")
        out = []
        for aid, data in self.db.execute(sql + " ORDER BY article_id, idx", (article_id,) if article_id else ()):
            m = json.loads(data)
            if m["status"] == "aggregate":
                out.append({"article": aid, "kind": m["sub_event_type"], "trigger": m["trigger"],
                            "actor1": m["actor1"], "actor2": m["actor2"], "sentence": m["sentence"]})
        return out

    def articles(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM articles ORDER BY id")]

    # ---- events --------------------------------------------------------------------------------
    def replace_events(self, events: list[dict]) -> None:
        """Store the canonical events (contract objects), replacing the previous set atomically."""
        with self.db:
            self.db.execute("DELETE FROM event_sources")
            self.db.execute("DELETE FROM events")
            for obj in events:
                loc = obj["location"]
                self.db.execute(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (obj["event_id"], obj["status"], obj["event_type"], obj["sub_event_type"], obj["date_start"],
                     obj["date_end"], loc["country"], loc["admin1"], obj["actor1"], obj["actor2"],
                     obj["fatalities"]["best"], json.dumps(obj)),
                )
                self.db.executemany(
                    "INSERT INTO event_sources VALUES (?, ?)", [(obj["event_id"], a) for a in obj["sources"]]
                )

    def events(
        self, country: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
        event_type: Optional[str] = None, actor: Optional[str] = None, status: Optional[str] = None,
    ) -> list[dict]:
        """Events matching every given filter, oldest first; all parameters are bound, never spliced."""
        clauses, params = [], []
        if country:
            clauses.append("country = ?")
            params.append(country.upper())
        if since:
            clauses.append("date_start >= ?")
            params.append(since)
        if until:
            clauses.append("date_start <= ?")
            params.append(until)
        if event_type:
            clauses.append("(event_type = ? OR sub_event_type = ?)")
            params.extend([event_type, event_type])
        if actor:
            clauses.append("(actor1 LIKE ? OR actor2 LIKE ?)")
            params.extend([f"%{actor}%", f"%{actor}%"])
        if status:
            clauses.append("status = ?")
            params.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            f"SELECT data FROM events {where} ORDER BY date_start IS NULL, date_start, event_id", params
        )
        return [json.loads(r[0]) for r in rows]

    def event(self, event_id: str) -> dict:
        row = self.db.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        if row is None:
            raise EventNotFound(f"no event {event_id!r} in {self.path}")
        return json.loads(row[0])


# ---- (de)serialisation of stage records ---------------------------------------------------------------
def _plain(obj: Any) -> Any:
    return _dates_to_text(asdict(obj))


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _range(d: dict) -> DateRange:
    return DateRange(
        date.fromisoformat(d["start"]) if d["start"] else None,
        date.fromisoformat(d["end"]) if d["end"] else None,
        d["precision"], d.get("text", ""),
    )


def mention_from(d: dict) -> Mention:
    return Mention(
        **{k: d[k] for k in ("article_id", "sentence_index", "sentence", "trigger", "event_type", "sub_event_type",
                             "actor1", "actor2", "weapons", "status", "anaphoric", "generic", "plural",
                             "responds_to_text", "responds_to_mentions")},
        fatalities=Count(**d["fatalities"]), wounded=Count(**d["wounded"]),
        claims=[Claim(**c) for c in d["claims"]],
        time_exprs=[TimeExpr(**t) for t in d["time_exprs"]],
        places=[PlaceRef(**p) for p in d["places"]],
        context_time=TimeExpr(**d["context_time"]) if d.get("context_time") else None,
        when=_range(d["when"]), where=Location(**d["where"]),
    )


def frame_from(d: dict) -> Frame:
    return Frame(
        article=d["article"], mentions=list(d["mentions"]), actor1=d["actor1"], actor2=d["actor2"],
        when=_range(d["when"]), where=Location(**d["where"]), weapons=list(d["weapons"]), status=d["status"],
        solid=d["solid"], operation=d.get("operation", False), named_places=set(d.get("named_places", [])),
    )

