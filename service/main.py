"""The ASGI app for servers: ``uvicorn service.main:app``.

Configured from ``SOURCEDIFF_*`` environment variables (``service.config``).
"""

from service.api import create_app

__all__ = ["app"]

app = create_app()
