"""The REST API: a thin shell over the library calls the CLI makes.

:func:`create_app` builds a FastAPI app that reads the ledger (articles, events, claims,
places, conflicts) with filters and pagination, and ingests documents through the whole
pipeline when a request carries the bearer token. It never writes SQL or derives records
itself. Every error is JSON with a code from :mod:`fogofwar.errors`::

    {"error": {"code": "E304", "name": "not-found", "message": "…", "hint": "…"}}

Write requests are checked (read-only mode, token, body size) before their body is read.
Tokens name their user (:mod:`fogofwar.auth`): a correction records who made it, and a
read-only token may read the audit log but not write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__, link, spatial, vocab, webpage
from .config import Settings
from .errors import MESSAGES, ConfigError, FogofwarError, StoreError
from .auth import ApiToken, find_token, parse_token
from .records import (Claim, Correction, Disagreement, Event, Grade, LedgerEvent, PlaceMention, RawDocument, Report,
                      Timeline, from_dict)

__all__ = ["create_app", "error_body", "MAX_LIMIT"]

MAX_LIMIT = 500  # items per page; bounds a response whatever the ledger's size
DEFAULT_LIMIT = 50
WRITE_PREFIX = "/ingest/"
WRITE_PATHS = (WRITE_PREFIX, "/corrections")  # checked by the middleware before the body is read

# HTTP status of each coded error an endpoint can raise; others are 500.
_STATUS = {"E204": 413, "E301": 503, "E302": 503, "E303": 503, "E304": 404, "E305": 400, "E306": 404,
           "E307": 404, "E410": 400, "E411": 403,
           "E401": 400, "E402": 400, "E403": 503, "E404": 400, "E405": 401, "E406": 403, "E407": 404,
           "E408": 500, "E501": 503, "E502": 503}

Side = Literal["UA", "RU", "third_party", "unknown"]
T = TypeVar("T")


# --- response models ----------------------------------------------------------------------

class ErrorDetail(BaseModel):
    code: str = Field(description="a stable code from fogofwar.errors, e.g. E304")
    name: str
    message: str
    hint: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a filtered list: ``next`` is the URL of the following page, or null."""

    total: int = Field(description="how many items match the filters, over all pages")
    limit: int
    offset: int
    next: str | None = None
    items: list[T]


class ArticleOut(BaseModel):
    id: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    language_score: float | None = None
    status: str
    content_type: str
    canonical_id: str | None = None
    similarity: float | None = None
    text: str | None = Field(None, description="the cleaned text (every evidence span indexes it)")


class ArticleItem(BaseModel):
    article_id: str
    article: ArticleOut
    reports: list[Report]


class EventReport(BaseModel):
    article_id: str
    outlets: list[str]
    published: str | None = None
    event: Event


class EventDetail(BaseModel):
    event: LedgerEvent
    reports: list[EventReport]


class ClaimItem(BaseModel):
    article_id: str
    claim: Claim
    grade: Grade


class PlaceItem(BaseModel):
    article_id: str
    mention: PlaceMention


class RegionOut(BaseModel):
    """A first-level division and its representative point: its own GeoNames point when an
    import gave one, else the mean position of the settlements the gazetteer lists in it."""

    code: str
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    source: str | None = Field(None, description="geonames or settlements; null when no point is known")


class ConflictItem(BaseModel):
    article_ids: list[str]
    timeline: Timeline
    disagreements: list[Disagreement]


class Health(BaseModel):
    status: str
    version: str
    read_only: bool
    writes: bool = Field(description="whether the ingest endpoints accept a token")


class IngestOutcome(BaseModel):
    kind: str = Field(description="stored, near_copy, new_report, duplicate or rejected")
    source: str
    article_id: str | None = None
    original_id: str | None = None
    error: ErrorDetail | None = None


class IngestResult(BaseModel):
    counts: dict[str, int]
    outcomes: list[IngestOutcome]


class AuditItem(BaseModel):
    correction: Correction
    applies: bool = Field(description="whether its evidence is still found; false: an orphan, kept and listed")


# --- request bodies -----------------------------------------------------------------------

class _Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2000, description="where the document was published")
    outlet: str | None = Field(None, max_length=200)
    published: str | None = Field(None, description="YYYY-MM-DD or an ISO date-time; never guessed")
    title: str | None = Field(None, max_length=1000)
    language: str | None = Field(None, max_length=16)

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            if len(value) == 10:
                dt.date.fromisoformat(value)
            else:
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not a YYYY-MM-DD date or an ISO date-time") from None
        return value


class TextIn(_Metadata):
    text: str = Field(min_length=1, description="the article as plain text")


class HtmlIn(_Metadata):
    html: str = Field(min_length=1, description="the article's HTML page (its main text is extracted)")


class CorrectionIn(BaseModel):
    """A correction, as `fogofwar correct` takes it; its author is the token's name."""

    model_config = ConfigDict(extra="forbid")

    target: Literal["claim", "event", "place", "merge", "split"]
    id: str = Field(min_length=1, max_length=200, description="the claim, event (or ledger event) or place mention")
    other: str | None = Field(None, max_length=200, description="merge, split: the second event")
    field: str | None = Field(None, max_length=100, description="claim: claimant, side, quantity[@START-END], "
                              "assessed; event: type, actor1, actor2, place, date, flags; place: place")
    value: str | None = Field(None, max_length=2000, description="the new value, as `fogofwar correct --value`")
    reason: str = Field(min_length=1, max_length=2000)


class UrlIn(_Metadata):
    url: str = Field(max_length=2000, description="an http(s) address of an article or an RSS/Atom feed")

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("only http:// and https:// addresses are fetched")
        return value


# --- the app's shared state -----------------------------------------------------------------

class _Context:
    """What requests share: one store, the pipeline's resources (the spaCy model and the
    gazetteer, loaded when first needed) and a lock that runs one ingest at a time."""

    def __init__(self, settings: Settings, *, tokens: list[ApiToken], read_only: bool) -> None:
        from .pipeline import Resources

        self.settings = settings
        self.tokens = tokens
        self.read_only = read_only
        self.resources = Resources(settings)
        self.ingest_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._gazetteer_lock = threading.Lock()  # its first use may build the cache (once per installation)
        self._store: Any = None

    @property
    def store(self) -> Any:
        with self._open_lock:
            if self._store is None:
                from .store import open_store

                self._store = open_store(self.settings.db)
        return self._store

    def gazetteer(self) -> Any:
        with self._gazetteer_lock:
            return self.resources.gazetteer

    def close(self) -> None:
        with self._open_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def check_write(self, method: str, path: str, authorization: str | None) -> ApiToken:
        """The token of a write, or the coded error that refuses it."""
        if self.read_only:
            raise ConfigError("E406", method=method, path=path)
        token = self.check_read(method, path, authorization)
        if not token.write:
            raise ConfigError("E411", name=token.name, method=method, path=path)
        return token

    def check_read(self, method: str, path: str, authorization: str | None) -> ApiToken:
        """The token of a token-protected read, or the coded error that refuses it."""
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ConfigError("E405", detail=f"{method} {path} needs a bearer token and none was sent")
        token = find_token(self.tokens, given.strip())
        if token is None:
            raise ConfigError("E405", detail="the token sent is not this server's")
        return token


def _ctx(request: Request) -> _Context:
    return request.app.state.fogofwar


# --- errors as JSON ------------------------------------------------------------------------

def error_body(code: str, **params: Any) -> dict[str, Any]:
    """The JSON body of a coded error."""
    name, template, hint = MESSAGES[code]
    try:
        text = template.format(**params)
    except (KeyError, IndexError, ValueError):
        text = template
    return {"error": {"code": code, "name": name, "message": text, "hint": hint}}


def _error_response(code: str, status: int, **params: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(code, **params), status_code=status, headers=headers)


async def _on_coded(_request: Request, exc: FogofwarError) -> JSONResponse:
    return _error_response(exc.code, _STATUS.get(exc.code, 500), **exc.params)


async def _on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems, status = [], 422
    for err in exc.errors():
        where = ".".join(str(part) for part in err.get("loc", ()))
        if err.get("type") == "json_invalid":
            status = 400
            problems.append(f"the body is not valid JSON ({(err.get('ctx') or {}).get('error', 'invalid')})")
        else:
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return _error_response("E404", status, detail="; ".join(problems) or "the request is not valid")


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code in (404, 405):
        return _error_response("E407", exc.status_code, method=request.method, path=request.url.path)
    return _error_response("E404", exc.status_code, detail=str(exc.detail))


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    return _error_response("E408", 500, method=request.method, path=request.url.path,
                           detail=type(exc).__name__)


class _WriteGuard:
    """ASGI middleware for write requests: refuses them in read-only mode or without the
    token, then reads the body only up to the size limit (413 beyond it, by the declared
    length or as it streams in), before any endpoint sees it."""

    def __init__(self, app: Any, *, context: _Context) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["path"].startswith(WRITE_PATHS):
            try:
                self.context.check_write(scope["method"], scope["path"], headers.get("authorization"))
            except FogofwarError as exc:
                await _error_response(exc.code, _STATUS[exc.code], **exc.params)(scope, receive, send)
                return
        limit = self.context.settings.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, declared, limit)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, receive, send, f"more than {limit}", limit)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    @staticmethod
    async def _too_large(scope: dict[str, Any], receive: Any, send: Any, size: str, limit: int) -> None:
        await _error_response("E204", 413, size=size, limit=limit)(scope, receive, send)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


# --- filters and pages ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Paging:
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Dates:
    since: str | None
    until: str | None

    def overlap(self, start: str | None, end: str | None) -> bool:
        """Whether a date or range meets [since, until]; an unknown date meets no range."""
        if self.since is None and self.until is None:
            return True
        if not start:
            return False
        first, last = start[:10], (end or start)[:10]
        return (self.since is None or last >= self.since) and (self.until is None or first <= self.until)


def _paging(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
            offset: Annotated[int, Query(ge=0, description="items to skip")] = 0) -> _Paging:
    return _Paging(limit, offset)


def _dates(since: Annotated[dt.date | None, Query(description="on or after this day, YYYY-MM-DD")] = None,
           until: Annotated[dt.date | None, Query(description="on or before this day, YYYY-MM-DD")] = None
           ) -> _Dates:
    if since and until and since > until:
        raise ConfigError("E404", detail=f"since {since} is after until {until}")
    return _Dates(since.isoformat() if since else None, until.isoformat() if until else None)


def _regions(request: Request, place: Annotated[str | None, Query(
        description="a region: an ISO 3166-2 code (RU-KRS), a country code (UA) or a name (Kursk Oblast)")] = None
             ) -> set[str] | None:
    if not place:
        return None
    regions = link.regions_named(place, None) or link.regions_named(place, _ctx(request).gazetteer())
    if not regions:
        raise ConfigError("E404", detail=f"no region is named {place!r}; give an ISO 3166-2 code such as RU-KRS")
    return regions


def _in_regions(region: str | None, regions: set[str] | None) -> bool:
    if regions is None:
        return True
    return region is not None and any(region == r or (len(r) == 2 and region.startswith(r + "-")) for r in regions)


def _article_id(ctx: _Context, prefix: str | None) -> str | None:
    return ctx.store.article(prefix).id if prefix else None


def _page(request: Request, items: Iterable[Any], paging: _Paging,
          finish: Callable[[Any], Any] | None = None, *, total: int | None = None) -> Page[Any]:
    """Count every matching item and keep only the requested page (memory stays one page);
    ``finish`` turns a kept item into what is sent. With ``total``, ``items`` is the page."""
    kept: list[Any] = []
    if total is None:
        total = 0
        for item in items:
            if paging.offset <= total < paging.offset + paging.limit:
                kept.append(item)
            total += 1
    else:
        kept = list(items)
    following = paging.offset + paging.limit
    next_url = str(request.url.include_query_params(offset=following, limit=paging.limit)) \
        if following < total else None
    return Page[Any](total=total, limit=paging.limit, offset=paging.offset, next=next_url,
                     items=[finish(item) for item in kept] if finish else kept)


Paging = Annotated[_Paging, Depends(_paging)]
Dates = Annotated[_Dates, Depends(_dates)]
Regions = Annotated[set[str] | None, Depends(_regions)]
ArticleFilter = Annotated[str | None, Query(description="only this article (its id or an id prefix)")]


def _area(bbox: Annotated[str | None, Query(
              description="only events placed in this box: W,S,E,N (west, south, east, north in degrees; "
                          "W > E crosses the antimeridian)")] = None,
          near: Annotated[str | None, Query(
              description="only events placed within km of this point: LAT,LON (nearest first)")] = None,
          km: Annotated[float | None, Query(description="the distance of near, in kilometres")] = None
          ) -> spatial.Area | None:
    return spatial.area(bbox=bbox, near=near, km=km, code="E404")


AreaFilter = Annotated[spatial.Area | None, Depends(_area)]


# --- read endpoints ----------------------------------------------------------------------------

def health(request: Request) -> Health:
    ctx = _ctx(request)
    ctx.store  # noqa: B018 - opening the store is the check
    return Health(status="ok", version=__version__, read_only=ctx.read_only,
                  writes=not ctx.read_only and any(t.write for t in ctx.tokens))


def _article_out(article: Any, *, text: bool) -> ArticleOut:
    fields = {name: getattr(article, name) for name in ArticleOut.model_fields if name != "text"}
    return ArticleOut(**fields, text=article.text if text else None)


def list_articles(request: Request, paging: Paging, dates: Dates,
                  outlet: Annotated[str | None, Query(description="only articles published by an outlet "
                                                                  "whose name contains this text")] = None,
                  text: Annotated[bool, Query(description="include each article's text")] = False
                  ) -> Page[ArticleItem]:
    store = _ctx(request).store

    def finish(row: Any) -> ArticleItem:
        return ArticleItem(article_id=row.article.id, article=_article_out(row.article, text=text),
                           reports=list(row.reports))

    if not outlet and dates.since is None and dates.until is None:  # the store pages it
        return _page(request, store.articles(limit=paging.limit, offset=paging.offset), paging, finish,
                     total=store.counts()["articles"])
    needle = (outlet or "").casefold()
    rows = (r for r in store.articles()
            if dates.overlap(r.article.published, None)
            and (not needle or any(needle in (rep.outlet or "").casefold() for rep in r.reports)))
    return _page(request, rows, paging, finish)


def get_article(request: Request, article_id: Annotated[str, Path(description="an article id or id prefix")]
                ) -> ArticleItem:
    store = _ctx(request).store
    article = store.article(article_id)
    return ArticleItem(article_id=article.id, article=_article_out(article, text=True),
                       reports=store.reports(article.canonical_id or article.id))


def _region_of(mention: PlaceMention | None) -> str | None:
    if mention is None or mention.place is None:
        return None
    return mention.place.admin1 or mention.place.country


def list_events(request: Request, paging: Paging, dates: Dates, regions: Regions, area: AreaFilter,
                event_type: Annotated[str | None, Query(alias="type", description="an ACLED event type")] = None,
                side: Annotated[Side | None, Query(description="only events with an actor of this side")] = None,
                article: ArticleFilter = None,
                flagged: Annotated[bool, Query(description="also flagged statements (vowed, denied, "
                                                           "hypothetical, historical)")] = False
                ) -> Page[LedgerEvent]:
    ctx = _ctx(request)
    if event_type is not None and event_type not in vocab.table("event_types"):
        known = ", ".join(vocab.table("event_types"))
        raise ConfigError("E404", detail=f"type {event_type!r} is not an ACLED event type ({known})")
    only = _article_id(ctx, article)

    def keep(e: LedgerEvent) -> bool:
        sides = {a.side for a in (e.actor1, e.actor2) if a}
        return ((event_type is None or e.event_type == event_type) and (side is None or side in sides)
                and (only is None or only in e.article_ids) and _in_regions(_region_of(e.place), regions)
                and dates.overlap(e.date.start, e.date.end))

    # an area keeps the events placed at a settlement or site in it (spatial.point_of)
    return _page(request, (e for e in link.events_in(ctx.store, area, flagged=flagged) if keep(e)), paging)


def get_event(request: Request, event_id: Annotated[str, Path(
        description="a ledger event's id, an id prefix, or the id of one of its reports")]) -> EventDetail:
    store = _ctx(request).store
    found = link.find_ledger_event(store, event_id)
    if found is None:
        raise StoreError("E306", event_id=event_id)
    ledger_event, reports = found
    meta = store.article_meta(list(ledger_event.article_ids))
    return EventDetail(event=ledger_event, reports=[
        EventReport(article_id=r.evidence.article_id, event=r,
                    published=meta.get(r.evidence.article_id, (None, None, ()))[0],
                    outlets=list(meta.get(r.evidence.article_id, (None, None, ()))[2])) for r in reports])


def _claims(store: Any, *, only: str | None, side: str | None, claimant: str | None, measure: str | None,
            regions: set[str] | None, dates: _Dates) -> Iterator[tuple[str, Claim]]:
    needle = (claimant or "").casefold()
    for aid, payload in store.records("claim", article_id=only):
        who = payload["claimant"]
        if side and who["side"] != side or needle and needle not in who["name"].casefold():
            continue
        claim = from_dict(Claim, payload)
        if measure and not any(q.measure == measure for q in claim.quantities):
            continue
        if regions is not None and not any(_in_regions(q.region, regions) for q in claim.quantities):
            continue
        if dates.overlap(claim.as_of.start, claim.as_of.end):
            yield aid, claim


def list_claims(request: Request, paging: Paging, dates: Dates, regions: Regions,
                side: Annotated[Side | None, Query(description="only claimants of this side")] = None,
                claimant: Annotated[str | None, Query(description="only claimants whose name contains this")] = None,
                measure: Annotated[str | None, Query(description="only claims with a figure on this measure, "
                                                                 "e.g. area_controlled_km2")] = None,
                article: ArticleFilter = None) -> Page[ClaimItem]:
    ctx = _ctx(request)
    found = _claims(ctx.store, only=_article_id(ctx, article), side=side, claimant=claimant, measure=measure,
                    regions=regions, dates=dates)
    # grades are read for the page only: each one looks up the claim's blocks
    return _page(request, found, paging, lambda item: ClaimItem(
        article_id=item[0], claim=item[1], grade=link.grade_of(ctx.store, item[1], ctx.settings)))


def list_places(request: Request, paging: Paging, regions: Regions, article: ArticleFilter = None,
                resolved: Annotated[bool | None, Query(description="only resolved (true) or unresolved "
                                                                   "(false) mentions")] = None
                ) -> Page[PlaceItem]:
    ctx = _ctx(request)

    def found() -> Iterator[PlaceItem]:
        for aid, payload in ctx.store.records("place_mention", article_id=_article_id(ctx, article)):
            mention = from_dict(PlaceMention, payload)
            if resolved is not None and (mention.place is not None) != resolved:
                continue
            if _in_regions(_region_of(mention), regions):
                yield PlaceItem(article_id=aid, mention=mention)

    return _page(request, found(), paging)


def list_conflicts(request: Request, paging: Paging, dates: Dates, regions: Regions,
                   measure: Annotated[str | None, Query(description="only this measure, e.g. area_controlled_km2")] = None,
                   disputed: Annotated[bool, Query(description="only measures with a disagreement")] = False,
                   article: ArticleFilter = None) -> Page[ConflictItem]:
    ctx = _ctx(request)
    only = _article_id(ctx, article)

    def found() -> Iterator[ConflictItem]:
        for line, disagreements in link.conflicts(ctx.store, measure=measure, regions=regions):
            if disputed and not any(d.status == "disputed" for d in disagreements):
                continue
            ids = sorted({v.article_id for v in line.values})
            if only is not None and only not in ids:
                continue
            if any(dates.overlap(v.as_of.start, v.as_of.end) for v in line.values):
                yield ConflictItem(article_ids=ids, timeline=line, disagreements=disagreements)

    return _page(request, found(), paging)


def list_regions(request: Request, code: Annotated[list[str], Query(
        description="ISO 3166-2 codes, e.g. RU-KRS (repeat the parameter for several)")] = ()) -> list[RegionOut]:
    """Where the page draws a region-level event: the region's representative point."""
    gazetteer = _ctx(request).gazetteer()
    out = []
    for iso in dict.fromkeys(c.strip().upper() for c in code[:200] if c.strip()):
        division, point = gazetteer.division(iso), gazetteer.centroid(iso)
        out.append(RegionOut(code=iso, name=division.name if division else None,
                             latitude=point[0] if point else None, longitude=point[1] if point else None,
                             source=point[2] if point else None))
    return out


# --- write endpoints ---------------------------------------------------------------------------

_BEARER = HTTPBearer(auto_error=False, description="the token `fogofwar serve` printed, --token or FOGOFWAR_TOKEN")


def _may_write(request: Request,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> ApiToken:
    """Checked again here (the middleware checked first), so that the rule holds for any
    route added later and OpenAPI shows the endpoint as protected."""
    header = f"Bearer {credentials.credentials}" if credentials else None
    return _ctx(request).check_write(request.method, request.url.path, header)


def _may_read(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> ApiToken:
    header = f"Bearer {credentials.credentials}" if credentials else None
    return _ctx(request).check_read(request.method, request.url.path, header)


def post_correction(request: Request, body: CorrectionIn,
                    token: Annotated[ApiToken, Depends(_may_write)]) -> Correction:
    """Record a correction by the token's user, apply it and relink what it touches."""
    from . import corrections

    ctx = _ctx(request)
    needs_places = body.target == "place" or body.field == "place"
    with ctx.ingest_lock:  # a correction relinks blocks, as an ingest does
        return corrections.correct(ctx.store, ctx.settings, target=body.target, record_id=body.id,
                                   other_id=body.other, field=body.field, value=body.value, by=token.name,
                                   reason=body.reason, gazetteer=ctx.gazetteer() if needs_places else None)


def get_audit(request: Request, paging: Paging, _token: Annotated[ApiToken, Depends(_may_read)],
              orphans: Annotated[bool, Query(description="only corrections whose evidence is gone")] = False
              ) -> Page[AuditItem]:
    from . import corrections

    entries = corrections.audit(_ctx(request).store, orphans_only=orphans)
    return _page(request, entries, paging, lambda e: AuditItem(correction=e.correction, applies=e.applies))


def _ingest(ctx: _Context, items: Iterable[Any]) -> IngestResult:
    from .pipeline import ingest_documents

    outcomes: list[Any] = []
    with ctx.ingest_lock:
        summary = ingest_documents(items, store=ctx.store, settings=ctx.settings, resources=ctx.resources,
                                   on_outcome=outcomes.append)
    return IngestResult(counts=dict(summary.counts), outcomes=[_outcome(o) for o in outcomes])


def _outcome(outcome: Any) -> IngestOutcome:
    error = None
    if outcome.reason:
        name, _template, hint = MESSAGES[outcome.reason]
        text = (outcome.detail or "").split("] ", 1)[-1].split(". Hint: ", 1)[0]
        error = ErrorDetail(code=outcome.reason, name=name, message=text, hint=hint)
    return IngestOutcome(kind=outcome.kind, source=outcome.source, article_id=outcome.article_id,
                         original_id=outcome.original_id, error=error)


def _raw(body: _Metadata, content: str, content_type: str, source: str) -> RawDocument:
    return RawDocument(source=body.url or source, content=content.encode("utf-8"), content_type=content_type,
                       url=body.url, outlet=body.outlet, published=body.published, title=body.title,
                       language=body.language)


def ingest_text(request: Request, body: TextIn) -> IngestResult:
    return _ingest(_ctx(request), [_raw(body, body.text, "text/plain", "api:text")])


def ingest_html(request: Request, body: HtmlIn) -> IngestResult:
    return _ingest(_ctx(request), [_raw(body, body.html, "text/html", "api:html")])


def ingest_url(request: Request, body: UrlIn) -> IngestResult:
    from .ingest import fetch_url

    ctx = _ctx(request)
    meta = {"outlet": body.outlet, "published": body.published, "title": body.title, "language": body.language}
    return _ingest(ctx, fetch_url(body.url, settings=ctx.settings, meta=meta))


# --- the app -----------------------------------------------------------------------------------

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "a bad parameter or body (E404), an ambiguous id prefix (E305)"),
        (404, "an unknown id (E304, E306) or endpoint (E407)"),
        (422, "a parameter or body field that is not valid (E404)"))}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS, 401: {"model": ErrorBody, "description": "no token, or not this server's (E405)"},
    403: {"model": ErrorBody, "description": "the server is read-only (E406), or the token may only read (E411)"},
    413: {"model": ErrorBody, "description": "the body is larger than the size limit (E204)"}}

_READS = (
    ("/health", health, "Whether the server is up and can open its store", "meta"),
    ("/articles", list_articles, "Stored articles with their reports", "articles"),
    ("/articles/{article_id}", get_article, "One article (by id or id prefix) with its text and reports", "articles"),
    ("/events", list_events, "Ledger events, merged across reports", "events"),
    ("/events/{event_id}", get_event, "One ledger event with every report merged into it", "events"),
    ("/claims", list_claims, "Attributed claims with their Admiralty-style grade", "claims"),
    ("/places", list_places, "Place mentions with their resolution", "places"),
    ("/conflicts", list_conflicts, "Claimed figures by measure: timelines, updates and disagreements", "conflicts"),
    ("/regions", list_regions, "First-level divisions with their representative points (centroids)", "places"),
)
_WRITES = (
    ("/ingest/text", ingest_text, "Ingest one plain-text article through the whole pipeline"),
    ("/ingest/html", ingest_html, "Ingest one HTML page through the whole pipeline"),
    ("/ingest/url", ingest_url, "Fetch an article or feed by URL and ingest it"),
)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        app.state.fogofwar.close()


def create_app(settings: Settings, *, token: str | None = None, read_only: bool = False,
               tokens: Iterable[ApiToken] = ()) -> FastAPI:
    """The API over the store that ``settings.db`` names. Ingest and correction endpoints
    need a write token: ``token`` (``NAME:SECRET``, or a secret alone for "admin") or one of
    ``tokens`` (:mod:`fogofwar.auth`), without which they refuse every request, and they
    always refuse in ``read_only`` mode; the audit log needs any token."""
    app = FastAPI(title="fogofwar", version=__version__, lifespan=_lifespan, docs_url=None, redoc_url=None,
                  description="War reporting as a verifiable ledger: every field tied to its evidence span. "
                              "Errors are JSON with a stable code: {\"error\": {\"code\", \"name\", "
                              "\"message\", \"hint\"}}.")
    users = [*([parse_token(token)] if token else []), *tokens]
    app.state.fogofwar = _Context(settings, tokens=users, read_only=read_only)
    for path, endpoint, summary, tag in _READS:
        app.add_api_route(path, endpoint, methods=["GET"], summary=summary, tags=[tag], responses=_ERRORS)
    for path, endpoint, summary in _WRITES:
        app.add_api_route(path, endpoint, methods=["POST"], summary=summary, tags=["ingest"],
                          responses=_WRITE_ERRORS, dependencies=[Depends(_may_write)])
    app.add_api_route("/corrections", post_correction, methods=["POST"], status_code=201, tags=["corrections"],
                      summary="Correct a claim, an event or a place mention, or merge or split events",
                      responses=_WRITE_ERRORS)
    app.add_api_route("/audit", get_audit, methods=["GET"], tags=["corrections"], responses=_WRITE_ERRORS,
                      summary="The corrections made, in order, each with whether its evidence is still found")
    app.add_exception_handler(FogofwarError, _on_coded)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_crash)
    app.add_middleware(_WriteGuard, context=app.state.fogofwar)
    webpage.mount(app)
    return app
