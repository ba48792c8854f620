"""Recording article versions and reading them back.

Identity: an article is its canonical URL (per tenant), or, without one, its
outlet plus the outlet's own id (``external_id``). A version is new when its
``fingerprint`` (see ``service.core.text``) differs from the latest version's:
so A → B → A records three versions (the revert is news), while resubmitting
A with other line wrapping or quote styles records nothing.

Concurrency: the unique constraints on outlets, articles and
``(article_id, number)`` decide every race. The loser's transaction rolls
back and the whole step is retried from a fresh read, where it finds the
winner's rows (and, for identical submissions, an unchanged text). A 2xx is
only sent after the commit, so an acknowledged version is in the database.
On SQLite, whose writers take turns, the steps of concurrent requests are
committed in groups (``_GroupCommit``): those that arrive while one
transaction is written share the next, each in a savepoint of its own.

A new version's quotations are filed in the quote index in the same
transaction (``service.quotes.service.file_quotes``), and so are its webhook
events (the outbox, through ``service.webhooks.service``); a ``story`` key
makes the article a member of that story (created on first use), also in it.

The quotations are found before the transaction, once a read of the latest
version's content hash finds the text new (an unchanged resubmission
extracts nothing), so extraction holds no lock: on SQLite the transaction
holds the write lock from its start. They are kept for its retries, and
found inside it only when another request changed the article meanwhile.
They are filed whole (each speaker's mention too) and the version is
stamped with the extractor that found them
(``Version.extractor``, ``service.core.quotes.EXTRACTOR``), so comparing or
diffing the version reads them back instead of extracting its text again
(``stored_text``, ``versions_to_diff``) while the running code is that
extractor. A version stored before the stamp, or by other extraction code,
is extracted again, as it always was; its rows are not refreshed then, since
a read never writes (and its quote index rows are what search answers from):
``service.quotes.refresh`` refreshes them, with ``quotations``, the rule
ingest files and stamps by, and the cross-tenant reads and stamping at the
end of this module.

The reads run in a caller's session, scoped to a tenant (another tenant's
ids are not found), and return rows and dataclasses; ``schemas`` turns them
into JSON.
"""

from __future__ import annotations

import json
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from service.articles import repository as every_tenant
from service.articles.repository import (
    ArticleRepository,
    ArticleRow,
    IdempotencyRepository,
    StaleVersion,
)
from service.articles.versions import VersionChanges, version_diff
from service.compare.service import StoredLoader
from service.core import Quote, extract_quotes, fingerprint
from service.core.quotes import EXTRACTOR
from service.models import articles as columns
from service.models.articles import Article, Outlet, Version
from service.models.stories import STORY_KEY_LENGTH
from service.platform.config import Settings
from service.platform.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    existing,
)
from service.platform.html import html_to_text
from service.platform.ninjs import NinjsItem
from service.platform.pagination import Page, decode_ints
from service.platform.transactions import in_transaction
from service.quotes import service as quote_index
from service.stories import service as stories
from service.webhooks.service import subscriptions, version_events

__all__ = [
    "ArticleRow",
    "Filed",
    "Idempotency",
    "Recorded",
    "StaleVersion",
    "StoredVersion",
    "Submission",
    "VersionChanges",
    "VersionPair",
    "VersionsDiffed",
    "count_versions",
    "diff_versions",
    "diffed_versions",
    "find_article",
    "labels",
    "latest_versions",
    "list_articles",
    "list_versions",
    "quotations",
    "read_article",
    "read_version",
    "record_version",
    "stale_versions",
    "stamp_versions",
    "stored_loader",
    "stored_text",
    "submission_from_ninjs",
    "versions_to_diff",
]


@dataclass(frozen=True, slots=True)
class Submission:
    outlet: str
    url: str | None = None
    external_id: str | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    byline: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    story: str | None = None


# The columns a submission's fields are stored in, by their lengths: checked
# in ``record_version`` however the submission came (a request's schema
# checks its own fields, but a page's title, a feed item's link, a CLI
# ingest or a ninjs field reach here too), since an over-long value is a
# 500 on PostgreSQL and silently kept on SQLite.
_COLUMN_LENGTHS = {
    "outlet": columns.OUTLET_NAME_LENGTH,
    "url": columns.URL_LENGTH,
    "external_id": columns.EXTERNAL_ID_LENGTH,
    "title": columns.TITLE_LENGTH,
    "byline": columns.BYLINE_LENGTH,
    "language": columns.LANGUAGE_LENGTH,
    "story": STORY_KEY_LENGTH,
}


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str
    request_hash: str


def submission_from_ninjs(
    item: NinjsItem, outlet: str | None, story: str | None = None
) -> Submission:
    """A ninjs item as a submission; its ``uri`` is the article's identity."""
    return Submission(
        outlet=outlet or item.provider or "unknown",
        url=item.uri,
        text=item.text,
        html=item.html,
        title=item.title,
        byline=item.byline,
        language=item.language,
        published_at=item.first_created,
        updated_at=item.version_created,
        story=story,
    )


def _text_of(submission: Submission, settings: Settings) -> str:
    if submission.text is not None:
        text = submission.text
    elif submission.html is not None:
        text = html_to_text(submission.html)
    else:
        raise Unprocessable("give the article's `text` or `html`")
    if len(text) > settings.max_text_chars:
        raise PayloadTooLarge(
            f"the article has {len(text):,} characters; the limit is {settings.max_text_chars:,}"
        )
    if not text.strip():
        what = "HTML has no article text" if submission.text is None else "text is empty"
        raise Unprocessable(f"the article's {what}")
    return text


def _find_article(repo: ArticleRepository, outlet: Outlet | None, s: Submission) -> Article | None:
    if s.url is not None:
        return repo.article_by_url(s.url)
    if s.external_id is not None and outlet is not None:
        assert outlet.id is not None
        return repo.article_by_external_id(outlet.id, s.external_id)
    return None


def _add_article(repo: ArticleRepository, outlet: Outlet, s: Submission) -> Article:
    assert outlet.id is not None
    return repo.add(
        Article(
            id=uuid.uuid4().hex,
            tenant=repo.tenant,
            outlet_id=outlet.id,
            url=s.url,
            external_id=s.external_id,
        )
    )


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording a submission did: the article and version it is now,
    ``created`` False when its text equalled the latest version's."""

    id: str
    version: int
    created: bool
    outlet: str
    url: str | None
    external_id: str | None
    content_hash: str
    story: str | None


def record_version(
    engine: Engine,
    tenant: str,
    submission: Submission,
    settings: Settings,
    *,
    idempotency: Idempotency | None = None,
) -> Recorded:
    """Store ``submission`` as a new version unless its text is unchanged.

    Raises ``Unprocessable`` (no identity, no text), ``PayloadTooLarge``,
    ``Conflict`` (an idempotency key reused for another request) and
    ``ServiceUnavailable`` when contention outlasts the retries.
    """
    nul = next((f for f in fields(submission) if "\x00" in str(getattr(submission, f.name))), None)
    if nul is not None:
        # However it came (a ninjs item, a file, a page): no database keeps it.
        raise Unprocessable(f"`{nul.name}` holds a NUL character, which cannot be stored")
    for name, length in _COLUMN_LENGTHS.items():
        value = getattr(submission, name)
        if value is not None and len(value) > length:
            raise Unprocessable(f"`{name}` is longer than {length:,} characters")
    if submission.url is None and submission.external_id is None:
        raise Unprocessable("identify the article by `url` or by `external_id`")
    text = _text_of(submission, settings)
    content_hash = fingerprint(text)
    quotes = _Quotations(text, tenant)
    if not _is_latest(engine, tenant, submission, content_hash):
        # Found before the transaction, which on SQLite holds the write lock
        # from its start (service.platform.transactions): extracting there
        # would make every other writer wait for it. One read (about 0.4 ms)
        # tells an unchanged resubmission, which extracts nothing.
        quotes.filed()

    def step(session: Session) -> Recorded:
        return _record_once(
            session,
            tenant,
            submission,
            text,
            content_hash,
            quotes,
            idempotency,
            max_story_articles=settings.story_max_articles,
        )

    if engine.dialect.name == "sqlite":
        return _group_commit(engine).run(step)
    return in_transaction(engine, step)


class _Pending:
    """One request's step waiting in a ``_GroupCommit``: what it came to,
    once written (``result`` or ``error``; ``alone`` when it must run in a
    transaction of its own), or that its thread is to write the next batch
    (``lead``)."""

    def __init__(self, step: Callable[[Session], Recorded]) -> None:
        self.step = step
        self.ready = threading.Event()
        self.lead = False
        self.alone = False
        self.result: Recorded | None = None
        self.error: BaseException | None = None


class _GroupCommit:
    """The steps of concurrent ingests into one SQLite database, written
    in shared transactions: one lock, one ``BEGIN IMMEDIATE`` and one commit
    (its fsync) for as many versions as are waiting, each step in a
    savepoint of its own.

    SQLite has one writer at a time (``service.platform.transactions``),
    and eight clients kept its lock held 90% of the time, a version each
    (``bench/bench_ingest.py``): about 7 ms of each was the commit's fsync,
    the rest the step's statements, each waiting for the GIL again while
    other requests extracted quotations. So a step that arrives while a
    batch is being written waits for it to end, and the first of those
    waiting then writes them all, in the order they came, while the next
    ones gather; with none waiting a step is written at once, as before.

    Every guarantee is each step's own: a request is answered only after
    the commit that holds its version. A step that raises rolls back to its
    savepoint and its request gets the error, the others are unaffected; a
    refused write (``IntegrityError``, ``OperationalError``) runs again in a
    transaction of its own, as ``in_transaction`` runs every step; a refused
    commit runs the whole batch again from fresh reads (``in_transaction``),
    which each step allows."""

    # Most steps one transaction writes (a batch's wait is its length).
    MOST = 32

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._writing = False

    def run(self, step: Callable[[Session], Recorded]) -> Recorded:
        pending = _Pending(step)
        with self._lock:
            self._waiting.append(pending)
            pending.lead = not self._writing
            self._writing = True
        if not pending.lead:
            pending.ready.wait()
        if pending.lead:
            self._write_next()
        if pending.alone:
            return in_transaction(self._engine, step)
        if pending.error is not None:
            raise pending.error
        assert pending.result is not None
        return pending.result

    def _write_next(self) -> None:
        """Write the steps waiting (this thread's first), then hand the
        writing to the first step that came meanwhile, if one did."""
        with self._lock:
            batch = self._waiting[: self.MOST]
            del self._waiting[: self.MOST]
        try:
            in_transaction(self._engine, lambda session: self._steps(session, batch))
        except BaseException as exc:  # every waiting request hears of it
            for pending in batch:
                pending.error = exc
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].lead = True
                    self._waiting[0].ready.set()
                else:
                    self._writing = False
            for pending in batch:
                pending.ready.set()

    @staticmethod
    def _steps(session: Session, batch: list[_Pending]) -> None:
        for pending in batch:
            pending.result, pending.error, pending.alone = None, None, False
            try:
                with session.begin_nested():
                    pending.result = pending.step(session)
            except (IntegrityError, OperationalError):
                pending.alone = True
            except Exception as exc:  # the request's own error: a Conflict, …
                pending.error = exc


_GROUP_COMMITS: weakref.WeakKeyDictionary[Engine, _GroupCommit] = weakref.WeakKeyDictionary()
_GROUP_COMMITS_LOCK = threading.Lock()


def _group_commit(engine: Engine) -> _GroupCommit:
    with _GROUP_COMMITS_LOCK:
        found = _GROUP_COMMITS.get(engine)
        if found is None:
            found = _GROUP_COMMITS[engine] = _GroupCommit(engine)
        return found


@dataclass(frozen=True, slots=True)
class Filed:
    """A text's quotations as the quote index files them, and the
    ``extractor`` to stamp its version with: ``None`` when some quotation
    is not among them (one without words, which the index leaves out), since
    then the rows are not all of ``extract_quotes``'s answer."""

    quotes: Sequence[quote_index.IndexedQuote]
    extractor: str | None


def quotations(text: str, tenant: str) -> Filed:
    """``text``'s quotations found by the running code, to file for
    ``tenant``: what a version of it is stored with, at ingest and when
    refreshed."""
    found = extract_quotes(text)
    filed = quote_index.indexed_quotes(found, tenant)
    return Filed(filed, EXTRACTOR if len(filed) == len(found) else None)


class _Quotations:
    """A submitted text's quotations, found once the text is known to be new
    (never for an unchanged resubmission), and then kept for the retries."""

    def __init__(self, text: str, tenant: str) -> None:
        self._text = text
        self._tenant = tenant
        self._filed: Filed | None = None

    def filed(self) -> Filed:
        if self._filed is None:
            self._filed = quotations(self._text, self._tenant)
        return self._filed


def _is_latest(engine: Engine, tenant: str, s: Submission, content_hash: str) -> bool:
    """Whether ``content_hash`` is the latest version's of the article ``s``
    names, as a read before the transaction finds it (the transaction reads
    again)."""
    with Session(engine) as session:
        latest = ArticleRepository(session, tenant).latest_content_hash(
            url=s.url, outlet=s.outlet, external_id=s.external_id
        )
    return latest == content_hash


def _record_once(
    session: Session,
    tenant: str,
    s: Submission,
    text: str,
    content_hash: str,
    quotes: _Quotations,
    idempotency: Idempotency | None,
    *,
    max_story_articles: int,
) -> Recorded:
    keys = IdempotencyRepository(session, tenant)
    if idempotency is not None:
        previous = keys.record(idempotency.key)
        if previous is not None:
            if previous.request_hash != idempotency.request_hash:
                raise Conflict("this Idempotency-Key was used for a different request")
            return Recorded(**json.loads(previous.body))

    repo = ArticleRepository(session, tenant)
    outlet = repo.outlet_named(s.outlet)
    article = _find_article(repo, outlet, s)
    latest = repo.latest_version(article.id) if article is not None else None
    created = latest is None or latest.content_hash != content_hash
    if created:
        # Found already, unless another request changed the article since
        # record_version looked (then here, once, and kept for the retries).
        quotes.filed()
    outlet = outlet or repo.add_outlet(s.outlet)
    article = article or _add_article(repo, outlet, s)
    if not created:
        assert latest is not None
        version = latest
    else:
        version = _add_version(
            session, repo, article, outlet, latest, s, text, content_hash, quotes
        )
    if s.story is not None:
        stories.join_if_needed(
            session, tenant, s.story, article.id, max_articles=max_story_articles
        )
    recorded = Recorded(
        id=article.id,
        version=version.number,
        created=created,
        outlet=outlet.name,
        url=article.url,
        external_id=article.external_id,
        content_hash=version.content_hash,
        story=s.story,
    )
    if idempotency is not None:
        # The first answer is kept as it was sent, so a retry gets it back.
        status = 201 if created else 200
        keys.keep(idempotency.key, idempotency.request_hash, status, json.dumps(asdict(recorded)))
    return recorded


def _add_version(
    session: Session,
    repo: ArticleRepository,
    article: Article,
    outlet: Outlet,
    latest: Version | None,
    s: Submission,
    text: str,
    content_hash: str,
    quotes: _Quotations,
) -> Version:
    """A new version after ``latest``, its quotations filed and, when
    someone subscribed, its webhook events queued."""
    filed = quotes.filed()
    version = repo.add(
        Version(
            article_id=article.id,
            tenant=repo.tenant,
            number=latest.number + 1 if latest is not None else 1,
            text=text,
            html=s.html,
            title=s.title,
            byline=s.byline,
            language=s.language,
            published_at=s.published_at,
            updated_at=s.updated_at,
            content_hash=content_hash,
            extractor=filed.extractor,
        )
    )
    webhooks = subscriptions(session, repo.tenant)
    before: list[Quote] | None = None
    if webhooks and latest is not None:
        previous = quote_index.latest_quotes(session, repo.tenant, [article.id])[article.id]
        before = [Quote(r.text, r.start, r.end, r.speaker) for r in previous]
    quote_index.file_quotes(session, repo.tenant, version, filed.quotes)
    if webhooks:
        new_quotes = [q.quote for q in filed.quotes]
        version_events(
            session, repo.tenant, article, outlet, version, before, new_quotes, s.story, webhooks
        )
    return version


# Reads -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One stored version, with its article and outlet."""

    article: Article
    outlet: Outlet
    version: Version


@dataclass(frozen=True, slots=True)
class VersionsDiffed:
    """Two versions of one article (``old`` may come after ``new`` when the
    caller asked so) and what changed from the one to the other."""

    article_id: str
    old: Version
    new: Version
    changes: VersionChanges


def _article_or_404(repo: ArticleRepository, article_id: str) -> tuple[Article, Outlet]:
    article = repo.article(article_id)
    outlet = repo.outlet(article.outlet_id) if article is not None else None
    if article is None or outlet is None:
        raise NotFound(f"article {article_id!r} not found")
    return article, outlet


def _version_or_404(repo: ArticleRepository, article: Article, number: int | None) -> Version:
    version = (
        repo.latest_version(article.id) if number is None else repo.version(article.id, number)
    )
    if version is None:
        raise NotFound(f"article {article.id!r} has no version {number}")
    return version


def find_article(session: Session, tenant: str, article_id: str) -> ArticleRow | None:
    """The article with its outlet, latest version and count of versions;
    ``None`` when the tenant has no such article."""
    return ArticleRepository(session, tenant).summary(article_id)


def read_article(session: Session, tenant: str, article_id: str) -> ArticleRow:
    """``find_article``, raising ``NotFound`` when there is none."""
    return existing(find_article(session, tenant, article_id), f"article {article_id!r}")


def labels(
    session: Session, tenant: str, article_ids: Iterable[str]
) -> dict[str, tuple[str, str | None]]:
    """Outlet name and URL of each of ``article_ids`` that exists, in one query."""
    return ArticleRepository(session, tenant).labels(sorted(set(article_ids)))


def latest_versions(
    session: Session, tenant: str, article_ids: Iterable[str]
) -> dict[str, Version]:
    """The latest version of each of ``article_ids`` that has one, in one query."""
    return ArticleRepository(session, tenant).latest_versions(sorted(set(article_ids)))


def list_articles(
    session: Session,
    tenant: str,
    *,
    outlet: str | None,
    url: str | None,
    since: datetime | None,
    until: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[ArticleRow]:
    """A page of articles, oldest first, in a fixed number of queries."""
    repo = ArticleRepository(session, tenant)
    outlet_id: int | None = None
    if outlet is not None:
        found = repo.outlet_named(outlet)
        if found is None:
            return Page([], None)
        outlet_id = found.id
    try:
        return repo.articles(
            outlet_id=outlet_id, url=url, since=since, until=until, after=cursor, limit=limit
        )
    except ValueError as exc:
        raise BadRequest(f"cursor: {exc}") from None


def list_versions(
    session: Session, tenant: str, article_id: str, *, cursor: str | None, limit: int
) -> Page[Version]:
    repo = ArticleRepository(session, tenant)
    article, _ = _article_or_404(repo, article_id)
    after = 0
    if cursor is not None:
        try:
            (after,) = decode_ints(cursor, 1)
        except ValueError:
            raise BadRequest("cursor: malformed cursor") from None
        if after < 0:
            raise BadRequest("cursor: malformed cursor")
    return repo.versions(article.id, after=after, limit=limit)


def read_version(
    session: Session, tenant: str, article_id: str, number: int | None
) -> StoredVersion:
    """Version ``number`` of the article (the latest when ``None``)."""
    repo = ArticleRepository(session, tenant)
    article, outlet = _article_or_404(repo, article_id)
    return StoredVersion(article, outlet, _version_or_404(repo, article, number))


def stored_text(
    session: Session, tenant: str, article_id: str, number: int | None
) -> tuple[str, str | None, tuple[Quote, ...] | None]:
    """The text, outlet and quotations of a stored version (the latest when
    ``number`` is None): a ``StoredLoader`` for ``compare_sides``. The
    quotations are ``None`` unless the running extractor found them
    (``ArticleRepository.stored_quotes``)."""
    repo = ArticleRepository(session, tenant)
    article, outlet = _article_or_404(repo, article_id)
    version = _version_or_404(repo, article, number)
    return version.text, outlet.name, repo.stored_quotes(version)


def stored_loader(engine: Engine, tenant: str) -> StoredLoader:
    """``stored_text`` for ``compare_sides``, each side read in a session of
    its own (comparing inline texts then opens none)."""

    def load(
        article_id: str, number: int | None
    ) -> tuple[str, str | None, tuple[Quote, ...] | None]:
        with Session(engine) as session:
            return stored_text(session, tenant, article_id, number)

    return load


@dataclass(frozen=True, slots=True)
class VersionPair:
    """Two versions of ``article_id`` to diff, read, with the quotations
    stored with each (``None`` where the running extractor did not find
    them: they are extracted when diffing)."""

    article_id: str
    old: Version
    new: Version
    old_quotes: tuple[Quote, ...] | None
    new_quotes: tuple[Quote, ...] | None

    @property
    def size(self) -> int:
        """The characters there are to diff."""
        return len(self.old.text) + len(self.new.text)


def diff_versions(
    session: Session, tenant: str, article_id: str, old: int | None, new: int | None
) -> VersionsDiffed:
    """Diff two versions; by default the one before the latest and the latest."""
    return diffed_versions(versions_to_diff(session, tenant, article_id, old, new))


def versions_to_diff(
    session: Session, tenant: str, article_id: str, old: int | None, new: int | None
) -> VersionPair:
    """The two versions ``diff_versions`` diffs, read (``NotFound`` when one
    is missing) but not yet compared: the reading needs the database, the
    diffing may run in another process (``diffed_versions``)."""
    repo = ArticleRepository(session, tenant)
    article, _ = _article_or_404(repo, article_id)
    latest = _version_or_404(repo, article, None)
    new_version = latest if new is None else _version_or_404(repo, article, new)
    old_number = old if old is not None else max(1, new_version.number - 1)
    old_version = _version_or_404(repo, article, old_number)
    return VersionPair(
        article.id,
        old_version,
        new_version,
        repo.stored_quotes(old_version),
        repo.stored_quotes(new_version),
    )


def diffed_versions(pair: VersionPair) -> VersionsDiffed:
    """What changed from the pair's old version to its new one."""
    changes = version_diff(
        pair.old.text, pair.new.text, old_quotes=pair.old_quotes, new_quotes=pair.new_quotes
    )
    return VersionsDiffed(pair.article_id, pair.old, pair.new, changes)


# Refreshing stored quotations (``service.quotes.refresh``) ----------------


def stale_versions(session: Session, *, after: int, limit: int, latest: bool) -> list[StaleVersion]:
    """The first ``limit`` versions of any tenant by id above ``after`` that
    the running ``EXTRACTOR`` did not stamp: their articles' latest versions
    when ``latest``, the earlier ones otherwise."""
    return every_tenant.stale_versions(session, EXTRACTOR, after=after, limit=limit, latest=latest)


def count_versions(session: Session, *, latest_only: bool) -> int:
    """How many versions every tenant has stored (only the latest of each
    article with ``latest_only``)."""
    return every_tenant.count_versions(session, latest_only=latest_only)


def stamp_versions(session: Session, stamps: dict[int, str | None]) -> list[tuple[Version, bool]]:
    """Stamp the versions ``stamps`` names (by id) with the extractor each
    maps to, and return them, each with whether it is its article's latest;
    no version is added to their articles until the transaction ends."""
    return every_tenant.stamp_versions(session, stamps)
