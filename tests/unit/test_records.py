"""The records contract: validation against the value lists and a lossless round trip."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, strategies as st

from fogofwar import records as rec, vocab
from fogofwar.errors import RecordError

TEXT = "Russian forces repelled attacks near Sudzha, the ministry said."


def ev(start: int, end: int) -> rec.Evidence:
    return rec.Evidence(article_id="a" * 64, start=start, end=end, text=TEXT[start:end])


def test_records_are_frozen() -> None:
    e = ev(0, 14)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.start = 3  # type: ignore[misc]


def test_evidence_text_must_match_span_length() -> None:
    with pytest.raises(RecordError) as err:
        rec.Evidence(article_id="x", start=0, end=5, text="Russian")
    assert err.value.code == "E103"
    with pytest.raises(RecordError):
        rec.Evidence(article_id="x", start=5, end=2, text="")


@pytest.mark.parametrize("side", ["UA", "RU", "third_party", "unknown"])
def test_claimant_accepts_every_side(side: str) -> None:
    assert rec.Claimant(name="X", kind="person", side=side).side == side


def test_claimant_rejects_unlisted_side_and_kind() -> None:
    with pytest.raises(RecordError, match="E101"):
        rec.Claimant(name="X", kind="person", side="NATO")
    with pytest.raises(RecordError, match="claimant_kinds"):
        rec.Claimant(name="X", kind="oracle")


def test_event_subtype_must_belong_to_type() -> None:
    rec.Event(id="e", evidence=ev(0, 14), event_type="Battles", sub_event_type="Armed clash")
    with pytest.raises(RecordError) as err:
        rec.Event(id="e", evidence=ev(0, 14), event_type="Battles", sub_event_type="Air/drone strike")
    assert err.value.code == "E106"


def test_unknown_date_cannot_carry_a_date() -> None:
    assert rec.DateValue().precision == "unknown"
    with pytest.raises(RecordError, match="E104"):
        rec.DateValue(start="2024-08-07", precision="unknown")


def test_quantity_bounds_must_be_ordered() -> None:
    rec.Quantity(evidence=ev(0, 7), unit="km", qualifier="range", low=1, high=2)
    with pytest.raises(RecordError, match="E105"):
        rec.Quantity(evidence=ev(0, 7), unit="km", qualifier="range", low=3, high=2)


def test_precision_codes_map_to_acled_and_ucdp() -> None:
    assert vocab.acled_time_precision("day") == 1
    assert vocab.acled_time_precision("month") == 3
    assert vocab.ucdp_date_prec("year") == 5
    assert vocab.acled_geo_precision("point") == 1
    assert vocab.acled_geo_precision("adm1") == 3
    assert vocab.ucdp_where_prec("country") == 6


def test_acled_taxonomy_is_complete() -> None:
    types = vocab.table("event_types")
    assert len(types) == 6
    assert sum(len(v) for v in types.values()) == 25


def _claim() -> rec.Claim:
    quantity = rec.Quantity(evidence=ev(0, 7), unit="prisoners", qualifier="more_than", low=100.0,
                            measure="prisoners_taken")
    claimant = rec.Claimant(name="Ministry of Defence", kind="institution", side="RU", evidence=ev(41, 62))
    return rec.Claim(id="c1", evidence=ev(0, 62), claimant=claimant, cue="said", hedges=("reportedly",),
                     quantities=(quantity,), as_of=rec.DateValue(start="2024-08-12", end="2024-08-12",
                                                                precision="day"),
                     versions=rec.Versions(pipeline="0.1.0"))


def test_nested_record_round_trip() -> None:
    claim = _claim()
    data = rec.to_dict(claim)
    assert data["quantities"][0]["low"] == 100.0
    assert rec.from_dict(rec.Claim, data) == claim


@given(start=st.integers(0, len(TEXT)), length=st.integers(0, len(TEXT)),
       side=st.sampled_from(sorted(vocab.values("sides"))),
       precision=st.sampled_from(sorted(vocab.values("place_precision"))))
def test_round_trip_property(start: int, length: int, side: str, precision: str) -> None:
    end = min(len(TEXT), start + length)
    mention = rec.PlaceMention(id="m", evidence=ev(start, end), name=TEXT[start:end] or "x",
                               precision=precision,
                               place=rec.Place(id="geonames:1", name="Sudzha", kind="populated",
                                               latitude=51.19, longitude=35.27, admin1="RU-KRS"))
    actor = rec.Actor(name="Military Forces of Russia", side=side, inter=1)
    assert rec.from_dict(rec.PlaceMention, rec.to_dict(mention)) == mention
    assert rec.from_dict(rec.Actor, rec.to_dict(actor)) == actor
