"""The JSON of the article endpoints: requests, and responses built from the
service's rows and dataclasses by each model's ``of``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from service.articles.service import (
    ArticleRow,
    StoredVersion,
    Submission,
    VersionChanges,
    VersionsDiffed,
)
from service.compare.schemas import (
    DiffOpOut,
    QuoteOut,
    Relation,
    SentenceOut,
    SentenceRelation,
)
from service.core import Match
from service.core.alignment.passages import AlignedSentences, PassageAlignment
from service.models.articles import (
    BYLINE_LENGTH,
    EXTERNAL_ID_LENGTH,
    LANGUAGE_LENGTH,
    OUTLET_NAME_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
    Article,
    Version,
)
from service.models.base import utc
from service.platform.newsml import to_newsml
from service.platform.ninjs import (
    IDENTITIES,
    NinjsError,
    NinjsItem,
    looks_like_ninjs,
    parse_ninjs,
    to_ninjs,
)
from service.platform.pagination import Page
from service.platform.wire import (
    ArticleText,
    NextCursor,
    StoryKey,
    Timestamp,
    Unicode,
    exactly_one_of,
)

__all__ = [
    "ArticleBody",
    "ArticleOut",
    "ArticlePage",
    "ArticleRecorded",
    "ArticleRequest",
    "ArticlesRecorded",
    "Name",
    "NeitherShape",
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
    "fitting",
    "newsml_document",
    "ninjs_document",
    "read_article_body",
]


# Every limit is its column's (``service.models.articles``): a longer text
# would not fit, and PostgreSQL refused it with a 500.
Short = Annotated[Unicode, Field(min_length=1, max_length=TITLE_LENGTH)]
_Byline = Annotated[Unicode, Field(min_length=1, max_length=BYLINE_LENGTH)]
_Language = Annotated[Unicode, Field(min_length=1, max_length=LANGUAGE_LENGTH)]
_Url = Annotated[Unicode, Field(min_length=1, max_length=URL_LENGTH)]
_ExternalId = Annotated[Unicode, Field(min_length=1, max_length=EXTERNAL_ID_LENGTH)]


# Not blank (an outlet of spaces would be stored under ""), then stripped.
Name = Annotated[ArticleText, Field(max_length=OUTLET_NAME_LENGTH), AfterValidator(str.strip)]


class ArticleRequest(BaseModel):
    """One version of an article. Identify it by ``url`` (canonical URL) or
    by ``external_id`` (the outlet's own id); give ``text`` or ``html``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            **exactly_one_of(("url", "external_id"), ("text", "html")),
            "examples": [
                {
                    "outlet": "The National",
                    "url": "https://example.com/cooperative-denies-tractor-sales",
                    "text": '"We have never sold tractors," the official said.',
                    "title": "Cooperative denies selling tractors to Norway",
                    "story": "vale-tractors",
                }
            ],
        },
    )

    outlet: Name
    url: _Url | None = None
    external_id: _ExternalId | None = None
    text: ArticleText | None = None
    html: ArticleText | None = None
    title: Short | None = None
    byline: _Byline | None = None
    language: _Language | None = None
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
    """An IPTC ninjs news item (1.x, 2.x or 3.x), as the standard or a
    newsroom system writes it: its `uri` (or the `guid` of the 1.x items
    some systems write) identifies the article. The body is read from
    `body_text`, `bodies[]`, `body_html`, `body_xhtml` (else a text item's
    descriptions), the headline, byline and times from where each version
    puts them; every other member, extensions included, is ignored. The
    outlet comes from the `outlet` query parameter, else the item's
    copyright holder."""

    model_config = ConfigDict(
        extra="allow",
        # Some member of IDENTITIES: not every member's name outside them.
        json_schema_extra={"not": {"propertyNames": {"not": {"enum": list(IDENTITIES)}}}},
    )

    uri: _Url | None = None
    guid: _Url | None = Field(default=None, description="A 1.x item's id, when it has no `uri`.")

    def item(self, doc: Any) -> NinjsItem:
        """``doc``, the item this was validated from, read, once what
        Sourcediff would keep of it fits the columns it goes to;
        ``NinjsError`` (a 422 from the route, with the pointer of what is
        wrong) when it does not: a schema cannot say it, since ninjs
        versions spell these fields in several ways (``headline``,
        ``headlines[0].value``, …)."""
        # The item as it came (not dumped: pydantic's serialiser gives up on
        # deep nesting, which parse_ninjs refuses with a reason).
        return fitting(parse_ninjs(doc))


def fitting(item: NinjsItem) -> NinjsItem:
    """``item`` (of ninjs or NewsML-G2), once what Sourcediff keeps of it
    fits the columns it goes to; ``NinjsError`` naming the first that does
    not, with its pointer when it came from JSON."""
    for name, what, value, longest in (
        ("uri", "identity (`uri`, `guid`)", item.uri, URL_LENGTH),
        ("title", "headline", item.title, TITLE_LENGTH),
        ("byline", "byline (`by`)", item.byline, BYLINE_LENGTH),
        ("language", "language", item.language, LANGUAGE_LENGTH),
        # The outlet, unless the `outlet` query parameter names one.
        ("provider", "copyright holder or provider", item.provider, OUTLET_NAME_LENGTH),
    ):
        if value is not None and len(value) > longest:
            raise NinjsError(
                f"the item's {what} has {len(value):,} characters; at most {longest:,} are kept",
                item.where.get(name, ""),
            )
    return item


# The members only Sourcediff's own article has: ninjs items have a title,
# a byline and a language too.
_OWN_ONLY = frozenset(ArticleRequest.model_fields) - {"title", "byline", "language"}
_ACCEPTED = (
    "POST /v1/articles takes Sourcediff's article (`outlet`, `url` or `external_id`, `text` or "
    "`html`) or an IPTC ninjs 1.x-3.x item (identified by `uri`, or `guid`), as JSON; or "
    "NewsML-G2 XML (a `newsItem` or `newsMessage`)"
)


class NeitherShape(ValueError):
    """A JSON body that is neither Sourcediff's article nor a ninjs item;
    ``str(error)`` says which shapes are taken and what the body lacks."""


def _json_kind(body: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(body), "a number")


def read_article_body(body: Any) -> ArticleRequest | NinjsRequest:
    """A JSON body of ``POST /v1/articles`` read as the shape it has: a
    ninjs item when it has a `uri` or `guid`, Sourcediff's article when it
    has a member only that has (`outlet`, `url`, `text`, …), else a ninjs
    item when it has a member only ninjs has (`bodies`, `headline`, …).
    ``pydantic.ValidationError`` for what is wrong with it in that shape
    (its locations are the body's own), ``NeitherShape`` when it has neither.

    >>> type(read_article_body({"outlet": "Daily", "url": "u", "text": "T"})).__name__
    'ArticleRequest'
    >>> type(read_article_body({"guid": "urn:x", "body_html": "<p>Hi.</p>"})).__name__
    'NinjsRequest'
    """
    if not isinstance(body, dict):
        raise NeitherShape(f"The body is {_json_kind(body)}, not a JSON object. {_ACCEPTED}.")
    if any(name in body for name in IDENTITIES):
        return NinjsRequest.model_validate(body)
    if _OWN_ONLY & set(body):
        return ArticleRequest.model_validate(body)
    if looks_like_ninjs(body):
        return NinjsRequest.model_validate(body)
    members = ", ".join(f"`{name}`" for name in list(body)[:10]) or "no members at all"
    raise NeitherShape(
        f"The body is neither Sourcediff's article (no `outlet`, `url`, `external_id`, `text` "
        f"or `html`) nor a ninjs item (no `uri` or `guid`, nor another ninjs member); it has "
        f"{members}. {_ACCEPTED}."
    )


def _as_sent(body: Any) -> Any:
    return body


# The body of ``POST /v1/articles`` as it came (parsed JSON, or the bytes of
# any other type): the route reads its shape with ``read_article_body``, so
# that an error points into the body (``/outlet``), not into one member of
# a union of models, and XML can come the same way. OpenAPI still
# documents the two JSON shapes.
ArticleBody = Annotated[
    Any, PlainValidator(_as_sent, json_schema_input_type=ArticleRequest | NinjsRequest)
]


class ArticleRecorded(BaseModel):
    id: str
    version: int
    created: bool = Field(description="False when the text equals the latest version's.")
    outlet: str
    url: str | None
    external_id: str | None
    content_hash: str
    story: str | None = Field(default=None, description="The story the article joined, if any.")


class ArticlesRecorded(BaseModel):
    """What a NewsML-G2 ``newsMessage`` recorded: one entry per text item,
    in the order they were stored."""

    items: list[ArticleRecorded]


class ArticleOut(BaseModel):
    id: str
    outlet: str
    url: str | None
    external_id: str | None
    created_at: datetime
    latest_version: int | None
    versions: int
    title: str | None

    @classmethod
    def of(cls, row: ArticleRow) -> Self:
        latest = row.latest
        return cls(
            id=row.article.id,
            outlet=row.outlet.name,
            url=row.article.url,
            external_id=row.article.external_id,
            created_at=utc(row.article.created_at),
            latest_version=latest.number if latest is not None else None,
            versions=row.versions,
            title=latest.title if latest is not None else None,
        )


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next: NextCursor

    @classmethod
    def of(cls, page: Page[ArticleRow]) -> Self:
        return cls(items=[ArticleOut.of(row) for row in page.items], next=page.next)


class VersionSummary(BaseModel):
    version: int
    fetched_at: datetime
    published_at: datetime | None
    updated_at: datetime | None
    headline: str | None
    content_hash: str
    words: int

    @classmethod
    def of(cls, version: Version) -> Self:
        return cls(
            version=version.number,
            fetched_at=utc(version.fetched_at),
            published_at=utc(version.published_at),
            updated_at=utc(version.updated_at),
            headline=version.title,
            content_hash=version.content_hash,
            words=len(version.text.split()),
        )


class VersionPage(BaseModel):
    items: list[VersionSummary]
    next: NextCursor

    @classmethod
    def of(cls, page: Page[Version]) -> Self:
        return cls(items=[VersionSummary.of(v) for v in page.items], next=page.next)


def _uri(article: Article) -> str:
    return article.url or f"urn:sourcediff:article:{article.id}"


# A version; the names map one to one onto ninjs 3.x (see ``ninjs_document``):
# ``uri``, ``version``, ``version_created`` (versionCreated), ``first_created``
# (firstCreated), ``headline`` (headlines[0]), ``by``, ``language``, ``text``
# and ``html`` (bodies). (A comment: a docstring would enter the OpenAPI document.)
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

    @classmethod
    def of(cls, stored: StoredVersion) -> Self:
        article, version = stored.article, stored.version
        return cls(
            article_id=article.id,
            outlet=stored.outlet.name,
            uri=_uri(article),
            version=version.number,
            version_created=utc(version.updated_at or version.fetched_at),
            first_created=utc(version.published_at or article.created_at),
            fetched_at=utc(version.fetched_at),
            headline=version.title,
            by=version.byline,
            language=version.language,
            text=version.text,
            html=version.html,
            content_hash=version.content_hash,
        )


def ninjs_document(stored: StoredVersion) -> dict[str, Any]:
    """The version as an IPTC ninjs 3.x news item: ``VersionOut``'s fields
    under ninjs' names."""
    out = VersionOut.of(stored)
    return to_ninjs(
        uri=out.uri,
        version=out.version,
        text=out.text,
        html=out.html,
        title=out.headline,
        byline=out.by,
        language=out.language,
        version_created=out.version_created,
        first_created=out.first_created,
    )


def newsml_document(stored: StoredVersion) -> bytes:
    """The version as an IPTC NewsML-G2 ``newsItem`` (UTF-8 XML), its text
    as NITF: ``VersionOut``'s fields under NewsML-G2's names, the outlet as
    its provider."""
    out = VersionOut.of(stored)
    return to_newsml(
        uri=out.uri,
        version=out.version,
        outlet=out.outlet,
        text=out.text,
        title=out.headline,
        byline=out.by,
        language=out.language,
        version_created=out.version_created,
        first_created=out.first_created,
    )


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

    @classmethod
    def of(cls, changes: VersionChanges) -> Self:
        q = changes.quotes

        def old(i: int) -> QuoteOut:
            return QuoteOut.of(q.old[i], f"L{i + 1}")

        def new(i: int) -> QuoteOut:
            return QuoteOut.of(q.new[i], f"R{i + 1}")

        def change(m: Match) -> QuoteChange:
            return QuoteChange(
                relation=m.relation,
                score=m.score,
                old=old(m.left),
                new=new(m.right),
                diff=DiffOpOut.all(m.diff),
            )

        return cls(
            added=[new(i) for i in q.added],
            removed=[old(i) for i in q.removed],
            changed=[change(m) for m in q.changed],
            unchanged=q.unchanged,
        )


class SentenceChange(BaseModel):
    old: list[SentenceOut]
    new: list[SentenceOut]
    relation: SentenceRelation
    score: float
    diff: list[DiffOpOut]

    @classmethod
    def of(cls, p: PassageAlignment, a: AlignedSentences) -> Self:
        return cls(
            old=[SentenceOut.of(p.left[i], i) for i in a.left],
            new=[SentenceOut.of(p.right[j], j) for j in a.right],
            relation=a.relation,
            score=a.score,
            diff=DiffOpOut.all(a.diff),
        )


class SentenceChanges(BaseModel):
    """Sentence-level edits in NewsEdits' categories."""

    added: list[SentenceOut]
    deleted: list[SentenceOut]
    edited: list[SentenceChange] = Field(description="Reworded, split or merged sentences.")
    moved: list[SentenceChange] = Field(description="Sentences out of order against the rest.")
    unchanged: int

    @classmethod
    def of(cls, changes: VersionChanges) -> Self:
        s = changes.sentences
        p = s.alignment
        return cls(
            added=[SentenceOut.of(p.right[j], j) for j in s.added],
            deleted=[SentenceOut.of(p.left[i], i) for i in s.deleted],
            edited=[SentenceChange.of(p, a) for a in s.edited],
            moved=[SentenceChange.of(p, a) for a in s.moved],
            unchanged=s.unchanged,
        )


class VersionDiff(BaseModel):
    article_id: str
    from_: int = Field(alias="from", serialization_alias="from")
    to: int
    diff: list[DiffOpOut]
    quotes: QuoteChanges
    sentences: SentenceChanges

    model_config = ConfigDict(populate_by_name=True)

    @classmethod
    def of(cls, diffed: VersionsDiffed) -> Self:
        return cls(
            article_id=diffed.article_id,
            from_=diffed.old.number,  # type: ignore[call-arg]  # by name: populate_by_name
            to=diffed.new.number,
            diff=DiffOpOut.all(diffed.changes.words),
            quotes=QuoteChanges.of(diffed.changes),
            sentences=SentenceChanges.of(diffed.changes),
        )
