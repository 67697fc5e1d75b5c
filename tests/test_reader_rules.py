"""Rules the reader learned from real reports (issue 18), each shown on a report written for it:
places read in the article's countries, provinces as places, killers and the accused as actors,
"opened fire" as an attack, and two outlets' reports joined by the toll they share."""
from conftest import reported_events

from strikelog.resolve.place import PlaceResolver, article_countries, country_names
from strikelog.records import Mention, PlaceRef
from strikelog.resources import lexicon


def _mention(*places: str) -> Mention:
    return Mention(article_id="t", sentence_index=0, sentence="", trigger="attack", event_type="Battles",
                   sub_event_type="Armed clash", places=[PlaceRef(p, "in") for p in places])


def test_a_province_is_a_place_and_a_town_of_its_name_wins(gazetteer):
    resolver = PlaceResolver(gazetteer)
    province = resolver.locate([PlaceRef("Balochistan", "in")], [])
    assert (province.country, province.geo_precision, province.admin1) == ("PK", 3, "Balochistan")
    town = resolver.locate([PlaceRef("Mopti", "in")], [])
    assert (town.country, town.geo_precision) == ("ML", 1)  # the town, not the region around it
    assert resolver.locate([PlaceRef("Jammu", "in"), PlaceRef("Kashmir", "in")], []).geo_precision == 3


def test_places_only_one_country_has_set_the_article_in_it(gazetteer):
    resolver = PlaceResolver(gazetteer)
    names = country_names(lexicon())
    mentions = [_mention("Pulwama"), _mention("Pahalgam")]
    assert article_countries(mentions, names, resolver.sole_country) == ["IN"]
    # a single name found only among a town's other names vouches for no country
    assert article_countries([_mention("Iraq"), _mention("Qasabat")], names, resolver.sole_country) == ["IQ"]


def test_a_namesake_abroad_is_not_taken_in_an_article_set_elsewhere(gazetteer):
    resolver = PlaceResolver(gazetteer)
    kashmir = resolver.locate([PlaceRef("Kashmir", "in")], ["IN"])
    assert kashmir.country == "IN"  # not Cashmere, Washington


def test_gunmen_who_opened_fire_on_tourists_are_an_attack(run_extract, write_article):
    path = write_article("fire.txt", (
        "Gunmen kill five tourists near Gulmarg\n\n"
        "Gunmen opened fire on a group of tourists near Gulmarg in Kashmir on Sunday, killing five, police said.\n\n"
        "The attack was the deadliest on visitors to the valley this year."
    ), published="2025-06-02")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["actor1"] == "unidentified armed group"
    assert news[0]["sub_event_type"] == "Attack"
    assert news[0]["location"]["country"] == "IN"


def test_the_accused_and_the_killer_are_the_actors(run_extract, write_article):
    path = write_article("accused.txt", (
        "Rights group says soldiers killed villagers in Tillaberi\n\n"
        "A rights group on Monday accused Nigerien soldiers of killing 40 villagers in Tillaberi last week.\n\n"
        "Witnesses said the soldiers arrived at dawn."
    ), published="2025-02-10")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert news and news[0]["actor1"] == "Nigerien military"


def test_two_undated_reports_with_one_toll_in_one_country_are_one_event(run_extract, write_article):
    first = write_article("a.txt", (
        "Air strike kills 23 at market\n\n"
        "An air strike on a market in northern Sudan killed 23 people, residents said.\n\n"
        "Sudan's army denied carrying out the raid."
    ))
    second = write_article("b.txt", (
        "Sudan: 23 dead after warplanes hit market\n\n"
        "Warplanes bombed a crowded market in Sudan, killing 23 civilians, a local aid group said."
    ))
    events, _ = run_extract(first, second)
    news = reported_events(events)
    assert len(news) == 1, [(e["sources"], e["location"]) for e in news]
    assert sorted(news[0]["sources"]) == ["a", "b"]


def test_what_is_reported_is_not_who_reports_it(run_extract, write_article):
    path = write_article("none.txt", (
        "Drone hits cargo ship off Hodeidah; no casualties reported\n\n"
        "A Houthi drone struck a cargo ship off Hodeidah on Monday, the ship's operator said.\n\n"
        "No casualties were reported."
    ), published="2025-05-06")
    events, _ = run_extract(path)
    claims = [c for e in reported_events(events) for c in e["claims"]]
    assert claims and not any((c["by"] or "").lower().startswith("no casualties") for c in claims)


def test_an_attack_an_escalation_comes_after_is_the_cause_the_news_answers(run_extract, write_article):
    path = write_article("escalation.txt", (
        "Coalition jets bomb rebel depot in Marib\n\n"
        "Coalition jets bombed a rebel weapons depot in Marib on Thursday, killing six fighters, a military "
        "spokesman said.\n\n"
        "This latest escalation comes after the rebels claimed a drone attack that struck inside the "
        "Saudi capital earlier in the week."
    ), published="2023-03-10")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["location"]["name"] != "Riyadh"
    cause = [e for e in events if e["status"] == "background"]
    assert len(cause) == 1
    assert cause[0]["location"]["name"] == "Riyadh"  # "the Saudi capital", from the country's entry
    assert (cause[0]["date_start"], cause[0]["date_precision"]) == ("2023-03-06", "week")  # "earlier in the week"
    assert news[0]["responds_to"] == [cause[0]["event_id"]]


def test_strikes_that_came_in_response_to_an_attack_answer_it(run_extract, write_article):
    path = write_article("response.txt", (
        "Jets strike militia sites near Al Qaim\n\n"
        "Jets struck two militia sites near Al Qaim on Friday.\n\n"
        "The strikes came in response to Wednesday's rocket attack on a base in Syria, a spokesman said."
    ), published="2024-02-03")
    events, _ = run_extract(path)
    cause = [e for e in events if e["status"] == "background"]
    assert len(cause) == 1 and cause[0]["date_start"] == "2024-01-31"
    news = reported_events(events)
    assert news and all(e["date_start"] == "2024-02-02" for e in news)
    assert all(e["responds_to"] == [cause[0]["event_id"]] for e in news)


def test_a_word_inside_an_organisations_name_is_no_attack(run_extract, write_article):
    path = write_article("ukmto.txt", (
        "Drone hits tanker off Aden\n\n"
        "A drone hit a tanker off Aden on Tuesday, the United Kingdom Maritime Trade Operations centre said.\n\n"
        "The crew were unhurt."
    ), published="2024-05-01")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["actor1"] != "British military"


def test_where_a_ship_was_heading_is_not_where_it_was_hit(run_extract, write_article):
    path = write_article("heading.txt", (
        "Missile strikes cargo ship in the Gulf of Aden\n\n"
        "A missile struck a cargo ship in the Gulf of Aden on Monday as it was heading for the Suez Canal, "
        "the operator said."
    ), published="2024-05-07")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["location"]["name"] == "Gulf of Aden"


def test_a_day_number_the_parser_left_outside_its_month_still_dates_the_event(run_extract, write_article):
    path = write_article("night.txt", (
        "Drone attack on a tanker: what we know\n\n"
        "Published 20 May 2024\n\n"
        "The drone attack on the tanker on the night of 14 May, off the coast of Aden, fits a pattern of "
        "strikes on shipping that began last year."
    ))
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["date_start"] == "2024-05-14"


def test_the_lives_an_attack_claimed_and_the_group_accused_of_orchestrating_it(run_extract, write_article):
    path = write_article("camp.txt", (
        "Blast at a displaced persons camp near Bunia\n\n"
        "An explosion at a camp for displaced people near Bunia has claimed the lives of 7 people, local "
        "officials said on Tuesday.\n\n"
        "A rights group has accused CODECO militiamen of orchestrating the attack."
    ), published="2024-06-04")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["fatalities"]["best"] == 7
    assert news[0]["actor1"] == "CODECO"


def test_we_in_a_quote_is_whoever_speaks_never_the_last_party_named(run_extract, write_article):
    path = write_article("we.txt", (
        "Jets strike rebel positions near Hodeidah\n\n"
        "Houthi fighters fired drones at a cargo ship in the Red Sea on Saturday.\n\n"
        "Jets struck rebel positions near Hodeidah on Sunday.\n\n"
        "\"We targeted command posts north of the city,\" an unnamed official said."
    ), published="2024-03-04")
    events, _ = run_extract(path)
    houthi = [e for e in reported_events(events) if e["actor1"] == "Houthis"]
    assert len(houthi) == 1  # the drones fired at the ship
    assert not any("We targeted" in ev["sentence"] for ev in houthi[0]["evidence"])


def test_a_named_commander_and_fifty_others_are_fifty_one_dead_of_one_strike(run_extract, write_article):
    path = write_article("commander.txt", (
        "Strike on a camp in Gaza kills a commander\n\n"
        "An Israeli air strike hit the Nuseirat refugee camp in central Gaza on Sunday.\n\n"
        "The army said that the operation killed commander Ahmad Ziad and 50 other members of the group.\n\n"
        "The strike also destroyed the group's underground tunnels."
    ), published="2023-11-06")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["fatalities"]["best"] == 51


def test_one_state_striking_another_told_the_same_day_is_one_event(run_extract, write_article):
    first = write_article("barrage_a.txt", (
        "Iran fires missiles at Israel\n\n"
        "Iran launched a missile attack on Israel on Sunday, the Israeli military said."
    ), published="2025-03-02")
    second = write_article("barrage_b.txt", (
        "Sirens sound across Israel\n\n"
        "Iranian forces launched missiles that struck near Haifa, wounding three people, police said.\n\n"
        "The barrage lasted about an hour."
    ), published="2025-03-02")
    events, _ = run_extract(first, second)
    news = reported_events(events)
    assert len(news) == 1
    assert set(news[0]["sources"]) == {"barrage_a", "barrage_b"}


def test_what_an_earlier_attack_answered_is_not_what_the_news_answers(run_extract, write_article):
    path = write_article("second.txt", (
        "Drones hit a depot in Kursk\n\n"
        "Ukrainian drones hit a fuel depot in Kursk on Monday, the governor said.\n\n"
        "The attack is the second on the depot, following a drone raid in March that came in response "
        "to a Russian strike on a power plant in Kharkiv."
    ), published="2025-06-10")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["responds_to"] == []


def test_a_clause_of_place_about_an_older_blast_does_not_date_the_news(run_extract, write_article):
    path = write_article("junction.txt", (
        "Car bomb kills seven at Mogadishu market\n\n"
        "A car bomb exploded at a crowded market in Mogadishu on Sunday, killing seven people, police said.\n\n"
        "The attack happened at a junction where a truck laden with explosives blew up on March 3, 2019, "
        "killing 40 people."
    ))  # no publication date: "on Sunday" cannot be placed, and 2019 is not the news's day
    events, _ = run_extract(path)
    told = sorted((e["fatalities"]["best"], e["date_start"]) for e in events)
    assert told == [(7, None), (40, "2019-03-03")]  # the older blast is an event of its own, not the news's day


def test_two_sides_blaming_each_other_tell_one_event(run_extract, write_article):
    path = write_article("blame.txt", (
        "Blast at El Fasher market kills 40\n\n"
        "An explosion at the main market in El Fasher killed 40 people on Monday, local medics said.\n\n"
        "The Rapid Support Forces said Sudanese army aircraft bombed the market.\n\n"
        "Sudan's army blamed the Rapid Support Forces for the attack, saying their shell struck the crowd."
    ), published="2025-03-11")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["fatalities"]["best"] == 40
    accused = [c for c in news[0]["claims"] if c["field"] == "responsibility"]
    assert accused and accused[0]["value"] == "Rapid Support Forces"


def test_a_toll_of_one_is_one_of_the_dead_when_more_are_counted(run_extract, write_article):
    path = write_article("commander.txt", (
        "Air strike kills 12 in Jilib\n\n"
        "An air strike on a compound in Jilib killed 12 people on Sunday, residents said.\n\n"
        "The military said the strike killed a senior al-Shabaab commander."
    ), published="2024-08-05")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert [e["fatalities"]["best"] for e in news] == [12]


def test_a_helicopter_shot_down_is_the_target(run_extract, write_article):
    path = write_article("downed.txt", (
        "Nigerian air force helicopter shot down near Kaduna; five killed\n\n"
        "Gunmen shot down a Nigerian air force helicopter near Kaduna on Friday, killing five crew members, "
        "the military said."
    ), published="2024-09-14")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["actor1"] != "Nigerian military"


def test_an_event_in_a_since_clause_is_what_the_story_starts_from(run_extract, write_article):
    path = write_article("since.txt", (
        "Drone strike hits Kherson market\n\n"
        "A Russian drone struck a market in Kherson on Tuesday, killing three people, the regional governor said.\n\n"
        "The city has been under fire since Russian troops attacked a ferry crossing on the Dnipro in May."
    ), published="2024-06-04")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert [(e["date_start"], e["location"]["name"]) for e in news] == [("2024-06-04", "Kherson")]


def test_a_barrage_across_a_border_is_one_event_whatever_town_each_report_names(run_extract, write_article):
    wire = write_article("barrage_wire.txt", (
        "Iran fires missiles at Israel\n\n"
        "Iranian missiles hit homes in Arad on Tuesday evening, the Israeli military said."
    ), published="2024-10-01")
    local = write_article("barrage_local.txt", (
        "Explosions over Jerusalem\n\n"
        "Iran struck near Jerusalem with missiles, and residents ran to shelters as sirens sounded."
    ), published="2024-10-01")
    events, _ = run_extract(wire, local)
    news = reported_events(events)
    assert len(news) == 1
    assert set(news[0]["sources"]) == {"barrage_wire", "barrage_local"}


def test_a_name_the_model_called_a_person_is_a_place_only_if_the_gazetteer_knows_it_as_a_city(gazetteer):
    resolver = PlaceResolver(gazetteer)
    sanaa = resolver.locate([PlaceRef("Sanaa", "in", label="NAME")], [])
    assert (sanaa.country, sanaa.geo_precision) == ("YE", 1)
    assert resolver.locate([PlaceRef("Abdulrahman", "in", label="NAME")], []).lat is None
    named = resolver.locate([PlaceRef("Sanaa", "in", label="NAME"), PlaceRef("Aden", "in")], [])
    assert named.name == "Aden"  # a place the model read as one comes first


def test_a_demonym_before_the_strike_names_its_actor(run_extract, write_article):
    path = write_article("demonym.txt", (
        "Dozens killed in Ethiopian air strike on camp in Tigray\n\n"
        "At least 40 people were killed when an Ethiopian air strike hit a camp for displaced people in "
        "Mekelle on Friday, aid workers said."
    ), published="2022-01-08")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert [e["actor1"] for e in news] == ["Ethiopian military"]


def test_a_strike_told_by_country_then_by_city_is_one_strike(run_extract, write_article):
    path = write_article("levels.txt", (
        "Hamas says its leader killed in Israeli strike in Iran\n\n"
        "Hamas said on Wednesday that its political leader was killed in an Israeli strike in Iran.\n\n"
        "A missile hit a guesthouse in Tehran where he was staying, killing him and a bodyguard."
    ), published="2024-07-31")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1
    assert news[0]["location"]["name"] == "Tehran"


def test_he_is_a_person_not_the_last_group_named(run_extract, write_article):
    path = write_article("he.txt", (
        "Russia strikes Kyiv after bridge blast\n\n"
        "Russian missiles hit Kyiv on Monday, killing 11 people.\n\n"
        "Ukrainian forces attacked the Crimean bridge on Saturday, Moscow says.\n\n"
        "In a televised address, the president said that he ordered massive long-range strikes against energy "
        "and command targets on Monday."
    ), published="2022-10-10")
    events, _ = run_extract(path)
    mondays = [e for e in reported_events(events) if e["date_start"] == "2022-10-10"]
    assert [e["actor1"] for e in mondays] == ["Russian military"]


def test_a_death_toll_that_climbs_is_the_events_toll(run_extract, write_article):
    path = write_article("toll.txt", (
        "Toll from Saada prison strike climbs\n\n"
        "The death toll from a coalition air strike on a prison in Saada has climbed to at least 82, "
        "aid workers said on Sunday."
    ), published="2022-01-23")
    events, _ = run_extract(path)
    assert [e["fatalities"]["best"] for e in reported_events(events)] == [82]


def test_a_report_with_its_own_day_and_toll_is_another_event(run_extract, write_article):
    path = write_article("ownday.txt", (
        "Rebels say dozens killed in drone strike on camp\n\n"
        "Rebels said on Saturday that dozens of people had been killed in a drone strike on a camp for "
        "displaced people in northern Ethiopia.\n\n"
        "The UN reported this week that three refugees had been killed in an air strike on a refugee camp "
        "in Tigray on Wednesday."
    ), published="2022-01-08")
    events, _ = run_extract(path)
    tolls = sorted((e["fatalities"]["best"] or 0) for e in reported_events(events))
    assert tolls == [3, 12]


def test_a_device_that_went_off_is_the_event(run_extract, write_article):
    path = write_article("wentoff.txt", (
        "IS cell blows up army patrol in Deir ez-Zor desert\n\n"
        "Six soldiers were killed yesterday when an explosive device went off under their vehicle near "
        "Deir ez-Zor, a monitoring group said."
    ), published="2024-06-10")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert [(e["sub_event_type"], e["date_start"], e["location"]["country"]) for e in news] == [
        ("Remote explosive/landmine/IED", "2024-06-09", "SY")]


def test_a_demonym_on_the_weapon_of_the_strike_names_its_actor(run_extract, write_article):
    path = write_article("weapon_demonym.txt", (
        "Missile strike on Odesa port\n\n"
        "Two people were killed in this morning's Russian missile strike on the port of Odesa, the regional "
        "governor said."
    ), published="2024-05-01")
    events, _ = run_extract(path)
    assert [(e["actor1"], e["date_start"]) for e in reported_events(events)] == [("Russian military", "2024-05-01")]


def test_weapons_the_target_holds_are_not_the_strikes(run_extract, write_article):
    path = write_article("workshop.txt", (
        "Russian missiles hit Kharkiv, killing three\n\n"
        "Russian ballistic missiles struck an industrial area in Kharkiv early on Thursday, killing at least "
        "three people, regional officials said.\n\n"
        "Russia's defence ministry said its forces had struck a workshop assembling long-range drones in Kharkiv."
    ), published="2024-03-21")
    events, _ = run_extract(path)
    news = reported_events(events)
    assert len(news) == 1 and news[0]["weapons"] and "drone" not in news[0]["weapons"]


def test_both_attacks_sums_up_and_tells_no_event_of_its_own(run_extract, write_article):
    path = write_article("both.txt", (
        "Base in Anbar targeted twice\n\n"
        "Militants fired rockets at Ain al-Asad air base in Anbar on Wednesday morning, officials said.\n\n"
        "Hours later, mortar rounds hit the same base, wounding a guard.\n\n"
        "The Islamic Resistance in Iraq claimed both attacks, saying they answered US support for the war in Gaza."
    ), published="2024-01-25")
    events, _ = run_extract(path)
    assert all(e["location"]["country"] == "IQ" for e in reported_events(events))


def test_a_dotted_day_first_stamp_anchors_the_article():
    from strikelog.text.clean import anchor_from_line

    anchor = anchor_from_line("Last updated 21.03.2024 18:10 (Kyiv time)")
    assert anchor is not None and anchor.moment.isoformat() == "2024-03-21T18:10:00"


def test_a_big_city_and_a_name_of_one_story_country_are_not_moved_by_the_sentences_country(gazetteer):
    resolver = PlaceResolver(gazetteer)
    beirut = resolver.locate([PlaceRef("Beirut", "in", country_hint="IL")], ["IL"])
    assert beirut.country == "LB"  # whatever Poland's Bierutow, the sentence's Israel does not move Beirut
    pahalgam = resolver.locate([PlaceRef("Pahalgam", "in", country_hint="PK")], ["IN", "PK"])
    assert (pahalgam.country, pahalgam.geo_precision) == ("IN", 1)


def test_an_attack_that_was_in_retaliation_answers_what_it_names(run_extract, write_article):
    path = write_article("copula.txt", (
        "Drone strike hits militia depot in Syria\n\n"
        "A drone strike destroyed a militia depot near Albu Kamal on Friday, a monitor said.\n\n"
        "Officials said the strike was in retaliation for a rocket attack on a US base near Shaddadi."
    ), published="2024-02-03")
    events, _ = run_extract(path)
    news = [e for e in reported_events(events) if e["date_start"] == "2024-02-02"]
    assert news and news[0]["responds_to"]
