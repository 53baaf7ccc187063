"""Analyst corrections: changes to the ledger that survive reprocessing, with an audit trail.

A correction (:class:`~fogofwar.records.Correction`) is appended to the audit log and never
changed. It is anchored to evidence, the article id and span of the record it corrects, not
to a generated id: whenever a stage derives an article's records again they are corrected
again (:func:`apply`, where the pipeline writes them), and the link stage honours merges and
splits (:func:`links`, used by ``link.py``). A correction whose evidence is no longer found
is an *orphan*: kept and reported by :func:`audit`, never dropped.

What can be corrected (``FIELDS``), with the values :func:`correct` takes:

- a claim's ``claimant`` (a name), ``side`` (UA, RU, third_party, unknown), a figure
  (``quantity``, or ``quantity@START-END`` when the claim has several: ``120`` or ``100..150``)
  and ``assessed`` (true or false: independently verified, in ISW's sense);
- an event's ``type`` ("Battles / Armed clash"), ``actor1`` and ``actor2`` ("Russian forces (RU)";
  empty for none), ``place`` (a gazetteer id), ``date`` (YYYY-MM-DD, a range
  YYYY-MM-DD..YYYY-MM-DD, YYYY-MM, YYYY or "unknown") and ``flags`` (comma-separated; empty for none);
- a place mention's ``place`` (another gazetteer entry): the events placed by it follow;
- two events as one (``merge``) or as different events (``split``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import vocab
from .config import Settings
from .errors import ConfigError, StoreError
from .records import (Actor, Claim, Correction, DateValue, Event, Evidence, Place, PlaceMention, Quantity,
                      from_dict, to_dict)
from .store import Store

__all__ = ["FIELDS", "MIN_OVERLAP", "correct", "apply", "for_article", "refresh", "links", "Link", "audit",
           "AuditEntry", "orphans", "locate", "show"]

FIELDS: dict[str, tuple[str, ...]] = {
    "claim": ("claimant", "side", "quantity", "assessed"),
    "event": ("type", "actor1", "actor2", "place", "date", "flags"),
    "place": ("place",),
}
# A rerun may take a clause more or less into a record's span (a better claims stage); the
# record whose span covers at least half of the two spans together is the same record.
MIN_OVERLAP = 0.5
_STAGE = {"claim": ("claims", "claim"), "event": ("events", "event"), "place": ("places", "place_mention")}
_CLASS: dict[str, type] = {"claim": Claim, "event": Event, "place_mention": PlaceMention}
_PRECISION = {"populated": "point", "facility": "point", "adm2": "adm2", "adm1": "adm1", "country": "country",
              "area": "vague", "water": "vague", "unknown": "unknown"}


def _bad(detail: str) -> ConfigError:
    return ConfigError("E410", detail=detail)


# --- making a correction ------------------------------------------------------------------

def correct(store: Store, settings: Settings, *, target: str, record_id: str, by: str, reason: str,
            field: str | None = None, value: str | None = None, other_id: str | None = None,
            gazetteer: Any = None, at: str | None = None) -> Correction:
    """Append a correction to the audit log, apply it to the stored records and relink them.

    ``record_id`` names a claim, an event (a per-article event, or a ledger event: its first
    report), or a place mention; ``other_id`` the second event of a merge or split.
    ``gazetteer`` (with ``get(id)``) is needed only to correct a place.
    """
    if not by.strip():
        raise _bad("a correction needs its author (--by, or the API token's name)")
    if not reason.strip():
        raise _bad("a correction needs a reason (--reason)")
    when = at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    if target in ("merge", "split"):
        if not other_id:
            raise _bad(f"{target} needs two events")
        anchor, other, old = _pair(store, record_id, other_id)
        name, new = "events", "same" if target == "merge" else "different"
    elif target in FIELDS:
        record = _resolve(store, target, record_id)
        name, new = _parse(target, record, field, value, gazetteer)
        anchor, other, old = record.evidence, None, _value_of(record, name)
    else:
        raise _bad(f"{target!r} is not a correction target ({', '.join(['claim', 'event', 'place', 'merge', 'split'])})")
    key = json.dumps([when, by, target, to_dict(anchor), to_dict(other), name, new], sort_keys=True)
    correction = Correction(id=hashlib.sha256(key.encode()).hexdigest()[:32], at=when, by=by.strip(),
                            target=target, anchor=anchor, other=other, field=name, new_value=new,
                            old_value=old, reason=reason.strip())
    store.add_correction(correction)
    refresh(store, settings, {anchor.article_id} | ({other.article_id} if other else set()))
    return correction


def _resolve(store: Store, target: str, record_id: str) -> Any:
    _stage, kind = _STAGE[target]
    found = store.find_derived(kind, record_id)
    if len(found) > 1:
        raise _bad(f"the id prefix {record_id!r} matches several {kind.replace('_', ' ')}s: give more of it")
    if found:
        return from_dict(_CLASS[kind], found[0][2])
    if target == "event":  # a ledger event: its first report stands for it
        from . import link

        ledger = link.find_ledger_event(store, record_id)
        if ledger is not None and ledger[1]:
            return ledger[1][0]
    raise StoreError("E307", kind=kind.replace("_", " "), record_id=record_id)


def _pair(store: Store, first: str, second: str) -> tuple[Evidence, Evidence, str]:
    from . import link

    a, b = _resolve(store, "event", first), _resolve(store, "event", second)
    if a.evidence == b.evidence:
        raise _bad("an event cannot be merged with or split from itself")
    found = link.find_ledger_event(store, a.id)
    together = found is not None and b.id in found[0].event_ids
    return a.evidence, b.evidence, "same" if together else "different"


def _parse(target: str, record: Any, field: str | None, value: str | None, gazetteer: Any) -> tuple[str, Any]:
    """The field's stored name and its new value as plain data."""
    field = field or ("place" if target == "place" else None)
    base = (field or "").split("@", 1)[0]
    if base not in FIELDS[target]:
        raise _bad(f"a {target} correction takes --field {' | '.join(FIELDS[target])}, not {field!r}")
    if value is None:
        raise _bad(f"give the new value of {field} (--value)")
    value = value.strip()
    if base == "quantity":
        return _quantity_field(record, field or base), _figure(value)
    if base == "place":
        return "place", _place(value, gazetteer)
    parse: dict[str, Callable[[str], Any]] = {
        "claimant": _name, "side": _side, "assessed": _yes_no, "type": _event_type,
        "actor1": _actor, "actor2": _actor, "date": _date, "flags": _flags}
    return base, parse[base](value)


def _name(value: str) -> str:
    if not value:
        raise _bad("the claimant's name is empty")
    return value


def _side(value: str) -> str:
    if value not in vocab.values("sides"):
        raise _bad(f"side {value!r} is not one of {', '.join(vocab.values('sides'))}")
    return value


def _yes_no(value: str) -> bool:
    if value.casefold() in ("true", "yes", "1"):
        return True
    if value.casefold() in ("false", "no", "0"):
        return False
    raise _bad(f"assessed takes true or false, not {value!r}")


def _event_type(value: str) -> list[str]:
    # "Explosions/Remote violence / Air/drone strike": type names hold slashes themselves
    kind, _sep, sub = (part.strip() for part in value.partition(" / " if " / " in value else "/"))
    types = vocab.table("event_types")
    if kind not in types or sub not in types[kind]:
        raise _bad(f"{value!r} is not an ACLED 'Type / Sub-type' (see fogofwar/data/vocab.json)")
    return [kind, sub]


def _actor(value: str) -> dict[str, str] | None:
    if not value or value.casefold() == "none":
        return None
    match = re.fullmatch(r"(.+?)\s*\((\w+)\)", value)
    name, side = (match.group(1), match.group(2)) if match else (value, "unknown")
    return {"name": name, "side": _side(side)}


def _date(value: str) -> dict[str, str | None]:
    if not value or value == "unknown":
        return {"start": None, "end": None, "precision": "unknown"}
    try:
        if ".." in value:
            first, last = (dt.date.fromisoformat(v.strip()) for v in value.split("..", 1))
            if last < first:
                raise ValueError
            precision = "day" if first == last else "days" if (last - first).days < 7 else "month"
            return {"start": first.isoformat(), "end": last.isoformat(), "precision": precision}
        if re.fullmatch(r"\d{4}", value):
            return {"start": f"{value}-01-01", "end": f"{value}-12-31", "precision": "year"}
        if re.fullmatch(r"\d{4}-\d{2}", value):
            first = dt.date.fromisoformat(f"{value}-01")
            after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return {"start": first.isoformat(), "end": (after - dt.timedelta(days=1)).isoformat(), "precision": "month"}
        day = dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _bad(f"{value!r} is not YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD, YYYY-MM, YYYY or unknown") from None
    return {"start": day, "end": day, "precision": "day"}


def _flags(value: str) -> list[str]:
    flags = sorted({f.strip() for f in value.split(",") if f.strip() and f.strip() != "none"})
    wrong = [f for f in flags if f not in vocab.values("context_flags")]
    if wrong:
        raise _bad(f"unknown flag(s) {', '.join(wrong)}; flags: {', '.join(vocab.values('context_flags'))}")
    return flags


def _place(value: str, gazetteer: Any) -> dict[str, Any]:
    if gazetteer is None:
        raise _bad("correcting a place needs the gazetteer")
    place = gazetteer.get(value)
    if place is None:
        raise _bad(f"no gazetteer entry {value!r}; `fogofwar gazetteer search NAME` lists ids")
    return to_dict(place)


def _figure(value: str) -> dict[str, Any]:
    try:
        if ".." in value:
            low, high = (float(v.replace(",", "")) for v in value.split("..", 1))
            if low > high:
                raise ValueError
            return {"low": low, "best": None, "high": high, "qualifier": "range"}
        number = float(value.replace(",", ""))
    except ValueError:
        raise _bad(f"a figure is a number (120) or a range (100..150), not {value!r}") from None
    return {"low": number, "best": number, "high": number, "qualifier": "exact"}


def _quantity_field(claim: Claim, field: str) -> str:
    spans = {f"quantity@{q.evidence.start}-{q.evidence.end}": q for q in claim.quantities}
    if field in spans:
        return field
    if field == "quantity" and len(spans) == 1:
        return next(iter(spans))
    listed = ", ".join(f"{k} ({q.evidence.text!r})" for k, q in spans.items()) or "none"
    raise _bad(f"name the figure to correct as --field quantity@START-END; this claim's figures: {listed}")


# --- the values of a record's fields, and setting them ------------------------------------------

def _value_of(record: Any, field: str) -> Any:
    """A field's current value, as plain data in the form the correction stores."""
    if isinstance(record, Claim):
        if field == "claimant":
            return record.claimant.name
        if field == "side":
            return record.claimant.side
        if field == "assessed":
            return record.assessed
        q = _quantity(record, field)
        return None if q is None else {"low": q.low, "best": q.best, "high": q.high, "qualifier": q.qualifier}
    if isinstance(record, PlaceMention):
        return to_dict(record.place) if record.place else None
    if field == "type":
        return [record.event_type, record.sub_event_type]
    if field in ("actor1", "actor2"):
        actor = getattr(record, field)
        return None if actor is None else {"name": actor.name, "side": actor.side}
    if field == "place":
        return to_dict(record.place.place) if record.place and record.place.place else None
    if field == "date":
        return {"start": record.date.start, "end": record.date.end, "precision": record.date.precision}
    return list(record.flags)


def _quantity(claim: Claim, field: str) -> Quantity | None:
    start, _sep, end = field.partition("@")[2].partition("-")
    found = _nearest(claim.evidence.article_id, int(start), int(end), [q.evidence for q in claim.quantities])
    return None if found is None else claim.quantities[found]


def _mark(record: Any, field: str, **changes: Any) -> Any:
    marks = tuple(dict.fromkeys((*record.corrected, field)))
    return dataclasses.replace(record, **changes, corrected=marks)


def _mention(old: PlaceMention | None, evidence: Evidence, place: Place) -> PlaceMention:
    precision = "near" if old is not None and old.precision == "near" and place.kind == "populated" \
        else _PRECISION.get(place.kind, "unknown")
    if old is None:  # an event placed nowhere: the event's own words carry the analyst's place
        old = PlaceMention(id=f"fix{hashlib.sha256(repr(evidence).encode()).hexdigest()[:16]}", evidence=evidence,
                           name=place.name)
    return _mark(old, "place", place=place, precision=precision, reason="corrected by an analyst")


def _set(record: Any, field: str, value: Any) -> Any:
    """The record with one field set to a correction's value, and marked corrected."""
    if isinstance(record, PlaceMention):
        return _mention(record, record.evidence, from_dict(Place, value))
    if isinstance(record, Claim):
        if field in ("claimant", "side"):
            who = dataclasses.replace(record.claimant, **({"name": value, "registry_id": None}
                                                          if field == "claimant" else {"side": value}))
            return _mark(record, field, claimant=who)
        if field == "assessed":
            return _mark(record, field, assessed=bool(value))
        q = _quantity(record, field)
        if q is None:
            return record
        fixed = dataclasses.replace(q, **value)
        return _mark(record, field, quantities=tuple(fixed if x is q else x for x in record.quantities))
    if field == "type":
        return _mark(record, field, event_type=value[0], sub_event_type=value[1])
    if field in ("actor1", "actor2"):
        old = getattr(record, field)
        actor = None if value is None else Actor(
            name=value["name"], side=value["side"], evidence=old.evidence if old else None,
            inter=old.inter if old is not None and old.side == value["side"] else None)
        return _mark(record, field, **{field: actor})
    if field == "place":
        return _mark(record, field, place=_mention(record.place, record.evidence, from_dict(Place, value)))
    if field == "date":
        return _mark(record, field, date=DateValue(evidence=record.date.evidence, **value))
    return _mark(record, field, flags=tuple(value))


# --- applying corrections where records are written -------------------------------------------------

def locate(anchor: Evidence, spans: Sequence[Evidence]) -> int | None:
    """The index of the span an anchor stands for: the same span (an article's id is the
    hash of its text, so the same words), else the one span of the same article that
    overlaps it by ``MIN_OVERLAP``; None when there is none, or several."""
    return _nearest(anchor.article_id, anchor.start, anchor.end, spans)


def _nearest(article_id: str, start: int, end: int, spans: Sequence[Evidence]) -> int | None:
    for i, span in enumerate(spans):
        if (span.article_id, span.start, span.end) == (article_id, start, end):
            return i
    close = []
    for i, span in enumerate(spans):
        shared = min(span.end, end) - max(span.start, start)
        union = max(span.end, end) - min(span.start, start)
        if span.article_id == article_id and union > 0 and shared / union >= MIN_OVERLAP:
            close.append(i)
    return close[0] if len(close) == 1 else None


def for_article(store: Store, article_id: str) -> list[Correction]:
    """The field corrections anchored in one article, in the order they were made."""
    return [c for c in store.corrections(article_id=article_id)
            if c.target in FIELDS and c.anchor.article_id == article_id]


def apply(records: Iterable[tuple[str, str, Any]], corrections: Sequence[Correction]) -> list[tuple[str, str, Any]]:
    """One article's records (record id, kind, record) with its corrections applied in the
    order they were made (the latest wins); records of other kinds pass as they are."""
    out = list(records)
    for c in corrections:
        if c.target not in FIELDS:
            continue
        kind = _STAGE[c.target][1]
        spans = [(n, r.evidence) for n, (_rid, k, r) in enumerate(out) if k == kind]
        found = locate(c.anchor, [e for _n, e in spans])
        if found is not None:
            n = spans[found][0]
            out[n] = (out[n][0], kind, _set(out[n][2], c.field, c.new_value))
        if c.target == "place":  # the events this mention places follow it
            out = [(rid, k, _mark(r, "place", place=_mention(r.place, r.evidence, from_dict(Place, c.new_value))))
                   if k == "event" and r.place is not None and locate(c.anchor, [r.place.evidence]) == 0
                   else (rid, k, r) for rid, k, r in out]
    return out


def refresh(store: Store, settings: Settings, article_ids: Iterable[str]) -> None:
    """Apply the corrections of these articles to their stored records, then relink them."""
    from . import link

    ids = sorted(set(article_ids))
    for aid in ids:
        fixes = for_article(store, aid)
        for stage, kind in (("places", "place_mention"), ("claims", "claim"), ("events", "event")):
            rows = [(rid, kind, from_dict(_CLASS[kind], p)) for rid, k, p in store.derived(aid, stage) if k == kind]
            changed = [new for old, new in zip(rows, apply(rows, fixes), strict=True) if new[2] != old[2]]
            if changed:
                store.update_derived(aid, stage, changed)
    link.update(store, settings, ids)


# --- merges and splits, for the link stage ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Link:
    """Two reports an analyst said are one event (``same``) or different events."""

    same: bool
    a: Evidence
    b: Evidence
    correction_id: str


def links(store: Store) -> list[Link]:
    """The merges and splits in force: for each pair of events, the latest one."""
    latest: dict[frozenset[tuple[str, int, int]], Link] = {}
    for c in store.corrections():
        if c.target in ("merge", "split") and c.other is not None:
            pair = frozenset({_key(c.anchor), _key(c.other)})
            latest[pair] = Link(same=c.target == "merge", a=c.anchor, b=c.other, correction_id=c.id)
    return list(latest.values())


def _key(e: Evidence) -> tuple[str, int, int]:
    return e.article_id, e.start, e.end


# --- the audit log -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A correction and whether its evidence is still found (``applies``); one that is not
    is an orphan, kept for the analyst to redo or dismiss."""

    correction: Correction
    applies: bool


def audit(store: Store, *, orphans_only: bool = False) -> list[AuditEntry]:
    """The audit log, each correction once, in the order made, with whether it still applies."""
    cache: dict[tuple[str, str], list[Any]] = {}

    def records(article_id: str, target: str) -> list[Any]:
        stage, kind = _STAGE[target]
        if (article_id, kind) not in cache:
            cache[article_id, kind] = [from_dict(_CLASS[kind], p) for _r, k, p in store.derived(article_id, stage)
                                       if k == kind]
        return cache[article_id, kind]

    out = []
    for c in store.corrections():
        entry = AuditEntry(correction=c, applies=_applies(c, records))
        if not (orphans_only and entry.applies):
            out.append(entry)
    return out


def orphans(store: Store) -> list[Correction]:
    """The corrections whose evidence is no longer found."""
    return [entry.correction for entry in audit(store, orphans_only=True)]


def _applies(c: Correction, records: Callable[[str, str], list[Any]]) -> bool:
    if c.other is not None:
        return all(locate(e, [r.evidence for r in records(e.article_id, "event")]) is not None
                   for e in (c.anchor, c.other))
    found = records(c.anchor.article_id, c.target)
    n = locate(c.anchor, [r.evidence for r in found])
    if n is None:
        return False
    return not c.field.startswith("quantity@") or _quantity(found[n], c.field) is not None


def show(value: Any) -> str:
    """A correction's value in a few words, for a listing."""
    if value is None:
        return "none"
    if isinstance(value, dict):
        if "kind" in value and "id" in value:  # a gazetteer entry
            return f"{value.get('name')} [{value.get('id')}]"
        if "side" in value:
            return f"{value['name']} ({value['side']})"
        if "precision" in value:
            return "unknown" if not value["start"] else value["start"] if value["start"] == value["end"] \
                else f"{value['start']}..{value['end']}"
        low, high = value.get("low"), value.get("high")
        return f"{low:g}" if low == high and low is not None else f"{low:g}..{high:g}"
    if isinstance(value, list):
        return " / ".join(value) if value else "none"
    return str(value).lower() if isinstance(value, bool) else str(value)
