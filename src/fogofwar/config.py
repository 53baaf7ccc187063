"""One ``Settings`` object, passed down from the CLI or the caller; no global config."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError

__all__ = ["Settings", "DEFAULT_DB"]

DEFAULT_DB = "fogofwar.db"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    db: str = DEFAULT_DB
    max_bytes: int = 5_000_000  # per document; larger inputs are rejected (E204)
    fetch_timeout: float = 20.0  # seconds per HTTP request
    max_redirects: int = 5
    feed_max_items: int = 200  # entries read from one feed per run
    # Containment of word 5-shingles above which a new text is a near copy of a stored one.
    # Tuned on the bundled and gold-set syndicated copies (0.74-0.97: reposts trim and lightly
    # edit) against distinct wire stories on the same day (below 0.25).
    near_copy_threshold: float = 0.7
    # A line is learned as an outlet's boilerplate when it recurs in this many of its articles.
    boilerplate_min_articles: int = 3
    supported_languages: frozenset[str] = frozenset({"en"})
    batch_size: int = 64  # new articles parsed and staged together (spaCy's nlp.pipe batch)
    credibility: str | None = None  # the user's credibility table (JSON), over the packaged one
    user_agent: str = "fogofwar (+https://github.com/fogofwar)"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``FOGOFWAR_*`` variables, then explicit overrides (not None)."""
        values: dict[str, object] = {}
        if os.environ.get("FOGOFWAR_DB"):
            values["db"] = os.environ["FOGOFWAR_DB"]
        if os.environ.get("FOGOFWAR_MAX_BYTES"):
            try:
                values["max_bytes"] = int(os.environ["FOGOFWAR_MAX_BYTES"])
            except ValueError as exc:
                raise ConfigError("E401", detail="FOGOFWAR_MAX_BYTES must be an integer") from exc
        if os.environ.get("FOGOFWAR_CREDIBILITY"):
            values["credibility"] = os.environ["FOGOFWAR_CREDIBILITY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.max_bytes <= 0:
            raise ConfigError("E401", detail="max_bytes must be positive")
        return settings


def db_display(db: str) -> str:
    """A database URL without its password, for messages."""
    if "://" in db and "@" in db:
        scheme, rest = db.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return str(Path(db)) if "://" not in db else db
