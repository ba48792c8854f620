"""service.core.insight.edits: how one quotation was changed into another.

Each edit type is shown on wire-copy sentences (the left quotation as one
outlet ran it, the right as another did), then through ``compare_texts`` on
the repository's labelled pair (``tests/fixtures/``) and on the labelled
corpus (``../shared``, when it is there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as hst

from service.core.compare import Comparison, compare_texts
from service.core.diff import word_diff
from service.core.insight.edits import EDIT_TYPES, Edit, classify_edits

Row = tuple[str, str | None, str | None, str, str]


def edits(left: str, right: str) -> tuple[Edit, ...]:
    return classify_edits(left, right, word_diff(left, right))


def rows(left: str, right: str) -> list[Row]:
    """The edits as ``(type, side, where, left, right)`` rows."""
    return [(e.type, e.side, e.where, e.left, e.right) for e in edits(left, right)]


def pair_edits(c: Comparison, left_starts: str, right_starts: str) -> list[Row]:
    """The edits of the one match between the quotes opening with these words."""
    assert c.insight is not None
    found = [
        p.edits
        for m, p in zip(c.alignment.matches, c.insight.pairs, strict=True)
        if c.left.quotes[m.left].text.startswith(left_starts)
        and c.right.quotes[m.right].text.startswith(right_starts)
    ]
    assert len(found) == 1, f"{len(found)} matches for {left_starts!r} / {right_starts!r}"
    return [(e.type, e.side, e.where, e.left, e.right) for e in found[0]]


SULLIVAN = "We will keep working with our allies to hold Moscow to account for its crimes"


def test_the_same_words_as_written_have_no_edits() -> None:
    assert edits(SULLIVAN, SULLIVAN) == ()
    assert edits(SULLIVAN, SULLIVAN.replace(" ", "  ")) == ()


def test_edit_types_are_listed() -> None:
    assert set(EDIT_TYPES) == {
        "trimmed",
        "ellipsis",
        "substituted",
        "inserted",
        "spliced",
        "retranslated",
        "case_punctuation_only",
    }
    edit = Edit("inserted", "right", "start", "", "But")
    assert (edit.type, edit.side, edit.where, edit.left, edit.right) == (
        "inserted",
        "right",
        "start",
        "",
        "But",
    )


# Trimmed ---------------------------------------------------------------


def test_words_cut_from_the_start_trim_the_shorter_side() -> None:
    # AP ran the whole sentence, Reuters picked it up mid-sentence.
    assert rows(
        SULLIVAN, "keep working with our allies to hold Moscow to account for its crimes"
    ) == [("trimmed", "right", "start", "We will", "")]
    assert rows("to hold Moscow to account for its crimes", SULLIVAN) == [
        ("trimmed", "left", "start", "", "We will keep working with our allies")
    ]


def test_words_cut_from_the_end_trim_the_shorter_side() -> None:
    assert rows(SULLIVAN, "We will keep working with our allies") == [
        ("trimmed", "right", "end", "to hold Moscow to account for its crimes", "")
    ]
    assert rows("We will keep working with our allies", SULLIVAN) == [
        ("trimmed", "left", "end", "", "to hold Moscow to account for its crimes")
    ]


def test_a_quote_cut_at_both_ends() -> None:
    left = (
        "The attack on the hospital was a clear violation of international law, and we condemn it"
    )
    right = "a clear violation of international law"
    assert rows(left, right) == [
        ("trimmed", "right", "start", "The attack on the hospital was", ""),
        ("trimmed", "right", "end", "and we condemn it", ""),
    ]


def test_a_lone_word_in_front_that_is_no_connective_is_a_cut() -> None:
    left = "We will raise this with the council next week"
    assert rows(left, "Frankly we will raise this with the council next week") == [
        ("trimmed", "left", "start", "", "Frankly")
    ]


# Ellipsis --------------------------------------------------------------


FULL = "We will keep working with our allies and partners to hold Moscow to account"


def test_an_ellipsis_as_a_word_of_its_own() -> None:
    for mark in ("…", "..."):
        right = f"We will keep working with our allies {mark} to hold Moscow to account"
        assert rows(FULL, right) == [("ellipsis", "right", "inside", "and partners", mark)]
        # The mark on the left: the side is the one that carries it.
        assert rows(right, FULL) == [("ellipsis", "left", "inside", mark, "and partners")]


def test_an_ellipsis_attached_to_a_word() -> None:
    for right in (
        "We will keep working with our allies… to hold Moscow to account",
        "We will keep working with our allies... to hold Moscow to account",
        "We will keep working with our allies ...to hold Moscow to account",
        "We will keep working with our allies …to hold Moscow to account",
    ):
        assert rows(FULL, right) == [("ellipsis", "right", "inside", "and partners", "")], right
        assert rows(right, FULL) == [("ellipsis", "left", "inside", "", "and partners")], right


def test_an_ellipsis_at_either_end_is_no_plain_trim() -> None:
    assert rows(FULL, "We will keep working with our allies...") == [
        ("ellipsis", "right", "end", "and partners to hold Moscow to account", "")
    ]
    assert rows(FULL, "We will keep working with our allies …") == [
        ("ellipsis", "right", "end", "and partners to hold Moscow to account", "…")
    ]
    assert rows(FULL, "...to hold Moscow to account") == [
        ("ellipsis", "right", "start", "We will keep working with our allies and partners", "")
    ]


def test_an_ellipsis_that_leaves_nothing_out_is_punctuation() -> None:
    left = "We will keep working with our allies to hold Moscow to account"
    right = "We will keep working with our allies … to hold Moscow to account"
    assert [e.type for e in edits(left, right)] == ["case_punctuation_only"]


# Substituted -----------------------------------------------------------


def test_substituted_words_are_listed_one_edit_per_change() -> None:
    left = "The attack was a clear violation of international law"
    right = "The strike was a flagrant violation of international law"
    assert rows(left, right) == [
        ("substituted", None, "inside", "attack", "strike"),
        ("substituted", None, "inside", "clear", "flagrant"),
    ]


def test_a_run_of_changed_words_is_one_substitution() -> None:
    left = "We have provided more than $40 billion in security assistance since the invasion"
    right = "We have sent over $40 billion in security assistance since the invasion"
    assert rows(left, right) == [("substituted", None, "inside", "provided more than", "sent over")]


def test_spelling_variants_and_case_are_no_substitution() -> None:
    left = "Criminal organisations are exploiting the war, and we will honour our commitments"
    right = "criminal organizations are exploiting the war, and we will honor our commitments"
    assert [e.type for e in edits(left, right)] == ["case_punctuation_only"]


# Inserted --------------------------------------------------------------


def test_interior_words_one_side_adds_are_inserted() -> None:
    left = "The attack was a violation of international law"
    right = "The attack was a clear and deliberate violation of international law"
    assert rows(left, right) == [("inserted", "right", "inside", "", "clear and deliberate")]
    assert rows(right, left) == [("inserted", "left", "inside", "clear and deliberate", "")]


def test_a_connective_in_front_is_inserted_not_trimmed() -> None:
    left = "We will raise this with the council next week"
    assert rows(left, f"But {left[0].lower()}{left[1:]}") == [
        ("inserted", "right", "start", "", "But")
    ]
    assert rows(f"And {left[0].lower()}{left[1:]}", left) == [
        ("inserted", "left", "start", "And", "")
    ]


def test_a_bracketed_clarification_is_inserted() -> None:
    # In place of a pronoun: a replace, typed as an insertion.
    left = "We urge them to act before more civilians are killed"
    right = "We urge [the UN Security Council] to act before more civilians are killed"
    assert rows(left, right) == [
        ("inserted", "right", "inside", "them", "[the UN Security Council]")
    ]
    # At the start, where unbracketed words would be a trim.
    left = "It must act now to stop the bloodshed in Gaza"
    right = "[The UN Security Council] must act now to stop the bloodshed in Gaza"
    assert rows(left, right) == [("inserted", "right", "start", "It", "[The UN Security Council]")]
    assert rows(
        "will meet on Friday in New York", "[The council] will meet on Friday in New York"
    ) == [("inserted", "right", "start", "", "[The council]")]
    # Added at the end.
    left = "We will take this to the council"
    assert rows(left, "We will take this to the council [in New York]") == [
        ("inserted", "right", "end", "", "[in New York]")
    ]


def test_the_module_example() -> None:
    a, b = "We will never leave", "But we will not leave [the city]"
    assert [(e.type, e.side, e.where) for e in edits(a, b)] == [
        ("inserted", "right", "start"),
        ("substituted", None, "inside"),
        ("inserted", "right", "end"),
    ]


# Retranslated ----------------------------------------------------------


def test_two_translations_of_one_statement_are_retranslated() -> None:
    kcna = (
        "We have never sold tractors or spare parts to Norway before "
        "and we do not plan to sell them"
    )
    other = (
        "We have not shipped farm vehicles or components to Oslo in the past "
        "and have no intention of doing so"
    )
    found = edits(kcna, other)
    assert [e.type for e in found].count("retranslated") == 1
    (whole,) = [e for e in found if e.type == "retranslated"]
    assert (whole.side, whole.where, whole.left, whole.right) == (None, "inside", kcna, other)
    # The word changes are still listed beside it.
    assert {e.type for e in found} == {"substituted", "retranslated"}


def test_a_few_changed_words_are_no_retranslation() -> None:
    left = "The decision was made after careful consideration of all the evidence"
    right = "The decision was taken after careful consideration of all the evidence"
    assert rows(left, right) == [("substituted", None, "inside", "made", "taken")]


# Case and punctuation --------------------------------------------------


def test_case_and_punctuation_only() -> None:
    left = "We will not back down."
    for right in ("we will not back down!", "We will not back down", "“We will not back down,”"):
        assert rows(left, right) == [("case_punctuation_only", None, "inside", left, right)]


def test_punctuation_beside_a_real_edit_is_dropped() -> None:
    left = "Hamas must release the hostages, and it must do so now"
    right = "Hamas must free the hostages — and it must do so now"
    # The dash is an op of the diff of its own ...
    assert any(op.op == "insert" and op.right == "—" for op in word_diff(left, right))
    # ... but no edit: only the real change is.
    assert rows(left, right) == [("substituted", None, "inside", "release", "free")]
    # Alone, the dash is a punctuation change.
    assert rows(left, right.replace("free", "release")) == [
        ("case_punctuation_only", "right", "inside", "", "—")
    ]


# Spliced ---------------------------------------------------------------


AP_SPLICED = (
    "KYIV, Ukraine (AP) — Ukraine's president appealed for more air defence on Monday "
    "after a night of Russian drone strikes.\n\n"
    '"We need more air defence systems now. Every day without them costs lives in our cities," '
    "Zelenskyy said in his nightly video address.\n\n"
    "Officials said at least 12 people were killed."
)
REUTERS_APART = (
    "KYIV (Reuters) - Ukrainian President Volodymyr Zelenskyy renewed his appeal to Western "
    "allies on Monday.\n\n"
    '"We need more air defence systems now," Zelenskyy said in a video address.\n\n'
    'He added: "Every day without them costs lives in our cities."'
)
ONE = "We need more air defence systems now. Every day without them costs lives in our cities,"
FIRST = "We need more air defence systems now,"
SECOND = "Every day without them costs lives in our cities."


def test_one_quote_running_two_statements_together_is_spliced() -> None:
    c = compare_texts(AP_SPLICED, REUTERS_APART)
    assert c.insight is not None
    assert [q.text for q in c.left.quotes] == [ONE]
    assert [q.text for q in c.right.quotes] == [FIRST, SECOND]
    assert [(m.left, m.right) for m in c.alignment.matches] == [(0, 0), (0, 1)]
    spliced = Edit("spliced", "left", "inside", ONE, f"{FIRST} / {SECOND}")
    for pair in c.insight.pairs:
        assert spliced in pair.edits
    # Each half is also the long quote cut at one end.
    assert ("trimmed", "right", "end") in [
        (e.type, e.side, e.where) for e in c.insight.pairs[0].edits
    ]
    assert ("trimmed", "right", "start") in [
        (e.type, e.side, e.where) for e in c.insight.pairs[1].edits
    ]


def test_the_spliced_side_is_the_long_quote() -> None:
    c = compare_texts(REUTERS_APART, AP_SPLICED)
    assert c.insight is not None
    spliced = Edit("spliced", "right", "inside", f"{FIRST} / {SECOND}", ONE)
    assert len(c.insight.pairs) == 2
    assert all(spliced in pair.edits for pair in c.insight.pairs)


def test_a_quote_and_its_fragment_are_no_splice() -> None:
    fragment = (
        "KYIV (Reuters) - Zelenskyy renewed his appeal on Monday. "
        '"We need more air defence systems now," Zelenskyy said.'
    )
    c = compare_texts(AP_SPLICED, fragment)
    assert c.insight is not None
    assert len(c.insight.pairs) == 1
    assert "spliced" not in [e.type for e in c.insight.pairs[0].edits]


# The repository's pair and the labelled corpus --------------------------


def test_the_pair_but_let_me_say_this_plainly(pair_texts: tuple[str, str]) -> None:
    c = compare_texts(*pair_texts)
    assert pair_edits(c, "Let me say this plainly", "But let me say this plainly") == [
        ("inserted", "right", "start", "", "But")
    ]
    # The identical quotes of the pair carry no edits.
    assert pair_edits(c, "wild stories", "wild stories") == []
    assert pair_edits(c, "check its facts", "check its facts") == []


def test_the_pair_fragment_hundreds_is_trimmed_at_both_ends(pair_texts: tuple[str, str]) -> None:
    c = compare_texts(*pair_texts)
    assert pair_edits(c, "hundreds", "sign off hundreds") == [
        ("trimmed", "left", "start", "", "sign off"),
        (
            "trimmed",
            "left",
            "end",
            "",
            "of checks in a single shift with no time to carry them out",
        ),
    ]


def test_the_pair_gold_perfectly_is_inserted(pair_gold: dict[str, Any]) -> None:
    """The gold pair whose right side drops one word inside: the left's word
    is inserted there."""
    texts = {a["id"]: a["text"] for a in pair_gold["articles"]}
    (pair,) = pair_gold["pairs"]
    c = compare_texts(texts[pair["left"]], texts[pair["right"]])
    (gold,) = [m for m in pair["matches"] if "perfectly" in m["left"]]
    assert "perfectly" not in gold["right"] and gold["relation"] == "reworded"
    assert pair_edits(c, gold["left"], gold["right"]) == [
        ("inserted", "left", "inside", "perfectly", "")
    ]


def test_the_pair_split_quote_is_spliced_and_its_trimmed_sentence_trimmed(
    pair_texts: tuple[str, str],
) -> None:
    c = compare_texts(*pair_texts)
    whole = "Every boat is checked before it sails and the records are there for anyone to read."
    first, second = "Every boat is checked before it sails,", "and the records are"
    spliced = ("spliced", "left", "inside", whole, f"{first} / {second} there for anyone to read.")
    assert pair_edits(c, "Every boat", "Every boat") == [
        ("trimmed", "right", "end", "and the records are there for anyone to read.", ""),
        spliced,
    ]
    assert pair_edits(c, "Every boat", second) == [
        ("trimmed", "right", "start", "Every boat is checked before it sails", ""),
        spliced,
    ]
    assert pair_edits(c, "Crews are being asked", "Crews are being asked") == [
        ("trimmed", "right", "end", "The checks are the first thing to go,", "")
    ]


def test_the_cohen_gold_pairs_i_just_answered_is_inserted(shared_dir: Path) -> None:
    cluster = json.loads(
        (shared_dir / "corpus" / "dev" / "15_cohen_says_who.json").read_text("utf-8")
    )
    texts = {a["id"]: a["text"] for a in cluster["articles"]}
    checked = 0
    for pair in cluster["pairs"]:
        c = compare_texts(texts[pair["left"]], texts[pair["right"]])
        for gold in pair["matches"]:
            if "I just answered" not in gold["left"]:
                continue
            assert "I just answered" not in gold["right"]
            assert pair_edits(c, gold["left"], gold["right"]) == [
                ("inserted", "left", "inside", "just", "")
            ]
            checked += 1
    assert checked == 2  # a–b and a–c


# Properties ------------------------------------------------------------


WORD = hst.lists(
    hst.sampled_from(
        [*"aAbBcCdé.,'\"-—[]?!…", "...", "ok", "OK", "But", "colour", "color", "\u00a0", "\u200b"]
    ),
    min_size=1,
    max_size=5,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(a=hst.lists(WORD, max_size=10), b=hst.lists(WORD, max_size=10))
def test_no_edits_exactly_when_the_words_are_the_same(a: list[str], b: list[str]) -> None:
    left, right = " ".join(a), " ".join(b)
    found = classify_edits(left, right, word_diff(left, right))
    assert (found == ()) == (left.split() == right.split()), (left, right, found)
    assert all(e.type in EDIT_TYPES for e in found)


@settings(max_examples=200, deadline=None)
@given(a=hst.text(max_size=60), b=hst.text(max_size=60))
def test_no_edits_exactly_when_the_words_are_the_same_on_any_text(a: str, b: str) -> None:
    found = classify_edits(a, b, word_diff(a, b))
    assert (found == ()) == (a.split() == b.split()), (a, b, found)
