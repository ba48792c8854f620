"""Dependencies of the routes, as named ``Annotated`` aliases.

Public API:

- ``SettingsDep``: the app's ``Settings`` (built by ``create_app``).
- ``require_json``: rejects a request whose ``Content-Type`` is not JSON
  (``application/json`` or ``application/*+json``) with a 415.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.config import Settings
from service.errors import UnsupportedMediaType

__all__ = ["SettingsDep", "get_settings", "require_json"]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise UnsupportedMediaType(
            "Send the body as JSON, with Content-Type: application/json "
            f"(got {content_type or 'none'})"
        )
