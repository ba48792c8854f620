"""Stories: articles about one event, and their quotations aligned n-way.

A story is created on first use, by an article joining it (here, or as the
article is recorded). Its quotations are those of its members' latest
versions, grouped across every outlet (``service.core.alignment.stories``),
with typed edits, drift and echoes; with primary documents (members that
joined with ``primary``), each outlet's quotations are checked against them.

Primary documents are not coverage: they are left out of the statements
and omissions (a transcript has no quotation marks to align), and used only
for the ``primary`` report.

A member's time, for "who ran it first", is its latest version's
``published_at`` (ninjs ``firstCreated``) when the client gave one, else
when Sourcediff first stored the article; ties, and members without a time,
go by the order they joined the story. The quotations come from the quote
index, so aligning a story extracts nothing again.

Bounded (issue 15, finding 2): a story has at most ``story_max_articles``
members (joining one more is a 409), and aligning it reads at most that many
members and, of each, its first ``story_max_quotes`` quotations (and
``story_max_quote_chars`` characters of them): ``read_story_quotes`` reads
them in the server, ``story_page`` (``service.stories.quotations``) aligns
them and builds one page of statements, in a worker process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles import service as articles
from service.models.stories import Story
from service.platform.config import Settings
from service.platform.errors import Conflict, NotFound, existing
from service.platform.transactions import in_transaction
from service.stories.cache import StoryVersions, VersionRead, pack_alignment, unpack_alignment
from service.stories.quotations import (
    ArticleQuotes,
    OutletAgainstPrimary,
    PrimaryCheck,
    SourcedQuote,
    StoryLimits,
    StoryOmission,
    StoryQuotations,
    StoryReading,
    StoryStatement,
    StoryVariant,
    aligned_page,
    statements_cursor,
    statements_offset,
    story_page,
    within,
)
from service.stories.repository import StoredQuotation, StoryMember, StoryRepository

__all__ = [
    "MAX_ARTICLES",
    "ArticleQuotes",
    "Joined",
    "OutletAgainstPrimary",
    "PrimaryCheck",
    "SourcedQuote",
    "StoredQuotation",
    "StoryLimits",
    "StoryMember",
    "StoryOmission",
    "StoryQuotations",
    "StoryReading",
    "StoryStatement",
    "StoryVariant",
    "StoryVersions",
    "aligned_page",
    "join_if_needed",
    "join_story",
    "kept_page",
    "leave_story",
    "list_stories",
    "read_story",
    "read_story_digested",
    "read_story_quotes",
    "statements_cursor",
    "statements_offset",
    "stories_of",
    "story_page",
    "story_quotes",
]

# The most articles a story may have unless the caller says otherwise: the
# setting's default (``Settings.story_max_articles``).
MAX_ARTICLES: int = Settings.model_fields["story_max_articles"].default


def _story_or_404(stories: StoryRepository, key: str) -> Story:
    return existing(stories.story(key), f"story {key!r}")


# Membership ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Joined:
    """An article's membership of a story after joining it; ``joined`` is
    False when it already was a member."""

    story: str
    article_id: str
    joined: bool
    primary: bool


def _room_for_one_more(stories: StoryRepository, story: Story, max_articles: int) -> None:
    """``Conflict`` when the story has its ``max_articles`` already: each
    member's quotations are aligned with every other's, so the work of a
    story grows faster than its articles."""
    count = stories.member_count(story)
    if count >= max_articles:
        raise Conflict(
            f"story {story.key!r} has {count:,} articles, and a story may have at most "
            f"{max_articles:,}; take one out before adding another"
        )


def join_if_needed(
    session: Session, tenant: str, key: str, article_id: str, *, max_articles: int = MAX_ARTICLES
) -> None:
    """Make the (stored) article a member of story ``key``, as coverage,
    creating the story on first use; a member already stays as it is.
    ``Conflict`` when the story has ``max_articles`` members already."""
    stories = StoryRepository(session, tenant)
    story = stories.story(key) or stories.add_story(key)
    if stories.membership(story, article_id) is None:
        _room_for_one_more(stories, story, max_articles)
        stories.join(story, article_id)


def join_story(
    engine: Engine,
    tenant: str,
    key: str,
    article_id: str,
    *,
    primary: bool = False,
    max_articles: int = MAX_ARTICLES,
) -> Joined:
    """Add an article to a story (created on first use) as coverage or as a
    primary document; joining again changes which. ``Conflict`` when a new
    member would pass ``max_articles``."""
    role = "primary" if primary else "coverage"

    def step(session: Session) -> Joined:
        articles.read_article(session, tenant, article_id)  # NotFound when there is none
        stories = StoryRepository(session, tenant)
        story = stories.story(key) or stories.add_story(key)
        member = stories.membership(story, article_id)
        if member is None:
            _room_for_one_more(stories, story, max_articles)
            stories.join(story, article_id, role)
        elif member.role != role:
            member.role = role  # re-joining says what the article is
            session.add(member)
        return Joined(key, article_id, joined=member is None, primary=primary)

    return in_transaction(engine, step)


def leave_story(engine: Engine, tenant: str, key: str, article_id: str) -> None:
    def step(session: Session) -> None:
        stories = StoryRepository(session, tenant)
        if not stories.leave(_story_or_404(stories, key), article_id):
            raise NotFound(f"article {article_id!r} is not in story {key!r}")

    in_transaction(engine, step)


def stories_of(session: Session, tenant: str, article_ids: Sequence[str]) -> dict[str, list[str]]:
    """The keys of the stories each article belongs to, in key order."""
    return StoryRepository(session, tenant).stories_of(article_ids)


# Reads -----------------------------------------------------------------------


def list_stories(
    session: Session, tenant: str, *, after: str | None, limit: int
) -> tuple[list[tuple[Story, int]], str | None]:
    """A page of stories by key, each with its number of articles, and the
    cursor of the next page (``None`` on the last)."""
    rows = StoryRepository(session, tenant).stories(after=after, limit=limit + 1)
    return rows[:limit], rows[limit - 1][0].key if len(rows) > limit else None


def read_story(session: Session, tenant: str, key: str) -> tuple[Story, list[StoryMember]]:
    """The story and its members, in the order they joined."""
    stories = StoryRepository(session, tenant)
    story = _story_or_404(stories, key)
    return story, stories.members(story)


def read_story_quotes(
    session: Session,
    tenant: str,
    key: str,
    limits: StoryLimits,
    *,
    kept: StoryVersions | None = None,
) -> StoryReading:
    """What aligning story ``key`` needs, within ``limits``: its first
    members, of each coverage member its first quotations (one more is
    read, to know where the text the alignment covers ends), the number of
    quotations of each, and their texts.

    With ``kept`` (a server's), the texts and quotations of the versions
    it holds are taken from there, and those read are kept: only the
    members are read every time (``StoryVersions`` says why that is never
    stale). The reading is the same with it or without."""
    stories = StoryRepository(session, tenant)
    story = _story_or_404(stories, key)
    rows = stories.aligned_members(story, limit=limits.articles)
    members = [m for m, _, _ in rows]
    more = stories.member_count(story) - len(members) if len(members) == limits.articles else 0
    read = _versions(stories, rows, limits.quotes + 1, kept)
    coverage = [m for m in members if not m.primary]
    quotes = {m.article_id: within(read[m.version_id][1], limits) for m in coverage}
    text_of = {m.article_id: read[m.version_id][0] for m in members}
    for m in coverage:
        first, aligned = read[m.version_id][1], quotes[m.article_id]
        if len(first) > len(aligned):
            text_of[m.article_id] = text_of[m.article_id][: first[len(aligned)].start]
    return StoryReading(
        key=story.key,
        members=tuple(members),
        articles_left_out=more,
        quotes=quotes,
        counts={m.article_id: count for m, _, count in rows},
        texts=text_of,
        limits=limits,
    )


def _versions(
    stories: StoryRepository,
    rows: Sequence[tuple[StoryMember, str | None, int]],
    first: int,
    kept: StoryVersions | None,
) -> dict[int, VersionRead]:
    """Each member's version's text and ``first`` quotations, by version id:
    from ``kept`` where it has them, else read (and kept, when stamped)."""
    tenant = stories.tenant
    found: dict[int, VersionRead] = {}
    if kept is not None:
        for m, extractor, _ in rows:
            if extractor is not None:
                hit = kept.get((tenant, m.version_id, extractor, first))
                if hit is not None:
                    found[m.version_id] = hit
    missing = [(m.version_id, extractor) for m, extractor, _ in rows if m.version_id not in found]
    if missing:
        ids = [version_id for version_id, _ in missing]
        texts = stories.version_texts(ids)
        quotations = stories.first_quotations(ids, first)
        for version_id, extractor in missing:
            read = found[version_id] = (texts[version_id], tuple(quotations[version_id]))
            if kept is not None and extractor is not None:
                kept.keep((tenant, version_id, extractor, first), read)
    return found


def read_story_digested(
    session: Session, tenant: str, key: str, limits: StoryLimits, kept: StoryVersions
) -> tuple[StoryReading, str, str]:
    """The story as ``read_story_quotes`` reads it (with the versions
    ``kept``), and its two digests, the keys of what a server keeps for it:
    its pages (``digest``) and its alignment (``alignment_digest``). For a
    server thread: the digests hash all that was read."""
    reading = read_story_quotes(session, tenant, key, limits, kept=kept)
    return reading, reading.digest, reading.alignment_digest


def kept_page(
    reading: StoryReading, *, offset: int, limit: int, alignment: bytes | None
) -> tuple[StoryQuotations, bytes | None]:
    """``aligned_page`` on the alignment a server kept (``pack_alignment``'s
    bytes) when given, and that alignment packed when it was computed here
    (``None`` when it was given). For a worker process: what goes in and
    out is plain data and bytes."""
    given = unpack_alignment(alignment) if alignment is not None else None
    page, aligned = aligned_page(reading, offset=offset, limit=limit, alignment=given)
    return page, pack_alignment(aligned) if given is None else None


def story_quotes(
    session: Session,
    tenant: str,
    key: str,
    limits: StoryLimits,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> StoryQuotations:
    """A page of the story's statements, read and aligned here (the routes
    align in a worker process): ``read_story_quotes`` then ``story_page``."""
    reading = read_story_quotes(session, tenant, key, limits)
    return story_page(reading, offset=statements_offset(reading, cursor), limit=limit)
