"""Exports of a hand-built, linked ledger, each read back with the tools analysts use."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from fogofwar import export, link, pipeline
from fogofwar import records as rec
from fogofwar.cli import cli
from fogofwar.config import Settings
from fogofwar.errors import ConfigError
from fogofwar.store import Store

ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
         "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
         "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
         "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]

LIPOVKA = rec.Place(id="geonames:1", name="Lipovka", kind="populated", country="RU", admin1="RU-BRY",
                    latitude=52.0, longitude=33.0)
BRYANSK = rec.Place(id="iso3166-2:RU-BRY", name="Bryanskaya oblast'", kind="adm1", country="RU", admin1="RU-BRY")
SUMY = rec.Place(id="geonames:2", name="Sumy", kind="populated", country="UA", admin1="UA-59",
                 latitude=50.9, longitude=34.8)
UA_FORCES = rec.Actor(name="Ukrainian forces", canonical="Military Forces of Ukraine", side="UA", inter=1)
RU_FORCES = rec.Actor(name="Russian forces", canonical="Military Forces of Russia", side="RU", inter=1)
CIVILIANS = rec.Actor(name="civilians", side="unknown", inter=7)

# key: (text, published, outlet, event phrase, place phrase, place, event (type, sub-type), date, actors,
#       fatalities phrase, claim phrase, claimant, side)
ARTICLES = {
    "A": ("A drone struck a fuel depot in Lipovka on Monday, killing 3 people. "
          "The ministry said its forces hold 40 settlements.", "2024-09-04", "Outlet A",
          "A drone struck a fuel depot", "Lipovka", LIPOVKA, ("Explosions/Remote violence", "Air/drone strike"),
          ("2024-09-02", "2024-09-02", "day"), (UA_FORCES, CIVILIANS), "3 people",
          "The ministry said its forces hold 40 settlements.", "Defence ministry", "RU"),
    "B": ("Officials said a drone hit the fuel depot at Lipovka on Monday, killing 5 people. "
          "Kyiv says it holds 95 settlements.", "2024-09-04", "Outlet B",
          "a drone hit the fuel depot", "Lipovka", LIPOVKA, ("Explosions/Remote violence", "Air/drone strike"),
          ("2024-09-02", "2024-09-02", "day"), (UA_FORCES, CIVILIANS), "5 people",
          "Kyiv says it holds 95 settlements.", "General staff", "UA"),
    "C": ("Fighting was reported across the Bryansk region. A monitor put the number at 40 settlements.", None,
          "Outlet C", "Fighting was reported", "Bryansk region", BRYANSK, ("Battles", "Armed clash"),
          (None, None, "unknown"), (RU_FORCES, UA_FORCES), None,
          "A monitor put the number at 40 settlements.", "Border monitor", "third_party"),
    "D": ("Russian artillery shelled Sumy on Tuesday. The governor said 12 houses burned.", "2024-09-11",
          "Outlet D", "Russian artillery shelled Sumy", "Sumy", SUMY,
          ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
          ("2024-09-10", "2024-09-10", "day"), (RU_FORCES, None), None,
          "The governor said 12 houses burned.", "Sumy governor", "UA"),
}


def _span(aid: str, text: str, phrase: str) -> rec.Evidence:
    start = text.index(phrase)
    return rec.Evidence(article_id=aid, start=start, end=start + len(phrase), text=phrase)


def put(store: Store, key: str) -> str:
    (text, published, outlet, ev_phrase, place_phrase, place, (etype, sub), (d0, d1, prec), (a1, a2), fatal,
     claim_phrase, claimant, side) = ARTICLES[key]
    aid = f"{key}{'0' * 63}"[:64]
    store.put_document(article=rec.Article(id=aid, text=text, published=published),
                       report=rec.Report(id=f"r{key}", article_id=aid, variant_id=aid, outlet=outlet,
                                         url=f"https://{key.lower()}.example/story"), raw=None)
    mention = rec.PlaceMention(id=f"m{key}", name=place_phrase, place=place, evidence=_span(aid, text, place_phrase),
                               precision="adm1" if place.kind == "adm1" else "point")
    figures = ()
    if key in "AB":
        n = float(claim_phrase.split()[-2])
        figures = (rec.Quantity(evidence=_span(aid, text, f"{n:.0f} settlements"), unit="settlements", low=n, best=n,
                                high=n, measure="settlements_controlled", region="RU-BRY", subject_side="UA"),)
    claim = rec.Claim(id=f"c{key}", claimant=rec.Claimant(name=claimant, kind="institution", side=side), cue="said",
                      evidence=_span(aid, text, claim_phrase), quantities=figures,
                      as_of=rec.DateValue(start=published, end=published, precision="day") if published else rec.DateValue())
    quantities = ()
    if fatal:
        n = float(fatal.split()[0])
        quantities = (rec.Quantity(evidence=_span(aid, text, fatal), unit="fatalities", low=n, best=n, high=n),)
    event = rec.Event(id=f"e{key}", evidence=_span(aid, text, ev_phrase), event_type=etype, sub_event_type=sub,
                      actor1=a1, actor2=a2, place=mention, date=rec.DateValue(start=d0, end=d1, precision=prec),
                      quantities=quantities, claim_ids=(claim.id,))
    versions = rec.Versions(pipeline="test")
    store.replace_derived(aid, "events", [(event.id, "event", event)], versions)
    store.replace_derived(aid, "claims", [(claim.id, "claim", claim)], versions)
    store.replace_derived(aid, "places", [(mention.id, "place_mention", mention)], versions)
    return aid


class FakeGazetteer:
    """The two questions an export asks of the gazetteer, answered for Bryansk only."""

    def division(self, iso_code: str) -> rec.Place | None:
        return rec.Place(id=f"iso3166-2:{iso_code}", name="Bryansk Oblast", kind="adm1", country="RU",
                         admin1=iso_code) if iso_code == "RU-BRY" else None

    def centroid(self, iso_code: str) -> tuple[float, float, str] | None:
        return (53.05, 33.42, "settlements") if iso_code == "RU-BRY" else None


@pytest.fixture
def ledger(store: Store) -> Store:
    ids = [put(store, key) for key in ARTICLES]
    pipeline.link_articles(ids, store=store, settings=Settings())
    return store


def run(store: Store, kind: str, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    export.export(store, buf, kind=kind, fmt=fmt, now=1_725_000_000, **kwargs)
    return buf.getvalue()


def csv_rows(store: Store, **kwargs: object) -> list[dict]:
    return pl.read_csv(io.BytesIO(run(store, "events", "acled-csv", **kwargs)), infer_schema_length=0).to_dicts()


def by_key(rows: list[dict]) -> dict[str, dict]:
    return {r["fow_article_ids"].split("; ")[0][0]: r for r in rows}


# --- events --------------------------------------------------------------------------------

def test_acled_csv_has_acleds_columns_in_order_then_ours(ledger: Store) -> None:
    frame = pl.read_csv(io.BytesIO(run(ledger, "events", "acled-csv", gazetteer=FakeGazetteer())))
    assert frame.columns[:len(ACLED)] == ACLED
    assert frame.columns == [name for name, _kind in export.event_columns()]
    assert all(c.startswith("fow_") for c in frame.columns[len(ACLED):])
    assert frame.height == 3  # A and B are one strike
    assert sorted(frame["iso"].to_list()) == [643, 643, 804]


def test_merged_event_keeps_its_reports_sources_and_the_lowest_fatalities(ledger: Store) -> None:
    strike = by_key(csv_rows(ledger))["A"]
    assert strike["event_date"] == "2024-09-02" and strike["year"] == "2024" and strike["time_precision"] == "1"
    assert strike["disorder_type"] == "Political violence"
    assert (strike["actor1"], strike["inter1"], strike["inter2"], strike["interaction"]) == (
        "Military Forces of Ukraine", "1", "7", "17")
    assert strike["civilian_targeting"] == "Civilian targeting"
    assert (strike["country"], strike["region"], strike["location"]) == ("Russia", "Europe", "Lipovka")
    assert (float(strike["latitude"]), float(strike["longitude"]), strike["geo_precision"]) == (52.0, 33.0, "1")
    assert strike["fatalities"] == "3"  # ACLED's rule: the lowest figure
    assert (strike["fow_fatalities_low"], strike["fow_fatalities_high"]) == ("3", "5")
    assert strike["fow_report_count"] == "2" and strike["fow_article_ids"].count("; ") == 1
    assert set(strike["fow_urls"].split("; ")) == {"https://a.example/story", "https://b.example/story"}
    assert set(strike["source"].split("; ")) == {"Outlet A", "Outlet B"}
    assert set(strike["fow_claimants"].split("; ")) == {"Defence ministry", "General staff"}
    assert len(strike["fow_credibility"].split("; ")) == 2
    assert "the lowest is coded" in strike["notes"]
    assert "Evidence: \u201cA drone struck a fuel depot in Lipovka on Monday, killing 3 people.\u201d" in strike["notes"]
    assert strike["event_id_cnty"].startswith("RUS") and strike["tags"] is None


def test_unknown_date_stays_empty_and_is_tagged(ledger: Store) -> None:
    battle = by_key(csv_rows(ledger))["C"]
    assert battle["event_date"] is None and battle["year"] is None and battle["time_precision"] is None
    assert "date-unknown" in battle["tags"].split("; ")
    assert battle["fow_date_precision"] == "unknown"


def test_region_level_event_gets_the_region_centroid_at_precision_3(ledger: Store) -> None:
    battle = by_key(csv_rows(ledger, gazetteer=FakeGazetteer()))["C"]
    assert (float(battle["latitude"]), float(battle["longitude"])) == (53.05, 33.42)
    assert battle["geo_precision"] == "3" and "centroid" in battle["tags"].split("; ")
    assert battle["admin1"] == "Bryansk Oblast" and battle["location"] == "Bryansk Oblast"
    assert battle["fow_coordinates_source"] == "mean of the region's settlements"
    without = by_key(csv_rows(ledger))["C"]  # no gazetteer: no coordinates are made up
    assert without["latitude"] is None and without["longitude"] is None
    assert "no-coordinates" in without["tags"] and "centroid" not in without["tags"]


def test_geojson_is_a_valid_feature_collection(ledger: Store) -> None:
    doc = json.loads(run(ledger, "events", "geojson", gazetteer=FakeGazetteer()))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert isinstance(lon, float) and isinstance(lat, float)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert (lat, lon) == (feature["properties"]["latitude"], feature["properties"]["longitude"])
        assert feature["properties"]["fow_article_ids"]
    assert "GeoNames" in doc["fogofwar"]["credit"] and doc["fogofwar"]["without_coordinates"] == 0
    bare = json.loads(run(ledger, "events", "geojson"))  # the region-level battle has no point now
    assert len(bare["features"]) == 2 and bare["fogofwar"]["without_coordinates"] == 1


def test_parquet_reads_back_with_the_csv_columns(ledger: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    summary = export.export(ledger, path, kind="events", fmt="parquet", gazetteer=FakeGazetteer(), now=1)
    table = pq.read_table(path)
    assert summary.written == table.num_rows == 3
    assert table.column_names == [name for name, _kind in export.event_columns()]
    assert str(table.schema.field("iso").type) == "int64" and str(table.schema.field("latitude").type) == "double"
    assert sorted(table.column("iso").to_pylist()) == [643, 643, 804]
    assert "GeoNames" in json.loads(table.schema.metadata[b"fogofwar"])["credit"]
    assert not list(tmp_path.glob(".*partial"))


def test_events_jsonl_round_trips_the_ledger_event_with_its_sources(ledger: Store) -> None:
    lines = run(ledger, "events", "jsonl").decode().splitlines()
    got = {r["event"]["id"]: r for r in map(json.loads, lines)}
    for le in link.ledger_events(ledger):
        record = got[le.id]
        assert rec.from_dict(rec.LedgerEvent, record["event"]) == le
        assert record["article_ids"] == list(le.article_ids)
        assert len(record["urls"]) == len(le.article_ids) and all(u.startswith("https://") for u in record["urls"])
        assert {r["id"] for r in record["reports"]} == set(le.event_ids)
        assert all(c["grade"]["reliability"] in "ABCDEF" for c in record["claims"])


def test_event_filters(ledger: Store) -> None:
    def keys(**filters: object) -> set[str]:
        return set(by_key(csv_rows(ledger, filters=export.Filters(**filters))))

    assert keys(regions=frozenset({"RU-BRY"})) == {"A", "C"}
    assert keys(regions=frozenset({"UA"})) == {"D"}
    assert keys(since="2024-09-05") == {"D"}  # an unknown date never matches a date filter
    assert keys(until="2024-09-02") == {"A"}
    assert keys(event_type="battles") == {"C"}
    assert keys(side="RU") == {"C", "D"}


# --- claims, places, conflicts -------------------------------------------------------------

def test_claims_jsonl_and_csv_carry_article_url_and_grade(ledger: Store) -> None:
    records = [json.loads(line) for line in run(ledger, "claims", "jsonl").decode().splitlines()]
    assert {r["id"] for r in records} == {"cA", "cB", "cC", "cD"}
    for r in records:
        assert r["article_id"][0] == r["id"][1] and r["urls"] == [f"https://{r['id'][1].lower()}.example/story"]
        assert rec.from_dict(rec.Grade, r["grade"]).claim_id == r["id"]
        assert rec.from_dict(rec.Claim, {k: v for k, v in r.items() if k not in ("article_id", "urls", "outlets", "grade")})
    frame = pl.read_csv(io.BytesIO(run(ledger, "claims", "csv")))
    assert frame.columns == [name for name, _kind in export.CLAIM_COLUMNS] and frame.height == 4
    ua = pl.read_csv(io.BytesIO(run(ledger, "claims", "csv", filters=export.Filters(side="UA"))))
    assert sorted(ua["claim_id"].to_list()) == ["cB", "cD"]
    bryansk = json.loads(run(ledger, "claims", "jsonl", filters=export.Filters(regions=frozenset({"RU-BRY"}))).decode()
                         .splitlines()[0])
    assert bryansk["id"] in ("cA", "cB")  # the figure's region, not the article's


def test_places_jsonl_has_each_mention_with_its_resolution(ledger: Store) -> None:
    records = [json.loads(line) for line in run(ledger, "places", "jsonl").decode().splitlines()]
    assert len(records) == 4
    sumy = next(r for r in records if r["name"] == "Sumy")
    assert sumy["place"]["id"] == "geonames:2" and sumy["place"]["latitude"] == 50.9
    assert sumy["precision"] == "point" and sumy["acled_geo_precision"] == 1
    assert sumy["urls"] == ["https://d.example/story"] and sumy["article_id"].startswith("D")
    only_ua = run(ledger, "places", "jsonl", filters=export.Filters(regions=frozenset({"UA"})))
    assert [json.loads(line)["name"] for line in only_ua.decode().splitlines()] == ["Sumy"]


def test_conflicts_json_has_timelines_disagreements_and_sources(ledger: Store) -> None:
    doc = json.loads(run(ledger, "conflicts", "json"))
    (item,) = doc["timelines"]
    assert item["timeline"]["measure"] == "settlements_controlled"
    assert any(d["status"] == "disputed" for d in item["disagreements"])
    assert sorted(item["urls"]) == ["https://a.example/story", "https://b.example/story"]
    assert doc["fogofwar"]["timelines"] == 1 and doc["fogofwar"]["disputed"] >= 1
    ua = json.loads(run(ledger, "conflicts", "json", filters=export.Filters(side="UA")))
    assert [v["claimant"]["side"] for v in ua["timelines"][0]["timeline"]["values"]] == ["UA"]


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "fmt", "filters"), [
    ("events", "xml", {}), ("claims", "parquet", {}), ("places", "jsonl", {"side": "UA"}),
    ("claims", "csv", {"event_type": "Battles"}), ("nothing", "json", {})])
def test_bad_format_or_filter_is_refused_and_nothing_is_written(ledger: Store, tmp_path: Path, kind: str,
                                                                 fmt: str, filters: dict) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(ConfigError) as caught:
        export.export(ledger, tmp_path / "out" / "file", kind=kind, fmt=fmt, filters=export.Filters(**filters))
    assert caught.value.code == "E401"
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("bad", [{"since": "2024-13-01"}, {"side": "EU"}, {"event_type": "Skirmish"},
                                 {"since": "2024-09-10", "until": "2024-09-01"}])
def test_bad_filter_values_are_refused(bad: dict) -> None:
    with pytest.raises(ConfigError):
        export.Filters(**bad)


def test_a_failed_export_leaves_no_file(ledger: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> dict:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export, "_event_row", broken)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "events.csv"
    out.write_text("the previous export\n")
    with pytest.raises(RuntimeError):
        export.export(ledger, out, kind="events", fmt="acled-csv")
    assert out.read_text() == "the previous export\n" and [p.name for p in out.parent.iterdir()] == ["events.csv"]


def test_cli_exports_and_refuses_with_exit_codes(ledger: Store, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    class Closable(FakeGazetteer):
        def close(self) -> None:
            pass

    monkeypatch.setattr("fogofwar.gazetteer.open_gazetteer", lambda **_kw: Closable())
    runner = CliRunner()
    out = tmp_path / "events.geojson"
    base = ["--db", ledger.db, "export"]
    done = runner.invoke(cli, [*base, "events", "--format", "geojson", "--out", str(out), "--place", "RU-BRY",
                               "--since", "2024-09-01", "--until", "2024-09-30", "--type", "Explosions/Remote violence",
                               "--side", "UA", "-q"])
    assert done.exit_code == 0, done.output
    assert len(json.loads(out.read_text())["features"]) == 1
    bad = tmp_path / "bad.csv"
    refused = runner.invoke(cli, [*base, "claims", "--format", "parquet", "--out", str(bad)])
    assert refused.exit_code == 1 and "E401" in refused.output and not bad.exists()
    usage = runner.invoke(cli, [*base, "evnts", "--format", "jsonl", "--out", str(bad)])
    assert usage.exit_code == 2 and not bad.exists()
    stdout = runner.invoke(cli, [*base, "claims", "--format", "jsonl", "--side", "third_party"])
    assert stdout.exit_code == 0 and [json.loads(line)["id"] for line in stdout.stdout.splitlines()] == ["cC"]


def test_every_column_is_documented() -> None:
    from ..conftest import ROOT

    doc = (ROOT / "docs" / "exports.md").read_text("utf-8")
    for name, _kind in [*export.event_columns(), *export.CLAIM_COLUMNS]:
        assert f"| `{name}` |" in doc, name
