"""Dependencies of the routes, as named ``Annotated`` aliases.

Those that do no I/O are ``async def``: FastAPI runs a plain ``def``
dependency in its thread pool, and a request with a handful of them paid a
thread hop for each (milliseconds in all). Those that touch the database
stay ``def``.

Public API:

- ``SettingsDep``: the app's ``Settings`` (built by ``create_app``).
- ``EngineDep``: the storage engine the app's lifespan opened.
- ``SessionDep``: a database session for the request, committed once when
  the endpoint returns without error and rolled back otherwise.
- ``CallerDep``: who is calling, from the API key in ``Authorization:
  Bearer <key>`` (or ``X-API-Key: <key>``), counted against the key's rate
  limit; 401 without a valid key, 429 over the limit. With
  ``auth_disabled``, the tenant ``default`` with every scope.
- ``OptionalCallerDep``: the caller if a key is presented, else ``None``
  (for ``POST /v1/compare``, which answers inline texts without a key).
- ``TenantDep``: the caller's tenant.
- ``require_scope(scope)``: a route dependency; 403 unless the caller's key
  has ``scope`` (or ``admin``). OpenAPI lists the scope on the route's
  security requirement.
- ``NowDep``: the time (Unix seconds) that rate-limit windows are cut from;
  tests override ``get_now``.
- ``require_json``: rejects a request whose ``Content-Type`` is not JSON
  (``application/json`` or ``application/*+json``) with a 415.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBearer,
    SecurityScopes,
)
from sqlalchemy import Engine
from sqlmodel import Session

from service.config import Settings
from service.errors import Forbidden, UnsupportedMediaType
from service.usecases.keys import Caller, admit

__all__ = [
    "CallerDep",
    "EngineDep",
    "NowDep",
    "OptionalCallerDep",
    "SessionDep",
    "SettingsDep",
    "TenantDep",
    "get_caller",
    "get_engine",
    "get_now",
    "get_optional_caller",
    "get_session",
    "get_settings",
    "get_tenant",
    "require_json",
    "require_scope",
]


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


async def get_now() -> float:
    return time.time()


NowDep = Annotated[float, Depends(get_now)]

_bearer = HTTPBearer(
    auto_error=False,
    description="An API key (`sdk_…`) as `Authorization: Bearer sdk_…`.",
)
_api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="The same API key in an `X-API-Key` header instead.",
)


def get_caller(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    now: NowDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Caller:
    # FastAPI caches a dependency once per set of security scopes, so a
    # route asking for a scope and for the tenant reaches this twice; the
    # key must be checked, and the request counted, once.
    known = getattr(request.state, "caller", None)
    if isinstance(known, Caller):
        return known
    if settings.auth_disabled:
        caller = Caller.unauthenticated()
    else:
        presented = bearer.credentials if bearer is not None else api_key
        caller = admit(engine, presented, rate_limit=settings.rate_limit_per_minute, now=now)
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_optional_caller(
    request: Request, settings: SettingsDep, engine: EngineDep, now: NowDep
) -> Caller | None:
    """The caller when a key is presented (checked and counted as by
    ``get_caller``), ``None`` when none is (and auth is on).

    The headers are read here rather than through the security schemes, so
    that OpenAPI does not mark the key as required (the route documents it
    as optional)."""
    header = request.headers.get("authorization")
    api_key = request.headers.get("x-api-key")
    if not (settings.auth_disabled or header or api_key):
        return None
    bearer = None
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            bearer = HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials.strip())
    return get_caller(request, settings, engine, now, bearer, api_key)


OptionalCallerDep = Annotated[Caller | None, Depends(get_optional_caller)]


async def get_tenant(caller: CallerDep) -> str:
    return caller.tenant


TenantDep = Annotated[str, Depends(get_tenant)]


async def _check_scopes(security_scopes: SecurityScopes, caller: CallerDep) -> None:
    missing = [scope for scope in security_scopes.scopes if not caller.allows(scope)]
    if missing:
        raise Forbidden(f"This API key lacks the {missing[0]!r} scope")


def require_scope(scope: str) -> Any:
    """A dependency for a route's ``dependencies``: the caller's key must
    have ``scope`` (``admin`` has them all)."""
    return Security(_check_scopes, scopes=[scope])


async def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise UnsupportedMediaType(
            "Send the body as JSON, with Content-Type: application/json "
            f"(got {content_type or 'none'})"
        )
