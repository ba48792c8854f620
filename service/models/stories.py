"""Stories: articles grouped under a key the client chooses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from service.models.base import TenantRow, now, timestamp_column

__all__ = ["STORY_KEY_LENGTH", "Story", "StoryArticle"]

# The longest story key the column keeps (``platform.wire.StoryKey`` says the same).
STORY_KEY_LENGTH = 100


class Story(TenantRow, table=True):
    """Articles about one event, under a key the client chose (``nk-arms``)."""

    __tablename__ = "stories"
    __table_args__ = (UniqueConstraint("tenant", "key", name="uq_stories_tenant_key"),)

    key: str = Field(max_length=STORY_KEY_LENGTH)
    created_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))


class StoryArticle(SQLModel, table=True):
    __tablename__ = "story_articles"

    story_id: int = Field(foreign_key="stories.id", primary_key=True)
    article_id: str = Field(foreign_key="articles.id", primary_key=True, max_length=32, index=True)
    added_at: datetime = Field(default_factory=now, sa_column=timestamp_column(nullable=False))
    # ``coverage``: an outlet's article; ``primary``: a primary document (a
    # transcript, a statement, a release) that coverage is checked against.
    role: str = Field(
        default="coverage", max_length=16, sa_column_kwargs={"server_default": "coverage"}
    )
