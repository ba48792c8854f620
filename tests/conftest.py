"""Fixtures for every test: the shared corpus beside the repository.

CI and developers keep ``shared/`` next to the clone (``../shared``), so it
is found relative to the repository root, never the working directory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _scratch_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes ./sourcediff.db: the default database (what an app
    built without an explicit ``database_url`` opens, servers started by the
    tests included) is a scratch SQLite file."""
    previous = os.environ.get("SOURCEDIFF_DATABASE_URL")
    path = tmp_path_factory.mktemp("default-db") / "sourcediff.db"
    os.environ["SOURCEDIFF_DATABASE_URL"] = f"sqlite:///{path}"
    yield
    if previous is None:
        del os.environ["SOURCEDIFF_DATABASE_URL"]
    else:
        os.environ["SOURCEDIFF_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = REPO_ROOT.parent / "shared"
    if not (path / "corpus").is_dir():
        pytest.fail(f"shared data not found at {path}: put shared/ beside the repository")
    return path


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
