"""Evaluation against the gold set; the metrics are defined once, in eval/README.md.

``evaluate(half_dir)`` runs the pipeline on one half of the gold set into a
temporary store and scores every stage, with a per-item diff of what was missed
or wrong. Predictions are read from the derived records of the store by kind:
``place_mention``, ``quantity``, ``claim``, ``event`` (one record each, as
:func:`records.to_dict`), and, across articles, ``ledger_event``
(``{"event_ids": [...]}``) and ``disagreement`` (``{"measure", "admin1",
"claim_ids": [...]}``).
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import records as rec
from .config import Settings
from .errors import ConfigError

__all__ = ["EvalReport", "Item", "evaluate", "gold_hash", "check_baseline", "update_baseline", "target_gaps", "STAGES", "CEILINGS"]

STAGES = ("ingest", "places", "quantities", "claims", "events", "merging", "disputes")
KM = 25.0  # resolution tolerance for points, eval/README.md
# Metrics that count errors: their baseline value is a ceiling, not a floor.
CEILINGS = frozenset({"false_copy_links", "flag_false_events", "wrong_merges", "updates_called_disputes",
                      "records_per_real_event"})


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the per-item diff."""

    stage: str
    path: str
    status: str  # missed | wrong | extra
    detail: str


@dataclass(slots=True)
class EvalReport:
    half: str
    hash: str
    articles: int
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"half": self.half, "hash": self.hash, "articles": self.articles, "scores": self.scores,
                "items": [{"stage": i.stage, "path": i.path, "status": i.status, "detail": i.detail}
                          for i in self.items]}


def gold_hash(half: Path) -> str:
    """sha256 over the half's files in sorted path order (SCHEME.md, HASH)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in half.rglob("*") if p.is_file() and p.name != "HASH"):
        digest.update(path.relative_to(half).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _ratio(good: int, total: int) -> float | None:
    return round(good / total, 4) if total else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The code-point span of the n-th occurrence of ``needle`` (whitespace-normalised)."""
    needle = " ".join(needle.split())
    if not needle:
        return None
    start, found = -1, None
    for _ in range(max(1, occurrence)):
        start = text.find(needle, start + 1)
        if start < 0:
            break
        found = (start, start + len(needle))
    return found


def _overlaps(a: tuple[int, int] | None, start: int, end: int) -> bool:
    return a is not None and a[0] < end and start < a[1]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(slots=True)
class _Doc:
    path: str
    gold: dict[str, Any]
    article: rec.Article | None
    predicted: dict[str, list[dict[str, Any]]]


def evaluate(half_dir: Path, *, stages: tuple[str, ...] = STAGES, settings: Settings | None = None) -> EvalReport:
    """Run the pipeline on one half and score the given stages."""
    from . import pipeline
    from .store import open_store

    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ConfigError("E402", name=unknown[0], known=", ".join(STAGES))
    manifest = half_dir / "manifest.jsonl"
    if not manifest.is_file():
        raise ConfigError("E401", detail=f"{half_dir} has no manifest.jsonl: is it a half of the gold set?")
    gold = {row["path"]: row for row in _jsonl(half_dir / "annotations.jsonl")}
    with tempfile.TemporaryDirectory() as tmp:
        settings = (settings or Settings()).with_(db=str(Path(tmp) / "eval.db"))
        store = open_store(settings.db)
        try:
            ids: dict[str, str | None] = {}

            def seen(outcome: pipeline.Outcome) -> None:
                ids[str(Path(outcome.source).resolve().relative_to(half_dir.resolve()))] = outcome.article_id

            pipeline.ingest([], store=store, settings=settings, manifests=[str(manifest)], on_outcome=seen)
            docs = [_load_doc(store, path, row, ids.get(path)) for path, row in sorted(gold.items())]
            ledger = _ledger(store)
        finally:
            store.close()
    report = EvalReport(half=half_dir.name, hash=gold_hash(half_dir), articles=len(docs))
    measures = _jsonl(half_dir / "measures.jsonl")
    scorers = {"ingest": _score_ingest, "places": _score_places, "quantities": _score_quantities,
               "claims": _score_claims, "events": _score_events}
    for stage in stages:
        if stage in scorers:
            report.scores[stage] = scorers[stage](docs, report.items)
        elif stage == "merging":
            report.scores[stage] = _score_merging(docs, ledger, report.items)
        else:
            report.scores[stage] = _score_disputes(docs, ledger, measures, report.items)
    return report


def _load_doc(store: Any, path: str, gold: dict[str, Any], article_id: str | None) -> _Doc:
    predicted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    article = None
    if article_id is not None:
        article = store.article(article_id)
        for stage in _derived_stages():
            for _rid, kind, payload in store.derived(article.id, stage):
                predicted[kind].append(payload)
    return _Doc(path, gold, article, predicted)


def _derived_stages() -> list[str]:
    from .pipeline import STAGES as PIPELINE_STAGES

    return list(PIPELINE_STAGES)


def _ledger(store: Any) -> dict[str, list[dict[str, Any]]]:
    return {kind: list(store.ledger(kind)) for kind in ("ledger_event", "disagreement")}


# --- ingest ---------------------------------------------------------------------

def _score_ingest(docs: list[_Doc], items: list[Item]) -> dict[str, float | None]:
    junk_total = junk_ok = date_ok = lang_ok = copies = copies_ok = false_links = 0
    by_path = {d.path: d for d in docs}
    for d in docs:
        a, g = d.article, d.gold
        if a is None:
            items.append(Item("ingest", d.path, "missed", "article was not stored"))
            continue
        for line in g.get("junk_lines", []):
            junk_total += 1
            if " ".join(line.split()) in a.text:
                items.append(Item("ingest", d.path, "wrong", f"junk line kept: {line!r}"))
            else:
                junk_ok += 1
        if (a.published or None) and a.published[:10] == g.get("published") or (a.published is None and g.get("published") is None):
            date_ok += 1
        else:
            items.append(Item("ingest", d.path, "wrong", f"published {a.published!r}, gold {g.get('published')!r}"))
        if a.language == g.get("language"):
            lang_ok += 1
        else:
            items.append(Item("ingest", d.path, "wrong", f"language {a.language!r}, gold {g.get('language')!r}"))
        original = by_path.get(g["copy_of"]) if g.get("copy_of") else None
        if g.get("copy_of"):
            copies += 1
            if original and original.article and (a.canonical_id == original.article.id or a.id == original.article.id):
                copies_ok += 1
            else:
                items.append(Item("ingest", d.path, "missed", f"not linked as a copy of {g['copy_of']}"))
        elif a.canonical_id is not None:
            false_links += 1
            items.append(Item("ingest", d.path, "wrong", "linked as a copy but gold names no original"))
    n = sum(1 for d in docs if d.article is not None)
    return {"junk_removed": _ratio(junk_ok, junk_total), "published_exact": _ratio(date_ok, n),
            "language": _ratio(lang_ok, n), "copies_linked": _ratio(copies_ok, copies),
            "false_copy_links": float(false_links)}


# --- places -----------------------------------------------------------------------

def _place_right(g: dict[str, Any], place: dict[str, Any] | None, precision: str) -> bool:
    if not place:
        return False
    prec = g.get("precision")
    if prec in ("point", "near") or g.get("kind") == "facility":
        lat, lon = place.get("latitude"), place.get("longitude")
        if lat is not None and lon is not None and g.get("latitude") is not None:
            if _km(lat, lon, g["latitude"], g["longitude"]) <= KM:
                return True
        return bool(g.get("small_village")) and place.get("admin1") == g.get("admin1") and precision in ("adm2", "adm1", "near")
    if prec == "country":
        return place.get("country") == g.get("country")
    return place.get("admin1") == g.get("admin1")


def _score_places(docs: list[_Doc], items: list[Item]) -> dict[str, float | None]:
    total = right = prec_ok = predicted = predicted_ok = 0
    for d in docs:
        if d.article is None:
            continue
        text = d.article.text
        gold_spans = []
        for g in d.gold.get("places", []):
            total += 1
            span = locate(text, g["text"], g.get("occurrence", 1))
            gold_spans.append(span)
            hits = [p for p in d.predicted["place_mention"]
                    if _overlaps(span, p["evidence"]["start"], p["evidence"]["end"])]
            ok = [p for p in hits if _place_right(g, p.get("place"), p.get("precision", "unknown"))]
            if ok:
                right += 1
                prec_ok += ok[0].get("precision") == g.get("precision")
            else:
                status = "wrong" if hits else "missed"
                items.append(Item("places", d.path, status, f"{g['text']!r} → {g.get('name')} ({g.get('admin1')})"))
        for p in d.predicted["place_mention"]:
            predicted += 1
            if any(_overlaps(s, p["evidence"]["start"], p["evidence"]["end"]) for s in gold_spans):
                predicted_ok += 1
            else:
                items.append(Item("places", d.path, "extra", repr(p["evidence"]["text"])))
    return {"place_accuracy": _ratio(right, total), "place_precision_code": _ratio(prec_ok, right),
            "place_precision": _ratio(predicted_ok, predicted)}


# --- quantities -------------------------------------------------------------------

def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6


def _score_quantities(docs: list[_Doc], items: list[Item]) -> dict[str, float | None]:
    total = exact = 0
    for d in docs:
        if d.article is None:
            continue
        for g in d.gold.get("quantities", []):
            total += 1
            span = locate(d.article.text, g["text"], g.get("occurrence", 1))
            hits = [q for q in d.predicted["quantity"] if _overlaps(span, q["evidence"]["start"], q["evidence"]["end"])]
            if any(q["unit"] == g["unit"] and q["qualifier"] == g["qualifier"]
                   and all(_same_value(q.get(k), g.get(k)) for k in ("low", "best", "high")) for q in hits):
                exact += 1
            else:
                items.append(Item("quantities", d.path, "wrong" if hits else "missed",
                                  f"{g['text']!r}: {g['unit']} {g['qualifier']} {g.get('low')}/{g.get('best')}/{g.get('high')}"))
    return {"quantity_exact": _ratio(exact, total)}


# --- claims -----------------------------------------------------------------------

def _claim_span(c: dict[str, Any]) -> tuple[int, int]:
    ev = (c.get("claimant") or {}).get("evidence") or c["evidence"]
    return ev["start"], ev["end"]


def _score_claims(docs: list[_Doc], items: list[Item]) -> dict[str, float | None]:
    gold_n = pred_n = matched_gold = matched_pred = side_ok = cue_ok = 0
    for d in docs:
        if d.article is None:
            continue
        preds = d.predicted["claim"]
        pred_n += len(preds)
        used: set[int] = set()
        for g in d.gold.get("claims", []):
            gold_n += 1
            span = locate(d.article.text, g["text"], g.get("occurrence", 1))
            match = next((i for i, c in enumerate(preds) if i not in used and _overlaps(span, *_claim_span(c))), None)
            if match is None:
                items.append(Item("claims", d.path, "missed", f"{g['text']!r} ({g.get('claimant')}, {g.get('side')})"))
                continue
            used.add(match)
            matched_gold += 1
            c = preds[match]
            side_ok += c["claimant"]["side"] == g.get("side")
            cue_ok += c.get("cue") == g.get("cue")
            if c["claimant"]["side"] != g.get("side"):
                items.append(Item("claims", d.path, "wrong", f"{g['text']!r}: side {c['claimant']['side']}, gold {g.get('side')}"))
        matched_pred += len(used)
        for i, c in enumerate(preds):
            if i not in used:
                items.append(Item("claims", d.path, "extra", repr(c["evidence"]["text"][:80])))
    precision, recall = _ratio(matched_pred, pred_n), _ratio(matched_gold, gold_n)
    return {"claim_precision": precision, "claim_recall": recall,
            "claim_f1": _f1(precision, recall) if pred_n else (0.0 if gold_n else None),
            "claim_side": _ratio(side_ok, matched_gold), "claim_cue": _ratio(cue_ok, matched_gold)}


# --- events -----------------------------------------------------------------------

def _sides(e: dict[str, Any]) -> set[str]:
    return {a["side"] for a in (e.get("actor1"), e.get("actor2")) if a and a.get("side") not in (None, "unknown")}


def _event_matches(g: dict[str, Any], e: dict[str, Any]) -> bool:
    if (e["event_type"], e["sub_event_type"]) != (g["event_type"], g["sub_event_type"]):
        return False
    if _sides(e) != _sides(g):
        return False
    place = ((e.get("place") or {}).get("place")) or {}
    if g.get("admin1") and place.get("admin1") != g.get("admin1"):
        return False
    return True


def _score_events(docs: list[_Doc], items: list[Item]) -> dict[str, float | None]:
    gold_n = pred_n = matched = type_hits = flagged = flag_ok = false_events = 0
    for d in docs:
        if d.article is None:
            continue
        text = d.article.text
        preds = d.predicted["event"]
        unflagged = [e for e in preds if not e.get("flags")]
        pred_n += len(unflagged)
        used: set[int] = set()
        for g in d.gold.get("events", []):
            span = locate(text, g["text"], g.get("occurrence", 1))
            overlapping = [i for i, e in enumerate(preds)
                           if _overlaps(span, e["evidence"]["start"], e["evidence"]["end"])]
            if g.get("flags"):
                flagged += 1
                if any(sorted(preds[i].get("flags", [])) == sorted(g["flags"]) for i in overlapping):
                    flag_ok += 1
                else:
                    items.append(Item("events", d.path, "missed", f"flagged {g['flags']}: {g['text'][:70]!r}"))
                false_events += sum(1 for i in overlapping if not preds[i].get("flags"))
                continue
            gold_n += 1
            if any((preds[i]["event_type"], preds[i]["sub_event_type"]) == (g["event_type"], g["sub_event_type"])
                   for i in overlapping):
                type_hits += 1
            match = next((i for i in overlapping if i not in used and not preds[i].get("flags")
                          and _event_matches(g, preds[i])), None)
            if match is None:
                items.append(Item("events", d.path, "wrong" if overlapping else "missed",
                                  f"{g['event_type']}/{g['sub_event_type']} at {g.get('place')}: {g['text'][:70]!r}"))
            else:
                used.add(match)
                matched += 1
    precision, recall = _ratio(matched, pred_n), _ratio(matched, gold_n)
    return {"event_precision": precision, "event_recall": recall,
            "event_f1": _f1(precision, recall) if pred_n else (0.0 if gold_n else None),
            "event_type_recall": _ratio(type_hits, gold_n), "flag_accuracy": _ratio(flag_ok, flagged),
            "flag_false_events": float(false_events)}


# --- across reports ------------------------------------------------------------------

def _matched_events(docs: list[_Doc]) -> dict[str, str]:
    """Predicted event id -> gold real_event id, for predictions overlapping a gold event."""
    out: dict[str, str] = {}
    for d in docs:
        if d.article is None:
            continue
        for g in d.gold.get("events", []):
            span = locate(d.article.text, g["text"], g.get("occurrence", 1))
            for e in d.predicted["event"]:
                if g.get("real_event") and _overlaps(span, e["evidence"]["start"], e["evidence"]["end"]):
                    out.setdefault(e["id"], g["real_event"])
    return out


def _score_merging(docs: list[_Doc], ledger: dict[str, list[dict[str, Any]]],
                   items: list[Item]) -> dict[str, float | None]:
    matched = _matched_events(docs)
    groups_of: dict[str, set[str]] = defaultdict(set)
    wrong = 0
    for n, group in enumerate(ledger["ledger_event"]):
        reals = {matched[i] for i in group.get("event_ids", []) if i in matched}
        for real in reals:
            groups_of[real].add(f"group:{n}")
        if len(reals) > 1:
            wrong += 1
            items.append(Item("merging", "-", "wrong", f"merged different real events: {sorted(reals)}"))
    for event_id, real in matched.items():  # a prediction in no group is a group of its own
        if not any(event_id in g.get("event_ids", []) for g in ledger["ledger_event"]):
            groups_of[real].add(f"solo:{event_id}")
    per_real = [len(v) for v in groups_of.values()]
    return {"records_per_real_event": round(sum(per_real) / len(per_real), 4) if per_real else None,
            "wrong_merges": float(wrong)}


def _gold_value_spans(docs: list[_Doc], m: dict[str, Any]) -> list[tuple[str, tuple[int, int]]]:
    """(article id, span) of each of a gold measure's values that can be found."""
    by_path = {d.path: d for d in docs}
    out = []
    for v in m.get("values", []):
        d = by_path.get(v.get("path"))
        if d is None or d.article is None:
            continue
        span = locate(d.article.text, v["quantity"], v.get("occurrence", 1))
        if span is not None:
            out.append((d.article.id, span))
    return out


def _holds(disagreement: dict[str, Any], spans: list[tuple[str, tuple[int, int]]]) -> int:
    """How many of the gold values a disagreement's two figures are."""
    held = 0
    for side in ("a", "b"):
        ev = disagreement[side]["quantity"]["evidence"]
        if any(aid == ev["article_id"] and _overlaps(span, ev["start"], ev["end"]) for aid, span in spans):
            held += 1
    return held


def _score_disputes(docs: list[_Doc], ledger: dict[str, list[dict[str, Any]]], measures: list[dict[str, Any]],
                    items: list[Item]) -> dict[str, float | None]:
    found = [d for d in ledger["disagreement"] if d.get("status") == "disputed"]
    disputed = [m for m in measures if m.get("status") == "disputed"]
    recalled = 0
    for m in disputed:
        spans = _gold_value_spans(docs, m)
        if any(d["measure"] == m["measure"] and d.get("region") == m.get("admin1") and _holds(d, spans) == 2
               for d in found):
            recalled += 1
        else:
            items.append(Item("disputes", "-", "missed", f"{m['measure']} in {m.get('admin1')}"))
    updates_wrong = 0
    for m in measures:
        if m.get("status") != "updated":
            continue
        spans = _gold_value_spans(docs, m)
        wrong = [d for d in found if d["measure"] == m["measure"] and _holds(d, spans) == 2]
        if wrong:
            updates_wrong += 1
            items.append(Item("disputes", "-", "wrong", f"an update of {m['measure']} called a disagreement"))
    return {"dispute_recall": _ratio(recalled, len(disputed)), "updates_called_disputes": float(updates_wrong)}


# --- the gate ------------------------------------------------------------------------

def check_baseline(report: EvalReport, baseline: dict[str, Any]) -> list[str]:
    """Why this report fails the pinned floors (and ceilings) and hash; empty when it passes."""
    pinned = baseline.get("halves", {}).get(report.half)
    if pinned is None:
        return [f"{report.half}: no baseline pinned; run `fogofwar eval --update-baseline`"]
    failures = []
    if pinned.get("hash") != report.hash:
        failures.append(f"{report.half}: gold hash {report.hash[:12]} differs from the pinned "
                        f"{str(pinned.get('hash'))[:12]}; the gold set changed without its baseline")
    for stage, floors in pinned.get("floors", {}).items():
        if stage not in report.scores:
            continue  # not scored in this run (eval --stage)
        for metric, floor in floors.items():
            value = report.scores.get(stage, {}).get(metric)
            if floor is None:
                continue
            if value is None:
                failures.append(f"{report.half} {stage}.{metric}: no score, floor {floor}")
            elif metric in CEILINGS and value > floor + 1e-9:
                failures.append(f"{report.half} {stage}.{metric}: {value} above its ceiling {floor}")
            elif metric not in CEILINGS and value < floor - 1e-9:
                failures.append(f"{report.half} {stage}.{metric}: {value} below its floor {floor}")
    return failures


def update_baseline(report: EvalReport, baseline: dict[str, Any], *, allow_lower: bool = False,
                    reason: str | None = None, when: str | None = None) -> dict[str, Any]:
    """Pin this report's scores: floors only rise (ceilings only fall) unless lowering is
    explicitly allowed with a reason, which is kept under ``lowered``."""
    import copy
    import datetime as dt

    out = copy.deepcopy(baseline)
    half = out.setdefault("halves", {}).setdefault(report.half, {"floors": {}})
    lowered = []
    for stage, scores in report.scores.items():
        floors = half["floors"].setdefault(stage, {})
        for metric, value in scores.items():
            old = floors.get(metric)
            worse = old is not None and (value is None or (value > old if metric in CEILINGS else value < old))
            if worse:
                lowered.append({"half": report.half, "metric": f"{stage}.{metric}", "from": old, "to": value})
                if not allow_lower:
                    continue
            floors[metric] = value
    if lowered and allow_lower:
        if not reason:
            raise ConfigError("E401", detail="lowering a floor needs --reason")
        stamp = when or dt.date.today().isoformat()
        out.setdefault("lowered", []).extend({**entry, "reason": reason, "date": stamp} for entry in lowered)
    elif lowered:
        raise ConfigError("E401", detail="these scores are below their floors: "
                          + ", ".join(f"{e['metric']} {e['from']}→{e['to']}" for e in lowered)
                          + "; fix the regression, or pass --allow-lower with --reason")
    if half.get("hash") not in (None, report.hash) and report.half.startswith("heldout"):
        # A held-out half is written blind and pinned once: a new hash means it was edited.
        if not (allow_lower and reason):
            raise ConfigError("E401", detail="the held-out half's hash changed; it must not be edited. "
                              "Pass --allow-lower with --reason to re-pin it knowingly")
        out.setdefault("lowered", []).append({"half": report.half, "metric": "hash", "from": half["hash"],
                                              "to": report.hash, "reason": reason,
                                              "date": when or dt.date.today().isoformat()})
    half["hash"] = report.hash
    return out


def target_gaps(report: EvalReport, baseline: dict[str, Any]) -> list[str]:
    """Targets of baseline["targets"] this report does not meet yet (reported, not gated)."""
    gaps = []
    for key, rule in sorted(baseline.get("targets", {}).items()):
        if key.startswith("_"):
            continue
        stage, metric = key.split(".", 1)
        op, goal = rule
        value = report.scores.get(stage, {}).get(metric)
        met = value is not None and (value >= goal if op == ">=" else value <= goal)
        if not met:
            gaps.append(f"{key} {'-' if value is None else value} (target {op} {goal})")
    return gaps
