"""The webhook outbox: which events a new version queues, and their bodies
pinned byte for byte (a signature is checked against the stored text, and
receivers parse it: its shape is a contract)."""

from __future__ import annotations

import json
import re

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from service.core import Quote
from service.models.articles import Article, Outlet, Version
from service.models.webhooks import Delivery, Webhook, WebhookEvent
from service.webhooks.service import EVENT_TYPES, emit, subscriptions, version_events

OLD = [
    Quote("Nous n’exporterons jamais d’armes vers la Russie", 10, 58, "Kim Yo-jong"),
    Quote("a reckless remark", 90, 107, None),
    Quote("we stand ready", 120, 134, "the minister"),
]
NEW = [
    Quote("Nous n’exporterons pas d’armes vers la Russie", 10, 56, "Kim Yo-jong"),
    Quote("we stand ready", 118, 132, "the minister"),
]
# The bodies as the outbox wrote them before the webhook schemas built them
# (``json.dumps(…, ensure_ascii=False, separators=(",", ":"))``), with the
# timestamp left out: it is the time of writing.
ABOUT = '"article_id":"a1","outlet":"Le Quotidien","url":"https://quotidien.example/x"'
PINNED = [
    '{"type":"version.created","timestamp":T,"data":{' + ABOUT + ',"version":2,'
    '"content_hash":"c0ffee","quotes":2,"story":"nk-arms"}}',
    '{"type":"quote.changed","timestamp":T,"data":{' + ABOUT + ',"from_version":1,"version":2,'
    '"relation":"reworded","score":85.7,'
    '"old":{"text":"Nous n’exporterons jamais d’armes vers la Russie","start":10,"end":58,'
    '"speaker":"Kim Yo-jong"},'
    '"new":{"text":"Nous n’exporterons pas d’armes vers la Russie","start":10,"end":56,'
    '"speaker":"Kim Yo-jong"},'
    '"diff":[{"op":"equal","left":"Nous n’exporterons","right":"Nous n’exporterons"},'
    '{"op":"replace","left":"jamais","right":"pas"},'
    '{"op":"equal","left":"d’armes vers la Russie","right":"d’armes vers la Russie"}]}}',
    '{"type":"quote.dropped","timestamp":T,"data":{' + ABOUT + ',"from_version":1,"version":2,'
    '"quote":{"text":"a reckless remark","start":90,"end":107,"speaker":null}}}',
]
_TIMESTAMP = re.compile(r'"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00)"')


def _subscribe(session: Session, tenant: str, events: str) -> Webhook:
    webhook = Webhook(
        id=f"wh_{tenant}_{events[:8]}",
        tenant=tenant,
        url="https://hooks.example/",
        events=events,
        secret="whsec_" + "A" * 32,
    )
    session.add(webhook)
    session.flush()
    return webhook


def _payloads(session: Session, tenant: str) -> list[str]:
    events = session.exec(
        select(WebhookEvent)
        .where(WebhookEvent.tenant == tenant)
        .order_by(col(WebhookEvent.created_at), col(WebhookEvent.id))
    ).all()
    return [e.payload for e in events]


def test_a_new_version_queues_its_events_byte_for_byte(engine: Engine, tenant: str) -> None:
    article = Article(id="a1", tenant=tenant, outlet_id=1, url="https://quotidien.example/x")
    outlet = Outlet(tenant=tenant, name="Le Quotidien")
    version = Version(article_id="a1", tenant=tenant, number=2, text="", content_hash="c0ffee")
    with Session(engine) as session:
        _subscribe(session, tenant, " ".join(EVENT_TYPES))
        webhooks = subscriptions(session, tenant)
        version_events(session, tenant, article, outlet, version, OLD, NEW, "nk-arms", webhooks)
        payloads = _payloads(session, tenant)
        session.rollback()
    stamps = [_TIMESTAMP.search(p) for p in payloads]
    assert all(stamps), payloads
    unstamped = [_TIMESTAMP.sub('"timestamp":T', p) for p in payloads]
    # Created in one transaction, they may share a timestamp: compare as a set.
    assert sorted(unstamped) == sorted(PINNED)
    assert all(json.loads(p)["type"] in EVENT_TYPES for p in payloads)


def test_a_first_version_queues_only_its_creation(engine: Engine, tenant: str) -> None:
    article = Article(id="a1", tenant=tenant, outlet_id=1, url=None)
    outlet = Outlet(tenant=tenant, name="Daily")
    version = Version(article_id="a1", tenant=tenant, number=1, text="", content_hash="h")
    with Session(engine) as session:
        _subscribe(session, tenant, "quote.dropped version.created")
        webhooks = subscriptions(session, tenant)
        version_events(session, tenant, article, outlet, version, None, NEW, None, webhooks)
        payloads = _payloads(session, tenant)
        session.rollback()
    assert [_TIMESTAMP.sub('"timestamp":T', p) for p in payloads] == [
        '{"type":"version.created","timestamp":T,"data":{"article_id":"a1","outlet":"Daily",'
        '"url":null,"version":1,"content_hash":"h","quotes":2,"story":null}}'
    ]


def test_emit_queues_for_subscribers_only(engine: Engine, tenant: str) -> None:
    with Session(engine) as session:
        wanted = _subscribe(session, tenant, "check.failed")
        _subscribe(session, tenant, "version.created")
        emit(session, tenant, "check.failed", {"summary": {"passed": False, "score": 12.5}})
        emit(session, tenant, "quote.dropped", {"ignored": True})  # nobody subscribed
        payloads = _payloads(session, tenant)
        deliveries = session.exec(
            select(Delivery.webhook_id)
            .join(WebhookEvent, col(WebhookEvent.id) == Delivery.event_id)
            .where(WebhookEvent.tenant == tenant)
        ).all()
        session.rollback()
    assert [_TIMESTAMP.sub('"timestamp":T', p) for p in payloads] == [
        '{"type":"check.failed","timestamp":T,"data":{"summary":{"passed":false,"score":12.5}}}'
    ]
    assert list(deliveries) == [wanted.id]
