"""The JSON of the article endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from service.articles.service import Submission
from service.compare.schemas import DiffOpOut, QuoteOut, SentenceOut
from service.core import Relation
from service.platform.wire import ArticleText, StoryKey, Timestamp, Unicode, exactly_one

__all__ = [
    "ArticleOut",
    "ArticlePage",
    "ArticleRecorded",
    "ArticleRequest",
    "Name",
    "NinjsRequest",
    "QuoteChange",
    "QuoteChanges",
    "SentenceChange",
    "SentenceChanges",
    "Short",
    "VersionDiff",
    "VersionOut",
    "VersionPage",
    "VersionSummary",
]


Short = Annotated[Unicode, Field(min_length=1, max_length=1000)]


# Not blank (an outlet of spaces would be stored under ""), then stripped.
Name = Annotated[ArticleText, Field(max_length=200), AfterValidator(str.strip)]


class ArticleRequest(BaseModel):
    """One version of an article. Identify it by ``url`` (canonical URL) or
    by ``external_id`` (the outlet's own id); give ``text`` or ``html``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "allOf": [
                {
                    "oneOf": [
                        exactly_one("url", ("external_id",)),
                        exactly_one("external_id", ("url",)),
                    ]
                },
                {"oneOf": [exactly_one("text", ("html",)), exactly_one("html", ("text",))]},
            ],
            "examples": [
                {
                    "outlet": "The National",
                    "url": "https://example.com/north-korea-denies-arms",
                    "text": '"We have never exported weapons," the official said.',
                    "title": "North Korea denies sending arms to Russia",
                    "story": "nk-arms",
                }
            ],
        },
    )

    outlet: Name
    url: Annotated[Unicode, Field(min_length=1, max_length=2048)] | None = None
    external_id: Annotated[Unicode, Field(min_length=1, max_length=256)] | None = None
    text: ArticleText | None = None
    html: ArticleText | None = None
    title: Short | None = None
    byline: Short | None = None
    language: Annotated[Unicode, Field(min_length=1, max_length=35)] | None = None
    published_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    story: StoryKey | None = Field(
        default=None, description="Join this story (created on first use)."
    )

    @model_validator(mode="after")
    def _identity_and_body(self) -> Self:
        if (self.url is None) == (self.external_id is None):
            raise PydanticCustomError(
                "article_identity", "Identify the article by exactly one of url or external_id"
            )
        if (self.text is None) == (self.html is None):
            raise PydanticCustomError("article_body", "Give exactly one of text or html")
        return self

    def to_submission(self) -> Submission:
        return Submission(**self.model_dump())


class NinjsRequest(BaseModel):
    """An IPTC ninjs news item (1.x, 2.x or 3.x); its ``uri`` identifies the
    article. The outlet comes from the ``outlet`` query parameter, else the
    item's copyright holder."""

    model_config = ConfigDict(extra="allow")

    uri: Annotated[Unicode, Field(min_length=1, max_length=2048)]

    def document(self) -> dict[str, Any]:
        return self.model_dump()


class ArticleRecorded(BaseModel):
    id: str
    version: int
    created: bool = Field(description="False when the text equals the latest version's.")
    outlet: str
    url: str | None
    external_id: str | None
    content_hash: str
    story: str | None = Field(default=None, description="The story the article joined, if any.")


class ArticleOut(BaseModel):
    id: str
    outlet: str
    url: str | None
    external_id: str | None
    created_at: datetime
    latest_version: int | None
    versions: int
    title: str | None


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next: str | None = Field(description="Cursor of the next page; null on the last.")


class VersionSummary(BaseModel):
    version: int
    fetched_at: datetime
    published_at: datetime | None
    updated_at: datetime | None
    headline: str | None
    content_hash: str
    words: int


class VersionPage(BaseModel):
    items: list[VersionSummary]
    next: str | None = Field(description="Cursor of the next page; null on the last.")


class VersionOut(BaseModel):
    article_id: str
    outlet: str
    uri: str
    version: int
    version_created: datetime
    first_created: datetime
    fetched_at: datetime
    headline: str | None
    by: str | None
    language: str | None
    text: str
    html: str | None
    content_hash: str


class QuoteChange(BaseModel):
    relation: Relation
    score: float
    old: QuoteOut
    new: QuoteOut
    diff: list[DiffOpOut]


class QuoteChanges(BaseModel):
    added: list[QuoteOut]
    removed: list[QuoteOut]
    changed: list[QuoteChange]
    unchanged: int


class SentenceChange(BaseModel):
    old: list[SentenceOut]
    new: list[SentenceOut]
    relation: Literal["same", "reworded", "split", "merged"]
    score: float
    diff: list[DiffOpOut]


class SentenceChanges(BaseModel):
    """Sentence-level edits in NewsEdits' categories."""

    added: list[SentenceOut]
    deleted: list[SentenceOut]
    edited: list[SentenceChange] = Field(description="Reworded, split or merged sentences.")
    moved: list[SentenceChange] = Field(description="Sentences out of order against the rest.")
    unchanged: int


class VersionDiff(BaseModel):
    article_id: str
    from_: int = Field(alias="from", serialization_alias="from")
    to: int
    diff: list[DiffOpOut]
    quotes: QuoteChanges
    sentences: SentenceChanges

    model_config = ConfigDict(populate_by_name=True)
