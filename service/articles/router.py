"""Articles and their versions: ingest, read, page through, diff.

Routes (all scoped to the caller's tenant; ``POST`` needs the ``write``
scope, the reads ``read``):

- ``POST /v1/articles``: record a version (201 created, 200 unchanged)
  from Sourcediff's JSON, a ninjs item or NewsML-G2 XML (a ``newsMessage``
  records each of its text items); an ``Idempotency-Key`` header makes
  retries return the first answer.
- ``GET /v1/articles``: articles, oldest first, filtered by outlet, URL and
  time, keyset-paginated.
- ``GET /v1/articles/{article_id}``, ``…/versions``, ``…/versions/{number}``,
  ``…/versions/{number}/ninjs``, ``…/versions/{number}/newsml``,
  ``…/diff?from=&to=``.
- ``GET /v1/articles/{article_id}/related``: other articles carrying the
  same statements, ranked, with the quote pairs as evidence (candidates for
  the same story).

The diff of two long versions runs in ``service.platform.compute``'s worker
processes, as comparisons do: 422 ``too-complex`` past the deadline, 503
``overloaded`` when they are all busy, stopped when the client leaves. The
versions are read here, the worker diffs them and writes the JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Body, Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine

from service.articles.schemas import (
    ArticleBody,
    ArticleOut,
    ArticlePage,
    ArticleRecorded,
    ArticlesRecorded,
    NeitherShape,
    NinjsRequest,
    VersionDiff,
    VersionOut,
    VersionPage,
    fitting,
    newsml_document,
    ninjs_document,
    read_article_body,
)
from service.articles.service import (
    Idempotency,
    Submission,
    VersionPair,
    diffed_versions,
    list_articles,
    list_versions,
    read_article,
    read_version,
    record_version,
    submission_from_ninjs,
    versions_to_diff,
)
from service.keys.deps import READ, WRITE, TenantDep, api_router
from service.platform import metrics
from service.platform.config import Settings
from service.platform.deps import (
    ComputeDep,
    Cursor,
    EngineDep,
    Limit,
    SessionDep,
    SettingsDep,
    require_json,
)
from service.platform.errors import (
    InvalidRequest,
    MalformedBody,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from service.platform.newsml import (
    NEWSITEM_TYPE,
    NEWSML_TYPES,
    NewsmlError,
    NewsmlMalformed,
    is_newsml_type,
    parse_newsml,
)
from service.platform.ninjs import NinjsError, NinjsItem
from service.platform.problems import problem_doc
from service.platform.wire import StoryKey, Timestamp
from service.quotes.schemas import RelatedPage
from service.quotes.service import related_articles

__all__ = ["router"]

router = api_router("/v1/articles", "articles")

ArticleId = Annotated[str, Path(min_length=1, max_length=64, description="An article's id.")]
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="A version number, from 1.")]

# What a client whose version diff overran the deadline can ask instead.
DIFF_ADVICE = "diff versions that are closer, or read the versions themselves"
_DIFF = TypeAdapter(VersionDiff)


async def json_or_newsml(request: Request) -> None:
    """Refuse (415) a body that is neither JSON nor NewsML-G2 XML."""
    if not is_newsml_type(request.headers.get("content-type", "")):
        try:
            await require_json(request)
        except UnsupportedMediaType as exc:
            raise UnsupportedMediaType(
                f"{exc.detail}, or NewsML-G2 as XML ({', '.join(NEWSML_TYPES)})"
            ) from None


# The JSON shapes are documented from the body's type; NewsML-G2 is XML.
_NEWSML_BODY = {
    "schema": {
        "type": "string",
        "description": "A NewsML-G2 newsItem, or a newsMessage of items (each text item is "
        "recorded).",
    }
}


@router.post(
    "",
    status_code=201,
    response_model=ArticleRecorded | ArticlesRecorded,
    dependencies=[*WRITE, Depends(json_or_newsml)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media_type: _NEWSML_BODY for media_type in NEWSML_TYPES},
        }
    },
    responses={
        200: {
            "model": ArticleRecorded | ArticlesRecorded,
            "description": "The text is unchanged (of every item of a newsMessage).",
        },
        409: problem_doc("The `Idempotency-Key` was used for a different request"),
    },
)
def record(
    request: Request,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
    tenant: TenantDep,
    outlet: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Outlet of a ninjs or NewsML-G2 item (else the item's own).",
        ),
    ] = None,
    story: Annotated[
        StoryKey | None,
        Query(description="Story of a ninjs or NewsML-G2 item (the article joins it)."),
    ] = None,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=255)] = None,
    body: Annotated[ArticleBody, Body()] = None,
) -> ArticleRecorded | ArticlesRecorded:
    """Record a version of an article (or find it unchanged), and, with a
    `story`, make the article a member of that story. A NewsML-G2
    `newsMessage` records each of its text items and answers with them all
    (201 when any is a new version)."""
    given = (outlet or "") + "\x1f" + (story or "")
    if is_newsml_type(request.headers.get("content-type", "")):
        raw = body if isinstance(body, bytes) else b""
        submissions, root = _newsml_submissions(raw, outlet, story, settings)
        key = hashlib.sha256(raw + given.encode()).hexdigest()
        recorded = [
            _record(engine, tenant, submission, settings, _item_key(idempotency_key, n, root), key)
            for n, submission in enumerate(submissions)
        ]
        response.status_code = 201 if any(r.created for r in recorded) else 200
        if root == "newsItem":
            return recorded[0]
        return ArticlesRecorded(items=recorded)
    submission, canonical = _json_submission(body, outlet, story)
    key = hashlib.sha256((canonical + given).encode()).hexdigest()
    recorded_one = _record(engine, tenant, submission, settings, idempotency_key, key)
    response.status_code = 201 if recorded_one.created else 200
    return recorded_one


def _record(
    engine: Engine,
    tenant: str,
    submission: Submission,
    settings: Settings,
    idempotency_key: str | None,
    request_hash: str,
) -> ArticleRecorded:
    idempotency = None
    if idempotency_key is not None:
        idempotency = Idempotency(idempotency_key, request_hash)
    recorded = record_version(engine, tenant, submission, settings, idempotency=idempotency)
    metrics.INGESTS.labels(result="created" if recorded.created else "unchanged").inc()
    return ArticleRecorded.model_validate(recorded, from_attributes=True)


def _item_key(key: str | None, n: int, root: str) -> str | None:
    """The ``Idempotency-Key`` of a document's ``n``th item: the key itself
    for a ``newsItem``; for a ``newsMessage``, one key per item derived from
    it (each item keeps its own first answer, so a retry after a failure
    part-way stores the rest)."""
    if key is None or root == "newsItem":
        return key
    return f"newsMessage:{hashlib.sha256(key.encode()).hexdigest()}:{n}"


def _newsml_submissions(
    raw: bytes, outlet: str | None, story: str | None, settings: Settings
) -> tuple[list[Submission], str]:
    """A NewsML-G2 document's text items as submissions, and its root
    element's name; every item is checked (its fields against their
    columns, its text against the limit) before any is stored, so a
    message one of whose items would be refused stores nothing."""
    try:
        document = parse_newsml(raw)
    except NewsmlMalformed as exc:
        raise MalformedBody(f"NewsML-G2: {exc}") from None
    except NewsmlError as exc:
        raise Unprocessable(f"NewsML-G2: {exc}") from None
    return [_newsml_submission(i, outlet, story, settings) for i in document.items], document.root


def _newsml_submission(
    item: NinjsItem, outlet: str | None, story: str | None, settings: Settings
) -> Submission:
    try:
        fitting(item)
    except NinjsError as exc:
        raise Unprocessable(f"NewsML-G2: newsItem {item.uri[:100]}: {exc}") from None
    size, most = len(item.text or ""), settings.max_text_chars
    if size > most:
        raise PayloadTooLarge(
            f"NewsML-G2: newsItem {item.uri[:100]} has {size:,} characters; the limit is {most:,}"
        )
    return submission_from_ninjs(item, outlet, story)


def _json_submission(body: Any, outlet: str | None, story: str | None) -> tuple[Submission, str]:
    """A JSON body as a submission, with the body's canonical form (what an
    ``Idempotency-Key`` is bound to). A body of neither shape is one
    problem saying which shapes are taken; every error points into the
    body (RFC 6901: ``/outlet``, ``/bodies/0/value``)."""
    try:
        request = read_article_body(body)
    except NeitherShape as exc:
        error = {"pointer": "", "detail": str(exc), "type": "article_shape"}
        raise InvalidRequest(str(exc), errors=[error]) from None
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None
    if isinstance(request, NinjsRequest):
        try:
            item = request.item(body)
        except NinjsError as exc:
            error = {"pointer": exc.pointer, "detail": str(exc), "type": "ninjs"}
            raise Unprocessable(f"ninjs: {exc}", errors=[error]) from None
        submission = submission_from_ninjs(item, outlet, story)
    else:
        if story is not None and request.story not in (None, story):
            raise Unprocessable("the `story` query parameter and body field differ")
        submission = request.to_submission()
        if story is not None and request.story is None:
            submission = replace(submission, story=story)
    return submission, json.dumps(request.model_dump(mode="json"), sort_keys=True)


@router.get("", response_model=ArticlePage, dependencies=READ)
def articles(
    session: SessionDep,
    tenant: TenantDep,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    url: Annotated[str | None, Query(max_length=2048)] = None,
    since: Annotated[Timestamp | None, Query(description="Stored at or after.")] = None,
    until: Annotated[Timestamp | None, Query(description="Stored before.")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ArticlePage:
    """Articles, oldest first."""
    page = list_articles(
        session,
        tenant,
        outlet=outlet,
        url=url,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    return ArticlePage.of(page)


@router.get("/{article_id}", response_model=ArticleOut, dependencies=READ)
def article(article_id: ArticleId, session: SessionDep, tenant: TenantDep) -> ArticleOut:
    """One article and its latest version number."""
    return ArticleOut.of(read_article(session, tenant, article_id))


@router.get("/{article_id}/versions", response_model=VersionPage, dependencies=READ)
def versions(
    article_id: ArticleId,
    session: SessionDep,
    tenant: TenantDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> VersionPage:
    """An article's versions, oldest first (without their texts)."""
    return VersionPage.of(list_versions(session, tenant, article_id, cursor=cursor, limit=limit))


@router.get("/{article_id}/versions/{number}", response_model=VersionOut, dependencies=READ)
def version(
    article_id: ArticleId, number: Number, session: SessionDep, tenant: TenantDep
) -> VersionOut:
    """One version, with its text."""
    return VersionOut.of(read_version(session, tenant, article_id, number))


@router.get("/{article_id}/versions/{number}/ninjs", dependencies=READ)
def version_ninjs(
    article_id: ArticleId, number: Number, session: SessionDep, tenant: TenantDep
) -> dict[str, Any]:
    """One version as an IPTC ninjs 3.x news item."""
    return ninjs_document(read_version(session, tenant, article_id, number))


@router.get(
    "/{article_id}/versions/{number}/newsml",
    dependencies=READ,
    response_class=Response,
    responses={
        200: {
            "content": {NEWSITEM_TYPE: {"schema": {"type": "string"}}},
            "description": "The version as a NewsML-G2 newsItem, its text as NITF.",
        }
    },
)
def version_newsml(
    article_id: ArticleId, number: Number, session: SessionDep, tenant: TenantDep
) -> Response:
    """One version as an IPTC NewsML-G2 `newsItem` (XML), its text as NITF
    paragraphs: posting it back to `POST /v1/articles` finds it unchanged."""
    document = newsml_document(read_version(session, tenant, article_id, number))
    return Response(document, media_type=NEWSITEM_TYPE)


@router.get(
    "/{article_id}/diff",
    response_model=VersionDiff,
    response_model_by_alias=True,
    dependencies=READ,
)
async def diff(
    article_id: ArticleId,
    session: SessionDep,
    tenant: TenantDep,
    compute: ComputeDep,
    request: Request,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    to: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Word diff of two versions (by default the latest against the one
    before), with the quotation changes listed apart."""
    pair = await run_in_threadpool(versions_to_diff, session, tenant, article_id, from_, to)
    content = await compute.run(
        _diff_json, pair, request=request, size=pair.size, advice=DIFF_ADVICE
    )
    return Response(content, media_type="application/json")


def _diff_json(pair: VersionPair) -> bytes:
    """The version diff's JSON, as FastAPI writes ``VersionDiff``; it runs in
    a worker process."""
    body = VersionDiff.of(diffed_versions(pair))
    return _DIFF.dump_json(body, by_alias=True)


@router.get("/{article_id}/related", response_model=RelatedPage, dependencies=READ)
def related(
    article_id: ArticleId,
    session: SessionDep,
    tenant: TenantDep,
    min_score: Annotated[
        float,
        Query(
            ge=0,
            le=100,
            description="Least search score of a shared quotation (it must also be the same "
            "statement by the alignment rules).",
        ),
    ] = 60,
    limit: Annotated[int, Query(ge=1, le=50, description="At most this many articles.")] = 10,
) -> RelatedPage:
    """Other articles that carry the same statements as this one's latest
    version, most shared first, with the pairs of quotations as evidence:
    the candidates for this article's story."""
    related = related_articles(session, tenant, article_id, min_score=min_score, limit=limit)
    return RelatedPage.of(article_id, related)
