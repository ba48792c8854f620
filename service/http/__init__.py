"""The HTTP service: the app factory, middleware, problem responses, health.

``create_app`` and ``openapi_json`` are imported on first use, not with the
package: ``service.http.server``, which runs uvicorn, is imported by every
worker process before it can answer the supervisor's health checks, and
must not import the whole service to do so (the worker imports the app
afterwards, while it already answers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.http.app import create_app, openapi_json

__all__ = ["create_app", "openapi_json"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from service.http import app

        return getattr(app, name)
    raise AttributeError(f"module 'service.http' has no attribute {name!r}")
