"""The JSON of regression checks and their saved policies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from service.checks.service import PolicySpec
from service.compare.schemas import DiffOpOut, EchoOut, EditOut, SideRequest
from service.core.checks import DEFAULT_PASSAGE_WORDS, FAIL_ON, FindingKind
from service.core.insight.attribution import DriftKind
from service.core.insight.edits import EditType
from service.platform.wire import STRICT, StoryKey, Unicode, Whole

__all__ = [
    "AppliedPolicy",
    "CheckRequest",
    "CheckResponse",
    "Finding",
    "PolicyIn",
    "PolicyName",
    "PolicyOut",
    "PolicyPage",
    "PolicyPut",
    "Span",
    "Summary",
]


PolicyName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$",
        description="A saved policy's name: letters, digits and `.`, `_`, `~`, `-`.",
    ),
]


class PolicyIn(BaseModel):
    """Which findings fail a check."""

    model_config = STRICT

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
        **STRICT,
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
