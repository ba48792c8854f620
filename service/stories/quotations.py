"""A story's quotations aligned, one page of statements at a time.

``StoryReading`` is what the server reads from the database for it (plain,
picklable data); ``story_page`` is the work on it, which the routes hand
to a worker process with a deadline (``service.platform.compute``): it
aligns every member's quotations (``service.core.alignment.stories``) and
builds one page of statements with their typed edits, drift, omissions,
echoes and, with primary documents, the check of each outlet's quotations.

Bounded by construction (``StoryLimits``, from the settings): a story
aligns its first ``articles`` members in the order they joined, and of each
coverage member the first of its quotations in its text, at most
``quotes`` of them and ``quote_chars`` characters; the rest are counted as
left out, never read. So the alignment's input is at most ``articles x
quotes`` quotations whatever the story holds, and the alignment itself
gives each quotation at most a fixed number of candidates (see its rule 4).

A page holds ``limit`` statements; what refers to statements follows them:

- ``omissions``: each coverage member's omitted statements *on this page*
  (and echoes of those), with how many it omits in all (``omitted``). A
  client that walks every page has every omission; a single answer listing
  them all could hold ``articles x articles x quotes`` ids.
- ``primary``: each outlet's verdict counts over all its aligned
  quotations, and the quotations themselves on the page of the statement
  they are a variant of (``statement``); the first page also lists those in
  no statement (a quotation without words).

The cursor holds the next statement's position and a fingerprint of what
was aligned (members, their versions and roles, the limits): a cursor from
before the story changed is refused (409), not answered with statements
numbered otherwise.

A story is mostly read again unchanged, or with one article changed. The
server keeps its pages under the reading's ``digest`` and its alignment
under the reading's ``alignment_digest``, of what the alignment reads
(``service.stories.cache``; ``aligned_page`` takes the kept alignment),
and each process that builds pages keeps what its alignments worked out
(``StoryMemo``) and its texts' word openings for the next pages: pure
memos, bounded, that change no answer.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from itertools import starmap
from operator import attrgetter
from typing import Any, NamedTuple, Self

from service.core.alignment.stories import (
    Member,
    Statement,
    StoryAlignment,
    StoryMemo,
    Variant,
    VariantRelation,
    align_story,
)
from service.core.diff import DiffOp
from service.core.insight.attribution import DriftKind, drift
from service.core.insight.echoes import Echo, EchoFinder, TokenOpenings
from service.core.insight.edits import Edit, classify_edits
from service.core.insight.primary import Sourced, Verdict, source_quotes, verdict_counts
from service.core.quotes.extract import Quote
from service.platform.config import Settings
from service.platform.errors import BadRequest, Conflict
from service.platform.pagination import decode_cursor, encode_cursor
from service.stories.repository import StoredQuotation, StoryMember

__all__ = [
    "ArticleQuotes",
    "OutletAgainstPrimary",
    "PrimaryCheck",
    "SourcedQuote",
    "StoryLimits",
    "StoryOmission",
    "StoryQuotations",
    "StoryReading",
    "StoryStatement",
    "StoryVariant",
    "aligned_page",
    "published",
    "statements_cursor",
    "statements_offset",
    "story_page",
    "within",
]

# The furthest position a cursor may name (a story has far fewer statements).
_MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True, slots=True)
class StoryLimits:
    """How much of a story is aligned (``Settings.story_max_*``): its first
    ``articles`` members, and of each the first quotations in its text, at
    most ``quotes`` of them and ``quote_chars`` characters."""

    articles: int
    quotes: int
    quote_chars: int

    @classmethod
    def of(cls, settings: Settings) -> Self:
        return cls(
            settings.story_max_articles, settings.story_max_quotes, settings.story_max_quote_chars
        )


def within(records: Sequence[StoredQuotation], limits: StoryLimits) -> tuple[StoredQuotation, ...]:
    """The first of an article's quotations ``records`` (in text order)
    that the limits keep."""
    kept: list[StoredQuotation] = []
    chars = 0
    for record in records[: limits.quotes]:
        chars += len(record.text)
        if chars > limits.quote_chars:
            break
        kept.append(record)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class StoryReading:
    """What aligning a story reads, as plain data: the members aligned (the
    first ``limits.articles`` to join), how many more the story has, each
    coverage member's quotations within the limits and how many its latest
    version has in all (``counts``, primary documents included), and every
    member's latest text: echoes are looked for in a coverage member's, up
    to its first quotation left out (past it, its own quotations are not
    known, and their words would pass for echoes); quotations are checked
    against the whole of a primary document's."""

    key: str
    members: tuple[StoryMember, ...]
    articles_left_out: int
    quotes: dict[str, tuple[StoredQuotation, ...]]
    counts: dict[str, int]
    texts: dict[str, str]
    limits: StoryLimits

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as tuples of its members' and quotations' fields: the
        reading goes to a worker process, and pickle's way with a frozen
        dataclass (``__getstate__`` and ``__setstate__``, in Python, for
        each) cost about 3 ms both ways for a 50-article story's ~500
        quotations; tuples are read and written in C."""
        return (
            _reading,
            (
                self.key,
                list(map(_MEMBER, self.members)),
                self.articles_left_out,
                {a: list(map(_QUOTATION, records)) for a, records in self.quotes.items()},
                self.counts,
                self.texts,
                astuple(self.limits),
            ),
        )

    @property
    def size(self) -> int:
        """Characters of input: the quotations and the texts."""
        quoted = sum(len(r.text) for records in self.quotes.values() for r in records)
        return quoted + sum(map(len, self.texts.values()))

    @property
    def digest(self) -> str:
        """Names all of the reading: two readings with the same digest hold
        the same data, so their pages are the same (``story_page`` reads
        nothing else). From its pickle (tuples, see ``__reduce__``): equal
        bytes are equal data, and 200 KB hash in about a millisecond."""
        data = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        return hashlib.blake2b(data, digest_size=20).hexdigest()

    @property
    def alignment_digest(self) -> str:
        """Names what the story's alignment reads of it (``aligned``): two
        readings with the same one align the same. A new version that
        changes an article outside its quotations (a paragraph added at the
        end, a headline) has a new ``digest`` and the same alignment, which
        the server keeps under this digest."""
        data = pickle.dumps(aligned(self), protocol=pickle.HIGHEST_PROTOCOL)
        return hashlib.blake2b(data, digest_size=20).hexdigest()

    @property
    def fingerprint(self) -> str:
        """Names what was aligned: the same for the same members, versions,
        roles and limits, so a cursor can tell whether it still applies."""
        state = [
            self.key,
            [self.limits.articles, self.limits.quotes, self.limits.quote_chars],
            self.articles_left_out,
            [[m.article_id, m.version, m.role] for m in self.members],
        ]
        return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:16]


# The fields of a member and of a quotation, in their order (StoryReading's
# pickling).
_MEMBER = attrgetter(*(f.name for f in fields(StoryMember)))
_QUOTATION = attrgetter(*(f.name for f in fields(StoredQuotation)))


def _reading(
    key: str,
    members: list[tuple[Any, ...]],
    articles_left_out: int,
    quotes: dict[str, list[tuple[Any, ...]]],
    counts: dict[str, int],
    texts: dict[str, str],
    limits: tuple[int, int, int],
) -> StoryReading:
    """A ``StoryReading`` from what its ``__reduce__`` gave."""
    return StoryReading(
        key=key,
        members=tuple(starmap(StoryMember, members)),
        articles_left_out=articles_left_out,
        quotes={a: tuple(starmap(StoredQuotation, rows)) for a, rows in quotes.items()},
        counts=counts,
        texts=texts,
        limits=StoryLimits(*limits),
    )


# What aligning a story reads of one coverage member: its article id, outlet,
# time and quotations (text, start, end and speaker), in the order of the
# story's coverage members.
AlignedMember = tuple[str, str | None, datetime, list[tuple[str, int, int, str | None]]]


def aligned(reading: StoryReading) -> list[AlignedMember]:
    """All that ``align_story`` reads of ``reading`` (``alignment_digest``
    names it), as tuples: the members it aligns are made of them."""
    return [
        (
            m.article_id,
            m.outlet,
            published(m),
            [(r.text, r.start, r.end, r.speaker) for r in reading.quotes.get(m.article_id, ())],
        )
        for m in reading.members
        if not m.primary
    ]


def statements_cursor(reading: StoryReading, offset: int) -> str:
    """The cursor of the page that starts at statement ``offset`` (from 0)."""
    return encode_cursor(offset, reading.fingerprint)


def statements_offset(reading: StoryReading, cursor: str | None) -> int:
    """Where the page ``cursor`` names starts (0 without one). ``BadRequest``
    when it is not a cursor of ours, ``Conflict`` when the story changed
    since it was given."""
    if cursor is None:
        return 0
    try:
        values = decode_cursor(cursor)
    except ValueError:
        raise BadRequest("cursor: malformed cursor") from None
    match values:
        case [int() as offset, str() as fingerprint] if 0 < offset <= _MAX_OFFSET:
            pass
        case _:
            raise BadRequest("cursor: malformed cursor")
    if fingerprint != reading.fingerprint:
        raise Conflict(
            f"cursor: story {reading.key!r} has changed since this page was given (an article "
            "joined or left, or has a new version); start again from the first page"
        )
    return offset


def published(member: StoryMember) -> datetime:
    """The member's time: its latest version's publication, else when the
    article was first stored."""
    return member.published_at if member.published_at is not None else member.created_at


@dataclass(frozen=True, slots=True)
class StoryVariant:
    """One member's wording of a statement, against the canonical wording."""

    member: StoryMember
    quote: StoredQuotation
    relation: VariantRelation
    score: float
    diff: tuple[DiffOp, ...]
    edits: tuple[Edit, ...]
    drift: DriftKind | None
    repeats: tuple[int, ...]  # ids of the same words repeated in the article


@dataclass(frozen=True, slots=True)
class StoryStatement:
    id: str  # S1, S2 … by position among all the story's statements
    canonical: StoryVariant
    first: StoryMember
    carried_by: tuple[str, ...]
    omitted_by: tuple[str, ...]
    variants: tuple[StoryVariant, ...]


@dataclass(frozen=True, slots=True)
class StoryOmission:
    """The statements of the page that a coverage member omits (by id),
    the omitted ones whose words its text carries unquoted, and how many
    of all the story's statements it omits."""

    member: StoryMember
    omits: tuple[str, ...]
    echoes: dict[str, Echo]
    omitted: int


@dataclass(frozen=True, slots=True)
class SourcedQuote:
    """One of an outlet's quotations checked against the primary documents;
    ``primary`` is the article id of the one that carries it, ``statement``
    the id of the statement it is a variant of (``None``: of none)."""

    quote: StoredQuotation
    primary: str | None
    sourced: Sourced
    statement: str | None = None


@dataclass(frozen=True, slots=True)
class OutletAgainstPrimary:
    member: StoryMember
    accurate: bool  # no quotation edited or missing from the documents
    summary: dict[Verdict, int]  # over all its aligned quotations
    quotes: tuple[SourcedQuote, ...]  # those of the page


@dataclass(frozen=True, slots=True)
class PrimaryCheck:
    documents: tuple[str, ...]  # article ids of the primary documents
    outlets: tuple[OutletAgainstPrimary, ...]


@dataclass(frozen=True, slots=True)
class ArticleQuotes:
    """A member with how many quotations its latest version has, and how
    many of them the limits left out of the alignment (0 for a primary
    document, whose quotations are not aligned)."""

    member: StoryMember
    quotes: int
    left_out: int


@dataclass(frozen=True, slots=True)
class StoryQuotations:
    """One page of a story's statements (most widely carried first), the
    members with their quotation counts, each coverage member's omissions
    on the page and, with primary documents, every outlet's quotations of
    the page checked against them; ``total`` statements in all, the page
    starting at ``offset``, ``next`` the cursor of the next page."""

    story: str
    articles: tuple[ArticleQuotes, ...]
    articles_left_out: int
    statements: tuple[StoryStatement, ...]
    omissions: tuple[StoryOmission, ...]
    primary: PrimaryCheck | None
    total: int
    offset: int
    next: str | None


# What a process's pages keep for the next ones, as a story is mostly read
# again with one article changed: the openings of its texts' words, which
# the echo look-ups share (for about three stories of 50 articles), what
# the alignment works out (``StoryMemo``: verdicts on pairs of wordings, its
# variants' word diffs, its quotations' words; about 900 entries for the
# bench's 50-article story, and about 390 bytes an entry with the texts it
# keeps alive, measured with tracemalloc), each variant's typed edits
# against its canonical wording (by the two wordings: their diff is the
# alignment's, a function of them) and each omitted quotation's echo in a
# member's text (by the quotation and one digest of the text and its quoted
# spans). Pure memos, so a page
# is the same with them or without; started afresh past their bounds. One
# set per process, not per thread (a server process has up to 40 threads
# and would keep up to 40 sets): the page that finds it free takes it, and a
# page built meanwhile in another thread builds without it rather than wait.
_TEXTS_KEPT = 150
_TOKENS_AT_MOST = 60_000
_ALIGNMENT_AT_MOST = 60_000  # about 23 MB
_EDITS_AT_MOST = 50_000
_ECHOES_AT_MOST = 100_000

# A variant's edits: (canonical wording, variant wording).
EditsKey = tuple[str, str]
# An omitted quotation's echo: (digest of the text and its quoted spans, quotation).
EchoKey = tuple[bytes, str]


class Kept(NamedTuple):
    """The memos one page is built with (see above)."""

    tokens: TokenOpenings
    alignment: StoryMemo
    edits: dict[EditsKey, tuple[Edit, ...]]
    echoes: dict[EchoKey, Echo | None]

    @classmethod
    def fresh(cls) -> Self:
        return cls(TokenOpenings(max_texts=_TEXTS_KEPT), StoryMemo(), {}, {})


class _Memos:
    """The process's memos (see above), one page at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept = Kept.fresh()

    @contextmanager
    def taken(self) -> Iterator[Kept]:
        """The memos, or fresh ones when another thread holds them."""
        if not self.lock.acquire(blocking=False):
            yield Kept(TokenOpenings(), StoryMemo(), {}, {})
            return
        try:
            tokens, alignment, edits, echoes = self.kept
            self.kept = Kept(
                TokenOpenings(max_texts=_TEXTS_KEPT) if tokens.size > _TOKENS_AT_MOST else tokens,
                StoryMemo() if alignment.size > _ALIGNMENT_AT_MOST else alignment,
                {} if len(edits) > _EDITS_AT_MOST else edits,
                {} if len(echoes) > _ECHOES_AT_MOST else echoes,
            )
            yield self.kept
        finally:
            self.lock.release()


_MEMOS = _Memos()


def story_page(reading: StoryReading, *, offset: int, limit: int) -> StoryQuotations:
    """The page of ``limit`` statements from position ``offset`` (from 0) of
    the story ``reading`` holds: every member's quotations aligned (see
    ``service.core.alignment.stories`` for the grouping rule), each variant
    of the page with its typed edits and attribution drift against the
    canonical wording, each omission with its unquoted echo if the article
    has one, and with primary documents, the check of every outlet's
    quotations. Plain data in and out: it runs in a worker process."""
    with _MEMOS.taken() as kept:
        return _StoryQuotes(reading, kept).page(offset, limit)


def aligned_page(
    reading: StoryReading, *, offset: int, limit: int, alignment: StoryAlignment | None = None
) -> tuple[StoryQuotations, StoryAlignment]:
    """``story_page``, with the story's alignment: the one given, which must
    be that of ``reading`` (the server keeps it for the reading's
    ``digest``), else computed."""
    with _MEMOS.taken() as kept:
        story = _StoryQuotes(reading, kept, alignment)
        return story.page(offset, limit), story.aligned


class _StoryQuotes:
    """The steps of ``story_page`` over one reading, with what they share:
    the members by article id, their quotations (as stored, and as core
    ``Quote``s), the alignment and the statements' ids."""

    def __init__(
        self,
        reading: StoryReading,
        kept: Kept,
        alignment: StoryAlignment | None = None,
    ) -> None:
        self.reading = reading
        self.kept = kept
        self.coverage = [m for m in reading.members if not m.primary]
        self.by_id = {m.article_id: m for m in reading.members}
        self.stored = {m.article_id: reading.quotes.get(m.article_id, ()) for m in self.coverage}
        # What the alignment reads (``aligned``), and the core's quotes made
        # of it once: the page reads them too.
        inputs = aligned(reading)
        self.quotes = {key: [Quote(*q) for q in quotes] for key, _, _, quotes in inputs}
        self.aligned = (
            alignment
            if alignment is not None
            else align_story(
                [
                    Member(
                        key=key, quotes=self.quotes[key], outlet=outlet, published=when, order=order
                    )
                    for order, (key, outlet, when, _) in enumerate(inputs)
                ],
                memo=kept.alignment,
            )
        )
        self.ids = [f"S{i}" for i in range(1, len(self.aligned.statements) + 1)]

    def page(self, offset: int, limit: int) -> StoryQuotations:
        total = len(self.ids)
        shown = range(min(offset, total), min(offset + limit, total))
        reading = self.reading
        following = shown.stop if shown.stop < total else None
        return StoryQuotations(
            story=reading.key,
            articles=tuple(self.counted(m) for m in reading.members),
            articles_left_out=reading.articles_left_out,
            statements=tuple(self.statement(i) for i in shown),
            omissions=self.omissions(shown),
            primary=self.primary(shown),
            total=total,
            offset=offset,
            next=statements_cursor(reading, following) if following is not None else None,
        )

    def counted(self, m: StoryMember) -> ArticleQuotes:
        count = self.reading.counts.get(m.article_id, 0)
        aligned = len(self.stored[m.article_id]) if not m.primary else count
        return ArticleQuotes(m, count, count - aligned)

    def variant(self, v: Variant, canonical: Quote) -> StoryVariant:
        record = self.stored[v.member][v.quote]
        return StoryVariant(
            member=self.by_id[v.member],
            quote=record,
            relation=v.relation,
            score=v.score,
            diff=v.diff,
            edits=self.edits(canonical.text, record.text, v.diff),
            drift=drift(canonical.speaker, record.speaker),
            repeats=tuple(self.stored[v.member][i].id for i in v.repeats),
        )

    def edits(self, left: str, right: str, diff: tuple[DiffOp, ...]) -> tuple[Edit, ...]:
        """``classify_edits``, kept for the next pages (``Kept.edits``) by the
        two wordings: ``diff`` is the alignment's, ``words_diff`` of their words."""
        key = (left, right)
        found = self.kept.edits.get(key)
        if found is None:
            found = self.kept.edits[key] = classify_edits(left, right, diff)
        return found

    def statement(self, i: int) -> StoryStatement:
        s: Statement = self.aligned.statements[i]
        canonical = self.quotes[s.canonical.member][s.canonical.quote]
        return StoryStatement(
            id=self.ids[i],
            canonical=self.variant(s.canonical, canonical),
            first=self.by_id[s.first],
            carried_by=s.carried_by,
            omitted_by=s.omitted_by,
            variants=tuple(self.variant(v, canonical) for v in s.variants),
        )

    def omissions(self, shown: range) -> tuple[StoryOmission, ...]:
        """Each coverage member's omissions of the page's statements, with
        their echoes. The members' texts share most of their words, and a
        story's pages are asked for again and again with most texts
        unchanged: the ``TokenOpenings`` the process keeps reads each
        distinct word once, and each text's words once, for all of them."""
        return tuple(self.omission(m, shown) for m in self.coverage)

    def omission(self, m: StoryMember, shown: range) -> StoryOmission:
        omitted = self.aligned.omissions[m.article_id]  # ascending
        on_page = omitted[bisect_left(omitted, shown.start) : bisect_left(omitted, shown.stop)]
        echoes: dict[str, Echo] = {}
        text = self.reading.texts.get(m.article_id)
        if on_page and text is not None:
            canonicals = [self.aligned.statements[i].canonical for i in on_page]
            found = self.echoes(text, m, [self.quotes[c.member][c.quote].text for c in canonicals])
            echoes = {self.ids[i]: e for i, e in zip(on_page, found, strict=True) if e is not None}
        return StoryOmission(m, tuple(self.ids[i] for i in on_page), echoes, len(omitted))

    def echoes(self, text: str, m: StoryMember, quotations: list[str]) -> list[Echo | None]:
        """Each quotation's echo in ``m``'s ``text`` (``EchoFinder``), those
        not kept (``Kept.echoes``) looked up in one pass over the text. A
        quotation's echo is the text's alone: the others looked up with it
        change which stems are read, not what each stem's postings are."""
        spans = tuple((q.start, q.end) for q in self.quotes[m.article_id])
        # The spans' repr first: it ends where its brackets close, so no two
        # (spans, text) pairs give the same bytes.
        digest = hashlib.blake2b(f"{spans!r}{text}".encode(), digest_size=16).digest()
        kept = self.kept.echoes
        missing = list(dict.fromkeys(q for q in quotations if (digest, q) not in kept))
        if missing:
            finder = EchoFinder(text, spans, tokens=self.kept.tokens)
            for quotation, echo in zip(missing, finder.find_all(missing), strict=True):
                kept[(digest, quotation)] = echo
        return [kept[(digest, q)] for q in quotations]

    def primary(self, shown: range) -> PrimaryCheck | None:
        """Every outlet's quotations checked against the primary documents
        (counted over all, listed for the page), ``None`` when the story
        has none."""
        primaries = [m for m in self.reading.members if m.primary]
        if not primaries:
            return None
        texts = [self.reading.texts.get(m.article_id, "") for m in primaries]
        statement_of = self.statement_of()
        outlets = []
        for m in self.coverage:
            checked = source_quotes(self.quotes[m.article_id], texts)
            counts = verdict_counts(sourced for _, sourced in checked)
            quotes = []
            for n, (record, (i, sourced)) in enumerate(
                zip(self.stored[m.article_id], checked, strict=True)
            ):
                s = statement_of.get((m.article_id, n))
                if (s is None and shown.start == 0) or (s is not None and s in shown):
                    document = primaries[i].article_id if i is not None else None
                    sid = self.ids[s] if s is not None else None
                    quotes.append(SourcedQuote(record, document, sourced, sid))
            accurate = counts["edited"] == 0 and counts["not_found"] == 0
            outlets.append(OutletAgainstPrimary(m, accurate, counts, tuple(quotes)))
        return PrimaryCheck(tuple(m.article_id for m in primaries), tuple(outlets))

    def statement_of(self) -> dict[tuple[str, int], int]:
        """The statement each aligned quotation (member, index) belongs to,
        repeats included."""
        found: dict[tuple[str, int], int] = {}
        for s, statement in enumerate(self.aligned.statements):
            for v in statement.variants:
                for n in (v.quote, *v.repeats):
                    found[(v.member, n)] = s
        return found
