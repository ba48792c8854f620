"""The FastAPI application: the app factory, with each feature's router,
the problem handlers, the middleware, the pages and, for the life of the
app, the database engine, the pool for heavy work and the background loops.
Importing this module builds nothing: ``create_app`` does, when called."""

from __future__ import annotations

import gc
import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from starlette.types import ASGIApp

from service.articles.router import router as articles
from service.checks.router import router as checks
from service.compare.router import router as compare
from service.feeds.router import router as feeds
from service.feeds.worker import FeedPoller
from service.http.docs import install_docs
from service.http.health import router as health
from service.http.middleware import BodySizeLimit, NoNulInUrl
from service.http.observability import RequestObservability
from service.http.problems import install_problem_handlers
from service.keys.service import create_first_admin_key
from service.platform.background import Loop
from service.platform.compute import Compute
from service.platform.config import Settings
from service.platform.db import ensure_schema, make_engine
from service.platform.logs import configure_logging
from service.quotes.router import router as quotes
from service.stories.router import router as stories
from service.web.routes import install_pages
from service.webhooks.router import router as webhooks
from service.webhooks.worker import Dispatcher

__all__ = ["create_app", "first_start", "openapi_json"]

logger = logging.getLogger(__name__)

# Operations first, then the features; the pages come last (install_pages).
_ROUTERS: tuple[APIRouter, ...] = (
    health,
    compare,
    articles,
    stories,
    quotes,
    checks,
    webhooks,
    feeds,
)


class _SourcediffAPI(FastAPI):
    def openapi(self) -> dict[str, Any]:
        # FastAPI documents every response model as application/json; errors
        # are application/problem+json (see service.http.problems).
        schema = super().openapi()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[:1] in "45" and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        return schema

    def build_middleware_stack(self) -> ASGIApp:
        # Outermost, outside even Starlette's ServerErrorMiddleware, so that a
        # 500 is logged, counted and answered with the request id like the rest.
        return RequestObservability(super().build_middleware_stack())


def _operation_id(route: APIRoute) -> str:
    return route.name


def first_start(engine: Engine) -> None:
    """At a server's start (``sourcediff serve`` does it once, before it
    starts its workers; the app's lifespan again, finding it done), with
    auth on and no key in the database, make an admin key and show it once,
    printed on stderr for the operator; the log record that says so leaves
    the key out (records are shipped and indexed)."""
    created = create_first_admin_key(engine)
    if created is None:
        return
    info = created.info
    print(
        f"\nsourcediff: no API key existed, so this admin key for the tenant "
        f"{info.tenant!r} was created. It is shown only this once:\n\n"
        f"    {created.key}\n\n"
        "Send it as `Authorization: Bearer <key>`; make others with `sourcediff keys create`.\n",
        file=sys.stderr,
        flush=True,
    )
    logger.warning(
        "created the first admin API key %s for tenant %r and printed it to stderr",
        info.key_id,
        info.tenant,
    )


# The modules whose functions run in the compute pool's workers: the fork
# server imports them once, so a worker replacing a stopped one is ready at
# once. With them the command line's package: under `sourcediff serve` (a
# console script) every new worker runs that script again, which imports it.
_COMPUTE_MODULES = (
    "service.compare.router",
    "service.articles.router",
    "service.web.routes",
    "service.cli",
)


def _background(engine: Engine, settings: Settings) -> list[Loop]:
    """The loops that run beside the requests, in each worker: webhook
    deliveries and feed polls. Their state is in the database, and leases
    keep workers apart."""
    if not settings.background:
        return []
    return [
        Loop("webhook-dispatcher", Dispatcher(engine, settings).step),
        Loop("feed-poller", FeedPoller(engine, settings).step),
    ]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Process-wide resources open and close here, never at import.
    settings: Settings = app.state.settings
    if app.state.configure_logs:
        configure_logging(settings)
    engine = make_engine(settings.database_url, sqlite_mmap_bytes=settings.sqlite_mmap_bytes)
    try:
        # SQLite is created and migrated here; any other database must be
        # current already, or the app refuses to start (SchemaBehind says how).
        ensure_schema(engine)
        if not settings.auth_disabled:
            first_start(engine)
        app.state.engine = engine
        # Its worker processes start on first use (service.platform.compute).
        compute = app.state.compute = Compute(settings, preload=_COMPUTE_MODULES)
        loops = _background(engine, settings)
        for loop in loops:
            loop.start()
        if app.state.freeze_at_start:
            _freeze_what_lasts()
        logger.info(
            "sourcediff ready on %s; bodies up to %s bytes",
            engine.url.render_as_string(hide_password=True),
            f"{settings.max_body_bytes:,}",
        )
        try:
            yield
        finally:
            for loop in loops:
                loop.stop()
            await to_thread.run_sync(compute.close)
    finally:
        engine.dispose()


def _freeze_what_lasts() -> None:
    """Move every object made so far (the modules, the app, its routes and
    models: about 180,000) out of the garbage collector's reach, once the
    app has started. They live as long as the process, and a full
    collection traverses every tracked object: 65-95 ms a time on this
    project's machines, which a request that happened to trigger it waited
    for (at a million quotations, the slowest of 200 searches: 82 ms, 14 ms
    when asked again; ``bench/profile_search.py``). Collections then cost
    what requests leave behind. What was garbage is collected first."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None,
    *,
    configure_logs: bool = False,
    freeze_at_start: bool = False,
) -> FastAPI:
    """A new Sourcediff app configured by ``settings``. With
    ``configure_logs`` (what servers want) its start also sets up the
    process's logging: ``service.platform.logs.configure_logging``. With
    ``freeze_at_start`` (what a server process wants: it runs one app for
    its whole life) its start moves every object made so far out of the
    garbage collector's reach (``_freeze_what_lasts``); a process that makes
    many apps, a test run's, would keep each of them for good."""
    app = _SourcediffAPI(
        title="Sourcediff",
        summary="Quotations extracted, aligned and diffed across news articles.",
        version=version("sourcediff"),
        lifespan=_lifespan,
        generate_unique_id_function=_operation_id,
        # Served from this server's own assets (service.http.docs), not a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings or Settings()
    app.state.configure_logs = configure_logs
    app.state.freeze_at_start = freeze_at_start
    install_problem_handlers(app)
    app.add_middleware(
        BodySizeLimit,
        max_body_bytes=app.state.settings.max_body_bytes,
        body_timeout_seconds=app.state.settings.body_timeout_seconds,
    )
    app.add_middleware(NoNulInUrl)
    for router in _ROUTERS:
        app.include_router(router)
    install_pages(app)
    install_docs(app)
    return app


def openapi_json(app: FastAPI) -> str:
    """``app``'s OpenAPI document, serialised the way ``openapi.json`` is."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
