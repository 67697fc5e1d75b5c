"""A local HTTP server on 127.0.0.1 for the feed tests and the feed benchmark: fixture files and
programmatic routes, with ETag / Last-Modified and 304s, and a log of every request (path, time,
headers, requests in flight) so that tests can count fetches and check politeness from the
server's side."""
from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional, Union

LAST_MODIFIED = "Mon, 03 Mar 2025 21:00:00 GMT"
TYPES = {".html": "text/html; charset=utf-8", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
         ".xml": "application/xml", ".txt": "text/plain"}


@dataclass
class Answer:
    status: int = 200
    body: Union[bytes, Iterator[bytes]] = b""  # an iterator is sent as it is made, without a length
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    validators: bool = True  # send ETag / Last-Modified and answer 304 when they match


@dataclass
class Hit:
    path: str
    started: float
    headers: dict
    in_flight: int
    status: int = 0


Route = Callable[[str], Answer]


class FeedSite:
    """Serves `folder` (with `{base}` in files replaced by the server's address) plus `routes`."""

    def __init__(self, folder: Optional[Path] = None):
        self.folder = folder
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FeedSite":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def file(self, name: str) -> Answer:
        """A fixture file as an answer, `{base}` filled in."""
        path = self.folder / name
        body = path.read_bytes().replace(b"{base}", self.base.encode())
        return Answer(body=body, content_type=TYPES.get(path.suffix, "application/octet-stream"))

    def answer(self, path: str) -> Answer:
        route = self.routes.get(path.split("?", 1)[0])
        if route:
            return route(path)
        name = path.split("?", 1)[0].lstrip("/")
        if self.folder and name and (self.folder / name).is_file():
            return self.file(name)
        return Answer(404, b"<html><body><h1>Not found</h1></body></html>")

    def requests_for(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path.split("?", 1)[0] == path]

    def count(self, path: str) -> int:
        return len(self.requests_for(path))


def _handler(site: FeedSite) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with site.lock:
                site.in_flight += 1
                hit = Hit(self.path, time.monotonic(), dict(self.headers), site.in_flight)
                site.hits.append(hit)
            try:
                self._send(site.answer(self.path), hit)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading (size limit, timeout)
            finally:
                with site.lock:
                    site.in_flight -= 1

        def _send(self, answer: Answer, hit: Hit) -> None:
            if answer.delay:
                time.sleep(answer.delay)
            headers = dict(answer.headers)
            if isinstance(answer.body, bytes) and answer.status == 200 and answer.validators:
                etag = '"' + hashlib.sha1(answer.body).hexdigest()[:16] + '"'
                headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
                if self.headers.get("If-None-Match") == etag:
                    answer = Answer(304, b"", answer.content_type)
            hit.status = answer.status
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(answer.body, bytes):
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                return
            self.send_header("Connection", "close")  # a body of unknown length ends when the connection does
            self.close_connection = True
            self.end_headers()
            for chunk in answer.body:
                self.wfile.write(chunk)

    return Handler


def endless(chunk: int = 65536, total: int = 100 * 2 ** 20) -> Iterator[bytes]:
    """`total` bytes of HTML, made as they are sent (a 100 MB page without 100 MB in memory)."""
    yield b"<html><body><p>"
    block = b"x" * chunk
    for _ in range(total // chunk):
        yield block
