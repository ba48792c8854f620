"""The story the story and quote API tests read: the repository's pair
(``tests/fixtures/pair/``) plus two outlets made from it the way coverage
drifts (one drops the paragraph with the "premature" quotation and publishes
first, one drops a word of the long denial)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.core.alignment import stories as core_stories
from service.platform.config import Settings
from service.platform.db import make_engine
from service.stories import quotations
from service.stories.service import StoryLimits, StoryReading, read_story_quotes

__all__ = ["DENIAL", "count_alignments", "read_reading", "store_story"]

DENIAL = "Not one inspection has been skipped on any of our vessels"


def _without_paragraph(text: str, containing: str) -> str:
    paragraphs = text.split("\n")
    kept = [p for p in paragraphs if containing not in p]
    assert len(kept) == len(paragraphs) - 1, containing
    return "\n".join(kept)


def store_story(api: TestClient, pair_texts: tuple[str, str]) -> dict[str, Any]:
    """Store four outlets in story ``ferry-checks``: their article ids by outlet."""
    left, right = pair_texts
    key = "ferry-checks"
    early = _without_paragraph(left, "“premature”")
    trimmed = right.replace("let me say this plainly", "let me say plainly")
    assert trimmed != right
    articles = [
        ("Outlet Left", left, "2025-10-14T08:00:00Z"),
        ("Outlet Right", right, "2025-10-14T09:00:00Z"),
        ("Outlet Early", early, "2025-10-14T06:00:00Z"),
        ("Outlet Trim", trimmed, "2025-10-14T10:00:00Z"),
    ]
    ids = {}
    for outlet, text, published in articles:
        response = api.post(
            "/v1/articles",
            json={
                "outlet": outlet,
                "url": f"https://news.example/{key}/{outlet.split()[1].lower()}",
                "text": text,
                "published_at": published,
                "story": key,
            },
        )
        assert response.status_code == 201, response.text
        assert response.json()["story"] == key
        ids[outlet] = response.json()["id"]
    return {"key": key, "ids": ids}


def read_reading(url: str, tenant: str, key: str) -> StoryReading:
    """What a story page is made from, read from the database at ``url``
    as the route reads it (the default limits)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return read_story_quotes(session, tenant, key, StoryLimits.of(Settings()))
    finally:
        engine.dispose()


def count_alignments(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets a 1 for each story aligned in this process from now
    on (small stories are answered in the server's threads)."""
    counted: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> core_stories.StoryAlignment:
        counted.append(1)
        return core_stories.align_story(*args, **kwargs)

    monkeypatch.setattr(quotations, "align_story", counting)
    return counted
