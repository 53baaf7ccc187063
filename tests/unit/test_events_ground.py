"""Events: ground given up, flags raised, hands changed, fire set, and the words of both sides'
bloggers for the other side's troops; real parser, reports written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article

pytestmark = pytest.mark.model


def run(text: str) -> list:
    article = Article(id=article_id(text), text=text, published="2024-11-04")
    return events.find_events(article, nlp.load()(text), places=[])


def typed(text: str) -> list[tuple[str, str]]:
    return [(e.event_type, e.sub_event_type) for e in run(text) if not e.flags]


TAKEN = ("Battles", "Non-state actor overtakes territory")


@pytest.mark.parametrize("text", [
    "Ukrainian troops have withdrawn from the town of Zhovtneve to avoid encirclement, the army said.",
    "Russian units retreated from Kamianka on Sunday.",
    "Bohoiavlenka, which Ukrainian troops left at the end of the week, lies in ruins.",
    "Russian bloggers said assault units had raised flags over the school in Ostapivka.",
    "Two hamlets near the river changed hands twice this week.",
])
def test_ground_given_up_or_marked_as_taken_is_territory_changing_hands(text: str) -> None:
    assert typed(text) == [TAKEN]


def test_leaving_is_ground_given_up_only_for_forces() -> None:
    assert typed("Most residents left Kalynivka on Friday.") != [TAKEN]
    assert TAKEN not in typed("The brigade withdrew to new positions behind the river.")


def test_fire_set_by_drones_is_a_strike_and_a_bound_is_no_negation() -> None:
    (fire,) = run("Drones set fire to a fuel depot near Rovenky overnight.")
    assert (fire.event_type, fire.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    found = run("The governor said no more than three drones were shot down over the district.")
    assert found and all("negated" not in e.flags for e in found)


def test_bloggers_words_for_the_other_sides_troops_are_its_forces() -> None:
    (e,) = run("The katsaps push every single day near Plekhove.")
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash") and e.actor1.side == "RU"
    (e,) = run("The orcs lost a whole battalion near Plekhove.")
    assert e.sub_event_type == "Armed clash" and e.actor1.side == "RU"


def test_a_when_clause_shares_the_time_of_the_clause_it_dates() -> None:
    found = run("Izium was held by Russian forces from April to September 2022, when Ukrainian troops retook it "
                "in a rapid counteroffensive.")
    assert found and all(e.flags == ("historical",) for e in found)
    (e,) = run("Drones hit the depot on Monday, when the guards were asleep.")
    assert e.flags == ()


def test_all_of_a_region_is_ground_and_taking_part_is_not() -> None:
    (e,) = run("The Kremlin intends to take all of the Zaporizhzhia region.")
    assert (e.event_type, e.sub_event_type) == TAKEN and e.flags == ("future",)
    assert run("Russian troops took part in the drills.") == []


def test_a_bare_strike_takes_the_means_its_paragraph_named() -> None:
    found = run("Two Iskander missiles hit a training ground near Chernihiv on Monday.\n"
                "Monday's strike on the training ground killed 12 soldiers, the army said.")
    assert {e.sub_event_type for e in found} == {"Shelling/artillery/missile attack"}
    (e,) = run("A combined missile and drone attack hit Lutsk overnight.")
    assert e.sub_event_type == "Shelling/artillery/missile attack"


def test_an_actor_word_before_a_thing_names_no_actor() -> None:
    (e,) = run("Russian missiles hit facilities of Ukraine's military industry near Dnipro.")
    assert e.actor1.side == "RU" and (e.actor2 is None or e.actor2.side != "RU")


def test_bulletin_jargon_of_advances_and_where_a_missile_came_from() -> None:
    assert typed("Units of the Yug group improved their positions near Hostre.") == [("Battles", "Armed clash")]
    assert typed("Russian soldiers reached the outskirts of Kurakhove on Monday.") == [("Battles", "Armed clash")]
    from fogofwar.records import Evidence, Place, PlaceMention
    text = "A ballistic missile launched from the Kursk region hit the Sumy region on Monday."
    aid = article_id(text)

    def mention(name: str, admin1: str, precision: str) -> PlaceMention:
        start = text.index(name)
        return PlaceMention(id=name, evidence=Evidence(article_id=aid, start=start, end=start + len(name), text=name),
                            name=name, kind="toponym", precision=precision,
                            place=Place(id=name, name=name, kind="populated", country=admin1[:2], admin1=admin1))
    (e,) = events.find_events(Article(id=aid, text=text, published="2024-11-04"), nlp.load()(text),
                              places=[mention("Kursk region", "RU-KRS", "adm1"),
                                      mention("Sumy region", "UA-59", "adm1")])
    assert e.place.place.admin1 == "UA-59"


def test_means_that_only_back_an_attack_do_not_type_it() -> None:
    assert typed("Russian assault groups were attacking in waves of 20 soldiers backed by drones near Toretsk.") == [
        ("Battles", "Armed clash")]
    assert typed("Drones attacked a fuel depot near Toretsk.") == [("Explosions/Remote violence", "Air/drone strike")]


def test_the_enemy_of_a_bulletin_is_the_side_it_does_not_speak_for() -> None:
    text = ("GENERAL STAFF OF THE ARMED FORCES OF UKRAINE\nOperational update\n"
            "Over the past day our troops repelled 40 attacks. Enemy aviation dropped 12 guided aerial bombs on "
            "the positions of our troops near Siversk.")
    found = run(text)
    bombs = [e for e in found if e.event_type == "Explosions/Remote violence"]
    assert bombs and bombs[0].actor1.side == "RU" and bombs[0].actor2 is not None and bombs[0].actor2.side == "UA"
    text = ("MINISTRY OF DEFENCE OF THE RUSSIAN FEDERATION\nDaily summary\n"
            "Our units pushed the enemy out of two strongholds near Lozove.")
    (e,) = run(text)
    assert (e.actor1.side, e.actor2.side) == ("RU", "UA")  # the enemy is done to, not the doer


def test_last_years_months_and_last_year_are_background_but_since_is_not() -> None:
    def flags_of(text: str, published: str) -> list[tuple]:
        article = Article(id=article_id(text), text=text, published=published)
        return [e.flags for e in events.find_events(article, nlp.load()(text), places=[])]
    assert flags_of("Russian troops captured Marinka in October.", "2025-01-20") == [("historical",)]
    assert flags_of("The depot was also hit by drones in March last year.", "2025-01-20") == [("historical",)]
    assert flags_of("Drones hit the depot in January.", "2025-01-20") == [()]
    assert "historical" not in flags_of("The enemy did not succeed in breaking through near Hostre.", "2025-01-20")[0]


def test_soldiers_killed_with_no_means_named_are_a_clash() -> None:
    assert typed("About 200 Russian soldiers were killed or wounded near Hostre over the week.") == [
        ("Battles", "Armed clash")]
    assert typed("Two soldiers were killed in a missile strike on a training ground near Hostre.") == [
        ("Explosions/Remote violence", "Shelling/artillery/missile attack")]


def test_its_forces_are_the_speakers_and_a_country_owning_a_place_is_ground() -> None:
    from fogofwar import claims as claims_mod
    text = "Ukraine's General Staff said its forces had struck an oil refinery in Russia's Saratov region overnight."
    article = Article(id=article_id(text), text=text, published="2025-01-24")
    doc = nlp.load()(text)
    from fogofwar.records import Evidence, Place, PlaceMention

    def mention(name: str, place: Place, precision: str, kind: str = "toponym") -> PlaceMention:
        start = text.index(name)
        return PlaceMention(id=name, evidence=Evidence(article_id=article.id, start=start, end=start + len(name),
                                                       text=name), name=name, kind=kind, precision=precision,
                            place=place)
    mentions = [mention("Russia", Place(id="ru", name="Russia", kind="country", country="RU"), "country"),
                mention("Saratov region", Place(id="sar", name="Saratov Oblast", kind="adm1", country="RU",
                                                admin1="RU-SAR"), "adm1")]
    found_claims = claims_mod.find_claims(article, doc, places=mentions)
    (e,) = events.find_events(article, doc, places=mentions, claims=found_claims)
    assert e.actor1.side == "UA" and (e.actor2 is None or e.actor2.side == "RU")
    assert e.actor1.evidence is not None and e.actor1.evidence.text.startswith("its forces")


def test_ours_in_a_combatants_post_is_ground_taken_by_the_speakers_side() -> None:
    text = ("Severny Klin | front notes\nOur lads pushed on again. The khokhly ran from the river.\n"
            "The eastern quarter of Hostre is ours now.")
    taken = [e for e in run(text) if e.sub_event_type == "Non-state actor overtakes territory"]
    assert len(taken) == 1 and taken[0].actor1.side == "RU" and "is ours" in taken[0].evidence.text
