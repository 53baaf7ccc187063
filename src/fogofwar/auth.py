"""The API's users: bearer tokens that name who makes a change, and may be read-only.

A token is given as ``NAME:SECRET`` (``fogofwar serve --token``; a secret alone names the
user "admin"), or in a file of lines ``NAME SECRET [read|write]`` (``--tokens FILE``;
write when not said, ``#`` starts a comment). A write token may ingest and correct; a read
token may read what is token-protected (the audit log).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import ConfigError

__all__ = ["ApiToken", "parse_token", "read_tokens", "find_token"]

DEFAULT_NAME = "admin"


@dataclass(frozen=True, slots=True)
class ApiToken:
    name: str
    secret: str
    write: bool = True

    def __repr__(self) -> str:  # never the secret, in a log or a traceback
        return f"ApiToken(name={self.name!r}, write={self.write})"


def parse_token(value: str) -> ApiToken:
    """``NAME:SECRET``, or a secret alone (the user "admin")."""
    name, sep, secret = value.partition(":")
    if not sep:
        name, secret = DEFAULT_NAME, value
    if not name.strip() or not secret.strip():
        raise ConfigError("E401", detail="a token is NAME:SECRET (or a secret alone), with neither part empty")
    return ApiToken(name=name.strip(), secret=secret.strip())


def read_tokens(lines: Iterable[str], *, source: str = "the tokens file") -> list[ApiToken]:
    """Tokens from lines ``NAME SECRET [read|write]``."""
    out = []
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) not in (2, 3) or (len(words) == 3 and words[2] not in ("read", "write")):
            raise ConfigError("E401", detail=f"{source} line {n}: expected NAME SECRET [read|write]")
        out.append(ApiToken(name=words[0], secret=words[1], write=len(words) == 2 or words[2] == "write"))
    return out


def find_token(tokens: Sequence[ApiToken], given: str) -> ApiToken | None:
    """The token whose secret this is, compared in constant time."""
    found = None
    for token in tokens:
        if secrets.compare_digest(given.encode(), token.secret.encode()):
            found = token
    return found
