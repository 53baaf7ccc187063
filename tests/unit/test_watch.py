"""Feed watching over a store: conditional GETs, bounded polls, backoff, and restarts that
lose and duplicate nothing (feeds served by a loopback server, only 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from fogofwar import pipeline, watch
from fogofwar.config import Settings
from fogofwar.errors import ConfigError
from fogofwar.store import Store

from ..conftest import SAMPLES, LoopbackServer, write
from ..feeds import FeedSite

pytestmark = pytest.mark.network

T0 = dt.datetime(2024, 8, 12, 10, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def poll(store: Store, feeds: list[str], clock: Clock, **kw: object) -> watch.PollResult:
    settings = Settings(db=store.db, fetch_timeout=5.0)
    return watch.poll(feeds, store=store, settings=settings, now=clock, interval=60.0, **kw)  # type: ignore[arg-type]


def by_url(result: watch.PollResult) -> dict[str, watch.FeedPoll]:
    return {f.url: f for f in result.feeds}


def fully_processed(store: Store) -> None:
    assert store.unstaged_ids(list(pipeline.STAGES)) == []
    assert store.unstaged_ids(["link"]) == []


# --- the feed list ----------------------------------------------------------------

def test_feed_list_from_urls_list_files_and_opml(tmp_path: Path) -> None:
    listed = write(tmp_path / "feeds.txt", "# the desk's feeds\nhttp://127.0.0.1:9/a.xml\n\n  https://127.0.0.1:9/b.xml \n")
    opml = write(tmp_path / "feeds.opml", (
        "<?xml version='1.0'?><opml version='2.0'><head><title>desk</title></head><body>"
        "<outline text='Front'><outline text='A' type='rss' xmlUrl='http://127.0.0.1:9/a.xml'/>"
        "<outline text='C' type='rss' xmlUrl='http://127.0.0.1:9/c.xml'/></outline>"
        "<outline text='no feed here'/></body></opml>"))
    urls = watch.read_feed_list(["http://127.0.0.1:9/d.xml", str(listed), str(opml)])
    assert urls == ["http://127.0.0.1:9/d.xml", "http://127.0.0.1:9/a.xml", "https://127.0.0.1:9/b.xml",
                    "http://127.0.0.1:9/c.xml"]


@pytest.mark.parametrize("content", ["ftp://127.0.0.1/feed.xml\n", "<opml><body><outline xmlUrl='x'"])
def test_bad_feed_lists_are_refused(tmp_path: Path, content: str) -> None:
    with pytest.raises(ConfigError) as info:
        watch.read_feed_list([str(write(tmp_path / "feeds.txt", content))])
    assert info.value.code == "E401"
    with pytest.raises(ConfigError):
        watch.read_feed_list([str(tmp_path / "missing.txt")])


# --- polls --------------------------------------------------------------------------

def test_new_entries_flow_through_the_pipeline_once_and_304_means_nothing_to_do(
        store: Store, http_server: LoopbackServer) -> None:
    site, clock = FeedSite(http_server), Clock()
    first = site.publish(2)
    result = poll(store, [site.url], clock)
    assert by_url(result)[site.url].status == "fetched" and result.summary.counts == {"stored": 2}
    assert {r.url for row in store.articles() for r in row.reports} == set(first)
    fully_processed(store)
    state = store.feed_state(site.url)
    assert state.etag and state.items_seen == 2 and state.next_poll == (T0 + dt.timedelta(seconds=60)).isoformat(
        timespec="microseconds")

    clock.advance(30)  # not due yet: not even asked
    assert by_url(poll(store, [site.url], clock))[site.url].status == "waiting"
    assert http_server.hits[site.path] == 1

    (third,) = site.publish(1)
    clock.advance(30)
    result = poll(store, [site.url], clock)
    assert result.summary.counts == {"stored": 1} and by_url(result)[site.url].taken == 1
    assert site.article_hits() == {first[0]: 1, first[1]: 1, third: 1}  # old entries are not fetched again

    clock.advance(60)
    result = poll(store, [site.url], clock)
    assert http_server.request_headers[site.path]["if-none-match"] == store.feed_state(site.url).etag
    assert by_url(result)[site.url].status == "not_modified" and result.summary.total == 0
    assert store.counts()["articles"] == 3 and store.feed_state(site.url).items_seen == 3
    fully_processed(store)


def test_last_modified_is_sent_back(store: Store, http_server: LoopbackServer) -> None:
    site, clock = FeedSite(http_server, validator="last-modified"), Clock()
    site.publish(1)
    poll(store, [site.url], clock)
    stamp = store.feed_state(site.url).last_modified
    assert stamp and store.feed_state(site.url).etag is None
    clock.advance(60)
    assert by_url(poll(store, [site.url], clock))[site.url].status == "not_modified"
    assert http_server.request_headers[site.path]["if-modified-since"] == stamp
    site.publish(1)
    clock.advance(60)
    assert poll(store, [site.url], clock).summary.counts == {"stored": 1}


def test_max_items_bounds_a_poll_and_the_validators_wait_for_the_rest(
        store: Store, http_server: LoopbackServer) -> None:
    site, clock = FeedSite(http_server), Clock()
    site.publish(5)
    taken = []
    for _ in range(3):
        result = poll(store, [site.url], clock, max_items=2)
        taken.append((by_url(result)[site.url].taken, by_url(result)[site.url].left))
        if by_url(result)[site.url].left:  # the next poll must not be answered 304
            assert store.feed_state(site.url).etag is None
        clock.advance(60)
    assert taken == [(2, 3), (2, 1), (1, 0)]
    assert store.feed_state(site.url).etag
    assert by_url(poll(store, [site.url], clock, max_items=2))[site.url].status == "not_modified"
    assert store.counts()["articles"] == 5 and set(site.article_hits().values()) == {1}


def test_a_failing_feed_backs_off_while_another_keeps_working(store: Store, http_server: LoopbackServer) -> None:
    bad, good, clock = FeedSite(http_server, "/bad.xml", seed=2), FeedSite(http_server, "/good.xml", seed=3), Clock()
    bad.publish(1)
    bad.failing = True
    feeds = [bad.url, good.url]
    statuses = []
    for _ in range(8):  # a poll a minute; backoff 2, 4 (capped at 3) minutes
        good.publish(1)
        result = poll(store, feeds, clock, max_backoff=180.0)
        statuses.append((by_url(result)[bad.url].status, by_url(result)[good.url].taken))
        clock.advance(60)
    assert statuses == [("failed", 1), ("waiting", 1), ("failed", 1), ("waiting", 1), ("waiting", 1),
                        ("failed", 1), ("waiting", 1), ("waiting", 1)]
    state = store.feed_state(bad.url)
    assert state.failures == 3 and "E207" in (state.last_error or "") and "503" in (state.last_error or "")
    bad.failing = False
    clock.advance(120)
    result = poll(store, feeds, clock)
    assert by_url(result)[bad.url].status == "fetched" and by_url(result)[bad.url].taken == 1
    state = store.feed_state(bad.url)
    assert state.failures == 0 and state.last_error is None
    assert store.counts()["articles"] == 9


def test_an_entry_taken_by_a_killed_poll_is_fetched_again_only_if_not_stored(
        store: Store, http_server: LoopbackServer) -> None:
    site, clock = FeedSite(http_server), Clock()
    stored, lost = site.publish(2)
    settings = Settings(db=store.db)
    # As a poll killed after storing the first entry's article and while fetching the second:
    pipeline.process(next(iter(pipeline.read_inputs([stored], settings=settings))), store=store,
                     settings=settings)
    keys = {link: watch.entry_key({"id": link}) for link in (stored, lost)}
    for link, key in keys.items():
        store.take_feed_item(site.url, key, link)
    assert store.feed_items(site.url, list(keys.values())) == {keys[stored]: None, keys[lost]: None}
    result = poll(store, [site.url], clock)
    assert site.article_hits() == {stored: 1, lost: 1}  # the stored one only by the killed poll
    assert result.summary.counts == {"stored": 1}
    assert store.feed_items(site.url, list(keys.values())) == {keys[stored]: "stored", keys[lost]: "stored"}
    assert store.counts()["articles"] == 2 and store.counts()["reports"] == 2
    fully_processed(store)  # the article stored before the kill is staged and linked too


def test_stop_finishes_the_entry_in_hand_and_the_next_poll_the_rest(
        store: Store, http_server: LoopbackServer) -> None:
    site, clock, stop = FeedSite(http_server), Clock(), threading.Event()
    site.publish(3)
    result = poll(store, [site.url], clock, stop=stop, on_outcome=lambda _o: stop.set())
    assert result.stopped and by_url(result)[site.url].status == "stopped"
    assert (by_url(result)[site.url].taken, by_url(result)[site.url].left) == (1, 2)
    assert store.feed_state(site.url).next_poll is None  # due at once on restart
    fully_processed(store)
    result = poll(store, [site.url], clock)
    assert result.summary.counts == {"stored": 2} and store.counts()["articles"] == 3


def test_a_new_report_joins_the_stored_article_and_its_events(
        store: Store, http_server: LoopbackServer) -> None:
    original = SAMPLES / "10-wire-kursk-nuclear-plant.txt"
    settings = Settings(db=store.db)
    pipeline.ingest([str(original)], store=store, settings=settings)
    (before,) = store.article_ids()
    assert any(e["article_ids"] == [before] for e in store.ledger("ledger_event"))
    site = FeedSite(http_server, title="Riverside Daily Herald")
    (link,) = site.publish(1, text=(SAMPLES / "11-reprint-kursk-nuclear-plant.txt").read_text("utf-8"))
    result = poll(store, [site.url], Clock())
    assert result.summary.counts == {"near_copy": 1}
    fully_processed(store)
    (arrived,) = set(store.article_ids()) - {before}  # a near copy: its own text, linked to the original
    assert store.report_for_url(link) == before
    assert any({before, arrived} <= set(e["article_ids"]) for e in store.ledger("ledger_event"))


def test_watch_polls_until_told_and_checks_its_options(store: Store, http_server: LoopbackServer) -> None:
    site = FeedSite(http_server)
    site.publish(1)
    settings = Settings(db=store.db, fetch_timeout=5.0)
    results = list(watch.watch([site.url], store=store, settings=settings, interval=0.05, polls=3))
    assert [r.number for r in results] == [1, 2, 3]
    assert [by_url(r)[site.url].status for r in results][0] == "fetched"
    assert store.counts()["articles"] == 1
    for bad in ({"interval": 0}, {"max_items": 0}, {"polls": 0}):
        with pytest.raises(ConfigError):
            next(watch.watch([site.url], store=store, settings=settings, **bad))  # type: ignore[arg-type]
