"""The seed's events (issue: events on the seed article): what happened, who did it to whom,
where, and who reports it; vows and background stay flagged statements."""

from __future__ import annotations

import functools

import pytest

from fogofwar import claims, events, quantities

from ..conftest import SEED
from .seed import parsed_seed

pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")]


@functools.cache
def seed() -> tuple:
    article, doc, mentions = parsed_seed()
    found_quantities = quantities.find_quantities(article, doc)
    found_claims = claims.find_claims(article, doc, quantities=found_quantities, places=mentions)
    found = events.find_events(article, doc, places=mentions, claims=found_claims, quantities=found_quantities)
    return article, found, {c.id: c for c in found_claims}


def told(words: str) -> list:
    article, found, _ = seed()
    at = article.text.index(words)
    return [e for e in found if e.evidence.start <= at < e.evidence.end or at <= e.evidence.start < at + len(words)]


def sides(e) -> set[str]:
    return {a.side for a in (e.actor1, e.actor2) if a is not None}


def admin1(e) -> str | None:
    return e.place.place.admin1 if e.place is not None and e.place.place is not None else None


def reported_by(e) -> set[str]:
    by_id = seed()[2]
    return {by_id[i].claimant.side for i in e.claim_ids}


def test_the_advance_strikes_and_repelled_attacks() -> None:
    (advance,) = [e for e in told("We continue to advance further in the Kursk region") if not e.flags]
    assert advance.event_type == "Battles" and admin1(advance) == "RU-KRS" and sides(advance) == {"UA", "RU"}
    (su34,) = told("Sukhoi Su-34 bombers were also reported to strike Ukrainian positions")
    assert (su34.event_type, su34.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert admin1(su34) == "RU-KRS" and su34.actor1.side == "RU" and su34.actor2.side == "UA"
    (repelled,) = told("Russian forces later repelled a series of Ukrainian attacks")
    assert (repelled.event_type, repelled.sub_event_type) == ("Battles", "Armed clash")
    assert admin1(repelled) == "RU-KRS" and reported_by(repelled) == {"RU"}  # Moscow's report goes on


def test_drones_downed_one_event_per_region_each_with_the_total() -> None:
    downed = [e for e in seed()[1] if e.sub_event_type == "Disrupted weapons use"]
    assert sorted(admin1(e) for e in downed) == ["RU-BEL", "RU-KRS", "RU-NIZ", "RU-VOR"]
    assert all(sides(e) == {"UA", "RU"} and reported_by(e) == {"RU"} for e in downed)
    assert any(q.best == 117 for q in downed[0].quantities)


def test_airfields_security_emergency_and_corridors() -> None:
    (airfields,) = told("Some Ukrainian drones targeted four Russian military airfields")
    assert airfields.sub_event_type == "Air/drone strike" and reported_by(airfields) == {"UA"}
    security = told("Russia’s National Guard is enhancing security at the Kursk nuclear power plant")
    assert [(e.event_type, admin1(e)) for e in security] == [("Strategic developments", "RU-KRS")]
    (emergency,) = told("Belgorod governor Vyacheslav Gladkov has declared a state of emergency")
    assert emergency.event_type == "Strategic developments" and admin1(emergency) == "RU-BEL"
    (corridors,) = told("Kyiv would open humanitarian corridors")
    assert corridors.event_type == "Strategic developments" and corridors.actor1.side == "UA"


def test_vows_and_background_are_flagged_statements_not_battles() -> None:
    vows = told("has vowed to push out the Ukrainian troops")
    assert vows and all("future" in e.flags for e in vows)
    talks = told("potential future ceasefire talks")
    assert all("future" in e.flags for e in talks)  # talks that may come are no agreement made
    article, found, _ = seed()
    phrase = "who started a full-scale invasion of Ukraine in 2022"
    at = article.text.index(phrase)
    invasion = [e for e in found if at <= e.evidence.start < at + len(phrase)]
    assert invasion and all("historical" in e.flags for e in invasion)
