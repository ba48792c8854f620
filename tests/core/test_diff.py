"""service.core.diff: word-level edit scripts between two quotations."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core.diff import DiffOp, rebuild, word_diff, words_diff
from service.core.text import words


def script(left: str, right: str) -> list[tuple[str, str, str]]:
    return [(o.op, o.left, o.right) for o in word_diff(left, right)]


class TestWordDiff:
    def test_identical_is_one_equal_op(self) -> None:
        assert script("careless claims", "careless claims") == [
            ("equal", "careless claims", "careless claims")
        ]

    def test_equal_ignores_case_punctuation_and_quote_style(self) -> None:
        assert script("“Jamaica’s own business,”", "\"jamaica's OWN business.") == [
            ("equal", "“Jamaica’s own business,”", "\"jamaica's OWN business.")
        ]

    def test_british_and_american_spellings_are_equal(self) -> None:
        assert script("criminal organisations", "criminal organizations") == [
            ("equal", "criminal organisations", "criminal organizations")
        ]

    def test_but_added_at_the_start(self) -> None:
        assert script(
            "We use this chance to state one fact plainly.",
            "But we use this chance to state one fact plainly.",
        ) == [
            ("insert", "", "But"),
            (
                "equal",
                "We use this chance to state one fact plainly.",
                "we use this chance to state one fact plainly.",
            ),
        ]

    def test_word_dropped_inside(self) -> None:
        assert script("I just answered your question", "I answered your question") == [
            ("equal", "I", "I"),
            ("delete", "just", ""),
            ("equal", "answered your question", "answered your question"),
        ]

    def test_changed_words_become_one_replace(self) -> None:
        assert script(
            "the pain in my soul claimed people's lives",
            "the pain in my soul took away people's lives",
        ) == [
            ("equal", "the pain in my soul", "the pain in my soul"),
            ("replace", "claimed", "took away"),
            ("equal", "people's lives", "people's lives"),
        ]

    def test_completely_different(self) -> None:
        assert script("Says who?", "Which roads?") == [("replace", "Says who?", "Which roads?")]

    def test_empty_sides(self) -> None:
        assert word_diff("", "") == []
        assert script("", "fake news") == [("insert", "", "fake news")]
        assert script("fake news", "") == [("delete", "fake news", "")]

    def test_punctuation_tokens_only_equal_themselves(self) -> None:
        ops = script("you guys are down —", "you guys are down …")
        assert ops[0] == ("equal", "you guys are down", "you guys are down")
        assert ops[-1] == ("replace", "—", "…")

    def test_whitespace_variants_are_single_spaces_in_ops(self) -> None:
        ops = word_diff("hold\u00a0its\n\ntongue  now", "hold its tongue now")
        assert [(o.left, o.right) for o in ops] == [("hold its tongue now", "hold its tongue now")]

    def test_long_repetitive_quotes_are_not_junked(self) -> None:
        # difflib's autojunk would ignore "the" in 200+ word sequences.
        left = " ".join(["the"] * 150 + ["end"] + ["the"] * 150)
        right = " ".join(["the"] * 150 + ["finish"] + ["the"] * 150)
        ops = script(left, right)
        assert [o[0] for o in ops] == ["equal", "replace", "equal"]
        assert ops[1] == ("replace", "end", "finish")

    def test_deterministic(self) -> None:
        a = "we will not plan to sell them and we will not"
        b = "we will not sell them and we will never plan to"
        assert word_diff(a, b) == word_diff(a, b)


class TestWordsDiff:
    def test_lists_of_words(self) -> None:
        assert [(o.op, o.left, o.right) for o in words_diff(["a", "b"], ["a", "c"])] == [
            ("equal", "a", "a"),
            ("replace", "b", "c"),
        ]


class TestRebuild:
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("We use this chance", "But we use the chance"),
            ("", "all new"),
            ("all gone", ""),
            ("Says who? Says who?", "Says who?"),
        ],
    )
    def test_rebuilds_both_sides(self, left: str, right: str) -> None:
        assert rebuild(word_diff(left, right)) == (left, right)

    def test_no_adjacent_ops_of_the_same_kind(self) -> None:
        ops = word_diff("a b c d e f g", "a x c y z f h")
        for first, second in itertools.pairwise(ops):
            assert first.op != second.op
            assert {first.op, second.op} != {"insert", "delete"}


class TestDiffOp:
    def test_frozen(self) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            DiffOp("equal", "a", "a").op = "insert"  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab —“”,.\u00a0\u200b\n'", max_size=40))
def test_a_text_diffed_with_itself_is_one_run_of_its_words(text: str) -> None:
    """Equal texts are answered without the diff, exactly as the diff answers."""
    assert word_diff(text, text) == words_diff(words(text), words(text))
    assert all(op.op == "equal" for op in word_diff(text, text))
