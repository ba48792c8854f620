"""The JSON of stories and their aligned quotations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.compare.schemas import DiffOpOut, EditOut, SourceSpanOut
from service.core.insight.attribution import DriftKind
from service.core.insight.primary import Verdict

__all__ = [
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
]


class JoinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    article_id: str = Field(min_length=1, max_length=64)
    primary: bool = Field(
        default=False,
        description="The article is a primary document (a transcript, a statement, a "
        "release): outlets' quotations are checked against it, and it is not coverage.",
    )


class Joined(BaseModel):
    story: str
    article_id: str
    joined: bool = Field(description="False when the article already was a member.")
    primary: bool = Field(description="Whether it is one of the story's primary documents.")


class StorySummary(BaseModel):
    key: str
    created_at: datetime
    articles: int


class StoryPage(BaseModel):
    items: list[StorySummary]
    next: str | None = Field(description="Cursor of the next page; null on the last.")


class StoryArticle(BaseModel):
    article_id: str
    outlet: str
    url: str | None
    version: int | None = Field(description="The latest version, which the story aligns.")
    headline: str | None
    published_at: datetime | None = Field(
        description="The latest version's publication time, else when it was first stored."
    )
    added_at: datetime
    primary: bool = Field(description="A primary document rather than coverage.")


class StoryOut(BaseModel):
    key: str
    created_at: datetime
    articles: list[StoryArticle]


class StoredQuote(BaseModel):
    id: int = Field(description="The quotation's id in the quote index.")
    text: str
    start: int = Field(description="Offset in its version's `text`.")
    end: int
    speaker: str | None


class VariantOut(BaseModel):
    article_id: str
    outlet: str
    version: int
    published_at: datetime | None
    quote: StoredQuote
    relation: Literal["canonical", "identical", "reworded", "partial"] = Field(
        description="Against the statement's canonical wording."
    )
    score: float = Field(ge=0, le=100)
    diff: list[DiffOpOut] = Field(description="From the canonical wording to this one.")
    edits: list[EditOut] = Field(description="Typed edits from the canonical wording.")
    drift: DriftKind | None = Field(
        description="How its attribution differs from the canonical wording's, if it does."
    )
    repeats: list[int] = Field(description="Ids of the same words repeated in the article.")


class FirstAppearance(BaseModel):
    article_id: str
    outlet: str
    published_at: datetime | None


class StatementOut(BaseModel):
    id: str = Field(description="`S1`, `S2` … in this response.")
    canonical: VariantOut = Field(description="The longest wording (earliest on ties).")
    first: FirstAppearance
    carried_by: list[str] = Field(description="Article ids, earliest first.")
    omitted_by: list[str] = Field(description="Article ids of the story that omit it.")
    variants: list[VariantOut] = Field(description="The canonical first.")


class StoryArticleQuotes(StoryArticle):
    quotes: int


class StoryEcho(BaseModel):
    start: int = Field(description="Offset in the article's latest version's `text`.")
    end: int
    text: str
    sentence: str
    score: float = Field(ge=0, le=100)
    kind: Literal["indirect", "narration"]


class Omissions(BaseModel):
    article_id: str
    outlet: str
    omits: list[str] = Field(description="Statement ids.")
    echoes: dict[str, StoryEcho] = Field(
        description="Omitted statements (by id) whose words the article carries unquoted."
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


class OutletAgainstPrimary(BaseModel):
    article_id: str
    outlet: str
    accurate: bool = Field(description="No quotation edited or missing from the documents.")
    summary: dict[Verdict, int]
    quotes: list[SourcedQuote]


class PrimaryReport(BaseModel):
    documents: list[str] = Field(description="Article ids of the primary documents.")
    outlets: list[OutletAgainstPrimary]


class StoryQuotes(BaseModel):
    story: str
    articles: list[StoryArticleQuotes]
    statements: list[StatementOut] = Field(
        description="Most widely carried first, then earliest first appearance."
    )
    omissions: list[Omissions]
    primary: PrimaryReport | None = Field(
        default=None, description="With primary documents: each outlet's quotations checked."
    )
