"""What the quote index offers other features through ``quotes.service``:
filing a version's quotations and reading an article's latest ones."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.core import extract_quotes
from service.models.articles import Version
from service.platform.config import Settings
from service.quotes.schemas import SearchPage, search_json
from service.quotes.service import file_quotes, indexed_quotes, latest_quotes, search_quotes

SETTINGS = Settings()
TEXT = '"We will not export them," he said. "Never," she added.'


def test_filed_quotes_are_the_articles_latest_until_the_next_version(
    engine: Engine, tenant: str
) -> None:
    recorded = record_version(
        engine,
        tenant,
        Submission(outlet="Wire", url="https://news.example/filed", text=TEXT),
        SETTINGS,
    )
    article = recorded.id
    with Session(engine) as session:
        assert [r.text for r in latest_quotes(session, tenant, [article])[article]] == [
            "We will not export them,",
            "Never,",
        ]
        # Another tenant's reading finds nothing of this article.
        assert latest_quotes(session, f"{tenant}-other", [article]) == {article: []}

        second = Version(
            article_id=article, tenant=tenant, number=2, text="“Always,” he said.", content_hash="x"
        )
        session.add(second)
        session.flush()
        file_quotes(session, tenant, second, indexed_quotes(extract_quotes(second.text), tenant))
        latest = latest_quotes(session, tenant, [article, "nope"])
        assert [(r.version, r.text) for r in latest[article]] == [(2, "Always,")]
        assert latest["nope"] == []
        session.rollback()


def test_a_search_page_is_written_as_its_model_dumps_it(engine: Engine, tenant: str) -> None:
    """``search_json`` writes the page once; it must say what ``SearchPage``
    (the route's documented model) says, byte for byte: non-ASCII text,
    a null speaker and URL, whole and fractional scores, a next cursor."""
    texts = [
        "“We will not export them to Russia, not now and not ever,” Ms. Nováková said.",
        "“We will not export them to Russia, not now, not ever,” she said on Tuesday.",
        "Officials said: “We will not export weapons to Russia, now or ever.”",
        "“We will not — ever — export them to Russia,” a spokesman said.",
    ]
    for n, text in enumerate(texts):
        record_version(
            engine,
            tenant,
            Submission(
                outlet=f"Outlet {n} ü",
                url=None if n % 2 else f"https://news.example/{n}",
                external_id=f"item-{n}" if n % 2 else None,
                text=text,
            ),
            SETTINGS,
        )
    pages = []
    with Session(engine) as session:
        cursor = None
        for _ in range(len(texts)):
            results = search_quotes(
                session,
                tenant,
                "we will not export them to russia",
                min_score=50,
                scope="all",
                cursor=cursor,
                limit=1,
            )
            pages.append(results)
            cursor = results.next
            if cursor is None:
                break
    assert len(pages) >= 3 and pages[0].next is not None
    scores = {hit.score for page in pages for hit in page.hits}
    assert 100.0 in scores and any(score != int(score) for score in scores)
    assert any(hit.candidate.speaker is None for page in pages for hit in page.hits)
    assert any(hit.url is None for page in pages for hit in page.hits)
    for results in pages:
        assert search_json(results) == SearchPage.of(results).model_dump_json().encode()
