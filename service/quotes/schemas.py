"""The JSON of quote search and related articles."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.core import Relation
from service.stories.schemas import StoredQuote

__all__ = ["Evidence", "EvidenceQuote", "RelatedArticle", "RelatedPage", "SearchHit", "SearchPage"]


class SearchHit(BaseModel):
    article_id: str
    outlet: str
    url: str | None
    version: int
    latest: bool = Field(description="Whether this is the article's latest version.")
    score: float = Field(ge=0, le=100)
    relation: Relation | None = Field(
        description="The relation to the query by the alignment rules; null when close by "
        "score only."
    )
    quote: StoredQuote


class SearchPage(BaseModel):
    query: str = Field(description="The query as compared: normalised words.")
    items: list[SearchHit]
    next: str | None = Field(description="Cursor of the next page; null on the last.")


class EvidenceQuote(BaseModel):
    id: int
    text: str
    start: int


class Evidence(BaseModel):
    quote: EvidenceQuote
    match: StoredQuote
    score: float
    relation: Relation


class RelatedArticle(BaseModel):
    article_id: str
    outlet: str
    url: str | None
    version: int | None
    shared_quotes: int = Field(description="This article's quotations it carries a variant of.")
    of_quotes: int = Field(description="This article's quotations in all.")
    score: float = Field(description="Mean score of the shared quotations.")
    wording: float = Field(description="Token-set similarity of the two texts (0–100).")
    stories: list[str] = Field(description="Stories the related article belongs to.")
    evidence: list[Evidence]


class RelatedPage(BaseModel):
    article_id: str
    items: list[RelatedArticle]
