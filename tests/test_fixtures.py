"""The fixture corpus (original reports written for these tests) as a quality floor.

Thresholds sit a little under what the current build measures (see docs/quality.md), so a
regression fails the suite while the numbers are tracked openly rather than hard-coded."""
import json

import pytest

from conftest import FIXTURES
from fixture_eval import load_expected, score


@pytest.fixture(scope="module")
def corpus(run_extract):
    events, result = run_extract(FIXTURES / "reports", FIXTURES / "html")
    return events, result


def test_every_fixture_file_is_read(corpus):
    events, result = corpus
    assert result.problems == []
    assert len(result.articles) == len(list((FIXTURES / "reports").glob("*.txt"))) + 5


def test_fixture_quality_floor(corpus):
    events, _ = corpus
    expected = load_expected(FIXTURES / "expected" / "reports.jsonl") | load_expected(FIXTURES / "expected" / "html.jsonl")
    figures = score(expected, events)
    print(json.dumps(figures))
    assert figures["recall"] >= FLOOR["recall"], figures
    assert figures["precision"] >= FLOOR["precision"], figures
    assert figures["type"] >= FLOOR["type"], figures
    assert figures["sources"] >= FLOOR["sources"], figures  # cross-outlet reports merged (same_as)
    assert figures["links"] >= FLOOR["links"], figures  # escalation links found (responds_to)


@pytest.mark.xfail(strict=True, reason="known gap: cross-outlet merge needs place-in-headline and street-level names (issue 5)")
def test_same_event_in_two_reports_is_merged(corpus):
    events, _ = corpus
    pairs = [("f09_kharkiv_missile_wire", "f10_kharkiv_missile_local"), ("f14_mogadishu_car_bomb_wire", "f15_mogadishu_blast_radio")]
    for a, b in pairs:
        assert any({a, b} <= set(e["sources"]) for e in events), (a, b)


def test_two_attacks_on_one_base_stay_distinct(corpus):
    events, _ = corpus
    at_base = [e for e in events if e["sources"] == ["f25_ain_al_asad_two_attacks"] and e["status"] == "reported"]
    weapons = [set(e["weapons"]) for e in at_base]
    assert len(at_base) >= 2 and not any(a & b for i, a in enumerate(weapons) for b in weapons[i + 1:] if a and b)


def test_every_event_is_traceable(corpus):
    events, _ = corpus
    assert events and any(e["claims"] for e in events)
    for e in events:
        assert e["evidence"], e["event_id"]
        for claim in e["claims"]:
            assert claim["sentence"] and claim["article"] in e["sources"]


# measured on 2026-12-07 (third session): recall 0.870, precision 0.739, type 0.797, sources 0.542, links 0.5 (docs/quality.md)
FLOOR = {"recall": 0.9, "precision": 0.75, "type": 0.8, "sources": 0.8, "links": 0.55}
