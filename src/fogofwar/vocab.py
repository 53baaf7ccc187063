"""The value lists of the records contract, loaded once from ``data/vocab.json``."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load", "values", "table", "acled_time_precision", "ucdp_date_prec",
           "acled_geo_precision", "ucdp_where_prec"]


@functools.cache
def load() -> dict[str, Any]:
    text = resources.files("fogofwar").joinpath("data/vocab.json").read_text("utf-8")
    return json.loads(text)


def table(kind: str) -> Any:
    return load()[kind]


@functools.cache
def values(kind: str) -> frozenset[str]:
    """The allowed codes of one value list (keys of a mapping, items of a list)."""
    return frozenset(table(kind))


def acled_time_precision(precision: str) -> int | None:
    return table("date_precision")[precision]["acled"]


def ucdp_date_prec(precision: str) -> int | None:
    return table("date_precision")[precision]["ucdp"]


def acled_geo_precision(precision: str) -> int | None:
    return table("place_precision")[precision]["acled"]


def ucdp_where_prec(precision: str) -> int | None:
    return table("place_precision")[precision]["ucdp"]
