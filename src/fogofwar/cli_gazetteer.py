"""`fogofwar gazetteer build|import|search|info`, registered on the main group by ``cli.py``."""

from __future__ import annotations

import json

import click

from .cli_common import EXIT_OK, coords_text, guard, progress_bar, settings_of

__all__ = ["gazetteer"]


@click.group()
def gazetteer() -> None:
    """The gazetteer: build the embedded cache, import GeoNames dumps, show what is in it."""


@gazetteer.command("build")
@click.option("--countries", default=None, help="Only these ISO 3166-1 alpha-2 codes, comma-separated (e.g. RU,UA).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@guard
def gazetteer_build(countries: str | None, quiet: bool) -> int:
    """(Re)build the embedded gazetteer cache from the installed packages."""
    from .gazetteer import build, default_cache_path

    update, close = progress_bar("gazetteer", quiet)
    try:
        path = build(default_cache_path(), countries=countries.split(",") if countries else None, progress=update)
    finally:
        close()
    click.echo(f"gazetteer built at {path}")
    return EXIT_OK


@gazetteer.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
@guard
def gazetteer_import(ctx: click.Context, sources: tuple[str, ...], as_json: bool, quiet: bool) -> int:
    """Import GeoNames dumps (RU.zip, allCountries.zip, alternateNamesV2.zip; paths or URLs)."""
    import dataclasses

    from .gazetteer import default_cache_path, import_geonames, open_gazetteer

    settings = settings_of(ctx)
    update, close = progress_bar("import", quiet)
    try:
        open_gazetteer(progress=update).close()
        summary = import_geonames(default_cache_path(), list(sources), progress=update,
                                  timeout=settings.fetch_timeout, user_agent=settings.user_agent)
    finally:
        close()
    data = dataclasses.asdict(summary)
    if as_json:
        click.echo(json.dumps(data, sort_keys=True))
    else:
        click.echo(", ".join(f"{k} {v}" for k, v in data.items()))
        click.echo("run `fogofwar reprocess --stage places` to re-resolve stored articles")
    return EXIT_OK


@gazetteer.command("search")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@guard
def gazetteer_search(name: str, as_json: bool) -> int:
    """The gazetteer's candidates for a name, best first."""
    from .gazetteer import open_gazetteer
    from .records import to_dict

    g = open_gazetteer()
    try:
        found = g.lookup(name)
    finally:
        g.close()
    for place in found:
        if as_json:
            click.echo(json.dumps(to_dict(place), ensure_ascii=False))
        else:
            click.echo(f"{place.id:<24} {place.kind:<9} {place.name:<30} {place.admin1 or place.country or '':<8} "
                       f"pop {place.population or '-':<9} {coords_text(to_dict(place))}")
    if not as_json:
        click.echo(f"{len(found)} candidates")
    return EXIT_OK


@gazetteer.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@guard
def gazetteer_info(as_json: bool) -> int:
    """Show the gazetteer's version, counts and imports."""
    from .gazetteer import open_gazetteer

    update, close = progress_bar("gazetteer", False)
    try:
        g = open_gazetteer(progress=update)
    finally:
        close()
    info = g.info()
    g.close()
    if as_json:
        click.echo(json.dumps(info, sort_keys=True))
    else:
        click.echo(f"path:    {info['path']}\nversion: {info['version']}")
        for kind, n in sorted(info["counts"].items()):
            click.echo(f"  {kind:<12} {n}")
        for item in info["imports"]:
            click.echo(f"  imported {item['kind']}: {item['source']}")
    return EXIT_OK
