"""Spatial queries: ledger events within a box or a distance, the same on SQLite and on
PostgreSQL (with PostGIS and without), found through an index."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from fogofwar import link, pipeline, spatial
from fogofwar import records as rec
from fogofwar.config import Settings
from fogofwar.errors import ConfigError
from fogofwar.store import Store, open_store

from ..conftest import need

# name, kind, admin1, latitude, longitude, precision, flags
PLACES = [
    ("Kursk", "populated", "RU-KRS", 51.7373, 36.1874, "point", ()),
    ("Sudzha", "populated", "RU-KRS", 51.1917, 35.2708, "point", ()),
    ("Sudzha", "populated", "RU-KRS", 51.1917, 35.2708, "point", ("historical",)),
    ("Belgorod", "populated", "RU-BEL", 50.6107, 36.5802, "point", ()),
    ("Kharkiv", "populated", "UA-63", 49.9808, 36.2527, "point", ()),
    ("Sumy", "populated", "UA-59", 50.9216, 34.8003, "near", ()),
    ("Kursk Oblast", "adm1", "RU-KRS", 51.5, 36.0, "adm1", ()),  # a region: no point
    ("Tetkino", "populated", "RU-KRS", None, None, "point", ()),  # no coordinates: no point
    ("Anadyr", "populated", "RU-CHU", 64.7337, 177.5089, "point", ()),
    ("Uelen", "populated", "RU-CHU", 66.1597, -169.8092, "point", ()),
]


def put_events(store: Store) -> list[str]:
    """One article and one event per place, each on its own day (so that none merge)."""
    ids = []
    for n, (name, kind, admin1, lat, lon, precision, flags) in enumerate(PLACES):
        text = f"Shelling hit {name} overnight, officials said."
        a = rec.Article(id=f"{n:02d}{'a' * 62}", text=text, published="2024-08-30")
        store.put_document(article=a, report=rec.Report(id=f"r{n}", article_id=a.id, variant_id=a.id,
                                                        outlet="Outlet"), raw=None)
        place = rec.Place(id=f"p{n}", name=name, kind=kind, country=admin1[:2], admin1=admin1,
                          latitude=lat, longitude=lon)
        where = text.index(name)
        mention = rec.PlaceMention(id=f"m{n}", name=name, place=place, precision=precision,
                                   evidence=rec.Evidence(article_id=a.id, start=where, end=where + len(name), text=name))
        sentence = text.split(",")[0]
        day = f"2024-08-{10 + n:02d}"
        event = rec.Event(id=f"e{n}", evidence=rec.Evidence(article_id=a.id, start=0, end=len(sentence), text=sentence),
                          event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                          actor1=rec.Actor(name="Russian forces", side="RU"), place=mention, flags=flags,
                          date=rec.DateValue(start=day, end=day, precision="day"))
        store.replace_derived(a.id, "events", [(event.id, "event", event)], rec.Versions(pipeline="test"))
        ids.append(a.id)
    pipeline.link_articles(ids, store=store, settings=Settings())
    return ids


def places_of(events: list[rec.LedgerEvent]) -> list[str]:
    return [e.place.place.name + ("*" if e.flags else "") for e in events]


QUERIES = [
    ("within", (35.0, 51.0, 37.0, 52.0), {}),
    ("within", (35.0, 51.0, 37.0, 52.0), {"flagged": True}),
    ("within", (170.0, 60.0, -168.0, 70.0), {}),  # across the antimeridian
    ("within", (36.1874, 51.7373, 36.1874, 51.7373), {}),  # a box that is one point: edges count
    ("near", (51.7373, 36.1874, 100.0), {}),
    ("near", (51.7373, 36.1874, 130.0), {}),
    ("near", (65.5, 180.0, 500.0), {}),  # across the antimeridian: 144 and 469 km
    ("near", (51.0, 36.0, 20000.0), {"flagged": True}),
]


def run_queries(store: Store) -> list[list[str]]:
    out = []
    for how, args, kwargs in QUERIES:
        found = link.events_within(store, args, **kwargs) if how == "within" else link.events_near(store, *args, **kwargs)
        out.append(places_of(found))
    return out


def test_events_within_and_near(store: Store) -> None:
    put_events(store)
    found = [sorted(r) if how == "within" else r for r, (how, _a, _k) in zip(run_queries(store), QUERIES)]
    assert found == [
        ["Kursk", "Sudzha"],
        ["Kursk", "Sudzha", "Sudzha*"],
        ["Anadyr", "Uelen"],
        ["Kursk"],
        ["Kursk", "Sudzha"],  # Sudzha is 88 km away, Belgorod 128 km
        ["Kursk", "Sudzha", "Belgorod"],  # nearest first
        ["Anadyr", "Uelen"],
        ["Sudzha", "Sudzha*", "Belgorod", "Kursk", "Sumy", "Kharkiv", "Anadyr", "Uelen"],
    ]
    # the regions and the place without coordinates are left out; they are still in the ledger
    assert len(list(link.ledger_events(store))) == 9
    assert [p.name for p in (e.place.place for e in link.events_in(store, spatial.Near(50.92, 34.8, 1)))] == ["Sumy"]


def test_the_same_results_on_sqlite_and_postgresql(tmp_path, pg_url: str) -> None:
    results = {}
    for name, db in (("sqlite", str(tmp_path / "spatial.db")), ("postgresql", pg_url)):
        with open_store(db) as store:
            put_events(store)
            results[name] = run_queries(store)
            # random boxes and circles over the region and the whole globe
            rng = random.Random(7)
            for _ in range(40):
                lat, lon, km = rng.uniform(-80, 80), rng.uniform(-180, 180), rng.choice([50, 500, 5000, 15000])
                results[name].append(places_of(link.events_near(store, lat, lon, km, flagged=True)))
                w, s = rng.uniform(30, 40), rng.uniform(48, 53)
                results[name].append(places_of(link.events_within(store, (w, s, w + rng.uniform(0, 3), s + 1))))
    assert results["sqlite"] == results["postgresql"]
    assert any(results["sqlite"][len(QUERIES):])  # the random queries found something


def test_a_relinked_block_moves_its_points(store: Store) -> None:
    ids = put_events(store)
    assert places_of(link.events_within(store, (36.0, 49.9, 36.3, 50.0))) == ["Kharkiv"]
    store.replace_derived(ids[4], "events", [], rec.Versions(pipeline="test"))  # Kharkiv's report is gone
    pipeline.link_articles([ids[4]], store=store, settings=Settings())
    assert link.events_within(store, (36.0, 49.9, 36.3, 50.0)) == []


# --- PostgreSQL: PostGIS when it is installed, the plain table when it is not ----------------

def _explain(store: Store, run) -> str:  # noqa: ANN001 - a callable that queries the store
    """The plans of the statements ``run`` sends that read event_points, sequential scans off."""
    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if "event_points" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    plans = []
    with store.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table would be scanned anyway
        for statement, parameters in seen:
            plans.extend(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    return "\n".join(plans)


@pytest.mark.postgres
def test_postgis_queries_use_the_gist_indexes(pg_url: str) -> None:
    with open_store(pg_url) as store:
        need(store.spatial() == "postgis", "PostGIS is not installed for this PostgreSQL (.ci/run installs "
                                           "postgresql-N-postgis-3)")
        put_events(store)
        within = _explain(store, lambda: link.events_within(store, (35.0, 51.0, 37.0, 52.0)))
        near = _explain(store, lambda: link.events_near(store, 51.7, 36.2, 100))
        across = _explain(store, lambda: link.events_within(store, (170.0, 60.0, -168.0, 70.0)))
    assert "ix_event_points_geom" in within and "Seq Scan on event_points" not in within, within
    assert "ix_event_points_geog" in near and "Seq Scan on event_points" not in near, near
    assert across.count("ix_event_points_geom") == 2, across  # one index scan per side of the antimeridian


@pytest.fixture
def pg_without_postgis(pg_url: str) -> Iterator[str]:
    """A database whose owner may not create extensions (PostGIS is not a trusted one): the
    fallback, on any PostgreSQL server."""
    import psycopg

    role = "fow_plain_" + uuid.uuid4().hex[:8]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
    server = pg_url.split("://", 1)[1].split("@", 1)[1]
    try:
        yield f"postgresql://{role}@{server}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_without_postgis_the_plain_table_answers_the_same(tmp_path, pg_without_postgis: str) -> None:
    with open_store(str(tmp_path / "plain.db")) as lite:
        put_events(lite)
        expected = run_queries(lite)
    with open_store(pg_without_postgis) as store:
        assert store.spatial() == "plain"
        with store.engine.begin() as conn:
            detail = conn.execute(sa.text("SELECT detail FROM fogofwar_features WHERE name = 'spatial'")).scalar()
        assert detail.startswith("PostgreSQL without PostGIS")
        put_events(store)
        assert run_queries(store) == expected
        plan = _explain(store, lambda: link.events_within(store, (35.0, 51.0, 37.0, 52.0)))
    assert "ix_event_points_lat_lon" in plan, plan


def test_sqlite_uses_the_lat_lon_index(tmp_path) -> None:
    with open_store(str(tmp_path / "plan.db")) as store:
        assert store.spatial() == "plain"
        put_events(store)
        seen: list[tuple[str, object]] = []
        sa.event.listen(store.engine, "before_cursor_execute",
                        lambda _c, _cur, st, params, _ctx, _m: seen.append((st, params)) if "event_points" in st
                        and st.lstrip().upper().startswith("SELECT") else None)
        link.events_within(store, (35.0, 51.0, 37.0, 52.0))
        with store.engine.begin() as conn:
            plan = " ".join(str(r) for st, params in seen
                            for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st, params))
    assert "ix_event_points_lat_lon" in plan, plan


def test_a_store_linked_before_the_migration_gets_its_points(tmp_path) -> None:
    db = str(tmp_path / "old.db")
    with open_store(db) as store:
        put_events(store)
        with store.engine.begin() as conn:  # as it was before 005: no points, no record of them
            conn.exec_driver_sql("DELETE FROM event_points")
            conn.exec_driver_sql("DROP TABLE fogofwar_features")
            conn.exec_driver_sql("DROP TABLE event_points")
            conn.exec_driver_sql("DELETE FROM fogofwar_migrations WHERE name LIKE '%event_points'")
    with open_store(db) as store:
        assert places_of(link.events_near(store, 51.7373, 36.1874, 100)) == ["Kursk", "Sudzha"]


# --- the geometry ------------------------------------------------------------------------

def test_distances_and_boxes() -> None:
    assert spatial.haversine_km(51.7373, 36.1874, 51.1917, 35.2708) == pytest.approx(87.8, abs=0.2)
    assert spatial.haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.1)
    rng = random.Random(3)
    for _ in range(3000):  # every point within the distance lies in the prefilter's boxes
        near = spatial.Near(rng.uniform(-89.9, 89.9), rng.uniform(-180, 180), rng.choice([1, 100, 1000, 8000]))
        bearing, dist = rng.uniform(0, 2 * math.pi), near.km * rng.random() ** 0.5
        lat, lon = _destination(near.latitude, near.longitude, bearing, dist)
        assert near.contains(lat, lon) or near.distance_km(lat, lon) - near.km < 1e-6
        assert any(w <= lon <= e and s <= lat <= n for w, s, e, n in near.boxes()), (near, lat, lon)
    assert spatial.BBox(170, 60, -168, 70).boxes() == [(170, 60, 180.0, 70), (-180.0, 60, -168, 70)]


def _destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    d, p1, l1 = km / spatial.EARTH_RADIUS_KM, math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


@pytest.mark.parametrize(("options", "problem"), [
    ({"bbox": "1,2,3"}, "is not W,S,E,N"),
    ({"bbox": "1,2,3,x"}, "is not a number"),
    ({"bbox": "0,60,10,50"}, "is north of north"),
    ({"bbox": "0,0,190,10"}, "longitude 190"),
    ({"near": "51,36"}, "near needs km"),
    ({"km": 5.0}, "km needs near"),
    ({"near": "91,36", "km": 5.0}, "latitude 91"),
    ({"near": "51,36", "km": -1.0}, "km: -1"),
    ({"bbox": "0,0,1,1", "near": "1,1", "km": 1.0}, "not both"),
])
def test_bad_areas_are_refused(options: dict, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        spatial.area(**options, code="E404")
    assert caught.value.code == "E404"


def test_area_from_options() -> None:
    assert spatial.area() is None
    assert spatial.area(bbox="35, 51, 37, 52") == spatial.BBox(35, 51, 37, 52)
    assert spatial.area(near="51.7,36.2", km=10) == spatial.Near(51.7, 36.2, 10)


def test_only_settlements_and_sites_have_points() -> None:
    ev = rec.Evidence(article_id="a" * 64, start=0, end=1, text="x")

    def ledger_event(kind: str, precision: str, lat: float | None = 50.0) -> rec.LedgerEvent:
        place = rec.Place(id="p", name="P", kind=kind, latitude=lat, longitude=30.0 if lat is not None else None)
        return rec.LedgerEvent(id="le", event_type="Battles", sub_event_type="Armed clash", event_ids=("e",),
                               article_ids=("a",), place=rec.PlaceMention(id="m", evidence=ev, name="P", place=place,
                                                                          precision=precision))

    assert spatial.point_of(ledger_event("populated", "point")) == spatial.EventPoint("le", 50.0, 30.0, "point")
    assert spatial.point_of(ledger_event("facility", "near")) is not None
    for kind, precision, lat in (("adm1", "adm1", 50.0), ("adm2", "adm2", 50.0), ("country", "country", 50.0),
                                 ("populated", "adm1", 50.0), ("populated", "point", None), ("populated", "point", 95.0)):
        assert spatial.point_of(ledger_event(kind, precision, lat)) is None, (kind, precision, lat)



# --- the interfaces: CLI, export and API take the same options ---------------------------------

def test_cli_export_and_api_take_bbox_and_near(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from fogofwar.api import create_app
    from fogofwar.cli import cli

    from .test_api import make_client

    db = str(tmp_path / "cli.db")
    with open_store(db) as store:
        put_events(store)
    run = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return run.invoke(cli, ["--db", db, *args], catch_exceptions=False)

    listed = invoke("events", "--bbox", "35,51,37,52")
    assert listed.exit_code == 0 and "2 ledger events placed there" in listed.output
    assert "Kursk (51.737, 36.187)" in listed.output and "Sudzha" in listed.output
    near = [json.loads(line) for line in invoke("events", "--near", "51.7373,36.1874", "--km", "130", "--json").output.splitlines()]
    assert [(e["place"]["place"]["name"], round(e["distance_km"])) for e in near] == [
        ("Kursk", 0), ("Sudzha", 88), ("Belgorod", 128)]
    refused = invoke("events", "--bbox", "35,51,37,52", "--near", "51,36", "--km", "5")
    assert refused.exit_code == 1 and "E401" in refused.output
    assert "9 events" in invoke("events").output  # without an area: the per-article listing, as before

    out = tmp_path / "near.jsonl"
    assert invoke("export", "events", "--format", "jsonl", "--out", str(out), "--near", "51.7373,36.1874",
                  "--km", "100").exit_code == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["event"]["place"]["place"]["name"] for r in exported) == ["Kursk", "Sudzha"]
    geojson = json.loads(invoke("export", "events", "--format", "geojson", "--bbox", "170,60,-168,70").output)
    assert sorted(f["geometry"]["coordinates"][0] for f in geojson["features"]) == [-169.8092, 177.5089]
    assert geojson["fogofwar"]["filters"]["area"] == {"bbox": [170.0, 60.0, -168.0, 70.0]}
    wrong = invoke("export", "claims", "--format", "jsonl", "--bbox", "35,51,37,52")
    assert wrong.exit_code == 1 and "--bbox does not apply to claims" in wrong.output

    with make_client(create_app(Settings(db=db), token="t")) as client:
        page = client.get("/events", params={"bbox": "35,51,37,52"}).json()
        assert page["total"] == 2
        page = client.get("/events", params={"near": "51.7373,36.1874", "km": 130, "limit": 2}).json()
        assert page["total"] == 3 and [e["place"]["place"]["name"] for e in page["items"]] == ["Kursk", "Sudzha"]
        bad = client.get("/events", params={"near": "51.7,36.2"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "E404"
        assert "km" in bad.json()["error"]["message"]
