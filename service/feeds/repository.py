"""Registered RSS/Atom feeds: their queries.

Public API: ``FeedRepository(session, tenant)``: add, get, all, delete, and
``claim_due(lease)`` (across tenants: the poller's), which leases the feeds
whose next poll is due with one conditional ``UPDATE`` each, so that two
pollers (two workers) never poll one feed at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.models.base import now
from service.models.feeds import Feed

__all__ = ["FeedRepository", "claim_due_feeds"]


class FeedRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def add(self, feed: Feed) -> Feed:
        self.session.add(feed)
        self.session.flush()
        return feed

    def get(self, feed_id: int) -> Feed | None:
        found = self.session.get(Feed, feed_id)
        return found if found is not None and found.tenant == self.tenant else None

    def by_url(self, url: str) -> Feed | None:
        return self.session.exec(
            select(Feed).where(Feed.tenant == self.tenant, Feed.url == url)
        ).first()

    def all(self) -> Sequence[Feed]:
        return self.session.exec(
            select(Feed).where(Feed.tenant == self.tenant).order_by(col(Feed.id))
        ).all()

    def delete(self, feed: Feed) -> None:
        self.session.delete(feed)
        self.session.flush()


def claim_due_feeds(session: Session, *, lease: timedelta, limit: int = 10) -> list[Feed]:
    """Lease the feeds due for a poll (every tenant's) and commit the leases."""
    moment = now()
    free = (col(Feed.lease_until).is_(None)) | (col(Feed.lease_until) < moment)
    due = session.exec(
        select(Feed.id)
        .where(col(Feed.next_poll_at) <= moment, free)
        .order_by(col(Feed.next_poll_at))
        .limit(limit)
    ).all()
    claimed = []
    for feed_id in due:
        taken = session.execute(
            update(Feed)
            .where(col(Feed.id) == feed_id, col(Feed.next_poll_at) <= moment, free)
            .values(lease_until=moment + lease)
        )
        if taken.rowcount == 1 and feed_id is not None:  # type: ignore[attr-defined]
            claimed.append(feed_id)
    session.commit()
    return [feed for feed_id in claimed if (feed := session.get(Feed, feed_id)) is not None]
