"""Claims of ground held told as figures: "he had reported 1,263 square kilometres and 93
settlements", "up from the 74 settlements he announced on Wednesday".

A figure of area held, or of settlements held, is a claim of territorial control even when no
verb of taking or holding governs it. Figures joined by "and" are one claim; a figure with
its own clause ("the 1,000 square kilometres he cited on Monday") is a claim of its own. The
events stage codes them; this module only finds them and their words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .records import Quantity

__all__ = ["control_figures"]

_AREA_MEASURES = frozenset({"area_controlled_km2"})
_SETTLEMENT_MEASURES = frozenset({"settlements_controlled"})
_JOINED = re.compile(r"[\s,]*(?:and|or)?\s*(?:the\s+)?")


def control_figures(sent: Any, quantities: Sequence[Quantity], *, verbs: frozenset[str],
                    nouns: frozenset[str]) -> list[tuple[Any, int, int]]:
    """Each claim of ground held that a sentence tells in figures: the counted noun that heads
    it and the character span of its words. ``verbs`` and ``nouns``: the words that make a
    figure one of ground held (``data/events.json``, ``control_figures``)."""
    inside = sorted((q for q in quantities if sent.start_char <= q.evidence.start < sent.end_char),
                    key=lambda q: q.evidence.start)
    area = [q for q in inside if q.measure in _AREA_MEASURES or (q.unit == "km2" and q.measure in (None, "other"))]
    # a count of settlements with no measure of its own is ground held beside an area held
    settled = [q for q in inside if q.measure in _SETTLEMENT_MEASURES
               or (area and q.unit == "settlements" and q.measure in (None, "other"))]
    figures = sorted(area + settled, key=lambda q: q.evidence.start)
    out: list[tuple[Any, int, int]] = []
    last_noun = None
    for q in figures:
        noun = _counted_noun(sent, q)
        if noun is None or not _of_ground_held(noun, verbs, nouns):
            continue
        start, end = _own_words(noun)
        if last_noun is not None and noun in last_noun.conjuncts and _JOINED.fullmatch(
                sent.doc.text[last_noun.idx + len(last_noun):q.evidence.start]):
            head, first, _ = out[-1]
            out[-1] = (head, min(first, start), max(out[-1][2], end))
        elif not any(s <= q.evidence.start < e for _, s, e in out):
            out.append((noun, start, end))
        last_noun = noun
    return out


def _of_ground_held(noun: Any, verbs: frozenset[str], nouns: frozenset[str]) -> bool:
    """"he reported 1,263 square kilometres", "the 74 settlements he announced", "28 settlements
    were under Ukrainian control"; not "the evacuation zone covers 1,200 square kilometres"."""
    governor = next((t for t in noun.ancestors if t.pos_ in ("VERB", "AUX")), None)
    own = [c for c in noun.children if c.dep_ in ("relcl", "acl")]
    if any(t.lemma_.lower() in verbs for t in [*own, *([governor] if governor is not None else [])]):
        return True
    return governor is not None and any(t.lemma_.lower() in nouns for t in governor.subtree)


def _counted_noun(sent: Any, q: Quantity) -> Any:
    """"1,263 square kilometres" -> kilometres; "93" (settlements) -> settlements."""
    span = sent.doc.char_span(q.evidence.start, q.evidence.end, alignment_mode="expand")
    if span is None:
        return None
    tok = span[-1]
    while tok.dep_ in ("nummod", "quantmod", "compound", "amod") and tok.head is not tok and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _own_words(noun: Any) -> tuple[int, int]:
    """The noun's phrase with its own clause ("he cited on Monday"), without the figures joined to it."""
    skip = {t.i for c in noun.children if c.dep_ in ("conj", "cc", "punct", "appos") for t in c.subtree}
    words = [t for t in noun.subtree if t.i not in skip]
    return words[0].idx, words[-1].idx + len(words[-1])
