"""The queries of API keys, the pages' sessions, rate counters and one-off
markers.

Keys are found by their public id whatever their tenant (``KeyRepository``):
the key names the tenant, so authentication cannot be scoped to one
beforehand, and the operator's ``sourcediff keys list`` shows every
tenant's. A listing for one tenant is scoped like every other tenant-owned
read (``TenantKeyRepository``). Like every repository, these never commit:
the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from service.models.keys import ApiKey, Marker, RateCounter, WebSession
from service.platform.repository import TenantRepository

__all__ = [
    "KeyRepository",
    "MarkerRepository",
    "RateCounterRepository",
    "TenantKeyRepository",
    "WebSessionRepository",
]

_OLDEST_FIRST = (col(ApiKey.tenant), col(ApiKey.created_at), col(ApiKey.id))


class KeyRepository:
    """Keys across tenants: by id for authentication, all for the operator."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key_id: str) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key

    def any(self) -> bool:
        """Whether the database holds any key at all, revoked ones included."""
        return self.session.exec(select(ApiKey.id).limit(1)).first() is not None

    def keys(self) -> Sequence[ApiKey]:
        """Every key of every tenant, by tenant, oldest first."""
        return self.session.exec(select(ApiKey).order_by(*_OLDEST_FIRST)).all()

    def revoke(self, key: ApiKey, at: datetime) -> ApiKey:
        key.revoked_at = at
        self.session.add(key)
        self.session.flush()
        return key


class TenantKeyRepository(TenantRepository):
    """One tenant's keys."""

    def keys(self) -> Sequence[ApiKey]:
        """The tenant's keys, oldest first."""
        return self.session.exec(self.select(ApiKey).order_by(*_OLDEST_FIRST)).all()


class RateCounterRepository:
    """Requests per key and minute, counted in one atomic statement."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def increment(self, key_id: str, window_start: int, by: int = 1) -> int:
        """Count ``by`` more requests of ``key_id`` in the window starting at
        ``window_start`` (a worker's claim: ``service.keys.allowance``); the
        window's count so far, these included."""
        # One statement, so concurrent workers never lose an increment. Both
        # dialects have INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite
        # since 3.35).
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(RateCounter)
            .values(key_id=key_id, window_start=window_start, count=by)
            .on_conflict_do_update(
                index_elements=["key_id", "window_start"],
                set_={"count": col(RateCounter.count) + by},
            )
            .returning(col(RateCounter.count))
        )
        count = int(self.session.exec(statement).scalar_one())
        if count == by:
            # The key's first claim this window: its older windows are over.
            self.session.exec(
                delete(RateCounter).where(
                    col(RateCounter.key_id) == key_id, col(RateCounter.window_start) < window_start
                )
            )
        return count


class WebSessionRepository:
    """The pages' sessions, found by their token's hash whatever the tenant
    (the session names it, as a key does)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> WebSession:
        self.session.add(web_session)
        self.session.flush()
        return web_session

    def get(self, token_hash: str) -> tuple[WebSession, ApiKey] | None:
        """The session and its key."""
        row = self.session.exec(
            select(WebSession, ApiKey)
            .join(ApiKey, col(ApiKey.id) == col(WebSession.key_id))
            .where(col(WebSession.token_hash) == token_hash)
        ).first()
        return (row[0], row[1]) if row is not None else None

    def end(self, token_hash: str, at: datetime) -> None:
        """End the session (sign-out); one ended already keeps its time."""
        self.session.exec(
            update(WebSession)
            .where(col(WebSession.token_hash) == token_hash, col(WebSession.ended_at).is_(None))
            .values(ended_at=at)
        )

    def end_for_key(self, key_id: str, at: datetime) -> None:
        """End every open session of the key ``key_id`` (its revocation)."""
        self.session.exec(
            update(WebSession)
            .where(col(WebSession.key_id) == key_id, col(WebSession.ended_at).is_(None))
            .values(ended_at=at)
        )

    def delete_over(self, before: datetime) -> None:
        """Forget sessions that expired before ``before`` or were ended."""
        self.session.exec(
            delete(WebSession).where(
                or_(col(WebSession.expires_at) < before, col(WebSession.ended_at).is_not(None))
            )
        )


class MarkerRepository:
    """One-off events: ``add`` flushes, and raises ``IntegrityError`` when
    the event was recorded already."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, name: str) -> None:
        self.session.add(Marker(name=name))
        self.session.flush()
