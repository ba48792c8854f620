"""Stories: articles about one event, and their quotations aligned n-way.

Routes (scoped to the caller's tenant; writes need ``write``, reads ``read``):

- ``GET /v1/stories``: stories by key, paginated.
- ``GET /v1/stories/{key}``: a story's articles.
- ``POST /v1/stories/{key}/articles``: add an article (201; 200 when it
  already is a member). ``POST /v1/articles`` with ``"story"`` does the same
  as it records a version.
- ``DELETE /v1/stories/{key}/articles/{article_id}``: take it out (204).
- ``GET /v1/stories/{key}/quotes``: the statements of every article's latest
  version, grouped n-way, with omissions and first appearance, a page at a
  time (``limit``, ``cursor``).

Aligning a story is bounded (``service.stories.quotations``): a story has at
most ``story_max_articles`` articles (a join past it is a 409), and of each
the first ``story_max_quotes`` quotations are aligned. The quotations and
texts are read here, then aligned and written as JSON in
``service.platform.compute``'s worker processes, as comparisons are: 422
``too-complex`` past the deadline, 503 ``overloaded`` when they are all
busy, stopped when the client leaves; a small story stays in the server's
threads. The server keeps the alignment and the pages it wrote for the
stories read last (``service.stories.cache``), under digests of what was
read: a page asked for again is answered from there, and another page of
the same story, or its page after a new version that left every quotation
as it was, is built without aligning it again. It keeps the texts and
quotations of the versions it read too (``StoryVersions``), so a story read
again reads its members from the database and only the versions it has
not met.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from service.keys.deps import READ, WRITE, TenantDep, api_router
from service.platform.deps import (
    ComputeDep,
    Cursor,
    EngineDep,
    Limit,
    SessionDep,
    SettingsDep,
    require_json,
)
from service.platform.wire import StoryKey
from service.stories.deps import StoryPagesDep, StoryVersionsDep
from service.stories.schemas import (
    Joined,
    JoinRequest,
    StoryOut,
    StoryPage,
    StoryQuotes,
    quotes_json,
)
from service.stories.service import (
    StoryLimits,
    StoryReading,
    join_story,
    kept_page,
    leave_story,
    list_stories,
    read_story,
    read_story_digested,
    statements_offset,
)

__all__ = ["router"]

router = api_router("/v1/stories", "stories")

Key = Annotated[str, Path(description="The story's key.")]
ValidKey = Annotated[StoryKey, Path()]

# What a client whose story overran the deadline can ask instead.
ADVICE = "ask for fewer statements (a smaller `limit`), or take articles out of the story"


@router.get("", response_model=StoryPage, dependencies=READ)
def stories(
    session: SessionDep,
    tenant: TenantDep,
    # The cursor is the previous page's last key (100 characters at most).
    cursor: Annotated[
        str | None, Query(max_length=100, description="`next` of the previous page.")
    ] = None,
    limit: Limit = 50,
) -> StoryPage:
    """Stories, by key."""
    rows, following = list_stories(session, tenant, after=cursor, limit=limit)
    return StoryPage.of(rows, following)


@router.get("/{key}", response_model=StoryOut, dependencies=READ)
def story(key: Key, session: SessionDep, tenant: TenantDep) -> StoryOut:
    """A story and its articles, in the order they joined."""
    return StoryOut.of(*read_story(session, tenant, key))


@router.post(
    "/{key}/articles",
    status_code=201,
    response_model=Joined,
    dependencies=[*WRITE, Depends(require_json)],
    responses={200: {"model": Joined, "description": "Already a member."}},
)
def join(
    key: ValidKey,
    body: JoinRequest,
    response: Response,
    engine: EngineDep,
    tenant: TenantDep,
    settings: SettingsDep,
) -> Joined:
    """Add an article to the story (created on first use), as coverage or,
    with `primary`, as a primary document; joining again changes which. A
    story has at most `SOURCEDIFF_STORY_MAX_ARTICLES` articles: one more is
    a 409."""
    joined = join_story(
        engine,
        tenant,
        key,
        body.article_id,
        primary=body.primary,
        max_articles=settings.story_max_articles,
    )
    response.status_code = 201 if joined.joined else 200
    return Joined.of(joined)


@router.delete("/{key}/articles/{article_id}", status_code=204, dependencies=WRITE)
def leave(
    key: Key,
    article_id: Annotated[str, Path(min_length=1, max_length=64)],
    engine: EngineDep,
    tenant: TenantDep,
) -> Response:
    """Take an article out of the story (the article itself stays)."""
    leave_story(engine, tenant, key, article_id)
    return Response(status_code=204)


@router.get("/{key}/quotes", response_model=StoryQuotes, dependencies=READ)
async def quotes(
    key: Key,
    session: SessionDep,
    tenant: TenantDep,
    settings: SettingsDep,
    compute: ComputeDep,
    pages: StoryPagesDep,
    versions: StoryVersionsDep,
    request: Request,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    """The story's statements across every outlet, a page at a time: for
    each, the canonical wording, each outlet's variant with its relation and
    word diff against it, who carried it first, and who omits it. Each
    article's first `SOURCEDIFF_STORY_MAX_QUOTES` quotations are aligned
    (`quotes_left_out` counts the rest); `omissions` and the `primary`
    report's quotations are those of the page's statements."""
    reading, digest, aligned_digest = await run_in_threadpool(
        read_story_digested, session, tenant, key, StoryLimits.of(settings), versions
    )
    offset = statements_offset(reading, cursor)
    kept, aligned_kept = (tenant, digest), (tenant, aligned_digest)
    content = pages.page(kept, offset=offset, limit=limit)
    alignment = pages.alignment(aligned_kept)  # asked for on every read: kept longest
    if content is None:
        written, aligned = await compute.run(
            _quotes_json,
            reading,
            offset,
            limit,
            alignment,
            request=request,
            size=reading.size,
            advice=ADVICE,
        )
        if aligned is not None:  # computed there, as none was given
            pages.keep_alignment(aligned_kept, aligned)
        pages.keep_page(kept, offset=offset, limit=limit, page=written)
        content = written
    return Response(content, media_type="application/json")


def _quotes_json(
    reading: StoryReading, offset: int, limit: int, alignment: bytes | None
) -> tuple[bytes, bytes | None]:
    """The page's JSON, as FastAPI writes ``StoryQuotes`` (written once,
    ``quotes_json``), and the story's alignment when it was computed here
    (``kept_page``). It runs in a worker process (or, for a small story, in
    a thread)."""
    page, aligned = kept_page(reading, offset=offset, limit=limit, alignment=alignment)
    return quotes_json(page), aligned
