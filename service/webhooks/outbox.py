"""Events for webhook subscribers, written to the outbox in the caller's
transaction.

Public API:

- ``EVENT_TYPES``: ``version.created``, ``quote.changed``, ``quote.dropped``,
  ``check.failed``.
- ``subscriptions(session, tenant)``: the tenant's webhooks, read once per
  write.
- ``emit(session, tenant, type, data, among=None)``: queue one event for
  every subscription of ``tenant`` to ``type`` (nothing when there is none).
- ``version_events(session, tenant, …)``: the events of a new version:
  ``version.created``, then one ``quote.changed`` per quotation whose
  wording moved since the previous version and one ``quote.dropped`` per
  quotation it no longer carries (the same alignment as ``…/diff``).

An event's body follows the Standard Webhooks payload shape:
``{"type", "timestamp", "data"}``. It is written once, in the outbox row, and
sent byte for byte on every attempt, so a signature can always be checked
against it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from service.core import Quote, align_quotes
from service.models.articles import Article, Outlet, Version
from service.models.base import now
from service.models.webhooks import Webhook, WebhookEvent
from service.webhooks.repository import WebhookRepository

__all__ = ["EVENT_TYPES", "emit", "subscriptions", "version_events"]

EVENT_TYPES = ("version.created", "quote.changed", "quote.dropped", "check.failed")


def subscriptions(session: Session, tenant: str) -> Sequence[Webhook]:
    """Every webhook of ``tenant``: read once per write, then handed to
    ``emit`` for each event of that write."""
    return WebhookRepository(session, tenant).all()


def emit(
    session: Session,
    tenant: str,
    type_: str,
    data: dict[str, Any],
    among: Sequence[Webhook] | None = None,
) -> None:
    """Queue an event for the webhooks subscribed to it: those of ``among``
    (``subscriptions``'s answer), else the tenant's, read now."""
    repo = WebhookRepository(session, tenant)
    webhooks = repo.subscribed(type_) if among is None else [w for w in among if w.wants(type_)]
    if not webhooks:
        return
    created = now()
    body = {"type": type_, "timestamp": created.isoformat(), "data": data}
    repo.enqueue(
        WebhookEvent(
            id=f"msg_{uuid.uuid4().hex}",
            tenant=tenant,
            type=type_,
            payload=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            created_at=created,
        ),
        webhooks,
    )


def _quote(quote: Quote) -> dict[str, Any]:
    return {"text": quote.text, "start": quote.start, "end": quote.end, "speaker": quote.speaker}


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
    about = {"article_id": article.id, "outlet": outlet.name, "url": article.url}
    emit(
        session,
        tenant,
        "version.created",
        {
            **about,
            "version": version.number,
            "content_hash": version.content_hash,
            "quotes": len(quotes),
            "story": story,
        },
        webhooks,
    )
    if previous is None:
        return
    step = {**about, "from_version": version.number - 1, "version": version.number}
    alignment = align_quotes(previous, quotes)
    for m in alignment.matches:
        if m.relation != "identical":
            emit(
                session,
                tenant,
                "quote.changed",
                {
                    **step,
                    "relation": m.relation,
                    "score": m.score,
                    "old": _quote(previous[m.left]),
                    "new": _quote(quotes[m.right]),
                    "diff": [op.as_dict() for op in m.diff],
                },
                webhooks,
            )
    for i in alignment.left_only:
        emit(session, tenant, "quote.dropped", {**step, "quote": _quote(previous[i])}, webhooks)
