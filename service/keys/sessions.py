"""The pages' sign-in sessions: a browser that signs in with an API key gets
a session, and its cookie holds the session's token, never the key.

A token is 43 characters of ``secrets.token_urlsafe(32)``; the table keeps
its SHA-256, the key's id, tenant and scopes, and when the session expires
(``Settings.session_seconds`` after the sign-in, 12 hours by default) or
ended (sign-out, or the key's revocation). A session is worth what its key
is: a revoked key's sessions end with it, and a page is counted against the
key's rate limit as an API request is.

>>> looks_like_token("sdk_0123456789abcdef_" + "x" * 43)
False
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from service.keys.repository import WebSessionRepository
from service.keys.service import Caller, authenticate, count_request, hash_key
from service.models.base import utc
from service.models.keys import WebSession
from service.platform.errors import Unauthorized

__all__ = ["SignedIn", "admit_session", "looks_like_token", "sign_in", "sign_out"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session just begun: its token (for the cookie; only its hash is
    stored), its caller and how long it lasts, in seconds."""

    token: str
    caller: Caller
    max_age: int


def looks_like_token(value: str | None) -> bool:
    """Whether ``value`` has the form of a session token."""
    return value is not None and _TOKEN.fullmatch(value) is not None


def _moment(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


def sign_in(engine: Engine, presented: str, *, lifetime: int, now: float) -> SignedIn:
    """A session for the key ``presented``, lasting ``lifetime`` seconds;
    ``Unauthorized`` when the key is missing, unknown or revoked."""
    started = _moment(now)
    token = secrets.token_urlsafe(32)
    with Session(engine) as session:
        caller = authenticate(session, presented)
        assert caller.key_id is not None  # a key was checked
        repo = WebSessionRepository(session)
        # Each sign-in clears the sessions that are over, so the table holds
        # only the live ones (and those that expired since the last sign-in).
        repo.delete_over(started)
        repo.add(
            WebSession(
                token_hash=hash_key(token),
                tenant=caller.tenant,
                key_id=caller.key_id,
                scopes=" ".join(sorted(caller.scopes)),
                created_at=started,
                expires_at=started + timedelta(seconds=lifetime),
            )
        )
        session.commit()
    return SignedIn(token, caller, lifetime)


def admit_session(engine: Engine, token: str | None, *, rate_limit: int, now: float) -> Caller:
    """The caller whose session ``token`` names, counted against its key's
    rate limit as ``admit`` counts a key; ``Unauthorized`` when there is no
    such session, or it expired or ended, or its key was revoked."""
    if not looks_like_token(token):
        raise Unauthorized("Sign in")
    assert token is not None
    with Session(engine) as session:
        found = WebSessionRepository(session).get(hash_key(token))
        if found is None:
            raise Unauthorized("Sign in")
        row, key = found
        if row.ended_at is not None or key.revoked_at is not None:
            raise Unauthorized("Signed out: sign in again")
        if utc(row.expires_at) <= _moment(now):
            raise Unauthorized("The sign-in has expired: sign in again")
        caller = Caller(row.key_id, row.tenant, frozenset(row.scopes.split()))
        return count_request(session, caller, rate_limit, now)


def sign_out(engine: Engine, token: str | None, *, now: float) -> None:
    """End the session ``token`` names, if there is one."""
    if not looks_like_token(token):
        return
    assert token is not None
    with Session(engine) as session:
        WebSessionRepository(session).end(hash_key(token), _moment(now))
        session.commit()
