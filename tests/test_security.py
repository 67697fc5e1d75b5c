"""Security: SQL only through parameters, hostile filter values inert, and no network use unless a URL
source is asked for. (Article text rendered inert on the page and the write API's token are tested in
test_web_browser.py and test_web_api.py.)"""
import ast
import json
import os
import shutil
import socket
from urllib.parse import quote
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from processes import Server
from strikelog import extract_paths
from strikelog.cli import cli
from strikelog.config import Settings
from strikelog.web.app import create_app

SOURCE = Path(__file__).parent.parent / "src" / "strikelog"
FIXTURES = Path(__file__).parent / "fixtures"
# Names that may be spliced into SQL text: each is built from constants or from placeholders only.
SQL_FRAGMENTS = {"SCHEMA_VERSION", "where", "order_by", "summary", "_ARTICLE_COLUMNS", "marks", "column"}
HOSTILE = ["' OR 1=1 --", "\"; DROP TABLE events; --", "%' UNION SELECT data FROM articles --", "\\", "%", "_",
           "events_search MATCH '*'", "\x00", "NEAR(", "1e309"]


def _spliced_names(node: ast.JoinedStr) -> set[str]:
    """What an f-string splices into SQL: names, attributes, called functions (whose arguments are
    theirs to check), either branch of a conditional; any other expression is reported as such."""
    return set().union(*(_spliced(part.value) for part in node.values if isinstance(part, ast.FormattedValue)))


def _spliced(value: ast.expr) -> set[str]:
    if isinstance(value, ast.Constant):
        return set()
    if isinstance(value, ast.Name):
        return {value.id}
    if isinstance(value, ast.Attribute):
        return {value.attr}
    if isinstance(value, ast.Call):
        return _spliced(value.func)
    if isinstance(value, ast.IfExp):
        return _spliced(value.body) | _spliced(value.orelse)
    return {ast.dump(value)}


def _sql_calls():
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("execute", "executemany") and node.args:
                yield path, node


def test_sql_text_is_never_built_from_values():
    calls = list(_sql_calls())
    assert len(calls) > 50
    for path, call in calls:
        sql = call.args[0]
        where = f"{path.name}:{call.lineno}"
        assert not isinstance(sql, ast.BinOp), f"{where}: SQL built with + or %"
        assert not (isinstance(sql, ast.Call) and getattr(sql.func, "attr", "") == "format"), f"{where}: SQL .format()"
        if isinstance(sql, ast.JoinedStr):
            assert _spliced_names(sql) <= SQL_FRAGMENTS, f"{where}: splices {_spliced_names(sql) - SQL_FRAGMENTS}"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filters_on_the_cli_match_nothing_and_change_nothing(web_ledger, value):
    runner = CliRunner()
    before = runner.invoke(cli, ["events", "--db", str(web_ledger)]).output
    for option in ("--country", "--actor", "--type", "--since"):
        result = runner.invoke(cli, ["events", "--db", str(web_ledger), option, value])
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
    assert runner.invoke(cli, ["events", "--db", str(web_ledger)]).output == before


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_queries_on_the_web_api_are_answered_or_refused_cleanly(web_ledger, value):
    client = TestClient(create_app(web_ledger))
    total = client.get("/api/v1/events").json()["total"]
    for name in ("q", "actor", "country", "type", "sort", "since", "bbox"):
        response = client.get("/api/v1/events", params={name: value})
        assert response.status_code in (200, 400, 422), (name, response.text)
        if response.status_code == 200 and name != "q":
            assert response.json()["total"] in (0, total)
    response = client.get(f"/api/v1/events/{quote(value, safe='')}")
    assert response.status_code in (404, 422)
    assert client.get("/api/v1/events").json()["total"] == total


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a network connection or resolve a name fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_extraction_and_a_fresh_gazetteer_need_no_network(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("STRIKELOG_GAZETTEER", str(tmp_path / "gazetteer.sqlite"))
    result = extract_paths([FIXTURES / "reports" / "f16_africom_strike_jilib.txt", FIXTURES / "html"])
    assert result.events and not result.problems
    assert no_network == []


# ---- the server's door: Host, token and body size checked before the body is read (issue 17) -----------
TOKEN = "door-token"
HUGE_BODY = 300 * 2 ** 20


def _send_head(port: int, head: str, body_start: bytes = b"") -> tuple[int, dict]:
    """Send a request's head (and the start of its body) to a real server on 127.0.0.1 and read the
    answer's status and JSON body without sending the rest: a server reading the whole body first
    would never answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n\r\n" + body_start)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head_bytes, _, body = answer.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1])
    return status, json.loads(body[:_length(answer)] or b"{}")


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


@pytest.fixture(scope="module")
def door(web_ledger, tmp_path_factory):
    """`strikelog serve --token` as a process, on a copy of the web ledger, its body limit 64 KiB."""
    db = tmp_path_factory.mktemp("door") / "ledger.db"
    shutil.copy(web_ledger, db)
    env = {**os.environ, "STRIKELOG_TOKEN": TOKEN, "STRIKELOG_MAX_BODY_BYTES": str(64 * 1024)}
    with Server(db, env=env) as server:
        yield server


def _post(port: int, length: int, *headers: str, host: str = "127.0.0.1") -> str:
    return "\r\n".join(["POST /api/v1/articles HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
                        f"Content-Length: {length}", *headers])


@pytest.mark.parametrize("auth, status", [((), 401), (("Authorization: Bearer wrong",), 403)])
def test_a_write_without_the_token_is_refused_before_its_body_is_read(door, auth, status):
    got, body = _send_head(door.port, _post(door.port, HUGE_BODY, *auth), b"[" + b" " * 1000)
    assert got == status and "token" in body["error"]


def test_a_body_announced_over_the_limit_is_413_before_it_is_read(door):
    got, body = _send_head(door.port, _post(door.port, HUGE_BODY, f"Authorization: Bearer {TOKEN}"), b"[")
    assert (got, body["error"]) == (413, "the request body is larger than 65,536 bytes (STRIKELOG_MAX_BODY_BYTES)")


def test_a_chunked_body_growing_over_the_limit_is_413(door):
    head = "\r\n".join(["POST /api/v1/articles HTTP/1.1", f"Host: 127.0.0.1:{door.port}",
                        "Content-Type: application/json", "Transfer-Encoding: chunked",
                        f"Authorization: Bearer {TOKEN}"])
    chunk = b"[" + b" " * 70_000
    got, body = _send_head(door.port, head, f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    assert got == 413 and "65,536 bytes" in body["error"]


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1", 200), ("localhost", 200), ("[::1]", 200), ("rebound.example", 400), ("127.0.0.1.evil.example", 400),
])
def test_the_host_header_must_name_this_server(door, host, status):
    head = f"GET /api/v1/meta HTTP/1.1\r\nHost: {host}:{door.port}\r\nConnection: close"
    got, body = _send_head(door.port, head)
    assert got == status, body
    if status == 400:
        assert "does not name this server" in body["error"]


def _status_on_loopback(app, host: str) -> int:
    """The status `app` answers GET /api/v1/meta with, come to 127.0.0.1:8000 under `host`."""
    import asyncio

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/api/v1/meta", "raw_path": b"/api/v1/meta", "query_string": b"", "root_path": "",
             "headers": [(b"host", host.encode())], "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000)}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_a_server_told_its_names_answers_to_them(web_ledger):
    assert _status_on_loopback(create_app(web_ledger), "ledger.example.org") == 400
    told = create_app(web_ledger, settings=Settings(allowed_hosts=("Ledger.Example.org",)))
    assert _status_on_loopback(told, "ledger.example.org:8000") == 200
    assert _status_on_loopback(told, "other.example.org") == 400
    assert _status_on_loopback(create_app(web_ledger, settings=Settings(allowed_hosts=("*",))), "x.example") == 200
