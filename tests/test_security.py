"""Security: SQL only through parameters, hostile filter values inert, and no network use unless a URL
source is asked for. (Article text rendered inert on the page and the write API's token are tested in
test_web_browser.py and test_web_api.py.)"""
import ast
import socket
from urllib.parse import quote
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from strikelog import extract_paths
from strikelog.cli import cli
from strikelog.web.app import create_app

SOURCE = Path(__file__).parent.parent / "src" / "strikelog"
FIXTURES = Path(__file__).parent / "fixtures"
# Names that may be spliced into SQL text: each is built from constants or from placeholders only.
SQL_FRAGMENTS = {"SCHEMA_VERSION", "where", "_order_by", "_SUMMARY", "_ARTICLE_COLUMNS", "marks", "column"}
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
