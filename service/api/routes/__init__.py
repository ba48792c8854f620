"""The API's routes, one module per resource; each route calls a use case."""

from service.api.routes import compare, health

__all__ = ["compare", "health"]
