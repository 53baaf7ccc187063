"""Scoring against a small gold half written here, with a stage that emits known records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogofwar import evaluate, pipeline, records as rec
from fogofwar.errors import ConfigError

from ..conftest import write

ART_A = ("Ukrainian forces shelled positions near Sudzha on Tuesday, the regional governor said.\n"
         "He said more than 100 people were evacuated from Korenevo.\n"
         "Buses took families to temporary shelters in the regional capital, where volunteers handed out food.\n"
         "GIPHY App Key not set. Please check settings")
ART_B = "Wire copy.\n" + ART_A.rsplit("\n", 1)[0]


def gold_half(root: Path) -> Path:
    half = root / "dev"
    write(half / "articles" / "a.txt", ART_A)
    write(half / "articles" / "b.txt", ART_B)
    manifest = [{"path": "articles/a.txt", "outlet": "One", "published": "2024-08-13", "language": "en"},
                {"path": "articles/b.txt", "outlet": "Two", "language": "en"}]
    sudzha = {"text": "Sudzha", "occurrence": 1, "kind": "toponym", "name": "Sudzha", "country": "RU",
              "admin1": "RU-KRS", "latitude": 51.19, "longitude": 35.27, "precision": "near", "small_village": False}
    korenevo = {**sudzha, "text": "Korenevo", "name": "Korenevo", "latitude": 51.41, "longitude": 34.91,
                "precision": "point"}
    qty = {"text": "more than 100", "occurrence": 1, "unit": "people", "qualifier": "more_than", "low": 100,
           "best": None, "high": None, "measure": "evacuated_people"}
    claim = {"text": "the regional governor said", "occurrence": 1, "claimant": "regional governor", "kind": "person",
             "side": "unknown", "cue": "said"}
    event = {"id": "E1", "text": "Ukrainian forces shelled positions near Sudzha", "occurrence": 1,
             "event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
             "actor1": {"name": "Military Forces of Ukraine", "side": "UA", "inter": 1}, "actor2": None,
             "place": "Sudzha", "admin1": "RU-KRS", "place_precision": "near", "flags": [], "real_event": "shelling-1"}
    annotations = [
        {"path": "articles/a.txt", "copy_of": None, "published": "2024-08-13", "language": "en",
         "junk_lines": ["GIPHY App Key not set. Please check settings"], "places": [sudzha, korenevo],
         "quantities": [qty], "claims": [claim], "events": [event]},
        # A copy is annotated in full, like any article.
        {"path": "articles/b.txt", "copy_of": "articles/a.txt", "published": None, "language": "en",
         "junk_lines": [], "places": [sudzha, korenevo], "quantities": [qty], "claims": [claim], "events": [event]},
    ]
    write(half / "manifest.jsonl", "".join(json.dumps(r) + "\n" for r in manifest))
    write(half / "annotations.jsonl", "".join(json.dumps(r) + "\n" for r in annotations))
    write(half / "measures.jsonl", "")
    return half


def _fake_stage(article: rec.Article, _ctx: Any) -> Iterator[tuple[str, str, Any]]:
    """Knows two places (one resolved 60 km off), one quantity, one claim, one event."""
    text = article.text

    def ev(needle: str) -> rec.Evidence:
        start = text.index(needle)
        return rec.Evidence(article_id=article.id, start=start, end=start + len(needle), text=needle)

    if "Sudzha" not in text:
        return
    near = rec.Place(id="p1", name="Sudzha", kind="populated", country="RU", admin1="RU-KRS",
                     latitude=51.20, longitude=35.28)
    off = rec.Place(id="p2", name="Korenevo", kind="populated", country="RU", admin1="RU-KRS",
                    latitude=51.9, longitude=34.9)
    yield "m1", "place_mention", rec.PlaceMention(id="m1", evidence=ev("Sudzha"), name="Sudzha", place=near,
                                                  precision="near")
    yield "m2", "place_mention", rec.PlaceMention(id="m2", evidence=ev("Korenevo"), name="Korenevo", place=off,
                                                  precision="point")
    yield "q1", "quantity", rec.Quantity(evidence=ev("more than 100"), unit="people", qualifier="more_than", low=100)
    yield "c1", "claim", rec.Claim(id="c1", evidence=ev("the regional governor said"), cue="said",
                                   claimant=rec.Claimant(name="regional governor", kind="person", side="RU",
                                                         evidence=ev("the regional governor")))
    yield "e1", "event", rec.Event(id=f"e-{article.id[:12]}", evidence=ev("Ukrainian forces shelled positions"),
                                   event_type="Explosions/Remote violence",
                                   sub_event_type="Shelling/artillery/missile attack",
                                   actor1=rec.Actor(name="Military Forces of Ukraine", side="UA", inter=1),
                                   place=rec.PlaceMention(id="m1", evidence=ev("Sudzha"), name="Sudzha", place=near,
                                                          precision="near"))


@pytest.fixture
def fake_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the fake stage runs, so that the scores depend on what it emits alone."""
    monkeypatch.setattr(pipeline, "STAGES", {"fake": pipeline.Stage("fake", "1", _fake_stage)})


@pytest.fixture
def no_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "STAGES", {})


def test_scores_follow_the_definitions(tmp_path: Path, fake_stage: None) -> None:
    report = evaluate.evaluate(gold_half(tmp_path))
    s = report.scores
    assert s["ingest"] == {"junk_removed": 1.0, "published_exact": 1.0, "language": 1.0, "copies_linked": 1.0,
                           "false_copy_links": 0.0}
    assert s["places"]["place_accuracy"] == 0.5  # Korenevo resolved 55 km away
    assert s["places"]["place_precision_code"] == 1.0
    assert s["quantities"]["quantity_exact"] == 1.0
    assert s["claims"]["claim_recall"] == 1.0 and s["claims"]["claim_precision"] == 1.0
    assert s["claims"]["claim_side"] == 0.0  # predicted RU, gold unknown
    assert s["events"]["event_f1"] == 1.0
    # Both reports of the shelling are separate records until a linking stage merges them.
    assert s["merging"]["records_per_real_event"] == 2.0
    assert s["disputes"]["dispute_recall"] is None
    details = [i.detail for i in report.items]
    assert any("Korenevo" in d for d in details) and any("side RU" in d for d in details)


def test_nothing_predicted_scores_zero_not_perfect(tmp_path: Path, no_stages: None) -> None:
    report = evaluate.evaluate(gold_half(tmp_path), stages=("places", "claims", "events"))
    assert report.scores["places"]["place_accuracy"] == 0.0
    assert report.scores["claims"]["claim_f1"] == 0.0
    assert report.scores["events"]["event_f1"] == 0.0


def test_gate_refuses_to_lower_a_floor_silently(tmp_path: Path, no_stages: None) -> None:
    report = evaluate.evaluate(gold_half(tmp_path), stages=("ingest",))
    baseline = evaluate.update_baseline(report, {})
    assert evaluate.check_baseline(report, baseline) == []
    baseline["halves"]["dev"]["floors"]["ingest"]["junk_removed"] = 1.5
    assert evaluate.check_baseline(report, baseline) == ["dev ingest.junk_removed: 1.0 below its floor 1.5"]
    with pytest.raises(ConfigError, match="below their floors"):
        evaluate.update_baseline(report, baseline)
    with pytest.raises(ConfigError, match="--reason"):
        evaluate.update_baseline(report, baseline, allow_lower=True)
    lowered = evaluate.update_baseline(report, baseline, allow_lower=True, reason="test", when="2026-01-01")
    assert lowered["lowered"] == [{"half": "dev", "metric": "ingest.junk_removed", "from": 1.5, "to": 1.0,
                                   "reason": "test", "date": "2026-01-01"}]


def test_ceilings_and_hash(tmp_path: Path, no_stages: None) -> None:
    half = gold_half(tmp_path)
    report = evaluate.evaluate(half, stages=("ingest",))
    baseline = evaluate.update_baseline(report, {})
    write(half / "articles" / "a.txt", ART_A + "\nOne more line about the front.")
    changed = evaluate.evaluate(half, stages=("ingest",))
    assert any("gold hash" in f for f in evaluate.check_baseline(changed, baseline))
    baseline["halves"]["dev"]["floors"]["ingest"]["false_copy_links"] = -1.0
    assert any("above its ceiling" in f for f in evaluate.check_baseline(report, baseline))


@pytest.mark.parametrize("name", ["heldout", "heldout2"])
def test_a_held_out_half_that_was_edited_is_not_re_pinned_silently(tmp_path: Path, no_stages: None,
                                                                   name: str) -> None:
    half = gold_half(tmp_path).rename(tmp_path / name)
    baseline = evaluate.update_baseline(evaluate.evaluate(half, stages=("ingest",)), {})
    write(half / "articles" / "a.txt", ART_A + "\nOne more line about the front.")
    edited = evaluate.evaluate(half, stages=("ingest",))
    with pytest.raises(ConfigError, match="must not be edited"):
        evaluate.update_baseline(edited, baseline)
    repinned = evaluate.update_baseline(edited, baseline, allow_lower=True, reason="re-annotated", when="2026-01-01")
    assert repinned["halves"][name]["hash"] == edited.hash and repinned["lowered"][-1]["metric"] == "hash"


def test_unknown_stage_and_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="E402"):
        evaluate.evaluate(gold_half(tmp_path), stages=("nope",))
    with pytest.raises(ConfigError, match="manifest"):
        evaluate.evaluate(tmp_path)


def test_locate_counts_occurrences() -> None:
    text = "Kursk region. Kursk  city."
    assert evaluate.locate(text, "Kursk", 2) == (14, 19)
    assert evaluate.locate(text, "Orel") is None


def test_target_gaps_are_reported(tmp_path: Path, no_stages: None) -> None:
    report = evaluate.evaluate(gold_half(tmp_path), stages=("ingest", "places"))
    baseline = {"targets": {"places.place_accuracy": [">=", 0.9], "ingest.junk_removed": [">=", 0.5],
                            "ingest.false_copy_links": ["<=", 0]}}
    assert evaluate.target_gaps(report, baseline) == ["places.place_accuracy 0.0 (target >= 0.9)"]
