"""RSS/Atom feeds polled on a schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field

from service.models.base import TenantRow, now, timestamp_column

__all__ = ["ETAG_LENGTH", "LAST_MODIFIED_LENGTH", "Feed"]

# A feed's validators as its server sent them; a longer one is not kept.
ETAG_LENGTH = 500
LAST_MODIFIED_LENGTH = 100


class Feed(TenantRow, table=True):
    """An RSS/Atom feed whose items are fetched and stored as versions."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("tenant", "url", name="uq_feeds_tenant_url"),)

    url: str = Field(max_length=2048)
    outlet: str = Field(max_length=200)
    story: str | None = Field(default=None, max_length=100)
    interval_seconds: int
    etag: str | None = Field(default=None, max_length=ETAG_LENGTH)
    last_modified: str | None = Field(default=None, max_length=LAST_MODIFIED_LENGTH)
    next_poll_at: datetime = Field(sa_column=timestamp_column(nullable=False, index=True))
    lease_until: datetime | None = Field(default=None, sa_column=timestamp_column())
    last_polled_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
