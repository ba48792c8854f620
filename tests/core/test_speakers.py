"""service.core.quotes.speakers: who said each quotation, as the text names them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.core import extract_quotes
from service.core.quotes import speakers as speakers_module
from service.core.quotes.speakers import attribute_speakers


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in extract_quotes(text)]


class TestAfterTheQuote:
    def test_said_name(self) -> None:
        text = '"The bridge is safe," said Transport Secretary Dana Whitfield.'
        assert speakers(text) == [("The bridge is safe,", "Transport Secretary Dana Whitfield")]

    def test_said_name_with_apposition(self) -> None:
        text = '"The bridge is safe," said Dana Whitfield, the transport secretary.'
        assert speakers(text) == [("The bridge is safe,", "Dana Whitfield")]

    def test_said_description_with_relative_clause(self) -> None:
        text = (
            "“We have never exported weapons,” said the official, who was described as "
            "a deputy director of the ministry."
        )
        assert speakers(text) == [("We have never exported weapons,", "the official")]

    @pytest.mark.parametrize("name", ["Ann Lee", "Gary Lund", "Tom Cole"])
    def test_said_name_at_end_of_sentence_drops_the_full_stop(self, name: str) -> None:
        assert speakers(f'"Yes," said {name}.') == [("Yes,", name)]

    def test_name_said(self) -> None:
        text = '"The bridge is safe," Whitfield said on Monday.'
        assert speakers(text) == [("The bridge is safe,", "Whitfield")]

    @pytest.mark.parametrize("role", ["the governor", "his attorney", "a spokeswoman"])
    def test_a_role_then_the_name_in_apposition(self, role: str) -> None:
        text = f'"We will appeal," {role}, Gavin Newsom, said in a statement.'
        assert speakers(text) == [("We will appeal,", "Gavin Newsom")]

    def test_a_name_then_a_role_in_apposition_keeps_the_name(self) -> None:
        text = '"We will appeal," Newsom, a Democrat, said.'
        assert speakers(text) == [("We will appeal,", "Newsom")]

    def test_according_to_opening_the_sentence(self) -> None:
        text = 'According to police spokesman Larry Hadfield, "the suspect fled."'
        assert speakers(text) == [("the suspect fled.", "police spokesman Larry Hadfield")]

    def test_name_with_title_said(self) -> None:
        text = "“It’s an indication of desperation,” Mr Kirby said."
        assert speakers(text) == [("It’s an indication of desperation,", "Mr Kirby")]

    def test_adverb_between_name_and_verb(self) -> None:
        text = '"We were never told," Okafor later said.'
        assert speakers(text) == [("We were never told,", "Okafor")]

    def test_other_speech_verbs(self) -> None:
        text = (
            '"Says who?" Cohen shot back.\n\n'
            '"Which polls?" he asked.\n\n'
            '"The polls," Keilar replied.'
        )
        assert speakers(text) == [
            ("Says who?", "Cohen"),
            ("Which polls?", "Cohen"),
            ("The polls,", "Keilar"),
        ]

    def test_according_to(self) -> None:
        text = 'The bridge is "perfectly safe," according to Dana Whitfield, the city engineer.'
        assert speakers(text) == [("perfectly safe,", "Dana Whitfield")]

    def test_according_to_description(self) -> None:
        text = "The port was “running at half speed”, according to a shipping official."
        assert speakers(text) == [("running at half speed", "a shipping official")]

    def test_quoted_as_saying(self) -> None:
        text = (
            '"The US spread a rumour of arms dealings," KCNA quoted the vice director '
            "of the ministry as saying."
        )
        assert speakers(text)[0][1] is not None
        assert "vice director" in (speakers(text)[0][1] or "")

    def test_said_abbreviated_title_and_name(self) -> None:
        text = '"The bridge is safe," said Sen. Dana Whitfield, a Democrat.'
        assert speakers(text) == [("The bridge is safe,", "Sen. Dana Whitfield")]

    def test_name_apposition_said(self) -> None:
        text = '"The bridge is safe," Dana Whitfield, the transport secretary, said Monday.'
        assert speakers(text) == [("The bridge is safe,", "Dana Whitfield")]


class TestBeforeTheQuote:
    def test_name_said_colon(self) -> None:
        text = 'Whitfield said: "The bridge is safe."'
        assert speakers(text) == [("The bridge is safe.", "Whitfield")]

    def test_told_someone_colon(self) -> None:
        text = 'Whitfield told the Chronicle: "The bridge is safe."'
        assert speakers(text) == [("The bridge is safe.", "Whitfield")]

    def test_told_that_fragment(self) -> None:
        text = (
            "A defence official told state media that the US should stop making "
            "“reckless remarks” and “keep its mouth shut”."
        )
        assert speakers(text) == [
            ("reckless remarks", "A defence official"),
            ("keep its mouth shut", "A defence official"),
        ]

    @pytest.mark.parametrize("dash", ["—", "–", "-", "--"])
    def test_after_a_wire_dateline(self, dash: str) -> None:
        text = f'LONDON (Reuters) {dash} Okafor said the plan was "a disgrace."'
        assert speakers(text) == [("a disgrace.", "Okafor")]

    def test_colon_at_the_end_of_the_previous_paragraph(self) -> None:
        text = (
            "In a statement, the ministry said:\n\n"
            '"We have never exported weapons to Russia and we never will."'
        )
        assert speakers(text) == [
            ("We have never exported weapons to Russia and we never will.", "the ministry")
        ]

    def test_transcript_prefix(self) -> None:
        text = (
            'KEILAR: "Are you down in the polls?"\n'
            'COHEN: "Says who?"\n'
            'Keilar: "Polls. Most of them."\n'
        )
        assert speakers(text) == [
            ("Are you down in the polls?", "KEILAR"),
            ("Says who?", "COHEN"),
            ("Polls. Most of them.", "Keilar"),
        ]

    def test_unattributed_quote_has_no_speaker(self) -> None:
        text = 'The banner over the stage read "Together we rise" in gold letters.'
        assert speakers(text) == [("Together we rise", None)]

    @pytest.mark.parametrize(
        "description", ["the city's chief engineer", "a former adviser", "Mayor Okafor's deputy"]
    )
    def test_name_before_a_description_in_apposition(self, description: str) -> None:
        # The clause nearest the quote is the description; the name it
        # stands for is the speaker.
        text = f"Dana Whitfield, {description}, said before the vote that “the bridge is safe”."
        assert speakers(text) == [("the bridge is safe", "Dana Whitfield")]

    def test_a_description_inside_an_including_phrase(self) -> None:
        text = (
            "Four officials testified, including a career Army officer who described "
            "the call as “improper.”"
        )
        assert speakers(text) == [("improper.", "a career Army officer")]

    def test_a_place_before_a_description_is_no_name(self) -> None:
        text = "In Las Vegas, the sheriff said that “the strip is safe”."
        assert speakers(text) == [("the strip is safe", "the sheriff")]

    def test_a_subordinate_clause_after_the_quote_is_not_its_attribution(self) -> None:
        text = 'Michael Cohen repeatedly asked "says who?" when an anchor said Trump was down.'
        assert speakers(text) == [("says who?", "Michael Cohen")]


class TestContinuation:
    def test_pronoun_resolves_to_previous_named_speaker(self) -> None:
        text = (
            '"We will reopen the market," said Mayor Ruth Okafor.\n\n'
            '"It will be a good day for the city," she said.'
        )
        assert speakers(text) == [
            ("We will reopen the market,", "Mayor Ruth Okafor"),
            ("It will be a good day for the city,", "Mayor Ruth Okafor"),
        ]

    @pytest.mark.parametrize("link", [" aide", " lawyer", "'s lawyer", "’s spokeswoman"])
    def test_pronoun_skips_a_name_that_only_modifies_the_next(self, link: str) -> None:
        text = (
            f"Donald Trump{link} Michael Cohen questioned the polls on Tuesday.\n\n"
            '"Which polls?" he asked.'
        )
        assert speakers(text) == [("Which polls?", "Michael Cohen")]

    def test_pronoun_resolves_to_name_in_the_narrative(self) -> None:
        text = (
            "Mayor Ruth Okafor visited the market on Monday.\n\n"
            '"We will reopen it within a week," she said.'
        )
        assert speakers(text) == [("We will reopen it within a week,", "Mayor Ruth Okafor")]

    def test_own_paragraph_continues_previous_speaker(self) -> None:
        text = (
            '"We are ready," Mayor Ruth Okafor said.\n\n'
            '"It will be a good day for the city."\n\n'
            "The market opens at 9am."
        )
        assert speakers(text) == [
            ("We are ready,", "Mayor Ruth Okafor"),
            ("It will be a good day for the city.", "Mayor Ruth Okafor"),
        ]

    def test_multi_paragraph_quote_keeps_its_speaker(self) -> None:
        text = (
            '"The first thing we must understand is the scale," chief executive Ana Diaz '
            "wrote.\n\n"
            '"The second is that the losses are not spread evenly.\n\n'
            '"The third is that none of this will be fixed in a year."'
        )
        assert [who for _, who in speakers(text)] == ["chief executive Ana Diaz"] * 3

    def test_new_speaker_breaks_continuation(self) -> None:
        text = (
            '"We are ready," Okafor said.\n\n'
            '"We are not," union organiser Gary Lund said.\n\n'
            '"Nobody asked us."'
        )
        assert [who for _, who in speakers(text)] == [
            "Okafor",
            "union organiser Gary Lund",
            "union organiser Gary Lund",
        ]

    def test_no_continuation_across_unrelated_paragraphs(self) -> None:
        text = (
            '"We are ready," Okafor said.\n\n'
            "The market has been closed since March.\n\n"
            "Traders have moved to a car park on the edge of town.\n\n"
            'A sign on the gate reads "Closed until further notice".'
        )
        assert speakers(text)[-1] == ("Closed until further notice", None)

    def test_split_quote_second_half_has_the_same_speaker(self) -> None:
        text = '"We will rebuild," the governor said, "and we will do it together."'
        assert speakers(text) == [
            ("We will rebuild,", "the governor"),
            ("and we will do it together.", "the governor"),
        ]

    def test_next_sentence_in_same_paragraph_continues(self) -> None:
        text = '"We are ready," Okafor said on Monday. "It will be a good day."'
        assert speakers(text) == [
            ("We are ready,", "Okafor"),
            ("It will be a good day.", "Okafor"),
        ]


class TestAttributeSpeakersDirectly:
    def test_one_entry_per_span(self) -> None:
        text = '"Yes," said Ann Lee, a nurse. Nothing else. "No," she said.'
        spans = [(1, 5), (45, 48)]
        assert text[1:5] == "Yes," and text[45:48] == "No,"
        assert attribute_speakers(text, spans) == ["Ann Lee", "Ann Lee"]

    def test_no_spans(self) -> None:
        assert attribute_speakers("Nothing quoted here.", []) == []

    def test_first_person_pronoun_without_antecedent(self) -> None:
        text = '"Yes," I said.'
        assert attribute_speakers(text, [(1, 5)]) == [None]


_WORDS = st.sampled_from(["Kim", "Lee", "Ann", "Kimm", "Ann-Lee", "Lee’", "said", "in", "x", "_"])
_GAPS = st.sampled_from(["", " ", "-", "’", ". ", ", ", "\n"])


@given(
    text=st.lists(st.tuples(_WORDS, _GAPS), max_size=12).map(
        lambda parts: "".join(word + gap for word, gap in parts)
    ),
    surnames=st.sets(st.sampled_from(["Kim", "Lee", "Ann", "Ann-Lee", "Lee’", "Kimm"]), max_size=4),
)
def test_lone_surnames_are_found_as_a_regular_expression_would(
    text: str, surnames: set[str]
) -> None:
    """``_lone_surnames`` finds whole words with ``str.find``; what it finds
    is what one regular expression of all the surnames finds."""
    expected = []
    if surnames:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(surnames))) + r")\b")
        for m in pattern.finditer(text):
            window = max(0, m.start() - 30)
            if not speakers_module._CAPITAL_BEFORE.search(
                text, window, m.start()
            ) and not speakers_module._PLACE_BEFORE.search(text, window, m.start()):
                expected.append((m.start(), m.end(), m.group()))
    assert speakers_module._lone_surnames(text, surnames) == expected
