"""The poller's queue on each database: leases across tenants, and what
settling a poll records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from service.feeds.repository import FeedQueue, FeedRepository
from service.models.base import now, utc
from service.models.feeds import Feed


def _feed(session: Session, tenant: str, url: str, due_in: float) -> int:
    feed = FeedRepository(session, tenant).add(
        Feed(
            tenant=tenant,
            url=url,
            outlet="Wire",
            interval_seconds=60,
            next_poll_at=now() + timedelta(seconds=due_in),
        )
    )
    assert feed.id is not None
    return feed.id


def test_claim_leases_due_feeds_once_and_settle_schedules_the_next(
    engine: Engine, tenant: str
) -> None:
    other = tenant + "-o"
    with Session(engine) as session:
        mine = _feed(session, tenant, "https://a.example/feed", -5)
        theirs = _feed(session, other, "https://b.example/feed", -5)
        later = _feed(session, tenant, "https://c.example/feed", 3600)
        session.commit()
    ours = {mine, theirs, later}

    with Session(engine) as session:
        claimed = {f.id for f in FeedQueue(session).claim(lease=timedelta(minutes=1), limit=1000)}
    assert {mine, theirs} <= claimed and later not in claimed
    with Session(engine) as session:
        again = {f.id for f in FeedQueue(session).claim(lease=timedelta(minutes=1), limit=1000)}
    assert not again & ours  # leased: no second poller takes them

    with Session(engine) as session:
        FeedQueue(session).settle(mine, status=304, error=None, etag='"e1"', last_modified=None)
        FeedQueue(session).settle(2**31 - 1, status=200, error=None, etag=None, last_modified=None)
        session.commit()
    with Session(engine) as session:
        row = session.exec(select(Feed).where(col(Feed.id) == mine)).one()
        assert (row.last_status, row.etag, row.lease_until) == (304, '"e1"', None)
        polled = utc(row.last_polled_at)
        assert polled is not None
        assert utc(row.next_poll_at) == polled + timedelta(seconds=60)
        # The tenant's repository sees its own feeds only.
        assert [f.id for f in FeedRepository(session, tenant).all()] == [mine, later]
        assert FeedRepository(session, tenant).feed(theirs) is None
        # Beyond the column's range (32 bits on PostgreSQL): no feed, no error.
        assert FeedRepository(session, tenant).feed(2**62) is None


def test_a_feed_registered_under_the_minimum_is_polled_at_the_minimum(
    engine: Engine, tenant: str
) -> None:
    # Stored before the minimum existed (the API refuses such an interval now).
    with Session(engine) as session:
        often = _feed(session, tenant, "https://often.example/feed", -5)
        session.commit()
    with Session(engine) as session:
        FeedQueue(session).settle(
            often, status=304, error=None, etag=None, last_modified=None, min_interval=300
        )
        session.commit()
        row = session.exec(select(Feed).where(col(Feed.id) == often)).one()
    polled = utc(row.last_polled_at)
    assert polled is not None and utc(row.next_poll_at) == polled + timedelta(seconds=300)
