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
from rapidfuzz.distance import Indel

from service.core.alignment.quotes import content_words
from service.core.alignment.rules import DEFAULT_RULES
from service.core.text import WordCodes

__all__ = [
    "MIN_OVERLAP",
    "MIN_PARTIAL_WORDS",
    "Shingled",
    "carried",
    "filed_size",
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


# Variants: how much of the shorter text the longer carries -----------------

# Overlapping quotations (each extends past the other) need this many words
# in common, unless one of them is that short: three shared words are a
# phrase, not a statement.
MIN_OVERLAP = 5
# Words each side must carry past a shared passage for the two to part
# ways there (``rules.partial_overhang``, where compare calls a pair partial).
_PART_WAYS = DEFAULT_RULES.partial_overhang


def _penalty(
    blocks: Sequence[tuple[int, int, int]],
    a_len: int,
    b_len: int,
    dropped: tuple[int, int] = (0, 0),
) -> tuple[int, int]:
    """Matched words, and what the alignment ``blocks`` (a, b, size) leaves
    unexplained: words inserted inside the span on either side, and words
    both sides have before (or after) it, where they diverge. Words only
    one side has at an end are where it extends past the other (a fragment),
    and so are ``_PART_WAYS`` words or more on both sides after an overlap
    of ``MIN_OVERLAP`` words (two statements that share a passage, then part
    ways): neither costs anything here. ``dropped`` counts the words still
    in common before and after the span (blocks left out of it): where
    they are a third of what both sides carry there or more, the two have
    not parted ways, a word was changed."""
    matched = sum(size for _, _, size in blocks)
    a0, b0, _ = blocks[0]
    a1, b1, s1 = blocks[-1]
    inside = (a1 + s1 - a0) + (b1 + s1 - b0) - 2 * matched
    unexplained = inside
    ends = (min(a0, b0), min(a_len - a1 - s1, b_len - b1 - s1))
    for both, common in zip(ends, dropped, strict=True):
        if matched < MIN_OVERLAP or both < _PART_WAYS or 3 * common >= both:
            unexplained += 2 * both
    return matched, unexplained


def carried(a: Sequence[str], b: Sequence[str]) -> float:
    """How much (0–100) of the shorter of two word-key sequences the longer
    carries in order, as one span that may hold inserted or dropped words:
    ``2m / (2m + p)`` for ``m`` words aligned and ``p`` words unexplained
    (inserted inside the span on either side, or where both diverge at an
    end). Overlapping texts are scored on their overlap, which needs
    ``MIN_OVERLAP`` words unless one text is that short; an alignment must
    hold a content word. The span is the best of Indel's alignment over the
    shorter's best window of the longer (rapidfuzz's
    ``partial_ratio_alignment`` over words), widened by half the shorter's
    length so that inserted words fit, its stray blocks at either end
    dropped while the score gains.

    >>> long_ = "we have never sold tractors or fertiliser to norway before".split()
    >>> carried("never sold tractors to norway".split(), long_)
    83.3
    >>> carried("sold tractors".split(), long_), carried(["tractors"], ["trucks"])
    (100.0, 0.0)
    """
    if not a or not b:
        return 0.0
    codes = WordCodes()
    return _carried(a, b, codes.encode(a), codes.encode(b))


def _carried(a: Sequence[str], b: Sequence[str], a_codes: str, b_codes: str) -> float:
    """``carried(a, b)`` of texts already encoded (``a_codes``, ``b_codes``)
    by one ``WordCodes``: a search encodes its query once and each
    candidate once, whatever it scores them against."""
    short, long_, s, full = (
        (a, b, a_codes, b_codes) if len(a) <= len(b) else (b, a, b_codes, a_codes)
    )
    offset, window = 0, full
    if len(full) > 2 * len(s):
        found = fuzz.partial_ratio_alignment(s, full)
        if found is None:  # only with a score_cutoff, which is not set
            return 0.0
        grow = max(2, len(s) // 2)
        offset = max(0, found.dest_start - grow)
        window = full[offset : found.dest_end + grow]
    blocks = [
        (m.a, m.b + offset, m.size) for m in Indel.opcodes(s, window).as_matching_blocks() if m.size
    ]
    if not blocks:
        return 0.0
    best = 0.0
    head = tail = 0  # words in common left out of the span, before and after it
    n, m = len(short), len(long_)
    content: frozenset[str] | None = None  # the shorter's, found when first needed
    matched, unexplained = _penalty(blocks, n, m)
    while True:
        # Only a span that would raise the best is checked for the rest.
        score = 200 * matched / (2 * matched + unexplained)
        a0, b0, _ = blocks[0]
        a1, b1, s1 = blocks[-1]
        extends = (a0 > 0 and b0 == 0) or (a1 + s1 < n and b1 + s1 == m)
        enough = matched >= min(MIN_OVERLAP, n) or not extends
        # As in ``judge_keys``: one short word does not tie two quotations.
        tied = matched > 1 or len(short[a0]) >= 5
        if score > best and enough and tied:
            if content is None:
                content = frozenset(content_words(short))
            if any(short[x + k] in content for x, _, size in blocks for k in range(size)):
                best = score
        if len(blocks) == 1:
            break
        # Drop the end block whose loss costs least, while a span remains.
        first = _penalty(blocks[1:], n, m, (head + blocks[0][2], tail))
        last = _penalty(blocks[:-1], n, m, (head, tail + blocks[-1][2]))
        if first[0] / (2 * first[0] + first[1] or 1) >= last[0] / (2 * last[0] + last[1] or 1):
            head += blocks[0][2]
            blocks = blocks[1:]
            matched, unexplained = first
        else:
            tail += blocks[-1][2]
            blocks = blocks[:-1]
            matched, unexplained = last
    return round(best, 1)


def search_score(query: str, candidate: str, cutoff: float = 0) -> float:
    """Score (0–100, one decimal) of ``candidate`` as a variant of ``query``;
    both normalised (``text.normalize``). A score below ``cutoff`` may be
    reported as 0 (rapidfuzz then stops early), never a score above it."""
    return search_scores(query, [candidate], cutoff)[0]


def search_scores(query: str, candidates: Sequence[str], cutoff: float = 0) -> list[float]:
    """``search_score`` of each candidate: the best of rapidfuzz's ``ratio``
    over letters, its ``partial_ratio`` over words (both in its C++ loop,
    ``process.cdist``) and ``carried``. ``carried`` runs in Python, so it is
    skipped where the ``c`` words the two have in common in order (Indel's,
    also in C++) cannot reach the cutoff: fewer than ``MIN_OVERLAP`` (or the
    shorter's length ``s``), so that the shorter must lie within the longer,
    and ``200c / (2c + min(s - c, 2))`` below the cutoff. That is the most
    ``carried`` can give then: the shorter's words left out cost one each
    inside the span, but at an end only twice the words both sides have
    there (``_penalty``), so two at least, however many the shorter has
    (counting each word left out, as this did, skipped pairs that reach it)."""
    if not candidates:
        return []
    # Widely carried statements come back as many copies of one text:
    # each distinct text is scored once.
    distinct = list(dict.fromkeys(candidates))
    if len(distinct) < len(candidates):
        scored = dict(zip(distinct, _scores(query, distinct, cutoff), strict=True))
        return [scored[c] for c in candidates]
    return _scores(query, distinct, cutoff)


def _scores(query: str, candidates: Sequence[str], cutoff: float) -> list[float]:
    """``search_scores`` of distinct candidates."""
    cut = max(0.0, cutoff - 0.05)  # what rounds up to the cutoff still counts
    scores = process.cdist(
        [query], candidates, scorer=fuzz.ratio, score_cutoff=cut, dtype=np.float64
    )[0]
    q = query.split()
    split = [c.split() for c in candidates]
    if len(q) >= MIN_PARTIAL_WORDS:
        long_ = [i for i, c in enumerate(split) if len(c) >= MIN_PARTIAL_WORDS]
        if long_:
            partial = process.cdist(
                [q],
                [split[i] for i in long_],
                scorer=fuzz.partial_ratio,
                score_cutoff=cut,
                dtype=np.float64,
            )[0]
            scores[long_] = np.maximum(scores[long_], partial)
    # Indel's similarity is twice the words in common in order.
    common = process.cdist([q], split, scorer=Indel.similarity, dtype=np.int64)[0] // 2
    shorter = np.minimum(len(q), np.fromiter(map(len, split), np.int64, len(split)))
    hopeless = (common < np.minimum(MIN_OVERLAP, shorter)) & (
        200 * common < cut * (2 * common + np.minimum(shorter - common, 2))
    )
    worth = np.flatnonzero((scores < 100) & ~hopeless)
    if len(q) and len(worth):
        codes = WordCodes()
        query = codes.encode(q)
        for i in worth.tolist():
            words = split[i]
            if words:
                scores[i] = max(scores[i], _carried(q, words, query, codes.encode(words)))
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
        # pairs only short quotations, so looking them up costs little. A
        # query of two words at most is a phrase: its words are looked up
        # too, which every quotation holding them is filed under.
        unfiltered: frozenset[str] = frozenset()
        found = _pairs(keys, 1, unfiltered) | _pairs(keys, 2, unfiltered)
        if len(keys) <= 2:
            found |= _words(keys, frozenset(), "w")
        # One-word quotations, which a longer query may hold.
        return found | _words(keys, frozenset())
    if len(keys) == 1:
        return _words(keys, frozenset())
    content = frozenset(content_words(keys))
    filed = _pairs(keys, 1, content)
    if len(keys) <= _SHORT:
        filed |= _pairs(keys, 2, content)
    return filed


def _words(
    keys: Sequence[str], content: frozenset[str], mark: str = "1"
) -> set[tuple[str, str, str]]:
    """Single words as keys (all of them, or ``content`` when given): a
    one-word quotation's (``mark`` 1), or a longer one's holding the word
    (``w``), apart so that a long query looks up the few one-word
    quotations only."""
    return {(k[:_PREFIX], "", mark) for k in keys if not content or k in content}


def _stored(keys: Sequence[str]) -> set[tuple[str, str, str]]:
    """Every key a quotation is filed under: its pairs, and each of its
    content words, so that a one-word query (a scare quote, a name) finds
    every quotation holding the word, not only the one-word ones. The
    words do not count in a quotation's ``size``: they are looked up by
    phrase queries only, which need one of them."""
    if len(keys) == 1:
        return _filed(keys, query=False)
    return _filed(keys, query=False) | _words(keys, frozenset(content_words(keys)), "w")


def stored_shingles(keys: Sequence[str], namespace: str) -> set[int]:
    """The keys a quotation with these word keys is filed under."""
    return {_hash(namespace, *pair) for pair in _stored(keys)}


def filed_size(keys: Sequence[str]) -> int:
    """How many of its keys a quotation's share of a query is counted
    against (``QuoteRepository.candidates``): its pairs, or its word when
    it has one."""
    return len(_filed(keys, query=False))


def query_shingles(keys: Sequence[str], namespace: str) -> set[int]:
    """The keys to look up for a query with these word keys."""
    return {_hash(namespace, *pair) for pair in _filed(keys, query=True)}


@dataclass(frozen=True, slots=True)
class Shingled:
    """A stored quotation's word keys, normalised text and shingles, and
    how many of those its share of a query is counted against."""

    keys: tuple[str, ...]
    norm: str
    shingles: tuple[int, ...]
    size: int


def shingle(keys: Sequence[str], namespace: str) -> Shingled:
    """A stored quotation's normalised text and shingles, from its word keys."""
    return Shingled(
        tuple(keys),
        " ".join(keys),
        tuple(sorted(stored_shingles(keys, namespace))),
        filed_size(keys),
    )
