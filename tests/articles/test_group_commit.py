"""Ingest's group commit on SQLite (``service.articles.service._GroupCommit``):
steps that arrive while a batch is written are written together in one
transaction, each in a savepoint, and each request still gets its own answer
or error."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from service.articles.repository import ArticleRepository
from service.articles.service import Recorded, Submission, _GroupCommit, record_version
from service.models.articles import Outlet
from service.models.quotes import QuoteRecord, QuoteShingle
from service.platform.config import Settings
from service.platform.db import make_engine, upgrade
from service.platform.errors import Conflict

SETTINGS = Settings()


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('group') / 'group.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _recorded(name: str) -> Recorded:
    return Recorded(name, 1, True, name, None, None, "", None)


def _adds_outlet(tenant: str, name: str) -> Callable[[Session], Recorded]:
    def step(session: Session) -> Recorded:
        ArticleRepository(session, tenant).add_outlet(name)
        return _recorded(name)

    return step


def _outlets(engine: Engine, tenant: str) -> set[str]:
    with Session(engine) as session:
        return {o.name for o in session.exec(ArticleRepository(session, tenant).select(Outlet))}


def test_steps_waiting_are_written_together_each_with_its_own_outcome(
    sqlite_engine: Engine, tenant: str
) -> None:
    group = _GroupCommit(sqlite_engine)
    first_writing, let_first_go = threading.Event(), threading.Event()
    refused_once: list[bool] = []

    def first(session: Session) -> Recorded:
        first_writing.set()
        assert let_first_go.wait(10)
        return _adds_outlet(tenant, "first")(session)

    def conflicting(session: Session) -> Recorded:
        ArticleRepository(session, tenant).add_outlet("conflicting")
        raise Conflict("this Idempotency-Key was used for a different request")

    def refused_in_the_batch(session: Session) -> Recorded:
        # A write the database refuses once (as a lost race would be): run
        # again alone, it is written.
        ArticleRepository(session, tenant).add_outlet("refused")
        if not refused_once:
            refused_once.append(True)
            raise IntegrityError("INSERT", {}, Exception("lost a race"))
        return _recorded("refused")

    with ThreadPoolExecutor(8) as pool:
        leading = pool.submit(group.run, first)
        assert first_writing.wait(10)
        # While the first is written, these gather behind it.
        waiting = {
            name: pool.submit(group.run, _adds_outlet(tenant, name)) for name in ("a", "b", "c")
        }
        failing = pool.submit(group.run, conflicting)
        refused = pool.submit(group.run, refused_in_the_batch)
        deadline = time.monotonic() + 10
        while len(group._waiting) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(group._waiting) == 5
        let_first_go.set()
        assert leading.result(10).id == "first"
        assert {name: f.result(10).id for name, f in waiting.items()} == {
            "a": "a",
            "b": "b",
            "c": "c",
        }
        with pytest.raises(Conflict):
            failing.result(10)
        assert refused.result(10).id == "refused"
    assert refused_once == [True]
    # The failing step's write was rolled back to its savepoint, no more.
    assert _outlets(sqlite_engine, tenant) == {"first", "a", "b", "c", "refused"}
    assert not group._writing and not group._waiting


def test_concurrent_versions_of_one_article_each_recorded_once_in_order(
    sqlite_engine: Engine, tenant: str
) -> None:
    url = "https://news.example/group-commit"
    texts = [f'"We will build {n} schools," the minister said.' for n in range(24)]

    def submit(text: str) -> Recorded:
        return record_version(
            sqlite_engine, tenant, Submission(outlet="Wire", url=url, text=text), SETTINGS
        )

    with ThreadPoolExecutor(8) as pool:
        recorded = list(pool.map(submit, texts))
    assert all(r.created for r in recorded)
    assert sorted(r.version for r in recorded) == list(range(1, 25))
    article = recorded[0].id
    with Session(sqlite_engine) as session:
        quotes = session.execute(
            select(QuoteRecord.version, QuoteRecord.latest).where(
                col(QuoteRecord.article_id) == article
            )
        ).all()
        latest_shingles = session.execute(
            select(func.count())
            .select_from(QuoteShingle)
            .join(QuoteRecord, col(QuoteRecord.id) == QuoteShingle.quote_id)
            .where(col(QuoteRecord.article_id) == article, col(QuoteShingle.latest).is_(True))
        ).scalar_one()
        filed = session.execute(
            select(QuoteRecord.shingles).where(
                col(QuoteRecord.article_id) == article, col(QuoteRecord.latest).is_(True)
            )
        ).scalar_one()
    # One quotation a version; only the last version's is latest, in the
    # index too.
    assert sorted(v for v, _ in quotes) == list(range(1, 25))
    assert [v for v, latest in quotes if latest] == [24]
    assert latest_shingles == filed
