"""Exports of what `make run` ingests: the bundled samples, through the whole pipeline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from fogofwar import export, pipeline
from fogofwar.config import Settings
from fogofwar.gazetteer import open_gazetteer
from fogofwar.store import open_store

from ..conftest import SAMPLES

pytestmark = pytest.mark.model


def test_sample_ledger_exports_plausible_acled_rows(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "samples.db"))
    store = open_store(settings.db)
    gazetteer = open_gazetteer()
    try:
        pipeline.ingest([str(SAMPLES)], store=store, settings=settings)
        for fmt, name in (("acled-csv", "events.csv"), ("parquet", "events.parquet"), ("geojson", "events.geojson")):
            export.export(store, tmp_path / name, kind="events", fmt=fmt, settings=settings, gazetteer=gazetteer)
    finally:
        gazetteer.close()
        store.close()
    frame = pl.read_csv(tmp_path / "events.csv", infer_schema_length=10_000)
    assert frame.columns == [name for name, _kind in export.event_columns()]
    assert frame.height >= 10
    rows = frame.to_dicts()
    for row in rows:
        assert row["event_date"] is None or re.fullmatch(r"2024-\d\d-\d\d", row["event_date"])
        assert (row["event_date"] is None) == ("date-unknown" in (row["tags"] or ""))
        assert row["time_precision"] in (None, 1, 2, 3)
        assert row["iso"] in (643, 804, 112) and row["country"] in ("Russia", "Ukraine", "Belarus")
        assert row["geo_precision"] in (None, 1, 2, 3)
        if row["latitude"] is not None:
            assert 44 <= row["latitude"] <= 60 and 20 <= row["longitude"] <= 50  # Russia's and Ukraine's west
        assert row["fow_article_ids"] and row["source"] and row["notes"].count("Evidence:") == 1
    assert any(r["geo_precision"] == 1 for r in rows)
    regional = [r for r in rows if r["fow_place_precision"] == "adm1"]
    assert regional and all(r["geo_precision"] == 3 and "centroid" in r["tags"] for r in regional)
    assert any(r["admin1"] for r in rows)
    assert pq.read_table(tmp_path / "events.parquet").num_rows == frame.height
    doc = json.loads((tmp_path / "events.geojson").read_text("utf-8"))
    assert len(doc["features"]) + doc["fogofwar"]["without_coordinates"] == frame.height
