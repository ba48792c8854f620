"""The pages' view model (``service.web.views``): pure, so tested directly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.core import compare_texts
from service.core.diff import word_diff
from service.core.text import word_key
from service.web.views import (
    ComparisonView,
    QuoteFragment,
    SideView,
    Unshared,
    comparison_view,
    marked_runs,
    unified_runs,
)
from tests.fixtures import PAIR


def _pair_view() -> ComparisonView:
    """The repository's pair (tests/fixtures/pair/) as the compare page shows it."""
    left, right = PAIR
    return comparison_view(compare_texts(left.read_text("utf-8"), right.read_text("utf-8")))


def _shown(side: SideView) -> str:
    """Every paragraph's text as the page shows it, joined by line breaks."""
    return "\n".join(
        "".join(
            piece
            if isinstance(piece, str)
            else piece.text
            if isinstance(piece, Unshared)
            else "".join(r.text for r in piece.runs)
            for piece in para.pieces
        )
        for para in side.paragraphs
    )


def test_passages_one_side_lacks_are_set_apart_in_its_text() -> None:
    view = _pair_view()
    unshared = {
        name: " ".join(
            piece.text
            for para in side.paragraphs
            for piece in para.pieces
            if isinstance(piece, Unshared)
        )
        for name, side in (("left", view.left), ("right", view.right))
    }
    # Each side's own reporting.
    assert "Gull Island's council withdrew its support" in unshared["left"]
    assert "Gull Island's council" not in unshared["right"]
    assert "Ruth Calder" in unshared["right"] and "letter" in unshared["right"]
    # The margin counts each passage once, where it begins.
    flagged = [p for para in view.left.paragraphs for p in para.passages]
    assert len(flagged) == len({(p.start, p.end) for p in flagged}) > 0
    starts = [piece for para in view.left.paragraphs for piece in para.pieces]
    assert sum(isinstance(x, Unshared) and x.first for x in starts) == len(flagged)
    # Sentences both sides carry are not set apart.
    for side in ("left", "right"):
        assert "About 40 sailings a week" not in unshared[side]


def test_the_pair_pages_show_every_word_of_both_articles() -> None:
    view = _pair_view()
    for side, path in zip((view.left, view.right), PAIR, strict=True):
        text = path.read_text("utf-8")
        non_blank = "\n".join(line for line in text.split("\n") if line.strip())
        assert _shown(side) == non_blank


def test_the_pair_relations_partners_and_omissions() -> None:
    view = _pair_view()
    assert view.counts == {"identical": 3, "reworded": 2, "partial": 4}
    by_id = {q.id: q for q in view.left.quotes + view.right.quotes}
    for pair in view.pairs:
        assert pair.right.id in pair.left.partners and pair.left.id in pair.right.partners
    # The split quote: one left quote, two partners.
    (split,) = [q for q in view.left.quotes if q.quote.text.startswith("Every boat")]
    assert len(split.partners) == 2
    # The reworded pairs: only the right has "But", only the left has
    # "perfectly": each marked on the side that has it, with the one mark
    # for words the other side lacks (struck through), whichever the side.
    added, dropped = [p for p in view.pairs if p.relation == "reworded"]
    assert [(r.mark, r.text) for r in added.right.runs if r.mark] == [("del", "But")]
    assert [(r.mark, r.text) for r in added.right_runs if r.mark] == [("del", "But")]
    assert not [r for r in added.left.runs if r.mark]
    assert [(r.mark, r.text) for r in dropped.left.runs if r.mark] == [("del", "perfectly")]
    assert not [r for r in dropped.right.runs if r.mark]
    # "frightening" is carried by the right only: omitted there, flagged in
    # the margin of its paragraph.
    frightening = next(q for q in view.right.quotes if q.quote.text == "frightening")
    assert frightening.relation == "omitted" and not frightening.partners
    assert any(frightening in para.flagged for para in view.right.paragraphs)
    assert len(view.right.omitted) == sum(len(p.flagged) for p in view.right.paragraphs)
    assert all(by_id[p].relation != "omitted" for q in by_id.values() for p in q.partners)


def test_marked_runs_follow_the_diff_and_keep_the_spacing() -> None:
    left, right = "we  will\u00a0win, said", "we will surely win, he said"
    ops = word_diff(left, right)
    left_runs = marked_runs(left, ops, "left")
    right_runs = marked_runs(right, ops, "right")
    assert "".join(r.text for r in left_runs) == left
    assert "".join(r.text for r in right_runs) == right
    assert [r.text for r in right_runs if r.mark] == ["surely", "he"]
    assert all(r.mark in (None, "del") for r in right_runs)  # one mark, either side
    assert not [r for r in left_runs if r.mark]


def test_marked_runs_refuse_ops_of_another_text() -> None:
    runs = marked_runs("one two three", word_diff("a b", "a c"), "left")
    assert [(r.mark, r.text) for r in runs] == [(None, "one two three")]


def test_a_quote_running_over_a_line_break_is_shown_in_both_paragraphs() -> None:
    text = 'He said: "we will\nfight on" and left.'
    view = comparison_view(compare_texts(text, "Nothing quoted here."))
    fragments = [
        piece
        for para in view.left.paragraphs
        for piece in para.pieces
        if isinstance(piece, QuoteFragment)
    ]
    if len(view.left.quotes) == 1 and view.left.quotes[0].quote.end > text.index("\n"):
        assert [f.first for f in fragments] == [True, False]
    assert _shown(view.left) == text


def _keys(text: str) -> list[str]:
    return [word_key(w) or w for w in text.split()]


_word = st.text(alphabet="abcdeé“”\"',.", min_size=1, max_size=6)
_text = st.lists(st.tuples(_word, st.sampled_from([" ", "  ", "\n", "\u00a0"])), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts)
)


@given(_text, _text)
def test_unified_runs_rebuild_the_new_text_and_the_old_words(old: str, new: str) -> None:
    runs = unified_runs(old, new, word_diff(old, new))
    assert "".join(r.text for r in runs if r.mark != "del").split() == new.split()
    # Shared words are shown as the new text spells them ("“a" for "a").
    kept = "".join(r.text if r.mark != "ins" else " " for r in runs)
    assert _keys(kept) == _keys(old)


@given(_text, _text)
def test_pages_show_every_word_of_any_text(left: str, right: str) -> None:
    view = comparison_view(compare_texts(left or "x", right or "y"))
    for side, text in ((view.left, left or "x"), (view.right, right or "y")):
        assert _shown(side).split() == text.split()
