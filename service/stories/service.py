"""Stories: articles about one event, and their quotations aligned n-way.

Public API:

- ``join_story(engine, tenant, key, article_id)``: add an article to a story
  (created on first use); ``(201, body)`` when it joined, ``(200, body)``
  when it was already a member.
- ``leave_story(engine, tenant, key, article_id)``.
- ``list_stories``, ``read_story``: reads.
- ``story_quotes(session, tenant, key)``: the statements of the story's
  latest versions, grouped across every outlet (``service.core.alignment.stories``),
  with typed edits, drift and echoes; with primary documents (members that
  joined with ``primary``), each outlet's quotations checked against them.

Primary documents are not coverage: they are left out of the statements
and omissions (a transcript has no quotation marks to align), and used only
for the ``primary`` report.

A member's time, for "who ran it first", is its latest version's
``published_at`` (ninjs ``firstCreated``) when the client gave one, else
when Sourcediff first stored the article; ties, and members without a time,
go by the order they joined the story. The quotations come from the quote
index, so aligning a story extracts nothing again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.core.alignment.stories import Member, Statement, Variant, align_story
from service.core.diff import DiffOp
from service.core.insight.attribution import drift
from service.core.insight.echoes import EchoFinder
from service.core.insight.edits import classify_edits
from service.core.insight.primary import source_quotes, verdict_counts
from service.core.quotes.extract import Quote
from service.models.base import iso, utc
from service.models.quotes import QuoteRecord
from service.models.stories import Story
from service.platform.errors import NotFound
from service.platform.transactions import in_transaction
from service.quotes.repository import QuoteRepository
from service.stories.repository import StoryMember, StoryRepository

__all__ = ["join_story", "leave_story", "list_stories", "read_story", "story_quotes"]


def _story_or_404(stories: StoryRepository, key: str) -> Story:
    story = stories.story(key)
    if story is None:
        raise NotFound(f"story {key!r} not found")
    return story


def join_story(
    engine: Engine, tenant: str, key: str, article_id: str, *, primary: bool = False
) -> tuple[int, dict[str, Any]]:
    role = "primary" if primary else "coverage"

    def step(session: Session) -> tuple[int, dict[str, Any]]:
        if ArticleRepository(session, tenant).article(article_id) is None:
            raise NotFound(f"article {article_id!r} not found")
        stories = StoryRepository(session, tenant)
        story = stories.story(key) or stories.add_story(key)
        member = stories.membership(story, article_id)
        joined = member is None
        if member is None:
            stories.join(story, article_id, role)
        elif member.role != role:
            member.role = role  # re-joining says what the article is
            session.add(member)
        body = {"story": key, "article_id": article_id, "joined": joined, "primary": primary}
        return (201 if joined else 200), body

    return in_transaction(engine, step)


def leave_story(engine: Engine, tenant: str, key: str, article_id: str) -> None:
    def step(session: Session) -> None:
        stories = StoryRepository(session, tenant)
        if not stories.leave(_story_or_404(stories, key), article_id):
            raise NotFound(f"article {article_id!r} is not in story {key!r}")

    in_transaction(engine, step)


def list_stories(session: Session, tenant: str, *, after: str | None, limit: int) -> dict[str, Any]:
    rows = StoryRepository(session, tenant).stories(after=after, limit=limit + 1)
    items = [
        {"key": story.key, "created_at": iso(story.created_at), "articles": count}
        for story, count in rows[:limit]
    ]
    return {"items": items, "next": rows[limit - 1][0].key if len(rows) > limit else None}


def _published(member: StoryMember) -> datetime | None:
    if member.latest is not None and member.latest.published_at is not None:
        return utc(member.latest.published_at)
    return utc(member.article.created_at)


def _member_body(member: StoryMember) -> dict[str, Any]:
    return {
        "article_id": member.article.id,
        "outlet": member.outlet.name,
        "url": member.article.url,
        "version": member.latest.number if member.latest is not None else None,
        "headline": member.latest.title if member.latest is not None else None,
        "published_at": iso(_published(member)),
        "added_at": iso(member.added_at),
        "primary": member.primary,
    }


def read_story(session: Session, tenant: str, key: str) -> dict[str, Any]:
    stories = StoryRepository(session, tenant)
    story = _story_or_404(stories, key)
    return {
        "key": story.key,
        "created_at": iso(story.created_at),
        "articles": [_member_body(m) for m in stories.members(story)],
    }


def _diff(ops: tuple[DiffOp, ...]) -> list[dict[str, Any]]:
    return [op.as_dict() for op in ops]


def story_quotes(session: Session, tenant: str, key: str) -> dict[str, Any]:
    """The story's statements, most widely carried first (see
    ``service.core.alignment.stories`` for the grouping rule), each variant with its
    typed edits and attribution drift against the canonical wording, each
    omission with its unquoted echo if the article has one, and with primary
    documents, every outlet's quotations checked against them."""
    stories = StoryRepository(session, tenant)
    story = _story_or_404(stories, key)
    members = stories.members(story)
    coverage = [m for m in members if not m.primary]
    by_id = {m.article.id: m for m in members}
    stored = QuoteRepository(session, tenant).latest_quotes(list(by_id))
    quotes = {
        article_id: [Quote(r.text, r.start, r.end, r.speaker) for r in records]
        for article_id, records in stored.items()
    }
    aligned = align_story(
        [
            Member(
                key=m.article.id,
                quotes=quotes[m.article.id],
                outlet=m.outlet.name,
                published=_published(m),
                order=order,
            )
            for order, m in enumerate(coverage)
        ]
    )

    def variant(v: Variant, canonical: Quote) -> dict[str, Any]:
        record: QuoteRecord = stored[v.member][v.quote]
        member = by_id[v.member]
        return {
            "article_id": v.member,
            "outlet": member.outlet.name,
            "version": record.version,
            "published_at": iso(_published(member)),
            "quote": {
                "id": record.id,
                "text": record.text,
                "start": record.start,
                "end": record.end,
                "speaker": record.speaker,
            },
            "relation": v.relation,
            "score": v.score,
            "diff": _diff(v.diff),
            "edits": [e.as_dict() for e in classify_edits(canonical.text, record.text, v.diff)],
            "drift": drift(canonical.speaker, record.speaker),
            "repeats": [stored[v.member][i].id for i in v.repeats],
        }

    def statement(sid: str, s: Statement) -> dict[str, Any]:
        first = by_id[s.first]
        canonical = quotes[s.canonical.member][s.canonical.quote]
        return {
            "id": sid,
            "canonical": variant(s.canonical, canonical),
            "first": {
                "article_id": s.first,
                "outlet": first.outlet.name,
                "published_at": iso(_published(first)),
            },
            "carried_by": list(s.carried_by),
            "omitted_by": list(s.omitted_by),
            "variants": [variant(v, canonical) for v in s.variants],
        }

    ids = [f"S{i}" for i in range(1, len(aligned.statements) + 1)]

    def omissions(m: StoryMember) -> dict[str, Any]:
        omitted = aligned.omissions[m.article.id]
        echoes: dict[str, Any] = {}
        if omitted and m.latest is not None:
            spans = [(q.start, q.end) for q in quotes[m.article.id]]
            finder = EchoFinder(m.latest.text, spans)
            for i in omitted:
                canonical = aligned.statements[i].canonical
                echo = finder.find(quotes[canonical.member][canonical.quote].text)
                if echo is not None:
                    echoes[ids[i]] = echo.as_dict()
        return {
            "article_id": m.article.id,
            "outlet": m.outlet.name,
            "omits": [ids[i] for i in omitted],
            "echoes": echoes,
        }

    body: dict[str, Any] = {
        "story": story.key,
        "articles": [{**_member_body(m), "quotes": len(stored[m.article.id])} for m in members],
        "statements": [statement(sid, s) for sid, s in zip(ids, aligned.statements, strict=True)],
        "omissions": [omissions(m) for m in coverage],
    }
    primaries = [m for m in members if m.primary and m.latest is not None]
    if primaries:
        body["primary"] = _primary_report(coverage, primaries, stored, quotes)
    return body


def _primary_report(
    coverage: list[StoryMember],
    primaries: list[StoryMember],
    stored: dict[str, list[QuoteRecord]],
    quotes: dict[str, list[Quote]],
) -> dict[str, Any]:
    """Every outlet's quotations checked against the primary documents."""
    texts = [m.latest.text for m in primaries if m.latest is not None]
    outlets = []
    for m in coverage:
        checked = source_quotes(quotes[m.article.id], texts)
        counts = verdict_counts(sourced for _, sourced in checked)
        items = []
        for record, (index, sourced) in zip(stored[m.article.id], checked, strict=True):
            items.append(
                {
                    "quote_id": record.id,
                    "text": record.text,
                    "primary": primaries[index].article.id if index is not None else None,
                    **sourced.as_dict(),
                }
            )
        outlets.append(
            {
                "article_id": m.article.id,
                "outlet": m.outlet.name,
                "accurate": counts["edited"] == 0 and counts["not_found"] == 0,
                "summary": counts,
                "quotes": items,
            }
        )
    return {"documents": [m.article.id for m in primaries], "outlets": outlets}
