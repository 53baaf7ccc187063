"""The Dask engine: cleaning and the NLP stages on Dask workers, the store written here.

    with connect(workers=2) as engine:                   # a LocalCluster on 127.0.0.1
        ingest(["archive/"], store=store, settings=settings, engine=engine)
    with connect(scheduler="tcp://10.0.0.5:8786") as engine:   # an existing cluster
        reprocess(store=store, settings=settings, engine=engine)

Workers get plain records (raw documents, articles, and the stored records a stage run
alone reads) and give plain records back: cleaned articles or ``Rejected`` records, and
(record id, kind, record) triples per article and stage. Each worker loads one spaCy
model and one gazetteer handle, once, in a worker plugin. Only this process (the client)
touches the store: it identifies and stores documents in input order, runs the mask stage
(it reads recurring lines across articles), writes the workers' records as they arrive,
and runs the link stage once at the end, as :mod:`pipeline` does. So SQLite works with a
local cluster; with workers on other machines the store must still be reachable from the
client only (PostgreSQL for a team), and the workers need fogofwar, its model and the
same gazetteer cache (``FOGOFWAR_CACHE``) installed.

The same input gives the same ledger as the single-process path: documents are admitted
in the same order, the mask stage runs at the same batch boundaries, and the stages on a
worker are :func:`pipeline.run_stages` itself, over a view of the store that serves what
the coordinator shipped and records what the stages write.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from distributed import WorkerPlugin

from . import clean as clean_mod, corrections, pipeline
from .config import Settings
from .errors import ConfigError, InputError
from .ingest import read_inputs, rejected
from .pipeline import STAGES, Outcome, Resources, Summary
from .records import Article, RawDocument, Rejected, Versions
from .store import Store, encode

__all__ = ["Engine", "connect", "ingest", "ingest_documents", "reprocess", "COORDINATOR_STAGES"]

# Stages that read across articles in the store: they run in the client, at batch boundaries.
COORDINATOR_STAGES = ("mask",)
PLUGIN = "fogofwar-resources"
# An article whose raw document is not kept, in the stream of documents to clean again.
_NO_RAW = Rejected(id="", source="", stage="clean", reason="", detail="raw document not kept")


@dataclass(frozen=True, slots=True)
class Engine:
    """A Dask client and how finely work is cut for it."""

    client: Any  # distributed.Client
    workers: int  # worker threads when connected (a window of work in flight per thread)
    clean_chunk: int = 32  # documents per cleaning task
    stage_chunk: int = 16  # articles per NLP task: small enough to keep every worker busy


@contextlib.contextmanager
def connect(*, settings: Settings, workers: int | None = None, scheduler: str | None = None,
            stage_chunk: int | None = None) -> Iterator[Engine]:
    """A client on a new LocalCluster of ``workers`` processes (default: one per core) bound to
    127.0.0.1, one thread each, or on the scheduler at ``scheduler``; the worker plugin loads the model and the
    gazetteer on every worker before this returns. Call it under ``if __name__ == "__main__":``
    in a script: local workers are spawned processes that import the main module."""
    if workers is not None and scheduler is not None:
        raise ConfigError("E401", detail="give --workers or --scheduler, not both")
    if workers is not None and workers < 1:
        raise ConfigError("E401", detail="--workers must be at least 1")
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers or _cores(), threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", silence_logs=50))
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(_remote_client(Client, scheduler))
        client.register_plugin(WorkerResources(settings), name=PLUGIN)
        threads = sum(client.nthreads().values())
        if threads < 1:
            raise ConfigError("E421", address=scheduler or "local", detail="no worker is connected")
        chunk = stage_chunk or max(1, settings.batch_size // 4)
        yield Engine(client=client, workers=threads, stage_chunk=chunk)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def _remote_client(client_cls: Any, address: str) -> Iterator[Any]:
    try:
        client = client_cls(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError("E421", address=address, detail=f"{type(exc).__name__}: {exc}") from exc
    with client:
        yield client


class WorkerResources(WorkerPlugin):
    """A Dask worker plugin: one :class:`pipeline.Resources` per worker, loaded once."""

    name = PLUGIN

    def __init__(self, settings: Settings) -> None:  # noqa: D107 - plugins are pickled to the workers
        self.settings = settings
        self.resources: Resources | None = None

    def setup(self, worker: Any) -> None:
        self.resources = Resources(self.settings)
        self.resources.nlp  # noqa: B018 - loaded here, before the first task, once per worker
        self.resources.gazetteer  # noqa: B018

    def teardown(self, worker: Any) -> None:
        self.resources = None


def _worker_resources(settings: Settings) -> Resources:
    from distributed import get_worker

    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None or plugin.resources is None:  # a worker that joined without the plugin
        return Resources(settings)
    return plugin.resources


# --- worker tasks ------------------------------------------------------------------------

def _clean_chunk(raws: list[RawDocument], settings: Settings) -> list[clean_mod.Cleaned | Rejected]:
    """Clean documents; one that fails becomes a Rejected record, never a failed task."""
    out: list[clean_mod.Cleaned | Rejected] = []
    for raw in raws:
        try:
            out.append(clean_mod.clean(raw, settings=settings))
        except InputError as exc:
            out.append(rejected(raw.source, exc, stage="clean", content=raw.content))
        except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the batch
            out.append(_clean_failed(raw, exc))
    return out


def _clean_failed(raw: RawDocument, exc: BaseException) -> Rejected:
    error = InputError("E214", stage="clean", detail=f"{type(exc).__name__}: {exc}"[:400])
    return rejected(raw.source, error, stage="clean", content=raw.content)


@dataclass(slots=True)
class _Shipped:
    """What the stages may read of the store for one article, shipped by the coordinator."""

    derived: dict[str, list[tuple[str, str, dict[str, Any]]]] = field(default_factory=dict)
    corrections: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class _Staged:
    """What the stages wrote for a chunk of articles (each record as its stored JSON), to be
    stored by the coordinator."""

    derived: list[tuple[str, str, list[tuple[str, str, Any]], Versions]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class _WorkerStore:
    """The store as a worker's stages see it: reads from what was shipped, writes recorded."""

    def __init__(self, shipped: dict[str, _Shipped]) -> None:
        self._shipped = shipped
        self.staged = _Staged()

    def derived(self, article_id: str, stage: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        yield from self._shipped[article_id].derived.get(stage, ())

    def corrections(self, *, article_id: str | None = None) -> list[Any]:
        return list(self._shipped[article_id].corrections) if article_id else []

    def replace_derived_many(self, items: Iterable[tuple[str, str, Iterable[tuple[str, str, Any]], Versions]]
                             ) -> int:
        rows = [(article_id, stage, [(rid, kind, encode(record)) for rid, kind, record in records], versions)
                for article_id, stage, records, versions in items]
        self.staged.derived.extend(rows)
        return sum(len(r) for _a, _s, r, _v in rows)

    def put_rejected(self, record: Rejected) -> bool:
        self.staged.rejected.append(record)
        return True


def _stage_chunk(articles: list[Article], shipped: dict[str, _Shipped], settings: Settings,
                 only: list[str]) -> _Staged:
    """Run :func:`pipeline.run_stages` on a worker; its writes come back as plain records."""
    view = _WorkerStore(shipped)
    pipeline.run_stages(articles, store=view, settings=settings,  # type: ignore[arg-type]
                        resources=_worker_resources(settings), only=only)
    return view.staged


def _stage_failed(article: Article, exc: BaseException) -> Rejected:
    """The record for an article whose NLP task failed even alone (e.g. it killed its worker)."""
    detail = f"{type(exc).__name__}: {exc}"[:400]
    return Rejected(
        id=hashlib.sha256(f"{article.id}\0nlp\0{type(exc).__name__}".encode()).hexdigest(),
        source=f"article:{article.id}", stage="nlp", reason="E214",
        detail=str(InputError("E214", stage="nlp", detail=detail))[:500])


# --- coordinator ---------------------------------------------------------------------------

class _Stager:
    """Stages batches: the coordinator's stages at once, the others as tasks in flight,
    their records stored as they come back (at most a window of tasks at a time)."""

    def __init__(self, engine: Engine, *, store: Store, settings: Settings, only: list[str] | None = None) -> None:
        names = list(only) if only is not None else list(STAGES)
        self.engine, self.store, self.settings = engine, store, settings
        self.local = [n for n in names if n in COORDINATOR_STAGES]
        self.remote = [n for n in names if n not in COORDINATOR_STAGES]
        self.resources = Resources(settings)  # the coordinator's stages load nothing from it
        self.in_flight: deque[tuple[Any, list[Article]]] = deque()
        self.window = 2 * engine.workers
        self.staged = 0

    def run_local(self, articles: list[Article]) -> None:
        if self.local and articles:
            pipeline.run_stages(articles, store=self.store, settings=self.settings,
                                resources=self.resources, only=self.local)

    def submit(self, articles: list[Article]) -> None:
        if not self.remote or not articles:
            return
        shipped = {a.id: self._ship(a.id) for a in articles}
        future = self.engine.client.submit(_stage_chunk, articles, shipped, self.settings, self.remote,
                                           pure=False)
        self.in_flight.append((future, articles))
        while len(self.in_flight) > self.window:
            self._collect_one()

    def drain(self) -> None:
        while self.in_flight:
            self._collect_one()

    def _ship(self, article_id: str) -> _Shipped:
        """The stored records of the stages not run now (read by a stage run alone)."""
        derived = {name: list(self.store.derived(article_id, name))
                   for name in STAGES if name not in self.remote and name not in COORDINATOR_STAGES}
        return _Shipped(derived=derived, corrections=corrections.for_article(self.store, article_id))

    def _collect_one(self) -> None:
        future, articles = self.in_flight.popleft()
        try:
            results = [future.result()]
        except Exception:  # noqa: BLE001 - the whole task failed: retry its articles one by one
            results = self._one_by_one(articles)
        for staged in results:
            self.store.replace_derived_many(staged.derived, encoded=True)  # one transaction per chunk
            for record in staged.rejected:
                self.store.put_rejected(record)
        self.staged += len(articles)

    def _one_by_one(self, articles: list[Article]) -> list[_Staged]:
        futures = [self.engine.client.submit(_stage_chunk, [a], {a.id: self._ship(a.id)}, self.settings,
                                             self.remote, pure=False) for a in articles]
        out = []
        for article, future in zip(articles, futures, strict=True):
            try:
                out.append(future.result())
            except Exception as exc:  # noqa: BLE001 - this article alone fails: a Rejected record
                out.append(_Staged(rejected=[_stage_failed(article, exc)]))
        return out


class _Batcher:
    """New articles gathered into NLP chunks and mask batches (the single-process batch size,
    so that the mask stage sees the store as it does there)."""

    def __init__(self, stager: _Stager) -> None:
        self.stager = stager
        self.chunk: list[Article] = []
        self.batch: list[Article] = []

    def add(self, article: Article) -> None:
        self.chunk.append(article)
        self.batch.append(article)
        if len(self.chunk) >= self.stager.engine.stage_chunk:
            self.stager.submit(self.chunk)
            self.chunk = []
        if len(self.batch) >= self.stager.settings.batch_size:
            self.stager.run_local(self.batch)
            self.batch = []

    def flush(self) -> None:
        self.stager.submit(self.chunk)
        self.stager.run_local(self.batch)
        self.chunk, self.batch = [], []


def _cleaned(engine: Engine, items: Iterable[RawDocument | Rejected], settings: Settings
             ) -> Iterator[tuple[RawDocument | Rejected, clean_mod.Cleaned | Rejected | None]]:
    """Each item with its cleaning, done on the workers a window ahead, in input order."""
    queue: deque[tuple[list[RawDocument | Rejected], Any]] = deque()
    chunk: list[RawDocument | Rejected] = []

    def send() -> None:
        raws = [i for i in chunk if isinstance(i, RawDocument)]
        future = engine.client.submit(_clean_chunk, raws, settings, pure=False, priority=1) if raws else None
        queue.append((list(chunk), future))
        chunk.clear()

    for item in items:
        chunk.append(item)
        if len(chunk) >= engine.clean_chunk:
            send()
        while len(queue) > 2 * engine.workers:
            yield from _in_order(engine, *queue.popleft(), settings)
    if chunk:
        send()
    while queue:
        yield from _in_order(engine, *queue.popleft(), settings)


def _in_order(engine: Engine, items: list[RawDocument | Rejected], future: Any, settings: Settings
              ) -> Iterator[tuple[RawDocument | Rejected, clean_mod.Cleaned | Rejected | None]]:
    raws = [i for i in items if isinstance(i, RawDocument)]
    if future is None:
        results: list[Any] = []
    else:
        try:
            results = future.result()
        except Exception:  # noqa: BLE001 - the task failed as a whole (a lost worker): one by one
            results = [_clean_alone(engine, raw, settings) for raw in raws]
    cleaned = iter(results)
    for item in items:
        yield item, (next(cleaned) if isinstance(item, RawDocument) else None)


def _clean_alone(engine: Engine, raw: RawDocument, settings: Settings) -> clean_mod.Cleaned | Rejected:
    try:
        return engine.client.submit(_clean_chunk, [raw], settings, pure=False).result()[0]
    except Exception as exc:  # noqa: BLE001 - it fails alone too: a Rejected record
        return _clean_failed(raw, exc)


def ingest(inputs: Iterable[str], *, store: Store, settings: Settings, engine: Engine,
           manifests: Iterable[str] = (), stdin: BinaryIO | None = None,
           on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """:func:`pipeline.ingest` with cleaning and the NLP stages on the engine's workers."""
    return ingest_documents(read_inputs(inputs, settings=settings, manifests=manifests, stdin=stdin),
                            store=store, settings=settings, engine=engine, on_outcome=on_outcome)


def ingest_documents(items: Iterable[RawDocument | Rejected], *, store: Store, settings: Settings,
                     engine: Engine, on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """:func:`pipeline.ingest_documents` on the engine: the same records, in the same store."""
    summary = Summary()
    stager = _Stager(engine, store=store, settings=settings)
    batcher = _Batcher(stager)
    touched: set[str] = set()
    left = pipeline.leftover(store)
    for item, cleaned in _cleaned(engine, items, settings):
        if isinstance(item, Rejected) or isinstance(cleaned, Rejected):
            record = item if isinstance(item, Rejected) else cleaned
            store.put_rejected(record)
            outcome = Outcome("rejected", record.source, reason=record.reason, detail=record.detail)
        else:
            outcome, new = pipeline.admit(item, cleaned, store=store, settings=settings)
            if new is not None:
                batcher.add(new)
            if outcome.kind in ("stored", "near_copy", "new_report") and outcome.article_id:
                touched.update(i for i in (outcome.article_id, outcome.original_id) if i)
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    batcher.flush()
    stager.drain()
    _catch_up(stager, touched, left)
    return summary


def _catch_up(stager: _Stager, touched: set[str], left: pipeline.Leftover) -> None:
    """Stage what an earlier stopped run left unstaged, then link (as the pipeline does)."""
    store, settings = stager.store, stager.settings
    ids = [i for i in store.unstaged_ids(list(STAGES)) if i in left.unstaged]
    for start in range(0, len(ids), settings.batch_size):
        batch = [store.article(i) for i in ids[start:start + settings.batch_size]]
        stager.run_local(batch)
        for n in range(0, len(batch), stager.engine.stage_chunk):
            stager.submit(batch[n:n + stager.engine.stage_chunk])
    stager.drain()
    pipeline.link_articles({*touched, *(i for i in store.unstaged_ids(["link"]) if i in left.unlinked)},
                           store=store, settings=settings)


def reprocess(*, store: Store, settings: Settings, engine: Engine, stage: str | None = None,
              since: str | None = None, on_article: Callable[[str, int], None] | None = None) -> Counter[str]:
    """:func:`pipeline.reprocess` with cleaning and the NLP stages on the engine's workers."""
    if stage is not None and stage not in pipeline.stage_names():
        raise ConfigError("E402", name=stage, known=", ".join(pipeline.stage_names()))
    stager = _Stager(engine, store=store, settings=settings, only=None if stage is None else [stage])
    batcher = _Batcher(stager)
    done: Counter[str] = Counter()
    touched: set[str] = set()
    ids = store.article_ids(since=since)
    for n, (article_id, current) in enumerate(_recleaned(engine, ids, store=store, settings=settings,
                                                         stage=stage, done=done), 1):
        touched.update(i for i in (article_id, current) if i)
        if stage not in ("clean", "link") and current is not None:
            batcher.add(store.article(current))
            done["staged"] += 1
        if on_article is not None:
            on_article(article_id, n)
    batcher.flush()
    stager.drain()
    if stage != "clean":
        pipeline.link_articles(touched, store=store, settings=settings)
        done["linked"] = len(touched)
    lost = len(corrections.orphans(store))
    if lost:  # reported, never dropped: `fogofwar audit --orphans` lists them
        done["orphaned_corrections"] = lost
    return done


def _recleaned(engine: Engine, ids: list[str], *, store: Store, settings: Settings, stage: str | None,
               done: Counter[str]) -> Iterator[tuple[str, str | None]]:
    """(article id, its id after cleaning again) in order; cleaning runs on the workers."""
    if stage not in (None, "clean"):
        yield from ((i, i) for i in ids)
        return
    held: deque[str] = deque()

    def raws() -> Iterator[RawDocument | Rejected]:
        for article_id in ids:
            held.append(article_id)
            doc = pipeline.stored_document(article_id, store=store)
            yield doc if doc is not None else _NO_RAW  # passes through, not cleaned

    for item, cleaned in _cleaned(engine, raws(), settings):
        article_id = held.popleft()
        if item is _NO_RAW:
            done["no_raw"] += 1
            yield article_id, article_id
        elif isinstance(cleaned, Rejected):
            done["clean_failed"] += 1  # kept as it was: nothing stored is lost
            yield article_id, article_id
        else:
            yield article_id, pipeline.replace_cleaned(article_id, cleaned.article, store=store, done=done)
