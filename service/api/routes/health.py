"""Operations: liveness, readiness and metrics. None needs an API key.

- ``GET /healthz``: liveness, for container health checks: the process is
  up and answering. It never touches the database, so a database outage
  does not get healthy processes restarted.
- ``GET /readyz``: readiness, for load balancers and orchestrators: the
  database answers and its schema is the one this code needs; else 503.
- ``GET /metrics``: Prometheus metrics (``service.metrics``), summed over
  every worker when ``PROMETHEUS_MULTIPROC_DIR`` is set.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from service import metrics as service_metrics
from service.api.deps import EngineDep
from service.api.schemas import Health, Problem, Ready
from service.usecases.health import check_ready

__all__ = ["router"]

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> Health:
    """The service is up."""
    return Health(status="ok")


@router.get(
    "/readyz",
    responses={503: {"model": Problem, "description": "Database down, or schema not current"}},
)
def readyz(engine: EngineDep) -> Ready:
    """The service can serve requests: its database answers and has the
    schema this code needs."""
    check_ready(engine)
    return Ready(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics (or OpenMetrics, when ``Accept`` asks for it)."""
    body, content_type = service_metrics.exposition(request.headers.get("accept"))
    return Response(body, media_type=content_type)
