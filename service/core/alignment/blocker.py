"""Candidate pairs of quotations, found without comparing all against all.

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
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_POSTINGS", "Blocker"]

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
