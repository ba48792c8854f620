"""The queries of webhooks: a tenant's subscriptions, its outbox and
delivery log (``WebhookRepository``, scoped by ``TenantRepository``), and
the dispatcher's queue across every tenant (``DeliveryQueue``).

A delivery has no tenant of its own: it is reached through its webhook or
its event, which have, and every read of one names them in ``scoped``.

Order: a webhook's deliveries are sent in ``id`` order, one at a time. Only
the oldest pending delivery of a webhook is ever due, so an event never
overtakes an earlier one, and a receiver that is down holds back the rest
of its queue until it answers (at least once, in order). A delivery is
claimed by setting ``lease_until`` in a single conditional ``UPDATE``; a
second dispatcher (another worker) finds the lease taken and moves on, and
a dispatcher that dies mid-send leaves a lease that simply runs out.

Fairness: a claim takes the due heads round-robin by tenant (every
tenant's oldest, then every tenant's second oldest, …) and at most
``per_tenant`` of one tenant's, counting those the dispatcher has in
flight already, so a tenant with many due deliveries (or many receivers
that never answer) cannot fill a claim, and the others' go beside its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from service.models.base import now
from service.models.webhooks import Delivery, Webhook, WebhookEvent
from service.platform.repository import TenantRepository

__all__ = ["DeliveryQueue", "Due", "WebhookRepository"]


class WebhookRepository(TenantRepository):
    """One tenant's subscriptions, outbox, delivery log and replays."""

    def webhook(self, webhook_id: str) -> Webhook | None:
        return self.get(Webhook, webhook_id)

    def all(self) -> Sequence[Webhook]:
        """The tenant's subscriptions, oldest first."""
        return self.session.exec(
            self.select(Webhook).order_by(col(Webhook.created_at), col(Webhook.id))
        ).all()

    def pending(self, webhook_ids: Sequence[str]) -> dict[str, int]:
        """How many deliveries wait to be sent, per webhook (one query for a
        page of them; a webhook with none is left out)."""
        if not webhook_ids:
            return {}
        counts = self.scoped(
            select(Delivery.webhook_id, func.count())
            .join(Webhook, col(Webhook.id) == Delivery.webhook_id)
            .where(col(Delivery.webhook_id).in_(webhook_ids), col(Delivery.state) == "pending")
            .group_by(col(Delivery.webhook_id)),
            Webhook,
        )
        return {webhook_id: int(n) for webhook_id, n in self.session.exec(counts).all()}

    def subscribed(self, event_type: str) -> list[Webhook]:
        return [w for w in self.all() if w.wants(event_type)]

    def enqueue(self, event: WebhookEvent, webhooks: Sequence[Webhook]) -> None:
        """Put ``event`` in the outbox with a delivery for each webhook."""
        self.session.add(event)
        self.session.flush()
        moment = now()
        for webhook in webhooks:
            self.session.add(
                Delivery(
                    webhook_id=webhook.id,
                    event_id=event.id,
                    state="pending",
                    next_attempt_at=moment,
                )
            )
        self.session.flush()

    def _logged(self, webhook_id: str) -> Select[Delivery, WebhookEvent]:
        # A delivery with its event, the event the tenant's.
        statement = (
            select(Delivery, WebhookEvent)
            .join(WebhookEvent, col(WebhookEvent.id) == Delivery.event_id)
            .where(Delivery.webhook_id == webhook_id)
        )
        return self.scoped(statement, WebhookEvent)

    def deliveries(
        self, webhook_id: str, *, before: int | None = None, limit: int = 50
    ) -> list[tuple[Delivery, WebhookEvent]]:
        """The delivery log, newest first, ids below ``before``."""
        query = self._logged(webhook_id)
        if before is not None:
            query = query.where(col(Delivery.id) < before)
        rows = self.session.exec(query.order_by(col(Delivery.id).desc()).limit(limit)).all()
        return [(d, e) for d, e in rows]

    def delivery(self, webhook_id: str, delivery_id: int) -> tuple[Delivery, WebhookEvent] | None:
        row = self.session.exec(
            self._logged(webhook_id).where(col(Delivery.id) == delivery_id)
        ).first()
        return None if row is None else (row[0], row[1])

    def replay(self, webhook: Webhook, event_id: str) -> Delivery:
        """A new delivery of an event, queued behind the webhook's others."""
        delivery = Delivery(
            webhook_id=webhook.id, event_id=event_id, state="pending", next_attempt_at=now()
        )
        self.session.add(delivery)
        self.session.flush()
        return delivery


@dataclass(frozen=True, slots=True)
class Due:
    delivery: Delivery
    webhook: Webhook
    event: WebhookEvent


class DeliveryQueue:
    """The dispatcher's queue, across every tenant: a dispatcher sends
    everyone's deliveries, so nothing here is scoped to one."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(
        self,
        *,
        lease: timedelta,
        limit: int = 20,
        per_tenant: int | None = None,
        busy: Mapping[str, int] | None = None,
    ) -> list[Due]:
        """Lease up to ``limit`` due heads of the webhooks' queues, taken
        round-robin by tenant and at most ``per_tenant`` of one tenant's
        (``busy``: how many each tenant has in flight already, which count
        against it); the leased deliveries, committed, so other dispatchers
        see the lease."""
        if limit <= 0:
            return []
        moment = now()
        busy = busy or {}
        cap = limit if per_tenant is None else per_tenant
        room = {tenant: cap - n for tenant, n in busy.items()}
        claimed: list[int] = []
        for delivery_id, tenant in self._candidates(moment, cap, limit + sum(busy.values())):
            if len(claimed) == limit:
                break
            if room.get(tenant, cap) <= 0:
                continue
            taken = self.session.execute(
                update(Delivery)
                .where(
                    col(Delivery.id) == delivery_id,
                    col(Delivery.state) == "pending",
                    (col(Delivery.lease_until).is_(None)) | (col(Delivery.lease_until) < moment),
                )
                .values(lease_until=moment + lease)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(delivery_id)
                room[tenant] = room.get(tenant, cap) - 1
        self.session.commit()
        if not claimed:
            return []
        rows = self.session.exec(
            select(Delivery, Webhook, WebhookEvent)
            .join(Webhook, col(Webhook.id) == Delivery.webhook_id)
            .join(WebhookEvent, col(WebhookEvent.id) == Delivery.event_id)
            .where(col(Delivery.id).in_(claimed))
            .order_by(col(Delivery.id))
        ).all()
        return [Due(d, w, e) for d, w, e in rows]

    def _candidates(self, moment: datetime, cap: int, limit: int) -> list[tuple[int, str]]:
        """``(delivery id, tenant)`` of the due, unleased heads, each
        tenant's ranked by age and cut at ``cap``, in round-robin order: the
        first of every tenant, then the second, … (oldest first within a
        round)."""
        heads = (
            select(func.min(Delivery.id))
            .where(col(Delivery.state) == "pending")
            .group_by(col(Delivery.webhook_id))
            .scalar_subquery()
        )
        rank = (
            func.row_number()
            .over(
                partition_by=col(Webhook.tenant),
                order_by=(col(Delivery.next_attempt_at), col(Delivery.id)),
            )
            .label("rank")
        )
        ranked = (
            select(
                col(Delivery.id).label("id"),
                col(Webhook.tenant).label("tenant"),
                col(Delivery.next_attempt_at).label("due"),
                rank,
            )
            .join(Webhook, col(Webhook.id) == Delivery.webhook_id)
            .where(
                col(Delivery.id).in_(heads),
                col(Delivery.next_attempt_at) <= moment,
                (col(Delivery.lease_until).is_(None)) | (col(Delivery.lease_until) < moment),
            )
            .subquery()
        )
        rows = self.session.execute(
            select_columns(ranked.c.id, ranked.c.tenant)
            .where(ranked.c.rank <= cap)
            .order_by(ranked.c.rank, ranked.c.due, ranked.c.id)
            .limit(limit)
        ).all()
        return [(int(delivery_id), str(tenant)) for delivery_id, tenant in rows]

    def settle(
        self,
        delivery_id: int,
        *,
        delivered: bool,
        status: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        """Record an attempt: delivered, to be retried at ``retry_at``, or
        failed for good (``retry_at`` None)."""
        state = "delivered" if delivered else ("pending" if retry_at is not None else "failed")
        moment = now()
        self.session.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id)
            .values(
                state=state,
                attempts=Delivery.attempts + 1,
                last_status=status,
                last_error=error,
                lease_until=None,
                next_attempt_at=retry_at or moment,
                delivered_at=moment if delivered else None,
            )
        )
        self.session.commit()

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery is due (for the dispatcher's sleep)."""
        moment = self.session.exec(
            select(func.min(Delivery.next_attempt_at)).where(col(Delivery.state) == "pending")
        ).one()
        return moment if isinstance(moment, datetime) else None
