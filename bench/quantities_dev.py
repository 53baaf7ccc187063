"""Score fogofwar.quantities against the dev half's gold quantities (quantity_exact).

    .venv/bin/python bench/quantities_dev.py [--nlp] [--extras] [--half eval/gold/dev]

quantity_exact is eval/README.md's: the share of gold quantities for which a predicted
Quantity overlaps the gold span (located by its text and occurrence) with the same unit,
qualifier and low/best/high (equal within 1e-6; null must be null). The articles are
cleaned exactly as ingest cleans them; with --nlp each is parsed with the spaCy model and
the Doc passed in. Prints the score, then every miss; --extras also lists predictions
that overlap no gold quantity. Never point it at the held-out half while tuning.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fogofwar.clean import clean  # noqa: E402
from fogofwar.config import Settings  # noqa: E402
from fogofwar.evaluate import locate  # noqa: E402
from fogofwar.ingest import read_inputs  # noqa: E402
from fogofwar.quantities import find_quantities  # noqa: E402
from fogofwar.records import Article, Quantity, RawDocument  # noqa: E402

FIELDS = ("low", "best", "high")


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6


def _articles(half: Path) -> dict[str, Article]:
    """The half's articles, cleaned as ingest cleans them, by their manifest path."""
    settings = Settings()
    out = {}
    for item in read_inputs([], settings=settings, manifests=[str(half / "manifest.jsonl")]):
        if isinstance(item, RawDocument):
            rel = Path(item.source).resolve().relative_to(half.resolve()).as_posix()
            out[rel] = clean(item, settings=settings).article
    return out


def _show(q: Quantity) -> str:
    return f"{q.evidence.text!r} {q.unit} {q.qualifier} {q.low}/{q.best}/{q.high}"


def score(half: Path, *, nlp: bool = False, extras: bool = False) -> float:
    articles = _articles(half)
    model = None
    if nlp:
        from fogofwar import nlp as nlp_mod

        model = nlp_mod.load()
    total = exact = 0
    lines: list[str] = []
    for row in (json.loads(x) for x in (half / "annotations.jsonl").read_text("utf-8").splitlines() if x.strip()):
        article = articles[row["path"]]
        found = find_quantities(article, model(article.text) if model else None)
        spans = []
        for g in row.get("quantities", []):
            total += 1
            span = locate(article.text, g["text"], g.get("occurrence", 1))
            spans.append(span)
            hits = [q for q in found if span and q.evidence.start < span[1] and span[0] < q.evidence.end]
            if any(q.unit == g["unit"] and q.qualifier == g["qualifier"]
                   and all(_same(getattr(q, k), g.get(k)) for k in FIELDS) for q in hits):
                exact += 1
                continue
            want = f"{g['unit']} {g['qualifier']} {g.get('low')}/{g.get('best')}/{g.get('high')}"
            got = "; ".join(_show(q) for q in hits) or "nothing"
            lines.append(f"{row['path']}: {g['text']!r} #{g.get('occurrence', 1)} want {want}, got {got}")
        if extras:
            for q in found:
                if not any(s and q.evidence.start < s[1] and s[0] < q.evidence.end for s in spans):
                    lines.append(f"{row['path']}: extra {_show(q)}")
    result = exact / total if total else 0.0
    print(f"quantity_exact {result:.4f} ({exact}/{total}) on {half}")
    for line in lines:
        print("  " + line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", type=Path, default=ROOT / "eval" / "gold" / "dev")
    parser.add_argument("--nlp", action="store_true", help="parse with the spaCy model and pass the Doc")
    parser.add_argument("--extras", action="store_true", help="also list predictions that match no gold")
    args = parser.parse_args()
    score(args.half, nlp=args.nlp, extras=args.extras)


if __name__ == "__main__":
    main()
