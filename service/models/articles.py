"""Outlets, articles and their immutable versions; idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from service.models.base import TenantRow, now, timestamp_column

__all__ = [
    "BYLINE_LENGTH",
    "EXTERNAL_ID_LENGTH",
    "EXTRACTOR_LENGTH",
    "IDEMPOTENCY_KEY_LENGTH",
    "LANGUAGE_LENGTH",
    "OUTLET_NAME_LENGTH",
    "TITLE_LENGTH",
    "URL_LENGTH",
    "Article",
    "IdempotencyRecord",
    "Outlet",
    "Version",
]

# The longest text each column keeps (varchar(n): PostgreSQL refuses a longer
# one, which answered 500). The request schemas take their limits from here.
OUTLET_NAME_LENGTH = 200
URL_LENGTH = 2048
EXTERNAL_ID_LENGTH = 256
TITLE_LENGTH = 1000
BYLINE_LENGTH = 1000
# A BCP 47 language tag: 35 characters hold any tag in real use (RFC 5646, 4.4.1).
LANGUAGE_LENGTH = 35
IDEMPOTENCY_KEY_LENGTH = 255
# ``service.core.quotes.EXTRACTOR``: 16 hex digits, with room to change it.
EXTRACTOR_LENGTH = 64


class Outlet(TenantRow, table=True):
    __tablename__ = "outlets"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_outlets_tenant_name"),)

    name: str = Field(max_length=OUTLET_NAME_LENGTH)
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))


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
    url: str | None = Field(default=None, max_length=URL_LENGTH)
    external_id: str | None = Field(default=None, max_length=EXTERNAL_ID_LENGTH)
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))


class Version(TenantRow, table=True):
    """One text of an article, never changed once stored.

    Its quotations are rows of ``quotes`` (``service.models.quotes``).
    ``extractor`` is the ``service.core.quotes.EXTRACTOR`` that found them
    when they are all there, mentions included, so that they stand for
    ``extract_quotes(text)`` while the running code has the same one;
    ``None`` for a version stored before it was kept, or whose quotations
    were not all filed (one without words)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_versions_article_number"),)

    # Indexed by the unique (article_id, number) constraint.
    article_id: str = Field(foreign_key="articles.id", max_length=32)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    title: str | None = Field(default=None, max_length=TITLE_LENGTH)
    byline: str | None = Field(default=None, max_length=BYLINE_LENGTH)
    language: str | None = Field(default=None, max_length=LANGUAGE_LENGTH)
    published_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    fetched_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
    content_hash: str = Field(max_length=64)
    extractor: str | None = Field(default=None, max_length=EXTRACTOR_LENGTH)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_records"

    tenant: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=IDEMPOTENCY_KEY_LENGTH)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
