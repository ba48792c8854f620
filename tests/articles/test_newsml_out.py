"""A stored version as NewsML-G2 (issue 17, item 2's export), beside the
ninjs one: ``GET /v1/articles/{id}/versions/{n}/newsml``, on SQLite and
PostgreSQL. What it writes reads back to the same text, so posting it
again finds the version unchanged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from service.platform.newsml import parse_newsml, to_newsml
from tests.articles.newsml_items import PARAGRAPHS, news_item
from tests.problems import ProblemCheck

NEWSITEM = "application/vnd.iptc.g2.newsitem+xml"


def test_what_is_written_reads_back() -> None:
    text = "First line\nsecond line.\n\n" + "\n\n".join(PARAGRAPHS) + "\n\nA \x0b control."
    written = to_newsml(
        uri="urn:sourcediff:article:1",
        version=3,
        outlet="Riverton Wire",
        text=text,
        title="Bridge & <river>",
        byline="Lee Park",
        language="en",
        version_created=datetime(2026, 3, 2, 10, tzinfo=UTC),
        first_created=datetime(2026, 3, 1, 9, tzinfo=UTC),
    )
    assert written.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    (item,) = parse_newsml(written).items
    assert item.text == text.replace("\x0b", "\ufffd")  # no XML carries a C0 control
    assert (item.uri, item.version, item.title, item.byline) == (
        "urn:sourcediff:article:1",
        "3",
        "Bridge & <river>",
        "Lee Park",
    )
    assert (item.provider, item.language) == ("Riverton Wire", "en")
    assert item.version_created == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert item.first_created == datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_a_version_as_newsml_posted_back_is_unchanged(api: TestClient) -> None:
    url = f"https://daily.example/{uuid.uuid4().hex[:12]}"
    text = "Opening line.\nA second line.\n\n" + "\n\n".join(PARAGRAPHS)
    article = {"outlet": "Daily", "url": url, "text": text, "title": "Bridge", "byline": "Lee"}
    recorded = api.post("/v1/articles", json=article).json()
    exported = api.get(f"/v1/articles/{recorded['id']}/versions/1/newsml")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == NEWSITEM
    (item,) = parse_newsml(exported.content).items
    assert (item.uri, item.version, item.text, item.title) == (url, "1", text, "Bridge")
    assert item.provider == "Daily"
    ninjs = api.get(f"/v1/articles/{recorded['id']}/versions/1/ninjs").json()
    assert ninjs["uri"] == item.uri  # the two exports name the item alike

    again = api.post("/v1/articles", content=exported.content, headers={"Content-Type": NEWSITEM})
    assert again.status_code == 200, again.text
    assert (again.json()["id"], again.json()["created"]) == (recorded["id"], False)


def test_an_item_stored_from_newsml_comes_back_with_its_guid(api: TestClient) -> None:
    guid = f"urn:newsml:wire.example:{uuid.uuid4().hex[:12]}"
    recorded = api.post(
        "/v1/articles", content=news_item(guid).encode(), headers={"Content-Type": NEWSITEM}
    ).json()
    exported = api.get(f"/v1/articles/{recorded['id']}/versions/1/newsml")
    (item,) = parse_newsml(exported.content).items
    assert (item.uri, item.provider, item.title) == (
        guid,
        "Riverton Wire",
        "Bridge to reopen by spring",
    )


def test_an_article_without_a_url_and_a_control_character(api: TestClient) -> None:
    # JSON may carry a vertical tab; XML cannot: it is written as U+FFFD, not a 500.
    body = {"outlet": "Daily", "external_id": uuid.uuid4().hex, "text": "Tab\x0bhere."}
    recorded = api.post("/v1/articles", json=body).json()
    exported = api.get(f"/v1/articles/{recorded['id']}/versions/1/newsml")
    assert exported.status_code == 200, exported.text
    (item,) = parse_newsml(exported.content).items
    assert item.uri == f"urn:sourcediff:article:{recorded['id']}"
    assert item.text == "Tab\ufffdhere."


def test_a_missing_version_is_404(api: TestClient, problem: ProblemCheck) -> None:
    body = {"outlet": "Daily", "external_id": uuid.uuid4().hex, "text": "One."}
    recorded = api.post("/v1/articles", json=body).json()
    problem(api.get(f"/v1/articles/{recorded['id']}/versions/2/newsml"), 404)
    problem(api.get("/v1/articles/nope/versions/1/newsml"), 404)
