"""service.core.insight.attribution: one statement credited to different sources."""

from __future__ import annotations

import pytest

from service.core.compare import compare_texts
from service.core.insight.attribution import drift, is_named, same_speaker


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kirby", "Psaki"),
        ("Joe Biden", "Donald Trump"),
        ("President Biden", "President Trump"),
        ("Defence Minister Lee Jong-sup", "Prime Minister Han Duck-soo"),
        ("Mr Kirby", "Ms Jean-Pierre"),
        ("KCNA", "Kim Yo Jong"),
        # Issue 16: speakers are full names now; one surname is not one person.
        ("Bill Clinton", "Hillary Clinton"),
        ("Donald Trump", "Eric Trump"),
    ],
)
def test_two_named_sources_sharing_no_name_are_different_people(left: str, right: str) -> None:
    assert drift(left, right) == "different_person"
    assert drift(right, left) == "different_person"
    assert same_speaker(left, right) is False


@pytest.mark.parametrize(
    ("named", "anonymous"),
    [
        ("Defence Minister Lee Jong-sup", "a ministry official"),
        ("Pak Jong Chon", "a defence official"),
        ("John Kirby", "a senior administration official"),
        ("KCNA", "a spokesman"),
        ("Lee Jong-sup", "officials"),
        ("Minister Lee", "the minister"),
        ("Michael Cohen", "Donald Trump's lawyer"),
    ],
)
def test_a_name_against_a_description_is_named_vs_anonymous(named: str, anonymous: str) -> None:
    assert drift(named, anonymous) == "named_vs_anonymous"
    assert drift(anonymous, named) == "named_vs_anonymous"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Mr Kirby", "John Kirby"),
        ("John Kirby", "Kirby"),
        ("Harbour board marine safety spokesperson Tom Ashby", "Mr Ashby"),
        ("President Joe Biden", "Biden"),
        ("Mr Putin", "Vladimir Putin"),
        ("Mr. Cohen", "Michael Cohen"),
        ("Sen. Ann Lee", "Ann Lee"),
        ("Bill Clinton", "William J. Clinton"),
        ("Mike Pence", "Michael R. Pence"),
        ("Ted Cruz", "Rafael Edward Cruz"),
        ("Dr Fauci", "Anthony Fauci"),
        ("Secretary of State Antony Blinken", "Blinken"),
        ("Lee Jong-sup", "Defence Minister Lee"),
        ("Kirby", "kirby"),
    ],
)
def test_one_person_with_or_without_title_or_first_name_is_no_drift(left: str, right: str) -> None:
    assert drift(left, right) is None
    assert drift(right, left) is None
    assert same_speaker(left, right) is True


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("a defence official", "the official"),
        ("a ministry official", "a senior military officer"),
        ("officials", "a spokesman"),
        ("one official", "two diplomats"),
    ],
)
def test_two_descriptions_are_never_drift(left: str, right: str) -> None:
    assert not is_named(left) and not is_named(right)
    assert drift(left, right) is None


@pytest.mark.parametrize("known", ["Kirby", "a defence official", "KCNA"])
def test_a_missing_attribution_is_no_drift(known: str) -> None:
    for missing in (None, ""):
        assert drift(known, missing) is None
        assert drift(missing, known) is None
        assert same_speaker(known, missing) is None
    assert drift(None, None) is None


def test_the_module_examples() -> None:
    assert (drift("John Kirby", "Kirby"), drift("Kirby", "Psaki")) == (None, "different_person")
    assert drift("a defence official", "Pak Jong Chon") == "named_vs_anonymous"
    assert drift("the official", "a defence official") is None


@pytest.mark.parametrize(
    "speaker",
    ["Mr Kirby", "KCNA", "John Kirby", "Defence Minister Lee Jong-sup", "North Korea", "Moscow"],
)
def test_names_are_named(speaker: str) -> None:
    assert is_named(speaker)


@pytest.mark.parametrize(
    "speaker",
    [
        "a vice director",
        "officials",
        "the official",
        "a defence official",
        "A top North Korean defence official",
        "The official",
        "one official",
        "Minister",
        "Mr",
        "spokesman",
        "Donald Trump's lawyer",
        "",
    ],
)
def test_descriptions_and_bare_titles_are_not_named(speaker: str) -> None:
    assert not is_named(speaker)


SEOUL_AP = (
    "SEOUL, South Korea (AP) — South Korea vowed on Tuesday to respond firmly to any further "
    "provocation from the North.\n\n"
    '"We will not back down," said Defence Minister Lee Jong-sup.\n\n'
    '"Any attack will be met with an overwhelming response," Lee told lawmakers.'
)
SEOUL_REUTERS = (
    "SEOUL (Reuters) - South Korea said on Tuesday it would respond firmly to North Korean "
    "provocations.\n\n"
    '"We will not back down," a ministry official said.\n\n'
    '"Any attack will be met with an overwhelming response," Defence Minister Lee Jong-sup '
    "told parliament."
)


def test_drift_through_a_comparison() -> None:
    c = compare_texts(SEOUL_AP, SEOUL_REUTERS)
    assert c.insight is not None
    assert [(m.left, m.right, m.relation) for m in c.alignment.matches] == [
        (0, 0, "identical"),
        (1, 1, "identical"),
    ]
    # The first quote is the minister's in one story and "a ministry
    # official"'s in the other, which names Lee too: the description may be
    # him, so it is not reported. The second is Lee's in both.
    assert [p.drift for p in c.insight.pairs] == [None, None]
    # Where the other story never names him, it is drift.
    unnamed = SEOUL_REUTERS.replace("Defence Minister Lee Jong-sup", "the defence minister")
    c = compare_texts(SEOUL_AP, unnamed)
    assert c.insight is not None
    assert c.insight.pairs[0].drift == "named_vs_anonymous"
    first = c.alignment.matches[0]
    assert (first.left, first.right) == (0, 0)
    assert c.left.quotes[first.left].speaker == "Lee Jong-sup"
    assert c.right.quotes[first.right].speaker == "a ministry official"


def test_a_quote_credited_to_another_named_person() -> None:
    other = SEOUL_REUTERS.replace("a ministry official said", "said Prime Minister Han Duck-soo")
    c = compare_texts(SEOUL_AP, other)
    assert c.insight is not None
    assert [p.drift for p in c.insight.pairs] == ["different_person", None]
    first = c.alignment.matches[0]
    assert (first.left, first.right) == (0, 0)
    assert c.right.quotes[first.right].speaker == "Han Duck-soo"


def test_the_same_attributions_have_no_drift() -> None:
    c = compare_texts(SEOUL_AP, SEOUL_AP)
    assert c.insight is not None
    assert [p.drift for p in c.insight.pairs] == [None, None]


def test_an_unattributed_quote_is_no_drift() -> None:
    bare = (
        "SEOUL (Reuters) - South Korea said on Tuesday it would respond firmly.\n\n"
        'The message from Seoul was clear: "We will not back down."'
    )
    c = compare_texts(SEOUL_AP, bare)
    assert c.insight is not None
    assert len(c.alignment.matches) == 1
    assert c.right.quotes[c.alignment.matches[0].right].speaker is None
    assert c.insight.pairs[0].drift is None
