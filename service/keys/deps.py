"""Who is calling: the API key dependency, the tenant and the scope checks.

Every route that needs a scope says so with these dependencies (``READ``,
``WRITE`` or ``require_scope``, ``OptionalReaderDep`` where a key is
optional), never with a check of its own: ``Caller.require`` is the one
place that refuses a caller. Each feature's router comes from ``api_router``,
which documents the problems any such route may answer with.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBearer,
    SecurityScopes,
)

from service.keys.service import Caller, admit
from service.platform.deps import EngineDep, NowDep, SettingsDep
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES

__all__ = [
    "READ",
    "WRITE",
    "CallerDep",
    "OptionalCallerDep",
    "OptionalReaderDep",
    "TenantDep",
    "api_router",
    "get_caller",
    "get_optional_caller",
    "get_optional_reader",
    "get_tenant",
    "require_scope",
]


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


async def get_optional_reader(caller: OptionalCallerDep) -> Caller | None:
    """``get_optional_caller``, and a key presented must have ``read``."""
    if caller is not None:
        caller.require("read")
    return caller


OptionalReaderDep = Annotated[Caller | None, Depends(get_optional_reader)]


async def get_tenant(caller: CallerDep) -> str:
    return caller.tenant


TenantDep = Annotated[str, Depends(get_tenant)]


async def _check_scopes(security_scopes: SecurityScopes, caller: CallerDep) -> None:
    for scope in security_scopes.scopes:
        caller.require(scope)


def require_scope(scope: str) -> Any:
    """A dependency for a route's ``dependencies``: the caller's key must
    have ``scope`` (``admin`` has them all)."""
    return Security(_check_scopes, scopes=[scope])


# A route's ``dependencies`` when it reads, or writes (``[*WRITE, …]`` to add more).
READ = (require_scope("read"),)
WRITE = (require_scope("write"),)


def api_router(prefix: str, tag: str) -> APIRouter:
    """A feature's router: each of its routes takes an API key, so each may
    answer with the problems of every route and those of a refused key."""
    return APIRouter(prefix=prefix, tags=[tag], responses={**PROBLEM_RESPONSES, **AUTH_RESPONSES})
