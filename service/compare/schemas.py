"""The JSON of ``POST /v1/compare``, its request and its response: the only
definition of both (the contract is docs/compare-api.md).

The response is written once: ``response_json`` builds the body as plain
data (dicts, lists and the core's own frozen dataclasses, whose fields are
the JSON's: ``DiffOp``, ``Edit``, ``Passage``) and orjson writes it,
without pydantic validating it first and dumping it again. The models below
stay the definition of its shape (OpenAPI, and what other features and the
command line reuse): ``CompareResponse.of`` validates the same data into
them, and the tests hold that ``response_json`` writes exactly the bytes of
``CompareResponse.of`` dumped as FastAPI does (``exclude_unset``), on
invented requests (tests/compare/responses.json, captured before the
response was written once) and on generated ones. Issue 18 measured it on
two ~800-word articles (a 26 kB body): validating and dumping took 0.21 ms,
orjson over the plain data 0.075 ms (``json.dumps`` 0.33 ms, so the
standard library would be slower than pydantic), of a ~6 ms comparison.

Each response model has one private builder that reads a core object into
the model's fields (``_quote`` for ``QuoteOut`` …), except those whose
fields are their core object's attributes (``DiffOpOut``, ``EditOut``,
``PassageOut``: ``FromAttributes``), which pydantic reads as they are and
orjson writes as dataclasses; the model's ``of`` validates what its builder
gives. A builder gives an optional field only when the response carries it,
so that ``exclude_unset`` leaves out exactly the others: a side's ``text``
when it was not read from HTML, ``outlet`` when it has none, the extra
fields of a comparison without insight, passages or primary documents. A
score is given as a ``float`` (pydantic would write an ``int`` 100 as
``100.0``; orjson writes what it is given). Other features' schemas reuse
the models and their ``of`` converters.

>>> from service.compare.service import TextSource
>>> from service.core import compare_texts
>>> c = compare_texts('"No deal," he said.', 'She said: "No deal."', passages=False)
>>> body = CompareResponse.of(c, TextSource(c.left.text), TextSource(c.right.text))
>>> body.model_dump(exclude_unset=True)["matches"][0]["relation"], body.passages
('identical', None)
>>> response_json(c, TextSource(c.left.text), TextSource(c.right.text))[:45]
b'{"left":{"quotes":[{"id":"L1","text":"No deal'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Self

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError
from pydantic_core import core_schema as cs
from typing_extensions import TypeAliasType

from service.compare.service import (
    HtmlSource,
    PrimaryCheck,
    Source,
    StoredSource,
    TextSource,
)
from service.core import Comparison, Match, Side
from service.core import Relation as _Relation
from service.core.alignment.passages import (
    AlignedSentences,
    HeadingPart,
    Passage,
    PassageAlignment,
    Sentence,
)
from service.core.compare import quote_ids
from service.core.diff import DiffOp, OpName
from service.core.insight.analysis import PairInsight, SideEcho
from service.core.insight.attribution import DriftKind as _DriftKind
from service.core.insight.edits import Edit
from service.core.insight.edits import EditType as _EditType
from service.core.insight.primary import Sourced, SourceSpan, verdict_counts
from service.core.insight.primary import Verdict as _Verdict
from service.core.quotes import Quote
from service.platform.wire import (
    STRICT,
    ArticleText,
    FromAttributes,
    Unicode,
    VersionNumber,
    encodable,
)

__all__ = [
    "AlignedSentencesOut",
    "CompareRequest",
    "CompareResponse",
    "DiffOpName",
    "DiffOpOut",
    "DriftKind",
    "DriftOut",
    "EchoKind",
    "EchoOut",
    "EditOut",
    "EditPlace",
    "EditType",
    "Heading",
    "HeadingPartOut",
    "HeadingRelation",
    "HtmlSide",
    "MatchOut",
    "MentionOut",
    "PassageOut",
    "PassagesOut",
    "PrimaryOut",
    "QuoteOut",
    "Relation",
    "SentenceOut",
    "SentenceRelation",
    "SideName",
    "SideOut",
    "SideRequest",
    "SourceSpanOut",
    "SourcedOut",
    "StoredSide",
    "TextSide",
    "Verdict",
    "response_json",
    "source_span_json",
]


# Each enumeration of the JSON is a named schema (a component of the OpenAPI
# document): client generators then make one type of each, named for what
# it is, instead of one per field named for the field (`Relation1`,
# `Kind2` …). Other features' schemas use these too.
Relation = TypeAliasType("Relation", _Relation)
SentenceRelation = TypeAliasType("SentenceRelation", Literal["same", "reworded", "split", "merged"])
HeadingRelation = TypeAliasType(
    "HeadingRelation", Literal["same", "changed", "left_only", "right_only"]
)
Heading = TypeAliasType("Heading", Literal["headline", "byline"])
DiffOpName = TypeAliasType("DiffOpName", OpName)
EditType = TypeAliasType("EditType", _EditType)
EditPlace = TypeAliasType("EditPlace", Literal["start", "end", "inside"])
SideName = TypeAliasType("SideName", Literal["left", "right"])
EchoKind = TypeAliasType("EchoKind", Literal["indirect", "narration"])
DriftKind = TypeAliasType("DriftKind", _DriftKind)
Verdict = TypeAliasType("Verdict", _Verdict)


def _present(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


_SHAPES = ("text", "html", "article_id")
_SIDE_MEMBERS = ("text", "html", "outlet", "article_id", "version")

_Outlet = Annotated[Unicode | None, Field(default=None, description="Who published it.")]
_ArticleId = Annotated[str, Field(min_length=1), AfterValidator(encodable)]
_Version = Annotated[
    VersionNumber | None,
    Field(default=None, description="Version of the stored article; the latest by default."),
]


def _shape(*others: str) -> dict[str, Any]:
    # The members of another shape may be there, as null: ``SideRequest`` takes them so.
    return {
        "propertyNames": {"enum": list(_SIDE_MEMBERS)},
        "not": {"anyOf": [_present(name) for name in others]},
    }


class TextSide(BaseModel):
    """A side given as plain text."""

    model_config = ConfigDict(json_schema_extra=_shape("html", "article_id", "version"))

    text: ArticleText = Field(description="Plain article text.")
    outlet: _Outlet


class HtmlSide(BaseModel):
    """A side given as an article page."""

    model_config = ConfigDict(json_schema_extra=_shape("text", "article_id", "version"))

    html: ArticleText = Field(
        description="An article page; its main text is extracted and compared."
    )
    outlet: _Outlet


class StoredSide(BaseModel):
    """A side that is a stored article's version (its outlet is the article's)."""

    model_config = ConfigDict(json_schema_extra=_shape("text", "html", "outlet"))

    article_id: _ArticleId = Field(description="A stored article.")
    version: _Version


_SIDE_SHAPES = (TextSide, HtmlSide, StoredSide)


class SideRequest(BaseModel):
    """One side: ``text`` or ``html`` (each with an optional ``outlet``), or a
    stored ``article_id`` (with an optional ``version``, latest by default).

    Its JSON Schema is the ``oneOf`` of the three shapes, each a schema of
    its own (``TextSide``, ``HtmlSide``, ``StoredSide``), so that generated
    clients have a typed class of each; one model validates them all, so
    that a side with no shape or two is refused with one error that says so
    (``side_shape``)."""

    model_config = STRICT

    text: ArticleText | None = Field(default=None, description="Plain article text.")
    html: ArticleText | None = Field(
        default=None, description="An article page; its main text is extracted and compared."
    )
    outlet: _Outlet
    article_id: _ArticleId | None = Field(default=None, description="A stored article.")
    version: _Version

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The shapes as definitions, so that each becomes a named schema.
        shapes = cs.definitions_schema(
            cs.union_schema(
                [cs.definition_reference_schema(_ref(shape)) for shape in _SIDE_SHAPES]
            ),
            [shape.__pydantic_core_schema__ for shape in _SIDE_SHAPES],
        )
        return {
            "oneOf": handler(shapes)["anyOf"],
            "title": cls.__name__,
            "description": "One side: a text or an HTML page, each with an optional outlet, or "
            "a stored article's version (the latest by default).",
        }

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


def _ref(model: type[BaseModel]) -> str:
    ref = model.__pydantic_core_schema__.get("ref")
    assert isinstance(ref, str)
    return ref


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


class MentionOut(BaseModel):
    """The words at a quotation's attribution that name its speaker."""

    text: str = Field(description="The words as written: `side_text[start:end]`.")
    start: int
    end: int


class QuoteOut(BaseModel):
    id: str = Field(description="`L1`, `L2` … on the left, `R1` … on the right.")
    text: str = Field(description="The quotation without its marks: `side_text[start:end]`.")
    start: int
    end: int
    speaker: str | None = Field(
        description="Who said it: the person's name in the fullest form the text gives "
        '("Michael Cohen" where the attribution says "Mr. Cohen" or "the lawyer"), or '
        'the source as the text describes it ("a defence official", "the ministry"); '
        "`null` when the text names no source."
    )
    speaker_mention: MentionOut | None = Field(
        default=None,
        description='The words at the attribution that name the speaker ("the sheriff", '
        '"he", "Sen. Ann Lee (D-Mo.)"), with offsets into the side\'s text; `null` when '
        "`speaker` is.",
    )

    @classmethod
    def of(cls, quote: Quote, qid: str) -> Self:
        return cls.model_validate(_quote(quote, qid))


def _quote(quote: Quote, qid: str) -> dict[str, Any]:
    mention = quote.mention
    return {
        "id": qid,
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "speaker": quote.speaker,
        "speaker_mention": None
        if mention is None
        else {"text": mention.text, "start": mention.start, "end": mention.end},
    }


class SideOut(BaseModel):
    quotes: list[QuoteOut]
    outlet: str | None = None
    text: str | None = Field(
        default=None, description="The text extracted from `html`; absent for other sides."
    )

    @classmethod
    def of(cls, side: Side, ids: Sequence[str], *, with_text: bool = False) -> Self:
        """``side`` with its quotes named by ``ids``; its ``outlet`` when it
        has one, its ``text`` when ``with_text`` (a side read from HTML)."""
        return cls.model_validate(_side(side, ids, with_text=with_text))


def _side(side: Side, ids: Sequence[str], *, with_text: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "quotes": [_quote(quote, qid) for qid, quote in zip(ids, side.quotes, strict=True)]
    }
    if side.outlet is not None:
        fields["outlet"] = side.outlet
    if with_text:
        fields["text"] = side.text
    return fields


class DiffOpOut(FromAttributes[DiffOp]):
    op: DiffOpName = Field(
        description="`equal`; `delete`: words only the left side has; `insert`: words only "
        "the right side has; `replace`: each side has its own words here. Between two "
        "outlets neither side is first: the names say which side has the words, not that "
        "anyone inserted or deleted them (with a baseline, the candidate dropped or added them)."
    )
    left: str
    right: str

    @classmethod
    def all(cls, ops: Iterable[DiffOp]) -> list[Self]:
        return [cls.model_validate(op) for op in ops]


class EditOut(FromAttributes[Edit]):
    type: EditType = Field(description="What was done to the quotation (see the README).")
    side: SideName | None = Field(
        description="The side it concerns: the cut side of `trimmed` (the other side alone "
        "has the words), the side that alone has the words of `inserted` (nobody is said to "
        "have inserted them: 'only <outlet> has'), the side with the mark of `ellipsis`, the "
        "long one of `spliced`."
    )
    where: EditPlace | None
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

    @classmethod
    def of(cls, match: Match, left: str, right: str, pair: PairInsight | None = None) -> Self:
        """``match`` between the quotes ``left`` and ``right`` (their ids),
        with the typed edits of its ``pair`` insight when there is one."""
        return cls.model_validate(_match(match, left, right, pair))


def _match(match: Match, left: str, right: str, pair: PairInsight | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "left": left,
        "right": right,
        "relation": match.relation,
        "score": float(match.score),
        "diff": match.diff,
    }
    if pair is not None:
        fields["edits"] = pair.edits
    return fields


class EchoOut(BaseModel):
    quote: str = Field(description="The omitted quotation (`L…` or `R…`).")
    echoed_in: SideName = Field(description="The side that echoes it.")
    start: int
    end: int
    text: str = Field(description="The echoing words: that side's text[start:end].")
    sentence: str = Field(description="The sentence they stand in.")
    score: float = Field(ge=0, le=100)
    kind: EchoKind = Field(
        description="`indirect`: reported speech; `narration`: the words as the outlet's own."
    )

    @classmethod
    def of(cls, found: SideEcho, qid: str) -> Self:
        """The echo, on the other side, of the omitted quotation ``qid``."""
        return cls.model_validate(_echo(found, qid))


def _echo(found: SideEcho, qid: str) -> dict[str, Any]:
    echo = found.echo
    return {
        "quote": qid,
        "echoed_in": "right" if found.side == "left" else "left",
        "start": echo.start,
        "end": echo.end,
        "text": echo.text,
        "sentence": echo.sentence,
        "score": float(echo.score),
        "kind": echo.kind,
    }


class DriftOut(BaseModel):
    left: str
    right: str
    left_speaker: str | None
    right_speaker: str | None
    kind: DriftKind


def _drift(
    comparison: Comparison, match: Match, kind: _DriftKind, left: str, right: str
) -> dict[str, Any]:
    return {
        "left": left,
        "right": right,
        "left_speaker": comparison.left.quotes[match.left].speaker,
        "right_speaker": comparison.right.quotes[match.right].speaker,
        "kind": kind,
    }


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
        return cls.model_validate(source_span_json(span))


def source_span_json(span: SourceSpan) -> dict[str, Any]:
    """``SourceSpanOut``'s fields, as plain data (a story page writes them too)."""
    return {
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "context_before": span.before,
        "context_after": span.after,
    }


class SourcedOut(BaseModel):
    quote: str
    verdict: Verdict
    score: float = Field(ge=0, le=100)
    primary: int | None = Field(description="Which primary document (index), if found.")
    source: SourceSpanOut | None
    edits: list[EditOut]
    diff: list[DiffOpOut] = Field(description="From the primary's words to the quotation's.")

    @classmethod
    def of(cls, qid: str, primary: int | None, sourced: Sourced) -> Self:
        """The quotation ``qid`` checked (``sourced``) against the primary
        document of index ``primary``."""
        return cls.model_validate(_sourced(qid, primary, sourced))


def _sourced(qid: str, primary: int | None, sourced: Sourced) -> dict[str, Any]:
    return {
        "quote": qid,
        "verdict": sourced.verdict,
        "score": float(sourced.score),
        "primary": primary,
        "source": source_span_json(sourced.span) if sourced.span is not None else None,
        "edits": sourced.edits,
        "diff": sourced.diff,
    }


class PrimaryOut(BaseModel):
    left: list[SourcedOut]
    right: list[SourcedOut]
    summary: dict[SideName, dict[Verdict, int]]

    @classmethod
    def of(cls, checked: PrimaryCheck, lids: Sequence[str], rids: Sequence[str]) -> Self:
        """Both sides' quotations (named by ``lids`` and ``rids``) as
        ``checked``, and each side's count of verdicts."""
        return cls.model_validate(_primary(checked, lids, rids))


def _primary(checked: PrimaryCheck, lids: Sequence[str], rids: Sequence[str]) -> dict[str, Any]:
    return {
        "left": [_sourced(qid, *found) for qid, found in zip(lids, checked.left, strict=True)],
        "right": [_sourced(qid, *found) for qid, found in zip(rids, checked.right, strict=True)],
        "summary": {
            "left": verdict_counts(sourced for _, sourced in checked.left),
            "right": verdict_counts(sourced for _, sourced in checked.right),
        },
    }


class SentenceOut(BaseModel):
    index: int = Field(description="The sentence's place in its side's text, from 0.")
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, sentence: Sentence, index: int) -> Self:
        return cls.model_validate(_sentence(sentence, index))


def _sentence(sentence: Sentence, index: int) -> dict[str, Any]:
    return {"index": index, "start": sentence.start, "end": sentence.end, "text": sentence.text}


class PassageOut(FromAttributes[Passage]):
    start: int = Field(description="Offset in its side's text.")
    end: int
    text: str = Field(description="Adjacent sentences the other side has no counterpart of.")
    sentences: list[int] = Field(description="Their indexes.")
    words: int


class HeadingPartOut(FromAttributes[HeadingPart]):
    part: Heading
    left: PassageOut | None = Field(description="The left's, if it has one (a sentence).")
    right: PassageOut | None
    relation: HeadingRelation
    score: float = Field(ge=0, le=100, description="By wording; 0 when one side has none.")


class AlignedSentencesOut(BaseModel):
    left: list[SentenceOut]
    right: list[SentenceOut]
    relation: SentenceRelation = Field(
        description="`split`: one left sentence is several right ones; `merged`: the reverse."
    )
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut]

    @classmethod
    def of(cls, aligned: AlignedSentences, passages: PassageAlignment) -> Self:
        """``aligned``, its sentences read from the two sides of ``passages``."""
        return cls.model_validate(_aligned(aligned, passages))


def _aligned(aligned: AlignedSentences, passages: PassageAlignment) -> dict[str, Any]:
    return {
        "left": [_sentence(passages.left[i], i) for i in aligned.left],
        "right": [_sentence(passages.right[j], j) for j in aligned.right],
        "relation": aligned.relation,
        "score": float(aligned.score),
        "diff": aligned.diff,
    }


class PassagesOut(BaseModel):
    left_only: list[PassageOut] = Field(description="What only the left carries.")
    right_only: list[PassageOut] = Field(description="What only the right carries.")
    aligned: list[AlignedSentencesOut]
    heading: list[HeadingPartOut] = Field(
        default_factory=list,
        description="Headline and byline (a text's first lines, conservatively) compared as "
        "such; they are never passages or aligned sentences. Left out when neither side "
        "has one.",
    )

    @classmethod
    def of(cls, passages: PassageAlignment) -> Self:
        return cls.model_validate(_passages(passages))


def _passages(passages: PassageAlignment) -> dict[str, Any]:
    return {
        "left_only": passages.left_only,
        "right_only": passages.right_only,
        "aligned": [_aligned(a, passages) for a in passages.aligned],
        # Left out when neither side has a headline or byline.
        **({"heading": passages.heading} if passages.heading else {}),
    }


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

    @classmethod
    def of(
        cls,
        comparison: Comparison,
        left: Source,
        right: Source,
        primary: PrimaryCheck | None = None,
    ) -> Self:
        """The response to the comparison of ``left`` and ``right``: a side's
        text only when it was read from HTML (the offsets point into it);
        ``echoes`` and ``attribution_drift`` with the comparison's insight,
        ``passages`` with its passages, ``primary`` with ``primary`` (the
        quotations checked against primary documents)."""
        return cls.model_validate(_response(comparison, left, right, primary))


def response_json(
    comparison: Comparison,
    left: Source,
    right: Source,
    primary: PrimaryCheck | None = None,
) -> bytes:
    """The JSON of ``CompareResponse.of(comparison, left, right, primary)``
    as FastAPI writes it (unset fields left out), written once from plain
    data (see the module docstring)."""
    return orjson.dumps(_response(comparison, left, right, primary))


def _response(
    comparison: Comparison, left: Source, right: Source, primary: PrimaryCheck | None
) -> dict[str, Any]:
    lids = quote_ids("L", len(comparison.left.quotes))
    rids = quote_ids("R", len(comparison.right.quotes))
    alignment, insight = comparison.alignment, comparison.insight
    pairs = insight.pairs if insight is not None else (None,) * len(alignment.matches)
    fields: dict[str, Any] = {
        "left": _side(comparison.left, lids, with_text=isinstance(left, HtmlSource)),
        "right": _side(comparison.right, rids, with_text=isinstance(right, HtmlSource)),
        "matches": [
            _match(m, lids[m.left], rids[m.right], pair)
            for m, pair in zip(alignment.matches, pairs, strict=True)
        ],
        "left_only": [lids[i] for i in alignment.left_only],
        "right_only": [rids[i] for i in alignment.right_only],
    }
    if insight is not None:
        ids = {"left": lids, "right": rids}
        fields["echoes"] = [_echo(found, ids[found.side][found.index]) for found in insight.echoes]
        fields["attribution_drift"] = [
            _drift(comparison, m, pair.drift, lids[m.left], rids[m.right])
            for m, pair in zip(alignment.matches, insight.pairs, strict=True)
            if pair.drift is not None
        ]
    if primary is not None:
        fields["primary"] = _primary(primary, lids, rids)
    if comparison.passages is not None:
        fields["passages"] = _passages(comparison.passages)
    return fields
