"""Fixtures of the command-line tests: a Typer runner, and a SQLite
database of the test's own named by ``SOURCEDIFF_DATABASE_URL``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file ``SOURCEDIFF_DATABASE_URL`` names (not created yet); the
    test runs in its directory."""
    path = tmp_path / "sourcediff.db"
    monkeypatch.setenv("SOURCEDIFF_DATABASE_URL", f"sqlite:///{path}")
    # Anything that ignored the variable would land here, not in the clone.
    monkeypatch.chdir(tmp_path)
    return path
