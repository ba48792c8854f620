"""Request and response bodies of the HTTP API (see ``shared/API.md``).

Public API:

- ``SideRequest``, ``CompareRequest``: the ``POST /v1/compare`` body. Strict
  (no coercion, unknown fields rejected). A side is exactly one of
  ``{"text", "outlet"?}``, ``{"html", "outlet"?}``, ``{"article_id",
  "version"?}``; texts may not be blank.
- ``QuoteOut``, ``SideOut``, ``DiffOpOut``, ``MatchOut``, ``CompareResponse``:
  its response. ``SideOut.text`` is set only for HTML sides.
- ``Health``, ``Ready``: ``GET /healthz``, ``GET /readyz``.
- ``ProblemError``, ``Problem``: the RFC 9457 body of every error.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic_core import PydanticCustomError

from service.core import Relation
from service.core.attribution import DriftKind
from service.core.diff import OpName
from service.core.edits import EditType
from service.core.primary import Verdict
from service.usecases.compare import HtmlSource, Source, StoredSource, TextSource

__all__ = [
    "CompareRequest",
    "CompareResponse",
    "DiffOpOut",
    "Health",
    "MatchOut",
    "Problem",
    "ProblemError",
    "QuoteOut",
    "Ready",
    "SideOut",
    "SideRequest",
    "Whole",
]


def _encodable(value: str) -> str:
    # JSON may smuggle in lone surrogates ("\ud800"), which no response could encode.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            "string_unicode",
            "String contains a lone surrogate at index {index}",
            {"index": exc.start},
        ) from None
    return value


# A character that is not whitespace in Python's sense (what ``str.strip``
# removes), spelled so that JSON Schema's ECMA-262 regexes read it the same:
# the schema's ``pattern`` and ``_not_blank`` agree on what is blank.
NOT_BLANK = r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_NOT_BLANK = re.compile(NOT_BLANK)


def _not_blank(value: str) -> str:
    if _NOT_BLANK.search(value) is None:
        raise PydanticCustomError("string_blank", "String should not be empty or whitespace only")
    return value


Unicode = Annotated[str, AfterValidator(_encodable)]
Article = Annotated[
    str,
    AfterValidator(_encodable),
    AfterValidator(_not_blank),
    Field(json_schema_extra={"pattern": NOT_BLANK}),
]

_REQUEST = ConfigDict(extra="forbid", strict=True)
_SHAPES = ("text", "html", "article_id")


# RFC 3339 ``date-time`` (JSON Schema's ``format``), which pydantic widens
# to Unix timestamps, missing seconds and a space for the ``T``.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise PydanticCustomError(
            "datetime_format", "Datetime should be an RFC 3339 string, as 2026-11-23T14:06:43Z"
        )
    return value


def _integral(value: object) -> object:
    # JSON Schema counts 2.0 as an integer, so the API does too.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Lax inside: the string reaches pydantic's parser as a Python value, which
# strict mode would refuse; ``_rfc3339`` has refused everything else.
Timestamp = Annotated[AwareDatetime, Strict(False), BeforeValidator(_rfc3339)]
MAX_VERSION = 2**31 - 1
# An integer that JSON may write as 2.0.
Whole = Annotated[int, BeforeValidator(_integral)]
VersionNumber = Annotated[int, Field(ge=1, le=MAX_VERSION), BeforeValidator(_integral)]


def exactly_one(given: str, absent: tuple[str, ...]) -> dict[str, Any]:
    """A JSON Schema branch: ``given`` is there (not null), and each of
    ``absent`` is missing or null, as the model's validators require."""
    return {
        "required": [given],
        "properties": {given: {"not": {"type": "null"}}} | {a: {"type": "null"} for a in absent},
    }


class SideRequest(BaseModel):
    """One side: ``text`` or ``html`` (each with an optional ``outlet``), or a
    stored ``article_id`` (with an optional ``version``, latest by default)."""

    model_config = ConfigDict(
        **_REQUEST,
        json_schema_extra={
            "oneOf": [
                exactly_one("text", ("html", "article_id", "version")),
                exactly_one("html", ("text", "article_id", "version")),
                exactly_one("article_id", ("text", "html", "outlet")),
            ]
        },
    )

    text: Article | None = Field(default=None, description="Plain article text.")
    html: Article | None = Field(
        default=None, description="An article page; its main text is extracted and compared."
    )
    outlet: Unicode | None = Field(default=None, description="Who published it.")
    article_id: Annotated[str, Field(min_length=1), AfterValidator(_encodable)] | None = Field(
        default=None, description="A stored article."
    )
    version: VersionNumber | None = Field(
        default=None, description="Version of the stored article; the latest by default."
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        given = [shape for shape in _SHAPES if getattr(self, shape) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "side_shape",
                "A side takes exactly one of text, html or article_id; got {given}",
                {"given": ", ".join(given) or "none"},
            )
        if self.article_id is not None and self.outlet is not None:
            raise PydanticCustomError(
                "side_shape", "outlet goes with text or html; a stored article has its own"
            )
        if self.article_id is None and self.version is not None:
            raise PydanticCustomError("side_shape", "version goes with article_id only")
        return self

    def to_source(self) -> Source:
        if self.text is not None:
            return TextSource(self.text, self.outlet)
        if self.html is not None:
            return HtmlSource(self.html, self.outlet)
        assert self.article_id is not None  # _one_shape
        return StoredSource(self.article_id, self.version)


class CompareRequest(BaseModel):
    model_config = ConfigDict(
        **_REQUEST,
        json_schema_extra={
            "examples": [
                {
                    "left": {"text": 'An official said: "We will not export them."'},
                    "right": {"html": "<p>“We will never export them,” he said.</p>"},
                }
            ]
        },
    )

    left: SideRequest
    right: SideRequest
    passages: bool = Field(
        default=True,
        description="Align the texts sentence by sentence and report the passages each side "
        "lacks (`passages` in the response). `false` leaves the field out and costs about "
        "half the time of a comparison.",
    )
    semantic: bool = Field(
        default=False,
        description="Align `passages` by meaning too (a sentence-embedding model on the "
        "server's CPU; needs the server's `semantic` extra, else 422; and `passages`; at "
        "most 2,000 sentences a side). Slower.",
    )
    primary: list[SideRequest] | None = Field(
        default=None,
        min_length=1,
        max_length=5,
        description="Primary documents (a transcript, a statement, a release) to check both "
        "sides' quotations against: each a text, an HTML page or a stored article.",
    )


class QuoteOut(BaseModel):
    id: str = Field(description="`L1`, `L2` … on the left, `R1` … on the right.")
    text: str = Field(description="The quotation without its marks: `side_text[start:end]`.")
    start: int
    end: int
    speaker: str | None


class SideOut(BaseModel):
    quotes: list[QuoteOut]
    outlet: str | None = None
    text: str | None = Field(
        default=None, description="The text extracted from `html`; absent for other sides."
    )


class DiffOpOut(BaseModel):
    op: OpName
    left: str
    right: str


class EditOut(BaseModel):
    type: EditType = Field(description="What was done to the quotation (see the README).")
    side: Literal["left", "right"] | None = Field(
        description="The side it concerns: the cut side of `trimmed`, the side with the "
        "words of `inserted`, with the mark of `ellipsis`, the long one of `spliced`."
    )
    where: Literal["start", "end", "inside"] | None
    left: str = Field(description="The words on the left (or the whole quotation).")
    right: str = Field(description="The words on the right (or the whole quotation).")


class MatchOut(BaseModel):
    left: str
    right: str
    relation: Relation
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut]
    edits: list[EditOut] | None = Field(
        default=None, description="Typed edits (extra field): how the quotation changed."
    )


class EchoOut(BaseModel):
    quote: str = Field(description="The omitted quotation (`L…` or `R…`).")
    echoed_in: Literal["left", "right"] = Field(description="The side that echoes it.")
    start: int
    end: int
    text: str = Field(description="The echoing words: that side's text[start:end].")
    sentence: str = Field(description="The sentence they stand in.")
    score: float = Field(ge=0, le=100)
    kind: Literal["indirect", "narration"] = Field(
        description="`indirect`: reported speech; `narration`: the words as the outlet's own."
    )


class DriftOut(BaseModel):
    left: str
    right: str
    left_speaker: str | None
    right_speaker: str | None
    kind: DriftKind


class SourceSpanOut(BaseModel):
    start: int
    end: int
    text: str = Field(description="The primary text's words that the quotation renders.")
    context_before: str = Field(
        description="What precedes them: their sentence and the one before."
    )
    context_after: str = Field(description="What follows them: their sentence and the one after.")


class SourcedOut(BaseModel):
    quote: str
    verdict: Verdict
    score: float = Field(ge=0, le=100)
    primary: int | None = Field(description="Which primary document (index), if found.")
    source: SourceSpanOut | None
    edits: list[EditOut]
    diff: list[DiffOpOut] = Field(description="From the primary's words to the quotation's.")


class PrimaryOut(BaseModel):
    left: list[SourcedOut]
    right: list[SourcedOut]
    summary: dict[Literal["left", "right"], dict[Verdict, int]]


class SentenceOut(BaseModel):
    index: int = Field(description="The sentence's place in its side's text, from 0.")
    start: int
    end: int
    text: str


class PassageOut(BaseModel):
    start: int = Field(description="Offset in its side's text.")
    end: int
    text: str = Field(description="Adjacent sentences the other side has no counterpart of.")
    sentences: list[int] = Field(description="Their indexes.")
    words: int


class AlignedSentencesOut(BaseModel):
    left: list[SentenceOut]
    right: list[SentenceOut]
    relation: Literal["same", "reworded", "split", "merged"] = Field(
        description="`split`: one left sentence is several right ones; `merged`: the reverse."
    )
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut]


class PassagesOut(BaseModel):
    left_only: list[PassageOut] = Field(description="What only the left carries.")
    right_only: list[PassageOut] = Field(description="What only the right carries.")
    aligned: list[AlignedSentencesOut]


class CompareResponse(BaseModel):
    left: SideOut
    right: SideOut
    matches: list[MatchOut]
    left_only: list[str]
    right_only: list[str]
    echoes: list[EchoOut] | None = Field(
        default=None,
        description="Omitted quotations whose words the other side carries without "
        "quotation marks (extra field).",
    )
    attribution_drift: list[DriftOut] | None = Field(
        default=None, description="Matched quotations credited to different sources (extra field)."
    )
    primary: PrimaryOut | None = Field(
        default=None,
        description="With `primary` in the request: each side's quotations checked against "
        "the primary documents (extra field).",
    )
    passages: PassagesOut | None = Field(
        default=None,
        description="The texts aligned sentence by sentence, and the passages one side "
        "lacks (extra field).",
    )


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]


class ProblemError(BaseModel):
    pointer: str = Field(description="JSON pointer into the request body, as `#/left/text`.")
    detail: str
    type: str | None = Field(default=None, description="Machine-readable kind of the error.")


class Problem(BaseModel):
    """An RFC 9457 problem details object (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemError] | None = None
    request_id: str | None = Field(
        default=None,
        description="The request's `X-Request-ID`, to quote when reporting a problem.",
    )

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
