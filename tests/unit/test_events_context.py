"""Events: the place and date an event takes from the text around it; real parser, reports written
for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Claim, Claimant, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model

OREL_REGION = Place(id="o", name="Oryol Oblast", kind="adm1", country="RU", admin1="RU-ORL")
TULA_REGION = Place(id="t", name="Tula Oblast", kind="adm1", country="RU", admin1="RU-TUL")
YEFREMOV = Place(id="y", name="Yefremov", kind="populated", country="RU", admin1="RU-TUL", latitude=53.15,
                 longitude=38.12)
BOGORODITSK = Place(id="b", name="Bogoroditsk", kind="populated", country="RU", admin1="RU-TUL", latitude=53.77,
                    longitude=38.13)


def run(text: str, places: list[tuple[str, Place, str, int]] = (), published: str | None = "2025-05-09") -> list:
    """``places``: (name, place, precision, occurrence)."""
    aid = article_id(text)
    found = []
    for name, place, precision, occurrence in places:
        start = -1
        for _ in range(occurrence):
            start = text.index(name, start + 1)
        evidence = Evidence(article_id=aid, start=start, end=start + len(name), text=name)
        found.append(PlaceMention(id=f"{name}{occurrence}", evidence=evidence, name=name, place=place,
                                  precision=precision))
    return events.find_events(Article(id=aid, text=text, published=published), nlp.load()(text), places=found)


def test_an_event_with_no_place_of_its_own_is_in_the_region_the_story_last_moved_to() -> None:
    text = ("Fighting in Oryol region eased, officials in Oryol region said.\n"
            "In Tula region, drones struck a fuel depot.\n"
            "The army said its forces had advanced 3 km.")
    found = run(text, [("Oryol region", OREL_REGION, "adm1", 1), ("Oryol region", OREL_REGION, "adm1", 2),
                       ("Tula region", TULA_REGION, "adm1", 1)])
    (advance,) = [e for e in found if "advanced" in e.evidence.text]
    assert advance.place.place == TULA_REGION


def test_a_place_named_as_the_doer_is_not_where_it_happened() -> None:
    text = "Drones struck Tula region overnight.\nUkrainian units captured two villages, a figure disputed by Yefremov."
    found = run(text, [("Tula region", TULA_REGION, "adm1", 1), ("Yefremov", YEFREMOV, "point", 1)])
    (taken,) = [e for e in found if "captured" in e.evidence.text]
    assert taken.place.place == TULA_REGION


def test_a_happening_that_only_dates_the_event_does_not_place_it() -> None:
    text = ("Heavy fighting went on around Yefremov. The ministry said its brigades had not been pulled back "
            "at all since the operation near Bogoroditsk began.")
    found = run(text, [("Yefremov", YEFREMOV, "near", 1), ("Bogoroditsk", BOGORODITSK, "near", 1)])
    (kept,) = [e for e in found if "pulled" in e.evidence.text]
    assert kept.flags == ("negated",) and kept.place.place == YEFREMOV


def test_the_city_of_a_sentence_naming_no_place_is_the_settlement_named_before() -> None:
    text = ("Russian forces shelled Yefremov on Monday.\n"
            "An officer fighting near the city said enemy units had not been thinned out at all.")
    found = run(text, [("Yefremov", YEFREMOV, "point", 1)])
    (kept,) = [e for e in found if "thinned" in e.evidence.text]
    assert kept.place.place == YEFREMOV


def test_an_entry_of_a_live_page_happened_on_the_day_it_was_posted() -> None:
    (e,) = run("14:20 | Governor Ivanov said a drone hit a garage in Yefremov.", [("Yefremov", YEFREMOV, "point", 1)])
    assert (e.date.start, e.date.end, e.date.precision) == ("2025-05-09", "2025-05-09", "day")
    (e,) = run("Governor Ivanov said a drone hit a garage in Yefremov.", [("Yefremov", YEFREMOV, "point", 1)])
    assert e.date.precision == "week"


def test_a_count_up_to_now_on_a_live_page_is_not_of_the_day() -> None:
    found = run("14:20 | Nine civilians have been killed by shelling in Yefremov, he said.",
                [("Yefremov", YEFREMOV, "point", 1)])
    assert found and all(e.date.precision == "week" for e in found)


def test_an_undated_text_gives_the_year_of_its_later_days_and_months() -> None:
    text = ("On 3 March 2023, Russian forces crossed the river near Yefremov. "
            "Ukrainian troops attacked Bogoroditsk on 9 March and again on Monday.")
    found = run(text, [("Yefremov", YEFREMOV, "near", 1), ("Bogoroditsk", BOGORODITSK, "point", 1)], published=None)
    assert sorted(e.date.start for e in found) == ["2023-03-03", "2023-03-09"]
    found = run("Russian troops attacked Bogoroditsk on 9 March.", [("Bogoroditsk", BOGORODITSK, "point", 1)],
                published=None)
    assert [e.date.precision for e in found] == ["unknown"]


def claim_of(text: str, who: str, side: str, *, whole: str | None = None) -> Claim:
    start, said = text.index(who), whole or text
    at = text.index(said)
    return Claim(id=who, evidence=Evidence(article_id=article_id(text), start=at, end=at + len(said), text=said),
                 cue="said", claimant=Claimant(name=who, kind="person", side=side, evidence=Evidence(
                     article_id=article_id(text), start=start, end=start + len(who), text=who)))


def test_who_says_it_is_no_party_to_what_is_said() -> None:
    text = "Russian President Ivanov said Ukraine had tried to strike a power station in Yefremov, which Kyiv denied."
    aid = article_id(text)
    claims = [claim_of(text, "Russian President Ivanov", "RU"), claim_of(text, "Kyiv", "UA", whole="which Kyiv denied")]
    places = [PlaceMention(id="y", evidence=Evidence(article_id=aid, start=text.index("Yefremov"),
                                                     end=text.index("Yefremov") + 8, text="Yefremov"),
                           name="Yefremov", place=YEFREMOV, precision="point")]
    (e,) = events.find_events(Article(id=aid, text=text, published="2025-05-09"), nlp.load()(text), places=places,
                              claims=claims)
    assert e.actor1.side == "UA" and e.actor2 is None


@pytest.mark.parametrize("text", [
    "The Kremlin has called the incursion a provocation.",
    "Three weeks into the offensive, officials are counting the cost.",
])
def test_a_noun_that_names_or_dates_by_an_event_reports_none(text: str) -> None:
    assert run(text) == []


def test_a_blamed_means_is_the_means_of_the_events_told_before() -> None:
    text = ("The governor wrote that the rail bridge at Yefremov had been destroyed. "
            "He blamed Ukrainian air strikes with long-range missiles.")
    (e,) = run(text, [("Yefremov", YEFREMOV, "point", 1)])
    assert (e.sub_event_type, e.place.place) == ("Air/drone strike", YEFREMOV)


def test_attacks_on_communities_are_shelling_of_civilians() -> None:
    text = "Local officials counted 19 Russian attacks on border communities around Yefremov over the past day."
    (e,) = run(text, [("Yefremov", YEFREMOV, "near", 1)])
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert (e.actor1.side, e.actor2.name) == ("RU", "Civilians (Russia)")


def test_a_state_of_high_alert_is_a_strategic_development() -> None:
    (e,) = run("Air defences around Yefremov will stay on high alert through the weekend.",
               [("Yefremov", YEFREMOV, "near", 1)])
    assert (e.event_type, e.sub_event_type, e.flags) == ("Strategic developments", "Other", ("future",))


@pytest.mark.parametrize("text", [
    "It was the first time since 1945 that foreign soldiers had held ground near Yefremov.",
    "The last time enemy troops captured Yefremov was in 1941.",
    "Yefremov has been shelled almost daily since the spring.",
])
def test_a_comparison_or_a_pattern_is_no_event(text: str) -> None:
    found = run(text, [("Yefremov", YEFREMOV, "point", 1)])
    assert not [e for e in found if not e.flags], [(e.evidence.text, e.flags) for e in found]


def test_shelled_repeatedly_on_one_day_is_still_an_event() -> None:
    (e,) = run("Russian artillery shelled Yefremov repeatedly on Monday.", [("Yefremov", YEFREMOV, "point", 1)])
    assert e.sub_event_type == "Shelling/artillery/missile attack" and e.flags == ()


@pytest.mark.parametrize(("text", "sub"), [
    ("Ukrainian units overran two Russian positions near Bogoroditsk.", "Non-state actor overtakes territory"),
    ("Russian troops regained the village of Bogoroditsk.", "Government regains territory"),
    ("A heavy barrage hit Bogoroditsk overnight.", "Shelling/artillery/missile attack"),
    ("A brief firefight broke out near Bogoroditsk on Sunday.", "Armed clash"),
])
def test_more_of_the_words_of_war_reporting(text: str, sub: str) -> None:
    found = run(text, [("Bogoroditsk", BOGORODITSK, "near", 1)])
    assert [e.sub_event_type for e in found] == [sub]


def test_a_relative_clause_describing_the_place_keeps_its_own_year() -> None:
    text = "Ukraine's army said it had liberated Bogoroditsk, which Russian forces had occupied since 2022."
    found = run(text, [("Bogoroditsk", BOGORODITSK, "point", 1)], published="2025-03-14")
    (now,) = [e for e in found if "liberated" in e.evidence.text]
    (then,) = [e for e in found if "occupied" in e.evidence.text]
    assert now.flags == () and "2022" not in now.evidence.text and then.flags == ("historical",)


def test_the_clock_time_of_a_live_entry_is_no_word_of_the_event() -> None:
    (e,) = run("09:10 - Russian shelling damaged a hospital in Yefremov, the governor said.",
               [("Yefremov", YEFREMOV, "point", 1)])
    assert e.evidence.text == "Russian shelling damaged a hospital in Yefremov"
