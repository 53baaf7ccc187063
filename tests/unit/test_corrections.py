"""Analyst corrections over stores built by hand: they survive `reprocess` (stages that derive
the same records again, uncorrected), the link stage honours merges and splits, corrections
whose evidence is gone are listed as orphans, and the API names who made each one."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fogofwar import corrections, link, pipeline
from fogofwar import records as rec
from fogofwar.auth import ApiToken, parse_token, read_tokens
from fogofwar.cli import cli
from fogofwar.config import Settings
from fogofwar.errors import ConfigError, StoreError
from fogofwar.store import Store

VILLAGE = rec.Place(id="v", name="Lipovka", kind="populated", country="RU", admin1="RU-BRY", latitude=52.0, longitude=33.0)
SUDZHA = rec.Place(id="s", name="Sudzha", kind="populated", country="RU", admin1="RU-KRS", latitude=51.2, longitude=35.3)
STRIKE, SHELLING = "Air/drone strike", "Shelling/artillery/missile attack"
# key: text, event sub-type, event day, claimant (or None)
SPEC: dict[str, tuple[str, str, str, tuple[str, str] | None]] = {
    "A": ("A drone struck a fuel depot in Lipovka on Monday. The ministry said its forces hold 40 settlements.",
          STRIKE, "2024-09-02", ("Defence ministry", "RU")),
    "B": ("Officials said a drone hit the fuel depot at Lipovka on Monday. Kyiv says it holds 95 settlements.",
          STRIKE, "2024-09-02", ("General staff", "UA")),
    "C": ("An artillery barrage hit Lipovka on Wednesday. A monitor put the number at 40 settlements.",
          SHELLING, "2024-09-04", ("Border monitor", "third_party")),
    "D": ("Artillery shelled Lipovka again on Thursday. Residents said nothing more.", SHELLING, "2024-09-05", None),
}
GONE: set[str] = set()  # record ids the fake stages no longer find (evidence gone)
RUNS: Counter[str] = Counter()


class Gazetteer:
    def get(self, place_id: str) -> rec.Place | None:
        return {"s": SUDZHA, "v": VILLAGE}.get(place_id)


def _span(aid: str, text: str, part: str) -> rec.Evidence:
    start = text.index(part)
    return rec.Evidence(article_id=aid, start=start, end=start + len(part), text=part)


def derive(article: rec.Article) -> dict[str, list[tuple[str, str, Any]]]:
    """What the places, claims and events stages find in one article, uncorrected."""
    key = article.id[0].upper()
    text, sub, day, who = SPEC[key]
    aid = article.id
    mention = rec.PlaceMention(id=f"m{key}", name="Lipovka", place=VILLAGE, precision="point",
                               evidence=_span(aid, text, "Lipovka"))
    first, second = text.split(". ", 1)
    claims = []
    if who is not None and f"c{key}" not in GONE:
        figure = " ".join(second.split()[-2:]).rstrip(".")
        value = float(figure.split()[0])
        q = rec.Quantity(evidence=_span(aid, text, figure), unit="settlements", low=value, best=value, high=value,
                         measure="settlements_controlled", region="RU-BRY", subject_side="UA")
        claims.append(rec.Claim(id=f"c{key}", claimant=rec.Claimant(name=who[0], kind="institution", side=who[1]),
                                cue="said", evidence=_span(aid, text, second), quantities=(q,),
                                as_of=rec.DateValue(start="2024-09-04", end="2024-09-04", precision="day")))
    event = rec.Event(id=f"e{key}", evidence=_span(aid, text, first), event_type="Explosions/Remote violence",
                      sub_event_type=sub, actor1=rec.Actor(name="Ukrainian forces", side="UA"), place=mention,
                      date=rec.DateValue(start=day, end=day, precision="day"), claim_ids=tuple(c.id for c in claims))
    return {"places": [(mention.id, "place_mention", mention)], "claims": [(c.id, "claim", c) for c in claims],
            "events": [] if f"e{key}" in GONE else [(event.id, "event", event)]}


def _fake(stage: str) -> pipeline.Stage:
    def run(article: rec.Article, _ctx: pipeline.StageContext) -> Iterator[tuple[str, str, Any]]:
        RUNS[stage] += 1
        yield from derive(article)[stage]

    return pipeline.Stage(stage, "test", run)


@pytest.fixture(autouse=True)
def fake_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stages that reprocess runs: the same records from the same words, no model needed."""
    GONE.clear()
    RUNS.clear()
    monkeypatch.setattr(pipeline, "STAGES", {name: _fake(name) for name in ("places", "claims", "events")})


def put(store: Store, key: str) -> str:
    aid = key.lower() * 64
    article = rec.Article(id=aid, text=SPEC[key][0], published="2024-09-06", language="en")
    store.put_document(article=article, raw=None, report=rec.Report(id=f"r{key}", article_id=aid, variant_id=aid,
                                                                     outlet=f"Outlet {key}"))
    for stage, records in derive(article).items():
        store.replace_derived(aid, stage, records, rec.Versions(pipeline="test"))
    return aid


@pytest.fixture
def ledger(store: Store) -> Store:
    pipeline.link_articles([put(store, k) for k in "ABCD"], store=store, settings=Settings())
    return store


def fix(store: Store, target: str, record_id: str, **kwargs: Any) -> rec.Correction:
    kwargs.setdefault("by", "alice")
    kwargs.setdefault("reason", "checked against the footage")
    return corrections.correct(store, Settings(db=store.db), target=target, record_id=record_id,
                               gazetteer=Gazetteer(), **kwargs)


def stored(store: Store, kind: str, record_id: str) -> Any:
    (found,) = [p for _a, p in store.records(kind) if p["id"] == record_id]
    return rec.from_dict({"claim": rec.Claim, "event": rec.Event, "place_mention": rec.PlaceMention}[kind], found)


def reports(store: Store) -> list[tuple[str, ...]]:
    return sorted(e.event_ids for e in link.ledger_events(store))


def ledger_event(store: Store, report: str) -> rec.LedgerEvent:
    found = link.find_ledger_event(store, report)
    assert found is not None
    return found[0]


def reprocess(store: Store, tmp_path: Path) -> str:
    result = CliRunner().invoke(cli, ["--db", store.db, "reprocess", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# --- done when ------------------------------------------------------------------------------------

def test_a_place_a_merge_and_a_side_survive_reprocess_and_are_audited_once(ledger: Store, tmp_path: Path) -> None:
    assert reports(ledger) == [("eA", "eB"), ("eC",), ("eD",)]
    fix(ledger, "event", "eC", field="place", value="s")  # another region: another block
    fix(ledger, "merge", "eC", other_id="eD")  # a day apart: the rules keep them apart
    fix(ledger, "claim", "cA", field="side", value="UA")

    def check() -> None:
        assert reports(ledger) == [("eA", "eB"), ("eC", "eD")]
        merged = ledger_event(ledger, "eD")
        assert merged.place.place == SUDZHA and merged.corrected == ("place", "merged")
        event = stored(ledger, "event", "eC")
        assert event.place.place == SUDZHA and event.corrected == ("place",)
        claim = stored(ledger, "claim", "cA")
        assert claim.claimant.side == "UA" and claim.corrected == ("side",)

    check()
    before = dict(RUNS)
    out = reprocess(ledger, tmp_path)
    assert RUNS["events"] > before.get("events", 0) and "orphaned" not in out  # derived again, uncorrected
    check()
    log = corrections.audit(ledger)
    assert [(e.correction.target, e.correction.field, e.applies) for e in log] == [
        ("event", "place", True), ("merge", "events", True), ("claim", "side", True)]
    assert len({e.correction.id for e in log}) == 3
    assert (log[0].correction.old_value["id"], log[0].correction.new_value["id"]) == ("v", "s")
    assert (log[1].correction.old_value, log[1].correction.new_value) == ("different", "same")
    listed = CliRunner().invoke(cli, ["--db", ledger.db, "audit", "--json"])
    assert [json.loads(line)["correction"]["field"] for line in listed.output.splitlines()] == ["place", "events", "side"]


def test_a_correction_whose_evidence_is_gone_is_an_orphan(ledger: Store, tmp_path: Path) -> None:
    fix(ledger, "claim", "cC", field="side", value="RU")
    fix(ledger, "claim", "cB", field="assessed", value="true")
    GONE.add("cC")  # a better claims stage no longer finds this claim
    out = reprocess(ledger, tmp_path)
    assert "orphaned_corrections 1" in out and "audit --orphans" in out
    assert [c.field for c in corrections.orphans(ledger)] == ["side"]
    runner = CliRunner()
    lost = runner.invoke(cli, ["--db", ledger.db, "audit", "--orphans"])
    assert lost.exit_code == 0 and "ORPHAN" in lost.output and "1 correction(s), 1 orphan(s)" in lost.output
    assert "monitor put the number" in lost.output and "assessed" not in lost.output
    everything = runner.invoke(cli, ["--db", ledger.db, "audit"])
    assert "2 correction(s), 1 orphan(s)" in everything.output
    assert stored(ledger, "claim", "cB").assessed is True


# --- what can be corrected ------------------------------------------------------------------------

def test_claim_fields_and_a_figure_reach_the_timelines(ledger: Store) -> None:
    fix(ledger, "claim", "cA", field="claimant", value="General Staff of Russia")
    fix(ledger, "claim", "cA", field="quantity", value="45")
    claim = stored(ledger, "claim", "cA")
    assert claim.claimant.name == "General Staff of Russia" and claim.quantities[0].best == 45
    assert claim.corrected == ("claimant", "quantity@84-98")
    ((line, _d),) = link.conflicts(ledger, measure="settlements_controlled")
    assert sorted(v.quantity.best for v in line.values) == [40, 45, 95]
    fix(ledger, "claim", "cA", field="quantity@84-98", value="40..50")
    q = stored(ledger, "claim", "cA").quantities[0]
    assert (q.low, q.best, q.high, q.qualifier) == (40, None, 50, "range")


def test_event_fields(ledger: Store) -> None:
    fix(ledger, "event", "eD", field="type", value="Battles / Armed clash")
    fix(ledger, "event", "eD", field="actor2", value="Russian forces (RU)")
    fix(ledger, "event", "eD", field="date", value="2024-09-01..2024-09-03")
    fix(ledger, "event", "eC", field="flags", value="historical")
    event = stored(ledger, "event", "eD")
    assert (event.event_type, event.sub_event_type, event.actor2.side) == ("Battles", "Armed clash", "RU")
    assert (event.date.start, event.date.end, event.date.precision) == ("2024-09-01", "2024-09-03", "days")
    battle = ledger_event(ledger, "eD")
    assert battle.event_type == "Battles" and battle.corrected == ("type", "actor2", "date")
    assert [e.event_ids for e in link.ledger_events(ledger, flagged=True) if e.flags] == [("eC",)]


def test_a_place_mention_and_the_events_it_places(ledger: Store) -> None:
    fix(ledger, "place", "mA", value="s")
    assert stored(ledger, "place_mention", "mA").place == SUDZHA
    assert stored(ledger, "event", "eA").place.place == SUDZHA  # its event follows: another region
    assert reports(ledger) == [("eA",), ("eB",), ("eC",), ("eD",)]


def test_a_split_keeps_reports_apart_until_a_later_merge(ledger: Store, tmp_path: Path) -> None:
    fix(ledger, "split", ledger_event(ledger, "eA").id, other_id="eB")  # a ledger id stands for its first report
    assert reports(ledger) == [("eA",), ("eB",), ("eC",), ("eD",)]
    assert all(ledger_event(ledger, r).corrected == ("split",) for r in ("eA", "eB"))
    reprocess(ledger, tmp_path)
    assert reports(ledger) == [("eA",), ("eB",), ("eC",), ("eD",)]
    fix(ledger, "merge", "eB", other_id="eA")  # the latest word on a pair wins
    assert reports(ledger) == [("eA", "eB"), ("eC",), ("eD",)]


def test_a_record_found_with_a_slightly_longer_span_is_corrected_again(ledger: Store) -> None:
    c = fix(ledger, "claim", "cB", field="side", value="RU")
    claim = stored(ledger, "claim", "cB")
    text = ledger.text(claim.evidence.article_id)
    start = claim.evidence.start - len("Monday. ")
    wider = dataclasses.replace(claim, claimant=dataclasses.replace(claim.claimant, side="UA"), corrected=(),
                                evidence=rec.Evidence(article_id=claim.evidence.article_id, start=start,
                                                      end=claim.evidence.end, text=text[start:claim.evidence.end]))
    ((_rid, _kind, again),) = corrections.apply([("cB", "claim", wider)], [c])
    assert again.claimant.side == "RU" and again.corrected == ("side",)
    elsewhere = dataclasses.replace(wider, evidence=rec.Evidence(article_id=claim.evidence.article_id, start=0,
                                                                 end=10, text=text[:10]))
    assert corrections.apply([("cB", "claim", elsewhere)], [c])[0][2] == elsewhere


@pytest.mark.parametrize(("target", "record_id", "changes", "code"), [
    ("claim", "cA", {"field": "side", "value": "NATO"}, "E410"),
    ("claim", "cA", {"field": "cue", "value": "said"}, "E410"),
    ("claim", "cA", {"field": "quantity@0-3", "value": "5"}, "E410"),
    ("claim", "cA", {"field": "quantity", "value": "many"}, "E410"),
    ("event", "eA", {"field": "type", "value": "Battles / Air/drone strike"}, "E410"),
    ("event", "eA", {"field": "date", "value": "2024-13-01"}, "E410"),
    ("event", "eA", {"field": "flags", "value": "rumoured"}, "E410"),
    ("event", "eA", {"field": "place", "value": "nowhere"}, "E410"),
    ("event", "eA", {"field": "side", "value": "UA", "reason": " "}, "E410"),
    ("merge", "eA", {"other_id": "eA"}, "E410"),
    ("claim", "cZ", {"field": "side", "value": "UA"}, "E307"),
])
def test_bad_corrections_are_refused_and_not_logged(ledger: Store, target: str, record_id: str,
                                                    changes: dict[str, str], code: str) -> None:
    with pytest.raises((ConfigError, StoreError)) as caught:
        fix(ledger, target, record_id, **changes)
    assert caught.value.code == code
    assert ledger.corrections() == []


def test_correction_records_round_trip() -> None:
    ev = rec.Evidence(article_id="a" * 64, start=0, end=3, text="abc")
    c = rec.Correction(id="x", at="2024-09-06T10:00:00+00:00", by="alice", target="merge", anchor=ev,
                       other=dataclasses.replace(ev, start=1, end=4), field="events", new_value="same",
                       old_value="different", reason="one strike")
    assert rec.from_dict(rec.Correction, json.loads(json.dumps(rec.to_dict(c)))) == c
    with pytest.raises(ValueError):
        dataclasses.replace(c, other=None)


# --- the command line --------------------------------------------------------------------------------

def test_cli_corrects_and_reports_errors_in_one_line(ledger: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOGOFWAR_USER", "bob")
    runner = CliRunner()
    base = ["--db", ledger.db, "correct"]
    done = runner.invoke(cli, [*base, "claim", "cA", "--field", "side", "--value", "UA", "--reason", "video"])
    assert done.exit_code == 0 and "side: RU -> UA (by bob" in done.output
    as_json = runner.invoke(cli, [*base, "event", "eC", "--field", "actor1", "--value", "Russian forces (RU)",
                                  "--reason", "r", "--by", "carol", "--json"])
    assert json.loads(as_json.output)["by"] == "carol"
    merged = runner.invoke(cli, [*base, "merge", "eC", "eD", "--reason", "one barrage"])
    assert merged.exit_code == 0 and "different -> same" in merged.output
    bad = runner.invoke(cli, [*base, "event", "eC", "--field", "colour", "--value", "red", "--reason", "r"])
    assert bad.exit_code == 1 and "E410" in bad.output and "type | actor1" in bad.output
    missing = runner.invoke(cli, [*base, "claim", "cA", "--field", "side", "--value", "UA"])
    assert missing.exit_code == 2 and "--reason" in missing.output
    log = runner.invoke(cli, ["--db", ledger.db, "audit"])
    assert "3 correction(s)" in log.output and "bob" in log.output and "why: one barrage" in log.output


def test_cli_place_correction_reads_the_gazetteer(ledger: Store) -> None:
    done = CliRunner().invoke(cli, ["--db", ledger.db, "correct", "place", "mC", "--value", "iso3166-2:RU-KRS",
                                    "--reason", "the barrage was across the border", "-q"])
    assert done.exit_code == 0, done.output
    mention = stored(ledger, "place_mention", "mC")
    assert (mention.place.admin1, mention.precision) == ("RU-KRS", "adm1")


# --- the API: tokens name who made a change -------------------------------------------------------------

def test_tokens_from_options_and_files(tmp_path: Path) -> None:
    assert parse_token("alice:s3cret") == ApiToken("alice", "s3cret") and parse_token("s3cret").name == "admin"
    assert read_tokens(["# who", "alice a1", "bob b2 read", ""]) == [ApiToken("alice", "a1"),
                                                                    ApiToken("bob", "b2", write=False)]
    with pytest.raises(ConfigError):
        read_tokens(["carol c3 admin"])
    assert "a1" not in repr(ApiToken("alice", "a1"))


def test_api_corrections_need_a_write_token_and_record_its_name(ledger: Store) -> None:
    from fogofwar.api import create_app

    from .test_api import error, make_client

    app = create_app(Settings(db=ledger.db), token="alice:w1", tokens=[ApiToken("reader", "r1", write=False)])
    body = {"target": "claim", "id": "cA", "field": "side", "value": "UA", "reason": "video"}
    with make_client(app) as client:
        error(client.post("/corrections", json=body), 401, "E405")
        error(client.post("/corrections", json=body, headers={"Authorization": "Bearer nope"}), 401, "E405")
        error(client.post("/corrections", json=body, headers={"Authorization": "Bearer r1"}), 403, "E411")
        error(client.post("/corrections", json={**body, "by": "mallory"}, headers={"Authorization": "Bearer w1"}),
              422, "E404")
        error(client.post("/corrections", json={**body, "value": "NATO"}, headers={"Authorization": "Bearer w1"}),
              400, "E410")
        made = client.post("/corrections", json=body, headers={"Authorization": "Bearer w1"})
        assert made.status_code == 201 and made.json()["by"] == "alice"
        merged = client.post("/corrections", json={"target": "merge", "id": "eC", "other": "eD", "reason": "r"},
                             headers={"Authorization": "Bearer w1"})
        assert merged.status_code == 201, merged.text
        error(client.get("/audit"), 401, "E405")
        log = client.get("/audit", headers={"Authorization": "Bearer r1"}).json()
        assert [(i["correction"]["by"], i["correction"]["field"], i["applies"]) for i in log["items"]] == [
            ("alice", "side", True), ("alice", "events", True)]
        events = client.get("/events").json()["items"]
        assert sorted(e["event_ids"] for e in events) == [["eA", "eB"], ["eC", "eD"]]
        claims = client.get("/claims", params={"article": "aaaa"}).json()["items"]
        assert claims[0]["claim"]["claimant"]["side"] == "UA" and claims[0]["claim"]["corrected"] == ["side"]
    with make_client(create_app(Settings(db=ledger.db), token="alice:w1", read_only=True)) as client:
        error(client.post("/corrections", json=body, headers={"Authorization": "Bearer w1"}), 403, "E406")
