"""Checks and saved policies over HTTP, on SQLite and PostgreSQL (in
process; the end-to-end flows are in ``tests/web/test_e2e.py``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.problems import ProblemCheck

BASE = (
    '"We have never sold tractors to Norway and we will not plan to sell them," '
    'the depot manager said. He called the reports "careless claims".'
)
TRIMMED = BASE.replace(" and we will not plan to sell them", "")


def check(
    api: TestClient, baseline: dict[str, Any], candidate: dict[str, Any], **extra: Any
) -> Any:
    response = api.post("/v1/checks", json={"baseline": baseline, "candidate": candidate, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_inline_check_with_the_default_and_an_inline_policy(api: TestClient) -> None:
    default = check(api, {"text": BASE}, {"text": TRIMMED})
    assert default["passed"] is True
    assert default["policy"] == {
        "name": None,
        "fail_on": ["dropped_quote", "reworded_quote"],
        "min_passage_words": 30,
    }
    assert [f["kind"] for f in default["findings"]] == ["partial_quote"]
    finding = default["findings"][0]
    assert (
        BASE[finding["baseline"]["start"] : finding["baseline"]["end"]]
        == (finding["baseline"]["text"])
    )
    assert (
        TRIMMED[finding["candidate"]["start"] : finding["candidate"]["end"]]
        == (finding["candidate"]["text"])
    )
    strict = check(api, {"text": BASE}, {"text": TRIMMED}, policy={"fail_on": ["partial_quote"]})
    assert strict["passed"] is False and strict["summary"]["failures"] == 1


def test_saved_policies_by_name_and_as_a_storys_default(
    api: TestClient, problem: ProblemCheck
) -> None:
    created = api.put("/v1/policies/strict", json={"fail_on": ["partial_quote"]})
    assert created.status_code == 201, created.text
    replaced = api.put("/v1/policies/strict", json={"fail_on": ["partial_quote", "dropped_quote"]})
    assert replaced.status_code == 200
    assert replaced.json()["fail_on"] == ["dropped_quote", "partial_quote"]
    assert [p["name"] for p in api.get("/v1/policies").json()["items"]] == ["strict"]
    named = check(api, {"text": BASE}, {"text": TRIMMED}, policy="strict")
    assert named["passed"] is False and named["policy"]["name"] == "strict"

    # A story's policy applies to checks of its stored articles.
    url = "https://daily.example/policy-story"
    ids = [
        api.post(
            "/v1/articles", json={"outlet": "Daily", "url": url, "text": t, "story": "pol"}
        ).json()["id"]
        for t in (BASE, TRIMMED)
    ]
    stored = ({"article_id": ids[0], "version": 1}, {"article_id": ids[0], "version": 2})
    assert check(api, *stored)["passed"] is True
    api.put("/v1/policies/pol-strict", json={"fail_on": ["partial_quote"], "story": "pol"})
    applied = check(api, *stored)
    assert applied["passed"] is False and applied["policy"]["name"] == "pol-strict"

    problem(
        api.post(
            "/v1/checks",
            json={"baseline": {"text": BASE}, "candidate": {"text": BASE}, "policy": "nope"},
        ),
        404,
    )
    problem(api.put("/v1/policies/strict", json={"fail_on": ["moved"]}), 422)
    problem(api.put("/v1/policies/bad name", json={}), 422)
    assert api.delete("/v1/policies/strict").status_code == 204
    problem(api.get("/v1/policies/strict"), 404)


def test_a_dropped_quote_whose_words_remain_unquoted_carries_its_echo(api: TestClient) -> None:
    baseline = (
        'The minister said: "We will never sell tractors to Norway under any circumstances." '
        "Others disagreed."
    )
    candidate = (
        "The minister said they will never sell tractors to Norway under any circumstances. "
        "Others disagreed."
    )
    body = check(api, {"text": baseline}, {"text": candidate})
    dropped = next(f for f in body["findings"] if f["kind"] == "dropped_quote")
    echo = dropped["echo"]
    assert (echo["quote"], echo["echoed_in"]) == (dropped["baseline"]["quote_id"], "right")
    assert candidate[echo["start"] : echo["end"]] == echo["text"]
    assert echo["kind"] == "indirect"
