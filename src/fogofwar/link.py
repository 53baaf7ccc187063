"""The link stage: the ledger across articles.

Runs after the per-article stages, over the whole store. Its work is cut into *blocks*
that cannot affect each other:

- ``ev|TYPE|SUB-TYPE|REGION[|FLAGS]``: the events of one ACLED type and sub-type in one
  region (ISO 3166-2, else the country), merged into ledger events (``merge.py``), with
  the grades of the claims that report them; flagged statements (vowed, denied,
  hypothetical, historical) in blocks of their own, one per set of flags;
- ``ms|MEASURE|UNIT|REGION``: the claimed figures on one measure in one region, as a
  timeline with its updates and disagreements (``timelines.py``) and the grades of the
  claims that give them (``credibility.py``).

When articles arrive or are reprocessed, only the blocks they touch (now or before) are
recomputed, each from scratch and in the records' own order, so the ledger does not
depend on the order in which articles arrived. Each block is replaced in one transaction.

Analysts' merges and splits (``corrections.py``) are honoured per block: events marked as
one event are put in one block (the first of theirs by name) and ``merge.py`` joins them;
events marked as different never share a ledger event. A ledger event takes the fields its
reports' corrections set, and lists them in ``corrected`` ("merged", "split" for the rest).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import corrections, credibility, merge, timelines
from .config import Settings
from .errors import InputError
from .records import Claim, Disagreement, Event, Grade, LedgerEvent, Quantity, Rejected, Timeline, from_dict
from .spatial import Area, BBox, Near, point_of
from .store import Store, decode

__all__ = ["update", "relink_all", "grade_of", "LinkSummary", "conflicts", "find_ledger_event",
           "ledger_events", "regions_named", "event_block", "measure_block", "events_within", "events_near",
           "events_in"]


@dataclass(slots=True)
class LinkSummary:
    blocks: int = 0
    ledger_events: int = 0
    disagreements: int = 0
    failed: int = 0


def _region(place: Any) -> str | None:
    if place is None or place.place is None:
        return None
    return place.place.admin1 or place.place.country


def event_block(event: Event, origin: str) -> str:
    """The block of an event; flagged statements (vowed, denied, historical…) have blocks
    of their own, per set of flags: they merge only with the same statement elsewhere."""
    region = _region(event.place)
    # an event placed nowhere can only be a repeated mention within its own article
    block = f"ev|{event.event_type}|{event.sub_event_type}|{region or '@' + origin}"
    return f"{block}|{','.join(sorted(event.flags))}" if event.flags else block


def measure_block(q: Quantity) -> str | None:
    if not q.measure or q.measure == "other" and q.unit == "count":
        return None
    return f"ms|{q.measure}|{q.unit}|{q.region or '-'}"


class _Reads:
    """What one update reads more than once, read and rebuilt once: the touched articles'
    events and claims (read for their blocks' membership, then by every block they are in),
    the articles' origins and the claims that events cite. Bounded, so that relinking a
    whole archive does not hold it in memory."""

    LIMIT = 50_000  # records or articles; a few hundred bytes each

    def __init__(self, store: Store) -> None:
        self.store = store
        self._records: dict[tuple[str, str], Any] = {}
        self._origins: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._claims: dict[str, dict[str, dict[str, Any]]] = {}  # article -> claim id -> plain data

    def record(self, cls: type, article_id: str, record_id: str, payload: dict[str, Any] | str) -> Any:
        """A record from its plain data or its stored JSON (parsed only when not held)."""
        found = self._records.get((article_id, record_id))
        if found is None:
            found = from_dict(cls, decode(payload) if isinstance(payload, str) else payload)
            if len(self._records) >= self.LIMIT:
                self._records.clear()
            self._records[(article_id, record_id)] = found
        return found

    def origins(self, article_ids: Iterable[str], *, conn: Any = None) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Each article's canonical article and outlets (see :func:`_origins`)."""
        wanted = set(article_ids)
        missing = wanted - self._origins.keys()
        if missing:
            if len(self._origins) >= self.LIMIT:
                self._origins.clear()
            self._origins.update(_origins(self.store, missing, conn=conn))
        return {aid: self._origins[aid] for aid in wanted if aid in self._origins}

    def keep_claims(self, article_id: str, payloads: dict[str, dict[str, Any]]) -> None:
        if len(self._claims) >= self.LIMIT:
            self._claims.clear()
        self._claims[article_id] = payloads

    def claims(self, wanted: dict[str, set[str]], *, conn: Any = None) -> dict[str, Claim]:
        """The claims with these ids, by article."""
        out = {}
        for aid in sorted(wanted):
            if aid not in self._claims:
                self.keep_claims(aid, {rid: p for rid, kind, p in self.store.derived(aid, "claims", conn=conn)
                                       if kind == "claim"})
            payloads = self._claims[aid]
            out.update({cid: self.record(Claim, aid, cid, payloads[cid]) for cid in sorted(wanted[aid])
                        if cid in payloads})
        return out


def _members(store: Store, article_ids: Sequence[str], joined: dict[tuple[str, int, int], str],
             reads: _Reads) -> Iterator[tuple[str, str, str]]:
    meta = store.article_meta(article_ids)
    for aid in article_ids:
        if aid not in meta:
            continue
        origin = meta[aid][1] or aid
        for rid, kind, payload in store.derived(aid, "events"):
            if kind == "event":
                event = reads.record(Event, aid, rid, payload)
                yield aid, rid, joined.get(_key(event), event_block(event, origin))
        claims = {rid: payload for rid, kind, payload in store.derived(aid, "claims") if kind == "claim"}
        reads.keep_claims(aid, claims)
        for rid, payload in claims.items():
            for q in reads.record(Claim, aid, rid, payload).quantities:
                block = measure_block(q)
                if block:
                    yield aid, rid, block


def update(store: Store, settings: Settings, article_ids: Iterable[str], *,
           on_block: Callable[[int, int], None] | None = None) -> LinkSummary:
    """Relink the blocks that these articles' records are in, or were in before."""
    ids = sorted(set(article_ids))
    summary = LinkSummary()
    if not ids:
        return summary
    links = corrections.links(store)
    # an article merged with another by an analyst moves with it: their block is shared
    ids = sorted({*ids, *(e.article_id for lk in links if lk.same and {lk.a.article_id, lk.b.article_id} & set(ids)
                          for e in (lk.a, lk.b))})
    with _collection_paused():
        before = store.link_blocks(ids)
        reads = _Reads(store)
        members = list(_members(store, ids, _joined_blocks(store, links), reads))
        store.replace_link_members(ids, members)
        blocks = sorted(before | {block for _a, _r, block in members})
        tab = credibility.table(settings.credibility)
        for n, block in enumerate(blocks, 1):
            records, failure = _relinked(store, block, tab, reads, links)
            if failure is not None:
                summary.failed += 1
                store.put_rejected(Rejected(
                    id=hashlib.sha256(f"link\0{block}\0{type(failure).__name__}".encode()).hexdigest(),
                    source=f"block:{block}", stage="link", reason="E214",
                    detail=str(InputError("E214", stage="link", detail=f"{type(failure).__name__}: {failure}"))[:500]))
                continue
            summary.blocks += 1
            summary.ledger_events += sum(1 for kind, _i, _r in records if kind == "ledger_event")
            summary.disagreements += sum(1 for kind, _i, r in records if kind == "disagreement" and r.status == "disputed")
            if on_block is not None:
                on_block(n, len(blocks))
    return summary


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector off while linking, and back on after (unless it was off).
    A link run keeps tens of thousands of records it has read, which makes every full
    collection walk them all again: a fifth of the stage's time on the bench. The cycles
    the run leaves for the collector are a few per block (568 for the bench's 195), found
    when it is back on; what the run holds otherwise grows with its blocks anyway."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _relinked(store: Store, block: str, tab: credibility.Table, reads: _Reads,
              links: Sequence[corrections.Link]) -> tuple[list[tuple[str, str, Any]], Exception | None]:
    """One block recomputed and replaced: computed from what it holds outside any lock, so
    that processes linking at once compute side by side, then written under the block's
    lock once the block is seen to hold the same records still; if another process changed
    them meanwhile, computed again under the lock from what it holds now."""
    stage = "events" if block.startswith("ev|") else "claims"
    try:
        seen = store.block_members(block, stage)
        records = list(_relink(store, block, tab, reads, links, rows=seen))
        with store.block_lock(block) as conn:
            now = store.block_members(block, stage, conn=conn)
            if now != seen:
                records = list(_relink(store, block, tab, _Reads(store), links, conn=conn, rows=now))
            points = [p for kind, _i, r in records if kind == "ledger_event" and (p := point_of(r)) is not None]
            store.replace_block(block, records, conn=conn,
                                points=[(p.event_id, p.latitude, p.longitude, p.precision) for p in points])
    except Exception as exc:  # noqa: BLE001 - one block's failure must not stop the others
        return [], exc
    return records, None


def relink_all(store: Store, settings: Settings, **kwargs: Any) -> LinkSummary:
    return update(store, settings, store.article_ids(), **kwargs)


def _key(event: Event) -> tuple[str, int, int]:
    return event.evidence.article_id, event.evidence.start, event.evidence.end


def _joined_blocks(store: Store, links: Sequence[corrections.Link]) -> dict[tuple[str, int, int], str]:
    """The block of each event an analyst merged with one of another block (another type,
    region or flags): the first of the blocks of the events merged together, by name."""
    found: dict[str, list[Event]] = {}
    origins: dict[str, str] = {}
    parent: dict[tuple[str, int, int], tuple[str, int, int]] = {}
    blocks: dict[tuple[str, int, int], str] = {}

    def root(k: tuple[str, int, int]) -> tuple[str, int, int]:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for link in (lk for lk in links if lk.same):
        keys = []
        for anchor in (link.a, link.b):
            aid = anchor.article_id
            if aid not in found:
                found[aid] = [from_dict(Event, p) for _r, k, p in store.derived(aid, "events") if k == "event"]
                origins[aid] = (store.article_meta([aid]).get(aid, (None, None, ()))[1] or aid)
            n = corrections.locate(anchor, [e.evidence for e in found[aid]])
            if n is not None:
                event = found[aid][n]
                keys.append(_key(event))
                blocks[_key(event)] = event_block(event, origins[aid])
        if len(keys) == 2:
            parent[root(keys[0])] = root(keys[1])
    groups: dict[tuple[str, int, int], list[tuple[str, int, int]]] = defaultdict(list)
    for k in blocks:
        groups[root(k)].append(k)
    return {k: min(blocks[m] for m in group) for group in groups.values() if len(group) > 1 for k in group}


def _relink(store: Store, block: str, tab: credibility.Table, reads: _Reads,
            links: Sequence[corrections.Link] = (), conn: Any = None, *,
            rows: list[tuple[str, str, str]]) -> Iterator[tuple[str, str, Any]]:
    if block.startswith("ev|"):
        yield from _relink_events(store, block, tab, reads, links, conn, rows)
    else:
        yield from _relink_measure(store, block, tab, reads, conn, rows)


def _origins(store: Store, article_ids: Iterable[str], *, conn: Any = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {aid: (canonical or aid, outlets) for aid, (_p, canonical, outlets)
            in store.article_meta(sorted(set(article_ids)), conn=conn).items()}


def _relink_events(store: Store, block: str, tab: credibility.Table, reads: _Reads,
                   links: Sequence[corrections.Link], conn: Any,
                   rows: list[tuple[str, str, str]]) -> Iterator[tuple[str, str, Any]]:
    origins = reads.origins((aid for aid, _r, _p in rows), conn=conn)
    events = [(reads.record(Event, aid, rid, p), origins[aid][0]) for aid, rid, p in rows if aid in origins]
    wanted: dict[str, set[str]] = defaultdict(set)
    for e, _o in events:
        wanted[e.evidence.article_id].update(e.claim_ids)
    claims = reads.claims(wanted, conn=conn)
    grades: dict[str, Grade] = {}  # one claim may report several events: its best-supported grade
    same, apart = _constraints(links, [e for e, _o in events])
    by_id = {e.id: e for e, _o in events}
    for ledger_event in merge.merge_events(events, same=same, apart=apart):
        ledger_event = _corrected(ledger_event, by_id, same, apart)
        yield "ledger_event", ledger_event.id, ledger_event
        members = set(ledger_event.event_ids)
        voices = [credibility.Voice(claim_id=cid, claimant=claims[cid].claimant, origin=origin)
                  for e, origin in events if e.id in members for cid in e.claim_ids if cid in claims]
        for grade in credibility.grade_reports(voices, tab):
            if grade.claim_id not in grades or grade.credibility < grades[grade.claim_id].credibility:
                grades[grade.claim_id] = grade
    for claim_id in sorted(grades):
        yield "grade", _grade_id(grades[claim_id], block), grades[claim_id]


def _constraints(links: Sequence[corrections.Link], events: Sequence[Event]
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The analysts' merges and splits between events of this block, as pairs of event ids."""
    spans = [e.evidence for e in events]
    same, apart = [], []
    for link in links:
        a, b = corrections.locate(link.a, spans), corrections.locate(link.b, spans)
        if a is not None and b is not None and a != b:
            (same if link.same else apart).append((events[a].id, events[b].id))
    return same, apart


# a ledger event's fields that its reports' corrections set (correction field -> attributes)
_CORRECTED_FIELDS = {"type": ("event_type", "sub_event_type"), "actor1": ("actor1",), "actor2": ("actor2",),
                     "place": ("place",), "date": ("date",), "flags": ("flags",)}


def _corrected(le: LedgerEvent, events: dict[str, Event], same: Sequence[tuple[str, str]],
               apart: Sequence[tuple[str, str]]) -> LedgerEvent:
    """A ledger event with the values an analyst gave its reports (the first corrected
    report's, in the ledger's order), which the choice among reports must not overrule."""
    members = [events[i] for i in le.event_ids if i in events]
    changes: dict[str, Any] = {}
    marks = []
    for name, attributes in _CORRECTED_FIELDS.items():
        source = next((e for e in members if name in e.corrected), None)
        if source is not None:
            changes.update({a: getattr(source, a) for a in attributes})
            marks.append(name)
    ids = set(le.event_ids)
    if any(a in ids and b in ids for a, b in same):
        marks.append("merged")
    if any((a in ids) != (b in ids) for a, b in apart):
        marks.append("split")
    return dataclasses.replace(le, **changes, corrected=tuple(marks)) if marks else le


def _relink_measure(store: Store, block: str, tab: credibility.Table, reads: _Reads, conn: Any,
                    rows: list[tuple[str, str, str]]) -> Iterator[tuple[str, str, Any]]:
    _ms, measure, unit, region_key = block.split("|", 3)
    region = None if region_key == "-" else region_key
    origins = reads.origins((aid for aid, _r, _p in rows), conn=conn)
    quantities: dict[str, list[Quantity]] = defaultdict(list)
    claims = [(aid, reads.record(Claim, aid, rid, payload)) for aid, rid, payload in rows if aid in origins]
    subjects = {(q.evidence.article_id, q.evidence.start): q.subject_side
                for _aid, claim in claims for q in claim.quantities if q.subject_side}
    values = []
    for aid, claim in claims:
        if any(q.qualifier == "relative" for q in claim.quantities) and aid not in quantities:
            quantities[aid] = [from_dict(Quantity, p) for _r, k, p in store.derived(aid, "quantities", conn=conn)
                               if k == "quantity"]
        values.extend(timelines.claim_values(claim, origin=origins[aid][0], outlets=origins[aid][1],
                                             article_quantities=quantities.get(aid, ()), subjects=subjects,
                                             measure=measure, unit=unit, region=region))
    if not values:
        return
    line = timelines.timeline(values, measure=measure, unit=unit, region=region)
    yield "timeline", line.id, line
    for disagreement in timelines.contradictions(line):
        yield "disagreement", disagreement.id, disagreement
    for grade in credibility.grade_values(line.values, tab):
        yield "grade", _grade_id(grade, block), grade


def _grade_id(grade: Grade, block: str) -> str:
    return f"{grade.claim_id}:{hashlib.sha256(block.encode()).hexdigest()[:16]}"


def grade_of(store: Store, claim: Claim, settings: Settings) -> Grade:
    """A claim's grade: from the timelines and events it is part of, else its source alone."""
    tab = credibility.table(settings.credibility)
    held = [from_dict(Grade, g) for g in store.ledger_grades(claim.id)]
    combined = credibility.combine(held, claim.claimant, tab)
    if combined is not None:
        return combined
    letter, why = credibility.reliability(claim.claimant, tab)
    return Grade(claim_id=claim.id, reliability=letter, credibility=6,
                 reasons=(why, "no figure or event to compare it with"))


# --- reading the ledger (the CLI, the API and exports call these) -------------------------

def regions_named(place: str, gazetteer: Any | None) -> set[str]:
    """ISO 3166-2 codes a user's place filter means: a code as given, or the divisions and
    places of that name (their regions)."""
    text = place.strip()
    if len(text) <= 8 and (text.isupper() or "-" in text) and " " not in text:
        return {text.upper()}
    if gazetteer is None:
        return set()
    return {p.admin1 for p in gazetteer.lookup(text) if p.admin1}


def _in_regions(region: str | None, regions: set[str] | None) -> bool:
    if regions is None:
        return True
    return region is not None and any(region == r or (len(r) == 2 and region.startswith(r + "-")) for r in regions)


def conflicts(store: Store, *, measure: str | None = None, regions: set[str] | None = None
              ) -> list[tuple[Timeline, list[Disagreement]]]:
    """Each measure's timeline with its disagreements and updates, filtered."""
    prefix = f"ms|{measure}|" if measure else "ms|"
    found: dict[str, list[Disagreement]] = defaultdict(list)
    lines = [from_dict(Timeline, p) for p in store.ledger("timeline", block_prefix=prefix)]
    for p in store.ledger("disagreement", block_prefix=prefix):
        d = from_dict(Disagreement, p)
        found[f"{d.measure}|{d.unit}|{d.region}"].append(d)
    return [(line, found.get(f"{line.measure}|{line.unit}|{line.region}", []))
            for line in lines if _in_regions(line.region, regions)]


def find_ledger_event(store: Store, event_id: str) -> tuple[LedgerEvent, list[Event]] | None:
    """A ledger event (by its id, a prefix of it, or the id of one of its reports) with the
    per-article events it merges."""
    for p in store.ledger("ledger_event"):
        if p["id"].startswith(event_id) or event_id in p["event_ids"] \
                or any(i.startswith(event_id) for i in p["event_ids"]) and len(event_id) >= 8:
            le = from_dict(LedgerEvent, p)
            members = set(le.event_ids)
            reports = [from_dict(Event, ep) for aid in le.article_ids
                       for rid, kind, ep in store.derived(aid, "events") if kind == "event" and rid in members]
            order = {eid: n for n, eid in enumerate(le.event_ids)}
            return le, sorted(reports, key=lambda e: order[e.id])
    return None


def ledger_events(store: Store, *, flagged: bool = False) -> Iterator[LedgerEvent]:
    """The ledger's events (with ``flagged``, also its flagged statements)."""
    for p in store.ledger("ledger_event"):
        if flagged or not p.get("flags"):
            yield from_dict(LedgerEvent, p)


def events_within(store: Store, bbox: BBox | tuple[float, float, float, float], *,
                  flagged: bool = False) -> list[LedgerEvent]:
    """The ledger events whose point lies in a bounding box (west, south, east, north in
    degrees, edges included; west > east crosses the antimeridian), in ledger order.
    Events placed only at a region or country have no point (``spatial.point_of``)."""
    box = bbox if isinstance(bbox, BBox) else BBox(*bbox)
    return [from_dict(LedgerEvent, p) for p, lat, lon in store.located_events(box.boxes())
            if box.contains(lat, lon) and (flagged or not p.get("flags"))]


def events_near(store: Store, latitude: float, longitude: float, km: float, *,
                flagged: bool = False) -> list[LedgerEvent]:
    """The ledger events whose point lies within ``km`` (great circle) of a point, nearest
    first (then in ledger order)."""
    near = Near(latitude, longitude, km)
    found = []
    for p, lat, lon in store.located_events(near.boxes(), near=(latitude, longitude, km * 1000.0)):
        distance = near.distance_km(lat, lon)
        if distance <= km and (flagged or not p.get("flags")):
            found.append((distance, len(found), p))
    return [from_dict(LedgerEvent, p) for _d, _n, p in sorted(found, key=lambda f: f[:2])]


def events_in(store: Store, area: Area | None, *, flagged: bool = False) -> Iterator[LedgerEvent]:
    """The ledger events in an area (every ledger event when it is None)."""
    if area is None:
        return ledger_events(store, flagged=flagged)
    if isinstance(area, BBox):
        return iter(events_within(store, area, flagged=flagged))
    return iter(events_near(store, area.latitude, area.longitude, area.km, flagged=flagged))
