"""`make bench`: ingest+clean throughput as a distribution, with a baseline from the same run.

Generates a corpus of realistic 500-word articles (half HTML, half text), then for
several runs after a warm-up measures:
  - clean-only: decoding, extraction, normalisation, language (no store): the baseline;
  - ingest: the whole ingest path (read, clean, identity, store on SQLite, mask stage).
Reports median and spread of articles/s and words/s, the ratio ingest/clean-only, and
peak memory; writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fogofwar import __version__  # noqa: E402
from fogofwar.clean import clean  # noqa: E402
from fogofwar.config import Settings  # noqa: E402
from fogofwar.ingest import read_inputs  # noqa: E402
from fogofwar.pipeline import ingest  # noqa: E402
from fogofwar.records import RawDocument  # noqa: E402
from fogofwar.store import open_store  # noqa: E402
from tests.corpus import write_corpus  # noqa: E402


def _clean_only(corpus: Path, settings: Settings) -> int:
    n = 0
    for item in read_inputs([str(corpus)], settings=settings):
        if isinstance(item, RawDocument):
            clean(item, settings=settings)
            n += 1
    return n


def _ingest(corpus: Path, settings: Settings) -> int:
    store = open_store(settings.db)
    try:
        summary = ingest([str(corpus)], store=store, settings=settings)
    finally:
        store.close()
    return summary.counts["stored"]


def _spread(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "q1": round(q[0], 2), "q3": round(q[2], 2)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus, args.articles, seed=2024, words=500)
        words = sum(len(p.read_text("utf-8").split()) for p in paths if p.suffix == ".txt") * 2  # approx
        rates: dict[str, list[float]] = {"clean_only": [], "ingest": []}
        for run in range(args.runs + 1):  # run 0 is the warm-up (model load, caches)
            for name, fn in (("clean_only", _clean_only), ("ingest", _ingest)):
                settings = Settings(db=str(Path(tmp) / f"bench-{name}-{run}.db"))
                start = time.perf_counter()
                count = fn(corpus, settings)
                elapsed = time.perf_counter() - start
                if count != args.articles:
                    raise SystemExit(f"{name}: processed {count} of {args.articles} articles")
                if run:
                    rates[name].append(args.articles / elapsed)
    ratios = [i / c for i, c in zip(rates["ingest"], rates["clean_only"], strict=True)]
    result = {
        "benchmark": "ingest+clean",
        "fogofwar": __version__,
        "articles": args.articles, "approx_words_per_article": round(words / args.articles),
        "runs": args.runs,
        "articles_per_s": {k: _spread(v) for k, v in rates.items()},
        "words_per_s_median": {k: round(statistics.median(v) * words / args.articles) for k, v in rates.items()},
        "ratio_ingest_to_clean_only": _spread(ratios),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(), "cpus": _cpus()},
        "packages": {p: _version(p) for p in ("trafilatura", "SQLAlchemy", "py3langid", "numpy", "lxml")},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest-latest.json").write_text(json.dumps(result, indent=2) + "\n")
    ing, base = result["articles_per_s"]["ingest"], result["articles_per_s"]["clean_only"]
    sys.stdout.write(
        f"ingest+clean: {ing['median']} articles/s (min {ing['min']}, max {ing['max']}, {args.runs} runs, "
        f"{args.articles} articles of ~500 words)\n"
        f"clean only (baseline): {base['median']} articles/s; ratio ingest/clean-only "
        f"{result['ratio_ingest_to_clean_only']['median']}\n"
        f"peak memory {result['peak_rss_mib']} MiB; results in bench/results/ingest-latest.json\n")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
