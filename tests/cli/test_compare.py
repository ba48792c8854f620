"""The ``sourcediff`` command: reports, JSON equal to the API's, exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli.app import app
from service.http import create_app, openapi_json
from service.platform.config import Settings

ANSI = re.compile(r"\x1b\[[0-9;]*m")
WDIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")


@pytest.fixture
def api() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(max_body_bytes=1024 * 1024))) as client:
        yield client


def test_report_on_the_pair(runner: CliRunner, pair_paths: tuple[Path, Path]) -> None:
    left, right = map(str, pair_paths)
    result = runner.invoke(app, ["compare", left, right])

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not ANSI.search(out)  # not a terminal: no colours
    assert out.startswith(f"{left} ↔ {right}\n")
    assert re.search(r"^  \d+ match(es)?: .*identical", out, re.MULTILINE)
    legend = f"\nMatches ([-words-] only in {left}, {{+words+}} only in {right})\n"
    assert legend in out and f"\nOnly in left ({left})\n" in out
    assert "wild stories" in out
    assert "{+But+} Let me say this plainly" in out  # the reworded pair's diff, inline
    assert "— Dan Okafor" in out  # an omitted quote with its speaker ("Mr Okafor" in full)
    # Said by who has the word, not as "inserted (start, right)", which
    # reads as if the right outlet had inserted it (issue 20, finding 2).
    assert f"    edits: only {right} has, at the start: “But”\n" in out
    # The right's "frightening" is in the left, unquoted.
    assert "echoed unquoted in left: The union's claims were designed to frighten" in out
    # What one outlet alone reports: the island council's passage is only in the left.
    only_left = out.split(f"\nPassages only in left ({left})\n")[1].split("\nPassages only")[0]
    assert "    Gull Island's council withdrew its support" in only_left
    assert re.search(r"^  offsets \d+–\d+, \d+ words$", only_left, re.MULTILINE)


def test_report_without_passages(runner: CliRunner, pair_paths: tuple[Path, Path]) -> None:
    with_them = runner.invoke(app, ["compare", *map(str, pair_paths)]).stdout
    result = runner.invoke(app, ["compare", *map(str, pair_paths), "--no-passages"])
    assert result.exit_code == 0, result.output
    assert "Passages only" in with_them and "Passages only" not in result.stdout
    assert with_them.startswith(result.stdout)  # the quotes' part is the same
    refused = runner.invoke(app, ["compare", *map(str, pair_paths), "--no-passages", "--semantic"])
    assert refused.exit_code != 0 and "passages" in refused.output


def test_colours(runner: CliRunner, pair_paths: tuple[Path, Path]) -> None:
    left, right = map(str, pair_paths)
    coloured = runner.invoke(app, ["compare", left, right, "--color"]).stdout
    plain = runner.invoke(app, ["compare", left, right, "--no-color"]).stdout
    assert "\x1b[32m\x1b[4mBut\x1b[0m Let me" in coloured  # insertion in green
    assert not ANSI.search(plain)
    # The same report, but for how changes are marked.
    assert ANSI.sub("", coloured) == WDIFF.sub(r"\1\2", plain)


def test_no_color_environment(runner: CliRunner, pair_paths: tuple[Path, Path]) -> None:
    left, right = map(str, pair_paths)
    result = runner.invoke(app, ["compare", left, right], env={"NO_COLOR": "1"})
    assert result.exit_code == 0 and not ANSI.search(result.stdout)


def test_json_is_the_api_response(
    runner: CliRunner, api: TestClient, pair_paths: tuple[Path, Path], pair_texts: tuple[str, str]
) -> None:
    result = runner.invoke(app, ["compare", *map(str, pair_paths), "--json"])
    assert result.exit_code == 0
    body = {"left": {"text": pair_texts[0]}, "right": {"text": pair_texts[1]}}
    assert json.loads(result.stdout) == api.post("/v1/compare", json=body).json()
    quotes_only = runner.invoke(app, ["compare", *map(str, pair_paths), "--json", "--no-passages"])
    expected = api.post("/v1/compare", json={**body, "passages": False}).json()
    assert json.loads(quotes_only.stdout) == expected and "passages" not in expected


def test_html_files_are_read_as_html(runner: CliRunner, api: TestClient, tmp_path: Path) -> None:
    page = "<html><body><p onclick='x()'>She said: “We will not export them.”</p></body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    (tmp_path / "plain.txt").write_text('"We will not export them," he said.', encoding="utf-8")

    detected = runner.invoke(
        app, ["compare", str(tmp_path / "plain.txt"), str(tmp_path / "page.html"), "--json"]
    )
    forced = runner.invoke(
        app, ["compare", str(tmp_path / "page.txt"), str(tmp_path / "page.txt"), "--html", "--json"]
    )

    assert detected.exit_code == 0 and forced.exit_code == 0
    body = {"left": {"text": '"We will not export them," he said.'}, "right": {"html": page}}
    assert json.loads(detected.stdout) == api.post("/v1/compare", json=body).json()
    forced_body = json.loads(forced.stdout)
    assert (
        forced_body["left"]["text"]
        == forced_body["right"]["text"]
        == "She said: “We will not export them.”"
    )


def test_stdin(
    runner: CliRunner, pair_paths: tuple[Path, Path], pair_texts: tuple[str, str]
) -> None:
    from_file = runner.invoke(app, ["compare", *map(str, pair_paths), "--json"])
    from_stdin = runner.invoke(
        app, ["compare", "-", str(pair_paths[1]), "--json"], input=pair_texts[0]
    )
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda d: d / "missing.txt", "no such file", id="missing"),
        pytest.param(lambda d: d, "cannot read", id="directory"),
        pytest.param(lambda d: d / "latin1.txt", "not UTF-8 text", id="not-utf8"),
        pytest.param(lambda d: d / "empty.txt", "left text is empty", id="empty"),
        pytest.param(
            lambda d: d / "script.html", "left HTML has no article text", id="no-html-text"
        ),
    ],
)
def test_bad_input_exits_2(
    runner: CliRunner, tmp_path: Path, pair_paths: tuple[Path, Path], make, message: str
) -> None:
    (tmp_path / "latin1.txt").write_bytes("“Café,” he said.".encode("cp1252"))
    (tmp_path / "empty.txt").write_text(" \n")
    (tmp_path / "script.html").write_text("<script>alert('“x”')</script>")

    result = runner.invoke(app, ["compare", str(make(tmp_path)), str(pair_paths[1])])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sourcediff: ") and message in result.stderr


def test_both_from_stdin_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare", "-", "-"], input="x")
    assert result.exit_code == 2 and "standard input" in result.stderr


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["compare", "only-one"]).exit_code == 2
    assert runner.invoke(app, ["compare", "a", "b", "--bogus"]).exit_code == 2


def test_openapi_command(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert runner.invoke(app, ["openapi", "--output", str(target)]).exit_code == 0
    expected = openapi_json(create_app())
    assert target.read_text("utf-8") == expected
    assert runner.invoke(app, ["openapi"]).stdout == expected
