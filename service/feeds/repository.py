"""The queries of feeds: one tenant's registrations (``FeedRepository``,
scoped by ``TenantRepository``) and the poller's queue across every tenant
(``FeedQueue``).

The poller leases the feeds whose next poll is due with one conditional
``UPDATE`` each, so that two pollers (two workers) never poll one feed at
once; settling a poll clears the lease and schedules the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.models.base import now
from service.models.feeds import Feed
from service.platform.repository import TenantRepository

__all__ = ["FeedQueue", "FeedRepository"]

_MAX_ID = 2**31 - 1


class FeedRepository(TenantRepository):
    """One tenant's feeds."""

    def feed(self, feed_id: int) -> Feed | None:
        # The API takes ids up to 2**62, like its others; feeds.id is a 32-bit
        # INTEGER, which PostgreSQL refuses to compare with more (an error,
        # where a larger id is simply no feed).
        if not 0 < feed_id <= _MAX_ID:
            return None
        return self.get(Feed, feed_id)

    def by_url(self, url: str) -> Feed | None:
        return self.session.exec(self.select(Feed).where(Feed.url == url)).first()

    def all(self) -> Sequence[Feed]:
        """The tenant's feeds, in the order they were registered."""
        return self.session.exec(self.select(Feed).order_by(col(Feed.id))).all()


class FeedQueue:
    """The poller's queue, across every tenant: a poller polls everyone's
    feeds, so nothing here is scoped to one (a feed is named by its id)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, *, lease: timedelta, limit: int = 10) -> list[Feed]:
        """Lease the feeds due for a poll and commit the leases."""
        moment = now()
        free = (col(Feed.lease_until).is_(None)) | (col(Feed.lease_until) < moment)
        due = self.session.exec(
            select(Feed.id)
            .where(col(Feed.next_poll_at) <= moment, free)
            .order_by(col(Feed.next_poll_at))
            .limit(limit)
        ).all()
        claimed = []
        for feed_id in due:
            taken = self.session.execute(
                update(Feed)
                .where(col(Feed.id) == feed_id, col(Feed.next_poll_at) <= moment, free)
                .values(lease_until=moment + lease)
            )
            if taken.rowcount == 1 and feed_id is not None:  # type: ignore[attr-defined]
                claimed.append(feed_id)
        self.session.commit()
        return [f for feed_id in claimed if (f := self.session.get(Feed, feed_id)) is not None]

    def settle(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Record a poll's outcome, free the feed and schedule its next poll
        (nothing when the feed was deleted meanwhile)."""
        row = self.session.get(Feed, feed_id)
        if row is None:
            return
        moment = now()
        row.etag, row.last_modified = etag, last_modified
        row.last_polled_at, row.last_status, row.last_error = moment, status, error
        row.next_poll_at = moment + timedelta(seconds=row.interval_seconds)
        row.lease_until = None
        self.session.add(row)
