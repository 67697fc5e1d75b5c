"""Compare strikelog output with the fixture answer keys (tests/fixtures/expected/*.jsonl).

Our own matcher, deliberately simple: an expected event is found by a reported event from the
same article that agrees on at least two of sub-event type, country, date and actor1.
"""
from __future__ import annotations

import json
import re
from pathlib import Path


def load_expected(path: Path) -> dict[str, dict]:
    return {row["article"]: row for row in map(json.loads, path.read_text().splitlines()) if row}


def _norm(text: str | None) -> str:
    return " " + re.sub(r"[^a-z0-9 ]", "", (text or "").lower().replace("-", " ").replace("'", "")) + " "


def actor_ok(predicted: str | None, accepted: list[str]) -> bool:
    p = _norm(predicted)
    return bool(predicted) and any(_norm(a).strip() and (_norm(a) in p or p in _norm(a)) for a in accepted)


def agreement(exp: dict, pred: dict) -> dict[str, bool]:
    return {
        "type": pred["sub_event_type"] == exp["sub_event_type"],
        "country": exp.get("country") is None or pred["location"]["country"] == exp["country"],
        "date": pred["date_start"] == exp.get("date") if exp.get("date") else pred["date_precision"] != "day",
        "actor1": actor_ok(pred["actor1"], exp.get("actor1") or []),
        "actor2": actor_ok(pred["actor2"], exp.get("actor2") or []) if exp.get("actor2") else True,
        "fatalities": pred["fatalities"]["best"] == exp.get("fatalities"),
        "wounded": pred["wounded"]["best"] == exp.get("wounded"),
    }


def score(expected: dict[str, dict], predicted: list[dict]) -> dict:
    """Recall, precision and field agreement; `sources`: share of expected events with a `same_as`
    whose matched event lists that article too; `links`: share of expected `responds_to` links found."""
    reported = [p for p in predicted if p["status"] == "reported"]
    used: set[tuple[str, int]] = set()  # a merged event may stand for one expected event per article
    matched: dict[tuple[str, int], int] = {}
    fields = {k: 0 for k in ("type", "country", "date", "actor1", "actor2", "fatalities", "wounded")}
    total = 0
    for article, row in expected.items():
        for index, exp in enumerate(row["events"]):
            total += 1
            candidates = []
            for n, pred in enumerate(reported):
                if (article, n) in used or article not in pred["sources"]:
                    continue
                agree = agreement(exp, pred)
                points = sum(agree[k] for k in ("type", "country", "date", "actor1"))
                if points >= 2:
                    candidates.append((points, n, agree))
            if candidates:
                points, n, agree = max(candidates)
                used.add((article, n))
                matched[(article, index)] = n
                for k, ok in agree.items():
                    fields[k] += ok
    same_as = [(a, i, e["same_as"]) for a, row in expected.items() for i, e in enumerate(row["events"]) if e.get("same_as")]
    sources_ok = sum(1 for a, i, other in same_as if (a, i) in matched and other in reported[matched[(a, i)]]["sources"])
    links = [(a, i, e["responds_to"]) for a, row in expected.items() for i, e in enumerate(row["events"]) if e.get("responds_to")]
    links_ok = 0
    for a, i, target in links:
        t_article, t_index = target.split("#")
        if (a, i) in matched and (t_article, int(t_index)) in matched:
            links_ok += reported[matched[(t_article, int(t_index))]]["event_id"] in reported[matched[(a, i)]]["responds_to"]
    in_scope = [p for p in reported if set(p["sources"]) & set(expected)]
    found = len(matched)
    precision = len(set(matched.values())) / len(in_scope) if in_scope else 0.0
    recall = found / total if total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"expected": total, "found": found, "predicted": len(in_scope), "precision": round(precision, 3),
            "recall": round(recall, 3), "f1": round(f1, 3), **{k: round(v / total, 3) for k, v in fields.items()},
            "sources": round(sources_ok / len(same_as), 3) if same_as else None,
            "links": round(links_ok / len(links), 3) if links else None}
