"""Runtime configuration, read from ``SOURCEDIFF_*`` environment variables.

Public API:

- ``Settings``: every knob, with its default. Built once in the app factory
  (or the CLI) and passed down; nothing reads the environment elsewhere.

>>> Settings(max_text_chars=10).max_text_chars
10
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_TENANT", "Settings"]

# Every stored row belongs to a tenant; an API key names its caller's. The
# CLI's storage commands, the first admin key and a server with auth
# disabled use this one.
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
    auth_disabled: bool = Field(
        default=False,
        description=(
            "Serve without API keys: every request acts for the tenant `default` with "
            "every scope. For local use only."
        ),
    )
    open_compare: bool = Field(
        default=True,
        description=(
            "POST /v1/compare with only text or html sides answers without an API key: "
            "it reads nothing stored (stored sides still need a key with the read scope)."
        ),
    )
    rate_limit_per_minute: int = Field(
        default=1200,
        ge=0,
        description="Requests per API key per minute, shared by all workers; 0 for no limit.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Least severe level logged (any case)."
    )
    log_json: bool = Field(
        default=True, description="Log one JSON object per line; false for plain text."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value
