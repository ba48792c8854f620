"""Issue 15, finding 2: a story's quotations are bounded work and a bounded
answer, on SQLite and PostgreSQL.

A story of 3 articles with 2,000 + 20,000 + 20,000 quotations took 7.5 s,
peaked at 665 MB and answered 38.5 MB, serialised on the event loop. Now:

- a story aligns at most ``story_max_articles`` articles (a join past it is
  a 409) and of each the first ``story_max_quotes`` quotations, at most
  ``story_max_quote_chars`` characters of them; the answer says how many
  were left out;
- the alignment gives a quotation at most ``max_postings`` candidates,
  however long it is;
- statements come a page at a time (``limit``, a strict ``cursor``), with
  the omissions and primary-document quotations of the page, and echoes
  looked up in one pass over each article per page;
- the work runs in the compute pool: past the deadline, 422 too-complex.

Everything is counted (quotations, statements, bytes, calls), never timed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import service.core.alignment.stories as story_alignment
import service.core.insight.echoes as echoes
from service.core.alignment.stories import Member, align_story
from service.core.quotes.extract import Quote, extract_quotes
from service.http import create_app
from service.platform.config import Settings
from service.platform.pagination import decode_cursor, encode_cursor
from tests.problems import ProblemCheck

HTML = {"accept": "text/html,application/xhtml+xml"}
# Small limits, so that small stories pass them.
CAPS = {"story_max_articles": 4, "story_max_quotes": 30, "story_max_quote_chars": 6_000}


def _word(i: int) -> str:
    """A made-up content word of its own for each ``i`` below 17,576."""
    return "".join(chr(97 + i // 26**k % 26) for k in (2, 1, 0)) + "ton"


def statement(i: int) -> str:
    """Statement ``i``: its content words are its own, so it is no other's variant."""
    return f"We {_word(i)} the {_word(i + 6000)} and {_word(i + 12000)} it"


def coverage(numbers: Iterable[int], said: str = "the minister said") -> str:
    """An article quoting statement ``i`` for each ``i`` of ``numbers``, in order."""
    return " ".join(f'"{statement(i)}," {said}.' for i in numbers)


def _app(database_url: str, **overrides: Any) -> TestClient:
    settings = Settings(database_url=database_url, background=False, **overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def bounded(module_database_url: str) -> Iterator[TestClient]:
    """An app with small story limits (``CAPS``), everything computed in the
    server's threads."""
    with _app(module_database_url, compute_inline_chars=10**9, **CAPS) as client:
        yield client


def store(api: TestClient, key: str, outlet: str, text: str, **extra: Any) -> str:
    body = {"outlet": outlet, "url": f"https://{outlet}.example/{key}", "text": text, **extra}
    response = api.post("/v1/articles", json={**body, "story": key})
    assert response.status_code == 201, response.text
    article: str = response.json()["id"]
    return article


def pages(api: TestClient, key: str, limit: int) -> list[dict[str, Any]]:
    """Every page of the story's statements, following ``next``."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        response = api.get(f"/v1/stories/{key}/quotes", params=params)
        assert response.status_code == 200, response.text
        found.append(response.json())
        if found[-1]["next"] is None:
            return found
        params = {"limit": limit, "cursor": found[-1]["next"]}


def aligned_quote_ids(page: dict[str, Any]) -> dict[str, set[int]]:
    """The ids of the quotations a page's statements hold, by article."""
    ids: dict[str, set[int]] = {}
    for s in page["statements"]:
        for v in s["variants"]:
            ids.setdefault(v["article_id"], set()).update([v["quote"]["id"], *v["repeats"]])
    return ids


# The alignment's input ----------------------------------------------------------


def test_each_article_aligns_only_its_first_quotations(bounded: TestClient) -> None:
    key = "capped"
    a = store(bounded, key, "alpha", coverage(range(80)))
    b = store(bounded, key, "beta", coverage(range(40, 120)))
    c = store(bounded, key, "gamma", coverage(range(10)))

    (page,) = pages(bounded, key, limit=100)

    counted = {x["article_id"]: (x["quotes"], x["quotes_left_out"]) for x in page["articles"]}
    assert counted == {a: (80, 50), b: (80, 50), c: (10, 0)}
    # Only the first 30 of each are statements: 0-29 (alpha and gamma's 0-9), 40-69.
    texts = {s["canonical"]["quote"]["text"] for s in page["statements"]}
    assert texts == {statement(i) + "," for i in [*range(30), *range(40, 70)]}
    assert page["total_statements"] == 60
    assert {k: len(v) for k, v in aligned_quote_ids(page).items()} == {a: 30, b: 30, c: 10}


def test_each_article_aligns_at_most_its_limit_of_quoted_characters(bounded: TestClient) -> None:
    key = "long-quotes"
    long_ones = " ".join(
        f'"{statement(i)} {"and we said so again " * 12}" she said.' for i in range(25)
    )
    article = store(bounded, key, "delta", long_ones)
    quotes = extract_quotes(long_ones)
    kept = 0
    while sum(len(q.text) for q in quotes[: kept + 1]) <= CAPS["story_max_quote_chars"]:
        kept += 1
    assert 0 < kept < 25  # the characters bind before the count does

    (page,) = pages(bounded, key, limit=100)

    assert page["articles"][0]["quotes_left_out"] == 25 - kept
    assert len(aligned_quote_ids(page)[article]) == kept


def test_a_story_takes_at_most_its_limit_of_articles(
    bounded: TestClient, problem: ProblemCheck
) -> None:
    key = "crowded"
    ids = [store(bounded, key, f"outlet{i}", coverage(range(i, i + 3))) for i in range(4)]
    extra = store(bounded, "elsewhere", "outlet9", coverage(range(3)))

    body = problem(bounded.post(f"/v1/stories/{key}/articles", json={"article_id": extra}), 409)
    assert "at most 4" in body["detail"]
    # Recording an article with the story joins it too, under the same limit.
    late = {"outlet": "late", "url": f"https://late.example/{key}", "text": "Late.", "story": key}
    assert "at most 4" in problem(bounded.post("/v1/articles", json=late), 409)["detail"]
    # A member may still change what it is.
    again = bounded.post(
        f"/v1/stories/{key}/articles", json={"article_id": ids[0], "primary": True}
    )
    assert again.status_code == 200 and again.json()["primary"] is True
    assert len(bounded.get(f"/v1/stories/{key}").json()["articles"]) == 4


def test_recording_an_article_into_a_full_story_is_a_conflict(
    api: TestClient, problem: ProblemCheck
) -> None:
    """``POST /v1/articles`` with ``story`` joins it too: past the default
    limit (50), the article is refused and not stored."""
    key = "full"
    for i in range(50):
        store(api, key, f"paper{i}", f'"We {_word(i)} it," she said.')
    url = f"https://late.example/{key}"
    late = {"outlet": "late", "url": url, "text": "Late.", "story": key}

    assert "at most 50" in problem(api.post("/v1/articles", json=late), 409)["detail"]
    assert api.get("/v1/articles", params={"url": url}).json()["items"] == []
    assert len(api.get(f"/v1/stories/{key}").json()["articles"]) == 50


def test_a_story_past_a_lowered_limit_aligns_its_first_articles(
    bounded: TestClient, module_database_url: str
) -> None:
    key = "lowered"
    ids = [store(bounded, key, f"paper{i}", coverage(range(i, i + 5))) for i in range(4)]
    with _app(module_database_url, compute_inline_chars=10**9, story_max_articles=2) as fewer:
        (page,) = pages(fewer, key, limit=100)
    assert [a["article_id"] for a in page["articles"]] == ids[:2]
    assert page["articles_left_out"] == 2
    assert {v["article_id"] for s in page["statements"] for v in s["variants"]} == set(ids[:2])


# The alignment itself ---------------------------------------------------------------


def _random_members(quotes: int, length: int, vocabulary: int) -> list[Member]:
    members = []
    for m in range(3):
        rng = random.Random(m)
        words = [_word(i) for i in range(vocabulary)]
        texts = [" ".join(rng.sample(words, length)) for _ in range(quotes)]
        starts = [100 * i for i in range(quotes)]
        members.append(
            Member(
                f"m{m}",
                [Quote(t, s, s + len(t)) for t, s in zip(texts, starts, strict=True)],
                order=m,
            )
        )
    return members


def test_a_quotation_gets_at_most_max_postings_candidates_however_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three articles of 200 quotations whose words are each in about 16 of
    them: quotations 4x as long (over a vocabulary 4x as large) share 4x as
    many words with the others, but each still gets at most 64 candidates,
    so the pairs considered stay about as many (they were 3x as many)."""
    considered = 0
    may_match = story_alignment._may_match

    def counting(*args: Any) -> bool:
        nonlocal considered
        considered += 1
        return may_match(*args)

    monkeypatch.setattr(story_alignment, "_may_match", counting)
    counts = []
    for length, vocabulary in ((8, 300), (32, 1200)):
        considered = 0
        align_story(_random_members(200, length, vocabulary))
        counts.append(considered)
        assert considered <= 600 * 64
    assert counts[1] <= 1.5 * counts[0], counts


# Pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide(bounded: TestClient) -> dict[str, Any]:
    """Three articles of 30 quotations, 70 statements: 0-9 carried by all,
    the others by one; each article omits 40."""
    key = "wide"
    ids = [
        store(bounded, key, "north", coverage(range(30))),
        store(bounded, key, "south", coverage([*range(10), *range(30, 50)])),
        store(bounded, key, "east", coverage([*range(10), *range(50, 70)])),
    ]
    return {"key": key, "ids": ids}


def test_statements_come_a_page_at_a_time(bounded: TestClient, wide: dict[str, Any]) -> None:
    key = wide["key"]
    (whole,) = pages(bounded, key, limit=100)
    paged = pages(bounded, key, limit=7)
    first = bounded.get(f"/v1/stories/{key}/quotes").json()  # the default limit: 50

    assert len(first["statements"]) == 50 and first["next"] is not None
    assert [len(p["statements"]) for p in paged] == [7] * 10
    walked = [s for p in paged for s in p["statements"]]
    assert walked == whole["statements"]
    assert [s["id"] for s in walked] == [f"S{i}" for i in range(1, 71)]
    assert {p["total_statements"] for p in paged} == {70}
    # Omissions follow the page: its own statements, every one counted.
    for p in paged:
        on_page = {s["id"] for s in p["statements"]}
        for o in p["omissions"]:
            assert set(o["omits"]) <= on_page
            assert set(o["echoes"]) <= set(o["omits"])
    for n, o in enumerate(whole["omissions"]):
        assert [i for p in paged for i in p["omissions"][n]["omits"]] == o["omits"]
        assert {p["omissions"][n]["omitted"] for p in paged} == {o["omitted"]}
        assert len(o["omits"]) == o["omitted"] == 40


def test_the_cursor_is_strict(
    bounded: TestClient, wide: dict[str, Any], problem: ProblemCheck
) -> None:
    url = f"/v1/stories/{wide['key']}/quotes"
    cursor = bounded.get(url, params={"limit": 5}).json()["next"]
    offset, fingerprint = decode_cursor(cursor)
    assert offset == 5
    forged = [
        "not a cursor",
        encode_cursor(5),
        encode_cursor(0, fingerprint),
        encode_cursor(-5, fingerprint),
        encode_cursor(2**40, fingerprint),
        encode_cursor("5", fingerprint),
        encode_cursor(fingerprint, 5),
        encode_cursor(5, fingerprint, 5),
    ]
    for bad in forged:
        assert "cursor" in problem(bounded.get(url, params={"cursor": bad}), 400)["detail"]
    for bad_limit in (0, 101):
        problem(bounded.get(url, params={"limit": bad_limit}), 422)
    problem(bounded.get(url, params={"cursor": "x" * 513}), 422)
    assert bounded.get(url, params={"limit": 5, "cursor": cursor}).status_code == 200


def test_a_cursor_from_before_the_story_changed_is_a_conflict(
    bounded: TestClient, problem: ProblemCheck
) -> None:
    key = "changing"
    store(bounded, key, "first", coverage(range(12)))
    cursor = bounded.get(f"/v1/stories/{key}/quotes", params={"limit": 5}).json()["next"]
    store(bounded, key, "second", coverage(range(5, 15)))

    body = problem(bounded.get(f"/v1/stories/{key}/quotes", params={"cursor": cursor}), 409)
    assert "changed" in body["detail"] and "first page" in body["detail"]


def test_a_bigger_story_answers_as_many_bytes(bounded: TestClient) -> None:
    """Ten times the quotations past the limits: the same page, byte for
    byte but for the counts (the answer grew tenfold before)."""
    sizes = []
    for key, count in (("tenth", 40), ("tenfold", 400)):
        for outlet, first in (("one", 0), ("two", 20), ("three", 0)):
            store(bounded, key, outlet, coverage(range(first, first + count)))
        sizes.append(len(bounded.get(f"/v1/stories/{key}/quotes").content))
    assert sizes[1] <= 1.05 * sizes[0], sizes


def test_echoes_are_looked_up_once_per_article_and_page(
    bounded: TestClient, wide: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each article omits 40 statements; their echoes were looked up one
    statement at a time, each a pass over the article's text."""
    calls = 0
    find_all = echoes.EchoFinder.find_all

    def counting(self: echoes.EchoFinder, quotes: Any) -> Any:
        nonlocal calls
        calls += 1
        return find_all(self, quotes)

    monkeypatch.setattr(echoes.EchoFinder, "find_all", counting)
    page = bounded.get(f"/v1/stories/{wide['key']}/quotes", params={"limit": 100}).json()
    assert sum(len(o["omits"]) for o in page["omissions"]) == 120
    assert calls <= 3


# Primary documents ------------------------------------------------------------------


def test_primary_quotations_come_with_the_page_of_their_statement(bounded: TestClient) -> None:
    key = "sourced"
    a = store(bounded, key, "wire", coverage(range(12)))
    store(bounded, key, "daily", coverage(range(6, 20)))
    document = bounded.post(
        "/v1/articles",
        json={
            "outlet": "ministry",
            "url": "https://ministry.example/statement",
            "text": ". ".join(statement(i) for i in range(0, 20, 2)) + ".",
        },
    ).json()["id"]
    joined = bounded.post(
        f"/v1/stories/{key}/articles", json={"article_id": document, "primary": True}
    )
    assert joined.status_code == 201, joined.text

    (whole,) = pages(bounded, key, limit=100)
    paged = pages(bounded, key, limit=4)

    assert len(paged) == 5
    for p in paged:
        on_page = {s["id"] for s in p["statements"]}
        for o, all_of_it in zip(p["primary"]["outlets"], whole["primary"]["outlets"], strict=True):
            assert o["summary"] == all_of_it["summary"] and o["accurate"] == all_of_it["accurate"]
            assert {q["statement"] for q in o["quotes"]} <= on_page
    for n, o in enumerate(whole["primary"]["outlets"]):
        walked = [q for p in paged for q in p["primary"]["outlets"][n]["quotes"]]
        assert sorted(walked, key=lambda q: q["quote_id"]) == o["quotes"]
        assert sum(o["summary"].values()) == len(o["quotes"])
    wire = next(o for o in whole["primary"]["outlets"] if o["article_id"] == a)
    assert wire["summary"]["accurate"] == 6 and wire["summary"]["not_found"] == 6


# The compute pool ------------------------------------------------------------------


def test_the_pool_answers_the_bytes_the_server_computes(
    module_database_url: str, wide: dict[str, Any]
) -> None:
    url = f"/v1/stories/{wide['key']}/quotes"

    def two_pages(client: TestClient) -> list[bytes]:
        first = client.get(url, params={"limit": 25})
        cursor = first.json()["next"]
        return [first.content, client.get(url, params={"limit": 25, "cursor": cursor}).content]

    with _app(module_database_url, compute_inline_chars=10**9, **CAPS) as server:
        inline = two_pages(server)
    with _app(module_database_url, compute_inline_chars=0, **CAPS) as pool:
        pooled = two_pages(pool)
    assert pooled == inline


def _slow_story_text(seed: int) -> str:
    """1,500 quotations of six words from 1,500: about a second of alignment."""
    rng = random.Random(seed)
    words = [_word(i) for i in range(1500)]
    return " ".join('"' + " ".join(rng.sample(words, 6)) + '," said Kim.' for _ in range(1500))


def test_a_story_over_the_deadline_is_too_complex(
    module_database_url: str, problem: ProblemCheck
) -> None:
    unbounded = {"story_max_quotes": 10_000, "story_max_quote_chars": 10**7}
    key = "slow"
    with _app(
        module_database_url, compute_timeout_seconds=0.2, compute_inline_chars=0, **unbounded
    ) as hasty:
        for n in range(3):
            store(hasty, key, f"slow{n}", _slow_story_text(n))
        store(hasty, "quick", "quick", coverage(range(3)))
        # The pool is up (its first start is slow) and small stories pass.
        assert hasty.get("/v1/stories/quick/quotes").status_code == 200

        body = problem(hasty.get(f"/v1/stories/{key}/quotes"), 422)
        page = hasty.get(f"/stories/{key}", headers=HTML)
        assert hasty.get("/v1/stories/quick/quotes").status_code == 200

    assert body["type"] == "urn:sourcediff:problem:too-complex"
    assert "limit of 0.2 s" in body["detail"] and "`limit`" in body["detail"]
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "take articles out of the story" in page.text


# The page ---------------------------------------------------------------------------


def test_the_story_page_shows_the_first_page_and_links_the_next(
    bounded: TestClient, wide: dict[str, Any]
) -> None:
    first = bounded.get(f"/stories/{wide['key']}", headers=HTML)
    assert first.status_code == 200
    assert first.text.count('class="statement"') == 50
    assert "Statements 1–50 of 70" in first.text
    (link,) = [
        line for line in first.text.splitlines() if 'rel="next"' in line and "cursor=" in line
    ]
    href = link.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    second = bounded.get(href, headers=HTML)
    assert second.status_code == 200
    assert second.text.count('class="statement"') == 20
    assert 'id="S51"' in second.text and '<ol class="statements" start="51">' in second.text
    assert 'rel="next"' not in second.text
