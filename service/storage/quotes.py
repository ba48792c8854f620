"""The quote index and stories: their queries.

Public API:

- ``IndexedQuote``: a quotation ready to file (from ``indexed_quotes``).
- ``indexed_quotes(quotes, tenant)``: shingle a version's quotations (pure;
  done before the write transaction so that retries do not repeat it).
- ``QuoteRepository(session, tenant)``: file a version's quotations, find
  candidates for a query, read the latest quotations of articles.
- ``Candidate``: a stored quotation that shares shingles with a query.
- ``StoryRepository(session, tenant)``: stories and their articles.

Filing happens in the caller's transaction (``record_version``'s), so a
version and its index entries land together or not at all. A new version
takes ``latest`` from the previous version's rows, so a search restricted
to what outlets currently say reads one flag.

A search reads the inverted index only: the quotations sharing at least one
shingle with the query, counted per quotation, keeping those that share at
least a fifth of the smaller of the two shingle sets (each counted as filed:
a variant scoring 80 shares far more; an unrelated quotation sharing one
common pair does not reach it), most shared first, at most ``limit`` of
them. The index rows carry the quotation's shingle count and ``latest``
flag, so this is answered from the index alone; only the survivors are
read from ``quotes``. The caller scores them with
``service.core.search_score``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, insert, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from service.core.quotes import Quote
from service.core.search import Shingled, shingle, stored_shingles
from service.core.text import keys
from service.storage.tables import (
    Article,
    Outlet,
    QuoteRecord,
    QuoteShingle,
    Story,
    StoryArticle,
    Version,
)

__all__ = [
    "Candidate",
    "IndexedQuote",
    "QuoteRepository",
    "StoryMember",
    "StoryRepository",
    "indexed_quotes",
]


@dataclass(frozen=True, slots=True)
class IndexedQuote:
    quote: Quote
    shingled: Shingled


def indexed_quotes(quotes: Iterable[Quote], tenant: str) -> list[IndexedQuote]:
    """The quotations worth filing (those with words), shingled for ``tenant``."""
    found = []
    for quote in quotes:
        words = keys(quote.text)
        if words:
            found.append(IndexedQuote(quote, shingle(words, tenant)))
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    article_id: str
    version: int
    ordinal: int
    text: str
    start: int
    end: int
    speaker: str | None
    norm: str
    latest: bool
    hits: int


class QuoteRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def file(self, version: Version, quotes: Sequence[IndexedQuote]) -> None:
        """File ``version``'s quotations as the article's latest."""
        assert version.id is not None
        self._demote(version.article_id)
        if not quotes:
            return
        rows = [
            {
                "tenant": self.tenant,
                "article_id": version.article_id,
                "version_id": version.id,
                "version": version.number,
                "ordinal": ordinal,
                "text": q.quote.text,
                "start": q.quote.start,
                "end": q.quote.end,
                "speaker": q.quote.speaker,
                "norm": q.shingled.norm,
                "words": len(q.shingled.keys),
                "shingles": len(q.shingled.shingles),
                "latest": True,
            }
            for ordinal, q in enumerate(quotes)
        ]
        ids = self.session.execute(
            insert(QuoteRecord).returning(col(QuoteRecord.id), sort_by_parameter_order=True),
            rows,
        ).scalars()
        self.session.execute(
            insert(QuoteShingle),
            [
                {
                    "shingle": s,
                    "quote_id": quote_id,
                    "size": len(q.shingled.shingles),
                    "latest": True,
                }
                for quote_id, q in zip(ids, quotes, strict=True)
                for s in q.shingled.shingles
            ],
        )

    def _demote(self, article_id: str) -> None:
        """The article's latest quotations are latest no more, here and in
        the index (whose rows are found by primary key: their shingles are
        the ones the normalised text files under)."""
        previous = self.session.execute(
            select_columns(col(QuoteRecord.id), col(QuoteRecord.norm)).where(
                col(QuoteRecord.article_id) == article_id, col(QuoteRecord.latest).is_(True)
            )
        ).all()
        if not previous:
            return
        self.session.execute(
            update(QuoteRecord)
            .where(col(QuoteRecord.id).in_([quote_id for quote_id, _ in previous]))
            .values(latest=False)
        )
        # An ORM bulk UPDATE by primary key: one statement, executemany.
        self.session.execute(
            update(QuoteShingle),
            [
                {"shingle": s, "quote_id": quote_id, "latest": False}
                for quote_id, norm in previous
                for s in stored_shingles(norm.split(), self.tenant)
            ],
        )

    def candidates(
        self,
        shingles: Sequence[int],
        *,
        filed: int | None = None,
        latest_only: bool = True,
        limit: int = 1000,
    ) -> list[Candidate]:
        """Quotations sharing enough shingles with a query (see the module
        docstring), most shared first. ``shingles`` are the query's look-up
        keys; ``filed``, how many it would be filed under itself (the share
        is of that, since a look-up also holds skipping pairs and words).

        Two statements, so that each database plans the obvious: an index
        range scan per shingle, counted per quotation (the index alone
        answers it), then at most ``limit`` quotations read by primary key.
        """
        if not shingles:
            return []
        filed = len(shingles) if filed is None else max(1, filed)
        hits = func.count().label("hits")
        smaller = case((col(QuoteShingle.size) < filed, col(QuoteShingle.size)), else_=filed)
        query = select_columns(col(QuoteShingle.quote_id), hits).where(
            col(QuoteShingle.shingle).in_(shingles)
        )
        if latest_only:
            query = query.where(col(QuoteShingle.latest).is_(True))
        counted = self.session.execute(
            query.group_by(col(QuoteShingle.quote_id), col(QuoteShingle.size))
            .having(hits * 5 >= smaller)
            .order_by(hits.desc(), col(QuoteShingle.quote_id))
            .limit(limit)
        ).all()
        if not counted:
            return []
        shared = dict(counted)
        rows = self.session.execute(
            select_columns(
                col(QuoteRecord.id),
                col(QuoteRecord.article_id),
                col(QuoteRecord.version),
                col(QuoteRecord.ordinal),
                col(QuoteRecord.text),
                col(QuoteRecord.start),
                col(QuoteRecord.end),
                col(QuoteRecord.speaker),
                col(QuoteRecord.norm),
                col(QuoteRecord.latest),
            ).where(col(QuoteRecord.id).in_(list(shared)), col(QuoteRecord.tenant) == self.tenant)
        ).all()
        found = [
            Candidate(qid, article, version, ordinal, text, start, end, speaker, norm, latest, n)
            for qid, article, version, ordinal, text, start, end, speaker, norm, latest in rows
            for n in (shared[qid],)
        ]
        found.sort(key=lambda c: (-c.hits, c.id))
        return found

    def latest_quotes(self, article_ids: Sequence[str]) -> dict[str, list[QuoteRecord]]:
        """The latest version's quotations of each article, in text order."""
        found: dict[str, list[QuoteRecord]] = {a: [] for a in article_ids}
        if not article_ids:
            return found
        rows = self.session.exec(
            select(QuoteRecord)
            .where(
                QuoteRecord.tenant == self.tenant,
                col(QuoteRecord.article_id).in_(article_ids),
                col(QuoteRecord.latest).is_(True),
            )
            .order_by(col(QuoteRecord.article_id), col(QuoteRecord.ordinal))
        ).all()
        for row in rows:
            found[row.article_id].append(row)
        return found


@dataclass(frozen=True, slots=True)
class StoryMember:
    article: Article
    outlet: Outlet
    latest: Version | None
    added_at: datetime
    role: str = "coverage"

    @property
    def primary(self) -> bool:
        return self.role == "primary"


class StoryRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def story(self, key: str) -> Story | None:
        return self.session.exec(
            select(Story).where(Story.tenant == self.tenant, Story.key == key)
        ).first()

    def add_story(self, key: str) -> Story:
        story = Story(tenant=self.tenant, key=key)
        self.session.add(story)
        self.session.flush()
        return story

    def stories(self, *, after: str | None = None, limit: int = 50) -> list[tuple[Story, int]]:
        """Stories by key with their article counts, keys above ``after``."""
        count = (
            select(func.count())
            .where(StoryArticle.story_id == Story.id)
            .correlate(Story)
            .scalar_subquery()
        )
        query = select(Story, count).where(Story.tenant == self.tenant)
        if after is not None:
            query = query.where(col(Story.key) > after)
        rows = self.session.exec(query.order_by(col(Story.key)).limit(limit)).all()
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
            select(col(Version.article_id), func.max(Version.number).label("number"))
            .join(StoryArticle, col(StoryArticle.article_id) == Version.article_id)
            .where(StoryArticle.story_id == story.id)
            .group_by(col(Version.article_id))
            .subquery()
        )
        rows = self.session.exec(
            select(Article, Outlet, Version, StoryArticle)
            .join(StoryArticle, col(StoryArticle.article_id) == Article.id)
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .join(latest, latest.c.article_id == Article.id)
            .join(
                Version,
                (col(Version.article_id) == Article.id) & (col(Version.number) == latest.c.number),
            )
            .where(StoryArticle.story_id == story.id, Article.tenant == self.tenant)
            .order_by(col(StoryArticle.added_at), col(Article.id))
        ).all()
        return [StoryMember(a, o, v, m.added_at, m.role) for a, o, v, m in rows]

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """The story keys each article belongs to."""
        found: dict[str, list[str]] = {a: [] for a in article_ids}
        if not article_ids:
            return found
        rows = self.session.exec(
            select(col(StoryArticle.article_id), col(Story.key))
            .join(Story, col(Story.id) == StoryArticle.story_id)
            .where(Story.tenant == self.tenant, col(StoryArticle.article_id).in_(article_ids))
            .order_by(col(Story.key))
        ).all()
        for article_id, key in rows:
            found[article_id].append(key)
        return found
