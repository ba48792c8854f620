"""Saved regression-check policies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    UniqueConstraint,
)
from sqlmodel import Field

from service.models.base import TenantRow, now, timestamp_column

__all__ = ["CheckPolicy"]


class CheckPolicy(TenantRow, table=True):
    """A named regression-check policy; with ``story`` or ``outlet`` set it
    is the policy of checks on that story's or outlet's articles."""

    __tablename__ = "check_policies"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_check_policies_tenant_name"),)

    name: str = Field(max_length=100)
    # Space-separated finding kinds and edit types, in ``service.core.checks.FAIL_ON`` order.
    fail_on: str = Field(max_length=200)
    min_passage_words: int
    story: str | None = Field(default=None, max_length=100)
    outlet: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
