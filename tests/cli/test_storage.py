"""The storage commands: ``ingest``, ``versions``, ``db upgrade``, ``db status``.

Each test gets its own SQLite file through ``SOURCEDIFF_DATABASE_URL``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli.app import app
from service.core import fingerprint
from service.http import create_app
from service.platform.config import Settings
from service.platform.html import html_to_text
from tests.databases import scratch_postgres
from tests.fixtures import FIXTURES

URL = "https://example.com/news/1"
WIN = '"We will win," she said.\n'
SURELY = '"We will surely win," she said.\n'
PAGE = "<html><body><p>“We will not export them,” she said.</p></body></html>"
CREATED = re.compile(r"^created v(\d+) ([0-9a-f]{32})$")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "win.txt").write_text(WIN, encoding="utf-8")
    (tmp_path / "win-rewrapped.txt").write_text(WIN.replace(" ", "\n", 1), encoding="utf-8")
    (tmp_path / "surely.txt").write_text(SURELY, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text(" \n", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"id": 1, "text": "x"}', encoding="utf-8")
    return tmp_path


@pytest.fixture
def empty_postgres(postgres_url: str) -> Iterator[str]:
    """A database of its own on the tests' PostgreSQL server, never migrated
    (``postgres_url`` skips, or fails in CI, when there is no server)."""
    with scratch_postgres(postgres_url, "sourcediff_cli") as url:
        yield url


def ingest(runner: CliRunner, *args: str, input: str | None = None) -> list[str]:
    result = runner.invoke(app, ["ingest", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def listing(runner: CliRunner, url: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["versions", url, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.usefixtures("database")
def test_unchanged_text_is_not_a_new_version(runner: CliRunner, files: Path) -> None:
    first = ingest(runner, str(files / "win.txt"), "--outlet", "Daily", "--url", URL)
    match = CREATED.match(first[0])
    assert match is not None and match[1] == "1"
    article_id = match[2]

    # Other line wrapping is the same text.
    again = ingest(runner, str(files / "win-rewrapped.txt"), "--outlet", "Daily", "--url", URL)
    changed = ingest(runner, str(files / "surely.txt"), "--outlet", "Daily", "--url", URL)

    assert again == [f"unchanged v1 {article_id}"]
    assert changed == [f"created v2 {article_id}"]


@pytest.mark.usefixtures("database")
def test_several_files_are_successive_versions(runner: CliRunner, files: Path) -> None:
    paths = [str(files / name) for name in ("win.txt", "surely.txt", "surely.txt", "win.txt")]
    lines = ingest(runner, *paths, "--outlet", "Daily", "--url", URL, "--title", "Win")

    article_id = lines[0].rsplit(" ", 1)[1]
    assert lines == [
        f"created v1 {article_id}",
        f"created v2 {article_id}",
        f"unchanged v2 {article_id}",
        f"created v3 {article_id}",  # a revert is news
    ]
    rows = listing(runner, URL)
    assert [r["content_hash"] for r in rows] == [fingerprint(t) for t in (WIN, SURELY, WIN)]
    assert {r["headline"] for r in rows} == {"Win"}


@pytest.mark.usefixtures("database")
def test_external_id_identifies_the_article(runner: CliRunner, files: Path) -> None:
    first = ingest(runner, str(files / "win.txt"), "--outlet", "Daily", "--external-id", "A1")
    second = ingest(runner, str(files / "surely.txt"), "--outlet", "Daily", "--external-id", "A1")
    other = ingest(runner, str(files / "win.txt"), "--outlet", "Weekly", "--external-id", "A1")

    article_id = first[0].rsplit(" ", 1)[1]
    assert second == [f"created v2 {article_id}"]
    assert other[0].startswith("created v1 ") and not other[0].endswith(article_id)


@pytest.mark.usefixtures("database")
def test_html_file_is_stored_as_its_text(runner: CliRunner, files: Path) -> None:
    ingest(runner, str(files / "page.html"), "--outlet", "Daily", "--url", URL)

    (row,) = listing(runner, URL)
    text = html_to_text(PAGE)
    assert row["content_hash"] == fingerprint(text)
    assert row["words"] == len(text.split()) == 7


@pytest.mark.usefixtures("database")
def test_standard_input(runner: CliRunner) -> None:
    lines = ingest(runner, "-", "--outlet", "Daily", "--url", URL, input=WIN)
    assert CREATED.match(lines[0])
    assert listing(runner, URL)[0]["content_hash"] == fingerprint(WIN)


@pytest.mark.usefixtures("database")
def test_ninjs_item_is_identified_by_its_uri(runner: CliRunner) -> None:
    path = FIXTURES / "ninjs-html.json"
    uri = json.loads(path.read_text("utf-8"))["uri"]

    first = ingest(runner, str(path))
    again = ingest(runner, str(path), "--outlet", "Beispiel-Agentur")
    listed = runner.invoke(app, ["versions", uri])

    assert CREATED.match(first[0])
    assert again == [first[0].replace("created", "unchanged")]
    assert listed.exit_code == 0
    # The outlet is the item's copyright holder.
    assert f"{first[0].rsplit(' ', 1)[1]} · Beispiel-Agentur" in listed.stdout


@pytest.mark.usefixtures("database")
def test_versions_listing(runner: CliRunner, files: Path) -> None:
    ingest(runner, str(files / "win.txt"), "--outlet", "Daily", "--url", URL, "--title", "Win")
    ingest(runner, str(files / "surely.txt"), "--outlet", "Daily", "--url", URL)

    text = runner.invoke(app, ["versions", URL])
    rows = listing(runner, URL)

    assert text.exit_code == 0
    header, columns, *lines = text.stdout.splitlines()[1:]
    assert header.startswith("  article ") and header.endswith(" · Daily")
    assert columns.split() == ["version", "fetched", "(UTC)", "hash", "words", "title"]
    assert re.fullmatch(
        rf"  v1 +\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d +{fingerprint(WIN)[:12]} +5  Win", lines[0]
    )
    assert re.fullmatch(rf"  v2 +\S+ \S+ +{fingerprint(SURELY)[:12]} +6  —", lines[1])
    # The items of GET /v1/articles/{id}/versions (VersionSummary).
    assert [list(r) for r in rows] == [
        [
            "version",
            "fetched_at",
            "published_at",
            "updated_at",
            "headline",
            "content_hash",
            "words",
        ]
    ] * 2
    assert [(r["version"], r["words"], r["headline"]) for r in rows] == [
        (1, 5, "Win"),
        (2, 6, None),
    ]
    assert str(rows[0]["fetched_at"]).endswith("Z")


def test_versions_json_is_the_api_listing(runner: CliRunner, files: Path, database: Path) -> None:
    """``versions --json`` prints what ``GET /v1/articles/{id}/versions``
    answers: the same schema, the same word count."""
    # A zero-width space joins two words for the API (str.split), which
    # the CLI's own count (tokenize) used to split.
    joined = files / "joined.txt"
    joined.write_text('He said\u200btwice: "we will win."\n', encoding="utf-8")
    lines = ingest(runner, str(joined), str(files / "surely.txt"), "--outlet", "D", "--url", URL)
    article_id = lines[0].rsplit(" ", 1)[1]

    settings = Settings(database_url=f"sqlite:///{database}")
    with TestClient(create_app(settings)) as api:
        items = api.get(f"/v1/articles/{article_id}/versions").json()["items"]
    assert listing(runner, URL) == items
    assert items[0]["words"] == 5


@pytest.mark.usefixtures("database")
def test_versions_of_an_unknown_url_exits_1(runner: CliRunner, database: Path) -> None:
    # No database yet: it says where it looked, and creates none.
    nothing = runner.invoke(app, ["versions", URL])
    assert nothing.exit_code == 1 and f"no database at {database}" in nothing.stderr
    assert not database.exists()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["versions", URL])
    assert result.exit_code == 1
    assert result.stdout == "" and f"no article has the URL {URL}" in result.stderr


def test_db_upgrade_and_status(runner: CliRunner, database: Path, tmp_path: Path) -> None:
    behind = runner.invoke(app, ["db", "status"])
    upgraded = runner.invoke(app, ["db", "upgrade"])
    again = runner.invoke(app, ["db", "upgrade"])
    current = runner.invoke(app, ["db", "status"])

    # No file yet: status says so (and creates none), upgrade creates it.
    assert behind.exit_code == 1 and "sourcediff db upgrade" in behind.stderr
    assert f"no database at {database}" in behind.stderr and behind.stdout == ""
    head = re.fullmatch(r"revision none → (\S+) \(upgraded\)\n", upgraded.stdout)
    assert upgraded.exit_code == 0 and head is not None
    assert again.stdout == f"revision {head[1]} → {head[1]} (already at head)\n"
    assert current.exit_code == 0 and current.stdout == f"current {head[1]}\nhead    {head[1]}\n"

    # --database-url wins over the environment.
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert runner.invoke(app, ["db", "status", "--database-url", other]).exit_code == 1
    assert runner.invoke(app, ["db", "upgrade", "--database-url", other]).exit_code == 0
    assert runner.invoke(app, ["db", "status", "--database-url", other]).exit_code == 0


@pytest.mark.usefixtures("database")
def test_postgres_is_only_migrated_on_request(
    runner: CliRunner, files: Path, empty_postgres: str
) -> None:
    store = ["ingest", "win.txt", "--outlet", "D", "--url", URL, "--database-url", empty_postgres]

    refused = runner.invoke(app, store)
    behind = runner.invoke(app, ["db", "status", "--database-url", empty_postgres])
    upgraded = runner.invoke(app, ["db", "upgrade", "--database-url", empty_postgres])
    stored = runner.invoke(app, store)
    listed = runner.invoke(app, ["versions", URL, "--json", "--database-url", empty_postgres])

    assert refused.exit_code == 1 and "run `sourcediff db upgrade`" in refused.stderr
    assert behind.exit_code == 1 and behind.stdout.startswith("current none\n")
    assert upgraded.exit_code == 0 and "(upgraded)" in upgraded.stdout
    assert stored.exit_code == 0 and CREATED.match(stored.stdout.strip())
    assert [row["version"] for row in json.loads(listed.stdout)] == [1]
    # The SQLite default was left alone.
    assert runner.invoke(app, ["versions", URL]).exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.txt", "--outlet", "D", "--url", URL], "no such file", id="missing"),
        pytest.param(["win.txt", "--url", URL], "needs --outlet", id="no-outlet"),
        pytest.param(["win.txt", "--outlet", "D"], "--url (or --external-id)", id="no-identity"),
        pytest.param(
            ["win.txt", "--outlet", "D", "--url", URL, "--external-id", "A1"],
            "not both",
            id="url-and-external-id",
        ),
        pytest.param(["other.json"], "not a ninjs news item", id="not-ninjs"),
        pytest.param(["page.html", "--outlet", "D", "--url", URL, "-", "-"], "once", id="stdin"),
        pytest.param(["empty.txt", "--outlet", "D", "--url", URL], "text is empty", id="empty"),
    ],
)
@pytest.mark.usefixtures("database")
def test_bad_input_exits_2(runner: CliRunner, files: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["ingest", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("sourcediff: ") and message in result.stderr


@pytest.mark.usefixtures("database")
def test_nothing_is_stored_when_a_later_file_is_missing(runner: CliRunner, files: Path) -> None:
    result = runner.invoke(app, ["ingest", "win.txt", "missing.txt", "--outlet", "D", "--url", URL])
    assert result.exit_code == 2 and "missing.txt: no such file" in result.stderr
    assert result.stdout == ""
    assert runner.invoke(app, ["versions", URL]).exit_code == 1


def test_console_commands_for_real(tmp_path: Path, files: Path) -> None:
    env = {**os.environ, "SOURCEDIFF_DATABASE_URL": f"sqlite:///{tmp_path / 'real.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "service.cli.app", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ingested = run("ingest", "win.txt", "surely.txt", "--outlet", "Daily", "--url", URL)
    listed = run("versions", URL, "--json")
    status = run("db", "status")

    assert ingested.returncode == 0, ingested.stderr
    assert [line.split()[:2] for line in ingested.stdout.splitlines()] == [
        ["created", "v1"],
        ["created", "v2"],
    ]
    assert listed.returncode == 0, listed.stderr
    assert [row["version"] for row in json.loads(listed.stdout)] == [1, 2]
    assert status.returncode == 0, status.stderr
