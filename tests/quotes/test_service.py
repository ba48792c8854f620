"""What the quote index offers other features through ``quotes.service``:
filing a version's quotations and reading an article's latest ones."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.core import extract_quotes
from service.models.articles import Version
from service.platform.config import Settings
from service.quotes.service import file_quotes, indexed_quotes, latest_quotes

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
