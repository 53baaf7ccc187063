"""The REST API over a store built by hand: reads with filters and pages, writes behind the
token, the size limit and malformed input refused before anything is stored, errors as
coded JSON, and the real ``fogofwar serve`` on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from fogofwar import __version__, pipeline
from fogofwar import records as rec
from fogofwar.api import create_app
from fogofwar.cli import cli
from fogofwar.config import Settings
from fogofwar.store import Store

from ..conftest import ROOT

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

LIPOVKA = rec.Place(id="v", name="Lipovka", kind="populated", country="RU", admin1="RU-BRY", latitude=52.0, longitude=33.0)
SUDZHA = rec.Place(id="s", name="Sudzha", kind="populated", country="RU", admin1="RU-KRS", latitude=51.2, longitude=35.3)
STRIKE = ("Explosions/Remote violence", "Air/drone strike")
# key: text, published, outlet, town, place, event type, actors, event day, claimant, figure, unit, measure, as-of
SPEC: dict[str, tuple[Any, ...]] = {
    "A": ("A drone struck a fuel depot in Lipovka on Monday. The ministry said its forces hold 40 settlements.",
          "2024-09-02", "Outlet A", "Lipovka", LIPOVKA, STRIKE, [("Ukrainian forces", "UA")], "2024-09-02",
          ("Defence ministry", "RU"), "40 settlements", "settlements", "settlements_controlled", "2024-09-04"),
    "B": ("Officials said a drone hit the fuel depot at Lipovka on Monday. Kyiv says it holds 95 settlements.",
          "2024-09-04", "Outlet B", "Lipovka", LIPOVKA, STRIKE, [("Ukrainian forces", "UA")], "2024-09-02",
          ("General staff", "UA"), "95 settlements", "settlements", "settlements_controlled", "2024-09-04"),
    "C": ("Russian troops fought Ukrainian units near Sudzha on Tuesday. A monitor said Ukraine held 1000 km2.",
          "2024-09-10", "Outlet C", "Sudzha", SUDZHA, ("Battles", "Armed clash"),
          [("Russian forces", "RU"), ("Ukrainian forces", "UA")], "2024-09-10",
          ("Border monitor", "third_party"), "1000 km2", "km2", "area_controlled_km2", "2024-09-10"),
}


def _span(aid: str, text: str, part: str) -> rec.Evidence:
    start = text.index(part)
    return rec.Evidence(article_id=aid, start=start, end=start + len(part), text=part)


def put(store: Store, key: str) -> str:
    """One article with a place mention, an event and a claim with a figure, as the stages
    would have stored them."""
    (text, published, outlet, town, place, (etype, sub), actors, day, (who, side), figure, unit, measure,
     as_of) = SPEC[key]
    aid = key.lower() * 64
    article = rec.Article(id=aid, text=text, published=published, language="en")
    store.put_document(article=article, raw=None, report=rec.Report(
        id=f"r{key}", article_id=aid, variant_id=aid, outlet=outlet, url=f"https://example.org/{key}"))
    mention = rec.PlaceMention(id=f"m{key}", name=town, place=place, precision="point",
                               evidence=_span(aid, text, town))
    mentions = [mention]
    if "Kyiv" in text:
        mentions.append(rec.PlaceMention(id=f"k{key}", name="Kyiv", evidence=_span(aid, text, "Kyiv")))
    first, second = text.split(". ", 1)
    value = float(figure.split()[0])
    quantity = rec.Quantity(evidence=_span(aid, text, figure), unit=unit, low=value, best=value, high=value,
                            measure=measure, region=place.admin1, subject_side="UA")
    claim = rec.Claim(id=f"c{key}", claimant=rec.Claimant(name=who, kind="institution", side=side), cue="said",
                      evidence=_span(aid, text, second), quantities=(quantity,),
                      as_of=rec.DateValue(start=as_of, end=as_of, precision="day"))
    event = rec.Event(id=f"e{key}", evidence=_span(aid, text, first), event_type=etype, sub_event_type=sub,
                      actor1=rec.Actor(name=actors[0][0], side=actors[0][1]),
                      actor2=rec.Actor(name=actors[1][0], side=actors[1][1]) if len(actors) > 1 else None,
                      place=mention, date=rec.DateValue(start=day, end=day, precision="day"), claim_ids=(claim.id,))
    versions = rec.Versions(pipeline="test")
    store.replace_derived(aid, "places", [(m.id, "place_mention", m) for m in mentions], versions)
    store.replace_derived(aid, "claims", [(claim.id, "claim", claim)], versions)
    store.replace_derived(aid, "events", [(event.id, "event", event)], versions)
    return aid


def make_client(app: Any) -> Any:
    """FastAPI's TestClient; starlette 1.x would rather have httpx2, but httpx is the pinned client."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient(app)




@pytest.fixture
def ledger(store: Store) -> Store:
    ids = [put(store, key) for key in "ABC"]
    pipeline.link_articles(ids, store=store, settings=Settings())
    return store


@pytest.fixture
def client(ledger: Store) -> Iterator[Any]:
    with make_client(create_app(Settings(db=ledger.db), token=TOKEN)) as c:
        yield c


def items(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return response.json()["items"]


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code and body["message"] and body["hint"]
    return body


# --- reads -------------------------------------------------------------------------------------

def test_health_and_openapi_list_every_endpoint(client: Any) -> None:
    assert client.get("/health").json() == {"status": "ok", "version": __version__,
                                            "read_only": False, "writes": True}
    spec = client.get("/openapi.json").json()
    assert {"/health", "/articles", "/articles/{article_id}", "/events", "/events/{event_id}", "/claims",
            "/places", "/conflicts", "/ingest/text", "/ingest/html", "/ingest/url"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/events"]["get"]["parameters"]}
    assert {"type", "side", "place", "since", "until", "article", "limit", "offset"} <= params
    ingest = spec["paths"]["/ingest/text"]["post"]
    assert ingest["security"] and {"401", "403", "413", "422"} <= set(ingest["responses"])
    assert "Page_ClaimItem_" in spec["components"]["schemas"]


def test_articles_with_reports_and_one_by_prefix(client: Any) -> None:
    listed = items(client.get("/articles"))
    assert [a["article_id"][:4] for a in listed] == ["aaaa", "bbbb", "cccc"]
    assert listed[0]["reports"][0]["outlet"] == "Outlet A" and listed[0]["article"]["text"] is None
    one = client.get("/articles/bbbb").json()
    assert one["article_id"] == "b" * 64 and "Kyiv says" in one["article"]["text"]
    assert [r["url"] for r in one["reports"]] == ["https://example.org/B"]
    assert [a["article_id"][0] for a in items(client.get("/articles", params={"since": "2024-09-03"}))] == ["b", "c"]
    assert [a["article_id"][0] for a in items(client.get("/articles", params={"outlet": "outlet c"}))] == ["c"]
    error(client.get("/articles/ffff"), 404, "E304")


def test_events_are_merged_across_reports_and_filtered(client: Any) -> None:
    events = items(client.get("/events"))
    assert sorted(len(e["event_ids"]) for e in events) == [1, 2]
    strike = next(e for e in events if len(e["event_ids"]) == 2)
    assert strike["article_ids"] == ["a" * 64, "b" * 64]

    def ids(**params: str) -> list[tuple[str, ...]]:
        return [tuple(e["event_ids"]) for e in items(client.get("/events", params=params))]

    assert ids(type="Battles") == [("eC",)]
    assert ids(side="RU") == [("eC",)] and len(ids(side="UA")) == 2
    assert ids(place="RU-BRY") == [("eA", "eB")] and len(ids(place="RU")) == 2 and ids(place="UA-63") == []
    assert ids(since="2024-09-05") == [("eC",)] and ids(until="2024-09-02") == [("eA", "eB")]
    assert ids(article="cccc") == [("eC",)]
    error(client.get("/events", params={"type": "Battle"}), 400, "E404")
    error(client.get("/events", params={"side": "NATO"}), 422, "E404")
    error(client.get("/events", params={"since": "2024-09-31"}), 422, "E404")
    error(client.get("/events", params={"article": "ffff"}), 404, "E304")


def test_place_names_are_read_through_the_gazetteer(client: Any) -> None:
    assert [e["event_ids"] for e in items(client.get("/events", params={"place": "Bryansk Oblast"}))] == [["eA", "eB"]]
    assert "no region is named" in error(client.get("/events", params={"place": "Xyzzyplugh"}), 400, "E404")["message"]


def test_one_event_with_all_its_reports(client: Any) -> None:
    found = client.get("/events/eB").json()  # by one of its reports' ids
    assert found["event"]["event_ids"] == ["eA", "eB"]
    assert [(r["article_id"][0], r["outlets"], r["event"]["id"]) for r in found["reports"]] == [
        ("a", ["Outlet A"], "eA"), ("b", ["Outlet B"], "eB")]
    assert client.get(f"/events/{found['event']['id'][:10]}").json() == found
    error(client.get("/events/nothing-like-it"), 404, "E306")


def test_claims_carry_their_grade_and_filter(client: Any) -> None:
    claims = items(client.get("/claims"))
    assert [(c["article_id"][0], c["claim"]["id"]) for c in claims] == [("a", "cA"), ("b", "cB"), ("c", "cC")]
    assert (claims[0]["grade"]["reliability"], claims[0]["grade"]["credibility"]) == ("C", 4)  # disputed by UA

    def ids(**params: str) -> list[str]:
        return [c["claim"]["id"] for c in items(client.get("/claims", params=params))]

    assert ids(side="third_party") == ["cC"] and ids(claimant="general") == ["cB"]
    assert ids(measure="area_controlled_km2") == ["cC"] and ids(place="RU-BRY") == ["cA", "cB"]
    assert ids(since="2024-09-05") == ["cC"] and ids(article="bbbb") == ["cB"]


def test_places_with_their_resolution(client: Any) -> None:
    mentions = items(client.get("/places"))
    assert [(m["article_id"][0], m["mention"]["name"]) for m in mentions] == [
        ("a", "Lipovka"), ("b", "Kyiv"), ("b", "Lipovka"), ("c", "Sudzha")]
    assert [m["mention"]["name"] for m in items(client.get("/places", params={"resolved": "false"}))] == ["Kyiv"]
    assert [m["mention"]["place"]["admin1"] for m in items(client.get("/places", params={"place": "RU-KRS"}))] == ["RU-KRS"]
    assert len(items(client.get("/places", params={"article": "aaaa"}))) == 1


def test_conflicts_timelines_and_disagreements(client: Any) -> None:
    found = items(client.get("/conflicts"))
    assert sorted(c["timeline"]["measure"] for c in found) == ["area_controlled_km2", "settlements_controlled"]
    (disputed,) = items(client.get("/conflicts", params={"disputed": "true"}))
    assert disputed["article_ids"] == ["a" * 64, "b" * 64]
    assert {d["status"] for d in disputed["disagreements"]} == {"disputed"}
    assert [c["timeline"]["region"] for c in items(client.get("/conflicts", params={"place": "RU-KRS"}))] == ["RU-KRS"]
    assert items(client.get("/conflicts", params={"measure": "area_controlled_km2", "article": "aaaa"})) == []


def test_pages_have_total_and_next(client: Any) -> None:
    first = client.get("/claims", params={"limit": 2}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (3, 2, 0, 2)
    second = client.get(first["next"]).json()
    assert (second["offset"], [c["claim"]["id"] for c in second["items"]], second["next"]) == (2, ["cC"], None)
    assert client.get("/claims", params={"offset": 10}).json()["items"] == []
    filtered = client.get("/claims", params={"side": "UA", "limit": 1}).json()
    assert filtered["total"] == 1 and filtered["next"] is None
    articles = client.get("/articles", params={"limit": 1, "offset": 1}).json()
    assert (articles["total"], articles["items"][0]["article_id"][0]) == (3, "b")
    assert "offset=2" in articles["next"] and "limit=1" in articles["next"]
    error(client.get("/claims", params={"limit": 501}), 422, "E404")
    error(client.get("/claims", params={"limit": 0}), 422, "E404")
    error(client.get("/claims", params={"offset": -1}), 422, "E404")


def test_unknown_endpoints_are_coded_json(client: Any) -> None:
    error(client.get("/nowhere"), 404, "E407")
    error(client.delete("/events"), 405, "E407")


# --- writes ------------------------------------------------------------------------------------

def _counts(store: Store) -> dict[str, int]:
    return store.counts()


def test_writes_need_the_token(ledger: Store) -> None:
    before = _counts(ledger)
    body = {"text": "Shelling hit Lipovka on Tuesday, officials said."}
    with make_client(create_app(Settings(db=ledger.db), token=TOKEN)) as client:
        refused = client.post("/ingest/text", json=body)
        error(refused, 401, "E405")
        assert refused.headers["www-authenticate"] == "Bearer"
        error(client.post("/ingest/text", json=body, headers={"Authorization": "Bearer wrong"}), 401, "E405")
        error(client.post("/ingest/html", json={"html": "<p>x</p>"}, headers={"Authorization": TOKEN}), 401, "E405")
        error(client.post("/ingest/url", json={"url": "http://127.0.0.1:9/"}), 401, "E405")
    with make_client(create_app(Settings(db=ledger.db))) as client:  # no token: no writes at all
        assert client.get("/health").json()["writes"] is False
        error(client.post("/ingest/text", json=body, headers={"Authorization": "Bearer "}), 401, "E405")
    with make_client(create_app(Settings(db=ledger.db), token=TOKEN, read_only=True)) as client:
        assert client.get("/health").json()["read_only"] is True
        assert len(items(client.get("/events"))) == 2
        error(client.post("/ingest/text", json=body, headers=AUTH), 403, "E406")
    assert _counts(ledger) == before


def test_oversize_bodies_are_refused_before_they_are_read(ledger: Store) -> None:
    before = _counts(ledger)
    big = {"text": "Shelling hit Lipovka. " * 100}
    with make_client(create_app(Settings(db=ledger.db, max_bytes=1000), token=TOKEN)) as client:
        body = error(client.post("/ingest/text", json=big, headers=AUTH), 413, "E204")
        assert "over the limit of 1000" in body["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
            yield b'{"text": "'
            for _ in range(50):
                yield b"Shelling hit Lipovka. "
            yield b'"}'

        error(client.post("/ingest/text", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}),
              413, "E204")
    assert _counts(ledger) == before


@pytest.mark.parametrize(("body", "status", "says"), [
    (b'{"text": "Shelling hit Lipovka.",', 400, "not valid JSON"),
    (b'{"title": "no text"}', 422, "body.text: Field required"),
    (b'{"text": "Shelling hit Lipovka.", "published": "last Tuesday"}', 422, "'last Tuesday' is not a YYYY-MM-DD"),
    (b'{"text": "Shelling hit Lipovka.", "published": "2024-02-30"}', 422, "body.published"),
    (b'{"text": ""}', 422, "body.text"),
    (b'{"text": "Shelling hit Lipovka.", "txet": "typo"}', 422, "body.txet"),
    (b'["Shelling hit Lipovka."]', 422, "body"),
])
def test_malformed_input_is_a_clear_error_and_stores_nothing(ledger: Store, body: bytes, status: int,
                                                              says: str) -> None:
    before = _counts(ledger)
    with make_client(create_app(Settings(db=ledger.db), token=TOKEN)) as client:
        found = error(client.post("/ingest/text", content=body, headers={**AUTH, "Content-Type": "application/json"}),
                      status, "E404")
        assert says in found["message"]
        error(client.post("/ingest/url", json={"url": "file:///etc/passwd"}, headers=AUTH), 422, "E404")
        error(client.post("/ingest/html", json={"text": "<p>wrong field</p>"}, headers=AUTH), 422, "E404")
    assert _counts(ledger) == before


def test_a_document_the_pipeline_rejects_is_an_outcome_with_its_code(ledger: Store) -> None:
    before = _counts(ledger)
    with make_client(create_app(Settings(db=ledger.db), token=TOKEN)) as client:
        result = client.post("/ingest/text", json={"text": " \n\t "}, headers=AUTH).json()
    assert result["counts"] == {"rejected": 1}
    (outcome,) = result["outcomes"]
    assert outcome["kind"] == "rejected" and outcome["error"]["code"] == "E201"
    assert outcome["error"]["message"] == "the document is empty or has no text after cleaning"
    assert _counts(ledger) == {**before, "rejected": before["rejected"] + 1}


@pytest.mark.model
def test_ingested_text_is_found_through_the_reads(tmp_path: Path) -> None:
    text = ("Governor Oleh Syniehubov said three people were killed in a Russian missile strike on Kupiansk "
            "on Monday. Russia's defence ministry denied that its forces had struck the town.")
    meta = {"published": "2024-09-04", "outlet": "Test Wire", "url": "https://example.org/kupiansk"}
    with make_client(create_app(Settings(db=str(tmp_path / "api.db")), token=TOKEN)) as client:
        result = client.post("/ingest/text", json={"text": text, **meta}, headers=AUTH).json()
        (outcome,) = result["outcomes"]
        assert outcome["kind"] == "stored" and outcome["error"] is None
        aid = outcome["article_id"]
        claims = items(client.get("/claims", params={"article": aid[:8]}))
        assert [(c["claim"]["claimant"]["side"], c["claim"]["stance"]) for c in claims] == [
            ("UA", "asserts"), ("RU", "denies")]
        assert all(c["article_id"] == aid and c["grade"]["reliability"] for c in claims)
        (event,) = items(client.get("/events", params={"article": aid, "place": "UA-63"}))
        assert event["article_ids"] == [aid] and event["event_type"] == "Explosions/Remote violence"
        detail = client.get(f"/events/{event['id']}").json()
        assert detail["reports"][0]["outlets"] == ["Test Wire"]
        evidence = detail["reports"][0]["event"]["evidence"]
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]
        again = client.post("/ingest/text", json={"text": text, **meta}, headers=AUTH).json()
        assert again["outcomes"][0]["kind"] == "duplicate"
        html = client.post("/ingest/html", headers=AUTH, json={
            "html": f"<html><body><article><p>{text}</p></article></body></html>", "outlet": "Other Wire"}).json()
        assert html["outcomes"][0]["kind"] in ("new_report", "near_copy", "stored")
        assert client.get("/articles").json()["total"] >= 1


@pytest.mark.model
@pytest.mark.network
def test_ingest_by_url_from_a_loopback_server(tmp_path: Path, http_server: Any) -> None:
    url = http_server.add("/story", b"<html><body><article><p>Drones struck a fuel depot in Kupiansk on Monday, "
                                    b"the regional governor said.</p></article></body></html>")
    with make_client(create_app(Settings(db=str(tmp_path / "api.db")), token=TOKEN)) as client:
        result = client.post("/ingest/url", json={"url": url, "outlet": "Loopback"}, headers=AUTH).json()
        assert result["outcomes"][0]["kind"] == "stored"
        (article,) = items(client.get("/articles"))
        assert article["reports"][0]["url"] == url and article["reports"][0]["outlet"] == "Loopback"
        missing = client.post("/ingest/url", json={"url": http_server.url("/gone")}, headers=AUTH).json()
        assert missing["outcomes"][0]["error"]["code"] == "E207"


# --- fogofwar serve ------------------------------------------------------------------------------

def test_serve_binds_loopback_and_prints_a_random_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    monkeypatch.delenv("FOGOFWAR_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8000)
    (token,) = [line.split()[1] for line in result.output.splitlines() if line.startswith("token: ")]
    with make_client(started["app"]) as client:
        ok = client.post("/ingest/text", json={"text": " "}, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["outcomes"][0]["kind"] == "rejected"
    monkeypatch.setenv("FOGOFWAR_TOKEN", "from-the-environment")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "serve", "--read-only"], catch_exceptions=False)
    assert "token:" not in result.output and "read-only" in result.output
    with make_client(started["app"]) as client:
        error(client.post("/ingest/text", json={"text": "x"}, headers={"Authorization": "Bearer from-the-environment"}),
              403, "E406")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "serve", "--port", "8123"],
                                catch_exceptions=False)
    assert "token:" not in result.output and started["port"] == 8123
    with make_client(started["app"]) as client:
        assert client.post("/ingest/text", json={"text": " "},
                           headers={"Authorization": "Bearer from-the-environment"}).status_code == 200


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.network
def test_the_real_server_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fogofwar.cli", "--db", str(tmp_path / "served.db"), "serve",
                             "--port", str(port), "--token", TOKEN], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, proc.communicate(timeout=10)[0].decode(errors="replace")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        refused = httpx.post(f"http://127.0.0.1:{port}/ingest/text", json={"text": "x"}, timeout=5)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "E405"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
