"""A feed on the loopback server whose entries a test adds between polls."""

from __future__ import annotations

import email.utils
import hashlib
import random
import time
from xml.sax.saxutils import escape

from .conftest import LoopbackServer
from .corpus import article, html_page


class FeedSite:
    """An RSS feed at ``path`` and its articles under ``/articles/``: it answers 304 to the
    validator it gave (an ETag, or a Last-Modified date), and 503 while ``failing``."""

    def __init__(self, server: LoopbackServer, path: str = "/feed.xml", *, validator: str = "etag",
                 title: str = "Border Monitor", seed: int = 1, delay: float = 0.0) -> None:
        self.server, self.path, self.validator, self.title = server, path, validator, title
        self.rng = random.Random(seed)
        self.delay = delay  # seconds each article takes to serve (so that a poll can be killed mid-way)
        self.entries: list[tuple[str, str]] = []  # (link, title), oldest first
        self.failing = False
        self.modified = 0
        server.routes[path] = self._feed

    @property
    def url(self) -> str:
        return self.server.url(self.path)

    def publish(self, n: int = 1, *, text: str | None = None) -> list[str]:
        """Add ``n`` articles (newest first in the feed, as feeds list them); their links."""
        links = []
        for _ in range(n):
            slug = f"{self.path.strip('/').replace('/', '-')}-{len(self.entries)}"
            title = f"Dispatch {len(self.entries)} from {self.title}"
            page = html_page(text or article(self.rng, words=120), title=title, outlet=self.title,
                             published="2024-08-12").encode()
            self.server.routes[f"/articles/{slug}"] = self._slow(page)
            link = self.server.url(f"/articles/{slug}")
            self.entries.append((link, title))
            links.append(link)
        self.modified += 1
        return links

    def article_hits(self) -> dict[str, int]:
        return {self.server.url(path): n for path, n in self.server.hits.items() if path.startswith("/articles/")}

    def _slow(self, page: bytes):  # noqa: ANN202 - a loopback route
        def route() -> tuple[int, dict[str, str], bytes]:
            if self.delay:
                time.sleep(self.delay)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        return route

    def _feed(self) -> tuple[int, dict[str, str], bytes]:
        if self.failing:
            return 503, {"Content-Type": "text/plain"}, b"try later"
        items = "".join(f"<item><title>{escape(title)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
                        f"<pubDate>Mon, 12 Aug 2024 10:00:00 GMT</pubDate></item>"
                        for link, title in reversed(self.entries))
        body = (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(self.title)}"
                f"</title><link>{self.server.url('/')}</link><description>d</description>{items}</channel></rss>").encode()
        sent = self.server.request_headers.get(self.path, {})
        if self.validator == "etag":
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers = {"ETag": tag}
            unchanged = sent.get("if-none-match") == tag
        else:
            stamp = email.utils.formatdate(1_723_000_000 + self.modified * 60, usegmt=True)
            headers = {"Last-Modified": stamp}
            unchanged = sent.get("if-modified-since") == stamp
        if unchanged:
            return 304, headers, b""
        return 200, {"Content-Type": "application/rss+xml", **headers}, body
