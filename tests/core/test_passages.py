"""Sentence alignment and omitted passages (``service.core.alignment.passages``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from service.core import compare_texts
from service.core.alignment import passages as passages_module
from service.core.alignment.passages import align_passages, align_sentence_lists
from service.core.sentences import sentence_spans

REPO = Path(__file__).resolve().parents[2]


def test_the_passages_each_outlet_lacks(pair_texts: tuple[str, str]) -> None:
    """The Harbour Gazette alone reports the Gull Island council withdrawing
    its support; the Island Courier alone reports the minister's letter and
    the chief executive's reply."""
    left, right = pair_texts
    p = align_passages(left, right)
    left_only = [x.text for x in p.left_only]
    right_only = [x.text for x in p.right_only]
    assert any("Gull Island's council withdrew its support" in t for t in left_only)
    assert "withdrew" not in right
    assert any("In a letter sent last month, maritime minister" in t for t in right_only)
    assert any("answered in a letter of his own" in t for t in right_only)
    assert "letter" not in left
    for passages, text in ((p.left_only, left), (p.right_only, right)):
        for passage in passages:
            assert text[passage.start : passage.end] == passage.text
            assert 0 < passage.words <= len(passage.text.split())
    # The shared denial is aligned, reworded by the added "But".
    denial = next(a for a in p.aligned if "Let me say this plainly" in p.left[a.left[0]].text)
    assert denial.relation == "reworded"
    assert next(op.right for op in denial.diff if op.op != "equal").endswith("But")
    # A sentence both carry word for word is the same.
    (same,) = [a for a in p.aligned if a.relation == "same"]
    assert p.left[same.left[0]].text == "About 40 sailings a week are to be cut from November."


def test_adjacent_omitted_sentences_are_one_passage() -> None:
    left = (
        "The council met on Monday. It approved the budget. "
        "The vote was close. Two members abstained. The mayor left early."
    )
    right = "The council met on Monday. It approved the budget. The mayor left early."
    p = align_passages(left, right)
    assert [x.text for x in p.left_only] == ["The vote was close. Two members abstained."]
    assert p.left_only[0].sentences == (2, 3) and p.left_only[0].words == 7
    assert p.right_only == ()
    assert [a.relation for a in p.aligned] == ["same", "same", "same"]


def test_a_sentence_split_in_two_and_two_merged_into_one() -> None:
    left = (
        "Police said the driver fled the scene and was arrested two hours later near the border. "
        "The victim was taken to hospital."
    )
    right = (
        "Police said the driver fled the scene. He was arrested two hours later near the border. "
        "The victim was taken to hospital."
    )
    split = align_passages(left, right)
    assert [(a.left, a.right, a.relation) for a in split.aligned] == [
        ((0,), (0, 1), "split"),
        ((1,), (2,), "same"),
    ]
    assert split.left_only == split.right_only == ()
    merged = align_passages(right, left)
    first = merged.aligned[0]
    assert (first.left, first.right, first.relation) == ((0, 1), (0,), "merged")


def test_moved_and_reworded_sentences() -> None:
    old = "A storm hit the coast. Thousands lost power. Schools are closed. Roads flooded."
    new = (
        "Schools are closed on Friday. A storm hit the coast. Thousands lost power. Roads flooded."
    )
    p = align_passages(old, new)
    assert [(a.left, a.right) for a in p.moved()] == [((2,), (0,))]
    relations = {p.left[a.left[0]].text: a.relation for a in p.aligned}
    assert relations["Schools are closed."] == "reworded"
    assert relations["Roads flooded."] == "same"


def test_unrelated_texts_share_no_sentence() -> None:
    left = "The central bank raised rates by half a point. Markets fell."
    right = "The team won the cup after extra time. Fans celebrated in the streets."
    p = align_passages(left, right)
    assert p.aligned == ()
    assert [x.text for x in p.left_only] == [left]


def test_sentences_without_words_take_no_part() -> None:
    p = align_sentence_lists(["He left.", "''", "She stayed."], ["He left.", "She stayed."])
    assert [(a.left, a.right) for a in p.aligned] == [((0,), (0,)), ((2,), (1,))]
    assert p.left_only == ()


def test_news_sentences_keep_abbreviations_and_end_at_line_breaks() -> None:
    text = (
        "WASHINGTON (AP) — Sen. John Smith, R-Texas, met U.S. officials on Jan. 25 at 5 p.m. "
        'Tuesday. "We agreed. We will act," he said.\nPhoto: J. Doe/AP\nNext paragraph.'
    )
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "WASHINGTON (AP) — Sen. John Smith, R-Texas, met U.S. officials on Jan. 25 at 5 p.m. "
        "Tuesday.",
        '"We agreed. We will act," he said.',
        "Photo: J. Doe/AP",
        "Next paragraph.",
    ]
    assert sentence_spans("") == () and sentence_spans("  \n ") == ()


def test_the_comparison_carries_the_passages(pair_texts: tuple[str, str]) -> None:
    passages = compare_texts(*pair_texts).passages
    assert passages is not None
    assert passages.aligned and passages.left_only
    for item in passages.aligned:
        assert item.relation in {"same", "reworded", "split", "merged"}
        assert item.left and item.right
    left, _ = pair_texts
    for passage in passages.left_only:
        assert left[passage.start : passage.end] == passage.text


def test_sentence_alignment_agrees_with_newsedits(shared_dir: Path) -> None:
    """The measurement of ``bench/passages/measure_newsedits.py`` on the four
    NewsEdits version pairs of the corpus, held as a floor (it is a quality
    figure, not a timing): aligned pairs, added and deleted sentences."""
    spec = importlib.util.spec_from_file_location(
        "measure_newsedits", REPO / "bench" / "passages" / "measure_newsedits.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = module.measure(55.0)
    precision, recall, *_ = results["aligned pairs"]
    assert precision >= 0.95 and recall >= 0.9
    precision, recall, *_ = results["deleted"]
    assert precision >= 0.9 and recall >= 0.9
    _, recall, *_ = results["added"]
    assert recall >= 0.9


def test_scoring_block_by_block_gives_the_same_alignment(
    pair_texts: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long texts are scored a few rows of sentence pairs at a time (so two
    of them never hold the whole matrix); the blocks change nothing."""
    left, right = pair_texts
    whole = align_passages(left, right)
    monkeypatch.setattr(passages_module, "_ALL_PAIRS", 0)  # candidates, not every pair
    monkeypatch.setattr(passages_module, "_BLOCK_CELLS", 7)  # a row or two per block
    assert align_passages(left, right) == whole
    assert whole.aligned and whole.left_only and whole.right_only
