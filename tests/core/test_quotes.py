"""service.core.quotes.extract: which spans are quotations, on real article shapes."""

from __future__ import annotations

import dataclasses

import pytest

from service.core import compare_texts
from service.core.quotes.extract import Quote, extract_quotes
from service.core.text import repair_mojibake, word_key

from ._samples import long_article, quote_texts


class TestMarkStyles:
    def test_wire_copy_straight_quotes(self) -> None:
        text = (
            "WASHINGTON (AP) — Senate leaders said Tuesday the spending bill was "
            '"dead on arrival" in its current form.\n\n'
            '"We have the votes to block it, and we will," Sen. Maria Lopez, D-N.M., '
            "told reporters outside the chamber."
        )
        assert quote_texts(text) == [
            "dead on arrival",
            "We have the votes to block it, and we will,",
        ]

    def test_curly_quotes(self) -> None:
        text = (
            "The mayor called the stadium deal “a disgrace to the city” on Monday.\n\n"
            "“We were promised jobs. We got a car park,” said Dev Patel, a shop owner."
        )
        assert quote_texts(text) == [
            "a disgrace to the city",
            "We were promised jobs. We got a car park,",
        ]

    def test_mixed_curly_open_straight_close(self) -> None:
        text = 'She described the ceasefire as “a turning point for the region" in a statement.'
        assert quote_texts(text) == ["a turning point for the region"]

    def test_mixed_straight_open_curly_close(self) -> None:
        text = 'He said the talks were "going nowhere” and left the building.'
        assert quote_texts(text) == ["going nowhere"]

    def test_latex_style_marks(self) -> None:
        text = (
            "``We are not going anywhere,'' coach Dana Burke said after the game. "
            "``Not this season.''"
        )
        assert quote_texts(text) == ["We are not going anywhere,", "Not this season."]

    def test_guillemets(self) -> None:
        text = "Le ministre a déclaré : « Nous ne céderons pas », lundi soir à Paris."
        assert quote_texts(text) == ["Nous ne céderons pas"]

    def test_german_low_high_marks(self) -> None:
        text = "Die Kanzlerin sagte: „Wir werden das schaffen.“ Danach verließ sie den Saal."
        assert quote_texts(text) == ["Wir werden das schaffen."]

    def test_bbc_style_doubled_apostrophes(self) -> None:
        text = "The minister insisted there was ''no crisis'' in the health service."
        assert quote_texts(text) == ["no crisis"]

    def test_doubled_apostrophe_after_possessive_is_not_a_mark(self) -> None:
        text = "The Jones'' case was heard on Friday, the court said."
        assert quote_texts(text) == []


class TestSingleMarks:
    def test_single_quoted_words_in_a_headline_ending_with_a_full_stop(self) -> None:
        # Issue 16: a title-case line is a headline, full stop or not.
        text = (
            "Mayor Says 'The Worst Is Behind Us' As Floods Recede.\n\n"
            'The river fell overnight. "We are lucky," a resident said.'
        )
        assert quote_texts(text) == ["The Worst Is Behind Us", "We are lucky,"]

    def test_single_quoted_headline(self) -> None:
        text = (
            "Bank chief: 'We will not be rushed on rates'\n\n"
            "The governor of the central bank said on Thursday that interest rates "
            "would stay where they are until inflation falls further."
        )
        assert quote_texts(text) == ["We will not be rushed on rates"]

    def test_single_quoted_headline_with_curly_marks(self) -> None:
        text = "‘Devastating’: farmers count the cost of the drought\n\nRain has not fallen."
        assert quote_texts(text) == ["Devastating"]

    def test_british_style_article(self) -> None:
        text = (
            "The prime minister said: 'We will not be rushed into a decision.'\n\n"
            "Labour leader Keir Starmer said the government was 'in total chaos'.\n\n"
            "'This is a shambles,' he added. 'Nobody knows who is in charge.'\n\n"
            "The vote is expected next week."
        )
        assert quote_texts(text) == [
            "We will not be rushed into a decision.",
            "in total chaos",
            "This is a shambles,",
            "Nobody knows who is in charge.",
        ]

    def test_british_style_with_apostrophes_inside(self) -> None:
        text = (
            "'It's the nation's biggest test since the '90s,' the minister said.\n\n"
            "'We don't yet know what it'll cost,' she added."
        )
        assert quote_texts(text) == [
            "It's the nation's biggest test since the '90s,",
            "We don't yet know what it'll cost,",
        ]

    @pytest.mark.parametrize(
        ("text", "quote"),
        [
            (
                "'Both Koreas' leaders want peace,' the minister said.",
                "Both Koreas' leaders want peace,",
            ),
            (
                "Union chief: 'We want the workers' pension back'",
                "We want the workers' pension back",
            ),
        ],
    )
    def test_plural_possessive_inside_single_quotes(self, text: str, quote: str) -> None:
        assert quote_texts(text) == [quote]

    @pytest.mark.parametrize("word", ["reckless", "dangerous", "careless"])
    def test_a_single_quoted_word_ending_in_s_is_no_possessive(self, word: str) -> None:
        # "'reckless' and …": a possessive is followed by what is possessed,
        # never by "and", "to" or "as".
        text = f"He called the plan '{word}' and 'unworkable', adding: 'It will fail.'"
        assert quote_texts(text) == [word, "unworkable", "It will fail."]

    def test_single_marks_next_to_attribution_in_american_copy(self) -> None:
        text = (
            'The chief said "the investigation is continuing" and asked for patience.\n\n'
            "'No comment,' said a spokesman for the family."
        )
        assert quote_texts(text) == ["the investigation is continuing", "No comment,"]

    def test_scare_quotes_in_body_copy_may_be_left_out(self) -> None:
        text = (
            'The "reforms," critics said, amount to a "rebranding" of the old rules. '
            "Officials call them 'modernisation' in the documents seen by reporters "
            "over several weeks of negotiations that ran late into the night."
        )
        found = quote_texts(text)
        assert "reforms," in found
        assert "rebranding" in found
        # Single-marked terms in American body copy are scare quotes, not speech.
        assert "modernisation" not in found


class TestNesting:
    def test_single_quotes_nested_in_double_stay_in_the_outer_quote(self) -> None:
        text = (
            "\"The council and its partners talked about a 'breach of the lease' and "
            "spread a 'story of secret payments'\", the agency said."
        )
        assert quote_texts(text) == [
            "The council and its partners talked about a 'breach of the lease' and "
            "spread a 'story of secret payments'"
        ]

    def test_curly_singles_nested_in_curly_doubles(self) -> None:
        text = "“I said ‘enough is enough’ and walked out,” Greene said."
        assert quote_texts(text) == ["I said ‘enough is enough’ and walked out,"]

    def test_nested_title_at_the_end_of_the_quote(self) -> None:
        text = "\"The lobby looked like a film set, like 'Die Hard',\" said a tourist."
        assert quote_texts(text) == ["The lobby looked like a film set, like 'Die Hard',"]

    def test_backtick_nested_title(self) -> None:
        text = '"It was like `Die Hard\' or something," said Mark Ellis, a visitor.'
        assert quote_texts(text) == ["It was like `Die Hard' or something,"]

    def test_straight_doubles_nested_in_curly_doubles_stay_in_the_outer_quote(self) -> None:
        # Issue 16: the straight pair used to restart the quotation, and the
        # long outer one was lost.
        text = (
            '“When the board told us "no budget this year" we knew the plan was over, '
            'and then the mayor called it "a pause" on television,” Ortega said.'
        )
        assert quote_texts(text) == [
            'When the board told us "no budget this year" we knew the plan was over, '
            'and then the mayor called it "a pause" on television,'
        ]

    def test_a_lone_straight_mark_still_closes_a_curly_quote(self) -> None:
        assert quote_texts('“We are ready," Ortega said. "Are you?"') == [
            "We are ready,",
            "Are you?",
        ]

    def test_curly_doubles_in_an_excerpt_left_open_are_quotes_of_their_own(self) -> None:
        # A straight mark that opens an excerpt running over paragraphs is
        # never closed in its paragraph: the quotes inside it stand alone.
        text = (
            "The report reads:\n\n"
            '"The council called it “a pause” and moved on.\n\n'
            '"Nobody asked the residents."'
        )
        assert "a pause" in quote_texts(text)


class TestStructure:
    def test_quote_split_by_attribution_is_two_quotes(self) -> None:
        text = '"We will rebuild," the governor said, "and we will do it together."'
        assert quote_texts(text) == ["We will rebuild,", "and we will do it together."]

    def test_split_quote_with_curly_marks_and_full_name(self) -> None:
        text = "“The shelves are empty,” said Ana Ruiz, 54, “and nobody can tell us why.”"
        assert quote_texts(text) == ["The shelves are empty,", "and nobody can tell us why."]

    def test_multi_paragraph_quote_is_one_quote_per_paragraph(self) -> None:
        text = (
            "In her letter to the board, chief executive Ana Diaz wrote:\n\n"
            '"The first thing we must understand is the scale of the losses.\n\n'
            '"The second is that the losses are not spread evenly.\n\n'
            '"The third is that none of this will be fixed in a year."\n\n'
            "The board is due to meet on Friday."
        )
        assert quote_texts(text) == [
            "The first thing we must understand is the scale of the losses.",
            "The second is that the losses are not spread evenly.",
            "The third is that none of this will be fixed in a year.",
        ]

    def test_multi_paragraph_quote_with_curly_marks(self) -> None:
        text = (
            "“I have one regret,” the former general wrote.\n"
            "“It is that I did not speak sooner.\n"
            "“Silence was the easy choice, and it was the wrong one.”\n"
            "He died in 2013."
        )
        assert quote_texts(text) == [
            "I have one regret,",
            "It is that I did not speak sooner.",
            "Silence was the easy choice, and it was the wrong one.",
        ]

    def test_unbalanced_mark_does_not_swallow_the_article(self) -> None:
        text = (
            'The judge said the defence had "no case and the hearing would end there.\n\n'
            "Lawyers for the company declined to comment on the ruling. An appeal is likely.\n\n"
            "Shares in the company fell 4% on the news.\n\n"
            '"We are disappointed," a spokeswoman for the company said later.'
        )
        found = quote_texts(text)
        assert found[-1] == "We are disappointed,"
        assert all("\n" not in q for q in found)
        assert not any("Lawyers" in q or "Shares" in q for q in found)

    def test_unclosed_quote_before_a_new_quote_on_the_same_line(self) -> None:
        text = 'Critics called it "a stitch-up. The minister said "we followed the rules" today.'
        found = quote_texts(text)
        assert "we followed the rules" in found
        assert not any("Critics" in q for q in found)

    def test_unclosed_quote_at_the_end_of_the_text(self) -> None:
        text = 'The statement ended: "We will say more when we can.'
        # An introduced quotation still open at the end of its paragraph is kept.
        assert quote_texts(text) == ["We will say more when we can."]

    def test_quotes_across_lines_are_per_paragraph(self) -> None:
        text = '"Line one\nline two" and "three"'
        for q in extract_quotes(text):
            assert "\n" not in q.text

    def test_crlf_line_endings(self) -> None:
        text = '"We are ready," she said.\r\n\r\n"So are we," he replied.'
        assert quote_texts(text) == ["We are ready,", "So are we,"]

    def test_empty_quotation_marks_give_nothing(self) -> None:
        assert quote_texts('He said "" and then “ ” and left.') == []

    def test_punctuation_only_quote_gives_nothing(self) -> None:
        assert quote_texts('The reply was "..." and a shrug.') == []


class TestApostrophesAndPrimes:
    @pytest.mark.parametrize(
        "text",
        [
            "Don't tell me the '90s were dull, she said.",
            "Both Koreas' leaders liked rock 'n' roll in their youth.",
            "It's the ministers' view that we'll see 'em back by '24.",
            "The O'Briens' dog isn't the Joneses' problem, y'all.",
            "Kim Jong-un's sister said the talks were 'til further notice' off.",
            "The 6'2\" guard scored 30 points in the '08 final.",
            "Kim Jong‑un’s regime doesn’t comment on the ’90s famine.",
        ],
    )
    def test_apostrophes_are_never_marks(self, text: str) -> None:
        assert quote_texts(text) == []

    def test_inch_marks_do_not_open_a_quote(self) -> None:
        text = (
            "The 6'2\" guard scored 30 points on Saturday.\n\n"
            '"He was unstoppable," coach Lee Harmon said.'
        )
        assert quote_texts(text) == ["He was unstoppable,"]

    def test_inch_mark_before_a_quote_on_the_same_line(self) -> None:
        text = 'The 6\'2" guard, who "never stops running," scored 30.'
        assert quote_texts(text) == ["never stops running,"]

    def test_possessive_before_closing_mark(self) -> None:
        text = "“These are the workers’ rights, not the bosses’,” the union said."
        assert quote_texts(text) == ["These are the workers’ rights, not the bosses’,"]


class TestNoise:
    def test_mojibake_closing_mark_ends_the_quote(self) -> None:
        text = (
            "“My life mission is to see them brought to justice,\ufffd? said Tehran Boyd. "
            "“They must pay.\ufffd?\n\n"
            "Police said the suspect was “armed and dangerous.\ufffd?"
        )
        assert quote_texts(text) == [
            "My life mission is to see them brought to justice,",
            "They must pay.",
            "armed and dangerous.",
        ]

    def test_captions_and_embedded_tweets(self) -> None:
        text = (
            "Fans gather outside the stadium on Sunday. (AP Photo/John Doe)\n\n"
            "Image copyright Getty Images Image caption The final drew a record crowd\n\n"
            '"It was the best night of my life," said fan Ana Ruiz.\n\n'
            "Never seen anything like it. What a night for this city "
            "pic.twitter.com/Ab12Cd34 — Ana Ruiz (@anaruiz) March 3, 2020\n\n"
            'The club tweeted: "Thank you for an incredible season. See you in August."\n\n'
            "Read or Share this story: https://example.com/story/sport/2020/03/03/final/123/"
        )
        assert quote_texts(text) == [
            "It was the best night of my life,",
            "Thank you for an incredible season. See you in August.",
        ]

    def test_nbsp_and_zero_width_characters_around_marks(self) -> None:
        text = "The minister called it\u00a0“a\u200bdisgrace”\u00a0on Monday."
        assert quote_texts(text) == ["a\u200bdisgrace"]

    def test_no_quotes_at_all(self) -> None:
        text = "The region has used the drought to speed up its own water projects."
        assert quote_texts(text) == []

    def test_empty_text(self) -> None:
        assert extract_quotes("") == []
        assert extract_quotes("\n\n  \n") == []


class TestLongArticle:
    def test_five_thousand_word_article(self) -> None:
        text, planted = long_article(5000)
        assert len(text.split()) >= 5000
        assert quote_texts(text) == planted

    def test_stray_mark_in_a_long_article_loses_nothing_else(self) -> None:
        text, planted = long_article(2000, seed=3)
        paragraphs = text.split("\n\n")
        stray = 'A resident said the repairs were "overdue and left it there.'
        paragraphs.insert(3, stray)
        found = quote_texts("\n\n".join(paragraphs))
        # The stray quotation may be kept or dropped (the next paragraph may
        # open with a mark, which reads as a quotation running on), but it
        # ends with its paragraph and every other quotation is intact.
        assert [q for q in found if q not in stray] == planted


class TestQuoteValue:
    def test_quote_is_frozen(self) -> None:
        q = Quote("fake", 10, 14)
        with pytest.raises(dataclasses.FrozenInstanceError):
            q.text = "real"  # type: ignore[misc]

    def test_deterministic(self) -> None:
        text, _ = long_article(800, seed=11)
        assert extract_quotes(text) == extract_quotes(text)


CLEAN = (
    "“We will not go back,” said Ann O’Neil. ‘Never,’ she added.\n\n"
    "She didn’t say “why” — or when. Bob Jones said: “No way…”"
)


@pytest.mark.parametrize(
    "garbled",
    [
        # UTF-8 read as Windows-1252: the closing double mark's last byte
        # has no character there, so it comes as U+FFFD, U+009D or nothing.
        CLEAN.encode("utf-8").decode("cp1252", errors="replace"),
        CLEAN.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "\x9d"),
        CLEAN.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", ""),
        CLEAN.encode("utf-8").decode("latin-1"),
    ],
    ids=["cp1252", "cp1252-c1", "cp1252-dropped", "latin-1"],
)
def test_mojibake_marks_are_read_as_the_marks_they_were(garbled: str) -> None:
    assert "â€" in garbled or "â\x80" in garbled
    clean = extract_quotes(CLEAN)
    found = extract_quotes(garbled)
    # The same quotations and speakers, with offsets into the text as given.
    assert [q.speaker for q in found] == [q.speaker for q in clean]
    assert all(garbled[q.start : q.end] == q.text for q in found)
    # Their text is the original's, garbling and all; repaired, the clean one.
    assert [repair_mojibake(q.text)[0] for q in found] == [q.text for q in clean]
    assert [q.text for q in clean] == [
        "We will not go back,",
        "Never,",
        "why",
        "No way…",
    ]


def test_mojibake_words_compare_as_the_clean_ones() -> None:
    garbled = CLEAN.encode("utf-8").decode("cp1252", errors="replace")
    assert word_key("didnâ€™t") == word_key("didn’t") == "didnt"
    comparison = compare_texts(CLEAN, garbled)
    assert [m.relation for m in comparison.alignment.matches] == ["identical"] * 4
