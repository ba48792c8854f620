"""``CompareResponse.of``, the only definition of the ``POST /v1/compare``
body: built in-process from the core's comparison, it is the route's body
byte for byte, with each optional field present exactly when it should be."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from service.compare.schemas import (
    CompareResponse,
    EchoOut,
    MatchOut,
    PassagesOut,
    PrimaryOut,
    SideOut,
)
from service.compare.service import (
    HtmlSource,
    StoredSource,
    TextSource,
    check_primaries,
    compare_sides,
    primary_texts,
)
from service.core import compare_texts
from service.core.compare import quote_ids
from service.platform.config import Settings

LEFT = (
    '"We have never exported weapons to Russia," the vice director said. '
    'He called the reports "reckless remarks". Pyongyang denied everything.'
)
PAGE = (
    "<html><body><article><p>“We never exported weapons to Russia,” said Kim Yo Jong.</p>"
    "<p>She dismissed the reports as reckless remarks by the enemy.</p></article>"
    "</body></html>"
)
STATEMENT = "We have never exported weapons to Russia. Such reports are reckless remarks."


def test_an_html_side_and_primaries_as_the_route_answers(
    client: TestClient, settings: Settings
) -> None:
    request = {
        "left": {"text": LEFT, "outlet": "Herald"},
        "right": {"html": PAGE},
        "primary": [{"text": STATEMENT}, {"html": f"<p>{STATEMENT}</p>"}],
    }
    response = client.post("/v1/compare", json=request)
    assert response.status_code == 200, response.text

    left, right = TextSource(LEFT, "Herald"), HtmlSource(PAGE)
    comparison = compare_sides(left, right, settings)
    texts = primary_texts([TextSource(STATEMENT), HtmlSource(f"<p>{STATEMENT}</p>")], settings)
    body = CompareResponse.of(comparison, left, right, check_primaries(comparison, texts))

    assert body.model_dump_json(exclude_unset=True).encode() == response.content
    dumped = response.json()
    assert "text" not in dumped["left"] and dumped["left"]["outlet"] == "Herald"
    assert dumped["right"]["text"] == comparison.right.text and "outlet" not in dumped["right"]
    assert [s["verdict"] for s in dumped["primary"]["left"]] == ["accurate", "trimmed"]
    assert [e["quote"] for e in dumped["echoes"]] == ["L2"]  # "reckless remarks", unquoted
    assert set(dumped) == {
        "left",
        "right",
        "matches",
        "left_only",
        "right_only",
        "echoes",
        "attribution_drift",
        "primary",
        "passages",
    }


def test_a_stored_side_as_the_route_answers(client: TestClient, settings: Settings) -> None:
    stored = {"outlet": "Daily", "url": "https://daily.example/schemas", "text": LEFT}
    article_id = client.post("/v1/articles", json=stored).json()["id"]
    request = {"left": {"article_id": article_id}, "right": {"html": PAGE}, "passages": False}
    response = client.post("/v1/compare", json=request)
    assert response.status_code == 200, response.text

    def load(wanted: str, version: int | None) -> tuple[str, str | None]:
        assert (wanted, version) == (article_id, None)
        return LEFT, "Daily"

    left, right = StoredSource(article_id), HtmlSource(PAGE)
    comparison = compare_sides(left, right, settings, load=load, passages=False)
    body = CompareResponse.of(comparison, left, right)

    assert body.model_dump_json(exclude_unset=True).encode() == response.content
    dumped = response.json()
    assert dumped["left"]["outlet"] == "Daily" and "text" not in dumped["left"]
    assert "passages" not in dumped and "primary" not in dumped


def test_without_insight_the_extra_fields_are_absent() -> None:
    comparison = compare_texts(LEFT, '"reckless remarks," he said.', insight=False, passages=False)
    left, right = TextSource(comparison.left.text), TextSource(comparison.right.text)
    dumped = json.loads(
        CompareResponse.of(comparison, left, right).model_dump_json(exclude_unset=True)
    )
    assert set(dumped) == {"left", "right", "matches", "left_only", "right_only"}
    (match,) = dumped["matches"]
    assert set(match) == {"left", "right", "relation", "score", "diff"}


@pytest.mark.parametrize("passages", [True, False])
def test_each_converter_builds_its_part_of_the_body(passages: bool, settings: Settings) -> None:
    """The models' own ``of`` give what ``CompareResponse.of`` puts in the body."""
    left, right = TextSource(LEFT), HtmlSource(PAGE)
    comparison = compare_sides(left, right, settings, passages=passages)
    checked = check_primaries(comparison, [STATEMENT])
    body = CompareResponse.of(comparison, left, right, checked)
    lids = quote_ids("L", len(comparison.left.quotes))
    rids = quote_ids("R", len(comparison.right.quotes))
    insight = comparison.insight
    assert insight is not None and insight.echoes

    assert body.left == SideOut.of(comparison.left, lids)
    assert body.right == SideOut.of(comparison.right, rids, with_text=True)
    assert body.matches == [
        MatchOut.of(m, lids[m.left], rids[m.right], pair)
        for m, pair in zip(comparison.alignment.matches, insight.pairs, strict=True)
    ]
    ids = {"left": lids, "right": rids}
    assert body.echoes == [EchoOut.of(e, ids[e.side][e.index]) for e in insight.echoes]
    assert body.primary == PrimaryOut.of(checked, lids, rids)
    if passages:
        assert comparison.passages is not None
        assert body.passages == PassagesOut.of(comparison.passages)
    else:
        assert body.passages is None and "passages" not in body.model_fields_set
