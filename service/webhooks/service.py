"""Webhook subscriptions, their delivery log and replays.

Public API:

- ``register(engine, tenant, url, events, secret, settings)``: a new
  subscription (``201``); its URL must pass the same SSRF rules as fetching
  (``service.platform.fetch``), checked again on every delivery.
- ``list_webhooks``, ``read_webhook``, ``delete_webhook``.
- ``list_deliveries(session, tenant, webhook_id, *, cursor, limit)``: the
  delivery log, newest first.
- ``replay(engine, tenant, webhook_id, delivery_id)``: send a delivered or
  failed event again, as a new delivery queued behind the others.

Secrets are Standard Webhooks secrets (``whsec_`` + base64); one is
generated when the client brings none, and shown once, when created.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from service.models.base import iso
from service.models.webhooks import Delivery, Webhook, WebhookEvent
from service.platform.config import Settings
from service.platform.errors import BadRequest, NotFound
from service.platform.fetch import FetchPolicy, check_url
from service.platform.pagination import decode_ints, encode_cursor
from service.platform.transactions import in_transaction
from service.webhooks.outbox import EVENT_TYPES, emit, subscriptions, version_events
from service.webhooks.repository import WebhookRepository

__all__ = [
    "EVENT_TYPES",
    "delete_webhook",
    "emit",
    "list_deliveries",
    "list_webhooks",
    "read_webhook",
    "register",
    "replay",
    "subscriptions",
    "version_events",
]


def _body(webhook: Webhook, pending: int) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events.split(),
        "created_at": iso(webhook.created_at),
        "pending": pending,
    }


def register(
    engine: Engine,
    tenant: str,
    url: str,
    events: Sequence[str],
    secret: str | None,
    settings: Settings,
) -> dict[str, Any]:
    check_url(url, FetchPolicy.from_settings(settings))
    key = secret or "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()

    def step(session: Session) -> dict[str, Any]:
        webhook = WebhookRepository(session, tenant).add(
            Webhook(
                id=f"wh_{uuid.uuid4().hex[:24]}",
                tenant=tenant,
                url=url,
                events=" ".join(sorted(set(events))),
                secret=key,
            )
        )
        return {**_body(webhook, 0), "secret": key}

    return in_transaction(engine, step)


def _webhook_or_404(repo: WebhookRepository, webhook_id: str) -> Webhook:
    webhook = repo.get(webhook_id)
    if webhook is None:
        raise NotFound(f"webhook {webhook_id!r} not found")
    return webhook


def list_webhooks(session: Session, tenant: str) -> dict[str, Any]:
    repo = WebhookRepository(session, tenant)
    return {"items": [_body(w, repo.pending(w.id)) for w in repo.all()]}


def read_webhook(session: Session, tenant: str, webhook_id: str) -> dict[str, Any]:
    repo = WebhookRepository(session, tenant)
    webhook = _webhook_or_404(repo, webhook_id)
    return _body(webhook, repo.pending(webhook.id))


def delete_webhook(engine: Engine, tenant: str, webhook_id: str) -> None:
    def step(session: Session) -> None:
        repo = WebhookRepository(session, tenant)
        repo.delete(_webhook_or_404(repo, webhook_id))

    in_transaction(engine, step)


def _delivery_body(delivery: Delivery, event: WebhookEvent) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "event_id": event.id,
        "event_type": event.type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.state == "pending" else None,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "delivered_at": iso(delivery.delivered_at),
        "created_at": iso(delivery.created_at),
        "payload": json.loads(event.payload),
    }


def list_deliveries(
    session: Session, tenant: str, webhook_id: str, *, cursor: str | None, limit: int
) -> dict[str, Any]:
    repo = WebhookRepository(session, tenant)
    webhook = _webhook_or_404(repo, webhook_id)
    before = None
    if cursor is not None:
        try:
            (before,) = decode_ints(cursor, 1)
        except ValueError:
            raise BadRequest("cursor: malformed cursor") from None
    rows = repo.deliveries(webhook.id, before=before, limit=limit + 1)
    items = [_delivery_body(d, e) for d, e in rows[:limit]]
    last = rows[limit - 1][0].id if len(rows) > limit else None
    following = encode_cursor(last) if last is not None else None
    return {"items": items, "next": following}


def replay(engine: Engine, tenant: str, webhook_id: str, delivery_id: int) -> dict[str, Any]:
    def step(session: Session) -> dict[str, Any]:
        repo = WebhookRepository(session, tenant)
        webhook = _webhook_or_404(repo, webhook_id)
        found = repo.delivery(webhook.id, delivery_id)
        if found is None:
            raise NotFound(f"webhook {webhook_id!r} has no delivery {delivery_id}")
        _, event = found
        return _delivery_body(repo.replay(webhook, event.id), event)

    return in_transaction(engine, step)
