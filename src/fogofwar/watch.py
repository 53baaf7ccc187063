"""Watch: poll RSS/Atom feeds and send their new entries through the whole pipeline.

A poll takes every due feed in turn: a conditional GET with the stored ETag and
Last-Modified (HTTP 304: nothing to do), then at most ``max_items`` entries not taken
before, each fetched and stored by :func:`pipeline.ingest_documents`, which stages the new
articles and links them with the stored ones (new reports join existing events and
timelines). Everything a restart needs is in the store, so a stop or a kill loses and
duplicates nothing:

- an entry is recorded as *taken* before its article is fetched and as *done* once the
  article is stored; a taken entry whose URL already has a report is not fetched again;
- a feed's validators are saved only when every new entry of the response is done, so a
  poll cut short (or capped by ``max_items``) is answered in full the next time;
- articles stored but not yet staged or linked are caught up by the next poll.

A failing feed waits ``interval * 2**failures`` seconds (at most ``max_backoff``) before
its next try, its error recorded, while the other feeds go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import ConfigError, InputError
from .ingest import Fetched, conditional_get, read_entry
from .pipeline import Outcome, Resources, Summary, ingest_documents
from .records import RawDocument, Rejected
from .store import FeedState, Store

__all__ = ["read_feed_list", "poll", "watch", "entry_key", "FeedPoll", "PollResult"]

MAX_URL = 2000  # the width of the feeds table's key


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What one poll did with one feed."""

    url: str
    status: str  # fetched | not_modified | failed | waiting | stopped
    taken: int = 0  # new entries fetched and stored this poll
    left: int = 0  # new entries left for a later poll (over max_items, or stopped)
    error: str | None = None
    next_poll: str | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    number: int
    feeds: tuple[FeedPoll, ...]
    summary: Summary = field(default_factory=Summary)
    stopped: bool = False


# --- the feed list -------------------------------------------------------------

def read_feed_list(sources: Iterable[str]) -> list[str]:
    """Feed URLs from URLs, files listing them one per line (``#`` comments) and OPML
    files, in order, each once."""
    urls: list[str] = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            urls.append(source)
            continue
        path = Path(source)
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("E401", detail=f"{source} is neither a feed URL nor a readable file "
                                             f"({getattr(exc, 'strerror', None) or type(exc).__name__})") from exc
        urls.extend(_opml_urls(text, source) if _is_opml(text) else _listed_urls(text))
    for url in urls:
        if not url.startswith(("http://", "https://")) or len(url) > MAX_URL:
            raise ConfigError("E401", detail=f"{url[:200]!r} is not an http(s) feed URL of at most {MAX_URL} characters")
    return list(dict.fromkeys(urls))


def _is_opml(text: str) -> bool:
    return "<opml" in text[:2048].lower()


def _listed_urls(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _opml_urls(text: str, source: str) -> list[str]:
    # expat refuses external entities and (since 2.4) entity-expansion bombs, so the
    # standard library parser is safe enough for a file the user names.
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ConfigError("E401", detail=f"{source} is not valid OPML: {exc}") from exc
    return [outline.get("xmlUrl", "").strip() for outline in root.iter("outline") if outline.get("xmlUrl")]


# --- one poll ------------------------------------------------------------------

def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


@dataclass(slots=True)
class _Poll:
    """One poll's options and what it has seen so far (the generator below fills it)."""

    store: Store
    settings: Settings
    max_items: int
    interval: float
    max_backoff: float
    stop: threading.Event
    now: Callable[[], dt.datetime]
    results: list[FeedPoll] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


def poll(feeds: Sequence[str], *, store: Store, settings: Settings, max_items: int = 20,
         interval: float = 300.0, max_backoff: float = 3600.0, resources: Resources | None = None,
         stop: threading.Event | None = None, now: Callable[[], dt.datetime] = _utcnow,
         on_outcome: Callable[[Outcome], None] | None = None, number: int = 1) -> PollResult:
    """Poll each due feed once and store, stage and link its new entries' articles.

    ``stop`` is checked between entries: once it is set, the entry in hand is finished and
    the poll ends (its staging and linking done), leaving the rest to the next poll.
    """
    _check(max_items=max_items, interval=interval, max_backoff=max_backoff)
    state = _Poll(store, settings, max_items, interval, max_backoff, stop or threading.Event(), now)

    def record(outcome: Outcome) -> None:
        state.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    summary = ingest_documents(_documents(feeds, state), store=store, settings=settings,
                               resources=resources, on_outcome=record)
    return PollResult(number, tuple(state.results), summary, stopped=state.stop.is_set())


def _check(*, max_items: int, interval: float, max_backoff: float) -> None:
    if max_items < 1:
        raise ConfigError("E401", detail="--max-items must be at least 1")
    if not interval > 0 or not max_backoff > 0:
        raise ConfigError("E401", detail="--interval and the backoff cap must be positive")


def _documents(feeds: Sequence[str], poll_: _Poll) -> Iterator[RawDocument | Rejected]:
    """The new entries' documents of every due feed, recording each feed's state as it goes."""
    for url in feeds:
        if poll_.stop.is_set():
            poll_.results.append(FeedPoll(url, "stopped"))
            continue
        state = poll_.store.feed_state(url)
        started = poll_.now()
        if state.next_poll and state.next_poll > _iso(started):
            poll_.results.append(FeedPoll(url, "waiting", next_poll=state.next_poll))
            continue
        try:
            fetched = conditional_get(url, settings=poll_.settings, etag=state.etag,
                                      last_modified=state.last_modified)
            entries, outlet = _parse(fetched, url=url, settings=poll_.settings)
        except InputError as exc:
            poll_.results.append(_failed(poll_, state, exc, started))
            continue
        if fetched.status == 304:
            poll_.results.append(_succeeded(poll_, state, started, validators=fetched, status="not_modified"))
            continue
        taken, left = yield from _entry_documents(url, entries, outlet, poll_)
        if poll_.stop.is_set() and left:
            # Cut short: leave the state as it was, so that the feed is due at once.
            poll_.results.append(FeedPoll(url, "stopped", taken=taken, left=left))
            continue
        validators = fetched if not left else Fetched(200, b"", None, url, state.etag, state.last_modified)
        poll_.results.append(_succeeded(poll_, state, started, validators=validators, status="fetched",
                                      taken=taken, left=left))


def _parse(fetched: Fetched, *, url: str, settings: Settings) -> tuple[list[Any], str | None]:
    if fetched.status == 304:
        return [], None
    import feedparser

    parsed = feedparser.parse(fetched.content)
    if parsed.bozo and not parsed.entries:
        raise InputError("E213", source=url, detail=type(parsed.bozo_exception).__name__)
    return list(parsed.entries[: settings.feed_max_items]), parsed.feed.get("title")


def entry_key(entry: Any) -> str:
    """A feed entry's identity: its id (guid), else its link, else its title and summary."""
    ident = entry.get("id") or entry.get("link") or f"{entry.get('title', '')}\0{entry.get('summary', '')}"
    return hashlib.sha256(str(ident).encode("utf-8")).hexdigest()


def _entry_documents(url: str, entries: list[Any], outlet: str | None,
                     poll_: _Poll) -> Iterator[RawDocument | Rejected]:
    """The documents of the feed's entries not taken before, at most ``max_items`` of them;
    returns (taken, left). Code after each ``yield`` runs once the pipeline has stored
    what was yielded, as it asks for the next document only then."""
    keys = [entry_key(entry) for entry in entries]
    known = poll_.store.feed_items(url, keys)
    new: dict[str, tuple[int, Any]] = {}  # a feed may list one entry twice
    for n, (key, entry) in enumerate(zip(keys, entries, strict=True), 1):
        if known.get(key) is None and key not in new:
            new[key] = (n, entry)
    taken = done = 0
    for key, (n, entry) in new.items():
        if taken >= poll_.max_items or poll_.stop.is_set():
            break
        link = entry.get("link")
        if key in known:  # taken by a poll that was killed: was its article stored?
            article_id = poll_.store.report_for_url(link) if link else None
            if article_id is not None:
                poll_.store.finish_feed_item(url, key, outcome="stored", article_id=article_id)
                done += 1
                continue
        poll_.store.take_feed_item(url, key, link)
        poll_.outcomes.clear()
        yield from read_entry(entry, n=n, source=url, outlet=outlet, settings=poll_.settings)
        first = poll_.outcomes[0] if poll_.outcomes else None
        poll_.store.finish_feed_item(url, key, outcome=first.kind if first else "rejected",
                                     article_id=first.article_id if first else None)
        taken += 1
        done += 1
    return taken, len(new) - done


def _succeeded(poll_: _Poll, state: FeedState, started: dt.datetime, *, validators: Fetched,
               status: str, taken: int = 0, left: int = 0) -> FeedPoll:
    next_poll = _iso(started + dt.timedelta(seconds=poll_.interval))
    poll_.store.put_feed_state(replace(state, etag=validators.etag, last_modified=validators.last_modified,
                                       failures=0, last_error=None, last_polled=_iso(started),
                                       next_poll=next_poll))
    return FeedPoll(state.url, status, taken=taken, left=left, next_poll=next_poll)


def _failed(poll_: _Poll, state: FeedState, error: InputError, started: dt.datetime) -> FeedPoll:
    failures = state.failures + 1
    # Exponential backoff, capped; the exponent is bounded so that months of failures
    # cannot overflow a float.
    delay = min(poll_.max_backoff, poll_.interval * 2 ** min(failures, 40))
    next_poll = _iso(started + dt.timedelta(seconds=delay))
    poll_.store.put_feed_state(replace(state, failures=failures, last_error=str(error)[:500],
                                       last_polled=_iso(started), next_poll=next_poll))
    return FeedPoll(state.url, "failed", error=error.code, next_poll=next_poll)


# --- polling until stopped --------------------------------------------------------

def watch(feeds: Sequence[str], *, store: Store, settings: Settings, interval: float = 300.0,
          max_items: int = 20, polls: int | None = None, max_backoff: float = 3600.0,
          resources: Resources | None = None, stop: threading.Event | None = None,
          on_outcome: Callable[[Outcome], None] | None = None) -> Iterator[PollResult]:
    """Poll the feeds every ``interval`` seconds (each feed when it is due), yielding each
    poll's result, until ``stop`` is set or after ``polls`` polls."""
    _check(max_items=max_items, interval=interval, max_backoff=max_backoff)
    if polls is not None and polls < 1:
        raise ConfigError("E401", detail="--polls must be at least 1")
    stop = stop or threading.Event()
    resources = resources or Resources(settings)  # the model and gazetteer load once, not per poll
    number = 0
    while not stop.is_set():
        number += 1
        yield poll(feeds, store=store, settings=settings, max_items=max_items, interval=interval,
                   max_backoff=max_backoff, resources=resources, stop=stop, on_outcome=on_outcome,
                   number=number)
        if polls is not None and number >= polls:
            return
        stop.wait(_until_due(store, feeds, interval))


def _until_due(store: Store, feeds: Sequence[str], interval: float) -> float:
    """Seconds until the first feed is due again (at most ``interval``)."""
    now = _utcnow()
    waits = [interval]
    for url in feeds:
        next_poll = store.feed_state(url).next_poll
        if next_poll:
            waits.append((dt.datetime.fromisoformat(next_poll) - now).total_seconds())
    return max(0.0, min(waits))
