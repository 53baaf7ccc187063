"""Event merging: the reports of one real event, from any article, become one ledger event.

Reports are compared only within a block (one ACLED type and sub-type in one region), so
events of different types or regions never merge. Within a block two reports are the same
event when

- their dates overlap (widened by ``DATE_SLACK_DAYS``), or either date is unknown: ACLED
  codes one event per place and day, so a town shelled on two days is two events;
- their places are within the radius of the less precise of the two (``RADIUS_KM``), or
  either is only a region (the block already holds one region);
- their attackers agree: for anything but a battle, the sides of ``actor1`` are equal
  when both are known (in a battle both sides fight, so the order of actors is free);
- their article does not tell one of them as another event ("in a separate attack",
  "bombs also fell on other streets").

Precise reports (a day and a settlement) are clustered first, greedily in a fixed order,
each joining the closest cluster it is compatible with in full (complete linkage: a
cluster never spans two villages farther apart than the radius). Vague reports (a region,
a week, an unknown date) then join a cluster only when exactly one is compatible: a
region-level report of a clash in a region with three clashes that day stays apart, as
its own record, rather than being guessed into one (unless exactly one of them
is told in the same words by a copy of its article). A report vague in both time and place
(a region, a week) joins only copies of its own sentence (in one article and its
copies); two vague reports merge otherwise only when both give the same day and the
same place. Flagged statements (a vow, a denial, history) are
clustered alike whatever their precision (a statement retold is one statement) when the
same party acts in them at the same place; but denials ("no positions were lost") are said of
many moments, and two from different reports with a date unknown merge only in the same words. Strategic
developments / Other is a catch-all (an evacuation, a state of
emergency): only copies of one sentence (in one article and its copies) merge. The order is the reports' own
(date, article id, offset), never the order of arrival, so the ledger is the same
whichever article came first.

An analyst's corrections come before these rules: reports marked as one event (``same``)
join each other's cluster whatever the rules say, and reports marked as different events
(``apart``) never share one. ``link.py`` finds them by their evidence.

A merged event's fields: the most precise place and date among its reports (ties: the
one most reports give, then the earliest); actors as most reports give them;
fatalities as low (the smallest figure any report gives), best (the median of the best
estimates) and high (the largest figure any report gives), each with its evidence.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import statistics
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .records import Evidence, Event, LedgerEvent

__all__ = ["merge_events", "DATE_SLACK_DAYS", "RADIUS_KM"]

DATE_SLACK_DAYS = 0
# Reports of one event name the same settlement or one a few km away ("near Sudzha").
RADIUS_KM = {"point": 5.0, "near": 15.0}
_PLACE_RANK = {"point": 0, "near": 1, "adm2": 2, "adm1": 3, "vague": 4, "country": 5, "unknown": 6}
_DATE_RANK = {"day": 0, "days": 1, "week": 2, "month": 3, "year": 4, "unknown": 5}
_FATAL_UNITS = frozenset({"fatalities"})
_FATAL_MEASURES = frozenset({"fatalities", "civilian_fatalities"})
_ANOTHER = re.compile(r"\b(?:also|another|other|second|separate(?:ly)?)\b", re.I)


@dataclass(frozen=True, slots=True)
class _Report:
    event: Event
    origin: str  # the canonical article
    first: dt.date | None
    last: dt.date | None
    lat: float | None
    lon: float | None
    place_precision: str
    # what every pair of reports compares, worked out once per report (a block of n reports
    # compares up to n² pairs): see _why_not
    article_id: str = ""
    another: bool = False  # its sentence tells another event ("also", "a separate attack")
    side: str = "unknown"  # of actor1
    place_id: str | None = None
    radius: float | None = None  # RADIUS_KM of a located point, else None
    phi: float = 0.0  # latitude in radians, and its cosine, for km()
    cos_phi: float = 1.0

    @property
    def precise(self) -> bool:
        return self.first is not None and self.event.date.precision in ("day", "days") \
            and self.place_precision in RADIUS_KM and self.lat is not None

    @property
    def order(self) -> tuple[str, str, int, str]:
        return (self.event.date.start or "9999-12-31", self.event.evidence.article_id,
                self.event.evidence.start, self.event.id)


def _report(event: Event, origin: str) -> _Report:
    place = event.place.place if event.place is not None else None
    precision = event.place.precision if event.place is not None else "unknown"
    lat = place.latitude if place else None
    phi = math.radians(lat) if lat is not None else 0.0
    return _Report(event=event, origin=origin, first=_day(event.date.start), last=_day(event.date.end or event.date.start),
                   lat=lat, lon=place.longitude if place else None, place_precision=precision,
                   article_id=event.evidence.article_id, another=_ANOTHER.search(event.evidence.text) is not None,
                   side=event.actor1.side if event.actor1 else "unknown", place_id=place.id if place else None,
                   radius=RADIUS_KM.get(precision) if lat is not None else None, phi=phi, cos_phi=math.cos(phi))


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _km(a: _Report, b: _Report) -> float:
    """km() between two located reports, from their latitudes' radians and cosines worked
    out once (the same operations in the same order, so the same float)."""
    dl = math.radians(b.lon - a.lon)
    h = math.sin((b.phi - a.phi) / 2) ** 2 + a.cos_phi * b.cos_phi * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))



def _why_not(a: _Report, b: _Report) -> str | None:
    """None when two reports can be the same event, else the reason they cannot."""
    if a.article_id == b.article_id and (a.another or b.another):
        return "its article tells it as another event ('a separate attack', 'bombs also fell')"
    if a.event.sub_event_type == "Other" and not (a.origin == b.origin and _same_words(a, b)):
        return "'Other' is a catch-all: only copies of one sentence are one event"
    if a.first and b.first and a.last and b.last:
        if a.first - _SLACK > b.last or b.first - _SLACK > a.last:
            return "dates too far apart"
    elif a.origin != b.origin and "negated" in a.event.flags and not _same_words(a, b):
        # what did not happen ("no positions were lost", "did not leave the village") is told of many
        # moments: denials from different reports are one only when both say when, or share their words
        return "a denial of unknown date is one only with its own article's or copies' words"
    if a.radius is not None and b.radius is not None:
        if _km(a, b) > max(a.radius, b.radius):
            return "places too far apart"
    # a statement is one only when the same party says it of the same place
    if a.event.event_type != "Battles" or a.event.flags:
        if a.side != "unknown" and b.side != "unknown" and a.side != b.side:
            return "different attackers"
    if a.event.flags and a.place_id and b.place_id and a.place_id != b.place_id:
        return "statements about different places"
    return None


_SLACK = dt.timedelta(days=DATE_SLACK_DAYS)


def _same_words(a: _Report, b: _Report) -> bool:
    """The same sentence in two copies of one article (within one article, two events from
    one sentence are two events: the event stage found them apart)."""
    if a.article_id == b.article_id:
        return False
    wa, wb = _words(a.event.evidence.text), _words(b.event.evidence.text)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    # cached: a sentence is compared with every report of its block
    return frozenset(re.findall(r"\w{3,}", text.casefold()))


def _alike(a: _Report, b: _Report) -> bool:
    """Whether vague report ``a`` may join ``b``: copies of one sentence always; otherwise
    ``a`` must be precise in time or place, and ``b`` either precise or giving the same day
    and the same place ("clashes in the region this week" may be any clash of the week)."""
    if a.origin == b.origin and _same_words(a, b):
        return True
    day_a = a.first is not None and a.event.date.precision in ("day", "days")
    point_a = a.place_precision in RADIUS_KM and a.lat is not None
    if not (day_a or point_a):
        return False
    if b.precise:  # a region-level report of another article may be of any place in the region
        return point_a or a.origin == b.origin
    same_place = a.event.place is not None and b.event.place is not None and a.event.place.place is not None \
        and b.event.place.place is not None and a.event.place.place.id == b.event.place.place.id
    return day_a and a.first == b.first and b.event.date.precision in ("day", "days") and same_place


def _closeness(r: _Report, cluster: list[_Report]) -> tuple[float, float]:
    days = min((abs((r.first - m.first).days) if r.first and m.first else 99) for m in cluster)
    dist = min((_km(r, m) if r.lat is not None and m.lat is not None else 9999.0) for m in cluster)
    return float(days), dist


class _Clusters:
    """The events built so far, with an index from each day to the events whose dated
    reports cover it. A dated report can join an event only if every dated report of that
    event overlaps its dates, so it is checked against those events and the undated ones
    alone, not against every event of the block (which grows with the archive). Likewise
    a report of the catch-all 'Other' joins only an event whose reports are all copies of
    its own article (_why_not), so it is checked against the events holding its origin."""

    MAX_SPAN_DAYS = 400  # a report vaguer than this is checked against every event

    def __init__(self) -> None:
        self.items: list[list[_Report]] = []
        self._by_day: dict[dt.date, set[int]] = {}
        self._undated: set[int] = set()
        self._by_origin: dict[str, set[int]] = {}

    def add(self, r: _Report) -> None:
        self.items.append([r])
        self._undated.add(len(self.items) - 1)
        self._index(len(self.items) - 1, r)

    def append(self, i: int, r: _Report) -> None:
        self.items[i].append(r)
        self._index(i, r)

    def candidates(self, r: _Report) -> list[int]:
        """The events ``r`` may join, in the order they were made (a superset)."""
        days = self._days(r, slack=0)
        if days is None:
            found = set(range(len(self.items)))
        else:
            found = self._undated.union(*(self._by_day.get(day, ()) for day in days))
        if r.event.sub_event_type == "Other":
            found &= self._by_origin.get(r.origin, set())
        return sorted(found)

    def _index(self, i: int, r: _Report) -> None:
        # an event stays a candidate for every report until one of its reports has days
        # to index: a report that joins it must overlap those days anyway
        self._by_origin.setdefault(r.origin, set()).add(i)
        days = self._days(r, slack=DATE_SLACK_DAYS)
        if days is None:
            return
        self._undated.discard(i)
        for day in days:
            self._by_day.setdefault(day, set()).add(i)

    def _days(self, r: _Report, *, slack: int) -> list[dt.date] | None:
        if r.first is None or r.last is None or r.first > r.last or (r.last - r.first).days > self.MAX_SPAN_DAYS:
            return None
        start = r.first - dt.timedelta(days=slack)
        return [start + dt.timedelta(days=n) for n in range((r.last - r.first).days + 2 * slack + 1)]


def merge_events(events: Sequence[tuple[Event, str]], *, same: Collection[tuple[str, str]] = (),
                 apart: Collection[tuple[str, str]] = ()) -> list[LedgerEvent]:
    """Merge one block's events (all with the same flags), given with their canonical article
    ids; ``same`` and ``apart`` are pairs of event ids an analyst said are one event, or not."""
    reports = sorted((_report(e, origin) for e, origin in events), key=lambda r: r.order)
    clusters = _Clusters()
    notes: dict[str, str] = {}
    partners: dict[str, set[str]] = {}
    for a, b in same:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    kept_apart = {frozenset(pair) for pair in apart}

    def why_not(r: _Report, m: _Report) -> str | None:
        if kept_apart and frozenset((r.event.id, m.event.id)) in kept_apart:
            return "an analyst marked them different events"
        return _why_not(r, m)

    def joined(r: _Report) -> bool:
        """Join the cluster of a report an analyst marked as the same event, if any."""
        if r.event.id not in partners:
            return False
        for i, c in enumerate(clusters.items):
            if any(m.event.id in partners[r.event.id] for m in c) \
                    and not any(frozenset((r.event.id, m.event.id)) in kept_apart for m in c):
                clusters.append(i, r)
                notes[r.event.id] = "joined by an analyst's correction"
                return True
        return False

    # a vow, a denial or a bit of history retold by several outlets is one statement: its
    # date and place are seldom precise, and it did not happen on a day at a place anyway
    flagged = any(r.event.flags for r in reports)
    for r in (r for r in reports if r.precise or flagged):
        if joined(r):
            continue
        fits = [i for i in clusters.candidates(r) if all(why_not(r, m) is None for m in clusters.items[i])]
        if fits:
            clusters.append(min(fits, key=lambda i: _closeness(r, clusters.items[i])), r)
        else:
            clusters.add(r)
    for r in (r for r in reports if not (r.precise or flagged)):
        if joined(r):
            continue
        fits = [i for i in clusters.candidates(r)
                if all(why_not(r, m) is None and _alike(r, m) for m in clusters.items[i])]
        if len(fits) > 1:  # prefer the one event that a copy of its article tells in the same words
            fits = [i for i in fits if any(_same_words(r, m) for m in clusters.items[i])] or fits
        if len(fits) == 1:
            clusters.append(fits[0], r)
            continue
        if len(fits) > 1:
            notes[r.event.id] = f"kept apart: {len(fits)} events could be the one it reports"
        clusters.add(r)
    return [_ledger_event(sorted(c, key=lambda r: r.order), notes) for c in clusters.items]


def _ledger_event(members: list[_Report], notes: dict[str, str]) -> LedgerEvent:
    head = members[0].event
    place_of = Counter(m.event.place.place.id for m in members if m.event.place and m.event.place.place)
    with_place = [m for m in members if m.event.place is not None and m.event.place.place is not None]
    best_place = min(with_place, key=lambda m: (_PLACE_RANK.get(m.place_precision, 9),
                                               -place_of[m.event.place.place.id], m.order), default=None)
    starts = Counter(m.event.date.start for m in members if m.event.date.start)
    best_date = min(members, key=lambda m: (_DATE_RANK.get(m.event.date.precision, 9),
                                            -starts[m.event.date.start], m.order))
    low, best, high, fatal_evidence = _fatalities(members)
    changes = Counter(m.event.territory_change for m in members if m.event.territory_change != "none")
    return LedgerEvent(
        id="le" + hashlib.sha256(head.id.encode()).hexdigest()[:22],
        event_type=head.event_type, sub_event_type=head.sub_event_type,
        event_ids=tuple(m.event.id for m in members),
        article_ids=tuple(dict.fromkeys(m.event.evidence.article_id for m in members)),
        actor1=_most_given([m.event.actor1 for m in members]), actor2=_most_given([m.event.actor2 for m in members]),
        place=best_place.event.place if best_place else None, date=best_date.event.date,
        fatalities_low=low, fatalities_best=best, fatalities_high=high, fatalities_evidence=fatal_evidence,
        territory_change=changes.most_common(1)[0][0] if changes else "none", flags=head.flags,
        reasons=tuple(_reasons(members, notes)))


def _most_given(actors: list) -> object:
    known = [a for a in actors if a is not None]
    if not known:
        return None
    counts = Counter((a.canonical or a.name, a.side) for a in known)
    ranked = sorted(known, key=lambda a: (a.side == "unknown", -counts[(a.canonical or a.name, a.side)]))
    return ranked[0]


def _fatalities(members: list[_Report]) -> tuple[float | None, float | None, float | None, tuple[Evidence, ...]]:
    figures = [q for m in members for q in m.event.quantities
               if q.unit in _FATAL_UNITS or q.measure in _FATAL_MEASURES]
    if not figures:
        return None, None, None, ()
    # low: the smallest figure anyone gives; high: the largest ("at least 5" gives 5 to both)
    lows = [min(known) for q in figures for known in [[v for v in (q.low, q.best, q.high) if v is not None]] if known]
    highs = [max(known) for q in figures for known in [[v for v in (q.low, q.best, q.high) if v is not None]] if known]
    bests = [q.best for q in figures if q.best is not None]
    return (min(lows) if lows else None, statistics.median(bests) if bests else None,
            max(highs) if highs else None, tuple(dict.fromkeys(q.evidence for q in figures)))


def _reasons(members: list[_Report], notes: dict[str, str]) -> list[str]:
    head = members[0]
    out = [f"{head.event.event_type} / {head.event.sub_event_type}: {len(members)} report(s) "
           f"from {len({m.origin for m in members})} article(s)"]
    for m in members[1:]:
        days, dist = _closeness(m, [head])
        where = f"{dist:.1f} km apart" if dist < 9999 else "same region"
        when = f"{days:.0f} day(s) apart" if days < 99 else "a date unknown"
        out.append(f"{m.event.id} joins {head.event.id}: {where}, {when}")
    out.extend(f"{m.event.id} {notes[m.event.id]}" for m in members if m.event.id in notes)
    return out
