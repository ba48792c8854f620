"""The JSON of webhook subscriptions and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.platform.wire import STRICT, Unicode
from service.webhooks.outbox import EVENT_TYPES

__all__ = [
    "DeliveryOut",
    "DeliveryPage",
    "EventType",
    "WebhookCreated",
    "WebhookIn",
    "WebhookOut",
    "WebhookPage",
]


EventType = Literal["version.created", "quote.changed", "quote.dropped", "check.failed"]


assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]


class WebhookIn(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"url": "https://hooks.example/sourcediff", "events": ["quote.dropped"]}]
        },
    )

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    events: list[EventType] = Field(min_length=1, max_length=4)
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


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret; shown only here.")


class WebhookPage(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any] = Field(description="The event body as sent.")


class DeliveryPage(BaseModel):
    items: list[DeliveryOut] = Field(description="Newest first.")
    next: str | None
