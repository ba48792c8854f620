"""Edits said by which side has which words (``service.core.insight.wording``)."""

from __future__ import annotations

import pytest

from service.core.diff import word_diff
from service.core.insight.edits import classify_edits
from service.core.insight.wording import plain, say


def _said(left: str, right: str, *, baseline: bool = False) -> list[str]:
    edits = classify_edits(left, right, word_diff(left, right))
    names = ("the baseline", "the candidate") if baseline else ("The Daily", "City Wire")
    return [plain(e, *names, baseline=baseline) for e in edits]


@pytest.mark.parametrize(
    ("left", "right", "said"),
    [
        # A word one side lacks: said by who has it, whichever side.
        ("from the people", "from people", ["only The Daily has: “the”"]),
        ("from people", "from the people", ["only City Wire has: “the”"]),
        ("we will win", "But we will win", ["only City Wire has, at the start: “But”"]),
        (
            "we will win this year and the next",
            "we will win",
            ["only The Daily has, at the end: “this year and the next”"],
        ),
        ("a single vote", "one vote", ["The Daily has “a single” where City Wire has “one”"]),
        (
            "we have ... exported weapons",
            "we have never exported weapons",
            ["The Daily marks a cut with an ellipsis; only City Wire has: “never”"],
        ),
    ],
)
def test_an_edit_is_said_by_which_outlet_has_which_words(
    left: str, right: str, said: list[str]
) -> None:
    assert _said(left, right) == said
    assert not any("inserted" in s or "added" in s for s in said)


def test_with_a_baseline_it_is_what_the_candidate_dropped_or_added() -> None:
    assert _said("from the people", "from people", baseline=True) == [
        "the candidate dropped: “the”"
    ]
    assert _said("we will win", "But we will win", baseline=True) == [
        "the candidate added, at the start: “But”"
    ]
    assert _said("a single vote", "one vote", baseline=True) == [
        "the candidate has “one” for “a single”"
    ]


def test_the_marked_segments_are_the_words_one_side_alone_has() -> None:
    (edit,) = classify_edits(
        "from the people", "from people", word_diff("from the people", "from people")
    )
    assert [text for text, marked in say(edit, "L", "R") if marked] == ["the"]
