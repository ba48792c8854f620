"""service.core.text: folding, tokenising and comparison keys."""

from __future__ import annotations

import pytest

from service.core.text import Token, fold_marks, normalize, tokenize, word_key

MARKS = "“”„‟«»″‘’‚‛‹›′`´"
SPACES = "\u00a0\u2007\u202f\u200b"  # no-break, figure, narrow no-break, zero-width
FORMAT = "\u00ad\u200c\u200d\u2060\ufeff\u200e\u202b"  # soft hyphen, joiners, bidi
INVISIBLE = SPACES + FORMAT


class TestFoldMarks:
    def test_double_marks_fold_to_straight(self) -> None:
        assert fold_marks("“a” „b“ «c» ‟d″") == '"a" "b" "c" "d"'

    def test_single_marks_and_backticks_fold_to_apostrophe(self) -> None:
        assert fold_marks("‘a’ ‚b‛ ‹c› `d´ e′") == "'a' 'b' 'c' 'd' e'"

    def test_exotic_spaces_become_plain_spaces(self) -> None:
        assert fold_marks(f"a{SPACES}b") == "a" + " " * len(SPACES) + "b"

    def test_format_characters_are_left_for_word_key_to_drop(self) -> None:
        assert fold_marks(f"a{FORMAT}b") == f"a{FORMAT}b"
        assert word_key(f"tar{FORMAT}nishing") == "tarnishing"

    @pytest.mark.parametrize("text", [MARKS, INVISIBLE, "Jamaica’s «own» business\u00a0—\u200bok"])
    def test_length_is_preserved_so_offsets_survive(self, text: str) -> None:
        folded = fold_marks(text)
        assert len(folded) == len(text)
        for orig, new in zip(text, folded, strict=True):
            assert new == orig or orig in MARKS + INVISIBLE

    def test_plain_text_is_untouched(self) -> None:
        text = "Cooperative denies selling tractors to Norway (AP) — 300,000 acres, 9:02 AM"
        assert fold_marks(text) == text


class TestTokenize:
    def test_offsets_point_into_the_original_text(self) -> None:
        text = "“Reckless\u00a0remarks,”  he\u200bsaid.\n\nOK"
        tokens = tokenize(text)
        assert [t.word for t in tokens] == ["“Reckless", "remarks,”", "he", "said.", "OK"]
        for t in tokens:
            assert text[t.start : t.end] == t.word

    def test_format_characters_stay_inside_their_word(self) -> None:
        # Soft hyphens, joiners and bidi marks are invisible in print and no
        # word break: the word keeps them, its key drops them.
        for invisible in ("\u00ad", "\u200d", "\u2060", "\ufeff", "\u200e", "\u2066"):
            tokens = tokenize(f"am{invisible}bassador said")
            assert [t.word for t in tokens] == [f"am{invisible}bassador", "said"]
            assert tokens[0].key == "ambassador"

    def test_empty_and_blank_text(self) -> None:
        assert tokenize("") == []
        assert tokenize(" \n\t\u00a0\u200b ") == []

    def test_token_key_uses_word_key(self) -> None:
        assert Token("Organisations,", 0, 14).key == "organizations"


class TestWordKey:
    @pytest.mark.parametrize(
        ("word", "key"),
        [
            ("U.N.", "un"),
            ("Remarks,”", "remarks"),
            ("“Jamaica’s", "jamaicas"),
            ("don't", "dont"),
            ("—", ""),
            ("...", ""),
            ("OK", "okay"),
            ("O.K.", "okay"),
            ("Okay,", "okay"),
            ("colour", "color"),
            ("organisations", "organizations"),
            ("criticised", "criticized"),
            ("travelled", "traveled"),
            ("catalogue", "catalog"),
        ],
    )
    def test_examples(self, word: str, key: str) -> None:
        assert word_key(word) == key

    def test_short_words_keep_their_endings(self) -> None:
        # "our" and "tour" are words, not British spellings of "or"/"tor".
        assert word_key("our") == "our"
        assert word_key("four") == "four"

    def test_compatibility_forms_fold(self) -> None:
        # Full-width letters and ligatures (NFKC) key like their plain forms.
        assert word_key("ＵＳ") == word_key("US") == "us"
        assert word_key("ﬁnal") == "final"


class TestNormalize:
    def test_quote_style_case_and_punctuation_are_ignored(self) -> None:
        assert normalize("“We won’t back down,” ") == normalize('"we WON\'T back down."')

    def test_british_and_american_spellings_agree(self) -> None:
        assert normalize("Criminal organisations") == normalize("criminal organizations")
        assert normalize("the colour of honour") == normalize("The color of honor")

    def test_whitespace_variants_agree(self) -> None:
        assert normalize("keep\u00a0its  mouth\nshut") == "keep its mouth shut"

    def test_pure_punctuation_vanishes(self) -> None:
        assert normalize("— … “ ” -") == ""

    def test_different_words_differ(self) -> None:
        assert normalize("claimed people's lives") != normalize("took away people's lives")
