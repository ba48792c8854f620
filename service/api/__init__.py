"""The HTTP API: ``create_app`` builds it (see ``service.api.app``)."""

from service.api.app import create_app, openapi_json

__all__ = ["create_app", "openapi_json"]
