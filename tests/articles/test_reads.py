"""Reading articles back: a page of the list in a fixed number of queries,
and the reads other features use (``labels``, ``latest_versions``,
``find_article``), each scoped to the tenant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session

from service.articles.schemas import ArticlePage
from service.articles.service import (
    Submission,
    find_article,
    labels,
    latest_versions,
    list_articles,
    read_article,
    record_version,
)
from service.platform.config import Settings

SETTINGS = Settings()


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` runs inside the block."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def store(engine: Engine, tenant: str, articles: int) -> list[str]:
    """``articles`` articles of two outlets, the i-th with i % 3 + 1
    versions; their ids, oldest first."""
    ids = []
    for i in range(articles):
        for v in range(i % 3 + 1):
            recorded = record_version(
                engine,
                tenant,
                Submission(
                    outlet=f"Outlet {i % 2}",
                    url=f"https://news.example/{i}",
                    text=f'"Version {v} of {i}," he said.',
                    title=f"Title {i}.{v}",
                ),
                SETTINGS,
            )
        ids.append(recorded.id)
    return ids


def page(session: Session, tenant: str, limit: int, outlet: str | None = None) -> ArticlePage:
    found = list_articles(
        session, tenant, outlet=outlet, url=None, since=None, until=None, cursor=None, limit=limit
    )
    return ArticlePage.of(found)


def test_a_page_of_articles_takes_the_same_queries_whatever_its_size(
    engine: Engine, tenant: str
) -> None:
    ids = store(engine, tenant, 7)
    with Session(engine) as session:
        with counted(engine) as one:
            small = page(session, tenant, 1)
        with counted(engine) as seven:
            full = page(session, tenant, 10)
        with counted(engine) as by_outlet:
            outlet = page(session, tenant, 10, outlet="Outlet 1")
    # One query for the page, whatever its size (the outlet filter adds the
    # outlet's look-up): no query per article comes back.
    assert (len(one), len(seven), len(by_outlet)) == (1, 1, 2), seven
    assert [a.id for a in small.items] == ids[:1] and small.next is not None
    assert [a.id for a in full.items] == ids and full.next is None
    assert [(a.versions, a.latest_version, a.title) for a in full.items] == [
        (i % 3 + 1, i % 3 + 1, f"Title {i}.{i % 3}") for i in range(7)
    ]
    assert [a.id for a in outlet.items] == ids[1::2]


def test_reads_for_other_features_are_scoped_to_the_tenant(engine: Engine, tenant: str) -> None:
    ids = store(engine, tenant, 3)
    other = store(engine, f"{tenant}-other", 1)
    with Session(engine) as session:
        assert labels(session, tenant, [*ids, *other, "nope"]) == {
            ids[0]: ("Outlet 0", "https://news.example/0"),
            ids[1]: ("Outlet 1", "https://news.example/1"),
            ids[2]: ("Outlet 0", "https://news.example/2"),
        }
        latest = latest_versions(session, tenant, [*ids, *other])
        assert {a: v.number for a, v in latest.items()} == {ids[0]: 1, ids[1]: 2, ids[2]: 3}
        found = find_article(session, tenant, ids[2])
        assert found is not None and found.versions == 3 and found.outlet.name == "Outlet 0"
        assert find_article(session, tenant, other[0]) is None
        assert read_article(session, f"{tenant}-other", other[0]).article.id == other[0]
