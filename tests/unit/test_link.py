"""The link stage over a store (both engines): blocks relinked from scratch, the same ledger
whatever the order of arrival, and the readers the CLI and API use."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from fogofwar import link, pipeline
from fogofwar import records as rec
from fogofwar.config import Settings
from fogofwar.store import Store

VILLAGE = rec.Place(id="v", name="Lipovka", kind="populated", country="RU", admin1="RU-BRY", latitude=52.0, longitude=33.0)
REGION = rec.Place(id="r", name="Bryansk Oblast", kind="adm1", country="RU", admin1="RU-BRY")
TEXTS = {
    "A": "A drone struck a fuel depot in Lipovka on Monday. The ministry said its forces hold 40 settlements.",
    "B": "Officials said a drone hit the fuel depot at Lipovka on Monday. Kyiv says it holds 95 settlements.",
    "C": "An artillery barrage hit Lipovka on Wednesday. A monitor put the number at 40 settlements.",
}
CLAIMANTS = {"A": ("Defence ministry", "RU"), "B": ("General staff", "UA"), "C": ("Border monitor", "third_party")}


def put(store: Store, key: str) -> str:
    text = TEXTS[key]
    a = rec.Article(id=f"{key}{'0' * 63}"[:64], text=text, published="2024-09-04")
    store.put_document(article=a, report=rec.Report(id=f"r{key}", article_id=a.id, variant_id=a.id, outlet=f"Outlet {key}"),
                       raw=None)
    first = text.split(".")[0]
    ev = rec.Evidence(article_id=a.id, start=0, end=len(first), text=first)
    where = text.index("Lipovka")
    mention = rec.PlaceMention(id=f"m{key}", name="Lipovka", place=VILLAGE, precision="point",
                               evidence=rec.Evidence(article_id=a.id, start=where, end=where + 7, text="Lipovka"))
    day = "2024-09-02" if key != "C" else "2024-09-04"
    sub = "Air/drone strike" if key != "C" else "Shelling/artillery/missile attack"
    who, side = CLAIMANTS[key]
    claim_text = text.split(". ")[1]
    cstart = text.index(claim_text)
    figure = claim_text.split()[-2] + " settlements"
    fstart = text.index(figure)
    q = rec.Quantity(evidence=rec.Evidence(article_id=a.id, start=fstart, end=fstart + len(figure), text=figure),
                     unit="settlements", low=float(figure.split()[0]), best=float(figure.split()[0]),
                     high=float(figure.split()[0]), measure="settlements_controlled", region="RU-BRY", subject_side="UA")
    claim = rec.Claim(id=f"c{key}", claimant=rec.Claimant(name=who, kind="institution", side=side), cue="said",
                      evidence=rec.Evidence(article_id=a.id, start=cstart, end=cstart + len(claim_text), text=claim_text),
                      quantities=(q,), as_of=rec.DateValue(start="2024-09-04", end="2024-09-04", precision="day"))
    event = rec.Event(id=f"e{key}", evidence=ev, event_type="Explosions/Remote violence", sub_event_type=sub,
                      actor1=rec.Actor(name="Ukrainian forces", side="UA"), place=mention,
                      date=rec.DateValue(start=day, end=day, precision="day"), claim_ids=(claim.id,))
    versions = rec.Versions(pipeline="test")
    store.replace_derived(a.id, "events", [(event.id, "event", event)], versions)
    store.replace_derived(a.id, "claims", [(claim.id, "claim", claim)], versions)
    return a.id


def ledger(store: Store) -> dict[str, list]:
    return {kind: sorted((p for p in store.ledger(kind)), key=lambda p: str(p.get("id", p.get("claim_id"))))
            for kind in ("ledger_event", "timeline", "disagreement", "grade")}


def test_reports_of_one_strike_merge_and_figures_dispute(store: Store) -> None:
    ids = [put(store, k) for k in "ABC"]
    pipeline.link_articles(ids, store=store, settings=Settings())
    events = list(link.ledger_events(store))
    assert sorted(len(e.event_ids) for e in events) == [1, 2]
    merged = next(e for e in events if len(e.event_ids) == 2)
    found, reports = link.find_ledger_event(store, "eA")
    assert found.id == merged.id and [r.id for r in reports] == ["eA", "eB"]
    ((line, found_here),) = link.conflicts(store, measure="settlements_controlled")
    # by as-of date, then claimant
    assert [v.quantity.evidence.text for v in line.values] == ["40 settlements", "40 settlements", "95 settlements"]
    disputed = {frozenset((d.a.claimant.side, d.b.claimant.side)) for d in found_here if d.status == "disputed"}
    assert disputed == {frozenset({"RU", "UA"}), frozenset({"UA", "third_party"})}
    assert link.conflicts(store, regions={"UA-63"}) == []
    assert len(link.conflicts(store, regions={"RU"})) == 1
    claim = rec.from_dict(rec.Claim, next(p for _a, p in store.records("claim") if p["id"] == "cA"))
    grade = link.grade_of(store, claim, Settings())
    assert (grade.reliability, grade.credibility) == ("C", 3)  # the monitor agrees, Kyiv does not
    assert store.unstaged_ids(["link"]) == []


def test_the_ledger_does_not_depend_on_arrival_order(store: Store, tmp_path) -> None:
    from fogofwar.store import open_store

    for key in "ABC":
        pipeline.link_articles([put(store, key)], store=store, settings=Settings())
    other = open_store(str(tmp_path / "reverse.db"))
    try:
        for key in "CBA":
            pipeline.link_articles([put(other, key)], store=other, settings=Settings())
        assert ledger(other) == ledger(store)
    finally:
        other.close()


def test_relinking_after_a_change_drops_what_no_longer_holds(store: Store) -> None:
    ids = [put(store, k) for k in "AB"]
    pipeline.link_articles(ids, store=store, settings=Settings())
    assert [len(e.event_ids) for e in link.ledger_events(store)] == [2]
    store.replace_derived(ids[1], "events", [], rec.Versions(pipeline="test"))  # B's event is gone
    pipeline.link_articles([ids[1]], store=store, settings=Settings())
    assert [e.event_ids for e in link.ledger_events(store)] == [("eA",)]


def test_flagged_statements_merge_apart_from_events(store: Store) -> None:
    ids = [put(store, k) for k in "AB"]
    for aid, key in zip(ids, "AB", strict=True):
        text = store.text(aid)
        ev = rec.Evidence(article_id=aid, start=0, end=9, text=text[:9])
        vow = rec.Event(id=f"vow{key}", evidence=ev, event_type="Battles", sub_event_type="Armed clash",
                        actor1=rec.Actor(name="Russian forces", side="RU"), flags=("future",),
                        place=rec.PlaceMention(id=f"p{key}", evidence=ev, name="Bryansk Oblast", place=REGION,
                                               precision="adm1"))
        events = [(rid, "event", rec.from_dict(rec.Event, p)) for rid, _k, p in store.derived(aid, "events")]
        store.replace_derived(aid, "events", [*events, (vow.id, "event", vow)], rec.Versions(pipeline="test"))
    pipeline.link_articles(ids, store=store, settings=Settings())
    assert all(not e.flags for e in link.ledger_events(store))
    (vows,) = [e for e in link.ledger_events(store, flagged=True) if e.flags]
    assert vows.flags == ("future",) and set(vows.event_ids) == {"vowA", "vowB"}


def test_a_block_lock_makes_a_second_writer_wait(store: Store) -> None:
    """Two processes relinking one block cannot interleave their read and their write."""
    other = Store(store.db)
    holding, order = threading.Event(), []

    def second() -> None:
        holding.wait(10)
        with other.block_lock("ev|Battles|Armed clash|RU-BRY"):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with store.block_lock("ev|Battles|Armed clash|RU-BRY"):
            holding.set()
            time.sleep(0.3)  # the second writer asks for the lock meanwhile
            order.append("first")
        thread.join(30)
    finally:
        other.close()
    assert order == ["first", "second"]


def test_every_block_is_read_and_replaced_under_its_lock(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [put(store, k) for k in "ABC"]
    locked: list[str] = []
    real = store.block_lock

    @contextlib.contextmanager
    def recording(block: str):  # noqa: ANN202
        with real(block) as conn:
            locked.append(block)
            yield conn

    monkeypatch.setattr(store, "block_lock", recording)
    summary = link.update(store, Settings(), ids)
    assert summary.blocks == len(locked) == len(set(locked)) >= 3
    assert {b for b in locked if b.startswith("ms|")} and {b for b in locked if b.startswith("ev|")}


def test_a_block_read_before_another_process_changed_it_is_computed_again(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The block is computed outside its lock; if it holds other records by the time the lock
    is taken (another process linked a report into it meanwhile), it is computed again."""
    ids = [put(store, k) for k in "AB"]
    pipeline.link_articles(ids, store=store, settings=Settings())
    expected = ledger(store)
    real = store.block_members

    def stale(block: str, stage: str, *, conn: object = None) -> list:
        rows = real(block, stage, conn=conn)
        return rows if conn is not None else rows[:1]  # the unlocked read misses a report

    monkeypatch.setattr(store, "block_members", stale)
    link.update(store, Settings(), ids)
    assert ledger(store) == expected
    assert [len(e.event_ids) for e in link.ledger_events(store)] == [2]
