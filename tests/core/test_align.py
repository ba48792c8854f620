"""service.core.alignment.quotes: judging pairs of quotations and aligning two lists."""

from __future__ import annotations

import pytest

from service.core.alignment.quotes import Alignment, Match, align_quotes, compare_quotes
from service.core.alignment.rules import MatchRules
from service.core.diff import rebuild
from service.core.quotes.extract import Quote
from service.core.text import tokenize


def quotes(*texts: str) -> list[Quote]:
    """Quotes laid end to end, as if extracted from one text."""
    out: list[Quote] = []
    pos = 0
    for t in texts:
        out.append(Quote(t, pos + 1, pos + 1 + len(t)))
        pos += len(t) + 3
    return out


def relation(left: str, right: str) -> str | None:
    judged = compare_quotes(left, right)
    return None if judged is None else judged[0]


def links(al: Alignment) -> list[tuple[int, int, str]]:
    return [(m.left, m.right, m.relation) for m in al.matches]


class TestIdentical:
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("We will not negotiate with terrorists.", "we will NOT negotiate with terrorists"),
            ("“We won’t negotiate,”", '"We won\'t negotiate"'),
            ("hold its tongue", "Hold its tongue."),
            ("Ok. Which roads?", "OK, which roads?"),
            ("Okay. Which roads?", "Ok. Which roads?"),
            (
                "Criminal organisations will be targeted under UN drug conventions",
                "criminal organizations will be targeted under U.N. Drug Conventions.",
            ),
            ("The colour of the flag is our honour", "The color of the flag is our honor"),
            ("hold\u00a0its tongue\u200b now", "hold its  tongue now"),
            ("It’s an indication — a clear one", "It's an indication, a clear one"),
        ],
    )
    def test_same_words_despite_surface(self, left: str, right: str) -> None:
        assert compare_quotes(left, right) == ("identical", 100.0)

    def test_identity_is_symmetric(self) -> None:
        a, b = "“Jamaica’s own business,”", '"Jamaica\'s own business"'
        assert compare_quotes(a, b) == compare_quotes(b, a) == ("identical", 100.0)


class TestReworded:
    BASE = "We will not raise taxes on families this year"

    @pytest.mark.parametrize(
        "other",
        [
            "We will not raise taxes on working families this year",  # word added inside
            "We will not raise taxes on families",  # two words dropped at the end
            "We will not raise any taxes on families this year",
            "But we will not raise taxes on families this year",  # "But" added at the start
            "We won't raise taxes on families this year",  # contraction
            "We will never raise taxes on families this year",  # word changed
        ],
    )
    def test_same_statement_over_the_same_span(self, other: str) -> None:
        assert relation(self.BASE, other) == "reworded"
        assert relation(other, self.BASE) == "reworded"

    def test_different_translations_of_one_letter(self) -> None:
        left = "The pain in my soul is unbearable. Did I take people's lives?"
        right = "My spiritual pain is unbearable. Am I responsible for people's deaths?"
        # Too far apart in wording to call reworded, but must not crash.
        assert relation(left, right) in (None, "reworded", "partial")

    def test_words_dropped_near_the_end_are_no_overhang(self) -> None:
        """Dropping "plan to" from inside a long quote leaves the same span:
        the fragment's best window stops two words short of the end, but the
        words after it are the fragment's own."""
        long_ = (
            "But we use this chance to state one fact plainly. We have never sold "
            "tractors or spare parts to Norway so far, and they will not plan to sell them"
        )
        trimmed = long_.replace("will not plan to sell", "will not sell")
        assert relation(long_, trimmed) == "reworded"
        assert relation(trimmed, long_) == "reworded"

    def test_score_reflects_similarity(self) -> None:
        close = compare_quotes(self.BASE, "But we will not raise taxes on families this year")
        far = compare_quotes(self.BASE, "We will not raise any new taxes on families")
        assert close is not None and far is not None
        assert 0 < far[1] < close[1] < 100


class TestPartial:
    LONG = (
        "We have been clear from the start. We will not raise taxes on families this "
        "year, and we will not cut the health budget either."
    )

    def test_fragment_inside_a_long_quote(self) -> None:
        assert relation("wild claims", "The mayor must stop making wild claims") == "partial"
        assert relation("cut the health budget", self.LONG) == "partial"
        assert relation(self.LONG, "cut the health budget") == "partial"

    @pytest.mark.parametrize(
        ("fragment", "long_"),
        [
            ("We will not raise taxes", LONG),
            ("not cut the health budget", LONG),
            ("We will not raise taxes", "We have been clear. We will not raise taxes on families."),
        ],
    )
    def test_fragment_whose_first_word_repeats_earlier(self, fragment: str, long_: str) -> None:
        assert relation(fragment, long_) == "partial"
        assert relation(long_, fragment) == "partial"

    def test_statement_split_in_two_both_parts_partial(self) -> None:
        whole = (
            "The economy is growing faster than anyone predicted. "
            "Unemployment is at a record low and wages are rising."
        )
        first = "The economy is growing faster than anyone predicted."
        second = "Unemployment is at a record low and wages are rising."
        assert relation(first, whole) == "partial"
        assert relation(second, whole) == "partial"

    def test_overlap_in_part(self) -> None:
        left = "The plan was drawn up in secret and the public deserves to see it before any vote"
        right = (
            "the public deserves to see it before any vote is held next month, "
            "and we will demand that"
        )
        judged = compare_quotes(left, right)
        assert judged is not None
        assert judged[0] == "partial"
        assert 0 < judged[1] < 100

    def test_extension_by_three_words_or_more_is_partial(self) -> None:
        short = "We will not raise taxes on families this year"
        longer = "We will not raise taxes on families this year or next year either"
        assert relation(short, longer) == "partial"

    def test_repeated_phrase(self) -> None:
        assert compare_quotes("Says who?", "Says who? Says who?") == ("partial", 100.0)


class TestNoMatch:
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            # Two statements by one speaker sharing a few words.
            (
                "We will not raise taxes on families this year.",
                "We will cut taxes on small businesses next year.",
            ),
            (
                "Jamaica has a responsibility to its people to act on this matter.",
                "The government will ensure that tourists are not targeted by the police.",
            ),
            (
                "The people who were killed were innocent bystanders.",
                "The people who did this will be found and they will be punished.",
            ),
            # Stopword-only fragments never match inside a longer quote.
            ("All of them.", "Bridges. Most of them. All of them?"),
            ("All of them.", "We asked all of them to come and none of them did so."),
            ("OK,", "OK, we will look at the numbers again tomorrow."),
            ("We are.", "We are going to win this state by a big margin, we are."),
            ("What?", "What did he say about the polls?"),
        ],
    )
    def test_different_statements(self, left: str, right: str) -> None:
        assert compare_quotes(left, right) is None
        assert compare_quotes(right, left) is None

    def test_different_statements_sharing_function_words(self) -> None:
        left = "The port will reopen on Monday and ships will be inspected."
        right = "The airport will stay closed on Monday and flights will be cancelled."
        assert compare_quotes(left, right) is None

    @pytest.mark.parametrize("empty", ["", "—", "...", " \u00a0 "])
    def test_empty_or_punctuation_never_matches(self, empty: str) -> None:
        assert compare_quotes(empty, "We will not raise taxes") is None
        assert compare_quotes(empty, empty) is None


class TestAlignQuotes:
    def test_one_to_one_and_only_lists(self) -> None:
        left = quotes(
            "careless claims",
            "hold its tongue",
            "We use this chance to state one fact plainly.",
            "fake",
            "border provinces",
        )
        right = quotes(
            "smearing",
            "fake",
            "careless claims",
            "hold its tongue",
            "But we use this chance to state one fact plainly.",
        )
        al = align_quotes(left, right)
        assert links(al) == [
            (0, 2, "identical"),
            (1, 3, "identical"),
            (2, 4, "reworded"),
            (3, 1, "identical"),
        ]
        assert al.left_only == (4,)
        assert al.right_only == (0,)

    def test_split_statement_aligns_both_parts_to_the_whole(self) -> None:
        left = quotes(
            "The pain in my soul is unbearable and has no end.",
            "I keep asking myself the same question again and again.",
        )
        right = quotes(
            "The pain in my soul is unbearable and has no end. I keep asking myself the "
            "same question again and again.",
        )
        al = align_quotes(left, right)
        assert links(al) == [(0, 0, "partial"), (1, 0, "partial")]
        assert al.left_only == () and al.right_only == ()

    def test_fragment_and_whole_both_match_the_longer_quote(self) -> None:
        left = quotes(
            "lawful trade",
            "The sale of farm machinery is a lawful trade between two neighbours.",
        )
        right = quotes("The sale of farm machinery is a lawful trade between two neighbours")
        al = align_quotes(left, right)
        assert links(al) == [(0, 0, "partial"), (1, 0, "identical")]

    def test_identical_is_exclusive_and_beats_reworded(self) -> None:
        left = quotes("We are ready for the storm.")
        right = quotes("But we are ready for the storm.", "We are ready for the storm")
        al = align_quotes(left, right)
        assert links(al) == [(0, 1, "identical")]
        assert al.right_only == (0,)

    def test_repeats_share_their_matches(self) -> None:
        left = quotes("Says who?", "Which roads?", "Says who?")
        right = quotes("Says who?", "Okay. Which roads?")
        al = align_quotes(left, right)
        # "Okay." is one extra word: reworded, not partial.
        assert links(al) == [
            (0, 0, "identical"),
            (1, 1, "reworded"),
            (2, 0, "identical"),
        ]
        assert al.left_only == () and al.right_only == ()

    def test_same_speaker_different_statements_stay_apart(self) -> None:
        left = quotes(
            "Jamaica has a responsibility to its people to act on this matter.",
            "All of them.",
        )
        right = quotes(
            "The government will ensure that tourists are not targeted by the police.",
            "Bridges. Most of them. All of them?",
        )
        al = align_quotes(left, right)
        assert al.matches == ()
        assert al.left_only == (0, 1) and al.right_only == (0, 1)

    def test_empty_sides(self) -> None:
        assert align_quotes([], []) == Alignment((), (), ())
        assert align_quotes(quotes("fake"), []) == Alignment((), (0,), ())
        assert align_quotes([], quotes("fake")) == Alignment((), (), (0,))

    def test_punctuation_only_quotes_are_left_alone(self) -> None:
        al = align_quotes(quotes("—", "fake"), quotes("—", "fake"))
        assert links(al) == [(1, 1, "identical")]
        assert al.left_only == (0,) and al.right_only == (0,)

    def test_match_diff_covers_both_quotes(self) -> None:
        left = quotes("We will not raise taxes on families this year.")
        right = quotes("But we won't raise taxes on working families this year")
        (m,) = align_quotes(left, right).matches
        assert isinstance(m, Match)
        lw, rw = rebuild(m.diff)
        assert lw == " ".join(t.word for t in tokenize(left[0].text))
        assert rw == " ".join(t.word for t in tokenize(right[0].text))

    def test_knobs_are_keyword_only_and_change_the_outcome(self) -> None:
        left = quotes("We will not raise taxes on families this year")
        right = quotes("We will not raise any new taxes on families")
        assert links(align_quotes(left, right)) == [(0, 0, "reworded")]
        rules = MatchRules(min_similarity=0.95, min_run=20, min_cover=1.0)
        strict = align_quotes(left, right, rules=rules)
        assert strict.matches == ()
        with pytest.raises(TypeError):
            align_quotes(left, right, 0.95)  # type: ignore[call-arg]

    def test_deterministic_and_ordered(self) -> None:
        left = quotes("fake", "careless claims", "fake", "hold its tongue")
        right = quotes("hold its tongue", "fake", "careless claims")
        first = align_quotes(left, right)
        assert first == align_quotes(left, right)
        assert [(m.left, m.right) for m in first.matches] == sorted(
            (m.left, m.right) for m in first.matches
        )
