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


def _orders(names: list[str]) -> list[tuple[str, ...]]:
    """Every rotation of the list and of its reverse: each article comes first, last and in between,
    and each pair is read in both orders."""
    return [tuple(seq[i:] + seq[:i]) for seq in (names, names[::-1]) for i in range(len(seq))]


def test_order_of_articles_does_not_change_the_ledger(tmp_path):
    names = ["f09_kharkiv_missile_wire", "f10_kharkiv_missile_local", "f25_ain_al_asad_two_attacks", "f16_africom_strike_jilib",
             "f37_kramatorsk_iskander_wire", "f38_kramatorsk_city_toll_local", "f43_red_sea_tanker_mokha",
             "f44_us_strikes_hodeidah_after_tanker"]
    orders = _orders(names)
    assert len(set(orders)) == 16 and {order[0] for order in orders} == set(names)
    for n in names:
        for suffix in (".txt", ".meta.json"):
            src = FIXTURES / "reports" / (n + suffix)
            if src.exists():
                (tmp_path / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    outputs = {}
    for order in orders:
        events = [to_contract(e) for e in extract_paths([tmp_path / (n + ".txt") for n in order]).events]
        outputs[order] = json.dumps(events, sort_keys=True)
    first = json.loads(outputs[orders[0]])
    assert {s for e in first for s in e["sources"]} == set(names)  # every article read, in some event
    assert sum(len(e["sources"]) > 1 for e in first) >= 2  # and reports merged across articles (Kramatorsk, Mokha)
    differing = [order for order, out in outputs.items() if out != outputs[orders[0]]]
    assert differing == [], f"these orders give other events than {orders[0]}: {differing}"


def test_extract_is_deterministic():
    paths = [FIXTURES / "reports" / "f03_us_uk_strikes_three_sites.txt", FIXTURES / "reports" / "f01_red_sea_star_helena.txt"]
    first = [to_contract(e) for e in extract_paths(paths).events]
    second = [to_contract(e) for e in extract_paths(paths).events]
    assert first == second
