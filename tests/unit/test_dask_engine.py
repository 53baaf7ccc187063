"""The Dask engine: worker tasks in-process, then the same ledger as the single-process
path on a LocalCluster bound to 127.0.0.1 (model and network tests)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from fogofwar import dask_engine, pipeline
from fogofwar.cli import cli
from fogofwar.config import Settings
from fogofwar.errors import ConfigError
from fogofwar.records import Article, Evidence, RawDocument, Rejected, Versions
from fogofwar.store import Store, encode, open_store

from ..conftest import SAMPLES

# --- worker tasks, in this process ---------------------------------------------------------


def test_clean_chunk_turns_each_failure_into_a_rejected_record(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dask_engine.clean_mod.clean

    def clean(raw: RawDocument, *, settings: Settings) -> Any:
        if raw.source == "boom":
            raise RuntimeError("a bug in the cleaner")
        return real(raw, settings=settings)

    monkeypatch.setattr(dask_engine.clean_mod, "clean", clean)
    raws = [RawDocument(source="ok", content=b"Shelling hit Sudzha on Tuesday, officials said."),
            RawDocument(source="empty", content=b"   "),
            RawDocument(source="boom", content=b"Anything at all.")]
    out = dask_engine._clean_chunk(raws, Settings(db=":memory:"))
    assert out[0].article.text.startswith("Shelling hit Sudzha")
    assert isinstance(out[1], Rejected) and out[1].reason == "E201" and out[1].stage == "clean"
    assert isinstance(out[2], Rejected) and out[2].reason == "E214" and "RuntimeError" in out[2].detail


def test_worker_store_serves_what_was_shipped_and_records_writes() -> None:
    evidence = {"article_id": "a1", "start": 0, "end": 4, "text": "Kyiv"}
    view = dask_engine._WorkerStore({"a1": dask_engine._Shipped(derived={"places": [("r1", "place_mention", evidence)]})})
    assert list(view.derived("a1", "places")) == [("r1", "place_mention", evidence)]
    assert list(view.derived("a1", "claims")) == [] and view.corrections(article_id="a1") == []
    record = Evidence(article_id="a1", start=0, end=4, text="Kyiv")
    written = view.replace_derived_many(iter([("a1", "places", iter([("r1", "place_mention", record)]),
                                               Versions(pipeline="x")), ("a1", "claims", iter(()), Versions(pipeline="x"))]))
    assert written == 1
    assert view.staged.derived == [("a1", "places", [("r1", "place_mention", encode(record))], Versions(pipeline="x")),
                                   ("a1", "claims", [], Versions(pipeline="x"))]


class _Future:
    def __init__(self, fn: Any, args: tuple[Any, ...]) -> None:
        try:
            self.value, self.error = fn(*args), None
        except Exception as exc:  # noqa: BLE001 - kept for result(), as a Dask future does
            self.value, self.error = None, exc

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class _Client:
    """Runs tasks at once, in this process."""

    def submit(self, fn: Any, *args: Any, **_options: Any) -> _Future:
        return _Future(fn, args)


def _article(text: str) -> Article:
    from fogofwar.clean import article_id

    return Article(id=article_id(text), text=text, language="en", status="ok", content_type="text/plain")


def test_a_task_that_fails_as_a_whole_is_retried_article_by_article(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    good, bad = _article("A quiet day in Kursk."), _article("This one kills its worker.")

    def stage_chunk(articles: list[Article], shipped: Any, settings: Settings, only: list[str]) -> Any:
        if any(a.id == bad.id for a in articles):
            raise RuntimeError("KilledWorker")
        staged = dask_engine._Staged()
        for a in articles:
            staged.derived.append((a.id, "places", [], Versions(pipeline="test")))
        return staged

    monkeypatch.setattr(dask_engine, "_stage_chunk", stage_chunk)
    store = open_store(str(tmp_path / "ledger.db"))
    try:
        engine = dask_engine.Engine(client=_Client(), workers=1)
        stager = dask_engine._Stager(engine, store=store, settings=Settings(db=store.db), only=["places"])
        monkeypatch.setattr(stager, "_ship", lambda _id: dask_engine._Shipped())
        writes: list[tuple[str, str]] = []
        monkeypatch.setattr(store, "replace_derived_many", lambda items, **_kw: writes.extend((a, s) for a, s, *_r in items))
        stager.submit([good, bad])
        stager.drain()
        assert writes == [(good.id, "places")]
        [rejected] = store.rejected()
        assert (rejected.source, rejected.stage, rejected.reason) == (f"article:{bad.id}", "nlp", "E214")
    finally:
        store.close()


def test_workers_and_scheduler_exclude_each_other() -> None:
    with pytest.raises(ConfigError, match="E401"), \
            dask_engine.connect(settings=Settings(db=":memory:"), workers=2, scheduler="tcp://127.0.0.1:1"):
        pass


def test_cli_refuses_workers_without_the_dask_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "l.db"), "ingest", "--workers", "2", str(SAMPLES)])
    assert result.exit_code == 2 and "--engine dask" in result.output


# --- on a LocalCluster bound to 127.0.0.1 -------------------------------------------------------

TABLES = ("articles", "reports", "derived_records", "stage_runs", "rejected", "ledger", "link_members")


def _ledger(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that the pipeline writes, without the times it wrote them."""
    meta = sa.MetaData()
    meta.reflect(store.engine, only=TABLES)
    out = {}
    with store.engine.connect() as conn:
        for name in TABLES:
            table = meta.tables[name]
            columns = [c for c in table.columns if not c.name.endswith("_at")]
            out[name] = sorted(conn.execute(sa.select(*columns)).all(), key=repr)
    return out


@pytest.fixture(scope="module")
def engine() -> Iterator[dask_engine.Engine]:
    with dask_engine.connect(settings=Settings(db=":memory:"), workers=2) as e:
        yield e


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The bundled samples (a near copy and a reprint among them) and two bad documents."""
    root = tmp_path / "corpus"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("manifest.jsonl"))
    (root / "zz-empty.txt").write_text("  \n")
    (root / "zz-binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    return root


@pytest.mark.model
@pytest.mark.network
@pytest.mark.timeout(300)
def test_same_ledger_as_the_single_process_path(engine: dask_engine.Engine, corpus: Path, tmp_path: Path) -> None:
    assert engine.client.scheduler.address.startswith("tcp://127.0.0.1:") and engine.workers == 2
    single, dask = (open_store(str(tmp_path / f"{name}.db")) for name in ("single", "dask"))
    try:
        settings_single, settings_dask = Settings(db=single.db, batch_size=8), Settings(db=dask.db, batch_size=8)
        expected = pipeline.ingest([str(corpus)], store=single, settings=settings_single)
        seen: list[str] = []
        got = dask_engine.ingest([str(corpus)], store=dask, settings=settings_dask, engine=engine,
                                 on_outcome=lambda o: seen.append(o.kind))
        assert got.counts == expected.counts and got.reasons == expected.reasons
        assert got.reasons == {"E201": 1, "E202": 1} and len(seen) == got.total
        before = _ledger(single)
        assert _ledger(dask) == before and before["ledger"] and before["derived_records"]

        for stage in ("claims", None):  # a stage alone reads its inputs from the store; all re-clean first
            done_single = pipeline.reprocess(store=single, settings=settings_single, stage=stage)
            done_dask = dask_engine.reprocess(store=dask, settings=settings_dask, engine=engine, stage=stage)
            assert done_dask == done_single
            assert _ledger(dask) == _ledger(single)
    finally:
        single.close()
        dask.close()


@pytest.mark.model
@pytest.mark.network
@pytest.mark.timeout(300)
def test_cli_ingest_and_reprocess_on_a_local_cluster(tmp_path: Path) -> None:
    files = tmp_path / "in"
    files.mkdir()
    for name in ("01-wire-sudzha-fighting.html", "02-syndicated-sudzha-fighting.html", "10-wire-kursk-nuclear-plant.txt"):
        shutil.copy(SAMPLES / name, files / name)
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "ingest", "--engine", "dask", "--workers", "1", str(files)])
    assert result.exit_code == 0, result.output
    assert "dask: 1 worker(s) at tcp://127.0.0.1:" in result.stderr
    assert "stored 2, near copies 1" in result.stdout
    result = runner.invoke(cli, ["--db", db, "reprocess", "--engine", "dask", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert "staged 3, unchanged 3" in result.stdout
