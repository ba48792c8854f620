"""Search shingles and score: what the quote index files and how it scores."""

from __future__ import annotations

from random import Random

from hypothesis import given
from hypothesis import strategies as st

from service.core.alignment.shingles import (
    MIN_OVERLAP,
    MIN_PARTIAL_WORDS,
    carried,
    filed_size,
    query_shingles,
    search_score,
    search_scores,
    shingle,
    stored_shingles,
)
from service.core.text import keys, normalize

DENIAL = "We have never sold tractors or spare parts to Norway before"


def shares(stored: str, query: str, namespace: str = "t") -> int:
    return len(stored_shingles(keys(stored), namespace) & query_shingles(keys(query), namespace))


def test_variants_share_filed_pairs() -> None:
    assert shares(DENIAL, "But we have never sold trucks or spare parts to Norway") >= 4
    # Inflections meet through word prefixes.
    assert shares("sheer forces", "sheer force") >= 1
    # A short quotation with its middle word changed meets by a skipping pair.
    assert shares("sheer brute force", "sheer raw force") == 1
    # A stored fragment of a long query is found by the query's pairs.
    assert shares("never sold tractors", f"Officials said {DENIAL} and since") >= 2
    # One-word quotations are filed under the word.
    assert shares("Discrediting", "discrediting") == 1


def test_function_word_pairs_file_only_quotes_made_of_nothing_else() -> None:
    # (the, people) and the skipping (of, people); never (of, the).
    assert filed_size(keys("of the people")) == 2
    assert stored_shingles(keys("one of the reports"), "t").isdisjoint(
        stored_shingles(keys("of the"), "t")
    )
    assert shares("all of them", "all of them") >= 1


def test_shingles_are_salted_with_the_namespace() -> None:
    assert stored_shingles(keys(DENIAL), "tenant-a").isdisjoint(
        stored_shingles(keys(DENIAL), "tenant-b")
    )
    filed = shingle(keys(DENIAL), "t")
    assert filed.norm == normalize(DENIAL) and list(filed.shingles) == sorted(filed.shingles)


def test_score_counts_fragments_of_four_words_or_more() -> None:
    long_ = normalize(DENIAL)
    assert search_score(normalize("never sold tractors or"), long_) == 100
    assert search_score(long_, long_) == 100
    assert MIN_PARTIAL_WORDS == 4


sentences = st.lists(
    st.sampled_from("we have never sold tractors trucks to norway before but the frost".split()),
    min_size=1,
    max_size=14,
).map(" ".join)


@given(sentences, sentences, st.sampled_from([0, 50, 79.95, 80, 90, 100]))
def test_a_cutoff_never_changes_a_score_that_reaches_it(a: str, b: str, cutoff: float) -> None:
    full = search_score(a, b)
    cut = search_score(a, b, cutoff)
    assert (full >= cutoff) == (cut >= cutoff)
    if full >= cutoff:
        assert cut == full


@given(sentences, st.lists(sentences, max_size=8), st.sampled_from([0, 79.95, 80, 90]))
def test_the_batch_scorer_gives_the_same_scores(query: str, many: list[str], cutoff: float) -> None:
    """One by one or together, and with or without a cutoff: the same
    scores wherever they reach it."""
    alone = [search_score(query, c) for c in many]
    together = search_scores(query, many, cutoff)
    assert [s >= cutoff for s in together] == [s >= cutoff for s in alone]
    assert [s for s in together if s >= cutoff] == [s for s in alone if s >= cutoff]
    # Encoded once for the batch, each text is carried as it is alone.
    for score, c in zip(search_scores(query, many), many, strict=True):
        assert score >= carried(query.split(), c.split())


def test_fragments_are_scored_word_for_word() -> None:
    long_ = normalize(
        "Mayor Ruiz said in a letter to the town's planning committee chair Tom Hale "
        "that the two districts would share their budgets"
    )
    assert search_score(long_, normalize("a new theme about the US opioid analysis")) < 80
    assert search_score(long_, normalize("in a letter to the town's committee chair")) >= 80
    # Word for word: a changed word costs a word, however many letters recur.
    assert search_score(long_, normalize("in a letter to the city's planning committee")) == 87.5


# Issue 20, finding 1: one scoring of variants. Invented sentences, one
# per class of error the labelled clusters showed.
GRAIN = "we have never shipped grain or fertiliser to the northern ports before this winter"


def score(query: str, stored: str) -> float:
    return search_score(normalize(query), normalize(stored))


def test_words_inserted_inside_the_span_cost_only_themselves() -> None:
    # The stored version inserts "or fertiliser": before, a whole-text ratio
    # scored it as a different sentence (66.7).
    assert score("never shipped grain to the northern ports", GRAIN) >= 80
    # Another sentence sharing a few words is still not a variant.
    assert score("the northern ports were closed by ice", GRAIN) < 80


def test_one_to_three_word_queries_are_phrase_look_ups() -> None:
    assert score("fertiliser", GRAIN) == 100
    assert score("northern ports", GRAIN) == 100
    assert score("grain or fertiliser", GRAIN) == 100
    # A phrase not in it, or a short function word alone, is not carried.
    assert score("southern ports", GRAIN) < 80
    assert score("the", GRAIN) < 80
    # Found through the index: a quotation holding a word is filed under it.
    assert shares(GRAIN, "fertiliser") == 1
    assert shares(GRAIN, "northern ports") >= 1


def test_a_short_piece_of_a_long_query_is_found_and_scored() -> None:
    assert score(GRAIN, "fertiliser") == 100
    assert score(GRAIN, "northern ports") == 100
    assert shares("fertiliser", GRAIN) == 1  # one-word quotations by their word


def test_overlapping_quotations_are_scored_on_their_overlap() -> None:
    # Each holds part of the other: a shared passage, then they part ways.
    left = "the harbour will stay shut until the inspectors have checked every single crane"
    right = "the inspectors have checked every single crane and found nothing wrong with them"
    assert score(left, right) >= 80
    # Sharing fewer than MIN_OVERLAP words is not an overlap.
    assert MIN_OVERLAP == 5
    assert score("we asked the inspectors for a report", right) < 80
    # One changed word at an end is a rewording, not two statements parting.
    assert (
        score(
            "we will not ship grain to the northern ports",
            "we will not ship grain to the southern ports",
        )
        < 100
    )


@given(sentences, sentences)
def test_carried_is_bounded(a: str, b: str) -> None:
    ka, kb = a.split(), b.split()
    assert 0 <= carried(ka, kb) <= 100
    if ka == kb and any(len(w) >= 3 for w in ka):
        assert carried(ka, kb) in (0, 100)


@given(sentences, st.lists(sentences, min_size=1, max_size=5), st.randoms())
def test_copies_of_a_text_are_scored_alike(query: str, texts: list[str], rng: Random) -> None:
    """``search_scores`` scores each distinct text once: a batch of copies
    (a widely carried statement) scores each copy as the text alone."""
    many = texts * 3
    rng.shuffle(many)
    assert search_scores(query, many, 80) == [search_scores(query, [t], 80)[0] for t in many]
