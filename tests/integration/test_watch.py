"""`fogofwar watch` as a process: polls over a list and an OPML file, and a SIGKILL or a SIGTERM
in the middle of a poll, then a restart: every article stored once, staged and linked, and
only what was not stored fetched again (feeds served by a loopback server, 127.0.0.1 only)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fogofwar import pipeline
from fogofwar.store import open_store

from ..conftest import LoopbackServer, write
from ..feeds import FeedSite

pytestmark = [pytest.mark.network, pytest.mark.slow]


def watch_cmd(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "fogofwar.cli", "--db", db, "watch", *args]


def run(db: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(watch_cmd(db, *args), capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, "NO_PROXY": "127.0.0.1"})


def stored_urls(db: str) -> set[str]:
    store = open_store(db)
    try:
        return {r.url for row in store.articles() for r in row.reports if r.url}
    finally:
        store.close()


def check_complete(db: str, links: list[str]) -> None:
    """Each link's article stored once, with one report, every stage and the link stage run."""
    store = open_store(db)
    try:
        rows = store.articles()
        assert sorted(r.url for row in rows for r in row.reports) == sorted(links)
        assert store.counts()["articles"] == len(links)
        assert store.unstaged_ids(list(pipeline.STAGES)) == []
        assert store.unstaged_ids(["link"]) == []
    finally:
        store.close()


def test_polls_over_a_list_and_an_opml_file(tmp_path: Path, http_server: LoopbackServer) -> None:
    one, two = FeedSite(http_server, "/one.xml", seed=4), FeedSite(http_server, "/two.xml", seed=5,
                                                                    validator="last-modified")
    links = one.publish(2) + two.publish(1)
    listed = write(tmp_path / "feeds.txt", f"# desk\n{one.url}\n")
    opml = write(tmp_path / "feeds.opml", f"<?xml version='1.0'?><opml version='2.0'><body>"
                                          f"<outline text='two' xmlUrl='{two.url}'/></body></opml>")
    db = str(tmp_path / "w.db")
    first = run(db, "--polls", "2", "--interval", "0.2", str(listed), str(opml))
    assert first.returncode == 0, first.stderr
    assert "poll 1: 2 fetched; 3 new entries; stored 3" in first.stderr
    assert "poll 2: 2 not modified; 0 new entries" in first.stderr
    check_complete(db, links)
    links += two.publish(1)
    again = run(db, "--once", "-q", str(listed), str(opml))
    assert again.returncode == 0 and "poll 1: 1 fetched, 1 not modified; 1 new entries; stored 1" in again.stderr
    assert "  stored" not in again.stderr  # --quiet: no line per entry
    check_complete(db, links)
    assert set(one.article_hits().values()) | set(two.article_hits().values()) == {1}


def _start_and_wait(db: str, site: FeedSite, *, at_least: int) -> tuple[subprocess.Popen[bytes], set[str]]:
    """Start a watch and return once ``at_least`` articles are stored (it still polling)."""
    proc = subprocess.Popen(watch_cmd(db, "--once", "--max-items", "100", site.url),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored: set[str] = set()
    while time.monotonic() < deadline and proc.poll() is None and len(stored) < at_least:
        time.sleep(0.1)
        stored = stored_urls(db)
    if proc.poll() is not None:
        _out, err = proc.communicate()
        pytest.fail(f"the poll ended (exit {proc.returncode}) before it could be stopped: {err.decode()[-2000:]}")
    assert len(stored) >= at_least
    return proc, stored


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_in_the_middle_of_a_poll_then_restart(tmp_path: Path, http_server: LoopbackServer, engine: str,
                                                      request: pytest.FixtureRequest) -> None:
    site = FeedSite(http_server, seed=6, delay=0.15)
    links = site.publish(24)
    db = str(tmp_path / "w.db") if engine == "sqlite" else request.getfixturevalue("pg_url")
    open_store(db).close()
    proc, _ = _start_and_wait(db, site, at_least=4)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    before_kill = stored_urls(db)  # read after the kill: nothing more can be stored
    assert 4 <= len(before_kill) < len(links)
    hits_before = site.article_hits()
    result = run(db, "--once", site.url)
    assert result.returncode == 0, result.stderr
    check_complete(db, links)
    hits = site.article_hits()
    for link in links:  # fetched again only when it was not stored
        again = hits.get(link, 0) - hits_before.get(link, 0)
        assert again == (0 if link in before_kill else 1), link


def test_sigterm_finishes_the_entry_in_hand_and_exits_0(tmp_path: Path, http_server: LoopbackServer) -> None:
    site = FeedSite(http_server, seed=8, delay=0.15)
    links = site.publish(24)
    db = str(tmp_path / "w.db")
    open_store(db).close()
    proc, _ = _start_and_wait(db, site, at_least=3)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"stopped: every entry taken is stored" in err
    partial = stored_urls(db)
    assert 3 <= len(partial) < len(links)
    store = open_store(db)
    try:  # what was stored before the stop is staged and linked already
        assert store.unstaged_ids(["link"]) == []
        assert store.feed_state(site.url).etag is None
    finally:
        store.close()
    result = run(db, "--once", site.url)
    assert result.returncode == 0, result.stderr
    check_complete(db, links)
    assert set(site.article_hits().values()) == {1}
