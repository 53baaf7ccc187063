"""Event merging on events built by hand: what merges, what never does, and why."""

from __future__ import annotations

import itertools
import random

import pytest

from fogofwar import merge as merge_mod
from fogofwar.merge import merge_events
from fogofwar.records import Actor, DateValue, Event, Evidence, Place, PlaceMention, Quantity

TOWN = Place(id="t1", name="Lipovka", kind="populated", country="RU", admin1="RU-BRY", latitude=52.0, longitude=33.0)
NEIGHBOUR = Place(id="t2", name="Zorino", kind="populated", country="RU", admin1="RU-BRY", latitude=52.02, longitude=33.01)
FAR_TOWN = Place(id="t3", name="Dalneye", kind="populated", country="RU", admin1="RU-BRY", latitude=52.6, longitude=33.9)
REGION = Place(id="r1", name="Bryansk Oblast", kind="adm1", country="RU", admin1="RU-BRY", latitude=52.9, longitude=33.4)
_n = itertools.count()


def event(article: str, *, place: Place | None = TOWN, precision: str = "point", day: str | None = "2024-09-02",
          date_precision: str = "day", sub: str = "Air/drone strike", etype: str = "Explosions/Remote violence",
          attacker: str = "UA", text: str = "a drone hit a depot", deaths: Quantity | None = None,
          change: str = "none", flags: tuple[str, ...] = ()) -> Event:
    n = next(_n)
    ev = Evidence(article_id=article, start=n * 10, end=n * 10 + len(text), text=text)
    mention = None if place is None else PlaceMention(id=f"m{n}", evidence=ev, name=place.name, place=place,
                                                      precision=precision)
    return Event(id=f"e{n:03d}", evidence=ev, event_type=etype, sub_event_type=sub,
                 actor1=Actor(name="forces", side=attacker), place=mention,
                 date=DateValue(start=day, end=day, precision=date_precision) if day else DateValue(),
                 quantities=(deaths,) if deaths else (), territory_change=change, flags=flags)


def groups(events: list[tuple[Event, str]]) -> set[frozenset[str]]:
    return {frozenset(le.event_ids) for le in merge_events(events)}


def test_two_outlets_reporting_one_strike_merge_with_reasons() -> None:
    a, b = event("A"), event("B", place=NEIGHBOUR)
    (le,) = merge_events([(a, "A"), (b, "B")])
    assert set(le.event_ids) == {a.id, b.id} and set(le.article_ids) == {"A", "B"}
    assert any("km apart" in r for r in le.reasons)


def test_different_days_places_or_attackers_never_merge() -> None:
    base = event("A")
    for other in (event("B", day="2024-09-03"), event("B", place=FAR_TOWN), event("B", attacker="RU")):
        assert len(merge_events([(base, "A"), (other, "B")])) == 2


def test_a_town_shelled_on_consecutive_days_is_two_events() -> None:
    assert len(merge_events([(event("A", day="2024-09-02"), "A"), (event("B", day="2024-09-03"), "B")])) == 2


def test_region_level_report_joins_only_when_one_event_fits() -> None:
    a = event("A")
    vague = event("C", place=REGION, precision="adm1", day="2024-09-02")
    same_article_vague = event("A", place=REGION, precision="adm1", day="2024-09-02", text="strikes on the region")
    # another article's region-level report may be of any place in the region: kept apart
    assert len(merge_events([(a, "A"), (vague, "C")])) == 2
    # the same article naming the region and then the town: one event
    assert groups([(a, "A"), (same_article_vague, "A")]) == {frozenset({a.id, same_article_vague.id})}


def test_undated_report_of_a_town_joins_its_only_event_but_not_one_of_two() -> None:
    a, undated = event("A"), event("U", day=None, date_precision="unknown")
    assert len(merge_events([(a, "A"), (undated, "U")])) == 1
    other_day = event("B", day="2024-09-05")
    out = merge_events([(a, "A"), (other_day, "B"), (undated, "U")])
    assert len(out) == 3
    assert any("kept apart" in r for le in out for r in le.reasons)


def test_copies_of_one_vague_sentence_merge_but_two_vague_events_of_one_article_do_not() -> None:
    text = "fighting went on in the region this week"
    one = event("A", place=REGION, precision="adm1", date_precision="week", etype="Battles", sub="Armed clash", text=text)
    copy = event("A2", place=REGION, precision="adm1", date_precision="week", etype="Battles", sub="Armed clash", text=text)
    other = event("A", place=REGION, precision="adm1", date_precision="week", etype="Battles", sub="Armed clash",
                  text="another assault was repelled further north")
    assert groups([(one, "A"), (copy, "A"), (other, "A")]) == {frozenset({one.id, copy.id}), frozenset({other.id})}


def test_catch_all_other_merges_only_copies() -> None:
    kw = {"etype": "Strategic developments", "sub": "Other"}
    a = event("A", text="the governor ordered an evacuation", **kw)
    b = event("B", text="the governor ordered an evacuation", **kw)
    assert len(merge_events([(a, "A"), (b, "B")])) == 2  # different articles: may be anything
    assert len(merge_events([(a, "A"), (b, "A")])) == 1  # a near copy of the same article


def test_merged_fields_follow_the_documented_rules() -> None:
    def deaths(low: float | None, best: float | None, high: float | None, q: str) -> Quantity:
        ev = Evidence(article_id="x", start=0, end=1, text="5")
        return Quantity(evidence=ev, unit="fatalities", qualifier=q, low=low, best=best, high=high, measure="fatalities")

    precise = event("A", deaths=deaths(3, 3, 3, "exact"))
    near = event("B", place=NEIGHBOUR, precision="near", deaths=deaths(5, None, None, "at_least"))
    third = event("C", deaths=deaths(4, 4, 4, "exact"))
    (le,) = merge_events([(near, "B"), (third, "C"), (precise, "A")])
    assert le.place.place == TOWN and le.place.precision == "point"
    assert (le.fatalities_low, le.fatalities_best, le.fatalities_high) == (3, 3.5, 5)
    assert len(le.fatalities_evidence) >= 1


def test_the_result_does_not_depend_on_input_order() -> None:
    items = [(event("A"), "A"), (event("B", place=NEIGHBOUR), "B"), (event("C", day=None, date_precision="unknown"), "C"),
             (event("D", day="2024-09-04"), "D"), (event("E", place=REGION, precision="adm1"), "E")]
    expected = groups(items)
    for perm in itertools.permutations(items):
        assert groups(list(perm)) == expected


def test_the_day_index_finds_what_checking_every_event_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Merging through the index of days gives the events that checking each report against
    every event of the block gives, on random blocks of dated, vague and undated reports."""
    rng = random.Random(7)
    places = [(TOWN, "point"), (NEIGHBOUR, "point"), (FAR_TOWN, "point"), (TOWN, "near"), (REGION, "adm1"), (None, "point")]
    merged_rounds = 0
    for _round in range(40):
        events = []
        flags = ("future",) if _round % 3 == 0 else ()  # a block of flagged statements merges otherwise
        for n in range(rng.randint(2, 30)):
            place, precision = rng.choice(places)
            day = rng.choice([None, *(f"2024-09-{d:02d}" for d in range(1, 8))])
            date_precision = rng.choice(["day", "day", "days", "week", "month"]) if day else "unknown"
            events.append((event(rng.choice("ABCD"), place=place, precision=precision, day=day,
                                 date_precision=date_precision, attacker=rng.choice(["UA", "RU", "unknown"]),
                                 text=rng.choice(["a drone hit a depot", "drones struck the depot", "a blast"]),
                                 flags=flags), rng.choice("ABCD")))
        indexed = [le.event_ids for le in merge_events(events)]
        with monkeypatch.context() as m:
            m.setattr(merge_mod._Clusters, "candidates", lambda self, _r: list(range(len(self.items))))
            every = [le.event_ids for le in merge_events(events)]
        assert indexed == every
        merged_rounds += any(len(ids) > 1 for ids in indexed)
    assert merged_rounds >= 10  # the blocks did merge reports: the comparison is not vacuous


def test_a_strike_its_own_article_tells_as_another_never_merges_with_the_first() -> None:
    first = event("A", text="a glide bomb hit a school in Lipovka")
    other = event("A", text="in a separate attack, a drone hit a shed in Lipovka")
    also = event("A", text="bombs also fell on two other streets")
    assert groups([(first, "A"), (other, "A"), (also, "A")]) == {frozenset({first.id}), frozenset({other.id}),
                                                                  frozenset({also.id})}
    # another outlet's telling of the same strike still merges with the first
    retold = event("B", text="a guided bomb struck a school in Lipovka")
    assert frozenset({first.id, retold.id}) in groups([(first, "A"), (retold, "B")])


def test_undated_denials_from_different_reports_stay_apart_unless_one_copies_the_other() -> None:
    def denial(article: str, text: str) -> Event:
        return event(article, place=REGION, precision="adm1", day=None, etype="Battles",
                     sub="Non-state actor overtakes territory", text=text, flags=("negated",))
    a = denial("A", "no positions had been lost in the district")
    b = denial("B", "our units did not leave the village")
    assert len(merge_events([(a, "A"), (b, "B")])) == 2
    copy = denial("C", "no positions had been lost in the district")
    assert groups([(a, "A"), (copy, "A")]) == {frozenset({a.id, copy.id})}  # a copy (same origin) of its words
    # a vow retold is still one statement
    vows = [event(k, place=REGION, precision="adm1", day=None, etype="Battles", sub="Armed clash",
                  text=t, flags=("future",)) for k, t in (("A", "vowed to push them out"), ("B", "pledged to expel"))]
    assert len(merge_events([(vows[0], "A"), (vows[1], "B")])) == 1
