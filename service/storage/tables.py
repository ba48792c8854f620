"""SQLModel tables.

Public API: ``Outlet``, ``Article``, ``Version``, ``IdempotencyRecord``,
``ApiKey``, ``RateCounter``, ``Marker`` and ``metadata`` (what Alembic
compares the migrations against).

Every row carries its ``tenant`` from the start, so that scoping a query
to the caller is a ``WHERE`` clause away. Versions are immutable: a changed
text is a new row with the next ``number``; ``(article_id, number)`` is
unique, which is what makes concurrent submissions safe (the loser of a
race retries, see ``service.usecases.articles``).

API keys are stored as the SHA-256 of the whole key, never the key itself;
their public ``id`` is part of the key, so a lookup is by primary key. Rate
counters are one row per key and minute, incremented in place.

The quote index: every version's quotations (``QuoteRecord``), written in
the same transaction as the version, with ``latest`` set on the rows of an
article's latest version only; and ``QuoteShingle``, the inverted index
from shingle hashes (see ``service.core.search``) to quotations, whose
primary key ``(shingle, quote_id)`` is the index a search reads (a
``WITHOUT ROWID`` table on SQLite, so the rows are the index).

Stories group articles about one event under a key the client chooses;
``StoryArticle`` is the membership.

Checks, webhooks and feeds: ``CheckPolicy`` is a saved regression-check
policy, optionally the default of a story or an outlet. ``Webhook`` is a
subscription; ``WebhookEvent`` rows are the outbox, written in the same
transaction as what they report, and ``Delivery`` is one event for one
subscription: attempts, the next attempt's time, and a lease that lets one
dispatcher at a time send it. ``Feed`` is an RSS/Atom feed polled on a
schedule, with the validators (ETag, Last-Modified) of its last answer.

Timestamps are stored in UTC. SQLite keeps no zone, so ``utc()`` puts it
back on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

__all__ = [
    "ApiKey",
    "Article",
    "CheckPolicy",
    "Delivery",
    "Feed",
    "IdempotencyRecord",
    "Marker",
    "Outlet",
    "QuoteRecord",
    "QuoteShingle",
    "RateCounter",
    "Story",
    "StoryArticle",
    "Version",
    "Webhook",
    "WebhookEvent",
    "iso",
    "metadata",
    "now",
    "utc",
]

metadata = SQLModel.metadata


def sqlite_integer() -> Integer:
    """SQLite's ``INTEGER PRIMARY KEY`` (the rowid, autoincrementing) where
    other databases get a ``BIGINT`` identity."""
    return Integer()


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """``moment`` in UTC as ISO 8601 text, for a response body."""
    aware = utc(moment)
    return aware.isoformat() if aware is not None else None


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC datetime (naive values are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _timestamp(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class Outlet(SQLModel, table=True):
    __tablename__ = "outlets"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_outlets_tenant_name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=64)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class Article(SQLModel, table=True):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("tenant", "url", name="uq_articles_tenant_url"),
        UniqueConstraint(
            "tenant", "outlet_id", "external_id", name="uq_articles_tenant_outlet_external_id"
        ),
        Index("ix_articles_tenant_created", "tenant", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=32)
    tenant: str = Field(max_length=64)
    outlet_id: int = Field(foreign_key="outlets.id", index=True)
    url: str | None = Field(default=None, max_length=2048)
    external_id: str | None = Field(default=None, max_length=256)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class Version(SQLModel, table=True):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_versions_article_number"),)

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by the unique (article_id, number) constraint.
    article_id: str = Field(foreign_key="articles.id", max_length=32)
    tenant: str = Field(max_length=64)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    title: str | None = Field(default=None, max_length=1000)
    byline: str | None = Field(default=None, max_length=1000)
    language: str | None = Field(default=None, max_length=35)
    published_at: datetime | None = Field(default=None, sa_column=_timestamp())
    updated_at: datetime | None = Field(default=None, sa_column=_timestamp())
    fetched_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))
    content_hash: str = Field(max_length=64)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_records"

    tenant: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class ApiKey(SQLModel, table=True):
    """An API key: ``sdk_<id>_<secret>``, of which only the hash is kept."""

    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=32)
    tenant: str = Field(max_length=64, index=True)
    name: str = Field(max_length=200)
    # Space-separated, sorted: "read write".
    scopes: str = Field(max_length=200)
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=_timestamp())


class RateCounter(SQLModel, table=True):
    """Requests of one key in the minute starting at ``window_start``."""

    __tablename__ = "rate_counters"

    key_id: str = Field(primary_key=True, foreign_key="api_keys.id", max_length=32)
    # Unix time of the window's first second (a multiple of 60).
    window_start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    count: int


class Marker(SQLModel, table=True):
    """A one-off event that happened, such as the first admin key's creation:
    the primary key lets exactly one of several racing workers record it."""

    __tablename__ = "markers"

    name: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class QuoteRecord(SQLModel, table=True):
    """One quotation of one version, as ``service.core.extract_quotes`` found
    it, with its normalised text and word count for scoring."""

    __tablename__ = "quotes"
    __table_args__ = (
        Index("ix_quotes_article_latest", "article_id", "latest"),
        Index("ix_quotes_version", "version_id"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(sqlite_integer(), "sqlite"), primary_key=True),
    )
    tenant: str = Field(max_length=64)
    article_id: str = Field(foreign_key="articles.id", max_length=32)
    version_id: int = Field(foreign_key="versions.id")
    version: int
    ordinal: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    speaker: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    norm: str = Field(sa_column=Column(Text, nullable=False))
    words: int
    shingles: int
    latest: bool = Field(sa_column=Column(Boolean, nullable=False))


class QuoteShingle(SQLModel, table=True):
    """``quote_id`` is filed under ``shingle`` (a tenant-salted hash).

    ``size`` (how many shingles the quotation has) and ``latest`` (whether
    it is of its article's latest version) are copies of the quotation's,
    kept here so that a search is answered from this index alone: the
    primary key's b-tree holds them (``INCLUDE`` on PostgreSQL, the row
    itself in SQLite's ``WITHOUT ROWID`` table).
    """

    __tablename__ = "quote_shingles"
    __table_args__ = (
        PrimaryKeyConstraint("shingle", "quote_id", postgresql_include=["size", "latest"]),
        {"sqlite_with_rowid": False},
    )

    shingle: int = Field(sa_column=Column(BigInteger, nullable=False, autoincrement=False))
    quote_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("quotes.id", ondelete="CASCADE"),
            nullable=False,
            autoincrement=False,
        )
    )
    size: int = Field(sa_column=Column(Integer, nullable=False))
    latest: bool = Field(sa_column=Column(Boolean, nullable=False))


class Story(SQLModel, table=True):
    """Articles about one event, under a key the client chose (``nk-arms``)."""

    __tablename__ = "stories"
    __table_args__ = (UniqueConstraint("tenant", "key", name="uq_stories_tenant_key"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=64)
    key: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class StoryArticle(SQLModel, table=True):
    __tablename__ = "story_articles"

    story_id: int = Field(foreign_key="stories.id", primary_key=True)
    article_id: str = Field(foreign_key="articles.id", primary_key=True, max_length=32, index=True)
    added_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))
    # ``coverage``: an outlet's article; ``primary``: a primary document (a
    # transcript, a statement, a release) that coverage is checked against.
    role: str = Field(
        default="coverage", max_length=16, sa_column_kwargs={"server_default": "coverage"}
    )


class CheckPolicy(SQLModel, table=True):
    """A named regression-check policy; with ``story`` or ``outlet`` set it
    is the policy of checks on that story's or outlet's articles."""

    __tablename__ = "check_policies"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_check_policies_tenant_name"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=64)
    name: str = Field(max_length=100)
    # Space-separated finding kinds and edit types, in ``service.core.checks.FAIL_ON`` order.
    fail_on: str = Field(max_length=200)
    min_passage_words: int
    story: str | None = Field(default=None, max_length=100)
    outlet: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class Webhook(SQLModel, table=True):
    """A subscription: events of these types are POSTed, signed, to ``url``."""

    __tablename__ = "webhooks"

    id: str = Field(primary_key=True, max_length=32)
    tenant: str = Field(max_length=64, index=True)
    url: str = Field(max_length=2048)
    # Space-separated event types.
    events: str = Field(max_length=500)
    # ``whsec_`` + base64 key (Standard Webhooks).
    secret: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))

    def wants(self, event_type: str) -> bool:
        return event_type in self.events.split()


class WebhookEvent(SQLModel, table=True):
    """One event in the outbox; its ``id`` is the ``webhook-id`` header."""

    __tablename__ = "webhook_events"

    id: str = Field(primary_key=True, max_length=40)
    tenant: str = Field(max_length=64)
    type: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class Delivery(SQLModel, table=True):
    """One event for one subscription. Sent in ``id`` order per webhook:
    a delivery waits until every earlier one of its webhook is settled."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_webhook_state", "webhook_id", "state", "id"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(sqlite_integer(), "sqlite"), primary_key=True),
    )
    webhook_id: str = Field(
        sa_column=Column(String(32), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False)
    )
    event_id: str = Field(foreign_key="webhook_events.id", max_length=40)
    # pending → delivered, or failed once the attempts are spent.
    state: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_timestamp(nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=_timestamp())
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=_timestamp())
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))


class Feed(SQLModel, table=True):
    """An RSS/Atom feed whose items are fetched and stored as versions."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("tenant", "url", name="uq_feeds_tenant_url"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=64)
    url: str = Field(max_length=2048)
    outlet: str = Field(max_length=200)
    story: str | None = Field(default=None, max_length=100)
    interval_seconds: int
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    next_poll_at: datetime = Field(sa_column=_timestamp(nullable=False, index=True))
    lease_until: datetime | None = Field(default=None, sa_column=_timestamp())
    last_polled_at: datetime | None = Field(default=None, sa_column=_timestamp())
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=now, sa_column=_timestamp(nullable=False))
