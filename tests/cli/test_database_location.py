"""The database the command line finds (issue 21, item 2): the default is
``sourcediff.db`` in the user's data directory whatever the current
directory, and the commands that only read never create one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.platform.config import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "daily.txt"


def _run(args: list[str], cwd: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCEDIFF_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(data)  # platformdirs' user data directory on Linux
    return subprocess.run(
        [sys.executable, "-m", "service.cli.app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    one, two, data = tmp_path / "one", tmp_path / "two", tmp_path / "data"
    one.mkdir()
    two.mkdir()
    return one, two, data


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is the data directory on Linux")
def test_every_directory_finds_the_same_default_database(dirs: tuple[Path, Path, Path]) -> None:
    one, two, data = dirs
    url = "https://daily.example/2026/12/06/lanes"
    stored = _run(["ingest", str(EXAMPLE), "--outlet", "Daily", "--url", url], one, data)
    assert stored.returncode == 0, stored.stderr
    found = _run(["versions", url], two, data)
    assert found.returncode == 0, found.stderr
    assert "v1" in found.stdout
    assert (data / "sourcediff" / "sourcediff.db").exists()
    assert sorted(p.name for p in one.iterdir()) == []
    assert sorted(p.name for p in two.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is the data directory on Linux")
@pytest.mark.parametrize(
    "args", [["versions", "https://daily.example/x"], ["keys", "list"], ["db", "status"]]
)
def test_a_command_that_only_reads_creates_no_database(
    dirs: tuple[Path, Path, Path], args: list[str]
) -> None:
    one, _, data = dirs
    answer = _run(args, one, data)
    assert answer.returncode == 1
    where = data / "sourcediff" / "sourcediff.db"
    assert f"no database at {where}" in answer.stderr
    assert not data.exists() and list(one.iterdir()) == []


def test_the_default_url_is_in_the_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCEDIFF_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    url = Settings().database_url
    if sys.platform == "linux":
        assert url == "sqlite:////srv/data/sourcediff/sourcediff.db"
    assert url.startswith("sqlite:///") and url.endswith("sourcediff.db") and "./" not in url
