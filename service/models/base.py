"""What every table shares: the metadata, timestamps in UTC, integer keys, and
the first columns of a tenant's rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, overload

from pydantic import AfterValidator
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
)
from sqlmodel import Field, SQLModel

__all__ = [
    "TenantRow",
    "UtcTime",
    "iso",
    "metadata",
    "now",
    "sqlite_integer",
    "timestamp_column",
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


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: datetime | None) -> datetime | None: ...
def utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC datetime (naive values are taken as UTC:
    SQLite gives back what it stored without its zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# A stored time in a response read from a row's attributes (``Model.of``
# through ``from_attributes``): ``utc`` applied as it is read, so that a time
# SQLite gives back without its zone is written with ``Z`` as PostgreSQL's is.
UtcTime = Annotated[datetime, AfterValidator(utc)]


def timestamp_column(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class TenantRow(SQLModel):
    """The first columns of a tenant's row that the database numbers: its
    ``id`` and its ``tenant`` (a table lists its own columns after them)."""

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(max_length=64)
