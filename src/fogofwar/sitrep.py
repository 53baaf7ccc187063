"""The daily situation report of one region: the day's events, the claimed figures on each
measure with who says what, the disagreements still open, and the sources.

Everything comes from the ledger: the report's sentences are generated from fields, and
the only words taken from articles are the evidence quotations, marked as such.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass

from . import link
from .records import ClaimValue, Disagreement, LedgerEvent, Timeline
from .store import Store

__all__ = ["SitRep", "build", "to_markdown", "to_html"]

OPEN_DAYS = 7  # a disagreement stays open for a reporting week after its later figure


@dataclass(frozen=True, slots=True)
class SitRep:
    region_codes: tuple[str, ...]
    place: str
    day: str
    events: tuple[LedgerEvent, ...]  # dated that day
    vague_events: tuple[LedgerEvent, ...]  # reported in an article of that day, dated less precisely
    measures: tuple[tuple[Timeline, tuple[ClaimValue, ...]], ...]  # each claimant's latest figure
    disagreements: tuple[Disagreement, ...]
    sources: tuple[tuple[str, str | None, tuple[str, ...], str | None], ...]  # id, published, outlets, title


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _in(region: str | None, codes: set[str]) -> bool:
    return region is not None and any(region == c or region.startswith(c + "-") for c in codes)


def _event_region(le: LedgerEvent) -> str | None:
    if le.place is None or le.place.place is None:
        return None
    return le.place.place.admin1 or le.place.place.country


def build(store: Store, *, regions: set[str], place: str, day: str) -> SitRep:
    """The report of ``day`` (YYYY-MM-DD) for the regions (ISO 3166-2 codes)."""
    when = dt.date.fromisoformat(day)
    events, vague = [], []
    published_that_day = set()
    for le in link.ledger_events(store):
        if not _in(_event_region(le), regions):
            continue
        first, last = _day(le.date.start), _day(le.date.end or le.date.start)
        if le.date.precision in ("day", "days") and first and last and first <= when <= last:
            events.append(le)
        elif le.date.precision not in ("day", "days"):
            meta = store.article_meta(list(le.article_ids))
            if any(_day(p) == when for p, _c, _o in meta.values()):
                vague.append(le)
                published_that_day.update(le.article_ids)
    measures, open_disputes = [], []
    for line, found in link.conflicts(store, regions=regions):
        known = [v for v in line.values if _day(v.as_of.start) and _day(v.as_of.start) <= when]
        latest: dict[str, ClaimValue] = {}
        for v in known:  # in as-of order: the last one of each claimant stands
            latest[v.claimant.name] = v
        if latest:
            measures.append((line, tuple(latest.values())))
        for d in found:
            days = [_day(d.a.as_of.start), _day(d.b.as_of.start)]
            if d.status == "disputed" and all(days) and max(days) <= when \
                    and (when - max(days)).days <= OPEN_DAYS:
                open_disputes.append(d)
    used = {a for le in (*events, *vague) for a in le.article_ids} | {
        v.article_id for _line, values in measures for v in values} | {
        v.article_id for d in open_disputes for v in (d.a, d.b)}
    return SitRep(region_codes=tuple(sorted(regions)), place=place, day=day, events=tuple(events),
                  vague_events=tuple(vague), measures=tuple(measures), disagreements=tuple(open_disputes),
                  sources=_sources(store, used))


def _sources(store: Store, article_ids: Iterable[str]) -> tuple[tuple[str, str | None, tuple[str, ...], str | None], ...]:
    ids = sorted(set(article_ids))
    meta = store.article_meta(ids)
    out = []
    for aid in ids:
        published, _canonical, outlets = meta.get(aid, (None, None, ()))
        title = store.article(aid).title if store.has_article(aid) else None
        out.append((aid, published, outlets, title))
    return tuple(sorted(out, key=lambda s: (s[1] or "", s[0])))


def _event_line(le: LedgerEvent) -> str:
    actors = " vs ".join(f"{a.name} ({a.side})" for a in (le.actor1, le.actor2) if a) or "actors unknown"
    where = le.place.place.name if le.place and le.place.place else "place unknown"
    precision = le.place.precision if le.place else "unknown"
    deaths = ""
    if le.fatalities_best is not None or le.fatalities_low is not None:
        deaths = f"; fatalities low/best/high {_n(le.fatalities_low)}/{_n(le.fatalities_best)}/{_n(le.fatalities_high)}"
    return (f"{le.event_type} / {le.sub_event_type} at {where} ({precision}), {actors}; "
            f"{len(le.event_ids)} report(s) in {len(le.article_ids)} article(s){deaths} [{le.id[:12]}]")


def _n(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def _figure(v: ClaimValue) -> str:
    return f"{v.claimant.name} ({v.claimant.side}, as of {v.as_of.start}): “{v.quantity.evidence.text}”"


def to_markdown(rep: SitRep) -> str:
    out = [f"# Situation report: {rep.place} ({', '.join(rep.region_codes)}), {rep.day}", "",
           "Generated from the fogofwar ledger; quoted words are the evidence in the sources listed below.", "",
           f"## Events of the day ({len(rep.events)})", ""]
    out += [f"- {_event_line(le)}" for le in rep.events] or ["- none recorded"]
    if rep.vague_events:
        out += ["", f"## Reported that day, dated less precisely ({len(rep.vague_events)})", ""]
        out += [f"- {_event_line(le)} (date: {le.date.precision})" for le in rep.vague_events]
    out += ["", "## Claimed figures (each claimant's latest as of the day)", ""]
    for line, values in rep.measures:
        out.append(f"- **{line.measure}** ({line.unit}), {line.region or 'region unknown'}:")
        out += [f"  - {_figure(v)}" for v in values]
    if not rep.measures:
        out.append("- none recorded")
    out += ["", f"## Open disagreements ({len(rep.disagreements)})", ""]
    out += [f"- **{d.measure}**: {_figure(d.a)} vs {_figure(d.b)}" for d in rep.disagreements] or ["- none"]
    out += ["", "## Sources", ""]
    out += [f"- {aid[:12]}: {', '.join(outlets) or 'outlet unknown'}, {published or 'undated'}"
            + (f", “{title}”" if title else "") for aid, published, outlets, title in rep.sources] or ["- none"]
    return "\n".join(out) + "\n"


def to_html(rep: SitRep) -> str:
    """The same report as a standalone HTML page (every value escaped)."""
    body = []
    for line in to_markdown(rep).splitlines():
        text = html.escape(line)
        if line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{text[3:]}</h2>")
        elif line.startswith("  - "):
            body.append(f"<li class='sub'>{_bold(text[4:])}</li>")
        elif line.startswith("- "):
            body.append(f"<li>{_bold(text[2:])}</li>")
        elif line:
            body.append(f"<p>{text}</p>")
    title = html.escape(f"Situation report: {rep.place}, {rep.day}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}li.sub{margin-left:2em}</style>"
            f"</head><body>{''.join(body)}</body></html>\n")


def _bold(text: str) -> str:
    parts = text.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
