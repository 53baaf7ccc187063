"""Whole-CLI robustness: 1,000 mixed files, and SIGKILL in the middle of an ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fogofwar.store import open_store

from ..conftest import write
from ..corpus import write_corpus

pytestmark = pytest.mark.slow


def fogofwar(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fogofwar.cli", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def make_mixed(root: Path) -> dict[str, int]:
    """1,000 files: good, copied, and bad of every kind; returns the expected summary."""
    good = write_corpus(root / "good", 700, seed=7, words=180)
    for i in range(100):  # byte-identical copies under another name: second reports
        write(root / "copies" / f"{i}.txt", good[i].read_bytes())
    for i in range(40):
        write(root / "bad" / f"empty{i}.txt", "" if i % 2 else " \n\t \n")
    for i in range(40):
        write(root / "bad" / f"image{i}.png", b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    for i in range(30):
        write(root / "bad" / f"nul{i}.txt", b"text\x00with\x00nul" * 10)
    for i in range(30):
        write(root / "bad" / f"utf16-{i}.txt", b"\xff\xfe" + "Курск".encode("utf-16-le") + b"\x00")
    for i in range(30):
        write(root / "bad" / f"big{i}.txt", ("war report " * 3000))
    for i in range(30):
        write(root / "bad" / f"nav{i}.html", "<html><body><nav><a href='/'>Home</a></nav><p>Menu</p></body></html>")
    return {"stored": 700, "new_report": 100, "E201": 40, "E202": 70, "E203": 30, "E204": 30, "E205": 30}


def test_thousand_mixed_files(tmp_path: Path) -> None:
    expected = make_mixed(tmp_path / "in")
    assert sum(1 for p in (tmp_path / "in").rglob("*") if p.is_file()) == 1000
    db = str(tmp_path / "l.db")
    result = fogofwar("--db", db, "ingest", "-q", "--json", "--max-bytes", "20000", str(tmp_path / "in"))
    assert "Traceback" not in result.stderr
    assert result.returncode == 3
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"stored": 700, "new_report": 100, "rejected": 200}
    assert summary["rejected"] == {k: v for k, v in expected.items() if k.startswith("E")}
    store = open_store(db)
    assert store.counts()["articles"] == 700 and store.counts()["reports"] == 800
    assert len(store.rejected()) == 200
    store.close()


def _consistent(db: str) -> dict[str, int]:
    """Every report points at a stored article and every article has a report."""
    store = open_store(db)
    try:
        rows = store.articles()
        for row in rows:
            if row.article.canonical_id is None:
                assert row.reports, f"article {row.article.id} has no report"
        for row in rows:
            for report in row.reports:
                assert store.has_article(report.variant_id)
        return store.counts()
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sigkill_mid_ingest_then_rerun(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> None:
    write_corpus(tmp_path / "in", 400, seed=11, words=300)
    db = str(tmp_path / "l.db") if engine == "sqlite" else request.getfixturevalue("pg_url")
    open_store(db).close()
    proc = subprocess.Popen([sys.executable, "-m", "fogofwar.cli", "--db", db, "ingest", "-q", str(tmp_path / "in")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        stored = _consistent(db)["articles"]
        if stored >= 40:
            break
    assert proc.poll() is None, "ingest finished before it could be killed; use a larger corpus"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = _consistent(db)
    assert 40 <= partial["articles"] < 400
    result = fogofwar("--db", db, "ingest", "-q", "--json", str(tmp_path / "in"))
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert counts["stored"] + counts.get("duplicate", 0) == 400
    assert counts["stored"] == 400 - partial["articles"]
    final = _consistent(db)
    assert final["articles"] == 400 and final["reports"] == 400
