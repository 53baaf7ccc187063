"""The store on both engines: migrations, idempotent writes, atomic replacement."""

from __future__ import annotations

import threading

import pytest

from fogofwar import records as rec
from fogofwar.errors import StoreError
from fogofwar.migrations import MIGRATIONS
from fogofwar.store import Store, StoredRaw, engine_url, open_store


def article(text: str, **kw: object) -> rec.Article:
    from fogofwar.clean import article_id

    return rec.Article(id=article_id(text), text=text, **kw)  # type: ignore[arg-type]


def report(a: rec.Article, outlet: str, url: str) -> rec.Report:
    return rec.Report(id=f"{a.id[:20]}-{outlet}", article_id=a.id, variant_id=a.id, outlet=outlet, url=url)


def test_engine_urls() -> None:
    assert engine_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert engine_url("sqlite:///x.db") == "sqlite:///x.db"
    assert engine_url("ledger.db").startswith("sqlite:////")
    with pytest.raises(StoreError, match="E302"):
        engine_url("mysql://x")


def test_migrations_are_recorded_once(db_url: str) -> None:
    s = open_store(db_url)
    assert s.migrations() == [name for name, _ in MIGRATIONS]
    assert s.migrate() == []  # a second run applies nothing
    s.close()


def test_put_document_is_idempotent(store: Store) -> None:
    a = article("Shelling was reported near the border crossing on Friday.", title="T")
    raw = StoredRaw("r" * 64, b"raw bytes", "text/plain", {"outlet": "X"})
    assert store.put_document(article=a, report=report(a, "X", "u1"), raw=raw, bands=[5, 7]) == (True, True)
    assert store.put_document(article=a, report=report(a, "X", "u1"), raw=raw, bands=[5, 7]) == (False, False)
    assert store.put_document(article=a, report=report(a, "Y", "u2"), raw=None) == (False, True)
    assert store.counts()["articles"] == 1
    assert [r.outlet for r in store.reports(a.id)] == ["X", "Y"]
    assert store.article(a.id[:8]) == a
    assert store.near_copy_candidates([5, 7, 99]) == [(a.id, 2)]
    assert store.near_copy_candidates([7, 99]) == []  # one shared band is not enough


def test_article_lookup_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="E304"):
        store.article("deadbeef")


def test_replace_derived_is_atomic_and_replaces(store: Store) -> None:
    a = article("Drones were shot down over the region overnight, officials said.")
    store.put_document(article=a, report=report(a, "X", "u"), raw=None)
    ev = rec.Evidence(article_id=a.id, start=0, end=6, text=a.text[:6])
    v = rec.Versions(pipeline="t")
    store.replace_derived(a.id, "mask", [("1", "boilerplate_mask", ev), ("2", "boilerplate_mask", ev)], v)
    store.replace_derived(a.id, "mask", [("3", "boilerplate_mask", ev)], v)
    assert [rid for rid, _k, _p in store.derived(a.id, "mask")] == ["3"]
    # A duplicate key fails inside the transaction, after the delete: nothing may change.
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        store.replace_derived(a.id, "mask", [("4", "boilerplate_mask", ev), ("4", "boilerplate_mask", ev)], v)
    assert [rid for rid, _k, _p in store.derived(a.id, "mask")] == ["3"]  # old records survive


def test_rejected_is_idempotent(store: Store) -> None:
    r = rec.Rejected(id="z" * 64, source="f.bin", stage="clean", reason="E202", detail="binary")
    assert store.put_rejected(r) is True
    assert store.put_rejected(r) is False
    assert store.rejected() == [r]


def test_recurring_lines_counts_articles_per_outlet(store: Store) -> None:
    for i in range(3):
        a = article(f"Story number {i} about the front line, with details.")
        store.put_document(article=a, report=report(a, "Wire", f"u{i}"), raw=None, outlet_lines=["h1", f"u{i}"])
    assert store.recurring_lines("Wire", ["h1", "u0"], min_articles=3) == {"h1"}
    assert store.recurring_lines("Other", ["h1"], min_articles=1) == set()


def test_raw_documents_round_trip(store: Store) -> None:
    a = article("A story stored with its raw bytes.", raw_sha256="s" * 64)
    store.put_document(article=a, report=report(a, "X", "u"), raw=StoredRaw("s" * 64, b"<p>raw</p>", "text/html",
                                                                          {"outlet": "X"}))
    (raw,) = store.raw_for(a.id)
    assert (raw.content, raw.content_type, raw.meta) == (b"<p>raw</p>", "text/html", {"outlet": "X"})


def test_concurrent_writers_never_duplicate(db_url: str) -> None:
    texts = [f"Report {i}: fighting continued near the river crossing for a {i}th day." for i in range(30)]
    errors: list[BaseException] = []

    def worker() -> None:
        s = Store(db_url)
        try:
            for t in texts:
                a = article(t)
                s.put_document(article=a, report=report(a, "X", t[:9]), raw=None, bands=[len(t)])
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)
        finally:
            s.close()

    open_store(db_url).close()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = open_store(db_url)
    assert s.counts()["articles"] == 30 and s.counts()["reports"] == 30
    s.close()


def test_unreachable_postgres_is_a_coded_error() -> None:
    with pytest.raises(StoreError) as err:
        open_store("postgresql://nobody@127.0.0.1:1/none")
    assert err.value.code == "E301"
