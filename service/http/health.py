"""Liveness, readiness and metrics endpoints."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import (
    BaseModel,
)
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from service.platform import metrics as service_metrics
from service.platform.db import UPGRADE_COMMAND, schema_status
from service.platform.deps import EngineDep
from service.platform.errors import ServiceUnavailable
from service.platform.problems import Problem

__all__ = ["Health", "Ready", "check_ready", "healthz", "metrics", "readyz", "router"]


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]


logger = logging.getLogger(__name__)


def check_ready(engine: Engine) -> None:
    """Raise ``ServiceUnavailable`` unless the database is up and current."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current, head = schema_status(engine)
    except SQLAlchemyError as exc:
        # The reason (host names, ports) is for the operator, not the caller.
        logger.warning("readiness: the database does not answer: %s", exc)
        raise ServiceUnavailable("not ready: the database does not answer") from None
    if current != head:
        logger.warning(
            "readiness: schema at revision %s, this code needs %s: run `%s`, or deploy the "
            "code that matches the schema",
            current,
            head,
            UPGRADE_COMMAND,
        )
        raise ServiceUnavailable(
            f"not ready: the database schema is at revision {current or 'none'}, "
            f"this code needs {head}"
        )


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
