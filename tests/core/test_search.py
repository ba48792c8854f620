"""Search shingles and score: what the quote index files and how it scores."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.core.alignment.shingles import (
    MIN_PARTIAL_WORDS,
    query_shingles,
    search_score,
    search_scores,
    shingle,
    stored_shingles,
)
from service.core.text import keys, normalize

DENIAL = "We have never exported weapons or ammunition to Russia before"


def shares(stored: str, query: str, namespace: str = "t") -> int:
    return len(stored_shingles(keys(stored), namespace) & query_shingles(keys(query), namespace))


def test_variants_share_filed_pairs() -> None:
    assert shares(DENIAL, "But we have never exported arms or ammunition to Russia") >= 4
    # Inflections meet through word prefixes.
    assert shares("sheer forces", "sheer force") == 1
    # A short quotation with its middle word changed meets by a skipping pair.
    assert shares("sheer brute force", "sheer raw force") == 1
    # A stored fragment of a long query is found by the query's pairs.
    assert shares("never exported weapons", f"Officials said {DENIAL} and since") >= 2
    # One-word quotations are filed under the word.
    assert shares("Tarnishing", "tarnishing") == 1


def test_function_word_pairs_file_only_quotes_made_of_nothing_else() -> None:
    # (the, people) and the skipping (of, people); never (of, the).
    assert len(stored_shingles(keys("of the people"), "t")) == 2
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
    assert search_score(normalize("never exported weapons or"), long_) == 100
    assert search_score(normalize("never exported"), long_) < 80
    assert search_score(long_, long_) == 100
    assert MIN_PARTIAL_WORDS == 4


sentences = st.lists(
    st.sampled_from("we have never exported weapons arms to russia before but the war".split()),
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


def test_fragments_are_scored_word_for_word() -> None:
    long_ = normalize(
        "Mr Putin said in a letter to the North's supreme leader Kim Jong-un "
        "that the two nations would expand their relations"
    )
    assert search_score(long_, normalize("a new theme about the US opioid analysis")) < 80
    assert search_score(long_, normalize("in a letter to the North's leader")) >= 80
    # Word for word: a changed word costs a word, however many letters recur.
    assert search_score(long_, normalize("in a letter to the South's supreme leader")) == 87.5
