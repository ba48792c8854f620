"""Quotations filed before the index gained keys (issue 20's phrase keys):
storing a new version of their article works, and ``refile`` (migration
0007) files them under every key the index uses now. Both databases."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.core.alignment.shingles import query_shingles
from service.core.text import keys
from service.models.quotes import QuoteRecord, QuoteShingle
from service.platform.config import Settings
from service.quotes.repository import refile
from service.quotes.service import search_quotes

SETTINGS = Settings()
URL = "https://harbour.example/2026/12/06/ferry"
TEXT = '"The early sailing to the island will return next spring," the minister said.'


def _rows(engine: Engine, quote_id: int) -> set[tuple[int, int, bool]]:
    with Session(engine) as session:
        found = session.execute(
            select(QuoteShingle.shingle, QuoteShingle.size, QuoteShingle.latest).where(
                QuoteShingle.quote_id == quote_id
            )
        )
        return {(s, size, latest) for s, size, latest in found}


def _as_filed_before(engine: Engine, tenant: str) -> tuple[int, set[tuple[int, int, bool]]]:
    """Store the article, then take away the rows of the keys the index
    gained (a phrase's words): the quotation as an older index filed it."""
    record_version(engine, tenant, Submission(outlet="Gazette", url=URL, text=TEXT), SETTINGS)
    with Session(engine) as session:
        quote_id = session.execute(
            select(QuoteRecord.id).where(QuoteRecord.tenant == tenant)
        ).scalar_one()
    full = _rows(engine, quote_id)
    phrase = query_shingles(keys("early sailing"), tenant)
    with Session(engine) as session:
        session.execute(
            delete(QuoteShingle).where(
                QuoteShingle.quote_id == quote_id, QuoteShingle.shingle.in_(phrase)
            )
        )
        session.commit()
    assert _rows(engine, quote_id) < full
    return quote_id, full


def _found(engine: Engine, tenant: str, q: str) -> list[str]:
    with Session(engine) as session:
        results = search_quotes(
            session, tenant, q, min_score=80, scope="all", cursor=None, limit=20
        )
    return [hit.candidate.text for hit in results.hits]


def test_refile_files_an_older_quotation_under_every_key(engine: Engine, tenant: str) -> None:
    quote_id, full = _as_filed_before(engine, tenant)
    assert _found(engine, tenant, "early sailing") == []
    with engine.begin() as connection:
        refile(connection)
    assert _rows(engine, quote_id) == full
    assert _found(engine, tenant, "early sailing") == [
        "The early sailing to the island will return next spring,"
    ]
    with engine.begin() as connection:
        refile(connection)  # again: nothing left to add, nothing changed
    assert _rows(engine, quote_id) == full


def test_a_new_version_of_an_article_filed_before_is_stored(engine: Engine, tenant: str) -> None:
    quote_id, _ = _as_filed_before(engine, tenant)
    # Demoting the older quotation updated each of its keys by primary key,
    # and the ORM failed (StaleDataError, a 500) on the keys it had no row for.
    changed = TEXT.replace("next spring", "in the spring")
    recorded = record_version(
        engine, tenant, Submission(outlet="Gazette", url=URL, text=changed), SETTINGS
    )
    assert recorded.version == 2
    assert {latest for _, _, latest in _rows(engine, quote_id)} == {False}
