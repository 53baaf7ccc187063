"""Identity: the same article twice, and syndicated near copies.

Exact copies share an id (the hash of the cleaned text). Near copies (another
header, a trimmed ending, another outlet) are found with MinHash signatures over
word 5-shingles, banded for locality-sensitive lookup in the store, then checked
exactly: the share of the shorter text's shingles found in the candidate
(containment) must reach ``Settings.near_copy_threshold``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["shingles", "signature", "bands", "containment", "find_original"]

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
PERMUTATIONS = 40
# 20 bands of 2 rows; a candidate needs 2 shared bands (Store.near_copy_candidates):
# P(candidate) is 0.976 at Jaccard 0.5 and 0.998 at 0.6, but 0.017 at 0.1.
ROWS_PER_BAND = 2
_PRIME = (1 << 61) - 1
MIN_SHINGLES = 20  # texts shorter than this are only ever exact copies


def shingles(text: str) -> set[int]:
    words = _WORD.findall(text.casefold())
    grams = (" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)))
    # Two C checksums make a 60-bit shingle hash: stable across processes (unlike hash())
    # and much faster than a cryptographic digest per shingle.
    out = set()
    for gram in grams:
        data = gram.encode()
        out.add((zlib.crc32(data) << 28) ^ zlib.adler32(data))
    return out


@functools.cache
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240806)  # fixed: stored bands must stay comparable
    a = rng.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


def signature(items: set[int]) -> np.ndarray:
    """MinHash signature: PERMUTATIONS minimum hashes of (a*x + b) mod 2^64, taken mod p."""
    a, b = _coefficients()
    x = np.fromiter(items, dtype=np.uint64, count=len(items))
    with np.errstate(over="ignore"):
        hashed = (np.outer(a, x) + b[:, None]) % np.uint64(_PRIME)
    return hashed.min(axis=1)


def bands(items: set[int]) -> list[int]:
    """LSH band keys (signed 63-bit, to fit a BIGINT) of a shingle set."""
    if len(items) < MIN_SHINGLES:
        return []
    sig = signature(items)
    keys = []
    for i in range(0, PERMUTATIONS, ROWS_PER_BAND):
        chunk = sig[i:i + ROWS_PER_BAND].tobytes() + bytes([i])
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
    return keys


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller set found in the larger one."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def find_original(
    items: set[int],
    candidates: Sequence[str],
    text_of: Callable[[str], str],
    *,
    threshold: float,
) -> tuple[str, float] | None:
    """The best stored candidate whose text contains (or is contained in) this one."""
    best: tuple[str, float] | None = None
    for candidate_id in candidates:
        score = containment(items, shingles(text_of(candidate_id)))
        if score >= threshold and (best is None or score > best[1]):
            best = (candidate_id, round(score, 4))
    return best
