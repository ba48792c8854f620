"""Who is calling: the API key dependency, the tenant and the scope checks.

Every route that needs a scope says so with these dependencies (``READ``,
``WRITE`` or ``require_scope``, ``OptionalReaderDep`` where a key is
optional), never with a check of its own: ``Caller.require`` is the one
place that refuses a caller. Each feature's router comes from ``api_router``,
which documents the problems any such route may answer with.

The limits by client address (``service.keys.limits``) are applied here
too: comparisons without a key (``count_anonymous``, ``admit_anonymous``)
and refused keys (``counting_refusals``). The client address is the one
uvicorn gives, which is the forwarded client's only behind a trusted proxy
(``Settings.trusted_proxies``, see ``service.http.server``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBearer,
    SecurityScopes,
)

from service.keys.allowance import Allowances
from service.keys.cache import VerifiedKeys
from service.keys.limits import ClientLimits, exempt_from_anonymous_limit
from service.keys.service import Caller, admit, admitted_from_memory, looks_like_key
from service.platform.config import Settings
from service.platform.deps import EngineDep, NowDep, SettingsDep, per_app
from service.platform.errors import TooManyRequests, Unauthorized
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES

__all__ = [
    "READ",
    "WRITE",
    "CallerDep",
    "OptionalCallerDep",
    "OptionalReaderDep",
    "TenantDep",
    "admit_anonymous",
    "allowances",
    "api_router",
    "client_address",
    "client_limits",
    "count_anonymous",
    "counting_refusals",
    "get_caller",
    "get_optional_caller",
    "get_optional_reader",
    "get_tenant",
    "require_scope",
    "verified_keys",
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


def client_limits(request: Request, settings: Settings) -> ClientLimits:
    """The app's counters by client address (made on first use: they live
    as long as the app, in this worker's memory)."""
    return per_app(request, "client_limits", ClientLimits, lambda: ClientLimits.of(settings))


def verified_keys(request: Request) -> VerifiedKeys:
    """The keys this worker verified in the last seconds
    (``service.keys.cache``), made on first use; a test may put its own,
    with its own clock, in ``app.state.verified_keys`` first."""
    return per_app(request, "verified_keys", VerifiedKeys, VerifiedKeys)


def allowances(request: Request) -> Allowances:
    """The requests this worker claimed of each key's minute and has not
    admitted yet (``service.keys.allowance``), made on first use."""
    return per_app(request, "allowances", Allowances, Allowances)


def client_address(request: Request) -> str:
    """The client's address: the peer's, or the forwarded client's when the
    peer is a trusted proxy (uvicorn rewrites it; see ``service.http.server``)."""
    return request.client.host if request.client is not None else ""


@contextmanager
def counting_refusals(
    request: Request, settings: Settings, presented: str | None, now: float
) -> Iterator[None]:
    """Around a key's check: a refused key (``Unauthorized``) counts against
    the client's address, and once an address is over
    ``failed_key_limit_per_minute`` every key from it is 429 until the
    minute ends, a right one too (else a guesser would still learn which
    guess was right). Only a string shaped like a key counts: nothing else
    can be a guess at one, and a client that sends no key, or junk, is told
    401 as before."""
    if not looks_like_key(presented):
        yield
        return
    failed = client_limits(request, settings).failed_keys
    address = client_address(request)
    retry_after = failed.over(address, now=now)
    if retry_after is not None:
        raise TooManyRequests(
            f"Too many refused API keys from this address; retry in {retry_after} s",
            retry_after=retry_after,
        )
    try:
        yield
    except Unauthorized:
        failed.add(address, now=now)
        raise


def count_anonymous(request: Request, settings: Settings, now: float) -> None:
    """Count a comparison without a key against the client's address;
    ``TooManyRequests`` over ``anonymous_rate_limit_per_minute``. Loopback
    clients are not counted while no proxy is trusted."""
    address = client_address(request)
    if exempt_from_anonymous_limit(settings, address):
        return
    retry_after = client_limits(request, settings).anonymous.add(address, now=now)
    if retry_after is not None:
        limit = settings.anonymous_rate_limit_per_minute
        raise TooManyRequests(
            f"Comparisons without an API key are limited to {limit:,} a minute per "
            f"address; retry in {retry_after} s, or send a key",
            retry_after=retry_after,
        )


def admit_anonymous(request: Request, settings: Settings) -> bool:
    """Whether a comparison without a key may go on: ``False`` when comparing
    needs a key (``Settings.compare_open``); ``TooManyRequests`` when the
    client's address is over its limit. For the paste form's page."""
    if not settings.compare_open:
        return False
    count_anonymous(request, settings, time.time())
    return True


async def get_caller(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    now: NowDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Caller:
    """The request's caller, its key checked and counted (``admit``). A key
    this worker verified in the last seconds whose request it may admit
    from memory (``admitted_from_memory``) is answered on the event loop;
    otherwise the check reads the database, in a thread."""
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
        limit = settings.rate_limit_per_minute
        verified, claims = verified_keys(request), allowances(request)
        with counting_refusals(request, settings, presented, now):
            found = admitted_from_memory(
                presented, rate_limit=limit, now=now, verified=verified, allowances=claims
            )
            if found is None:
                found = await run_in_threadpool(
                    partial(
                        admit,
                        engine,
                        presented,
                        rate_limit=limit,
                        now=now,
                        verified=verified,
                        allowances=claims,
                    )
                )
            caller = found
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_optional_caller(
    request: Request, settings: SettingsDep, engine: EngineDep, now: NowDep
) -> Caller | None:
    """The caller when a key is presented (checked and counted as by
    ``get_caller``), ``None`` when none is (and auth is on): then the request
    counts against the client address's limit for comparisons without a key
    (``count_anonymous``), while comparing is open to them.

    The headers are read here rather than through the security schemes, so
    that OpenAPI does not mark the key as required (the route documents it
    as optional).

    It runs on the event loop, so a comparison without a key (the common
    case, counted in memory) makes no trip to the thread pool, and nor does
    a key admitted from memory (see ``get_caller``)."""
    header = request.headers.get("authorization")
    api_key = request.headers.get("x-api-key")
    if not (settings.auth_disabled or header or api_key):
        if settings.compare_open:
            count_anonymous(request, settings, now)
        return None
    bearer = None
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            bearer = HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials.strip())
    return await get_caller(request, settings, engine, now, bearer, api_key)


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
