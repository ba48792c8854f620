"""Fetching pages and polling feeds: their use cases.

A page fetched is recorded like ``POST /v1/articles`` with its HTML (a new
version, or none when the text is unchanged). A feed is polled with the
validators of its last answer (``ETag``, ``Last-Modified``), and each of its
items with a link is fetched and recorded under the feed's outlet and story;
what went wrong is kept on the feed (``last_error``), never raised. Every
URL, and every redirect, passes the SSRF rules of ``service.platform.fetch``.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.service import Recorded, Submission, record_version
from service.feeds.repository import FeedQueue, FeedRepository
from service.models.base import now
from service.models.feeds import Feed
from service.platform.config import Settings
from service.platform.errors import Conflict, SourcediffError, existing
from service.platform.fetch import FEED_TYPES, HTML_TYPES, FetchPolicy, check_url, fetch
from service.platform.transactions import in_transaction

__all__ = [
    "PollResult",
    "add_feed",
    "delete_feed",
    "fetch_article",
    "list_feeds",
    "poll_feed",
    "read_feed",
]


def fetch_article(
    engine: Engine,
    tenant: str,
    url: str,
    settings: Settings,
    *,
    outlet: str | None = None,
    story: str | None = None,
    title: str | None = None,
    published_at: datetime | None = None,
) -> tuple[Recorded, str]:
    """Fetch ``url`` and record its article text; what was recorded, and the
    URL the page was found at (after redirects), which the version keeps."""
    page = fetch(url, FetchPolicy.from_settings(settings), accept=HTML_TYPES)
    submission = Submission(
        outlet=outlet or urlsplit(page.url).hostname or "unknown",
        url=page.url,
        html=page.text,
        title=title,
        published_at=published_at,
        story=story,
    )
    return record_version(engine, tenant, submission, settings), page.url


def add_feed(
    engine: Engine,
    tenant: str,
    url: str,
    outlet: str,
    settings: Settings,
    *,
    story: str | None,
    interval_seconds: int,
) -> Feed:
    """Register a feed, due for its first poll at once; ``Conflict`` when
    the tenant has it already."""
    check_url(url, FetchPolicy.from_settings(settings))

    def step(session: Session) -> Feed:
        repo = FeedRepository(session, tenant)
        if repo.by_url(url) is not None:
            raise Conflict(f"the feed {url} is registered already")
        return repo.add(
            Feed(
                tenant=tenant,
                url=url,
                outlet=outlet,
                story=story,
                interval_seconds=interval_seconds,
                next_poll_at=now(),
            )
        )

    return in_transaction(engine, step)


def _feed_or_404(repo: FeedRepository, feed_id: int) -> Feed:
    return existing(repo.feed(feed_id), f"feed {feed_id}")


def list_feeds(session: Session, tenant: str) -> Sequence[Feed]:
    return FeedRepository(session, tenant).all()


def read_feed(session: Session, tenant: str, feed_id: int) -> Feed:
    """The tenant's feed ``feed_id``; ``NotFound`` when it has none."""
    return _feed_or_404(FeedRepository(session, tenant), feed_id)


def delete_feed(engine: Engine, tenant: str, feed_id: int) -> None:
    def step(session: Session) -> None:
        repo = FeedRepository(session, tenant)
        repo.delete(_feed_or_404(repo, feed_id))

    in_transaction(engine, step)


@dataclass(frozen=True, slots=True)
class PollResult:
    """How one poll of a feed went: its items, and what became of them."""

    feed_id: int
    status: int | None  # the feed's answer: 200, 304, or None when it failed
    items: int = 0
    created: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def poll_feed(engine: Engine, feed: Feed, settings: Settings) -> PollResult:
    """Poll ``feed`` now and record its items; the outcome is kept on the
    feed, with its next poll scheduled."""
    assert feed.id is not None
    policy = FetchPolicy.from_settings(settings)
    etag, last_modified = feed.etag, feed.last_modified
    try:
        answer = fetch(feed.url, policy, accept=FEED_TYPES, etag=etag, last_modified=last_modified)
    except SourcediffError as exc:
        result = PollResult(feed.id, None, error=exc.detail)
    else:
        etag = answer.etag or etag
        last_modified = answer.last_modified or last_modified
        if answer.status == 304:
            result = PollResult(feed.id, 304)
        else:
            result = _store_items(engine, feed, answer.content, settings)
    _settle(engine, feed, result, etag, last_modified)
    return result


def _store_items(engine: Engine, feed: Feed, content: bytes, settings: Settings) -> PollResult:
    assert feed.id is not None
    parsed = feedparser.parse(content)
    counts = {True: 0, False: 0}  # by created
    failed, errors = 0, []
    entries = [e for e in parsed.entries if e.get("link")]
    for entry in entries:
        try:
            recorded, _ = fetch_article(
                engine,
                feed.tenant,
                entry["link"],
                settings,
                outlet=feed.outlet,
                story=feed.story,
                title=entry.get("title"),
                published_at=_published(entry),
            )
            counts[recorded.created] += 1
        except SourcediffError as exc:
            failed += 1
            errors.append(f"{entry['link']}: {exc.detail}")
    return PollResult(
        feed.id,
        200,
        items=len(entries),
        created=counts[True],
        unchanged=counts[False],
        failed=failed,
        error="; ".join(errors)[:2000] or None,
    )


def _settle(
    engine: Engine, feed: Feed, result: PollResult, etag: str | None, last_modified: str | None
) -> None:
    assert feed.id is not None
    feed_id = feed.id

    def step(session: Session) -> None:
        FeedQueue(session).settle(
            feed_id,
            status=result.status,
            error=result.error,
            etag=etag,
            last_modified=last_modified,
        )

    in_transaction(engine, step)
