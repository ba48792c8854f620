"""Request and response bodies of regression checks, policies, webhooks,
fetching and feeds.

Public API: ``PolicyIn``, ``CheckRequest``, ``CheckResponse``,
``PolicyPut``, ``PolicyOut``, ``PolicyPage``, ``WebhookIn``, ``WebhookOut``,
``WebhookCreated``, ``WebhookPage``, ``DeliveryOut``, ``DeliveryPage``,
``FetchRequest``, ``FeedIn``, ``FeedOut``, ``FeedPage``, ``PollOut``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.api.article_schemas import StoryKey
from service.api.schemas import DiffOpOut, EchoOut, EditOut, SideRequest, Unicode, Whole
from service.core.attribution import DriftKind
from service.core.checks import DEFAULT_PASSAGE_WORDS, FAIL_ON, FindingKind
from service.core.edits import EditType
from service.usecases.checks import PolicySpec
from service.usecases.events import EVENT_TYPES

__all__ = [
    "CheckRequest",
    "CheckResponse",
    "DeliveryOut",
    "DeliveryPage",
    "FeedIn",
    "FeedOut",
    "FeedPage",
    "FetchRequest",
    "PolicyIn",
    "PolicyName",
    "PolicyOut",
    "PolicyPage",
    "PolicyPut",
    "PollOut",
    "WebhookCreated",
    "WebhookIn",
    "WebhookOut",
    "WebhookPage",
]

_REQUEST = ConfigDict(extra="forbid", strict=True)

PolicyName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$",
        description="A saved policy's name: letters, digits and `.`, `_`, `~`, `-`.",
    ),
]
EventType = Literal["version.created", "quote.changed", "quote.dropped", "check.failed"]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]


class PolicyIn(BaseModel):
    """Which findings fail a check."""

    model_config = _REQUEST

    fail_on: list[FindingKind | EditType] = Field(
        default=["dropped_quote", "reworded_quote"],
        max_length=len(FAIL_ON),
        description="Finding kinds that fail the check, and typed edits that fail a matched "
        "quotation (`spliced`, `substituted`, `trimmed` …), whatever its relation.",
    )
    min_passage_words: Whole = Field(
        default=DEFAULT_PASSAGE_WORDS,
        ge=1,
        le=100_000,
        description="Least words of a `removed_passage` finding.",
    )

    def spec(self) -> PolicySpec:
        return PolicySpec(tuple(self.fail_on), self.min_passage_words)


class CheckRequest(BaseModel):
    model_config = ConfigDict(
        **_REQUEST,
        json_schema_extra={
            "examples": [
                {
                    "baseline": {"text": '"We will not export them," an official said.'},
                    "candidate": {"text": "An official denied it."},
                    "policy": {"fail_on": ["dropped_quote", "reworded_quote"]},
                }
            ]
        },
    )

    baseline: SideRequest
    candidate: SideRequest
    policy: PolicyIn | PolicyName | None = Field(
        default=None,
        description="A policy, or a saved policy's name. Without one: the candidate's story "
        "or outlet policy when it is a stored article, else the default.",
    )


class Span(BaseModel):
    start: int
    end: int
    text: str
    quote_id: str | None = None
    speaker: str | None = None


class Finding(BaseModel):
    kind: FindingKind
    fails: bool = Field(description="Whether the policy fails on this kind.")
    message: str
    baseline: Span | None = Field(description="Where in the baseline text; null for an addition.")
    candidate: Span | None = Field(
        description="Where in the candidate text; null for a dropped quote."
    )
    relation: str | None = None
    score: float | None = None
    diff: list[DiffOpOut] | None = None
    edits: list[EditOut] | None = Field(
        default=None, description="A matched quotation's typed edits."
    )
    drift: DriftKind | None = Field(
        default=None, description="`speaker_changed`: how the attribution differs."
    )
    echo: EchoOut | None = Field(
        default=None,
        description="`dropped_quote`: where the candidate still carries its words unquoted.",
    )


class AppliedPolicy(BaseModel):
    name: str | None = Field(description="The saved policy's name; null for an inline one.")
    fail_on: list[FindingKind | EditType]
    min_passage_words: int


class Summary(BaseModel):
    model_config = ConfigDict(extra="allow")

    failures: int
    findings: int


class CheckResponse(BaseModel):
    passed: bool
    policy: AppliedPolicy
    summary: Summary = Field(description="Counts: failures, findings and one per kind.")
    findings: list[Finding] = Field(description="In baseline order; additions last.")


class PolicyPut(PolicyIn):
    story: StoryKey | None = Field(
        default=None, description="Make this the policy of checks on this story's articles."
    )
    outlet: Annotated[Unicode, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="Make this the policy of checks on this outlet's articles."
    )


class PolicyOut(AppliedPolicy):
    name: str  # always set for a saved policy
    story: str | None
    outlet: str | None
    updated_at: datetime


class PolicyPage(BaseModel):
    items: list[PolicyOut]


class WebhookIn(BaseModel):
    model_config = ConfigDict(
        **_REQUEST,
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


class FetchRequest(BaseModel):
    model_config = ConfigDict(
        **_REQUEST,
        json_schema_extra={
            "examples": [{"url": "https://news.example/2022/09/22/nk-arms", "story": "nk-arms"}]
        },
    )

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    outlet: Annotated[Unicode, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="Who published it; the page's host by default."
    )
    story: StoryKey | None = None


class FeedIn(BaseModel):
    model_config = _REQUEST

    url: Annotated[Unicode, Field(min_length=1, max_length=2048)]
    outlet: Annotated[Unicode, Field(min_length=1, max_length=200)]
    story: StoryKey | None = None
    interval_seconds: Whole = Field(
        default=900, ge=1, le=7 * 86400, description="Seconds between polls."
    )


class FeedOut(BaseModel):
    id: int
    url: str
    outlet: str
    story: str | None
    interval_seconds: int
    next_poll_at: datetime
    last_polled_at: datetime | None
    last_status: int | None = Field(description="The feed's last answer: 200, 304, or null.")
    last_error: str | None
    etag: str | None
    last_modified: str | None


class FeedPage(BaseModel):
    items: list[FeedOut]


class PollOut(BaseModel):
    feed_id: int
    status: int | None
    items: int
    created: int
    unchanged: int
    failed: int
    error: str | None
