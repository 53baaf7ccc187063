"""Compute (or check) the pinned sha256 of one half of the gold set.

Usage: python eval/hash_gold.py eval/gold/heldout [--check]
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def gold_hash(half: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in half.rglob("*") if p.is_file() and p.name != "HASH"):
        rel = path.relative_to(half).as_posix()
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    half = Path(argv[0])
    value = gold_hash(half)
    if "--check" in argv:
        pinned = (half / "HASH").read_text().strip()
        if pinned != value:
            sys.stderr.write(f"{half}: hash {value} differs from pinned {pinned}\n")
            return 1
        return 0
    (half / "HASH").write_text(value + "\n")
    sys.stdout.write(value + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
