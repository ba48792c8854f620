"""The JSON of an API key: what ``sourcediff keys list --json`` prints for
each key (never the key itself, nor its hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import PlainSerializer

from service.keys.service import KeyInfo
from service.platform.wire import FromAttributes

__all__ = ["KeyOut"]


# Python's ISO 8601 (``+00:00``), as the listing has always printed its
# times, not pydantic's ``Z``.
_Iso = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]


class KeyOut(FromAttributes[KeyInfo]):
    key_id: str
    tenant: str
    name: str
    scopes: list[str]
    created_at: _Iso
    revoked_at: _Iso | None
