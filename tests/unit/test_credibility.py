"""Credibility grades: source reliability from the table, credibility from independent
corroboration; copies and repeated outlets never corroborate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar import credibility
from fogofwar.errors import ConfigError
from fogofwar.records import Claimant, ClaimValue, DateValue, Evidence, Quantity

TABLE = credibility.table()


def value(who: str, side: str, figure: float, *, origin: str, kind: str = "institution",
          via: str | None = None, day: str = "2024-09-03") -> ClaimValue:
    ev = Evidence(article_id=origin, start=0, end=len(str(figure)), text=str(figure))
    q = Quantity(evidence=ev, unit="drones", low=figure, best=figure, high=figure, measure="drones_downed",
                 region="RU-BRY")
    return ClaimValue(claim_id=f"{who}-{origin}", article_id=origin,
                      claimant=Claimant(name=who, kind=kind, side=side, via_outlet=via), quantity=q,
                      as_of=DateValue(start=day, end=day, precision="day"), origin=origin, low=figure, high=figure)


def grades(values: list[ClaimValue]) -> dict[str, tuple[str, int]]:
    return {g.claim_id: (g.reliability, g.credibility) for g in credibility.grade_values(values, TABLE)}


def test_belligerent_officials_are_never_graded_a() -> None:
    letter, why = credibility.reliability(Claimant(name="Ministry", kind="institution", side="RU"), TABLE)
    assert letter == "C"
    tab = credibility.Table(**{**{f: getattr(TABLE, f) for f in TABLE.__slots__},
                               "claimants": {"ministry": "A"}})
    assert credibility.reliability(Claimant(name="Ministry", kind="institution", side="RU"), tab)[0] == "C"
    assert credibility.reliability(Claimant(name="Ministry", kind="institution", side="third_party"), tab)[0] == "A"


def test_anonymous_source_through_an_outlet_is_graded_below_the_outlet() -> None:
    anon = Claimant(name="a security source", kind="anonymous", side="UA", via_outlet="Reuters")
    assert credibility.reliability(anon, TABLE)[0] == "C"  # Reuters is B in the packaged table


def test_corroboration_across_sides_confirms_and_a_lone_figure_cannot_be_judged() -> None:
    ru = value("Ministry", "RU", 30, origin="A")
    ua = value("Air Force", "UA", 30, origin="B")
    alone = value("Governor", "RU", 7, origin="C", day="2024-08-01")
    got = grades([ru, ua, alone])
    assert got[ru.claim_id][1] == 1 and got[ua.claim_id][1] == 1
    assert got[alone.claim_id][1] == 6
    assert len({g for g in got.values()}) > 1  # grades are not all the same


def test_syndicated_copies_and_one_outlet_repeating_another_never_corroborate() -> None:
    original = value("Ministry", "RU", 30, origin="A")
    copy = value("Ministry", "RU", 30, origin="A")  # a near copy: same original article
    repeat = value("Ministry", "RU", 30, origin="B")  # another outlet repeating the same ministry
    assert set(grades([original, copy, repeat]).values()) == {("C", 6)}
    anon_a = value("a security source", "UA", 30, origin="C", kind="anonymous", via="Reuters")
    anon_b = value("a security source", "UA", 30, origin="D", kind="anonymous", via="Reuters")
    assert {g[1] for g in grades([anon_a, anon_b]).values()} == {6}


def test_disagreement_lowers_credibility() -> None:
    ru = value("Ministry", "RU", 30, origin="A")
    ua = value("Air Force", "UA", 5, origin="B")
    third = value("Monitor", "third_party", 5, origin="C")
    got = grades([ru, ua, third])
    assert got[ru.claim_id][1] == 5  # disputed by two independent sides, agreed by none
    assert got[ua.claim_id][1] == 3  # agreed by the monitor, disputed by the ministry


def test_a_users_table_overrides_entries_and_bad_grades_are_refused(tmp_path: Path) -> None:
    mine = tmp_path / "grades.json"
    mine.write_text(json.dumps({"outlets": {"Harbour Post": "A"}, "kinds": {"blogger": "E"}}))
    tab = credibility.table(str(mine))
    assert tab.outlets["harbour post"] == "A" and tab.kinds["blogger"] == "E" and tab.kinds["military"] == "C"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kinds": {"blogger": "Z"}}))
    with pytest.raises(ConfigError):
        credibility.table(str(bad))
