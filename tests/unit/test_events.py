"""Events with the real parser, on reports written for these tests."""

from __future__ import annotations

import pytest

from fogofwar import events, nlp
from fogofwar.clean import article_id
from fogofwar.records import Article, Claim, Claimant, Evidence, Place, PlaceMention

pytestmark = pytest.mark.model

BRYANSK = Place(id="r", name="Bryansk Oblast", kind="adm1", country="RU", admin1="RU-BRY")
ORYOL = Place(id="o", name="Oryol Oblast", kind="adm1", country="RU", admin1="RU-ORL")
KLINTSY = Place(id="k", name="Klintsy", kind="populated", country="RU", admin1="RU-BRY", latitude=52.75,
                longitude=32.23)


def mention(text: str, aid: str, name: str, place: Place, precision: str) -> PlaceMention:
    start = text.index(name)
    return PlaceMention(id=name, evidence=Evidence(article_id=aid, start=start, end=start + len(name), text=name),
                        name=name, place=place, precision=precision)


def run(text: str, places: list[tuple[str, Place, str]] = (), published: str | None = "2024-08-21",
        claims: list[Claim] = ()) -> list:
    aid = article_id(text)
    article = Article(id=aid, text=text, published=published)
    found = [mention(text, aid, n, p, prec) for n, p, prec in places]
    return events.find_events(article, nlp.load()(text), places=found, claims=claims)


def test_clash_with_both_sides_place_and_weekday() -> None:
    (e,) = run("Russian troops repelled a Ukrainian assault near Klintsy on Monday.",
               [("Klintsy", KLINTSY, "near")])
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash")
    assert {e.actor1.side, e.actor2.side} == {"RU", "UA"} and e.place.place == KLINTSY
    assert (e.date.start, e.date.precision) == ("2024-08-19", "day")
    assert e.flags == ()


def test_interceptions_are_one_event_per_region() -> None:
    text = "Air defences shot down 30 Ukrainian drones over the Bryansk and Oryol regions overnight."
    found = run(text, [("Bryansk", BRYANSK, "adm1"), ("Oryol", ORYOL, "adm1")])
    assert sorted(e.place.place.admin1 for e in found) == ["RU-BRY", "RU-ORL"]
    assert all(e.sub_event_type == "Disrupted weapons use" for e in found)
    assert all(e.date.precision == "days" for e in found)


def test_drone_strike_subtype_from_the_clause() -> None:
    (e,) = run("Ukrainian drones struck a fuel depot in Klintsy.", [("Klintsy", KLINTSY, "point")])
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert e.actor1.side == "UA"


def test_vow_is_future_and_an_old_war_is_historical() -> None:
    found = run("The commander vowed to drive the invaders out of the region.")
    assert found and all("future" in e.flags for e in found)
    found = run("Fighting raged here in 1943, when the front passed through the town.")
    assert found and all("historical" in e.flags for e in found)


def test_negated_and_hypothetical() -> None:
    (e,) = run("Ukrainian units had not captured the village, the ministry said.")
    assert "negated" in e.flags
    found = run("If the bridge is destroyed, the garrison would be cut off.")
    assert any("hypothetical" in e.flags for e in found)


def test_reporting_side_is_the_actor_when_the_text_names_none() -> None:
    text = "The ministry said its units repelled two counterattacks near Klintsy."
    aid = article_id(text)
    claim = Claim(id="c", evidence=Evidence(article_id=aid, start=0, end=len(text), text=text), cue="said",
                  claimant=Claimant(name="Ministry of Defence of Russia", kind="institution", side="RU"))
    (e,) = run(text, [("Klintsy", KLINTSY, "near")], claims=[claim])
    assert (e.actor1.side, e.actor2.side) == ("RU", "UA") and e.claim_ids == ("c",)


def test_undated_article_has_unknown_dates() -> None:
    (e,) = run("Russian troops repelled an attack on Monday.", published=None)
    assert e.date.precision == "unknown" and e.date.start is None


def test_background_in_a_relative_clause_is_historical_even_undated() -> None:
    found = run("Russian soldiers, who invaded the country in 2014, had been advancing all year.", published=None)
    assert any("historical" in e.flags for e in found)
    assert any("historical" not in e.flags for e in found)  # the main clause is not background
