"""Keyset pagination: pages and opaque cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Page", "decode_cursor", "decode_ints", "encode_cursor"]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    next: str | None


def encode_cursor(*values: str | int) -> str:
    """An opaque cursor for keyset pagination."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[str | int]:
    """The values inside ``cursor``; ``ValueError`` when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed cursor") from exc
    if not isinstance(values, list) or not all(map(_plain, values)):
        raise ValueError("malformed cursor")
    return values


# What a cursor of ours can hold: text, or an integer that fits a BIGINT
# column (a forged [true] or [1e30] reached SQL and failed there, as a 500).
_INT64 = range(-(2**63), 2**63)


def _plain(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return "\x00" not in value  # no database takes a NUL in text
    return isinstance(value, int) and value in _INT64


def decode_ints(cursor: str, count: int) -> list[int]:
    """The ``count`` integers inside ``cursor`` (``ValueError`` when it holds
    anything else)."""
    values = decode_cursor(cursor)
    ints = [v for v in values if isinstance(v, int)]
    if len(values) != count or len(ints) != count:
        raise ValueError("malformed cursor")
    return ints
