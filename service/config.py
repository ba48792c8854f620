"""Runtime configuration, read from ``SOURCEDIFF_*`` environment variables.

Public API:

- ``Settings``: every knob, with its default. Built once in the app factory
  (or the CLI) and passed down; nothing reads the environment elsewhere.

>>> Settings(max_text_chars=10).max_text_chars
10
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_TENANT", "Settings"]

# Every stored row belongs to a tenant. Until API keys name the caller's
# tenant, every client (the API and the CLI) shares this one.
DEFAULT_TENANT = "default"

MIB = 1024 * 1024


class Settings(BaseSettings):
    """Service settings; each field ``name`` is set by ``SOURCEDIFF_NAME``."""

    model_config = SettingsConfigDict(env_prefix="SOURCEDIFF_", frozen=True)

    max_body_bytes: int = Field(default=5 * MIB, gt=0, description="Largest request body.")
    max_text_chars: int = Field(
        default=1_000_000, gt=0, description="Largest text compared per side, in characters."
    )
    host: str = Field(default="127.0.0.1", description="Interface `sourcediff serve` binds.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port `sourcediff serve` binds.")
    workers: int = Field(default=1, ge=1, description="Worker processes for `sourcediff serve`.")
    database_url: str = Field(
        default="sqlite:///./sourcediff.db",
        description=(
            "Storage database: a SQLite file (created and migrated at start) or "
            "postgresql://… (migrated with `sourcediff db upgrade`)."
        ),
    )
    max_page_size: int = Field(default=100, ge=1, description="Largest page of a listing.")
