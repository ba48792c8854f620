"""A story's times as given (issue 21, finding 6): an article's
``published_at`` is its source's or null, never the time it was stored, which
has its own field; who ran a statement first says which time ranked it."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

TEXT = '"The bridge opens in May," the mayor said.'


def test_a_source_without_a_time_has_none_and_first_says_how_it_was_ranked(
    api: TestClient,
) -> None:
    key = f"dates-{uuid.uuid4().hex[:8]}"
    dated = {
        "outlet": "Dated Daily",
        "url": f"https://dated.example/{key}",
        "text": TEXT,
        "story": key,
        "published_at": "2026-03-01T08:00:00Z",
    }
    undated = {"outlet": "Undated Wire", "url": f"https://undated.example/{key}", "text": TEXT}
    undated["story"] = key
    assert api.post("/v1/articles", json=undated).status_code == 201
    assert api.post("/v1/articles", json=dated).status_code == 201

    articles = {a["outlet"]: a for a in api.get(f"/v1/stories/{key}").json()["articles"]}
    assert articles["Undated Wire"]["published_at"] is None
    assert articles["Undated Wire"]["stored_at"]
    assert articles["Dated Daily"]["published_at"].startswith("2026-03-01T08:00:00")

    quotes = api.get(f"/v1/stories/{key}/quotes").json()
    (statement,) = quotes["statements"]
    # The dated article ran it first by its publication time, though stored second.
    assert statement["first"]["outlet"] == "Dated Daily"
    assert statement["first"]["dated_by"] == "published"
    variants = {v["outlet"]: v for v in statement["variants"]}
    assert variants["Undated Wire"]["published_at"] is None


def test_first_by_the_stored_time_says_so(api: TestClient) -> None:
    key = f"undated-{uuid.uuid4().hex[:8]}"
    for outlet in ("First Wire", "Second Wire"):
        body = {"outlet": outlet, "url": f"https://{outlet.split()[0].lower()}.example/{key}"}
        body |= {"text": TEXT, "story": key}
        assert api.post("/v1/articles", json=body).status_code == 201
    (statement,) = api.get(f"/v1/stories/{key}/quotes").json()["statements"]
    assert statement["first"]["outlet"] == "First Wire"
    assert statement["first"]["dated_by"] == "stored"
    assert statement["first"]["published_at"] is None and statement["first"]["stored_at"]
