"""The JSON of webhooks: subscriptions, their delivery log, and the events
themselves (the bodies POSTed to subscribers).

An event's body follows the Standard Webhooks payload shape,
``{"type", "timestamp", "data"}``; its ``timestamp`` is written as Python's
``isoformat`` (``+00:00``, not ``Z``), as it has been since the first event
was sent.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from typing_extensions import TypeAliasType

from service.compare.schemas import DiffOpOut
from service.core import Match, Quote, Relation
from service.models.articles import Article, Outlet, Version
from service.models.base import utc
from service.models.webhooks import Delivery, Webhook, WebhookEvent
from service.platform.wire import STRICT, FromAttributes, Unicode

__all__ = [
    "DeliveryOut",
    "DeliveryPage",
    "DeliveryState",
    "EventBody",
    "EventQuote",
    "EventType",
    "QuoteChanged",
    "QuoteDropped",
    "VersionCreated",
    "VersionStep",
    "WebhookCreated",
    "WebhookEventType",
    "WebhookIn",
    "WebhookOut",
    "WebhookPage",
]


EventType = Literal["version.created", "quote.changed", "quote.dropped", "check.failed"]
# Named schemas (see service.compare.schemas).
WebhookEventType = TypeAliasType("WebhookEventType", EventType)
DeliveryState = TypeAliasType("DeliveryState", Literal["pending", "delivered", "failed"])


# Requests and responses of /v1/webhooks ------------------------------------


class WebhookIn(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"url": "https://hooks.example/sourcediff", "events": ["quote.dropped"]}]
        },
    )

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    events: list[WebhookEventType] = Field(min_length=1, max_length=4)
    secret: Annotated[str, Field(pattern=r"^whsec_[A-Za-z0-9+/]{32,}={0,2}$")] | None = Field(
        default=None,
        description="A Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes); "
        "generated when absent.",
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: datetime
    pending: int = Field(description="Deliveries waiting to be sent.")

    @classmethod
    def of(cls, webhook: Webhook, pending: int) -> Self:
        return cls(
            id=webhook.id,
            url=webhook.url,
            events=webhook.events.split(),
            created_at=utc(webhook.created_at),
            pending=pending,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret; shown only here.")

    @classmethod
    def of(cls, webhook: Webhook, pending: int = 0) -> Self:
        """A subscription just made, with its secret (nothing is pending yet)."""
        return cls(**dict(WebhookOut.of(webhook, pending)), secret=webhook.secret)


class WebhookPage(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any] = Field(description="The event body as sent.")

    @classmethod
    def of(cls, delivery: Delivery, event: WebhookEvent) -> Self:
        assert delivery.id is not None  # flushed
        pending = delivery.state == "pending"
        return cls(
            id=delivery.id,
            event_id=event.id,
            event_type=event.type,
            state=cast(DeliveryState, delivery.state),  # the table holds only these
            attempts=delivery.attempts,
            next_attempt_at=utc(delivery.next_attempt_at) if pending else None,
            last_status=delivery.last_status,
            last_error=delivery.last_error,
            delivered_at=utc(delivery.delivered_at),
            created_at=utc(delivery.created_at),
            payload=json.loads(event.payload),
        )


class DeliveryPage(BaseModel):
    items: list[DeliveryOut] = Field(description="Newest first.")
    next: str | None


# Event bodies ----------------------------------------------------------------

Data = TypeVar("Data")


class EventBody(BaseModel, Generic[Data]):
    """What a subscriber receives; written once to the outbox and sent byte
    for byte on every attempt, so a signature can always be checked."""

    type: WebhookEventType
    timestamp: Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]
    data: Data


class EventQuote(FromAttributes[Quote]):
    """A quotation in an event: its words and where they stand in the version."""

    text: str
    start: int
    end: int
    speaker: str | None


class _About(BaseModel):
    """The article an event is about."""

    article_id: str
    outlet: str
    url: str | None


def _about(article: Article, outlet: Outlet) -> dict[str, Any]:
    """``_About``'s fields, which every event's data starts with."""
    return {"article_id": article.id, "outlet": outlet.name, "url": article.url}


class VersionCreated(_About):
    """``version.created``: a new version was stored."""

    version: int
    content_hash: str
    quotes: int = Field(description="How many quotations the version carries.")
    story: str | None

    @classmethod
    def of(
        cls, article: Article, outlet: Outlet, version: Version, quotes: int, story: str | None
    ) -> Self:
        return cls(
            **_about(article, outlet),
            version=version.number,
            content_hash=version.content_hash,
            quotes=quotes,
            story=story,
        )


class VersionStep(_About):
    """From one version of an article to the next."""

    from_version: int
    version: int

    @classmethod
    def between(cls, article: Article, outlet: Outlet, version: Version) -> VersionStep:
        """The step to ``version`` from the one before it."""
        return VersionStep(
            **_about(article, outlet), from_version=version.number - 1, version=version.number
        )


class QuoteChanged(VersionStep):
    """``quote.changed``: a quotation's wording moved between two versions."""

    relation: Relation
    score: float
    old: EventQuote
    new: EventQuote
    diff: list[DiffOpOut]

    @classmethod
    def of(cls, step: VersionStep, match: Match, old: Quote, new: Quote) -> Self:
        return cls(
            **dict(step),
            relation=match.relation,
            score=match.score,
            old=EventQuote.of(old),
            new=EventQuote.of(new),
            diff=DiffOpOut.all(match.diff),
        )


class QuoteDropped(VersionStep):
    """``quote.dropped``: a quotation of the previous version is gone."""

    quote: EventQuote

    @classmethod
    def of(cls, step: VersionStep, quote: Quote) -> Self:
        return cls(**dict(step), quote=EventQuote.of(quote))
