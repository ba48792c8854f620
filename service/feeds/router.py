"""The routes of ``/v1/fetch`` (a page recorded as a version: 201 new, 200
unchanged) and ``/v1/feeds`` (feeds polled every ``interval_seconds``),
scoped to the caller's tenant (writes need the ``write`` scope, reads
``read``). Each builds its response from ``service.feeds.schemas``.

``POST /v1/fetch`` and ``POST /v1/feeds/{id}/poll`` wait on other servers
in a thread of the request pool: each holds one of the worker's
``fetch_concurrency`` fetch slots (``FetchSlots``), and one that finds none
free is answered 503 with ``Retry-After`` at once, so that slow origins
never take every thread and stall unrelated requests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response
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
    poll_feed_now,
    read_feed,
)
from service.keys.deps import READ, WRITE, TenantDep, api_router
from service.platform.deps import EngineDep, SessionDep, SettingsDep, per_app, require_json
from service.platform.fetch import FetchSlots
from service.platform.problems import problem_doc

__all__ = ["router"]

router = api_router("/v1", "fetch")
FeedId = Annotated[int, Path(ge=1, le=2**62, description="A feed's id.")]
_BUSY = problem_doc("Every fetch slot of this server is taken; retry after `Retry-After` seconds")


async def fetch_slots(request: Request, settings: SettingsDep) -> FetchSlots:
    """The app's fetch slots, made on first use from its settings (one set
    per app, so per worker process)."""
    return per_app(request, "fetch_slots", FetchSlots, lambda: FetchSlots.from_settings(settings))


FetchSlotsDep = Annotated[FetchSlots, Depends(fetch_slots)]


@router.post(
    "/fetch",
    status_code=201,
    response_model=FetchedArticle,
    dependencies=[*WRITE, Depends(require_json)],
    responses={
        200: {"model": FetchedArticle, "description": "The text is unchanged."},
        502: problem_doc("The page could not be fetched (timeout, origin error)"),
        503: _BUSY,
    },
)
async def fetch_page(
    body: FetchRequest,
    response: Response,
    engine: EngineDep,
    settings: SettingsDep,
    tenant: TenantDep,
    slots: FetchSlotsDep,
) -> FetchedArticle:
    """Fetch a page and store its article text as a version."""
    # The slot is released when the thread is done: a cancelled request
    # still waits for its thread (run_in_threadpool does not abandon it).
    with slots.take():
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
        409: problem_doc("The feed is registered already, or the tenant has as many as it may"),
        502: problem_doc("The feed's host cannot be resolved"),
    },
)
def register_feed(
    body: FeedIn, engine: EngineDep, settings: SettingsDep, tenant: TenantDep
) -> FeedOut:
    """Register a feed; it is polled at once, then every `interval_seconds`
    (at least the server's minimum, 300 s by default)."""
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
    "/feeds/{feed_id}/poll",
    response_model=PollOut,
    dependencies=WRITE,
    responses={
        409: problem_doc("The feed is being polled now (`Retry-After`: when that poll ends)"),
        503: _BUSY,
    },
)  # the feed's own failures are in the body
def poll_now(
    feed_id: FeedId,
    engine: EngineDep,
    settings: SettingsDep,
    tenant: TenantDep,
    slots: FetchSlotsDep,
) -> PollOut:
    """Poll a feed now, whatever its schedule: at most
    `SOURCEDIFF_FEED_MAX_ITEMS_PER_POLL` items, new ones first."""
    with slots.take():
        return PollOut.of(poll_feed_now(engine, tenant, feed_id, settings))
