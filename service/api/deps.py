"""Dependencies of the routes, as named ``Annotated`` aliases.

Public API:

- ``SettingsDep``: the app's ``Settings`` (built by ``create_app``).
- ``EngineDep``: the storage engine the app's lifespan opened.
- ``SessionDep``: a database session for the request, committed once when
  the endpoint returns without error and rolled back otherwise.
- ``TenantDep``: the caller's tenant (``DEFAULT_TENANT`` until API keys).
- ``require_json``: rejects a request whose ``Content-Type`` is not JSON
  (``application/json`` or ``application/*+json``) with a 415.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from service.config import DEFAULT_TENANT, Settings
from service.errors import UnsupportedMediaType

__all__ = [
    "EngineDep",
    "SessionDep",
    "SettingsDep",
    "TenantDep",
    "get_engine",
    "get_session",
    "get_settings",
    "get_tenant",
    "require_json",
]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.commit()


SessionDep = Annotated[Session, Depends(get_session)]


def get_tenant() -> str:
    return DEFAULT_TENANT


TenantDep = Annotated[str, Depends(get_tenant)]


def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise UnsupportedMediaType(
            "Send the body as JSON, with Content-Type: application/json "
            f"(got {content_type or 'none'})"
        )
