"""Request and response bodies of the HTTP API (see ``shared/API.md``).

Public API:

- ``SideRequest``, ``CompareRequest``: the ``POST /v1/compare`` body. Strict
  (no coercion, unknown fields rejected). A side is exactly one of
  ``{"text", "outlet"?}``, ``{"html", "outlet"?}``, ``{"article_id",
  "version"?}``; texts may not be blank.
- ``QuoteOut``, ``SideOut``, ``DiffOpOut``, ``MatchOut``, ``CompareResponse``:
  its response. ``SideOut.text`` is set only for HTML sides.
- ``Health``: ``GET /healthz``.
- ``ProblemError``, ``Problem``: the RFC 9457 body of every error.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from service.core import Relation
from service.core.diff import OpName
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
    "SideOut",
    "SideRequest",
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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("string_blank", "String should not be empty or whitespace only")
    return value


Unicode = Annotated[str, AfterValidator(_encodable)]
Article = Annotated[str, AfterValidator(_encodable), AfterValidator(_not_blank)]

_REQUEST = ConfigDict(extra="forbid", strict=True)
_SHAPES = ("text", "html", "article_id")


class SideRequest(BaseModel):
    """One side: ``text`` or ``html`` (each with an optional ``outlet``), or a
    stored ``article_id`` (with an optional ``version``, latest by default)."""

    model_config = ConfigDict(
        **_REQUEST,
        json_schema_extra={"oneOf": [{"required": [shape]} for shape in _SHAPES]},
    )

    text: Article | None = Field(default=None, description="Plain article text.")
    html: Article | None = Field(
        default=None, description="An article page; its main text is extracted and compared."
    )
    outlet: Unicode | None = Field(default=None, description="Who published it.")
    article_id: Annotated[str, Field(min_length=1), AfterValidator(_encodable)] | None = Field(
        default=None, description="A stored article."
    )
    version: Annotated[int, Field(ge=1)] | None = Field(
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


class MatchOut(BaseModel):
    left: str
    right: str
    relation: Relation
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut]


class CompareResponse(BaseModel):
    left: SideOut
    right: SideOut
    matches: list[MatchOut]
    left_only: list[str]
    right_only: list[str]


class Health(BaseModel):
    status: Literal["ok"]


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

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
