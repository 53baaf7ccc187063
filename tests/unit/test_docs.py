"""Every command, option, exit code, error code and setting is documented in the README."""

from __future__ import annotations

import re

import click
import pytest

from fogofwar import cli as cli_mod
from fogofwar.errors import MESSAGES

from ..conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    group = cli_mod.cli
    return [(name, cmd) for name, cmd in group.commands.items()]


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_command_and_its_options_are_documented(name: str) -> None:
    command = cli_mod.cli.commands[name]
    assert f"fogofwar {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), f"{name} {param.opts} undocumented"


def test_global_options_documented() -> None:
    for param in cli_mod.cli.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts)


def test_exit_codes_documented() -> None:
    for code in (cli_mod.EXIT_OK, cli_mod.EXIT_ERROR, cli_mod.EXIT_USAGE, cli_mod.EXIT_REJECTED,
                 cli_mod.EXIT_INTERRUPTED):
        assert re.search(rf"^\| {code} \|", README, re.M)


def test_rejection_codes_documented() -> None:
    for code in MESSAGES:
        if code.startswith("E2"):
            assert code in README, code


def test_environment_variables_documented() -> None:
    source = "".join(p.read_text("utf-8") for p in (ROOT / "src" / "fogofwar").rglob("*.py"))
    for var in set(re.findall(r"FOGOFWAR_[A-Z_]+", source)):
        assert var in README, var
