"""Webhooks' use cases: subscriptions, their delivery log and replays, and
the outbox that other features write events to, in their own transaction.

A subscription's URL must pass the same SSRF rules as fetching
(``service.platform.fetch``); the dispatcher checks it again on every
delivery. Secrets are Standard Webhooks secrets (``whsec_`` + base64); one
is generated when the client brings none, and shown once, when created.

An event is written once, in its outbox row, as the body its type's schema
(``service.webhooks.schemas``) makes, and sent byte for byte on every
attempt, so a signature can always be checked against it. A new version
queues ``version.created``, then one ``quote.changed`` per quotation whose
wording moved since the version before and one ``quote.dropped`` per
quotation it no longer carries (the same alignment as ``…/diff``).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session

from service.core import Quote, align_quotes
from service.models.articles import Article, Outlet, Version
from service.models.base import now
from service.models.webhooks import Delivery, Webhook, WebhookEvent
from service.platform.config import Settings
from service.platform.errors import BadRequest, NotFound, Unprocessable, existing
from service.platform.fetch import FetchPolicy, check_url
from service.platform.pagination import Page, decode_ints, encode_cursor
from service.platform.transactions import in_transaction
from service.webhooks.repository import WebhookRepository
from service.webhooks.schemas import (
    EventBody,
    EventType,
    QuoteChanged,
    QuoteDropped,
    VersionCreated,
    VersionStep,
)

__all__ = [
    "EVENT_TYPES",
    "Logged",
    "Subscription",
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

EVENT_TYPES: tuple[str, ...] = get_args(EventType)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A webhook and how many of its deliveries wait to be sent."""

    webhook: Webhook
    pending: int


@dataclass(frozen=True, slots=True)
class Logged:
    """A delivery in the log, with the event it carries."""

    delivery: Delivery
    event: WebhookEvent


# Subscriptions ---------------------------------------------------------------


def register(
    engine: Engine,
    tenant: str,
    url: str,
    events: Sequence[str],
    secret: str | None,
    settings: Settings,
) -> Webhook:
    """A new subscription of ``url`` to ``events``, with its secret;
    ``Unprocessable`` for a secret that could sign nothing."""
    check_url(url, FetchPolicy.from_settings(settings))
    if secret is not None:
        _check_signing_key(secret)
    key = secret or "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()

    def step(session: Session) -> Webhook:
        return WebhookRepository(session, tenant).add(
            Webhook(
                id=f"wh_{uuid.uuid4().hex[:24]}",
                tenant=tenant,
                url=url,
                events=" ".join(sorted(set(events))),
                secret=key,
            )
        )

    return in_transaction(engine, step)


def _check_signing_key(secret: str) -> None:
    # The schema's pattern admits any run of base64 letters; a secret must
    # also decode (33 "A" do not) to 24-64 bytes, or no delivery could be
    # signed, and the column holds no more.
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        raise Unprocessable("secret: not valid base64 after `whsec_`") from None
    if not 24 <= len(key) <= 64:
        raise Unprocessable(f"secret: {len(key)} bytes; a signing key takes 24 to 64")


def _webhook_or_404(repo: WebhookRepository, webhook_id: str) -> Webhook:
    return existing(repo.webhook(webhook_id), f"webhook {webhook_id!r}")


def list_webhooks(session: Session, tenant: str) -> list[Subscription]:
    """The tenant's subscriptions, oldest first (two queries)."""
    repo = WebhookRepository(session, tenant)
    webhooks = repo.all()
    pending = repo.pending([w.id for w in webhooks])
    return [Subscription(w, pending.get(w.id, 0)) for w in webhooks]


def read_webhook(session: Session, tenant: str, webhook_id: str) -> Subscription:
    repo = WebhookRepository(session, tenant)
    webhook = _webhook_or_404(repo, webhook_id)
    return Subscription(webhook, repo.pending([webhook.id]).get(webhook.id, 0))


def delete_webhook(engine: Engine, tenant: str, webhook_id: str) -> None:
    """Delete a subscription; its deliveries go with it (``ON DELETE CASCADE``)."""

    def step(session: Session) -> None:
        repo = WebhookRepository(session, tenant)
        repo.delete(_webhook_or_404(repo, webhook_id))

    in_transaction(engine, step)


# The delivery log ------------------------------------------------------------


def list_deliveries(
    session: Session, tenant: str, webhook_id: str, *, cursor: str | None, limit: int
) -> Page[Logged]:
    """A page of the webhook's delivery log, newest first."""
    repo = WebhookRepository(session, tenant)
    webhook = _webhook_or_404(repo, webhook_id)
    before = None
    if cursor is not None:
        try:
            (before,) = decode_ints(cursor, 1)
        except ValueError:
            raise BadRequest("cursor: malformed cursor") from None
    rows = repo.deliveries(webhook.id, before=before, limit=limit + 1)
    last = rows[limit - 1][0].id if len(rows) > limit else None
    following = encode_cursor(last) if last is not None else None
    return Page([Logged(d, e) for d, e in rows[:limit]], following)


def replay(engine: Engine, tenant: str, webhook_id: str, delivery_id: int) -> Logged:
    """A delivered or failed event sent again, as a new delivery queued
    behind the webhook's others."""

    def step(session: Session) -> Logged:
        repo = WebhookRepository(session, tenant)
        webhook = _webhook_or_404(repo, webhook_id)
        found = repo.delivery(webhook.id, delivery_id)
        if found is None:
            raise NotFound(f"webhook {webhook_id!r} has no delivery {delivery_id}")
        _, event = found
        return Logged(repo.replay(webhook, event.id), event)

    return in_transaction(engine, step)


# The outbox --------------------------------------------------------------------


def subscriptions(session: Session, tenant: str) -> Sequence[Webhook]:
    """Every webhook of ``tenant``: read once per write, then handed to
    ``emit`` for each event of that write."""
    return WebhookRepository(session, tenant).all()


def emit(
    session: Session,
    tenant: str,
    type_: EventType,
    data: BaseModel | dict[str, Any],
    among: Sequence[Webhook] | None = None,
) -> None:
    """Queue an event for the webhooks subscribed to it: those of ``among``
    (``subscriptions``'s answer), else the tenant's, read now. ``data`` is
    the event's schema (a dict is written as it is)."""
    repo = WebhookRepository(session, tenant)
    webhooks = repo.subscribed(type_) if among is None else [w for w in among if w.wants(type_)]
    if not webhooks:
        return
    created = now()
    body = EventBody[Any](type=type_, timestamp=created, data=data)
    repo.enqueue(
        WebhookEvent(
            id=f"msg_{uuid.uuid4().hex}",
            tenant=tenant,
            type=type_,
            payload=body.model_dump_json(),
            created_at=created,
        ),
        webhooks,
    )


def version_events(
    session: Session,
    tenant: str,
    article: Article,
    outlet: Outlet,
    version: Version,
    previous: Sequence[Quote] | None,
    quotes: Sequence[Quote],
    story: str | None,
    webhooks: Sequence[Webhook],
) -> None:
    """Queue the events of ``version`` for ``webhooks`` (the tenant's
    ``subscriptions``); ``previous`` are the quotations of the version
    before it (``None`` for a first version)."""
    created = VersionCreated.of(article, outlet, version, len(quotes), story)
    emit(session, tenant, "version.created", created, webhooks)
    if previous is None:
        return
    step = VersionStep.between(article, outlet, version)
    alignment = align_quotes(previous, quotes)
    for m in alignment.matches:
        if m.relation != "identical":
            changed = QuoteChanged.of(step, m, previous[m.left], quotes[m.right])
            emit(session, tenant, "quote.changed", changed, webhooks)
    for i in alignment.left_only:
        emit(session, tenant, "quote.dropped", QuoteDropped.of(step, previous[i]), webhooks)
