"""API keys (stored as SHA-256), the pages' sign-in sessions (their tokens
stored as SHA-256 too), rate counters and one-time markers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
)
from sqlmodel import Field, SQLModel

from service.models.base import now, timestamp_column

__all__ = ["ApiKey", "Marker", "RateCounter", "WebSession"]


class ApiKey(SQLModel, table=True):
    """An API key: ``sdk_<id>_<secret>``, of which only the hash is kept."""

    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=32)
    tenant: str = Field(max_length=64, index=True)
    name: str = Field(max_length=200)
    # Space-separated, sorted: "read write".
    scopes: str = Field(max_length=200)
    key_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class WebSession(SQLModel, table=True):
    """A browser signed in with an API key: the cookie holds a random token,
    the table its SHA-256 (the primary key), the key's tenant and scopes, and
    when the session ends (``expires_at``, or ``ended_at`` at sign-out or
    when the key is revoked)."""

    __tablename__ = "web_sessions"

    token_hash: str = Field(primary_key=True, max_length=64)
    tenant: str = Field(max_length=64)
    key_id: str = Field(foreign_key="api_keys.id", max_length=32, index=True)
    # The key's, when the session began (space-separated, sorted).
    scopes: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
    expires_at: datetime = Field(sa_column=timestamp_column(nullable=False, index=True))
    ended_at: datetime | None = Field(default=None, sa_column=timestamp_column())


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
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
