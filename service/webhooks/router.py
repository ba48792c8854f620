"""Webhook subscriptions and their delivery log.

Routes (scoped to the caller's tenant; writes need ``write``, reads ``read``):

- ``POST /v1/webhooks``: subscribe a URL to event types (201, with the
  signing secret, shown only then). ``GET /v1/webhooks``,
  ``GET /v1/webhooks/{id}``, ``DELETE /v1/webhooks/{id}``.
- ``GET /v1/webhooks/{id}/deliveries``: the delivery log, newest first.
- ``POST /v1/webhooks/{id}/deliveries/{delivery_id}/replay``: send that
  event again (202: queued behind the webhook's other deliveries).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from service.keys.deps import TenantDep, require_scope
from service.platform.deps import EngineDep, SessionDep, SettingsDep, require_json
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES, problem_doc
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

router = APIRouter(
    prefix="/v1/webhooks", tags=["webhooks"], responses={**PROBLEM_RESPONSES, **AUTH_RESPONSES}
)
READ = [require_scope("read")]
WRITE = [require_scope("write")]
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
) -> dict[str, Any]:
    """Subscribe a URL to events. Deliveries are signed following Standard
    Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
    retried with backoff, and sent in order."""
    return register(engine, tenant, body.url, body.events, body.secret, settings)


@router.get("", response_model=WebhookPage, dependencies=READ)
def webhooks(session: SessionDep, tenant: TenantDep) -> dict[str, Any]:
    """Subscriptions, oldest first."""
    return list_webhooks(session, tenant)


@router.get("/{webhook_id}", response_model=WebhookOut, dependencies=READ)
def webhook(webhook_id: WebhookId, session: SessionDep, tenant: TenantDep) -> dict[str, Any]:
    """One subscription (without its secret)."""
    return read_webhook(session, tenant, webhook_id)


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
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (at most 100).")] = 50,
) -> dict[str, Any]:
    """The delivery log: each event, its state, attempts and last answer."""
    return list_deliveries(session, tenant, webhook_id, cursor=cursor, limit=limit)


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
) -> dict[str, Any]:
    """Send a delivery's event again, as a new delivery."""
    return replay(engine, tenant, webhook_id, delivery_id)
