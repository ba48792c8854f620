"""Readiness: can this process serve requests that need the database?

Public API:

- ``check_ready(engine)``: returns when the database answers ``SELECT 1``
  and its schema is at the revision this code was written for; raises
  ``ServiceUnavailable`` saying which of the two failed otherwise.

A database that is down, or a schema that a newer release has migrated past
(or an old one that nobody upgraded), takes the process out of rotation
without killing it: liveness (``/healthz``) is about the process alone.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from service.errors import ServiceUnavailable
from service.storage.db import UPGRADE_COMMAND, schema_status

__all__ = ["check_ready"]

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
