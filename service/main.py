"""The ASGI app for servers: ``uvicorn service.main:app``.

Configured from ``SOURCEDIFF_*`` environment variables (``service.platform.config``).
Being the servers' app, it sets up the process's logging when it starts
(``service.platform.logs``) and then freezes what the process made so far
out of the garbage collector's reach (``create_app``'s ``freeze_at_start``);
an app built with ``create_app`` elsewhere leaves both to its host.
"""

from service.http import create_app

__all__ = ["app"]

app = create_app(configure_logs=True, freeze_at_start=True)
