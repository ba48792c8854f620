"""Request-scoped dependencies: settings, engine, session, clock, the pool
for heavy work, JSON bodies, the query parameters of a page, and the app's
own in-memory state made on first use (``per_app``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session

from service.platform.compute import Compute
from service.platform.config import Settings
from service.platform.errors import UnsupportedMediaType

__all__ = [
    "ComputeDep",
    "Cursor",
    "EngineDep",
    "Limit",
    "NowDep",
    "SessionDep",
    "SettingsDep",
    "get_compute",
    "get_engine",
    "get_now",
    "get_session",
    "get_settings",
    "per_app",
    "require_json",
]

T = TypeVar("T")
_MADE = threading.Lock()


def per_app(request: Request, name: str, kind: type[T], make: Callable[[], T]) -> T:
    """The app's one ``name`` (an attribute of ``app.state``), made by
    ``make`` the first time a request needs it: state that lives as long as
    the app, in this worker process's memory (counters by client address,
    verified keys, fetch slots). Made once, under a lock, however many
    requests ask at once; a test may put its own there first."""
    state = request.app.state
    found = getattr(state, name, None)
    if not isinstance(found, kind):
        with _MADE:
            found = getattr(state, name, None)
            if not isinstance(found, kind):
                found = make()
                setattr(state, name, found)
    return found


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.commit()


SessionDep = Annotated[Session, Depends(get_session)]


async def get_compute(request: Request) -> Compute:
    compute: Compute = request.app.state.compute
    return compute


# The worker processes for CPU work with a deadline (service.platform.compute).
ComputeDep = Annotated[Compute, Depends(get_compute)]


async def get_now() -> float:
    return time.time()


NowDep = Annotated[float, Depends(get_now)]


async def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise UnsupportedMediaType(
            "Send the body as JSON, with Content-Type: application/json "
            f"(got {content_type or 'none'})"
        )


# A page of a listing: where it starts (the previous page's ``next``) and its size.
Cursor = Annotated[str | None, Query(max_length=512, description="`next` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size (at most 100).")]
