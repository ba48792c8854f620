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

Concurrency: a dispatcher has ``webhook_concurrency`` slots. It claims a
delivery only when a slot is free, and sends each in a thread of its own,
so a receiver that takes its time holds one slot and no other delivery;
the next claim fills the slots others freed meanwhile. One tenant's
deliveries take at most ``webhook_tenant_concurrency`` of the slots, and
claims go round-robin by tenant (``DeliveryQueue.claim``): a tenant whose
receivers never answer slows its own deliveries only.

Leases: a delivery is leased when it is claimed, just before it is sent,
for one attempt's longest time, ``fetch_timeout_seconds`` (a hard deadline
that DNS, connecting, sending and the answer share: ``service.platform.fetch``),
and ``_LEASE_MARGIN`` to sign it and settle it. Nothing is claimed to wait
behind another send, so no lease runs out while its delivery is in flight,
and another worker never sends it a second time meanwhile. (A dispatcher
that dies mid-send leaves a lease that runs out; the receiver may then get
the event twice, with the same ``webhook-id``.)
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
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

# A lease is one attempt's deadline (the fetch timeout) and this much more,
# to sign the delivery before and settle it in the database after.
_LEASE_MARGIN = timedelta(seconds=30)
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
    """Sends the deliveries that are due, each in a thread of its own, up
    to ``webhook_concurrency`` at once; ``step`` is one round of a
    ``service.platform.background.Loop``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.fetch_policy = FetchPolicy.from_settings(settings)
        self.lease = timedelta(seconds=settings.fetch_timeout_seconds) + _LEASE_MARGIN
        # Deliveries in flight, by tenant, and their threads; claims are made
        # one at a time, so that two never count the same free slots.
        self._lock = threading.Lock()
        self._claiming = threading.Lock()
        self._busy: Counter[str] = Counter()
        self._threads: set[threading.Thread] = set()

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

    def dispatch(self) -> list[threading.Thread]:
        """Claim as many due deliveries as there are free slots (within each
        tenant's share) and start sending each; their threads, not waited for."""
        with self._claiming:
            with self._lock:
                free = self.settings.webhook_concurrency - sum(self._busy.values())
                busy = dict(self._busy)
            if free <= 0:
                return []
            with Session(self.engine) as session:
                claimed = DeliveryQueue(session).claim(
                    lease=self.lease,
                    limit=free,
                    per_tenant=self.settings.webhook_tenant_concurrency,
                    busy=busy,
                )
                session.expunge_all()
            return [self._start(due) for due in claimed]

    def _start(self, due: Due) -> threading.Thread:
        thread = threading.Thread(
            target=self._deliver, args=(due,), name="webhook-delivery", daemon=True
        )
        with self._lock:
            self._busy[due.webhook.tenant] += 1
            self._threads.add(thread)
        thread.start()
        return thread

    def _deliver(self, due: Due) -> None:
        # A daemon thread: a shutdown mid-send abandons it, and its lease
        # runs out (the delivery is sent again, at least once).
        try:
            self._send(due)
        except Exception:
            log.exception("webhook delivery %s could not be settled", due.delivery.id)
        finally:
            tenant = due.webhook.tenant
            with self._lock:
                self._busy[tenant] -= 1
                if self._busy[tenant] <= 0:
                    del self._busy[tenant]
                self._threads.discard(threading.current_thread())

    def run_once(self) -> int:
        """Send the deliveries that are due now (as many as there are free
        slots), and wait for them; how many were attempted."""
        started = self.dispatch()
        for thread in started:
            thread.join()
        return len(started)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every delivery in flight (up to ``timeout`` for each)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def _send(self, due: Due) -> None:
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
        with Session(self.engine) as session:
            DeliveryQueue(session).settle(
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
        """One round for ``background.Loop``: start what is due, without
        waiting for it; the seconds until the next round."""
        if self.dispatch():
            return 0.0
        with Session(self.engine) as session:
            due = DeliveryQueue(session).next_due()
        if due is None:
            return _IDLE
        wait = (due.replace(tzinfo=due.tzinfo or UTC) - now()).total_seconds()
        # Due already but not claimed: leased by another worker, or its
        # tenant's share of the slots (or every slot) is taken. Look again
        # after the idle wait rather than at once, over and over.
        return min(_IDLE, wait) if wait > 0 else _IDLE
