"""Reading inputs: files, directories, manifests, stdin, URLs and feeds (loopback only)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from fogofwar.config import Settings
from fogofwar.ingest import read_inputs
from fogofwar.records import RawDocument, Rejected

from ..conftest import STORY_A, STORY_B, LoopbackServer, write

S = Settings(db=":memory:", fetch_timeout=5.0)


def read(*inputs: str, settings: Settings = S, **kw: object) -> list[RawDocument | Rejected]:
    return list(read_inputs(inputs, settings=settings, **kw))  # type: ignore[arg-type]


def test_directory_is_walked_sorted_and_hidden_files_skipped(tmp_path: Path) -> None:
    write(tmp_path / "b" / "two.txt", STORY_B)
    write(tmp_path / "a.txt", STORY_A)
    write(tmp_path / ".hidden.txt", "secret")
    write(tmp_path / ".git" / "x.txt", "git object")
    items = read(str(tmp_path))
    assert [Path(i.source).name for i in items] == ["a.txt", "two.txt"]


def test_missing_file_becomes_rejected(tmp_path: Path) -> None:
    (item,) = read(str(tmp_path / "nope.txt"))
    assert isinstance(item, Rejected) and item.reason == "E212"


def test_large_file_is_rejected_without_reading(tmp_path: Path) -> None:
    write(tmp_path / "big.txt", "x" * 5000)
    (item,) = read(str(tmp_path / "big.txt"), settings=S.with_(max_bytes=1000))
    assert isinstance(item, Rejected) and item.reason == "E204"


@pytest.mark.parametrize("name", ["manifest.jsonl", "manifest.csv", "manifest.tsv"])
def test_manifest_attaches_metadata_and_reports_bad_rows(tmp_path: Path, name: str) -> None:
    write(tmp_path / "docs" / "a.txt", STORY_A)
    rows = [{"path": "docs/a.txt", "outlet": "Steppe Wire", "published": "2024-08-09", "url": "https://w.example/a"},
            {"path": "docs/a.txt", "published": "9 August"},
            {"outlet": "nobody"}]
    if name.endswith("jsonl"):
        body = "\n".join(json.dumps(r) for r in rows) + "\n{not json\n"
    else:
        sep = "," if name.endswith("csv") else "\t"
        cols = ["path", "url", "outlet", "published"]
        body = sep.join(cols) + "\n" + "\n".join(sep.join(r.get(c, "") for c in cols) for r in rows) + "\n"
    manifest = write(tmp_path / name, body)
    items = read(str(tmp_path))  # the directory's manifest is found and used
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Rejected)]
    assert len(docs) == 1
    assert (docs[0].outlet, docs[0].published, docs[0].url) == ("Steppe Wire", "2024-08-09", "https://w.example/a")
    assert all(b.reason == "E211" for b in bad)
    assert len(bad) == (3 if name.endswith("jsonl") else 2)
    assert all(b.source.startswith(str(manifest)) for b in bad)


def test_manifest_without_path_or_url_column(tmp_path: Path) -> None:
    manifest = write(tmp_path / "list.csv", "file,outlet\na.txt,X\n")
    (item,) = read(manifests=[str(manifest)])
    assert isinstance(item, Rejected) and item.reason == "E210"


def test_stdin(tmp_path: Path) -> None:
    (item,) = read("-", stdin=io.BytesIO(STORY_A.encode()))
    assert isinstance(item, RawDocument) and item.source == "<stdin>" and item.content == STORY_A.encode()


@pytest.mark.network
def test_url_fetch_follows_redirects_and_checks_type(http_server: LoopbackServer) -> None:
    http_server.add("/story", f"<html><body><article><p>{STORY_A}</p></article></body></html>".encode())
    http_server.add("/moved", b"", status=301, headers={"Location": "/story"})
    http_server.add("/image", b"\x89PNG....", content_type="image/png")
    http_server.add("/gone", b"gone", status=410, content_type="text/plain")
    for i in range(8):
        http_server.add(f"/loop{i}", b"", status=302, headers={"Location": f"/loop{i + 1}"})
    (doc,) = read(http_server.url("/moved"))
    assert isinstance(doc, RawDocument) and doc.url == http_server.url("/story")
    codes = [i.reason for i in read(http_server.url("/image"), http_server.url("/gone"),
                                     http_server.url("/loop0"), "http://127.0.0.1:1/closed")]
    assert codes == ["E208", "E207", "E209", "E206"]


@pytest.mark.network
def test_url_size_cap(http_server: LoopbackServer) -> None:
    http_server.add("/huge", b"<p>" + b"word " * 5000 + b"</p>")
    (item,) = read(http_server.url("/huge"), settings=S.with_(max_bytes=2000))
    assert isinstance(item, Rejected) and item.reason == "E204"


def _rss(base: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/s{i}</link>"
        f"<pubDate>Fri, 0{i + 1} Aug 2024 10:00:00 GMT</pubDate><description>Short summary {i}.</description></item>"
        for i in range(n))
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Border Monitor</title>"
            f"<link>{base}</link><description>d</description>{items}</channel></rss>").encode()


@pytest.mark.network
def test_rss_feed_entries_are_fetched_with_metadata(http_server: LoopbackServer) -> None:
    base = http_server.url("")
    http_server.add("/feed.xml", _rss(base, 3), content_type="application/rss+xml")
    http_server.add("/s0", f"<html><body><article><p>{STORY_A}</p></article></body></html>".encode())
    http_server.add("/s1", f"<html><body><article><p>{STORY_B}</p></article></body></html>".encode())
    items = read(http_server.url("/feed.xml"), settings=S.with_(feed_max_items=2))
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument"]
    assert items[0].outlet == "Border Monitor" and items[0].published == "2024-08-01"
    assert items[1].title == "Story 1"


@pytest.mark.network
def test_feed_entry_content_is_used_when_link_fails(http_server: LoopbackServer, tmp_path: Path) -> None:
    atom = (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Atom Desk</title>"
            f"<entry><title>Strike</title><link href='{http_server.url('/missing')}'/><id>1</id>"
            f"<updated>2024-08-10T00:00:00Z</updated><content type='html'>&lt;p&gt;{STORY_B}&lt;/p&gt;</content>"
            f"</entry></feed>").encode()
    feed = write(tmp_path / "desk.atom", atom)
    (doc,) = read(str(feed))
    assert isinstance(doc, RawDocument) and STORY_B[:40].encode() in doc.content
    assert doc.published == "2024-08-10" and doc.outlet == "Atom Desk"


def test_malformed_feed_file_is_rejected(tmp_path: Path) -> None:
    feed = write(tmp_path / "bad.xml", b"<?xml version='1.0'?><rss><channel><item><title>x</broken")
    items = read(str(feed))
    assert len(items) == 1 and isinstance(items[0], Rejected) and items[0].reason == "E213"
