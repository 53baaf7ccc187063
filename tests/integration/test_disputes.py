"""Disagreements found end to end, from raw text: an undated roundup setting both sides'
figures side by side, and dated reports of one measure by several claimants."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogofwar import link, pipeline
from fogofwar.config import Settings
from fogofwar.store import open_store

from ..conftest import SEED

pytestmark = pytest.mark.model

ROUNDUP = (
    "Kyiv's forces now control more than 600 square kilometres of Russia's Bryansk region, the Ukrainian "
    "general staff said.\n"
    "Moscow insists that the Ukrainian-held strip makes up less than a third of the area that Kyiv claims.\n"
    "Local officials said about 40,000 residents had left the border districts.\n"
)
BRIEFING_1 = ("Ukraine's commander-in-chief said on Monday that Ukrainian troops held 45 settlements in the "
              "Bryansk region.\n")
BRIEFING_2 = ("Bryansk governor Pavel Orlov said on Tuesday that Ukrainian troops held no more than 12 settlements "
              "in the Bryansk region.\n")


def ingest(tmp_path: Path, docs: dict[str, tuple[str, str | None]]) -> object:
    rows = []
    for name, (text, published) in docs.items():
        (tmp_path / name).write_text(text, "utf-8")
        rows.append(f'{{"path": "{name}", "outlet": "Outlet {name}"' + (f', "published": "{published}"}}' if published else "}"))
    (tmp_path / "manifest.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    settings = Settings(db=str(tmp_path / "ledger.db"))
    store = open_store(settings.db)
    pipeline.ingest([str(tmp_path)], store=store, settings=settings)
    return store


def disputes(store: object) -> list:
    return [d for _line, found in link.conflicts(store) for d in found if d.status == "disputed"]


def test_an_undated_roundup_sets_both_sides_figures_against_each_other(tmp_path: Path) -> None:
    store = ingest(tmp_path, {"roundup.txt": (ROUNDUP, None)})
    try:
        (d,) = [d for d in disputes(store) if d.measure == "area_controlled_km2"]
        assert {d.a.claimant.side, d.b.claimant.side} == {"RU", "UA"}
        texts = {d.a.quantity.evidence.text, d.b.quantity.evidence.text}
        assert texts == {"more than 600 square kilometres", "less than a third"}
        assert d.region == "RU-BRY"
    finally:
        store.close()


def test_two_sides_figures_days_apart_are_a_disagreement(tmp_path: Path) -> None:
    store = ingest(tmp_path, {"one.txt": (BRIEFING_1, "2024-09-03"), "two.txt": (BRIEFING_2, "2024-09-04")})
    try:
        found = [d for d in disputes(store) if d.measure == "settlements_controlled"]
        assert len(found) == 1
        assert {found[0].a.claimant.side, found[0].b.claimant.side} == {"RU", "UA"}
    finally:
        store.close()


@pytest.mark.skipif(not SEED.is_file(), reason="the shared seed article is not beside this checkout")
def test_the_seed_area_dispute(tmp_path: Path) -> None:
    store = ingest(tmp_path, {"seed.txt": (SEED.read_text("utf-8"), None)})
    try:
        (d,) = [d for d in disputes(store) if d.measure == "area_controlled_km2"]
        assert {d.a.claimant.side, d.b.claimant.side} == {"RU", "UA"} and d.region == "RU-KRS"
    finally:
        store.close()
