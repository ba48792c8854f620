"""A regression check's result for people and for CI systems
(``sourcediff check``).

The plain-text report gives the verdict, then one line per finding (failing
ones marked ``FAIL``) with its offsets in both texts. The JUnit XML, which
GitHub Actions, GitLab CI and Jenkins show as test results, has one test
case per finding (a ``<failure>`` when the policy fails on it) and one for
the check as a whole, so that a clean check still shows as one passing test.

Both read the check's JSON body (``CheckResponse``, from ``POST /v1/checks``
or computed in-process); ``baseline`` and ``candidate`` name the inputs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["junit_xml", "render_check"]


def _where(span: dict[str, Any] | None) -> str:
    if span is None:
        return "—"
    label = f"{span['quote_id']} " if span.get("quote_id") else ""
    return f"{label}{span['start']}–{span['end']}"


def _noun(n: int, word: str = "finding") -> str:
    return word if n == 1 else f"{word}s"


def _count(n: int, word: str) -> str:
    """``1 finding``, ``2 findings``: never "1 findings"."""
    return f"{n} {_noun(n, word)}"


def render_check(body: dict[str, Any], baseline: str, candidate: str) -> str:
    summary = body["summary"]
    policy = body["policy"]
    verdict = "PASSED" if body["passed"] else "FAILED"
    lines = [
        f"{verdict}: {candidate} against {baseline}",
        f"policy {policy.get('name') or '(inline)'}: fails on {', '.join(policy['fail_on'])}",
        f"{_count(summary['findings'], 'finding')}, {summary['failures']} failing",
    ]
    for f in body["findings"]:
        mark = "FAIL" if f["fails"] else "info"
        lines.append(
            f"  {mark:4}  {f['kind']:16} baseline {_where(f['baseline']):>14}  "
            f"candidate {_where(f['candidate']):>14}  {f['message']}"
        )
    return "\n".join(lines) + "\n"


def junit_xml(body: dict[str, Any], baseline: str, candidate: str) -> str:
    findings = body["findings"]
    failures = sum(f["fails"] for f in findings) + (0 if body["passed"] else 1)
    suite = ET.Element(
        "testsuite",
        name="sourcediff check",
        tests=str(len(findings) + 1),
        failures=str(failures),
        errors="0",
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (("baseline", baseline), ("candidate", candidate)):
        ET.SubElement(props, "property", name=name, value=value)
    overall = ET.SubElement(suite, "testcase", classname="sourcediff", name="coverage check")
    if not body["passed"]:
        ET.SubElement(
            overall,
            "failure",
            message=f"{body['summary']['failures']} failing {_noun(body['summary']['failures'])}",
        ).text = render_check(body, baseline, candidate)
    for n, f in enumerate(findings, 1):
        where = f["baseline"] or f["candidate"]
        name = f"{n:03} {f['kind']} {where.get('quote_id') or where['start']}"
        case = ET.SubElement(suite, "testcase", classname=f"sourcediff.{f['kind']}", name=name)
        detail = "\n".join(
            (
                f["message"],
                f"baseline: {_where(f['baseline'])}",
                f"candidate: {_where(f['candidate'])}",
            )
        )
        if f["fails"]:
            ET.SubElement(case, "failure", message=f["message"], type=f["kind"]).text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
