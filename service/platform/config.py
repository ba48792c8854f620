"""Runtime configuration, read from ``SOURCEDIFF_*`` environment variables:
every knob, with its default, in ``Settings``. It is built once, in the app
factory (or the CLI), and passed down; nothing reads the environment
elsewhere.

>>> Settings(max_text_chars=10).max_text_chars
10
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["DEFAULT_TENANT", "SQLITE_MMAP_BYTES", "Settings", "default_database_url", "is_loopback"]


def default_database_url() -> str:
    """The embedded default: ``sourcediff.db`` in the user's data directory
    (``~/.local/share/sourcediff`` on Linux, per ``platformdirs``), so that
    the service and every command find the same database from any directory
    (``./sourcediff.db`` made a new, empty one wherever a command was run).
    The directory is made when the database is first created."""
    return f"sqlite:///{platformdirs.user_data_path('sourcediff') / 'sourcediff.db'}"


# Every stored row belongs to a tenant; an API key names its caller's. The
# CLI's storage commands, the first admin key and a server with auth
# disabled use this one.
DEFAULT_TENANT = "default"

MIB = 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0")]
    [True, True, True, True, False]
    """
    host = host.strip().removeprefix("[").removesuffix("]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# How much of a SQLite file its connections read through a memory map
# (``PRAGMA mmap_size``): a page is then read where the operating system
# caches it, not copied into each connection's own 2 MB page cache first,
# which a server's pooled connections would each fill again. At a million
# quotations (a 1.2 GB file) the search API's p99 was 20.15 and 21.91 ms
# mapped against 26.10 and 27.38 ms not (bench/bench_search.py
# --sqlite-mmap, alternated; in process, one connection, no clear
# difference). SQLite caps it at its own build's limit (2 GB here) and maps
# only what the file holds; the map is address space, shared by every
# connection and worker, not memory taken. 0 reads as SQLite does by
# default. (An I/O error on a mapped page is a signal, not an exception:
# SQLite's documentation's caveat, for a file on a failing disk.)
SQLITE_MMAP_BYTES = 1 << 32


class Settings(BaseSettings):
    """Service settings; each field ``name`` is set by ``SOURCEDIFF_NAME``."""

    model_config = SettingsConfigDict(env_prefix="SOURCEDIFF_", frozen=True)

    max_body_bytes: int = Field(default=5 * MIB, gt=0, description="Largest request body.")
    max_text_chars: int = Field(
        default=1_000_000, gt=0, description="Largest text compared per side, in characters."
    )
    # Slow and idle clients (issue 15, finding 9): the body's deadline, read
    # by the app; the rest are uvicorn's, set by `sourcediff serve`.
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest a request's body may take to arrive after its head (408 after).",
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="How long an idle keep-alive connection stays open."
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        description="Most of an unfinished request head uvicorn buffers (400 past it).",
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description=(
            "Connections and requests in progress per worker; past it uvicorn answers 503."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Interface `sourcediff serve` binds.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port `sourcediff serve` binds.")
    workers: int = Field(default=1, ge=1, description="Worker processes for `sourcediff serve`.")
    worker_healthcheck_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description=(
            "With several workers, how long the supervisor waits for a worker to answer its "
            "health check before it kills it and starts another."
        ),
    )
    database_url: str = Field(
        default_factory=lambda: default_database_url(),
        description=(
            "Storage database: a SQLite file (created and migrated at start; by default "
            "sourcediff.db in the user's data directory, whatever the current directory) or "
            "postgresql://… (migrated with `sourcediff db upgrade`)."
        ),
    )
    sqlite_mmap_bytes: int = Field(
        default=SQLITE_MMAP_BYTES,
        ge=0,
        le=1 << 40,
        description=(
            "How much of a SQLite database file is read through a memory map (PRAGMA mmap_size; "
            "SQLite caps it at its build's limit; 0: not mapped). Not used on PostgreSQL."
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
    # Anonymous use, sign-in and proxies (issue 15, finding 8 and the limits).
    open_compare: bool | Literal["auto"] = Field(
        default="auto",
        description=(
            "Whether POST /v1/compare (and the paste form) with only text or html sides "
            "answers without an API key: true, false, or auto (open only when `host` is a "
            "loopback address and no `trusted_proxies` are set). Stored sides always need "
            "a key with the read scope."
        ),
    )
    anonymous_rate_limit_per_minute: int = Field(
        default=120,
        ge=0,
        description=(
            "Comparisons without a key per client address per minute, counted in each "
            "worker's memory (N workers allow N times as many); 0 for no limit. Loopback "
            "clients are exempt while no `trusted_proxies` are set."
        ),
    )
    failed_key_limit_per_minute: int = Field(
        default=30,
        ge=0,
        description=(
            "Refused API keys (well-formed but unknown, wrong or revoked) per client "
            "address per minute, in each worker's memory; over it every key from that "
            "address gets 429 until the minute ends. 0 for no limit."
        ),
    )
    session_seconds: int = Field(
        default=12 * 3600,
        ge=60,
        le=7 * 24 * 3600,
        description="How long a page sign-in lasts (its session and its cookie).",
    )
    # NoDecode: the variable is a comma-separated list, not JSON.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "IP addresses and CIDR networks (comma-separated) of reverse proxies whose "
            "X-Forwarded-For, -Proto and -Host headers are believed; empty: none."
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
    # NoDecode: the variable is a comma-separated list, not JSON.
    fetch_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Hostnames, IP addresses and CIDR networks (comma-separated) that fetching may "
            "reach even though they are not public, such as an intranet CMS; empty: none."
        ),
    )
    fetch_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest a fetch of a URL may take, redirects included."
    )
    fetch_max_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest body a fetch reads, after decompression."
    )
    fetch_max_redirects: int = Field(default=5, ge=0, description="Most redirects a fetch follows.")
    # CPU work with a deadline, in worker processes (issue 15, finding 1; see
    # service/platform/compute.py).
    compute_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description=(
            "Longest a comparison or version diff may compute; over it the work is stopped "
            "and the request answered 422 too-complex."
        ),
    )
    compute_workers: int = Field(
        default=2, ge=1, description="Worker processes for heavy work, in each server worker."
    )
    compute_queue: int = Field(
        default=16,
        ge=0,
        description="Heavy tasks that may wait for a worker process; more get 503 (Retry-After).",
    )
    compute_inline_chars: int = Field(
        default=20_000,
        ge=0,
        description=(
            "Work on fewer characters of input than this runs in the server's threads "
            "(no process hop, no deadline); 0 sends all of it to the worker processes."
        ),
    )
    # What one story's quotations may cost (issue 15, finding 2; see
    # service/stories/service.py): the alignment's input is at most
    # articles x quotes quotations, of at most quote_chars characters an article.
    story_max_articles: int = Field(
        default=50,
        ge=1,
        description=(
            "Most articles a story may have, primary documents included (409 beyond); a "
            "story that has more (the limit was lowered) aligns its first ones."
        ),
    )
    story_max_quotes: int = Field(
        default=100,
        ge=1,
        description=(
            "Quotations of each article a story aligns: the first ones in its text; the "
            "rest are counted as left out."
        ),
    )
    story_max_quote_chars: int = Field(
        default=20_000,
        ge=1,
        description=(
            "Characters of quotations of each article a story aligns, at most: its first "
            "quotations in its text up to that length."
        ),
    )
    story_cache_bytes: int = Field(
        default=32_000_000,
        ge=0,
        description=(
            "Bytes of story alignments and pages each server worker keeps between "
            "requests (service/stories/cache.py); 0 keeps none."
        ),
    )
    story_versions_cache_bytes: int = Field(
        default=16_000_000,
        ge=0,
        description=(
            "Characters of article versions' texts and quotations (and about 200 bytes a "
            "quotation) each server worker keeps for reading stories again "
            "(service/stories/cache.py, StoryVersions); 0 keeps none."
        ),
    )
    background: bool = Field(
        default=True,
        description="Run the webhook dispatcher and the feed poller in each server worker.",
    )
    webhook_max_attempts: int = Field(
        default=48, ge=1, description="Attempts at a webhook delivery before it is failed."
    )
    webhook_retry_base_seconds: float = Field(
        default=1.0, gt=0, description="Wait before a delivery's first retry; doubles after."
    )
    webhook_retry_max_seconds: float = Field(
        default=300.0, gt=0, description="Longest wait between two attempts at a delivery."
    )
    # Outbound work bounded: deliveries, feeds and fetches (issue 15, findings 2, 3 and 9).
    webhook_concurrency: int = Field(
        default=16, ge=1, description="Webhook deliveries one worker sends at once."
    )
    webhook_tenant_concurrency: int = Field(
        default=4,
        ge=1,
        description=(
            "Of those, the most one tenant's deliveries may take, so that its slow or "
            "unanswering receivers leave the others' free."
        ),
    )
    feed_min_interval_seconds: int = Field(
        default=300,
        ge=1,
        description="Shortest interval between a feed's polls; a shorter one is refused (422).",
    )
    feed_max_per_tenant: int = Field(
        default=100, ge=1, description="Most feeds one tenant may register (409 beyond)."
    )
    feed_max_items_per_poll: int = Field(
        default=20,
        ge=1,
        description="Most items one poll of a feed fetches; new ones beyond it wait for the next.",
    )
    fetch_concurrency: int = Field(
        default=8,
        ge=1,
        description=(
            "Fetches on request (POST /v1/fetch, POST /v1/feeds/{id}/poll) one worker runs "
            "at once; more are answered 503 with Retry-After."
        ),
    )

    @field_validator("fetch_allow", mode="before")
    @classmethod
    def _split_allow(cls, value: object) -> object:
        if isinstance(value, str):
            return [entry.strip() for entry in value.split(",") if entry.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [entry.strip() for entry in value.split(",") if entry.strip()]
        if isinstance(value, list):
            for entry in value:
                # A typo must stop the start, not silently trust nobody (or everybody).
                ipaddress.ip_network(str(entry), strict=False)
        return value

    @field_validator("open_compare", mode="before")
    @classmethod
    def _lower_open(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def compare_open(self) -> bool:
        """Whether comparing inline sides needs no key: the one place that
        decides it (``open_compare``). ``auto`` opens it only to a server
        bound to loopback with no trusted proxy, where every caller is on
        this machine: what ``sourcediff serve`` does by default, for local
        users and quality harnesses. A proxy means callers from elsewhere;
        the Docker image binds 0.0.0.0, so it needs keys."""
        if self.open_compare != "auto":
            return self.open_compare
        return is_loopback(self.host) and not self.trusted_proxies

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value
