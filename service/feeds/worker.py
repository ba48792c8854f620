"""The feed poller: polls the feeds that are due, in the background of
every worker (leases keep two workers from polling one feed at once)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from service.feeds.repository import FeedQueue
from service.feeds.service import poll_feed
from service.platform.config import Settings

__all__ = ["FeedPoller"]

# How long a claimed feed is ours: more than polling it and its items takes.
_LEASE = timedelta(minutes=5)
# The sleep when no feed is due (a new feed is polled within it).
_IDLE = 1.0


class FeedPoller:
    """Polls due feeds; ``step`` is one round of a
    ``service.platform.background.Loop``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def step(self) -> float:
        """Poll every feed that is due; the seconds until the next round."""
        with Session(self.engine) as session:
            due = FeedQueue(session).claim(lease=_LEASE)
            session.expunge_all()
        for feed in due:
            poll_feed(self.engine, feed, self.settings)
        return 0.0 if due else _IDLE
