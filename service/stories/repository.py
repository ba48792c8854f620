"""The queries of stories and their members, scoped to the tenant by
``TenantRepository`` (a membership row has no tenant of its own: it is
reached through its story, or its article, which have).

Members and their quotations come back as plain data (``StoryMember``,
``StoredQuotation``), not rows: a story's quotations are aligned in a worker
process (``service.platform.compute``), which gets them pickled, and the
texts are read apart, only where they are needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy import select as select_columns
from sqlmodel import col

from service.models.articles import Article, Outlet, Version
from service.models.base import utc
from service.models.quotes import QuoteRecord
from service.models.stories import Story, StoryArticle
from service.platform.repository import TenantRepository

__all__ = ["StoredQuotation", "StoryMember", "StoryRepository"]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A story's article with its outlet and latest version (``version``,
    its number; ``version_id``, its row), and when and as what
    (``coverage`` or ``primary``) it joined."""

    article_id: str
    outlet: str
    url: str | None
    created_at: datetime  # when the article was first stored
    version: int
    version_id: int
    headline: str | None
    published_at: datetime | None  # the latest version's, as the client gave it
    added_at: datetime
    role: str = "coverage"

    @property
    def primary(self) -> bool:
        return self.role == "primary"


@dataclass(frozen=True, slots=True)
class StoredQuotation:
    """One quotation of an article's latest version, from the quote index."""

    id: int
    version: int
    text: str
    start: int
    end: int
    speaker: str | None


def _member(
    article_id: str,
    outlet: str,
    url: str | None,
    created: datetime,
    number: int,
    version_id: int,
    title: str | None,
    published: datetime | None,
    added: datetime,
    role: str,
) -> StoryMember:
    """A member from a row of ``StoryRepository._members``."""
    return StoryMember(
        article_id=article_id,
        outlet=outlet,
        url=url,
        created_at=utc(created),
        version=number,
        version_id=version_id,
        headline=title,
        published_at=utc(published),
        added_at=utc(added),
        role=role,
    )


class StoryRepository(TenantRepository):
    def story(self, key: str) -> Story | None:
        return self.session.exec(self.select(Story).where(Story.key == key)).first()

    def add_story(self, key: str) -> Story:
        return self.add(Story(tenant=self.tenant, key=key))

    def stories(self, *, after: str | None = None, limit: int = 50) -> list[tuple[Story, int]]:
        """Stories by key with their article counts, keys above ``after``."""
        count = (
            select_columns(func.count())
            .where(col(StoryArticle.story_id) == Story.id)
            .correlate(Story)
            .scalar_subquery()
        )
        query = self.scoped(select_columns(Story, count), Story)
        if after is not None:
            query = query.where(col(Story.key) > after)
        rows = self.session.execute(query.order_by(col(Story.key)).limit(limit)).all()
        return [(story, int(n)) for story, n in rows]

    def membership(self, story: Story, article_id: str) -> StoryArticle | None:
        return self.session.get(StoryArticle, (story.id, article_id))

    def member_count(self, story: Story) -> int:
        """How many articles the story has (the story is the tenant's)."""
        query = select_columns(func.count()).where(col(StoryArticle.story_id) == story.id)
        return int(self.session.execute(query).scalar_one())

    def join(self, story: Story, article_id: str, role: str = "coverage") -> StoryArticle:
        assert story.id is not None
        member = StoryArticle(story_id=story.id, article_id=article_id, role=role)
        self.session.add(member)
        self.session.flush()
        return member

    def leave(self, story: Story, article_id: str) -> bool:
        member = self.membership(story, article_id)
        if member is None:
            return False
        self.session.delete(member)
        self.session.flush()
        return True

    def members(self, story: Story, *, limit: int | None = None) -> list[StoryMember]:
        """The story's articles in the order they joined (the first
        ``limit``), each with its outlet and latest version; no text."""
        rows = self.session.execute(self._members(story, limit)).all()
        return [_member(*row) for row in rows]

    def aligned_members(
        self, story: Story, *, limit: int | None = None
    ) -> list[tuple[StoryMember, str | None, int]]:
        """``members``, each with its latest version's ``extractor`` stamp
        (``None`` where its quotations may not stand for the extractor's
        answer) and how many quotations that version has: what aligning the
        story reads of them besides the texts and quotations, which
        ``version_texts`` and ``first_quotations`` read by version, and
        which a server keeps (``service.stories.cache.StoryVersions``)."""
        quotations = (
            self.scoped(
                select_columns(func.count()).where(
                    col(QuoteRecord.article_id) == Article.id, col(QuoteRecord.latest).is_(True)
                ),
                QuoteRecord,
            )
            .correlate(Article)
            .scalar_subquery()
        )
        query = self._members(story, limit).add_columns(col(Version.extractor), quotations)
        return [
            (_member(*row[:-2]), row[-2], int(row[-1])) for row in self.session.execute(query).all()
        ]

    def version_texts(self, version_ids: Sequence[int]) -> dict[int, str]:
        """The texts of the tenant's versions ``version_ids``."""
        if not version_ids:
            return {}
        query = self.scoped(
            select_columns(col(Version.id), col(Version.text)).where(
                col(Version.id).in_(version_ids)
            ),
            Version,
        )
        return {version_id: text for version_id, text in self.session.execute(query).all()}

    def _members(self, story: Story, limit: int | None) -> Select[*tuple[Any, ...]]:
        latest = (
            select_columns(col(Version.article_id), func.max(Version.number).label("number"))
            .join(StoryArticle, col(StoryArticle.article_id) == Version.article_id)
            .where(col(StoryArticle.story_id) == story.id)
            .group_by(col(Version.article_id))
            .subquery()
        )
        query = self.scoped(
            select_columns(
                col(Article.id),
                col(Outlet.name),
                col(Article.url),
                col(Article.created_at),
                col(Version.number),
                col(Version.id),
                col(Version.title),
                col(Version.published_at),
                col(StoryArticle.added_at),
                col(StoryArticle.role),
            )
            .select_from(Article)
            .join(StoryArticle, col(StoryArticle.article_id) == Article.id)
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .join(latest, latest.c.article_id == Article.id)
            .join(
                Version,
                (col(Version.article_id) == Article.id) & (col(Version.number) == latest.c.number),
            )
            .where(col(StoryArticle.story_id) == story.id)
            .order_by(col(StoryArticle.added_at), col(Article.id))
            .limit(limit),
            Article,
        )
        return query

    def first_quotations(
        self, version_ids: Sequence[int], limit: int
    ) -> dict[int, list[StoredQuotation]]:
        """The first ``limit`` quotations of each of the versions
        ``version_ids``, in text order (a version's quotations are numbered
        from 0 in its text, so no more than ``limit`` rows a version are
        read). Read by version rather than as an article's latest, so that
        they are the quotations of the very version its member names."""
        found: dict[int, list[StoredQuotation]] = {v: [] for v in version_ids}
        if not version_ids:
            return found
        query = self.scoped(
            select_columns(
                col(QuoteRecord.version_id),
                col(QuoteRecord.id),
                col(QuoteRecord.version),
                col(QuoteRecord.text),
                col(QuoteRecord.start),
                col(QuoteRecord.end),
                col(QuoteRecord.speaker),
            )
            .where(col(QuoteRecord.version_id).in_(version_ids), col(QuoteRecord.ordinal) < limit)
            .order_by(col(QuoteRecord.version_id), col(QuoteRecord.ordinal)),
            QuoteRecord,
        )
        for version_id, *fields in self.session.execute(query).all():
            found[version_id].append(StoredQuotation(*fields))
        return found

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """The story keys each article belongs to."""
        found: dict[str, list[str]] = {a: [] for a in article_ids}
        if not article_ids:
            return found
        rows = self.session.execute(
            self.scoped(
                select_columns(col(StoryArticle.article_id), col(Story.key))
                .join(Story, col(Story.id) == StoryArticle.story_id)
                .where(col(StoryArticle.article_id).in_(article_ids))
                .order_by(col(Story.key)),
                Story,
            )
        ).all()
        for article_id, key in rows:
            found[article_id].append(key)
        return found
