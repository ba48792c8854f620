"""``GET /healthz``: liveness, for load balancers and container health checks."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.schemas import Health

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> Health:
    """The service is up."""
    return Health(status="ok")
