"""The feed poller: polls the feeds that are due, in the background of
every worker (leases keep two workers from polling one feed at once).

A feed is claimed when it is about to be polled, one at a time, and leased
for longer than its poll can take (``service.feeds.service.poll_lease``):
claiming several at once and polling them in turn would let the lease of
the last run out while it waited, and another worker poll it too."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from service.feeds.repository import FeedQueue
from service.feeds.service import poll_feed, poll_lease
from service.platform.config import Settings

__all__ = ["FeedPoller"]

# The sleep when no feed is due (a new feed is polled within it).
_IDLE = 1.0


class FeedPoller:
    """Polls due feeds; ``step`` is one round of a
    ``service.platform.background.Loop``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.lease = poll_lease(settings)

    def step(self) -> float:
        """Poll the feed due first, if any; the seconds until the next round."""
        with Session(self.engine) as session:
            due = FeedQueue(session).claim(lease=self.lease, limit=1)
            session.expunge_all()
        for feed in due:
            poll_feed(self.engine, feed, self.settings)
        return 0.0 if due else _IDLE
