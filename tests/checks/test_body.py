"""The ``POST /v1/checks`` body of a check, as ``CheckResponse`` writes it
(dumped as the route does): counts, findings in baseline order, the policy.
What the check finds is asserted on the core's results in tests/core."""

from __future__ import annotations

from service.checks.schemas import CheckResponse
from service.core import compare_texts
from service.core.checks import Policy, check
from tests.core.test_checks import BASE


def test_the_body_counts_and_orders_findings() -> None:
    candidate = BASE.replace("never exported weapons", "never exported arms").replace(
        'He called the reports "reckless remarks". ', ""
    )
    result = check(compare_texts(BASE, candidate), Policy())
    body = CheckResponse.of(None, result).model_dump(mode="json")
    assert body["summary"]["failures"] == 2 and body["summary"]["dropped_quote"] == 1
    starts = [f["baseline"]["start"] for f in body["findings"]]
    assert starts == sorted(starts)
    assert body["policy"] == {
        "name": None,
        "fail_on": ["dropped_quote", "reworded_quote"],
        "min_passage_words": 30,
    }
