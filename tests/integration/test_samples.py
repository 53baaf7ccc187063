"""The bundled sample corpus: what `make run` ingests."""

from __future__ import annotations

import json

from fogofwar import pipeline
from fogofwar.config import Settings
from fogofwar.store import Store

from ..conftest import SAMPLES


def manifest() -> list[dict[str, str]]:
    return [json.loads(line) for line in (SAMPLES / "manifest.jsonl").read_text("utf-8").splitlines() if line.strip()]


def test_samples_are_marked_as_written_for_fogofwar() -> None:
    rows = manifest()
    assert len(rows) >= 12
    assert all("fogofwar" in row["note"] for row in rows)
    for row in rows:
        if row["path"].endswith(".html"):
            assert 'name="fogofwar-note"' in (SAMPLES / row["path"]).read_text("utf-8")


def test_samples_ingest_with_copies_linked_and_junk_removed(store: Store) -> None:
    settings = Settings(db=store.db)
    summary = pipeline.ingest([str(SAMPLES)], store=store, settings=settings)
    rows = manifest()
    assert summary.counts["rejected"] == 0
    assert summary.counts["near_copy"] >= 1 and summary.counts["new_report"] >= 1
    articles = store.articles()
    for row in articles:
        assert "GIPHY" not in row.article.text and "enable JavaScript" not in row.article.text
    undated = [r for r in rows if "published" not in r]
    assert undated
    by_outlet = {rep.outlet: row.article for row in articles for rep in row.reports}
    for r in undated:
        assert by_outlet[r["outlet"]].published is None
    for r in rows:
        if r.get("published"):
            assert (by_outlet[r["outlet"]].published or "").startswith(r["published"])
    languages = {r["outlet"]: r["language"] for r in rows}
    assert all(by_outlet[o].language == lang for o, lang in languages.items())
    again = pipeline.ingest([str(SAMPLES)], store=store, settings=settings)
    assert again.counts == {"duplicate": len(rows)}
