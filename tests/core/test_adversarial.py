"""Hostile texts take time linear in their size.

Each input is run at size n and 4n (n chosen so that a run takes
milliseconds to tens of them, above timer noise) and the times compared as
a ratio, not against a wall clock (these machines are shared and noisy).
Linear is a ratio of about 4 (doubling twice, at most doubling the time
each time); quadratic would be about 16. The bound, 8, leaves room for noise
while still failing any quadratic step. Each size is timed in CPU
time of this process (other processes' load does not count) as the best of
five runs, small and large in turn.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable

import pytest

from service.core import compare_texts, extract_quotes, sentences
from service.core.sentences import WHOLE, WINDOW, sentence_spans

CASES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (text of about n characters, n)
    "unmatched double marks": (lambda n: '"' * n, 500_000),
    "spaced unmatched openers": (lambda n: "“ " * (n // 2), 500_000),
    "apostrophes": (lambda n: "'" * n, 500_000),
    "marks between words": (lambda n: 'a "' * (n // 3), 75_000),
    "deeply nested quotes": (lambda n: "“‘" * (n // 2), 400_000),
    "nested quotes with words": (lambda n: "“a ‘b " * (n // 6), 30_000),
    "zero-width characters only": (lambda n: "\u200b" * n, 500_000),
    "right-to-left text": (lambda n: 'قال المتحدث "لن نتراجع" اليوم. ' * (n // 32), 20_000),
    "mixed scripts": (lambda n: 'Привет "мир" 你好 «世界» שלום ' * (n // 30), 20_000),
    "one paragraph of quotes": (lambda n: '"word word," he said. ' * (n // 22), 20_000),
    "names everywhere": (lambda n: 'John Smith said "yes" and ' * (n // 26), 40_000),
    # Speakers (issue 16): a sentence of quotations, descriptions and roles.
    "one sentence of quotations": (lambda n: 'Lee, who said "a" and "b" and ' * (n // 30), 10_000),
    "roles and pronouns": (
        lambda n: 'Sheriff Ann Lee came. "No," the sheriff said. "Yes," she said. ' * (n // 64),
        20_000,
    ),
}


def size_ratio(run_small: Callable[[], object], run_large: Callable[[], object]) -> float:
    """Best CPU time of the large run over best of the small, each the best
    of five, the two taken in turn so that a spell of load on a shared
    machine (caches and memory bandwidth taken by others) falls on both.
    As timeit does, with the garbage collector paused: its passes cost in
    proportion to everything else the test process holds, not to the input."""
    small: list[float] = []
    large: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            for run, times in ((run_small, small), (run_large, large)):
                began = time.process_time()
                run()
                times.append(time.process_time() - began)
    finally:
        gc.enable()
    return min(large) / min(small)


@pytest.mark.parametrize("name", list(CASES))
def test_extraction_time_is_linear(name: str) -> None:
    make, n = CASES[name]
    small, large = make(n), make(4 * n)
    ratio = size_ratio(lambda: extract_quotes(small), lambda: extract_quotes(large))
    assert ratio < 8.0, f"{name}: 4x the input multiplied the time by {ratio:.2f}"


def test_comparison_time_is_linear_in_quotes_sharing_words() -> None:
    """Many distinct quotes that all share one word: blocking must not pair
    every quote with every other."""

    def text(n: int) -> str:
        return " ".join(f'"common word{i} text," he said.' for i in range(n))

    small, large = text(750), text(3000)
    ratio = size_ratio(
        lambda: compare_texts(small, small[::-1]), lambda: compare_texts(large, large[::-1])
    )
    assert ratio < 8.0, f"4x the quotes multiplied the time by {ratio:.2f}"


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ('"""""""" "Hello," he said.', ["Hello,"]),
        ('Before "quoted words" " " " " " and "after this" end.', ["quoted words", "after this"]),
        ("“‘Nested,’” she said. “Next.”", ["‘Nested,’", "Next."]),
    ],
)
def test_runs_of_marks_do_not_hide_the_quotes_around_them(text: str, quotes: list[str]) -> None:
    assert [q.text for q in extract_quotes(text)] == quotes


SEGMENTATION_CASES: dict[str, Callable[[int], str]] = {
    "unclosed curly openers": lambda n: "“" * n,
    "spaced guillemets": lambda n: "« " * (n // 2),
    "single openers": lambda n: "‘" * n,
}


@pytest.mark.parametrize("name", list(SEGMENTATION_CASES))
def test_sentence_segmentation_time_is_linear_on_runs_of_opening_marks(name: str) -> None:
    # sentencex alone is quadratic here (32,000 "“" took 0.3 s; a million,
    # minutes), which passages and version diffs of such a text inherited.
    make = SEGMENTATION_CASES[name]
    small, large = make(100_000), make(400_000)
    segment = sentence_spans.__wrapped__  # uncached: each run segments anew
    ratio = size_ratio(lambda: segment(small), lambda: segment(large))
    assert ratio < 8.0, f"{name}: 4x the input multiplied the time by {ratio:.2f}"


def test_long_texts_are_segmented_in_windows_as_a_whole_text_would_be(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Windows only bound the time: plain sentences come out as sentencex
    # finds them in the whole text, seams between windows included.
    paragraph = (
        "The U.S. minister met Sen. Smith on Jan. 25 at 5 p.m. Tuesday. "
        '"We will not export them," an official said. Talks go on. '
    )
    text = "\n".join(f"Part {i}: {paragraph * 3}" for i in range(400))
    assert len(text) > 2 * WHOLE
    windowed = sentence_spans.__wrapped__(text)
    monkeypatch.setattr(sentences, "WHOLE", len(text))
    assert windowed == sentence_spans.__wrapped__(text)


def test_a_sentence_longer_than_a_window_is_cut_not_lost() -> None:
    text = "x" * (WHOLE + 3 * WINDOW + 10)
    spans = sentence_spans.__wrapped__(text)
    assert spans[0] == (0, WINDOW) and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
