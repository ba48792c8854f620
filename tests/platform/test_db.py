"""What every SQLite connection of ``make_engine`` is set to: read through a
memory map of the configured size (``SOURCEDIFF_SQLITE_MMAP_BYTES``), as
the server's engine and the commands' are."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.http import create_app
from service.platform.config import SQLITE_MMAP_BYTES, Settings
from service.platform.db import make_engine


def _mmap_size(engine: Engine) -> int:
    with engine.connect() as connection:
        size = connection.execute(text("PRAGMA mmap_size")).scalar()
    assert isinstance(size, int)
    return size


@pytest.mark.parametrize("asked", [0, 1 << 20, 8 << 20])
def test_each_connection_maps_what_it_is_given(tmp_path: Path, asked: int) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'mapped.db'}", sqlite_mmap_bytes=asked)
    try:
        assert _mmap_size(engine) == asked
    finally:
        engine.dispose()


def test_by_default_sqlite_maps_up_to_its_own_limit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'default.db'}")
    try:
        # SQLite caps the default (4 GiB) at its build's limit, never at 0.
        assert 0 < _mmap_size(engine) <= SQLITE_MMAP_BYTES
    finally:
        engine.dispose()


def test_the_servers_engine_takes_the_setting(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'served.db'}",
        sqlite_mmap_bytes=3 << 20,
        auth_disabled=True,
    )
    with TestClient(create_app(settings)) as client:
        assert _mmap_size(client.app.state.engine) == 3 << 20  # type: ignore[attr-defined]


def test_the_setting_is_bounded() -> None:
    with pytest.raises(ValueError, match="sqlite_mmap_bytes"):
        Settings(sqlite_mmap_bytes=-1)
