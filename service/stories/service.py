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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles import service as articles
from service.core.alignment.stories import (
    Member,
    Statement,
    Variant,
    VariantRelation,
    align_story,
)
from service.core.diff import DiffOp
from service.core.insight.attribution import DriftKind, drift
from service.core.insight.echoes import Echo, EchoFinder
from service.core.insight.edits import Edit, classify_edits
from service.core.insight.primary import Sourced, Verdict, source_quotes, verdict_counts
from service.core.quotes.extract import Quote
from service.models.base import utc
from service.models.quotes import QuoteRecord
from service.models.stories import Story
from service.platform.errors import NotFound, existing
from service.platform.transactions import in_transaction
from service.quotes import service as quote_index
from service.stories.repository import StoryMember, StoryRepository

__all__ = [
    "Joined",
    "OutletAgainstPrimary",
    "PrimaryCheck",
    "SourcedQuote",
    "StoryMember",
    "StoryOmission",
    "StoryQuotations",
    "StoryStatement",
    "StoryVariant",
    "join_if_needed",
    "join_story",
    "leave_story",
    "list_stories",
    "published",
    "read_story",
    "stories_of",
    "story_quotes",
]


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


def join_if_needed(session: Session, tenant: str, key: str, article_id: str) -> None:
    """Make the (stored) article a member of story ``key``, as coverage,
    creating the story on first use; a member already stays as it is."""
    stories = StoryRepository(session, tenant)
    story = stories.story(key) or stories.add_story(key)
    if stories.membership(story, article_id) is None:
        stories.join(story, article_id)


def join_story(
    engine: Engine, tenant: str, key: str, article_id: str, *, primary: bool = False
) -> Joined:
    """Add an article to a story (created on first use) as coverage or as a
    primary document; joining again changes which."""
    role = "primary" if primary else "coverage"

    def step(session: Session) -> Joined:
        articles.read_article(session, tenant, article_id)  # NotFound when there is none
        stories = StoryRepository(session, tenant)
        story = stories.story(key) or stories.add_story(key)
        member = stories.membership(story, article_id)
        if member is None:
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


def published(member: StoryMember) -> datetime | None:
    """The member's time: its latest version's publication, else when the
    article was first stored."""
    if member.latest is not None and member.latest.published_at is not None:
        return utc(member.latest.published_at)
    return utc(member.article.created_at)


# A story's quotations ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryVariant:
    """One member's wording of a statement, against the canonical wording."""

    member: StoryMember
    quote: QuoteRecord
    relation: VariantRelation
    score: float
    diff: tuple[DiffOp, ...]
    edits: tuple[Edit, ...]
    drift: DriftKind | None
    repeats: tuple[int, ...]  # ids of the same words repeated in the article


@dataclass(frozen=True, slots=True)
class StoryStatement:
    id: str  # S1, S2 …
    canonical: StoryVariant
    first: StoryMember
    carried_by: tuple[str, ...]
    omitted_by: tuple[str, ...]
    variants: tuple[StoryVariant, ...]


@dataclass(frozen=True, slots=True)
class StoryOmission:
    """The statements a coverage member omits (by id), and the omitted ones
    whose words its text carries unquoted."""

    member: StoryMember
    omits: tuple[str, ...]
    echoes: Mapping[str, Echo]


@dataclass(frozen=True, slots=True)
class SourcedQuote:
    """One of an outlet's quotations checked against the primary documents;
    ``primary`` is the article id of the one that carries it."""

    quote: QuoteRecord
    primary: str | None
    sourced: Sourced


@dataclass(frozen=True, slots=True)
class OutletAgainstPrimary:
    member: StoryMember
    accurate: bool  # no quotation edited or missing from the documents
    summary: dict[Verdict, int]
    quotes: tuple[SourcedQuote, ...]


@dataclass(frozen=True, slots=True)
class PrimaryCheck:
    documents: tuple[str, ...]  # article ids of the primary documents
    outlets: tuple[OutletAgainstPrimary, ...]


@dataclass(frozen=True, slots=True)
class StoryQuotations:
    """A story's statements, most widely carried first, the members' quote
    counts, each coverage member's omissions and, with primary documents,
    every outlet's quotations checked against them."""

    story: Story
    articles: tuple[tuple[StoryMember, int], ...]
    statements: tuple[StoryStatement, ...]
    omissions: tuple[StoryOmission, ...]
    primary: PrimaryCheck | None


class _StoryQuotes:
    """The steps of ``story_quotes`` over one story's members, with what
    they share: the members by article id, their stored quotations (rows,
    and as core ``Quote``s) and the statements' ids."""

    def __init__(self, members: Sequence[StoryMember], stored: dict[str, list[QuoteRecord]]):
        self.members = members
        self.coverage = [m for m in members if not m.primary]
        self.by_id = {m.article.id: m for m in members}
        self.stored = stored
        self.quotes = {
            article_id: [Quote(r.text, r.start, r.end, r.speaker) for r in records]
            for article_id, records in stored.items()
        }
        self.aligned = align_story(
            [
                Member(
                    key=m.article.id,
                    quotes=self.quotes[m.article.id],
                    outlet=m.outlet.name,
                    published=published(m),
                    order=order,
                )
                for order, m in enumerate(self.coverage)
            ]
        )
        self.ids = [f"S{i}" for i in range(1, len(self.aligned.statements) + 1)]

    def variant(self, v: Variant, canonical: Quote) -> StoryVariant:
        record = self.stored[v.member][v.quote]
        return StoryVariant(
            member=self.by_id[v.member],
            quote=record,
            relation=v.relation,
            score=v.score,
            diff=v.diff,
            edits=classify_edits(canonical.text, record.text, v.diff),
            drift=drift(canonical.speaker, record.speaker),
            repeats=tuple(self._id(self.stored[v.member][i]) for i in v.repeats),
        )

    def statement(self, sid: str, s: Statement) -> StoryStatement:
        canonical = self.quotes[s.canonical.member][s.canonical.quote]
        return StoryStatement(
            id=sid,
            canonical=self.variant(s.canonical, canonical),
            first=self.by_id[s.first],
            carried_by=s.carried_by,
            omitted_by=s.omitted_by,
            variants=tuple(self.variant(v, canonical) for v in s.variants),
        )

    def omission(self, m: StoryMember) -> StoryOmission:
        omitted = self.aligned.omissions[m.article.id]
        echoes: dict[str, Echo] = {}
        if omitted and m.latest is not None:
            spans = [(q.start, q.end) for q in self.quotes[m.article.id]]
            finder = EchoFinder(m.latest.text, spans)
            for i in omitted:
                canonical = self.aligned.statements[i].canonical
                echo = finder.find(self.quotes[canonical.member][canonical.quote].text)
                if echo is not None:
                    echoes[self.ids[i]] = echo
        return StoryOmission(m, tuple(self.ids[i] for i in omitted), echoes)

    def primary(self) -> PrimaryCheck | None:
        """Every outlet's quotations checked against the primary documents,
        ``None`` when the story has none."""
        primaries = [m for m in self.members if m.primary and m.latest is not None]
        if not primaries:
            return None
        texts = [m.latest.text for m in primaries if m.latest is not None]
        outlets = []
        for m in self.coverage:
            checked = source_quotes(self.quotes[m.article.id], texts)
            counts = verdict_counts(sourced for _, sourced in checked)
            quotes = tuple(
                SourcedQuote(record, primaries[i].article.id if i is not None else None, sourced)
                for record, (i, sourced) in zip(self.stored[m.article.id], checked, strict=True)
            )
            accurate = counts["edited"] == 0 and counts["not_found"] == 0
            outlets.append(OutletAgainstPrimary(m, accurate, counts, quotes))
        return PrimaryCheck(tuple(m.article.id for m in primaries), tuple(outlets))

    def result(self, story: Story) -> StoryQuotations:
        statements = zip(self.ids, self.aligned.statements, strict=True)
        return StoryQuotations(
            story=story,
            articles=tuple((m, len(self.stored[m.article.id])) for m in self.members),
            statements=tuple(self.statement(sid, s) for sid, s in statements),
            omissions=tuple(self.omission(m) for m in self.coverage),
            primary=self.primary(),
        )

    @staticmethod
    def _id(record: QuoteRecord) -> int:
        assert record.id is not None  # a stored quotation
        return record.id


def story_quotes(session: Session, tenant: str, key: str) -> StoryQuotations:
    """The story's statements, most widely carried first (see
    ``service.core.alignment.stories`` for the grouping rule), each variant
    with its typed edits and attribution drift against the canonical
    wording, each omission with its unquoted echo if the article has one,
    and with primary documents, every outlet's quotations checked against
    them."""
    story, members = read_story(session, tenant, key)
    stored = quote_index.latest_quotes(session, tenant, [m.article.id for m in members])
    return _StoryQuotes(members, stored).result(story)
