"""Coverage regression checks and their saved policies.

Routes (scoped to the caller's tenant):

- ``POST /v1/checks`` (``read``): check a candidate against a baseline;
  ``{"passed", "findings", …}``. A failing check answers 200 too (the check
  ran); a ``check.failed`` webhook event is queued when the key has the
  ``write`` scope as well. A check is a read: with a read-only key it
  writes nothing, and makes the service send nothing to anyone's webhook
  (a read-only key must not set off outbound requests).
- ``GET /v1/policies``, ``GET /v1/policies/{name}`` (``read``),
  ``PUT /v1/policies/{name}`` (``write``; 201 created, 200 replaced),
  ``DELETE /v1/policies/{name}`` (``write``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Response
from fastapi.concurrency import run_in_threadpool

from service.checks.schemas import (
    CheckRequest,
    CheckResponse,
    PolicyName,
    PolicyOut,
    PolicyPage,
    PolicyPut,
)
from service.checks.service import delete_policy, list_policies, put_policy, read_policy, run_check
from service.keys.deps import READ, WRITE, CallerDep, TenantDep, api_router
from service.platform.deps import EngineDep, SessionDep, SettingsDep, require_json

__all__ = ["router"]

router = api_router("/v1", "checks")
Name = Annotated[PolicyName, Path(description="The policy's name.")]


@router.post(
    "/checks",
    response_model=CheckResponse,
    dependencies=[*READ, Depends(require_json)],
)
async def checks(
    body: CheckRequest, engine: EngineDep, settings: SettingsDep, caller: CallerDep
) -> CheckResponse:
    """Check a candidate (text, HTML or stored version) against a baseline:
    `passed` is false when a finding of a kind the policy fails on is found.
    Each finding points at both texts' offsets. A failing check queues a
    `check.failed` webhook event only when the key has the `write` scope."""
    run = await run_in_threadpool(
        run_check,
        engine,
        caller.tenant,
        body.baseline.to_source(),
        body.candidate.to_source(),
        body.policy,
        settings,
        emit_events=caller.allows("write"),
    )
    return CheckResponse.of(run.name, run.result)


@router.get("/policies", response_model=PolicyPage, dependencies=READ)
def policies(session: SessionDep, tenant: TenantDep) -> PolicyPage:
    """Saved policies, by name."""
    saved = list_policies(session, tenant)
    return PolicyPage.of(saved)


@router.get("/policies/{name}", response_model=PolicyOut, dependencies=READ)
def policy(name: Name, session: SessionDep, tenant: TenantDep) -> PolicyOut:
    """One saved policy."""
    saved = read_policy(session, tenant, name)
    return PolicyOut.of(saved)


@router.put(
    "/policies/{name}",
    response_model=PolicyOut,
    status_code=201,
    dependencies=[*WRITE, Depends(require_json)],
    responses={200: {"model": PolicyOut, "description": "An existing policy was replaced."}},
)
def save_policy(
    name: Name, body: PolicyPut, response: Response, engine: EngineDep, tenant: TenantDep
) -> PolicyOut:
    """Save a policy under a name, optionally as the policy of a story's or
    an outlet's articles."""
    saved = put_policy(engine, tenant, name, body, story=body.story, outlet=body.outlet)
    response.status_code = 201 if saved.created else 200
    return PolicyOut.of(saved)


@router.delete("/policies/{name}", status_code=204, dependencies=WRITE)
def remove_policy(name: Name, engine: EngineDep, tenant: TenantDep) -> Response:
    """Delete a saved policy."""
    delete_policy(engine, tenant, name)
    return Response(status_code=204)
