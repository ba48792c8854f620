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


# NewsML-G2, told apart by its content -------------------------------------

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "examples" / "item.xml"
GUID = "urn:newsml:wire.example:20261208:libraries-vote"


@pytest.mark.usefixtures("database")
def test_the_readme_example_item_is_ingested(runner: CliRunner) -> None:
    # README: `sourcediff ingest examples/item.xml`, then `versions` by its guid.
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    assert ".venv/bin/sourcediff ingest examples/item.xml" in readme
    result = runner.invoke(app, ["ingest", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert CREATED.match(result.stdout.strip())
    listed = runner.invoke(app, ["versions", GUID, "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert row["headline"] == "Council delays vote on library closures"
    again = runner.invoke(app, ["ingest", str(EXAMPLE), "--outlet", "Example Wire"])
    assert again.stdout.startswith("unchanged v1 ")


def _message(*items: tuple[str, str]) -> str:
    body = "".join(
        f'<newsItem guid="{guid}" version="1"><itemMeta><itemClass qcode="ninat:text"/>'
        '<provider literal="Wire"/><versionCreated>2026-03-02T10:00:00Z</versionCreated>'
        '</itemMeta><contentSet><inlineData contenttype="text/plain">'
        f"{text}</inlineData></contentSet></newsItem>"
        for guid, text in items
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">'
        f"<header><sent>2026-03-02T11:00:00Z</sent></header><itemSet>{body}</itemSet>"
        "</newsMessage>"
    )


@pytest.mark.usefixtures("database")
def test_a_message_by_its_content_stores_each_item(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "delivery.txt"  # no .xml: the content tells
    path.write_text(_message(("urn:w:1", TEXT), ("urn:w:2", "“Soon,” he said.")), "utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(CREATED.match(line) for line in lines)
    listed = runner.invoke(app, ["versions", "urn:w:2", "--json"])
    assert listed.exit_code == 0  # the declared ISO-8859-1 was read as the UTF-8 it is
    stdin = runner.invoke(app, ["ingest", "-"], input=_message(("urn:w:1", TEXT)))
    assert stdin.exit_code == 0 and stdin.stdout.startswith("unchanged v1 ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://x.example/1"], "identified by its guid"),
        ([], "NewsML-G2: newsItem urn:w:1 has no text"),
    ],
    ids=["url-given", "no-text"],
)
@pytest.mark.usefixtures("database")
def test_refused_newsml_exits_2(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "item.xml"
    text = TEXT if args else ""
    path.write_text(_message(("urn:w:1", text)), "utf-8")
    result = runner.invoke(app, ["ingest", str(path), *args])
    assert result.exit_code == 2 and message in result.stderr, result.output
