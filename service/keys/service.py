"""API keys: creating, listing and revoking them; knowing who calls and
limiting how often.

The scopes are ``read`` (every read, including ``POST /v1/compare``),
``write`` (``POST /v1/articles`` and the other writes) and ``admin``
(everything). A key created is shown once (``NewKey``), and never again:
the database keeps its hash.

A key reads ``sdk_<id>_<secret>``. The ``id`` is public (it names the key in
listings and logs, and finds it in the table); the secret is 43 characters
of ``secrets.token_urlsafe(32)``. The table keeps the SHA-256 of the whole
key; verification finds the row by id and compares hashes in constant time.

>>> parse_scopes(["write", "read", "write"])
('read', 'write')
>>> Caller("k1", "t1", frozenset({"read"})).allows("write")
False
>>> Caller("k1", "t1", frozenset({"admin"})).allows("write")
True
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from service.keys.allowance import Allowances
from service.keys.cache import VerifiedKeys
from service.keys.repository import (
    KeyRepository,
    MarkerRepository,
    RateCounterRepository,
    TenantKeyRepository,
    WebSessionRepository,
)
from service.models.base import now, utc
from service.models.keys import ApiKey
from service.platform.config import DEFAULT_TENANT
from service.platform.errors import Forbidden, NotFound, TooManyRequests, Unauthorized

__all__ = [
    "SCOPES",
    "Caller",
    "KeyInfo",
    "NewKey",
    "admit",
    "admitted_from_memory",
    "authenticate",
    "count_request",
    "create_first_admin_key",
    "create_key",
    "hash_key",
    "list_keys",
    "looks_like_key",
    "parse_scopes",
    "revoke_key",
]

SCOPES = ("read", "write", "admin")
ADMIN = "admin"
PREFIX = "sdk_"
WINDOW_SECONDS = 60
FIRST_KEY_MARKER = "first-admin-key"
FIRST_KEY_NAME = "first admin key"

_KEY = re.compile(r"sdk_([0-9a-f]{8,32})_([A-Za-z0-9_-]{16,128})")
# Compared against when the key id is unknown, so that an unknown id takes
# as long to refuse as a wrong secret.
_NO_HASH = "0" * 64
_ATTEMPTS = 10


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the key (``None`` with auth disabled), its tenant
    and its scopes."""

    key_id: str | None
    tenant: str
    scopes: frozenset[str]

    @classmethod
    def unauthenticated(cls) -> Caller:
        """The caller of a server with auth disabled: tenant ``default``,
        every scope, no key (so no rate limit)."""
        return cls(None, DEFAULT_TENANT, frozenset(SCOPES))

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or ADMIN in self.scopes

    def require(self, scope: str) -> None:
        """Raise ``Forbidden`` unless the caller's key has ``scope``: the one
        place that says so, for the API's dependencies and the pages."""
        if not self.allows(scope):
            raise Forbidden(f"This API key lacks the {scope!r} scope")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A stored key, without its hash."""

    key_id: str
    tenant: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just created, with the key itself: the only time it exists
    outside its holder."""

    info: KeyInfo
    key: str  # shown once; only its hash is stored


def hash_key(key: str) -> str:
    """The SHA-256 hex digest that the table keeps instead of ``key``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """``scopes`` sorted without repeats; ``ValueError`` for an unknown or
    missing scope."""
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}; the scopes are {', '.join(SCOPES)}")
    if not chosen:
        raise ValueError(f"give at least one scope ({', '.join(SCOPES)})")
    return tuple(chosen)


def _info(key: ApiKey) -> KeyInfo:
    created = utc(key.created_at)
    assert created is not None
    return KeyInfo(
        key_id=key.id,
        tenant=key.tenant,
        name=key.name,
        scopes=tuple(key.scopes.split()),
        created_at=created,
        revoked_at=utc(key.revoked_at),
    )


def create_key(session: Session, tenant: str, name: str, scopes: Iterable[str]) -> NewKey:
    """A new key for ``tenant``; ``ValueError`` for a bad tenant, name or scope."""
    chosen = parse_scopes(scopes)
    if not 1 <= len(tenant) <= 64 or tenant != tenant.strip():
        raise ValueError("a tenant is 1 to 64 characters, without surrounding spaces")
    if not 1 <= len(name.strip()) <= 200:
        raise ValueError("a key's name is 1 to 200 characters")
    key_id = secrets.token_hex(8)
    key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    row = KeyRepository(session).add(
        ApiKey(
            id=key_id,
            tenant=tenant,
            name=name.strip(),
            scopes=" ".join(chosen),
            key_hash=hash_key(key),
        )
    )
    return NewKey(_info(row), key)


def list_keys(session: Session, tenant: str | None = None) -> list[KeyInfo]:
    """Every key (of ``tenant``), revoked ones included, oldest first."""
    keys = (
        KeyRepository(session).keys()
        if tenant is None
        else TenantKeyRepository(session, tenant).keys()
    )
    return [_info(key) for key in keys]


def revoke_key(session: Session, key_id: str) -> KeyInfo:
    """Revoke the key ``key_id`` (``NotFound`` when there is none), ending
    every page session signed in with it. Revoking a revoked key changes
    nothing: it keeps its first revocation time."""
    repo = KeyRepository(session)
    key = repo.get(key_id)
    if key is None:
        raise NotFound(f"no API key has the id {key_id!r}")
    if key.revoked_at is None:
        moment = now()
        key = repo.revoke(key, moment)
        # Pages signed in with it are signed out with it.
        WebSessionRepository(session).end_for_key(key.id, moment)
    return _info(key)


def looks_like_key(presented: str | None) -> bool:
    """Whether ``presented`` has the form of a key (``sdk_<id>_<secret>``):
    only such a string can be a guess at one (see ``service.keys.limits``)."""
    return presented is not None and _KEY.fullmatch(presented) is not None


def authenticate(session: Session, presented: str | None) -> Caller:
    """The caller whose key is ``presented``; ``Unauthorized`` when it is
    missing, malformed, unknown or revoked."""
    if not presented:
        raise Unauthorized("Send an API key: Authorization: Bearer sdk_…")
    match = _KEY.fullmatch(presented)
    key = KeyRepository(session).get(match.group(1)) if match else None
    expected = key.key_hash if key is not None else _NO_HASH
    if not hmac.compare_digest(expected, hash_key(presented)) or key is None:
        raise Unauthorized("The API key is not valid")
    if key.revoked_at is not None:
        raise Unauthorized("The API key has been revoked")
    return Caller(key.id, key.tenant, frozenset(key.scopes.split()))


def admit(
    engine: Engine,
    presented: str | None,
    *,
    rate_limit: int,
    now: float,
    verified: VerifiedKeys | None = None,
    allowances: Allowances | None = None,
) -> Caller:
    """The caller of a request that presented ``presented``, counted against
    its key's limit of ``rate_limit`` requests a minute (none when 0);
    ``TooManyRequests`` once the key is over it.

    The count is one upsert committed at once, before the request runs: its
    row lock is held for a moment, not for the request, and every worker
    sees the same count. With ``allowances`` a worker counts a key's
    requests in blocks (``service.keys.allowance``): one upsert claims
    several, and the rest are admitted from memory. A key in ``verified``
    (verified in the last seconds, see ``service.keys.cache``) is not looked
    up again; when its request is admitted from a claim, or there is no
    limit to count, the request does not reach the database at all.
    """
    caller = admitted_from_memory(
        presented, rate_limit=rate_limit, now=now, verified=verified, allowances=allowances
    )
    if caller is not None:
        return caller
    digest = hash_key(presented) if verified is not None and presented else None
    with Session(engine) as session:
        caller = verified.get(digest) if verified is not None and digest is not None else None
        if caller is None:
            caller = authenticate(session, presented)
            if verified is not None and digest is not None:
                verified.put(digest, caller)
        return count_request(session, caller, rate_limit, now, allowances)


def admitted_from_memory(
    presented: str | None,
    *,
    rate_limit: int,
    now: float,
    verified: VerifiedKeys | None,
    allowances: Allowances | None = None,
) -> Caller | None:
    """The caller of a key ``verified`` in the last seconds whose request
    needs no database (no limit to count, or one request of this worker's
    claim taken from ``allowances``); ``None`` when ``admit`` must go to the
    database. Memory only, so the event loop may call it."""
    if verified is None or not presented:
        return None
    caller = verified.get(hash_key(presented))
    if caller is None:
        return None
    if rate_limit <= 0 or caller.key_id is None:
        return caller
    if allowances is not None and allowances.take(caller.key_id, _window(now)):
        return caller
    return None


def _window(now: float) -> int:
    """The start of the rate limit's window (a minute) that ``now`` is in."""
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


def count_request(
    session: Session,
    caller: Caller,
    rate_limit: int,
    now: float,
    allowances: Allowances | None = None,
) -> Caller:
    """``caller``, once its request is counted against its key's limit of
    ``rate_limit`` a minute (committed in ``session``); ``TooManyRequests``
    over it. What ``admit`` does once it knows the key, and the pages once
    they know the session's. With ``allowances``, the request is admitted
    from this worker's claim when it holds one, else it claims a block."""
    window = _window(now)
    key_id = caller.key_id
    if (
        rate_limit <= 0
        or key_id is None
        or (allowances is not None and allowances.take(key_id, window))
    ):
        session.commit()
        return caller
    n = allowances.block(key_id, window=window, limit=rate_limit) if allowances else 1
    # A counter need not survive a power cut, so on SQLite its commit
    # skips the fsync that versions get (synchronous=FULL): without
    # this, every request of every worker queued for the disk.
    relaxed = session.get_bind().dialect.name == "sqlite"
    if relaxed:
        session.connection().exec_driver_sql("PRAGMA synchronous=NORMAL")
    try:
        count = RateCounterRepository(session).increment(key_id, window, n)
        session.commit()
    finally:
        if relaxed:
            session.connection().exec_driver_sql("PRAGMA synchronous=FULL")
    if allowances is not None:
        admitted = allowances.claimed(key_id, window=window, limit=rate_limit, count=count, n=n)
    else:
        admitted = count <= rate_limit
    if not admitted:
        retry_after = max(1, math.ceil(window + WINDOW_SECONDS - now))
        raise TooManyRequests(
            f"This API key may make {rate_limit:,} requests a minute; retry in {retry_after} s",
            retry_after=retry_after,
        )
    return caller


def create_first_admin_key(engine: Engine) -> NewKey | None:
    """An ``admin`` key for the tenant ``default`` when the database has no
    key at all, else ``None``.

    Several workers may start at once: each inserts the same marker row in
    the transaction that creates the key, so exactly one commits; the others
    fail on the marker's primary key and create nothing.
    """
    for attempt in range(_ATTEMPTS):
        with Session(engine) as session:
            try:
                if KeyRepository(session).any():
                    return None
                MarkerRepository(session).add(FIRST_KEY_MARKER)
                created = create_key(session, DEFAULT_TENANT, FIRST_KEY_NAME, [ADMIN])
                session.commit()
                return created
            except IntegrityError:
                # Another worker made the key. (Or the keys were deleted by
                # hand since the first start: `sourcediff keys create` then.)
                session.rollback()
                return None
            except OperationalError:
                # SQLite was busy with another worker's start: read again.
                session.rollback()
                if attempt == _ATTEMPTS - 1:
                    raise
        time.sleep(0.01 * 2**attempt)
    return None  # pragma: no cover (the loop returns or raises)
