"""Refreshing the quotations of versions other extraction code found.

Versions are stored, then made stale in the database (another extractor's
stamp, or none) with their rows tampered with: a speaker altered, a
quotation's row deleted, a row the text does not hold added with its
shingles. The refresh must leave each version's rows equal to
``extract_quotes`` of its text, stamped, filed under exactly their shingles
with the version's ``latest`` flag, and search answering from them; a
second run finds nothing to do. Each test has a database of its own: the
refresh reads every tenant's versions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.core import extract_quotes
from service.core.alignment.shingles import shingle, stored_shingles
from service.core.quotes import EXTRACTOR
from service.core.text import keys
from service.models.articles import Version
from service.platform.db import make_engine
from service.quotes.refresh import Refreshed, refresh_quotes
from service.quotes.service import search_quotes
from tests.articles.test_stored_quotes import EDITED, TEXTS, restamp, store

# A quotation of EDITED's alone, and words no stored text holds.
ORTIZ = "Fares stay where they are"
PLANTED = "the archive remembers a statement nobody made"


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def version_of(engine: Engine, tenant: str, article_id: str, number: int) -> Version:
    with Session(engine) as session:
        found = ArticleRepository(session, tenant).version(article_id, number)
    assert found is not None
    return found


def rows(engine: Engine, version_id: int) -> list[tuple[int, str, bool]]:
    """The version's quotation rows: id, normalised text and flag, in order."""
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id, norm, latest FROM quotes WHERE version_id = :v ORDER BY ordinal"),
            {"v": version_id},
        ).all()
    return [(i, norm, bool(latest)) for i, norm, latest in found]


def shingles_of(engine: Engine, quote_id: int) -> set[tuple[int, bool]]:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT shingle, latest FROM quote_shingles WHERE quote_id = :q"),
            {"q": quote_id},
        ).all()
    return {(s, bool(latest)) for s, latest in found}


def search(engine: Engine, tenant: str, query: str) -> set[tuple[str, int]]:
    """The article and version of each quotation found close to ``query``,
    among the articles' latest versions."""
    with Session(engine) as session:
        found = search_quotes(
            session, tenant, query, min_score=80, scope="latest", cursor=None, limit=50
        )
    return {(hit.candidate.article_id, hit.candidate.version) for hit in found.hits}


def stray_shingles(engine: Engine) -> int:
    """How many rows of the index are not a stored quotation's shingles."""
    with engine.connect() as connection:
        filed = connection.execute(text("SELECT count(*) FROM quote_shingles")).scalar_one()
        quotes = connection.execute(text("SELECT tenant, norm FROM quotes")).all()
    return int(filed) - sum(len(stored_shingles(norm.split(), t)) for t, norm in quotes)


def tamper(engine: Engine, tenant: str, version: Version, *, drop: str | None = None) -> int:
    """Alter ``version``'s rows as other extraction code might have filed
    them: every speaker another, the row of the quotation beginning ``drop``
    gone, a row added (with its shingles) for words the text does not hold;
    the added row's id."""
    planted = shingle(keys(PLANTED), tenant)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE quotes SET speaker = 'Stored Speaker' WHERE version_id = :v"),
            {"v": version.id},
        )
        if drop is not None:
            connection.execute(
                text("DELETE FROM quotes WHERE version_id = :v AND text LIKE :t"),
                {"v": version.id, "t": drop + "%"},
            )
        added = connection.execute(
            text(
                "INSERT INTO quotes (tenant, article_id, version_id, version, ordinal, text,"
                ' start, "end", speaker, norm, words, shingles, latest)'
                " VALUES (:tenant, :article, :v, :number, 99, :text, 0, 1, NULL, :norm,"
                " :words, :shingles, :latest) RETURNING id"
            ),
            {
                "tenant": tenant,
                "article": version.article_id,
                "v": version.id,
                "number": version.number,
                "text": PLANTED,
                "norm": planted.norm,
                "words": len(planted.keys),
                "shingles": len(planted.shingles),
                "latest": True,
            },
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO quote_shingles (shingle, quote_id, size, latest)"
                " VALUES (:s, :q, :size, :latest)"
            ),
            [{"s": s, "q": added, "size": planted.size, "latest": True} for s in planted.shingles],
        )
    added_id: int = added
    return added_id


def assert_refreshed(engine: Engine, tenant: str, version: Version, latest: bool) -> None:
    """The version's rows are its text's quotations, stamped, filed under
    their shingles with the version's flag."""
    fresh = version_of(engine, tenant, version.article_id, version.number)
    assert fresh.extractor == EXTRACTOR
    with Session(engine) as session:
        read = ArticleRepository(session, tenant).stored_quotes(fresh)
    assert read == tuple(extract_quotes(fresh.text))
    stored = rows(engine, version.id or 0)
    assert stored and all(flag == latest for _, _, flag in stored)
    for quote_id, norm, _ in stored:
        expected = {(s, latest) for s in stored_shingles(norm.split(), tenant)}
        assert shingles_of(engine, quote_id) == expected


def test_stale_versions_are_extracted_again_and_stamped(engine: Engine, tenant: str) -> None:
    first = store(engine, tenant, TEXTS["pronouns"])
    edited = store(engine, tenant, EDITED)
    other = store(engine, tenant, TEXTS["titles"], url="https://wire.example/b")
    # Another tenant's version, stamped by the running code: left alone.
    kept = store(engine, f"{tenant}-x", TEXTS["titles"], url="https://wire.example/c")
    old, new = (version_of(engine, tenant, first.id, n) for n in (1, 2))
    titles = version_of(engine, tenant, other.id, 1)
    tamper(engine, tenant, new, drop=ORTIZ)
    restamp(engine, first.id, "0" * 16)
    restamp(engine, other.id, None)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE quotes SET speaker = 'Stored Speaker' WHERE version_id IN (:a, :b)"),
            {"a": old.id, "b": titles.id},
        )
    kept_rows = rows(engine, version_of(engine, f"{tenant}-x", kept.id, 1).id or 0)
    assert search(engine, tenant, ORTIZ) == set()
    assert search(engine, tenant, PLANTED) == {(edited.id, 2)}

    done = refresh_quotes(engine, batch=2)

    assert done == Refreshed(checked=4, extracted=3, replaced=3, stamped=3)
    assert_refreshed(engine, tenant, old, latest=False)
    assert_refreshed(engine, tenant, new, latest=True)
    assert_refreshed(engine, tenant, titles, latest=True)
    assert stray_shingles(engine) == 0
    assert search(engine, tenant, ORTIZ) == {(edited.id, 2)}
    assert search(engine, tenant, PLANTED) == set()
    assert rows(engine, version_of(engine, f"{tenant}-x", kept.id, 1).id or 0) == kept_rows

    assert refresh_quotes(engine, batch=2) == Refreshed(4, 0, 0, 0)


def test_a_row_the_text_does_not_hold_is_deleted_with_its_shingles(
    engine: Engine, tenant: str
) -> None:
    recorded = store(engine, tenant, TEXTS["titles"])
    version = version_of(engine, tenant, recorded.id, 1)
    planted = tamper(engine, tenant, version)
    restamp(engine, recorded.id, "0" * 16)
    assert shingles_of(engine, planted)

    assert refresh_quotes(engine) == Refreshed(1, 1, 1, 1)
    assert planted not in {i for i, _, _ in rows(engine, version.id or 0)}
    assert shingles_of(engine, planted) == set()
    assert stray_shingles(engine) == 0
    assert_refreshed(engine, tenant, version, latest=True)
    assert search(engine, tenant, PLANTED) == set()


def test_quotations_found_the_same_are_only_stamped(engine: Engine, tenant: str) -> None:
    recorded = store(engine, tenant, TEXTS["pronouns"])
    version = version_of(engine, tenant, recorded.id, 1)
    before = rows(engine, version.id or 0)
    restamp(engine, recorded.id, "0" * 16)

    assert refresh_quotes(engine) == Refreshed(checked=1, extracted=1, replaced=0, stamped=1)
    assert rows(engine, version.id or 0) == before
    assert_refreshed(engine, tenant, version, latest=True)


def test_latest_only_leaves_earlier_versions_stale(engine: Engine, tenant: str) -> None:
    store(engine, tenant, TEXTS["pronouns"])
    recorded = store(engine, tenant, EDITED)
    restamp(engine, recorded.id, None)

    assert refresh_quotes(engine, latest_only=True) == Refreshed(1, 1, 0, 1)
    assert version_of(engine, tenant, recorded.id, 1).extractor is None
    assert version_of(engine, tenant, recorded.id, 2).extractor == EXTRACTOR

    assert refresh_quotes(engine, latest_only=True) == Refreshed(1, 0, 0, 0)
    assert refresh_quotes(engine) == Refreshed(2, 1, 0, 1)
    assert version_of(engine, tenant, recorded.id, 1).extractor == EXTRACTOR


def test_a_version_without_quotations_is_stamped(engine: Engine, tenant: str) -> None:
    recorded = store(engine, tenant, TEXTS["unquoted"])
    restamp(engine, recorded.id, None)

    assert refresh_quotes(engine) == Refreshed(1, 1, 0, 1)
    version = version_of(engine, tenant, recorded.id, 1)
    with Session(engine) as session:
        assert ArticleRepository(session, tenant).stored_quotes(version) == ()


def test_a_version_that_gained_quotations_gets_their_rows(engine: Engine, tenant: str) -> None:
    """Rows where there were none (a version filed by code that found no
    quotation in it), filed as the latest or not as the version is."""
    store(engine, tenant, TEXTS["pronouns"])
    recorded = store(engine, tenant, EDITED)
    old, new = (version_of(engine, tenant, recorded.id, n) for n in (1, 2))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM quotes WHERE article_id = :a"), {"a": recorded.id})
    restamp(engine, recorded.id, "0" * 16)

    assert refresh_quotes(engine, batch=1) == Refreshed(2, 2, 2, 2)
    assert_refreshed(engine, tenant, old, latest=False)
    assert_refreshed(engine, tenant, new, latest=True)


def test_a_batch_must_hold_a_version(engine: Engine) -> None:
    with pytest.raises(ValueError, match="batch"):
        refresh_quotes(engine, batch=0)
