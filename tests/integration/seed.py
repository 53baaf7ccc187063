"""The seed article read, cleaned, parsed and geoparsed once per test run (tests skip when it is absent)."""

from __future__ import annotations

import functools
from typing import Any

from fogofwar import nlp, places
from fogofwar.clean import clean
from fogofwar.config import Settings
from fogofwar.gazetteer import open_gazetteer
from fogofwar.records import RawDocument

from ..conftest import SEED


@functools.cache
def parsed_seed() -> tuple[Any, Any, list]:
    """(article, doc, place mentions) of the seed."""
    article = clean(RawDocument(source="seed", content=SEED.read_bytes()), settings=Settings()).article
    doc = nlp.load()(article.text)
    gaz = open_gazetteer()
    try:
        mentions = places.find_mentions(article, doc, gaz)
    finally:
        gaz.close()
    return article, doc, mentions
