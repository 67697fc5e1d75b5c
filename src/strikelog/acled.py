"""Events coded as ACLED codes them: ACLED's 31 columns, in ACLED's order, with ACLED's meanings
(the codebook values are in data/acled.json; how each column is derived, and where strikelog
differs from ACLED: docs/export.md).

    coder = acled_coder()
    row = coder.row(event, articles)   # articles: the event's sources' metadata by id (Store.articles_meta)
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Optional, Union
from urllib.parse import urlsplit

from .caches import process_cache
from .resources import ActorEntry, Lexicon, data_text, lexicon


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    iso_numeric: int
    name: str
    region: str


@dataclass(frozen=True)
class Outlet:
    name: str
    scale: Optional[str]


class AcledCoder:
    """The ACLED coding of contract events; built once from the data files (acled_coder())."""

    def __init__(self, codebook: dict, countries: dict[str, Country], outlets: dict[str, Outlet], lex: Lexicon):
        self.codebook = codebook
        self.columns: list[str] = codebook["columns"]
        self.countries = countries
        self.outlets = outlets
        self.actors = _actor_index(lex)
        self.disorder = {sub: disorder for subs in codebook["event_types"].values() for sub, disorder in subs.items()}
        self.civilian_words = {w.casefold() for w in codebook["civilian_words"]}
        self.scale_order = {scale: i for i, scale in enumerate(codebook["source_scales"])}

    # ---- actors -----------------------------------------------------------------------------------
    def inter(self, actor: Optional[str], country: Optional[str]) -> int:
        """ACLED's inter code for an actor in an event in `country`: its kind in data/actors.jsonl
        (data/acled.json), a state's forces outside their country as external forces (8), civilians 7,
        and an actor outside the dictionary (or none) as a political militia (3), ACLED's code for an
        unidentified armed group."""
        if not actor:
            return 3
        if actor.casefold() in self.civilian_words:
            return 7
        entry = self.actors.get(actor.casefold())
        if entry is None:
            return 3
        by_actor = self.codebook["inter_by_actor"]
        if entry.name in by_actor:
            return by_actor[entry.name]
        code = self.codebook["inter_by_kind"].get(entry.kind, 3)
        if code == 1 and entry.country and country and entry.country != country:
            return 8
        return code

    def actor_name(self, actor: Optional[str], country: Optional[Country]) -> str:
        """The actor as named in the ledger; an unnamed attacker as ACLED names one."""
        if actor:
            return actor
        return f"{self.codebook['unidentified']} ({country.name if country else 'International'})"

    # ---- sources ------------------------------------------------------------------------------------
    def outlet(self, meta: Optional[dict], article_id: str) -> Outlet:
        """An article's outlet: its metadata's outlet, else the host of its URL, matched against
        data/outlets.jsonl for its scale; an outlet named on a social platform is new media."""
        meta = meta or {}
        name = (meta.get("outlet") or "").strip()
        host = (urlsplit(meta["url"]).hostname or "").removeprefix("www.") if meta.get("url") else ""
        for key in (name, host):
            if key and key.casefold() in self.outlets:
                known = self.outlets[key.casefold()]
                return Outlet(name or known.name, known.scale)
        if name or host:
            social = re.search(r"\b(telegram|twitter|facebook|youtube|tiktok|whatsapp)\b", f"{name} {host}", re.I)
            return Outlet(name or host, "New media" if social else None)
        return Outlet(f"unknown outlet (article {article_id})", None)

    def source_scale(self, outlets: list[Outlet]) -> str:
        scales = sorted({o.scale for o in outlets if o.scale}, key=self.scale_order.__getitem__)
        return "-".join(scales)

    # ---- the row ------------------------------------------------------------------------------------
    def row(self, obj: dict, articles: dict[str, dict]) -> dict:
        """One contract event as an ACLED row (a dict in ACLED's column order)."""
        loc = obj["location"]
        country = self.countries.get(loc["country"] or "")
        metas = [articles.get(a) for a in obj["sources"]]
        day, precision, dated_by_report = self.event_date(obj, metas)
        actor1 = self.actor_name(obj["actor1"], country)
        inter1 = self.inter(obj["actor1"], loc["country"])
        inter2 = self.inter(obj["actor2"], loc["country"]) if obj["actor2"] else 0
        outlets = list({o.name: o for o in (self.outlet(m, a) for m, a in zip(metas, obj["sources"]))}.values())
        has_point = loc["lat"] is not None and loc["lon"] is not None
        tags = []
        if dated_by_report:
            tags.append(f"date={dated_by_report} date (the reports give none)")
        if obj["status"] != "reported":
            tags.append(f"strikelog status={obj['status']}")
        row = {
            "event_id_cnty": f"{country.iso3 if country else 'XXX'}{_event_number(obj['event_id'])}",
            "event_date": day.isoformat() if day else "",
            "year": day.year if day else "",
            "time_precision": precision,
            "disorder_type": self.disorder.get(obj["sub_event_type"], "Political violence"),
            "event_type": obj["event_type"],
            "sub_event_type": obj["sub_event_type"],
            "actor1": actor1,
            "assoc_actor_1": "",
            "inter1": inter1,
            "actor2": obj["actor2"] or "",
            "assoc_actor_2": "",
            "inter2": inter2,
            "interaction": int("".join(sorted(f"{inter1}{inter2}"[:2]))) if inter2 else inter1 * 10,
            "civilian_targeting": "Civilian targeting" if inter2 == 7 or obj["event_type"] == "Violence against civilians" else "",
            "iso": country.iso_numeric if country else 0,  # no ISO 3166 numeric code is 0: the column stays integer
            "region": country.region if country else "",
            "country": country.name if country else "",
            "admin1": loc["admin1"] or "",
            "admin2": "",
            "admin3": "",
            "location": loc["name"] or (country.name if country else ""),
            "latitude": loc["lat"] if has_point else "",
            "longitude": loc["lon"] if has_point else "",
            "geo_precision": self.codebook["geo_precision"].get(str(loc["geo_precision"]), 3),
            "source": "; ".join(o.name for o in outlets),
            "source_scale": self.source_scale(outlets),
            "notes": notes(obj, actor1, country, day, precision, dated_by_report),
            "fatalities": obj["fatalities"]["best"] or 0,
            "tags": "; ".join(tags),
            "timestamp": _timestamp(metas),
        }
        return row

    def event_date(self, obj: dict, metas: list[Optional[dict]]) -> tuple[Optional[date], int, Union[str, bool]]:
        """ACLED's date and time precision. A day is the day (1); a week or a wider range is coded at its
        middle day, 2 for a week, 3 for a month or more. An undated event is coded at the date of its
        first report, precision 3 (flagged in tags: "report"), or, when no report gives its publication date,
        at the day the ledger first read one ("ingest"): ACLED would not leave the date empty."""
        precision = self.codebook["time_precision"][obj["date_precision"]]
        start = date.fromisoformat(obj["date_start"]) if obj["date_start"] else None
        end = date.fromisoformat(obj["date_end"]) if obj["date_end"] else start
        if start:
            return start + timedelta(days=((end or start) - start).days // 2), precision, False
        published = sorted(m["published"] for m in metas if m and m.get("published"))
        read = sorted(m["ingested_at"] for m in metas if m and m.get("ingested_at"))
        if published:
            return date.fromisoformat(published[0][:10]), 3, "report"
        if read:
            return date.fromisoformat(read[0][:10]), 3, "ingest"
        return None, 3, False


def _event_number(event_id: str) -> int:
    """The number in an ACLED-style id: the event id's hexadecimal digits read as a number (a stable
    id gives a stable number), or a digest of an id that is not hexadecimal."""
    digits = event_id.removeprefix("ev-")
    try:
        return int(digits, 16)
    except ValueError:
        import hashlib

        return int(hashlib.sha1(event_id.encode()).hexdigest()[:12], 16)


def _timestamp(metas: list[Optional[dict]]) -> int:
    """When the event last changed in the ledger: the latest ingest of one of its articles (Unix seconds)."""
    stamps = [m["ingested_at"] for m in metas if m and m.get("ingested_at")]
    if not stamps:
        return 0
    moment = datetime.fromisoformat(max(stamps))
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


# ---- notes, as a coder writes them --------------------------------------------------------------------
_ACTIONS = {
    "Air/drone strike": "carried out an air/drone strike",
    "Shelling/artillery/missile attack": "carried out a shelling/artillery/missile attack",
    "Remote explosive/landmine/IED": "detonated an IED or landmine",
    "Suicide bomb": "carried out a suicide bombing",
    "Grenade": "threw a grenade",
    "Chemical weapon": "used a chemical weapon",
    "Armed clash": "clashed",
    "Government regains territory": "regained territory",
    "Non-state actor overtakes territory": "took over territory",
    "Attack": "attacked",
    "Abduction/forced disappearance": "abducted",
    "Sexual violence": "committed sexual violence against",
}
_TARGET_WORD = {"clashed": " with ", "attacked": " ", "abducted": " ", "committed sexual violence against": " "}


def notes(obj: dict, actor1: str, country: Optional[Country], day: Optional[date], precision: int,
          dated_by_report: Union[str, bool]) -> str:
    """A coder's note: when, who, what, against whom, where, with what; then the figures and who gives them."""
    action = _ACTIONS.get(obj["sub_event_type"], f"was involved in an event of type {obj['sub_event_type'].lower()}")
    actor2 = obj["actor2"]
    target = ""
    if actor2:
        target = f"{_TARGET_WORD.get(action, ' targeting ')}{actor2}"
    elif action in _TARGET_WORD:
        target = " unidentified people" if action != "clashed" else ""
    weapons = f", using {_join(obj['weapons'])}" if obj["weapons"] else ""
    sentence = f"{_when(day, precision, dated_by_report, obj)}, {actor1} {action}{target}{_where(obj['location'], country)}{weapons}."
    return " ".join([sentence[0].upper() + sentence[1:], *_figures(obj)])


def _when(day: Optional[date], precision: int, dated_by_report: Union[str, bool], obj: dict) -> str:
    if day is None:
        return "On an unreported date"
    if dated_by_report == "report":
        return f"On or before {_day(day)} (the date of the first report; the reports give no date)"
    if dated_by_report:
        return f"On or before {_day(day)} (the day the report was read; it gives no date)"
    if obj["date_precision"] == "day":
        return f"On {_day(day)}"
    start, end = date.fromisoformat(obj["date_start"]), date.fromisoformat(obj["date_end"] or obj["date_start"])
    if obj["date_precision"] == "week":
        return f"Between {_day(start)} and {_day(end)}"
    if obj["date_precision"] == "month":
        return f"In {start:%B %Y}" if (start.year, start.month) == (end.year, end.month) else f"Between {start:%B %Y} and {end:%B %Y}"
    return f"In {start.year}" if start.year == end.year else f"Between {start.year} and {end.year}"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _where(loc: dict, country: Optional[Country]) -> str:
    country_name = country.name if country else None
    around = ", ".join(x for x in (loc["admin1"], country_name) if x)
    if loc["name"] and loc["geo_precision"] in (1, 2):
        return f" {'in' if loc['geo_precision'] == 1 else 'near'} {loc['name']}" + (f" ({around})" if around else "")
    if loc["name"] and loc["name"] != country_name:
        return f" in the area of {loc['name']}" + (f" ({around})" if around else "")
    if around:
        return f" in {around}"
    return " (place not reported)"


_FIELD_WORDS = {"fatalities": ("killed", "fatalities"), "wounded": ("wounded", "wounded")}


def _figures(obj: dict) -> list[str]:
    """The killed and wounded, each figure with who gives it; figures without a claimant as the reports give them."""
    out = []
    for field, (verb, _) in _FIELD_WORDS.items():
        count = obj[field]
        claims: dict[int, list[str]] = {}
        for claim in obj["claims"]:
            if claim["field"] == field and isinstance(claim["value"], int):
                by = _claimant(claim)
                claims.setdefault(claim["value"], [])
                if by not in claims[claim["value"]]:
                    claims[claim["value"]].append(by)
        if claims:
            parts = [f"{n} {verb} according to {_join(by)}" for n, by in sorted(claims.items())]
            out.append(_sentence("; ".join(parts)))
        elif count["best"] is not None:
            out.append(_sentence(f"{count['best']} {verb}"))
        if count["best"] is not None and count["low"] is not None and count["high"] is not None \
                and count["low"] != count["high"]:
            out.append(f"Reported {verb}: between {count['low']} and {count['high']}, best estimate {count['best']}.")
    if obj["fatalities"]["best"] is None:
        out.append("No fatality figure reported.")
    return out


def _claimant(claim: dict) -> str:
    by = claim["by"] or "the report"
    by = re.sub(r"\s+([-'’])\s+", r"\1", by)  # the tokeniser's "Houthi - run" back to "Houthi-run"
    status = {"confirmed": "", "unconfirmed": " (unverified)", "claimed": " (a claim)", "denied": " (denied)"}
    return by + status.get(claim["status"], "")


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def _join(items: list[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- data ----------------------------------------------------------------------------------------------
def _actor_index(lex: Lexicon) -> dict[str, ActorEntry]:
    """Every actor of the dictionary by its name and its aliases, case-folded (names win over aliases)."""
    out: dict[str, ActorEntry] = {}
    for entry in lex.actors.values():
        for alias in entry.aliases:
            out.setdefault(alias.casefold(), entry)
    out.update({entry.name.casefold(): entry for entry in lex.actors.values()})
    return out


def load_countries() -> dict[str, Country]:
    return {row["iso2"]: Country(row["iso2"], row["iso3"], int(row["iso_numeric"]), row["name"], row["region"])
            for row in csv.DictReader(data_text("acled_countries.csv").splitlines())}


def load_outlets() -> dict[str, Outlet]:
    out: dict[str, Outlet] = {}
    for line in data_text("outlets.jsonl").splitlines():
        if line.strip():
            row = json.loads(line)
            outlet = Outlet(row["name"], row.get("scale"))
            for key in [row["name"], *row.get("aliases", [])]:
                out.setdefault(key.casefold(), outlet)
    return out


@process_cache(maxsize=1)
def acled_coder() -> AcledCoder:
    return AcledCoder(json.loads(data_text("acled.json")), load_countries(), load_outlets(), lexicon())


COLUMNS: list[str] = json.loads(data_text("acled.json"))["columns"]
