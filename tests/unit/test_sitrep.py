"""The daily situation report, from a ledger built by hand."""

from __future__ import annotations

from click.testing import CliRunner

from fogofwar import pipeline, sitrep
from fogofwar.cli import cli
from fogofwar.config import Settings
from fogofwar.store import Store, open_store

from .test_link import put


def ledger(store: Store) -> None:
    pipeline.link_articles([put(store, k) for k in "ABC"], store=store, settings=Settings())


def test_the_days_events_figures_and_open_disagreements(store: Store) -> None:
    ledger(store)
    strike_day = sitrep.build(store, regions={"RU-BRY"}, place="Bryansk", day="2024-09-02")
    assert [len(e.event_ids) for e in strike_day.events] == [2]  # the strike told by two outlets, once
    rep = sitrep.build(store, regions={"RU-BRY"}, place="Bryansk", day="2024-09-04")
    assert [e.sub_event_type for e in rep.events] == ["Shelling/artillery/missile attack"]
    (line, values), = rep.measures
    assert line.measure == "settlements_controlled" and {v.claimant.side for v in values} == {"RU", "UA", "third_party"}
    assert {frozenset((d.a.claimant.side, d.b.claimant.side)) for d in rep.disagreements} == {
        frozenset({"RU", "UA"}), frozenset({"UA", "third_party"})}
    assert [s[2] for s in rep.sources] == [("Outlet A",), ("Outlet B",), ("Outlet C",)]
    text = sitrep.to_markdown(rep)
    assert "## Open disagreements (2)" in text and "“95 settlements”" in text
    page = sitrep.to_html(rep)
    assert page.startswith("<!doctype html>") and "<h2>Sources</h2>" in page


def test_another_day_or_region_has_nothing(store: Store) -> None:
    ledger(store)
    assert sitrep.build(store, regions={"RU-BRY"}, place="Bryansk", day="2024-09-10").events == ()
    other = sitrep.build(store, regions={"UA-63"}, place="Kharkiv", day="2024-09-02")
    assert (other.events, other.measures, other.disagreements) == ((), (), ())
    # figures stated after the day are not yet known on it
    assert sitrep.build(store, regions={"RU-BRY"}, place="Bryansk", day="2024-09-01").measures == ()


def test_the_command_renders_markdown_and_refuses_a_bad_date(tmp_path) -> None:
    db = str(tmp_path / "s.db")
    store = open_store(db)
    try:
        ledger(store)
    finally:
        store.close()
    ok = CliRunner().invoke(cli, ["--db", db, "sitrep", "--place", "RU-BRY", "--date", "2024-09-04"])
    assert ok.exit_code == 0 and "# Situation report: RU-BRY (RU-BRY), 2024-09-04" in ok.output
    assert "Events of the day (1)" in ok.output  # the shelling of the 4th
    bad = CliRunner().invoke(cli, ["--db", db, "sitrep", "--place", "RU-BRY", "--date", "4 Sept"])
    assert bad.exit_code == 2
