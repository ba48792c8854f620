"""The JSON of ``POST /v1/compare``: its request and response."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from service.compare.service import HtmlSource, Source, StoredSource, TextSource
from service.core import Relation
from service.core.alignment.passages import Passage, Sentence
from service.core.diff import DiffOp, OpName
from service.core.insight.attribution import DriftKind
from service.core.insight.edits import Edit, EditType
from service.core.insight.primary import SourceSpan, Verdict
from service.core.quotes import Quote
from service.platform.wire import (
    STRICT,
    ArticleText,
    Unicode,
    VersionNumber,
    encodable,
    exactly_one,
)

__all__ = [
    "AlignedSentencesOut",
    "CompareRequest",
    "CompareResponse",
    "DiffOpOut",
    "DriftOut",
    "EchoOut",
    "EditOut",
    "MatchOut",
    "PassageOut",
    "PassagesOut",
    "PrimaryOut",
    "QuoteOut",
    "SentenceOut",
    "SideOut",
    "SideRequest",
    "SourceSpanOut",
    "SourcedOut",
]


_SHAPES = ("text", "html", "article_id")


class SideRequest(BaseModel):
    """One side: ``text`` or ``html`` (each with an optional ``outlet``), or a
    stored ``article_id`` (with an optional ``version``, latest by default)."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "oneOf": [
                exactly_one("text", ("html", "article_id", "version")),
                exactly_one("html", ("text", "article_id", "version")),
                exactly_one("article_id", ("text", "html", "outlet")),
            ]
        },
    )

    text: ArticleText | None = Field(default=None, description="Plain article text.")
    html: ArticleText | None = Field(
        default=None, description="An article page; its main text is extracted and compared."
    )
    outlet: Unicode | None = Field(default=None, description="Who published it.")
    article_id: Annotated[str, Field(min_length=1), AfterValidator(encodable)] | None = Field(
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
        **STRICT,
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

    @classmethod
    def of(cls, quote: Quote, qid: str) -> Self:
        return cls(id=qid, text=quote.text, start=quote.start, end=quote.end, speaker=quote.speaker)


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

    @classmethod
    def of(cls, op: DiffOp) -> Self:
        return cls(op=op.op, left=op.left, right=op.right)

    @classmethod
    def all(cls, ops: Iterable[DiffOp]) -> list[Self]:
        return [cls(op=op.op, left=op.left, right=op.right) for op in ops]


class EditOut(BaseModel):
    type: EditType = Field(description="What was done to the quotation (see the README).")
    side: Literal["left", "right"] | None = Field(
        description="The side it concerns: the cut side of `trimmed`, the side with the "
        "words of `inserted`, with the mark of `ellipsis`, the long one of `spliced`."
    )
    where: Literal["start", "end", "inside"] | None
    left: str = Field(description="The words on the left (or the whole quotation).")
    right: str = Field(description="The words on the right (or the whole quotation).")

    @classmethod
    def of(cls, edit: Edit) -> Self:
        return cls(
            type=edit.type, side=edit.side, where=edit.where, left=edit.left, right=edit.right
        )


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

    @classmethod
    def of(cls, span: SourceSpan) -> Self:
        return cls(
            start=span.start,
            end=span.end,
            text=span.text,
            context_before=span.before,
            context_after=span.after,
        )


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

    @classmethod
    def of(cls, sentence: Sentence, index: int) -> Self:
        return cls(index=index, start=sentence.start, end=sentence.end, text=sentence.text)


class PassageOut(BaseModel):
    start: int = Field(description="Offset in its side's text.")
    end: int
    text: str = Field(description="Adjacent sentences the other side has no counterpart of.")
    sentences: list[int] = Field(description="Their indexes.")
    words: int

    @classmethod
    def of(cls, passage: Passage) -> Self:
        return cls(
            start=passage.start,
            end=passage.end,
            text=passage.text,
            sentences=list(passage.sentences),
            words=passage.words,
        )


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
