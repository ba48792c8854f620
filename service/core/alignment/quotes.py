"""Aligning the quotations of two texts: which quote of one is which of the other.

How a pair is judged (on word keys, see ``text.word_key``):

- *identical*: the same words, ignoring case, punctuation, quote style,
  spacing and spelling variants;
- *reworded*: most words shared in the same order (word-level Indel
  similarity at least ``rules.min_similarity``, and at least
  ``rules.min_content_similarity`` over content words alone) and neither
  extends past the other by ``rules.partial_overhang`` words or more;
- *partial*: one is a fragment of the other (its best window of the longer
  quote, found word by word with rapidfuzz's ``partial_ratio_alignment``,
  scores at least ``rules.min_cover``), or they share a run of
  ``rules.min_run`` words or more, or they would be reworded but one extends
  past the other.
  Every match needs a shared content word, so "all of them" or "OK" alone
  never match.

The thresholds are a ``MatchRules`` (``alignment.rules``), passed as one
keyword-only ``rules`` object. Candidate pairs come from an inverted index of
content words (``alignment.blocker``: a pair with none in common cannot
match), then are judged with rapidfuzz's optimal
``Indel`` alignment of their word keys.
Identical and reworded matches are one to one (best score first); partial
matches may be one to many, which is how an outlet that splits a statement,
or quotes a fragment and the whole, is aligned. Repeats of a quote within
one text are aligned once and every repeat shares its matches.

>>> from service.core.quotes.extract import Quote
>>> a = [Quote("We will not export them.", 0, 24), Quote("fake", 30, 34)]
>>> b = [Quote("But we will not export them", 0, 27), Quote("rumours", 30, 37)]
>>> al = align_quotes(a, b)
>>> [(m.left, m.right, m.relation) for m in al.matches], al.left_only, al.right_only
([(0, 0, 'reworded')], (1,), (1,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from service.core.alignment.blocker import Blocker
from service.core.alignment.rules import DEFAULT_RULES, MatchRules
from service.core.diff import DiffOp, words_diff
from service.core.quotes.extract import Quote
from service.core.text import WORD_SPELLING, WordCodes, keys, words

__all__ = [
    "Alignment",
    "Judgement",
    "Match",
    "Relation",
    "align_quotes",
    "compare_quotes",
    "content_words",
    "judge_keys",
]

Relation = Literal["identical", "reworded", "partial"]

# Words that cannot carry a fragment match on their own.
_STOP = frozenset(
    """a about after all also am an and any are as at be been but by can could did do does
    for from had has have he her him his how i if in into is it its just me more most my no
    not now of ok okay on one or our out she so some than that the their them then there these
    they this those to too up us very was we were what when where which who whom why will with
    would yes yet you your""".split()
)


@dataclass(frozen=True, slots=True)
class Match:
    """A left quote and a right quote found to be one statement: their
    indexes, the relation, the score (0–100) and the word diff from left to
    right."""

    left: int
    right: int
    relation: Relation
    score: float
    diff: tuple[DiffOp, ...]


@dataclass(frozen=True, slots=True)
class Alignment:
    """The matches, by left then right index, and the indexes of the quotes
    that only one side carries."""

    matches: tuple[Match, ...]
    left_only: tuple[int, ...]
    right_only: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one pair: relation, score (0–100) and whether it is
    exclusive (identical and reworded pair one to one; partial may not)."""

    relation: Relation
    score: float
    exclusive: bool  # identical/reworded: at most one per quote


def _best_window(short: Sequence[str], long_: Sequence[str]) -> tuple[float, int, int]:
    """Score (0–100), start and end of ``short``'s best window in ``long_``.

    rapidfuzz's partial ratio over words: each word is encoded as one
    private-use character, so a window never starts or ends mid-word.
    """
    codes = WordCodes()
    found = fuzz.partial_ratio_alignment(codes.encode(short), codes.encode(long_))
    if found is None:  # only with a score_cutoff, which is not set
        return 0.0, 0, len(long_)
    return float(found.score), found.dest_start, found.dest_end


def content_words(words: Sequence[str]) -> list[str]:
    """The words of a quote's word keys that can carry a match: three letters
    or more, and not a function word.

    >>> content_words(["all", "of", "them", "export", "it"])
    ['export']
    """
    return [w for w in words if len(w) >= 3 and w not in _STOP]


def judge_keys(
    lk: Sequence[str],
    rk: Sequence[str],
    lc: Sequence[str],
    rc: Sequence[str],
    *,
    rules: MatchRules = DEFAULT_RULES,
) -> Judgement | None:
    """Judge two quotations given as word keys (``text.keys``) and their
    content words (``content_words``), precomputed so that callers judging
    many pairs compute them once per quote. ``None``: not one statement.
    """
    if not lk or not rk:
        return None
    same_word = WORD_SPELLING.same
    if len(lk) == len(rk) and all(same_word(a, b) for a, b in zip(lk, rk, strict=True)):
        return Judgement("identical", 100.0, True)
    blocks = [b for b in Indel.opcodes(lk, rk).as_matching_blocks() if b.size]
    shared = [w for b in blocks for w in lk[b.a : b.a + b.size]]
    short = min(len(lk), len(rk))
    # Shared function words alone ("all of them", "OK") are not a statement,
    # and one short word is too little to tie two quotations together.
    if not content_words(shared) or (short == 1 and len(shared[0]) < 5):
        return None
    matched = len(shared)
    similarity = 2 * matched / (len(lk) + len(rk))
    content_similarity = Indel.normalized_similarity(lc, rc)
    first, last = blocks[0], blocks[-1]
    lead = abs(first.a - first.b)
    trail = abs((len(lk) - last.a - last.size) - (len(rk) - last.b - last.size))
    overhang = max(lead, trail)

    # Where the shorter quote sits inside the longer one, if it does: the
    # longer's words outside that window are what it adds.
    fragment, longer = (lk, rk) if len(lk) <= len(rk) else (rk, lk)
    # (Only when the longer has words to spare: between near-equal lengths
    # a sliding window is no better than the whole.)
    window, w_start, w_end = 0.0, 0, len(longer)
    if len(longer) - len(fragment) >= 2:
        window, w_start, w_end = _best_window(fragment, longer)
    if window >= 100 * rules.min_cover:
        # The window is as long as the fragment, so when the fragment drops
        # words from inside the longer quote the window stops short of the
        # longer's end: words outside it that the alignment matched to the
        # fragment are not what the longer adds.
        in_longer = [(b.a if longer is lk else b.b, b.size) for b in blocks]
        before = sum(max(0, min(start + size, w_start) - start) for start, size in in_longer)
        after = sum(max(0, start + size - max(start, w_end)) for start, size in in_longer)
        overhang = max(w_start - before, len(longer) - w_end - after)
        if overhang >= rules.partial_overhang or (overhang >= 2 and overhang >= short):
            return Judgement("partial", round(window, 1), False)

    if (
        similarity >= rules.min_similarity
        and content_similarity >= rules.min_content_similarity
        and matched >= 2
    ):
        if overhang >= rules.partial_overhang or (overhang >= 2 and overhang >= short):
            return Judgement("partial", round(100 * matched / short, 1), False)
        return Judgement("reworded", round(100 * similarity, 1), True)
    if window >= 100 * rules.min_cover:
        return Judgement("partial", round(window, 1), False)
    if max(b.size for b in blocks) >= rules.min_run:
        return Judgement("partial", round(100 * matched / short, 1), False)
    return None


def compare_quotes(
    left: str,
    right: str,
    *,
    rules: MatchRules = DEFAULT_RULES,
) -> tuple[Relation, float] | None:
    """Relation and score of two quotations, ``None`` when they differ.

    >>> compare_quotes("Says who?", "Says who? Says who?")
    ('partial', 100.0)
    >>> compare_quotes("All of them.", "Bridges. Most of them. All of them?") is None
    True
    """
    j = judge_keys(
        (lk := keys(left)),
        (rk := keys(right)),
        content_words(lk),
        content_words(rk),
        rules=rules,
    )
    return None if j is None else (j.relation, j.score)


def _groups(keys: Sequence[list[str]]) -> list[list[int]]:
    """Indexes of quotes with the same words, first occurrence first."""
    by_key: dict[tuple[str, ...], list[int]] = {}
    for i, k in enumerate(keys):
        by_key.setdefault(tuple(k), []).append(i)
    return sorted(by_key.values(), key=lambda g: g[0])


def align_quotes(
    left: Sequence[Quote],
    right: Sequence[Quote],
    *,
    rules: MatchRules = DEFAULT_RULES,
) -> Alignment:
    """Align two texts' quotations (see the module docstring), judging pairs
    by ``rules``."""
    lkeys = [keys(q.text) for q in left]
    rkeys = [keys(q.text) for q in right]
    lgroups = [g for g in _groups(lkeys) if lkeys[g[0]]]
    rgroups = [g for g in _groups(rkeys) if rkeys[g[0]]]
    lwords = [lkeys[g[0]] for g in lgroups]
    rwords = [rkeys[g[0]] for g in rgroups]
    lcontent = [content_words(w) for w in lwords]
    rcontent = [content_words(w) for w in rwords]

    candidates: list[tuple[float, int, int, int, Judgement]] = []
    for gi, gj in Blocker(rwords, rcontent).pairs(lwords, lcontent):
        j = judge_keys(
            lwords[gi],
            rwords[gj],
            lcontent[gi],
            rcontent[gj],
            rules=rules,
        )
        if j is not None:
            rank = 2 if j.relation == "identical" else int(j.exclusive)
            candidates.append((j.score, rank, gi, gj, j))

    # Best first; ties broken by text order so the result is deterministic.
    candidates.sort(key=lambda c: (-c[1], -c[0], c[2], c[3]))
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    chosen: list[tuple[int, int, Judgement]] = []
    for _, _, gi, gj, j in candidates:
        if j.exclusive:
            if gi in taken_left or gj in taken_right:
                continue
            taken_left.add(gi)
            taken_right.add(gj)
        chosen.append((gi, gj, j))

    matches: list[Match] = []
    for gi, gj, j in chosen:
        lg, rg = lgroups[gi], rgroups[gj]
        pairs = [(i, rg[0]) for i in lg] + [(lg[0], k) for k in rg[1:]]
        for i, k in pairs:
            diff = tuple(words_diff(words(left[i].text), words(right[k].text)))
            matches.append(Match(i, k, j.relation, j.score, diff))
    matches.sort(key=lambda m: (m.left, m.right))
    in_left = {m.left for m in matches}
    in_right = {m.right for m in matches}
    return Alignment(
        tuple(matches),
        tuple(i for i in range(len(left)) if i not in in_left),
        tuple(k for k in range(len(right)) if k not in in_right),
    )
