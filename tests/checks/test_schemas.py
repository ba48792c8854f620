"""The check's JSON: the response has every field of a finding (null where
it does not apply); the ``check.failed`` event's data only the finding's own."""

from __future__ import annotations

from service.checks.schemas import CheckFailed, CheckResponse
from service.compare.service import StoredSource, TextSource
from service.core import compare_texts
from service.core.checks import Policy, check

BASELINE = '"We will win," he said. "Never," she said.'
CANDIDATE = '"We will surely win," he said.'


def test_the_event_leaves_out_what_the_response_sets_to_null() -> None:
    result = check(compare_texts(BASELINE, CANDIDATE), Policy())
    response = CheckResponse.of("strict", result).model_dump(mode="json")
    data = CheckFailed.of(
        "strict", result, TextSource(BASELINE, "Wire"), StoredSource("a1", 2)
    ).data()

    reworded, dropped = response["findings"]
    assert dropped["relation"] is None and dropped["echo"] is None
    assert set(dropped) == set(reworded)
    assert (
        data["policy"]
        == response["policy"]
        == {
            "name": "strict",
            "fail_on": ["dropped_quote", "reworded_quote"],
            "min_passage_words": 30,
        }
    )
    assert data["summary"] == response["summary"]
    assert list(data["summary"])[:3] == ["failures", "findings", "dropped_quote"]
    assert data["baseline"] == {"inline": True, "outlet": "Wire"}
    assert data["candidate"] == {"article_id": "a1", "version": 2}
    event_reworded, event_dropped = data["findings"]
    assert list(event_dropped) == ["kind", "fails", "message", "baseline", "candidate"]
    assert list(event_reworded) == [
        "kind",
        "fails",
        "message",
        "baseline",
        "candidate",
        "relation",
        "score",
        "diff",
        "edits",
    ]
    assert {k: v for k, v in reworded.items() if k in event_reworded} == event_reworded
