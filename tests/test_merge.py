import itertools
import json

from conftest import FIXTURES
from strikelog import extract_paths, to_contract
from strikelog.merge import actor_relation, best_count, places_relation
from strikelog.records import Claim, Count, Location, Mention
from strikelog.resources import lexicon


def test_actor_relations():
    lex = lexicon()
    assert actor_relation("US military", "US military", lex) == "same"
    assert actor_relation("US military", "Kata'ib Hezbollah", lex) == "conflict"
    assert actor_relation("Kata'ib Hezbollah", "Islamic Resistance in Iraq", lex) == "same"  # parent front
    assert actor_relation("Kata'ib Hezbollah", "Iran-backed militia", lex) == "same"  # its backer
    assert actor_relation("Kata'ib Hezbollah", "Al Dhafirin", lex) != "same"  # siblings are not one group
    assert actor_relation(None, "US military", lex) == "compatible"


def test_place_relations():
    baghdad = Location("Baghdad", "IQ", None, 33.34, 44.40, 1)
    abu_ghraib = Location("Abu Ghraib", "IQ", None, 33.31, 44.18, 2)
    mosul = Location("Mosul", "IQ", None, 36.34, 43.13, 1)
    assert places_relation(baghdad, abu_ghraib) == "same"
    assert places_relation(baghdad, mosul) == "conflict"
    assert places_relation(Location("Iraq", "IQ", None, None, None, 4), mosul) == "compatible"


def _mention(count, status, kind):
    claim = Claim("fatalities", count.best, "x", kind, status, "a", "s")
    return Mention("a", 0, "s", "strike", "Explosions/Remote violence", "Air/drone strike", fatalities=count, claims=[claim])


def test_best_count_prefers_confirmed_official_figures():
    official = _mention(Count(2, 2, None), "confirmed", "official")
    claimed = _mention(Count(4, 4, 4), "unconfirmed", "affiliated_media")
    assert best_count([claimed, official], "fatalities").best == 2


def test_order_of_articles_does_not_change_the_ledger(tmp_path):
    names = ["f09_kharkiv_missile_wire", "f10_kharkiv_missile_local", "f25_ain_al_asad_two_attacks", "f16_africom_strike_jilib"]
    outputs = set()
    for order in list(itertools.permutations(names))[:4]:
        folder = tmp_path / "-".join(str(names.index(n)) for n in order)
        folder.mkdir()
        paths = []
        for n in order:
            for suffix in (".txt", ".meta.json"):
                src = FIXTURES / "reports" / (n + suffix)
                if src.exists():
                    (folder / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
            paths.append(folder / (n + ".txt"))
        events = [to_contract(e) for e in extract_paths(paths).events]
        outputs.add(json.dumps(events, sort_keys=True))
    assert len(outputs) == 1


def test_extract_is_deterministic():
    paths = [FIXTURES / "reports" / "f03_us_uk_strikes_three_sites.txt", FIXTURES / "reports" / "f01_red_sea_star_helena.txt"]
    first = [to_contract(e) for e in extract_paths(paths).events]
    second = [to_contract(e) for e in extract_paths(paths).events]
    assert first == second
