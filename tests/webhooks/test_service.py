"""The webhooks' use cases on each database: pending counts for a page of
subscriptions, and one tenant never reaching another's webhooks or
deliveries."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from service.models.webhooks import Webhook
from service.platform.errors import NotFound
from service.webhooks.service import (
    emit,
    list_deliveries,
    list_webhooks,
    read_webhook,
    replay,
)


def _subscribe(engine: Engine, tenant: str, name: str, events: str) -> str:
    with Session(engine) as session:
        webhook = Webhook(
            id=f"wh_{name}_{tenant}"[:32],
            tenant=tenant,
            url="https://hooks.example/",
            events=events,
            secret="whsec_" + "A" * 32,
        )
        session.add(webhook)
        session.commit()
        return webhook.id


def test_pending_counts_and_tenants(engine: Engine, tenant: str) -> None:
    other = tenant + "-o"
    busy = _subscribe(engine, tenant, "busy", "check.failed")
    idle = _subscribe(engine, tenant, "idle", "quote.dropped")
    foreign = _subscribe(engine, other, "foreign", "check.failed")
    with Session(engine) as session:
        for n in range(3):
            emit(session, tenant, "check.failed", {"n": n})
        emit(session, other, "check.failed", {"n": 0})
        session.commit()

    with Session(engine) as session:
        listed = {s.webhook.id: s.pending for s in list_webhooks(session, tenant)}
        assert listed == {busy: 3, idle: 0}
        assert read_webhook(session, tenant, idle).pending == 0
        with pytest.raises(NotFound):
            read_webhook(session, tenant, foreign)
        with pytest.raises(NotFound):
            list_deliveries(session, tenant, foreign, cursor=None, limit=10)
        theirs = list_deliveries(session, other, foreign, cursor=None, limit=10).items
        page = list_deliveries(session, tenant, busy, cursor=None, limit=2)
        assert [d.event.type for d in page.items] == ["check.failed"] * 2
        assert page.next is not None
        rest = list_deliveries(session, tenant, busy, cursor=page.next, limit=2)
        assert len(rest.items) == 1 and rest.next is None

    # A delivery id of another tenant is no delivery of this tenant's webhook.
    their_delivery = theirs[0].delivery.id
    assert their_delivery is not None
    with pytest.raises(NotFound):
        replay(engine, tenant, busy, their_delivery)
    again = replay(engine, other, foreign, their_delivery)
    # The rows a write returns stay readable after its session has closed.
    assert again.event.id == theirs[0].event.id and again.delivery.state == "pending"
