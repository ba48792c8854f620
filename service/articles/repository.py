"""The queries of outlets, articles, their versions and idempotency records.

Every read starts from ``TenantRepository.select`` or ``.get``, so each is
scoped to the repository's tenant, except the refresh's (``stale_versions``,
``count_versions``, ``stamp_versions``), which are over every tenant's
versions, as the stored quotations' extractor is; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import exists, func, or_, update
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from service.core.quotes import EXTRACTOR, Mention, Quote
from service.models.articles import Article, IdempotencyRecord, Outlet, Version
from service.models.base import utc
from service.models.quotes import QuoteRecord
from service.platform.pagination import Page, decode_cursor, encode_cursor
from service.platform.repository import TenantRepository

__all__ = [
    "ArticleRepository",
    "ArticleRow",
    "IdempotencyRepository",
    "StaleVersion",
    "count_versions",
    "stale_versions",
    "stamp_versions",
]


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """An article with its outlet, its latest version (``None`` before the
    first is stored) and how many versions it has."""

    article: Article
    outlet: Outlet
    latest: Version | None
    versions: int


class ArticleRepository(TenantRepository):
    # Outlets -----------------------------------------------------------

    def outlet_named(self, name: str) -> Outlet | None:
        return self.session.exec(self.select(Outlet).where(Outlet.name == name)).first()

    def outlet(self, outlet_id: int) -> Outlet | None:
        return self.get(Outlet, outlet_id)

    def add_outlet(self, name: str) -> Outlet:
        return self.add(Outlet(tenant=self.tenant, name=name))

    # Articles ----------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        return self.get(Article, article_id)

    def article_by_url(self, url: str) -> Article | None:
        return self.session.exec(self.select(Article).where(Article.url == url)).first()

    def article_by_external_id(self, outlet_id: int, external_id: str) -> Article | None:
        return self.session.exec(
            self.select(Article).where(
                Article.outlet_id == outlet_id, Article.external_id == external_id
            )
        ).first()

    def labels(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Outlet name and URL of each of ``article_ids`` (those that exist),
        in one query of just those columns (a search result page's needs)."""
        if not article_ids:
            return {}
        # By primary key alone, the tenant checked on the rows, as
        # ``TenantRepository.get`` does: with the tenant in the WHERE clause,
        # SQLite picks the (tenant, created_at) index and reads every article
        # of the tenant.
        rows = self.session.execute(
            select_columns(col(Article.id), col(Article.tenant), col(Outlet.name), col(Article.url))
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .where(col(Article.id).in_(article_ids))
        ).all()
        return {a: (name, url) for a, owner, name, url in rows if owner == self.tenant}

    def articles(
        self,
        *,
        outlet_id: int | None = None,
        url: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Page[ArticleRow]:
        """Articles, oldest first, filtered, each with its outlet, latest
        version and count of versions, all in one query whatever the page's
        size; ``after`` is a cursor from a previous page (``ValueError``
        when malformed)."""
        query = self.select(Article)
        if outlet_id is not None:
            query = query.where(Article.outlet_id == outlet_id)
        if url is not None:
            query = query.where(Article.url == url)
        if since is not None:
            query = query.where(col(Article.created_at) >= since)
        if until is not None:
            query = query.where(col(Article.created_at) < until)
        if after is not None:
            created, last_id = decode_cursor(after)
            if not isinstance(created, str) or not isinstance(last_id, str):
                raise ValueError("malformed cursor")
            moment = datetime.fromisoformat(created)
            query = query.where(
                (col(Article.created_at) > moment)
                | ((col(Article.created_at) == moment) & (col(Article.id) > last_id))
            )
        page = query.order_by(col(Article.created_at), col(Article.id)).limit(limit + 1)
        rows = self._with_versions(page)
        items = rows[:limit]
        cursor = None
        if len(rows) > limit:
            last = items[-1].article
            cursor = encode_cursor(utc(last.created_at).isoformat(), last.id)
        return Page(items, cursor)

    def summary(self, article_id: str) -> ArticleRow | None:
        """One article as a listing shows it, in one query."""
        rows = self._with_versions(self.select(Article).where(Article.id == article_id))
        return rows[0] if rows else None

    def _with_versions(self, articles: SelectOfScalar[Article]) -> list[ArticleRow]:
        """``articles`` (a tenant-scoped select of articles, ordered and
        limited) joined with each one's outlet, latest version and count."""
        other = aliased(Version)
        of_article = col(other.article_id) == Article.id
        latest = (
            select_columns(func.max(other.number)).where(of_article).correlate(Article)
        ).scalar_subquery()
        count = (
            select_columns(func.count()).where(of_article).correlate(Article)
        ).scalar_subquery()
        # Several entities: ``execute`` (``exec`` would keep the first only).
        query: Any = (
            articles.add_columns(Outlet, Version, count)
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .outerjoin(
                Version,
                (col(Version.article_id) == Article.id) & (col(Version.number) == latest),
            )
        )
        found = self.session.execute(query).all()
        return [ArticleRow(a, o, v, int(n)) for a, o, v, n in found]

    # Versions ----------------------------------------------------------

    def latest_version(self, article_id: str) -> Version | None:
        return self.session.exec(
            self.select(Version)
            .where(Version.article_id == article_id)
            .order_by(col(Version.number).desc())
            .limit(1)
        ).first()

    def version(self, article_id: str, number: int) -> Version | None:
        return self.session.exec(
            self.select(Version).where(Version.article_id == article_id, Version.number == number)
        ).first()

    def latest_content_hash(
        self, *, url: str | None, outlet: str, external_id: str | None
    ) -> str | None:
        """The content hash of the latest version of the article a
        submission names (by ``url`` when it has one, else by its outlet's
        ``external_id``), in one query of that column; ``None`` when there
        is no such article or version."""
        query = (
            select_columns(col(Version.content_hash))
            .join(Article, col(Article.id) == Version.article_id)
            .order_by(col(Version.number).desc())
            .limit(1)
        )
        if url is not None:
            query = query.where(col(Article.url) == url)
        else:
            query = query.join(Outlet, col(Outlet.id) == Article.outlet_id).where(
                col(Outlet.name) == outlet, col(Article.external_id) == external_id
            )
        return self.session.execute(self.scoped(query, Article)).scalar_one_or_none()

    def latest_versions(self, article_ids: Sequence[str]) -> dict[str, Version]:
        """The latest version of each of ``article_ids`` that has one, in one query."""
        if not article_ids:
            return {}
        other = aliased(Version)
        latest = (
            select_columns(func.max(other.number))
            .where(col(other.article_id) == Version.article_id)
            .correlate(Version)
        ).scalar_subquery()
        rows = self.session.exec(
            self.select(Version).where(
                col(Version.article_id).in_(article_ids), col(Version.number) == latest
            )
        ).all()
        return {v.article_id: v for v in rows}

    def version_count(self, article_id: str) -> int:
        count = self.session.execute(
            self.scoped(select_columns(func.count()).select_from(Version), Version).where(
                col(Version.article_id) == article_id
            )
        ).scalar_one()
        return int(count)

    def versions(self, article_id: str, *, after: int = 0, limit: int = 50) -> Page[Version]:
        """Versions oldest first, numbered above ``after``."""
        rows = self.session.exec(
            self.select(Version)
            .where(Version.article_id == article_id, col(Version.number) > after)
            .order_by(col(Version.number))
            .limit(limit + 1)
        ).all()
        items = rows[:limit]
        cursor = encode_cursor(items[-1].number) if len(rows) > limit else None
        return Page(items, cursor)

    def stored_quotes(self, version: Version) -> tuple[Quote, ...] | None:
        """The quotations stored with ``version``, as ``extract_quotes`` of
        its text gives them (mentions included), when the running
        ``EXTRACTOR`` found them; ``None`` when another did (or none is
        known), and they must be extracted again."""
        if version.extractor != EXTRACTOR:
            return None
        rows = self.session.execute(
            self.scoped(
                select_columns(
                    col(QuoteRecord.text),
                    col(QuoteRecord.start),
                    col(QuoteRecord.end),
                    col(QuoteRecord.speaker),
                    col(QuoteRecord.mention_text),
                    col(QuoteRecord.mention_start),
                    col(QuoteRecord.mention_end),
                ).where(col(QuoteRecord.version_id) == version.id),
                QuoteRecord,
            ).order_by(col(QuoteRecord.ordinal))
        ).all()
        return tuple(
            Quote(
                text,
                start,
                end,
                speaker,
                None if mention is None else Mention(mention, mention_start, mention_end),
            )
            for text, start, end, speaker, mention, mention_start, mention_end in rows
        )


class IdempotencyRepository(TenantRepository):
    def record(self, key: str) -> IdempotencyRecord | None:
        return self.get(IdempotencyRecord, (self.tenant, key))

    def keep(self, key: str, request_hash: str, status_code: int, body: str) -> None:
        """Keep the first answer to the request made with ``key``."""
        self.add(
            IdempotencyRecord(
                tenant=self.tenant,
                key=key,
                request_hash=request_hash,
                status_code=status_code,
                body=body,
            )
        )


# The refresh of stored quotations, over every tenant ---------------------


class StaleVersion(NamedTuple):
    """A version whose quotations another extractor found (or none is known)."""

    id: int
    tenant: str
    text: str


def _superseded() -> Any:
    """Whether the version has a newer one: it is not its article's latest."""
    newer = aliased(Version)
    return exists().where(
        col(newer.article_id) == Version.article_id, col(newer.number) > Version.number
    )


def stale_versions(
    session: Session, extractor: str, *, after: int, limit: int, latest: bool
) -> list[StaleVersion]:
    """The first ``limit`` versions by id above ``after`` whose stamp is not
    ``extractor`` (none included): their articles' latest versions when
    ``latest``, the earlier ones otherwise."""
    superseded = _superseded()
    rows = session.execute(
        select_columns(col(Version.id), col(Version.tenant), col(Version.text))
        .where(
            col(Version.id) > after,
            or_(col(Version.extractor).is_(None), col(Version.extractor) != extractor),
            ~superseded if latest else superseded,
        )
        .order_by(col(Version.id))
        .limit(limit)
    ).all()
    return [StaleVersion._make(row) for row in rows]


def count_versions(session: Session, *, latest_only: bool) -> int:
    """How many versions are stored (the latest of each article only, with
    ``latest_only``)."""
    query = select_columns(func.count()).select_from(Version)
    if latest_only:
        query = query.where(~_superseded())
    return int(session.execute(query).scalar_one())


def stamp_versions(session: Session, stamps: dict[int, str | None]) -> list[tuple[Version, bool]]:
    """Stamp each version ``stamps`` names with its extractor, and return
    them by id, each with whether it is its article's latest.

    The flags hold until the transaction ends: no version can be added to
    those articles before then. Their rows are locked first (``FOR
    UPDATE`` on PostgreSQL, which a new version's foreign key waits for),
    and on SQLite the stamping is the transaction's first write, which
    takes the database's write lock before the flags are read."""
    if not stamps:
        return []
    ids = sorted(stamps)
    articles = select_columns(col(Version.article_id)).where(col(Version.id).in_(ids))
    session.execute(
        select_columns(col(Article.id))
        .where(col(Article.id).in_(articles))
        .order_by(col(Article.id))
        .with_for_update()
    )
    session.execute(
        update(Version), [{"id": version_id, "extractor": stamps[version_id]} for version_id in ids]
    )
    rows = session.execute(
        select_columns(Version, ~_superseded())
        .where(col(Version.id).in_(ids))
        .order_by(col(Version.id))
        .execution_options(populate_existing=True)
    ).all()
    return [(version, bool(latest)) for version, latest in rows]
