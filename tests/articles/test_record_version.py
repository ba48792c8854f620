"""Recording versions: identity, deduplication, races, idempotency, reads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.articles.service import Idempotency, Submission
from service.articles.service import record_version as record
from service.platform.config import Settings
from service.platform.errors import Conflict, Unprocessable
from service.platform.pagination import decode_cursor


def record_version(*args: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """``record`` as the API answers it: the status (201 created, 200
    unchanged) and the body, which these tests assert on."""
    recorded = record(*args, **kwargs)
    return (201 if recorded.created else 200), asdict(recorded)


SETTINGS = Settings()
URL = "https://news.example/2022/09/22/north-korea-denies-arms"


def submit(
    engine: Engine, tenant: str, text: str, **extra: object
) -> tuple[int, dict[str, object]]:
    fields: dict[str, object] = {"outlet": "The Wire", "url": URL, "text": text, **extra}
    return record_version(engine, tenant, Submission(**fields), SETTINGS)  # type: ignore[arg-type]


def test_new_changed_unchanged_and_reverted_texts(engine: Engine, tenant: str) -> None:
    status, first = submit(engine, tenant, '"We have never exported weapons," he said.')
    assert (status, first["version"], first["created"]) == (201, 1, True)

    # Same words, other quote style and wrapping: no new version, and it says so.
    status, same = submit(engine, tenant, "“We have never exported weapons,”\n he said.")
    assert (status, same["version"], same["created"], same["id"]) == (200, 1, False, first["id"])

    status, second = submit(engine, tenant, '"We have never exported arms," he said.')
    assert (status, second["version"], second["created"]) == (201, 2, True)

    # A revert to the first text is a change worth recording.
    status, third = submit(engine, tenant, '"We have never exported weapons," he said.')
    assert (status, third["version"]) == (201, 3)


def test_articles_identified_by_outlet_and_external_id(engine: Engine, tenant: str) -> None:
    a = record_version(
        engine, tenant, Submission(outlet="AP", external_id="ap-1", text="One."), SETTINGS
    )[1]
    b = record_version(
        engine, tenant, Submission(outlet="AP", external_id="ap-1", text="One, two."), SETTINGS
    )[1]
    c = record_version(
        engine, tenant, Submission(outlet="AFP", external_id="ap-1", text="One."), SETTINGS
    )[1]
    assert a["id"] == b["id"] and b["version"] == 2
    assert c["id"] != a["id"] and c["version"] == 1


def test_needs_an_identity_and_a_text(engine: Engine, tenant: str) -> None:
    with pytest.raises(Unprocessable):
        record_version(engine, tenant, Submission(outlet="AP", text="x"), SETTINGS)
    with pytest.raises(Unprocessable):
        submit(engine, tenant, "  \n ")
    with pytest.raises(Unprocessable):
        record_version(engine, tenant, Submission(outlet="AP", url=URL, html="<p> </p>"), SETTINGS)


@pytest.mark.parametrize(
    ("field", "length"),
    [("outlet", 200), ("url", 2048), ("external_id", 256), ("title", 1000), ("language", 35)],
)
def test_a_field_longer_than_its_column_is_refused_however_it_came(
    engine: Engine, tenant: str, field: str, length: int
) -> None:
    # A request's schema checks its own fields, but a CLI ingest, a fetched
    # page's final URL or a ninjs field reach here too: on PostgreSQL an
    # over-long value failed the insert (500); on SQLite it was kept.
    base: dict[str, object] = {"outlet": "AP", "url": URL + "/long", "text": '"Yes," he said.'}
    fits = {**base, field: "x" * length}
    assert record_version(engine, tenant, Submission(**fits), SETTINGS)[0] == 201  # type: ignore[arg-type]
    over = {**base, field: "y" * (length + 1)}
    with pytest.raises(Unprocessable, match=f"`{field}` is longer than {length:,}"):
        record_version(engine, tenant, Submission(**over), SETTINGS)  # type: ignore[arg-type]


def test_html_is_extracted_and_kept(engine: Engine, tenant: str) -> None:
    html = (
        "<html><body><article><p>“Yes,” she said.</p><script>x()</script></article></body></html>"
    )
    _, body = record_version(engine, tenant, Submission(outlet="AP", url=URL, html=html), SETTINGS)
    with Session(engine) as session:
        version = ArticleRepository(session, tenant).version(str(body["id"]), 1)
        assert version is not None
        assert version.text == "“Yes,” she said."
        assert version.html == html


def test_other_tenants_see_nothing(engine: Engine, tenant: str) -> None:
    _, body = submit(engine, tenant, "Text.")
    with Session(engine) as session:
        assert ArticleRepository(session, tenant).article(str(body["id"])) is not None
        other = ArticleRepository(session, tenant + "-other")
        assert other.article(str(body["id"])) is None
        assert other.version(str(body["id"]), 1) is None
        assert other.article_by_url(URL) is None


def test_concurrent_identical_submissions_make_one_version(engine: Engine, tenant: str) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: submit(engine, tenant, "Same text."), range(16)))
    assert sorted(status for status, _ in results).count(201) == 1
    assert {body["version"] for _, body in results} == {1}
    assert len({body["id"] for _, body in results}) == 1


def test_concurrent_changes_get_consecutive_numbers(engine: Engine, tenant: str) -> None:
    texts = [f"Version text number {i}." for i in range(12)]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda t: submit(engine, tenant, t), texts))
    assert all(status == 201 for status, _ in results)
    assert sorted(int(str(body["version"])) for _, body in results) == list(range(1, 13))
    with Session(engine) as session:
        repo = ArticleRepository(session, tenant)
        article = repo.article_by_url(URL)
        assert article is not None
        assert repo.version_count(article.id) == 12


def test_idempotency_key_replays_the_first_answer(engine: Engine, tenant: str) -> None:
    key = Idempotency("retry-1", "hash-of-request-1")
    first = record_version(
        engine, tenant, Submission(outlet="AP", url=URL, text="A."), SETTINGS, idempotency=key
    )
    # The article changes meanwhile; a retry of the first request still gets its answer.
    submit(engine, tenant, "B.")
    again = record_version(
        engine, tenant, Submission(outlet="AP", url=URL, text="A."), SETTINGS, idempotency=key
    )
    assert again == first == (201, again[1])
    with pytest.raises(Conflict):
        record_version(
            engine,
            tenant,
            Submission(outlet="AP", url=URL, text="C."),
            SETTINGS,
            idempotency=Idempotency("retry-1", "hash-of-another-request"),
        )


def test_versions_page_oldest_first(engine: Engine, tenant: str) -> None:
    for i in range(5):
        submit(engine, tenant, f"Text {i}.")
    with Session(engine) as session:
        repo = ArticleRepository(session, tenant)
        article = repo.article_by_url(URL)
        assert article is not None
        seen: list[int] = []
        after = 0
        while True:
            page = repo.versions(article.id, after=after, limit=2)
            seen += [v.number for v in page.items]
            if page.next is None:
                break
            (after,) = decode_cursor(page.next)  # type: ignore[assignment]
        assert seen == [1, 2, 3, 4, 5]


def test_article_listing_filters_and_pages(engine: Engine, tenant: str) -> None:
    before = datetime.now(UTC)
    for i in range(3):
        record_version(
            engine,
            tenant,
            Submission(outlet="AP" if i % 2 else "AFP", url=f"{URL}/{i}", text=f"T{i}."),
            SETTINGS,
        )
    with Session(engine) as session:
        repo = ArticleRepository(session, tenant)
        first = repo.articles(limit=2)
        assert len(first.items) == 2 and first.next is not None
        rest = repo.articles(limit=2, after=first.next)
        urls = [r.article.url for r in [*first.items, *rest.items]]
        assert urls == [f"{URL}/0", f"{URL}/1", f"{URL}/2"]
        ap = repo.outlet_named("AP")
        assert ap is not None and ap.id is not None
        assert [r.article.url for r in repo.articles(outlet_id=ap.id).items] == [f"{URL}/1"]
        assert [r.article.url for r in repo.articles(url=f"{URL}/2").items] == [f"{URL}/2"]
        assert len(repo.articles(since=before).items) == 3
        assert repo.articles(until=before).items == []
        with pytest.raises(ValueError):
            repo.articles(after="not-a-cursor")
