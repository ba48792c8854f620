"""The JSON of an API key: what ``sourcediff keys list --json`` prints for
each key (never the key itself, nor its hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, PlainSerializer

from service.keys.service import KeyInfo

__all__ = ["KeyOut"]


# Python's ISO 8601 (``+00:00``), as the listing has always printed its
# times, not pydantic's ``Z``.
_Iso = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]


class KeyOut(BaseModel):
    key_id: str
    tenant: str
    name: str
    scopes: list[str]
    created_at: _Iso
    revoked_at: _Iso | None

    @classmethod
    def of(cls, key: KeyInfo) -> Self:
        return cls.model_validate(key, from_attributes=True)
