"""The quote index: filing each version's quotations, searching every stored
quotation for variants of a statement, and ranking articles related by the
statements they share.

Search and related articles read the quote index: candidates come from the
shingle index, never from a scan, and are then scored with
``service.core.alignment.shingles.search_scores`` on normalised text: how
much of the shorter the longer carries in order (``carried``: a fragment
with words inserted or dropped inside, or an overlap, scores on what they
share), so a query of one to three words is a phrase look-up that finds
every quotation holding it. Each hit also carries the core's ``relation``
to the query (identical / reworded / partial) from ``judge_keys``, the
function that labels compare's pairs, so a fragment is ``partial`` in both;
``None`` when the texts are close by score but not one statement by those
rules (a shared word too short to tie them, for example).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from sqlmodel import Session

from service.articles import service as articles
from service.core import Relation
from service.core.alignment.quotes import content_words, judge_keys
from service.core.alignment.shingles import filed_size, query_shingles, search_scores
from service.core.text import keys
from service.models.articles import Version
from service.models.quotes import QuoteRecord
from service.platform.errors import BadRequest, Unprocessable
from service.platform.pagination import decode_ints, encode_cursor
from service.quotes.repository import (
    Candidate,
    IndexedQuote,
    QuoteRepository,
    Shared,
    indexed_quotes,
)
from service.stories import service as stories

__all__ = [
    "RELATED_CANDIDATES",
    "RELATED_QUOTES",
    "RELATED_WORDING_CHARS",
    "SEARCH_CANDIDATES",
    "Candidate",
    "Evidence",
    "IndexedQuote",
    "Related",
    "Scope",
    "SearchHit",
    "SearchResults",
    "file_quotes",
    "indexed_quotes",
    "latest_quotes",
    "related_articles",
    "search_quotes",
]

# How many index candidates a query scores at most.
SEARCH_CANDIDATES = 1000
# Related articles (``related_articles``) bound their work by these: at most
# RELATED_QUOTES of the article's distinct quotations are looked up (the
# first in its text; a repeated one once), each scoring at most
# RELATED_CANDIDATES index candidates, and ``wording`` reads at most
# RELATED_WORDING_CHARS characters of each text. A real article has
# dozens of quotations; one of 2,000 over a tiny vocabulary took 57 s
# when each was looked up.
RELATED_QUOTES = 100
RELATED_CANDIDATES = 100
RELATED_WORDING_CHARS = 100_000

Scope = Literal["latest", "all"]


# Filing and reading the index ----------------------------------------------


def file_quotes(
    session: Session, tenant: str, version: Version, quotes: Sequence[IndexedQuote]
) -> None:
    """File ``version``'s quotations (``indexed_quotes``'s answer) as its
    article's latest, in the caller's transaction."""
    QuoteRepository(session, tenant).file(version, quotes)


def latest_quotes(
    session: Session, tenant: str, article_ids: Sequence[str]
) -> dict[str, list[QuoteRecord]]:
    """The latest version's quotations of each article, in text order."""
    return QuoteRepository(session, tenant).latest_quotes(article_ids)


# Search ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    shared: Shared


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A stored quotation close to the query, with its article's outlet and URL."""

    candidate: Candidate
    outlet: str
    url: str | None
    score: float
    relation: Relation | None


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits, best first; ``query`` is the query's normalised words."""

    query: str
    hits: tuple[SearchHit, ...]
    next: str | None


def _relation(query: list[str], norm: str) -> Relation | None:
    other = norm.split()
    verdict = judge_keys(query, other, content_words(query), content_words(other))
    return None if verdict is None else verdict.relation


def _relations(query: list[str], norms: Iterable[str]) -> dict[str, Relation | None]:
    """``_relation`` of each distinct text of a page (copies of one
    statement are judged once)."""
    return {norm: _relation(query, norm) for norm in dict.fromkeys(norms)}


def _hits(
    repo: QuoteRepository,
    words: list[str],
    *,
    min_score: float,
    latest_only: bool,
    limit: int,
    exclude_article: str | None = None,
) -> list[_Hit]:
    """The quotations scoring ``min_score`` or more, best first (ties by
    id), as ``sharing`` returns them: a caller reads the ones it shows."""
    norm = " ".join(words)
    found = repo.sharing(
        sorted(query_shingles(words, repo.tenant)),
        filed=filed_size(words),
        latest_only=latest_only,
        limit=limit,
        exclude_article=exclude_article,
    )
    scores = search_scores(norm, [s.norm for s in found], min_score)
    hits = [_Hit(score, s) for score, s in zip(scores, found, strict=True) if score >= min_score]
    hits.sort(key=lambda h: (-h.score, h.shared.id))
    return hits


def _query_words(q: str) -> list[str]:
    words = keys(q)
    if not words:
        raise Unprocessable("the query has no words to search for")
    return words


def search_quotes(
    session: Session,
    tenant: str,
    q: str,
    *,
    min_score: float,
    scope: Scope,
    cursor: str | None,
    limit: int,
) -> SearchResults:
    """Variants of ``q`` best first; ``cursor`` continues a previous page."""
    words = _query_words(q)
    repo = QuoteRepository(session, tenant)
    hits = _hits(
        repo,
        words,
        min_score=min_score,
        latest_only=scope == "latest",
        limit=SEARCH_CANDIDATES,
    )
    if cursor is not None:
        try:
            tenths, last_id = decode_ints(cursor, 2)
        except ValueError:
            raise BadRequest("cursor: malformed cursor") from None
        after = (-tenths, last_id)
        hits = [h for h in hits if (-round(h.score * 10), h.shared.id) > after]
    page = hits[:limit]
    # (A quotation deleted since the look-up, with its article, is left out.)
    shown = {c.id: c for c in repo.read([h.shared for h in page])}
    labels = articles.labels(session, tenant, (c.article_id for c in shown.values()))
    relations = _relations(words, (c.norm for c in shown.values()))
    found = tuple(
        SearchHit(c, *labels[c.article_id], score=h.score, relation=relations[c.norm])
        for h in page
        if (c := shown.get(h.shared.id)) is not None
    )
    following = None
    if len(hits) > limit:
        last = page[-1]
        following = encode_cursor(round(last.score * 10), last.shared.id)
    return SearchResults(" ".join(words), found, following)


# Related articles ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """One of the article's quotations (``quote``) and the other article's
    variant of it (``match``)."""

    quote: QuoteRecord
    match: Candidate
    score: float
    relation: Relation


@dataclass(frozen=True, slots=True)
class Related:
    """Another article sharing statements with the one asked about."""

    article_id: str
    outlet: str
    url: str | None
    version: int | None
    shared_quotes: int
    of_quotes: int
    score: float
    wording: float
    stories: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def _evidence(
    repo: QuoteRepository, article_id: str, own: Sequence[QuoteRecord], min_score: float
) -> dict[str, list[Evidence]]:
    """For each other article, the pairs of this article's quotations and
    that article's best variant of each (one per quotation), looking up the
    first ``RELATED_QUOTES`` distinct wordings only, each once."""
    wordings: dict[str, list[QuoteRecord]] = {}
    for mine in own:
        if mine.norm in wordings:
            wordings[mine.norm].append(mine)
        elif len(wordings) < RELATED_QUOTES:
            wordings[mine.norm] = [mine]
    evidence: dict[str, list[Evidence]] = {}
    for norm, records in wordings.items():
        words = norm.split()
        best: dict[str, tuple[Candidate, float, Relation]] = {}
        hits = _hits(
            repo,
            words,
            min_score=min_score,
            latest_only=True,
            limit=RELATED_CANDIDATES,
            exclude_article=article_id,
        )
        relations = _relations(words, (h.shared.norm for h in hits))
        scores = {h.shared.id: h.score for h in hits}
        for candidate in repo.read([h.shared for h in hits]):
            relation = relations[candidate.norm]
            if relation is not None and candidate.article_id not in best:
                best[candidate.article_id] = (candidate, scores[candidate.id], relation)
        for mine in records:
            for other, (match, score, relation) in best.items():
                evidence.setdefault(other, []).append(Evidence(mine, match, score, relation))
    return evidence


def _wording_keys(text: str) -> str:
    """What ``wording`` compares of a text: the keys of its beginning."""
    return " ".join(keys(text[:RELATED_WORDING_CHARS]))


def related_articles(
    session: Session, tenant: str, article_id: str, *, min_score: float, limit: int
) -> tuple[Related, ...]:
    """Articles sharing statements with ``article_id``'s latest version.

    Ranked by the number of its quotations they carry a variant of, then by
    the mean score of those variants, then by ``wording``: rapidfuzz's
    token-set ratio of the two texts (how much of the vocabulary they
    share), which separates a rewrite of the same wire copy from an article
    that only quotes the same press conference.

    Bounded: only the article's first ``RELATED_QUOTES`` (100) distinct
    quotations are looked up, each against at most ``RELATED_CANDIDATES``
    (100) stored ones, and ``wording`` compares the first
    ``RELATED_WORDING_CHARS`` (100,000) characters of each text; every
    quotation still counts in ``of_quotes``.
    """
    article = articles.read_article(session, tenant, article_id)
    repo = QuoteRepository(session, tenant)
    own = repo.latest_quotes([article_id])[article_id]
    evidence = _evidence(repo, article_id, own, min_score)
    ranked = sorted(
        evidence.items(),
        key=lambda item: (-len(item[1]), -sum(e.score for e in item[1]) / len(item[1])),
    )[:limit]
    others = [other for other, _ in ranked]
    own_text = _wording_keys(article.latest.text) if article.latest is not None else ""
    memberships = stories.stories_of(session, tenant, others)
    labels = articles.labels(session, tenant, others)
    texts = articles.latest_versions(session, tenant, others)
    found = []
    for other, pairs in ranked:
        their = texts.get(other)
        wording = fuzz.token_set_ratio(own_text, _wording_keys(their.text)) if their else 0.0
        found.append(
            Related(
                other,
                *labels[other],
                version=their.number if their is not None else None,
                shared_quotes=len(pairs),
                of_quotes=len(own),
                score=round(sum(e.score for e in pairs) / len(pairs), 1),
                wording=round(wording, 1),
                stories=tuple(memberships[other]),
                evidence=tuple(pairs),
            )
        )
    found.sort(key=lambda r: (-r.shared_quotes, -r.score, -r.wording))
    return tuple(found)
