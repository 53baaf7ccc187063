"""The ledger store: the only module that writes SQL.

One SQLAlchemy Core layer serves SQLite (the embedded default) and PostgreSQL.
Every write is idempotent (unique keys, insert-or-ignore) and every document is
written in one transaction, so concurrent or interrupted ingests never duplicate
or half-store an article. The statements run for every article or link block are
built once, at the end of the module (it is past 800 lines for them: they belong with
the rest of the SQL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from . import records as rec
from .config import db_display
from .errors import RecordError, StoreError
from .migrations import MIGRATIONS, T

__all__ = ["Store", "open_store", "engine_url", "encode", "decode", "StoredRaw", "ArticleRow", "FeedState"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def engine_url(db: str) -> str:
    """A SQLAlchemy URL for a path, ``sqlite:///…`` or ``postgresql://…``."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if db.startswith("postgresql+psycopg://") or db.startswith("sqlite:///"):
        return db
    if "://" in db:
        raise StoreError("E302", url=db)
    return "sqlite:///" + str(Path(db).expanduser().resolve())


@dataclass(frozen=True, slots=True)
class StoredRaw:
    sha256: str
    content: bytes
    content_type: str | None
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """An article with its reports, as listed by the CLI and API."""

    article: rec.Article
    reports: tuple[rec.Report, ...]
    created_at: str


@dataclass(frozen=True, slots=True)
class FeedState:
    """What `fogofwar watch` keeps of one feed between polls (times are ISO UTC)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # in a row
    last_error: str | None = None
    last_polled: str | None = None
    next_poll: str | None = None
    items_seen: int = 0  # entries stored (or rejected) so far; read-only, counted from feed_items


def open_store(db: str) -> Store:
    store = Store(db)
    store.migrate()
    return store


class Store:
    def __init__(self, db: str) -> None:
        self.db = db
        url = engine_url(db)
        self.dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
        try:
            if self.dialect == "sqlite":
                self.engine = sa.create_engine(url, connect_args={"timeout": 60})
                sa.event.listen(self.engine, "connect", _sqlite_on_connect)
                sa.event.listen(self.engine, "begin", _sqlite_on_begin)
            else:
                self.engine = sa.create_engine(url, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError("E302", url=db_display(db)) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ---------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction; returns their names."""
        applied: list[str] = []
        for name, step in MIGRATIONS:
            try:
                with self._begin() as conn:
                    if self.dialect == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7245017)"))
                    T.migrations.create(conn, checkfirst=True)
                    done = conn.execute(
                        sa.select(T.migrations.c.name).where(T.migrations.c.name == name)
                    ).first()
                    if done:
                        continue
                    step(conn)
                    conn.execute(T.migrations.insert().values(name=name, applied_at=_now()))
                    applied.append(name)
            except StoreError:
                raise
            except sa.exc.OperationalError as exc:
                raise StoreError("E301", url=db_display(self.db), detail=_first_line(exc)) from exc
            except sa.exc.SQLAlchemyError as exc:
                raise StoreError("E303", name=name, detail=_first_line(exc)) from exc
        return applied

    def migrations(self) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(sa.select(T.migrations.c.name).order_by(T.migrations.c.name)).scalars())

    def _begin(self):  # noqa: ANN202 - a context manager of Connection
        try:
            return self.engine.begin()
        except sa.exc.OperationalError as exc:
            raise StoreError("E301", url=db_display(self.db), detail=_first_line(exc)) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A read-only transaction: on SQLite a deferred one, which in WAL mode neither takes
        nor waits for the write lock, so one process's reads never queue behind another's
        writes."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(fow_read=True)
                with conn.begin():
                    yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError("E301", url=db_display(self.db), detail=_first_line(exc)) from exc

    @contextlib.contextmanager
    def _reading(self, conn: sa.Connection | None) -> Iterator[sa.Connection]:
        """``conn`` (a transaction the caller holds, see :meth:`block_lock`), else a read."""
        if conn is not None:
            yield conn
        else:
            with self._read() as fresh:
                yield fresh

    @contextlib.contextmanager
    def _writing(self, conn: sa.Connection | None) -> Iterator[sa.Connection]:
        """``conn`` (a write transaction the caller holds), else a new write transaction."""
        if conn is not None:
            yield conn
        else:
            with self._begin() as fresh:
                yield fresh

    @contextlib.contextmanager
    def block_lock(self, block: str) -> Iterator[sa.Connection]:
        """One write transaction for reading a link block and replacing it, so that two
        processes linking the same block cannot interleave: the later one reads what the
        earlier wrote. SQLite's write lock is taken at BEGIN; PostgreSQL takes an advisory
        lock on the block's name. Pass the connection to the reads and the write."""
        with self._begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:block))"), {"block": block})
            yield conn

    def _insert_ignore(self, table: sa.Table) -> sa.Insert:
        return _ignoring(self.dialect, table)

    def _inserted(self, conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> bool:
        """Insert-or-ignore one row; True when it was new (RETURNING, as rowcount is
        not reliable for ON CONFLICT on every driver)."""
        return conn.execute(_insert_new(self.dialect, table), row).first() is not None

    # --- writes ------------------------------------------------------------

    def put_document(
        self,
        *,
        article: rec.Article,
        report: rec.Report,
        raw: StoredRaw | None,
        bands: Sequence[int] = (),
        outlet_lines: Sequence[str] = (),
    ) -> tuple[bool, bool]:
        """Store an article, its report, raw input and indexes in one transaction.

        Returns (article_was_new, report_was_new).
        """
        now = _now()
        with self._begin() as conn:
            new_article = self._inserted(conn, T.articles, {**_article_row(article), "created_at": now})
            new_report = self._inserted(conn, T.reports, {**rec.to_dict(report), "created_at": now})
            if raw is not None:
                conn.execute(self._insert_ignore(T.raw_documents), {
                    "sha256": raw.sha256, "content": zlib.compress(raw.content, 6),
                    "content_type": raw.content_type, "meta": json.dumps(raw.meta, sort_keys=True),
                    "created_at": now})
            if new_article and bands:
                conn.execute(self._insert_ignore(T.shingle_bands),
                             [{"band": b, "article_id": article.id} for b in sorted(set(bands))])
            if new_article and outlet_lines and report.outlet:
                conn.execute(self._insert_ignore(T.outlet_lines), [
                    {"outlet": report.outlet[:200], "line_hash": h, "article_id": article.id}
                    for h in sorted(set(outlet_lines))])
        return new_article, new_report

    def put_rejected(self, rejected: rec.Rejected) -> bool:
        with self._begin() as conn:
            return self._inserted(conn, T.rejected, {**rec.to_dict(rejected), "created_at": _now()})

    def replace_derived(self, article_id: str, stage: str,
                        records: Iterable[tuple[str, str, Any]], versions: rec.Versions) -> int:
        """Atomically replace one stage's records of one article: (record_id, kind, record)."""
        return self.replace_derived_many([(article_id, stage, records, versions)])

    def replace_derived_many(self, items: Iterable[tuple[str, str, Iterable[tuple[str, str, Any]], rec.Versions]],
                             *, encoded: bool = False) -> int:
        """:meth:`replace_derived` for several (article id, stage, records, versions) in one
        transaction (the Dask engine stores a worker's chunk of articles at once). With
        ``encoded``, each record is already its JSON (:func:`encode`, as a worker sends it)."""
        prepared = [(article_id, stage, [
            {"article_id": article_id, "stage": stage, "record_id": rid, "kind": kind,
             "payload": record if encoded else _payload(record)}
            for rid, kind, record in records], json.dumps(rec.to_dict(versions), sort_keys=True))
            for article_id, stage, records, versions in items]
        # an (article, stage) given twice keeps its last records, as if each replaced the one before
        latest = {(article_id, stage): (rows, versions) for article_id, stage, rows, versions in prepared}
        by_stage: dict[str, list[str]] = {}
        for article_id, stage in latest:
            by_stage.setdefault(stage, []).append(article_id)
        rows = [row for stage_rows, _v in latest.values() for row in stage_rows]
        # a batch's rows in a few statements (a delete per stage, one insert), not four per
        # article and stage: the statements cost more than the rows
        with self._begin() as conn:
            runs = [{"article_id": article_id, "stage": stage, "ran_at": _now(), "versions": versions}
                    for (article_id, stage), (_rows, versions) in latest.items()]
            for stage, article_ids in by_stage.items():
                for chunk in _chunks(article_ids):
                    for table in (T.derived, T.stage_runs):
                        conn.execute(_delete_runs(table), {"stage": stage, "ids": list(chunk)})
            if rows:
                conn.execute(T.derived.insert(), rows)
            if runs:
                conn.execute(T.stage_runs.insert(), runs)
        return sum(len(rows) for _a, _s, rows, _v in prepared)

    def replace_article(self, old_id: str, *, article: rec.Article, bands: Sequence[int],
                        outlet_lines: Sequence[str]) -> None:
        """Swap a re-cleaned article for its old version; reports and near copies follow it."""
        now = _now()
        with self._begin() as conn:
            old_outlets = conn.execute(sa.select(T.outlet_lines.c.outlet).where(
                T.outlet_lines.c.article_id == old_id).distinct()).scalars().all()
            for table in (T.shingle_bands, T.outlet_lines, T.derived, T.stage_runs):
                conn.execute(table.delete().where(table.c.article_id == old_id))
            conn.execute(T.articles.delete().where(T.articles.c.id == old_id))
            conn.execute(self._insert_ignore(T.articles).values(**_article_row(article), created_at=now))
            conn.execute(T.reports.update().where(T.reports.c.article_id == old_id)
                         .values(article_id=article.id))
            conn.execute(T.reports.update().where(T.reports.c.variant_id == old_id)
                         .values(variant_id=article.id))
            conn.execute(T.articles.update().where(T.articles.c.canonical_id == old_id)
                         .values(canonical_id=article.id))
            if bands:
                conn.execute(self._insert_ignore(T.shingle_bands),
                             [{"band": b, "article_id": article.id} for b in sorted(set(bands))])
            rows = [{"outlet": o, "line_hash": h, "article_id": article.id}
                    for o in old_outlets for h in sorted(set(outlet_lines))]
            if rows:
                conn.execute(self._insert_ignore(T.outlet_lines), rows)

    # --- reads ---------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self._read() as conn:
            return conn.execute(_select_article_id(), {"id": article_id}).first() is not None

    def article(self, article_id: str) -> rec.Article:
        """An article by id or unique id prefix (at least 4 characters)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(T.articles).where(
                T.articles.c.id.startswith(article_id, autoescape=True)).limit(2)).mappings().all()
        if len(article_id) < 4 or not rows:
            raise StoreError("E304", article_id=article_id)
        if len(rows) > 1:
            raise StoreError("E305", article_id=article_id)
        return _article_from_row(rows[0])

    def text(self, article_id: str) -> str:
        with self._read() as conn:
            value = conn.execute(sa.select(T.articles.c.text).where(T.articles.c.id == article_id)).scalar()
        if value is None:
            raise StoreError("E304", article_id=article_id)
        return value

    def articles(self, *, limit: int | None = None, offset: int = 0,
                 include_copies: bool = True) -> list[ArticleRow]:
        query = sa.select(T.articles).order_by(T.articles.c.created_at, T.articles.c.id)
        if not include_copies:
            query = query.where(T.articles.c.canonical_id.is_(None))
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            reports: dict[str, list[rec.Report]] = {i: [] for i in ids}
            if ids:
                for r in conn.execute(sa.select(T.reports).where(T.reports.c.article_id.in_(ids))
                                      .order_by(T.reports.c.created_at, T.reports.c.id)).mappings():
                    reports[r["article_id"]].append(_report_from_row(r))
        return [ArticleRow(_article_from_row(r), tuple(reports[r["id"]]), r["created_at"]) for r in rows]

    def article_ids(self, *, since: str | None = None, canonical_only: bool = False) -> list[str]:
        query = sa.select(T.articles.c.id).order_by(T.articles.c.created_at, T.articles.c.id)
        if since:
            query = query.where(T.articles.c.created_at >= since)
        if canonical_only:
            query = query.where(T.articles.c.canonical_id.is_(None))
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def unstaged_ids(self, stages: Sequence[str]) -> list[str]:
        """Articles that lack a run of any of ``stages`` (e.g. after a kill between
        storing an article and staging it)."""
        if not stages:
            return []
        runs = (sa.select(T.stage_runs.c.article_id, sa.func.count().label("n"))
                .where(T.stage_runs.c.stage.in_(list(stages))).group_by(T.stage_runs.c.article_id).subquery())
        query = (sa.select(T.articles.c.id).outerjoin(runs, runs.c.article_id == T.articles.c.id)
                 .where(sa.func.coalesce(runs.c.n, 0) < len(set(stages)))
                 .order_by(T.articles.c.created_at, T.articles.c.id))
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def reports(self, article_id: str) -> list[rec.Report]:
        with self._read() as conn:
            rows = conn.execute(sa.select(T.reports).where(T.reports.c.article_id == article_id)
                                .order_by(T.reports.c.created_at, T.reports.c.id)).mappings().all()
        return [_report_from_row(r) for r in rows]

    def raw_for(self, article_id: str) -> list[StoredRaw]:
        """The raw inputs whose cleaning gave this article."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(T.raw_documents).join(T.articles, T.articles.c.raw_sha256 == T.raw_documents.c.sha256)
                .where(T.articles.c.id == article_id)).mappings().all()
        return [StoredRaw(r["sha256"], zlib.decompress(r["content"]), r["content_type"],
                          json.loads(r["meta"] or "{}")) for r in rows]

    def rejected(self) -> list[rec.Rejected]:
        with self._read() as conn:
            rows = conn.execute(sa.select(T.rejected).order_by(T.rejected.c.created_at, T.rejected.c.id)).mappings()
            return [rec.from_dict(rec.Rejected, dict(r)) for r in rows]

    def near_copy_candidates(self, bands: Sequence[int], *, limit: int = 5,
                             min_hits: int = 2) -> list[tuple[str, int]]:
        """Stored canonical articles sharing at least ``min_hits`` LSH bands, most shared first."""
        if not bands:
            return []
        with self._read() as conn:
            return [(r[0], int(r[1])) for r in conn.execute(_select_near_copies(), {
                "bands": sorted(set(bands)), "min_hits": min_hits, "limit": limit})]

    def recurring_lines(self, outlet: str, line_hashes: Sequence[str], *, min_articles: int) -> set[str]:
        """Which of ``line_hashes`` recur in at least ``min_articles`` of the outlet's articles."""
        if not line_hashes:
            return set()
        query = (sa.select(T.outlet_lines.c.line_hash)
                 .where(T.outlet_lines.c.outlet == outlet[:200])
                 .where(T.outlet_lines.c.line_hash.in_(sorted(set(line_hashes))))
                 .group_by(T.outlet_lines.c.line_hash)
                 .having(sa.func.count() >= min_articles))
        with self._read() as conn:
            return set(conn.execute(query).scalars())

    def outlets_of(self, article_id: str) -> list[str]:
        with self._read() as conn:
            return sorted({o for o in conn.execute(_select_outlets(), {"id": article_id}).scalars() if o})

    def derived(self, article_id: str, stage: str, *,
                conn: sa.Connection | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        with self._reading(conn) as conn:
            rows = conn.execute(_select_derived(), {"article_id": article_id, "stage": stage}).all()
        for rid, kind, payload in rows:
            yield rid, kind, orjson.loads(payload)

    def records(self, kind: str, *, article_id: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every derived record of one kind (e.g. "claim"), as (article id, plain data), in
        article order."""
        query = (sa.select(T.derived.c.article_id, T.derived.c.payload)
                 .join(T.articles, T.articles.c.id == T.derived.c.article_id)
                 .where(T.derived.c.kind == kind)
                 .order_by(T.articles.c.created_at, T.derived.c.article_id, T.derived.c.record_id))
        if article_id is not None:
            query = query.where(T.derived.c.article_id == article_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        for aid, payload in rows:
            yield aid, orjson.loads(payload)

    # --- the link stage: records linked across articles, in blocks ----------------

    def link_blocks(self, article_ids: Sequence[str]) -> set[str]:
        """The blocks that hold records of these articles now."""
        out: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                out.update(conn.execute(sa.select(T.link_members.c.block).where(
                    T.link_members.c.article_id.in_(chunk)).distinct()).scalars())
        return out

    def replace_link_members(self, article_ids: Sequence[str], members: Iterable[tuple[str, str, str]]) -> None:
        """Replace the block memberships of these articles: (article_id, record_id, block)."""
        rows = [{"article_id": a, "record_id": r, "block": b} for a, r, b in sorted(set(members))]
        with self._begin() as conn:
            for chunk in _chunks(article_ids):
                conn.execute(T.link_members.delete().where(T.link_members.c.article_id.in_(chunk)))
            if rows:
                conn.execute(T.link_members.insert(), rows)

    def block_members(self, block: str, stage: str, *,
                      conn: sa.Connection | None = None) -> list[tuple[str, str, str]]:
        """The stored records of one block, as (article id, record id, JSON text: see
        :func:`decode`), in a fixed order. Left as text: the link stage compares the block
        read under its lock with the one read before, and has most records parsed already."""
        with self._reading(conn) as conn:
            return [tuple(row) for row in conn.execute(_select_block(), {"block": block, "stage": stage}).all()]

    def mark_stage(self, article_ids: Sequence[str], stage: str, versions: rec.Versions) -> None:
        """Record that a stage ran on these articles (the link stage, which writes no
        per-article records)."""
        now, stamp = _now(), json.dumps(rec.to_dict(versions), sort_keys=True)
        with self._begin() as conn:
            for chunk in _chunks(article_ids):
                conn.execute(T.stage_runs.delete().where(
                    T.stage_runs.c.article_id.in_(chunk) & (T.stage_runs.c.stage == stage)))
                conn.execute(T.stage_runs.insert(), [{"article_id": a, "stage": stage, "versions": stamp,
                                                      "ran_at": now} for a in chunk])

    def replace_block(self, block: str, records: Iterable[tuple[str, str, Any]], *,
                      points: Iterable[tuple[str, float, float, str]] = (),
                      conn: sa.Connection | None = None) -> None:
        """Atomically replace what the link stage derived for one block: (kind, id, record),
        and where its ledger events are: (event id, latitude, longitude, precision); in the
        transaction of :meth:`block_lock` when ``conn`` is given."""
        rows = [{"kind": kind, "id": rid, "block": block,
                 "payload": _payload(record)}
                for kind, rid, record in records]
        located = [{"id": rid, "block": block, "latitude": lat, "longitude": lon, "precision": precision}
                   for rid, lat, lon, precision in points]
        with self._writing(conn) as conn:
            conn.execute(_delete_block(T.ledger), {"block": block})
            # a record that moved here from another block (its report's region or type
            # changed, or an analyst merged it) leaves that one, recomputed in the same run
            for kind in sorted({r["kind"] for r in rows}):
                for chunk in _chunks([r["id"] for r in rows if r["kind"] == kind]):
                    conn.execute(_delete_ledger_ids(), {"kind": kind, "ids": list(chunk)})
            if rows:
                conn.execute(T.ledger.insert(), rows)
            conn.execute(_delete_block(T.event_points), {"block": block})
            for chunk in _chunks([r["id"] for r in located]):  # points that moved here, likewise
                conn.execute(_delete_point_ids(), {"ids": list(chunk)})
            if located:
                conn.execute(T.event_points.insert(), located)

    # --- spatial queries over the ledger events' points ---------------------------------

    def spatial(self) -> str:
        """How this database answers spatial queries, as its migration found it: "postgis"
        (GiST indexes) or "plain" (a B-tree on latitude and longitude)."""
        with self._read() as conn:
            return conn.execute(sa.select(T.features.c.value).where(T.features.c.name == "spatial")).scalar() or "plain"

    def located_events(self, boxes: Sequence[tuple[float, float, float, float]], *,
                       near: tuple[float, float, float] | None = None) -> list[tuple[dict[str, Any], float, float]]:
        """Ledger events with a point in any of ``boxes`` (west, south, east, north; west <= east;
        edges included), as (plain data, latitude, longitude) in ledger order. ``near``
        (latitude, longitude, metres) lets PostGIS find them by distance instead: a
        prefilter a little wider than that distance, which the caller measures exactly."""
        p = T.event_points.c
        postgis = self.dialect == "postgresql" and self.spatial() == "postgis"
        if postgis and near is not None:
            lat, lon, metres = near
            centre = sa.func.geography(sa.func.ST_SetSRID(sa.func.ST_MakePoint(lon, lat), 4326))
            where = sa.func.ST_DWithin(sa.literal_column("event_points.geog"), centre,
                                       metres * (1 + 1e-6) + 1.0, False)
        else:
            where = sa.or_(*(sa.and_(
                *([sa.literal_column("event_points.geom").op("&&")(sa.func.ST_MakeEnvelope(w, s, e, n, 4326))]
                  if postgis else []),
                p.latitude.between(s, n), p.longitude.between(w, e)) for w, s, e, n in boxes))
        rows = []
        with self._read() as conn:
            # the points first, through the spatial index; then their records, by key (in one
            # join, SQLite would rather scan every ledger event)
            points = {rid: (lat, lon) for rid, lat, lon in conn.execute(
                sa.select(p.id, p.latitude, p.longitude).where(where)).all()}
            for chunk in _chunks(sorted(points)):
                rows.extend(conn.execute(sa.select(T.ledger.c.block, T.ledger.c.id, T.ledger.c.payload).where(
                    (T.ledger.c.kind == "ledger_event") & T.ledger.c.id.in_(chunk))).all())
        # sorted here, not by the database, whose collation may order the blocks otherwise
        return [(orjson.loads(payload), *points[rid]) for _b, rid, payload in sorted(rows, key=lambda r: r[:2])]

    def ledger(self, kind: str, *, block_prefix: str | None = None) -> Iterator[dict[str, Any]]:
        """Every link record of one kind ("ledger_event", "disagreement", "timeline", "grade")."""
        query = sa.select(T.ledger.c.payload).where(T.ledger.c.kind == kind).order_by(T.ledger.c.block, T.ledger.c.id)
        if block_prefix is not None:
            query = query.where(T.ledger.c.block.startswith(block_prefix, autoescape=True))
        with self._read() as conn:
            rows = conn.execute(query).scalars().all()
        for payload in rows:
            yield orjson.loads(payload)

    def ledger_grades(self, claim_id: str) -> list[dict[str, Any]]:
        """The grades one claim received in the blocks it is part of."""
        with self._read() as conn:
            rows = conn.execute(sa.select(T.ledger.c.payload).where(
                (T.ledger.c.kind == "grade") & T.ledger.c.id.startswith(f"{claim_id}:", autoescape=True))
                .order_by(T.ledger.c.id)).scalars().all()
        return [orjson.loads(p) for p in rows]

    def ledger_record(self, kind: str, record_id: str) -> dict[str, Any] | None:
        with self._read() as conn:
            payload = conn.execute(sa.select(T.ledger.c.payload).where(
                (T.ledger.c.kind == kind) & (T.ledger.c.id == record_id))).scalar()
        return None if payload is None else orjson.loads(payload)

    # --- analyst corrections: the audit log (append-only) and the records they change ---

    def add_correction(self, correction: rec.Correction) -> None:
        """Append one correction to the audit log; nothing updates or deletes it."""
        other = correction.other.article_id if correction.other is not None else None
        with self._begin() as conn:
            conn.execute(T.corrections.insert().values(
                id=correction.id, made_at=correction.at, author=correction.by[:200], target=correction.target,
                article_id=correction.anchor.article_id, other_article_id=other,
                payload=_payload(correction)))

    def corrections(self, *, article_id: str | None = None) -> list[rec.Correction]:
        """The audit log in the order the corrections were made; with ``article_id``, those
        anchored in that article."""
        with self._read() as conn:
            query = _select_corrections(of_article=article_id is not None)
            rows = conn.execute(query, {"id": article_id} if article_id is not None else {}).scalars().all()
        return [rec.from_dict(rec.Correction, orjson.loads(p)) for p in rows]

    def find_derived(self, kind: str, record_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Derived records of one kind by id, or by an id prefix of at least 4 characters
        when no id is equal: (article id, record id, plain data), at most two."""
        base = sa.select(T.derived.c.article_id, T.derived.c.record_id, T.derived.c.payload).where(
            T.derived.c.kind == kind).order_by(T.derived.c.article_id, T.derived.c.record_id).limit(2)
        with self._read() as conn:
            rows = conn.execute(base.where(T.derived.c.record_id == record_id)).all()
            if not rows and len(record_id) >= 4:
                rows = conn.execute(base.where(T.derived.c.record_id.startswith(record_id, autoescape=True))).all()
        return [(aid, rid, orjson.loads(payload)) for aid, rid, payload in rows]

    def update_derived(self, article_id: str, stage: str, records: Iterable[tuple[str, str, Any]]) -> None:
        """Rewrite some of one stage's records of one article in place (an analyst's
        correction): the stage's run and its other records are kept."""
        with self._begin() as conn:
            for rid, _kind, record in records:
                conn.execute(T.derived.update().where(
                    (T.derived.c.article_id == article_id) & (T.derived.c.stage == stage)
                    & (T.derived.c.record_id == rid)).values(
                    payload=_payload(record)))

    def article_meta(self, article_ids: Sequence[str], *, conn: sa.Connection | None = None
                     ) -> dict[str, tuple[str | None, str | None, tuple[str, ...]]]:
        """(published, canonical id, outlets) of each article, in one read."""
        out: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {}
        outlets: dict[str, set[str]] = {}
        with self._reading(conn) as conn:
            for chunk in _chunks(sorted(set(article_ids))):
                for aid, published, canonical in conn.execute(sa.select(
                        T.articles.c.id, T.articles.c.published, T.articles.c.canonical_id)
                        .where(T.articles.c.id.in_(chunk))).all():
                    out[aid] = (published, canonical, ())
                for aid, vid, outlet in conn.execute(sa.select(
                        T.reports.c.article_id, T.reports.c.variant_id, T.reports.c.outlet).where(
                        T.reports.c.article_id.in_(chunk) | T.reports.c.variant_id.in_(chunk))).all():
                    for key in (aid, vid):
                        if outlet and key in out:
                            outlets.setdefault(key, set()).add(outlet)
        return {k: (p, c, tuple(sorted(outlets.get(k, ())))) for k, (p, c, _o) in out.items()}

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._read() as conn:
            for name, table in (("articles", T.articles), ("reports", T.reports),
                                ("rejected", T.rejected), ("raw_documents", T.raw_documents)):
                out[name] = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
            out["near_copies"] = int(conn.execute(sa.select(sa.func.count()).select_from(T.articles)
                                                  .where(T.articles.c.canonical_id.is_not(None))).scalar() or 0)
        return out

    # --- feed watching: each feed's state, and which of its entries were taken ---------

    def feed_state(self, url: str) -> FeedState:
        """The stored state of a feed (a fresh one for a feed never polled)."""
        with self._read() as conn:
            row = conn.execute(sa.select(T.feeds).where(T.feeds.c.url == url)).mappings().first()
            seen = conn.execute(sa.select(sa.func.count()).select_from(T.feed_items).where(
                (T.feed_items.c.feed_url == url) & T.feed_items.c.outcome.is_not(None))).scalar()
        if row is None:
            return FeedState(url=url, items_seen=int(seen or 0))
        return FeedState(**{k: row[k] for k in row.keys()}, items_seen=int(seen or 0))

    def put_feed_state(self, state: FeedState) -> None:
        row = {k: getattr(state, k) for k in ("url", "etag", "last_modified", "failures", "last_error",
                                              "last_polled", "next_poll")}
        stmt = (postgresql if self.dialect == "postgresql" else sqlite).insert(T.feeds).values(**row)
        with self._begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=[T.feeds.c.url],
                                                    set_={k: v for k, v in row.items() if k != "url"}))

    def feed_items(self, url: str, keys: Sequence[str]) -> dict[str, str | None]:
        """Which of these entry keys were taken from the feed: key -> outcome (None: taken
        but not known to be stored, as when a poll was killed)."""
        out: dict[str, str | None] = {}
        with self._read() as conn:
            for chunk in _chunks(sorted(set(keys))):
                out.update(conn.execute(sa.select(T.feed_items.c.item_key, T.feed_items.c.outcome).where(
                    (T.feed_items.c.feed_url == url) & T.feed_items.c.item_key.in_(chunk))).all())
        return out

    def take_feed_item(self, url: str, key: str, link: str | None) -> None:
        """Record that an entry is being fetched, before it is (see :meth:`feed_items`)."""
        with self._begin() as conn:
            conn.execute(self._insert_ignore(T.feed_items).values(
                feed_url=url, item_key=key, link=link, outcome=None, seen_at=_now()))

    def finish_feed_item(self, url: str, key: str, *, outcome: str, article_id: str | None) -> None:
        with self._begin() as conn:
            conn.execute(T.feed_items.update().where(
                (T.feed_items.c.feed_url == url) & (T.feed_items.c.item_key == key))
                .values(outcome=outcome, article_id=article_id, seen_at=_now()))

    def report_for_url(self, url: str) -> str | None:
        """The article id of a stored report of this URL, if any."""
        with self._read() as conn:
            return conn.execute(sa.select(T.reports.c.article_id).where(T.reports.c.url == url)
                                .order_by(T.reports.c.created_at).limit(1)).scalar()


# --- row mapping -------------------------------------------------------------

def encode(record: Any) -> str:
    """A record as the store keeps it (JSON), for :meth:`Store.replace_derived_many`'s
    ``encoded`` rows: a Dask worker encodes its records itself, which spares the
    coordinator both the encoding and the unpickling of the records."""
    return _payload(record)


def decode(text: str) -> dict[str, Any]:
    """A stored record's JSON as plain data (for :meth:`Store.block_members`' rows)."""
    return orjson.loads(text)


def _payload(record: Any) -> str:
    """A record as its stored JSON (keys sorted, UTF-8 as is): what ``rec.to_dict`` and
    ``json.dumps`` give, written by orjson, which reads dataclasses directly and is several
    times faster on the hundreds of records an article yields."""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError as exc:
        raise RecordError("E107") from exc


def _article_row(article: rec.Article) -> dict[str, Any]:
    row = rec.to_dict(article)
    row["versions"] = json.dumps(row["versions"], sort_keys=True) if row["versions"] else None
    return row


def _article_from_row(row: Any) -> rec.Article:
    data = {k: row[k] for k in row.keys() if k != "created_at"}
    data["versions"] = json.loads(data["versions"]) if data.get("versions") else None
    return rec.from_dict(rec.Article, data)


def _report_from_row(row: Any) -> rec.Report:
    return rec.from_dict(rec.Report, {k: row[k] for k in row.keys() if k != "created_at"})


# Statements run for every article or link block, built once: building a statement and
# its cache key costs more than SQLite takes to run it. Values are bound per execution.

@functools.cache
def _delete_runs(table: sa.Table) -> sa.Delete:
    """One stage's rows of some articles (``stage``, ``ids``)."""
    return table.delete().where((table.c.stage == sa.bindparam("stage"))
                                & table.c.article_id.in_(sa.bindparam("ids", expanding=True)))


@functools.cache
def _ignoring(dialect: str, table: sa.Table) -> sa.Insert:
    """Insert-or-ignore (the rows' values bound when it runs)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()


@functools.cache
def _insert_new(dialect: str, table: sa.Table) -> sa.Insert:
    """Insert-or-ignore one row, returning its key when it was new."""
    return _ignoring(dialect, table).returning(list(table.primary_key.columns)[0])


@functools.cache
def _select_near_copies() -> sa.Select:
    """Canonical articles by the LSH ``bands`` they share, at least ``min_hits``, most first."""
    b, hits = T.shingle_bands.c, sa.func.count().label("hits")
    return (sa.select(b.article_id, hits).join(T.articles, T.articles.c.id == b.article_id)
            .where(b.band.in_(sa.bindparam("bands", expanding=True)) & T.articles.c.canonical_id.is_(None))
            .group_by(b.article_id).having(sa.func.count() >= sa.bindparam("min_hits"))
            .order_by(hits.desc(), b.article_id).limit(sa.bindparam("limit")))


@functools.cache
def _select_article_id() -> sa.Select:
    return sa.select(T.articles.c.id).where(T.articles.c.id == sa.bindparam("id"))


@functools.cache
def _select_outlets() -> sa.Select:
    """The outlets of an article's reports, and of the reports that are variants of it (``id``)."""
    r = T.reports.c
    return sa.select(r.outlet).where((r.article_id == sa.bindparam("id")) | (r.variant_id == sa.bindparam("id")))


@functools.cache
def _select_corrections(*, of_article: bool) -> sa.Select:
    """The audit log in order; ``of_article``: the corrections anchored in one article (``id``)."""
    c = T.corrections.c
    query = sa.select(c.payload).order_by(c.made_at, c.id)
    return query.where((c.article_id == sa.bindparam("id")) | (c.other_article_id == sa.bindparam("id"))) \
        if of_article else query


@functools.cache
def _select_derived() -> sa.Select:
    """One stage's records of one article (``article_id``, ``stage``)."""
    d = T.derived.c
    return sa.select(d.record_id, d.kind, d.payload).where(
        (d.article_id == sa.bindparam("article_id")) & (d.stage == sa.bindparam("stage"))).order_by(d.record_id)


@functools.cache
def _select_block() -> sa.Select:
    """One link block's records of one stage (``block``, ``stage``)."""
    d, m = T.derived.c, T.link_members.c
    return (sa.select(d.article_id, d.record_id, d.payload)
            .join(T.link_members, (m.article_id == d.article_id) & (m.record_id == d.record_id))
            .where((m.block == sa.bindparam("block")) & (d.stage == sa.bindparam("stage")))
            .order_by(d.article_id, d.record_id))


@functools.cache
def _delete_block(table: sa.Table) -> sa.Delete:
    return table.delete().where(table.c.block == sa.bindparam("block"))


@functools.cache
def _delete_ledger_ids() -> sa.Delete:
    return T.ledger.delete().where((T.ledger.c.kind == sa.bindparam("kind"))
                                   & T.ledger.c.id.in_(sa.bindparam("ids", expanding=True)))


@functools.cache
def _delete_point_ids() -> sa.Delete:
    return T.event_points.delete().where(T.event_points.c.id.in_(sa.bindparam("ids", expanding=True)))


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]


# SQLite: let SQLAlchemy own transactions (so DDL is transactional too) and take the
# write lock at BEGIN, so that two ingest processes queue instead of deadlocking.
def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("fow_read") else "BEGIN IMMEDIATE")
