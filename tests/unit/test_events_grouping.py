"""Events: cue grouping, implied parties and flags, with the real parser on reports written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model

ORYOL_REGION = Place(id="o", name="Oryol Oblast", kind="adm1", country="RU", admin1="RU-ORL")
TULA_REGION = Place(id="t", name="Tula Oblast", kind="adm1", country="RU", admin1="RU-TUL")
LIVNY = Place(id="l", name="Livny", kind="populated", country="RU", admin1="RU-ORL", latitude=52.42, longitude=37.6)
MEZENKA = Place(id="m", name="Mezenka", kind="populated", country="RU", admin1="RU-ORL", latitude=52.5,
                longitude=37.4)
IZIUM = Place(id="i", name="Izium", kind="populated", country="UA", admin1="UA-63", latitude=49.21, longitude=37.26)


def run(text: str, places: list[tuple[str, Place, str]] = (), published: str | None = "2025-03-14") -> list:
    aid = article_id(text)
    found = []
    for name, place, precision in places:
        start = text.index(name)
        found.append(PlaceMention(id=name, evidence=Evidence(article_id=aid, start=start, end=start + len(name),
                                                             text=name), name=name, place=place, precision=precision))
    return events.find_events(Article(id=aid, text=text, published=published), nlp.load()(text), places=found)


def test_strike_on_one_sides_soil_is_the_others_and_hurts_its_civilians() -> None:
    (e,) = run("Artillery fire damaged a school in Livny, injuring four women.", [("Livny", LIVNY, "point")])
    assert e.event_type == "Explosions/Remote violence"
    assert (e.actor1.side, e.actor2.name, e.actor2.side) == ("UA", "Civilians (Russia)", "RU")


def test_a_light_verb_takes_the_type_of_the_noun_it_carries() -> None:
    (e,) = run("Ukrainian air strikes destroyed a railway bridge near Livny.", [("Livny", LIVNY, "near")])
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")


def test_a_clause_saying_something_else_is_an_event_of_its_own() -> None:
    text = "Mortars hit two enemy positions near Livny, while fighting went on near Mezenka."
    found = run(text, [("Livny", LIVNY, "near"), ("Mezenka", MEZENKA, "near")])
    assert sorted((e.event_type, e.place.name) for e in found) == [
        ("Battles", "Mezenka"), ("Explosions/Remote violence", "Livny")]
    assert not any(a.evidence.start < b.evidence.end and b.evidence.start < a.evidence.end
                   for a in found for b in found if a is not b)


def test_a_toll_belongs_to_the_strike_that_caused_it() -> None:
    (e,) = run("A pensioner was killed when a glide bomb hit Izium.", [("Izium", IZIUM, "point")])
    assert (e.sub_event_type, e.place.name) == ("Air/drone strike", "Izium")
    assert e.actor2.name == "Civilians (Ukraine)"


def test_the_first_means_named_is_the_means() -> None:
    (e,) = run("Three residents were wounded by Ukrainian artillery fire and drone attacks in Livny.",
               [("Livny", LIVNY, "point")])
    assert e.sub_event_type == "Shelling/artillery/missile attack"


def test_interceptions_listed_after_a_colon_are_one_event_per_region() -> None:
    text = "The ministry said air defences destroyed 19 drones overnight: 12 over Oryol region and 7 over Tula region."
    found = run(text, [("Oryol region", ORYOL_REGION, "adm1"), ("Tula region", TULA_REGION, "adm1")])
    assert sorted(e.place.place.admin1 for e in found) == ["RU-ORL", "RU-TUL"]
    assert all((e.actor1.side, e.actor2.side) == ("RU", "UA") for e in found)
    assert found[1].evidence.text == "7 over Tula region"


def test_verbs_that_need_a_territorial_object() -> None:
    assert run("Both men were taken to a hospital in Livny.", [("Livny", LIVNY, "point")]) == []
    (e,) = run("Russian troops recaptured two villages near Livny.", [("Livny", LIVNY, "near")])
    assert (e.sub_event_type, e.territory_change) == ("Government regains territory", "retaken")


@pytest.mark.parametrize(("text", "flags"), [
    ("The governor said evacuations from the district would go on.", ("future",)),
    ("The army said no positions had been lost.", ("negated",)),
    ("His goal is to retake the district before winter.", ("future",)),
    ("The old fortress changed hands in 1711, during the Battle of the Prut.", ("historical",)),
])
def test_flags_from_the_grammar_around_the_event(text: str, flags: tuple[str, ...]) -> None:
    found = run(text)
    assert found and all(set(flags) <= set(e.flags) for e in found), [(e.evidence.text, e.flags) for e in found]


def test_a_consequence_of_a_condition_is_hypothetical_and_future() -> None:
    found = run("If the shelling resumes, we will move the families out again.")
    assert any(set(e.flags) == {"future", "hypothetical"} for e in found)
    assert all("hypothetical" in e.flags for e in found)
