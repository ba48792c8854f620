"""``sourcediff ingest`` on the news formats newsroom systems emit (issue 17):
ninjs as a CMS writes it. Each test gets its own SQLite file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli.app import app

CREATED = re.compile(r"^created v(\d+) ([0-9a-f]{32})$")
TEXT = '"We will rebuild the bridge," the mayor said.'


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sourcediff.db"
    monkeypatch.setenv("SOURCEDIFF_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.chdir(tmp_path)
    return path


@pytest.mark.usefixtures("database")
def test_a_cms_ninjs_item_is_identified_by_its_guid(runner: CliRunner, tmp_path: Path) -> None:
    item = {
        "guid": "tag:cms.example,2026:bridge",
        "type": "text",
        "headline": "Bridge",
        "body_html": f"<p>{TEXT}</p>",
        "associations": {"featuremedia": {"guid": "tag:cms.example,2026:img"}},
        "extra": {"anything": [1, 2]},
        "copyrightholder": "Riverton Herald",
    }
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert CREATED.match(result.stdout.strip())
    listed = runner.invoke(app, ["versions", item["guid"]])
    assert listed.exit_code == 0 and "Riverton Herald" in listed.stdout
