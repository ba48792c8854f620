"""Finding the variants of a quotation among many stored ones: the shingles
a quotation is filed under and looked up by, and the score of a variant.

The score (``search_score``, 0–100 on normalised text) is rapidfuzz's
``ratio`` over the normalised texts (letters: a changed spelling or ending
costs little), or its ``partial_ratio`` over their *words* (the shorter
quotation against its best window of the longer, word for word) when both
have at least ``MIN_PARTIAL_WORDS`` words. So a
trimmed quotation, or a fragment of four words or more, scores as high as
its overlap deserves, while "we don't" does not score 100 against every
quotation holding it, nor do four words score 80 against a long quotation
because their letters recur somewhere in it (a letter-level partial ratio
does that).

Shingles are what makes the search an index look-up, not a scan: a quotation
is filed under each *word pair* it holds (adjacent words, cut to their first
``_PREFIX`` letters so that "force"/"forces" or "tarnish"/"tarnishing" still
meet), keeping only pairs with a content word ("of the" would file a fifth
of all quotations together; a quotation of function words alone keeps them
all). Short quotations, where one changed word breaks
most pairs, are also filed under pairs one word apart; one-word quotations
under the word itself. A query looks up all its pairs, adjacent and
skipping (its words too when it has two at most), so a stored fragment of a
long query is found by its pairs as well; skipping pairs are keys of their
own, so looking them up reads only the short quotations' rows.
Every key is a signed 64-bit hash that includes a ``namespace`` (the tenant),
so one tenant's index never answers another's query.

A variant scoring 80 or more nearly always shares a filed pair with the
query; ``bench/bench_search.py`` measures that recall against an exact scan.

>>> search_score("we will not export weapons", "but we will not export weapons")
100.0
>>> a = shingle(["we", "will", "not", "export", "weapons"], "t")
>>> b = shingle(["but", "we", "will", "not", "export", "them"], "t")
>>> bool(set(a.shingles) & query_shingles(b.keys, "t"))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from service.core.alignment.quotes import content_words

__all__ = [
    "MIN_PARTIAL_WORDS",
    "Shingled",
    "query_shingles",
    "search_score",
    "search_scores",
    "shingle",
    "stored_shingles",
]

# Both quotations need this many words for the word-level partial score.
MIN_PARTIAL_WORDS = 4
# Letters of a word kept in a shingle.
_PREFIX = 5
# Quotations this short are also filed under pairs one word apart.
_SHORT = 8


def search_score(query: str, candidate: str, cutoff: float = 0) -> float:
    """Score (0–100, one decimal) of ``candidate`` as a variant of ``query``;
    both normalised (``text.normalize``). A score below ``cutoff`` may be
    reported as 0 (rapidfuzz then stops early), never a score above it."""
    return search_scores(query, [candidate], cutoff)[0]


def search_scores(query: str, candidates: Sequence[str], cutoff: float = 0) -> list[float]:
    """``search_score`` of each candidate, computed in rapidfuzz's C++ loop
    (``process.cdist``), without a Python call per pair."""
    if not candidates:
        return []
    cut = max(0.0, cutoff - 0.05)  # what rounds up to the cutoff still counts
    scores = process.cdist(
        [query], candidates, scorer=fuzz.ratio, score_cutoff=cut, dtype=np.float64
    )[0]
    q = query.split()
    if len(q) >= MIN_PARTIAL_WORDS:
        long_ = [i for i, c in enumerate(candidates) if c.count(" ") + 1 >= MIN_PARTIAL_WORDS]
        if long_:
            partial = process.cdist(
                [q],
                [candidates[i].split() for i in long_],
                scorer=fuzz.partial_ratio,
                score_cutoff=cut,
                dtype=np.float64,
            )[0]
            scores[long_] = np.maximum(scores[long_], partial)
    return [round(float(score), 1) for score in scores]


def _hash(namespace: str, *parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join((namespace, *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _pairs(keys: Sequence[str], gap: int, content: frozenset[str]) -> set[tuple[str, str, str]]:
    """Word pairs ``gap`` apart (prefixes, and the gap: a skipping pair is
    another key than the adjacent pair of the same words), with a content
    word if any."""
    mark = "" if gap == 1 else str(gap)
    return {
        (a[:_PREFIX], b[:_PREFIX], mark)
        for a, b in zip(keys, keys[gap:], strict=False)
        if not content or a in content or b in content
    }


def _filed(keys: Sequence[str], *, query: bool) -> set[tuple[str, str, str]]:
    if query:
        # What a variant of the query may be filed under. Pairs of function
        # words only file quotations that hold nothing else, and skipping
        # pairs only short quotations, so looking them up costs little; a
        # one-word quotation can score 80 only against a query of two words
        # at most.
        unfiltered: frozenset[str] = frozenset()
        found = _pairs(keys, 1, unfiltered) | _pairs(keys, 2, unfiltered)
        if len(keys) <= 2:
            found |= {(k[:_PREFIX], "", "1") for k in keys}
        return found
    if len(keys) == 1:
        return {(keys[0][:_PREFIX], "", "1")}
    content = frozenset(content_words(keys))
    filed = _pairs(keys, 1, content)
    if len(keys) <= _SHORT:
        filed |= _pairs(keys, 2, content)
    return filed


def stored_shingles(keys: Sequence[str], namespace: str) -> set[int]:
    """The keys a quotation with these word keys is filed under."""
    return {_hash(namespace, *pair) for pair in _filed(keys, query=False)}


def query_shingles(keys: Sequence[str], namespace: str) -> set[int]:
    """The keys to look up for a query with these word keys."""
    return {_hash(namespace, *pair) for pair in _filed(keys, query=True)}


@dataclass(frozen=True, slots=True)
class Shingled:
    """A stored quotation's word keys, normalised text and shingles."""

    keys: tuple[str, ...]
    norm: str
    shingles: tuple[int, ...]


def shingle(keys: Sequence[str], namespace: str) -> Shingled:
    """A stored quotation's normalised text and shingles, from its word keys."""
    return Shingled(tuple(keys), " ".join(keys), tuple(sorted(stored_shingles(keys, namespace))))
