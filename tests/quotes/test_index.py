"""The quote index: filed with its version, searched through shingles."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from service.articles.service import Submission, record_version
from service.core.alignment.shingles import filed_size, query_shingles
from service.core.text import keys
from service.models.articles import Version
from service.models.quotes import QuoteRecord, QuoteShingle
from service.platform.config import Settings
from service.platform.errors import Unprocessable
from service.quotes.repository import QuoteRepository
from service.quotes.schemas import SearchPage
from service.quotes.service import search_quotes as search


def search_quotes(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """``search`` as the API answers it (these tests assert on the JSON)."""
    return SearchPage.of(search(*args, **kwargs)).model_dump(mode="json")


SETTINGS = Settings()
URL = "https://news.example/2022/09/22/index"
V1 = (
    '"We have never exported weapons to Russia and will not do so," the vice director said. '
    'He called the reports "reckless remarks".'
)
V2 = (
    '"We have never exported weapons to Russia," the vice director said. '
    'He called the reports "a smear".'
)


def submit(engine: Engine, tenant: str, text: str, url: str = URL, **extra: object) -> int:
    fields: dict[str, object] = {"outlet": "The Wire", "url": url, "text": text, **extra}
    recorded = record_version(engine, tenant, Submission(**fields), SETTINGS)  # type: ignore[arg-type]
    return 201 if recorded.created else 200


def rows(engine: Engine, tenant: str) -> list[tuple[int, str, bool]]:
    with Session(engine) as session:
        found = session.exec(
            select(QuoteRecord)
            .where(QuoteRecord.tenant == tenant)
            .order_by(col(QuoteRecord.version), col(QuoteRecord.ordinal))
        ).all()
        return [(r.version, r.text, r.latest) for r in found]


def test_each_version_files_its_quotes_and_only_the_latest_is_latest(
    engine: Engine, tenant: str
) -> None:
    assert submit(engine, tenant, V1) == 201
    assert submit(engine, tenant, V1) == 200  # unchanged: nothing filed again
    assert submit(engine, tenant, V2) == 201
    assert rows(engine, tenant) == [
        (1, "We have never exported weapons to Russia and will not do so,", False),
        (1, "reckless remarks", False),
        (2, "We have never exported weapons to Russia,", True),
        (2, "a smear", True),
    ]
    with Session(engine) as session:
        records = session.exec(select(QuoteRecord).where(QuoteRecord.tenant == tenant)).all()
        for record in records:
            filed = session.exec(
                select(QuoteShingle).where(col(QuoteShingle.quote_id) == record.id)
            ).all()
            assert len(filed) == record.shingles > 0
            # The index's copies of the quotation's size (its pairs, not the
            # words it is also filed under) and latest flag.
            size = filed_size(record.norm.split())
            assert {(row.size, row.latest) for row in filed} == {(size, record.latest)}
            assert record.norm == " ".join(keys(record.text))


def test_a_failed_version_files_nothing(engine: Engine, tenant: str) -> None:
    """The index is written in the version's transaction: a refused version
    leaves neither."""
    with pytest.raises(Unprocessable):
        submit(engine, tenant, "   ")
    assert rows(engine, tenant) == []


def test_search_finds_variants_across_versions_and_articles(engine: Engine, tenant: str) -> None:
    submit(engine, tenant, V1)
    submit(engine, tenant, V2)
    submit(
        engine,
        tenant,
        'But "we have never exported weapons to Russia", an official insisted.',
        url=f"{URL}/other",
    )
    submit(engine, tenant, '"The harvest was poor this year," a farmer said.', url=f"{URL}/farm")
    with Session(engine) as session:
        latest = search_quotes(
            session,
            tenant,
            "We have never exported weapons to Russia",
            min_score=80,
            scope="latest",
            cursor=None,
            limit=10,
        )
        every = search_quotes(
            session,
            tenant,
            "We have never exported weapons to Russia",
            min_score=80,
            scope="all",
            cursor=None,
            limit=10,
        )
    assert [(h["version"], h["quote"]["text"]) for h in latest["items"]] == [
        (2, "We have never exported weapons to Russia,"),
        (1, "we have never exported weapons to Russia"),
    ]
    assert [h["relation"] for h in latest["items"]] == ["identical", "identical"]
    assert {h["quote"]["text"] for h in every["items"]} == {
        "We have never exported weapons to Russia,",
        "we have never exported weapons to Russia",
        "We have never exported weapons to Russia and will not do so,",
    }
    assert all(h["score"] >= 80 for h in every["items"])


def test_search_is_scoped_to_the_tenant(engine: Engine, tenant: str) -> None:
    submit(engine, tenant, V1)
    with Session(engine) as session:
        mine = QuoteRepository(session, tenant).sharing(
            sorted(query_shingles(keys("never exported weapons to Russia"), tenant))
        )
        theirs = QuoteRepository(session, f"{tenant}-other").sharing(
            sorted(query_shingles(keys("never exported weapons to Russia"), f"{tenant}-other"))
        )
    assert mine and not theirs


def test_version_rows_and_quote_rows_agree(engine: Engine, tenant: str) -> None:
    submit(engine, tenant, V1)
    with Session(engine) as session:
        version = session.exec(select(Version).where(Version.tenant == tenant)).one()
        for record in session.exec(
            select(QuoteRecord).where(QuoteRecord.version_id == version.id)
        ).all():
            assert version.text[record.start : record.end] == record.text


# Issue 20, finding 1: search finds every variant the core scores, through
# the index (invented sentences).
GRAIN = (
    '"We have never shipped grain or fertiliser to the northern ports before this winter," '
    'the minister said, calling the claims "baseless".'
)


@pytest.mark.parametrize(
    ("query", "relation"),
    [
        ("never shipped grain to the northern ports", "partial"),  # words inserted inside
        ("fertiliser", "partial"),  # one word: a phrase look-up
        ("northern ports", "partial"),
        ("the northern ports before this winter and since then we have waited", "partial"),
    ],
)
def test_search_finds_fragments_phrases_and_overlaps(
    engine: Engine, tenant: str, query: str, relation: str
) -> None:
    submit(engine, tenant, GRAIN, url="https://news.example/grain")
    with Session(engine) as session:
        found = search_quotes(
            session, tenant, query, min_score=80, scope="latest", cursor=None, limit=20
        )
    hits = {h["quote"]["text"]: h for h in found["items"]}
    whole = "We have never shipped grain or fertiliser to the northern ports before this winter,"
    assert whole in hits and hits[whole]["relation"] == relation


def test_a_long_query_finds_a_one_word_quotation_it_holds(engine: Engine, tenant: str) -> None:
    submit(engine, tenant, GRAIN, url="https://news.example/grain")
    with Session(engine) as session:
        found = search_quotes(
            session,
            tenant,
            "officials said the reports were baseless and the ports stayed open",
            min_score=80,
            scope="latest",
            cursor=None,
            limit=20,
        )
    assert [(h["quote"]["text"], h["relation"]) for h in found["items"]] == [
        ("baseless", "partial")
    ]


def test_sharing_reads_the_texts_and_read_the_rest(engine: Engine, tenant: str) -> None:
    """A search scores what ``sharing`` reads (id, text and count, most
    shared first) and reads whole only the quotations it shows (``read``,
    in the order asked, this tenant's only); ``candidates`` is both."""
    submit(engine, tenant, V1)
    submit(engine, tenant, V2, url=f"{URL}/two")
    query = keys("We have never exported weapons to Russia")
    looked_up = sorted(query_shingles(query, tenant))
    with Session(engine) as session:
        repo = QuoteRepository(session, tenant)
        shared = repo.sharing(looked_up, filed=filed_size(query))
        assert [s.norm for s in shared] == [
            "we have never exported weapons to russia",
            "we have never exported weapons to russia and will not do so",
        ]
        assert shared[0].hits > shared[1].hits
        whole = repo.read(shared[::-1])
        assert [(c.id, c.norm, c.hits) for c in whole] == [tuple(s) for s in shared[::-1]]
        assert [c.text for c in whole] == [
            "We have never exported weapons to Russia and will not do so,",
            "We have never exported weapons to Russia,",
        ]
        assert QuoteRepository(session, f"{tenant}-other").read(shared) == []


def test_the_look_up_is_one_statement_whatever_the_query(engine: Engine, tenant: str) -> None:
    """The query's keys are one parameter: queries of other lengths run
    the same SQL (which SQLAlchemy and the database compile once), where an
    ``IN`` list of one parameter per key made a new statement each time."""
    submit(engine, tenant, V1)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            repo = QuoteRepository(session, tenant)
            for query in ("exported weapons", "We have never exported weapons to Russia at all"):
                words = keys(query)
                assert repo.sharing(sorted(query_shingles(words, tenant)), filed=filed_size(words))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 2 and statements[0] == statements[1]
