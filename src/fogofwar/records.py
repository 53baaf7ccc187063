"""The records contract: frozen, typed records passed between every stage.

Every later stage fills these records; none invents its own. Enumerated fields
take their values from ``data/vocab.json`` (see :mod:`fogofwar.vocab`).
Offsets are Unicode code points into :attr:`Article.text` (the cleaned text).

A derived record (anything found *in* an article) carries an :class:`Evidence`
(article id, span, the evidence text) and the :class:`Versions` that made it.
A field with no supporting span does not exist.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import vocab
from .errors import RecordError

__all__ = [
    "Evidence", "Versions", "DateValue", "RawDocument", "Article", "Report",
    "Rejected", "Place", "PlaceMention", "Quantity", "Claimant", "Claim",
    "Actor", "Event", "Measure", "LedgerEvent", "ClaimValue", "Timeline", "Disagreement", "Grade",
    "Correction", "CORRECTION_TARGETS", "to_dict", "from_dict",
]

_record = dataclass(frozen=True, slots=True, kw_only=True)


def _check(kind: str, value: str | None, *, field_name: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    if value not in vocab.values(kind):
        raise RecordError("E101", field=field_name, value=value, kind=kind)


@_record
class Versions:
    """What produced a derived record."""

    pipeline: str
    lexicons: str | None = None
    gazetteer: str | None = None


@_record
class Evidence:
    """The words that support a field: ``text == article.text[start:end]``."""

    article_id: str
    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise RecordError("E102", start=self.start, end=self.end)
        if len(self.text) != self.end - self.start:
            raise RecordError("E103", start=self.start, end=self.end, length=len(self.text))


@_record
class DateValue:
    """A date or date range with a precision code; unknown stays unknown."""

    start: str | None = None  # ISO date YYYY-MM-DD
    end: str | None = None
    precision: str = "unknown"
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        _check("date_precision", self.precision, field_name="precision")
        if self.precision == "unknown" and (self.start or self.end):
            raise RecordError("E104")


@_record
class RawDocument:
    """One input as read, before cleaning; metadata comes from a manifest, feed or HTTP."""

    source: str  # path, URL or "<stdin>"
    content: bytes
    content_type: str | None = None  # "text/html", "text/plain" or None (sniffed)
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    title: str | None = None
    note: str | None = None


@_record
class Article:
    """One cleaned text; ``id`` is a hash of ``text`` alone."""

    id: str
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date or datetime as found; never guessed
    language: str | None = None
    language_score: float | None = None
    status: str = "ok"
    content_type: str = "text/plain"
    canonical_id: str | None = None  # set on a near-copy: the original's id
    similarity: float | None = None  # near-copy containment against the original
    raw_sha256: str | None = None
    versions: Versions | None = None

    def __post_init__(self) -> None:
        _check("article_statuses", self.status, field_name="status")


@_record
class Report:
    """One article as published by one outlet at one URL."""

    id: str
    article_id: str  # the original article (canonical)
    variant_id: str  # the text this outlet published (== article_id unless near copy)
    kind: str = "original"
    outlet: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        _check("report_kinds", self.kind, field_name="kind")


@_record
class Rejected:
    """A document that could not be stored, with a coded reason."""

    id: str
    source: str
    stage: str
    reason: str  # an error code from fogofwar.errors, e.g. "E201"
    detail: str
    raw_sha256: str | None = None


@_record
class Place:
    """A gazetteer entry."""

    id: str  # e.g. "geonames:538560"
    name: str
    kind: str
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # ISO 3166-2
    admin2: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        _check("place_kinds", self.kind, field_name="kind")


@_record
class PlaceMention:
    """A place named in an article and where it resolved."""

    id: str
    evidence: Evidence
    name: str
    kind: str = "toponym"
    place: Place | None = None
    precision: str = "unknown"
    reason: str | None = None  # why this resolution won (the top features), for the analyst
    versions: Versions | None = None
    corrected: tuple[str, ...] = ()  # fields an analyst corrected (corrections.py)

    def __post_init__(self) -> None:
        _check("mention_kinds", self.kind, field_name="kind")
        _check("place_precision", self.precision, field_name="precision")


@_record
class Quantity:
    """A number with unit, range and qualifier; low <= best <= high where known."""

    evidence: Evidence
    unit: str
    qualifier: str = "exact"
    low: float | None = None
    best: float | None = None
    high: float | None = None
    measure: str | None = None
    relative_to: str | None = None  # for "less than half of": the text of the other figure's phrase
    region: str | None = None  # ISO 3166-2 code of the region the figure is about (claims set it)
    subject_side: str | None = None  # whose control, losses, prisoners… when the text says

    def __post_init__(self) -> None:
        _check("units", self.unit, field_name="unit")
        _check("qualifiers", self.qualifier, field_name="qualifier")
        _check("measures", self.measure, field_name="measure", optional=True)
        _check("sides", self.subject_side, field_name="subject_side", optional=True)
        known = [v for v in (self.low, self.best, self.high) if v is not None]
        if known != sorted(known):
            raise RecordError("E105", low=self.low, best=self.best, high=self.high)


@_record
class Claimant:
    """Who says so."""

    name: str
    kind: str
    side: str = "unknown"
    role: str | None = None
    via_outlet: str | None = None  # an anonymous source speaking through an outlet
    registry_id: str | None = None
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        _check("claimant_kinds", self.kind, field_name="kind")
        _check("sides", self.side, field_name="side")


@_record
class Claim:
    """An attributed statement."""

    id: str
    evidence: Evidence
    claimant: Claimant
    cue: str
    stance: str = "asserts"
    hedges: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    as_of: DateValue = field(default_factory=DateValue)
    versions: Versions | None = None
    assessed: bool = False  # independently verified by an analyst (ISW's "assessed")
    corrected: tuple[str, ...] = ()  # fields an analyst corrected (corrections.py)

    def __post_init__(self) -> None:
        _check("cues", self.cue, field_name="cue")
        _check("stances", self.stance, field_name="stance")
        for hedge in self.hedges:
            _check("hedges", hedge, field_name="hedges")


@_record
class Actor:
    """A party to an event."""

    name: str
    side: str = "unknown"
    inter: int | None = None
    canonical: str | None = None
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        _check("sides", self.side, field_name="side")
        if self.inter is not None and str(self.inter) not in vocab.values("inter_codes"):
            raise RecordError("E101", field="inter", value=self.inter, kind="inter_codes")


@_record
class Event:
    """What happened on the ground, ACLED-coded."""

    id: str
    evidence: Evidence
    event_type: str
    sub_event_type: str
    actor1: Actor | None = None
    actor2: Actor | None = None
    assoc_actors: tuple[Actor, ...] = ()
    place: PlaceMention | None = None
    date: DateValue = field(default_factory=DateValue)
    quantities: tuple[Quantity, ...] = ()
    flags: tuple[str, ...] = ()
    territory_change: str = "none"
    claim_ids: tuple[str, ...] = ()
    versions: Versions | None = None
    corrected: tuple[str, ...] = ()  # fields an analyst corrected (corrections.py)

    def __post_init__(self) -> None:
        subtypes = vocab.table("event_types").get(self.event_type)
        if subtypes is None:
            raise RecordError("E101", field="event_type", value=self.event_type, kind="event_types")
        if self.sub_event_type not in subtypes:
            raise RecordError("E106", event_type=self.event_type, sub_event_type=self.sub_event_type)
        for flag in self.flags:
            _check("context_flags", flag, field_name="flags")
        _check("territory_changes", self.territory_change, field_name="territory_change")


@_record
class Measure:
    """A quantity tracked across reports, e.g. area of Kursk Oblast under UA control."""

    key: str  # from the measure vocabulary
    unit: str
    subject_side: str | None = None  # whose control, losses, etc.
    place_id: str | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        _check("measures", self.key, field_name="key")
        _check("units", self.unit, field_name="unit")
        _check("sides", self.subject_side, field_name="subject_side", optional=True)


# --- plain-data round trip -------------------------------------------------

R = TypeVar("R")


def to_dict(record: Any) -> Any:
    """A record as JSON-ready plain data (tuples become lists)."""
    names = _field_names(type(record))
    if names is not None:
        return {name: to_dict(getattr(record, name)) for name in names}
    if isinstance(record, (tuple, list)):
        return [to_dict(item) for item in record]
    if isinstance(record, bytes):
        raise RecordError("E107")
    return record


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    # looked up once per class: to_dict runs for every record a stage stores
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def from_dict(cls: type[R], data: dict[str, Any]) -> R:
    """Rebuild a record of ``cls`` from :func:`to_dict` output."""
    kwargs = {}
    for name, convert in _plan(cls):
        if name in data:
            value = data[name]
            kwargs[name] = convert(value) if convert is not None and value is not None else value
    return cls(**kwargs)


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    # type hints are resolved once per class: from_dict runs for every stored record read
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """How to rebuild a plain value of this type (None: as it is)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else None
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0])
        return tuple if item is None else (lambda value: tuple(None if v is None else item(v) for v in value))
    if dataclasses.is_dataclass(hint):
        return lambda value: from_dict(hint, value)
    if hint is float:
        return lambda value: float(value) if isinstance(value, int) else value
    return None


# --- across reports (the link stage) -------------------------------------------------------

@_record
class LedgerEvent:
    """One real event: the reports (per-article events) merged into it, and its own fields
    chosen among theirs by the rules in ``link.py``."""

    id: str
    event_type: str
    sub_event_type: str
    event_ids: tuple[str, ...]  # the merged reports (per-article Event ids), in date order
    article_ids: tuple[str, ...]
    actor1: Actor | None = None
    actor2: Actor | None = None
    place: PlaceMention | None = None
    date: DateValue = field(default_factory=DateValue)
    fatalities_low: float | None = None
    fatalities_best: float | None = None
    fatalities_high: float | None = None
    fatalities_evidence: tuple[Evidence, ...] = ()
    territory_change: str = "none"
    flags: tuple[str, ...] = ()  # a flagged statement (vowed, denied, historical…), not an event that happened
    reasons: tuple[str, ...] = ()  # why these reports were merged, for the analyst
    corrected: tuple[str, ...] = ()  # fields its reports' corrections set, "merged" / "split" by an analyst

    def __post_init__(self) -> None:
        if not self.event_ids:
            raise RecordError("E108")
        _check("territory_changes", self.territory_change, field_name="territory_change")
        for flag in self.flags:
            _check("context_flags", flag, field_name="flags")


@_record
class ClaimValue:
    """One claimed figure on a measure's timeline: who gave it, as of when, from which report."""

    claim_id: str
    article_id: str
    claimant: Claimant
    quantity: Quantity
    as_of: DateValue
    origin: str  # the canonical article: syndicated copies share it
    low: float | None = None  # the interval the figure allows, qualifiers respected (None: unbounded)
    high: float | None = None
    outlets: tuple[str, ...] = ()


@_record
class Timeline:
    """Every claimed figure on one measure in one region, by as-of date and claimant."""

    id: str
    measure: str
    unit: str
    region: str | None
    values: tuple[ClaimValue, ...]


@_record
class Disagreement:
    """Two claimed figures on one measure that do not agree: ``status`` says whether the
    later one updates the earlier (same claimant or side) or they dispute each other."""

    id: str
    status: str  # "disputed" or "updated"
    measure: str
    unit: str
    region: str | None
    a: ClaimValue
    b: ClaimValue
    reason: str

    def __post_init__(self) -> None:
        if self.status not in ("disputed", "updated"):
            raise RecordError("E101", field="status", value=self.status, kind="disagreement statuses")


@_record
class Grade:
    """An Admiralty-style grade of one claim: source reliability A-F, information
    credibility 1-6, graded apart, with the reasons."""

    claim_id: str
    reliability: str
    credibility: int
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.reliability not in ("A", "B", "C", "D", "E", "F"):
            raise RecordError("E101", field="reliability", value=self.reliability, kind="A-F")
        if not 1 <= self.credibility <= 6:
            raise RecordError("E101", field="credibility", value=self.credibility, kind="1-6")


# --- analyst corrections ---------------------------------------------------------------------

CORRECTION_TARGETS = ("claim", "event", "place", "merge", "split")


@_record
class Correction:
    """An analyst's change to the ledger, kept in an append-only audit log. It is anchored
    to evidence (the corrected record's article id and span), never to a generated id, so
    that it is applied again to whatever record a rerun finds at the same words."""

    id: str
    at: str  # when: an ISO date-time, UTC
    by: str  # who: the CLI's --by, or the name of the API token
    target: str  # claim | event | place (a place mention) | merge | split
    anchor: Evidence  # the corrected record's evidence (merge, split: the first event's)
    field: str  # side, place, quantity@71-85…; "events" for merge and split
    new_value: Any = None  # plain data (a gazetteer entry in full, so that no lookup is needed again)
    old_value: Any = None  # what the record said when it was corrected
    other: Evidence | None = None  # merge, split: the second event's evidence
    reason: str = ""

    def __post_init__(self) -> None:
        if self.target not in CORRECTION_TARGETS:
            raise RecordError("E101", field="target", value=self.target, kind="correction targets")
        if (self.other is not None) != (self.target in ("merge", "split")):
            raise RecordError("E101", field="other", value=self.other, kind="the second event of a merge or split")
