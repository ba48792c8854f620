"""The command line's own finish (issue 21, item 5): a version, help without
type placeholders on flags, and the exit statuses listed."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.cli.junit import junit_xml, render_check


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"sourcediff {version('sourcediff')}\n"


@pytest.mark.parametrize(
    "args",
    [[], ["compare"], ["check"], ["ingest"], ["versions"], ["serve"], ["keys"], ["db", "status"]],
)
def test_help_puts_no_type_beside_a_flag(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout and "╭" not in result.stdout
    assert "--help  " in result.stdout or "--help " in result.stdout


def test_the_exit_statuses_are_in_the_help() -> None:
    text = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())
    assert "Exit status: 0 on success" in text and "1 when a check finds a regression" in text
    assert "2 on bad usage" in text


def test_one_finding_is_one_finding() -> None:
    body = {
        "passed": False,
        "policy": {"name": None, "fail_on": ["dropped_quote"]},
        "summary": {"findings": 1, "failures": 1},
        "findings": [
            {
                "kind": "dropped_quote",
                "fails": True,
                "message": "quote dropped: “Yes,”",
                "baseline": {"start": 1, "end": 5, "text": "Yes,", "quote_id": "L1"},
                "candidate": None,
            }
        ],
    }
    report = render_check(body, "a.txt", "b.txt")
    assert "1 finding, 1 failing" in report and "1 findings" not in report
    assert 'message="1 failing finding"' in junit_xml(body, "a.txt", "b.txt")
