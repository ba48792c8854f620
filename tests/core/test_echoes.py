"""service.core.insight.echoes: a quotation's words carried by another text without marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.core.compare import compare_texts
from service.core.insight import echoes
from service.core.insight.echoes import Echo, EchoFinder, find_echo
from service.core.quotes.extract import extract_quotes


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(q.start, q.end) for q in extract_quotes(text)]


def echo_in(quote: str, text: str) -> Echo | None:
    """The echo of ``quote`` in ``text``, whose own quotations are not echoes;
    every echo found is checked to be its own slice of the text."""
    echo = find_echo(quote, text, quoted_spans(text))
    if echo is not None:
        assert text[echo.start : echo.end] == echo.text
        assert echo.text in echo.sentence and echo.sentence in text
        assert 0 < echo.score <= 100
    return echo


def test_the_pairs_frightening_is_echoed_as_frighten(pair_texts: tuple[str, str]) -> None:
    left, right = pair_texts
    c = compare_texts(left, right)
    assert c.insight is not None
    (frightening,) = [i for i, q in enumerate(c.right.quotes) if q.text == "frightening"]
    assert frightening in c.alignment.right_only
    echo = c.insight.echo_of("right", frightening)
    assert echo is not None
    assert echo.text == "frighten" and left[echo.start : echo.end] == "frighten"
    assert echo.kind == "indirect"
    assert echo.sentence == (
        "The union's claims were designed to frighten people who rely on the boats, she said."
    )
    (found,) = [e for e in c.insight.echoes if e.echo.text == "frighten"]
    assert (found.side, found.index, found.echo) == ("right", frightening, echo)


def test_the_module_example() -> None:
    text = "Talk of a deal with the rebels is a bid to discredit the ministry, he said."
    echo = find_echo("discrediting", text, [])
    assert echo is not None
    assert (echo.text, echo.kind, text[echo.start : echo.end]) == (
        "discredit",
        "indirect",
        "discredit",
    )


SEOUL_AP = (
    "SEOUL, South Korea (AP) — South Korea condemned the North's latest missile launch on "
    'Friday. "This is a grave provocation that threatens peace and stability on the Korean '
    'Peninsula," the Joint Chiefs of Staff said in a statement. The missile flew about 600 '
    "kilometres before landing in the sea."
)
SEOUL_REUTERS = (
    "SEOUL (Reuters) - North Korea fired a ballistic missile into the sea on Friday. "
    "The launch was a grave provocation that threatens peace and stability on the Korean "
    "Peninsula. Japan's coast guard warned ships to stay clear of the area, "
    '"including fishing boats," a spokesman said.'
)


def test_a_quote_run_as_the_outlets_own_words_is_narration() -> None:
    c = compare_texts(SEOUL_AP, SEOUL_REUTERS)
    assert c.insight is not None
    assert c.alignment.matches == () and c.alignment.left_only == (0,)
    echo = c.insight.echo_of("left", 0)
    assert echo is not None
    assert echo.kind == "narration"
    assert echo.text == (
        "grave provocation that threatens peace and stability on the Korean Peninsula."
    )
    assert SEOUL_REUTERS[echo.start : echo.end] == echo.text
    assert echo.sentence.startswith("The launch was a grave provocation")
    assert echo.score == 100.0
    (found,) = c.insight.echoes
    assert (found.side, found.index, found.echo.kind) == ("left", 0, "narration")
    # Reuters' own quotation has no echo in the AP story.
    assert c.insight.echo_of("right", 0) is None


def test_reported_speech_is_indirect() -> None:
    text = (
        "WASHINGTON (AP) — The Pentagon released its annual China assessment on Tuesday. "
        "The department said Beijing was rapidly expanding its nuclear arsenal and could "
        "field 1,500 warheads by 2035. Officials declined to comment further."
    )
    quote = (
        "Beijing is rapidly expanding its nuclear arsenal and could field 1,500 warheads by 2035"
    )
    echo = echo_in(quote, text)
    assert echo is not None
    assert echo.kind == "indirect"
    assert echo.text == (
        "Beijing was rapidly expanding its nuclear arsenal and could field 1,500 warheads by 2035."
    )
    assert echo.score > 90


def test_words_inside_a_quotation_of_the_other_text_are_no_echo() -> None:
    quote = "a grave provocation that threatens peace and stability on the Korean Peninsula"
    text = (
        "TOKYO (AP) — Japan's prime minister called the launch "
        '"a grave provocation that threatens peace and stability on the Korean Peninsula" '
        "and said Tokyo had lodged a protest through diplomatic channels."
    )
    assert echo_in(quote, text) is None
    # The same text read as if it had no quotations does carry them.
    unquoted = find_echo(quote, text, [])
    assert unquoted is not None and "provocation" in unquoted.text


def test_the_unquoted_copy_is_found_beside_a_quoted_one() -> None:
    quote = "a grave provocation that threatens peace and stability on the Korean Peninsula"
    text = (
        "TOKYO (AP) — Japan's prime minister called the launch "
        '"a grave provocation that threatens peace and stability." '
        "Officials said the launch threatens peace and stability on the Korean Peninsula "
        "and warned of a grave provocation to come."
    )
    echo = echo_in(quote, text)
    assert echo is not None
    assert echo.start > text.index("Officials said")
    assert echo.kind == "indirect"


def test_a_single_short_or_common_word_is_no_echo() -> None:
    text = (
        "The government said it would respond to the people. The capital was calm on "
        "Sunday, and officials said the talks would resume next week."
    )
    for quote in ("calm", "next", "government", "people", "officials", "the", "said"):
        assert echo_in(quote, text) is None, quote
    # A word of five letters or more that news copy is not full of is one.
    talks = echo_in("talks", text)
    assert talks is not None and talks.text == "talks"
    # One uncommon word of a longer quotation is not its echo either.
    assert echo_in("We will not let it happen again, not next week", text) is None


def test_a_short_quote_needs_all_its_words() -> None:
    text = "The minister dismissed the remarks as reckless and said Seoul would not respond."
    echo = echo_in("reckless remarks", text)
    assert echo is not None and echo.text == "remarks as reckless"
    assert echo_in("reckless allegations", text) is None


def test_a_long_quote_found_in_one_sentence_with_its_offsets() -> None:
    text = (
        "KYIV, Ukraine (AP) — Russia launched a wave of drones overnight. "
        'Air force spokesman Yurii Ihnat said "air defence worked all night." '
        "The ministry said the strike hit a fuel depot near the port, and no civilians were "
        "hurt in the blast. Repair crews were at the scene by morning."
    )
    quote = "The strike hit a fuel depot near the port but thankfully no civilians were hurt"
    echo = echo_in(quote, text)
    assert echo is not None
    assert text[echo.start : echo.end] == echo.text
    assert echo.text == "strike hit a fuel depot near the port, and no civilians were hurt"
    assert echo.sentence == (
        "The ministry said the strike hit a fuel depot near the port, and no civilians were "
        "hurt in the blast."
    )
    assert echo.kind == "indirect"
    assert 80 < echo.score < 100  # "thankfully" is missing


def test_words_spread_over_two_sentences_are_not_joined() -> None:
    quote = "The strike hit a fuel depot, and no civilians were hurt near the port"
    apart = "The strike hit a fuel depot. No civilians were hurt near the port, officials said."
    assert echo_in(quote, apart) is None
    together = (
        "The strike hit a fuel depot and no civilians were hurt near the port, officials said."
    )
    echo = echo_in(quote, together)
    assert echo is not None
    assert echo.text == "strike hit a fuel depot and no civilians were hurt near the port,"


def test_a_window_too_long_for_the_quote_is_no_echo() -> None:
    quote = "fuel depot civilians hurt"
    spread = (
        "The fuel for the generators had been stored for weeks in a depot on the edge of "
        "town that residents and local officials had long warned was unsafe for civilians, "
        "and several were hurt."
    )
    assert echo_in(quote, spread) is None


def test_the_finder_answers_as_find_echo() -> None:
    text = SEOUL_REUTERS + (
        " Talk of a deal with the rebels is a bid to discredit the ministry, he said."
    )
    spans = quoted_spans(text)
    finder = EchoFinder(text, spans)
    for quote in (
        "a grave provocation that threatens peace and stability on the Korean Peninsula",
        "discrediting",
        "including fishing boats",
        "stay clear of the area",
        "people",
        "We have never sold tractors or spare parts to Norway",
        "",
    ):
        assert finder.find(quote) == find_echo(quote, text, spans), quote
    # Looked up again, in another order, the answers do not change.
    assert finder.find("discrediting") == find_echo("discrediting", text, spans) is not None


def test_an_echo_holds_its_fields() -> None:
    echo = find_echo("discrediting", "It was a bid to discredit the board, he said.", [])
    assert echo is not None
    assert (echo.start, echo.end, echo.text, echo.sentence, echo.kind) == (
        16,
        25,
        "discredit",
        "It was a bid to discredit the board, he said.",
        "indirect",
    )


_LETTERS = "abcéß1_- \n.,'’\"İ"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=_LETTERS, max_size=60),
    prefixes=st.sets(st.text(alphabet="abcéß", min_size=1, max_size=4), max_size=6),
)
def test_word_starts_are_found_as_a_scan_of_the_text_finds_them(
    text: str, prefixes: set[str]
) -> None:
    """Candidates for a stem are the offsets where a run of letters and
    digits of the lowered text starts with its prefix, whether the finder
    looks a few prefixes up one by one or many in one pass over the words."""
    finder = EchoFinder(text, [])
    lowered = text.lower()
    if len(lowered) != len(text):
        return  # the finder looks such texts up by pattern instead
    scanned = sorted(
        {
            at
            for prefix in prefixes
            for at in range(len(lowered))
            if lowered.startswith(prefix, at) and (at == 0 or not lowered[at - 1].isalnum())
        }
    )
    assert finder._candidates(prefixes) == scanned
    # Many prefixes are found in one pass over the text's words instead.
    many = echoes._FIND_AT_MOST
    try:
        echoes._FIND_AT_MOST = 0
        assert EchoFinder(text, [])._candidates(prefixes) == scanned
    finally:
        echoes._FIND_AT_MOST = many


_WORDS = (
    "budget budgets council Harbour harbor crane cranes 1,500 ßtraße strasse İstanbul tax taxes"
).split()


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(st.sampled_from([*_WORDS, "the", "said", ".", '"', "\n"]), max_size=40),
    quotes=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join),
        min_size=1,
        max_size=30,
    ),
)
def test_many_quotations_find_what_each_finds_alone(text: list[str], quotes: list[str]) -> None:
    """A look-up of many quotations (a story page's) first drops those whose
    stems are not found often enough at the openings of the text's words;
    that only leaves out quotations with no echo there."""
    joined = " ".join(text)
    finder = EchoFinder(joined, quoted_spans(joined))
    alone = [EchoFinder(joined, quoted_spans(joined)).find(q) for q in quotes]
    many = echoes._FIND_AT_MOST
    try:
        echoes._FIND_AT_MOST = 0  # every look-up counts as many
        assert finder.find_all(quotes) == alone
    finally:
        echoes._FIND_AT_MOST = many
