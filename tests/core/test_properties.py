"""Property tests: the contract holds for any text, however noisy (here on
the core's results; tests/compare/test_body.py holds it on the response body).

Texts are built from words, every quotation-mark character the core knows,
apostrophe forms, attributions, line breaks, NBSP and zero-width characters,
so that marks pair, nest, dangle and collide in every way.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.core import (
    Comparison,
    Quote,
    compare_texts,
    extract_quotes,
    fold_marks,
    rebuild,
    tokenize,
    word_diff,
)
from service.core.text import normalize

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = (
    "we will not raise taxes on families this year the port reopens Monday ships are "
    "inspected reckless remarks keep its mouth shut says who which polls OK okay all of "
    "them colour color organisation organization U.N. 300,000 2019 Kim Jong-un Jamaica "
    "bridge safe rebuild together"
).split()
MARKS = [
    '"',
    "“",
    "”",
    "„",
    "‟",
    "«",
    "»",
    "″",
    "'",
    "‘",
    "’",
    "‚",
    "‛",
    "‹",
    "›",
    "′",
    "`",
    "´",
    "``",
    "''",
    "\ufffd?",
]
APOSTROPHES = ["don't", "the '90s", "Koreas'", "rock 'n' roll", "it’s", "6'2\"", "O'Brien's"]
ATTRIBUTIONS = [
    ", said Ann Lee.",
    ", he said,",
    " she said.",
    " according to the official.",
    "Keilar:",
    "told reporters:",
    ",",
    ".",
    "?",
    " —",
]
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", "\r\n", "\u00a0", "\u200b", "\u00ad", "\t", ""]

piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(MARKS),
    st.sampled_from(APOSTROPHES),
    st.sampled_from(ATTRIBUTIONS),
    st.text(alphabet="ab \"'“”‘’«»\n\u00a0\u200b", max_size=6),
)
noise_text = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda parts: "".join(p + s for p, s in parts)
)


STYLES = [
    ('"', '"'),
    ("“", "”"),
    ("“", '"'),
    ("``", "''"),
    ("«", "»"),
    ("„", "“"),
    ("‘", "’"),
    ("'", "'"),
    ("“", "\ufffd?"),
]
LEADS = ["", "The minister said: ", "Officials called it ", "\n\n"]


@st.composite
def quotation_parts(draw: st.DrawFn) -> tuple[str, tuple[str, str], list[str], str]:
    """A quotation's lead, mark style, words and attribution."""
    return (
        draw(st.sampled_from(LEADS)),
        draw(st.sampled_from(STYLES)),
        draw(st.lists(st.sampled_from(WORDS + APOSTROPHES), min_size=1, max_size=14)),
        draw(st.sampled_from(ATTRIBUTIONS)),
    )


def render(parts: tuple[str, tuple[str, str], list[str], str]) -> str:
    lead, (opener, closer), words, tail = parts
    return f"{lead}{opener}{' '.join(words)}{closer}{tail}"


quotation = quotation_parts().map(render)
article = st.lists(st.one_of(quotation, noise_text), max_size=8).map(" ".join)


@st.composite
def retold(draw: st.DrawFn, parts: tuple[str, tuple[str, str], list[str], str]) -> str:
    """The same quotation as another outlet might give it."""
    lead, style, words, tail = parts
    words = list(words)
    edit = draw(st.sampled_from(["same", "style", "drop", "add", "but", "fragment", "case"]))
    if edit == "style":
        style = draw(st.sampled_from(STYLES))
    elif edit == "drop" and len(words) > 1:
        del words[draw(st.integers(0, len(words) - 1))]
    elif edit == "add":
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(WORDS)))
    elif edit == "but":
        words.insert(0, "But")
    elif edit == "fragment" and len(words) > 2:
        i = draw(st.integers(0, len(words) - 2))
        words = words[i : draw(st.integers(i + 1, len(words)))]
    elif edit == "case":
        words = [w.upper() for w in words]
    return render((lead, style, words, tail))


@st.composite
def article_pair(draw: st.DrawFn) -> tuple[str, str]:
    """Two articles sharing some quotations, retold, reordered, dropped and added."""
    items = draw(st.lists(st.one_of(quotation_parts(), noise_text), max_size=8))
    left = [render(i) if isinstance(i, tuple) else i for i in items]
    right = [draw(retold(i)) if isinstance(i, tuple) else i for i in items if draw(st.booleans())]
    right += draw(st.lists(quotation, max_size=3))
    right = draw(st.permutations(right))
    sep = draw(st.sampled_from(["\n\n", " ", "\n"]))
    return sep.join(left), sep.join(right)


def words_of(text: str) -> str:
    return " ".join(t.word for t in tokenize(text))


def check_quotes(text: str, quotes: Sequence[Quote]) -> None:
    previous_end = -1
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert q.start >= previous_end
        assert q.start < q.end
        previous_end = q.end


def check_comparison(left: str, right: str, c: Comparison) -> None:
    """The comparison of ``left`` and ``right`` keeps the contract: quotes
    are slices in order, each is matched or alone (never both), no pair is
    matched twice, and each match's diff spells both quotations' words."""
    texts = {"left": left, "right": right}
    sides = {"left": c.left, "right": c.right}
    alone = {"left": c.alignment.left_only, "right": c.alignment.right_only}
    for side in ("left", "right"):
        quotes = sides[side].quotes
        check_quotes(texts[side], quotes)
        indexes = set(range(len(quotes)))
        matched = {m.left if side == "left" else m.right for m in c.alignment.matches}
        only = alone[side]
        assert len(set(only)) == len(only)
        assert matched <= indexes
        assert set(only) <= indexes
        assert matched | set(only) == indexes, "a quote is in no match and no *_only list"
        assert not matched & set(only), "a quote is both matched and *_only"
    pairs = [(m.left, m.right) for m in c.alignment.matches]
    assert len(set(pairs)) == len(pairs), "a pair appears in two matches"
    for m in c.alignment.matches:
        assert m.relation in ("identical", "reworded", "partial")
        assert 0 <= m.score <= 100
        lefts = " ".join(op.left for op in m.diff if op.left)
        rights = " ".join(op.right for op in m.diff if op.right)
        assert lefts == words_of(c.left.quotes[m.left].text)
        assert rights == words_of(c.right.quotes[m.right].text)
        for op in m.diff:
            assert op.op in ("equal", "insert", "delete", "replace")
            assert (op.left == "") == (op.op == "insert")
            assert (op.right == "") == (op.op == "delete")


@SETTINGS
@given(st.one_of(noise_text, article))
def test_extracted_quotes_are_slices_in_order(text: str) -> None:
    quotes = extract_quotes(text)
    check_quotes(text, quotes)
    for q in quotes:
        assert q.text == q.text.strip()
        assert any(ch.isalnum() for ch in q.text)


@SETTINGS
@given(article_pair())
def test_a_comparison_honours_the_contract(pair: tuple[str, str]) -> None:
    left, right = pair
    check_comparison(left, right, compare_texts(left, right))


@SETTINGS
@given(st.one_of(noise_text, article))
def test_noise_against_articles_honours_the_contract(text: str) -> None:
    other = "“We will not raise taxes on families this year,” said Ann Lee. “Says who?”"
    check_comparison(text, other, compare_texts(text, other))
    check_comparison(other, text, compare_texts(other, text))


@SETTINGS
@given(st.one_of(article, noise_text))
def test_a_text_compared_with_itself_is_all_identical(text: str) -> None:
    c = compare_texts(text, text)
    al = c.alignment
    assert al.left_only == () and al.right_only == ()
    quotes = c.left.quotes
    for i, q in enumerate(quotes):
        # Each quote pairs identically with itself or with a repeat of itself.
        assert any(
            m.relation == "identical" and normalize(quotes[m.right].text) == normalize(q.text)
            for m in al.matches
            if m.left == i
        )
    for m in al.matches:
        assert m.relation != "reworded"
        same = normalize(quotes[m.left].text) == normalize(quotes[m.right].text)
        # A quote may also be a fragment of another quote of the same text.
        assert (m.relation == "identical") == same


word_list = st.lists(st.sampled_from([*WORDS, "—", "…", "“we", "taxes,”", "OK."]), max_size=30)


@SETTINGS
@given(word_list, word_list, st.sampled_from([" ", "  ", "\n", "\u00a0", " \u200b "]))
def test_word_diff_rebuilds_both_sides(left: list[str], right: list[str], sep: str) -> None:
    ops = word_diff(sep.join(left), sep.join(right))
    assert rebuild(ops) == (" ".join(left), " ".join(right))
    for first, second in itertools.pairwise(ops):
        # Runs are merged: never two changes in a row, never two equals.
        assert "equal" in (first.op, second.op) and first.op != second.op
    for op in ops:
        if op.op == "equal":
            assert normalize(op.left) == normalize(op.right) or op.left == op.right


@SETTINGS
@given(noise_text)
def test_folding_keeps_offsets(text: str) -> None:
    assert len(fold_marks(text)) == len(text)
    for t in tokenize(text):
        assert text[t.start : t.end] == t.word
        assert t.word.strip() == t.word


_MARKS_AND_SPACES = st.text(
    alphabet=st.sampled_from(list("ab '`\"“”„‟«»‘’‚‹›\ufffd?\n")), max_size=40
)


@settings(max_examples=1000, deadline=None)
@given(_MARKS_AND_SPACES, st.integers(0, 5))
def test_the_fast_scan_for_marks_finds_what_the_alternation_finds(text: str, pos: int) -> None:
    # extract._scan opens with a character class for speed; _MARK is the rule.
    from service.core.quotes.extract import _MARK, _scan

    expected = [(m.group(), m.start()) for m in _MARK.finditer(text, pos)]
    assert [(m.group(), m.start()) for m in _scan(text, pos, len(text))] == expected


# clauses._CLAUSE_START as first written: an alternation, the rule.
_CLAUSE_START_RULE = re.compile(
    r"[;,:]\s+|[”\"]\s+(?=[A-Za-z])|\s[—–―]\s*|\s--?\s|\s(?=(?:when|as|after|while|because|"
    r"before|until|but|that|though|although|since|if|so)\s)|\s(?=(?:and|which)\s+(?:he|she|they|"
    r"it|we|I|the|a|an|his|her|its|their|[A-Z])\w*\s)"
)
_CLAUSE_WORDS = st.sampled_from(
    'when as after which and that so he the The Ann ; , : ” " — – - -- \t \n x'.split(" ")
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_CLAUSE_WORDS, st.just(" ")), max_size=30))
def test_clause_starts_are_found_where_the_alternation_finds_them(parts: list[str]) -> None:
    from service.core.quotes.clauses import _CLAUSE_START

    text = "".join(parts)
    expected = [m.span() for m in _CLAUSE_START_RULE.finditer(text)]
    assert [m.span() for m in _CLAUSE_START.finditer(text)] == expected
