"""The API's documentation page, ``/docs`` (Swagger UI), served with the
scripts and styles it needs from this server.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a
newsroom's closed network (or any machine without the internet) ``/docs``
stayed blank. The assets come from ``fastapi-offline`` (pinned), a
maintained package that ships Swagger UI 5 (it reads OpenAPI 3.1, which
FastAPI writes; the older ``swagger-ui-bundle`` ships 4.x, which does not);
only its files are used, served under ``/docs-assets``. ReDoc is not
served: its script fetches its logo from its CDN whatever it is told, and
one documentation page that works offline is enough.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

__all__ = ["ASSETS", "install_docs"]

ASSETS = "/docs-assets"


def install_docs(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect and their assets to
    ``app`` (built with ``docs_url=None, redoc_url=None``)."""
    static = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(static)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect_url}",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
