"""The JSON of page fetching and feeds."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field

from service.articles.schemas import ArticleRecorded
from service.articles.service import Recorded
from service.feeds.service import PollResult
from service.models.base import UtcTime
from service.models.feeds import Feed
from service.platform.wire import STRICT, FromAttributes, StoryKey, Unicode, Whole

__all__ = ["FeedIn", "FeedOut", "FeedPage", "FetchRequest", "FetchedArticle", "PollOut"]


class FetchRequest(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"url": "https://news.example/2022/09/22/nk-arms", "story": "nk-arms"}]
        },
    )

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    outlet: Annotated[Unicode, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="Who published it; the page's host by default."
    )
    story: StoryKey | None = None


class FetchedArticle(ArticleRecorded):
    fetched_url: str

    @classmethod
    def of(cls, recorded: Recorded, fetched_url: str) -> Self:
        return cls(**asdict(recorded), fetched_url=fetched_url)


class FeedIn(BaseModel):
    model_config = STRICT

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    outlet: Annotated[Unicode, Field(min_length=1, max_length=200)]
    story: StoryKey | None = None
    interval_seconds: Whole = Field(
        default=900,
        ge=1,
        le=7 * 86400,
        description=(
            "Seconds between polls; at least `SOURCEDIFF_FEED_MIN_INTERVAL_SECONDS` "
            "(300 by default), or 422."
        ),
    )


class FeedOut(FromAttributes[Feed]):
    id: int
    url: str
    outlet: str
    story: str | None
    interval_seconds: int
    next_poll_at: UtcTime
    last_polled_at: UtcTime | None
    last_status: int | None = Field(description="The feed's last answer: 200, 304, or null.")
    last_error: str | None
    etag: str | None
    last_modified: str | None


class FeedPage(BaseModel):
    items: list[FeedOut]


class PollOut(FromAttributes[PollResult]):
    feed_id: int
    status: int | None
    items: int
    created: int
    unchanged: int
    failed: int
    deferred: int = Field(description="Items left for the next poll (over the per-poll limit).")
    error: str | None
