"""Events: what a strike hit, who was taken prisoner, where a country-wide event is, the headline
that retells the body, and the cues of planned or habitual happenings; real parser, reports
written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model

LIPETSK = Place(id="l", name="Lipetsk Oblast", kind="adm1", country="RU", admin1="RU-LIP")
YELETS = Place(id="y", name="Yelets", kind="populated", country="RU", admin1="RU-LIP", latitude=52.62,
               longitude=38.50)
RUSSIA = Place(id="ru", name="Russia", kind="country", country="RU")
UKRAINE = Place(id="ua", name="Ukraine", kind="country", country="UA")
ODESA_REGION = Place(id="od", name="Odesa Oblast", kind="adm1", country="UA", admin1="UA-51")


def run(text: str, places: list[tuple[str, Place, str]] = (), *, title: str | None = None,
        published: str | None = "2025-03-04") -> list:
    """``places``: (name, place, precision), every occurrence of the name."""
    aid = article_id(text)
    found = []
    for name, place, precision in places:
        start = text.find(name)
        while start >= 0:
            evidence = Evidence(article_id=aid, start=start, end=start + len(name), text=name)
            kind = "country" if place.kind == "country" else "toponym"
            found.append(PlaceMention(id=f"{name}{start}", evidence=evidence, name=name, place=place,
                                      precision=precision if kind != "country" else "country"))
            start = text.find(name, start + 1)
    article = Article(id=aid, text=text, published=published, title=title)
    return events.find_events(article, nlp.load()(text), places=found)


def sides(e) -> set[str]:
    return {a.side for a in (e.actor1, e.actor2) if a is not None}


def test_a_strike_on_homes_and_cars_of_one_side_targets_its_civilians() -> None:
    text = "Ukrainian drones hit two houses and a parked car in Yelets overnight, the regional governor wrote."
    (strike,) = run(text, [("Yelets", YELETS, "point")])
    assert strike.event_type == "Explosions/Remote violence"
    assert strike.actor1.side == "UA"
    assert strike.actor2 is not None and strike.actor2.name == "Civilians (Russia)" and strike.actor2.inter == 7
    assert strike.actor2.evidence is not None and strike.actor2.evidence.text in ("houses", "car")


def test_a_strike_with_no_target_named_has_no_second_actor() -> None:
    text = "Ukrainian drones attacked Yelets overnight, the regional governor wrote."
    (strike,) = run(text, [("Yelets", YELETS, "point")])
    assert strike.actor1.side == "UA" and strike.actor2 is None


def test_a_country_named_after_a_preposition_is_where_not_who() -> None:
    text = "Ukrainian long-range drones struck two military airfields deep inside Russia on Monday."
    (strike,) = run(text, [("Russia", RUSSIA, "country")])
    assert strike.actor1.side == "UA"
    assert sides(strike) == {"UA", "RU"}  # airfields are military: the Russian forces are the target
    assert strike.place is not None and strike.place.place == RUSSIA


def test_a_country_wide_barrage_is_placed_in_the_country_not_a_region_told_before() -> None:
    text = ("Air raid alerts sounded across Odesa region in the evening.\n"
            "Overnight Russia fired 64 missiles and 80 drones at Ukraine, the air force said.")
    found = run(text, [("Odesa region", ODESA_REGION, "adm1"), ("Ukraine", UKRAINE, "country")])
    (barrage,) = [e for e in found if "fired" in e.evidence.text]
    assert barrage.place.place == UKRAINE


def test_soldiers_captured_are_prisoners_taken_not_ground_taken() -> None:
    text = "Ukrainian assault units captured dozens of Russian conscripts near Yelets, the commander said."
    (taken,) = run(text, [("Yelets", YELETS, "near")])
    assert (taken.event_type, taken.sub_event_type) == ("Strategic developments", "Other")
    assert taken.actor1.side == "UA" and taken.actor2.side == "RU"
    (village,) = run("Ukrainian assault units captured the village of Yelets.", [("Yelets", YELETS, "point")])
    assert village.sub_event_type == "Non-state actor overtakes territory"


def test_a_headline_that_the_body_retells_reports_no_event() -> None:
    title = "Drones hit Yelets fuel depot as Russian troops advance"
    text = (f"{title}\n\n"
            "YELETS, March 4 (Northwire) - Ukrainian drones hit a fuel depot in Yelets on Tuesday, "
            "the governor said.")
    found = run(text, [("Yelets", YELETS, "point")], title=title)
    assert found and all(e.evidence.start > len(title) for e in found)
    # with no title given, a short line standing alone without a full stop is a headline too
    untitled = run(text, [("Yelets", YELETS, "point")])
    assert [e.evidence.start for e in untitled] == [e.evidence.start for e in found]
    # a first line that is a sentence of the body is not
    body = "Ukrainian drones hit a fuel depot in Yelets on Tuesday.\n\nThe governor said nobody was hurt."
    assert any(e.evidence.start == 0 for e in run(body, [("Yelets", YELETS, "point")]))


def test_planned_and_expected_happenings_are_future() -> None:
    (swap,) = [e for e in run("A new prisoner swap is being prepared, the ombudsman said.")
               if e.sub_event_type == "Agreement"]
    assert "future" in swap.flags
    (leave,) = run("About 3,000 more residents are expected to evacuate from Yelets over the coming days.",
                   [("Yelets", YELETS, "point")])
    assert "future" in leave.flags


def test_a_habitual_pattern_is_kept_as_background_not_dropped() -> None:
    (pattern,) = run("Yelets has been shelled almost daily since January, residents said.",
                     [("Yelets", YELETS, "point")])
    assert "historical" in pattern.flags


def test_thwarted_breakthroughs_and_diverted_flights_are_events() -> None:
    (clash,) = run("Russian units thwarted attempts by Ukrainian groups to break through towards Yelets.",
                   [("Yelets", YELETS, "near")])
    assert (clash.event_type, clash.sub_event_type) == ("Battles", "Armed clash")
    found = run("At least 30 flights were diverted from the airport in Yelets overnight.",
                [("Yelets", YELETS, "point")])
    assert [(e.event_type, e.sub_event_type) for e in found] == [("Strategic developments", "Other")]


def test_a_paragraph_going_on_about_its_strike_tells_one_event() -> None:
    text = ("In the afternoon the village of Yelets came under mortar fire. By early counts, 22 rounds were fired. "
            "A drone later hit a shop in Yelets.")
    found = [e for e in run(text, [("Yelets", YELETS, "point")]) if not e.flags]
    fired = [e for e in found if "rounds were fired" in e.evidence.text]
    assert fired == []  # no place of its own, same paragraph, same type: the mortar fire retold
    assert any("mortar fire" in e.evidence.text for e in found)
    assert any("hit a shop in Yelets" in e.evidence.text for e in found)  # names its place: its own event
    # the same words in another paragraph tell their own event
    apart = run(text.replace(" By early", "\nBy early"), [("Yelets", YELETS, "point")])
    assert any("rounds were fired" in e.evidence.text for e in apart)


def test_words_of_fighting_that_only_describe_a_thing_are_no_event() -> None:
    text = "The surrounding hamlets near Yelets lost power, and two armoured fighting vehicles stood in the square."
    assert run(text, [("Yelets", YELETS, "near")]) == []


def test_interceptions_over_the_territory_of_several_regions_are_one_per_region() -> None:
    kursk = Place(id="k", name="Kursk Oblast", kind="adm1", country="RU", admin1="RU-KRS")
    bryansk = Place(id="br", name="Bryansk Oblast", kind="adm1", country="RU", admin1="RU-BRY")
    text = "Air defences downed 31 drones over the territory of the Lipetsk, Kursk and Bryansk regions."
    found = run(text, [("Lipetsk", LIPETSK, "adm1"), ("Kursk", kursk, "adm1"), ("Bryansk", bryansk, "adm1")])
    assert [e.place.place.admin1 for e in found] == ["RU-LIP", "RU-KRS", "RU-BRY"]
    assert all(e.sub_event_type == "Disrupted weapons use" for e in found)


def test_a_state_regaining_rigs_at_sea_regains_territory() -> None:
    sea = Place(id="s", name="Sea of Azov", kind="water", country=None)
    (regained,) = run("Ukrainian marines regained control of two gas platforms in the Sea of Azov.",
                      [("Sea of Azov", sea, "vague")])
    assert (regained.event_type, regained.sub_event_type) == ("Battles", "Government regains territory")
    (taken,) = run("Ukrainian marines captured two gas platforms in the Sea of Azov.", [("Sea of Azov", sea, "vague")])
    assert taken.sub_event_type == "Non-state actor overtakes territory"


def test_a_definite_noun_pointing_back_to_a_strike_told_before_is_no_new_event() -> None:
    text = ("Ukrainian drones hit an oil depot in Yelets overnight.\n"
            "Officials said the strikes started a fire that burned until noon.\n"
            "The strikes on Lipetsk region were the largest this year.")
    found = [e for e in run(text, [("Yelets", YELETS, "point"), ("Lipetsk region", LIPETSK, "adm1")]) if not e.flags]
    assert [e.evidence.text.split()[0] for e in found if "strikes started" in e.evidence.text] == []
    assert any("hit an oil depot" in e.evidence.text for e in found)
    assert any("Lipetsk region" in e.evidence.text for e in found)  # a place of its own: told as its own
    # with nothing of its type told before, the definite noun reports the event
    (alone,) = run("Officials said the strikes started a fire in Yelets.", [("Yelets", YELETS, "point")])
    assert alone.event_type == "Explosions/Remote violence"


def test_what_a_verb_acts_on_decides_what_it_tells() -> None:
    (lost,) = run("Over the past day the enemy lost up to 40 soldiers and two tanks near Yelets, the ministry said.",
                  [("Yelets", YELETS, "near")])
    assert (lost.event_type, lost.sub_event_type) == ("Battles", "Armed clash")
    (swap,) = run("Both sides returned 84 prisoners of war on Friday after talks in Yelets.",
                  [("Yelets", YELETS, "point")])
    assert (swap.event_type, swap.sub_event_type) == ("Strategic developments", "Agreement")
    (dropped,) = run("A Ukrainian drone dropped an explosive device on a tractor in Yelets.", [("Yelets", YELETS, "point")])
    assert (dropped.event_type, dropped.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    # a tally since some time, a destination, a thing returned: none of them
    assert run("The regiment has lost 900 soldiers since the spring, the ministry said.") == []
    assert run("Two soldiers were taken to a hospital in Yelets.", [("Yelets", YELETS, "point")]) == []
    assert run("The mayor returned the keys of the town hall in Yelets.", [("Yelets", YELETS, "point")]) == []


def test_an_attempt_that_did_not_succeed_is_negated() -> None:
    found = run("The enemy did not succeed in breaking through towards Yelets, the ministry said.",
                [("Yelets", YELETS, "near")])
    assert found and all("negated" in e.flags for e in found)


def test_a_month_long_before_publication_is_background() -> None:
    text = "Russian forces captured the town of Yelets in February after months of fighting."
    (taken,) = [e for e in run(text, [("Yelets", YELETS, "point")], published="2024-09-20")
                if e.sub_event_type != "Armed clash"]
    assert "historical" in taken.flags
    (recent,) = [e for e in run(text.replace("February", "August"), [("Yelets", YELETS, "point")],
                                published="2024-09-20") if e.sub_event_type != "Armed clash"]
    assert "historical" not in recent.flags
    (dated,) = [e for e in run(text.replace("in February", "on 3 February"), [("Yelets", YELETS, "point")],
                               published="2024-09-20") if e.sub_event_type != "Armed clash"]
    assert "historical" in dated.flags


def test_the_full_scale_invasion_is_background_long_after_it_began() -> None:
    text = "Yelets has sheltered families from Kharkiv since the full-scale invasion."
    (later,) = run(text, [("Yelets", YELETS, "point")], published="2024-10-01")
    assert "historical" in later.flags
    (at_the_time,) = run(text, [("Yelets", YELETS, "point")], published="2022-02-27")
    assert "historical" not in at_the_time.flags


def test_munitions_that_land_or_fall_tell_a_strike() -> None:
    (landed,) = run("Two missiles landed on the parade ground of the college in Yelets.", [("Yelets", YELETS, "point")])
    assert (landed.event_type, landed.sub_event_type) == ("Explosions/Remote violence",
                                                          "Shelling/artillery/missile attack")
    (fell,) = run("Glide bombs fell on three streets of Yelets overnight.", [("Yelets", YELETS, "point")])
    assert fell.sub_event_type == "Air/drone strike"  # the clause's words refine it
    assert run("Prices fell in Yelets, and the town's football team landed a new coach.",
               [("Yelets", YELETS, "point")]) == []


def test_ground_only_tried_for_is_a_clash_and_homes_destroyed_a_strike() -> None:
    (tried,) = run("Ukrainian units tried to break through the border near Yelets on Monday.",
                   [("Yelets", YELETS, "near")])
    assert (tried.sub_event_type, tried.territory_change) == ("Armed clash", "none")
    (broke,) = run("Ukrainian units broke through the border near Yelets on Monday.", [("Yelets", YELETS, "near")])
    assert broke.sub_event_type == "Non-state actor overtakes territory"
    (house,) = run("In Yelets a private house was destroyed and two cars were damaged.", [("Yelets", YELETS, "point")])
    assert house.event_type == "Explosions/Remote violence"


def test_boats_destroyed_at_sea_are_weapons_disrupted() -> None:
    sea = Place(id="s", name="Sea of Azov", kind="water", country=None)
    (boats,) = run("Ships of the fleet destroyed three uncrewed boats in the Sea of Azov overnight.",
                   [("Sea of Azov", sea, "vague")])
    assert (boats.event_type, boats.sub_event_type) == ("Strategic developments", "Disrupted weapons use")


def test_heading_for_a_town_is_fighting_not_ground_taken() -> None:
    (heading,) = run("Russian forces have advanced towards Yelets, the general staff said.", [("Yelets", YELETS, "near")])
    assert (heading.sub_event_type, heading.territory_change) == ("Armed clash", "none")
    (gained,) = run("Russian forces have advanced 4 km towards Yelets, the general staff said.",
                    [("Yelets", YELETS, "near")])
    assert gained.sub_event_type == "Non-state actor overtakes territory"


def test_a_named_group_of_forces_is_its_army() -> None:
    kharkiv = Place(id="kh", name="Vovchansk", kind="populated", country="UA", admin1="UA-63", latitude=50.29,
                    longitude=36.94)
    (taken,) = run("Units of the Sever group of forces have liberated the settlement of Vovchansk.",
                   [("Vovchansk", kharkiv, "point")])
    assert taken.actor1.side == "RU"
    assert taken.sub_event_type == "Non-state actor overtakes territory"  # not the Ukrainian state retaking


def test_pushing_to_within_a_distance_is_no_ground_taken_and_armour_left_behind_a_clash() -> None:
    (pushed,) = run("Russian troops pushed to within 8 km of Yelets, the army said.", [("Yelets", YELETS, "near")])
    assert pushed.sub_event_type == "Armed clash"
    (left,) = run("Ukrainian units have left behind 14 armoured vehicles near Yelets.", [("Yelets", YELETS, "near")])
    assert (left.event_type, left.sub_event_type) == ("Battles", "Armed clash")


def test_fire_support_is_a_means_and_also_tells_a_further_event() -> None:
    found = run("Units of the Zapad group, with support from aviation and artillery, repelled two attacks near Yelets.",
                [("Yelets", YELETS, "near")])
    assert [(e.event_type, e.sub_event_type) for e in found] == [("Battles", "Armed clash")]
    text = "A glide bomb hit a shop in Yelets at noon. Bombs also fell on two other streets of the town."
    found = [e for e in run(text, [("Yelets", YELETS, "point")]) if not e.flags]
    assert any("also fell" in e.evidence.text for e in found) and len(found) == 2


def test_services_and_supplies_are_no_events_and_nobody_negates() -> None:
    text = ("Emergency services are working at the scene in Yelets. After the strike two streets of Yelets "
            "were left without electricity.")
    found = [e for e in run(text, [("Yelets", YELETS, "point")]) if e.event_type == "Strategic developments"]
    assert found == []
    (leave,) = run("Residents of Yelets should leave without delay, the mayor said.", [("Yelets", YELETS, "point")])
    assert leave.sub_event_type == "Other" and "future" in leave.flags
    (nobody,) = run("Nobody ordered an evacuation of Yelets, the mayor said.", [("Yelets", YELETS, "point")])
    assert "negated" in nobody.flags


def test_what_never_happened_is_no_history_and_ability_under_would_is_no_fact() -> None:
    (counterfactual,) = run("If Yelets had been shelled like this in 2022, the town would be empty.",
                            [("Yelets", YELETS, "point")], published="2024-09-20")
    assert "hypothetical" in counterfactual.flags and "historical" not in counterfactual.flags
    (able,) = run("Russian troops would be able to push towards Yelets.", [("Yelets", YELETS, "near")])
    assert {"future", "hypothetical"} & set(able.flags)  # told under "would": never coded as having happened
    (spring,) = [e for e in run("Some of the prisoners had been captured in the spring near Yelets.",
                                [("Yelets", YELETS, "near")], published="2024-09-20")]
    assert "historical" in spring.flags


def test_a_judgement_in_the_present_is_no_event() -> None:
    assert run("Strikes on military airfields in Lipetsk region are legitimate, the general staff said.",
               [("Lipetsk region", LIPETSK, "adm1")]) == []
    (strike,) = run("The strikes on Lipetsk region were legitimate, the general staff said.",
                    [("Lipetsk region", LIPETSK, "adm1")])  # told in the past: a strike was made
    assert strike.event_type == "Explosions/Remote violence"


def test_buildings_aid_points_and_arsenals_are_targets_of_their_side() -> None:
    text = "A Russian guided bomb hit a humanitarian aid distribution point in the Odesa region on Monday."
    (e,) = run(text, [("Odesa region", ODESA_REGION, "adm1")])
    assert e.actor2 is not None and e.actor2.inter == 7 and e.actor2.side == "UA"
    text = "Ukrainian missiles struck an arsenal near Yelets overnight."
    (e,) = run(text, [("Yelets", YELETS, "point")])
    assert e.actor2 is not None and e.actor2.side == "RU" and e.actor2.inter == 1
