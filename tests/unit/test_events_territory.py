"""Events: ground gained or held, and where one sentence reports several events; real parser, reports
written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model

TULA_REGION = Place(id="t", name="Tula Oblast", kind="adm1", country="RU", admin1="RU-TUL")
YEFREMOV = Place(id="y", name="Yefremov", kind="populated", country="RU", admin1="RU-TUL", latitude=53.15,
                 longitude=38.12)
BOGORODITSK = Place(id="b", name="Bogoroditsk", kind="populated", country="RU", admin1="RU-TUL", latitude=53.77,
                    longitude=38.13)
BALAKLIIA = Place(id="k", name="Balakliia", kind="populated", country="UA", admin1="UA-63", latitude=49.46,
                  longitude=36.86)
IZIUM = Place(id="i", name="Izium", kind="populated", country="UA", admin1="UA-63", latitude=49.21, longitude=37.26)
TERRITORY = ("Battles", "Non-state actor overtakes territory")


def run(text: str, places: list[tuple[str, Place, str]] = (), published: str | None = "2025-05-06") -> list:
    aid = article_id(text)
    found = []
    for name, place, precision in places:
        start = text.index(name)
        found.append(PlaceMention(id=name, evidence=Evidence(article_id=aid, start=start, end=start + len(name),
                                                             text=name), name=name, place=place, precision=precision))
    return events.find_events(Article(id=aid, text=text, published=published), nlp.load()(text), places=found)


@pytest.mark.parametrize("text", [
    "Ukrainian units captured the village of Yefremov on Sunday.",
    "The army said its troops had advanced 4 km towards Yefremov.",
    "Ukrainian brigades now hold about half of the district around Yefremov.",
])
def test_ground_taken_advanced_or_held_is_a_territorial_event(text: str) -> None:
    (e,) = run(text, [("Yefremov", YEFREMOV, "point")])
    assert (e.event_type, e.sub_event_type) == TERRITORY
    assert {e.actor1.side, e.actor2.side} == {"RU", "UA"}


def test_fighting_without_ground_changing_hands_stays_a_clash() -> None:
    (e,) = run("Russian troops repelled two Ukrainian assaults near Yefremov.", [("Yefremov", YEFREMOV, "near")])
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash")


@pytest.mark.parametrize("text", [
    "Kyiv had lost more than 300 soldiers in Tula region since the spring, the ministry said.",
    "About 40 skirmishes took place along the front line in Tula region overnight.",
])
def test_a_place_the_verb_happens_in_is_not_ground_it_takes(text: str) -> None:
    found = run(text, [("Tula region", TULA_REGION, "adm1")])
    assert not any(e.event_type == "Battles" for e in found), [(e.evidence.text, e.sub_event_type) for e in found]


def test_two_clauses_with_their_own_places_are_two_events_even_of_one_type() -> None:
    text = ("A drone hit a warehouse in Yefremov in the morning and, in a separate incident, "
            "artillery damaged nine houses in Bogoroditsk.")
    found = run(text, [("Yefremov", YEFREMOV, "point"), ("Bogoroditsk", BOGORODITSK, "point")])
    assert sorted((e.sub_event_type, e.place.name) for e in found) == [
        ("Air/drone strike", "Yefremov"), ("Shelling/artillery/missile attack", "Bogoroditsk")]


def test_one_verb_phrase_per_location_when_a_second_verb_names_another_place() -> None:
    text = "Ukrainian rockets destroyed the rail bridge at Yefremov and damaged a second one at Bogoroditsk."
    found = run(text, [("Yefremov", YEFREMOV, "point"), ("Bogoroditsk", BOGORODITSK, "point")])
    assert sorted(e.place.name for e in found) == ["Bogoroditsk", "Yefremov"]
    assert not any(a.evidence.start < b.evidence.end and b.evidence.start < a.evidence.end
                   for a in found for b in found if a is not b)


def test_a_clause_in_another_mood_is_its_own_flagged_statement() -> None:
    found = run("Officials said 9,400 residents had been evacuated and 3,100 more were still to be moved.")
    assert sorted(e.flags for e in found) == [(), ("future",)]


def test_a_bomb_that_hit_inside_a_toll_is_the_strike() -> None:
    text = "The number of people killed by a Russian glide bomb that hit a school in Izium on Sunday rose to six."
    (e,) = run(text, [("Izium", IZIUM, "point")])
    assert (e.sub_event_type, e.place.name, e.actor1.side) == ("Air/drone strike", "Izium", "RU")
    assert "glide bomb" in e.evidence.text and e.actor2.name == "Civilians (Ukraine)"


def test_a_state_retaking_its_own_soil_regains_territory() -> None:
    (e,) = run("Ukrainian forces liberated Balakliia after a week of fighting.", [("Balakliia", BALAKLIIA, "point")])
    assert e.sub_event_type == "Government regains territory"
