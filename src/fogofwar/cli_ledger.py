"""The ledger across articles from the command line: `fogofwar conflicts`, `fogofwar event`
and `fogofwar sitrep`, registered on the main group by ``cli.py``."""

from __future__ import annotations

import json
from typing import Any

import click

from .cli_common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, guard, open_store_of, settings_of

__all__ = ["conflicts_cmd", "event_cmd", "sitrep_cmd"]


def _figure(v: Any) -> str:
    low = "…" if v.low is None else f"{v.low:,.0f}"
    high = "…" if v.high is None else f"{v.high:,.0f}"
    return f"“{v.quantity.evidence.text}” ({low}–{high})"


def _voice(v: Any) -> str:
    return f"{v.claimant.name} ({v.claimant.side}, as of {v.as_of.start or 'unknown'})"


@click.command("conflicts")
@click.option("--measure", default=None, help="Only this measure (e.g. area_controlled_km2).")
@click.option("--place", default=None, help="Only this region: an ISO 3166-2 code (RU-KRS), a country code, or a name.")
@click.option("--disputed", is_flag=True, help="Only measures with a disagreement.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines: one timeline with its disagreements per line.")
@click.pass_context
@guard
def conflicts_cmd(ctx: click.Context, measure: str | None, place: str | None, disputed: bool, as_json: bool) -> int:
    """Claimed figures by measure: each timeline, its updates and its disagreements, with spans."""
    from . import link
    from .records import to_dict

    settings = settings_of(ctx)
    store = open_store_of(settings)
    try:
        regions = None
        if place:
            from .gazetteer import open_gazetteer

            regions = link.regions_named(place, None if "-" in place or place.isupper() else open_gazetteer())
            if not regions:
                click.echo(f"error: no region is named {place!r}", err=True)
                return EXIT_ERROR
        found = link.conflicts(store, measure=measure, regions=regions)
    finally:
        store.close()
    shown = 0
    for line, found_here in found:
        disputes = [d for d in found_here if d.status == "disputed"]
        if disputed and not disputes:
            continue
        shown += 1
        if as_json:
            click.echo(json.dumps({"timeline": to_dict(line), "disagreements": [to_dict(d) for d in found_here]},
                                  ensure_ascii=False))
            continue
        updates = len(found_here) - len(disputes)
        click.echo(f"{line.measure} ({line.unit}) in {line.region or 'region unknown'}: {len(line.values)} figure(s), "
                   f"{len(disputes)} disagreement(s), {updates} update(s)")
        for v in line.values:
            click.echo(f"    {v.as_of.start or 'undated   '}  {v.claimant.side:<11} {v.claimant.name:<32} "
                       f"{_figure(v)}  [{v.article_id[:10]} {v.quantity.evidence.start}-{v.quantity.evidence.end}]")
        for d in disputes:
            click.echo(f"  DISPUTED  {_voice(d.a)} {_figure(d.a)}  vs  {_voice(d.b)} {_figure(d.b)}")
    if not as_json:
        click.echo(f"{shown} measure(s)")
    return EXIT_OK


@click.command("event")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="JSON: the ledger event and its reports.")
@click.pass_context
@guard
def event_cmd(ctx: click.Context, event_id: str, as_json: bool) -> int:
    """Show one ledger event (by id, prefix, or a report's id) with all its reports and why they merged."""
    from . import link
    from .records import to_dict

    settings = settings_of(ctx)
    store = open_store_of(settings)
    try:
        found = link.find_ledger_event(store, event_id)
        meta = store.article_meta(list(found[0].article_ids)) if found else {}
    finally:
        store.close()
    if found is None:
        click.echo(f"error: no event {event_id!r}; `fogofwar events` lists them", err=True)
        return EXIT_ERROR
    le, reports = found
    if as_json:
        click.echo(json.dumps({"event": to_dict(le), "reports": [to_dict(r) for r in reports]}, ensure_ascii=False))
        return EXIT_OK
    place = (le.place.place.name if le.place and le.place.place else "place unknown")
    actors = " vs ".join(f"{a.name} ({a.side})" for a in (le.actor1, le.actor2) if a) or "-"
    click.echo(f"{le.id}  {le.event_type} / {le.sub_event_type}")
    click.echo(f"  {actors} — {place} ({le.place.precision if le.place else '-'}) — "
               f"{le.date.start or 'date unknown'} ({le.date.precision})")
    if le.fatalities_low is not None or le.fatalities_best is not None:
        click.echo(f"  fatalities low/best/high: {le.fatalities_low}/{le.fatalities_best}/{le.fatalities_high}")
    for r in reports:
        outlets = ", ".join(meta.get(r.evidence.article_id, (None, None, ()))[2]) or "-"
        click.echo(f"  report {r.id[:10]} in {r.evidence.article_id[:10]} ({outlets}), "
                   f"{r.date.start or 'undated'}: “{' '.join(r.evidence.text.split())[:140]}”")
    for reason in le.reasons:
        click.echo(f"  why: {reason}")
    return EXIT_OK


@click.command("sitrep")
@click.option("--place", required=True, help="The region: a name (\"Kursk Oblast\") or an ISO 3166-2 code (RU-KRS).")
@click.option("--date", "day", required=True, help="The day, YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", help="Markdown or a standalone HTML page.")
@click.pass_context
@guard
def sitrep_cmd(ctx: click.Context, place: str, day: str, fmt: str) -> int:
    """A daily situation report of one region, generated from the ledger."""
    import datetime as dt

    from . import link, sitrep

    try:
        dt.date.fromisoformat(day)
    except ValueError:
        click.echo(f"error: --date {day!r} is not a YYYY-MM-DD date", err=True)
        return EXIT_USAGE
    settings = settings_of(ctx)
    store = open_store_of(settings)
    try:
        from .gazetteer import open_gazetteer

        regions = link.regions_named(place, open_gazetteer())
        if not regions:
            click.echo(f"error: no region is named {place!r}; try its ISO 3166-2 code (e.g. RU-KRS)", err=True)
            return EXIT_ERROR
        report = sitrep.build(store, regions=regions, place=place, day=day)
    finally:
        store.close()
    click.echo(sitrep.to_html(report) if fmt == "html" else sitrep.to_markdown(report), nl=False)
    return EXIT_OK
