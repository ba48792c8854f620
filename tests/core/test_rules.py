"""The alignment thresholds (``MatchRules``), the one candidate blocker both
aligners use (``Blocker``), and the two named spelling rules."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from service.core import DEFAULT_RULES, MatchRules, align_quotes
from service.core.alignment.blocker import MAX_POSTINGS, Blocker
from service.core.alignment.quotes import compare_quotes, content_words, judge_keys
from service.core.alignment.stories import Member, align_story
from service.core.quotes.extract import Quote
from service.core.text import NAME_SPELLING, WORD_SPELLING, keys


def quotes(*texts: str) -> list[Quote]:
    return [Quote(t, 0, len(t)) for t in texts]


class TestMatchRules:
    def test_defaults_are_named_and_frozen(self) -> None:
        named = MatchRules(
            min_similarity=0.6,
            min_content_similarity=0.5,
            min_cover=0.8,
            min_run=6,
            partial_overhang=3,
        )
        assert named == DEFAULT_RULES
        with pytest.raises(dataclasses.FrozenInstanceError):
            DEFAULT_RULES.min_run = 2  # type: ignore[misc]

    def test_passing_the_defaults_changes_nothing(self) -> None:
        left = quotes("We will not raise taxes on families this year", "fake")
        right = quotes("But we will not raise any taxes on families", "fake news")
        assert align_quotes(left, right, rules=DEFAULT_RULES) == align_quotes(left, right)

    def test_each_rule_changes_a_result(self) -> None:
        reworded = (
            "We will not raise taxes on families this year",
            "We will not raise any new taxes on families",
        )
        assert compare_quotes(*reworded) == ("reworded", 77.8)
        assert compare_quotes(*reworded, rules=MatchRules(min_similarity=0.8)) is None
        assert compare_quotes(*reworded, rules=MatchRules(min_content_similarity=0.9)) is None

        fragment = (
            "rebuild the old bridge before winter",
            "Officials said on Monday that they will rebuild the old stone bridge "
            "before winter comes",
        )
        assert compare_quotes(*fragment) == ("partial", 83.3)
        assert compare_quotes(*fragment, rules=MatchRules(min_cover=0.95)) is None

        extended = ("We will not raise taxes", "We will not raise taxes on working families")
        assert compare_quotes(*extended) == ("partial", 100.0)
        assert compare_quotes(*extended, rules=MatchRules(partial_overhang=4)) == (
            "reworded",
            76.9,
        )

        run = (
            "the bridge will be rebuilt before the winter storms",
            "officials said the bridge will be rebuilt before the winter storms come, they hope",
        )
        strict = MatchRules(min_similarity=0.9, min_cover=1.01)
        assert compare_quotes(*run, rules=strict) == ("partial", 100.0)
        assert compare_quotes(*run, rules=dataclasses.replace(strict, min_run=20)) is None

    def test_story_alignment_takes_the_same_rules(self) -> None:
        members = [
            Member("x", quotes("We will not raise taxes on families this year"), order=0),
            Member("y", quotes("We will not raise any new taxes on families"), order=1),
        ]
        assert len(align_story(members).statements) == 1
        assert len(align_story(members, rules=MatchRules(min_similarity=0.8)).statements) == 2

    def test_rules_are_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            compare_quotes("a b", "a b", DEFAULT_RULES)  # type: ignore[misc]


class TestSpellingRules:
    def test_words_are_stricter_than_names(self) -> None:
        # One letter apart in a short word is another word ...
        assert not WORD_SPELLING.same("their", "there")
        assert not WORD_SPELLING.same("affect", "effect")
        assert WORD_SPELLING.same("judgement", "judgment")
        # ... and in a name, a transliteration.
        assert NAME_SPELLING.same("ahmed", "ahmad")
        assert NAME_SPELLING.same("zelenskyy", "zelenskiy")
        assert not NAME_SPELLING.same("kirby", "psaki")

    def test_spelling_variants_are_identical_quotes(self) -> None:
        assert compare_quotes("The judgement was final", "The judgment was final") == (
            "identical",
            100.0,
        )
        assert compare_quotes("They affect us", "They effect us") != ("identical", 100.0)


# Blocking: the pairs the index yields are exactly the brute-force definition.

VOCABULARY = "we will not export them all of the bridge before winter storms people worry".split()


def _brute_force(left: list[list[str]], right: list[list[str]], cap: int) -> list[tuple[int, int]]:
    contents = [content_words(k) for k in right]
    postings = {w: sum(w in c for c in contents) for c in contents for w in c}
    return sorted(
        (i, j)
        for i, lk in enumerate(left)
        for j, rk in enumerate(right)
        if lk == rk or any(w in contents[j] and postings[w] <= cap for w in content_words(lk))
    )


@settings(max_examples=200, deadline=None)
@given(
    left=hst.lists(hst.lists(hst.sampled_from(VOCABULARY), max_size=6), max_size=12),
    right=hst.lists(hst.lists(hst.sampled_from(VOCABULARY), max_size=6), max_size=12),
    cap=hst.integers(1, 6),
)
def test_blocker_pairs_are_the_brute_force_pairs(
    left: list[list[str]], right: list[list[str]], cap: int
) -> None:
    blocker = Blocker(right, [content_words(k) for k in right], max_postings=cap)
    assert blocker.pairs(left, [content_words(k) for k in left]) == _brute_force(left, right, cap)


def test_blocker_loses_no_match_under_the_cap() -> None:
    texts = [
        "We will not export them",
        "But we will not export them",
        "All of them.",
        "all of them",
        "The bridge will be rebuilt before winter",
        "rebuilt before winter",
        "People worry",
    ]
    ks = [keys(t) for t in texts]
    content = [content_words(k) for k in ks]
    blocker = Blocker(ks, content)
    assert blocker.max_postings == MAX_POSTINGS
    for i, (lk, lc) in enumerate(zip(ks, content, strict=True)):
        found = blocker.candidates(lk, lc)
        for j, (rk, rc) in enumerate(zip(ks, content, strict=True)):
            if judge_keys(lk, rk, lc, rc) is not None:
                assert j in found, (texts[i], texts[j])


def test_a_word_in_too_many_quotes_finds_no_candidates() -> None:
    many = [["export"]] * (MAX_POSTINGS + 1)
    assert Blocker(many, many).candidates(["we", "export"], ["export"]) == set()
    assert Blocker(many[:MAX_POSTINGS], many[:MAX_POSTINGS]).candidates(
        ["we", "export"], ["export"]
    ) == set(range(MAX_POSTINGS))
