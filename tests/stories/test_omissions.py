"""A story page's omissions and their echoes, looked up the quick way (one
``TokenOpenings`` for every member's text, the openings read token by
token, the pickled reading rebuilt from tuples), find what the plain way
finds: each omitted statement looked up alone in a finder of its own, the
openings found by their pattern over the whole text."""

from __future__ import annotations

import pickle
import re
import sys
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core.insight import echoes
from service.core.insight.echoes import EchoFinder, TokenOpenings, find_echo
from service.core.quotes.extract import extract_quotes
from service.stories import quotations
from service.stories.quotations import StoryLimits, StoryQuotations, StoryReading, story_page
from service.stories.repository import StoredQuotation, StoryMember

EPOCH = datetime(2025, 10, 14, 8, tzinfo=UTC)

# Letters (some whose lowering changes), digits, the underscore, marks and
# kinds of whitespace that str.split and the pattern must agree on.
_CHARS = "abcAéß1٣_-.,'’“”()\u0301 \n\t\xa0\u2028\x1cİ"


def _by_pattern(text: str) -> set[str]:
    """The openings as the finder found them before: ``_OPENING`` over the
    whole lowered text, and the first three characters of each."""
    found = set(re.findall(r"(?<![^\W_])[^\W_]{1,4}", text.lower()))
    return found | {o[:3] for o in found}


def test_alnum_is_the_patterns_run_character_for_every_code_point() -> None:
    run = re.compile(r"[^\W_]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert char.isalnum() == (run.match(char) is not None), hex(code)
    assert not any(c.isalnum() for c in echoes._EDGES)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_CHARS, max_size=40), min_size=1, max_size=4))
def test_openings_read_token_by_token_are_the_patterns(texts: list[str]) -> None:
    shared = TokenOpenings()
    kept = TokenOpenings(max_texts=2)  # keeps texts' openings, forgets past two
    for text in [*texts, *reversed(texts)]:
        if not text or len(text.lower()) != len(text):
            continue  # the finder does not filter such texts by openings
        assert EchoFinder(text, [], tokens=shared)._openings() == _by_pattern(text)
        assert EchoFinder(text, [])._openings() == _by_pattern(text)
        assert EchoFinder(text, [], tokens=kept)._openings() == _by_pattern(text)
        assert len(kept._texts) <= 2


def _member(i: int, published: bool) -> StoryMember:
    return StoryMember(
        article_id=f"a{i}",
        outlet=f"Outlet {i}",
        url=None,
        created_at=EPOCH,
        version=1,
        version_id=i,
        headline=None,
        published_at=EPOCH if published else None,
        added_at=EPOCH,
    )


TEXTS = [
    'The minister said the harbour cranes were "a danger to every docker on the quay" and '
    '"not fit for the budget we were given". "We will not export them," she said.',
    "Talk of the cranes: the minister said they were a danger to every docker on the quay. "
    '"We will not export them," she added, calling the budget unfit.',
    'Dockers say the cranes are a danger. "Not fit for the budget we were given," the '
    "minister said, according to the union.",
    "Nothing about cranes here, only the weather and the tide tables for Sunday.",
]


def _reading() -> StoryReading:
    members = tuple(_member(i, published=i % 2 == 0) for i in range(len(TEXTS)))
    quotes = {
        m.article_id: tuple(
            StoredQuotation(10 * i + n, 1, q.text, q.start, q.end, q.speaker)
            for n, q in enumerate(extract_quotes(text))
        )
        for i, (m, text) in enumerate(zip(members, TEXTS, strict=True))
    }
    return StoryReading(
        key="cranes",
        members=members,
        articles_left_out=0,
        quotes=quotes,
        counts={a: len(q) for a, q in quotes.items()},
        texts={m.article_id: t for m, t in zip(members, TEXTS, strict=True)},
        limits=StoryLimits(50, 30, 3000),
    )


def test_page_omissions_find_what_each_lookup_finds_alone() -> None:
    reading = _reading()
    assert pickle.loads(pickle.dumps(reading)) == reading
    many = echoes._FIND_AT_MOST
    try:
        echoes._FIND_AT_MOST = 0  # every member's look-up filters by openings
        page = story_page(pickle.loads(pickle.dumps(reading)), offset=0, limit=50)
    finally:
        echoes._FIND_AT_MOST = many
    canonical = {s.id: s.canonical.quote.text for s in page.statements}
    found = 0
    for omission in page.omissions:
        article = omission.member.article_id
        text = reading.texts[article]
        spans = [(q.start, q.end) for q in reading.quotes[article]]
        alone = {sid: find_echo(canonical[sid], text, spans) for sid in omission.omits}
        assert omission.echoes == {sid: e for sid, e in alone.items() if e is not None}
        found += len(omission.echoes)
    assert found > 0
    assert sum(len(o.omits) for o in page.omissions) > found


def _echo_replaced(reading: StoryReading, page: StoryQuotations) -> tuple[str, StoryReading]:
    """The first article with an echo on ``page``, and ``reading`` with that
    echo's words in its text replaced by "so" (its quotations moved along)."""
    echoed = next(o for o in page.omissions if o.echoes)
    article = echoed.member.article_id
    echo = next(iter(echoed.echoes.values()))
    text = reading.texts[article]
    changed = text[: echo.start] + "so" + text[echo.end :]
    shift = len(changed) - len(text)
    moved = tuple(
        q if q.start < echo.start else replace(q, start=q.start + shift, end=q.end + shift)
        for q in reading.quotes[article]
    )
    return article, replace(
        reading,
        texts={**reading.texts, article: changed},
        quotes={**reading.quotes, article: moved},
    )


def test_openings_kept_across_pages_are_those_of_the_text_read_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page's look-ups keep their texts' openings for the next pages
    (``quotations._MEMOS``): after a page of the story whose text
    lacked an echo's words, the page of the text that has them finds it."""
    monkeypatch.setattr(echoes, "_FIND_AT_MOST", 0)  # every look-up filters by openings
    reading = _reading()
    monkeypatch.setattr(quotations, "_MEMOS", quotations._Memos())
    page = story_page(reading, offset=0, limit=50)
    _, without = _echo_replaced(reading, page)
    monkeypatch.setattr(quotations, "_MEMOS", quotations._Memos())
    assert not any(o.echoes for o in story_page(without, offset=0, limit=50).omissions)
    kept = quotations._MEMOS.kept.tokens
    assert kept.size > 0
    assert story_page(reading, offset=0, limit=50).omissions == page.omissions
    assert quotations._MEMOS.kept.tokens is kept  # the same openings, kept


def test_a_page_built_while_another_holds_the_memos_builds_without_them() -> None:
    """One set of memos per process: a page that finds them taken (another
    thread's page) neither waits nor touches them, and is the same."""
    reading = _reading()
    memos = quotations._Memos()
    with memos.taken() as kept:
        with memos.taken() as other:
            assert all(a is not b for a, b in zip(kept, other, strict=True))
        assert memos.lock.locked()
    assert not memos.lock.locked()
    alone = story_page(reading, offset=0, limit=50)
    with quotations._MEMOS.taken():
        assert story_page(reading, offset=0, limit=50) == alone


def test_kept_echoes_and_edits_are_those_of_the_texts_read_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The echoes and edits a page keeps (``quotations.Kept``) answer the
    next page only for the same texts: on the same memos, the page of a
    text whose echo's words were replaced finds no echo there, the page of
    the text as it was finds it again, and each page is the page built with
    nothing kept."""
    reading = _reading()
    monkeypatch.setattr(quotations, "_MEMOS", quotations._Memos())
    page = story_page(reading, offset=0, limit=50)
    kept = quotations._MEMOS.kept
    assert kept.echoes and kept.edits
    article, without = _echo_replaced(reading, page)
    after = story_page(without, offset=0, limit=50)
    assert quotations._MEMOS.kept.echoes is kept.echoes  # the same memos, kept
    assert not any(o.echoes for o in after.omissions if o.member.article_id == article)
    assert story_page(reading, offset=0, limit=50) == page
    for built in (page, after):
        monkeypatch.setattr(quotations, "_MEMOS", quotations._Memos())
        assert story_page(reading if built is page else without, offset=0, limit=50) == built
