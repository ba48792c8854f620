"""The JSON of regression checks and their saved policies, and the data of
the ``check.failed`` webhook event; responses are built from the core's
results and the stored rows by each model's ``of``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from service.compare.schemas import (
    DiffOpOut,
    DriftKind,
    EchoOut,
    EditOut,
    EditType,
    SideRequest,
)
from service.compare.service import Source, StoredSource
from service.core import checks as core
from service.core.checks import DEFAULT_PASSAGE_WORDS, FAIL_ON, KINDS
from service.core.checks import FindingKind as _FindingKind
from service.platform.wire import STRICT, StoryKey, Unicode, Whole

if TYPE_CHECKING:
    from service.checks.service import SavedPolicy

__all__ = [
    "AppliedPolicy",
    "CheckFailed",
    "CheckRequest",
    "CheckResponse",
    "Finding",
    "FindingKind",
    "InlineSide",
    "PolicyIn",
    "PolicyName",
    "PolicyOut",
    "PolicyPage",
    "PolicyPut",
    "Span",
    "StoredSide",
    "Summary",
]


# A named schema (see service.compare.schemas).
FindingKind = TypeAliasType("FindingKind", _FindingKind)


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

    @classmethod
    def of(cls, span: core.Span) -> Self:
        # Leaves a plain span's quotation fields unset: the webhook event,
        # dumped with exclude_unset, leaves them out.
        if span.quote_id is None:
            return cls(start=span.start, end=span.end, text=span.text)
        return cls.model_validate(span, from_attributes=True)


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

    @classmethod
    def of(cls, f: core.Finding) -> Self:
        """The finding, with only the fields that concern it set (the others
        are null in a response, absent from a webhook event)."""
        fields: dict[str, Any] = {}
        if f.relation is not None:
            fields["relation"] = f.relation
            fields["score"] = f.score
            fields["diff"] = DiffOpOut.all(f.diff)
            fields["edits"] = [EditOut.of(e) for e in f.edits]
        if f.drift is not None:
            fields["drift"] = f.drift
        if f.echo is not None:
            # The check compares the baseline (left) with the candidate
            # (right): a dropped baseline quotation is echoed in the right.
            dropped = f.baseline.quote_id if f.baseline is not None else None
            fields["echo"] = EchoOut(
                quote=dropped or "",
                echoed_in="right",
                start=f.echo.start,
                end=f.echo.end,
                text=f.echo.text,
                sentence=f.echo.sentence,
                score=f.echo.score,
                kind=f.echo.kind,
            )
        return cls(
            kind=f.kind,
            fails=f.fails,
            message=f.message,
            baseline=Span.of(f.baseline) if f.baseline is not None else None,
            candidate=Span.of(f.candidate) if f.candidate is not None else None,
            **fields,
        )


class AppliedPolicy(BaseModel):
    name: str | None = Field(description="The saved policy's name; null for an inline one.")
    fail_on: list[FindingKind | EditType]
    min_passage_words: int

    @classmethod
    def named(cls, name: str | None, policy: core.Policy) -> Self:
        return cls(name=name, **_policy_fields(policy))


def _policy_fields(policy: core.Policy) -> dict[str, Any]:
    """A policy's kinds in the order of ``FAIL_ON``, and its passage size."""
    return {
        "fail_on": [k for k in FAIL_ON if k in policy.fail_on],
        "min_passage_words": policy.min_passage_words,
    }


class Summary(BaseModel):
    model_config = ConfigDict(extra="allow")

    failures: int
    findings: int

    @classmethod
    def of(cls, findings: tuple[core.Finding, ...]) -> Self:
        counts = dict.fromkeys(KINDS, 0)
        for f in findings:
            counts[f.kind] += 1
        return cls(failures=sum(f.fails for f in findings), findings=len(findings), **counts)


class CheckResponse(BaseModel):
    passed: bool
    policy: AppliedPolicy
    summary: Summary = Field(description="Counts: failures, findings and one per kind.")
    findings: list[Finding] = Field(description="In baseline order; additions last.")

    @classmethod
    def of(cls, name: str | None, result: core.CheckResult) -> Self:
        """The response to a check of ``result`` under the policy saved as
        ``name`` (``None`` for an inline or the default policy)."""
        return cls(
            passed=result.passed,
            policy=AppliedPolicy.named(name, result.policy),
            summary=Summary.of(result.findings),
            findings=[Finding.of(f) for f in result.findings],
        )


class StoredSide(BaseModel):
    article_id: str
    version: int | None


class InlineSide(BaseModel):
    inline: Literal[True]
    outlet: str | None


def _side(source: Source) -> StoredSide | InlineSide:
    if isinstance(source, StoredSource):
        return StoredSide(article_id=source.article_id, version=source.version)
    return InlineSide(inline=True, outlet=source.outlet)


class CheckFailed(BaseModel):
    """The data of a ``check.failed`` webhook event: the policy, the counts,
    the two sides and the first 50 failing findings."""

    policy: AppliedPolicy
    summary: Summary
    baseline: StoredSide | InlineSide
    candidate: StoredSide | InlineSide
    findings: list[Finding]

    @classmethod
    def of(
        cls, name: str | None, result: core.CheckResult, baseline: Source, candidate: Source
    ) -> Self:
        return cls(
            policy=AppliedPolicy.named(name, result.policy),
            summary=Summary.of(result.findings),
            baseline=_side(baseline),
            candidate=_side(candidate),
            findings=[Finding.of(f) for f in result.findings if f.fails][:50],
        )

    def data(self) -> dict[str, Any]:
        """The event's ``data``: each finding with only its own fields."""
        return self.model_dump(mode="json", exclude_unset=True)


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

    @classmethod
    def of(cls, saved: SavedPolicy) -> Self:
        return cls(
            name=saved.name,
            **_policy_fields(saved.policy),
            story=saved.story,
            outlet=saved.outlet,
            updated_at=saved.updated_at,
        )


class PolicyPage(BaseModel):
    items: list[PolicyOut]

    @classmethod
    def of(cls, saved: Sequence[SavedPolicy]) -> Self:
        return cls(items=[PolicyOut.of(p) for p in saved])
