"""Passages: two texts aligned sentence by sentence, and what one side lacks.

Aligned sentences are linked one to one, or as a split (one left sentence
is several right ones) or a merge (several left sentences are one right
one); a passage is a run of adjacent sentences that one side has and the
other lacks. ``align_passages`` segments the texts itself;
``align_sentence_lists`` takes texts already segmented (as NewsEdits is).

How: sentences come from ``sentences.sentence_spans``; each is compared as
its word keys (case, punctuation and spelling folded). All pairs are scored
with rapidfuzz (``cdist``, a block of rows at a time so that long texts
never hold the whole matrix: the mean of the indel ``ratio`` and the
``token_sort_ratio``, so that reordered clauses still score); pairs at
``min_score`` or above are taken best first, one to one, whatever their
order in the texts (a moved sentence is still found). Then a sentence left
over next to an aligned one joins it when the two together read closer to
their counterpart than the aligned one alone (a split or a merge). Sentences
with no words (a lone ``''``) take no part.

Semantic mode (``semantic=True``, the ``semantic`` extra): a pair also
scores its similarity by meaning (``service.core.alignment.semantic``, a small
sentence-embedding model on the CPU) when that is ``SEMANTIC_MIN`` or more,
for paraphrases that share few words. Its own bar is higher because
different sentences about one story score up to the high 60s by meaning.

>>> a = "Police arrested a man. He was released on bail. The mayor spoke."
>>> b = "Police arrested a man on Tuesday. The mayor spoke."
>>> p = align_passages(a, b)
>>> [(x.left, x.right, x.relation) for x in p.aligned]
[((0,), (0,), 'reworded'), ((2,), (1,), 'same')]
>>> [x.text for x in p.left_only]
['He was released on bail.']
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process

from service.core.diff import DiffOp, word_diff
from service.core.sentences import sentence_spans
from service.core.text import WordCodes, fold_marks, keys, word_key

__all__ = [
    "MIN_SCORE",
    "SEMANTIC_MIN",
    "AlignedSentences",
    "Passage",
    "PassageAlignment",
    "Sentence",
    "SentenceRelation",
    "align_passages",
    "align_sentence_lists",
]

SentenceRelation = Literal["same", "reworded", "split", "merged"]

# The least score (0–100, by wording) that aligns two sentences.
MIN_SCORE = 55.0
# The least similarity by meaning (semantic mode) that aligns two sentences.
SEMANTIC_MIN = 72.0
# How much closer two sentences together must read than one alone to be a
# split or a merge.
_JOIN_GAIN = 5.0
# Below this score a sentence is not even considered as part of a split or merge.
_NEAR = 30.0
# How many sentence pairs are scored at once (a block of rows of the matrix).
_BLOCK_CELLS = 250_000


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of one text: its offsets, its text and its word keys."""

    start: int
    end: int
    text: str
    key: str  # the words' keys, space-joined


@dataclass(frozen=True, slots=True)
class AlignedSentences:
    """Sentences of the left linked to sentences of the right (indexes into
    each side's sentences), with a score (0–100), the word diff, and a
    ``relation``: ``same`` (the same words), ``reworded``, ``split`` (one left
    sentence is several right ones) or ``merged`` (several left sentences
    are one right one)."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    relation: SentenceRelation
    score: float
    diff: tuple[DiffOp, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of adjacent sentences that one side has and the other lacks:
    offsets into its side's text, its text, its sentence indexes and how
    many words it has."""

    start: int
    end: int
    text: str
    sentences: tuple[int, ...]
    words: int


@dataclass(frozen=True, slots=True)
class PassageAlignment:
    """Both sides' sentences, the aligned items, and the passages only the
    left has and only the right has."""

    left: tuple[Sentence, ...]
    right: tuple[Sentence, ...]
    aligned: tuple[AlignedSentences, ...]
    left_only: tuple[Passage, ...]
    right_only: tuple[Passage, ...]

    def moved(self) -> tuple[AlignedSentences, ...]:
        """Aligned items out of order: the fewest whose removal leaves the
        rest in the same order on both sides (the complement of a longest
        increasing run of right positions, taken in left order)."""
        items = sorted(self.aligned, key=lambda a: a.left[0])
        keep = _longest_increasing([a.right[0] for a in items])
        return tuple(a for k, a in enumerate(items) if k not in keep)


def _sentences(text: str) -> tuple[Sentence, ...]:
    # Folded once for the whole text: folding keeps length, character by
    # character, so a sentence's slice of it is the sentence folded.
    folded = fold_marks(text)
    return tuple(
        Sentence(start, end, text[start:end], _key(folded[start:end]))
        for start, end in sentence_spans(text)
    )


def _key(folded: str) -> str:
    """``keys`` of an already folded text, space-joined."""
    return " ".join(filter(None, map(word_key, folded.split())))


def _sorted(codes: Sequence[str]) -> list[str]:
    return ["".join(sorted(code)) for code in codes]


def _score(a: str, b: str) -> float:
    """The score of two encoded word sequences, as ``_align``'s matrix has it."""
    return (fuzz.ratio(a, b) + fuzz.ratio("".join(sorted(a)), "".join(sorted(b)))) / 2


def align_passages(
    left: str, right: str, *, min_score: float = MIN_SCORE, semantic: bool = False
) -> PassageAlignment:
    """Align the sentences of ``left`` and ``right`` (see the module docstring);
    with ``semantic``, also by meaning (``service.core.alignment.semantic``, an extra)."""
    return _align(left, right, _sentences(left), _sentences(right), min_score, semantic)


def align_sentence_lists(
    left: Sequence[str],
    right: Sequence[str],
    *,
    min_score: float = MIN_SCORE,
    semantic: bool = False,
) -> PassageAlignment:
    """Align two texts given as their sentences (segmented elsewhere, as in
    NewsEdits); offsets are into the sentences joined by line breaks."""
    texts = ("\n".join(left), "\n".join(right))
    sides = []
    for sentences in (left, right):
        at, found = 0, []
        for sentence in sentences:
            found.append(Sentence(at, at + len(sentence), sentence, " ".join(keys(sentence))))
            at += len(sentence) + 1
        sides.append(tuple(found))
    return _align(texts[0], texts[1], sides[0], sides[1], min_score, semantic)


def _align(
    left: str,
    right: str,
    ls: tuple[Sentence, ...],
    rs: tuple[Sentence, ...],
    min_score: float,
    semantic: bool = False,
) -> PassageAlignment:
    """The steps of the module docstring: score all pairs, take them best
    first one to one, let left-over neighbours join as splits (right) and
    merges (left), then read off the aligned items and each side's passages."""
    aligner = _Aligner(ls, rs, semantic)
    groups = aligner.pair_up(aligner.scored_pairs(min_score))
    aligner.join(groups, {j for g in groups.values() for j in g[1]}, "right")
    aligner.join(groups, {i for g in groups.values() for i in g[0]}, "left")
    aligned = tuple(
        aligner.item(lefts, rights)
        for lefts, rights in sorted(groups.values(), key=lambda g: g[0][0])
    )
    used_left = {i for a in aligned for i in a.left}
    used_right = {j for a in aligned for j in a.right}
    return PassageAlignment(
        ls,
        rs,
        aligned,
        _passages(left, ls, used_left),
        _passages(right, rs, used_right),
    )


# A group of aligned sentences: left indexes and right indexes, each sorted.
_Group = tuple[list[int], list[int]]


class _Aligner:
    """One alignment of two texts' sentences, and the state its steps share:
    the sentences with words (``li``, ``ri``), each one's words encoded as
    one character per word (``codes``, shared by both sides), its row or
    column in the score matrix (``lpos``, ``rpos``), the similarity by
    meaning in semantic mode (``meaning``), and the score each one-to-one
    pair was taken at (``taken``)."""

    def __init__(self, ls: tuple[Sentence, ...], rs: tuple[Sentence, ...], semantic: bool) -> None:
        self.ls, self.rs = ls, rs
        self.li = [i for i, s in enumerate(ls) if s.key]
        self.ri = [j for j, s in enumerate(rs) if s.key]
        words = WordCodes()
        self.codes = (
            {i: words.encode(ls[i].key.split()) for i in self.li},
            {j: words.encode(rs[j].key.split()) for j in self.ri},
        )
        self.lpos = {i: r for r, i in enumerate(self.li)}
        self.rpos = {j: c for c, j in enumerate(self.ri)}
        self.meaning: np.ndarray[Any, Any] | None = None
        if semantic and self.li and self.ri:
            # Imported here: PyTorch stands behind it (seconds to import).
            from service.core.alignment.semantic import similarity_matrix

            self.meaning = similarity_matrix(
                [ls[i].text for i in self.li], [rs[j].text for j in self.ri]
            )
        self.taken: dict[tuple[int, int], float] = {}

    def scored_pairs(self, min_score: float) -> list[tuple[float, int, int]]:
        """``(score, i, j)`` for every pair scoring ``min_score`` or more."""
        if not self.li or not self.ri:
            return []
        lcodes = [self.codes[0][i] for i in self.li]
        rcodes = [self.codes[1][j] for j in self.ri]
        lbags, rbags = _sorted(lcodes), _sorted(rcodes)
        # Two native matrices averaged (a Python scorer would be called back
        # for every pair), over words rather than letters: in order, and as
        # bags of words (each side's word codes sorted). A block of rows at a
        # time, keeping only the pairs that align: two long texts never hold
        # the matrix of all their pairs (8,000 sentences a side would be
        # half a gigabyte).
        pairs: list[tuple[float, int, int]] = []
        step = max(1, _BLOCK_CELLS // len(rcodes))
        for top in range(0, len(lcodes), step):
            rows = slice(top, top + step)
            block = (
                process.cdist(lcodes[rows], rcodes, scorer=fuzz.ratio)
                + process.cdist(lbags[rows], rbags, scorer=fuzz.ratio)
            ) / 2
            if self.meaning is not None:
                # Different sentences of one story score up to the high 60s
                # by meaning, so meaning counts from its own, higher bar.
                by_meaning = self.meaning[rows]
                block = np.maximum(block, np.where(by_meaning >= SEMANTIC_MIN, by_meaning, 0))
            found_rows, found_cols = (block >= min_score).nonzero()
            pairs += [
                (float(block[r, c]), self.li[top + r], self.ri[c])
                for r, c in zip(found_rows.tolist(), found_cols.tolist(), strict=True)
            ]
        return pairs

    def pair_up(self, pairs: list[tuple[float, int, int]]) -> dict[int, _Group]:
        """Pairs taken best first, one to one, as groups keyed by their left
        sentence; records the score each was taken at."""
        # Best first; ties by text order, so the result is deterministic.
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        to_right: dict[int, int] = {}
        to_left: set[int] = set()
        for score, i, j in pairs:
            if i not in to_right and j not in to_left:
                to_right[i] = j
                to_left.add(j)
                self.taken[i, j] = score
        return {i: ([i], [j]) for i, j in to_right.items()}

    def near(self, i: int, j: int) -> bool:
        """Whether left sentence ``i`` and right sentence ``j`` share
        anything at all (a join needs it)."""
        if _score(self.codes[0][i], self.codes[1][j]) >= _NEAR:
            return True
        return self.meaning is not None and self.meaning[self.lpos[i], self.rpos[j]] >= SEMANTIC_MIN

    def join(
        self, groups: dict[int, _Group], used: set[int], side: Literal["left", "right"]
    ) -> None:
        """Let each sentence of ``side`` that is in no group (not in ``used``)
        join the group of its aligned neighbour when, together, they read
        closer to that group's other side than the neighbour alone (a split
        on the right, a merge on the left)."""
        at = 1 if side == "right" else 0
        mine, theirs = self.codes[at], self.codes[1 - at]
        owner = {k: g for g, members in groups.items() for k in members[at]}
        for k in mine:
            if k in used:
                continue
            best: tuple[float, int] | None = None
            for neighbour in (k - 1, k + 1):
                g = owner.get(neighbour)
                if g is None:
                    continue
                group = groups[g]
                pairs = ((x, k) if side == "right" else (k, x) for x in group[1 - at])
                if not any(self.near(*pair) for pair in pairs):
                    continue
                other = "".join(theirs[x] for x in group[1 - at])
                own = group[at]
                alone = _score("".join(mine[x] for x in own), other)
                together = _score("".join(mine[x] for x in sorted([*own, k])), other)
                if together >= alone + _JOIN_GAIN and (best is None or together > best[0]):
                    best = (together, g)
            if best is not None:
                g = best[1]
                group = groups[g]
                group[at].append(k)
                group[at].sort()
                owner[k] = g
                used.add(k)

    def item(self, lefts: list[int], rights: list[int]) -> AlignedSentences:
        """One group as an aligned item: its relation, score and word diff."""
        ls, rs = self.ls, self.rs
        relation: SentenceRelation = (
            "split"
            if len(rights) > 1
            else "merged"
            if len(lefts) > 1
            else "same"
            if " ".join(ls[i].key for i in lefts) == " ".join(rs[j].key for j in rights)
            else "reworded"
        )
        lcode = "".join(self.codes[0][i] for i in lefts)
        rcode = "".join(self.codes[1][j] for j in rights)
        score = _score(lcode, rcode)
        if len(lefts) == len(rights) == 1:
            # The score the pair was taken at (by meaning, it can be higher).
            score = max(score, self.taken[lefts[0], rights[0]])
        ltext = " ".join(ls[i].text for i in lefts)
        rtext = " ".join(rs[j].text for j in rights)
        return AlignedSentences(
            tuple(lefts), tuple(rights), relation, round(score, 1), tuple(word_diff(ltext, rtext))
        )


def _passages(text: str, sentences: Sequence[Sentence], used: set[int]) -> tuple[Passage, ...]:
    """Runs of adjacent sentences (with words) that take part in nothing."""
    runs: list[list[int]] = []
    for k, sentence in enumerate(sentences):
        if not sentence.key:
            continue
        if k in used:
            runs.append([])
        elif runs and runs[-1]:
            runs[-1].append(k)
        else:
            runs.append([k])
    passages = []
    for run in (r for r in runs if r):
        start, end = sentences[run[0]].start, sentences[run[-1]].end
        words = sum(len(sentences[k].key.split()) for k in run)
        passages.append(Passage(start, end, text[start:end], tuple(run), words))
    return tuple(passages)


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(values)
    for k, v in enumerate(values):
        p = bisect_left(tails, v)
        if p == len(tails):
            tails.append(v)
            tail_at.append(k)
        else:
            tails[p], tail_at[p] = v, k
        previous[k] = tail_at[p - 1] if p > 0 else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        keep.add(k)
        k = previous[k]
    return keep
