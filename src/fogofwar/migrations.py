"""Named, recorded, transactional migrations shared by SQLite and PostgreSQL.

Each migration is a function over a SQLAlchemy connection, applied once inside
its own transaction and recorded in ``fogofwar_migrations``. Add new ones at the
end of ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa

__all__ = ["metadata", "MIGRATIONS", "T"]

metadata = sa.MetaData()


class T:
    """The tables, as SQLAlchemy Core objects (the store is the only user)."""

    migrations = sa.Table(
        "fogofwar_migrations", metadata,
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("applied_at", sa.String(40), nullable=False),
    )
    articles = sa.Table(
        "articles", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("language", sa.String(16)),
        sa.Column("language_score", sa.Float),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("canonical_id", sa.String(64), index=True),
        sa.Column("similarity", sa.Float),
        sa.Column("raw_sha256", sa.String(64)),
        sa.Column("versions", sa.Text),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    reports = sa.Table(
        "reports", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.String(64), nullable=False, index=True),
        sa.Column("variant_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("title", sa.Text),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    raw_documents = sa.Table(
        "raw_documents", metadata,
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),  # zlib-compressed
        sa.Column("content_type", sa.String(40)),
        sa.Column("meta", sa.Text),  # JSON: url, outlet, published, language, title
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    rejected = sa.Table(
        "rejected", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(8), nullable=False, index=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("raw_sha256", sa.String(64)),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    shingle_bands = sa.Table(
        "shingle_bands", metadata,
        sa.Column("band", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.String(64), primary_key=True),
    )
    outlet_lines = sa.Table(
        "outlet_lines", metadata,
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("line_hash", sa.String(32), primary_key=True),
        sa.Column("article_id", sa.String(64), primary_key=True),
    )
    derived = sa.Table(
        "derived_records", metadata,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("stage", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False, index=True),
        sa.Column("payload", sa.Text, nullable=False),  # records.to_dict as JSON
    )
    stage_runs = sa.Table(
        "stage_runs", metadata,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("stage", sa.String(40), primary_key=True),
        sa.Column("versions", sa.Text, nullable=False),
        sa.Column("ran_at", sa.String(40), nullable=False),
    )
    link_members = sa.Table(  # which per-article records each link block holds
        "link_members", metadata,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("block", sa.String(300), primary_key=True),
        sa.Index("ix_link_members_block", "block"),
    )
    ledger = sa.Table(  # what the link stage derived across articles, per block
        "ledger", metadata,
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("block", sa.String(300), nullable=False, index=True),
        sa.Column("payload", sa.Text, nullable=False),
    )
    feeds = sa.Table(  # what `fogofwar watch` knows of each feed between polls
        "feeds", metadata,
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, default=0),  # in a row; 0 after a success
        sa.Column("last_error", sa.Text),
        sa.Column("last_polled", sa.String(40)),
        sa.Column("next_poll", sa.String(40)),  # ISO UTC; backoff pushes it later
    )
    feed_items = sa.Table(  # the entries of a feed taken so far; outcome NULL: taken, not yet stored
        "feed_items", metadata,
        sa.Column("feed_url", sa.String(2000), primary_key=True),
        sa.Column("item_key", sa.String(64), primary_key=True),  # sha256 of the entry's id or link
        sa.Column("link", sa.Text),
        sa.Column("outcome", sa.String(20)),
        sa.Column("article_id", sa.String(64)),
        sa.Column("seen_at", sa.String(40), nullable=False),
    )
    corrections = sa.Table(  # the analysts' audit log: rows are only ever added
        "corrections", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("made_at", sa.String(40), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("article_id", sa.String(64), nullable=False, index=True),  # of the anchor
        sa.Column("other_article_id", sa.String(64), index=True),  # of a merge's or split's second event
        sa.Column("payload", sa.Text, nullable=False),  # records.Correction as JSON
    )
    event_points = sa.Table(  # where ledger events are (spatial.point_of), per link block
        "event_points", metadata,
        sa.Column("id", sa.String(64), primary_key=True),  # the ledger event's
        sa.Column("block", sa.String(300), nullable=False, index=True),
        sa.Column("latitude", sa.Float(53), nullable=False),
        sa.Column("longitude", sa.Float(53), nullable=False),
        sa.Column("precision", sa.String(16), nullable=False),
    )
    features = sa.Table(  # what this database can do, as its migrations found it (e.g. spatial)
        "fogofwar_features", metadata,
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text),
    )


def _m001_ledger(conn: sa.Connection) -> None:
    # T describes the schema as of this migration. A later migration that changes a
    # table must first freeze this function's table definitions in a copy of its own,
    # so that a fresh database replays history instead of jumping to the end.
    for table in (T.articles, T.reports, T.raw_documents, T.rejected, T.shingle_bands,
                  T.outlet_lines, T.derived, T.stage_runs):
        table.create(conn)


def _m002_link(conn: sa.Connection) -> None:
    T.link_members.create(conn)
    T.ledger.create(conn)


def _m003_feeds(conn: sa.Connection) -> None:
    T.feeds.create(conn)
    T.feed_items.create(conn)


def _m004_corrections(conn: sa.Connection) -> None:
    T.corrections.create(conn)


def _postgis(conn: sa.Connection) -> str | None:
    """Give event_points PostGIS columns and GiST indexes: None when done, else why not
    (PostGIS not installed, or no right to create the extension)."""
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
            # geometry for boxes in degrees, geography for distances in metres; both follow
            # latitude and longitude, which stay the columns every engine reads and writes
            conn.execute(sa.text(
                "ALTER TABLE event_points"
                " ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS"
                " (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,"
                " ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS"
                " (geography(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326))) STORED"))
            conn.execute(sa.text("CREATE INDEX ix_event_points_geom ON event_points USING gist (geom)"))
            conn.execute(sa.text("CREATE INDEX ix_event_points_geog ON event_points USING gist (geog)"))
    except sa.exc.DBAPIError as exc:
        return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
    return None


def _m005_event_points(conn: sa.Connection) -> None:
    from . import spatial
    from .records import LedgerEvent, from_dict

    T.event_points.create(conn)
    T.features.create(conn)
    value, detail = "plain", "SQLite"
    if conn.dialect.name == "postgresql":
        why_not = _postgis(conn)
        if why_not is None:
            value, detail = "postgis", conn.execute(sa.text("SELECT 'PostGIS ' || postgis_lib_version()")).scalar()
        else:
            detail = f"PostgreSQL without PostGIS: {why_not}"
    if value == "plain":
        conn.execute(sa.text("CREATE INDEX ix_event_points_lat_lon ON event_points (latitude, longitude)"))
    conn.execute(T.features.insert().values(name="spatial", value=value, detail=detail))
    # the ledger events linked before this migration get their points now
    rows = conn.execute(sa.select(T.ledger.c.block, T.ledger.c.payload).where(T.ledger.c.kind == "ledger_event"))
    points = [(block, spatial.point_of(from_dict(LedgerEvent, json.loads(payload)))) for block, payload in rows]
    found = [{"id": p.event_id, "block": block, "latitude": p.latitude, "longitude": p.longitude,
              "precision": p.precision} for block, p in points if p is not None]
    if found:
        conn.execute(T.event_points.insert(), found)


MIGRATIONS: list[tuple[str, Callable[[sa.Connection], None]]] = [
    ("001_ledger", _m001_ledger),
    ("002_link", _m002_link),
    ("003_feeds", _m003_feeds),
    ("004_corrections", _m004_corrections),  # 003 is feed watching's
    ("005_event_points", _m005_event_points),
]
