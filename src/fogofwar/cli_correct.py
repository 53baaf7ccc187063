"""`fogofwar correct` and `fogofwar audit`: analysts' corrections (``corrections.py``) from
the command line, registered on the main group by ``cli.py``. They use its helpers when they
run, not when this module is imported, since ``cli.py`` imports this one as it loads (also as
``python -m fogofwar.cli``)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

EXIT_OK = 0


def _guard(fn: Callable[..., int | None]) -> Callable[..., None]:
    """``cli._guard``: library errors as one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from . import cli

        cli._guard(fn)(*args, **kwargs)

    return wrapper


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "analyst"


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options every correction takes."""
    for option in reversed((
            click.option("--reason", required=True, help="Why: kept in the audit log with the correction."),
            click.option("--by", default=None, envvar="FOGOFWAR_USER",
                         help="Who makes it [env FOGOFWAR_USER; default: your login name]."),
            click.option("--json", "as_json", is_flag=True, help="Print the correction as JSON."),
            click.option("--quiet", "-q", is_flag=True, help="No progress bar while the gazetteer is built."))):
        fn = option(fn)
    return fn


@click.group("correct")
def correct() -> None:
    """Correct the ledger. Each correction is kept in the audit log (`fogofwar audit`) and
    applied again whenever the records are derived again (`fogofwar reprocess`).

    \b
    fogofwar correct claim ID --field side --value UA --reason "…"
    fogofwar correct event ID --field place --value geonames:484907 --reason "…"
    fogofwar correct place MENTION_ID --value iso3166-2:RU-KRS --reason "…"
    fogofwar correct merge EVENT_ID OTHER_EVENT_ID --reason "…"
    fogofwar correct split EVENT_ID OTHER_EVENT_ID --reason "…"
    """


def _run(ctx: click.Context, *, target: str, record_id: str, reason: str, by: str | None, as_json: bool,
         quiet: bool, field: str | None = None, value: str | None = None, other_id: str | None = None) -> int:
    from . import corrections
    from .cli import _bar, _open, _settings
    from .records import to_dict

    settings = _settings(ctx)
    gazetteer = None
    if target == "place" or field == "place":
        from .gazetteer import open_gazetteer

        update, close = _bar("building the gazetteer (once per installation)", quiet)
        try:
            gazetteer = open_gazetteer(progress=update)
        finally:
            close()
    store = _open(settings)
    try:
        done = corrections.correct(store, settings, target=target, record_id=record_id, field=field, value=value,
                                   other_id=other_id, by=by or _user(), reason=reason, gazetteer=gazetteer)
    finally:
        store.close()
        if gazetteer is not None:
            gazetteer.close()
    if as_json:
        click.echo(json.dumps(to_dict(done), ensure_ascii=False))
    else:
        click.echo(f"corrected {target} {record_id} {done.field}: {corrections.show(done.old_value)} -> "
                   f"{corrections.show(done.new_value)} (by {done.by}; correction {done.id[:12]})")
    return EXIT_OK


@correct.command("claim")
@click.argument("claim_id")
@click.option("--field", required=True,
              help="claimant, side, quantity (quantity@START-END when the claim has several figures) or assessed.")
@click.option("--value", required=True,
              help="A name; UA, RU, third_party or unknown; a figure (120) or range (100..150); true or false.")
@_common
@click.pass_context
@_guard
def correct_claim(ctx: click.Context, claim_id: str, field: str, value: str, **common: Any) -> int:
    """Correct a claim's claimant, side or figure, or mark it assessed (independently verified)."""
    return _run(ctx, target="claim", record_id=claim_id, field=field, value=value, **common)


@correct.command("event")
@click.argument("event_id")
@click.option("--field", required=True, help="type, actor1, actor2, place, date or flags.")
@click.option("--value", required=True,
              help="\"Type / Sub-type\"; \"Name (SIDE)\" or empty; a gazetteer id; YYYY-MM-DD, "
                   "YYYY-MM-DD..YYYY-MM-DD, YYYY-MM, YYYY or unknown; flags, comma-separated, or empty.")
@_common
@click.pass_context
@_guard
def correct_event(ctx: click.Context, event_id: str, field: str, value: str, **common: Any) -> int:
    """Correct an event (a report's id, or a ledger event's id: its first report)."""
    return _run(ctx, target="event", record_id=event_id, field=field, value=value, **common)


@correct.command("place")
@click.argument("mention_id")
@click.option("--value", required=True, help="The gazetteer id it means (`fogofwar gazetteer search NAME`).")
@_common
@click.pass_context
@_guard
def correct_place(ctx: click.Context, mention_id: str, value: str, **common: Any) -> int:
    """Mark a place mention as another gazetteer entry; the events it places follow."""
    return _run(ctx, target="place", record_id=mention_id, field="place", value=value, **common)


@correct.command("merge")
@click.argument("event_id")
@click.argument("other_id")
@_common
@click.pass_context
@_guard
def correct_merge(ctx: click.Context, event_id: str, other_id: str, **common: Any) -> int:
    """Mark two events (reports or ledger events) as one event, whatever the merge rules say."""
    return _run(ctx, target="merge", record_id=event_id, other_id=other_id, **common)


@correct.command("split")
@click.argument("event_id")
@click.argument("other_id")
@_common
@click.pass_context
@_guard
def correct_split(ctx: click.Context, event_id: str, other_id: str, **common: Any) -> int:
    """Mark two events (reports or ledger events) as different events: they never merge."""
    return _run(ctx, target="split", record_id=event_id, other_id=other_id, **common)


@click.command("audit")
@click.option("--orphans", "orphans_only", is_flag=True,
              help="Only corrections whose evidence is gone (the record is no longer found).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines: each correction and whether it applies.")
@click.pass_context
@_guard
def audit_cmd(ctx: click.Context, orphans_only: bool, as_json: bool) -> int:
    """The audit log: every correction once, in the order made, and whether it still applies."""
    from . import corrections
    from .cli import _open, _settings
    from .records import to_dict

    settings = _settings(ctx)
    store = _open(settings)
    try:
        entries = corrections.audit(store, orphans_only=orphans_only)
    finally:
        store.close()
    for entry in entries:
        c = entry.correction
        if as_json:
            click.echo(json.dumps({"correction": to_dict(c), "applies": entry.applies}, ensure_ascii=False))
            continue
        where = f"{c.anchor.article_id[:10]} {c.anchor.start}-{c.anchor.end}"
        if c.other is not None:
            where += f" + {c.other.article_id[:10]} {c.other.start}-{c.other.end}"
        click.echo(f"{c.at[:19]}  {c.by:<12} {c.target:<5} {c.field:<10} {corrections.show(c.old_value)} -> "
                   f"{corrections.show(c.new_value)}{'' if entry.applies else '  ORPHAN: its evidence is gone'}")
        click.echo(f"{'':>21}[{where}] “{' '.join(c.anchor.text.split())[:100]}”  why: {c.reason}")
    if not as_json:
        lost = sum(1 for e in entries if not e.applies)
        click.echo(f"{len(entries)} correction(s)" + (f", {lost} orphan(s)" if lost else ""))
    return EXIT_OK
