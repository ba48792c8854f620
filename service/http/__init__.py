"""The HTTP service: the app factory, middleware, problem responses, health."""

from service.http.app import create_app, openapi_json

__all__ = ["create_app", "openapi_json"]
