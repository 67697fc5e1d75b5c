"""Fetching over HTTP, politely: URLs -> Response records (used for feeds and `strikelog ingest URL`).

One httpx client with timeouts, a size limit enforced while streaming (a huge page is abandoned at
the limit, never read whole), redirects followed by hand (bounded, loops detected), a User-Agent
naming the tool, robots.txt obeyed (read with this same client, parsed by urllib.robotparser,
Crawl-delay honoured), a delay between two requests to one host and a limit on requests in flight
per host, retries with exponential backoff on transient errors, and conditional GET (ETag,
Last-Modified). Nothing here runs unless a URL or a feed is asked for.
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Optional, Union
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..config import VERSION, Settings
from ..errors import FetchError

ROBOTS_AGENT = "strikelog"
REDIRECTS = {301, 302, 303, 307, 308}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
ROBOTS_TTL = 24 * 3600.0  # seconds a host's robots.txt is trusted
ROBOTS_RETRY = 600.0  # seconds before an unreachable robots.txt is asked for again
MAX_ROBOTS_BYTES = 512_000
# Query parameters that say how a reader arrived, not what they read (stripped from canonical URLs).
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ocid|cmpid|"
    r"ito|smid|sr_share|at_medium|at_campaign|at_custom\d|ns_mchannel|ns_source|ns_campaign|ref|ref_src|"
    r"share|taid|xtor|__twitter_impression)$", re.I,
)


def user_agent() -> str:
    """`strikelog/<version> (+<contact>)`: set STRIKELOG_CONTACT to a URL or e-mail address of the operator."""
    contact = Settings().contact
    return f"strikelog/{VERSION} (news monitoring; +{contact})"


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch.

    timeout: seconds for connecting and between bytes; a response still arriving after three times that is abandoned.
    max_bytes: a larger response is abandoned at this size. max_redirects: redirects followed per request.
    host_delay: seconds between the starts of two requests to one host (robots.txt Crawl-delay wins if longer).
    per_host: requests in flight to one host. workers: requests in flight in all.
    retries: further attempts after a transient error; the n-th waits backoff * 2**(n-1) seconds.
    """

    timeout: float = 20.0
    max_bytes: int = field(default_factory=lambda: Settings().max_fetch_bytes)
    max_redirects: int = 5
    host_delay: float = 1.0
    per_host: int = 2
    workers: int = 8
    retries: int = 2
    backoff: float = 2.0
    user_agent: str = field(default_factory=user_agent)


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back: the ETag and Last-Modified of the copy we have."""

    etag: Optional[str] = None
    last_modified: Optional[str] = None


@dataclass(frozen=True)
class Response:
    """A fetched URL. status is 200, or 304 when the copy we have is current (body empty)."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body decoded with the charset the server named (or UTF-8), bad bytes replaced."""
        match = re.search(r"charset=[\"']?([\w.:-]+)", self.content_type, re.I)
        try:
            return self.body.decode(match.group(1) if match else "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def canonical_url(url: str) -> str:
    """The URL an article is known by: scheme and host lower-case, default port, fragment and
    tracking parameters (utm_*, fbclid, ...) dropped; the other parameters kept in their order."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_url(text: Union[str, os.PathLike]) -> bool:
    """Whether a command-line source is a URL (http:// or https://) rather than a path."""
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Host:
    """One host's share of politeness: a few request slots and the earliest start of the next request."""

    def __init__(self, slots: int):
        self.slots = threading.Semaphore(slots)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.delay: Optional[float] = None  # from robots.txt, once read

    def wait_turn(self, delay: float) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + delay
        if start > now:
            time.sleep(start - now)


@dataclass
class _Robots:
    parser: Optional[RobotFileParser]  # None: everything allowed (unless `unreadable`)
    unreadable: Optional[str]  # why robots.txt could not be read (nothing is fetched from the host meanwhile)
    expires: float


class Fetcher:
    """Fetches URLs for one watcher or one ingest; keeps robots.txt and per-host timing between calls.
    Use as a context manager or call close()."""

    def __init__(self, settings: Optional[FetchSettings] = None, transport: Optional[httpx.BaseTransport] = None):
        self.settings = settings or FetchSettings()
        self.client = httpx.Client(
            timeout=self.settings.timeout, follow_redirects=False, transport=transport,
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._hosts: dict[str, _Host] = defaultdict(lambda: _Host(self.settings.per_host))
        self._hosts_lock = threading.Lock()
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # ---- one URL -------------------------------------------------------------------------------
    def get(self, url: str, validators: Validators = Validators(), accept: str = "*/*") -> Response:
        """Fetch `url` (robots.txt permitting), retrying transient errors with exponential backoff.
        Raises FetchError naming the URL and the reason."""
        attempt = 0
        while True:
            try:
                return self._follow(url, validators, accept)
            except FetchError as err:
                if not err.transient or attempt >= self.settings.retries:
                    raise
                time.sleep(self.settings.backoff * 2 ** attempt)
                attempt += 1

    def get_many(self, urls: Iterable[tuple[str, Validators]], accept: str = "*/*"
                 ) -> Iterator[tuple[str, Union[Response, FetchError]]]:
        """Fetch many URLs at once (at most `workers` in flight, `per_host` per host), yielding each
        (url, response or error) as it completes. Hosts are interleaved so that one slow host does
        not hold every worker."""
        work = _interleaved_by_host(list(urls))
        if not work:
            return
        with ThreadPoolExecutor(max_workers=min(self.settings.workers, len(work)), thread_name_prefix="strikelog-fetch") as pool:
            futures = {pool.submit(self.get, url, v, accept): url for url, v in work}
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except FetchError as err:
                    yield futures[future], err

    def _follow(self, url: str, validators: Validators, accept: str) -> Response:
        started = time.monotonic()
        seen = [url]
        current = url
        while True:
            self._check_robots(current)
            response = self._request(current, validators, accept, started)
            if not isinstance(response, str):
                return Response(url, current, response.status, response.body, response.content_type,
                                response.validators)
            following = urljoin(current, response)
            if following in seen:
                raise FetchError(url, f"redirect loop ({' -> '.join(seen + [following])})")
            if len(seen) > self.settings.max_redirects:
                raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")
            if not following.lower().startswith(("http://", "https://")):
                raise FetchError(url, f"redirected to a non-HTTP address ({following})")
            seen.append(following)
            current = following

    def _request(self, url: str, validators: Validators, accept: str, started: float) -> Union[Response, str]:
        """One request with its host's turn and slot: a Response, or the Location of a redirect."""
        headers = {"Accept": accept}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        host = self._host(url)
        with host.slots:
            host.wait_turn(max(self.settings.host_delay, host.delay or 0.0))
            try:
                with self.client.stream("GET", url, headers=headers) as answer:
                    return self._read(url, answer, started)
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out (after {self.settings.timeout:g} s)", transient=True) from None
            except httpx.TransportError as err:
                raise FetchError(url, f"cannot connect ({type(err).__name__}: {err})", transient=True) from None
            except httpx.InvalidURL as err:
                raise FetchError(url, f"not a valid URL ({err})") from None

    def _read(self, url: str, answer: httpx.Response, started: float) -> Union[Response, str]:
        status = answer.status_code
        if status in REDIRECTS and answer.headers.get("location"):
            return answer.headers["location"]
        if status == 304:
            return Response(url, url, 304, b"", answer.headers.get("content-type", ""), _validators(answer))
        if status != 200:
            raise FetchError(url, f"HTTP {status} {answer.reason_phrase}".rstrip(), transient=status in TRANSIENT_STATUSES)
        limit = self.settings.max_bytes
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"too large ({int(declared):,} bytes announced; the limit is {limit:,})")
        chunks, size = [], 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"too large (more than {limit:,} bytes; stopped reading)")
            if time.monotonic() - started > self.settings.timeout * 3:
                raise FetchError(url, f"too slow (still sending after {self.settings.timeout * 3:g} s)", transient=True)
            chunks.append(chunk)
        return Response(url, url, 200, b"".join(chunks), answer.headers.get("content-type", ""), _validators(answer))

    def _host(self, url: str) -> _Host:
        with self._hosts_lock:
            return self._hosts[host_of(url)]

    # ---- robots.txt ----------------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        robots = self._robots_for(host_of(url))
        if robots.unreadable:
            raise FetchError(url, f"robots.txt could not be read ({robots.unreadable}); not fetching", transient=True)
        if robots.parser is not None and not robots.parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(url, "disallowed by robots.txt")

    def _robots_for(self, host: str) -> _Robots:
        with self._hosts_lock:
            lock = self._robots_locks[host]
        with lock:
            known = self._robots.get(host)
            if known is None or known.expires < time.monotonic():
                known = self._robots[host] = self._read_robots(host)
                if known.parser is not None and known.parser.crawl_delay(ROBOTS_AGENT):
                    self._host(host).delay = float(known.parser.crawl_delay(ROBOTS_AGENT))
            return known

    def _read_robots(self, host: str) -> _Robots:
        """RFC 9309: a 4xx robots.txt allows everything; a 5xx or an unreachable one, nothing (for now)."""
        url = f"{host}/robots.txt"
        slot = self._host(url)
        try:
            with slot.slots:
                slot.wait_turn(self.settings.host_delay)
                answer = self.client.get(url, follow_redirects=True, headers={"Accept": "text/plain"})
        except httpx.TimeoutException:
            return _Robots(None, f"timed out after {self.settings.timeout:g} s", time.monotonic() + ROBOTS_RETRY)
        except httpx.HTTPError as err:
            return _Robots(None, f"cannot connect: {type(err).__name__}: {err}", time.monotonic() + ROBOTS_RETRY)
        if answer.status_code >= 500:
            reason = f"server error: HTTP {answer.status_code} {answer.reason_phrase}".rstrip()
            return _Robots(None, reason, time.monotonic() + ROBOTS_RETRY)
        if answer.status_code != 200:
            return _Robots(None, None, time.monotonic() + ROBOTS_TTL)
        parser = RobotFileParser(url)
        parser.parse(answer.content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").splitlines())
        return _Robots(parser, None, time.monotonic() + ROBOTS_TTL)


def _validators(answer: httpx.Response) -> Validators:
    return Validators(answer.headers.get("etag"), answer.headers.get("last-modified"))


def _interleaved_by_host(work: list[tuple[str, Validators]]) -> list[tuple[str, Validators]]:
    """Round-robin over hosts: a, b, c, a, b, c, ... (each host's URLs keep their order)."""
    queues: dict[str, list[tuple[str, Validators]]] = defaultdict(list)
    for item in work:
        queues[host_of(item[0])].append(item)
    out: list[tuple[str, Validators]] = []
    while queues:
        for host in list(queues):
            out.append(queues[host].pop(0))
            if not queues[host]:
                del queues[host]
    return out
