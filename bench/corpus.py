"""A generator of realistic conflict reports for the throughput benchmark.

Reports are drawn from six theatres (Iraq/Syria, Yemen/Red Sea, Israel-Lebanon, Ukraine, Somalia,
the Sahel), in the shape of wire copy: a headline, a dateline lead naming who struck what where and
when, casualty figures with their source, a claim or a denial, background paragraphs, and often
page debris (bylines, "See also", "Most Popular", share buttons, newsletter prompts) that the clean
stage must drop. Lengths vary from a three-line flash to a long analysis; one in five articles comes
as HTML. The same seed gives the same corpus.

`write_corpus` streams the corpus to JSONL shards on disk; nothing holds the whole corpus.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

THEATRES = {
    "iraq_syria": {
        "places": ["Ain al-Asad air base", "Erbil", "Al-Qaim", "Deir ez-Zor", "Kirkuk", "Baghdad", "Sinjar",
                   "Al-Bukamal", "Mosul", "Tikrit"],
        "country": "Iraq", "dateline": ["BAGHDAD", "ERBIL", "DAMASCUS"],
        "attackers": ["Kataib Hezbollah", "the Islamic Resistance in Iraq", "US forces", "Islamic State militants",
                      "Turkish drones"],
        "targets": ["a US base", "a militia headquarters", "an army patrol", "a weapons depot", "a convoy"],
        "weapons": ["drone", "Katyusha rockets", "an explosive-laden drone", "an improvised explosive device",
                    "F-15E fighter jets"],
        "sources": ["the US military", "Iraqi security officials", "the Pentagon", "a local official"],
    },
    "yemen_red_sea": {
        "places": ["Hodeidah", "Sanaa", "Mokha", "the Bab el-Mandeb strait", "Saada", "Ras Isa", "Taiz"],
        "country": "Yemen", "dateline": ["SANAA", "ADEN", "DUBAI"],
        "attackers": ["the Houthis", "US and British forces", "US Central Command", "Saudi-led coalition aircraft"],
        "targets": ["a commercial tanker", "a radar site", "a missile launcher", "a bulk carrier", "a port"],
        "weapons": ["an anti-ship ballistic missile", "Tomahawk cruise missiles", "an explosive drone boat",
                    "drones", "airstrikes"],
        "sources": ["the ship's operator", "CENTCOM", "UKMTO", "Houthi-run Al-Masirah TV"],
    },
    "israel_lebanon": {
        "places": ["Kiryat Shmona", "Metula", "Aita al-Shaab", "Nabatieh", "Tyre", "Bint Jbeil", "Marjayoun"],
        "country": "Lebanon", "dateline": ["BEIRUT", "JERUSALEM", "TEL AVIV"],
        "attackers": ["Hezbollah", "the Israeli military", "Israeli warplanes", "an Israeli drone"],
        "targets": ["a house", "a military post", "a car", "an observation post", "a building"],
        "weapons": ["anti-tank missiles", "rockets", "a drone strike", "artillery shells", "Burkan rockets"],
        "sources": ["Lebanon's health ministry", "the IDF", "Lebanon's state news agency NNA", "Hezbollah"],
    },
    "ukraine": {
        "places": ["Kharkiv", "Odesa", "Kherson", "Dnipro", "Zaporizhzhia", "Kramatorsk", "Sumy", "Belgorod"],
        "country": "Ukraine", "dateline": ["KYIV", "MOSCOW", "KHARKIV"],
        "attackers": ["Russian forces", "Ukrainian drones", "Russia", "Ukraine's military"],
        "targets": ["an apartment block", "an energy facility", "a railway station", "an oil refinery",
                    "a grain terminal"],
        "weapons": ["Iskander-M ballistic missiles", "Shahed drones", "glide bombs", "Kh-101 cruise missiles",
                    "long-range drones"],
        "sources": ["the regional governor", "Ukraine's air force", "Russia's defence ministry", "emergency services"],
    },
    "somalia": {
        "places": ["Mogadishu", "Jilib", "Kismayo", "Beledweyne", "Baidoa", "Afgooye", "Bosaso"],
        "country": "Somalia", "dateline": ["MOGADISHU", "NAIROBI"],
        "attackers": ["al-Shabaab", "the US military", "Somali forces", "a suicide bomber"],
        "targets": ["a police checkpoint", "a hotel", "a military base", "an al-Shabaab camp", "a market"],
        "weapons": ["a car bomb", "an airstrike", "mortars", "a roadside bomb", "suicide vests"],
        "sources": ["police", "AFRICOM", "a military official", "residents"],
    },
    "sahel": {
        "places": ["Djibo", "Menaka", "Gao", "Banibangou", "Kouakourou", "Tillaberi", "Malam Fatori"],
        "country": "Mali", "dateline": ["BAMAKO", "NIAMEY", "OUAGADOUGOU"],
        "attackers": ["JNIM fighters", "Islamic State Sahel Province", "the Malian army", "gunmen on motorbikes",
                      "ISWAP"],
        "targets": ["a village", "an army convoy", "a military post", "a market", "a gendarmerie"],
        "weapons": ["assault rifles", "drones", "improvised explosive devices", "rocket-propelled grenades"],
        "sources": ["a local official", "the army", "security sources", "a humanitarian worker"],
    },
}

VERBS = ["struck", "attacked", "hit", "shelled", "targeted", "bombed"]
DEBRIS = [
    "See also: {other}", "Most Popular", "Share this article", "Sign up for our newsletter",
    "Advertisement", "Read more: {other}", "Follow us on Telegram", "Related: {other}",
    "By {name}, staff correspondent", "Reporting by {name}; Editing by {name2}",
    "© 2024 Meridian Wire. All rights reserved.", "Cookies help us deliver our services.",
]
NAMES = ["Sara Hamid", "John Carter", "Olena Kovalenko", "Abdi Farah", "Moussa Traore", "Dana Levi", "Ahmed Saleh"]
BACKGROUND = [
    "The attack was the latest in a series of strikes in the area since the start of the year.",
    "{attacker} has carried out dozens of similar attacks in recent months.",
    "Analysts said the escalation risked drawing in regional powers.",
    "Humanitarian groups have warned that civilians bear the brunt of the fighting.",
    "The region has seen repeated violence, and talks on a ceasefire have stalled.",
    "Officials did not say how many people were in the area at the time.",
    "Residents said they heard several loud explosions before dawn.",
    "It was not immediately possible to verify the claims independently.",
]


class ReportGenerator:
    """Articles as objects of the .jsonl input format, drawn deterministically from `seed`."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.start = date(2023, 10, 1)

    def articles(self, n: int) -> Iterator[dict]:
        for number in range(n):
            yield self.article(number)

    def article(self, number: int) -> dict:
        rng = self.rng
        theatre = THEATRES[rng.choice(sorted(THEATRES))]
        day = self.start + timedelta(days=rng.randrange(700))
        published = f"{(day + timedelta(days=rng.choice([0, 0, 1]))).isoformat()}T{rng.randrange(6, 23):02d}:{rng.randrange(60):02d}"
        attacker, target = rng.choice(theatre["attackers"]), rng.choice(theatre["targets"])
        place, weapon, source = rng.choice(theatre["places"]), rng.choice(theatre["weapons"]), rng.choice(theatre["sources"])
        killed, wounded = rng.choice([0, 1, 2, 3, 5, 7, 12, 20]), rng.choice([0, 2, 4, 9, 15, 30])
        weekday = day.strftime("%A")
        title = f"{attacker[0].upper() + attacker[1:]} {rng.choice(VERBS)} {target} in {place}" + (
            f", killing {killed}" if killed else "")
        lead = (f"{rng.choice(theatre['dateline'])} (Meridian Wire) - {attacker[0].upper() + attacker[1:]} "
                f"{rng.choice(VERBS)} {target} in {place} on {weekday} with {weapon}"
                + (f", killing at least {killed} people and wounding {wounded}" if killed else "")
                + f", {source} said.")
        body = [lead]
        length = rng.choice(["flash", "short", "short", "medium", "medium", "long"])
        extra = {"flash": 0, "short": 2, "medium": 5, "long": 11}[length]
        for _ in range(extra):
            body.append(self._paragraph(theatre, attacker, place, weekday))
        text_lines = [title, *self._debris(theatre, 0.6), *body, *self._debris(theatre, 0.8)]
        obj = {"id": f"gen-{number:08d}", "published": published, "outlet": "Meridian Wire",
               "url": f"https://example.org/meridian-wire/{day.isoformat()}/{number}"}
        if rng.random() < 0.2:
            obj["html"] = _as_html(title, text_lines[1:])
        else:
            obj["text"] = "\n\n".join(text_lines) + "\n"
        return obj

    def _paragraph(self, theatre: dict, attacker: str, place: str, weekday: str) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.3:
            return rng.choice(BACKGROUND).format(attacker=attacker[0].upper() + attacker[1:])
        if kind < 0.5:
            return (f'"We will respond to any aggression," a spokesman for {rng.choice(theatre["attackers"])} said in a '
                    f"statement, adding that the strike on {rng.choice(theatre['places'])} had been a legitimate target.")
        if kind < 0.7:
            return (f"{rng.choice(theatre['sources'])[0].upper()}{rng.choice(theatre['sources'])[1:]} said "
                    f"{rng.choice([2, 3, 4, 6])} of the wounded were in critical condition and taken to a hospital in "
                    f"{place}.")
        if kind < 0.85:
            other = rng.choice(theatre["places"])
            return (f"Earlier on {weekday}, {rng.choice(theatre['attackers'])} {rng.choice(VERBS)} "
                    f"{rng.choice(theatre['targets'])} near {other} with {rng.choice(theatre['weapons'])}, "
                    f"{rng.choice(theatre['sources'])} said.")
        return (f"{theatre['country']} has been the scene of repeated attacks; {attacker} denied responsibility for a "
                f"separate blast in {rng.choice(theatre['places'])} last month.")

    def _debris(self, theatre: dict, chance: float) -> list[str]:
        rng = self.rng
        out = []
        while rng.random() < chance and len(out) < 4:
            out.append(rng.choice(DEBRIS).format(other=f"{rng.choice(theatre['places'])} residents count the cost",
                                                 name=rng.choice(NAMES), name2=rng.choice(NAMES)))
            chance /= 2
        return out


def _as_html(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"  <p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>\n"
            f'<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/video">Video</a></nav>\n'
            f"<article>\n  <h1>{title}</h1>\n{body}\n</article>\n"
            f'<aside class="most-popular"><h3>Most Popular</h3><ul><li><a href="/x">Markets rally</a></li></ul></aside>\n'
            f"<footer>Contact us | Privacy policy | Terms</footer></body></html>")


def write_corpus(folder: Path, n: int, seed: int = 7, shard_size: int = 500) -> list[Path]:
    """Write `n` generated articles as JSONL shards of `shard_size` lines; returns the shard paths."""
    folder.mkdir(parents=True, exist_ok=True)
    shards: list[Path] = []
    handle = None
    for number, obj in enumerate(ReportGenerator(seed).articles(n)):
        if number % shard_size == 0:
            if handle:
                handle.close()
            shards.append(folder / f"shard-{len(shards):05d}.jsonl")
            handle = open(shards[-1], "w", encoding="utf-8")
        handle.write(json.dumps(obj) + "\n")
    if handle:
        handle.close()
    return shards
