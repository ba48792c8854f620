"""The queries of stories and their members, scoped to the tenant by
``TenantRepository`` (a membership row has no tenant of its own: it is
reached through its story, or its article, which have)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col

from service.models.articles import Article, Outlet, Version
from service.models.stories import Story, StoryArticle
from service.platform.repository import TenantRepository

__all__ = ["StoryMember", "StoryRepository"]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A story's article, with its outlet and latest version, and when and
    as what (``coverage`` or ``primary``) it joined."""

    article: Article
    outlet: Outlet
    latest: Version | None
    added_at: datetime
    role: str = "coverage"

    @property
    def primary(self) -> bool:
        return self.role == "primary"


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

    def members(self, story: Story) -> list[StoryMember]:
        """The story's articles in the order they joined, each with its
        outlet and latest version."""
        latest = (
            select_columns(col(Version.article_id), func.max(Version.number).label("number"))
            .join(StoryArticle, col(StoryArticle.article_id) == Version.article_id)
            .where(col(StoryArticle.story_id) == story.id)
            .group_by(col(Version.article_id))
            .subquery()
        )
        query = self.scoped(
            select_columns(Article, Outlet, Version, StoryArticle)
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
        )
        rows = self.session.execute(query).all()
        return [StoryMember(a, o, v, m.added_at, m.role) for a, o, v, m in rows]

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
