"""The CLI: a thin shell with readable errors and documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fogofwar import __version__
from fogofwar.cli import EXIT_ERROR, EXIT_REJECTED, cli

from ..conftest import SAMPLES, STORY_A, write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, db: Path, *args: str, input: bytes | None = None):  # noqa: ANN201
    return runner.invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], ["ingest"], ["reprocess"], ["articles"], ["rejected"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_ingest_samples_then_again(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    first = invoke(runner, db, "ingest", "-q", str(SAMPLES))
    assert first.exit_code == 0, first.output
    assert "near copies 1" in first.output and "new reports 1" in first.output
    second = invoke(runner, db, "ingest", "-q", str(SAMPLES))
    assert second.exit_code == 0
    assert second.output.startswith("nothing new")
    listing = invoke(runner, db, "articles")
    assert "undated" in listing.output and "copy-of" in listing.output


def test_ingest_stdin_and_show_json(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    assert invoke(runner, db, "ingest", "-q", "-", input=STORY_A.encode()).exit_code == 0
    (line,) = invoke(runner, db, "articles", "--json").output.splitlines()
    record = json.loads(line)
    assert record["article"]["published"] is None
    assert record["reports"][0]["source"] == "<stdin>"
    shown = invoke(runner, db, "articles", record["article"]["id"][:10])
    assert "published: unknown" in shown.output and "Glushkovo" in shown.output


def test_rejections_give_exit_3_and_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.bin", b"\x00\x01\x02" * 50)
    write(tmp_path / "in" / "b.txt", STORY_A)
    result = invoke(runner, tmp_path / "l.db", "ingest", "-q", "--json", str(tmp_path / "in"))
    assert result.exit_code == EXIT_REJECTED
    assert json.loads(result.output) == {"counts": {"stored": 1, "rejected": 1}, "rejected": {"E202": 1}}
    listed = invoke(runner, tmp_path / "l.db", "rejected")
    assert "E202 binary" in listed.output


def test_library_errors_are_one_line_with_hint(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, tmp_path / "l.db", "articles", "ffffffffff")
    assert result.exit_code == EXIT_ERROR
    assert "[E304 not-found]" in result.output and "Hint:" in result.output
    assert "Traceback" not in result.output
    bad = runner.invoke(cli, ["--db", "mysql://x", "articles"])
    assert bad.exit_code == EXIT_ERROR and "E302" in bad.output


def test_no_inputs_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    assert invoke(runner, tmp_path / "l.db", "ingest").exit_code == 2


def test_db_from_environment(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("FOGOFWAR_DB", str(db))
    assert runner.invoke(cli, ["ingest", "-q", "-"], input=STORY_A.encode()).exit_code == 0
    assert db.exists()


@pytest.mark.model
def test_places_and_claims_commands(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    text = ("Governor Oleh Syniehubov said three people were hurt in Kupiansk on Monday. "
            "Russia's defence ministry denied that its forces had struck the town.")
    assert invoke(runner, db, "ingest", "-q", "-", input=text.encode()).exit_code == 0
    (article,) = [json.loads(line) for line in invoke(runner, db, "articles", "--json").output.splitlines()]
    listed = invoke(runner, db, "places", article["article"]["id"][:8])
    assert "Kupiansk" in listed.output and "UA-63" in listed.output
    claims = [json.loads(line) for line in invoke(runner, db, "claims", "--json").output.splitlines()]
    assert [(c["claimant"]["name"], c["claimant"]["side"], c["stance"]) for c in claims] == [
        ("Oleh Syniehubov", "UA", "asserts"), ("Ministry of Defence of Russia", "RU", "denies")]
    only_ru = invoke(runner, db, "claims", "--side", "RU")
    assert "Ministry of Defence of Russia" in only_ru.output and "Syniehubov" not in only_ru.output
    search = invoke(runner, db, "gazetteer", "search", "Kharkov")
    assert "UA-63" in search.output
