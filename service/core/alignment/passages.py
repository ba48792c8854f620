"""Passages: two texts aligned sentence by sentence, and what one side lacks.

Aligned sentences are linked one to one, or as a split (one left sentence
is several right ones) or a merge (several left sentences are one right
one); a passage is a run of adjacent sentences that one side has and the
other lacks. ``align_passages`` segments the texts itself;
``align_sentence_lists`` takes texts already segmented (as NewsEdits is).

How: sentences come from ``sentences.sentence_spans``; each is compared as
its word keys (case, punctuation and spelling folded). Candidate pairs are
scored with rapidfuzz (``cpdist``, a block of pairs at a time so that long
texts never hold them all: the mean of the indel ``ratio`` and the
``token_sort_ratio``, so that reordered clauses still score); pairs at
``min_score`` or above are taken best first, one to one, whatever their
order in the texts (a moved sentence is still found). Then a sentence left
over next to an aligned one joins it when the two together read closer to
their counterpart than the aligned one alone (a split or a merge). Sentences
with no words (a lone ``''``) take no part.

Two short texts (at most ``_ALL_PAIRS``, 20,000 sentence pairs) have every
pair scored at once (rapidfuzz's ``cdist``: faster than finding the few
that may align). Longer ones have candidates, not all pairs: a pair's
score is at most the overlap of its two bags of words (see
``_Aligner.candidates``), so an index of the right
text's words (``blocker.OverlapIndex``) finds every pair that can reach
``min_score`` without scoring the others. Each left sentence gets at most
``max(_MIN_CANDIDATES, _PAIR_BUDGET // left sentences)`` candidates (16 and
500,000 pairs): articles of up to 700 sentences a side, and any texts whose
sentences share words with few others, are aligned exactly as scoring every
pair would; beyond that (thousands of sentences of a few common words) a
sentence is compared with those nearest its own place in the other text,
rarest words first, and the work stays linear in the texts (two texts of
890,000 characters of short sentences took 28.6 s when all pairs were
scored; the work of a split or a merge is bounded too, since each join
gains at least ``_JOIN_GAIN`` points of a score of at most 100).

Paraphrases: a pair below ``min_score`` by wording still aligns when its
content words, names and figures mostly recur, in any order
(``service.core.alignment.paraphrase``: a weighted overlap of
``PARAPHRASE_MIN`` or more); such pairs are taken after every pair that
aligns by wording, best first, so a sentence's closest wording wins. Their
candidates come from a second ``OverlapIndex``, over the sentences' content,
under the same cap.

Headline and byline (``align_passages`` only: NewsEdits' sentences have no
lines): each side's headline and byline (``heading.find_heading``) take no
part in the alignment and are never a passage; they are compared with each
other's (``PassageAlignment.heading``): a changed headline is news of its
own, and a byline is no reporting the other side lacks.

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from operator import itemgetter
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process

from service.core.alignment import paraphrase
from service.core.alignment.blocker import OverlapIndex
from service.core.alignment.heading import find_heading
from service.core.diff import DiffOp, word_diff, words_diff
from service.core.sentences import sentence_spans
from service.core.text import WordCodes, fold_marks, word_key, words

__all__ = [
    "MIN_SCORE",
    "SEMANTIC_MIN",
    "AlignedSentences",
    "HeadingPart",
    "HeadingRelation",
    "Passage",
    "PassageAlignment",
    "Sentence",
    "SentenceRelation",
    "align_passages",
    "align_sentence_lists",
]

SentenceRelation = Literal["same", "reworded", "split", "merged"]
HeadingRelation = Literal["same", "changed", "left_only", "right_only"]

# The least score (0–100, by wording) that aligns two sentences.
MIN_SCORE = 55.0
# The least similarity by meaning (semantic mode) that aligns two sentences.
SEMANTIC_MIN = 72.0
# How much closer two sentences together must read than one alone to be a
# split or a merge.
_JOIN_GAIN = 5.0
# Below this score a sentence is not even considered as part of a split or merge.
_NEAR = 30.0
# How many sentence pairs are scored at once (a block of candidate pairs).
_BLOCK_CELLS = 250_000
# How many candidate pairs a left sentence may have: this many pairs shared
# by all left sentences, but at least _MIN_CANDIDATES each (see the module
# docstring). The budget exceeds the all-pairs count of any real article.
_PAIR_BUDGET = 500_000
_MIN_CANDIDATES = 16
# Up to this many pairs, every pair is scored: rapidfuzz scores them faster
# than the index finds the few that may align, and the cap cannot bind.
_ALL_PAIRS = 20_000


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
class HeadingPart:
    """The headline, or the byline, of the two sides compared: each side's
    as a one-sentence ``Passage`` (``None`` when it has none), the
    ``relation`` (``same`` words, ``changed``, or only one side has one)
    and the score of their wording (0–100; 0 when one side has none)."""

    part: Literal["headline", "byline"]
    left: Passage | None
    right: Passage | None
    relation: HeadingRelation
    score: float


@dataclass(frozen=True, slots=True)
class PassageAlignment:
    """Both sides' sentences, the aligned items, the passages only the
    left has and only the right has, and the sides' headlines and bylines
    compared (``heading``: the parts either side has, headline first)."""

    left: tuple[Sentence, ...]
    right: tuple[Sentence, ...]
    aligned: tuple[AlignedSentences, ...]
    left_only: tuple[Passage, ...]
    right_only: tuple[Passage, ...]
    heading: tuple[HeadingPart, ...] = ()

    def moved(self) -> tuple[AlignedSentences, ...]:
        """Aligned items out of order: the fewest whose removal leaves the
        rest in the same order on both sides (the complement of a longest
        increasing run of right positions, taken in left order)."""
        items = sorted(self.aligned, key=lambda a: a.left[0])
        keep = _longest_increasing([a.right[0] for a in items])
        return tuple(a for k, a in enumerate(items) if k not in keep)


# Each sentence's words as written, with their marks folded (what its key
# is made of, and what ``paraphrase.names_of_words`` reads).
_Written = list[list[str]]
# Each sentence's word keys (its ``key``, split).
_Keys = list[list[str]]


def _sentences(text: str) -> tuple[tuple[Sentence, ...], _Keys, _Written, list[bool]]:
    """The sentences of ``text``, each one's word keys and its words
    (``_Written``), and whether those are its words as written
    (``text.words``, which ``_Aligner.item`` then reuses): when folding
    changed nothing in the sentence."""
    # Folded once for the whole text: folding keeps length, character by
    # character, so a sentence's slice of it is the sentence folded.
    folded = fold_marks(text)
    key_of = _word_keys.__getitem__
    sentences = []
    keys = []
    written = []
    unfolded = []
    for start, end in sentence_spans(text):
        piece, folded_piece = text[start:end], folded[start:end]
        found = folded_piece.split()
        key = list(filter(None, map(key_of, found)))
        sentences.append(Sentence(start, end, piece, " ".join(key)))
        keys.append(key)
        written.append(found)
        unfolded.append(piece == folded_piece)
    return tuple(sentences), keys, written, unfolded


class _WordKeys(dict[str, str]):
    """``text.word_key`` of words as written, kept (up to _WORD_KEYS_HELD):
    read through ``__getitem__``, which works a missing one out. A dict's
    look-up costs a third less than ``word_key``'s own cache, and every
    word of both texts is looked up."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _WORD_KEYS_HELD:
            self.clear()
        key = self[word] = word_key(word)
        return key


_WORD_KEYS_HELD = 65_536
_word_keys = _WordKeys()


def _score(a: str, b: str) -> float:
    """The score of two encoded word sequences, as ``_Aligner.scored_pairs`` has it."""
    return (fuzz.ratio(a, b) + fuzz.ratio("".join(sorted(a)), "".join(sorted(b)))) / 2


def align_passages(
    left: str, right: str, *, min_score: float = MIN_SCORE, semantic: bool = False
) -> PassageAlignment:
    """Align the sentences of ``left`` and ``right`` (see the module docstring),
    their headlines and bylines apart; with ``semantic``, also by meaning
    (``service.core.alignment.semantic``, an extra)."""
    (ls, lkeys, lwritten, lplain), (rs, rkeys, rwritten, rplain) = (
        _sentences(left),
        _sentences(right),
    )
    lhead, rhead = _heading(left, ls), _heading(right, rs)
    skip = ({k for k in lhead.values()}, {k for k in rhead.values()})
    aligned = _align(
        left,
        right,
        ls,
        rs,
        (lkeys, rkeys),
        (lwritten, rwritten),
        min_score,
        semantic,
        skip,
        (lplain, rplain),
    )
    parts = tuple(
        _compare_heading(part, ls, rs, lhead.get(part), rhead.get(part))
        for part in ("headline", "byline")
        if part in lhead or part in rhead
    )
    return replace(aligned, heading=parts)


def _heading(text: str, sentences: tuple[Sentence, ...]) -> dict[str, int]:
    """The indexes of the sentences that are the text's headline and byline
    (``heading.find_heading``), by part; a part found that is not exactly
    one sentence with words is left in the body."""
    found = find_heading(text)
    at = {(s.start, s.end): k for k, s in enumerate(sentences) if s.key}
    parts = {"headline": found.headline, "byline": found.byline}
    return {part: at[span] for part, span in parts.items() if span in at}


def _compare_heading(
    part: Literal["headline", "byline"],
    ls: tuple[Sentence, ...],
    rs: tuple[Sentence, ...],
    i: int | None,
    j: int | None,
) -> HeadingPart:
    """One part of the two sides' headings compared."""

    def one(sentences: tuple[Sentence, ...], k: int | None) -> Passage | None:
        if k is None:
            return None
        s = sentences[k]
        return Passage(s.start, s.end, s.text, (k,), len(s.key.split()))

    left, right = one(ls, i), one(rs, j)
    if i is None or j is None:
        return HeadingPart(part, left, right, "right_only" if i is None else "left_only", 0.0)
    if ls[i].key == rs[j].key:
        return HeadingPart(part, left, right, "same", 100.0)
    codes = WordCodes()
    score = _score(codes.encode(ls[i].key.split()), codes.encode(rs[j].key.split()))
    return HeadingPart(part, left, right, "changed", round(score, 1))


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
    keys = []
    written = []
    for sentences in (left, right):
        at, found, side_keys, words = 0, [], [], []
        for sentence in sentences:
            words.append(fold_marks(sentence).split())
            side_keys.append(list(filter(None, map(_word_keys.__getitem__, words[-1]))))
            found.append(Sentence(at, at + len(sentence), sentence, " ".join(side_keys[-1])))
            at += len(sentence) + 1
        sides.append(tuple(found))
        keys.append(side_keys)
        written.append(words)
    return _align(
        texts[0],
        texts[1],
        sides[0],
        sides[1],
        (keys[0], keys[1]),
        (written[0], written[1]),
        min_score,
        semantic,
    )


def _align(
    left: str,
    right: str,
    ls: tuple[Sentence, ...],
    rs: tuple[Sentence, ...],
    keys: tuple[_Keys, _Keys],
    written: tuple[_Written, _Written],
    min_score: float,
    semantic: bool = False,
    skip: tuple[set[int], set[int]] = (set(), set()),
    as_written: tuple[list[bool], list[bool]] = ([], []),
) -> PassageAlignment:
    """The steps of the module docstring: score the candidate pairs, take
    them best first one to one (paraphrases after), let left-over neighbours
    join as splits (right) and merges (left), then read off the aligned items
    and each side's passages. ``skip``: each side's sentences that take no
    part (its headline and byline); ``as_written``: whether each sentence's
    ``written`` words are its words as written (``_sentences``)."""
    if min_score <= 0:
        # Candidates share words; a pair sharing none scores 0.
        raise ValueError(f"min_score must be above 0, not {min_score}")
    aligner = _Aligner(ls, rs, keys, written, semantic, skip, as_written)
    groups = aligner.pair_up(aligner.scored_pairs(min_score), aligner.paraphrase_pairs())
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
        _passages(left, ls, keys[0], used_left | skip[0]),
        _passages(right, rs, keys[1], used_right | skip[1]),
    )


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Sentence pairs scored at once, by their positions in ``_Aligner.li``
    and ``_Aligner.ri``: every pair of the two sides (no ``rows`` and
    ``cols``; rapidfuzz's ``cdist``, scores as a matrix), or the pairs
    ``(rows[k], cols[k])`` (``cpdist``, scores as a vector)."""

    rows: list[int] | None = None
    cols: list[int] | None = None

    def ratio(self, lefts: Sequence[str], rights: Sequence[str]) -> np.ndarray[Any, Any]:
        """The indel ratio of each pair's left and right strings."""
        if self.rows is None or self.cols is None:
            return process.cdist(lefts, rights, scorer=fuzz.ratio)
        return process.cpdist(
            list(map(lefts.__getitem__, self.rows)),
            list(map(rights.__getitem__, self.cols)),
            scorer=fuzz.ratio,
        )

    def lengths(self, lefts: Sequence[str], rights: Sequence[str]) -> np.ndarray[Any, Any]:
        """Each pair's two strings' lengths, added."""
        if self.rows is None or self.cols is None:
            return np.add.outer([len(x) for x in lefts], [len(y) for y in rights])
        return np.array(
            [len(lefts[r]) + len(rights[c]) for r, c in zip(self.rows, self.cols, strict=True)]
        )

    def of(self, matrix: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """A matrix of every pair's values, for these pairs."""
        if self.rows is None or self.cols is None:
            return matrix
        return matrix[self.rows, self.cols]

    def marked(self, keep: np.ndarray[Any, Any]) -> list[tuple[Any, int, int]]:
        """``(index into the scores, row, column)`` of each pair ``keep``
        marks, in text order (by row, then column)."""
        if self.rows is None or self.cols is None:
            rows, cols = keep.nonzero()
            return [(rc, *rc) for rc in zip(rows.tolist(), cols.tolist(), strict=True)]
        return [(k, self.rows[k], self.cols[k]) for k in keep.nonzero()[0].tolist()]


# A group of aligned sentences: left indexes and right indexes, each sorted.
_Group = tuple[list[int], list[int]]


def _coded(
    keys: _Keys, names: paraphrase.Names
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Each of sentences given as their word keys (both sides', in order)
    encoded one character a word (``text.WordCodes``' codes: each distinct
    key numbered by its first appearance, from U+E000 on), the same sorted
    (its bag of words), and its weighted content and other content words
    (``paraphrase.weigh``) as sorted codes: what ``_Aligner`` scores.

    Built with array operations over all the words at once (each sentence
    sorted by its own numbers as one sort of sentence-major numbers), not
    word by word or sentence by sentence in Python: at a few hundred
    sentences that was a third of an alignment."""
    flat = list(chain.from_iterable(keys))
    distinct = dict.fromkeys(flat)
    numbers = dict(zip(distinct, range(len(distinct)), strict=True))
    words = np.fromiter(map(numbers.__getitem__, flat), np.int64, len(flat))
    lengths = np.fromiter(map(len, keys), np.int64, len(keys))
    sentence = np.repeat(np.arange(len(keys)), lengths)
    times, other, number = paraphrase.numbered_parts(list(distinct), names, numbers)
    # Sentence-major numbers: sorting them sorts each sentence's own.
    span = max(len(numbers), 1)
    counted = np.repeat(sentence * span + number[words], times[words])
    mask = other[words]
    plain = sentence[mask] * span + number[words][mask]
    return (
        _strings(words, lengths),
        _strings(np.sort(sentence * span + words) % span, lengths),
        _strings(np.sort(counted) % span, np.bincount(counted // span, minlength=len(keys))),
        _strings(np.sort(plain) % span, np.bincount(plain // span, minlength=len(keys))),
    )


def _strings(numbers: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any]) -> list[str]:
    """``numbers`` as codes (number n is U+E000 + n), cut into strings of
    ``lengths`` codes each."""
    text = (numbers + 0xE000).astype("<u4").tobytes().decode("utf-32-le")
    ends = np.cumsum(lengths).tolist()
    return list(map(text.__getitem__, map(slice, [0, *ends[:-1]], ends)))


class _Aligner:
    """One alignment of two texts' sentences, and the state its steps share:
    the sentences with words (``li``, ``ri``), each one's words encoded as
    one character per word (``codes``, shared by both sides; ``bags``, the
    same sorted), its row or column among
    the scored sentences (``lpos``, ``rpos``), the similarity by meaning in
    semantic mode (``meaning``), the score each one-to-one pair was taken at
    (``taken``), and each sentence's weighted content as sorted codes
    (``content``, ``paraphrase.content``)."""

    def __init__(
        self,
        ls: tuple[Sentence, ...],
        rs: tuple[Sentence, ...],
        keys: tuple[_Keys, _Keys],
        written: tuple[_Written, _Written],
        semantic: bool,
        skip: tuple[set[int], set[int]] = (set(), set()),
        as_written: tuple[list[bool], list[bool]] = ([], []),
    ) -> None:
        self.ls, self.rs = ls, rs
        # Each sentence's words, and whether they are its words as written.
        self.written, self.as_written = written, as_written
        self.li = [i for i, s in enumerate(ls) if s.key and i not in skip[0]]
        self.ri = [j for j, s in enumerate(rs) if s.key and j not in skip[1]]
        lkeys = [keys[0][i] for i in self.li]
        rkeys = [keys[1][j] for j in self.ri]
        names = paraphrase.names_of_words(
            [*(written[0][i] for i in self.li), *(written[1][j] for j in self.ri)]
        )
        codes, bags, content, plain = _coded([*lkeys, *rkeys], names)
        cut = len(lkeys)
        self.codes = (
            dict(zip(self.li, codes[:cut], strict=True)),
            dict(zip(self.ri, codes[cut:], strict=True)),
        )
        self.bags = (
            dict(zip(self.li, bags[:cut], strict=True)),
            dict(zip(self.ri, bags[cut:], strict=True)),
        )
        self.content = (content[:cut], content[cut:])
        self.plain = (plain[:cut], plain[cut:])
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

    def score(self, lefts: Sequence[int], rights: Sequence[int]) -> float:
        """``_score`` of left sentences ``lefts`` together and right ones
        ``rights`` together (each in order), from the codes already made."""
        if len(lefts) == 1 and len(rights) == 1:
            i, j = lefts[0], rights[0]
            a, b = self.codes[0][i], self.codes[1][j]
            return (fuzz.ratio(a, b) + fuzz.ratio(self.bags[0][i], self.bags[1][j])) / 2
        a = "".join([self.codes[0][i] for i in lefts])
        b = "".join([self.codes[1][j] for j in rights])
        return _score(a, b)

    def scored_pairs(self, min_score: float) -> list[tuple[float, int, int]]:
        """``(score, i, j)`` for every candidate pair scoring ``min_score``
        or more (every pair that does while the cap does not bind), in text
        order."""
        if not self.li or not self.ri:
            return []
        lcodes = [self.codes[0][i] for i in self.li]
        rcodes = [self.codes[1][j] for j in self.ri]
        lbags = [self.bags[0][i] for i in self.li]
        rbags = [self.bags[1][j] for j in self.ri]
        # Two native scores averaged (a Python scorer would be called back
        # for every pair), over words rather than letters: in order, and as
        # bags of words (each side's word codes sorted).
        found: list[tuple[float, int, int]] = []
        for pairs in self._batches(lambda: self.candidates(lcodes, rcodes, min_score)):
            score = (pairs.ratio(lcodes, rcodes) + pairs.ratio(lbags, rbags)) / 2
            if self.meaning is not None:
                # Different sentences of one story score up to the high 60s
                # by meaning, so meaning counts from its own, higher bar.
                by_meaning = pairs.of(self.meaning)
                score = np.maximum(score, np.where(by_meaning >= SEMANTIC_MIN, by_meaning, 0))
            found += self._kept(pairs, score, score >= min_score)
        return found

    def candidates(
        self, lcodes: list[str], rcodes: list[str], min_score: float
    ) -> tuple[list[int], list[int]]:
        """Rows and columns (positions in ``li`` and ``ri``) of the pairs to
        score: for each left sentence, the right ones its bag of words may
        overlap enough (at most the cap of the module docstring), and in
        semantic mode those that read alike by meaning."""
        # A pair's score is the mean of its indel ratio in order and as bags;
        # the first is at most the second (a common subsequence of two
        # sequences is one of their sorted bags), and the ratio of two bags
        # is their Dice overlap. So a pair at min_score overlaps by at least
        # min_score / 100 (less a margin for the scores' float32 rounding).
        threshold = min_score / 100 - 1e-4
        index = OverlapIndex(rcodes)
        cap = max(_MIN_CANDIDATES, _PAIR_BUDGET // len(lcodes))
        rows: list[int] = []
        cols: list[int] = []
        for row, code in enumerate(lcodes):
            found = index.candidates(
                code, threshold, cap=cap, near=row * len(rcodes) // len(lcodes)
            )
            if self.meaning is not None:
                # Semantic mode has at most semantic.MAX_SENTENCES a side.
                alike = np.flatnonzero(self.meaning[row] >= SEMANTIC_MIN).tolist()
                found = sorted({*found, *alike})
            rows += [row] * len(found)
            cols += found
        return rows, cols

    def paraphrase_pairs(self) -> list[tuple[float, int, int]]:
        """``(score, i, j)`` for every candidate pair whose weighted content
        overlap reaches ``paraphrase.PARAPHRASE_MIN`` with at least
        ``paraphrase.MIN_SHARED`` of it shared and ``paraphrase.PLAIN_MIN`` of
        the other content words, in text order (``paraphrase_candidates``)."""
        lcontent, rcontent = self.content
        if not self.li or not self.ri:
            return []
        found: list[tuple[float, int, int]] = []
        for pairs in self._batches(self.paraphrase_candidates):
            score = pairs.ratio(lcontent, rcontent)
            # The shared weight, from the Dice overlap and the two lengths.
            shared = score * pairs.lengths(lcontent, rcontent) / 200 + 1e-3
            keep = (score >= paraphrase.PARAPHRASE_MIN) & (shared >= paraphrase.MIN_SHARED)
            keep &= pairs.ratio(*self.plain) >= paraphrase.PLAIN_MIN
            found += self._kept(pairs, score, keep)
        return found

    def paraphrase_candidates(self) -> tuple[list[int], list[int]]:
        """Rows and columns of the pairs ``paraphrase_pairs`` scores: those
        whose content may overlap enough, from an index of the right side's
        content under the same cap as ``candidates``."""
        lcontent, rcontent = self.content
        threshold = paraphrase.PARAPHRASE_MIN / 100 - 1e-4
        index = OverlapIndex(rcontent)
        cap = max(_MIN_CANDIDATES, _PAIR_BUDGET // len(lcontent))
        rows: list[int] = []
        cols: list[int] = []
        for row, code in enumerate(lcontent):
            if len(code) < paraphrase.MIN_SHARED:
                continue
            found = index.candidates(
                code, threshold, cap=cap, near=row * len(rcontent) // len(lcontent)
            )
            rows += [row] * len(found)
            cols += found
        return rows, cols

    def _batches(self, candidates: Callable[[], tuple[list[int], list[int]]]) -> Iterator[_Pairs]:
        """The sentence pairs a rule scores, a batch at a time: every pair at
        once when there are at most ``_ALL_PAIRS`` (rapidfuzz scores them
        faster than the index finds the few that may align, and the cap
        cannot bind), else the ``candidates`` (rows and columns) in blocks
        of ``_BLOCK_CELLS``, so that long texts never hold all their
        candidates' scores."""
        if len(self.li) * len(self.ri) <= _ALL_PAIRS:
            yield _Pairs()
            return
        rows, cols = candidates()
        for top in range(0, len(rows), _BLOCK_CELLS):
            yield _Pairs(rows[top : top + _BLOCK_CELLS], cols[top : top + _BLOCK_CELLS])

    def _kept(
        self, pairs: _Pairs, scores: np.ndarray[Any, Any], keep: np.ndarray[Any, Any]
    ) -> list[tuple[float, int, int]]:
        """``(score, i, j)`` for each of ``pairs`` that ``keep`` marks, in
        text order."""
        return [
            (float(scores[at]), self.li[row], self.ri[col]) for at, row, col in pairs.marked(keep)
        ]

    def pair_up(
        self,
        pairs: list[tuple[float, int, int]],
        paraphrases: list[tuple[float, int, int]] | None = None,
    ) -> dict[int, _Group]:
        """Pairs (in text order: by left sentence, then right) taken best
        first, one to one, then ``paraphrases`` likewise among the sentences
        left, as groups keyed by their left sentence; records the score each
        was taken at."""
        # Best first; ties by text order (the sort is stable, reversed too),
        # so the result is deterministic.
        pairs.sort(key=itemgetter(0), reverse=True)
        more = sorted(paraphrases or (), key=itemgetter(0), reverse=True)
        to_right: dict[int, int] = {}
        to_left: set[int] = set()
        for score, i, j in (*pairs, *more):
            if i not in to_right and j not in to_left:
                to_right[i] = j
                to_left.add(j)
                self.taken[i, j] = score
        return {i: ([i], [j]) for i, j in to_right.items()}

    def near(self, i: int, j: int) -> bool:
        """Whether left sentence ``i`` and right sentence ``j`` share
        anything at all (a join needs it)."""
        if self.score((i,), (j,)) >= _NEAR:
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
        mine = self.codes[at]
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
                own, joined = group[at], sorted([*group[at], k])
                if side == "right":
                    alone = self.score(group[0], own)
                    together = self.score(group[0], joined)
                else:
                    alone = self.score(own, group[1])
                    together = self.score(joined, group[1])
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
            # One code a key, so the same codes are the same keys.
            else "same"
            if self.codes[0][lefts[0]] == self.codes[1][rights[0]]
            else "reworded"
        )
        score = self.score(lefts, rights)
        if len(lefts) == len(rights) == 1:
            # The score the pair was taken at (by meaning, it can be higher).
            score = max(score, self.taken[lefts[0], rights[0]])
        ltext = " ".join(ls[i].text for i in lefts)
        rtext = " ".join(rs[j].text for j in rights)
        if ltext == rtext:
            diff = word_diff(ltext, rtext)
        else:
            # What word_diff does, from the words each sentence already has
            # (the words of sentences joined by spaces are theirs in turn).
            diff = words_diff(self.written_words(0, lefts), self.written_words(1, rights))
        return AlignedSentences(tuple(lefts), tuple(rights), relation, round(score, 1), tuple(diff))

    def written_words(self, side: int, sentences: list[int]) -> list[str]:
        """The words as written (``text.words``) of ``sentences`` of the left
        (``side`` 0) or right, in turn."""
        known, as_written = self.written[side], self.as_written[side]
        texts = self.ls if side == 0 else self.rs
        found: list[str] = []
        for k in sentences:
            found += known[k] if k < len(as_written) and as_written[k] else words(texts[k].text)
        return found


def _passages(
    text: str, sentences: Sequence[Sentence], keys: _Keys, used: set[int]
) -> tuple[Passage, ...]:
    """Runs of adjacent sentences (with words) that take part in nothing
    (``keys``: each sentence's word keys)."""
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
        words = sum(len(keys[k]) for k in run)
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
