"""``sourcediff check``: in-process and against a real service; exit codes,
reports, JUnit XML and JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from service.cli.app import app
from tests.serving import Server

BASE = (
    '"We have never exported weapons to Russia," the vice director said.\n\n'
    'He called the reports "reckless remarks".\n\n'
    '"The United States should keep its mouth shut," said Kim Yo Jong.\n'
)
DROPPED = BASE.replace('He called the reports "reckless remarks".\n\n', "")
TRIMMED = BASE.replace("The United States should keep its mouth shut", "keep its mouth shut")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, text in (("base", BASE), ("dropped", DROPPED), ("trimmed", TRIMMED)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, "utf-8")
        paths[name] = str(path)
    return paths


def test_passes_with_exit_0(runner: CliRunner, files: dict[str, str]) -> None:
    result = runner.invoke(app, ["check", files["base"], files["base"]])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PASSED")


def test_a_dropped_quote_is_a_regression_with_exit_1(
    runner: CliRunner, files: dict[str, str], tmp_path: Path
) -> None:
    junit, out = tmp_path / "junit.xml", tmp_path / "check.json"
    result = runner.invoke(
        app,
        ["check", files["base"], files["dropped"], "--junit", str(junit), "--json", str(out)],
    )
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("FAILED")
    assert "FAIL  dropped_quote" in result.stdout and "reckless remarks" in result.stdout

    body = json.loads(out.read_text("utf-8"))
    assert body["passed"] is False and body["summary"]["dropped_quote"] == 1
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert cases[0].get("name") == "coverage check"
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "dropped_quote"


def test_fail_on_chooses_what_fails(runner: CliRunner, files: dict[str, str]) -> None:
    assert runner.invoke(app, ["check", files["base"], files["trimmed"]]).exit_code == 0
    stricter = runner.invoke(
        app, ["check", files["base"], files["trimmed"], "--fail-on", "partial"]
    )
    assert stricter.exit_code == 1, stricter.output
    both = runner.invoke(
        app, ["check", files["base"], files["trimmed"], "--fail-on", "dropped,partial"]
    )
    assert both.exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt", "{base}"], "missing.txt: no such file"),
        (["{base}", "{base}", "--fail-on", "moved"], "unknown finding kind or edit type 'moved'"),
        (["{base}", "article:abc"], "stored articles need a service"),
        (["{base}", "{base}", "--policy", "strict"], "--policy names a policy saved"),
    ],
)
def test_bad_input_exits_2(
    runner: CliRunner, files: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["check", *(a.format(**files) for a in args)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("check") / "check.db"
    with Server(f"sqlite:///{path}", env={"SOURCEDIFF_AUTH_DISABLED": "1"}) as server:
        yield server


def test_against_a_service_with_stored_articles_and_a_saved_policy(
    runner: CliRunner, files: dict[str, str], service: Server
) -> None:
    url = "https://daily.example/check-cli"
    ids = []
    for text in (BASE, TRIMMED):
        stored = httpx.post(
            f"{service.url}/v1/articles", json={"outlet": "Daily", "url": url, "text": text}
        )
        ids.append(stored.json()["id"])
    ref = f"article:{ids[0]}"
    lenient = runner.invoke(app, ["check", f"{ref}@1", f"{ref}@2", "--url", service.url])
    assert lenient.exit_code == 0, lenient.output

    saved = httpx.put(
        f"{service.url}/v1/policies/strict", json={"fail_on": ["partial_quote", "dropped_quote"]}
    )
    assert saved.status_code in (200, 201), saved.text
    strict = runner.invoke(
        app, ["check", f"{ref}@1", f"{ref}@2", "--url", service.url, "--policy", "strict"]
    )
    assert strict.exit_code == 1, strict.output
    assert "policy strict" in strict.stdout

    # Files go to the service as texts, with the same answer as in-process.
    remote = runner.invoke(app, ["check", files["base"], files["dropped"], "--url", service.url])
    local = runner.invoke(app, ["check", files["base"], files["dropped"]])
    assert remote.exit_code == local.exit_code == 1
    assert remote.stdout == local.stdout

    unknown = runner.invoke(app, ["check", f"{ref}@1", "article:nope", "--url", service.url])
    assert unknown.exit_code == 2 and "404" in unknown.stderr
    down = runner.invoke(
        app, ["check", files["base"], files["base"], "--url", "http://127.0.0.1:9"]
    )
    assert down.exit_code == 2
