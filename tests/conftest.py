"""Fixtures for every test: the repository's own test data, the databases,
and the labelled corpus beside the repository for the tests that measure it.

What the tests need lives in ``tests/fixtures/`` (written for the
repository, see its README), so the suite passes in a clone with nothing
beside it. The tests that measure the labelled corpus (the harness's
scores, the client samples) ask for ``shared_dir``, which finds ``shared/``
next to the clone (``../shared``, relative to the repository root, never the
working directory); they are marked ``corpus`` (``-m corpus`` runs only
them, ``-m "not corpus"`` leaves them out). Without ``../shared`` they skip,
naming the path they looked for, except when ``SOURCEDIFF_REQUIRE_SHARED=1``
(set by ``.ci/run``): then they fail. The skip happens when a test runs, not
when it is collected, so every test is always collected and a run is never
empty (pytest's exit code 5).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.http import create_app
from service.platform.config import Settings
from service.platform.db import make_engine, upgrade
from tests.databases import postgres_unreachable, scratch_postgres
from tests.fixtures import PAIR, load_json, shared_or_skip
from tests.problems import ProblemCheck, check_problem

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _scratch_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes ./sourcediff.db: the default database (what an app
    built without an explicit ``database_url`` opens, servers started by the
    tests included) is a scratch SQLite file.

    API keys are off by default too (``SOURCEDIFF_AUTH_DISABLED=1``): tests
    that are not about auth call as the tenant ``default`` with every scope.
    The auth tests pass ``Settings(auth_disabled=False)`` (or set the
    variable to 0 for a server).

    No webhook dispatcher or feed poller runs either
    (``SOURCEDIFF_BACKGROUND=0``): the databases are shared by the whole
    session, and an app under test must not send another test's webhooks or
    poll its feeds behind its back. The tests of that background work turn
    it on for their own servers."""
    path = tmp_path_factory.mktemp("default-db") / "sourcediff.db"
    scratch = {
        "SOURCEDIFF_DATABASE_URL": f"sqlite:///{path}",
        "SOURCEDIFF_AUTH_DISABLED": "1",
        "SOURCEDIFF_BACKGROUND": "0",
    }
    previous = {name: os.environ.get(name) for name in scratch}
    os.environ.update(scratch)
    yield
    for name, value in previous.items():
        if value is None:
            del os.environ[name]
        else:
            os.environ[name] = value


# Test data --------------------------------------------------------------
#
# ``tests/fixtures/pair/``: two invented outlets' articles on one invented
# event, with the kinds of drift real coverage shows; ``pair.json`` labels
# them in the shape of the corpus's ``seeds.json``.


@pytest.fixture(scope="session")
def pair_gold() -> dict[str, Any]:
    """``tests/fixtures/pair.json``: the pair's articles and their gold labels."""
    return load_json("pair.json")


@pytest.fixture(scope="session")
def pair_paths() -> tuple[Path, Path]:
    """The two articles of the pair, left (``a``) and right (``b``) as in ``pair.json``."""
    return PAIR


@pytest.fixture(scope="session")
def pair_texts() -> tuple[str, str]:
    left, right = PAIR
    return left.read_text("utf-8"), right.read_text("utf-8")


# The labelled corpus ---------------------------------------------------

SHARED_DIR = REPO_ROOT.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "corpus: measures the labelled corpus in ../shared (skips without it, "
        "fails without it when SOURCEDIFF_REQUIRE_SHARED=1)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reads the corpus is marked ``corpus``."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``: the labelled corpus and its harness, for the tests that
    measure them (``shared_or_skip``: they skip without it, or fail under
    ``SOURCEDIFF_REQUIRE_SHARED=1``)."""
    return shared_or_skip(SHARED_DIR)


@pytest.fixture(scope="session")
def seed_gold(shared_dir: Path) -> dict[str, Any]:
    """``corpus/seeds.json``: the two seed articles and their gold labels."""
    gold: dict[str, Any] = json.loads((shared_dir / "corpus" / "seeds.json").read_text("utf-8"))
    return gold


@pytest.fixture(scope="session")
def seed_paths(shared_dir: Path) -> tuple[Path, Path]:
    """The two seed articles, left and right as in ``seeds.json``."""
    left, right = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
    return left, right


@pytest.fixture(scope="session")
def seed_texts(seed_paths: tuple[Path, Path]) -> tuple[str, str]:
    left, right = seed_paths
    return left.read_text("utf-8"), right.read_text("utf-8")


# Databases -------------------------------------------------------------
#
# Every storage test runs on an SQLite file and on a PostgreSQL database
# (the ``database_url`` and ``engine`` fixtures are parametrised). PostgreSQL
# is the server on 127.0.0.1:5432 (``SOURCEDIFF_TEST_POSTGRES_URL`` to point
# elsewhere); the session creates a database of its own there, migrates it,
# and drops it at the end. When the server cannot be reached the PostgreSQL
# half skips with the reason, except when ``SOURCEDIFF_REQUIRE_POSTGRES=1``
# (set by ``.ci/run``): then it fails. Tests isolate themselves by tenant (a
# fresh one each, ``tenant`` fixture) rather than by cleaning up: every
# query is tenant-scoped anyway.

POSTGRES_ADMIN_URL = os.environ.get(
    "SOURCEDIFF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_required() -> bool:
    return os.environ.get("SOURCEDIFF_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("sqlite") / "sourcediff.db"
    return f"sqlite:///{path}"


@contextmanager
def _new_postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped on exit; skips
    (or fails, when required) if the server cannot be reached."""
    reason = postgres_unreachable(POSTGRES_ADMIN_URL)
    if reason is not None:
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {reason}"
        if _postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    with scratch_postgres(POSTGRES_ADMIN_URL, "sourcediff_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session."""
    with _new_postgres_database() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, migrated and empty, on each database
    (for tests about the whole database, such as the first start's key)."""
    if request.param == "sqlite":
        urls: AbstractContextManager[str] = nullcontext(f"sqlite:///{tmp_path / 'own.db'}")
    else:
        urls = _new_postgres_database()
    with urls as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of the test module's own, on each database (for
    tests that read across a whole tenant, such as search and stories)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "own.db"
        urls: AbstractContextManager[str] = nullcontext(f"sqlite:///{path}")
    else:
        urls = _new_postgres_database()
    with urls as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on each database."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def api(module_database_url: str) -> Iterator[TestClient]:
    """An app on a database of the test module's own (search, related
    articles, listings and pinned bodies read a whole tenant, which other
    modules fill too), fetching from 127.0.0.1 only (the tests' own origins)
    and with no background loops (a test polls or dispatches itself).
    Modules whose app needs other settings define their own ``api``."""
    settings = Settings(
        database_url=module_database_url, fetch_allow=["127.0.0.1"], background=False
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


# The API tests' fixtures: an app per test (``client``, made from ``settings``)
# and the RFC 9457 check (``problem``).
@pytest.fixture
def settings() -> Settings:
    # Explicit limits: init values win over any SOURCEDIFF_* in the environment.
    return Settings(max_body_bytes=1024 * 1024, max_text_chars=100_000)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def problem() -> ProblemCheck:
    return check_problem
