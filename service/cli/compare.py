"""``sourcediff compare`` and ``sourcediff check``: two articles compared, or
checked for coverage regressions, from files.

``compare LEFT RIGHT`` prints a coloured report (``service.cli.terminal``),
or with ``--json`` the body ``POST /v1/compare`` answers for the same sides
(the same ``CompareResponse``). ``check BASELINE CANDIDATE`` runs in-process
on two files, or against a service with ``--url`` (which can also check
stored articles); exit 0 passed, 1 regression, 2 bad input or an unusable
service. Its ``--json`` is the body of ``POST /v1/checks`` (the same
``CheckResponse``); ``--junit`` writes JUnit XML for CI systems
(``service.cli.junit``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from service.checks.schemas import CheckResponse
from service.cli.app import STDIN, fail, source_of, write_output
from service.cli.junit import junit_xml, render_check
from service.cli.terminal import render_report
from service.compare.schemas import CompareResponse
from service.compare.service import HtmlSource, Source, StoredSource, TextSource, compare_sides
from service.core.checks import DEFAULT_FAIL_ON, DEFAULT_PASSAGE_WORDS, Policy, parse_kinds
from service.core.checks import check as run_core_check
from service.platform.config import Settings
from service.platform.errors import SourcediffError
from sourcediff.client import Client, ProblemError

__all__ = ["check", "compare"]

ARTICLE_PREFIX = "article:"


def _wants_color(color: bool | None) -> bool:
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def compare(
    left: Annotated[str, typer.Argument(help="Left article: a file, or - for standard input.")],
    right: Annotated[str, typer.Argument(help="Right article: a file, or -.")],
    html: Annotated[
        bool, typer.Option("--html", help="Read both as HTML (.html/.htm files always are).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON of POST /v1/compare instead.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color",
            help="Colour the report (default: on a terminal, unless NO_COLOR is set).",
            show_default=False,
        ),
    ] = None,
    passages: Annotated[
        bool,
        typer.Option(
            "--passages/--no-passages",
            help="Align the texts sentence by sentence and report what each side alone has.",
        ),
    ] = True,
    semantic: Annotated[
        bool,
        typer.Option(
            "--semantic", help="Align passages by meaning too (needs the 'semantic' extra)."
        ),
    ] = False,
) -> None:
    """Compare the quotations (and passages) of two articles."""
    if left == right == STDIN:
        fail("only one of LEFT and RIGHT can be - (standard input)")
    left_source, right_source = source_of(left, html), source_of(right, html)
    try:
        comparison = compare_sides(
            left_source, right_source, Settings(), passages=passages, semantic=semantic
        )
    except SourcediffError as exc:
        fail(exc.detail)
    if as_json:
        body = CompareResponse.of(comparison, left_source, right_source)
        dumped = body.model_dump(mode="json", exclude_unset=True)
        typer.echo(json.dumps(dumped, ensure_ascii=False, indent=2))
        return
    use_color = _wants_color(color)
    report = render_report(comparison, left_name=left, right_name=right, color=use_color)
    typer.echo(report, color=use_color)


def _check_side(ref: str, html: bool, remote: bool) -> tuple[Source, dict[str, Any]]:
    """A check input: a file (or ``-``), or ``article:ID[@VERSION]`` (a
    stored article; only against a service)."""
    if ref.startswith(ARTICLE_PREFIX):
        if not remote:
            fail(f"{ref}: stored articles need a service (--url)")
        article_id, _, number = ref.removeprefix(ARTICLE_PREFIX).partition("@")
        if not article_id or (number and not number.isdigit()):
            fail(f"{ref}: expected article:ID or article:ID@VERSION")
        side: dict[str, Any] = {"article_id": article_id}
        if number:
            side["version"] = int(number)
        return StoredSource(article_id, int(number) if number else None), side
    source = source_of(ref, html)
    if isinstance(source, HtmlSource):
        return source, {"html": source.html}
    assert isinstance(source, TextSource)
    return source, {"text": source.text}


def _remote_check(
    url: str, api_key: str | None, body: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """The check run by the service at ``url``, with the integrations'
    client (``sourcediff.client``: retries on 429 and 503)."""
    try:
        with Client(url, api_key=api_key, timeout=timeout) as client:
            response = client.check(body["baseline"], body["candidate"], policy=body.get("policy"))
    except ProblemError as exc:
        fail(f"{url}: {exc.status}: {exc.detail or exc.title}")
    except httpx.HTTPError as exc:
        fail(f"{url}: {exc}")
    result: dict[str, Any] = response.model_dump(mode="json", by_alias=True)
    return result


def _local_check(left: Source, right: Source, policy: Policy) -> dict[str, Any]:
    """The check in-process: the body ``POST /v1/checks`` would answer."""
    try:
        comparison = compare_sides(left, right, Settings())
    except SourcediffError as exc:
        fail(exc.detail)
    result = CheckResponse.of(None, run_core_check(comparison, policy))
    return result.model_dump(mode="json", exclude_unset=True)


def check(
    baseline: Annotated[
        str, typer.Argument(help="The reference: a file, -, or article:ID[@VERSION] with --url.")
    ],
    candidate: Annotated[str, typer.Argument(help="What is checked against it, likewise.")],
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="A finding kind that fails the check (repeat, or comma-separate): "
            "dropped, reworded, partial, speaker, added, passage (or their full names), "
            "or a typed edit of a quote: trimmed, ellipsis, substituted, inserted, spliced, "
            "retranslated, case_punctuation_only. Default: dropped, reworded.",
            show_default=False,
        ),
    ] = None,
    min_passage_words: Annotated[
        int, typer.Option(min=1, help="Least words of a removed passage finding.")
    ] = DEFAULT_PASSAGE_WORDS,
    policy: Annotated[
        str | None, typer.Option(help="A policy saved on the service, by name (with --url).")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Check through this Sourcediff service instead of in-process."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(envvar="SOURCEDIFF_API_KEY", help="API key for --url.", show_default=False),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Read both files as HTML.")] = False,
    junit: Annotated[
        Path | None, typer.Option(help="Write the findings as JUnit XML to this file.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the check's JSON result to this file.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for --url.")] = 60.0,
) -> None:
    """Check CANDIDATE's coverage against BASELINE: fails when it dropped or
    reworded a quotation (or whatever --fail-on names).

    Exit status: 0 passed, 1 a regression, 2 bad input (a missing file, an
    unknown kind) or a service that refused or could not be reached.
    """
    if policy is not None and (url is None or fail_on):
        fail("--policy names a policy saved on a service: use it with --url, without --fail-on")
    kinds = [k for given in fail_on or () for k in given.split(",") if k.strip()]
    try:
        spec = parse_kinds(kinds) if kinds else DEFAULT_FAIL_ON
    except ValueError as exc:
        fail(str(exc))
    left, left_body = _check_side(baseline, html, url is not None)
    right, right_body = _check_side(candidate, html, url is not None)
    if url is not None:
        request: dict[str, Any] = {"baseline": left_body, "candidate": right_body}
        if policy is not None:
            request["policy"] = policy
        elif kinds or min_passage_words != DEFAULT_PASSAGE_WORDS:
            request["policy"] = {
                "fail_on": sorted(spec),
                "min_passage_words": min_passage_words,
            }
        body = _remote_check(url, api_key, request, timeout)
    else:
        body = _local_check(left, right, Policy(spec, min_passage_words))
    typer.echo(render_check(body, baseline, candidate), nl=False)
    if junit is not None:
        write_output(junit, junit_xml(body, baseline, candidate))
    if json_out is not None:
        write_output(json_out, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    raise typer.Exit(0 if body["passed"] else 1)
