"""What a sound ledger looks like, for the crash and concurrency tests: SQLite's own checks plus the
ledger's invariants, a canonical dump to compare two ledgers by, and a folder of reports to ingest."""
import json
import shutil
import sqlite3
from pathlib import Path


def copy_reports(paths: list[Path], folder: Path) -> Path:
    """A new folder holding copies of these reports and their sidecars."""
    folder.mkdir()
    for path in paths:
        shutil.copy(path, folder)
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.exists():
            shutil.copy(sidecar, folder)
    return folder


def ledger_faults(db: Path) -> list[str]:
    """Everything wrong with the ledger at `db` (empty when it is sound)."""
    con = sqlite3.connect(db)
    try:
        faults = [row[0] for row in con.execute("PRAGMA integrity_check") if row[0] != "ok"]
        faults += [f"foreign key: {row}" for row in con.execute("PRAGMA foreign_key_check")]
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'frames'").fetchone():
            return faults  # killed before the schema was written: an empty file is a sound empty ledger
        faults += [f"frame {row} is both pending and in an event" for row in con.execute(
            "SELECT article_id, idx FROM pending INTERSECT SELECT article_id, idx FROM frame_events")]
        faults += [f"frame {row} is neither pending nor in an event" for row in con.execute(
            "SELECT article_id, idx FROM frames EXCEPT SELECT article_id, idx FROM pending"
            " EXCEPT SELECT article_id, idx FROM frame_events")]
        faults += [f"event {row[0]} has no member frame" for row in con.execute(
            "SELECT event_id FROM events EXCEPT SELECT event_id FROM frame_events")]
        faults += [f"event {row[0]} has no source" for row in con.execute(
            "SELECT event_id FROM events EXCEPT SELECT event_id FROM event_sources")]
        faults += [f"article {row[0]} has no text" for row in con.execute(
            "SELECT id FROM articles EXCEPT SELECT article_id FROM sentences")]
        faults += [f"events and flat events differ by {n}" for (n,) in con.execute(
            "SELECT (SELECT count(*) FROM events) - (SELECT count(*) FROM events_flat)") if n]
        try:  # the text index against the rows it indexes (FTS5's check of an external-content table)
            con.execute("INSERT INTO events_flat_fts (events_flat_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as err:
            faults.append(f"search index out of step with events_flat ({err})")
        return faults
    finally:
        con.close()


def ledger_dump(db: Path) -> dict:
    """The ledger's content, independent of row order and write times: articles, mentions, events."""
    con = sqlite3.connect(db)
    try:
        return {
            "articles": sorted(con.execute("SELECT id, content_hash, title, published FROM articles").fetchall()),
            "mentions": sorted(con.execute("SELECT article_id, idx, data FROM mentions").fetchall()),
            "events": sorted(json.dumps(json.loads(data), sort_keys=True)
                             for (data,) in con.execute("SELECT data FROM events")),
            "pending": con.execute("SELECT count(*) FROM pending").fetchone()[0],
        }
    finally:
        con.close()
