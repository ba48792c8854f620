"""The webhook dispatcher: sends the outbox, signed, with retries.

Each attempt is a POST of the event's stored body with the Standard
Webhooks headers ``webhook-id`` (the event id, the same on every attempt so
receivers can deduplicate), ``webhook-timestamp`` and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 over ``id.timestamp.body``, made by the
``standardwebhooks`` library). A 2xx answer settles it; anything else, or
no answer within the timeout, schedules a retry after ``backoff`` (doubling
from ``webhook_retry_base_seconds`` up to ``webhook_retry_max_seconds``,
with jitter) until ``webhook_max_attempts``, when it is marked failed and
the webhook's next delivery goes. The URL passes ``service.platform.fetch``'s SSRF
rules on every attempt (a name may resolve elsewhere since registration).

Every worker process runs a dispatcher; leases (``service.webhooks.repository``)
keep two from sending one delivery at once, and the state lives in the
database, so a restart loses nothing: deliveries still pending are sent by
the next dispatcher to run.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from standardwebhooks.webhooks import Webhook as Signer

from service.models.base import now
from service.platform.config import Settings
from service.platform.errors import SourcediffError
from service.platform.fetch import USER_AGENT, FetchPolicy, post
from service.webhooks.repository import DeliveryQueue, Due

__all__ = ["Dispatcher", "backoff", "sign"]

log = logging.getLogger(__name__)

# How long a claimed delivery is ours: more than one attempt can take.
_LEASE = timedelta(seconds=60)
# Longest sleep between looks at the outbox (a new event is sent within it).
_IDLE = 0.25


def sign(secret: str, event_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt to send ``body``."""
    stamp = timestamp.astimezone(UTC)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": Signer(secret).sign(event_id, stamp, body),
    }


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before attempt ``attempts + 1``: doubling, capped, with up
    to a quarter of jitter so that retries of many deliveries spread out."""
    delay: float = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.75, 1.0)


class Dispatcher:
    """Sends the deliveries that are due; ``step`` is one round of a
    ``service.platform.background.Loop``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.fetch_policy = FetchPolicy.from_settings(settings)

    def _attempt(self, due: Due) -> tuple[bool, int | None, str | None]:
        # Signing is inside the try: a secret that cannot sign (stored before
        # secrets were checked) fails its own delivery, not the whole batch
        # claimed with it, which other tenants' deliveries share.
        try:
            headers = {
                **sign(due.webhook.secret, due.event.id, now(), due.event.payload),
                "content-type": "application/json",
                "user-agent": USER_AGENT,
            }
            status = post(due.webhook.url, due.event.payload.encode(), headers, self.fetch_policy)
        except SourcediffError as exc:
            return False, None, exc.detail
        except Exception as exc:
            return False, None, f"{type(exc).__name__}: {exc}"
        return 200 <= status < 300, status, None if 200 <= status < 300 else f"HTTP {status}"

    def run_once(self) -> int:
        """Send every delivery that is due now; how many were attempted."""
        with Session(self.engine) as session:
            queue = DeliveryQueue(session)
            claimed = queue.claim(lease=_LEASE)
            for due in claimed:
                self._send(queue, due)
            return len(claimed)

    def _send(self, queue: DeliveryQueue, due: Due) -> None:
        """Attempt ``due`` and settle it: delivered, retried after a
        backoff, or failed for good once its attempts are spent."""
        delivered, status, error = self._attempt(due)
        attempts = due.delivery.attempts + 1
        retry_at = None
        if not delivered and attempts < self.settings.webhook_max_attempts:
            delay = backoff(
                attempts,
                self.settings.webhook_retry_base_seconds,
                self.settings.webhook_retry_max_seconds,
            )
            retry_at = now() + timedelta(seconds=delay)
        assert due.delivery.id is not None
        queue.settle(
            due.delivery.id, delivered=delivered, status=status, error=error, retry_at=retry_at
        )
        log.info(
            "webhook delivery",
            extra={
                "delivery": due.delivery.id,
                "webhook": due.webhook.id,
                "event_type": due.event.type,
                "delivered": delivered,
                "status": status,
                "attempt": attempts,
            },
        )

    def step(self) -> float:
        """One round for ``background.Loop``: the seconds until the next."""
        if self.run_once():
            return 0.0
        with Session(self.engine) as session:
            due = DeliveryQueue(session).next_due()
        if due is None:
            return _IDLE
        wait = (due.replace(tzinfo=due.tzinfo or UTC) - now()).total_seconds()
        return min(_IDLE, max(0.0, wait))
