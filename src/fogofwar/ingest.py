"""Ingest: turn inputs (files, directories, stdin, URLs, feeds, manifests) into raw documents.

Everything yields :class:`RawDocument` or :class:`Rejected`; nothing raises for a
bad document. A directory is walked recursively in sorted order, skipping hidden
entries; a ``manifest.jsonl``/``.csv``/``.tsv`` at its top is read as the manifest
of the files it lists (their metadata attached), and the other files are read as
they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .config import Settings
from .errors import FetchError, InputError
from .records import RawDocument, Rejected

__all__ = ["read_inputs", "read_file", "read_directory", "read_manifest", "fetch_url",
           "read_feed", "read_entry", "conditional_get", "Fetched", "is_feed", "rejected", "MANIFEST_NAMES"]

MANIFEST_NAMES = ("manifest.jsonl", "manifest.csv", "manifest.tsv")
MANIFEST_KEYS = ("path", "url", "outlet", "published", "language", "title", "note")
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
               "application/rdf+xml")

Item = RawDocument | Rejected


def rejected(source: str, error: InputError, *, stage: str, content: bytes | None = None) -> Rejected:
    """A Rejected record whose id is stable for the same source, reason and bytes."""
    raw_sha = hashlib.sha256(content).hexdigest() if content is not None else None
    key = f"{source}\0{error.code}\0{raw_sha or ''}".encode()
    return Rejected(id=hashlib.sha256(key).hexdigest(), source=source, stage=stage,
                    reason=error.code, detail=str(error), raw_sha256=raw_sha)


def read_inputs(inputs: Iterable[str], *, settings: Settings, manifests: Iterable[str] = (),
                stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Every document named by ``inputs`` (paths, URLs, ``-``) and ``manifests``."""
    for manifest in manifests:
        yield from read_manifest(Path(manifest), settings=settings)
    for item in inputs:
        if item == "-":
            if stdin is None:
                raise InputError("E212", path="-", detail="no standard input was given")
            yield from _read_bytes_source("<stdin>", stdin.read(settings.max_bytes + 1), settings)
        elif item.startswith(("http://", "https://")):
            yield from fetch_url(item, settings=settings)
        else:
            path = Path(item)
            if path.is_dir():
                yield from read_directory(path, settings=settings)
            elif path.name in MANIFEST_NAMES:
                yield from read_manifest(path, settings=settings)
            else:
                yield from read_file(path, settings=settings)


def read_directory(root: Path, *, settings: Settings) -> Iterator[Item]:
    listed: set[Path] = set()
    for name in MANIFEST_NAMES:
        manifest = root / name
        if manifest.is_file():
            listed.add(manifest.resolve())
            listed.update(_manifest_paths(manifest))
            yield from read_manifest(manifest, settings=settings)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.resolve() in listed:
            continue
        yield from read_file(path, settings=settings)


def read_file(path: Path, *, settings: Settings, meta: dict[str, str | None] | None = None) -> Iterator[Item]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            yield rejected(source, InputError("E204", size=size, limit=settings.max_bytes), stage="read")
            return
        content = path.read_bytes()
    except OSError as exc:
        yield rejected(source, InputError("E212", path=source, detail=exc.strerror or type(exc).__name__),
                       stage="read")
        return
    yield from _read_bytes_source(source, content, settings, meta=meta)


def _read_bytes_source(source: str, content: bytes, settings: Settings, *,
                       meta: dict[str, str | None] | None = None,
                       content_type: str | None = None) -> Iterator[Item]:
    if len(content) > settings.max_bytes:
        yield rejected(source, InputError("E204", size=len(content), limit=settings.max_bytes), stage="read")
        return
    if meta is None and is_feed(content, content_type):
        yield from read_feed(content, source=source, settings=settings)
        return
    yield RawDocument(source=source, content=content, content_type=content_type, **(meta or {}))


def is_feed(content: bytes, content_type: str | None = None) -> bool:
    if content_type and any(t in content_type.lower() for t in ("rss", "atom")):
        return True
    head = content[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


# --- manifests ---------------------------------------------------------------

def _manifest_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """(row number, row, error) for each row; a row that cannot be parsed has an error."""
    text = path.read_text("utf-8-sig")
    if path.suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, None, f"not JSON ({exc.msg})"
                continue
            yield (n, row, None) if isinstance(row, dict) else (n, None, "not a JSON object")
        return
    dialect = "excel-tab" if path.suffix == ".tsv" else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "path" not in fields and "url" not in fields:
        raise InputError("E210", path=str(path), detail="no 'path' or 'url' column")
    reader.fieldnames = fields
    for n, row in enumerate(reader, 2):
        if None in row:
            yield n, None, "more cells than columns"
            continue
        yield n, {k: v for k, v in row.items() if v not in (None, "")}, None


def _manifest_paths(manifest: Path) -> set[Path]:
    try:
        return {(manifest.parent / row["path"]).resolve()
                for _n, row, err in _manifest_rows(manifest) if row and not err and row.get("path")}
    except (InputError, OSError, UnicodeDecodeError, csv.Error):
        return set()


def read_manifest(path: Path, *, settings: Settings) -> Iterator[Item]:
    source = str(path)
    try:
        rows = list(_manifest_rows(path))
    except InputError as exc:
        yield rejected(source, exc, stage="read")
        return
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        yield rejected(source, InputError("E210", path=source, detail=str(exc)[:200]), stage="read")
        return
    for n, row, error in rows:
        where = f"{source}#row{n}"
        if error is None:
            try:
                meta = _manifest_meta(row or {})
            except InputError as exc:
                error = exc.params.get("detail", str(exc))
        if error is not None:
            yield rejected(where, InputError("E211", row=n, detail=error), stage="read")
            continue
        target = (row or {}).get("path")
        if target:
            yield from read_file(path.parent / target, settings=settings, meta=meta)
        else:
            yield from fetch_url(str(meta["url"]), settings=settings, meta=meta)


def _manifest_meta(row: dict[str, object]) -> dict[str, str | None]:
    unknown = sorted(set(row) - set(MANIFEST_KEYS))
    if unknown:
        raise InputError("E211", row="?", detail=f"unknown keys {unknown}")
    if not row.get("path") and not row.get("url"):
        raise InputError("E211", row="?", detail="neither 'path' nor 'url'")
    meta = {k: (str(row[k]).strip() if row.get(k) not in (None, "") else None)
            for k in MANIFEST_KEYS if k != "path"}
    if meta["published"]:
        try:
            _check_iso(meta["published"])
        except ValueError:
            raise InputError("E211", row="?", detail=f"published {meta['published']!r} is not YYYY-MM-DD") from None
    return meta


def _check_iso(value: str) -> None:
    if len(value) == 10:
        dt.date.fromisoformat(value)
    else:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- network ------------------------------------------------------------------

def fetch_url(url: str, *, settings: Settings, meta: dict[str, str | None] | None = None) -> Iterator[Item]:
    """GET a URL (bounded in time, size and redirects) and read what it holds."""
    try:
        content, content_type, final_url = _get(url, settings=settings)
    except FetchError as exc:
        yield rejected(url, exc, stage="fetch")
        return
    meta = dict(meta or {})
    meta.setdefault("url", final_url)
    meta["url"] = meta.get("url") or final_url
    if is_feed(content, content_type) and not any(t in (content_type or "") for t in ("html",)):
        yield from read_feed(content, source=url, settings=settings)
        return
    if content_type and not any(t in content_type.lower() for t in _TEXT_TYPES):
        yield rejected(url, FetchError("E208", url=url, content_type=content_type), stage="fetch",
                       content=content)
        return
    yield RawDocument(source=url, content=content, content_type=content_type, **meta)


@dataclass(frozen=True, slots=True)
class Fetched:
    """One bounded GET: a 304 answer has empty content and keeps the validators sent."""

    status: int
    content: bytes
    content_type: str | None
    url: str
    etag: str | None = None
    last_modified: str | None = None


def _get(url: str, *, settings: Settings) -> tuple[bytes, str | None, str]:
    fetched = conditional_get(url, settings=settings)
    return fetched.content, fetched.content_type, fetched.url


def conditional_get(url: str, *, settings: Settings, etag: str | None = None,
                    last_modified: str | None = None) -> Fetched:
    """GET a URL bounded in time, size and redirects, sending ETag / Last-Modified validators
    when given (HTTP 304 then means unchanged); errors are :class:`FetchError`."""
    import httpx

    headers = {"User-Agent": settings.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with httpx.Client(follow_redirects=True, max_redirects=settings.max_redirects,
                          timeout=settings.fetch_timeout, headers=headers) as client:
            with client.stream("GET", url) as response:
                if response.status_code == 304:
                    return Fetched(304, b"", None, str(response.url), etag, last_modified)
                if response.status_code >= 400:
                    raise FetchError("E207", url=url, status=response.status_code)
                content_type = response.headers.get("content-type")
                if content_type and not any(t in content_type.lower() for t in _TEXT_TYPES + _FEED_TYPES):
                    raise FetchError("E208", url=url, content_type=content_type.split(";")[0])
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > settings.max_bytes:
                        raise FetchError("E204", size=f"more than {settings.max_bytes}", limit=settings.max_bytes)
                    chunks.append(chunk)
                return Fetched(response.status_code, b"".join(chunks), content_type, str(response.url),
                               response.headers.get("etag"), response.headers.get("last-modified"))
    except httpx.TooManyRedirects as exc:
        raise FetchError("E209", url=url, limit=settings.max_redirects) from exc
    except httpx.InvalidURL as exc:
        raise FetchError("E206", url=url, detail="invalid URL") from exc
    except httpx.HTTPError as exc:
        raise FetchError("E206", url=url, detail=type(exc).__name__) from exc


def read_feed(content: bytes, *, source: str, settings: Settings) -> Iterator[Item]:
    """The articles of an RSS/Atom feed: each entry's link is fetched; the entry's own
    content is used when the link cannot be."""
    import feedparser

    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        yield rejected(source, InputError("E213", source=source, detail=type(parsed.bozo_exception).__name__),
                       stage="read", content=content)
        return
    outlet = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries[: settings.feed_max_items], 1):
        yield from read_entry(entry, n=n, source=source, outlet=outlet, settings=settings)


def read_entry(entry: dict, *, n: int, source: str, outlet: str | None, settings: Settings) -> Iterator[Item]:
    """One feed entry (a feedparser entry, ``n`` its place in the feed): its link fetched, or
    its own content when the link cannot be."""
    meta = {"url": entry.get("link"), "outlet": outlet, "title": entry.get("title"),
            "published": _entry_date(entry), "language": None, "note": None}
    body = _entry_body(entry)
    if entry.get("link", "").startswith(("http://", "https://")):
        fetched = list(fetch_url(entry["link"], settings=settings, meta=meta))
        if body and all(isinstance(item, Rejected) for item in fetched):
            yield RawDocument(source=f"{source}#{entry['link']}", content=body.encode("utf-8"),
                              content_type="text/html", **meta)
        else:
            yield from fetched
    elif body:
        yield RawDocument(source=f"{source}#{entry.get('id', entry.get('title', '?'))}",
                          content=body.encode("utf-8"), content_type="text/html", **meta)
    else:
        yield rejected(f"{source}#entry{n}", InputError(
            "E213", source=source, detail=f"entry {n} has neither a link nor content"), stage="read")


def _entry_body(entry: dict) -> str | None:
    for item in entry.get("content", []) or []:
        if item.get("value"):
            return item["value"]
    return entry.get("summary") or None


def _entry_date(entry: dict) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    return None
