"""Stage records as the ledger stores them and back: `plain` turns a record into JSON-ready values,
`article_from`, `mention_from` and `frame_from` read them back, `flat_row` is a contract object as a
row of events_flat."""
from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from ..merge.frames import Frame
from ..records import Anchor, Article, Claim, Count, DateRange, Location, Mention, Paragraph, PlaceRef, TimeExpr


def plain(obj: Any) -> Any:
    """A stage record as JSON-ready values (dates as ISO text, sets as sorted lists): what
    dataclasses.asdict gives, without its deep copies (this runs for every mention saved)."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None and is_dataclass(obj):
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _range(d: dict) -> DateRange:
    return DateRange(
        date.fromisoformat(d["start"]) if d["start"] else None,
        date.fromisoformat(d["end"]) if d["end"] else None,
        d["precision"], d.get("text", ""),
    )


def article_from(d: dict) -> Article:
    """The inverse of `plain` for an Article."""
    anchor = d["anchor"]
    return Article(
        id=d["id"], path=d["path"], content_hash=d["content_hash"], title=d["title"],
        paragraphs=tuple(Paragraph(**p) for p in d["paragraphs"]),
        anchor=Anchor(datetime.fromisoformat(anchor["moment"]), anchor["source"], anchor["text"]) if anchor else None,
        url=d["url"], outlet=d["outlet"], dropped=tuple(d["dropped"]),
    )


def mention_from(d: dict) -> Mention:
    return Mention(
        **{k: d[k] for k in ("article_id", "sentence_index", "sentence", "trigger", "event_type", "sub_event_type",
                             "actor1", "actor2", "weapons", "status", "anaphoric", "generic", "plural",
                             "responds_to_text", "responds_to_mentions")},
        names=list(d.get("names", [])), typed_by=d.get("typed_by", "default"), cause=d.get("cause", False),
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
        responds_to=list(d.get("responds_to", [])), answers=d.get("answers", False),
        article_day=date.fromisoformat(d["article_day"]) if d.get("article_day") else None,
        names=set(d.get("names", [])), tolls=set(d.get("tolls", [])),
    )


def flat_row(obj: dict) -> tuple:
    """A contract object as the values of FLAT_COLUMNS: one typed value a field; lists as JSON arrays (which
    Datasette can facet by), the claimants and evidence sentences as lines of text."""
    loc, killed, hurt = obj["location"], obj["fatalities"], obj["wounded"]
    claimants = dict.fromkeys(c["by"] for c in obj["claims"] if c["by"])
    return (
        obj["event_id"], obj["status"], obj["date_start"], obj["date_end"], obj["date_precision"], obj["event_type"],
        obj["sub_event_type"], obj["actor1"], obj["actor2"], loc["country"], loc["admin1"], loc["name"], loc["lat"],
        loc["lon"], loc["geo_precision"], killed["best"], killed["low"], killed["high"], hurt["best"], hurt["low"],
        hurt["high"], json.dumps(obj["weapons"], ensure_ascii=False), len(obj["sources"]),
        json.dumps(obj["sources"], ensure_ascii=False), json.dumps(obj["responds_to"]), "\n".join(claimants) or None,
        "\n".join(e["sentence"] for e in obj["evidence"]) or None,
    )


def chronological(obj: dict) -> tuple:
    """The sort key of events oldest first (undated ones last), the event id breaking ties."""
    return (obj["date_start"] is None, obj["date_start"] or "", obj["event_id"])
