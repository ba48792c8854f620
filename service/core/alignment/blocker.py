"""Candidate pairs of quotations, or of sentences, found without comparing
all against all.

Quotations (``Blocker``):

Every match between two quotations needs a content word in common (see
``alignment.quotes.judge_keys``), so an inverted index of content words
finds every pair worth judging, plus pairs with the same word keys (which
match even with no content word: "All of them."). Quote alignment indexes
one text's quotations and looks up the other's; story alignment indexes
all the quotations of a story and looks up each of them.

A content word found in more than ``max_postings`` indexed quotations is
not used to find candidates: it tells them apart from none (and would make
the pairs quadratic on hostile input), and a real match shares rarer ones.

>>> index = Blocker([["we", "will", "win"], ["all", "of", "them"]], [["will", "win"], []])
>>> sorted(index.candidates(["we", "will", "not", "win"], ["will", "not", "win"]))
[0]
>>> index.pairs([["all", "of", "them"], ["we", "win"]], [[], ["win"]])
[(0, 1), (1, 0)]

Sentences (``OverlapIndex``, for ``passages``): each sentence is its words
encoded one character a word, and two sentences can align only when their
bags of words overlap by a share of their lengths (a Dice coefficient), so
an index of the words' occurrences, looked up by prefix filtering, finds
every pair that could without scoring the others. It returns at most
``cap`` candidates a query: where a word is in more sentences than there is
room for (a text of a few words repeated), those nearest a given position
(the query's own place, scaled to the other text) are taken, so a text of
any size costs at most ``cap`` pairs a sentence.

>>> index = OverlapIndex(["abc", "xyz", "abd", "ab"])
>>> index.candidates("abc", 0.55, cap=10)
[0, 2, 3]
>>> index.candidates("ab", 0.55, cap=1, near=3)
[3]
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

__all__ = ["MAX_POSTINGS", "Blocker", "OverlapIndex"]

# The most quotations a content word may be in and still find candidates
# (story alignment allows more in a story of many articles).
MAX_POSTINGS = 64


class Blocker:
    """An inverted index over a collection of quotations, each given as its
    word keys and its content words (``alignment.quotes.content_words``);
    quotations are numbered by their position in the collection.

    ``by_keys`` maps each distinct sequence of word keys to the quotations
    that have it, in order of first appearance; ``by_word`` maps each content
    word to the quotations holding it (its postings), in order.
    """

    __slots__ = ("by_keys", "by_word", "max_postings")

    def __init__(
        self,
        keys: Sequence[Sequence[str]],
        content: Sequence[Sequence[str]],
        *,
        max_postings: int = MAX_POSTINGS,
    ) -> None:
        self.max_postings = max_postings
        self.by_keys: dict[tuple[str, ...], list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        for n, (k, words) in enumerate(zip(keys, content, strict=True)):
            self.by_keys.setdefault(tuple(k), []).append(n)
            for word in set(words):
                self.by_word.setdefault(word, []).append(n)

    def candidates(self, keys: Sequence[str], content: Sequence[str]) -> set[int]:
        """The indexed quotations that may match one with these word keys and
        content words: the same keys, or a content word in common that is
        in at most ``max_postings`` of them."""
        pool = set(self.by_keys.get(tuple(keys), ()))
        for word in set(content):
            postings = self.by_word.get(word, ())
            if len(postings) <= self.max_postings:
                pool.update(postings)
        return pool

    def pairs(
        self, keys: Sequence[Sequence[str]], content: Sequence[Sequence[str]]
    ) -> list[tuple[int, int]]:
        """``(i, j)`` for each quotation ``i`` of another collection (its keys
        and content words) and each candidate ``j`` of this one, sorted."""
        return sorted(
            (i, j)
            for i, (k, words) in enumerate(zip(keys, content, strict=True))
            for j in self.candidates(k, words)
        )


class OverlapIndex:
    """An index over sequences of symbols (strings; a sentence as its word
    codes) that finds those whose bag of symbols overlaps a query's by a
    Dice coefficient (twice the common symbols, with repeats, over both
    lengths) of at least a threshold; sequences are numbered by their
    position.

    How (prefix filtering): a pair at the threshold has at least ``need``
    symbols in common (see ``candidates``). The query's distinct symbols
    are taken rarest first (in how many indexed sequences they are) until
    those left hold fewer than ``need`` symbols, repeats counted: a sequence
    sharing none of the ones taken cannot reach ``need``, so only those are
    looked up. ``postings`` maps each symbol to the sequences holding it,
    in order.
    """

    __slots__ = ("postings",)

    def __init__(self, sequences: Sequence[str]) -> None:
        self.postings: dict[str, list[int]] = {}
        for n, sequence in enumerate(sequences):
            for symbol in set(sequence):
                self.postings.setdefault(symbol, []).append(n)

    def candidates(self, query: str, threshold: float, *, cap: int, near: int = 0) -> list[int]:
        """The indexed sequences (sorted) whose overlap with ``query`` may
        reach ``threshold`` (0 < threshold <= 1): all of them while there
        are at most ``cap``; else ``cap`` of them, rarest symbols first and,
        within the postings of the symbol that fills the cap, those nearest
        the position ``near``."""
        # Sharing o of the query's n symbols with a sequence of m, at Dice t:
        # 2o >= t(n + m) and m >= o, so o >= tn / (2 - t).
        need = max(1, math.ceil(threshold * len(query) / (2 - threshold) - 1e-9))
        distinct = set(query)
        counts = Counter(query) if len(distinct) < len(query) else dict.fromkeys(distinct, 1)
        get = self.postings.get
        left = len(query)  # symbols, repeats counted, not yet looked up
        found: set[int] = set()
        for size, symbol in sorted((len(get(s, ())), s) for s in distinct):
            if left < need:
                break
            left -= counts[symbol]
            if not size:
                continue
            postings = self.postings[symbol]
            if size <= cap - len(found):
                found.update(postings)
            elif not _add_nearest(found, postings, cap, near):
                break
        return sorted(found)


def _add_nearest(found: set[int], postings: list[int], cap: int, near: int) -> bool:
    """Add ``postings`` to ``found`` nearest ``near`` first until ``found``
    has ``cap``; whether all of them fit. Each step adds one or passes one
    already found, so it costs at most ``cap`` steps, however long the
    postings."""
    hi = bisect_left(postings, near)
    lo = hi - 1
    while len(found) < cap:
        if hi < len(postings) and (lo < 0 or postings[hi] - near < near - postings[lo]):
            found.add(postings[hi])
            hi += 1
        elif lo >= 0:
            found.add(postings[lo])
            lo -= 1
        else:
            return True
    return lo < 0 and hi == len(postings)
