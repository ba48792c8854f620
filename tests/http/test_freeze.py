"""A server process freezes what it made at start out of the garbage
collector's reach (``create_app(freeze_at_start=True)``, the app
``service.main`` serves); an app made elsewhere leaves the collector alone.

Each case runs in a process of its own: a frozen object stays frozen for
the life of the process, which must not be the test run's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys
    from fastapi.testclient import TestClient
    from service.http import create_app
    from service.platform.config import Settings

    app = create_app(
        Settings(database_url=sys.argv[1], auth_disabled=True),
        freeze_at_start=sys.argv[2] == "freeze",
    )
    before = gc.get_freeze_count()
    with TestClient(app) as client:
        started = gc.get_freeze_count()
        # Objects a request makes are the collector's as ever.
        assert client.get("/healthz").status_code == 200
        garbage = []
        garbage.append(garbage)
        del garbage
        collected = gc.collect()
    print(json.dumps({"before": before, "started": started, "collected": collected}))
    """
)


@pytest.mark.parametrize("freeze", [True, False])
def test_the_server_app_freezes_what_it_made_at_start(tmp_path: Path, freeze: bool) -> None:
    url = f"sqlite:///{tmp_path / 'freeze.db'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, "freeze" if freeze else "leave"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    if freeze:
        # The modules, the app and its routes: well over 50,000 objects.
        assert counts["started"] > 50_000
    else:
        assert counts["started"] == 0
    assert counts["collected"] >= 1


def test_the_served_app_is_made_to_freeze() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from service.main import app; print(app.state.freeze_at_start)",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.strip().splitlines()[-1] == "True"
