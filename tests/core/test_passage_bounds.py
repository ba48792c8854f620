"""Sentence alignment takes time linear in its texts, and finds what the
scoring of all sentence pairs found.

Two 890,000-character texts of short sentences took 28.6 s when every
sentence pair was scored. Now candidate pairs come from an index of the
other text's words (``blocker.OverlapIndex``), capped per sentence; the
times are compared as a ratio of CPU times (``size_ratio``, as the other
linearity tests do), never against a wall clock.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import pytest
from rapidfuzz import fuzz

from service.core.alignment import passages as passages_module
from service.core.alignment.blocker import OverlapIndex
from service.core.alignment.passages import MIN_SCORE, align_passages
from tests.core.test_adversarial import size_ratio

_LETTERS = "abcdefghiklmnoprstuvw"


def _unique_sentences(chars: int, seed: int) -> str:
    """About ``chars`` characters of short sentences of made-up words, none
    sharing a word with another but by chance."""
    rnd = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < chars:
        words = ("".join(rnd.choice(_LETTERS) for _ in range(rnd.randint(3, 8))) for _ in range(4))
        sentence = " ".join(words).capitalize() + ". "
        out.append(sentence)
        total += len(sentence)
    return "".join(out)


def _tiny_vocabulary(chars: int, seed: int) -> str:
    """Short sentences over eight words: nearly every pair shares words."""
    rnd = random.Random(seed)
    vocabulary = "he she said no yes we will go".split()
    out: list[str] = []
    total = 0
    while total < chars:
        sentence = " ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(2, 5)))
        out.append(sentence.capitalize() + ". ")
        total += len(out[-1])
    return "".join(out)


@pytest.mark.parametrize(
    ("make", "n"),
    [
        (_unique_sentences, 40_000),  # about 1,500 sentences a side; the large run 6,000
        (_tiny_vocabulary, 10_000),  # about 500 sentences a side; the large run 2,000
    ],
)
def test_alignment_time_is_linear_in_the_texts(make: Callable[[int, int], str], n: int) -> None:
    small = (make(n, 1), make(n, 2))
    large = (make(4 * n, 1), make(4 * n, 2))
    ratio = size_ratio(lambda: align_passages(*small), lambda: align_passages(*large))
    assert ratio < 8.0, f"4x the text multiplied the time by {ratio:.2f}"


def test_repeated_sentences_still_align_in_order() -> None:
    # Every left sentence is a candidate of every right one: the cap keeps
    # those nearest its own place in the text, so the copies pair in order.
    text = "He said no. " * 1_000
    p = align_passages(text, text)
    assert [(a.left, a.right, a.relation) for a in p.aligned] == [
        ((k,), (k,), "same") for k in range(1_000)
    ]
    assert p.left_only == p.right_only == ()


def test_a_moved_sentence_is_found_among_many() -> None:
    # The cap binds only where a word is in many sentences; a sentence with
    # a rare word is found wherever it went.
    filler = [f"Item {k} was noted by the clerk. " for k in range(3_000)]
    moved = "The treasurer resigned over the missing ledgers. "
    left = "".join([moved, *filler])
    right = "".join([*filler, moved])
    p = align_passages(left, right)
    assert ((0,), (3_000,), "same") in [(a.left, a.right, a.relation) for a in p.aligned]
    assert p.left_only == p.right_only == ()


def _bag_dice(a: str, b: str) -> float:
    """Dice coefficient of the two strings' bags of characters."""
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def test_the_index_finds_every_pair_that_could_reach_the_threshold() -> None:
    """Below the cap, candidates are every indexed sequence whose bag of
    symbols overlaps the query's by the threshold (a Dice coefficient):
    prefix filtering loses none of them."""
    rnd = random.Random(3)
    for trial in range(200):
        alphabet = "abcdefghij"[: rnd.randint(2, 10)]
        items = ["".join(rnd.choices(alphabet, k=rnd.randint(1, 12))) for _ in range(40)]
        index = OverlapIndex(items)
        threshold = rnd.choice([0.3, MIN_SCORE / 100, 0.7, 0.9, 1.0])
        for query in ("".join(rnd.choices(alphabet, k=rnd.randint(1, 12))) for _ in range(10)):
            found = index.candidates(query, threshold, cap=len(items))
            wanted = {n for n, item in enumerate(items) if _bag_dice(query, item) >= threshold}
            assert wanted <= set(found), (trial, query, threshold)


def test_a_pair_scoring_the_minimum_overlaps_by_it_as_bags() -> None:
    # What makes the index exact: a pair's score is at most the indel ratio
    # of its bags (sorted codes), which is their Dice coefficient.
    rnd = random.Random(5)
    for _ in range(2_000):
        a = "".join(rnd.choices("abcdef", k=rnd.randint(1, 10)))
        b = "".join(rnd.choices("abcdef", k=rnd.randint(1, 10)))
        score = (fuzz.ratio(a, b) + fuzz.ratio("".join(sorted(a)), "".join(sorted(b)))) / 2
        assert score <= 100 * _bag_dice(a, b) + 1e-6


def test_the_index_caps_candidates_and_takes_the_nearest() -> None:
    items = ["ab"] * 1_000
    index = OverlapIndex(items)
    found = index.candidates("ab", 0.5, cap=10, near=500)
    assert found == list(range(495, 505))
    assert index.candidates("ab", 0.5, cap=10, near=0) == list(range(10))
    assert index.candidates("ab", 0.5, cap=10, near=5_000) == list(range(990, 1_000))
    assert index.candidates("zz", 0.5, cap=10) == []


def test_normal_articles_are_scored_without_a_cap(
    pair_texts: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles of hundreds of sentences stay under the pair budget, so the
    alignment is what scoring every pair gave; even two candidates a
    sentence change nothing on the repository's pair, whose sentences are
    found by their rarer words first."""
    left, right = pair_texts
    whole = align_passages(left, right)
    monkeypatch.setattr(passages_module, "_ALL_PAIRS", 0)  # the index, not every pair
    monkeypatch.setattr(passages_module, "_PAIR_BUDGET", 1)
    monkeypatch.setattr(passages_module, "_MIN_CANDIDATES", 2)
    assert align_passages(left, right) == whole
    assert whole.aligned and whole.left_only and whole.right_only


def test_min_score_must_be_above_zero() -> None:
    with pytest.raises(ValueError, match="min_score"):
        align_passages("A b c.", "A b c.", min_score=0)


def test_every_pair_scored_at_once_aligns_as_the_index_does(
    pair_texts: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short texts have every sentence pair scored at once; the index finds
    every pair that can align, so both ways give one alignment, paraphrases,
    splits and merges included, whichever side is longer."""
    left, right = pair_texts
    texts = [
        (left, right),
        (right, left),
        (
            "The council voted 7-2 on Tuesday to add bus lanes on Harbor Avenue. "
            "Residents objected. The mayor said the plan would cost $4 million.",
            "Harbor Avenue will get bus lanes after the city council backed the plan "
            "7-2 on Tuesday. The mayor put the cost at $4 million. Residents objected, "
            "and a petition followed.",
        ),
    ]
    grid = [align_passages(a, b) for a, b in texts]
    assert passages_module._ALL_PAIRS >= 20 * 20
    monkeypatch.setattr(passages_module, "_ALL_PAIRS", 0)
    assert [align_passages(a, b) for a, b in texts] == grid
    assert all(found.aligned for found in grid)
