"""service.core.insight.primary: quotations checked against a primary source."""

from __future__ import annotations

from service.core.insight.primary import source_quote, source_quotes, verdict_counts
from service.core.quotes.extract import extract_quotes

STATEMENT = (
    "Statement by National Security Advisor Jake Sullivan on Russia's war against Ukraine. "
    "The United States will continue to stand with the people of Ukraine for as long as it "
    "takes. We have provided more than $40 billion in security assistance since the invasion "
    "began. We will keep working with our allies to hold Moscow to account for its crimes. "
    "Thank you."
)
PROVIDED = "We have provided more than $40 billion in security assistance since the invasion began."
ALLIES = "We will keep working with our allies to hold Moscow to account for its crimes."


def test_the_whole_sentence_is_accurate() -> None:
    s = source_quote(PROVIDED, STATEMENT)
    assert s.verdict == "accurate" and s.score == 100.0
    assert s.span is not None
    assert s.span.text == PROVIDED
    assert STATEMENT[s.span.start : s.span.end] == PROVIDED
    assert s.span.before == (
        "The United States will continue to stand with the people of Ukraine for as long as it "
        "takes."
    )
    assert s.span.after == ALLIES
    assert s.edits == ()
    assert [op.op for op in s.diff] == ["equal"]


def test_two_whole_sentences_are_accurate() -> None:
    s = source_quote(f"{PROVIDED} {ALLIES}", STATEMENT)
    assert s.verdict == "accurate"
    assert s.span is not None and s.span.text == f"{PROVIDED} {ALLIES}"
    assert s.span.after == "Thank you."


def test_a_changed_closing_mark_is_still_accurate() -> None:
    s = source_quote(ALLIES.rstrip(".") + ",", STATEMENT)
    assert s.verdict == "accurate"
    assert [e.type for e in s.edits] == ["case_punctuation_only"]


def test_a_quote_stopping_inside_its_sentence_is_trimmed() -> None:
    s = source_quote("We will keep working with our allies", STATEMENT)
    assert s.verdict == "trimmed" and s.score == 100.0
    assert s.span is not None and s.span.text == "We will keep working with our allies"
    dropped = "to hold Moscow to account for its crimes."
    assert [(e.type, e.side, e.where, e.left) for e in s.edits] == [
        ("trimmed", "right", "end", dropped)
    ]
    assert s.span.after == f"{dropped} Thank you."
    assert s.span.before == PROVIDED


def test_a_quote_starting_inside_its_sentence_is_trimmed() -> None:
    s = source_quote(
        "keep working with our allies to hold Moscow to account for its crimes", STATEMENT
    )
    assert s.verdict == "trimmed"
    assert [(e.type, e.side, e.where, e.left) for e in s.edits] == [
        ("trimmed", "right", "start", "We will")
    ]
    assert s.span is not None
    assert s.span.before == f"{PROVIDED} We will"
    assert s.span.after == "Thank you."


def test_a_changed_word_is_edited() -> None:
    quote = PROVIDED.replace("security assistance", "military assistance")
    s = source_quote(quote, STATEMENT)
    assert s.verdict == "edited"
    assert 80 <= s.score < 100
    assert s.span is not None and s.span.text == PROVIDED
    assert [(e.type, e.left, e.right) for e in s.edits] == [("substituted", "security", "military")]
    assert [(op.op, op.left, op.right) for op in s.diff if op.op != "equal"] == [
        ("replace", "security", "military")
    ]


def test_the_module_example() -> None:
    primary = "We stand ready. We have never exported weapons to Russia and we will not."
    s = source_quote("We have never exported arms to Russia", primary)
    assert s.verdict == "edited"
    assert [e.type for e in s.edits] == ["substituted", "trimmed"]
    assert s.span is not None
    assert s.span.text == "We have never exported weapons to Russia"
    assert (s.edits[1].left, s.span.after) == ("and we will not.", "and we will not.")


def test_a_quote_with_but_in_front() -> None:
    s = source_quote(f"But {ALLIES[0].lower()}{ALLIES[1:]}", STATEMENT)
    assert s.verdict == "edited"
    assert s.span is not None and s.span.text == ALLIES  # the span starts at "We", not before
    assert [(e.type, e.side, e.where, e.right) for e in s.edits] == [
        ("inserted", "right", "start", "But")
    ]


def test_words_the_source_does_not_carry_are_not_found() -> None:
    for quote in (
        "We have no plans to send American troops into Ukraine.",
        "reckless remarks",
        "Russia",  # too short to place unless exact: it is not in the text as a word
    ):
        s = source_quote(quote, STATEMENT)
        assert s.verdict == "not_found", quote
        assert s.span is None and s.edits == () and s.diff == ()
    assert source_quote("", STATEMENT).verdict == "not_found"
    assert source_quote(ALLIES, "").verdict == "not_found"


def test_a_short_quote_needs_every_word() -> None:
    assert source_quote("Thank you.", STATEMENT).verdict == "accurate"
    assert source_quote("Thank everybody.", STATEMENT).verdict == "not_found"


TRANSCRIPT = (
    "MARSH: You say it's not a retreat, but your party is behind.\n"
    "OKAFOR: Says who?\n"
    "MARSH: Surveys. Nearly all of them. Every one?\n"
    "OKAFOR: Says who?\n"
    "MARSH: Surveys. I have told you. I answered your point.\n"
    "OKAFOR: OK. Which surveys?\n"
    "MARSH: Every one.\n"
)


def test_a_transcript_with_speaker_labels() -> None:
    # One outlet's version adds a word Marsh did not say.
    s = source_quote("Surveys. I have told you. I just answered your point.", TRANSCRIPT)
    assert s.verdict == "edited"
    assert s.span is not None
    assert s.span.text == "Surveys. I have told you. I answered your point."
    assert TRANSCRIPT[s.span.start : s.span.end] == s.span.text
    assert ("inserted", "right", "inside", "just") in [
        (e.type, e.side, e.where, e.right) for e in s.edits
    ]
    # The other outlets carry her words as she said them.
    for quote in (
        "Surveys. I have told you. I answered your point.",
        "Surveys. Nearly all of them. Every one?",
        "OK, which surveys?",
    ):
        s = source_quote(quote, TRANSCRIPT)
        assert s.verdict != "not_found" and s.score == 100.0, quote
        assert all(op.op == "equal" for op in s.diff), quote
        assert s.span is not None
        assert "OKAFOR" not in s.span.text and "MARSH" not in s.span.text
    s = source_quote("I just answered your point.", TRANSCRIPT)
    assert s.verdict == "edited"
    assert s.span is not None and s.span.text == "I answered your point."


BRIEFING = (
    "MR. KIRBY: Thanks, everybody. We will keep working with our allies to hold Moscow to "
    "account. We have provided more than $40 billion in security assistance since the "
    "invasion began. The next package will include more interceptors for air defence."
)
ARTICLE = (
    "WASHINGTON (AP) — The White House pledged on Tuesday to keep backing Kyiv.\n\n"
    '"We will keep working with our allies to hold Moscow to account for its crimes," '
    "Sullivan said.\n\n"
    '"We have provided more than $40 billion in security assistance," Kirby told reporters.\n\n'
    '"Nobody wants a wider war," a senior administration official said.\n\n'
    '"We will keep working with our partners to hold Moscow to account for its crimes," '
    "Sullivan added later."
)


def test_source_quotes_picks_the_best_primary() -> None:
    quotes = extract_quotes(ARTICLE)
    assert len(quotes) == 4
    checked = source_quotes(quotes, [STATEMENT, BRIEFING])
    # Both primaries carry the first; only the statement has all of it.
    assert [(index, s.verdict) for index, s in checked] == [
        (0, "accurate"),
        (0, "trimmed"),
        (None, "not_found"),
        (0, "edited"),
    ]
    # The briefing alone still carries Sullivan's words, cut short.
    (only,) = source_quotes(quotes[:1], [BRIEFING])
    assert only[0] == 0 and only[1].verdict == "edited"
    assert source_quotes([], [STATEMENT]) == []
    ((index, nowhere),) = source_quotes(quotes[:1], [])
    assert index is None and nowhere.verdict == "not_found" and nowhere.span is None


def test_a_quote_only_the_second_primary_carries() -> None:
    quotes = extract_quotes(
        'Kirby said: "The next package will include more interceptors for air defence."'
    )
    ((index, found),) = source_quotes(quotes, [STATEMENT, BRIEFING])
    assert index == 1 and found.verdict == "accurate"
    assert found.span is not None and BRIEFING[found.span.start :].startswith("The next package")


ARTICLE_RIGHT = (
    'WASHINGTON (Reuters) - "We have provided more than $40 billion in security assistance '
    'since the invasion began," Kirby said. "It is a dark day," he added.'
)


def test_verdicts_are_counted_per_side() -> None:
    left = source_quotes(extract_quotes(ARTICLE), [STATEMENT, BRIEFING])
    right = source_quotes(extract_quotes(ARTICLE_RIGHT), [STATEMENT, BRIEFING])
    assert verdict_counts(s for _, s in left) == {
        "accurate": 1,
        "trimmed": 1,
        "edited": 1,
        "not_found": 1,
    }
    assert verdict_counts(s for _, s in right) == {
        "accurate": 1,
        "trimmed": 0,
        "edited": 0,
        "not_found": 1,
    }
    assert [(index, s.verdict) for index, s in left] == [
        (0, "accurate"),
        (0, "trimmed"),
        (None, "not_found"),
        (0, "edited"),
    ]
    first = left[0][1]
    assert first.span is not None and first.span.text == ALLIES
    trimmed = left[1][1]
    assert trimmed.span is not None and trimmed.span.after.startswith("since the invasion began.")
    assert left[2][1].span is None
    substituted = [e for e in left[3][1].edits if e.type == "substituted"]
    assert [(e.left, e.right) for e in substituted] == [("allies", "partners")]


def test_no_quotes_count_no_verdicts() -> None:
    assert source_quotes([], [STATEMENT]) == []
    zero = {"accurate": 0, "trimmed": 0, "edited": 0, "not_found": 0}
    assert verdict_counts([]) == zero
