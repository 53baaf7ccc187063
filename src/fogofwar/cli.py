"""The command line: a thin shell over the library.

Exit codes:
  0  done
  1  an error stopped the command (the coded message says how to fix it)
  2  bad usage (unknown option, missing argument)
  3  done, but some documents were rejected (see the summary and `fogofwar rejected`)
  130 interrupted
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from . import __version__
from .cli_common import (  # the exit codes are re-exported: they are the CLI's documented interface
    DB_HELP as _DB_HELP, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, coords_text as _coords,
    guard as _guard, open_store_of as _open, progress_bar as _bar, settings_of as _settings)
from .config import Settings
from .errors import MESSAGES

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="fogofwar")
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--credibility", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Your source-reliability table (JSON) over the packaged one [env FOGOFWAR_CREDIBILITY].")
@click.pass_context
def cli(ctx: click.Context, db: str | None, credibility: str | None) -> None:
    """fogofwar: war reporting as a verifiable ledger of events and claims."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["credibility"] = credibility


def _engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--engine, --workers and --scheduler, shared by ingest and reprocess."""
    options = [
        click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                     help="local: this process; dask: cleaning and NLP stages on Dask workers, the store "
                          "written by this process."),
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="With --engine dask: start a local cluster of N worker processes on 127.0.0.1 [one per core]."),
        click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
                     help="With --engine dask: use the existing cluster at this scheduler address."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@contextlib.contextmanager
def _dask(settings: Settings, engine: str, workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """The Dask engine when asked for (None for the local one), its address on stderr."""
    if engine != "dask":
        if workers is not None or scheduler is not None:
            raise click.UsageError("--workers and --scheduler go with --engine dask")
        yield None
        return
    from .dask_engine import connect

    click.echo("dask: starting the workers (each loads the model and the gazetteer once)", err=True)
    with connect(settings=settings, workers=workers, scheduler=scheduler) as cluster:
        click.echo(f"dask: {cluster.workers} worker(s) at {cluster.client.scheduler.address}", err=True)
        yield cluster


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option("--manifest", "manifests", multiple=True, type=click.Path(),
              help="A CSV, TSV or JSONL manifest (path or url, outlet, published, language, title).")
@click.option("--max-bytes", type=int, default=None, help="Reject documents larger than this [5000000].")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_engine_options
@click.pass_context
@_guard
def ingest(ctx: click.Context, inputs: tuple[str, ...], manifests: tuple[str, ...], max_bytes: int | None,
           as_json: bool, quiet: bool, engine: str, workers: int | None, scheduler: str | None) -> int:
    """Read files, directories, URLs, feeds or stdin (-) into the ledger."""
    from tqdm import tqdm

    from .pipeline import ingest as run_ingest

    if not inputs and not manifests:
        raise click.UsageError("give at least one file, directory, URL, '-' or --manifest")
    from .pipeline import Resources

    settings = _settings(ctx, max_bytes=max_bytes)
    store = _open(settings)
    build_update, build_close = _bar("building the gazetteer (once per installation)", quiet)
    bar = tqdm(desc="ingest", unit="doc", disable=True if quiet else None, file=sys.stderr)
    stdin = sys.stdin.buffer if "-" in inputs else None
    try:
        with _dask(settings, engine, workers, scheduler) as cluster:
            if cluster is None:
                summary = run_ingest(inputs, store=store, settings=settings, manifests=manifests, stdin=stdin,
                                     resources=Resources(settings, on_gazetteer_build=build_update),
                                     on_outcome=lambda _o: bar.update(1))
            else:
                from .dask_engine import ingest as dask_ingest

                summary = dask_ingest(inputs, store=store, settings=settings, engine=cluster, manifests=manifests,
                                      stdin=stdin, on_outcome=lambda _o: bar.update(1))
    finally:
        bar.close()
        build_close()
        store.close()
    if as_json:
        click.echo(json.dumps({"counts": dict(summary.counts), "rejected": dict(summary.reasons)}, sort_keys=True))
    else:
        click.echo(_summary_line(summary))
    return EXIT_REJECTED if summary.reasons else EXIT_OK


def _summary_line(summary: Any) -> str:
    c = summary.counts
    if summary.total and c["duplicate"] == summary.total:
        return f"nothing new: all {summary.total} documents were already stored"
    parts = [f"stored {c['stored']}", f"near copies {c['near_copy']}", f"new reports {c['new_report']}",
             f"duplicates {c['duplicate']}", f"rejected {c['rejected']}"]
    line = ", ".join(parts)
    if summary.reasons:
        reasons = ", ".join(f"{code} {MESSAGES[code][0]}: {n}" for code, n in sorted(summary.reasons.items()))
        line += f" ({reasons})"
    return line


@cli.command("watch")
@click.argument("feeds", nargs=-1, required=True)
@click.option("--interval", type=float, default=300.0, show_default=True,
              help="Seconds between two polls of a feed; a failing feed waits twice as long after each failure "
                   "(at most an hour).")
@click.option("--max-items", type=int, default=20, show_default=True,
              help="New entries taken from one feed per poll; the rest wait for the next poll.")
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option("--polls", type=int, default=None, help="Stop after this many polls.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary line of each poll, not each entry.")
@click.pass_context
@_guard
def watch_cmd(ctx: click.Context, feeds: tuple[str, ...], interval: float, max_items: int, once: bool,
              polls: int | None, quiet: bool) -> int:
    """Poll RSS/Atom feeds (URLs, files listing them, OPML) and ingest their new entries until
    stopped; SIGTERM stops after the entry in hand."""
    import signal
    import threading

    from .pipeline import Resources
    from .watch import read_feed_list, watch

    urls = read_feed_list(feeds)
    if not urls:
        raise click.UsageError("no feed URL in " + ", ".join(feeds))
    settings = _settings(ctx)
    store = _open(settings)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    build_update, build_close = _bar("building the gazetteer (once per installation)", quiet)
    click.echo(f"watching {len(urls)} feed(s), every {interval:g}s, at most {max_items} new entries per feed "
               "per poll; SIGTERM stops after the entry in hand", err=True)
    try:
        for result in watch(urls, store=store, settings=settings, interval=interval, max_items=max_items,
                            polls=1 if once else polls, stop=stop,
                            resources=Resources(settings, on_gazetteer_build=build_update),
                            on_outcome=None if quiet else _echo_outcome):
            click.echo(_poll_line(result), err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        build_close()
        store.close()
    if stop.is_set():
        click.echo("stopped: every entry taken is stored; a restart goes on from there", err=True)
    return EXIT_OK


def _echo_outcome(outcome: Any) -> None:
    reason = f" {outcome.reason}" if outcome.reason else ""
    click.echo(f"  {outcome.kind:<10} {(outcome.article_id or '-')[:12]:<12} {outcome.source}{reason}", err=True)


def _poll_line(result: Any) -> str:
    """One line per poll: what happened to the feeds, then to the documents."""
    from collections import Counter

    status = Counter(f.status for f in result.feeds)
    taken, left = sum(f.taken for f in result.feeds), sum(f.left for f in result.feeds)
    feeds = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(status.items()))
    failed = "; ".join(f"{f.url} {f.error} (next try {f.next_poll[11:19]} UTC)"
                       for f in result.feeds if f.status == "failed" and f.next_poll)
    line = f"poll {result.number}: {feeds or 'no feeds'}; {taken} new entries"
    line += f", {left} left for the next poll" if left else ""
    line += f"; {_summary_line(result.summary)}" if result.summary.total else ""
    return line + (f"; failed: {failed}" if failed else "")


@cli.command()
@click.option("--stage", default=None, help="Only this stage (clean, mask, …); default: all.")
@click.option("--since", default=None, help="Only articles stored since this ISO date.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_engine_options
@click.pass_context
@_guard
def reprocess(ctx: click.Context, stage: str | None, since: str | None, quiet: bool, engine: str,
              workers: int | None, scheduler: str | None) -> int:
    """Re-run stages on stored articles and replace their derived records."""
    from tqdm import tqdm

    from .pipeline import reprocess as run_reprocess

    settings = _settings(ctx)
    store = _open(settings)
    bar = tqdm(desc="reprocess", unit="article", disable=True if quiet else None, file=sys.stderr)
    try:
        with _dask(settings, engine, workers, scheduler) as cluster:
            if cluster is None:
                done = run_reprocess(store=store, settings=settings, stage=stage, since=since,
                                     on_article=lambda _id, _n: bar.update(1))
            else:
                from .dask_engine import reprocess as dask_reprocess

                done = dask_reprocess(store=store, settings=settings, engine=cluster, stage=stage, since=since,
                                      on_article=lambda _id, _n: bar.update(1))
    finally:
        bar.close()
        store.close()
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(done.items())) or "no articles")
    if done.get("orphaned_corrections"):
        click.echo("some corrections no longer find their evidence: `fogofwar audit --orphans` lists them", err=True)
    return EXIT_OK


@cli.command()
@click.argument("article_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON lines (one article per line).")
@click.option("--limit", type=int, default=None, help="List at most this many.")
@click.option("--text/--no-text", "show_text", default=True, help="Show the text of one article.")
@click.pass_context
@_guard
def articles(ctx: click.Context, article_id: str | None, as_json: bool, limit: int | None, show_text: bool) -> int:
    """List stored articles, or show one (by id or id prefix)."""
    from .records import to_dict

    settings = _settings(ctx)
    store = _open(settings)
    try:
        if article_id:
            article = store.article(article_id)
            reports = store.reports(article.canonical_id or article.id)
            masks = [payload for _rid, _k, payload in store.derived(article.id, "mask")]
            if as_json:
                click.echo(json.dumps({"article": to_dict(article), "reports": [to_dict(r) for r in reports],
                                       "masks": masks}, ensure_ascii=False))
                return EXIT_OK
            _show(article, reports, masks, show_text=show_text)
            return EXIT_OK
        rows = store.articles(limit=limit)
    finally:
        store.close()
    for row in rows:
        if as_json:
            click.echo(json.dumps({"article": to_dict(row.article), "reports": [to_dict(r) for r in row.reports]},
                                  ensure_ascii=False))
        else:
            a = row.article
            outlets = ", ".join(sorted({r.outlet or "?" for r in row.reports})) or "-"
            copy = f" copy-of {a.canonical_id[:12]}" if a.canonical_id else ""
            click.echo(f"{a.id[:12]}  {a.published or 'undated':<10.10}  {a.language or '??':<3} "
                       f"{len(row.reports)} rep  {outlets[:40]:<40}  {(a.title or a.text.split(chr(10))[0])[:60]}{copy}")
    if not as_json:
        click.echo(f"{len(rows)} articles")
    return EXIT_OK


def _show(article: Any, reports: list[Any], masks: list[dict[str, Any]], *, show_text: bool) -> None:
    click.echo(f"id:        {article.id}")
    click.echo(f"title:     {article.title or '-'}")
    click.echo(f"published: {article.published or 'unknown'}")
    click.echo(f"language:  {article.language or 'unknown'} ({article.language_score}) status {article.status}")
    if article.canonical_id:
        click.echo(f"near copy of {article.canonical_id} (containment {article.similarity})")
    for r in reports:
        click.echo(f"report:    {r.kind:<10} {r.outlet or '?'}  {r.url or r.source}")
    if masks:
        click.echo(f"masked:    {len(masks)} recurring boilerplate line(s)")
    if show_text:
        click.echo("")
        click.echo(article.text)


@cli.command("places")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@click.pass_context
@_guard
def places_cmd(ctx: click.Context, article_id: str, as_json: bool) -> int:
    """List the place mentions of one article with their resolution."""
    settings = _settings(ctx)
    store = _open(settings)
    try:
        article = store.article(article_id)
        found = [payload for _aid, payload in store.records("place_mention", article_id=article.id)]
    finally:
        store.close()
    found.sort(key=lambda m: m["evidence"]["start"])
    for m in found:
        if as_json:
            click.echo(json.dumps(m, ensure_ascii=False))
            continue
        place = m.get("place") or {}
        where = (f"{place.get('name')} [{place.get('id')}] {place.get('admin1') or place.get('country') or ''} "
                 f"{_coords(place)}") if place else "unresolved"
        click.echo(f"{m['evidence']['start']:>6}  {m['evidence']['text']!r:32} {m['kind']:<9} {m['precision']:<8} {where}")
        if m.get("reason"):
            click.echo(f"{'':>8}why: {m['reason']}")
    if not as_json:
        click.echo(f"{len(found)} place mentions")
    return EXIT_OK


@cli.command("claims")
@click.option("--side", type=click.Choice(["UA", "RU", "third_party", "unknown"]), default=None,
              help="Only claims by claimants of this side.")
@click.option("--claimant", default=None, help="Only claimants whose name contains this text.")
@click.option("--article", "article_id", default=None, help="Only the claims of this article (id or prefix).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@click.pass_context
@_guard
def claims_cmd(ctx: click.Context, side: str | None, claimant: str | None, article_id: str | None,
               as_json: bool) -> int:
    """List attributed claims: who says what, on which side, with the evidence."""
    from . import link
    from .records import Claim, from_dict, to_dict

    settings = _settings(ctx)
    store = _open(settings)
    try:
        only = store.article(article_id).id if article_id else None
        rows = [(aid, c) for aid, c in store.records("claim", article_id=only)
                if not (side and c["claimant"]["side"] != side
                        or claimant and claimant.casefold() not in c["claimant"]["name"].casefold())]
        grades = {c["id"]: link.grade_of(store, from_dict(Claim, c), settings) for _aid, c in rows}
    finally:
        store.close()
    shown = 0
    for aid, c in rows:
        who = c["claimant"]
        grade = grades[c["id"]]
        shown += 1
        if as_json:
            click.echo(json.dumps({"article_id": aid, **c, "grade": to_dict(grade)}, ensure_ascii=False))
            continue
        hedges = f" [{', '.join(c['hedges'])}]" if c["hedges"] else ""
        role = f", {who['role']}" if who.get("role") else ""
        via = f" via {who['via_outlet']}" if who.get("via_outlet") else ""
        figures = "; ".join(q["evidence"]["text"] for q in c["quantities"])
        click.echo(f"{aid[:10]} {who['side']:<11} {grade.reliability}{grade.credibility} {who['name']}{role}{via} — {c['cue']}"
                   f"{' (denies)' if c['stance'] == 'denies' else ''}{hedges} as of {c['as_of']['start'] or 'unknown'}")
        click.echo(f"           “{' '.join(c['evidence']['text'].split())[:200]}”" + (f"  figures: {figures}" if figures else ""))
    if not as_json:
        click.echo(f"{shown} claims")
    return EXIT_OK


@cli.command("events")
@click.option("--type", "event_type", default=None, help="Only this ACLED event type (e.g. Battles).")
@click.option("--side", type=click.Choice(["UA", "RU", "third_party", "unknown"]), default=None,
              help="Only events with an actor of this side.")
@click.option("--flagged/--no-flagged", default=False,
              help="Also list flagged statements (negated, hypothetical, future, historical).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@click.option("--bbox", default=None, metavar="W,S,E,N",
              help="List the ledger events placed in this box (west, south, east, north in degrees).")
@click.option("--near", default=None, metavar="LAT,LON",
              help="List the ledger events placed within --km of this point, nearest first.")
@click.option("--km", type=float, default=None, help="The distance of --near, in kilometres.")
@click.pass_context
@_guard
def events_cmd(ctx: click.Context, event_type: str | None, side: str | None, flagged: bool, as_json: bool,
               bbox: str | None, near: str | None, km: float | None) -> int:
    """List ACLED-coded events with actors, place, date, flags and the claims that report them;
    with --bbox or --near, the ledger events (reports merged) placed there."""
    from . import spatial

    area = spatial.area(bbox=bbox, near=near, km=km)
    if area is not None:
        return _located_events(ctx, area, event_type=event_type, side=side, flagged=flagged, as_json=as_json)
    settings = _settings(ctx)
    store = _open(settings)
    try:
        rows = list(store.records("event"))
    finally:
        store.close()
    shown = 0
    for aid, e in rows:
        sides = {a["side"] for a in (e.get("actor1"), e.get("actor2")) if a}
        if (event_type and e["event_type"] != event_type) or (side and side not in sides) or (
                e["flags"] and not flagged):
            continue
        shown += 1
        if as_json:
            click.echo(json.dumps({"article_id": aid, **e}, ensure_ascii=False))
            continue
        actors = " vs ".join(f"{a['name']} ({a['side']})" for a in (e.get("actor1"), e.get("actor2")) if a) or "-"
        place = ((e.get("place") or {}).get("place") or {}).get("name") or "place unknown"
        date = e["date"]["start"] if e["date"]["precision"] == "day" else (
            f"{e['date']['start']}..{e['date']['end']}" if e["date"]["start"] else "date unknown")
        flags = f" [{', '.join(e['flags'])}]" if e["flags"] else ""
        click.echo(f"{aid[:10]} {e['event_type']} / {e['sub_event_type']}{flags} — {actors} — {place} — {date}"
                   f" — {len(e['claim_ids'])} claim(s)")
        click.echo(f"           “{' '.join(e['evidence']['text'].split())[:160]}”")
    if not as_json:
        click.echo(f"{shown} events")
    return EXIT_OK


def _located_events(ctx: click.Context, area: Any, *, event_type: str | None, side: str | None, flagged: bool,
                    as_json: bool) -> int:
    """The ledger events placed in an area (``spatial.BBox`` or ``spatial.Near``)."""
    from . import link, spatial
    from .records import to_dict

    store = _open(_settings(ctx))
    try:
        found = [e for e in link.events_in(store, area, flagged=flagged)
                 if (not event_type or e.event_type == event_type)
                 and (not side or side in {a.side for a in (e.actor1, e.actor2) if a})]
    finally:
        store.close()
    for e in found:
        point = spatial.point_of(e)
        away = area.distance_km(point.latitude, point.longitude) if isinstance(area, spatial.Near) else None
        if as_json:
            click.echo(json.dumps({**to_dict(e), "distance_km": None if away is None else round(away, 3)},
                                  ensure_ascii=False))
            continue
        actors = " vs ".join(f"{a.name} ({a.side})" for a in (e.actor1, e.actor2) if a) or "-"
        date = e.date.start if e.date.precision == "day" else (
            f"{e.date.start}..{e.date.end}" if e.date.start else "date unknown")
        flags = f" [{', '.join(e.flags)}]" if e.flags else ""
        distance = f", {away:.1f} km away" if away is not None else ""
        click.echo(f"{e.id[:10]} {e.event_type} / {e.sub_event_type}{flags} — {actors} — {e.place.place.name} "
                   f"({point.latitude:.3f}, {point.longitude:.3f}{distance}) — {date} — {len(e.event_ids)} report(s)")
    if not as_json:
        click.echo(f"{len(found)} ledger events placed there (events placed only at a region are not)")
    return EXIT_OK


@cli.command("export")
@click.argument("kind", type=click.Choice(["events", "claims", "places", "conflicts"]))
@click.option("--format", "fmt", required=True,
              help="events: acled-csv, geojson, jsonl, parquet; claims: jsonl, csv; places: jsonl; conflicts: json.")
@click.option("--out", default=None, type=click.Path(dir_okay=False),
              help="Write to this file (replaced only when the export is complete); default: standard output.")
@click.option("--place", default=None, help="Only this region: an ISO 3166-2 code (RU-KRS), a country code, or a name.")
@click.option("--since", default=None, help="Only from this day (YYYY-MM-DD) on: event dates, claims' as-of dates.")
@click.option("--until", default=None, help="Only up to this day (YYYY-MM-DD).")
@click.option("--type", "event_type", default=None, help="events: only this ACLED event type (e.g. Battles).")
@click.option("--side", type=click.Choice(["UA", "RU", "third_party", "unknown"]), default=None,
              help="Only events with an actor of this side, claims and figures by claimants of this side.")
@click.option("--flagged/--no-flagged", default=False,
              help="events: also export flagged statements (negated, hypothetical, future, historical).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar while the gazetteer is built.")
@click.option("--bbox", default=None, metavar="W,S,E,N",
              help="events: only those placed in this box (west, south, east, north in degrees).")
@click.option("--near", default=None, metavar="LAT,LON", help="events: only those placed within --km of this point.")
@click.option("--km", type=float, default=None, help="The distance of --near, in kilometres.")
@click.pass_context
@_guard
def export_cmd(ctx: click.Context, kind: str, fmt: str, out: str | None, place: str | None, since: str | None,
               until: str | None, event_type: str | None, side: str | None, flagged: bool, quiet: bool,
               bbox: str | None, near: str | None, km: float | None) -> int:
    """Export the ledger: events as ACLED CSV, GeoJSON, JSON lines or Parquet; claims; places; conflicts."""
    from . import export, link, spatial

    area = spatial.area(bbox=bbox, near=near, km=km)
    filters = export.Filters(since=since, until=until, event_type=event_type, side=side, area=area,
                             regions=frozenset({"-"}) if place else None)  # the region is looked up below
    export.check(kind, fmt, filters)
    if out is None and fmt == "parquet" and sys.stdout.isatty():
        raise click.UsageError("Parquet is binary: give --out FILE or redirect the output")
    gazetteer = None
    if kind == "events" or (place and not ("-" in place or place.isupper())):
        from .gazetteer import open_gazetteer

        update, close = _bar("building the gazetteer (once per installation)", quiet)
        try:
            gazetteer = open_gazetteer(progress=update)
        finally:
            close()
    if place:
        regions = link.regions_named(place, gazetteer)
        if not regions:
            click.echo(f"error: no region is named {place!r}; try its ISO 3166-2 code (e.g. RU-KRS)", err=True)
            return EXIT_ERROR
        filters = export.Filters(since=since, until=until, event_type=event_type, side=side, area=area,
                                 regions=frozenset(regions))
    settings = _settings(ctx)
    store = _open(settings)
    try:
        summary = export.export(store, out if out is not None else sys.stdout.buffer, kind=kind, fmt=fmt,
                                filters=filters, settings=settings, gazetteer=gazetteer, flagged=flagged)
    finally:
        store.close()
        if gazetteer is not None:
            gazetteer.close()
    if out is not None:
        skipped = f", {summary.without_coordinates} without coordinates left out" if summary.without_coordinates else ""
        click.echo(f"exported {summary.written} {kind} to {out}{skipped}", err=True)
    return EXIT_OK


@cli.command("rejected")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@click.pass_context
@_guard
def rejected_cmd(ctx: click.Context, as_json: bool) -> int:
    """List documents that were rejected, with their coded reason."""
    from .records import to_dict

    settings = _settings(ctx)
    store = _open(settings)
    try:
        items = store.rejected()
    finally:
        store.close()
    for item in items:
        click.echo(json.dumps(to_dict(item), ensure_ascii=False) if as_json
                   else f"{item.reason} {MESSAGES[item.reason][0]:<16} {item.source}")
    if not as_json:
        click.echo(f"{len(items)} rejected")
    return EXIT_OK


@cli.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--stage", "stages", multiple=True, help="Score only these stages (repeatable); default: all.")
@click.option("--diff", "show_diff", is_flag=True, help="List per item what was missed, wrong or extra.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--baseline", type=click.Path(dir_okay=False), default="eval/baseline.json", show_default=True,
              help="The pinned floors to check against.")
@click.option("--update-baseline", is_flag=True, help="Pin these scores as the new floors (they only rise).")
@click.option("--allow-lower", is_flag=True, help="With --update-baseline: allow a floor to fall.")
@click.option("--reason", default=None, help="Why a floor is lowered (kept in the baseline).")
@_guard
def eval_cmd(gold_dir: str, stages: tuple[str, ...], show_diff: bool, as_json: bool, baseline: str,
             update_baseline: bool, allow_lower: bool, reason: str | None) -> int:
    """Score the pipeline on one half of the gold set (eval/gold/dev or eval/gold/heldout)."""
    from pathlib import Path

    from . import evaluate

    report = evaluate.evaluate(Path(gold_dir), stages=stages or evaluate.STAGES)
    base_path = Path(baseline)
    pinned = json.loads(base_path.read_text("utf-8")) if base_path.is_file() else {}
    if update_baseline:
        updated = evaluate.update_baseline(report, pinned, allow_lower=allow_lower, reason=reason)
        base_path.write_text(json.dumps(updated, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    failures = evaluate.check_baseline(report, pinned) if pinned and not update_baseline else []
    if as_json:
        data = report.to_json()
        if not show_diff:
            data.pop("items")
        click.echo(json.dumps({**data, "failures": failures}, indent=2, ensure_ascii=False))
    else:
        click.echo(f"{report.half}: {report.articles} articles, gold hash {report.hash[:12]}")
        for stage, scores in report.scores.items():
            shown = ", ".join(f"{k} {'-' if v is None else v}" for k, v in scores.items())
            click.echo(f"  {stage:<11} {shown}")
        if show_diff:
            for item in report.items:
                click.echo(f"  [{item.stage}] {item.status:<6} {item.path}: {item.detail}")
        gaps = evaluate.target_gaps(report, pinned)
        if gaps:
            click.echo("  targets not met yet: " + "; ".join(gaps))
        for failure in failures:
            click.echo(f"FAIL {failure}", err=True)
        if update_baseline:
            click.echo(f"baseline pinned in {base_path}")
    return EXIT_ERROR if failures else EXIT_OK


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to bind; anything but loopback exposes the API to the network.")
@click.option("--port", type=int, default=8000, show_default=True, help="The port to listen on.")
@click.option("--read-only", is_flag=True, help="Refuse every ingest request and correction (403).")
@click.option("--token", envvar="FOGOFWAR_TOKEN", default=None,
              help="A write token, NAME:SECRET (a secret alone names the user admin) [env FOGOFWAR_TOKEN; "
                   "default, without --tokens: a random one, printed once].")
@click.option("--tokens", "tokens_file", envvar="FOGOFWAR_TOKENS", default=None,
              type=click.Path(exists=True, dir_okay=False),
              help="A file of tokens, one per line: NAME SECRET [read|write] [env FOGOFWAR_TOKENS].")
@click.option("--max-bytes", type=int, default=None, help="Refuse request bodies larger than this (413) [5000000].")
@click.pass_context
@_guard
def serve(ctx: click.Context, host: str, port: int, read_only: bool, token: str | None, tokens_file: str | None,
          max_bytes: int | None) -> int:
    """Serve the REST API (OpenAPI description at /openapi.json) with uvicorn."""
    import secrets

    import uvicorn

    from .api import create_app
    from .auth import read_tokens

    settings = _settings(ctx, max_bytes=max_bytes)
    _open(settings).close()  # a bad --db fails now, with its coded message, not on the first request
    users = []
    if tokens_file:
        with open(tokens_file, encoding="utf-8") as lines:
            users = read_tokens(lines, source=tokens_file)
    if read_only:
        token = None
    elif not token and not any(u.write for u in users):
        token = secrets.token_urlsafe(24)
        click.echo(f"token: {token}  (send `Authorization: Bearer {token}` to POST /ingest/text, /html, /url)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: {host} is not loopback; the API is reachable from the network", err=True)
    click.echo(f"fogofwar: the page at http://{host}:{port}/ , the API beside it (OpenAPI at /openapi.json)"
               + (", read-only" if read_only else ""))
    uvicorn.run(create_app(settings, token=token, read_only=read_only, tokens=users), host=host, port=port,
                log_level="info")
    return EXIT_OK


from .cli_correct import audit_cmd, correct  # noqa: E402 - after the group they join
from .cli_gazetteer import gazetteer  # noqa: E402
from .cli_ledger import conflicts_cmd, event_cmd, sitrep_cmd  # noqa: E402

for _command in (correct, audit_cmd, gazetteer, conflicts_cmd, event_cmd, sitrep_cmd):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="fogofwar")


if __name__ == "__main__":
    main()
