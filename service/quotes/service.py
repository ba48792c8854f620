"""Quote search over everything stored, and articles related by their quotes.

Public API:

- ``search_quotes(session, tenant, q, *, min_score, scope, cursor, limit)``:
  every stored quotation that is a variant of ``q``, best first, paginated.
- ``related_articles(session, tenant, article_id, *, min_score, limit)``:
  other articles carrying the same statements as this one, ranked, with the
  quote pairs as evidence.
- ``SEARCH_CANDIDATES``: how many index candidates a query scores at most.

Both read the quote index (``service.quotes.repository``): candidates come
from the shingle index, never from a scan, and are then scored with
``service.core.search_score`` on normalised text. Each hit also carries the
core's ``relation`` to the query (identical / reworded / partial) when the
alignment rules see one statement in both, ``null`` when the texts are
close by score but not one statement by those rules (a short quotation
inside a long one, for example).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.core.alignment.quotes import content_words, judge_keys
from service.core.alignment.shingles import query_shingles, search_scores, stored_shingles
from service.core.text import keys
from service.platform.errors import BadRequest, NotFound, Unprocessable
from service.platform.pagination import decode_ints, encode_cursor
from service.quotes.repository import Candidate, QuoteRepository
from service.stories.repository import StoryRepository

__all__ = ["SEARCH_CANDIDATES", "Scope", "related_articles", "search_quotes"]

SEARCH_CANDIDATES = 1000
# Candidates per quotation when looking for related articles.
_RELATED_CANDIDATES = 200

Scope = Literal["latest", "all"]


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    candidate: Candidate


def _relation(query: list[str], norm: str) -> str | None:
    other = norm.split()
    verdict = judge_keys(query, other, content_words(query), content_words(other))
    return None if verdict is None else verdict.relation


def _hits(
    repo: QuoteRepository,
    words: list[str],
    *,
    min_score: float,
    latest_only: bool,
    limit: int,
    exclude_article: str | None = None,
) -> list[_Hit]:
    norm = " ".join(words)
    found = repo.candidates(
        sorted(query_shingles(words, repo.tenant)),
        filed=len(stored_shingles(words, repo.tenant)),
        latest_only=latest_only,
        limit=limit,
    )
    others = [c for c in found if c.article_id != exclude_article]
    scores = search_scores(norm, [c.norm for c in others], min_score)
    hits = [_Hit(score, c) for score, c in zip(scores, others, strict=True) if score >= min_score]
    hits.sort(key=lambda h: (-h.score, h.candidate.id))
    return hits


def _articles(session: Session, tenant: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Article id, outlet and URL of each of ``ids``, in one query."""
    found = ArticleRepository(session, tenant).labels(sorted(set(ids)))
    return {
        article_id: {"article_id": article_id, "outlet": outlet, "url": url}
        for article_id, (outlet, url) in found.items()
    }


def _quote(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "speaker": c.speaker,
    }


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
) -> dict[str, Any]:
    """Variants of ``q`` best first; ``cursor`` continues a previous page."""
    words = _query_words(q)
    hits = _hits(
        QuoteRepository(session, tenant),
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
        hits = [h for h in hits if (-round(h.score * 10), h.candidate.id) > after]
    page = hits[:limit]
    articles = _articles(session, tenant, (h.candidate.article_id for h in page))
    items = [
        {
            **articles[h.candidate.article_id],
            "version": h.candidate.version,
            "latest": h.candidate.latest,
            "score": h.score,
            "relation": _relation(words, h.candidate.norm),
            "quote": _quote(h.candidate),
        }
        for h in page
    ]
    following = None
    if len(hits) > limit:
        last = page[-1]
        following = encode_cursor(round(last.score * 10), last.candidate.id)
    return {"query": " ".join(words), "items": items, "next": following}


def related_articles(
    session: Session, tenant: str, article_id: str, *, min_score: float, limit: int
) -> dict[str, Any]:
    """Articles sharing statements with ``article_id``'s latest version.

    Ranked by the number of its quotations they carry a variant of, then by
    the mean score of those variants, then by ``wording``: rapidfuzz's
    token-set ratio of the two texts (how much of the vocabulary they
    share), which separates a rewrite of the same wire copy from an article
    that only quotes the same press conference.
    """
    repo = ArticleRepository(session, tenant)
    article = repo.article(article_id)
    if article is None:
        raise NotFound(f"article {article_id!r} not found")
    quotes = QuoteRepository(session, tenant)
    own = quotes.latest_quotes([article_id])[article_id]
    evidence: dict[str, list[dict[str, Any]]] = {}
    for mine in own:
        words = mine.norm.split()
        best: dict[str, tuple[_Hit, str]] = {}
        for hit in _hits(
            quotes,
            words,
            min_score=min_score,
            latest_only=True,
            limit=_RELATED_CANDIDATES,
            exclude_article=article_id,
        ):
            relation = _relation(words, hit.candidate.norm)
            if relation is not None and hit.candidate.article_id not in best:
                best[hit.candidate.article_id] = (hit, relation)
        for other, (hit, relation) in best.items():
            evidence.setdefault(other, []).append(
                {
                    "quote": {"id": mine.id, "text": mine.text, "start": mine.start},
                    "match": _quote(hit.candidate),
                    "score": hit.score,
                    "relation": relation,
                }
            )
    ranked = sorted(
        evidence.items(),
        key=lambda item: (-len(item[1]), -sum(e["score"] for e in item[1]) / len(item[1])),
    )[:limit]
    latest = repo.latest_version(article_id)
    own_text = " ".join(keys(latest.text)) if latest is not None else ""
    stories = StoryRepository(session, tenant).stories_of([other for other, _ in ranked])
    articles = _articles(session, tenant, (other for other, _ in ranked))
    items = []
    for other, pairs in ranked:
        their = repo.latest_version(other)
        wording = fuzz.token_set_ratio(own_text, " ".join(keys(their.text))) if their else 0.0
        items.append(
            {
                **articles[other],
                "version": their.number if their is not None else None,
                "shared_quotes": len(pairs),
                "of_quotes": len(own),
                "score": round(sum(e["score"] for e in pairs) / len(pairs), 1),
                "wording": round(wording, 1),
                "stories": stories[other],
                "evidence": pairs,
            }
        )
    items.sort(key=lambda i: (-i["shared_quotes"], -i["score"], -i["wording"]))
    return {"article_id": article_id, "items": items}
