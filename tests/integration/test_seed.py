"""The reference example, read from the shared folder only when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogofwar import pipeline
from fogofwar.config import Settings
from fogofwar.store import Store

from ..conftest import SEED


@pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")
def test_seed_ingests_as_one_clean_undated_english_article(store: Store, tmp_path: Path) -> None:
    summary = pipeline.ingest([str(SEED)], store=store, settings=Settings(db=store.db))
    assert summary.counts == {"stored": 1}
    (row,) = store.articles()
    article = row.article
    assert "GIPHY" not in article.text and "Please check settings" not in article.text
    assert article.published is None
    assert article.language == "en" and article.status == "ok"
    assert article.text.startswith("Moscow was taken aback")
    assert article.text.endswith("since the start of the incursion.")
