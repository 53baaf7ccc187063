"""The quality gate: every half of the gold set scores at or above its pinned floors.

Floors live in eval/baseline.json with each half's hash; they rise with
`fogofwar eval --update-baseline` and fall only with --allow-lower and a reason.
"""

from __future__ import annotations

import json

import pytest

from fogofwar import evaluate

from ..conftest import ROOT

GOLD = ROOT / "eval" / "gold"
BASELINE = json.loads((ROOT / "eval" / "baseline.json").read_text("utf-8"))
HALVES = sorted(p.name for p in GOLD.iterdir() if (p / "manifest.jsonl").is_file())


def test_both_halves_exist_and_are_pinned() -> None:
    assert HALVES == ["dev", "heldout", "heldout2"]
    assert sorted(BASELINE["halves"]) == HALVES
    for half in HALVES:
        assert (GOLD / half / "HASH").read_text().strip() == evaluate.gold_hash(GOLD / half)


def test_gold_set_meets_the_quotas() -> None:
    manifests = [json.loads(line) for half in HALVES
                 for line in (GOLD / half / "manifest.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert len(manifests) >= 40
    counts: dict[str, int] = {}
    for half in HALVES:
        for line in (GOLD / half / "annotations.jsonl").read_text("utf-8").splitlines():
            for tag in json.loads(line).get("hard_cases", []):
                counts[tag] = counts.get(tag, 0) + 1
    short = {tag: n for tag, n in counts.items() if n < 5}
    assert not short, short
    assert len(counts) >= 19


@pytest.mark.parametrize("half", HALVES)
def test_scores_meet_the_pinned_floors(half: str) -> None:
    report = evaluate.evaluate(GOLD / half)
    failures = evaluate.check_baseline(report, BASELINE)
    assert not failures, "\n".join(failures)
