"""The feed poller: polls due feeds in the background."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from service.feeds.repository import claim_due_feeds
from service.feeds.service import poll_feed
from service.platform.config import Settings

__all__ = ["FeedPoller"]


_LEASE = timedelta(minutes=5)


_IDLE = 1.0


class FeedPoller:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def step(self) -> float:
        with Session(self.engine) as session:
            due = claim_due_feeds(session, lease=_LEASE)
            session.expunge_all()
        for feed in due:
            poll_feed(self.engine, feed, self.settings)
        return 0.0 if due else _IDLE
