"""Quote search and related articles over HTTP, on SQLite and PostgreSQL,
over the story of ``tests/stories/coverage.py``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.problems import ProblemCheck
from tests.stories.coverage import DENIAL, store_story


@pytest.fixture(scope="module")
def story(api: TestClient, pair_texts: tuple[str, str]) -> dict[str, Any]:
    """Four outlets in story ``ferry-checks``: their article ids by outlet."""
    return store_story(api, pair_texts)


def test_search_finds_each_outlets_wording(api: TestClient, story: dict[str, Any]) -> None:
    ids = story["ids"]
    found = api.get("/v1/quotes/search", params={"q": f"{DENIAL} before"}).json()
    by_outlet = {h["outlet"]: h for h in found["items"] if DENIAL in h["quote"]["text"]}
    assert set(by_outlet) >= set(ids)
    assert all(h["score"] >= 80 and h["relation"] == "partial" for h in by_outlet.values())
    strict = api.get(
        "/v1/quotes/search", params={"q": "skipped on any of our vessels", "min_score": 100}
    ).json()
    assert all(h["score"] == 100 for h in strict["items"])


def test_search_pages_without_repeats(api: TestClient, story: dict[str, Any]) -> None:
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"q": DENIAL, "limit": 1, "min_score": 60}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/quotes/search", params=params).json()
        seen += [(h["score"], h["quote"]["id"]) for h in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) >= 4 and len(set(seen)) == len(seen)
    assert seen == sorted(seen, key=lambda s: (-s[0], s[1]))


def test_search_refuses_bad_queries(api: TestClient, problem: ProblemCheck) -> None:
    problem(api.get("/v1/quotes/search", params={"q": "“ — ”"}), 422)
    problem(api.get("/v1/quotes/search"), 422)
    problem(api.get("/v1/quotes/search", params={"q": "x", "min_score": 101}), 422)
    problem(api.get("/v1/quotes/search", params={"q": "x", "cursor": "garbage"}), 400)
    problem(api.get("/v1/quotes/search", params={"q": "x", "scope": "some"}), 422)


def test_related_articles_rank_coverage_of_the_same_event(
    api: TestClient, story: dict[str, Any], problem: ProblemCheck
) -> None:
    ids = story["ids"]
    api.post(
        "/v1/articles",
        json={
            "outlet": "Elsewhere",
            "url": f"https://news.example/{story['key']}/unrelated",
            "text": '"The harvest was poor this year," a farmer said.',
        },
    )
    related = api.get(f"/v1/articles/{ids['Outlet Left']}/related").json()
    outlets = [r["outlet"] for r in related["items"]]
    assert set(outlets) == {"Outlet Right", "Outlet Early", "Outlet Trim"}
    # Early is Left with one paragraph dropped: it shares the most.
    assert outlets[0] == "Outlet Early"
    top = related["items"][0]
    assert top["stories"] == [story["key"]] and top["shared_quotes"] >= 3
    assert all(e["relation"] in ("identical", "reworded", "partial") for e in top["evidence"])
    problem(api.get("/v1/articles/nope/related"), 404)
