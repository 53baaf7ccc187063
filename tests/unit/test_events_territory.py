"""Events: ground gained or held, and where one sentence reports several events; real parser, reports
written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Evidence, Place, PlaceMention, Quantity

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
    "About 40 incidents took place along the front line in Tula region overnight.",
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


def figure(text: str, words: str, unit: str, value: float, measure: str | None = None) -> Quantity:
    start = text.index(words)
    return Quantity(evidence=Evidence(article_id=article_id(text), start=start, end=start + len(words), text=words),
                    unit=unit, qualifier="exact", low=value, best=value, high=value, measure=measure)


def run_with(text: str, quantities: list[Quantity], published: str | None = "2025-05-09") -> list:
    return events.find_events(Article(id=article_id(text), text=text, published=published), nlp.load()(text),
                              quantities=quantities)


def test_figures_of_ground_held_told_with_their_own_clauses_are_claims_of_their_own() -> None:
    text = ("Ukrainian forces now hold 960 square kilometres, the general said. That was up from the 900 "
            "square kilometres she cited on Tuesday and the 41 settlements she announced on Thursday.")
    found = run_with(text, [figure(text, "960 square kilometres", "km2", 960, "area_controlled_km2"),
                            figure(text, "900 square kilometres", "km2", 900),
                            figure(text, "41", "settlements", 41)])
    assert all((e.event_type, e.sub_event_type) == TERRITORY for e in found)
    assert sorted((e.date.start, e.date.precision) for e in found) == [
        ("2025-05-03", "week"), ("2025-05-06", "day"), ("2025-05-08", "day")]
    assert [e.territory_change for e in found if "cited" in e.evidence.text] == ["claimed_control"]


def test_figures_joined_by_and_are_one_claim_and_a_holding_verb_is_not_repeated() -> None:
    text = "A week earlier the general had reported 850 square kilometres and 60 settlements."
    (e,) = run_with(text, [figure(text, "850 square kilometres", "km2", 850), figure(text, "60", "settlements", 60)])
    assert e.evidence.text == "850 square kilometres and 60 settlements"
    text = "Ukrainian forces held 850 square kilometres and 60 settlements, the general said."
    found = run_with(text, [figure(text, "850 square kilometres", "km2", 850, "area_controlled_km2"),
                            figure(text, "60", "settlements", 60, "settlements_controlled")])
    assert len(found) == 1


def test_settlements_counted_for_another_reason_are_no_claim_of_ground() -> None:
    text = "The evacuation order covers 3,000 residents of 17 border settlements."
    assert not [e for e in run_with(text, [figure(text, "17", "settlements", 17)]) if e.event_type == "Battles"]


def test_a_clause_of_its_own_takes_all_its_words_from_the_event_it_is_told_with() -> None:
    text = "Officials said 9,400 residents had been evacuated, and that 3,100 more were still to be moved."
    found = run(text)
    (done,) = [e for e in found if not e.flags]
    (vowed,) = [e for e in found if e.flags]
    assert "3,100" not in done.evidence.text and "3,100 more were still to be moved" in vowed.evidence.text


def test_an_area_that_is_not_ground_held_makes_no_claim_of_control() -> None:
    text = "The exclusion zone around the dam now covers 700 square kilometres and 12 settlements."
    found = run_with(text, [figure(text, "700 square kilometres", "km2", 700), figure(text, "12", "settlements", 12)])
    assert not [e for e in found if e.event_type == "Battles"]


def test_holding_ones_positions_is_defence_not_ground_taken() -> None:
    (e,) = run("Ukrainian marines held their positions near Yefremov under heavy fire.", [("Yefremov", YEFREMOV, "near")])
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash")
