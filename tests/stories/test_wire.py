"""A story page's JSON is written once (``schemas.quotes_json``): the bytes
are those of ``StoryQuotes.of`` dumped as the route dumped it before, on
every page of a story with publication times (with and without fractions of
a second), an article without one, echoes, and a primary document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from service.http.app import create_app
from service.platform.config import DEFAULT_TENANT, Settings
from service.stories.schemas import StoryQuotes, quotes_json
from service.stories.service import story_page
from tests.stories.coverage import read_reading, store_story

DUMP = TypeAdapter(StoryQuotes)
TENANT = DEFAULT_TENANT
KEY = "ferry-checks"


@pytest.fixture(scope="module")
def api(module_database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=module_database_url, background=False, auth_disabled=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def story(api: TestClient, pair_texts: tuple[str, str]) -> dict[str, Any]:
    """The four outlets of ``store_story``, one more published at a time
    with microseconds, one with no time, and a primary document."""
    ids = store_story(api, pair_texts)
    left, _ = pair_texts
    extra = [
        ("Outlet Micro", left.replace("plainly", "clearly"), "2025-10-14T07:30:00.250000+02:00"),
        ("Outlet Undated", left.split("\n", 1)[1], None),
        ("Company", "Not one inspection has been skipped on any of our vessels.", None),
    ]
    for outlet, text, published in extra:
        body = {"outlet": outlet, "url": f"https://news.example/{outlet}", "text": text}
        if published is not None:
            body["published_at"] = published
        stored = api.post("/v1/articles", json=body)
        assert stored.status_code == 201, stored.text
        primary = outlet == "Company"
        joined = api.post(
            f"/v1/stories/{KEY}/articles",
            json={"article_id": stored.json()["id"], "primary": primary},
        )
        assert joined.status_code == 201, joined.text
    return ids


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_every_page_is_written_as_the_models_dump_it(
    api: TestClient, module_database_url: str, story: dict[str, Any], limit: int
) -> None:
    reading = read_reading(module_database_url, TENANT, KEY)
    total, offset, pages = None, 0, []
    while total is None or offset < total:
        page = story_page(reading, offset=offset, limit=limit)
        written = quotes_json(page)
        assert written == DUMP.dump_json(StoryQuotes.of(page), by_alias=True)
        pages.append(written)
        total, offset = page.total, offset + limit
    assert total > 2
    first = pages[0].decode()
    # What the page holds that a writer could get wrong: both kinds of time,
    # a null one, the primary report, echoes, and scores written as floats.
    assert '"published_at":"2025-10-14T05:30:00.250000Z"' in first
    assert '"published_at":null' in first and '"dated_by":"published"' in first
    assert '"primary":{"documents":' in first and '"score":100.0' in first
    assert any('"echoes":{"S' in page.decode() for page in pages)
    # The route answers those bytes.
    answered = api.get(f"/v1/stories/{KEY}/quotes", params={"limit": limit})
    assert answered.status_code == 200
    assert answered.content == pages[0]
