"""Webhook subscriptions, the event outbox and deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from service.models.base import now, sqlite_integer, timestamp_column

__all__ = ["Delivery", "Webhook", "WebhookEvent"]


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
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))

    def wants(self, event_type: str) -> bool:
        return event_type in self.events.split()


class WebhookEvent(SQLModel, table=True):
    """One event in the outbox; its ``id`` is the ``webhook-id`` header."""

    __tablename__ = "webhook_events"

    id: str = Field(primary_key=True, max_length=40)
    tenant: str = Field(max_length=64)
    type: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))


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
    next_attempt_at: datetime = Field(sa_column=timestamp_column(nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=timestamp_column())
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
