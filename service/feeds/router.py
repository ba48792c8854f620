"""The routes of ``/v1/fetch`` (a page recorded as a version: 201 new, 200
unchanged) and ``/v1/feeds`` (feeds polled every ``interval_seconds``),
scoped to the caller's tenant (writes need the ``write`` scope, reads
``read``). Each builds its response from ``service.feeds.schemas``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Response
from fastapi.concurrency import run_in_threadpool

from service.feeds.schemas import (
    FeedIn,
    FeedOut,
    FeedPage,
    FetchedArticle,
    FetchRequest,
    PollOut,
)
from service.feeds.service import (
    add_feed,
    delete_feed,
    fetch_article,
    list_feeds,
    poll_feed,
    read_feed,
)
from service.keys.deps import READ, WRITE, TenantDep, api_router
from service.platform.deps import EngineDep, SessionDep, SettingsDep, require_json
from service.platform.problems import problem_doc

__all__ = ["router"]

router = api_router("/v1", "fetch")
FeedId = Annotated[int, Path(ge=1, le=2**62, description="A feed's id.")]


@router.post(
    "/fetch",
    status_code=201,
    response_model=FetchedArticle,
    dependencies=[*WRITE, Depends(require_json)],
    responses={
        200: {"model": FetchedArticle, "description": "The text is unchanged."},
        502: problem_doc("The page could not be fetched (timeout, origin error)"),
    },
)
async def fetch_page(
    body: FetchRequest,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
    tenant: TenantDep,
) -> FetchedArticle:
    """Fetch a page and store its article text as a version."""
    recorded, fetched_url = await run_in_threadpool(
        fetch_article,
        engine,
        tenant,
        body.url,
        settings,
        outlet=body.outlet,
        story=body.story,
    )
    response.status_code = 201 if recorded.created else 200
    return FetchedArticle.of(recorded, fetched_url)


@router.post(
    "/feeds",
    status_code=201,
    response_model=FeedOut,
    dependencies=[*WRITE, Depends(require_json)],
    responses={
        409: problem_doc("The feed is registered already"),
        502: problem_doc("The feed's host cannot be resolved"),
    },
)
def register_feed(
    body: FeedIn, engine: EngineDep, settings: SettingsDep, tenant: TenantDep
) -> FeedOut:
    """Register a feed; it is polled at once, then every `interval_seconds`."""
    feed = add_feed(
        engine,
        tenant,
        body.url,
        body.outlet,
        settings,
        story=body.story,
        interval_seconds=body.interval_seconds,
    )
    return FeedOut.of(feed)


@router.get("/feeds", response_model=FeedPage, dependencies=READ)
def feeds(session: SessionDep, tenant: TenantDep) -> FeedPage:
    """Registered feeds and how their last poll went."""
    return FeedPage(items=[FeedOut.of(f) for f in list_feeds(session, tenant)])


@router.get("/feeds/{feed_id}", response_model=FeedOut, dependencies=READ)
def feed(feed_id: FeedId, session: SessionDep, tenant: TenantDep) -> FeedOut:
    """One feed."""
    return FeedOut.of(read_feed(session, tenant, feed_id))


@router.delete("/feeds/{feed_id}", status_code=204, dependencies=WRITE)
def remove_feed(feed_id: FeedId, engine: EngineDep, tenant: TenantDep) -> Response:
    """Stop polling a feed (the articles stay)."""
    delete_feed(engine, tenant, feed_id)
    return Response(status_code=204)


@router.post(
    "/feeds/{feed_id}/poll", response_model=PollOut, dependencies=WRITE
)  # failures: in body
def poll_now(
    feed_id: FeedId,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    tenant: TenantDep,
) -> PollOut:
    """Poll a feed now, whatever its schedule."""
    return PollOut.of(poll_feed(engine, read_feed(session, tenant, feed_id), settings))
