"""Claim timelines: intervals from qualifiers, updates versus disagreements."""

from __future__ import annotations

import itertools

import pytest

from fogofwar.records import Claim, Claimant, ClaimValue, DateValue, Evidence, Quantity
from fogofwar.timelines import agree, claim_values, contradictions, interval, timeline

_n = itertools.count()


def qty(text: str, qualifier: str = "exact", low: float | None = None, best: float | None = None,
        high: float | None = None, *, article: str = "A", start: int | None = None, relative_to: str | None = None,
        subject: str | None = "UA") -> Quantity:
    s = next(_n) * 50 if start is None else start
    return Quantity(evidence=Evidence(article_id=article, start=s, end=s + len(text), text=text), unit="km2",
                    qualifier=qualifier, low=low, best=best, high=high, measure="area_controlled_km2",
                    relative_to=relative_to, region="RU-BRY", subject_side=subject)


def value(q: Quantity, who: str, side: str, day: str | None, *, origin: str | None = None) -> ClaimValue:
    span = interval(q)
    return ClaimValue(claim_id=f"c{next(_n)}", article_id=q.evidence.article_id,
                      claimant=Claimant(name=who, kind="person", side=side), quantity=q,
                      as_of=DateValue(start=day, end=day, precision="day") if day else DateValue(),
                      origin=origin or q.evidence.article_id, low=span[0], high=span[1])


@pytest.mark.parametrize(("q", "expected"), [
    (qty("117", "exact", 117, 117, 117), (117, 117)),
    (qty("around 200", "approximately", None, 200, None), (190, 210)),
    (qty("more than 100", "more_than", 100, None, None), (100, None)),
    (qty("up to 300", "up_to", None, None, 300), (0, 300)),
    (qty("from one to two", "range", 1, None, 2), (1, 2)),
])
def test_intervals_respect_qualifiers(q: Quantity, expected: tuple) -> None:
    low, high = interval(q)
    assert low == pytest.approx(expected[0]) and (high == pytest.approx(expected[1]) if expected[1] else high is None)


def test_relative_figure_is_a_share_of_its_referent() -> None:
    ref = qty("1,200 km2", "exact", 1200, 1200, 1200)
    half = qty("less than half", "relative", None, None, 0.5, relative_to="1,200 km2")
    assert interval(half, ref) == (0.0, 600.0)
    assert interval(half) is None  # without its referent it says nothing


def test_more_than_agrees_with_a_larger_exact_figure_but_not_a_smaller_one() -> None:
    over = value(qty("more than 100", "more_than", 100), "A", "UA", "2024-09-01")
    assert agree(over, value(qty("102", "exact", 102, 102, 102), "B", "RU", "2024-09-01"))
    assert not agree(over, value(qty("60", "exact", 60, 60, 60), "B", "RU", "2024-09-01"))


def test_same_claimant_later_is_an_update_other_side_same_time_a_disagreement() -> None:
    values = [value(qty("900", "exact", 900, 900, 900), "General K", "UA", "2024-08-20"),
              value(qty("1,050", "exact", 1050, 1050, 1050), "General K", "UA", "2024-09-05"),
              value(qty("400", "exact", 400, 400, 400), "Governor P", "RU", "2024-09-02"),
              value(qty("around 1,000", "approximately", None, 1000, None), "Analyst Q", "third_party", "2024-09-05")]
    line = timeline(values, measure="area_controlled_km2", unit="km2", region="RU-BRY")
    found = contradictions(line)
    updates = [(d.a.claimant.name, d.b.claimant.name) for d in found if d.status == "updated"]
    disputes = {frozenset((d.a.claimant.name, d.b.claimant.name)) for d in found if d.status == "disputed"}
    assert updates == [("General K", "General K")]
    # 400 (2nd) is within a week of K's 1,050 and Q's ~1,000, which agree; K's 900 is weeks older
    assert disputes == {frozenset({"General K", "Governor P"}), frozenset({"Analyst Q", "Governor P"})}


def test_undated_figures_and_different_subjects_are_never_disputes() -> None:
    a = value(qty("900", "exact", 900, 900, 900), "General K", "UA", "2024-09-01")
    undated = value(qty("400", "exact", 400, 400, 400), "Governor P", "RU", None)
    other_subject = value(qty("400", "exact", 400, 400, 400, subject="RU"), "Governor P", "RU", "2024-09-01")
    line = timeline([a, undated, other_subject], measure="area_controlled_km2", unit="km2", region="RU-BRY")
    assert [d for d in contradictions(line) if d.status == "disputed"] == []


def test_claim_values_leave_out_the_figure_another_one_is_a_share_of() -> None:
    text = "less than half of the 1,200 km2 claimed by Kyiv"
    half = qty("less than half", "relative", None, None, 0.5, start=0, relative_to="1,200 km2", subject=None)
    ref = qty("1,200 km2", "exact", 1200, 1200, 1200, start=text.index("1,200"), subject="UA")
    claim = Claim(id="c", evidence=Evidence(article_id="A", start=0, end=len(text), text=text),
                  claimant=Claimant(name="Analyst Q", kind="person", side="third_party"), cue="said",
                  quantities=(half, ref), as_of=DateValue(start="2024-09-05", end="2024-09-05", precision="day"))
    (v,) = claim_values(claim, origin="A", outlets=(), article_quantities=(half, ref),
                        measure="area_controlled_km2", unit="km2", region="RU-BRY")
    assert v.quantity.evidence == half.evidence and (v.low, v.high) == (0.0, 600.0)
    assert v.quantity.subject_side == "UA"  # a share of the area Ukraine holds is about Ukraine's control


def test_a_figure_of_the_claimants_own_that_another_is_measured_against_stays_theirs() -> None:
    text = "losses had been no more than 40 and their units lost twice as many"
    own = qty("no more than 40", "up_to", None, None, 40, start=text.index("no more"), subject="RU")
    twice = qty("twice", "relative", None, 2, None, start=text.index("twice"), relative_to="no more than 40",
                subject="UA")
    claim = Claim(id="c", evidence=Evidence(article_id="A", start=0, end=len(text), text=text),
                  claimant=Claimant(name="Major T", kind="person", side="RU"), cue="said",
                  quantities=(own, twice), as_of=DateValue(start="2024-11-08", end="2024-11-08", precision="day"))
    found = claim_values(claim, origin="A", outlets=(), article_quantities=(own, twice),
                         measure="area_controlled_km2", unit="km2", region="RU-BRY")
    assert [(v.quantity.evidence.text, v.quantity.subject_side) for v in found] == [
        ("no more than 40", "RU"), ("twice", "UA")]  # each keeps whose losses it counts


def test_figures_of_no_known_measure_are_compared_only_within_one_report() -> None:
    import dataclasses

    def other(text: str, n: float, article: str) -> Quantity:
        return dataclasses.replace(qty(text, "exact", n, n, n, article=article), measure="other", unit="people")

    values = [value(other("600", 600, "A"), "Volunteer M", "UA", "2024-10-02"),
              value(other("2,500", 2500, "A"), "Appointed official S", "RU", "2024-10-02"),
              value(other("9,000", 9000, "B"), "Mayor T", "RU", "2024-10-03")]
    line = timeline(values, measure="other", unit="people", region="UA-14")
    found = contradictions(line)
    # side by side in article A they dispute; article B's figure may count something else entirely
    assert [(d.status, {d.a.quantity.evidence.text, d.b.quantity.evidence.text}) for d in found] == [
        ("disputed", {"600", "2,500"})]
    # on a measure of the vocabulary the same figures across reports do dispute
    known = timeline([dataclasses.replace(v, quantity=dataclasses.replace(v.quantity, measure="evacuated_people"))
                      for v in values], measure="evacuated_people", unit="people", region="UA-14")
    assert len([d for d in contradictions(known) if d.status == "disputed"]) == 2


def test_approximate_figures_allow_five_percent() -> None:
    about = value(qty("about 1,000", "approximately", None, 1000, None), "A", "UA", "2024-09-01")
    assert agree(about, value(qty("1,050", "exact", 1050, 1050, 1050), "B", "RU", "2024-09-01"))
    around = value(qty("around 420", "approximately", None, 420, None), "C", "third_party", "2024-09-01")
    assert not agree(around, value(qty("about 500", "approximately", None, 500, None), "D", "UA", "2024-09-01"))
