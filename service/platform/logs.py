"""Process logging: one JSON object per line on standard error (or plain
text), each record carrying the id of the request it was logged in.

The servers' app (``service.main``) configures logging when it starts;
other apps (``create_app()`` without ``configure_logs``: tests, an app
embedded elsewhere) leave their host's logging alone. The request id is a
``contextvars`` variable, so concurrent requests and the threads that run
sync endpoints each see their own.

>>> with request_context("r-1"):
...     current_request_id()
'r-1'
>>> current_request_id() is None
True
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from service.platform.config import Settings

__all__ = ["RequestIdFilter", "configure_logging", "current_request_id", "request_context"]

_request_id: ContextVar[str | None] = ContextVar("sourcediff_request_id", default=None)

# uvicorn installs handlers of its own on these; ours replace them so that
# everything a worker prints has one format.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# JSON field names: `{"time", "level", "logger", "message", "pid", ...}`
# followed by the record's extras (request_id, method, route, ...).
_JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(process)d"
_JSON_RENAMES = {"levelname": "level", "name": "logger", "process": "pid"}
# Not fields: uvicorn's ANSI-coloured copy of each message, Python 3.12's task name.
_JSON_SKIPPED = [*RESERVED_ATTRS, "color_message", "taskName"]
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return _request_id.get()


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    """Make ``request_id`` current until the block exits."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to records logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class _QuietAlembicBanners(logging.Filter):
    """Drops the two lines alembic logs whenever it inspects a connection,
    which ``/readyz`` does on every probe; its migration steps still show."""

    _BANNERS = ("Context impl ", "Will assume ")

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(self._BANNERS))


_ALEMBIC_BANNERS = _QuietAlembicBanners()


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time of each record, as
    ``logging.lastResort`` does, so a stream swapped later (by a test
    runner, say) is honoured rather than a closed one kept."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _formatter(settings: Settings) -> logging.Formatter:
    if settings.log_json:
        return JsonFormatter(
            _JSON_FIELDS,
            rename_fields=_JSON_RENAMES,
            reserved_attrs=_JSON_SKIPPED,
            timestamp="time",
            json_ensure_ascii=False,
        )
    return logging.Formatter(_TEXT_FORMAT, defaults={"request_id": "-"})


def configure_logging(settings: Settings) -> None:
    """Send every log record to standard error, formatted per ``settings``.

    Idempotent: calling it again replaces the handler it installed before.
    Handlers that others added to the root logger stay.
    """
    handler = _StderrHandler()
    handler.setFormatter(_formatter(settings))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in _UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # Added once: addFilter skips a filter the logger has already.
    logging.getLogger("alembic.runtime.migration").addFilter(_ALEMBIC_BANNERS)
    # Each request is logged once, with its route and id, by
    # service.http.observability; uvicorn's access lines would repeat it.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
