"""Story pages kept between requests (``service.stories.cache``): a page
read again is not aligned again, nor is another page of the same story;
and whatever changes what the page would show (a new version, a member
joining or changing role, a quotation filed again under the same version)
changes the answer at once. Pages written from a kept alignment, in the
server's threads or in a worker process, are the bytes written without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from service.http.app import create_app
from service.models.articles import Version
from service.models.quotes import QuoteRecord
from service.platform.config import DEFAULT_TENANT, Settings
from service.platform.db import make_engine
from service.stories import quotations
from service.stories.cache import StoryPages, StoryVersions, pack_alignment, unpack_alignment
from service.stories.schemas import quotes_json
from service.stories.service import StoryLimits, read_story_quotes, story_page
from tests.stories.coverage import DENIAL, count_alignments, read_reading

TENANT = DEFAULT_TENANT


def _app(url: str, **settings: Any) -> TestClient:
    return TestClient(
        create_app(Settings(database_url=url, background=False, auth_disabled=True, **settings)),
        raise_server_exceptions=False,
    )


@pytest.fixture(scope="module")
def api(module_database_url: str) -> Iterator[TestClient]:
    with _app(module_database_url) as client:
        yield client


@pytest.fixture
def alignments(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the stories aligned in this process."""
    return count_alignments(monkeypatch)


def _story(api: TestClient, key: str, pair_texts: tuple[str, str]) -> dict[str, str]:
    """Three outlets in story ``key``: the pair and a copy of the left one
    without its denial; their article ids by outlet."""
    left, right = pair_texts
    copy = "\n".join(p for p in left.split("\n") if DENIAL not in p)
    ids = {}
    for outlet, text in (("Left", left), ("Right", right), ("Copy", copy)):
        body = {"outlet": outlet, "url": f"https://news.example/{key}/{outlet}", "text": text}
        stored = api.post("/v1/articles", json={**body, "story": key})
        assert stored.status_code == 201, stored.text
        ids[outlet] = stored.json()["id"]
    return ids


def _written(
    url: str, key: str, offset: int, limit: int, alignments: list[int] | None = None
) -> bytes:
    """The page as written afresh, in this process, with nothing kept (its
    alignment not counted in ``alignments``)."""
    reading = read_reading(url, TENANT, key)
    written = quotes_json(story_page(reading, offset=offset, limit=limit))
    if alignments is not None:
        alignments.pop()
    return written


def test_pages_read_again_or_further_are_not_aligned_again(
    api: TestClient,
    module_database_url: str,
    pair_texts: tuple[str, str],
    alignments: list[int],
) -> None:
    key = "kept-pages"
    _story(api, key, pair_texts)
    first = api.get(f"/v1/stories/{key}/quotes", params={"limit": 1})
    assert first.status_code == 200 and alignments == [1]
    again = api.get(f"/v1/stories/{key}/quotes", params={"limit": 1})
    assert again.content == first.content and alignments == [1]
    # The cursor's next page, and a page of another size: built on the
    # alignment kept, as they would be written afresh.
    cursor = first.json()["next"]
    following = api.get(f"/v1/stories/{key}/quotes", params={"limit": 1, "cursor": cursor})
    wider = api.get(f"/v1/stories/{key}/quotes", params={"limit": 3})
    assert following.status_code == wider.status_code == 200
    assert alignments == [1]
    assert following.content == _written(module_database_url, key, 1, 1)
    assert wider.content == _written(module_database_url, key, 0, 3)
    assert first.content == _written(module_database_url, key, 0, 1)


def test_whatever_changes_the_story_changes_the_answer(
    api: TestClient,
    module_database_url: str,
    pair_texts: tuple[str, str],
    alignments: list[int],
) -> None:
    key = "kept-then-changed"
    ids = _story(api, key, pair_texts)

    def page() -> dict[str, Any]:
        answered = api.get(f"/v1/stories/{key}/quotes")
        assert answered.status_code == 200
        assert answered.content == _written(module_database_url, key, 0, 50, alignments)
        body: dict[str, Any] = answered.json()
        return body

    def quoted(body: dict[str, Any]) -> set[str]:
        return {v["quote"]["text"] for s in body["statements"] for v in s["variants"]}

    before = page()
    assert page() == before and len(alignments) == 1

    # A new version of the copy, quoting the denial with a word changed.
    left, _ = pair_texts
    reworded = left.replace(DENIAL, DENIAL.replace("skipped", "missed"))
    assert reworded != left
    body = {"outlet": "Copy", "url": f"https://news.example/{key}/Copy", "text": reworded}
    assert api.post("/v1/articles", json=body).json()["version"] == 2
    after = page()
    assert len(alignments) == 2
    new = DENIAL.replace("skipped", "missed")
    assert not any(new in text for text in quoted(before))
    assert any(new in text for text in quoted(after))
    versions = {a["outlet"]: a["version"] for a in after["articles"]}
    assert versions["Copy"] == 2

    # A quotation filed again under the same version (another extractor,
    # ``sourcediff quotes refresh``, which stamps the version with it in the
    # same transaction): its speaker changes, the version's number does not.
    _refile(module_database_url, ids["Right"], "Someone Else Entirely", "another extractor")
    refiled = page()
    assert "Someone Else Entirely" not in str(after)
    assert "Someone Else Entirely" in str(refiled)
    assert len(alignments) == 3
    # And filed again leaving the version unstamped (quotations not all
    # filed): the server keeps nothing of such a version, so it is seen too.
    _refile(module_database_url, ids["Right"], "Yet Another Speaker", None)
    assert "Yet Another Speaker" in str(page())
    assert len(alignments) == 4

    # A member joining, then becoming a primary document.
    other = api.post(
        "/v1/articles",
        json={"outlet": "Late", "url": f"https://news.example/{key}/late", "text": left},
    ).json()["id"]
    joined = api.post(f"/v1/stories/{key}/articles", json={"article_id": other})
    assert joined.status_code == 201
    grown = page()
    assert [a["article_id"] for a in grown["articles"]][-1] == other
    assert grown["primary"] is None
    again = api.post(f"/v1/stories/{key}/articles", json={"article_id": other, "primary": True})
    assert again.status_code == 200
    assert page()["primary"]["documents"] == [other]
    # As a primary document it is not aligned: the coverage is again what
    # it was before it joined, whose alignment was kept.
    assert len(alignments) == 5


def _refile(url: str, article_id: str, speaker: str, extractor: str | None) -> None:
    """What ``sourcediff quotes refresh`` does to an article's quotations,
    in one transaction: their speaker rewritten in place, and the version
    stamped with the extractor that found them."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            session.execute(
                update(QuoteRecord)
                .where(col(QuoteRecord.article_id) == article_id, col(QuoteRecord.latest))
                .values(speaker=speaker)
            )
            session.execute(
                update(Version)
                .where(col(Version.article_id) == article_id)
                .values(extractor=extractor)
            )
            session.commit()
    finally:
        engine.dispose()


def test_a_story_read_again_takes_its_versions_from_what_the_server_keeps(
    api: TestClient, module_database_url: str, pair_texts: tuple[str, str]
) -> None:
    key = "kept-versions"
    ids = _story(api, key, pair_texts)
    limits = StoryLimits.of(Settings())
    versions = StoryVersions(max_bytes=10_000_000)
    engine = make_engine(module_database_url)
    try:
        with Session(engine) as session:
            afresh = read_story_quotes(session, TENANT, key, limits)
            kept = read_story_quotes(session, TENANT, key, limits, kept=versions)
            assert kept == afresh
            assert versions.size >= sum(map(len, afresh.texts.values()))
            # A text changed behind the server's back (Sourcediff never
            # changes a stored version's): read afresh it shows, but the
            # kept version is what a read with ``kept`` takes.
            session.execute(
                update(Version)
                .where(col(Version.article_id) == ids["Left"])
                .values(text="Rewritten behind the server's back.")
            )
            changed = read_story_quotes(session, TENANT, key, limits)
            assert changed.texts[ids["Left"]].startswith("Rewritten")
            assert read_story_quotes(session, TENANT, key, limits, kept=versions) == afresh
            session.rollback()
            # Nothing kept: every read is afresh.
            nothing = StoryVersions(max_bytes=0)
            assert read_story_quotes(session, TENANT, key, limits, kept=nothing) == afresh
            assert nothing.size == 0
    finally:
        engine.dispose()


def test_a_new_version_with_the_same_quotations_is_not_aligned_again(
    api: TestClient,
    module_database_url: str,
    pair_texts: tuple[str, str],
    alignments: list[int],
) -> None:
    """A correction outside every quotation (words added after the last)
    gives a new page, the new version's, on the alignment kept; a word
    changed inside a quotation is aligned again."""
    key = "kept-alignment"
    _story(api, key, pair_texts)
    left, _ = pair_texts
    url = f"https://news.example/{key}/Left"
    before = api.get(f"/v1/stories/{key}/quotes")
    assert before.status_code == 200 and alignments == [1]

    corrected = left + "\n\nThis article has been corrected."
    assert (
        api.post("/v1/articles", json={"outlet": "Left", "url": url, "text": corrected}).json()[
            "version"
        ]
        == 2
    )
    after = api.get(f"/v1/stories/{key}/quotes")
    assert after.status_code == 200 and alignments == [1]
    assert after.content != before.content  # the new version's, its quotations' ids
    assert after.content == _written(module_database_url, key, 0, 50, alignments)
    assert {a["version"] for a in after.json()["articles"] if a["outlet"] == "Left"} == {2}

    reworded = corrected.replace(DENIAL, DENIAL.replace("skipped", "missed"))
    assert reworded != corrected
    assert (
        api.post("/v1/articles", json={"outlet": "Left", "url": url, "text": reworded}).json()[
            "version"
        ]
        == 3
    )
    again = api.get(f"/v1/stories/{key}/quotes")
    assert again.status_code == 200 and alignments == [1, 1]
    assert again.content == _written(module_database_url, key, 0, 50, alignments)


def test_a_cache_of_no_bytes_keeps_nothing(
    module_database_url: str, pair_texts: tuple[str, str], alignments: list[int]
) -> None:
    with _app(module_database_url, story_cache_bytes=0) as api:
        key = "kept-nowhere"
        _story(api, key, pair_texts)
        first = api.get(f"/v1/stories/{key}/quotes").content
        assert api.get(f"/v1/stories/{key}/quotes").content == first
        assert len(alignments) == 2


def test_pages_written_in_a_worker_process_are_those_written_here(
    sqlite_url: str, pair_texts: tuple[str, str]
) -> None:
    """Every page goes to the compute pool (``compute_inline_chars=0``):
    the alignment comes back packed, and goes out again for the next page."""
    key = "kept-by-the-pool"
    with _app(sqlite_url, compute_inline_chars=0, compute_workers=1) as api:
        _story(api, key, pair_texts)
        for _ in range(2):  # written, then answered as kept
            cursor, pages = None, []
            while True:
                params: dict[str, Any] = {"limit": 2}
                if cursor is not None:
                    params["cursor"] = cursor
                answered = api.get(f"/v1/stories/{key}/quotes", params=params)
                assert answered.status_code == 200, answered.text
                assert answered.content == _written(sqlite_url, key, 2 * len(pages), 2)
                pages.append(answered.content)
                cursor = answered.json()["next"]
                if cursor is None:
                    break
            assert len(pages) > 2


def test_an_alignment_unpacks_equal(
    api: TestClient, module_database_url: str, pair_texts: tuple[str, str]
) -> None:
    key = "kept-packed"
    _story(api, key, pair_texts)
    reading = read_reading(module_database_url, TENANT, key)
    _, aligned = quotations.aligned_page(reading, offset=0, limit=50)
    assert any(v.diff for s in aligned.statements for v in s.variants)
    unpacked = unpack_alignment(pack_alignment(aligned))
    assert unpacked == aligned
    assert dict(unpacked.omissions) == dict(aligned.omissions)
    page, again = quotations.aligned_page(reading, offset=1, limit=2, alignment=unpacked)
    assert again is unpacked
    assert quotes_json(page) == quotes_json(story_page(reading, offset=1, limit=2))


def _pages(max_bytes: int) -> tuple[StoryPages, Callable[[str], bytes | None]]:
    pages = StoryPages(max_bytes=max_bytes)
    return pages, lambda digest: pages.page(("t", digest), offset=0, limit=50)


def _keep(pages: StoryPages, digest: str, page: bytes, alignment: bytes) -> None:
    pages.keep_alignment(("t", f"aligned {digest}"), alignment)
    pages.keep_page(("t", digest), offset=0, limit=50, page=page)


def test_kept_pages_are_bounded_by_bytes_least_recently_used_first() -> None:
    pages, page = _pages(30)
    for digest in "abc":
        _keep(pages, digest, b"p" * 5, b"a" * 5)
    assert pages.size == 30
    assert page("a") == b"ppppp"  # now the most recently used page
    assert pages.alignment(("t", "aligned a")) == b"aaaaa"  # and alignment
    _keep(pages, "d", b"p" * 5, b"a" * 5)
    assert pages.size == 30
    assert page("b") is None and pages.alignment(("t", "aligned b")) is None
    assert page("a") == page("c") == page("d") == b"ppppp"
    assert pages.page(("t", "a"), offset=50, limit=50) is None
    assert pages.page(("other tenant", "a"), offset=0, limit=50) is None
    # Kept again: counted once.
    pages.keep_page(("t", "a"), offset=0, limit=50, page=b"q" * 5)
    assert pages.size == 30 and page("a") == b"qqqqq"
    # What is larger than the whole budget is not kept, and evicts nothing.
    _keep(pages, "e", b"p" * 31, b"a")
    assert page("e") is None and pages.alignment(("t", "aligned e")) == b"a"
    assert pages.size <= 30


def test_no_bytes_keep_nothing() -> None:
    pages, page = _pages(0)
    _keep(pages, "a", b"p", b"a")
    assert page("a") is None and pages.alignment(("t", "aligned a")) is None and pages.size == 0
