"""The ledger across articles does not depend on the order in which they arrive: the dev
half of the gold set ingested one article at a time, forwards and backwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar import pipeline
from fogofwar.config import Settings
from fogofwar.store import Store, open_store

from ..conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]
DEV = ROOT / "eval" / "gold" / "dev"


def ingest_one_by_one(rows: list[dict], db: Path, tmp: Path) -> Store:
    store = open_store(str(db))
    settings = Settings(db=str(db))
    for n, row in enumerate(rows):
        manifest = tmp / f"{db.stem}-{n}.jsonl"
        manifest.write_text(json.dumps({**row, "path": str(DEV / row["path"])}) + "\n", "utf-8")
        pipeline.ingest([], store=store, settings=settings, manifests=[str(manifest)])
    return store


def signature(store: Store) -> tuple[set, set]:
    def span(ev: dict) -> tuple:
        return ev["article_id"], ev["start"], ev["end"]

    events = {frozenset(e["event_ids"]) for e in store.ledger("ledger_event")}
    disagreements = {(d["status"], d["measure"], d["region"], span(d["a"]["quantity"]["evidence"]),
                      span(d["b"]["quantity"]["evidence"])) for d in store.ledger("disagreement")}
    return events, disagreements


def test_forwards_and_backwards_give_the_same_events_and_disagreements(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (DEV / "manifest.jsonl").read_text("utf-8").splitlines() if line.strip()]
    forwards = ingest_one_by_one(rows, tmp_path / "forwards.db", tmp_path)
    backwards = ingest_one_by_one(rows[::-1], tmp_path / "backwards.db", tmp_path)
    try:
        events, disagreements = signature(forwards)
        assert len(events) > 20 and any(len(e) > 1 for e in events)  # something merged
        assert any(d[0] == "disputed" for d in disagreements)
        assert signature(backwards) == (events, disagreements)
    finally:
        forwards.close()
        backwards.close()
