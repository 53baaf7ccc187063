"""What every command module shares: exit codes, settings from the group's options, the
store, the error guard and progress bars. Nothing here is a command."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from .config import DEFAULT_DB, Settings
from .errors import FogofwarError

__all__ = ["EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_REJECTED", "EXIT_INTERRUPTED", "DB_HELP",
           "settings_of", "open_store_of", "guard", "progress_bar", "coords_text"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

DB_HELP = f"Database: a path or sqlite:///… or postgresql://… URL [env FOGOFWAR_DB; default {DEFAULT_DB}]."


def settings_of(ctx: click.Context, **overrides: Any) -> Settings:
    return Settings.from_env(db=ctx.obj.get("db"), credibility=ctx.obj.get("credibility"), **overrides)


def open_store_of(settings: Settings):  # noqa: ANN202
    from .store import open_store

    return open_store(settings.db)


def guard(fn: Callable[..., int | None]) -> Callable[..., None]:
    """Turn library errors into one readable line and an exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = fn(*args, **kwargs) or EXIT_OK
        except FogofwarError as exc:
            click.echo(f"error: {exc}", err=True)
            code = EXIT_ERROR
        except KeyboardInterrupt:
            click.echo("interrupted: what was stored so far is kept; rerun to complete", err=True)
            code = EXIT_INTERRUPTED
        sys.exit(code)

    return wrapper


def progress_bar(desc: str, quiet: bool):  # noqa: ANN202 - a progress callback and its closer
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="step", disable=True if quiet else None, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar.close


def coords_text(place: dict[str, Any]) -> str:
    lat, lon = place.get("latitude"), place.get("longitude")
    return f"({lat:.3f}, {lon:.3f})" if lat is not None and lon is not None else "(no coordinates)"
