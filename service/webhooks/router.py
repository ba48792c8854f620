"""The routes of ``/v1/webhooks``: subscriptions and their delivery log,
scoped to the caller's tenant (writes need the ``write`` scope, reads
``read``). Each builds its response from ``service.webhooks.schemas``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Response

from service.keys.deps import READ, WRITE, TenantDep, api_router
from service.platform.deps import (
    Cursor,
    EngineDep,
    Limit,
    SessionDep,
    SettingsDep,
    require_json,
)
from service.platform.problems import problem_doc
from service.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPage,
)
from service.webhooks.service import (
    delete_webhook,
    list_deliveries,
    list_webhooks,
    read_webhook,
    register,
    replay,
)

__all__ = ["router"]

router = api_router("/v1/webhooks", "webhooks")
WebhookId = Annotated[str, Path(min_length=1, max_length=64, description="A webhook's id.")]


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    dependencies=[*WRITE, Depends(require_json)],
    responses={502: problem_doc("The webhook URL's host cannot be resolved")},
)
def subscribe(
    body: WebhookIn, engine: EngineDep, settings: SettingsDep, tenant: TenantDep
) -> WebhookCreated:
    """Subscribe a URL to events. Deliveries are signed following Standard
    Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
    retried with backoff, and sent in order."""
    webhook = register(engine, tenant, body.url, body.events, body.secret, settings)
    return WebhookCreated.of(webhook)


@router.get("", response_model=WebhookPage, dependencies=READ)
def webhooks(session: SessionDep, tenant: TenantDep) -> WebhookPage:
    """Subscriptions, oldest first."""
    found = list_webhooks(session, tenant)
    return WebhookPage(items=[WebhookOut.of(s.webhook, s.pending) for s in found])


@router.get("/{webhook_id}", response_model=WebhookOut, dependencies=READ)
def webhook(webhook_id: WebhookId, session: SessionDep, tenant: TenantDep) -> WebhookOut:
    """One subscription (without its secret)."""
    found = read_webhook(session, tenant, webhook_id)
    return WebhookOut.of(found.webhook, found.pending)


@router.delete("/{webhook_id}", status_code=204, dependencies=WRITE)
def unsubscribe(webhook_id: WebhookId, engine: EngineDep, tenant: TenantDep) -> Response:
    """Delete a subscription and its pending deliveries."""
    delete_webhook(engine, tenant, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage, dependencies=READ)
def deliveries(
    webhook_id: WebhookId,
    session: SessionDep,
    tenant: TenantDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DeliveryPage:
    """The delivery log: each event, its state, attempts and last answer."""
    page = list_deliveries(session, tenant, webhook_id, cursor=cursor, limit=limit)
    return DeliveryPage(
        items=[DeliveryOut.of(d.delivery, d.event) for d in page.items], next=page.next
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/replay",
    status_code=202,
    response_model=DeliveryOut,
    dependencies=WRITE,
)
def replay_delivery(
    webhook_id: WebhookId,
    delivery_id: Annotated[int, Path(ge=1, le=2**62)],
    engine: EngineDep,
    tenant: TenantDep,
) -> DeliveryOut:
    """Send a delivery's event again, as a new delivery."""
    again = replay(engine, tenant, webhook_id, delivery_id)
    return DeliveryOut.of(again.delivery, again.event)
