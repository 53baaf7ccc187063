"""Shared fixtures: stores on both engines, a loopback HTTP server, written articles."""

from __future__ import annotations

import http.server
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fogofwar.config import Settings
from fogofwar.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "fogofwar" / "samples"
SEED = ROOT.parent / "shared" / "seed" / "kursk-roundup.txt"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, reason: str) -> None:
    """Skip when a service or tool is missing; in CI (CI=true) fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires it: {reason}")
    pytest.skip(reason)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "test.db"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the server named by FOGOFWAR_TEST_PG, dropped after."""
    admin = os.environ.get("FOGOFWAR_TEST_PG")
    need(bool(admin), "FOGOFWAR_TEST_PG is not set (.ci/run starts a PostgreSQL server)")
    import psycopg

    name = "fow_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()


# --- loopback HTTP -------------------------------------------------------------

Route = tuple[int, dict[str, str], bytes]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 whose routes the test sets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.hits: dict[str, int] = {}
        self.request_headers: dict[str, dict[str, str]] = {}  # the last request's (names lowercased), by path
        routes, hits, request_headers = self.routes, self.hits, self.request_headers

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                hits[self.path] = hits.get(self.path, 0) + 1
                request_headers[self.path] = {k.lower(): v for k, v in self.headers.items()}
                route = routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    status, headers, body = route() if callable(route) else route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes, *, status: int = 200, content_type: str = "text/html",
            headers: dict[str, str] | None = None) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url(path)


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# --- articles written for these tests ---------------------------------------------

STORY_A = (
    "Ukrainian units pressed further into the Glushkovo district on Thursday, a regional official said.\n"
    "The official, speaking on local television, said shelling had cut power to three villages near the river "
    "and that crews were working through the night to restore it.\n"
    "Russia's defence ministry said its air defences destroyed 14 drones over the Bryansk and Oryol regions "
    "overnight, and that no one was hurt on the ground.\n"
    "Kyiv did not comment on the reports. A spokesman for the general staff said only that operations were "
    "proceeding according to plan and that more details would be released later in the week.\n"
    "Residents of Tetkino told a local outlet that they had spent most of the night in basements."
)

STORY_B = (
    "Officials in Sumy region reported a missile strike on a bus depot on Saturday morning.\n"
    "The regional military administration said two people were wounded and eleven buses burned.\n"
    "Ukraine's air force said it intercepted six of nine drones launched overnight from the Kursk direction.\n"
    "A local council member, who asked not to be named, said the depot had been hit once before in the spring."
)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
