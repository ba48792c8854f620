"""Articles, versions and idempotency records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from service.models.articles import Article, IdempotencyRecord, Outlet, Version
from service.models.base import utc
from service.platform.pagination import Page, decode_cursor, encode_cursor

__all__ = ["ArticleRepository", "IdempotencyRepository"]


class ArticleRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    # Outlets -----------------------------------------------------------

    def outlet_named(self, name: str) -> Outlet | None:
        return self.session.exec(
            select(Outlet).where(Outlet.tenant == self.tenant, Outlet.name == name)
        ).first()

    def outlet(self, outlet_id: int) -> Outlet | None:
        found = self.session.get(Outlet, outlet_id)
        return found if found is not None and found.tenant == self.tenant else None

    def add_outlet(self, name: str) -> Outlet:
        outlet = Outlet(tenant=self.tenant, name=name)
        self.session.add(outlet)
        self.session.flush()
        return outlet

    # Articles ----------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        found = self.session.get(Article, article_id)
        return found if found is not None and found.tenant == self.tenant else None

    def article_by_url(self, url: str) -> Article | None:
        return self.session.exec(
            select(Article).where(Article.tenant == self.tenant, Article.url == url)
        ).first()

    def article_by_external_id(self, outlet_id: int, external_id: str) -> Article | None:
        return self.session.exec(
            select(Article).where(
                Article.tenant == self.tenant,
                Article.outlet_id == outlet_id,
                Article.external_id == external_id,
            )
        ).first()

    def labels(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Outlet name and URL of each of ``article_ids`` (those that exist),
        in one query of just those columns (a search result page's needs)."""
        if not article_ids:
            return {}
        # By primary key alone, the tenant checked after: with the tenant in
        # the WHERE clause, SQLite may pick the (tenant, created_at) index
        # and read every article of the tenant.
        rows = self.session.execute(
            select_columns(col(Article.id), col(Article.tenant), col(Outlet.name), col(Article.url))
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .where(col(Article.id).in_(article_ids))
        ).all()
        return {a: (name, url) for a, tenant, name, url in rows if tenant == self.tenant}

    def add_article(self, article: Article) -> Article:
        self.session.add(article)
        self.session.flush()
        return article

    def articles(
        self,
        *,
        outlet_id: int | None = None,
        url: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Page[Article]:
        """Articles, oldest first, filtered; ``after`` is a cursor from a
        previous page (``ValueError`` when malformed)."""
        query = select(Article).where(Article.tenant == self.tenant)
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
        rows = self.session.exec(
            query.order_by(col(Article.created_at), col(Article.id)).limit(limit + 1)
        ).all()
        items = rows[:limit]
        cursor = None
        if len(rows) > limit:
            last = items[-1]
            created_at = utc(last.created_at)
            assert created_at is not None
            cursor = encode_cursor(created_at.isoformat(), last.id)
        return Page(items, cursor)

    # Versions ----------------------------------------------------------

    def latest_version(self, article_id: str) -> Version | None:
        return self.session.exec(
            select(Version)
            .where(Version.article_id == article_id, Version.tenant == self.tenant)
            .order_by(col(Version.number).desc())
            .limit(1)
        ).first()

    def version(self, article_id: str, number: int) -> Version | None:
        return self.session.exec(
            select(Version).where(
                Version.article_id == article_id,
                Version.tenant == self.tenant,
                Version.number == number,
            )
        ).first()

    def version_count(self, article_id: str) -> int:
        return int(
            self.session.exec(
                select(func.count()).where(
                    Version.article_id == article_id, Version.tenant == self.tenant
                )
            ).one()
        )

    def add_version(self, version: Version) -> Version:
        self.session.add(version)
        self.session.flush()
        return version

    def versions(self, article_id: str, *, after: int = 0, limit: int = 50) -> Page[Version]:
        """Versions oldest first, numbered above ``after``."""
        rows = self.session.exec(
            select(Version)
            .where(
                Version.article_id == article_id,
                Version.tenant == self.tenant,
                col(Version.number) > after,
            )
            .order_by(col(Version.number))
            .limit(limit + 1)
        ).all()
        items = rows[:limit]
        cursor = encode_cursor(items[-1].number) if len(rows) > limit else None
        return Page(items, cursor)


class IdempotencyRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def get(self, key: str) -> IdempotencyRecord | None:
        return self.session.get(IdempotencyRecord, (self.tenant, key))

    def add(self, key: str, request_hash: str, status_code: int, body: str) -> None:
        self.session.add(
            IdempotencyRecord(
                tenant=self.tenant,
                key=key,
                request_hash=request_hash,
                status_code=status_code,
                body=body,
            )
        )
        self.session.flush()
