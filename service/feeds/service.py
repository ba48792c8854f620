"""Fetching pages and polling feeds: their use cases.

A page fetched is recorded like ``POST /v1/articles`` with its HTML (a new
version, or none when the text is unchanged). A link that answers with a
NewsML-G2 ``newsItem`` (an agency's feed of item links) is recorded with the
item's text, headline and times, under the link as a page is, so that a poll
knows it next time; a ``newsMessage`` of several items is no page, and is
refused (post it to ``POST /v1/articles`` instead). A feed is polled with the
validators of its last answer (``ETag``, ``Last-Modified``), and its items
with a link are fetched and recorded under the feed's outlet and story;
what went wrong is kept on the feed (``last_error``), never raised. Every
URL, and every redirect, passes the SSRF rules of ``service.platform.fetch``.

Limits, since every feed makes the service send requests on its own:

- A feed is polled every ``interval_seconds``, at least
  ``feed_min_interval_seconds`` (300 by default; less is refused, 422), and
  a tenant registers at most ``feed_max_per_tenant`` feeds (409 beyond).
- A poll fetches at most ``feed_max_items_per_poll`` items (20): first those
  the tenant has no article for yet, then those it has (to see whether they
  changed), each in the feed's order. New items beyond the limit wait for
  the next poll, which then reads the feed whole (the validators are not
  kept, so no 304 hides them); stored ones beyond it are not fetched again.
- So a poll takes at most ``poll_seconds``: the feed and each of its items
  is one fetch, each with its own deadline (``fetch_timeout_seconds``, DNS
  included), and an item is not begun when its fetch could outlast the
  poll's time. A poll holds the feed's lease (``poll_lease``: that, and a
  margin) whether the poller or a client started it; a client asking for a
  poll while one runs is told so (409, with ``Retry-After``).
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser
from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.service import (
    Recorded,
    Submission,
    record_version,
    submission_from_ninjs,
)
from service.feeds.repository import FeedQueue, FeedRepository
from service.models.articles import TITLE_LENGTH
from service.models.base import now, utc
from service.models.feeds import ETAG_LENGTH, LAST_MODIFIED_LENGTH, Feed
from service.platform.config import Settings
from service.platform.errors import (
    Conflict,
    FetchRefused,
    SourcediffError,
    Unprocessable,
    existing,
)
from service.platform.fetch import (
    FEED_TYPES,
    HTML_TYPES,
    Fetched,
    FetchPolicy,
    check_url,
    fetch,
)
from service.platform.newsml import NEWSML_TYPES, NewsmlError, looks_like_newsml, parse_newsml
from service.platform.transactions import in_transaction

__all__ = [
    "PollResult",
    "add_feed",
    "delete_feed",
    "fetch_article",
    "list_feeds",
    "poll_feed",
    "poll_feed_now",
    "poll_lease",
    "poll_seconds",
    "read_feed",
]

# A poll's lease outlasts its fetches by this much: recording the last
# item's version and settling the feed.
_LEASE_MARGIN = timedelta(seconds=60)


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
    page = fetch(url, FetchPolicy.from_settings(settings), accept=HTML_TYPES + NEWSML_TYPES)
    # A feed item's title is the feed's to choose: a longer one than the
    # column is cut, not a reason to refuse the article.
    title = title[:TITLE_LENGTH] if title else None
    if page.content_type not in HTML_TYPES:
        if not looks_like_newsml(page.content):
            # Other XML (a feed, say) is no article: refused, as before.
            raise FetchRefused(
                f"refusing {page.url}: its content type {page.content_type} is not one of "
                f"{', '.join(HTML_TYPES)}, and it holds no NewsML-G2 newsItem"
            )
        submission = _newsml_page(page, outlet, story, title, published_at)
    else:
        submission = Submission(
            outlet=outlet or urlsplit(page.url).hostname or "unknown",
            url=page.url,
            html=page.text,
            title=title,
            published_at=published_at,
            story=story,
        )
    return record_version(engine, tenant, submission, settings), page.url


def _newsml_page(
    page: Fetched,
    outlet: str | None,
    story: str | None,
    title: str | None,
    published_at: datetime | None,
) -> Submission:
    """A fetched NewsML-G2 ``newsItem`` as the submission of its link: the
    item's text, headline, byline and times; the outlet given, else the
    item's provider, else the link's host."""
    try:
        document = parse_newsml(page.content)
    except NewsmlError as exc:
        raise Unprocessable(f"{page.url}: NewsML-G2: {exc}") from None
    if document.root != "newsItem":
        raise Unprocessable(
            f"{page.url}: a NewsML-G2 newsMessage is no article page; post it to "
            "POST /v1/articles, which stores each of its items"
        )
    (item,) = document.items
    found = submission_from_ninjs(item, outlet or item.provider or urlsplit(page.url).hostname)
    return replace(
        found,
        url=page.url,
        title=(item.title or title or "")[:TITLE_LENGTH] or None,
        published_at=item.first_created or published_at,
        story=story,
    )


def _fitting(validator: str | None, length: int) -> str | None:
    """A validator (ETag, Last-Modified) the column can keep, else none: an
    over-long one is a server's oddity, and polling without it only costs a
    full response."""
    return validator if validator is not None and len(validator) <= length else None


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
    """Register a feed, due for its first poll at once; ``Unprocessable``
    for an interval under the minimum, ``Conflict`` when the tenant has it
    already or has as many feeds as it may."""
    least = settings.feed_min_interval_seconds
    if interval_seconds < least:
        raise Unprocessable(
            f"interval_seconds: {interval_seconds} is less than the {least} s a feed "
            "must wait between polls"
        )
    check_url(url, FetchPolicy.from_settings(settings))

    def step(session: Session) -> Feed:
        repo = FeedRepository(session, tenant)
        if repo.by_url(url) is not None:
            raise Conflict(f"the feed {url} is registered already")
        # Counted in the transaction: two registrations at once may both
        # pass on PostgreSQL (read committed), one feed over at most.
        most = settings.feed_max_per_tenant
        if repo.count() >= most:
            raise Conflict(f"{most} feeds are registered, the most a tenant may have")
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
    deferred: int = 0  # items left for the next poll
    error: str | None = None


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def poll_seconds(settings: Settings) -> float:
    """The longest a poll takes: the feed and each item it may fetch, one
    fetch deadline each."""
    return (settings.feed_max_items_per_poll + 1) * settings.fetch_timeout_seconds


def poll_lease(settings: Settings) -> timedelta:
    """How long a poll holds its feed: longer than the poll can take."""
    return timedelta(seconds=poll_seconds(settings)) + _LEASE_MARGIN


def poll_feed_now(engine: Engine, tenant: str, feed_id: int, settings: Settings) -> PollResult:
    """Poll the tenant's feed ``feed_id`` now, whatever its schedule, under
    the poller's lease; ``Conflict`` (with ``Retry-After``) while another
    poll of it runs, so a client cannot double the requests a feed makes."""

    def step(session: Session) -> tuple[Feed | None, datetime | None]:
        repo = FeedRepository(session, tenant)
        feed = _feed_or_404(repo, feed_id)
        queue = FeedQueue(session)
        if not queue.take(feed_id, lease=poll_lease(settings)):
            return None, queue.leased_until(feed_id)
        session.refresh(feed)
        return feed, None

    feed, busy_until = in_transaction(engine, step)
    if feed is None:
        left = (utc(busy_until) - now()).total_seconds() if busy_until is not None else 1
        seconds = max(1, math.ceil(left))
        raise Conflict(
            f"feed {feed_id} is being polled now; that poll ends within {seconds} s",
            headers={"Retry-After": str(seconds)},
        )
    return poll_feed(engine, feed, settings)


def poll_feed(engine: Engine, feed: Feed, settings: Settings) -> PollResult:
    """Poll ``feed``, leased for it, and record its items; the outcome is
    kept on the feed, with its next poll scheduled and the lease freed."""
    assert feed.id is not None
    try:
        result, etag, last_modified = _Poll(engine, feed, settings).run()
    except Exception:
        # Not settled (a bug, the database away): free the feed now if we
        # can, rather than when its lease runs out.
        feed_id = feed.id
        with suppress(Exception):
            in_transaction(engine, lambda session: FeedQueue(session).release(feed_id))
        raise
    _settle(engine, feed, result, etag, last_modified, settings)
    return result


class _Poll:
    """One poll of a feed: the feed's answer, then its items, within
    ``poll_seconds``."""

    def __init__(self, engine: Engine, feed: Feed, settings: Settings) -> None:
        assert feed.id is not None
        self.engine, self.feed, self.feed_id, self.settings = engine, feed, feed.id, settings
        self.deadline = time.monotonic() + poll_seconds(settings)

    def run(self) -> tuple[PollResult, str | None, str | None]:
        """The result, and the validators to send next time."""
        policy = FetchPolicy.from_settings(self.settings)
        etag, last_modified = self.feed.etag, self.feed.last_modified
        try:
            answer = fetch(
                self.feed.url, policy, accept=FEED_TYPES, etag=etag, last_modified=last_modified
            )
        except SourcediffError as exc:
            return PollResult(self.feed_id, None, error=exc.detail), etag, last_modified
        etag = _fitting(answer.etag, ETAG_LENGTH) or etag
        last_modified = _fitting(answer.last_modified, LAST_MODIFIED_LENGTH) or last_modified
        if answer.status == 304:
            return PollResult(self.feed_id, 304), etag, last_modified
        result, new_left = self._items(feedparser.parse(answer.content).entries)
        if new_left:
            # New items wait for the next poll: it must read the feed whole,
            # not be told "not modified" and never see them.
            etag = last_modified = None
        return result, etag, last_modified

    def _chosen(self, entries: Sequence[Any]) -> tuple[list[str], list[str], set[str]]:
        """The links this poll fetches and those it leaves, and which of
        them the tenant has stored: new ones first, then stored ones, each
        in the feed's order, up to the limit."""
        links = [e["link"] for e in entries if isinstance(e.get("link"), str) and e["link"]]
        links = list(dict.fromkeys(links))
        with Session(self.engine) as session:
            stored = FeedRepository(session, self.feed.tenant).stored_urls(links)
        ordered = [link for link in links if link not in stored]
        ordered += [link for link in links if link in stored]
        most = self.settings.feed_max_items_per_poll
        return ordered[:most], ordered[most:], stored

    def _items(self, entries: Sequence[Any]) -> tuple[PollResult, bool]:
        """Fetch and record the chosen items; the result, and whether a new
        item was left for the next poll."""
        by_link = {e.get("link"): e for e in entries}
        chosen, left, stored = self._chosen(entries)
        total = len(chosen) + len(left)
        counts = {True: 0, False: 0}  # by created
        failed, errors = 0, []
        for n, link in enumerate(chosen):
            if time.monotonic() + self.settings.fetch_timeout_seconds > self.deadline:
                left = chosen[n:] + left  # no time left for another whole fetch
                break
            try:
                counts[self._record(link, by_link[link])] += 1
            except SourcediffError as exc:
                failed += 1
                errors.append(f"{link}: {exc.detail}")
        result = PollResult(
            self.feed_id,
            200,
            items=total,
            created=counts[True],
            unchanged=counts[False],
            failed=failed,
            deferred=len(left),
            error="; ".join(errors)[:2000] or None,
        )
        return result, any(link not in stored for link in left)

    def _record(self, link: str, entry: Any) -> bool:
        """Fetch and record one item; whether it made a new version."""
        recorded, _ = fetch_article(
            self.engine,
            self.feed.tenant,
            link,
            self.settings,
            outlet=self.feed.outlet,
            story=self.feed.story,
            title=entry.get("title"),
            published_at=_published(entry),
        )
        return recorded.created


def _settle(
    engine: Engine,
    feed: Feed,
    result: PollResult,
    etag: str | None,
    last_modified: str | None,
    settings: Settings,
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
            min_interval=settings.feed_min_interval_seconds,
        )

    in_transaction(engine, step)
