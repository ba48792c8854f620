"""The JSON of stories and their aligned quotations, built from the
service's rows and dataclasses by each model's ``of``.

A page of a story's statements (``GET /v1/stories/{key}/quotes``) is
written once: ``quotes_json`` builds the body as plain data (dicts, lists,
and the core's frozen dataclasses whose fields are the JSON's: ``DiffOp``,
``Edit``, ``Echo``) and orjson writes it, as ``service.compare.schemas``
writes a comparison. ``StoryQuotes.of`` then dumping it, which the web page
still uses, validated some 3,000 nested models of a 50-statement page
again: about 10 ms of a 50-article story's page against 2 ms. The models
stay the definition of the shape (OpenAPI), and the tests hold that
``quotes_json`` writes exactly the bytes of ``StoryQuotes.of`` dumped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, Self

import orjson
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

from service.compare.schemas import (
    DiffOpOut,
    DriftKind,
    EchoKind,
    EditOut,
    SourceSpanOut,
    Verdict,
    source_span_json,
)
from service.core.insight.echoes import Echo
from service.models.base import utc
from service.models.stories import Story
from service.platform.wire import FromAttributes, NextCursor
from service.stories import service as stories

__all__ = [
    "DatedBy",
    "FirstAppearance",
    "JoinRequest",
    "Joined",
    "Omissions",
    "OutletAgainstPrimary",
    "PrimaryReport",
    "SourcedQuote",
    "StatementOut",
    "StoredQuote",
    "StoryArticle",
    "StoryArticleQuotes",
    "StoryEcho",
    "StoryOut",
    "StoryPage",
    "StoryQuotes",
    "StorySummary",
    "VariantOut",
    "VariantRelation",
    "quotes_json",
]


# Named schemas (see service.compare.schemas).
VariantRelation = TypeAliasType(
    "VariantRelation", Literal["canonical", "identical", "reworded", "partial"]
)
DatedBy = TypeAliasType("DatedBy", Literal["published", "stored"])


class JoinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    article_id: str = Field(min_length=1, max_length=64)
    primary: bool = Field(
        default=False,
        description="The article is a primary document (a transcript, a statement, a "
        "release): outlets' quotations are checked against it, and it is not coverage.",
    )


class Joined(FromAttributes[stories.Joined]):
    story: str
    article_id: str
    joined: bool = Field(description="False when the article already was a member.")
    primary: bool = Field(description="Whether it is one of the story's primary documents.")


class StorySummary(BaseModel):
    key: str
    created_at: datetime
    articles: int

    @classmethod
    def of(cls, story: Story, articles: int) -> Self:
        return cls(key=story.key, created_at=utc(story.created_at), articles=articles)


class StoryPage(BaseModel):
    items: list[StorySummary]
    next: NextCursor

    @classmethod
    def of(cls, rows: Sequence[tuple[Story, int]], next: str | None) -> Self:
        return cls(items=[StorySummary.of(story, n) for story, n in rows], next=next)


class StoryArticle(BaseModel):
    article_id: str
    outlet: str
    url: str | None
    version: int | None = Field(description="The latest version, which the story aligns.")
    headline: str | None
    published_at: datetime | None = Field(
        description="The latest version's publication time as its source gave it (ninjs "
        "`firstCreated`, the request's `published_at`); null when the source gave none."
    )
    stored_at: datetime = Field(description="When Sourcediff first stored the article.")
    added_at: datetime
    primary: bool = Field(description="A primary document rather than coverage.")

    @classmethod
    def of(cls, member: stories.StoryMember) -> Self:
        return cls(**_member_fields(member))


def _member_fields(member: stories.StoryMember) -> dict[str, Any]:
    """``StoryArticle``'s fields, which ``StoryArticleQuotes`` extends."""
    return {
        "article_id": member.article_id,
        "outlet": member.outlet,
        "url": member.url,
        "version": member.version,
        "headline": member.headline,
        "published_at": member.published_at,
        "stored_at": member.created_at,
        "added_at": member.added_at,
        "primary": member.primary,
    }


class StoryOut(BaseModel):
    key: str
    created_at: datetime
    articles: list[StoryArticle]

    @classmethod
    def of(cls, story: Story, members: Sequence[stories.StoryMember]) -> Self:
        return cls(
            key=story.key,
            created_at=utc(story.created_at),
            articles=[StoryArticle.of(m) for m in members],
        )


class _Stored(Protocol):
    """A stored quotation: an index row, or a search candidate."""

    @property
    def id(self) -> int | None: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker(self) -> str | None: ...


class StoredQuote(FromAttributes[_Stored]):
    id: int = Field(description="The quotation's id in the quote index.")
    text: str
    start: int = Field(description="Offset in its version's `text`.")
    end: int
    speaker: str | None


class VariantOut(BaseModel):
    article_id: str
    outlet: str
    version: int
    published_at: datetime | None = Field(
        description="The article's publication time as its source gave it; null when none."
    )
    quote: StoredQuote
    relation: VariantRelation = Field(description="Against the statement's canonical wording.")
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut] = Field(description="From the canonical wording to this one.")
    edits: list[EditOut] = Field(description="Typed edits from the canonical wording.")
    drift: DriftKind | None = Field(
        description="How its attribution differs from the canonical wording's, if it does."
    )
    repeats: list[int] = Field(description="Ids of the same words repeated in the article.")

    @classmethod
    def of(cls, v: stories.StoryVariant) -> Self:
        return cls(
            article_id=v.member.article_id,
            outlet=v.member.outlet,
            version=v.quote.version,
            published_at=v.member.published_at,
            quote=StoredQuote.of(v.quote),
            relation=v.relation,
            score=v.score,
            diff=DiffOpOut.all(v.diff),
            edits=[EditOut.of(e) for e in v.edits],
            drift=v.drift,
            repeats=list(v.repeats),
        )


class FirstAppearance(BaseModel):
    article_id: str
    outlet: str
    published_at: datetime | None = Field(
        description="Its publication time as its source gave it; null when none."
    )
    stored_at: datetime = Field(description="When Sourcediff first stored the article.")
    dated_by: DatedBy = Field(
        description="Which of the two times ranked it first: its publication time, or, "
        "when its source gave none, when it was stored."
    )

    @classmethod
    def of(cls, member: stories.StoryMember) -> Self:
        return cls(
            article_id=member.article_id,
            outlet=member.outlet,
            published_at=member.published_at,
            stored_at=member.created_at,
            dated_by="published" if member.published_at is not None else "stored",
        )


class StatementOut(BaseModel):
    id: str = Field(
        description="`S1`, `S2` …: the statement's place among all of the story's, the same "
        "on every page while the story does not change."
    )
    canonical: VariantOut = Field(description="The longest wording (earliest on ties).")
    first: FirstAppearance
    carried_by: list[str] = Field(description="Article ids, earliest first.")
    omitted_by: list[str] = Field(description="Article ids of the story that omit it.")
    variants: list[VariantOut] = Field(description="The canonical first.")

    @classmethod
    def of(cls, s: stories.StoryStatement) -> Self:
        return cls(
            id=s.id,
            canonical=VariantOut.of(s.canonical),
            first=FirstAppearance.of(s.first),
            carried_by=list(s.carried_by),
            omitted_by=list(s.omitted_by),
            variants=[VariantOut.of(v) for v in s.variants],
        )


class StoryArticleQuotes(StoryArticle):
    quotes: int = Field(description="Quotations of its latest version.")
    quotes_left_out: int = Field(
        description="Of those, how many the story's limits left out of the alignment: its "
        "quotations past the first `SOURCEDIFF_STORY_MAX_QUOTES` in its text, or past "
        "`SOURCEDIFF_STORY_MAX_QUOTE_CHARS` characters of them (0 for a primary document)."
    )

    @classmethod
    def counted(cls, counted: stories.ArticleQuotes) -> Self:
        return cls(
            **_member_fields(counted.member),
            quotes=counted.quotes,
            quotes_left_out=counted.left_out,
        )


class StoryEcho(FromAttributes[Echo]):
    start: int = Field(description="Offset in the article's latest version's `text`.")
    end: int
    text: str
    sentence: str
    score: float = Field(ge=0, le=100)
    kind: EchoKind


class Omissions(BaseModel):
    article_id: str
    outlet: str
    omits: list[str] = Field(description="Ids of the statements of this page it omits.")
    echoes: dict[str, StoryEcho] = Field(
        description="Omitted statements (by id) whose words the article carries unquoted."
    )
    omitted: int = Field(description="How many of all the story's statements it omits.")

    @classmethod
    def of(cls, o: stories.StoryOmission) -> Self:
        return cls(
            article_id=o.member.article_id,
            outlet=o.member.outlet,
            omits=list(o.omits),
            echoes={sid: StoryEcho.of(echo) for sid, echo in o.echoes.items()},
            omitted=o.omitted,
        )


class SourcedQuote(BaseModel):
    quote_id: int
    text: str
    primary: str | None = Field(description="The primary document that carries it.")
    verdict: Verdict
    score: float = Field(ge=0, le=100)
    source: SourceSpanOut | None
    edits: list[EditOut] = Field(description="From the primary's words to the quotation.")
    diff: list[DiffOpOut]
    statement: str | None = Field(
        description="The statement it is a variant of (quotations are listed on the page of "
        "their statement; those of none, on the first page)."
    )

    @classmethod
    def of(cls, q: stories.SourcedQuote) -> Self:
        sourced = q.sourced
        return cls(
            quote_id=q.quote.id,
            text=q.quote.text,
            primary=q.primary,
            verdict=sourced.verdict,
            score=sourced.score,
            source=SourceSpanOut.of(sourced.span) if sourced.span is not None else None,
            edits=[EditOut.of(e) for e in sourced.edits],
            diff=DiffOpOut.all(sourced.diff),
            statement=q.statement,
        )


class OutletAgainstPrimary(BaseModel):
    article_id: str
    outlet: str
    accurate: bool = Field(
        description="No quotation edited or missing from the documents (of all it aligns)."
    )
    summary: dict[Verdict, int] = Field(description="Verdicts of all the quotations it aligns.")
    quotes: list[SourcedQuote] = Field(description="Those of this page's statements.")

    @classmethod
    def of(cls, o: stories.OutletAgainstPrimary) -> Self:
        return cls(
            article_id=o.member.article_id,
            outlet=o.member.outlet,
            accurate=o.accurate,
            summary=o.summary,
            quotes=[SourcedQuote.of(q) for q in o.quotes],
        )


class PrimaryReport(BaseModel):
    documents: list[str] = Field(description="Article ids of the primary documents.")
    outlets: list[OutletAgainstPrimary]

    @classmethod
    def of(cls, check: stories.PrimaryCheck) -> Self:
        return cls(
            documents=list(check.documents),
            outlets=[OutletAgainstPrimary.of(o) for o in check.outlets],
        )


class StoryQuotes(BaseModel):
    story: str
    articles: list[StoryArticleQuotes] = Field(
        description="The articles aligned: the first `SOURCEDIFF_STORY_MAX_ARTICLES` to join."
    )
    statements: list[StatementOut] = Field(
        description="This page's: most widely carried first, then earliest first appearance."
    )
    omissions: list[Omissions] = Field(description="Each coverage article's, on this page.")
    primary: PrimaryReport | None = Field(
        default=None, description="With primary documents: each outlet's quotations checked."
    )
    total_statements: int = Field(description="Statements on every page together.")
    articles_left_out: int = Field(
        description="Articles of the story past `SOURCEDIFF_STORY_MAX_ARTICLES`, not aligned."
    )
    next: NextCursor

    @classmethod
    def of(cls, q: stories.StoryQuotations) -> Self:
        return cls(
            story=q.story,
            articles=[StoryArticleQuotes.counted(a) for a in q.articles],
            statements=[StatementOut.of(s) for s in q.statements],
            omissions=[Omissions.of(o) for o in q.omissions],
            primary=PrimaryReport.of(q.primary) if q.primary is not None else None,
            total_statements=q.total,
            articles_left_out=q.articles_left_out,
            next=q.next,
        )


# Writing a page once (see the module docstring). Each builder gives the
# fields of its model, in the model's order; times are aware UTC (``utc``,
# as the repository reads them), which orjson writes with ``Z`` as pydantic
# does; scores go through ``float`` (pydantic writes ``100.0`` for 100).


def quotes_json(q: stories.StoryQuotations) -> bytes:
    """The JSON of ``StoryQuotes.of(q)`` as the route dumps it, written once."""
    return orjson.dumps(_quotes(q), option=orjson.OPT_UTC_Z)


def _quotes(q: stories.StoryQuotations) -> dict[str, Any]:
    return {
        "story": q.story,
        "articles": [_counted(a) for a in q.articles],
        "statements": [_statement(s) for s in q.statements],
        "omissions": [_omissions(o) for o in q.omissions],
        "primary": _primary(q.primary) if q.primary is not None else None,
        "total_statements": q.total,
        "articles_left_out": q.articles_left_out,
        "next": q.next,
    }


def _counted(counted: stories.ArticleQuotes) -> dict[str, Any]:
    fields = _member_fields(counted.member)
    fields["quotes"] = counted.quotes
    fields["quotes_left_out"] = counted.left_out
    return fields


def _variant(v: stories.StoryVariant) -> dict[str, Any]:
    member, quote = v.member, v.quote
    return {
        "article_id": member.article_id,
        "outlet": member.outlet,
        "version": quote.version,
        "published_at": member.published_at,
        "quote": {
            "id": quote.id,
            "text": quote.text,
            "start": quote.start,
            "end": quote.end,
            "speaker": quote.speaker,
        },
        "relation": v.relation,
        "score": float(v.score),
        "diff": v.diff,
        "edits": v.edits,
        "drift": v.drift,
        "repeats": v.repeats,
    }


def _statement(s: stories.StoryStatement) -> dict[str, Any]:
    first = s.first
    return {
        "id": s.id,
        "canonical": _variant(s.canonical),
        "first": {
            "article_id": first.article_id,
            "outlet": first.outlet,
            "published_at": first.published_at,
            "stored_at": first.created_at,
            "dated_by": "published" if first.published_at is not None else "stored",
        },
        "carried_by": s.carried_by,
        "omitted_by": s.omitted_by,
        "variants": [_variant(v) for v in s.variants],
    }


def _omissions(o: stories.StoryOmission) -> dict[str, Any]:
    return {
        "article_id": o.member.article_id,
        "outlet": o.member.outlet,
        "omits": o.omits,
        "echoes": {
            sid: {
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "sentence": e.sentence,
                "score": float(e.score),
                "kind": e.kind,
            }
            for sid, e in o.echoes.items()
        },
        "omitted": o.omitted,
    }


def _sourced(q: stories.SourcedQuote) -> dict[str, Any]:
    sourced, span = q.sourced, q.sourced.span
    return {
        "quote_id": q.quote.id,
        "text": q.quote.text,
        "primary": q.primary,
        "verdict": sourced.verdict,
        "score": float(sourced.score),
        "source": None if span is None else source_span_json(span),
        "edits": sourced.edits,
        "diff": sourced.diff,
        "statement": q.statement,
    }


def _primary(check: stories.PrimaryCheck) -> dict[str, Any]:
    return {
        "documents": check.documents,
        "outlets": [
            {
                "article_id": o.member.article_id,
                "outlet": o.member.outlet,
                "accurate": o.accurate,
                "summary": o.summary,
                "quotes": [_sourced(q) for q in o.quotes],
            }
            for o in check.outlets
        ],
    }
