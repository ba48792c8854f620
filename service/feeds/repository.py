"""The queries of feeds: one tenant's registrations (``FeedRepository``,
scoped by ``TenantRepository``) and the poller's queue across every tenant
(``FeedQueue``).

The poller leases the feeds whose next poll is due with one conditional
``UPDATE`` each, so that two pollers (two workers) never poll one feed at
once; a poll asked for by a client (``take``) takes the same lease, so it
never runs beside the poller's either. Settling a poll clears the lease and
schedules the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from service.models.articles import Article
from service.models.base import now
from service.models.feeds import Feed
from service.platform.repository import TenantRepository

__all__ = ["FeedQueue", "FeedRepository"]

_MAX_ID = 2**31 - 1
# URLs looked up per query (well under SQLite's and PostgreSQL's parameter limits).
_URLS_PER_QUERY = 500


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

    def count(self) -> int:
        return int(
            self.session.exec(self.scoped(select(func.count()).select_from(Feed), Feed)).one()
        )

    def stored_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of ``urls`` the tenant has an article at (a feed item seen
        before; its page is stored under the URL it was found at)."""
        found: set[str] = set()
        for start in range(0, len(urls), _URLS_PER_QUERY):
            chunk = list(urls[start : start + _URLS_PER_QUERY])
            statement = self.scoped(select(Article.url), Article).where(col(Article.url).in_(chunk))
            found.update(url for url in self.session.exec(statement).all() if url is not None)
        return found


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

    def take(self, feed_id: int, *, lease: timedelta) -> bool:
        """Lease one feed now, whatever its schedule (a poll a client asked
        for); False when another poll holds it. Not committed: the caller's
        transaction is."""
        moment = now()
        free = (col(Feed.lease_until).is_(None)) | (col(Feed.lease_until) < moment)
        # Not synchronised with the session's rows (the caller refreshes the
        # feed): SQLite gives back naive times, which Python cannot compare.
        taken = self.session.execute(
            update(Feed)
            .where(col(Feed.id) == feed_id, free)
            .values(lease_until=moment + lease)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def leased_until(self, feed_id: int) -> datetime | None:
        """When the lease on a feed runs out (``None``: it has none)."""
        return self.session.exec(select(Feed.lease_until).where(col(Feed.id) == feed_id)).first()

    def release(self, feed_id: int) -> None:
        """Free a feed whose poll failed before it could be settled."""
        self.session.execute(update(Feed).where(col(Feed.id) == feed_id).values(lease_until=None))

    def settle(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str | None,
        etag: str | None,
        last_modified: str | None,
        min_interval: int = 0,
    ) -> None:
        """Record a poll's outcome, free the feed and schedule its next poll
        after its interval, or ``min_interval`` seconds when that is longer
        (a feed registered before the minimum was raised); nothing when the
        feed was deleted meanwhile."""
        row = self.session.get(Feed, feed_id)
        if row is None:
            return
        moment = now()
        row.etag, row.last_modified = etag, last_modified
        row.last_polled_at, row.last_status, row.last_error = moment, status, error
        interval = max(row.interval_seconds, min_interval)
        row.next_poll_at = moment + timedelta(seconds=interval)
        row.lease_until = None
        self.session.add(row)
