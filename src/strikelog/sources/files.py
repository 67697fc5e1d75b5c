"""Stage 1, ingest: paths on disk -> RawArticle records.

Reads `.txt`, `.html`/`.htm` and `.jsonl` files (folders recursively), the optional
`NAME.meta.json` sidecar, and WARC files from a news crawl (`.warc`, `.warc.gz`: every HTML
response record is an article, its URL its id; needs the `scale` extra for warcio). A file that
cannot be read becomes a Problem naming the file and the reason; it never stops the batch.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Callable, Optional, Union

from ..errors import InputError
from ..literals.dates import parse_moment
from ..records import Problem, RawArticle

ARTICLE_SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
WARC_SUFFIXES = (".warc", ".warc.gz")
SIDECAR_SUFFIX = ".meta.json"
ProblemSink = Callable[[Problem], None]


def discover(paths: Iterable[Union[str, Path]], on_problem: ProblemSink) -> list[Path]:
    """Expand files and folders into the sorted list of article files they hold."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=_folder_problem(on_problem)):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(root) / name
                    if _is_article_file(candidate):
                        found.append(candidate)
        elif path.is_file():
            if path.name.endswith(SIDECAR_SUFFIX):
                continue  # metadata, read with its article
            if _is_article_file(path):
                found.append(path)
            else:
                on_problem(Problem(str(path), "unsupported file type (expected .txt, .html, .htm, .jsonl or .warc[.gz])"))
        else:
            on_problem(Problem(str(path), "no such file or folder"))
    return found


def _folder_problem(on_problem: ProblemSink) -> Callable[[OSError], None]:
    """os.walk's onerror: a folder that cannot be listed is a Problem, not a silent gap."""

    def report(err: OSError) -> None:
        on_problem(Problem(str(err.filename), f"cannot read folder ({err.strerror or err})"))

    return report


def _is_article_file(path: Path) -> bool:
    return file_format(path) is not None and not path.name.endswith(SIDECAR_SUFFIX)


def file_format(path: Path) -> Optional[str]:
    """The file's format by its name: txt, html, jsonl or warc; None for anything else."""
    if path.name.lower().endswith(WARC_SUFFIXES):
        return "warc"
    return ARTICLE_SUFFIXES.get(path.suffix.lower())


def read_articles(
    paths: Iterable[Union[str, Path]], on_problem: ProblemSink, max_bytes: int = 20_000_000
) -> Iterator[RawArticle]:
    """Yield every article found under `paths`; report unreadable ones through `on_problem`."""
    for path in discover(paths, on_problem):
        try:
            yield from read_file(path, on_problem, max_bytes)
        except InputError as err:
            on_problem(Problem(err.path, err.reason))


def read_file(path: Path, on_problem: ProblemSink, max_bytes: int = 20_000_000) -> Iterator[RawArticle]:
    """Read one article file (or, for .jsonl, every article line of it)."""
    fmt = file_format(path)
    if fmt == "warc":
        yield from _read_warc(path, on_problem, max_bytes)
        return
    text = read_text(path, max_bytes)
    if fmt == "jsonl":
        yield from _read_jsonl(path, text, on_problem)
        return
    if not text.strip():
        raise InputError(str(path), "empty file")
    if fmt == "html":
        _check_html(str(path), text)
    meta = read_sidecar(path)
    yield RawArticle(
        id=path.stem,
        path=str(path),
        fmt=fmt,
        body=text,
        is_html=fmt == "html",
        content_hash=content_hash(text, meta),
        title=meta.get("title"),
        published=meta.get("published"),
        url=meta.get("url"),
        outlet=meta.get("outlet"),
    )


def read_text(path: Path, max_bytes: int) -> str:
    """Return the file's text (UTF-8, or UTF-16 with a byte-order mark), or raise InputError for
    empty, huge, binary or undecodable files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(str(path), f"file too large ({size:,} bytes; the limit is {max_bytes:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "file vanished before it could be read") from None
    except OSError as err:
        raise InputError(str(path), f"cannot read file ({err.strerror or err})") from None
    if not data.strip():
        raise InputError(str(path), "empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_utf16(path, data)
    if b"\x00" in data[:8192]:
        raise InputError(str(path), "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            str(path), f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); re-save it as UTF-8"
        ) from None


def _decode_utf16(path: Path, data: bytes) -> str:
    """Text saved as UTF-16 with a byte-order mark (some Windows tools do)."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise InputError(str(path), "binary file (starts with a UTF-16 byte-order mark but is not UTF-16 text)")
    return text


def read_sidecar(path: Path) -> dict:
    """The optional NAME.meta.json beside NAME.txt / NAME.html, or {}."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(str(sidecar), f"malformed sidecar ({err})") from None
    if not isinstance(meta, dict):
        raise InputError(str(sidecar), "malformed sidecar (expected a JSON object)")
    meta = {k: str(v) for k, v in meta.items() if v is not None}
    problem = published_problem(meta.get("published"))
    if problem:
        raise InputError(str(sidecar), problem)
    return meta


def published_problem(value: Optional[str]) -> Optional[str]:
    """Why a 'published' value is no date (None when it is one, or absent): read as no date, it would
    leave the article's relative dates ("on Monday") without their anchor."""
    if value is None or parse_moment(value):
        return None
    return f"'published' is not a date: {value!r} (expected e.g. 2024-03-05 or 2024-03-05T14:30)"


MAX_HTML_DEPTH = 256  # libxml2's limit: the HTML parser stops reading deeper elements


def _check_html(where: str, html: str) -> None:
    """Raise InputError for HTML the parser cannot read whole: nested deeper than MAX_HTML_DEPTH
    elements, the parser stops there and the page would seem to have no article body."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser()
    try:
        lxml_html.document_fromstring(html, parser=parser)
    except (ValueError, etree.ParserError):
        return  # not a document at all: the clean stage says so
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise InputError(where, f"HTML nested too deeply to read (more than {MAX_HTML_DEPTH} levels of elements)")


def _read_jsonl(path: Path, text: str, on_problem: ProblemSink) -> Iterator[RawArticle]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        article = _article_from_json_line(line, where, str(path))
        if isinstance(article, Problem):
            on_problem(article)
        else:
            yield article


def _article_from_json_line(line: str, where: str, path: str) -> Union[RawArticle, Problem]:
    try:
        return _json_article(line, where)
    except InputError as err:
        return Problem(where, err.reason)


def read_objects(articles: Iterable[object], on_problem: ProblemSink) -> Iterator[RawArticle]:
    """Articles given as objects of the .jsonl input format (the web's POST), checked as a file's lines
    are; a problem names the article by its position ("article 2: missing 'id'")."""
    for number, obj in enumerate(articles, start=1):
        try:
            article = _object_article(obj, f"article {number}")
        except InputError as err:
            article = Problem(f"article {number}", err.reason)
        if isinstance(article, Problem):
            on_problem(article)
        else:
            yield article


def _json_article(line: str, where: str) -> Union[RawArticle, Problem]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return Problem(where, f"malformed JSON ({err.msg} at column {err.colno})")
    return _object_article(obj, where)


def _object_article(obj: object, where: str) -> Union[RawArticle, Problem]:
    if not isinstance(obj, dict):
        return Problem(where, "expected a JSON object per line")
    article_id = obj.get("id")
    field = "text" if obj.get("text") is not None else "html"
    body = obj.get(field)
    if not article_id or not isinstance(article_id, (str, int)):
        return Problem(where, "missing 'id'")
    if body is None:
        return Problem(where, "missing 'text' or 'html'")
    if not isinstance(body, str):
        return Problem(where, f"'{field}' must be a string, not {_json_type(body)}")
    if not body.strip():
        return Problem(where, f"empty '{field}'")
    if field == "html":
        _check_html(where, body)
    meta = {k: str(obj[k]) for k in ("title", "published", "url", "outlet") if obj.get(k) is not None}
    problem = published_problem(meta.get("published"))
    if problem:
        return Problem(where, problem)
    return RawArticle(
        id=str(article_id),
        path=where,
        fmt="jsonl",
        body=body,
        is_html=field == "html",
        content_hash=content_hash(body, meta),
        **meta,
    )


def _json_type(value: object) -> str:
    """A JSON value's type as a reader of the file would call it."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _read_warc(path: Path, on_problem: ProblemSink, max_bytes: int) -> Iterator[RawArticle]:
    """Every HTML response record of a WARC file, streamed (a crawl's file is far larger than any
    article; the size limit applies to each record). The capture date is not taken for the
    publication date: the clean stage reads that from the page."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise InputError(str(path), "reading WARC needs warcio: pip install 'strikelog[scale]'") from None
    found = 0
    try:
        with open(path, "rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream), start=1):
                article = _article_from_warc_record(record, f"{path}:{number}", max_bytes)
                if isinstance(article, Problem):
                    on_problem(article)
                elif article is not None:
                    found += 1
                    yield article
    except OSError as err:
        raise InputError(str(path), f"cannot read file ({err.strerror or err})") from None
    except ArchiveLoadFailed as err:
        raise InputError(str(path), f"malformed WARC ({err})") from None
    if not found:
        on_problem(Problem(str(path), "no HTML page in this WARC file (no response record with status 200 and an HTML type)"))


def _article_from_warc_record(record, where: str, max_bytes: int) -> Union[RawArticle, Problem, None]:
    """An HTML response with status 200 becomes an article; other records are no articles."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return Problem(where, f"record too large (more than {max_bytes:,} bytes)")
    charset = content_type.lower().partition("charset=")[2].split(";")[0].strip() or "utf-8"
    try:
        body = data.decode(charset, errors="replace")
    except LookupError:
        body = data.decode("utf-8", errors="replace")
    if not url or not body.strip():
        return Problem(where, "response without a URL or a body")
    try:
        _check_html(where, body)
    except InputError as err:
        return Problem(where, err.reason)
    meta = {"url": url}
    return RawArticle(id=url, path=where, fmt="warc", body=body, is_html=True,
                      content_hash=content_hash(body, meta), url=url)


def content_hash(text: str, meta: dict) -> str:
    """Hash of the article's content and metadata: the same article read twice hashes the same."""
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()
